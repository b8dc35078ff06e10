"""What one turn of the bot amounted to, read from the names of the responses it uttered:
understood or not, handed over to the phone line or not, and why.

The names are what both readers have: Rasa's tracker store keeps each bot message's
response name (`utter_action` in the event's metadata; a rule's response is also the
action's name), and the REST channel passes the turn's names to the web server in the
`X-Bot-Responses` header (bot/rasa_ext/rest_channel.py). The dashboard (bot/domain/stats.py)
and the Prometheus counters (bot/web/metrics.py) therefore classify turns the same way.

The hand-over's reason is not stored as such: every hand-over utters
`utter_handover_open` or `utter_handover_closed` (actions/handover.py), and the response
uttered before it in the same turn says why (the backend error, the second miss, the
customer's request…). A hand-over none of these explains is one the FAQ itself sends to
an adviser (two accounts, a lost mailbox, too many e-mails): `needed`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Iterable, Optional, Tuple

# The REST channel's answer header naming the turn's responses, in order, space-separated
# (`utter_greet utter_handover_open`): names only, never text.
RESPONSES_HEADER = "X-Bot-Responses"
HANDOVER_OPEN, HANDOVER_CLOSED = "utter_handover_open", "utter_handover_closed"
FALLBACK_RESPONSES = frozenset({"utter_fallback_topics", "utter_fallback_handover"})
CLARIFY_RESPONSE = "utter_clarify"
# What `make missed` and the dashboard's "missed topics" count: the bot did not
# understand, answered out of scope or handed over.
FAILURE_ACTIONS = frozenset(
    {
        "utter_fallback_topics",
        "action_phone_handover",
        "utter_out_of_scope",
        "utter_fallback_handover",
        CLARIFY_RESPONSE,
    }
)
FALLBACK_INTENT = "nlu_fallback"

# The reasons of a hand-over, first match wins; `needed` when none matches.
REASONS: Tuple[Tuple[str, frozenset], ...] = (
    (
        "backend_down",
        frozenset(
            {
                "utter_backend_unavailable",
                "utter_password_email_unavailable",
                "utter_message_not_left",
            }
        ),
    ),
    ("failure", frozenset({"utter_fallback_handover", "utter_out_of_scope", "utter_form_failed"})),
    (
        "asked",
        frozenset(
            {"utter_request_human_intro", "utter_opening_hours_intro", "utter_hours_weekend"}
        ),
    ),
)
NEEDED = "needed"
HANDOVER_REASONS = tuple(reason for reason, _ in REASONS) + (NEEDED,)
BACKEND_DOWN = "backend_down"


@dataclass(frozen=True)
class TurnOutcome:
    fallback: bool
    clarified: bool
    missed: bool
    backend_down: bool
    # Why the customer was handed over to the phone line; None when they were not.
    handover: Optional[str]
    line_closed: bool


def turn_outcome(names: Iterable[str]) -> TurnOutcome:
    """The outcome of a turn from the actions and responses it ran, in any order."""
    done = frozenset(names)
    handed_over = bool(done & {HANDOVER_OPEN, HANDOVER_CLOSED})
    return TurnOutcome(
        fallback=bool(done & FALLBACK_RESPONSES),
        clarified=CLARIFY_RESPONSE in done,
        missed=bool(done & FAILURE_ACTIONS),
        backend_down=bool(done & dict(REASONS)[BACKEND_DOWN]),
        handover=_reason(done) if handed_over else None,
        line_closed=HANDOVER_CLOSED in done,
    )


def _reason(done: frozenset) -> str:
    return next((reason for reason, markers in REASONS if done & markers), NEEDED)


def closest_intent(parse_data: Dict[str, Any]) -> Tuple[str, float]:
    """The intent the classifier found closest, other than the fallback, and its confidence."""
    ranking = [
        entry
        for entry in parse_data.get("intent_ranking") or []
        if entry.get("name") != FALLBACK_INTENT
    ]
    if not ranking:
        return "?", 0.0
    return ranking[0].get("name", "?"), float(ranking[0].get("confidence") or 0.0)
