"""Rasa's SQL tracker store, made to wait for its database and never to fail silently.

Rasa 3.6 wraps every tracker store in `FailSafeTrackerStore`, which catches any
`Exception`: a conversation that cannot be read is treated as new, one that cannot be
saved goes to the replica's memory. The customer gets an answer, but out of context,
and the message never reaches the database (measured here with `make soak`: during a
PostgreSQL restart, 14 conversations of 289 lost 1 to 5 of their 10 messages).

This store retries a failed read or write for a few seconds (a restart or a dropped
pooled connection is over by then; TRACKER_STORE_RETRY_SECONDS, read from this process's
settings when Rasa builds the store), then raises `TrackerStoreUnavailable`, a
`BaseException` precisely so that `FailSafeTrackerStore`'s `except Exception` lets it
through. The REST channel (bot/rasa_ext/rest_channel.py) answers 503 with the hand-over, and
the client may send the message again: it was not handled.

It also keeps each conversation it saved in memory until its next turn (`TrackerCache`):
Rasa's SQL store reads back, decodes and replays every event of the conversation at every
turn, which made the 300th turn of a conversation 12 times slower than the 10th (issue 14,
docs/PERFORMANCE.md). The copy is used only while the newest event the database holds for
the conversation (one indexed query at retrieve) is still the one this process wrote last,
so another replica's turn, an erasure or a failed turn all fall back to reading the
database. That newest event comes back with the insert itself (its id, as SQLAlchemy reads
it after a flush on every dialect), so a save sends no query after its inserts. An event is
known by its id and its timestamp: SQLite gives a new row the largest id in the table plus
one, so once the newest rows are erased, ids come back.

At start it also creates the index on the events' timestamp that the agents' dashboard and
review queue read by (`WHERE timestamp >= …`, bot/clients/conversations.py): Rasa's table
has none, and without it each of their requests scans the whole table. It is created here,
right after Rasa creates the table, because this process is the one sure to run once the
table exists and as its owner (on PostgreSQL only the owner may index a table): the backend
and the web server start on their own, maybe before the table exists, and the web server
reads with a SELECT-only role (deploy/README.md). `IF NOT EXISTS` makes a restart or a
second replica a no-op.

On SQLite (`make run`'s single-machine layout) it keeps its connections open and writes
in WAL mode (`sqlite_engine`): SQLAlchemy 1.4 opens a new connection to a SQLite file for
every session, two or three per turn, and SQLite's default journal syncs the disk at each
commit, while Rasa holds its event loop for it (issue 14).

endpoints.yml and deploy/endpoints.yml select it with
`type: bot.rasa_ext.tracker_store.RetryingSQLTrackerStore`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import time
from collections import OrderedDict
from typing import (
    Any,
    Awaitable,
    Callable,
    Iterable,
    List,
    NamedTuple,
    Optional,
    Text,
    Tuple,
    TypeVar,
)

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from bot.config import load_settings

logger = logging.getLogger(__name__)

T = TypeVar("T")
TIMESTAMP_INDEX = "events_timestamp"
# The newest event stored for a conversation: its id and its timestamp.
EventMark = Tuple[int, Optional[float]]


class TrackerStoreUnavailable(BaseException):
    """The conversations' database did not answer in time: the message was not handled."""


class TrackerCache:
    """The trackers this process saved last, each with the newest event the database held
    right after the save; least recently saved dropped beyond `size`.

    A tracker is handed out at most once (`take` removes it): Rasa changes the tracker it
    retrieved during the turn, and only a save puts it back. A turn that fails before
    its save therefore leaves nothing here, and its half-changed tracker is never reused.
    """

    def __init__(self, size: int = 512) -> None:
        self._size = size
        self._trackers: "OrderedDict[str, Tuple[EventMark, DialogueStateTracker]]" = OrderedDict()

    def take(
        self, sender_id: str, newest_event: Optional[EventMark]
    ) -> Optional[DialogueStateTracker]:
        entry = self._trackers.pop(sender_id, None)
        if entry is None or newest_event is None or entry[0] != newest_event:
            return None
        return entry[1]

    def put(self, tracker: DialogueStateTracker, newest_event: Optional[EventMark]) -> None:
        self._trackers.pop(tracker.sender_id, None)
        if newest_event is None:
            return
        self._trackers[tracker.sender_id] = (newest_event, tracker)
        while len(self._trackers) > self._size:
            self._trackers.popitem(last=False)

    def forget(self, sender_id: str) -> None:
        self._trackers.pop(sender_id, None)


