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
docs/PERFORMANCE.md). The copy is used only while the database holds no newer event for
the conversation (one indexed `max(id)` query), so another replica's turn, an erasure or a
failed turn all fall back to reading the database.

At start it also creates the index on the events' timestamp that the agents' dashboard and
review queue read by (`WHERE timestamp >= …`, bot/clients/conversations.py): Rasa's table
has none, and without it each of their requests scans the whole table. It is created here,
right after Rasa creates the table, because this process is the one sure to run once the
table exists and as its owner (on PostgreSQL only the owner may index a table): the backend
and the web server start on their own, maybe before the table exists, and the web server
reads with a SELECT-only role (deploy/README.md). `IF NOT EXISTS` makes a restart or a
second replica a no-op.

endpoints.yml and deploy/endpoints.yml select it with
`type: bot.rasa_ext.tracker_store.RetryingSQLTrackerStore`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from typing import Any, Awaitable, Callable, Iterable, Optional, Text, Tuple, TypeVar

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.exc import DBAPIError

from bot.config import load_settings

logger = logging.getLogger(__name__)

T = TypeVar("T")
TIMESTAMP_INDEX = "events_timestamp"


class TrackerStoreUnavailable(BaseException):
    """The conversations' database did not answer in time: the message was not handled."""


class TrackerCache:
    """The trackers this process saved last, each with the id of the newest event the
    database held right after the save; least recently saved dropped beyond `size`.

    A tracker is handed out at most once (`take` removes it): Rasa changes the tracker it
    retrieved during the turn, and only a save puts it back. A turn that fails before
    its save therefore leaves nothing here, and its half-changed tracker is never reused.
    """

    def __init__(self, size: int = 512) -> None:
        self._size = size
        self._trackers: "OrderedDict[str, Tuple[Optional[int], DialogueStateTracker]]" = (
            OrderedDict()
        )

    def take(
        self, sender_id: str, newest_event_id: Optional[int]
    ) -> Optional[DialogueStateTracker]:
        entry = self._trackers.pop(sender_id, None)
        if entry is None or newest_event_id is None or entry[0] != newest_event_id:
            return None
        return entry[1]

    def put(self, tracker: DialogueStateTracker, newest_event_id: Optional[int]) -> None:
        self._trackers.pop(tracker.sender_id, None)
        if newest_event_id is None or restarted_midway(tracker):
            return
        self._trackers[tracker.sender_id] = (newest_event_id, tracker)
        while len(self._trackers) > self._size:
            self._trackers.popitem(last=False)

    def forget(self, sender_id: str) -> None:
        self._trackers.pop(sender_id, None)


def restarted_midway(tracker: DialogueStateTracker) -> bool:
    """Whether a new session started after the first turn: the database then returns only
    the new session's events, this tracker all of them, so it is not kept."""
    return any(isinstance(event, SessionStarted) for event in list(tracker.events)[2:])


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


class RetryingSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, retry_seconds: Optional[float] = None, **kwargs: Any) -> None:
        """Rasa builds it from endpoints.yml, whose keys are all Rasa's own: the retry time
        is TRACKER_STORE_RETRY_SECONDS, read from the settings here, unless a test gives
        `retry_seconds`."""
        super().__init__(*args, **kwargs)
        if retry_seconds is None:
            retry_seconds = load_settings().cluster.tracker_store_retry_seconds
        self.retry_seconds = retry_seconds
        create_timestamp_index(self.engine)
        self._cache = TrackerCache()

    async def _newest_event_id(self, sender_id: Text) -> Optional[int]:
        with self.session_scope() as session:
            query = session.query(sa.func.max(self.SQLEvent.id))
            return query.filter(self.SQLEvent.sender_id == sender_id).scalar()

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
        newest = await self._retrying(self._newest_event_id, sender_id)
        kept = self._cache.take(sender_id, newest)
        if kept is not None:
            return kept
        return await self._retrying(super().retrieve, sender_id)

    async def retrieve_full_tracker(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        return await self._retrying(super().retrieve_full_tracker, sender_id)

    async def save(self, tracker: DialogueStateTracker) -> None:
        self._cache.forget(tracker.sender_id)
        await self._retrying(super().save, tracker)
        self._cache.put(tracker, await self._retrying(self._newest_event_id, tracker.sender_id))

    async def keys(self) -> Iterable[Text]:
        return await self._retrying(super().keys)
