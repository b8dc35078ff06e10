"""`make retrain`: the agents' labels become training data, behind a gate (issue 13).

Agents label the messages the bot missed (/agent, « À revoir »; bot/backend/review.py). This
command reads every label through the backend's API (`GET /review/labels`), writes the usable
ones to data/nlu_labelled.yml (a training file of its own, which `rasa train` reads with the
rest of data/), trains a candidate model, scores the served model and the candidate on the
evaluation sets (bot/ops/nlu_data.py `EVALUATION_SETS`, with benchmarks/nlu_quality.py's
metrics), and promotes the candidate only when no figure drops beyond noise. The comparison
is printed and kept under var/retrain/<UTC timestamp>/ (comparison.json, comparison.md).

A label is not exported when it was dismissed, when its message is in an evaluation set
(a model trained on its yardstick measures nothing), when data/nlu.yml already has the message,
or when agents gave the same message different intents. Messages are compared normalised
(`normalise`: case, accents and punctuation do not count).

Noise. Retraining the same data gives the same figures (DIET and the ensemble are seeded), but
adding a few examples moves every decision boundary a little, so a message or two near a
boundary may flip either way without the model being worse (README, « make retrain », has the
measurement); and one message is 3 to 10 points of an intent's recall in these sets (10 to 40
messages per intent). So the gate refuses a
candidate when a set loses more than half a point of accuracy (2 messages of the 513 of
tests/nlu_eval.yml are tolerated, 3 are not), or when an intent with at least 10 messages in a
set loses more than 5 points of recall; in both cases never for a single message. The margin is
a judgment, not a measurement of run-to-run spread (`Noise` makes it a parameter).

Cross-validation is part of the gate, like for like: data/nlu.yml is cut into the same
stratified folds (benchmarks/nlu_quality.py's, `--cv-folds`, 2 by default, 0 to skip), each
test fold is parsed by a model trained on the other folds (the current data) and by one
trained on the other folds plus the labels (the candidate's data): the labels are never in a
test fold, and both sides are scored on the same messages, as a fifth set "cv" the gate
judges like the others. Its cost: two NLU trainings per fold (about 3 minutes each here).

Refused, the candidate is deleted and data/nlu_labelled.yml is put back as it was (with its
date, so that `make run` does not retrain with the refused labels). Promoted, the candidate
becomes models/current.tar.gz (the old one is kept as models/previous.tar.gz) and every Rasa
server found running loads it through `PUT /model`: the cluster's replicas one after the other,
never both at once, else `make run`'s server. A server's event loop is blocked while it loads
(Rasa loads the model synchronously): messages that reach it then wait, none is refused.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import shutil
import subprocess
import sys
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Set, Tuple

import requests

from benchmarks.nlu_quality import (
    RasaJob,
    evaluate,
    init_worker,
    our_config,
    parse_all,
    run_rasa_job,
    stratified_folds,
    training_yaml,
    write_fold_training,
)
from bot.clients.account import AccountClient, BackendUnavailable
from bot.config import PROJECT_ROOT, Settings, load_settings
from bot.domain.topics import INTENT_LABELS
from bot.ops.nlu_data import ENTITY, EVALUATION_SETS, TRAINING, Example, load_examples, normalise
from bot.ops.stack import venv_bin

logger = logging.getLogger(__name__)

LABELLED = PROJECT_ROOT / "data" / "nlu_labelled.yml"
MODELS = PROJECT_ROOT / "models"
RUNS = PROJECT_ROOT / "var" / "retrain"
HEADER = (
    "# Written by `make retrain` (bot/ops/retrain.py) from the agents' labels: do not edit,\n"
    "# label in /agent « À revoir » instead. Never holds a message of an evaluation set.\n"
)
# A model load blocks a Rasa server for tens of seconds; past this, something is wrong.
LOAD_TIMEOUT = 300.0
HEALTH_TIMEOUT = 2.0

Metrics = Dict[str, Any]  # benchmarks.nlu_quality.evaluate's figures for one set


@dataclass(frozen=True)
class Noise:
    """What the gate lets a candidate lose (see the module docstring)."""

    set_points: float = 0.005
    intent_points: float = 0.05
    min_support: int = 10


NOISE = Noise()


# --- export -----------------------------------------------------------------------------------


@dataclass
class Export:
    """The labels as training examples (text, intent), and those left out with the reason."""

    examples: List[Tuple[str, str]] = field(default_factory=list)
    skipped: List[Dict[str, Optional[str]]] = field(default_factory=list)


@dataclass(frozen=True)
class Known:
    """The messages already somewhere, normalised: training's with their intent, the
    evaluation sets' with the set's name."""

    training: Dict[str, str]
    evaluation: Dict[str, str]


def _refusal(text: str, intent: Optional[str], known: Known) -> Optional[str]:
    """Why a labelled message cannot be trained on, or None."""
    key = normalise(text)
    if intent is None:
        return "dismissed"
    if intent not in INTENT_LABELS:
        return f"{intent} is no longer an intent of the catalogue"
    if not key or text.startswith("/") or ENTITY.search(text):
        return "not a message Rasa reads as written (empty, a /payload or [entity](markup))"
    if key in known.evaluation:
        return f"in the evaluation set {known.evaluation[key]}: never trained on"
    if key in known.training:
        trained = known.training[key]
        return "already in data/nlu.yml" + ("" if trained == intent else f" as {trained}")
    return None


def export_labels(
    labels: Sequence[Mapping[str, Any]],
    training: Sequence[Example],
    evaluation: Mapping[str, Sequence[Example]],
) -> Export:
    """The labels (`GET /review/labels`, oldest first) that can become training examples,
    one per normalised message, sorted by intent."""
    known = Known(
        training={normalise(text): intent for text, intent, _ in training},
        evaluation={
            normalise(text): name
            for name, examples in evaluation.items()
            for text, _, _ in examples
        },
    )
    export = Export()
    kept: Dict[str, Tuple[str, Set[str]]] = {}
    for label in labels:
        text, intent = " ".join(str(label["text"]).split()), label.get("intent")
        reason = _refusal(text, intent, known)
        if reason is not None:
            export.skipped.append({"text": text, "intent": intent, "reason": reason})
            continue
        kept.setdefault(normalise(text), (text, set()))[1].add(str(intent))
    for first, intents in kept.values():
        if len(intents) > 1:
            reason = "agents disagree: " + ", ".join(sorted(intents))
            export.skipped.append({"text": first, "intent": None, "reason": reason})
        else:
            export.examples.append((first, next(iter(intents))))
    export.examples.sort(key=lambda example: (example[1], normalise(example[0])))
    return export


def labelled_yaml(examples: Sequence[Tuple[str, str]]) -> str:
    """data/nlu_labelled.yml's text, written as benchmarks/nlu_quality.py writes CV folds."""
    return HEADER + training_yaml([(text, intent, []) for text, intent in examples], [])


