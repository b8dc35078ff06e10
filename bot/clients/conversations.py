"""The conversations Rasa keeps in its SQL tracker store (`make cluster`, production).

Rasa writes one row per event in its `events` table (sender_id, type_name, timestamp,
intent_name, action_name, data as JSON text). Three jobs read it from outside Rasa:
the GDPR erasure (which conversations belong to a customer, then delete them),
`make missed` and the agents' review queue (which messages the bot failed on, when each
was sent and answered) and the agents' dashboard (a period's conversations). They go
straight to the table:
Rasa's HTTP API can neither list conversations nor delete one.

The review queue reads one page at a time: the database picks the page's customer messages
by timestamp (`turns_before`, an index on `events.timestamp` created by
bot/rasa_ext/tracker_store.py), then the events that answered them, never the whole table.

A conversation belongs to a customer when it was held logged in as that customer
(the token's subject, read without checking its signature: erasing too much is the
safe side), or when it mentions the customer's e-mail address or number.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import logging
import re
from dataclasses import dataclass
from typing import Dict, Iterable, Iterator, List, Optional, Set

import sqlalchemy
from sqlalchemy import bindparam, text
from sqlalchemy.engine import Engine

from bot.domain.outcomes import FAILURE_ACTIONS, closest_intent
from bot.domain.review_page import Position
from bot.domain.stats import ConversationEvents
from bot.domain.tokens import METADATA_KEY, verified_customer

logger = logging.getLogger(__name__)

# Rows fetched at a time when a period's conversations are read.
STREAM_BATCH = 1000
# What a turn is made of: the customer's message, then the actions and messages answering it.
TURN_COLUMNS = "id, sender_id, timestamp, type_name, action_name, data"
TURN_TYPES = "type_name IN ('user', 'action', 'bot')"


def token_subject(token: str) -> Optional[str]:
    """The `sub` claim of a JWT, unverified; None when it is not one."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError, binascii.Error, UnicodeDecodeError):
        return None
    subject = claims.get("sub") if isinstance(claims, dict) else None
    return subject if isinstance(subject, str) else None


def _mentions(data: str, emails: List[str], digits: Optional[str]) -> bool:
    lowered = data.lower()
    return any(email in lowered for email in emails) or (
        digits is not None and re.search(rf"(?<!\d){re.escape(digits)}(?!\d)", data) is not None
    )


@dataclass(frozen=True)
class MissedMessage:
    sender_id: str
    text: str
    intent: str
    # The intent the classifier found closest, other than the fallback.
    closest_intent: str
    confidence: float
    outcome: str


@dataclass(frozen=True)
class Turn:
    """A customer's message and how the bot answered it."""

    sender_id: str
    # The user event's timestamp (seconds since the epoch, as Rasa stores it).
    at: float
    # The user event's row id: orders the messages stamped at the same instant.
    event_id: int
    text: str
    intent: str
    closest_intent: str
    confidence: float
    # The first failure action (FAILURE_ACTIONS) of the answer; None when it answered.
    outcome: Optional[str]
    # The timestamp of the answer's first bot message: the id the widget rates it by.
    answer_at: Optional[float]

    @property
    def position(self) -> Position:
        return Position(self.at, self.event_id)

    def missed(self) -> MissedMessage:
        return MissedMessage(
            sender_id=self.sender_id,
            text=self.text,
            intent=self.intent,
            closest_intent=self.closest_intent,
            confidence=self.confidence,
            outcome=self.outcome or "",
        )


