"""The LinearEnsemble's weights (config.yml), chosen by cross-validation of the whole pipeline.

    python -m benchmarks.ensemble_weights --out var/ensemble      # about 15 minutes here

Why: `LinearEnsemble` blends DIET's intent ranking with a logistic regression's
(bot/rasa_ext/nlu/ensemble.py); its `diet_weight` and `C` decide which model leads. Tuning
them on an evaluation set would fit that set, so they are chosen by 5-fold CV over
data/nlu.yml (the folds of benchmarks.nlu_quality). Training our pipeline once per fold is
the slow part (DIET); DIET's ranking does not depend on the blend, so each fold model is
trained once with config.yml, and for every held-out message DIET's own ranking (the
graph stopped at DIETClassifier) and the tokens the featurizers saw are kept. Each
(diet_weight, C) is then replayed in seconds: the linear model refitted on the fold's
training messages (their featurized text from the fold model), blended by the
component's own `blend`. Fold models are kept in --out, so a second run only replays.

Prints CV accuracy per (diet_weight, C), DIET alone and the linear model alone; the
FallbackClassifier after the blend is left out (it is tuned apart).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Sequence, Tuple

from benchmarks.nlu_quality import (
    OUR_CONFIG,
    TRAINING,
    init_worker,
    stratified_folds,
    write_fold_training,
)
from bot.ops.nlu_data import load_examples
from bot.rasa_ext.nlu.ensemble import blend, featurized_text, linear_model

DIET_WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 1.0)
C_VALUES = (3.0, 10.0, 30.0, 100.0)
# One message as the replay needs it: expected intent, DIET's ranking, featurized text.
Row = Dict[str, Any]


def train_folds(out: Path, config: Path = OUR_CONFIG) -> List[Tuple[List[int], List[int]]]:
    """Trains one model per fold under `out` (skipped when it is there already)."""
    examples = load_examples(TRAINING)
    folds = stratified_folds([intent for _, intent, _ in examples])
    for number, (train, _) in enumerate(folds):
        fold = out / f"fold{number}"
        fold.mkdir(parents=True, exist_ok=True)
        if (fold / "model.tar.gz").exists():
            continue
        write_fold_training(fold / "nlu.yml", examples, train)
        command = [sys.executable, "-m", "rasa", "train", "nlu", "--config", str(config)]
        command += ["--nlu", str(fold / "nlu.yml"), "--out", str(fold)]
        subprocess.run([*command, "--fixed-model-name", "model"], check=True)
    return folds


def capture(model: Path, texts: Sequence[str]) -> List[Row]:
    """DIET's own ranking and the featurized text of each message, with the fold model."""
    init_worker()
    from rasa.core.agent import Agent
    from rasa.core.channels.channel import UserMessage

    processor = Agent.load(str(model)).processor
    diet = next(name for name in processor.model_metadata.predict_schema.nodes if "DIET" in name)
    rows = []
    for text in texts:
        message = processor.graph_runner.run(
            inputs={"__message__": [UserMessage(text)]}, targets=[diet]
        )[diet][0]
        ranking = {item["name"]: item["confidence"] for item in message.get("intent_ranking")}
        rows.append({"diet": ranking, "text": featurized_text(message)})
    return rows


def replay(train: Sequence[Row], test: Sequence[Row], weight: float, c: float) -> int:
    """How many of `test` the blend gets right with this weight and C."""
    model = linear_model(c).fit([row["text"] for row in train], [row["intent"] for row in train])
    right = 0
    for row, probabilities in zip(test, model.predict_proba([row["text"] for row in test])):
        linear = dict(zip(map(str, model.classes_), map(float, probabilities)))
        diet = [{"name": name, "confidence": value} for name, value in row["diet"].items()]
        right += blend(diet, linear, weight)[0]["name"] == row["intent"]
    return right


def fold_rows(out: Path, folds: Sequence[Tuple[List[int], List[int]]]) -> List[Dict[str, Any]]:
    """Per fold, its training and held-out rows (captured once, kept as JSON in `out`)."""
    examples = load_examples(TRAINING)
    kept = []
    for number, (train, test) in enumerate(folds):
        path = out / f"fold{number}" / "rows.json"
        if not path.exists():
            indices = [*train, *test]
            rows = capture(
                out / f"fold{number}" / "model.tar.gz", [examples[i][0] for i in indices]
            )
            for row, i in zip(rows, indices):
                row["intent"] = examples[i][1]
            path.write_text(json.dumps({"train": rows[: len(train)], "test": rows[len(train) :]}))
        kept.append(json.loads(path.read_text()))
    return kept


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("var/ensemble"))
    args = parser.parse_args(argv)
    folds = fold_rows(args.out, train_folds(args.out))
    total = sum(len(fold["test"]) for fold in folds)
    print(f"5-fold CV over {TRAINING.name}: {total} messages")
    diet_alone = sum(
        max(row["diet"], key=row["diet"].get) == row["intent"]
        for fold in folds
        for row in fold["test"]
    )
    print(f"DIET alone: {diet_alone / total:.3f}")
    for c in C_VALUES:
        scores = [
            sum(replay(fold["train"], fold["test"], weight, c) for fold in folds) / total
            for weight in DIET_WEIGHTS
        ]
        cells = "  ".join(f"w{weight}: {score:.3f}" for weight, score in zip(DIET_WEIGHTS, scores))
        print(f"C {c:>5}: {cells}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
