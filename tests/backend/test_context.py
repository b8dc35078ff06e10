"""What every operation of the backend needs."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from bot.backend.context import BackendContext
from bot.backend.database import make_engine, make_session_factory
from bot.backend.mailer import Mailer
from bot.ops.supervisor import free_port
from tests.support.backend import backend_settings


def test_health_raises_when_the_database_is_unreachable() -> None:
    engine = make_engine(f"postgresql://postgres@127.0.0.1:{free_port()}/none")
    sessions = make_session_factory(engine)
    settings = backend_settings("unused")
    with pytest.raises(OperationalError):
        BackendContext(settings, sessions, Mailer(settings, sessions)).health()
