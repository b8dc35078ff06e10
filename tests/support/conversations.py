"""Conversations written as Rasa stores them, for the dashboard's tests: the figures'
unit tests (tests/unit/test_stats.py) and the browser test, which seeds a week of them
into the running stack's tracker store (tests/browser/test_dashboard.py); and for the
review queue's (tests/backend/test_review.py, tests/browser/test_review.py)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import List, Optional, Type
from zoneinfo import ZoneInfo

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import make_url

from bot.domain.stats import ConversationEvents


class Conversation:
    """Events as Rasa stores them, one turn after the other, a minute apart."""

    def __init__(self, sender: str, start: str) -> None:
        """`start`: an ISO 8601 instant with its offset."""
        self.sender = sender
        self.clock = datetime.fromisoformat(start).timestamp()
        self.events: List[Event] = [ActionExecuted("action_session_start", timestamp=self.clock)]

    def turn(
        self,
        text: str,
        intent: str,
        *done: str,
        closest: Optional[str] = None,
        confidence: Optional[float] = None,
    ) -> "Conversation":
        """A customer message and what answered it: `action:NAME` for a custom action,
        `bot:NAME` for a response it uttered, a plain name for a rule's response.
        `closest`: the fallback, this intent ranked next; `confidence`: the model's for
        `intent` (0.9), or for `closest` (0.3)."""
        self.clock += 60
        score = confidence or 0.9
        ranking = [{"name": intent, "confidence": score}]
        if closest:
            ranking = [
                {"name": "nlu_fallback", "confidence": 0.4},
                {"name": closest, "confidence": confidence or 0.3},
            ]
        parse = {"intent": {"name": intent, "confidence": score}, "intent_ranking": ranking}
        self.events.append(
            UserUttered(text, parse["intent"], parse_data=parse, timestamp=self.clock)
        )
        for name in done:
            kind, _, response = name.rpartition(":")
            if kind in ("action", ""):
                self.events.append(ActionExecuted(response, timestamp=self.clock))
            if kind in ("bot", ""):
                uttered = BotUttered(
                    name, metadata={"utter_action": response}, timestamp=self.clock
                )
                self.events.append(uttered)
        self.events.append(ActionExecuted("action_listen", timestamp=self.clock))
        return self

    def stored(self) -> ConversationEvents:
        return ConversationEvents(self.sender, [event.as_dict() for event in self.events])


# Kinds of conversations of the seeded week, repeated in this order.
KINDS = ("faq", "faq", "fallback_then_faq", "asked", "faq", "failure", "backend_down", "faq")
# Conversations per day of the seeded week, oldest first.
WEEK = (5, 7, 6, 9, 8, 4, 6)


def _of_kind(kind: str, sender: str, start: str) -> Conversation:
    conversation = Conversation(sender, start).turn("bonjour", "greet", "utter_greet")
    if kind == "faq":
        return conversation.turn("où sont mes factures", "find_invoices", "utter_find_invoices")
    if kind == "fallback_then_faq":
        return conversation.turn(
            "euh",
            "nlu_fallback",
            "action:action_repair",
            "bot:utter_fallback_topics",
            closest="login_problem",
        ).turn("je n'arrive pas à me connecter", "login_problem", "utter_login_problem")
    if kind == "asked":
        return conversation.turn(
            "un conseiller svp",
            "request_human",
            "utter_request_human_intro",
            "action:action_phone_handover",
            "bot:utter_handover_open",
        )
    if kind == "failure":
        return conversation.turn(
            "prix du roulement 6204",
            "out_of_scope",
            "action:action_repair",
            "bot:utter_out_of_scope",
            "bot:utter_handover_closed",
            closest="find_invoices",
        )
    return conversation.turn(
        "mes adresses",
        "manage_addresses",
        "action:action_answer_addresses",
        "bot:utter_backend_unavailable",
        "bot:utter_handover_open",
    )


def seeded_week(last_day: date, timezone: str) -> List[Conversation]:
    """WEEK's conversations over the 7 days ending `last_day`, from 9:00 every 20 minutes:
    45 conversations, 23 FAQ answers, 6 fallbacks then a FAQ answer, 6 asking for a
    person, 5 out of scope (handed over, line closed), 5 with the backend down."""
    conversations: List[Conversation] = []
    number = 0
    for offset, count in enumerate(WEEK):
        day = last_day - timedelta(days=len(WEEK) - 1 - offset)
        morning = datetime.combine(day, time(9), ZoneInfo(timezone))
        for n in range(count):
            start = (morning + timedelta(minutes=20 * n)).isoformat()
            kind = KINDS[number % len(KINDS)]
            conversations.append(_of_kind(kind, f"seeded-{day}-{n}", start))
            number += 1
    return conversations


def rasa_store(url: str, kind: Type[SQLTrackerStore] = SQLTrackerStore) -> SQLTrackerStore:
    """Rasa's SQL tracker store (or `kind`, a subclass) on the database at `url`: a SQLite
    file, or a PostgreSQL database and schema (tests/support/backend.py's new_database),
    built from its parts as Rasa builds it from endpoints.yml."""
    parts = make_url(url)
    if parts.get_backend_name() == "sqlite":
        return kind(Domain.empty(), dialect="sqlite", db=parts.database)
    return kind(
        Domain.empty(),
        dialect="postgresql",
        host=parts.host,
        port=parts.port,
        db=parts.database,
        username=parts.username,
        password=parts.password,
        query=dict(parts.query),
    )


def save(path: Path, conversations: List[Conversation]) -> None:
    """Writes conversations into a SQLite tracker store as Rasa's own store does, in a
    thread of its own: Playwright's sync API keeps an event loop running in the test's."""
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(path))

    async def save_all() -> None:
        for conversation in conversations:
            tracker = DialogueStateTracker.from_events(conversation.sender, conversation.events)
            await store.save(tracker)

    with ThreadPoolExecutor(max_workers=1) as worker:
        worker.submit(asyncio.run, save_all()).result()
