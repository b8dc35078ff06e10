"""bot/rasa_ext/nlu/address_kind.py: the kind of address a change names decides between
the two data topics."""

from __future__ import annotations

from typing import Dict, List

import pytest
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.rasa_ext.nlu.address_kind import (
    AddressKind,
    email_not_password,
    named_topic,
    resolved,
)

EMAIL, POSTAL = "update_personal_data", "manage_addresses"


def ranking(*pairs) -> List[Dict]:
    return [{"name": name, "confidence": confidence} for name, confidence in pairs]


@pytest.mark.parametrize(
    "words, expected",
    [
        ("je peux pas juste changer mon adresse mail plutot", EMAIL),
        ("changement d adresse e-mail", EMAIL),
        ("je voudrais changer mon courriel", EMAIL),
        ("comment je change mon adresse civique", POSTAL),
        ("modifier l adresse de livraison", POSTAL),
        # Both kinds, or neither: the words do not decide.
        ("changer mon adresse mail et mon adresse de livraison", None),
        ("changer mon adresse", None),
        # Another personal detail, whatever is said of deliveries.
        ("mon numero de portable a change , le livreur ne me trouve pas", None),
    ],
)
def test_the_kind_of_address_named(words, expected):
    assert named_topic(words) == expected


def test_the_other_topics_probability_goes_to_the_kind_named():
    merged = resolved(
        ranking((EMAIL, 0.48), (POSTAL, 0.46), ("change_password", 0.04)),
        "je peux pas juste changer mon adresse mail plutot",
    )
    assert [item["name"] for item in merged] == [EMAIL, "change_password"]
    assert merged[0]["confidence"] == pytest.approx(0.94)


def test_the_two_first_need_no_change_asked():
    merged = resolved(
        ranking((POSTAL, 0.50), (EMAIL, 0.46), ("request_human", 0.04)),
        "savoir quelle adresse de livraison vous avez pour moi",
    )
    assert merged[0] == {"name": POSTAL, "confidence": pytest.approx(0.96)}


def test_a_second_place_is_enough_for_a_change_asked():
    merged = resolved(
        ranking(("change_password", 0.30), (POSTAL, 0.23), (EMAIL, 0.20)),
        "on peut pas simplement changer l adresse mail du compte",
    )
    assert merged[0] == {"name": EMAIL, "confidence": pytest.approx(0.43)}


def test_a_question_naming_the_email_when_the_postal_topic_came_first():
    merged = resolved(
        ranking((POSTAL, 0.40), ("out_of_scope", 0.29), (EMAIL, 0.19)),
        "et c est quelle adresse mail que vous avez ?",
    )
    assert merged[0] == {"name": EMAIL, "confidence": pytest.approx(0.59)}


def test_the_subject_said_again_counts_as_a_change_asked():
    """« Non, je parle de mon adresse mail, pas de mon adresse postale. » (ContrastFocus has
    taken the rejected half out)."""
    merged = resolved(
        ranking((POSTAL, 0.61), ("deny", 0.15), (EMAIL, 0.12)),
        "non , je parle de mon adresse mail ,",
    )
    assert merged[0] == {"name": EMAIL, "confidence": pytest.approx(0.73)}


def test_a_change_asked_in_the_rejected_half_counts():
    """« Je ne veux pas changer d'adresse de livraison mais mon adresse mail »: ContrastFocus
    left « mais mon adresse mail »; the change was asked before it."""
    merged = resolved(
        ranking((POSTAL, 0.74), (EMAIL, 0.18), ("login_problem", 0.03)),
        "mais mon adresse mail",
        "je ne veux pas changer d'adresse de livraison mais mon adresse mail",
    )
    assert merged[0] == {"name": EMAIL, "confidence": pytest.approx(0.92)}


@pytest.mark.parametrize(
    "pairs, words",
    [
        # The two first, but neither a question nor a change: the words around two values.
        (
            ((EMAIL, 0.8), (POSTAL, 0.1), ("inform", 0.05)),
            "mon numero client est le et mon adresse mail",
        ),
        # No change asked, and the two topics not the two first.
        (((EMAIL, 0.5), ("greet", 0.3), (POSTAL, 0.1)), "quelle adresse mail est enregistree"),
        # Not what the ranking hesitates on.
        (
            (("login_problem", 0.6), ("forgot_password", 0.2), (EMAIL, 0.1), (POSTAL, 0.05)),
            "je change d adresse mail pour me connecter",
        ),
        (((EMAIL, 0.9), ("inform", 0.05), ("greet", 0.02), (POSTAL, 0.01)), "changer mon mail"),
    ],
)
def test_left_alone(pairs, words):
    assert resolved(ranking(*pairs), words) is None


def test_the_message_gets_the_merged_ranking_from_its_tokens():
    message = Message(data={TEXT: "changer mon adresse e-mail, pas celle de livraison"})
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process([message])
    # As ContrastFocus leaves it: the rejected half is gone from the tokens.
    message.set(TOKENS_NAMES[TEXT], message.get(TOKENS_NAMES[TEXT])[:4])
    message.set(INTENT_RANKING_KEY, ranking((POSTAL, 0.55), (EMAIL, 0.40), ("greet", 0.05)))
    AddressKind().process([message])
    assert message.get(INTENT) == {"name": EMAIL, "confidence": pytest.approx(0.95)}
    assert message.get(TEXT) == "changer mon adresse e-mail, pas celle de livraison"


@pytest.mark.parametrize(
    "pairs, words, expected",
    [
        (
            ((EMAIL, 0.46), ("change_password", 0.30), ("delete_account", 0.1)),
            "juste avant : on peut pas simplement changer l adresse mail du compte ?",
            0.76,
        ),
        # The password named: left alone.
        (
            ((EMAIL, 0.46), ("change_password", 0.30)),
            "changer le mot de passe envoye par mail ?",
            None,
        ),
        # Not the two first.
        (((EMAIL, 0.46), ("greet", 0.3), ("change_password", 0.2)), "changer mon mail ?", None),
    ],
)
def test_the_email_named_and_no_password(pairs, words, expected):
    merged = email_not_password(ranking(*pairs), words)
    if expected is None:
        assert merged is None
    else:
        assert merged[0] == {"name": EMAIL, "confidence": pytest.approx(expected)}


def test_the_postal_share_then_the_passwords_go_to_the_email():
    """« juste avant : on peut pas simplement changer l'adresse mail du compte ? »: the
    password first (0.35), the e-mail (0.24), the postal addresses (0.17)."""
    text = "juste avant : on peut pas simplement changer l'adresse mail du compte ?"
    message = Message(data={TEXT: text})
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process([message])
    message.set(
        INTENT_RANKING_KEY,
        ranking(("change_password", 0.35), (EMAIL, 0.24), (POSTAL, 0.17), ("greet", 0.1)),
    )
    AddressKind().process([message])
    assert message.get(INTENT) == {"name": EMAIL, "confidence": pytest.approx(0.76)}