# The tracker as this store last read or wrote it (set at each retrieve and save; it goes
# with the tracker object): how many of its first events the database held, and the
# newest event the database held then.
STORED_ATTRIBUTE = "_as_stored"


class Saved(NamedTuple):
    stored: int  # how many of the tracker's events the database held before the save
    known: bool  # whether they were its first ones as this store last read or wrote them
    newest: Optional[EventMark]  # the newest event of the database after the save


def reads_back_as_saved(tracker: DialogueStateTracker, saved: Saved) -> bool:
    """Whether Rasa's retrieve would now read `tracker` back event for event.

    Rasa reads the events from the newest `SessionStarted` on, by timestamp. The events
    stored before must be the tracker's first ones, as this store read or wrote them (a
    tracker Rasa built itself, say from the HTTP API, is not known), or none; and no new
    event may start a session (the database would then return only the new session, or
    drop the `action_session_start` logged just before it) or be older than the first
    event read back (it would not be read back). Only the new events are looked at."""
    if saved.newest is None or (saved.stored and not saved.known):
        return False
    first = tracker.events[0]
    for event in itertools.islice(tracker.events, saved.stored, None):
        if isinstance(event, SessionStarted) and event is not first:
            return False
        if event.timestamp < first.timestamp:
            return False
    return True