# --- evaluation and gate ----------------------------------------------------------------------


def evaluate_model(model: Path) -> Dict[str, Metrics]:
    """The model's figures on every evaluation set, parsed as the running bot parses.
    Rasa is imported here, quieted as the benchmark quiets it: not to load it for the export."""
    init_worker()
    from rasa.core.agent import Agent

    sets = {name: load_examples(path) for name, path in EVALUATION_SETS.items()}
    intents = sorted({intent for _, intent, _ in load_examples(TRAINING)})
    agent = Agent.load(str(model))
    texts = {name: [text for text, _, _ in examples] for name, examples in sets.items()}
    predictions = asyncio.run(parse_all(agent, texts))
    return {name: evaluate(sets[name], predictions[name], intents) for name in sets}


def cross_validation(
    labelled: Sequence[Tuple[str, str]], folds: int, work: Path
) -> Tuple[Metrics, Metrics]:
    """The current data's and the candidate's figures over the same test folds of
    data/nlu.yml (module docstring); the labels only ever in the training folds."""
    init_worker()
    examples = load_examples(TRAINING)
    extra: List[Example] = [(text, intent, []) for text, intent in labelled]
    tested: List[Example] = []
    predicted: Dict[str, list] = {"current": [], "candidate": []}
    for number, (train, test) in enumerate(stratified_folds([e[1] for e in examples], folds)):
        tested += [examples[i] for i in test]
        texts = {"original": [examples[i][0] for i in test]}
        for side, added in (("current", []), ("candidate", extra)):
            data = write_fold_training(work / f"cv_{side}_{number}.yml", examples, train, added)
            job = RasaJob(
                side, number, our_config(), str(data), texts, str(work / f"cv_{side}_{number}")
            )
            predicted[side] += run_rasa_job(job).predictions["original"]
    intents = sorted({intent for _, intent, _ in examples})
    return (
        evaluate(tested, predicted["current"], intents),
        evaluate(tested, predicted["candidate"], intents),
    )


