"""Engine, sessions and schema of the account backend.

SQLite is the default (a file under var/, nothing to install); PostgreSQL is
used in production. The differences that matter for correctness are handled
here, so that the service code is the same for both.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import create_engine, event, func, select
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from bot.backend.models import Base

SQLITE_BUSY_TIMEOUT_MS = 30_000


def make_engine(url: str) -> Engine:
    """An engine for `url`; for a SQLite file, its folder is created if needed."""
    parsed = make_url(url)
    # Parameters hold e-mail addresses: keep them out of error messages and logs.
    options = {"future": True, "pool_pre_ping": True, "hide_parameters": True}
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, **options)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False}, **options)
    event.listen(engine, "connect", _configure_sqlite_connection)
    event.listen(engine, "begin", _begin_immediate)
    return engine


def _configure_sqlite_connection(dbapi_connection, _record) -> None:
    # The driver's own transaction handling would start transactions too late (see below).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")  # off by default: ON DELETE CASCADE needs it
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _begin_immediate(connection) -> None:
    """Take SQLite's write lock when the transaction starts: a transaction that read first and
    wrote later could otherwise fail with "database is locked" instead of waiting its turn."""
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker:
    """Sessions for one unit of work each; objects stay readable after the commit."""
    return sessionmaker(engine, future=True, expire_on_commit=False)


def create_schema(engine: Engine) -> None:
    Base.metadata.create_all(engine)


def lock_key(session: Session, key: str) -> None:
    """Serialise the transactions that work on `key` until they end.

    PostgreSQL takes a transaction-scoped advisory lock; SQLite needs nothing, its
    transactions are already serialised by BEGIN IMMEDIATE."""
    if session.get_bind().dialect.name != "postgresql":
        return
    number = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
    session.execute(select(func.pg_advisory_xact_lock(number)))
