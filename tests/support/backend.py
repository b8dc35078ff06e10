"""Helpers of the account backend tests (tests/backend/, and the action and bad-input tests
that look into its database): new databases on SQLite and PostgreSQL, explicit settings, a
clock the test moves, the backend process on a free port.

Every database test runs on SQLite, and also on PostgreSQL when TEST_POSTGRES_URL is set
(e.g. postgresql://postgres@127.0.0.1:5432/test). Each database is new: a SQLite file in a
temporary folder, or a PostgreSQL schema of its own (passed to every process through the
URL's search_path), so runs never depend on each other."""

from __future__ import annotations

import contextlib
import os
import secrets
import sys
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Iterator, Optional

import requests
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from bot.backend.database import create_schema, make_engine, make_session_factory
from bot.backend.models import utcnow
from bot.config import PROJECT_ROOT, BackendSettings, load_backend_settings
from bot.ops.supervisor import ServiceSpec, Stack, free_port

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")
DATABASES = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])
SHOP_URL = "https://shop.test"


@contextlib.contextmanager
def new_database(kind: str, folder: Path) -> Iterator[str]:
    """The URL of an empty database of `kind`, dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'backend.db'}"
        return
    schema = f"backend_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, future=True)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@contextlib.contextmanager
def open_sessions(database_url: str) -> Iterator[sessionmaker]:
    """Sessions on the database at `database_url`, its schema created."""
    engine = make_engine(database_url)
    create_schema(engine)
    try:
        yield make_session_factory(engine)
    finally:
        engine.dispose()


def backend_settings(database_url: str, **env: str) -> BackendSettings:
    """Settings from an explicit environment: nothing of the developer's (SMTP_HOST...) leaks in."""
    return load_backend_settings({"DATABASE_URL": database_url, "SHOP_URL": SHOP_URL, **env})


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now


@dataclass
class RunningBackend:
    """A `python -m bot.backend serve` process, and a way to look into its database."""

    url: str
    token: str
    sessions: sessionmaker

    def call(
        self, method: str, path: str, token: Optional[str] = None, **kwargs: Any
    ) -> requests.Response:
        headers = {"Authorization": f"Bearer {token or self.token}", **kwargs.pop("headers", {})}
        return requests.request(method, self.url + path, headers=headers, timeout=30, **kwargs)


@contextlib.contextmanager
def running_backend(database_url: str, log_dir: Path, **env: str) -> Iterator[RunningBackend]:
    """Starts the backend on a free loopback port, waits for /health, always stops it;
    `env` adds to its environment (BACKEND_TRACKER_STORE_URL…)."""
    port, token = free_port(), secrets.token_urlsafe(24)
    spec = ServiceSpec(
        name="backend",
        argv=[sys.executable, "-m", "bot.backend", "serve"],
        health_url=f"http://127.0.0.1:{port}/health",
        env={
            "DATABASE_URL": database_url,
            "BACKEND_HOST": "127.0.0.1",
            "BACKEND_PORT": str(port),
            "BACKEND_API_TOKEN": token,
            "SEED_DEMO_DATA": "true",
            "SHOP_URL": SHOP_URL,
            "EMAIL_RATE_LIMIT_PER_HOUR": "3",
            "SMTP_HOST": "",
            **env,
        },
        cwd=PROJECT_ROOT,
        ready_timeout=30,
    )
    with Stack([spec], log_dir=log_dir), open_sessions(database_url) as sessions:
        yield RunningBackend(url=f"http://127.0.0.1:{port}", token=token, sessions=sessions)
