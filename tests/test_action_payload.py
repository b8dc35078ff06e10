"""Every custom action, run as the action server runs it on a long conversation, reads no
event older than the ones the Rasa server now sends it (bot/rasa_ext/action_payload.py),
except the actions declared to read the whole conversation, which do. Against the real
backend, as tests/test_actions.py."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, Iterator, List, Optional, Set

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk.executor import ActionExecutor

from actions.common import ActionContext
from actions.registry import all_actions
from bot.config import PROJECT_ROOT, TokenSettings
from bot.domain.tokens import issue_token, verified_metadata
from bot.rasa_ext.action_payload import WHOLE_CONVERSATION, _rasa_action_call_format, latest_events

pytestmark = pytest.mark.usefixtures("backend")

DOMAIN = Domain.load(str(PROJECT_ROOT / "domain.yml"))
CUSTOM_ACTIONS = sorted(set(DOMAIN.user_actions) - set(DOMAIN.responses))


class ReadPositions(list):
    """A list of events that notes the positions read, as iteration reaches them."""

    def __init__(self, items: List[Dict[str, Any]]) -> None:
        super().__init__(items)
        self.read: Set[int] = set()

    def _at(self, positions: range) -> Iterator[Any]:
        for position in positions:
            self.read.add(position)
            yield list.__getitem__(self, position)

    def __iter__(self) -> Iterator[Any]:
        return self._at(range(len(self)))

    def __reversed__(self) -> Iterator[Any]:
        return self._at(range(len(self) - 1, -1, -1))

    def __getitem__(self, key: Any) -> Any:
        positions = range(len(self))[key]
        if isinstance(positions, int):
            self.read.add(positions)
            return list.__getitem__(self, positions)
        return list(self._at(positions))


def said(text: str, intent: str, metadata: Optional[Dict[str, Any]] = None) -> UserUttered:
    return UserUttered(text, {"name": intent, "confidence": 0.95}, metadata=metadata or {})


def answered(*responses: str) -> List[Event]:
    events: List[Event] = []
    for response in responses:
        events += [ActionExecuted(response), BotUttered("…", metadata={"utter_action": response})]
    return events


def conversation(
    previous: List[Event], current: List[Event], slots: Optional[Dict[str, Any]] = None
) -> DialogueStateTracker:
    """30 FAQ turns, the slots, the previous turn, then the latest message and what the
    Rasa server did with it before calling the action."""
    events: List[Event] = [SessionStarted(), ActionExecuted("action_listen")]
    for turn in range(30):
        intent = ("find_invoices", "opening_hours", "log_out")[turn % 3]
        events += [said(f"question {turn}", intent), *answered(f"utter_{intent}")]
        events.append(ActionExecuted("action_listen"))
    events += [SlotSet(name, value) for name, value in (slots or {}).items()]
    events += [*previous, ActionExecuted("action_listen"), *current]
    return DialogueStateTracker.from_events("payload-test", events, DOMAIN.slots)


def logged_in(tokens: TokenSettings) -> Dict[str, Any]:
    token = issue_token("C1000001", tokens)
    return verified_metadata({"auth_token": token}, tokens)


def asking(form: str, slot: str) -> List[Event]:
    return [ActionExecuted(form), ActiveLoop(form), SlotSet("requested_slot", slot)]


def answering(form: str, text: str, slot: str, value: Any, intent: str = "inform") -> List[Event]:
    return [said(text, intent), ActionExecuted(form), SlotSet(slot, value)]


FAQ_TURN = [said("où sont mes factures ?", "find_invoices"), *answered("utter_find_invoices")]
MARIE = {"email": "marie.durand@example.com", "customer_id": "C1000001"}


def scenarios(tokens: TokenSettings) -> Dict[str, Any]:
    """For each custom action: the previous turn, the latest one, the slots."""
    return {
        "action_phone_handover": (FAQ_TURN, [said("un conseiller svp", "request_human")], {}),
        "action_opening_hours": (
            FAQ_TURN,
            [said("vous êtes ouverts le samedi ?", "opening_hours")],
            {},
        ),
        "action_prefill_form_slots": (
            FAQ_TURN,
            [said("mdp oublié pour paul.petit@example.com", "forgot_password")],
            {},
        ),
        "action_answer_invoices": (
            FAQ_TURN,
            [said("mes factures", "find_invoices", logged_in(tokens))],
            {},
        ),
        "action_answer_addresses": (
            FAQ_TURN,
            [said("mes adresses", "manage_addresses", logged_in(tokens))],
            {},
        ),
        "action_answer_personal_data": (
            FAQ_TURN,
            [said("changer mon téléphone", "update_personal_data", logged_in(tokens))],
            {},
        ),
        "validate_password_email_form": (
            [
                said("mot de passe oublié", "forgot_password"),
                *asking("password_email_form", "email"),
            ],
            answering(
                "password_email_form", "paul.petit@example.com", "email", "paul.petit@example.com"
            ),
            {"wants_reset_email": True},
        ),
        "validate_delete_account_form": (
            [
                said("supprimer mon compte", "delete_account"),
                *asking("delete_account_form", "confirm_deletion"),
            ],
            answering("delete_account_form", "oui", "confirm_deletion", True, "affirm"),
            MARIE,
        ),
        "validate_duplicate_accounts_form": (
            [
                said("j'ai deux comptes", "duplicate_accounts"),
                *asking("duplicate_accounts_form", "customer_id"),
            ],
            answering("duplicate_accounts_form", "C1000002", "customer_id", "C1000002"),
            {},
        ),
        "validate_leave_message_form": (
            [said("je laisse un message", "affirm"), *asking("leave_message_form", "message_text")],
            answering(
                "leave_message_form", "Rappelez-moi demain", "message_text", "Rappelez-moi demain"
            ),
            {"wants_to_leave_message": True},
        ),
        "action_send_password_email": (
            [
                said("mot de passe oublié", "forgot_password"),
                *asking("password_email_form", "email"),
            ],
            answering(
                "password_email_form", "paul.petit@example.com", "email", "paul.petit@example.com"
            ),
            {"wants_reset_email": True},
        ),
        "action_open_deletion_ticket": (
            FAQ_TURN,
            [said("oui", "affirm", logged_in(tokens))],
            {**MARIE, "confirm_deletion": True},
        ),
        "action_open_duplicate_ticket": (
            FAQ_TURN,
            [said("a@example.com et b@example.com", "inform")],
            {"customer_id": "C1000002", "account_emails": ["a@example.com", "b@example.com"]},
        ),
        "action_leave_message": (
            FAQ_TURN,
            [said("Rappelez-moi demain", "inform")],
            {
                "wants_to_leave_message": True,
                "message_text": "Rappelez-moi demain",
                "email": "paul.petit@example.com",
            },
        ),
        # A follow-up: read in the light of what the bot said in the previous turn.
        "action_repair": (
            [
                said("vous êtes ouverts quand ?", "opening_hours"),
                *answered("utter_opening_hours_intro"),
            ],
            [said("et le samedi ?", "nlu_fallback")],
            {},
        ),
    }


def run_call(name: str, tracker: DialogueStateTracker, context: ActionContext) -> tuple:
    """The action run by rasa_sdk's executor on the call Rasa 3.6 sends (every event);
    its answer, the events sent, and where the events the Rasa server sends now start."""
    call = _rasa_action_call_format(RemoteAction(name, None), tracker, DOMAIN)
    events = ReadPositions(call["tracker"]["events"])
    call["tracker"]["events"] = events
    executor = ActionExecutor()
    for action in all_actions(context):
        executor.register_action(action)
    with ThreadPoolExecutor(max_workers=1) as worker:
        answer = worker.submit(asyncio.run, executor.run(call)).result()
    return answer, events, len(events) - len(latest_events(tracker.events))


def test_every_custom_action_has_a_scenario(stack_settings):
    assert sorted(scenarios(stack_settings.tokens)) == sorted(CUSTOM_ACTIONS)


@pytest.mark.parametrize("name", sorted(CUSTOM_ACTIONS))
def test_an_action_reads_no_event_before_those_sent(name, stack_settings, action_context):
    previous, current, slots = scenarios(stack_settings.tokens)[name]
    answer, events, first_sent = run_call(
        name, conversation(previous, current, slots), action_context
    )

    assert answer is not None and first_sent > 0
    if name in WHOLE_CONVERSATION:
        assert min(events.read) < first_sent
    else:
        assert not events.read or min(events.read) >= first_sent


def test_the_follow_up_scenario_reads_the_previous_turn(stack_settings, action_context):
    previous, current, slots = scenarios(stack_settings.tokens)["action_repair"]
    answer, events, first_sent = run_call(
        "action_repair", conversation(previous, current, slots), action_context
    )

    assert min(events.read) == first_sent  # the previous message, where the reading stops
    assert [r.get("response") for r in answer["responses"]][0] == "utter_hours_weekend"


def test_a_second_miss_in_a_row_hands_over_with_the_latest_events_only(
    stack_settings, action_context
):
    tracker = conversation(FAQ_TURN, [said("blablabla", "nlu_fallback")])
    first_miss, _, _ = run_call("action_repair", tracker, action_context)
    missed = [e["value"] for e in first_miss["events"] if e.get("name") == "missed_turn"]
    assert missed == [tracker.latest_message.timestamp]

    tracker.update(SlotSet("missed_turn", missed[0]))
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(said("zorglub", "nlu_fallback"))
    second_miss, events, first_sent = run_call("action_repair", tracker, action_context)

    assert "utter_fallback_handover" in [r.get("response") for r in second_miss["responses"]]
    assert min(events.read) >= first_sent