@dataclass(frozen=True)
class Decision:
    promote: bool
    reasons: List[str]


def _correct(ratio: float, n: int) -> int:
    """Messages right, from a ratio rounded to 4 decimals: counts compare exactly."""
    return round(ratio * n)


def _allowed(points: float, n: int) -> float:
    """Messages a figure over `n` may lose: `points` of them, and never less than one."""
    return max(points * n, 1.0)


def decide(old: Mapping[str, Metrics], new: Mapping[str, Metrics], noise: Noise) -> Decision:
    """Promote unless a set's accuracy, or the recall of an intent with at least
    `noise.min_support` messages in a set, drops beyond the noise; the reasons say which."""
    reasons = []
    for name, before in old.items():
        after = new.get(name)
        if after is None or after["n"] != before["n"]:
            reasons.append(f"{name}: the candidate was not scored on the same messages")
            continue
        n = before["n"]
        lost = _correct(before["accuracy"], n) - _correct(after["accuracy"], n)
        if lost > _allowed(noise.set_points, n):
            reasons.append(
                f"{name}: accuracy {before['accuracy']:.1%} -> {after['accuracy']:.1%} "
                f"({lost} of {n} messages lost)"
            )
        for intent, figures in before["per_intent"].items():
            support = figures["support"]
            if support < noise.min_support:
                continue
            recall = after["per_intent"].get(intent, {}).get("recall", 0.0)
            lost = _correct(figures["recall"], support) - _correct(recall, support)
            if lost > _allowed(noise.intent_points, support):
                reasons.append(
                    f"{name}: {intent} recall {figures['recall']:.1%} -> {recall:.1%} "
                    f"({lost} of {support} messages lost)"
                )
    return Decision(not reasons, reasons)


def comparison(
    old: Mapping[str, Metrics], new: Mapping[str, Metrics], decision: Decision, export: Export
) -> Dict[str, Any]:
    """What var/retrain/<timestamp>/comparison.json holds."""
    return {
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "decision": asdict(decision),
        "noise": asdict(NOISE),
        "export": {"examples": len(export.examples), "skipped": export.skipped},
        "sets": {
            name: {"n": old[name]["n"], "current": old[name], "candidate": new.get(name)}
            for name in old
        },
    }


