"""Shared fixtures. The Rasa server takes 40-50 s to load a model, so the whole
stack is started once per test run and stopped (with a leftover check) at the end."""
from __future__ import annotations

from typing import Any, Dict, Iterator, List, Optional, Sequence

import pytest
import requests
import sqlalchemy

from bot.config import PROJECT_ROOT, Settings, load_settings, settings
from bot.stack import (action_server_spec, backend_spec, isolated_settings, rasa_server_spec,
                       rasa_url, shared_env, web_spec)
from bot.supervisor import Stack, Stage, process_group_alive, with_env

RESULTS = PROJECT_ROOT / "results"
# The clock of the running stack: Friday 27 November 2026, 10:00 in Paris.
STACK_NOW = "2026-11-27T10:00:00+01:00"


@pytest.fixture(scope="session")
def stack_settings(tmp_path_factory) -> Settings:
    """Free ports, a fresh demo database, secrets made up for this run."""
    settings = load_settings()
    if not settings.model_path.is_file():
        pytest.fail(f"no trained model at {settings.model_path}: run `make test`, which trains it")
    return isolated_settings(settings, tmp_path_factory.mktemp("stack"))


def started(stages: Sequence[Stage], now: str = STACK_NOW, logs: str = "logs") -> Stack:
    """A stack whose processes all use the stack's fixed clock and log under results/."""
    return Stack(with_env(stages, {"BOT_FIXED_NOW": now}), log_dir=RESULTS / logs)


def assert_nothing_left(stack: Stack) -> None:
    left_behind = [s.spec.name for s in stack.services if s.pid and process_group_alive(s.pid)]
    assert not left_behind, f"processes left behind: {left_behind}"


@pytest.fixture(scope="session")
def backend(stack_settings: Settings) -> Iterator[Stack]:
    """The account backend on a free loopback port, with a fresh demo database."""
    stack = started([backend_spec(stack_settings)])
    with stack:
        yield stack
    assert_nothing_left(stack)


@pytest.fixture(scope="session")
def bot_stack(backend: Stack, stack_settings: Settings) -> Iterator[Stack]:
    """Action server and Rasa server on free loopback ports, as `make run` starts them."""
    stack = started([action_server_spec(stack_settings), rasa_server_spec(stack_settings)])
    with stack:
        yield stack
    assert_nothing_left(stack)


@pytest.fixture(scope="session")
def web(bot_stack: Stack, stack_settings: Settings) -> Iterator[Stack]:
    """The web server (shop page, widget API, agents' assistant) in front of the running bot."""
    stack = started([web_spec(stack_settings)])
    with stack:
        yield stack
    assert_nothing_left(stack)


@pytest.fixture(scope="session")
def web_url(web: Stack, stack_settings: Settings) -> str:
    return stack_settings.web.url


@pytest.fixture
def stack_env(stack_settings: Settings, monkeypatch) -> Iterator[Settings]:
    """This process configured like the stack's processes (for in-process action tests)."""
    for name, value in {**shared_env(stack_settings), "BOT_FIXED_NOW": STACK_NOW}.items():
        monkeypatch.setenv(name, value)
    settings.cache_clear()
    yield stack_settings
    settings.cache_clear()


@pytest.fixture(scope="session")
def rasa(bot_stack: Stack, stack_settings: Settings) -> str:
    """Base URL of the running Rasa server."""
    return rasa_url(stack_settings)


@pytest.fixture
def chat(rasa: str):
    """Send one message as `sender`; returns the bot's replies."""

    def send(sender: str, message: str, metadata: Optional[dict] = None) -> list:
        response = requests.post(
            f"{rasa}/webhooks/rest/webhook",
            json={"sender": sender, "message": message, "metadata": metadata or {}},
            timeout=30,
        )
        response.raise_for_status()
        return response.json()

    return send


def tickets_of(settings: Settings, conversation_id: str) -> List[Dict[str, Any]]:
    """The tickets a conversation opened, read straight from the backend's database."""
    engine = sqlalchemy.create_engine(settings.backend.database_url)
    with engine.connect() as connection:
        rows = connection.execute(sqlalchemy.text(
            "SELECT reference, subject, email, body FROM tickets WHERE conversation_id = :c"),
            {"c": conversation_id}).mappings().all()
    engine.dispose()
    return [dict(row) for row in rows]


def texts(replies: list) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)
