"""The trained model on messages it never saw in training.

tests/nlu_eval.yml and tests/nlu_blind.yml are the yardsticks: written from the intent
catalogue and the FAQ by someone who never read data/nlu.yml (issue 11); the blind set is
the newer, never looked at while writing training data. tests/nlu_holdout.yml, written with
the training data and too close to it to tell the truth, stays as a third report.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List

import pytest
import requests

from bot.ops.nlu_data import (
    BLIND,
    BLIND3,
    BLIND4,
    BLIND5,
    BLIND6,
    BLIND7,
    BLIND8,
    BLIND9,
    BLIND10,
    BLIND11,
    BLIND12,
    EVAL,
    EVALUATION_SETS,
    HOLDOUT,
    TRAINING,
    load_examples,
    normalise,
)
from tests.support.stack import RESULTS

# Regression floors, a little under what the committed model measures (eval 0.926 on
# 513 messages when the independent set arrived; issue 11's target is 0.97, see
# docs/BENCHMARKS.md). Raise them as the model improves, never lower them quietly.
# Blind set: 0.929 measured when it arrived (session 18).
# Third blind set: 0.910 measured when it arrived (session 19).
# Fourth blind set: 0.954 measured when it arrived (session 21).
# Fifth blind set: 0.970 measured when it arrived (session 22).
# Sixth blind set: 0.967 measured when it arrived (session 24).
# Seventh blind set: 0.963 measured when it arrived (session 25).
# Eighth blind set: 0.950 measured when it arrived (session 26).
# Ninth blind set: 0.936 measured when it arrived (session 29).
# Tenth blind set: 0.946 measured when it arrived (session 33).
# Eleventh blind set: 0.914 measured when it arrived (session 34).
# Twelfth blind set: 0.908 measured when it arrived (session 35).
BLIND3_FLOOR = 0.89
BLIND4_FLOOR = 0.93
BLIND5_FLOOR = 0.95
BLIND6_FLOOR = 0.94
BLIND7_FLOOR = 0.94
BLIND8_FLOOR = 0.93
BLIND9_FLOOR = 0.92
BLIND10_FLOOR = 0.92
BLIND11_FLOOR = 0.89
BLIND12_FLOOR = 0.88
MIN_ACCURACY = {
    EVAL: 0.93,
    BLIND: 0.90,
    BLIND3: BLIND3_FLOOR,
    BLIND4: BLIND4_FLOOR,
    BLIND5: BLIND5_FLOOR,
    BLIND6: BLIND6_FLOOR,
    BLIND7: BLIND7_FLOOR,
    BLIND8: BLIND8_FLOOR,
    BLIND9: BLIND9_FLOOR,
    BLIND10: BLIND10_FLOOR,
    BLIND11: BLIND11_FLOOR,
    BLIND12: BLIND12_FLOOR,
    HOLDOUT: 0.95,
}
MIN_EVAL_MESSAGES = 500
ANNOTATED = [pytest.param(EVAL, id="eval"), pytest.param(HOLDOUT, id="holdout")]
SETS = [pytest.param(path, id=name) for name, path in EVALUATION_SETS.items()]


def parse_all(rasa: str, token: str, path: Path) -> List[Dict[str, Any]]:
    results = []
    for text, intent, entities in load_examples(path):
        parsed = requests.post(
            f"{rasa}/model/parse", params={"token": token}, json={"text": text}, timeout=30
        ).json()
        results.append(
            {
                "text": text,
                "expected": intent,
                "predicted": parsed["intent"]["name"],
                "confidence": parsed["intent"]["confidence"],
                "expected_entities": sorted(entities),
                "entities": sorted((e["entity"], e["value"]) for e in parsed["entities"]),
            }
        )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{path.stem}.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return results


@pytest.fixture(scope="module")
def predictions(rasa: str, stack_settings) -> Dict[Path, List[Dict[str, Any]]]:
    token = stack_settings.rasa_auth_token
    return {path: parse_all(rasa, token, path) for path in EVALUATION_SETS.values()}


def test_eval_set_is_large_enough():
    per_intent = Counter(intent for _, intent, _ in load_examples(EVAL))
    assert len(per_intent) == 20
    assert sum(per_intent.values()) >= MIN_EVAL_MESSAGES


def test_blind_set_is_large_enough():
    per_intent = Counter(intent for _, intent, _ in load_examples(BLIND))
    assert len(per_intent) >= 19 and sum(per_intent.values()) >= 350


def test_third_blind_set_is_large_enough():
    per_intent = Counter(intent for _, intent, _ in load_examples(BLIND3))
    assert len(per_intent) == 20 and sum(per_intent.values()) >= 350


def test_fourth_blind_set_is_large_enough():
    per_intent = Counter(intent for _, intent, _ in load_examples(BLIND4))
    # Its greetings were all in training already (« bonjour », « salut »): taken out.
    assert len(per_intent) >= 19 and sum(per_intent.values()) >= 350


def test_fifth_blind_set_is_large_enough():
    per_intent = Counter(intent for _, intent, _ in load_examples(BLIND5))
    # Its greetings were all in training already: taken out.
    assert len(per_intent) >= 19 and sum(per_intent.values()) >= 300


def test_sixth_blind_set_is_large_enough():
    per_intent = Counter(intent for _, intent, _ in load_examples(BLIND6))
    # Its short turns (« merci », « oui », « au revoir », « allô ») were in training already.
    assert len(per_intent) >= 17 and sum(per_intent.values()) >= 235


def test_seventh_blind_set_is_large_enough():
    per_intent = Counter(intent for _, intent, _ in load_examples(BLIND7))
    # Its thank-yous were all in training already: taken out.
    assert len(per_intent) >= 19 and sum(per_intent.values()) >= 320


def test_eighth_blind_set_is_large_enough():
    per_intent = Counter(intent for _, intent, _ in load_examples(BLIND8))
    # Its greetings, thank-yous, goodbyes, yeses and noes were in training already: taken out.
    assert len(per_intent) >= 15 and sum(per_intent.values()) >= 300


def test_ninth_blind_set_is_large_enough():
    per_intent = Counter(intent for _, intent, _ in load_examples(BLIND9))
    assert len(per_intent) >= 18 and sum(per_intent.values()) >= 340


def test_tenth_blind_set_is_large_enough():
    per_intent = Counter(intent for _, intent, _ in load_examples(BLIND10))
    # Most of its short turns were too close to training: taken out.
    assert len(per_intent) >= 18 and sum(per_intent.values()) >= 290


def test_eleventh_blind_set_is_large_enough():
    per_intent = Counter(intent for _, intent, _ in load_examples(BLIND11))
    # Most of its yeses and noes were too close to training: taken out.
    assert len(per_intent) == 20 and sum(per_intent.values()) >= 330


def test_twelfth_blind_set_is_large_enough():
    per_intent = Counter(intent for _, intent, _ in load_examples(BLIND12))
    # Its short turns were mostly too close to training: taken out.
    assert len(per_intent) == 20 and sum(per_intent.values()) >= 320


def test_holdout_is_large_enough():
    per_intent = Counter(intent for _, intent, _ in load_examples(HOLDOUT))
    assert len(per_intent) == 20
    assert min(per_intent.values()) >= 10


@pytest.mark.parametrize("path", SETS)
def test_never_appears_in_training(path):
    # data/nlu_labelled.yml too, when `make retrain` wrote one (it refuses these messages).
    files = [TRAINING, *TRAINING.parent.glob("nlu_labelled.yml")]
    training = {normalise(text) for file in files for text, _, _ in load_examples(file)}
    leaked = [text for text, _, _ in load_examples(path) if normalise(text) in training]
    assert not leaked


@pytest.mark.parametrize("path", SETS)
def test_accuracy(predictions, path):
    results = predictions[path]
    errors = [p for p in results if p["predicted"] != p["expected"]]
    accuracy = 1 - len(errors) / len(results)
    print(f"{path.name}: accuracy {accuracy:.3f} on {len(results)} examples")
    if path == HOLDOUT:
        # Only the held-out set's errors are listed: the evaluation set's are looked at
        # per intent, never one by one (results/nlu_eval.json has them for the record).
        print("\n".join(f"  {p['expected']} -> {p['predicted']}: {p['text']}" for p in errors))
    assert accuracy >= MIN_ACCURACY[path], f"{path.name}: accuracy {accuracy:.3f}"


@pytest.mark.parametrize("path", ANNOTATED)
def test_each_entity_is_extracted_once(predictions, path):
    annotated = [p for p in predictions[path] if p["expected_entities"]]
    assert annotated
    wrong = [p for p in annotated if p["entities"] != p["expected_entities"]]
    assert not wrong, f"{len(wrong)} of {len(annotated)} wrong: see results/{path.stem}.json"
