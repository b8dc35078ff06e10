"""The checks in front of Rasa's /model/parse (bot/rasa_ext/api_guard.py), with the token
the REST channel installs them with; tests/test_web.py and test_server.py send the same
requests to the running Rasa server."""

from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace
from typing import Optional

import pytest

from bot.domain.messages import MAX_PASTED_LENGTH
from bot.rasa_ext.api_guard import MAX_PARSE_BODY_BYTES, guard

TOKEN = "a-real-secret-made-up-for-this-test-0123"


def parse_request(body: bytes, token: Optional[str], path: str = "model/parse"):
    return SimpleNamespace(
        method="POST",
        route=SimpleNamespace(path=path),
        args={"token": token} if token else {},
        body=body,
    )


def status(token: Optional[str], body: bytes, **request) -> Optional[int]:
    answer = asyncio.run(guard(TOKEN)(parse_request(body, token, **request)))
    return None if answer is None else answer.status


@pytest.mark.parametrize(
    "body, expected",
    [
        (json.dumps({"text": "bonjour"}).encode(), None),
        (b"[1, 2]", 400),
        (b"{not json", 400),
        (json.dumps({"text": "x" * (MAX_PASTED_LENGTH + 1)}).encode(), 400),
        (json.dumps({"text": "x" * MAX_PASTED_LENGTH}).encode(), None),
        (b" " * (MAX_PARSE_BODY_BYTES + 1), 413),
    ],
)
def test_a_parse_request_with_the_token_is_checked(body, expected):
    assert status(TOKEN, body) == expected


@pytest.mark.parametrize("token", [None, "", TOKEN[::-1], TOKEN + "x"])
def test_without_the_token_it_is_left_to_rasa(token):
    assert status(token, b"[1, 2]") is None


def test_other_routes_are_left_to_rasa():
    assert status(TOKEN, b"[1, 2]", path="conversations/<conversation_id:path>/messages") is None
