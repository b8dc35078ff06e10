"""The pure helpers of benchmarks/nlu_quality.py: perturbations, metrics, folds, training files.

No training here (the benchmark itself takes 10 minutes); these run in about a second.
"""

from __future__ import annotations

import random
import time

import pytest

from benchmarks.nlu_quality import (
    FALLBACK,
    LONG_WORD,
    N_SPLITS,
    OUT_OF_SCOPE,
    TRAINING,
    PipelineRun,
    Prediction,
    RasaJob,
    accuracy,
    add_typos,
    annotated_messages,
    common_folds,
    edit_word,
    entity_scores,
    evaluate,
    fold_estimate,
    intent_metrics,
    next_job,
    nlu_blocks,
    our_config,
    perturb,
    random_typo,
    rasa_default_config,
    regex_entities,
    regex_patterns,
    robustness,
    stratified_folds,
    strip_accents,
    to_markup,
    training_yaml,
)
from bot.ops.nlu_data import load_examples


@pytest.fixture(scope="module")
def training():
    return load_examples(TRAINING)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Créer un compte à Noël", "Creer un compte a Noel"),
        ("ÉTÉ déjà reçu", "ETE deja recu"),
        ("mot de passe oublié ?", "mot de passe oublie ?"),
        ("sans accent", "sans accent"),
    ],
)
def test_strip_accents(text, expected):
    assert strip_accents(text) == expected


@pytest.mark.parametrize(
    "operation, position, letter, expected",
    [
        ("swap", 1, "", "cmopte"),
        ("drop", 0, "", "ompte"),
        ("duplicate", 5, "", "comptee"),
        ("replace", 2, "x", "coxpte"),
    ],
)
def test_edit_word(operation, position, letter, expected):
    assert edit_word("compte", operation, position, letter) == expected


def test_edit_word_rejects_an_unknown_operation():
    with pytest.raises(ValueError):
        edit_word("compte", "shout", 0)


def damerau_distance_is_one(before: str, after: str) -> bool:
    """True when `after` is `before` with exactly one swap, drop, insertion or replacement."""
    if len(after) == len(before) + 1:
        return any(after[:i] + after[i + 1 :] == before for i in range(len(after)))
    if len(after) == len(before) - 1:
        return any(before[:i] + before[i + 1 :] == after for i in range(len(before)))
    if len(after) != len(before):
        return False
    diff = [i for i, (a, b) in enumerate(zip(before, after)) if a != b]
    return len(diff) == 1 or (
        len(diff) == 2
        and diff[1] == diff[0] + 1
        and before[diff[0]] == after[diff[1]]
        and before[diff[1]] == after[diff[0]]
    )


@pytest.mark.parametrize("seed", range(30))
def test_a_random_typo_always_changes_the_word_by_one_edit(seed):
    for word in ("compte", "facture", "Bonjour", "MOTDEPASSE", "aaaaa", "créer"):
        typo = random_typo(word, random.Random(seed))
        assert typo != word and damerau_distance_is_one(word, typo), (word, typo)


def test_add_typos_touches_each_long_word_once_and_nothing_else():
    text = "Bonjour, je voudrais mon numéro client C1234567 svp"
    noisy = add_typos(text)
    long_words = LONG_WORD.findall(text)
    assert long_words == ["Bonjour", "voudrais", "numéro", "client"]
    assert len(noisy.split()) == len(text.split())
    for before, after in zip(text.split(), noisy.split()):
        if LONG_WORD.search(before):
            assert damerau_distance_is_one(before.rstrip(","), after.rstrip(",")), (before, after)
        else:
            assert after == before


def test_add_typos_is_seeded():
    text = "je voudrais supprimer mon compte client"
    assert add_typos(text) == add_typos(text)
    assert add_typos(text, seed=1) != add_typos(text, seed=2)


def test_perturb_keeps_order_and_length():
    texts = ["Créer un compte", "facture svp"]
    variants = perturb(texts)
    assert list(variants) == ["original", "no_accents", "typos", "upper"]
    assert variants["original"] == texts
    assert variants["upper"] == ["CRÉER UN COMPTE", "FACTURE SVP"]
    assert variants["no_accents"][0] == "Creer un compte"
    assert all(len(items) == 2 for items in variants.values())


INTENTS = ["a", "b", OUT_OF_SCOPE]


