"""The dialogue states of a conversation, computed once per event instead of once per
prediction.

Why (issue 14): before each prediction, MemoizationPolicy and RulePolicy ask for the
state of the conversation before every action of its history
(`Domain.states_for_tracker_history`): Rasa replays every event into a fresh tracker and
builds one state per action, each time, for each policy. In a 200-turn conversation that
was 44 % of the Rasa server's time (py-spy, docs/PERFORMANCE.md), and it grows with the
conversation.

A conversation's history only grows: the states of its first actions do not change when
new events arrive. So the replay is kept on the tracker object (it goes with the tracker)
and continued from where it stopped. It is used only when the events already
replayed are still, object for object, the start of what the tracker now applies: an
undone turn, a form's loop that rewrites its own events or a restart change that start,
and the states are then computed from the beginning, as Rasa does. The states handed out
are copies, and so are the states kept: the featurizers edit the last state they get, and
a state's parts may be shared with Rasa's own objects.

The computation itself is Rasa 3.6's `Domain.states_for_tracker_history`, step for step,
with its loop variables kept between calls.

The same for `DialogueStateTracker.applied_events` (the events minus the undone ones),
which every prediction also rebuilds from the first event (35 % of the server's time once
the states were kept): continued from the last event read, while the events read are
unchanged and no new loop name appeared (a form's name seen later changes how its earlier
executions are read, and Rasa's computation then runs from the beginning).
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from typing import Any, Dict, FrozenSet, List, Optional, Text, Tuple, cast

from rasa.shared.core import constants
from rasa.shared.core.domain import Domain, State, SubState
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker


@dataclass
class Replay:
    """Where the replay of one tracker's history stopped, for one set of options."""

    prior: DialogueStateTracker  # the tracker rebuilt from the events replayed so far
    replayed: int = 0  # how many applied events were replayed into `prior`
    last_event: Optional[Event] = None  # the last of them, to check the start is unchanged
    states: List[State] = field(default_factory=list)  # one per action replayed
    last_ml_action_sub_state: Optional[SubState] = None
    turn_was_hidden: bool = False


# The replays live on the tracker object itself (trackers compare by value, so they
# cannot be dictionary keys), and go with it.
REPLAYS_ATTRIBUTE = "_dialogue_state_replays"


def _options_key(
    omit_unset_slots: bool, ignore_rule_only_turns: bool, rule_only_data: Optional[Dict]
) -> Tuple:
    return (
        omit_unset_slots,
        ignore_rule_only_turns,
        json.dumps(rule_only_data, sort_keys=True, default=str) if rule_only_data else None,
    )


def _still_the_start(replay: Replay, applied: List[Event]) -> bool:
    """Whether the events replayed are still the first applied ones (events are only
    removed from the end of the applied list, so the last one replayed being the same
    object at the same place means none before it moved)."""
    if replay.replayed == 0:
        return True
    return len(applied) >= replay.replayed and applied[replay.replayed - 1] is replay.last_event


def _state_at(
    domain: Domain,
    replay: Replay,
    tracker: DialogueStateTracker,
    hide_rule_turn: bool,
    omit_unset_slots: bool,
    ignore_rule_only_turns: bool,
    rule_only_data: Optional[Dict[Text, Any]],
    states: List[State],
) -> Optional[State]:
    """The body of Rasa's loop for one prior tracker; None when the turn is hidden."""
    if ignore_rule_only_turns:
        if not replay.turn_was_hidden:
            replay.last_ml_action_sub_state = domain._get_prev_action_sub_state(tracker)
        # Rasa's `not a == b`, kept as written (`!=` is the same for strings and None).
        if not tracker.followup_action and tracker.latest_action_name != tracker.active_loop_name:
            replay.turn_was_hidden = hide_rule_turn
        if replay.turn_was_hidden:
            return None
    state = domain.get_active_state(tracker, omit_unset_slots=omit_unset_slots)
    if ignore_rule_only_turns:
        domain._remove_rule_only_features(state, rule_only_data)
        if states:
            domain._substitute_rule_only_user_input(state, states[-1])
        if replay.last_ml_action_sub_state:
            state[constants.PREVIOUS_ACTION] = cast(SubState, replay.last_ml_action_sub_state)
    return domain._clean_state(state)


