"""`make retrain` (bot/ops/retrain.py) without Rasa: the export of the agents' labels, the
gate on figures computed by benchmarks/nlu_quality.py's `evaluate`, and the files it leaves
behind when it promotes or refuses (real files in a temporary folder)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Dict, Tuple

import pytest
import yaml

from benchmarks.nlu_quality import Prediction, evaluate
from bot.ops.nlu_data import load_examples
from bot.ops.retrain import (
    NOISE,
    Export,
    Noise,
    Paths,
    conclude,
    decide,
    export_labels,
    labelled_yaml,
    reload_servers,
    stage_labelled,
)
from bot.ops.supervisor import free_port

INTENTS = ["find_invoices", "forgot_password", "greet"]


def scored(per_intent: Dict[str, Tuple[int, int]]) -> dict:
    """The figures of a set where each intent has (messages, answered right); the others go
    to nlu_fallback. Computed by the benchmark's own `evaluate`, as the retrain does."""
    examples, predictions = [], []
    for intent, (support, right) in per_intent.items():
        for k in range(support):
            examples.append((f"{intent} {k}", intent, []))
            predictions.append(Prediction(intent if k < right else "nlu_fallback", 0.9, ()))
    return evaluate(examples, predictions, INTENTS)


BEFORE = {
    "eval": scored({"find_invoices": (200, 190), "forgot_password": (300, 280), "greet": (13, 13)}),
    "blind": scored({"find_invoices": (20, 18), "forgot_password": (20, 19), "greet": (5, 4)}),
}


def after(**changes: Dict[str, Tuple[int, int]]) -> dict:
    """BEFORE with some intents' figures replaced, per set."""
    counts = {
        "eval": {"find_invoices": (200, 190), "forgot_password": (300, 280), "greet": (13, 13)},
        "blind": {"find_invoices": (20, 18), "forgot_password": (20, 19), "greet": (5, 4)},
    }
    for name, replaced in changes.items():
        counts[name].update(replaced)
    return {name: scored(figures) for name, figures in counts.items()}


def test_a_better_candidate_is_promoted():
    better = after(eval={"find_invoices": (200, 199)}, blind={"forgot_password": (20, 20)})
    assert decide(BEFORE, better, NOISE).promote


@pytest.mark.parametrize(
    "changes",
    [
        # One message of 513, then two (under half a point): noise.
        {"eval": {"find_invoices": (200, 189)}},
        {"eval": {"find_invoices": (200, 189), "forgot_password": (300, 279)}},
        # 10 points of an intent of 20 messages, but a single message.
        {"blind": {"find_invoices": (20, 17)}},
    ],
)
def test_noise_is_tolerated(changes):
    decision = decide(BEFORE, after(**changes), NOISE)
    assert decision.promote, decision.reasons


@pytest.mark.parametrize(
    "changes, reason",
    [
        # 3 of 513 messages: more than half a point.
        (
            {"eval": {"find_invoices": (200, 189), "forgot_password": (300, 278)}},
            "eval: accuracy 94.2% -> 93.6% (3 of 513 messages lost)",
        ),
        # An intent of 13 messages losing 2, while its set stays within noise.
        (
            {"eval": {"greet": (13, 11)}},
            "eval: greet recall 100.0% -> 84.6% (2 of 13 messages lost)",
        ),
        # A large intent losing 6.7 points of recall (20 of 300 messages).
        (
            {"eval": {"find_invoices": (200, 200), "forgot_password": (300, 260)}},
            "eval: forgot_password recall 93.3% -> 86.7% (20 of 300 messages lost)",
        ),
    ],
)
def test_a_worse_candidate_is_refused_with_the_reason(changes, reason):
    decision = decide(BEFORE, after(**changes), NOISE)
    assert not decision.promote
    assert reason in decision.reasons


def test_a_candidate_not_scored_on_every_set_is_refused():
    decision = decide(BEFORE, {"eval": BEFORE["eval"]}, NOISE)
    assert decision.reasons == ["blind: the candidate was not scored on the same messages"]


def test_an_intent_with_fewer_than_10_messages_in_a_set_is_not_judged_alone():
    # 2 of greet's 5 messages lost; the set's own margin widened so that only the intent counts.
    worse = after(blind={"greet": (5, 2)})
    assert decide(BEFORE, worse, Noise(set_points=0.1)).promote
    assert not decide(BEFORE, worse, Noise(set_points=0.1, min_support=5)).promote