def test_fallback_counts_as_wrong_and_is_never_a_class():
    expected = ["a", "a", "b", "b", OUT_OF_SCOPE, OUT_OF_SCOPE]
    predicted = ["a", FALLBACK, "b", "a", OUT_OF_SCOPE, FALLBACK]
    metrics = intent_metrics(expected, predicted, INTENTS)
    assert metrics["accuracy"] == pytest.approx(3 / 6, abs=1e-4)
    assert set(metrics["per_intent"]) == set(INTENTS)
    assert metrics["per_intent"]["a"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2}
    assert (
        metrics["per_intent"]["b"]["precision"] == 1.0
        and metrics["per_intent"]["b"]["recall"] == 0.5
    )
    # a: 0.5, b: 2/3, out_of_scope: 2/3
    assert metrics["macro_f1"] == pytest.approx((0.5 + 2 / 3 + 2 / 3) / 3, abs=1e-4)
    assert metrics["out_of_scope_recall"] == 0.5
    assert metrics["out_of_scope_to_fallback"] == 0.5
    assert metrics["wrong_fallbacks"] == {"count": 1, "in_scope": 4, "share": 0.25}


def test_out_of_scope_figures_are_none_without_out_of_scope_messages():
    metrics = intent_metrics(["a"], ["a"], INTENTS)
    assert metrics["out_of_scope_recall"] is None and metrics["wrong_fallbacks"]["share"] == 0.0


def test_entity_scores_match_exact_pairs_with_multiplicity():
    expected = [
        [("email", "a@b.fr")],
        [("customer_id", "C1234567"), ("customer_id", "C1234567")],
        [],
    ]
    predicted = [
        [("email", "a@b.fr"), ("customer_id", "123456")],
        [("customer_id", "C1234567")],
        [("email", "x@y.fr")],
    ]
    scores = entity_scores(expected, predicted)
    assert scores["email"] == {
        "precision": 0.5,
        "recall": 1.0,
        "f1": pytest.approx(0.6667, abs=1e-4),
        "tp": 1,
        "fp": 1,
        "fn": 0,
    }
    assert scores["customer_id"] == {
        "precision": 0.5,
        "recall": 0.5,
        "f1": 0.5,
        "tp": 1,
        "fp": 1,
        "fn": 1,
    }


def test_entity_scores_without_any_entity_are_undefined_not_zero():
    assert entity_scores([[]], [[]])["email"]["f1"] is None


def test_evaluate_lists_the_errors_of_the_held_out_set():
    examples = [("bonjour", "a", []), ("mon mail a@b.fr", "b", [("email", "a@b.fr")])]
    predictions = [Prediction("a", 0.9, ()), Prediction(FALLBACK, 0.2, (("email", "a@b.fr"),))]
    report = evaluate(examples, predictions, INTENTS, keep_errors=True)
    assert report["errors"] == [
        {"text": "mon mail a@b.fr", "expected": "b", "predicted": FALLBACK, "confidence": 0.2}
    ]
    assert report["entities"]["email"]["f1"] == 1.0


def test_entities_are_scored_on_the_annotated_sets_only():
    # The second message's set annotates intents only: its e-mail is no false positive.
    examples = [("mon mail a@b.fr", "b", [("email", "a@b.fr")]), ("c@d.fr", "b", [])]
    predictions = [
        Prediction("b", 0.9, (("email", "a@b.fr"),)),
        Prediction("b", 0.9, (("email", "c@d.fr"),)),
    ]
    everywhere = evaluate(examples, predictions, INTENTS)
    annotated = evaluate(examples, predictions, INTENTS, annotated=[True, False])
    assert everywhere["entities"]["email"]["fp"] == 1
    assert annotated["entities"]["email"] == {
        "precision": 1.0,
        "recall": 1.0,
        "f1": 1.0,
        "tp": 1,
        "fp": 0,
        "fn": 0,
    }


def test_annotated_messages_follow_their_set(tmp_path):
    intents_only = tmp_path / "a.yml"
    intents_only.write_text('version: "3.1"\nnlu:\n- intent: b\n  examples: |\n    - x@y.fr\n')
    with_entities = tmp_path / "b.yml"
    with_entities.write_text(
        'version: "3.1"\nnlu:\n- intent: b\n  examples: |\n    - [x@y.fr](email)\n    - merci\n'
    )
    sets = [load_examples(intents_only), load_examples(with_entities)]
    assert annotated_messages(sets) == [False, True, True]


