"""The NLU-quality part of docs/BENCHMARKS.md, from benchmarks.nlu_quality's JSON."""

from __future__ import annotations

from typing import Any, Dict, List

from benchmarks.common import table, verdict

PIPELINES = ["ours", "rasa-default", "tfidf-logreg"]
PERTURBATIONS = ["no_accents", "typos", "upper"]
ENTITY_KINDS = ("email", "customer_id")


def _pct(value: float) -> str:
    return f"{100 * value:.1f} %"


def _entity_cell(entities: Dict[str, Any]) -> str:
    """F1 per entity type, or why there is none: the blind sets annotate intents only, so
    every value found there would count as a false positive."""
    if not any(entities[kind]["tp"] + entities[kind]["fn"] for kind in ENTITY_KINDS):
        return "not annotated"
    return " / ".join(f"{entities[kind]['f1']:.3f}" for kind in ENTITY_KINDS)


def _metrics_rows(pipelines: Dict[str, Any], split: str) -> List[List[Any]]:
    rows = []
    for name in PIPELINES:
        metrics = pipelines[name].get(split)
        if not metrics:
            rows.append([name, "not run", "", "", "", "", ""])
            continue
        entities = metrics["entities"]
        rows.append(
            [
                name,
                metrics["n"],
                _pct(metrics["accuracy"]),
                _pct(metrics["macro_f1"]),
                _pct(metrics["out_of_scope_recall"]),
                _pct(metrics["wrong_fallbacks"]["share"]),
                _entity_cell(entities),
            ]
        )
    return rows


# Issue 11's targets on the blind evaluation sets, and the margin over the linear baseline.
MARGIN_POINTS = 3.0


def _targets(ours: Dict[str, Any], baseline: Dict[str, Any]) -> str:
    holdout, robustness = ours["holdout"], ours["robustness"]

    def accuracy(pipeline: Dict[str, Any], variant: str) -> float:
        return float(pipeline["robustness"][variant]["accuracy"])

    rows = [
        ["accuracy ≥ 0.97", f"{holdout['accuracy']:.3f}", verdict(holdout["accuracy"] >= 0.97)],
        ["macro-F1 ≥ 0.96", f"{holdout['macro_f1']:.3f}", verdict(holdout["macro_f1"] >= 0.96)],
        [
            "one typo per long word: accuracy ≥ 0.93",
            f"{robustness['typos']['accuracy']:.3f}",
            verdict(robustness["typos"]["accuracy"] >= 0.93),
        ],
        [
            "no accents: accuracy ≥ 0.96",
            f"{robustness['no_accents']['accuracy']:.3f}",
            verdict(robustness["no_accents"]["accuracy"] >= 0.96),
        ],
        [
            "wrong fallbacks ≤ 2 %",
            _pct(holdout["wrong_fallbacks"]["share"]),
            verdict(holdout["wrong_fallbacks"]["share"] <= 0.02),
        ],
        [
            "out_of_scope recall ≥ 0.95",
            f"{holdout['out_of_scope_recall']:.3f}",
            verdict(holdout["out_of_scope_recall"] >= 0.95),
        ],
    ]
    for variant, label in (("original", "clean"), ("typos", "one typo per long word")):
        points = 100 * (accuracy(ours, variant) - accuracy(baseline, variant))
        rows.append(
            [
                f"{label}: ours ≥ TF-IDF baseline + {MARGIN_POINTS:.0f} points",
                f"{points:+.1f} points",
                verdict(points >= MARGIN_POINTS),
            ]
        )
    return table(["target (our pipeline, blind evaluation sets)", "measured", "verdict"], rows)


def quality_section(quality: Dict[str, Any]) -> str:
    pipelines, run = quality["pipelines"], quality["run"]
    robustness = [
        [name]
        + [_pct(pipelines[name]["robustness"]["original"]["accuracy"])]
        + [
            f"{_pct(pipelines[name]['robustness'][p]['accuracy'])} "
            f"({-pipelines[name]['robustness'][p]['drop_points']:+.1f})"
            for p in PERTURBATIONS
        ]
        for name in PIPELINES
    ]
    per_intent = [
        [intent]
        + [
            f"{pipelines[n]['holdout']['per_intent'][intent]['precision']:.2f} / "
            f"{pipelines[n]['holdout']['per_intent'][intent]['recall']:.2f}"
            for n in PIPELINES
        ]
        for intent in sorted(pipelines["ours"]["holdout"]["per_intent"])
    ]
    training = [
        [name, pipelines[name]["training_seconds"], pipelines[name]["description"]]
        for name in PIPELINES
    ]
    cuts = run.get("cuts") or ["none"]
    header = [
        "pipeline",
        "messages",
        "accuracy",
        "macro-F1",
        "out_of_scope recall",
        "wrong fallbacks",
        "entity F1 email / customer_id",
    ]
    return "\n\n".join(
        [
            "## NLU quality",
            f"{quality['data']['training_examples']} training examples, "
            f"{quality['data']['holdout_examples']} evaluation messages "
            f"({quality['data']['holdout_file']}), {len(quality['data']['intents'])} "
            f"intents. Run of {quality['generated_at']}, mode {run['mode']}, "
            f"{run['wall_seconds']:.0f} s. What the budget cut: " + " ".join(cuts),
            "### Targets",
            _targets(pipelines["ours"], pipelines["tfidf-logreg"]),
            f"### Blind evaluation sets ({quality['data']['holdout_file']})",
            table(header, _metrics_rows(pipelines, "holdout")),
            "### 5-fold cross-validation (data/nlu.yml)",
            table(header, _metrics_rows(pipelines, "cv")),
            "### Robustness (accuracy on the blind sets, drop in points)",
            table(
                ["pipeline", "original", "no accents", "one typo per long word", "upper case"],
                robustness,
            ),
            "![Accuracy and macro-F1 per pipeline](bench/nlu_comparison.png)",
            "![Confusion matrix of our pipeline on the blind sets](bench/confusion_ours.png)",
            "### Per intent, blind sets (precision / recall)",
            table(["intent"] + PIPELINES, per_intent),
            "### Training (all of data/nlu.yml)",
            table(["pipeline", "seconds", "what"], training),
        ]
    )
