"""bot/rasa_ext/nlu/value_masking.py: values become one placeholder token each."""

from __future__ import annotations

from typing import List

import pytest
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.rasa_ext.nlu.value_masking import ValueMasker, value_spans, without_values


def tokenised(text: str) -> Message:
    message = Message(data={TEXT: text})
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process([message])
    return message


def words(message: Message) -> List[str]:
    return [token.text for token in message.get(TOKENS_NAMES[TEXT])]


@pytest.mark.parametrize(
    "text, values",
    [
        ("mot de passe perdu pour lea@free.fr", [("lea@free.fr", "__email__")]),
        ("n° client 1234567, où est la facture ?", [("1234567", "__client__")]),
        ("C1234567", [("C1234567", "__client__")]),
        ("rappelez-moi au 06 00 00 00 00 svp", [("06 00 00 00 00", "__tel__")]),
        ("mon portable : +33 6 12 34 56 78", [("+33 6 12 34 56 78", "__tel__")]),
        ("0612345678", [("0612345678", "__tel__")]),
        ("la facture FA-2024-00123 est introuvable", [("FA-2024-00123", "__ref__")]),
        ("commande 12345 du 12/03", [("12345", "__ref__")]),
        (
            "client C785412 et mail serge@laposte.net",
            [("C785412", "__client__"), ("serge@laposte.net", "__email__")],
        ),
        ("j'ai 2 comptes depuis 3 ans", []),
    ],
)
def test_value_spans(text, values):
    assert [(text[start:end], kind) for start, end, kind in value_spans(text)] == values


def test_a_value_spread_over_tokens_becomes_one_token():
    message = tokenised("rappelez moi au 06 00 00 00 00 svp")
    ValueMasker().process([message])
    assert words(message) == ["rappelez", "moi", "au", "__tel__", "svp"]


def test_the_text_is_untouched_for_the_entity_extractor():
    message = tokenised("mot de passe perdu pour lea@free.fr")
    ValueMasker().process([message])
    assert message.get(TEXT) == "mot de passe perdu pour lea@free.fr"
    assert words(message)[-1] == "__email__"
    assert message.get(TOKENS_NAMES[TEXT])[-1].lemma == "__email__"


def test_training_examples_are_masked_too():
    data = TrainingData([tokenised("c'est 4587120")])
    ValueMasker().process_training_data(data)
    assert words(data.training_examples[0]) == ["c", "est", "__client__"]


def test_a_message_without_tokens_is_left_alone():
    message = Message(data={TEXT: "lea@free.fr"})
    ValueMasker().process([message])
    assert message.get(TOKENS_NAMES[TEXT]) is None


def test_the_words_around_values_drop_a_whole_reference():
    # (The masking reads « 240355 » as a customer number; the words keep no « CMD- ».)
    assert without_values("je voudrais annuler ma commande CMD-240355") == (
        "je voudrais annuler ma commande"
    )
    assert without_values("la FA-240117 svp, c'est lea@free.fr") == "la svp, c'est"
