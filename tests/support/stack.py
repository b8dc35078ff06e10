"""Helpers for the tests that run the stack: the shared clock, the log folder, a message
sent to the REST channel, a conversation read back, the tickets a conversation opened, and
the replies' text."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

import requests
import sqlalchemy

from bot.config import PROJECT_ROOT, Settings
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


def tickets_of(settings: Settings, conversation_id: str) -> List[Dict[str, Any]]:
    """The tickets a conversation opened, read straight from the backend's database."""
    engine = sqlalchemy.create_engine(settings.backend.database_url)
    with engine.connect() as connection:
        rows = (
            connection.execute(
                sqlalchemy.text(
                    "SELECT reference, subject, email, body FROM tickets WHERE conversation_id = :c"
                ),
                {"c": conversation_id},
            )
            .mappings()
            .all()
        )
    engine.dispose()
    return [dict(row) for row in rows]


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
