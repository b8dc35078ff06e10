"""Fixtures of the account backend tests; the helpers they use are in tests/support/backend.py
(databases on SQLite and PostgreSQL, the test's clock, the backend process)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy.orm import sessionmaker

from bot.backend.context import BackendContext
from bot.backend.mailer import Mailer
from bot.backend.seed import seed_demo_data
from tests.support.backend import DATABASES, Clock, backend_settings, new_database, open_sessions


@pytest.fixture(params=DATABASES)
def database_url(request, tmp_path: Path) -> Iterator[str]:
    with new_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture(scope="module", params=DATABASES)
def module_database_url(request, tmp_path_factory) -> Iterator[str]:
    with new_database(request.param, tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture
def sessions(database_url: str) -> Iterator[sessionmaker]:
    """Sessions on a new database holding the demo accounts."""
    with open_sessions(database_url) as factory:
        seed_demo_data(factory)
        yield factory


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def context(database_url: str, sessions: sessionmaker, clock: Clock) -> BackendContext:
    """The backend's operations on the demo accounts, without SMTP, on the test's clock."""
    settings = backend_settings(database_url)
    return BackendContext(settings, sessions, Mailer(settings, sessions, clock), clock)
