"""A custom action call carries the conversation's latest events only, and otherwise what
Rasa sends (bot/rasa_ext/action_payload.py). That the actions need no more is checked by
running them: tests/test_action_payload.py."""

from __future__ import annotations

import yaml
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.config import PROJECT_ROOT
from bot.rasa_ext import rest_channel
from bot.rasa_ext.action_payload import (
    WHOLE_CONVERSATION,
    _rasa_action_call_format,
    action_call_format,
    latest_events,
)

DOMAIN = Domain.load(str(PROJECT_ROOT / "domain.yml"))
ENDPOINT = EndpointConfig("http://127.0.0.1:5055/webhook")


def conversation(turns: int) -> DialogueStateTracker:
    events = [SessionStarted(), ActionExecuted("action_listen")]
    for turn in range(turns):
        events += [
            UserUttered(f"message {turn}", {"name": "find_invoices", "confidence": 0.9}),
            SlotSet("email", f"client{turn}@example.com"),
            ActionExecuted("action_answer_invoices"),
            BotUttered("…", metadata={"utter_action": "utter_find_invoices"}),
            ActionExecuted("action_listen"),
        ]
    return DialogueStateTracker.from_events("c1", events, DOMAIN.slots)


def test_the_latest_events_start_at_the_customer_s_message_before_the_previous_one():
    events = list(conversation(5).events)
    user_messages = [i for i, event in enumerate(events) if isinstance(event, UserUttered)]

    assert latest_events(events) == events[user_messages[-3] :]
    assert latest_events(events, user_messages=2) == events[user_messages[-2] :]
    assert latest_events(events, user_messages=1) == events[user_messages[-1] :]
    assert latest_events(events[: user_messages[1]]) == events[: user_messages[1]]
    assert latest_events([]) == []


def test_a_split_message_counts_once():
    events = list(conversation(3).events)
    earlier = sorted(i for i, event in enumerate(events) if isinstance(event, UserUttered))[-2]
    # The previous message was split in two: its second question comes after the first's answer.
    second = UserUttered("et mes adresses ?", parse_data={"split_part": 1})
    events += [second, ActionExecuted("utter_manage_addresses"), ActionExecuted("action_listen")]
    events += [UserUttered("c'est où ?")]
    assert latest_events(events) == events[earlier:]


def test_a_long_conversation_s_call_is_rasa_s_with_the_latest_events_only():
    tracker = conversation(50)
    action = RemoteAction("action_answer_invoices", ENDPOINT)

    ours = action_call_format(action, tracker, DOMAIN)
    rasas = _rasa_action_call_format(action, tracker, DOMAIN)

    assert ours["tracker"]["events"] == [event.as_dict() for event in latest_events(tracker.events)]
    assert len(ours["tracker"]["events"]) == 15 < len(rasas["tracker"]["events"])
    ours["tracker"]["events"] = rasas["tracker"]["events"]
    assert ours == rasas


def test_a_first_message_s_call_and_the_whole_conversation_actions_calls_are_rasa_s():
    short = conversation(1)
    for name in ("action_answer_invoices", *WHOLE_CONVERSATION):
        action = RemoteAction(name, ENDPOINT)
        assert action_call_format(action, short, DOMAIN) == _rasa_action_call_format(
            action, short, DOMAIN
        )
    long = conversation(50)
    for name in WHOLE_CONVERSATION:
        action = RemoteAction(name, ENDPOINT)
        assert action_call_format(action, long, DOMAIN) == _rasa_action_call_format(
            action, long, DOMAIN
        )


def test_rasa_servers_use_it():
    """Rasa imports the REST channel's module (credentials.yml), which installs it."""
    assert rest_channel.rasa_speedups.action_payload.action_call_format is action_call_format
    assert RemoteAction._action_call_format is action_call_format


def test_only_the_form_validations_get_the_domain():
    """endpoints.yml's `enable_selective_domain` and domain.yml's `send_domain`: rasa_sdk's
    FormValidationAction reads the domain (the form's slots), no other action does."""
    endpoints = yaml.safe_load((PROJECT_ROOT / "endpoints.yml").read_text(encoding="utf-8"))
    endpoint = EndpointConfig.from_dict(endpoints["action_endpoint"])
    tracker = conversation(1)
    for name in set(DOMAIN.user_actions) - set(DOMAIN.responses):
        call = action_call_format(RemoteAction(name, endpoint), tracker, DOMAIN)
        assert ("domain" in call) == name.startswith("validate_"), name