def test_the_noise_margin_is_a_parameter():
    worse = after(eval={"find_invoices": (200, 180)})
    assert not decide(BEFORE, worse, NOISE).promote
    assert decide(BEFORE, worse, Noise(set_points=0.02, intent_points=0.06)).promote


# --- export -----------------------------------------------------------------------------------

TRAINING = [("Je veux mes factures", "find_invoices", []), ("bonjour", "greet", [])]
EVALUATION = {"eval": [("Où sont mes factures ?", "find_invoices", [])], "blind": []}


def label(text: str, intent, source: str = "review") -> dict:
    return {"text": text, "intent": intent, "source": source, "agent": "lea"}


def reasons(export: Export) -> Dict[str, str]:
    return {str(skipped["text"]): str(skipped["reason"]) for skipped in export.skipped}


def test_the_export_keeps_new_messages_once_and_skips_the_rest():
    export = export_labels(
        [
            label("j'ai perdu mon mot de passe", "forgot_password"),
            label("J'ai perdu mon mot de passe !", "forgot_password", "assistant"),
            label("blabla", None),
            label("ou sont mes  factures", "find_invoices"),
            label("je veux mes factures", "find_invoices"),
            label("BONJOUR", "thank"),
            label("mon colis", "request_human"),
            label("mon colis", "out_of_scope"),
            label("un roulement 6204", "out_of_scope"),
            label("/greet", "greet"),
            label("[p***@example.com](email) bloqué", "login_problem"),
            label("Mes\nfactures   de mars", "find_invoices"),
        ],
        TRAINING,
        EVALUATION,
    )

    assert export.examples == [
        ("Mes factures de mars", "find_invoices"),
        ("j'ai perdu mon mot de passe", "forgot_password"),
        ("un roulement 6204", "out_of_scope"),
    ]
    assert reasons(export) == {
        "blabla": "dismissed",
        "ou sont mes factures": "in the evaluation set eval: never trained on",
        "je veux mes factures": "already in data/nlu.yml",
        "BONJOUR": "already in data/nlu.yml as greet",
        "mon colis": "agents disagree: out_of_scope, request_human",
        "/greet": "not a message Rasa reads as written (empty, a /payload or [entity](markup))",
        "[p***@example.com](email) bloqué": (
            "not a message Rasa reads as written (empty, a /payload or [entity](markup))"
        ),
    }


def test_the_export_refuses_every_message_of_the_real_evaluation_sets():
    from bot.ops.nlu_data import EVALUATION_SETS

    evaluation = {name: load_examples(path) for name, path in EVALUATION_SETS.items()}
    labels = [
        label(text.upper(), intent)
        for examples in evaluation.values()
        for text, intent, _ in examples
    ]
    export = export_labels(labels, [], evaluation)
    assert export.examples == [] and len(export.skipped) == len(labels)


def test_the_labelled_file_reads_back_as_the_examples(tmp_path: Path):
    examples = [("mes factures de « mars » : où ?", "find_invoices"), ("- tiret #1", "greet")]
    path = tmp_path / "nlu_labelled.yml"
    path.write_text(labelled_yaml(examples), encoding="utf-8")

    assert [(text, intent) for text, intent, _ in load_examples(path)] == examples
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["version"] == "3.1"


# --- promotion and refusal, on real files -----------------------------------------------------


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    paths = Paths(
        labelled=tmp_path / "data" / "nlu_labelled.yml",
        models=tmp_path / "models",
        runs=tmp_path / "var" / "retrain",
    )
    for folder in (paths.labelled.parent, paths.models, paths.runs):
        folder.mkdir(parents=True)
    paths.current.write_bytes(b"served model")
    paths.labelled.write_text("old labels\n", encoding="utf-8")
    os.utime(paths.labelled, (1_700_000_000, 1_700_000_000))
    return paths


def staged(paths: Paths) -> Path:
    """The state `conclude` meets: new labels written, a candidate trained."""
    run = paths.runs / "20261128T140000Z"
    run.mkdir()
    stage_labelled("new labels\n", paths, run)
    paths.candidate.write_bytes(b"candidate model")
    return run


