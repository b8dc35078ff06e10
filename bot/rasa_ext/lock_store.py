"""Lock stores whose ticket changes are atomic across processes: Rasa replicas behind
nginx (`make cluster`, Redis) and the Sanic workers of one Rasa server (`make run`,
SQLite).

Rasa 3.6's `RedisLockStore` reads a conversation's lock, changes it in Python and
writes it back. Two replicas receiving messages of one conversation at the same
moment both read "no lock", both take ticket 0 and process the two messages at
once; the second tracker saved then drops the first message's events (measured
here: tests/cluster, one of two simultaneous messages lost; RasaHQ/rasa#9213).
The fix Rasa wrote (`ConcurrentRedisLockStore`, RasaHQ/rasa#11256) ships only in
Rasa Pro.

Here every change (issue a ticket, drop expired ones, finish serving) is one
transaction: optimistic in Redis (WATCH/MULTI, retried when another replica changed
the lock in between), `BEGIN IMMEDIATE` in SQLite (the file's write lock, waited
for). Waiting polls every 50 ms instead of Rasa's 1 s.

Rasa runs several Sanic workers (`SANIC_WORKERS`) only with a lock store other than
its in-memory one (`rasa.core.utils.number_of_sanic_workers`): the SQLite one lets
`make run` use both cores without a Redis server. deploy/endpoints.yml selects the
Redis one, endpoints.yml the SQLite one.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from contextlib import asynccontextmanager
from pathlib import Path
from typing import AsyncGenerator, Callable, Optional, Text, Tuple, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

T = TypeVar("T")
# A change of a lock: what the caller gets back, and the lock to store (None deletes it).
Change = Callable[[Optional[TicketLock]], Tuple[T, Optional[TicketLock]]]
# Seconds between two looks at a lock another message of the conversation holds.
POLL_SECONDS = 0.05
# Seconds a SQLite transaction waits for another process's write lock.
SQLITE_BUSY_SECONDS = 5.0


class AtomicTickets(LockStore):
    """Rasa's ticket logic on one atomic `_change` of the stored lock, which each store
    implements."""

    def _change(self, conversation_id: Text, change: Change[T]) -> T:
        raise NotImplementedError

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


class AtomicRedisLockStore(AtomicTickets, RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        RedisLockStore.__init__(self, host=endpoint_config.url, **endpoint_config.kwargs)

    def _change(self, conversation_id: Text, change: Change[T]) -> T:
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


class SQLiteLockStore(AtomicTickets):
    """The locks in one SQLite file (`db`), shared by the processes of one machine. A
    lock left by a stopped process expires with its tickets (Rasa's lock lifetime)."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        path = Path(endpoint_config.kwargs["db"])
        path.parent.mkdir(parents=True, exist_ok=True)
        # Autocommit mode: transactions are the explicit BEGIN IMMEDIATE of `_change`.
        self._db = sqlite3.connect(
            path, timeout=SQLITE_BUSY_SECONDS, isolation_level=None, check_same_thread=False
        )
        self._db.execute("PRAGMA journal_mode=WAL")
        # No fsync per change: a lock lives for one turn, and none survives a crash of
        # the server that holds it anyway (docs/PERFORMANCE.md, "Two Sanic workers").
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS locks"
            " (conversation_id TEXT PRIMARY KEY, lock TEXT NOT NULL)"
        )
        # The connection is shared by the event loop and Rasa's executor threads, if any.
        self._guard = threading.Lock()
        super().__init__()

    def _read(self, conversation_id: Text) -> Optional[TicketLock]:
        row = self._db.execute(
            "SELECT lock FROM locks WHERE conversation_id = ?", (conversation_id,)
        ).fetchone()
        return TicketLock.from_dict(json.loads(row[0])) if row else None

    def _write(self, conversation_id: Text, lock: Optional[TicketLock]) -> None:
        if lock is None:
            self._db.execute("DELETE FROM locks WHERE conversation_id = ?", (conversation_id,))
        else:
            self._db.execute(
                "INSERT OR REPLACE INTO locks (conversation_id, lock) VALUES (?, ?)",
                (conversation_id, lock.dumps()),
            )

    def _change(self, conversation_id: Text, change: Change[T]) -> T:
        with self._guard:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                result, changed = change(self._read(conversation_id))
                self._write(conversation_id, changed)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
            return result

    def get_lock(self, conversation_id: Text) -> Optional[TicketLock]:
        with self._guard:
            return self._read(conversation_id)

    def delete_lock(self, conversation_id: Text) -> None:
        with self._guard:
            self._write(conversation_id, None)

    def save_lock(self, lock: TicketLock) -> None:
        with self._guard:
            self._write(lock.conversation_id, lock)
