"""The hand-over action (actions/handover.py) with the phone line and the clock of the
context it is constructed with: two contexts side by side, no environment read."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import datetime

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import ActionContext
from actions.handover import ActionPhoneHandover
from bot.config import PhoneLine, load_settings

FRIDAY_MORNING = datetime.fromisoformat("2026-11-27T10:00:00+01:00")
SATURDAY = datetime.fromisoformat("2026-11-28T10:00:00+01:00")


def context(now: datetime, number: str) -> ActionContext:
    base = ActionContext.from_settings(load_settings({}))
    return dataclasses.replace(
        base, phone=dataclasses.replace(base.phone, number=number), clock=lambda: now
    )


def tracker() -> Tracker:
    return Tracker("s", {}, {"text": "un conseiller"}, [], False, None, {}, "action_listen")


@pytest.mark.parametrize(
    "now, number, response, offers_a_message",
    [
        (FRIDAY_MORNING, "01 23 45 67 89", "utter_handover_open", False),
        (SATURDAY, "09 87 65 43 21", "utter_handover_closed", True),
    ],
)
def test_the_hand_over_tells_the_line_and_hours_of_its_context(
    now, number, response, offers_a_message
):
    dispatcher = CollectingDispatcher()
    events = ActionPhoneHandover(context(now, number)).run(dispatcher, tracker(), {})
    [message] = dispatcher.messages
    assert (message["response"], message["phone"]) == (response, number)
    assert (FollowupAction("leave_message_form") in events) is offers_a_message


def test_the_context_reads_the_fixed_clock_of_its_settings():
    settings = load_settings({"BOT_FIXED_NOW": SATURDAY.isoformat()})
    built = ActionContext.from_settings(settings)
    assert built.clock() == SATURDAY
    assert built.phone == PhoneLine() and built.backend == settings.backend


def paused_by_a_person(form_slots: dict, pending: object = None) -> Tracker:
    """The tracker a flow's submission action sees when the customer asked for a person."""
    slots = {"form_outcome": "handover", "pending_form": pending, **form_slots}
    return Tracker("s", slots, {"text": "un humain"}, [], False, None, {}, "action_listen")


@pytest.mark.parametrize("now, offers_a_message", [(FRIDAY_MORNING, False), (SATURDAY, True)])
def test_a_person_asked_for_inside_a_flow_pauses_it_and_offers_a_message_when_closed(
    now, offers_a_message
):
    from actions.submissions import ActionOpenDeletionTicket

    dispatcher = CollectingDispatcher()
    tracker_ = paused_by_a_person({"email": "n.guerin@laposte.net"})
    action = ActionOpenDeletionTicket(context(now, "02 808 18 02"))
    events = asyncio.run(action.run(dispatcher, tracker_, {}))
    assert SlotSet("pending_form", "delete_account_form") in events
    assert SlotSet("email", None) not in events
    assert (FollowupAction("leave_message_form") in events) is offers_a_message


def test_a_message_left_while_a_flow_is_paused_keeps_the_flows_values():
    from actions.submissions import ActionLeaveMessage

    dispatcher = CollectingDispatcher()
    slots = {"wants_to_leave_message": False, "email": "n.guerin@laposte.net"}
    tracker_ = Tracker(
        "s",
        {**slots, "pending_form": "delete_account_form"},
        {"text": "non merci"},
        [],
        False,
        None,
        {},
        "action_listen",
    )
    events = asyncio.run(ActionLeaveMessage(context(SATURDAY, "02")).run(dispatcher, tracker_, {}))
    assert SlotSet("email", None) not in events
    assert SlotSet("wants_to_leave_message", None) in events


def test_a_paused_request_taken_up_at_the_message_offer_runs_its_form_again():
    from actions.submissions import ActionLeaveMessage

    slots = {"form_outcome": "resumed", "pending_form": "duplicate_accounts_form"}
    message = {"text": "on reprend, C6677889"}
    tracker_ = Tracker("s", slots, message, [], False, None, {}, "action_listen")
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionLeaveMessage(context(SATURDAY, "02")).run(dispatcher, tracker_, {}))
    assert FollowupAction("duplicate_accounts_form") in events
    assert SlotSet("customer_id", "C6677889") in events
    assert [m["response"] for m in dispatcher.messages] == ["utter_resume"]


def asked(text: str) -> Tracker:
    return Tracker("s", {}, {"text": text}, [], False, None, {}, "action_listen")


@pytest.mark.parametrize(
    "text, opening",
    [
        ("vous bossez le samedi au service client ?", "utter_hours_weekend"),
        ("vous ouvrez à quelle heure ?", "utter_opening_hours_intro"),
    ],
)
def test_the_hours_answer_names_the_weekend_closure_when_asked_about_it(text, opening):
    from actions.handover import ActionOpeningHours

    dispatcher = CollectingDispatcher()
    events = ActionOpeningHours(context(SATURDAY, "02 808 18 02")).run(dispatcher, asked(text), {})
    assert [m["response"] for m in dispatcher.messages] == [opening, "utter_handover_closed"]
    assert FollowupAction("leave_message_form") in events


@pytest.mark.parametrize(
    "text, email",
    [
        ("je veux parler a un conseiller, vous pouvez me repondre a celine.roux@hotmail.fr", True),
        ("un conseiller svp", False),
    ],
)
def test_the_address_given_with_the_request_is_kept_for_the_message(text, email):
    asking = Tracker("s", {}, {"text": text}, [], False, None, {}, "action_listen")
    events = ActionPhoneHandover(context(SATURDAY, "09 87 65 43 21")).run(
        CollectingDispatcher(), asking, {}
    )
    assert (SlotSet("email", "celine.roux@hotmail.fr") in events) is email


def test_the_address_typed_just_before_the_request_is_kept_for_the_message():
    """« bonsoir, paul.petit@example.com ici », then « un conseiller svp »."""
    events = [
        {"event": "user", "text": "bonsoir, paul.petit@example.com ici", "parse_data": {}},
        {"event": "bot", "text": "…"},
        {"event": "user", "text": "un conseiller svp", "parse_data": {}},
    ]
    asking = Tracker(
        "s", {}, {"text": "un conseiller svp"}, events, False, None, {}, "action_listen"
    )
    events_out = ActionPhoneHandover(context(SATURDAY, "09 87 65 43 21")).run(
        CollectingDispatcher(), asking, {}
    )
    assert SlotSet("email", "paul.petit@example.com") in events_out
