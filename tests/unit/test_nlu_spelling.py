"""bot/rasa_ext/nlu/spelling.py: unknown words move to the closest training word."""

from __future__ import annotations

import pytest
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.rasa_ext.nlu.spelling import Speller, SpellingNormaliser

TRAINING = [
    "j'ai oublié mon mot de passe",
    "où est ma facture",
    "je veux supprimer mon compte client",
    "télécharger mes factures",
    "modifier mon adresse de livraison",
]


def tokenised(text: str) -> Message:
    message = Message(data={TEXT: text, "intent": "x"})
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process([message])
    return message


def words(message: Message):
    return [token.text for token in message.get(TOKENS_NAMES[TEXT])]


@pytest.fixture
def speller() -> Speller:
    counts = {"oublié": 3, "facture": 5, "factures": 2, "supprimer": 1, "télécharger": 1}
    return Speller(counts, min_length=5, long_word=9)


@pytest.mark.parametrize(
    "typed, meant",
    [
        ("oubblié", "oublié"),  # one letter doubled
        ("oublie", "oublié"),  # no accent
        ("OUBLIE", "oublié"),
        ("factrue", "facture"),  # swap
        ("fature", "facture"),  # drop
        ("suprimmer", "supprimer"),  # two slips in a long word
        ("telechrager", "télécharger"),
    ],
)
def test_typos_and_missing_accents_are_corrected(speller, typed, meant):
    assert speller.correct(typed) == meant


@pytest.mark.parametrize(
    "typed",
    [
        "facture",  # known
        "fact",  # too short to guess
        "lea@free.fr",
        "C1234567",
        "__email__",
        "zzzzzzzz",  # nothing close
        "fcatrue",  # two slips in a short word
    ],
)
def test_what_is_never_corrected(speller, typed):
    assert speller.correct(typed) is None


@pytest.mark.parametrize(
    "typed, usual",
    [
        ("oublie", "oublié"),  # a word too, but « oublié » is the usual spelling
        ("ou", "où"),  # short words too
        ("OU", "où"),
        ("telechargé", "télécharger"),  # misplaced accent
    ],
)
def test_one_spelling_per_accent_free_form(typed, usual):
    counts = {"oublié": 3, "oublie": 1, "où": 4, "ou": 2, "télécharger": 1}
    assert Speller(counts, min_length=5, long_word=9, one_spelling=True).correct(typed) == usual


def test_without_one_spelling_a_known_word_stays():
    counts = {"oublié": 3, "oublie": 1, "où": 4, "ou": 2}
    speller = Speller(counts, min_length=5, long_word=9)
    assert speller.correct("oublie") is None and speller.correct("ou") is None


def test_the_usual_spelling_itself_stays():
    counts = {"oublié": 3, "oublie": 1}
    assert Speller(counts, min_length=5, long_word=9, one_spelling=True).correct("oublié") is None


def test_ties_go_to_the_more_frequent_word(speller):
    assert speller.correct("facturs") == "facture"


def test_trained_vocabulary_is_persisted_and_used(tmp_path):
    storage = LocalModelStorage(tmp_path)
    resource = Resource("spelling")
    config = SpellingNormaliser.get_default_config()
    component = SpellingNormaliser.create(config, storage, resource, None)
    component.train(TrainingData([tokenised(text) for text in TRAINING]))
    loaded = SpellingNormaliser.load(config, storage, resource, None)
    message = tokenised("je veux suprimer mon compte et telecharger ma factrue")
    loaded.process([message])
    assert words(message) == [
        "je", "veux", "supprimer", "mon", "compte", "et", "télécharger", "ma", "facture",
    ]  # fmt: skip
    assert message.get(TEXT) == "je veux suprimer mon compte et telecharger ma factrue"


def test_without_vocabulary_nothing_changes(tmp_path):
    storage = LocalModelStorage(tmp_path)
    config = SpellingNormaliser.get_default_config()
    component = SpellingNormaliser.load(config, storage, Resource("missing"), None)
    message = tokenised("factrue")
    component.process([message])
    assert words(message) == ["factrue"]
