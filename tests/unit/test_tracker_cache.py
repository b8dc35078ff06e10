"""The tracker store keeps the trackers it saved, and uses one only while the database
holds nothing newer for that conversation (bot/rasa_ext/tracker_store.py); it retries a
database that does not answer for the time its settings give."""

from __future__ import annotations

import asyncio
import itertools
import time

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_ext.tracker_store import RetryingSQLTrackerStore, TrackerStoreUnavailable


@pytest.fixture
def database(tmp_path):
    return str(tmp_path / "tracker.db")


def store(database: str) -> RetryingSQLTrackerStore:
    return RetryingSQLTrackerStore(Domain.empty(), dialect="sqlite", db=database)


def conversation(sender: str, *texts: str) -> DialogueStateTracker:
    """A conversation as Rasa reads it back: from its `SessionStarted` on (turns_of below
    has the events of a first turn as Rasa logs them)."""
    tracker = DialogueStateTracker.from_events(sender, [SessionStarted()], [])
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


def test_a_turn_another_replica_saved_during_ours_is_read_from_the_database(database):
    # The lock store keeps two replicas from handling one conversation at once; were it to
    # fail, the turn saved last must not hide the other one.
    replica, other = store(database), store(database)
    run(replica.save(conversation("c1", "bonjour")))
    ours = run(replica.retrieve("c1"))
    theirs = run(other.retrieve("c1"))
    theirs.update(UserUttered("mes factures"))
    run(other.save(theirs))
    ours.update(UserUttered("mon adresse"))
    ours.update(ActionExecuted("utter_addresses"))
    run(replica.save(ours))

    tracker = run(replica.retrieve("c1"))

    assert "mes factures" in [getattr(event, "text", None) for event in tracker.events]


def statements_of(replica: RetryingSQLTrackerStore):
    """The SQL statements `replica` sends, in order."""
    sent: list = []
    sa.event.listen(replica.engine, "before_cursor_execute", lambda *args: sent.append(args[2]))
    return sent


def test_a_save_reads_nothing_after_its_inserts(database):
    replica = store(database)
    run(replica.save(conversation("c1", "bonjour")))
    tracker = run(replica.retrieve("c1"))
    tracker.update(UserUttered("mot de passe oublié"))
    tracker.update(ActionExecuted("action_listen"))
    sent = statements_of(replica)

    run(replica.save(tracker))

    assert [statement.split()[0] for statement in sent] == ["SELECT", "INSERT", "INSERT"]
    assert run(replica.retrieve("c1")) is tracker


def test_a_save_does_not_count_the_stored_events_of_a_tracker_read_here(database):
    replica = store(database)
    run(replica.save(conversation("c1", "bonjour")))
    for text in ("mes factures", "merci"):  # read from the database, then kept
        tracker = run(replica.retrieve("c1"))
        tracker.update(UserUttered(text))
        sent = statements_of(replica)

        run(replica.save(tracker))

        assert not [statement for statement in sent if "count(" in statement.lower()]


def test_the_rows_written_are_rasas(tmp_path):
    ours, rasas = str(tmp_path / "ours.db"), str(tmp_path / "rasa.db")
    tracker = conversation("c1", "bonjour", "mes factures")
    run(store(ours).save(tracker))
    run(SQLTrackerStore(Domain.empty(), dialect="sqlite", db=rasas).save(tracker))

    def rows(path: str) -> list:
        with sa.create_engine(f"sqlite:///{path}").connect() as connection:
            return connection.execute(sa.text("SELECT * FROM events ORDER BY id")).all()

    assert rows(ours) == rows(rasas)


def test_ids_reused_after_an_erasure_do_not_bring_the_erased_conversation_back(database):
    # SQLite gives a new row the largest id in the table plus one: once the newest rows are
    # erased, another replica writing as many events for the same conversation gets the
    # same ids again.
    replica, other = store(database), store(database)
    run(replica.save(conversation("c1", "mon adresse est 3 rue des Lilas")))
    with other.session_scope() as session:
        session.query(other.SQLEvent).delete()
        session.commit()
    run(other.save(conversation("c1", "bonjour")))

    tracker = run(replica.retrieve("c1"))

    assert tracker.latest_message.text == "bonjour"


