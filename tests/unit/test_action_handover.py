"""The hand-over action (actions/handover.py) with the phone line and the clock of the
context it is constructed with: two contexts side by side, no environment read."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction
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
