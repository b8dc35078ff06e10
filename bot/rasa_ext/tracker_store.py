"""Rasa's SQL tracker store, made to wait for its database and never to fail silently.

Rasa 3.6 wraps every tracker store in `FailSafeTrackerStore`, which catches any
`Exception`: a conversation that cannot be read is treated as new, one that cannot be
saved goes to the replica's memory. The customer gets an answer, but out of context,
and the message never reaches the database (measured here with `make soak`: during a
PostgreSQL restart, 14 conversations of 289 lost 1 to 5 of their 10 messages).

This store retries a failed read or write for a few seconds (a restart or a dropped
pooled connection is over by then), then raises `TrackerStoreUnavailable`, a
`BaseException` precisely so that `FailSafeTrackerStore`'s `except Exception` lets it
through. The REST channel (bot/rasa_ext/rest_channel.py) answers 503 with the hand-over, and
the client may send the message again: it was not handled.

deploy/endpoints.yml selects it with `type: bot.rasa_ext.tracker_store.RetryingSQLTrackerStore`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Awaitable, Callable, Iterable, Optional, Text, TypeVar

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.exc import DBAPIError

from bot.config import settings

logger = logging.getLogger(__name__)

T = TypeVar("T")
RETRY_SECONDS = settings().cluster.tracker_store_retry_seconds


class TrackerStoreUnavailable(BaseException):
    """The conversations' database did not answer in time: the message was not handled."""


class RetryingSQLTrackerStore(SQLTrackerStore):
    async def _retrying(self, operation: Callable[..., Awaitable[T]], *args: Any) -> T:
        deadline, delay = time.monotonic() + RETRY_SECONDS, 0.2
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
        return await self._retrying(super().retrieve, sender_id)

    async def retrieve_full_tracker(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        return await self._retrying(super().retrieve_full_tracker, sender_id)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self._retrying(super().save, tracker)

    async def keys(self) -> Iterable[Text]:
        return await self._retrying(super().keys)