def test_a_session_restarted_during_a_turn_is_read_back_as_the_database_holds_it(database):
    replica = store(database)
    run(replica.save(conversation("c1", "bonjour")))
    tracker = run(replica.retrieve("c1"))
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    tracker.update(UserUttered("me revoilà"))
    run(replica.save(tracker))

    again = run(replica.retrieve("c1"))

    assert again is not tracker
    assert [type(event) for event in again.events] == [SessionStarted, UserUttered]


def turns_of(shape: str) -> list:
    """A conversation's turns, each the events one turn adds, as Rasa 3.6 logs them, with
    increasing timestamps: an anonymous customer (no session metadata), a logged-in one
    (Rasa sets the metadata slot before the session starts), a session restarted at turn 3."""
    clock = itertools.count(1_700_000_000)

    def stamped(*events: Event) -> list:
        for event in events:
            event.timestamp = float(next(clock))
        return list(events)

    def said(text: str, answer: str) -> list:
        return stamped(UserUttered(text), ActionExecuted(answer), ActionExecuted("action_listen"))

    start = [ActionExecuted("action_session_start"), SessionStarted()]
    if shape == "logged in":
        start = [SlotSet("session_started_metadata", {"customer": "C1000001"}), *start]
    first = stamped(*start, ActionExecuted("action_listen")) + said("bonjour", "utter_greet")
    turns = [first, said("mes factures", "action_invoices"), said("merci", "utter_thank")]
    if shape == "session restarted":
        turns.append(stamped(*start, ActionExecuted("action_listen")) + said("re", "utter_greet"))
    return turns + [said("au revoir", "utter_goodbye")]


def play(replica: SQLTrackerStore, turns: list) -> list:
    """Each turn as Rasa runs it (retrieve, add the turn's events, save); what each turn's
    retrieve read, then every row stored (without ids)."""
    read = []
    for events in turns:
        tracker = run(replica.retrieve("c1")) or DialogueStateTracker("c1", [])
        read.append([event.as_dict() for event in tracker.events])
        for event in events:
            tracker.update(event)
        run(replica.save(tracker))
    with replica.session_scope() as session:
        stored = session.query(replica.SQLEvent).order_by(replica.SQLEvent.id).all()
        rows = [(row.type_name, row.timestamp, row.action_name, row.data) for row in stored]
    return read + [rows]


@pytest.mark.parametrize("shape", ["anonymous", "logged in", "session restarted"])
def test_turn_after_turn_what_is_read_and_stored_is_what_rasas_store_reads_and_stores(
    tmp_path, shape
):
    ours = play(store(str(tmp_path / "ours.db")), turns_of(shape))
    rasas = play(
        SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "rasa.db")),
        turns_of(shape),
    )

    assert ours == rasas


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
    gone.engine = sa.create_engine(f"sqlite:///{tmp_path / 'no-such-dir' / 'x.db'}")
    gone.sessionmaker = sa.orm.sessionmaker(bind=gone.engine)
    started = time.monotonic()
    with pytest.raises(TrackerStoreUnavailable):
        run(gone.retrieve("c1"))
    # It gives up when the next try would come after the retry time (waits of 0.2, 0.4 s…).
    assert retry_seconds - 0.2 <= time.monotonic() - started <= retry_seconds + 0.5


def test_sqlite_keeps_its_connection_and_writes_ahead(database):
    """One connection for many turns (SQLAlchemy 1.4 opened one per session), in WAL mode
    with no disk sync per commit: issue 14's turn cost on `make run`'s SQLite."""
    replica = store(database)
    connects = []
    sa.event.listen(replica.engine, "connect", lambda *args: connects.append(1))
    for turn in range(5):
        run(replica.save(conversation("c1", *["bonjour"] * (turn + 1))))
        run(replica.retrieve("c1"))
    assert len(connects) <= 1
    with replica.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


def test_another_process_reads_what_was_written_in_wal_mode(database):
    run(store(database).save(conversation("c1", "bonjour")))
    engine = sa.create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        count = connection.exec_driver_sql("SELECT count(*) FROM events").scalar()
    assert count == 3
