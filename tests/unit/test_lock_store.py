"""The SQLite lock store serialises the messages of one conversation across the
processes of one machine (the Rasa server's Sanic workers): tickets are never handed out
twice, a second message waits for the first, and an abandoned lock expires
(bot/rasa_ext/lock_store.py)."""

from __future__ import annotations

import asyncio
import multiprocessing
from pathlib import Path
from typing import List

from rasa.utils.endpoints import EndpointConfig

from bot.rasa_ext.lock_store import SQLiteLockStore

TICKETS_PER_PROCESS = 200


def store(path: Path) -> SQLiteLockStore:
    return SQLiteLockStore(EndpointConfig(type="sqlite", db=str(path)))


def issue_tickets(
    path: str, conversation: str, count: int, tickets: "multiprocessing.Queue"
) -> None:
    locks = store(Path(path))
    tickets.put([locks.issue_ticket(conversation, lock_lifetime=600) for _ in range(count)])


def test_processes_issuing_tickets_at_once_never_get_the_same_one(tmp_path):
    """Rasa's read-change-write would hand one ticket to two processes (RasaHQ/rasa#9213)."""
    context = multiprocessing.get_context("fork")
    tickets: multiprocessing.Queue = context.Queue()
    path = str(tmp_path / "locks.db")
    workers = [
        context.Process(target=issue_tickets, args=(path, "c1", TICKETS_PER_PROCESS, tickets))
        for _ in range(3)
    ]
    for worker in workers:
        worker.start()
    issued: List[int] = []
    for _ in workers:
        issued += tickets.get(timeout=60)
    for worker in workers:
        worker.join(timeout=60)
    assert sorted(issued) == list(range(3 * TICKETS_PER_PROCESS))


def test_the_second_message_waits_for_the_first(tmp_path):
    first, second = store(tmp_path / "locks.db"), store(tmp_path / "locks.db")
    order: List[str] = []

    async def handle(locks: SQLiteLockStore, name: str, seconds: float) -> None:
        async with locks.lock("c1", lock_lifetime=10):
            order.append(f"{name} starts")
            await asyncio.sleep(seconds)
            order.append(f"{name} ends")

    async def both() -> None:
        await asyncio.gather(handle(first, "one", 0.3), handle(second, "two", 0))

    asyncio.run(both())
    assert order == ["one starts", "one ends", "two starts", "two ends"]
    assert first.get_lock("c1") is None, "the lock is deleted once nobody waits"


def test_other_conversations_do_not_wait(tmp_path):
    locks = store(tmp_path / "locks.db")

    async def nested() -> None:
        async with locks.lock("c1", lock_lifetime=10), locks.lock("c2", lock_lifetime=10):
            pass

    asyncio.run(asyncio.wait_for(nested(), timeout=5))


def test_a_lock_left_by_a_stopped_process_expires(tmp_path):
    abandoned = store(tmp_path / "locks.db")
    abandoned.issue_ticket("c1", lock_lifetime=0.3)

    async def next_message() -> str:
        async with store(tmp_path / "locks.db").lock("c1", lock_lifetime=10):
            return "served"

    assert asyncio.run(asyncio.wait_for(next_message(), timeout=5)) == "served"