def test_robustness_reports_the_drop_in_points():
    holdout = [("x", "a", []), ("y", "b", [])]
    good, bad = Prediction("a", 1.0, ()), Prediction("b", 1.0, ())
    run = PipelineRun(
        "p",
        {
            "original": [good, Prediction("b", 1.0, ())],
            "no_accents": [good, good],
            "typos": [bad, good],
            "upper": [good, Prediction("b", 1.0, ())],
        },
    )
    report = robustness(run, holdout)
    assert report["original"] == {"accuracy": 1.0}
    assert report["no_accents"] == {"accuracy": 0.5, "drop_points": 50.0}
    assert report["upper"]["drop_points"] == 0.0
    assert accuracy(["a"], [FALLBACK]) == 0.0


def test_common_folds_ignore_a_pipeline_cut_to_no_fold():
    runs = [
        PipelineRun("a", {}, folds={0: [], 1: [], 2: []}),
        PipelineRun("b", {}, folds={0: [], 2: []}),
        PipelineRun("c", {}),
    ]
    assert common_folds(runs) == [0, 2]
    assert common_folds([PipelineRun("c", {})]) == []


def test_regexes_of_the_training_data_find_every_annotated_entity(training):
    patterns = regex_patterns(TRAINING)
    assert set(patterns) == {"email", "customer_id"}
    for text, _, entities in training:
        assert regex_entities(text, patterns) == tuple(sorted(entities)), text
    assert regex_entities("client c1234567, mail Jean.Dupont@Orange.fr", patterns) == (
        ("customer_id", "c1234567"),
        ("email", "Jean.Dupont@Orange.fr"),
    )


def test_to_markup_puts_entities_back_in_place():
    assert (
        to_markup(
            "mail a@b.fr et client C1234567", [("email", "a@b.fr"), ("customer_id", "C1234567")]
        )
        == "mail [a@b.fr](email) et client [C1234567](customer_id)"
    )


def test_a_fold_training_file_reads_back_to_the_same_examples(training, tmp_path):
    subset = training[::3]
    other_blocks = [block for block in nlu_blocks(TRAINING) if "intent" not in block]
    path = tmp_path / "fold.yml"
    path.write_text(training_yaml(subset, other_blocks), encoding="utf-8")
    # One block per intent: the order within the file may differ from data/nlu.yml's, which
    # has two blocks for some intents.
    assert sorted(load_examples(path)) == sorted(subset)
    assert regex_patterns(path) == regex_patterns(TRAINING)


def test_folds_are_a_stratified_deterministic_partition(training):
    intents = [intent for _, intent, _ in training]
    folds = stratified_folds(intents)
    assert folds == stratified_folds(intents)
    assert len(folds) == N_SPLITS
    tested = sorted(i for _, test in folds for i in test)
    assert tested == list(range(len(training)))
    for train, test in folds:
        assert not set(train) & set(test)
        assert {intents[i] for i in test} == set(intents)


def test_our_config_is_config_yml_without_policies():
    config = our_config()
    assert "policies" not in config
    assert config["language"] == "fr"
    assert any(component["name"] == "SpacyNLP" for component in config["pipeline"])


def test_rasa_default_config_is_rasas_own_in_french_without_response_selector():
    config = rasa_default_config(epochs=7)
    names = [component["name"] for component in config["pipeline"]]
    assert config["language"] == "fr" and "policies" not in config
    assert names == [
        "WhitespaceTokenizer",
        "RegexFeaturizer",
        "LexicalSyntacticFeaturizer",
        "CountVectorsFeaturizer",
        "CountVectorsFeaturizer",
        "DIETClassifier",
        "EntitySynonymMapper",
        "FallbackClassifier",
    ]
    diet = config["pipeline"][names.index("DIETClassifier")]
    assert diet["epochs"] == 7 and "number_of_transformer_layers" not in diet
    fallback = config["pipeline"][-1]
    assert (fallback["threshold"], fallback["ambiguity_threshold"]) == (0.3, 0.1)
    assert rasa_default_config()["pipeline"][names.index("DIETClassifier")]["epochs"] == 100