def create_timestamp_index(engine: sa.engine.Engine) -> None:
    """The index on `events.timestamp`, unless it exists. Two replicas starting together
    may both try on PostgreSQL, and one then fails: the other's index serves both, and a
    missing index only slows the agents' pages, so the failure is logged, not raised."""
    statement = f"CREATE INDEX IF NOT EXISTS {TIMESTAMP_INDEX} ON events (timestamp)"
    try:
        with engine.begin() as connection:
            connection.execute(sa.text(statement))
    except DBAPIError as error:
        logger.warning("tracker store: index %s not created: %s", TIMESTAMP_INDEX, error.orig)


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    """WAL: readers (the agents' pages, the backend's erasure) and the writer no longer
    block each other, and a commit appends to the log without syncing the disk
    (`synchronous=NORMAL`): a power cut may lose the last turns, never corrupt the file.
    `busy_timeout`: a writer waits for another process's write instead of failing."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def sqlite_engine(url: Any) -> sa.engine.Engine:
    """An engine on a SQLite file that keeps its connections (a pool, where SQLAlchemy 1.4
    opens and closes one per session) and sets them up with `_sqlite_pragmas`. Rasa's
    store runs on its event loop's thread, the retries too; the pool may still hand a
    connection to another thread, hence `check_same_thread=False`."""
    engine = sa.create_engine(
        url, poolclass=QueuePool, pool_size=2, connect_args={"check_same_thread": False}
    )
    sa.event.listen(engine, "connect", _sqlite_pragmas)
    return engine


class RetryingSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, retry_seconds: Optional[float] = None, **kwargs: Any) -> None:
        """Rasa builds it from endpoints.yml, whose keys are all Rasa's own: the retry time
        is TRACKER_STORE_RETRY_SECONDS, read from the settings here, unless a test gives
        `retry_seconds`."""
        super().__init__(*args, **kwargs)
        if retry_seconds is None:
            retry_seconds = load_settings().cluster.tracker_store_retry_seconds
        self.retry_seconds = retry_seconds
        engine: sa.engine.Engine = self.engine  # type: ignore[has-type]
        if engine.dialect.name == "sqlite":
            engine.dispose()
            engine = self.engine = sqlite_engine(engine.url)
            self.sessionmaker = sessionmaker(bind=engine)
        create_timestamp_index(engine)
        self._cache = TrackerCache()

    def _newest_in(self, session: Session, sender_id: Text) -> Optional[EventMark]:
        newest = (
            session.query(self.SQLEvent.id, self.SQLEvent.timestamp)
            .filter(self.SQLEvent.sender_id == sender_id)
            .order_by(self.SQLEvent.id.desc())
            .first()
        )
        return (newest.id, newest.timestamp) if newest is not None else None

    async def _newest_event(self, sender_id: Text) -> Optional[EventMark]:
        with self.session_scope() as session:
            return self._newest_in(session, sender_id)

    def _stored_events(
        self, session: Session, tracker: DialogueStateTracker
    ) -> Tuple[int, bool, Optional[EventMark]]:
        """How many of the tracker's events the database holds (its latest session's),
        whether they are the tracker's first ones as this store last read or wrote them,
        and the database's newest event. While that newest event is still the one seen
        then, nothing was written since: Rasa's count of the stored events, which reads
        the whole conversation again, is not needed."""
        seen = getattr(tracker, STORED_ATTRIBUTE, None)
        if seen is not None:
            newest = self._newest_in(session, tracker.sender_id)
            if newest == seen[1]:
                return seen[0], True, newest
        query = self._event_query(session, tracker.sender_id, fetch_events_from_all_sessions=False)
        return query.count(), False, None

    def _row(self, sender_id: Text, event: Event) -> Any:
        """The row Rasa's `SQLTrackerStore.save` writes for `event`."""
        data = event.as_dict()
        return self.SQLEvent(
            sender_id=sender_id,
            type_name=event.type_name,
            timestamp=data.get("timestamp"),
            intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            action_name=data.get("name"),
            data=json.dumps(data),
        )

    async def _insert_new_events(self, tracker: DialogueStateTracker) -> Saved:
        """Rasa's `SQLTrackerStore.save`, which also tells what the database held before
        and which event is now the newest (it comes back with the insert)."""
        with self.session_scope() as session:
            stored, known, newest = self._stored_events(session, tracker)
            new_events = itertools.islice(tracker.events, stored, None)
            rows: List[Any] = [self._row(tracker.sender_id, event) for event in new_events]
            session.add_all(rows)
            session.flush()
            last = max(rows, key=lambda row: row.id, default=None)
            if last is not None:
                newest = (last.id, last.timestamp)
            session.commit()
        return Saved(stored, known, newest)

    async def _retrying(self, operation: Callable[..., Awaitable[T]], *args: Any) -> T:
        deadline, delay = time.monotonic() + self.retry_seconds, 0.2
        while True:
            try:
                return await operation(*args)
            except DBAPIError as error:
                if time.monotonic() + delay > deadline:
                    raise TrackerStoreUnavailable(type(error.orig).__name__) from error
                logger.warning(
                    "tracker store: %s, trying again in %.1f s", type(error.orig).__name__, delay
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        newest = await self._retrying(self._newest_event, sender_id)
        tracker = self._cache.take(sender_id, newest)
        if tracker is None:
            tracker = await self._retrying(super().retrieve, sender_id)
        if tracker is not None:
            setattr(tracker, STORED_ATTRIBUTE, (len(tracker.events), newest))
        return tracker

    async def retrieve_full_tracker(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        return await self._retrying(super().retrieve_full_tracker, sender_id)

    async def save(self, tracker: DialogueStateTracker) -> None:
        self._cache.forget(tracker.sender_id)
        await self.stream_events(tracker)
        saved = await self._retrying(self._insert_new_events, tracker)
        if reads_back_as_saved(tracker, saved):
            setattr(tracker, STORED_ATTRIBUTE, (len(tracker.events), saved.newest))
            self._cache.put(tracker, saved.newest)
        else:
            tracker.__dict__.pop(STORED_ATTRIBUTE, None)

    async def keys(self) -> Iterable[Text]:
        return await self._retrying(super().keys)
