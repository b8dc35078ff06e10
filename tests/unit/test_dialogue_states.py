"""The dialogue states computed once per event give, after every event of a conversation,
exactly what Rasa computes from the beginning (bot/rasa_ext/dialogue_states.py)."""

from __future__ import annotations

import itertools

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    FollowupAction,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.config import PROJECT_ROOT
from bot.rasa_ext.dialogue_states import (
    RASA_APPLIED_EVENTS,
    applied_events,
    states_for_tracker_history,
)

RASA = Domain.states_for_tracker_history
DOMAIN = Domain.load(str(PROJECT_ROOT / "domain.yml"))
RULE_ONLY = {"slots": ["pending_form"], "loops": ["leave_message_form"]}
OPTIONS = list(itertools.product([False, True], [False, True], [None, RULE_ONLY]))


def said(intent: str, text: str = "…") -> UserUttered:
    return UserUttered(text, {"name": intent, "confidence": 0.9})


# A conversation with what changes Rasa's applied events: a form looping over its own
# executions, turns hidden by rules, a follow-up action, an undone message, an undone
# action, a new session and a restart.
CONVERSATION = [
    ActionExecuted("action_session_start"),
    SessionStarted(),
    ActionExecuted("action_listen"),
    said("greet"),
    ActionExecuted("utter_greet", hide_rule_turn=True),
    ActionExecuted("action_listen", hide_rule_turn=True),
    said("forgot_password"),
    ActionExecuted("utter_forgot_password"),
    ActionExecuted("password_email_form"),
    ActiveLoop("password_email_form"),
    SlotSet("requested_slot", "wants_reset_email"),
    ActionExecuted("action_listen"),
    said("affirm", "oui"),
    ActionExecuted("password_email_form"),
    SlotSet("wants_reset_email", True),
    SlotSet("requested_slot", "email"),
    ActionExecuted("action_listen"),
    said("opening_hours"),
    ActionExecuted("password_email_form"),
    SlotSet("requested_slot", "email"),
    ActionExecuted("action_listen"),
    said("inform", "lea@free.fr"),
    ActionExecuted("password_email_form"),
    SlotSet("email", "lea@free.fr"),
    ActiveLoop(None),
    SlotSet("requested_slot", None),
    ActionExecuted("action_send_password_email"),
    FollowupAction("utter_anything_else"),
    ActionExecuted("utter_anything_else"),
    ActionExecuted("action_listen"),
    said("thank"),
    UserUtteranceReverted(),
    said("goodbye"),
    ActionExecuted("utter_goodbye"),
    ActionReverted(),
    ActionExecuted("utter_you_are_welcome"),
    ActionExecuted("action_listen"),
    ActionExecuted("action_session_start"),
    SessionStarted(),
    ActionExecuted("action_listen"),
    said("log_out"),
    ActionExecuted("utter_log_out"),
    Restarted(),
    ActionExecuted("action_listen"),
    said("greet"),
    ActionExecuted("utter_greet"),
]


@pytest.mark.parametrize("omit_unset, ignore_rule_only, rule_only", OPTIONS)
def test_after_every_event_the_states_are_rasas(omit_unset, ignore_rule_only, rule_only):
    tracker = DialogueStateTracker.from_events("c1", [], DOMAIN.slots)
    for event in CONVERSATION:
        tracker.update(event)
        kept = states_for_tracker_history(DOMAIN, tracker, omit_unset, ignore_rule_only, rule_only)
        fresh = RASA(DOMAIN, tracker, omit_unset, ignore_rule_only, rule_only)
        assert kept == fresh, f"after {event}"


def test_the_states_handed_out_can_be_edited_without_changing_the_next_ones():
    tracker = DialogueStateTracker.from_events("c1", CONVERSATION[:20], DOMAIN.slots)
    first = states_for_tracker_history(DOMAIN, tracker)
    for state in first:
        for sub_state in state.values():
            sub_state.clear()
    assert states_for_tracker_history(DOMAIN, tracker) == RASA(DOMAIN, tracker)


def test_the_replay_goes_on_from_where_it_stopped(monkeypatch):
    tracker = DialogueStateTracker.from_events("c1", CONVERSATION[:20], DOMAIN.slots)
    states_for_tracker_history(DOMAIN, tracker)
    replayed = []
    original = DialogueStateTracker.update

    def update(self, event, *args, **kwargs):
        replayed.append(event)
        return original(self, event, *args, **kwargs)

    monkeypatch.setattr(DialogueStateTracker, "update", update)
    tracker.update(ActionExecuted("action_listen"))
    replayed.clear()

    states_for_tracker_history(DOMAIN, tracker)

    assert replayed == [ActionExecuted("action_listen")]


def test_after_every_event_the_applied_events_are_rasas():
    tracker = DialogueStateTracker.from_events("c1", [], DOMAIN.slots)
    for event in CONVERSATION:
        tracker.update(event)
        assert applied_events(tracker) == RASA_APPLIED_EVENTS(tracker), f"after {event}"


def test_a_loop_named_later_changes_how_its_earlier_executions_are_read():
    # « leave_message_form » runs twice before any ActiveLoop names it as a loop: once it
    # is named, Rasa undoes the first execution's turn; so must the kept computation.
    tracker = DialogueStateTracker.from_events("c1", [], DOMAIN.slots)
    for event in [
        ActionExecuted("action_listen"),
        said("request_human"),
        ActionExecuted("leave_message_form"),
        ActionExecuted("action_listen"),
        said("inform"),
        ActionExecuted("leave_message_form"),
    ]:
        tracker.update(event)
        applied_events(tracker)
    tracker.update(ActiveLoop("leave_message_form"))

    assert applied_events(tracker) == RASA_APPLIED_EVENTS(tracker)
    assert applied_events(tracker) != tracker.events  # the loop did undo something


def test_a_copied_tracker_reads_its_own_events():
    tracker = DialogueStateTracker.from_events("c1", CONVERSATION[:20], DOMAIN.slots)
    applied_events(tracker)
    copy = tracker.copy()
    copy.update(ActionExecuted("action_listen"))
    tracker.update(UserUtteranceReverted())

    assert applied_events(copy) == RASA_APPLIED_EVENTS(copy)
    assert applied_events(tracker) == RASA_APPLIED_EVENTS(tracker)


@pytest.mark.parametrize("omit_unset, ignore_rule_only, rule_only", OPTIONS)
def test_both_kept_computations_together_give_rasas_states(omit_unset, ignore_rule_only, rule_only):
    tracker = DialogueStateTracker.from_events("c1", [], DOMAIN.slots)
    for event in CONVERSATION:
        tracker.update(event)
        fresh = RASA(DOMAIN, tracker, omit_unset, ignore_rule_only, rule_only)
        DialogueStateTracker.applied_events = applied_events
        try:
            kept = states_for_tracker_history(
                DOMAIN, tracker, omit_unset, ignore_rule_only, rule_only
            )
        finally:
            DialogueStateTracker.applied_events = RASA_APPLIED_EVENTS
        assert kept == fresh, f"after {event}"
