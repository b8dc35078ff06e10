"""The support team's dashboard figures (issue 13), computed from conversations' events.

Pure: the events come as Rasa stores them (the JSON of each row of the tracker store's
`events` table, bot/clients/conversations.py reads them for a period), the feedback
counts from whoever keeps them. A turn is a customer message and what the bot did until
the next one; bot/domain/outcomes.py says what each turn amounted to.

- containment: conversations with no hand-over and no unresolved fallback (a « je n'ai
  pas compris » that no understood message followed);
- hand-over rate per reason: conversations handed over at least once for that reason,
  over all conversations (one conversation may count under two reasons); `line_closed`
  counts those handed over while the phone line was closed, whatever the reason;
- fallback rate: turns the bot did not understand, over customer messages;
- top intents and top missed topics (the closest intent of a missed message, as
  `make missed` groups them), and one row per day of the period (the support's time
  zone; a conversation counts on the day of its first message in the period).

Only the events inside the period count: a conversation that began the day before
counts from its first message in the period.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Dict, Iterable, List, Optional
from zoneinfo import ZoneInfo

from bot.domain.outcomes import (
    FALLBACK_INTENT,
    HANDOVER_REASONS,
    TurnOutcome,
    closest_intent,
    turn_outcome,
)
from bot.domain.topics import INTENT_LABELS

DEFAULT_DAYS = 7
MAX_DAYS = 366
TOP = 10


class BadPeriod(ValueError):
    """The requested period cannot be read; the text says why, in French."""


@dataclass(frozen=True)
class Period:
    first: date
    last: date
    timezone: str

    @property
    def start(self) -> float:
        """The first instant of the period (POSIX seconds, as Rasa's events are stamped)."""
        return self._midnight(self.first)

    @property
    def end(self) -> float:
        """The instant after the period."""
        return self._midnight(self.last + timedelta(days=1))

    def _midnight(self, day: date) -> float:
        return datetime.combine(day, time(0), ZoneInfo(self.timezone)).timestamp()

    def day_of(self, timestamp: float) -> date:
        return datetime.fromtimestamp(timestamp, ZoneInfo(self.timezone)).date()

    def days(self) -> List[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]


def _date(text: str, name: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise BadPeriod(
            f"Date « {name} » invalide : attendu AAAA-MM-JJ, par exemple 2026-11-27."
        ) from error


def period_from_query(
    first: Optional[str], last: Optional[str], today: date, timezone: str
) -> Period:
    """The period of `from` and `to` (inclusive dates); by default the last 7 days."""
    last_day = _date(last, "to") if last else today
    first_day = _date(first, "from") if first else last_day - timedelta(days=DEFAULT_DAYS - 1)
    if first_day > last_day:
        raise BadPeriod("La date de début est après la date de fin.")
    if (last_day - first_day).days >= MAX_DAYS:
        raise BadPeriod(f"Choisissez une période de {MAX_DAYS} jours au plus.")
    return Period(first_day, last_day, timezone)


@dataclass(frozen=True)
class ConversationEvents:
    """One conversation's events of the period, in order."""

    sender_id: str
    events: List[Dict[str, Any]]


@dataclass(frozen=True)
class FeedbackSummary:
    """Customers' ratings of the period (👍/👎 under answers, satisfaction at the end)."""

    thumbs_up: int = 0
    thumbs_down: int = 0
    satisfaction_responses: int = 0
    satisfaction_average: Optional[float] = None


NO_FEEDBACK = FeedbackSummary()


@dataclass
class _Turn:
    intent: Optional[str]
    closest: str
    names: List[str] = field(default_factory=list)

    def outcome(self) -> TurnOutcome:
        return turn_outcome(self.names)


def _turns(events: Iterable[Dict[str, Any]]) -> List[_Turn]:
    """The customer's messages, each with the actions and responses that answered it."""
    turns: List[_Turn] = []
    for event in events:
        kind = event.get("event")
        if kind == "user":
            parse_data = event.get("parse_data") or {}
            intent = (parse_data.get("intent") or {}).get("name")
            turns.append(_Turn(intent=intent, closest=closest_intent(parse_data)[0]))
        elif turns and kind == "action" and event.get("name") != "action_listen":
            turns[-1].names.append(event.get("name") or "")
        elif turns and kind == "bot":
            turns[-1].names.append((event.get("metadata") or {}).get("utter_action") or "")
    return turns


@dataclass(frozen=True)
class _Conversation:
    day: date
    customer_messages: int
    bot_messages: int
    outcomes: List[TurnOutcome]
    intents: List[str]
    missed_topics: List[str]

    @property
    def reasons(self) -> set:
        return {o.handover for o in self.outcomes if o.handover}

    @property
    def unresolved_fallback(self) -> bool:
        """A fallback that no understood message followed."""
        understood = [i for i, o in enumerate(self.outcomes) if not o.fallback]
        after = understood[-1] + 1 if understood else 0
        return any(o.fallback for o in self.outcomes[after:])

    @property
    def contained(self) -> bool:
        return not self.reasons and not self.unresolved_fallback


def _conversation(events: List[Dict[str, Any]], period: Period) -> Optional[_Conversation]:
    first_message = next((e for e in events if e.get("event") == "user"), None)
    if first_message is None:
        return None
    turns = _turns(events)
    outcomes = [turn.outcome() for turn in turns]
    return _Conversation(
        day=period.day_of(float(first_message.get("timestamp") or period.start)),
        customer_messages=len(turns),
        bot_messages=sum(1 for e in events if e.get("event") == "bot"),
        outcomes=outcomes,
        intents=[t.intent for t in turns if t.intent and t.intent != FALLBACK_INTENT],
        missed_topics=[t.closest for t, o in zip(turns, outcomes, strict=True) if o.missed],
    )


def _rate(count: int, total: int) -> Optional[float]:
    return round(count / total, 4) if total else None


def _share(count: int, total: int) -> Dict[str, Any]:
    return {"conversations": count, "rate": _rate(count, total)}


def _top(counter: Counter) -> List[Dict[str, Any]]:
    ranked = sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:TOP]
    return [
        {"intent": name, "label": INTENT_LABELS.get(name, name), "count": count}
        for name, count in ranked
    ]


def _day_row(day: date, conversations: List[_Conversation]) -> Dict[str, Any]:
    return {
        "date": day.isoformat(),
        "conversations": len(conversations),
        "customer_messages": sum(c.customer_messages for c in conversations),
        "contained": sum(1 for c in conversations if c.contained),
        "handovers": sum(1 for c in conversations if c.reasons),
        "fallbacks": sum(1 for c in conversations for o in c.outcomes if o.fallback),
    }


def _feedback_json(feedback: FeedbackSummary) -> Dict[str, Any]:
    rated = feedback.thumbs_up + feedback.thumbs_down
    return {
        "thumbs_up": feedback.thumbs_up,
        "thumbs_down": feedback.thumbs_down,
        "thumbs_up_rate": _rate(feedback.thumbs_up, rated),
        "satisfaction": {
            "responses": feedback.satisfaction_responses,
            "average": feedback.satisfaction_average,
        },
    }


def compute(
    conversations: Iterable[ConversationEvents],
    period: Period,
    feedback: FeedbackSummary = NO_FEEDBACK,
) -> Dict[str, Any]:
    """The dashboard's figures of the period, as the JSON of GET /agent/api/stats."""
    read = [_conversation(c.events, period) for c in conversations]
    kept = [c for c in read if c is not None]
    total = len(kept)
    customer_messages = sum(c.customer_messages for c in kept)
    outcomes = [o for c in kept for o in c.outcomes]
    fallbacks = sum(1 for o in outcomes if o.fallback)
    by_day: Dict[date, List[_Conversation]] = {day: [] for day in period.days()}
    for conversation in kept:
        by_day.setdefault(conversation.day, []).append(conversation)
    return {
        "period": {
            "from": period.first.isoformat(),
            "to": period.last.isoformat(),
            "timezone": period.timezone,
        },
        "conversations": total,
        "messages": {
            "customer": customer_messages,
            "bot": sum(c.bot_messages for c in kept),
        },
        "containment": _share(sum(1 for c in kept if c.contained), total),
        "handovers": {
            **_share(sum(1 for c in kept if c.reasons), total),
            "by_reason": {
                reason: _share(sum(1 for c in kept if reason in c.reasons), total)
                for reason in HANDOVER_REASONS
            },
            "line_closed": _share(
                sum(1 for c in kept if any(o.line_closed for o in c.outcomes)), total
            ),
        },
        "fallbacks": {
            "turns": fallbacks,
            "rate": _rate(fallbacks, customer_messages),
            "unresolved_conversations": sum(1 for c in kept if c.unresolved_fallback),
        },
        "clarifications": sum(1 for o in outcomes if o.clarified),
        "feedback": _feedback_json(feedback),
        "top_intents": _top(Counter(i for c in kept for i in c.intents)),
        "top_missed": _top(Counter(t for c in kept for t in c.missed_topics)),
        "daily": [_day_row(day, by_day[day]) for day in sorted(by_day)],
    }
