"""The speed-ups answer what Rasa's own code does: the action-result check on the envelope
refuses the results Rasa's schema refuses for their shape, and an event it lets through that
Rasa cannot read still fails the action; the event table resolves the same classes."""

from __future__ import annotations

import asyncio
import threading
from http.server import ThreadingHTTPServer

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
    deserialise_events,
)
from rasa.shared.utils.common import all_subclasses
from rasa.utils.endpoints import EndpointConfig

from bot.rasa_ext import rest_channel
from bot.rasa_ext.speedups import _rasa_resolve_by_type, resolve_event_type, validate_action_result
from tests.unit.test_backend_connections import Backend

SCHEMA = RemoteAction.action_response_format_spec()
RESULTS = [
    {"events": [], "responses": []},
    {
        "events": [{"event": "slot", "name": "email", "value": "a@b.fr"}],
        "responses": [{"text": "Bonjour", "buttons": [{"title": "Oui", "payload": "/affirm"}]}],
    },
    {"events": "not a list", "responses": []},
    {"events": [{"no_event_key": 1}], "responses": []},
    {"events": [], "responses": "nope"},
    {},
]


def test_rasa_servers_use_it():
    """Rasa imports the REST channel's module (credentials.yml), which installs it."""
    assert rest_channel.rasa_speedups.validate_action_result is validate_action_result
    assert RemoteAction._validate_action_result is validate_action_result


@pytest.mark.parametrize("result", RESULTS)
def test_same_verdict_as_jsonschema_validate(result):
    try:
        jsonschema.validate(result, SCHEMA)
        expected = None
    except jsonschema.ValidationError as error:
        expected = error.message
    if expected is None:
        assert validate_action_result(None, result) is True
    else:
        with pytest.raises(jsonschema.ValidationError) as raised:
            validate_action_result(None, result)
        assert raised.value.message.startswith(expected)
        assert "Failed to validate Action server response" in raised.value.message


@pytest.mark.parametrize(
    "event",
    [{"event": "nonsense"}, {"event": "user", "text": "oui", "parse_data": "not an object"}],
)
def test_an_event_rasa_cannot_read_still_fails_the_action(event):
    """Past the envelope, Rasa's reading of the events raises: the processor fails the
    action, as it did when the whole schema refused the answer."""
    result = {"events": [event], "responses": []}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(result, SCHEMA)
    assert validate_action_result(None, result) is True
    with pytest.raises((ValueError, AttributeError)):
        deserialise_events(result["events"])


def _rasa_event_types():
    """Every concrete event class Rasa knows, with the class its own walk picks per name."""
    return {cls.type_name: _rasa_resolve_by_type(cls.type_name) for cls in all_subclasses(Event)}


def test_events_resolve_to_the_class_rasa_picks():
    assert Event.resolve_by_type is resolve_event_type
    for name, cls in _rasa_event_types().items():
        assert resolve_event_type(name) is cls


def test_stored_events_come_back_the_same():
    events = [
        SessionStarted(),
        ActionExecuted("action_listen"),
        UserUttered("bonjour", {"name": "greet", "confidence": 0.9}),
        SlotSet("email", "a@b.fr"),
        ActiveLoop("password_email_form"),
        BotUttered("Bonjour", {"buttons": []}),
    ]
    assert [Event.from_parameters(e.as_dict()) for e in events] == events


def test_unknown_and_legacy_names_keep_rasas_answers():
    assert resolve_event_type("topic") is None
    assert resolve_event_type("no_such_event", default=SlotSet) is SlotSet
    with pytest.raises(ValueError, match="Unknown event name"):
        resolve_event_type("no_such_event")


def test_an_event_class_defined_later_is_found():
    class LateEvent(SlotSet):
        type_name = "late_event_for_test"

    assert resolve_event_type("late_event_for_test") is LateEvent


def test_spacy_runs_without_its_entity_recogniser_and_gives_the_same_tokens():
    import spacy
    from rasa.nlu.utils.spacy_utils import SpacyNLP

    from bot.rasa_ext import speedups

    speedups.install()
    slim = SpacyNLP.load_model("fr_core_news_md").model
    assert "ner" not in slim.pipe_names and "parser" not in slim.pipe_names
    full = spacy.load("fr_core_news_md", disable=["parser"])
    text = "Bonjour, j'ai oublié mon mot de passe pour commander des roulements à Lyon."
    assert [(t.text, t.pos_, t.lemma_, t.tag_) for t in slim(text)] == [
        (t.text, t.pos_, t.lemma_, t.tag_) for t in full(text)
    ]


def test_spacy_is_loaded_once_per_model_name(monkeypatch):
    # Rasa's predict graph has two SpacyNLP nodes (provide, run): each loaded the model.
    from types import SimpleNamespace

    from bot.rasa_ext import speedups

    loads = []

    def fake_load(name):
        loads.append(name)
        return SimpleNamespace(model=SimpleNamespace(pipe_names=[], disable_pipe=None))

    monkeypatch.setattr(speedups, "_rasa_load_spacy_model", fake_load)
    speedups.load_spacy_model_without_ner.cache_clear()
    first = speedups.load_spacy_model_without_ner("fr_test_model")
    assert speedups.load_spacy_model_without_ner("fr_test_model") is first
    assert loads == ["fr_test_model"]
    speedups.load_spacy_model_without_ner.cache_clear()


def test_endpoint_requests_share_a_kept_alive_connection():
    """Rasa's EndpointConfig.request (every custom action call) opened a new session and
    TCP connection per request; installed, calls of one event loop share one."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Backend)
    Backend.connections = 0
    threading.Thread(target=server.serve_forever, daemon=True).start()
    endpoint = EndpointConfig(url=f"http://127.0.0.1:{server.server_address[1]}/customers")

    async def calls():
        return [await endpoint.request(method="get") for _ in range(5)]

    try:
        answers = asyncio.new_event_loop().run_until_complete(calls())
    finally:
        server.shutdown()
        server.server_close()
    assert [answer["first_name"] for answer in answers] == ["Marie"] * 5
    assert Backend.connections == 1
