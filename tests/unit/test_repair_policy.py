"""When the follow-up policy (bot/rasa_ext/repair_policy.py) takes a turn from the rules."""

from __future__ import annotations

from typing import Any, List

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.config import PROJECT_ROOT
from bot.domain.repair import DELETION_REQUESTED
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
