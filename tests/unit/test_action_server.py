"""The action server's gate (bot/rasa_ext/action_server.py); the running server is
tested in tests/test_server.py."""

import pytest

from bot.rasa_ext.action_server import bearer_matches, secured_app

TOKEN = "a-real-secret-made-up-for-this-test-0123"


@pytest.mark.parametrize(
    "header, expected",
    [
        (f"Bearer {TOKEN}", True),
        (f"bearer {TOKEN}", True),
        ("", False),
        ("Bearer", False),
        (f"Basic {TOKEN}", False),
        (f"Bearer {TOKEN}x", False),
        (f"Bearer {TOKEN[:-1]}", False),
        ("Bearer \ud800", False),
    ],
)
def test_bearer_matches_only_the_token(header, expected):
    assert bearer_matches(header, TOKEN) is expected


@pytest.mark.parametrize("token", ["", "change-me", "secret"])
def test_refuses_to_start_without_a_real_token(token):
    with pytest.raises(ValueError):
        secured_app(token, [])
