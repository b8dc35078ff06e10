"""The tracker store keeps the trackers it saved, and uses one only while the database
holds nothing newer for that conversation (bot/rasa_ext/tracker_store.py); it retries a
database that does not answer for the time its settings give."""

from __future__ import annotations

import asyncio
import time

import pytest
import sqlalchemy
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_ext.tracker_store import (
    RetryingSQLTrackerStore,
    TrackerStoreUnavailable,
    restarted_midway,
)


@pytest.fixture
def database(tmp_path):
    return str(tmp_path / "tracker.db")


def store(database: str) -> RetryingSQLTrackerStore:
    return RetryingSQLTrackerStore(Domain.empty(), dialect="sqlite", db=database)


def conversation(sender: str, *texts: str) -> DialogueStateTracker:
    tracker = DialogueStateTracker.from_events(
        sender, [ActionExecuted("action_session_start"), SessionStarted()], []
    )
    for text in texts:
        tracker.update(UserUttered(text))
        tracker.update(ActionExecuted("action_listen"))
    return tracker


def run(coroutine):
    return asyncio.new_event_loop().run_until_complete(coroutine)


def test_a_saved_tracker_comes_back_without_reading_its_events(database, monkeypatch):
    replica = store(database)
    tracker = conversation("c1", "bonjour")
    run(replica.save(tracker))

    def no_read(*args, **kwargs):
        raise AssertionError("read from the database")

    monkeypatch.setattr(SQLTrackerStore, "retrieve", no_read)
    assert run(replica.retrieve("c1")) is tracker


def test_another_replicas_turn_is_read_from_the_database(database):
    first, second = store(database), store(database)
    run(first.save(conversation("c1", "bonjour")))
    run(second.save(conversation("c1", "bonjour", "mot de passe oublié")))

    tracker = run(first.retrieve("c1"))

    assert tracker.latest_message.text == "mot de passe oublié"


def test_a_turn_that_was_not_saved_is_not_reused(database):
    replica = store(database)
    run(replica.save(conversation("c1", "bonjour")))
    half_done = run(replica.retrieve("c1"))
    half_done.update(UserUttered("jamais enregistré"))

    tracker = run(replica.retrieve("c1"))

    assert tracker is not half_done
    assert tracker.latest_message.text == "bonjour"


def test_an_erased_conversation_is_gone(database):
    replica, eraser = store(database), store(database)
    run(replica.save(conversation("c1", "bonjour")))
    with eraser.session_scope() as session:
        session.query(eraser.SQLEvent).delete()
        session.commit()

    assert run(replica.retrieve("c1")) is None


def test_a_session_restarted_midway_is_read_back_from_the_database():
    tracker = conversation("c1", "bonjour")
    assert not restarted_midway(tracker)
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    assert restarted_midway(tracker)


def test_rasa_builds_the_store_with_the_retry_time_of_this_process(database, monkeypatch):
    monkeypatch.setenv("TRACKER_STORE_RETRY_SECONDS", "2.5")
    assert store(database).retry_seconds == 2.5
    given = RetryingSQLTrackerStore(Domain.empty(), dialect="sqlite", db=database, retry_seconds=0)
    assert given.retry_seconds == 0


@pytest.mark.parametrize("retry_seconds", [0.2, 0.7])
def test_a_database_that_stays_away_fails_the_turn_after_the_retry_time(
    database, tmp_path, retry_seconds
):
    gone = RetryingSQLTrackerStore(
        Domain.empty(), dialect="sqlite", db=database, retry_seconds=retry_seconds
    )
    gone.engine = sqlalchemy.create_engine(f"sqlite:///{tmp_path / 'no-such-dir' / 'x.db'}")
    gone.sessionmaker = sqlalchemy.orm.sessionmaker(bind=gone.engine)
    started = time.monotonic()
    with pytest.raises(TrackerStoreUnavailable):
        run(gone.retrieve("c1"))
    # It gives up when the next try would come after the retry time (waits of 0.2, 0.4 s…).
    assert retry_seconds - 0.2 <= time.monotonic() - started <= retry_seconds + 0.5
