"""What the Rasa server sends the action server with a custom action call: the latest
events of the conversation, not all of them.

Why (issue 14): Rasa 3.6's `RemoteAction` sends the whole tracker with every call, each
event of the session as JSON, and our turns make 1.3 calls on average. At turn 300 of a
conversation that is 1.5 MB per call, 23 ms of the Rasa server's CPU to build and
serialise it and 11 ms of the action server's to parse it: the largest cost that still
grew with the conversation (docs/PERFORMANCE.md).

What our actions read of the events (actions/*.py and rasa_sdk's form validation):
- what happened since the customer's message before the previous one: the follow-ups read
  what the bot did in its two latest turns (`recent_turns`), a form whether the latest message
  answers it, rasa_sdk the slots a form just extracted, the repair action whether the
  previous message was missed (by its timestamp);
- the whole conversation: only the summary of a message left for the agents
  (`action_leave_message`, in WHOLE_CONVERSATION).
So the events sent start at the customer's message before the previous one; the actions in
WHOLE_CONVERSATION get every event, as Rasa sends them. Everything else in the call (the
slots, the latest message, the active loop, the domain) is Rasa's, unchanged.
tests/test_action_payload.py runs every custom action on a long conversation and checks
that none reads an event before the ones sent.
"""

from __future__ import annotations

from typing import Any, Dict, List, Reversible, Text

import rasa
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from bot.domain.repair import continues_a_message

# The actions that read the whole conversation (their names, as in domain.yml).
WHOLE_CONVERSATION = frozenset({"action_leave_message"})
# How many of the customer's latest messages the events sent start from.
USER_MESSAGES_SENT = 3

_rasa_action_call_format = RemoteAction._action_call_format


def latest_events(
    events: Reversible[Event], user_messages: int = USER_MESSAGES_SENT
) -> List[Event]:
    """The events from the `user_messages`-th latest customer message on (all of them when
    there are fewer messages), read from the end; a split message counts once."""
    kept: List[Event] = []
    seen = 0
    for event in reversed(events):
        kept.append(event)
        # The later questions of a split message are not the customer's messages: a
        # follow-up to the message reads what was said to all of its questions.
        if isinstance(event, UserUttered) and not continues_a_message(event.parse_data):
            seen += 1
            if seen == user_messages:
                break
    kept.reverse()
    return kept


def action_call_format(
    self: RemoteAction, tracker: DialogueStateTracker, domain: Domain
) -> Dict[Text, Any]:
    """RemoteAction._action_call_format, with only the latest events (module docstring)."""
    if self.name() in WHOLE_CONVERSATION:
        return _rasa_action_call_format(self, tracker, domain)
    state = tracker.current_state(EventVerbosity.NONE)
    state["events"] = [event.as_dict() for event in latest_events(tracker.events)]
    result = {
        "next_action": self._name,
        "sender_id": tracker.sender_id,
        "tracker": state,
        "version": rasa.__version__,
    }
    if not self._is_selective_domain_enabled() or domain.does_custom_action_explicitly_need_domain(
        self.name()
    ):
        result["domain"] = domain.as_dict()
    return result


def install() -> None:
    RemoteAction._action_call_format = action_call_format