def markdown(report: Mapping[str, Any]) -> str:
    """The comparison as two short tables: accuracy per set, recall per intent and set."""
    sets = report["sets"]
    decision = report["decision"]
    verdict = "promoted" if decision["promote"] else "refused"
    lines = [
        f"# Retrain {report['generated_at']}: candidate {verdict}",
        "",
        *[f"- {reason}" for reason in decision["reasons"]],
        f"- {report['export']['examples']} labelled example(s) trained on, "
        f"{len(report['export']['skipped'])} label(s) left out",
        "",
        "| set | messages | current | candidate |",
        "|---|---:|---:|---:|",
    ]
    for name, figures in sets.items():
        after = figures["candidate"] or {}
        lines.append(
            f"| {name} | {figures['n']} | {figures['current']['accuracy']:.1%} "
            f"| {after.get('accuracy', float('nan')):.1%} |"
        )
    lines += ["", "Recall per intent, current -> candidate:", ""]
    lines += ["| intent | " + " | ".join(sets) + " |", "|---|" + "---:|" * len(sets)]
    intents = sorted({i for figures in sets.values() for i in figures["current"]["per_intent"]})
    for intent in intents:
        cells = []
        for figures in sets.values():
            before = figures["current"]["per_intent"].get(intent, {})
            after = (figures["candidate"] or {}).get("per_intent", {}).get(intent, {})
            if not before.get("support"):
                cells.append("-")
                continue
            cells.append(f"{before['recall']:.0%} -> {after.get('recall', 0.0):.0%}")
        lines.append(f"| {intent} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


# --- files ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Paths:
    """Where the retrain reads and writes (the project's folders; a test's temporary ones)."""

    labelled: Path = LABELLED
    models: Path = MODELS
    runs: Path = RUNS

    @property
    def current(self) -> Path:
        return self.models / "current.tar.gz"

    @property
    def previous(self) -> Path:
        return self.models / "previous.tar.gz"

    @property
    def candidate(self) -> Path:
        return self.models / "candidate.tar.gz"


def stage_labelled(text: str, paths: Paths, run: Path) -> None:
    """Writes the new training file (none for no example: Rasa refuses an empty one); the
    old one, if any, waits in `run` with its date."""
    if paths.labelled.exists():
        os.replace(paths.labelled, run / "nlu_labelled.previous.yml")
    if text:
        paths.labelled.write_text(text, encoding="utf-8")
    (run / "nlu_labelled.yml").write_text(text, encoding="utf-8")


def unstage_labelled(paths: Paths, run: Path) -> None:
    """data/nlu_labelled.yml as it was before `stage_labelled`, with its old date."""
    kept = run / "nlu_labelled.previous.yml"
    if kept.exists():
        os.replace(kept, paths.labelled)
    else:
        paths.labelled.unlink(missing_ok=True)


def promote(paths: Paths) -> None:
    """The candidate becomes the served model file; the old one stays as previous.tar.gz.
    The rename is atomic: a server starting meanwhile reads one model or the other, whole."""
    if paths.current.exists():
        shutil.copy2(paths.current, paths.previous)
    os.replace(paths.candidate, paths.current)


def conclude(
    old: Mapping[str, Metrics], new: Mapping[str, Metrics], export: Export, paths: Paths, run: Path
) -> Decision:
    """The gate's decision, stored in `run` and printed, then the files it implies: the
    candidate promoted, or deleted with data/nlu_labelled.yml put back."""
    decision = decide(old, new, NOISE)
    report = comparison(old, new, decision, export)
    (run / "comparison.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    table = markdown(report)
    (run / "comparison.md").write_text(table, encoding="utf-8")
    print(table, end="")
    if decision.promote:
        promote(paths)
    else:
        paths.candidate.unlink(missing_ok=True)
        unstage_labelled(paths, run)
    return decision


# --- the running servers ----------------------------------------------------------------------


def _answers(url: str) -> bool:
    try:
        return requests.get(f"{url}/", timeout=HEALTH_TIMEOUT).status_code == 200
    except requests.RequestException:
        return False


def serving_urls(settings: Settings) -> List[str]:
    """The Rasa servers to reload: the cluster's replicas (their own ports, not nginx's,
    which would send the load to one replica only) when one answers, else `make run`'s."""
    replicas = [f"http://{settings.host}:{port}" for port in settings.cluster.rasa_ports]
    if any(_answers(url) for url in replicas):
        return replicas
    return [settings.rasa_url] if _answers(settings.rasa_url) else []


def load_model(url: str, token: str, model: Path) -> None:
    """Rasa's `PUT /model`: the server swaps its agent once the new one is loaded; it keeps
    the old one if the load fails. Raises on any answer but 204."""
    response = requests.put(
        f"{url}/model",
        params={"token": token},
        json={"model_file": str(model.resolve())},
        timeout=LOAD_TIMEOUT,
    )
    if response.status_code != 204:
        raise RuntimeError(f"{url} did not load the model: HTTP {response.status_code}")


def reload_servers(urls: Sequence[str], token: Optional[str], model: Path) -> None:
    """Each server in turn, the next only once the previous one answers with the new model:
    in the cluster the other replica keeps answering meanwhile."""
    if urls and not token:
        print(
            "The running Rasa servers keep the old model until they restart: "
            "RASA_AUTH_TOKEN is not set, so `make retrain` cannot load it through their API."
        )
        return
    for url in urls:
        try:
            load_model(url, str(token), model)
        except (requests.RequestException, RuntimeError) as error:
            raise SystemExit(
                f"{error}. The servers before it in {list(urls)} serve the new model, the others "
                f"the old one; restart them to serve {model} (previous.tar.gz is the old one)."
            ) from error
        print(f"{url} now serves {model.name}")


# --- command line -----------------------------------------------------------------------------


def read_labels(settings: Settings) -> List[Dict[str, Any]]:
    try:
        return AccountClient(settings.backend).review_labels()
    except BackendUnavailable as error:
        raise SystemExit(
            f"Could not read the labels from the backend at {settings.backend.url} ({error}): "
            "is it running, with the BACKEND_API_TOKEN of this environment (.env)?"
        ) from error


def train_candidate(paths: Paths) -> None:
    """`rasa train` on data/ (labels included) into models/candidate.tar.gz; Rasa's cache
    reuses what the labels do not change (the dialogue policies)."""
    argv = [venv_bin("rasa"), "train", "--fixed-model-name", "candidate"]
    subprocess.run([*argv, "--out", str(paths.models)], cwd=PROJECT_ROOT, check=True)


def retrain(settings: Settings, paths: Paths, cv_folds: int = 0) -> int:
    labels = read_labels(settings)
    evaluation = {name: load_examples(path) for name, path in EVALUATION_SETS.items()}
    export = export_labels(labels, load_examples(TRAINING), evaluation)
    reasons: Dict[str, int] = defaultdict(int)
    for skipped in export.skipped:
        reasons[str(skipped["reason"]).split(":")[0]] += 1
    print(f"{len(labels)} label(s): {len(export.examples)} example(s) to train on; left out:")
    print("".join(f"  {count}  {reason}\n" for reason, count in sorted(reasons.items())), end="")
    text = labelled_yaml(export.examples) if export.examples else ""
    previous = paths.labelled.read_text(encoding="utf-8") if paths.labelled.exists() else ""
    if text == previous:
        print("Nothing new since the served model: no training.")
        return 0
    run = paths.runs / datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    run.mkdir(parents=True)
    stage_labelled(text, paths, run)
    try:
        train_candidate(paths)
        old, new = evaluate_model(paths.current), evaluate_model(paths.candidate)
        if cv_folds >= 2:
            old["cv"], new["cv"] = cross_validation(export.examples, cv_folds, run)
    except BaseException:
        paths.candidate.unlink(missing_ok=True)
        unstage_labelled(paths, run)
        raise
    decision = conclude(old, new, export, paths, run)
    print(f"Comparison kept in {run}")
    if not decision.promote:
        return 1
    reload_servers(serving_urls(settings), settings.rasa_auth_token, paths.current)
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="make retrain", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cv-folds",
        type=int,
        default=2,
        help="folds of the like-for-like cross-validation in the gate (0: none)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    return retrain(load_settings(), Paths(), args.cv_folds)


if __name__ == "__main__":
    sys.exit(main())
