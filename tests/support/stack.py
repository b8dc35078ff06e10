"""Helpers for the tests that run the stack: the shared clock, the log folder, a message
sent to the REST channel, a conversation read back, the tickets a conversation opened, and
the replies' text, a customer chatting in the background."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Sequence, Tuple

import requests
import sqlalchemy

from bot.backend.models import Ticket
from bot.config import PROJECT_ROOT, Settings
from bot.domain.tickets import DELETION_SUBJECT
from bot.ops.supervisor import Stack, Stage, process_group_alive, with_env

RESULTS = PROJECT_ROOT / "results"
# The clock of the running stack: Friday 27 November 2026, 10:00 in Paris.
STACK_NOW = "2026-11-27T10:00:00+01:00"
# Written by a test to move the running stack's clock (BOT_FIXED_NOW_FILE); absent: STACK_NOW.
CLOCK_FILE = RESULTS / "stack-clock.txt"


def started(stages: Sequence[Stage], now: str = STACK_NOW, logs: str = "logs") -> Stack:
    """A stack whose processes all use the stack's fixed clock and log under results/."""
    return Stack(
        with_env(stages, {"BOT_FIXED_NOW": now, "BOT_FIXED_NOW_FILE": str(CLOCK_FILE)}),
        log_dir=RESULTS / logs,
    )


def assert_nothing_left(stack: Stack) -> None:
    left_behind = [s.spec.name for s in stack.services if s.pid and process_group_alive(s.pid)]
    assert not left_behind, f"processes left behind: {left_behind}"


LONG_AGO = datetime(2000, 1, 1, tzinfo=timezone.utc)


def forget_rate_limits(settings: Settings) -> None:
    """Lets the rate limits' windows pass: the reset e-mails' counts emptied, pending
    deletion requests dated long ago. The stack's clock is fixed, so the windows never
    roll by themselves: without this, the seeded customers' addresses would run out of
    requests over a whole run, and a test's replies would depend on the tests before it."""
    engine = sqlalchemy.create_engine(settings.backend.database_url)
    with engine.begin() as connection:
        connection.execute(sqlalchemy.text("DELETE FROM email_requests"))
        connection.execute(
            sqlalchemy.update(Ticket)
            .where(Ticket.subject == DELETION_SUBJECT)
            .values(created_at=LONG_AGO)
        )
    engine.dispose()


def backend_rows(settings: Settings, query: str, **params: Any) -> List[Dict[str, Any]]:
    """The rows `query` finds in the backend's database, read straight from it."""
    engine = sqlalchemy.create_engine(settings.backend.database_url)
    with engine.connect() as connection:
        found = connection.execute(sqlalchemy.text(query), params).mappings().all()
    engine.dispose()
    return [dict(row) for row in found]


def tickets_of(settings: Settings, conversation_id: str) -> List[Dict[str, Any]]:
    """The tickets a conversation opened."""
    return backend_rows(
        settings,
        "SELECT reference, subject, email, body FROM tickets WHERE conversation_id = :c",
        c=conversation_id,
    )


def texts(replies: list) -> str:
    """The replies' text, non-breaking spaces (French typography) read as spaces."""
    return "\n".join(reply.get("text", "") for reply in replies).replace("\u00a0", " ")


def send(
    base_url: str, sender: str, message: str, metadata: Optional[dict] = None, timeout: float = 60
) -> list:
    """One message to the REST channel at `base_url`; the bot's replies."""
    response = requests.post(
        f"{base_url}/webhooks/rest/webhook",
        json={"sender": sender, "message": message, "metadata": metadata or {}},
        timeout=timeout,
    )
    response.raise_for_status()
    return response.json()


def tracker(base_url: str, sender: str, settings: Settings) -> dict:
    """The conversation as Rasa's HTTP API gives it (it always needs the auth token)."""
    response = requests.get(
        f"{base_url}/conversations/{sender}/tracker",
        params={"token": settings.rasa_auth_token},
        timeout=30,
    )
    response.raise_for_status()
    return response.json()


class Chatter:
    """A customer saying « bonjour » in new conversations, one message after the other, in a
    thread, for as long as its `with` block lasts: what a server answered meanwhile (`model
    reloads without downtime`). Each entry is (HTTP status or error name, seconds, texts)."""

    def __init__(self, base_url: str) -> None:
        self._base_url = base_url
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.answers: List[Tuple[str, float, str]] = []

    def _run(self) -> None:
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                response = requests.post(
                    f"{self._base_url}/webhooks/rest/webhook",
                    json={"sender": f"chatter-{uuid.uuid4().hex[:12]}", "message": "bonjour"},
                    timeout=120,
                )
                outcome, said = str(response.status_code), texts(response.json())
            except (requests.RequestException, ValueError) as error:
                outcome, said = type(error).__name__, ""
            self.answers.append((outcome, time.monotonic() - started, said))

    def __enter__(self) -> "Chatter":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join(timeout=150)