def states_for_tracker_history(
    self: Domain,
    tracker: DialogueStateTracker,
    omit_unset_slots: bool = False,
    ignore_rule_only_turns: bool = False,
    rule_only_data: Optional[Dict[Text, Any]] = None,
) -> List[State]:
    """Rasa's `Domain.states_for_tracker_history`, continued from the previous call."""
    options = (omit_unset_slots, ignore_rule_only_turns, rule_only_data)
    replays: Dict[Tuple, Replay] = vars(tracker).setdefault(REPLAYS_ATTRIBUTE, {})
    key = _options_key(*options)
    applied = tracker.applied_events()
    replay = replays.get(key)
    if replay is None or not _still_the_start(replay, applied):
        replay = replays[key] = Replay(prior=tracker.init_copy())
    for event in applied[replay.replayed :]:
        if isinstance(event, ActionExecuted):
            state = _state_at(
                self, replay, replay.prior, event.hide_rule_turn, *options, replay.states
            )
            if state is not None:
                replay.states.append(_copy(state))
        replay.prior.update(event)
    replay.replayed = len(applied)
    replay.last_event = applied[-1] if applied else None
    # The state after the last event changes with the next events: computed, not kept.
    ended = Replay(
        prior=replay.prior,
        last_ml_action_sub_state=replay.last_ml_action_sub_state,
        turn_was_hidden=replay.turn_was_hidden,
    )
    last = _state_at(self, ended, replay.prior, False, *options, replay.states)
    states = [_copy(state) for state in replay.states]
    return states + [_copy(last)] if last is not None else states


def _copy(state: State) -> State:
    return {name: dict(sub_state) for name, sub_state in state.items()}


@dataclass
class Applied:
    """What `applied_events` made of a tracker's first `read` events."""

    read: int
    last_event: Optional[Event]
    loop_names: FrozenSet[str]
    events: List[Event]


APPLIED_ATTRIBUTE = "_applied_events_so_far"
RASA_APPLIED_EVENTS = DialogueStateTracker.applied_events


def _loop_names(events: Any) -> FrozenSet[str]:
    return frozenset(e.name for e in events if isinstance(e, ActiveLoop) and e.name)


def applied_events(self: DialogueStateTracker) -> List[Event]:
    """Rasa's `DialogueStateTracker.applied_events`, continued from the previous call."""
    events = self.events
    done: Optional[Applied] = vars(self).get(APPLIED_ATTRIBUTE)
    unchanged = done is not None and (
        done.read == 0 or (len(events) >= done.read and events[done.read - 1] is done.last_event)
    )
    new = list(itertools.islice(events, done.read, None)) if done and unchanged else []
    if done is None or not unchanged or not _loop_names(new) <= done.loop_names:
        applied = RASA_APPLIED_EVENTS(self)
        loop_names = _loop_names(events)
    else:
        applied, loop_names = list(done.events), done.loop_names
        for event in new:
            _apply(self, event, applied, loop_names)
    last = events[-1] if events else None
    vars(self)[APPLIED_ATTRIBUTE] = Applied(len(events), last, loop_names, applied)
    return list(applied)


def _apply(
    tracker: DialogueStateTracker, event: Event, applied: List[Event], loops: FrozenSet[str]
) -> None:
    """The body of Rasa's loop in `applied_events`, for one event."""
    if isinstance(event, (Restarted, SessionStarted)):
        applied.clear()
    elif isinstance(event, ActionReverted):
        tracker._undo_till_previous(ActionExecuted, applied)
    elif isinstance(event, UserUtteranceReverted):
        tracker._undo_till_previous(UserUttered, applied)
        tracker._undo_till_previous(ActionExecuted, applied)
    elif (
        isinstance(event, ActionExecuted)
        and event.action_name in loops
        and not tracker._first_loop_execution_or_unhappy_path(event.action_name, applied)
    ):
        tracker._undo_till_previous_loop_execution(event.action_name, applied)
    else:
        applied.append(event)


def install() -> None:
    DialogueStateTracker.applied_events = applied_events
    Domain.states_for_tracker_history = states_for_tracker_history
