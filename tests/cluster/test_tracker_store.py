"""bot/rasa_ext/tracker_store.py against the real PostgreSQL: it rides out dropped connections
and, when the database stays away, fails through Rasa's FailSafeTrackerStore."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.config import Settings
from bot.ops.cluster import postgres_parts
from bot.ops.supervisor import free_port
from bot.rasa_ext import tracker_store


@pytest.fixture
def store(cluster_settings: Settings):
    parts = postgres_parts(cluster_settings.cluster.tracker_store_url)
    return tracker_store.RetryingSQLTrackerStore(
        domain=Domain.empty(),
        dialect="postgresql",
        host=parts["host"],
        port=parts["port"],
        db=parts["db"],
        username=parts["user"],
        password=parts["password"],
    )


def saved(store, sender: str, *texts: str) -> None:
    events = [UserUttered(text, {"name": "greet", "confidence": 1.0}) for text in texts]
    asyncio.run(store.save(DialogueStateTracker.from_events(sender, events)))


def test_connections_dropped_by_the_server_are_reopened(store, cluster_settings):
    saved(store, "dropped-connections", "bonjour", "merci")
    admin = sqlalchemy.create_engine(cluster_settings.cluster.tracker_store_url)
    with admin.connect() as connection:
        connection.execute(
            sqlalchemy.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    admin.dispose()

    tracker = asyncio.run(FailSafeTrackerStore(store).retrieve("dropped-connections"))

    assert [e.text for e in tracker.events if isinstance(e, UserUttered)] == ["bonjour", "merci"]


def test_a_database_that_stays_away_fails_the_message(store):
    store.retry_seconds = 1.0
    store.engine = sqlalchemy.create_engine(
        f"postgresql://postgres@127.0.0.1:{free_port()}/nothing"
    )
    store.sessionmaker = sqlalchemy.orm.sessionmaker(bind=store.engine)

    with pytest.raises(tracker_store.TrackerStoreUnavailable):
        asyncio.run(FailSafeTrackerStore(store).retrieve("anyone"))
