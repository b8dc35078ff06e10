"""When the follow-up policy (bot/rasa_ext/repair_policy.py) takes a turn from the rules."""

from __future__ import annotations

from typing import Any, List

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.config import PROJECT_ROOT
from bot.domain.repair import DELETION_REQUESTED, LAST_RESET_EMAIL
from bot.rasa_ext.repair_policy import needs_repair

DOMAIN = Domain.load(str(PROJECT_ROOT / "domain.yml"))


def conversation(*events: Any) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("test", list(events), slots=DOMAIN.slots)


def deletion_then(text: str, intent: str, slots: List[SlotSet]) -> DialogueStateTracker:
    return conversation(
        ActionExecuted("action_listen"),
        UserUttered("je veux supprimer mon compte", {"name": "delete_account", "confidence": 0.98}),
        ActionExecuted("action_open_deletion_ticket"),
        BotUttered("Votre demande de suppression est enregistrée…"),
        *slots,
        ActionExecuted("action_listen"),
        UserUttered(text, {"name": intent, "confidence": 0.95}),
    )


def test_a_deletion_asked_again_after_a_request_is_recalled_not_restarted():
    tracker = deletion_then(
        "je refais la demande de suppression pour être sûre",
        "delete_account",
        [SlotSet(DELETION_REQUESTED, {"reference": "T-0001"})],
    )
    assert needs_repair(tracker)


def test_a_first_deletion_request_is_the_rules():
    assert not needs_repair(deletion_then("je veux fermer mon compte", "delete_account", []))


def test_another_question_after_a_deletion_is_the_rules():
    tracker = deletion_then(
        "où sont mes factures", "find_invoices", [SlotSet(DELETION_REQUESTED, {"email": "a@b.fr"})]
    )
    assert not needs_repair(tracker)


def first_message(text: str, intent: str) -> DialogueStateTracker:
    return conversation(
        ActionExecuted("action_listen"), UserUttered(text, {"name": intent, "confidence": 0.9})
    )


def test_a_person_asked_for_in_a_question_about_people_is_the_repairs():
    """« Y a-t-il un humain qui peut me répondre ? » read bot_challenge: handed over."""
    assert needs_repair(first_message("Y a-t-il un humain qui peut me répondre ?", "bot_challenge"))
    assert not needs_repair(first_message("vous êtes un robot ?", "bot_challenge"))


def test_an_address_of_no_kind_is_the_repairs_whatever_the_nlu_read():
    for intent in ("manage_addresses", "update_personal_data"):
        assert needs_repair(first_message("comment je modifie mon adresse ?", intent))
    assert not needs_repair(first_message("je change mon adresse mail", "update_personal_data"))


def test_an_address_corrected_after_the_reset_email_is_the_repairs_whatever_the_nlu_read():
    """« ah non pardon c'est nadia@free.fr, j'ai oublié un e » reads forgot_password."""

    def after_the_email(text: str) -> DialogueStateTracker:
        return conversation(
            ActionExecuted("action_listen"),
            UserUttered("nadia@fre.fr", {"name": "inform", "confidence": 0.99}),
            ActionExecuted("action_send_password_email"),
            SlotSet(LAST_RESET_EMAIL, "nadia@fre.fr"),
            ActionExecuted("action_listen"),
            UserUttered(text, {"name": "forgot_password", "confidence": 0.9}),
        )

    assert needs_repair(after_the_email("ah non pardon c'est nadia@free.fr, j'ai oublié un e"))
    assert not needs_repair(after_the_email("j'ai aussi oublié mon identifiant"))


def test_an_option_named_after_a_clarification_is_the_repairs_whatever_the_nlu_read():
    """« non pas la postale, l'adresse mail que je tape pour me connecter » reads
    login_problem surely; it names the e-mail, one of the two topics offered."""
    options = SlotSet("clarify_options", ["manage_addresses", "update_personal_data"])
    text = "non pas la postale, l'adresse mail que je tape pour me connecter"
    tracker = conversation(
        ActionExecuted("action_listen"),
        UserUttered("je veux changer mon adresse", {"name": "manage_addresses", "confidence": 0.9}),
        options,
        ActionExecuted("action_listen"),
        UserUttered(text, {"name": "login_problem", "confidence": 0.95}),
    )
    assert needs_repair(tracker)


def test_a_password_option_named_by_a_common_word_leaves_a_sure_reading_to_the_rules():
    options = SlotSet("clarify_options", ["forgot_password", "change_password"])
    text = "je l'ai pas perdu hein, c juste que je veux mettre mon nouveau mail perso"
    tracker = conversation(
        ActionExecuted("action_listen"),
        UserUttered(
            "comment je change mon identifiant", {"name": "nlu_fallback", "confidence": 0.4}
        ),
        options,
        ActionExecuted("action_listen"),
        UserUttered(text, {"name": "update_personal_data", "confidence": 0.95}),
    )
    assert not needs_repair(tracker)
