"""Helpers of the production-layout tests (tests/cluster/): what a missing PostgreSQL or
Redis means, new conversations, and what the shared tracker store holds."""

from __future__ import annotations

import os
import uuid
from typing import List

import pytest
import sqlalchemy

from bot.config import Settings

SEEDED_EMAIL = "marie.dupont@example.com"


def unavailable(reason: str) -> None:
    """Skips the cluster tests with the reason; in CI, where they must run, fails them."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason}: CI must run the cluster tests")
    pytest.skip(reason)


def new_sender() -> str:
    return f"cluster-{uuid.uuid4().hex[:12]}"


def user_texts(events: List[dict]) -> List[str]:
    return [event["text"] for event in events if event["event"] == "user"]


def stored_event_count(settings: Settings, sender: str) -> int:
    engine = sqlalchemy.create_engine(settings.cluster.tracker_store_url)
    try:
        with engine.connect() as connection:
            return connection.execute(
                sqlalchemy.text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": sender}
            ).scalar_one()
    finally:
        engine.dispose()
