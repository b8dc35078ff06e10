"""The REST channel's input checks (bot/rasa_ext/rest_channel.py); test_server.py sends the same
kinds of requests to the running Rasa server."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from rasa.shared.core.events import BotUttered

from bot.domain.messages import clean_message
from bot.rasa_ext.rest_channel import (
    MAX_MESSAGE_LENGTH,
    BadMessage,
    UtteranceCollector,
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
