"""The running bot, through the REST channel the website uses."""
import uuid

from tests.conftest import texts


def new_sender() -> str:
    return f"test-{uuid.uuid4()}"


def test_forgotten_password_gets_the_faq_steps(chat):
    replies = texts(chat(new_sender(), "jai oublier mon mot de pass"))
    assert "« Mot de passe oublié ? »" in replies
    assert "Renouvelez votre mot de passe" in replies


def test_adviser_request_gets_number_hours_and_status(chat):
    replies = texts(chat(new_sender(), "je veux parler a un conseiller"))
    assert "02 808 18 02" in replies
    assert "du lundi au vendredi de 8h à 19h" in replies
    # The stack's clock is fixed on a Friday at 10:00.
    assert "La ligne est ouverte en ce moment." in replies


def test_second_miss_in_a_row_hands_over(chat):
    sender = new_sender()
    first = chat(sender, "/nlu_fallback")
    assert first[0]["text"].startswith("Désolé, je n'ai pas bien compris")
    assert {b["payload"] for b in first[0]["buttons"]} >= {"/forgot_password", "/request_human"}
    second = texts(chat(sender, "/nlu_fallback"))
    assert "02 808 18 02" in second
    assert "« Autre motif »" in second


def test_buttons_trigger_their_topic(chat):
    replies = texts(chat(new_sender(), "/find_invoices"))
    assert "« Mes factures »" in replies


def test_conversations_are_kept_apart(chat):
    alice, bob = new_sender(), new_sender()
    chat(alice, "/nlu_fallback")
    # Bob's first miss is his first, whatever Alice did.
    assert "02 808 18 02" not in texts(chat(bob, "/nlu_fallback"))