class ConversationStore:
    def __init__(self, url: str) -> None:
        self._engine: Engine = sqlalchemy.create_engine(url, pool_pre_ping=True)

    def close(self) -> None:
        self._engine.dispose()

    def conversations_of(self, customer_number: Optional[str], emails: Iterable[str]) -> Set[str]:
        """Sender ids of the conversations held as, or mentioning, this customer."""
        emails = [email.lower() for email in emails if email]
        digits = customer_number.lstrip("Cc") if customer_number else None
        patterns = [f"%{email}%" for email in emails] + ([f"%{digits}%"] if digits else [])
        found: Set[str] = set()
        with self._engine.connect() as connection:
            for pattern in patterns:
                rows = connection.execute(
                    text("SELECT sender_id, data FROM events WHERE lower(data) LIKE :pattern"),
                    {"pattern": pattern},
                )
                # LIKE is only the coarse filter ('_' matches any character, digits
                # may be part of a longer number); the exact check is here.
                found.update(sender for sender, data in rows if _mentions(data, emails, digits))
            if customer_number:
                rows = connection.execute(
                    text(
                        "SELECT sender_id, data FROM events "
                        "WHERE type_name = 'user' "
                        "AND (data LIKE '%verified_customer_id%' OR data LIKE '%auth_token%')"
                    )
                )
                found.update(
                    sender
                    for sender, data in rows
                    if _logged_in_as(data) == customer_number.upper()
                )
        return found

    def erase(self, sender_ids: Iterable[str]) -> int:
        """Deletes every event of these conversations; returns the number of events."""
        senders = sorted(set(sender_ids))
        if not senders:
            return 0
        statement = text("DELETE FROM events WHERE sender_id IN :senders").bindparams(
            bindparam("senders", expanding=True)
        )
        with self._engine.begin() as connection:
            deleted = connection.execute(statement, {"senders": senders}).rowcount
        logger.info("erased %d event(s) of %d conversation(s)", deleted, len(senders))
        return deleted

    def conversations_between(self, start: float, end: float) -> Iterator[ConversationEvents]:
        """Each conversation's events stamped in [start, end), one conversation at a time:
        the rows come from the database in batches (a server-side cursor on PostgreSQL),
        never the whole table at once (the dashboard, bot/domain/stats.py)."""
        statement = text(
            "SELECT sender_id, data FROM events "
            "WHERE timestamp >= :start AND timestamp < :end ORDER BY sender_id, id"
        )
        with self._engine.connect() as connection:
            rows = (
                connection.execution_options(stream_results=True)
                .execute(statement, {"start": start, "end": end})
                .yield_per(STREAM_BATCH)
            )
            for sender_id, group in itertools.groupby(rows, key=lambda row: row[0]):
                yield ConversationEvents(sender_id, [json.loads(data) for _, data in group])

    def missed_messages(self) -> List[MissedMessage]:
        """User messages the bot answered with the fallback, out of scope or a hand-over."""
        return [turn.missed() for turn in self.turns() if turn.outcome]

    def turns(self) -> List[Turn]:
        """Every customer message of every conversation, with how the bot answered it."""
        with self._engine.connect() as connection:
            rows = connection.execute(
                text(f"SELECT {TURN_COLUMNS} FROM events WHERE {TURN_TYPES} ORDER BY sender_id, id")
            )
            return list(_turns(rows))

    def turns_of(self, sender_id: str) -> List[Turn]:
        """The customer messages of one conversation, with how the bot answered them."""
        statement = text(
            f"SELECT {TURN_COLUMNS} FROM events WHERE sender_id = :sender AND {TURN_TYPES} "
            "ORDER BY id"
        )
        with self._engine.connect() as connection:
            return list(_turns(connection.execute(statement, {"sender": sender_id})))

    def turns_before(self, since: float, before: Optional[Position], count: int) -> List[Turn]:
        """The `count` newest customer messages stamped at `since` or later and before
        `before` (by timestamp, then row id), newest first, with how the bot answered them.

        Two queries: the messages, picked and ordered by the database; then the events of
        their conversations from the oldest of them on (the answers follow the messages)."""
        after = "AND (timestamp < :at OR (timestamp = :at AND id < :id)) " if before else ""
        picked = text(
            "SELECT id, sender_id FROM events "
            f"WHERE type_name = 'user' AND timestamp >= :since {after}"
            "ORDER BY timestamp DESC, id DESC LIMIT :count"
        )
        answers = text(
            f"SELECT {TURN_COLUMNS} FROM events "
            f"WHERE sender_id IN :senders AND id >= :first AND {TURN_TYPES} "
            "ORDER BY sender_id, id"
        ).bindparams(bindparam("senders", expanding=True))
        bounds = {"since": since, "count": count}
        if before:
            bounds.update(at=before.at, id=before.event_id)
        with self._engine.connect() as connection:
            messages = connection.execute(picked, bounds).all()
            if not messages:
                return []
            senders = sorted({sender for _, sender in messages})
            rows = connection.execute(
                answers, {"senders": senders, "first": min(i for i, _ in messages)}
            )
            wanted = {event_id for event_id, _ in messages}
            found = [turn for turn in _turns(rows) if turn.event_id in wanted]
        return sorted(found, key=lambda turn: turn.position, reverse=True)


def _logged_in_as(data: str) -> Optional[str]:
    """The customer a stored user message was verified as; conversations stored before
    the channel kept only the verdict hold the token itself."""
    try:
        metadata = json.loads(data).get("metadata") or {}
    except (ValueError, AttributeError):
        return None
    if not isinstance(metadata, dict):
        return None
    verified = verified_customer(metadata)
    if verified:
        return verified
    token = metadata.get(METADATA_KEY)
    return token_subject(token) if isinstance(token, str) else None


def _turn(
    sender_id: str,
    event_id: int,
    at: float,
    event: Dict,
    outcome: Optional[str],
    answer_at: Optional[float],
) -> Turn:
    parse_data = event.get("parse_data") or {}
    closest, confidence = closest_intent(parse_data)
    return Turn(
        sender_id=sender_id,
        # The column, not the event's JSON: the pages compare positions in SQL by it.
        at=float(at or 0.0),
        event_id=event_id,
        text=event.get("text") or "",
        intent=(parse_data.get("intent") or {}).get("name") or "?",
        closest_intent=closest,
        confidence=confidence,
        outcome=outcome,
        answer_at=answer_at,
    )


def _turns(rows) -> Iterator[Turn]:
    """Each user message, judged by the first failure action before the next message."""
    pending: Optional[Dict] = None
    for event_id, sender_id, at, type_name, action_name, data in rows:
        if pending is not None and (pending["sender_id"] != sender_id or type_name == "user"):
            yield _turn(**pending)
            pending = None
        if type_name == "user":
            pending = {"sender_id": sender_id, "event_id": event_id, "at": at}
            pending.update(event=json.loads(data), outcome=None, answer_at=None)
            continue
        if pending is None:
            continue
        if type_name == "bot":
            bot = json.loads(data)
            if pending["answer_at"] is None:
                pending["answer_at"] = bot.get("timestamp")
            # Responses an action uttered (action_repair): named in the event's metadata.
            action_name = (bot.get("metadata") or {}).get("utter_action") or ""
        if action_name in FAILURE_ACTIONS and pending["outcome"] is None:
            pending["outcome"] = action_name
    if pending is not None:
        yield _turn(**pending)
