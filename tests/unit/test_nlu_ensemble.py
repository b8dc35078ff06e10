"""bot/rasa_ext/nlu/ensemble.py: DIET's ranking averaged with a linear model's."""

from __future__ import annotations

import pytest
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.rasa_ext.nlu.ensemble import (
    UNKNOWN_WORDS_CONFIDENCE,
    LinearEnsemble,
    LinearScorer,
    blend,
    linear_model,
)

EXAMPLES = {
    "find_invoices": ["où est ma facture", "télécharger mes factures", "facture de ma commande"],
    "log_out": ["comment me déconnecter", "se déconnecter", "bouton déconnexion"],
}


def message(text: str, intent: str = "") -> Message:
    data = {TEXT: text, INTENT: intent} if intent else {TEXT: text}
    result = Message(data=data)
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process([result])
    return result


def test_blend_is_a_normalised_weighted_geometric_mean_best_first():
    ranking = [{"name": "a", "confidence": 0.9}, {"name": "b", "confidence": 0.1}]
    blended = blend(ranking, {"a": 0.2, "b": 0.7, "c": 0.1}, weight=0.5)
    assert [item["name"] for item in blended] == ["a", "b", "c"]
    # c is missing from DIET's ranking: it gets a tenth of the smallest probability seen.
    a, b, c = 0.18**0.5, 0.07**0.5, (0.01 * 0.1) ** 0.5
    assert [item["confidence"] for item in blended] == pytest.approx(
        [a / (a + b + c), b / (a + b + c), c / (a + b + c)]
    )


def test_agreeing_models_give_a_clearer_winner_than_either():
    ranking = [{"name": "a", "confidence": 0.6}, {"name": "b", "confidence": 0.4}]
    blended = blend(ranking, {"a": 0.6, "b": 0.4}, weight=0.5)
    assert blended[0]["confidence"] == pytest.approx(0.6)
    assert blend(ranking, {"a": 0.9, "b": 0.1}, weight=0.5)[0]["confidence"] > 0.6


def test_trained_model_is_persisted_and_moves_the_ranking(tmp_path):
    storage, resource = LocalModelStorage(tmp_path), Resource("ensemble")
    config = LinearEnsemble.get_default_config()
    training = TrainingData(
        [message(text, intent) for intent, texts in EXAMPLES.items() for text in texts]
    )
    LinearEnsemble.create(config, storage, resource, None).train(training)
    loaded = LinearEnsemble.load(config, storage, resource, None)
    parsed = message("ma facture svp")
    diet = [{"name": "log_out", "confidence": 0.55}, {"name": "find_invoices", "confidence": 0.45}]
    parsed.set(INTENT_RANKING_KEY, diet)
    loaded.process([parsed])
    assert parsed.get(INTENT)["name"] == "find_invoices"
    assert [item["name"] for item in parsed.get(INTENT_RANKING_KEY)] == ["find_invoices", "log_out"]


def trained(tmp_path) -> LinearEnsemble:
    storage, resource = LocalModelStorage(tmp_path), Resource("ensemble")
    config = LinearEnsemble.get_default_config()
    training = TrainingData(
        [message(text, intent) for intent, texts in EXAMPLES.items() for text in texts]
    )
    LinearEnsemble.create(config, storage, resource, None).train(training)
    return LinearEnsemble.load(config, storage, resource, None)


@pytest.mark.parametrize("text", ["qsdfgh jklm ???", "xkcd blorp zzzz", "Azerty"])
def test_a_message_of_unknown_words_is_not_understood(tmp_path, text):
    parsed = message(text)
    parsed.set(INTENT_RANKING_KEY, [{"name": "log_out", "confidence": 0.97}])
    trained(tmp_path).process([parsed])
    ranking = parsed.get(INTENT_RANKING_KEY)
    assert parsed.get(INTENT)["confidence"] <= UNKNOWN_WORDS_CONFIDENCE
    assert ranking[0]["name"] == parsed.get(INTENT)["name"]
    assert all(item["confidence"] <= UNKNOWN_WORDS_CONFIDENCE for item in ranking)


@pytest.mark.parametrize("text", ["blorp facture", "12345", "?!"])
def test_one_known_word_or_no_word_at_all_keeps_the_confidence(tmp_path, text):
    parsed = message(text)
    parsed.set(INTENT_RANKING_KEY, [{"name": "find_invoices", "confidence": 0.97}])
    trained(tmp_path).process([parsed])
    assert parsed.get(INTENT)["confidence"] > UNKNOWN_WORDS_CONFIDENCE


def test_without_a_linear_model_diet_is_left_alone(tmp_path):
    config = LinearEnsemble.get_default_config()
    component = LinearEnsemble.load(config, LocalModelStorage(tmp_path), Resource("none"), None)
    parsed = message("ma facture")
    parsed.set(INTENT, {"name": "log_out", "confidence": 0.9})
    component.process([parsed])
    assert parsed.get(INTENT)["name"] == "log_out"


@pytest.mark.parametrize("intents", [3, 2])
def test_the_direct_scorer_gives_the_pipeline_s_probabilities(intents):
    texts = [
        "où est ma facture",
        "télécharger mes factures de mars",
        "j'ai oublié mon mot de passe",
        "mot de passe perdu",
        "supprimer mon compte",
        "je veux fermer mon compte client",
    ]
    labels = ["invoices", "invoices", "password", "password", "delete", "delete"]
    keep = [
        i for i, label in enumerate(labels) if label in ("invoices", "password", "delete")[:intents]
    ]
    model = linear_model(10.0).fit([texts[i] for i in keep], [labels[i] for i in keep])
    scorer = LinearScorer(model)
    for text in ["ma facture svp", "mot de passe", "fermer", "", "zzz", "où est mon mot de passe"]:
        expected = dict(zip(model.classes_, model.predict_proba([text])[0]))
        got = scorer.probabilities(text)
        assert got.keys() == expected.keys()
        assert all(abs(got[name] - expected[name]) < 1e-12 for name in got)