def test_a_better_candidate_becomes_the_served_model(paths: Paths, capsys):
    run = staged(paths)
    better = after(eval={"find_invoices": (200, 199)})

    assert conclude(BEFORE, better, Export(), paths, run).promote

    assert paths.current.read_bytes() == b"candidate model"
    assert paths.previous.read_bytes() == b"served model"
    assert not paths.candidate.exists()
    assert paths.labelled.read_text(encoding="utf-8") == "new labels\n"
    stored = json.loads((run / "comparison.json").read_text(encoding="utf-8"))
    assert stored["decision"] == {"promote": True, "reasons": []}
    assert stored["sets"]["eval"]["candidate"]["accuracy"] == better["eval"]["accuracy"]
    printed = capsys.readouterr().out
    assert printed == (run / "comparison.md").read_text(encoding="utf-8")
    assert (
        "candidate promoted" in printed
        and "| find_invoices | 95% -> 100% | 90% -> 90% |" in printed
    )


def test_a_worse_candidate_is_deleted_and_the_labels_put_back(paths: Paths, capsys):
    run = staged(paths)
    worse = after(blind={"find_invoices": (20, 10)})

    assert not conclude(BEFORE, worse, Export(), paths, run).promote

    assert paths.current.read_bytes() == b"served model"
    assert not paths.candidate.exists() and not paths.previous.exists()
    # The old file, with its old date: `make run` must not retrain with the refused labels.
    assert paths.labelled.read_text(encoding="utf-8") == "old labels\n"
    assert paths.labelled.stat().st_mtime == 1_700_000_000
    assert (run / "nlu_labelled.yml").read_text(encoding="utf-8") == "new labels\n"
    stored = json.loads((run / "comparison.json").read_text(encoding="utf-8"))
    assert stored["decision"]["promote"] is False
    assert "candidate refused" in capsys.readouterr().out


def test_a_refused_first_export_leaves_no_labelled_file(paths: Paths):
    paths.labelled.unlink()
    run = staged(paths)
    conclude(BEFORE, after(eval={"greet": (13, 0)}), Export(), paths, run)
    assert not paths.labelled.exists()


# --- reloading the servers (the real `PUT /model`: tests/test_retrain.py, tests/cluster) ------


def test_without_the_rasa_token_the_servers_are_left_alone_and_the_operator_told(capsys):
    reload_servers(["http://127.0.0.1:9"], None, Path("models/current.tar.gz"))
    assert "keep the old model until they restart" in capsys.readouterr().out


def test_a_server_that_does_not_answer_stops_the_reload_with_what_to_do():
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(SystemExit, match="restart them to serve"):
        reload_servers([url], "token", Path("models/current.tar.gz"))


def test_the_gate_s_cross_validation_is_like_for_like(tmp_path, monkeypatch):
    """Both sides parse the same test folds of data/nlu.yml; the labels are only ever
    trained on, by the candidate's side."""
    import bot.ops.retrain as retrain_module
    from bot.ops.nlu_data import TRAINING

    jobs = []

    def fake_job(job):
        jobs.append((job.pipeline, job.fold, Path(job.training_file).read_text(), job.texts))
        texts = job.texts["original"]
        guess = "find_invoices" if job.pipeline == "candidate" else "greet"
        return type(
            "R", (), {"predictions": {"original": [Prediction(guess, 0.9, ()) for _ in texts]}}
        )

    monkeypatch.setattr(retrain_module, "run_rasa_job", fake_job)
    monkeypatch.setattr(retrain_module, "init_worker", lambda: None)
    label = ("ma facture du mois dernier introuvable sur le site", "find_invoices")

    current, candidate = retrain_module.cross_validation([label], 2, tmp_path)

    assert [(side, fold) for side, fold, _, _ in jobs] == [
        ("current", 0),
        ("candidate", 0),
        ("current", 1),
        ("candidate", 1),
    ]
    for number in (0, 1):
        (_, _, current_data, current_texts), (_, _, candidate_data, candidate_texts) = jobs[
            2 * number : 2 * number + 2
        ]
        assert current_texts == candidate_texts  # the same test fold
        assert label[0] in candidate_data and label[0] not in current_data
        assert label[0] not in current_texts["original"]
    everything = len(load_examples(TRAINING))
    assert current["n"] == candidate["n"] == everything  # every message tested once
    assert candidate["accuracy"] > current["accuracy"]
