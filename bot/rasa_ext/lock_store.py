"""A Redis lock store whose ticket changes are atomic across Rasa replicas.

Rasa 3.6's `RedisLockStore` reads a conversation's lock, changes it in Python and
writes it back. Two replicas receiving messages of one conversation at the same
moment both read "no lock", both take ticket 0 and process the two messages at
once; the second tracker saved then drops the first message's events (measured
here: tests/cluster, one of two simultaneous messages lost; RasaHQ/rasa#9213).
The fix Rasa wrote (`ConcurrentRedisLockStore`, RasaHQ/rasa#11256) ships only in
Rasa Pro.

Here every change (issue a ticket, drop expired ones, finish serving) is one
optimistic Redis transaction (WATCH/MULTI), retried when another replica changed
the lock in between. Waiting polls every 50 ms instead of Rasa's 1 s.

deploy/endpoints.yml selects it with `type: bot.rasa_ext.lock_store.AtomicRedisLockStore`.
"""

from __future__ import annotations

import json
from contextlib import asynccontextmanager
from typing import AsyncGenerator, Callable, Optional, Text, Tuple, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

T = TypeVar("T")
# Seconds between two looks at a lock another message of the conversation holds.
POLL_SECONDS = 0.05


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        super().__init__(host=endpoint_config.url, **endpoint_config.kwargs)

    def _change(
        self,
        conversation_id: Text,
        change: Callable[[Optional[TicketLock]], Tuple[T, Optional[TicketLock]]],
    ) -> T:
        """Applies `change` to the stored lock atomically; a None lock deletes the key."""
        key = self.key_prefix + conversation_id

        def transaction(pipe) -> T:
            raw = pipe.get(key)
            lock = TicketLock.from_dict(json.loads(raw)) if raw else None
            result, changed = change(lock)
            pipe.multi()
            if changed is None:
                pipe.delete(key)
            else:
                pipe.set(key, changed.dumps())
            return result

        return self.red.transaction(transaction, key, value_from_callable=True)

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: Optional[TicketLock]) -> Tuple[int, TicketLock]:
            lock = lock or self.create_lock(conversation_id)
            return lock.issue_ticket(lock_lifetime), lock

        try:
            return self._change(conversation_id, issue)
        except Exception as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: Text) -> None:
        def drop_expired(lock: Optional[TicketLock]) -> Tuple[None, Optional[TicketLock]]:
            if lock is not None:
                lock.remove_expired_tickets()
            return None, lock

        self._change(conversation_id, drop_expired)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        """Finishes serving the ticket; deletes the lock when nobody else waits."""

        def finish(lock: Optional[TicketLock]) -> Tuple[None, Optional[TicketLock]]:
            if lock is None:
                return None, None
            lock.remove_ticket_for(ticket_number)
            return None, lock if lock.is_someone_waiting() else None

        self._change(conversation_id, finish)

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: Text,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = POLL_SECONDS,
    ) -> AsyncGenerator[TicketLock, None]:
        async with super().lock(
            conversation_id, lock_lifetime, min(wait_time_in_seconds, POLL_SECONDS)
        ) as acquired:
            yield acquired