def job(pipeline: str, fold=None) -> RasaJob:
    return RasaJob(pipeline, fold, {}, "nlu.yml", {}, "work")


def test_a_fold_is_estimated_by_the_slowest_fold_else_by_the_held_out_job():
    assert fold_estimate({}, "ours") is None
    assert fold_estimate({"ours": {"holdout": 120.0}}, "ours") == 120.0
    assert (
        fold_estimate({"ours": {"holdout": 120.0, "fold_0": 70.0, "fold_1": 80.0}}, "ours") == 80.0
    )


def test_held_out_jobs_always_start_and_folds_wait_for_a_measurement():
    pending, skipped = [job("ours", 0), job("ours")], []
    deadline = time.monotonic() + 1.0
    assert next_job(pending, {}, deadline, skipped) == job("ours")
    assert next_job(pending, {}, deadline, skipped) is None
    assert pending == [job("ours", 0)] and not skipped


def test_a_fold_that_would_overrun_the_budget_is_skipped_with_its_reason():
    pending, skipped = [job("rasa-default", 0), job("ours", 1)], []
    durations = {"rasa-default": {"holdout": 400.0}, "ours": {"holdout": 100.0, "fold_0": 60.0}}
    assert next_job(pending, durations, time.monotonic() + 200.0, skipped) == job("ours", 1)
    assert [(s["pipeline"], s["fold"]) for s in skipped] == [("rasa-default", 0)]
    assert "estimated 400 s" in skipped[0]["reason"]


def test_without_a_budget_every_job_runs():
    pending = [job("ours", 3)]
    assert next_job(pending, {}, None, []) == job("ours", 3)


def _pipeline(clean: float, typos: float) -> dict:
    metrics = {
        "accuracy": clean,
        "macro_f1": clean,
        "out_of_scope_recall": 0.96,
        "wrong_fallbacks": {"share": 0.01},
    }
    robustness = {
        "original": {"accuracy": clean},
        "typos": {"accuracy": typos},
        "no_accents": {"accuracy": clean},
    }
    return {"holdout": metrics, "robustness": robustness}


@pytest.mark.parametrize(
    ("ours", "clean_margin", "verdicts"),
    [
        ((0.95, 0.93), "+4.0 points", ["holds", "holds"]),
        ((0.92, 0.93), "+1.0 points", ["**missed**", "holds"]),
    ],
    ids=["four-points-ahead", "one-point-ahead-on-clean"],
)
def test_the_margin_over_the_linear_baseline_is_judged_on_clean_and_typo_accuracy(
    ours, clean_margin, verdicts
):
    from benchmarks.quality_report import _targets

    rows = _targets(_pipeline(*ours), _pipeline(0.91, 0.78)).splitlines()
    margins = [line for line in rows if "TF-IDF baseline" in line]
    assert len(margins) == 2
    assert [line.strip(" |").split()[-1] for line in margins] == verdicts
    assert clean_margin in margins[0]


def test_the_ensemble_replay_lets_the_weight_pick_which_model_leads():
    from benchmarks.ensemble_weights import replay

    train = [
        {"text": text, "intent": intent}
        for text, intent in [
            ("mot de passe oublié", "forgot_password"),
            ("j'ai perdu mon mot de passe", "forgot_password"),
            ("où sont mes factures", "find_invoices"),
            ("télécharger une facture", "find_invoices"),
        ]
    ]
    # DIET is sure of the wrong intent; the linear model reads the words.
    test = [
        {
            "text": "facture",
            "intent": "find_invoices",
            "diet": {"forgot_password": 0.99, "find_invoices": 0.01},
        }
    ]
    assert replay(train, test, weight=0.0, c=10.0) == 1  # the linear model alone
    assert replay(train, test, weight=1.0, c=10.0) == 0  # DIET alone


def test_entity_f1_is_reported_only_where_entities_are_annotated():
    from benchmarks.quality_report import _entity_cell

    found_unannotated = {"tp": 0, "fp": 3, "fn": 0, "f1": 0.0}
    annotated = {"tp": 4, "fp": 0, "fn": 0, "f1": 1.0}
    assert _entity_cell({"email": found_unannotated, "customer_id": found_unannotated}) == (
        "not annotated"
    )
    assert _entity_cell({"email": annotated, "customer_id": found_unannotated}) == "1.000 / 0.000"
