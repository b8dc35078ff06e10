"""The REST channel's input checks (bot/rasa_ext/rest_channel.py); test_server.py sends the same
kinds of requests to the running Rasa server."""

from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace
from typing import Any, Awaitable, Callable, List

import pytest
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import BotUttered
from sanic import Sanic

from bot.config import load_settings
from bot.domain.messages import clean_message
from bot.domain.tokens import issue_token
from bot.rasa_ext.rest_channel import (
    MAX_MESSAGE_LENGTH,
    BadMessage,
    UtteranceCollector,
    ValidatingRestInput,
    _body,
    _message,
    _metadata,
    _sender,
)


def request(raw: bytes) -> SimpleNamespace:
    return SimpleNamespace(body=raw)


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"not json",
        b"[1, 2]",
        b"null",
        b'"text"',
        b"\xff\xfe{}",
        b'{"sender": "a", "message": "x",}',
    ],
)
def test_bodies_that_are_not_a_json_object_are_refused(raw):
    with pytest.raises(BadMessage):
        _body(request(raw))


def test_lone_surrogates_in_json_escapes_are_read_then_replaced():
    body = _body(request(b'{"sender": "s", "message": "bonjour \\ud800"}'))
    assert _message(body) == "bonjour \ufffd"


@pytest.mark.parametrize("sender", [None, 12, "", "   ", "x" * 129, "a\x00b", ["s"], "a\u200bb"])
def test_senders_must_be_short_visible_text(sender):
    with pytest.raises(BadMessage):
        _sender({"sender": sender})


@pytest.mark.parametrize(
    "message",
    [
        None,
        3,
        ["bonjour"],
        {"text": "bonjour"},
        "",
        " \t\n",
        "\u200b\u200b",
        "\x00\x01",
        "a" * (MAX_MESSAGE_LENGTH + 1),
    ],
)
def test_messages_must_be_non_empty_text_of_bounded_length(message):
    with pytest.raises(BadMessage):
        _message({"message": message})


@pytest.mark.parametrize(
    "metadata", ["token", [1], 3, {"auth_token": "x" * 20_000}, {"auth_token": "\ud800"}]
)
def test_metadata_must_be_a_small_object(metadata):
    with pytest.raises(BadMessage):
        _metadata({"metadata": metadata})


@pytest.mark.parametrize(
    "typed, read",
    [
        ("mot\u200bde passe oublié", "motde passe oublié"),
        ("\ufeffbonjour", "bonjour"),
        ("facture\x00\x07 svp", "facture   svp"),
        ("  ligne 1\nligne 2  ", "ligne 1\nligne 2"),
        ("émoji 🙂 ok", "émoji 🙂 ok"),
        ("\u202eetrahc\u202c", "etrahc"),
    ],
)
def test_clean_message(typed, read):
    assert clean_message(typed) == read


def test_each_item_names_its_bot_event_and_response():
    """Rasa's collector splits a text at blank lines: every part keeps its event's id."""
    collector = UtteranceCollector()
    goodbye = BotUttered("Étape 1.\n\nÉtape 2.", metadata={"utter_action": "utter_goodbye"})
    custom = BotUttered("Votre facture", {"custom": {"links": []}}, {"utter_action": "utter_x"})
    plain = BotUttered("Sans réponse nommée")

    for event in (goodbye, custom, plain):
        asyncio.run(collector.send_response("me", event.message()))

    assert [(m["text"], m["timestamp"], m.get("response")) for m in collector.messages] == [
        ("Étape 1.", goodbye.timestamp, "utter_goodbye"),
        ("Étape 2.", goodbye.timestamp, "utter_goodbye"),
        ("Votre facture", custom.timestamp, "utter_x"),
        ("Sans réponse nommée", plain.timestamp, None),
    ]


def test_the_collector_keeps_the_names_of_the_responses_uttered():
    collector = UtteranceCollector()
    for message in (
        {"text": "Bonjour", "utter_action": "utter_greet"},
        {"text": "Sans nom"},
        {"text": "Appelez…", "custom": {"links": []}, "utter_action": "utter_handover_open"},
    ):
        asyncio.run(collector.send_response("s", message))
    assert collector.responses == ["utter_greet", "utter_handover_open"]
    assert [m["text"] for m in collector.messages] == ["Bonjour", "Sans nom", "Appelez…"]


# --- The channel and its settings -------------------------------------------------------

OURS = {"SUPPORT_PHONE_NUMBER": "01 23 45 67 89", "CUSTOMER_TOKEN_SECRET": "s" * 40}
THEIRS = {"SUPPORT_PHONE_NUMBER": "09 87 65 43 21", "CUSTOMER_TOKEN_SECRET": "t" * 40}


def webhook(
    channel: ValidatingRestInput, on_new_message: Callable[[UserMessage], Awaitable[Any]]
) -> Callable:
    """The handler of the channel's POST /webhook, as Rasa mounts it."""
    app = Sanic("rest-channel-test", register=False, configure_logging=False)
    app.blueprint(channel.blueprint(on_new_message))
    [route] = [route for route in app.router.routes if route.path.endswith("/webhook")]
    return route.handler


def posted(handler: Callable, **body: Any):
    request = SimpleNamespace(body=json.dumps(body).encode(), app=SimpleNamespace(ctx=None))
    return asyncio.run(handler(request))


async def failing(message: UserMessage) -> None:
    raise RuntimeError("the lock store is down")


def test_each_channel_answers_a_failed_turn_with_its_own_phone_line():
    for env in (OURS, THEIRS):
        channel = ValidatingRestInput(load_settings(env))
        answer = posted(webhook(channel, failing), sender="s", message="bonjour")
        assert answer.status == 503
        assert env["SUPPORT_PHONE_NUMBER"] in json.loads(answer.body)[0]["text"]


def test_each_channel_verifies_the_customer_token_with_its_own_secret():
    ours = load_settings(OURS)
    token = issue_token("C1000001", ours.tokens)
    received: List[UserMessage] = []

    async def receive(message: UserMessage) -> None:
        received.append(message)

    for settings in (ours, load_settings(THEIRS)):
        handler = webhook(ValidatingRestInput(settings), receive)
        posted(handler, sender="s", message="mes factures", metadata={"auth_token": token})
    assert [message.metadata for message in received] == [
        {"verified_customer_id": "C1000001"},
        {},
    ]


def test_rasa_builds_the_channel_with_the_settings_of_this_process(monkeypatch):
    for name, value in THEIRS.items():
        monkeypatch.setenv(name, value)
    channel = ValidatingRestInput.from_credentials(None)
    answer = posted(webhook(channel, failing), sender="s", message="bonjour")
    assert THEIRS["SUPPORT_PHONE_NUMBER"] in json.loads(answer.body)[0]["text"]
