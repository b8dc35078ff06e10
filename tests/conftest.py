"""Shared fixtures. The Rasa server takes 40-50 s to load a model, so the whole
stack is started once per test run and stopped (with a leftover check) at the end."""
from __future__ import annotations

import dataclasses
import socket
from pathlib import Path
from typing import Iterator

import pytest
import requests

from bot.config import PROJECT_ROOT, Settings, load_settings
from bot.stack import bot_services, rasa_url
from bot.supervisor import Stack, process_group_alive

RESULTS = PROJECT_ROOT / "results"
# The clock of the running stack: Friday 27 November 2026, 10:00 in Paris.
STACK_NOW = "2026-11-27T10:00:00+01:00"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def stack_settings() -> Settings:
    settings = load_settings()
    if not settings.model_path.is_file():
        pytest.fail(f"no trained model at {settings.model_path}: run `make test`, which trains it")
    return dataclasses.replace(settings, rasa_port=free_port(), action_port=free_port())


@pytest.fixture(scope="session")
def bot_stack(stack_settings: Settings) -> Iterator[Stack]:
    """Action server and Rasa server on free loopback ports, as `make run` starts them."""
    specs = [
        dataclasses.replace(spec, env={**spec.env, "BOT_FIXED_NOW": STACK_NOW})
        for spec in bot_services(stack_settings)
    ]
    stack = Stack(specs, log_dir=RESULTS / "logs")
    with stack:
        yield stack
    left_behind = [s.spec.name for s in stack.services if process_group_alive(s.pid)]
    assert not left_behind, f"processes left behind: {left_behind}"


@pytest.fixture(scope="session")
def rasa(bot_stack: Stack, stack_settings: Settings) -> str:
    """Base URL of the running Rasa server."""
    return rasa_url(stack_settings)


@pytest.fixture
def chat(rasa: str):
    """Send one message as `sender`; returns the bot's replies."""

    def send(sender: str, message: str) -> list:
        response = requests.post(
            f"{rasa}/webhooks/rest/webhook",
            json={"sender": sender, "message": message},
            timeout=30,
        )
        response.raise_for_status()
        return response.json()

    return send


def texts(replies: list) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)
