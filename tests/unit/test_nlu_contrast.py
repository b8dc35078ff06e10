"""bot/rasa_ext/nlu/contrast.py: the rejected half of a contrast leaves the token list,
read from fr_core_news_md's lemmas as the pipeline's tokenizer gives them."""

from __future__ import annotations

from typing import List

import pytest
import spacy
from rasa.nlu.constants import SPACY_DOCS, TOKENS_NAMES
from rasa.nlu.tokenizers.spacy_tokenizer import SpacyTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.domain.repair import REJECTED
from bot.rasa_ext.nlu.contrast import ContrastFocus


@pytest.fixture(scope="module")
def nlp():
    return spacy.load("fr_core_news_md", disable=["parser", "ner"])


@pytest.fixture(scope="module")
def tokenised(nlp):
    tokenizer = SpacyTokenizer(SpacyTokenizer.get_default_config())

    def tokenise(text: str) -> Message:
        message = Message(data={TEXT: text})
        message.set(SPACY_DOCS[TEXT], nlp(text))
        tokenizer.process([message])
        return message

    return tokenise


def words(message: Message) -> List[str]:
    return [token.text for token in message.get(TOKENS_NAMES[TEXT])]


def focused(tokenised, text: str) -> str:
    message = tokenised(text)
    ContrastFocus().process([message])
    return " ".join(words(message))


@pytest.mark.parametrize(
    "text, left",
    [
        (
            "Je ne veux pas changer mon mot de passe, juste mon numéro de portable.",
            ", juste mon numéro de portable .",
        ),
        (
            "C'est pas l'adresse de facturation que je veux changer, c'est la facture que je veux.",
            ", c' est la facture que je veux .",
        ),
        (
            "je l'ai pas perdu mon mot de passe, je veux juste en mettre un autre",
            ", je veux juste en mettre un autre",
        ),
        (
            "Pas besoin de toucher au mot de passe, je veux seulement changer mon numéro.",
            ", je veux seulement changer mon numéro .",
        ),
        (
            "je ne parle pas de me déconnecter : je veux qu'il n'existe plus",
            ": je veux qu' il n' existe plus",
        ),
        (
            "Je voudrais changer mon adresse e-mail, pas mon adresse de livraison.",
            "Je voudrais changer mon adresse e-mail , .",
        ),
        # A pronoun for the address just named: « pas celle de livraison ».
        (
            "je voudrais changer mon adresse. pas celle de livraison hein, l'adresse mail",
            "je voudrais changer mon adresse . , l' adresse mail",
        ),
        (
            "Ce n'est pas une déconnexion que je demande, c'est la suppression du compte.",
            ", c' est la suppression du compte .",
        ),
        (
            "Pas de souci de mot de passe, je voulais juste savoir si le 6008 est dispo.",
            ", je voulais juste savoir si le 6008 est dispo .",
        ),
        (
            "Non, je parle de mon adresse mail, pas de mon adresse postale.",
            "Non , je parle de mon adresse mail , .",
        ),
        (
            "je voulais juste me déconnecter, pas supprimer le compte !",
            "je voulais juste me déconnecter , !",
        ),
        # A pronoun before the infinitive rejected.
        (
            "non pas me deconnecter, je veux fermer mon compte definitivement",
            ", je veux fermer mon compte definitivement",
        ),
        (
            "je veux pas supprimer mon compte juste me désinscrire de la newsletter",
            "juste me désinscrire de la newsletter",
        ),
        (
            # « wow », an interjection, before the rejection.
            "wow non surtout pas supprimer le compte !! je veux juste plus vos mails de promo",
            "! ! je veux juste plus vos mails de promo",
        ),
    ],
)
def test_the_rejected_clause_leaves_the_tokens(tokenised, text, left):
    assert focused(tokenised, text) == left


@pytest.mark.parametrize(
    "text",
    [
        # The negation is the problem: its words are the question.
        "je n'arrive pas à me connecter, pouvez-vous m'aider ?",
        "je ne trouve pas mes factures, vous pouvez m'aider",
        "je n'ai pas reçu le mail, pouvez-vous le renvoyer ?",
        "g pas recu le mail de reinitialisation",
        "il n'est pas possible de me connecter, je fais comment",
        "je ne veux plus de mon compte, supprimez-le",
        # A wish said negatively, with nothing said to want instead.
        "Je ne veux pas perdre mes factures, comment les récupérer avant de supprimer mon compte ?",
        "je ne veux pas changer mon mot de passe",
        # Nothing left to read once the rejection is gone.
        "pas besoin merci",
        "non, pas maintenant",
        "pas de compte chez vous, comment je commande ?",
    ],
)
def test_other_negations_keep_their_words(tokenised, text):
    message = tokenised(text)
    before = words(message)
    ContrastFocus().process([message])
    assert words(message) == before


def test_training_examples_are_focused_too_and_the_text_is_untouched(tokenised):
    text = "je n'ai pas oublié mon mot de passe, je veux juste le changer"
    message = tokenised(text)
    ContrastFocus().process_training_data(TrainingData([message]))
    assert words(message) == [",", "je", "veux", "juste", "le", "changer"]
    assert message.get(TEXT) == text


def test_the_rejected_spans_go_with_the_parse(tokenised):
    text = "non pas la facture, le bon de livraison, il était pas dans le colis"
    message = tokenised(text)
    ContrastFocus().process([message])
    assert [text[start:end] for start, end in message.get(REJECTED)] == ["non pas la facture"]
    assert REJECTED in message.as_dict(only_output_properties=True)


def test_a_message_without_text_tokens_is_left_alone():
    message = Message(data={"action_name": "utter_greet"})
    ContrastFocus().process([message])
    assert message.get(TOKENS_NAMES[TEXT]) is None
