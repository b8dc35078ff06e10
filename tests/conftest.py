"""Shared fixtures. The Rasa server takes 40-50 s to load a model, so the whole
stack is started once per test run and stopped (with a leftover check) at the end."""

from __future__ import annotations

import dataclasses
import functools
from datetime import datetime
from typing import Iterator

import pytest

from actions.common import ActionContext
from bot.config import Settings, load_settings
from bot.ops.stack import (
    action_server_spec,
    backend_spec,
    isolated_settings,
    rasa_server_spec,
    web_spec,
)
from bot.ops.supervisor import Stack
from tests.support.stack import STACK_NOW, assert_nothing_left, send, started
from tests.support.web import agent_login, browser_like


@pytest.fixture(scope="session")
def stack_settings(tmp_path_factory) -> Settings:
    """Free ports, a fresh demo database, secrets made up for this run; the Rasa server
    with two Sanic workers, as `make run` starts it on two cores, whatever this machine has
    (the tests of the shared locks and model need two)."""
    settings = dataclasses.replace(load_settings(), rasa_workers=2)
    if not settings.model_path.is_file():
        pytest.fail(f"no trained model at {settings.model_path}: run `make test`, which trains it")
    return isolated_settings(settings, tmp_path_factory.mktemp("stack"))


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


@pytest.fixture(scope="session")
def action_context(stack_settings: Settings) -> ActionContext:
    """What the stack's action server gives its actions (its backend, its clock), for
    in-process action tests."""
    now = datetime.fromisoformat(STACK_NOW)
    return ActionContext.from_settings(dataclasses.replace(stack_settings, fixed_now=now))


@pytest.fixture(scope="session")
def rasa(bot_stack: Stack, stack_settings: Settings) -> str:
    """Base URL of the running Rasa server."""
    return stack_settings.rasa_url


@pytest.fixture
def chat(rasa: str):
    """Send one message as `sender`; returns the bot's replies."""
    return functools.partial(send, rasa, timeout=30)


@pytest.fixture
def agent_session(web_url: str, stack_settings: Settings):
    """A session logged in on the agents' page, as the configured agent."""
    session = browser_like(web_url)
    web = stack_settings.web
    assert agent_login(session, web.agent_username, web.agent_password).status_code == 200
    return session
