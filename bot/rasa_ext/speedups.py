"""Measured fixes to Rasa 3.6's hot path, installed by the REST channel's module
(bot/rasa_ext/rest_channel.py), which every Rasa server of ours loads, and by the NLU
package (bot/rasa_ext/nlu/__init__.py), which every process loading our model imports.
Each keeps Rasa's behaviour and only removes work repeated for nothing. The dialogue
states computed once per event (bot/rasa_ext/dialogue_states.py) and the custom action
calls that carry the latest events only (bot/rasa_ext/action_payload.py) are installed
here too.

spaCy without its named-entity recogniser:

Rasa's SpacyNLP loads fr_core_news_md with only the parser disabled, and runs its NER on
every message, although no component of config.yml reads spaCy's entities (e-mails and
customer numbers come from regexes). Measured (docs/PERFORMANCE.md): 28.7 ms to 11.9 ms
per message, with the same tokens, lemmas and part-of-speech tags, hence the same
features. And loaded once per process: the predict graph's two SpacyNLP nodes each loaded
their own copy (Agent.load 14.4 s -> 11.6 s, peak RSS 1462 -> 1130 MB, session 21).

Action calls over kept-alive connections:

Rasa's `EndpointConfig.request` opens a new aiohttp `ClientSession` for every request, so
every custom action call builds a connector, opens a TCP connection to the action server
and closes both; aiohttp's own documentation says not to create a session per request.
`kept_alive_session` gives each endpoint one session per event loop, whose connections
stay open a little less long than the action server's keep-alive (Sanic's default, 5 s),
so that a connection is never reused at the moment the server closes it.

Action results, validated on their envelope, with a validator built once:

py-spy on a Rasa server under 16 concurrent conversations (issue 5's note) put about a
quarter of its CPU in `jsonschema`: `RemoteAction._validate_action_result` calls
`jsonschema.validate(result, schema)` for every custom action's answer, and that
function first checks the schema itself against the JSON Schema meta-schema, every time
(16.2 ms per call). A validator built once took 0.24 ms, still 1.6 ms for a realistic
answer of eight events and three responses, since Rasa's schema checks each event against
an `anyOf` of every event type's schema (py-spy, issue 14: `iter_errors` and `evolve`
among the Rasa server's top frames). The answers come from our own action server, which
only the Rasa server may call (ACTION_SERVER_TOKEN): the check keeps the envelope (an
object, `events` a list of objects naming their `event` type, `responses` a list of
objects), 0.08 ms. An event the envelope lets through and Rasa cannot read (an unknown
type, a user event whose parse data is not an object) still fails the action where Rasa
turns it into an event (`deserialise_events`), as a refused answer did; a slot event
without its name sets no slot, with Rasa's error in the log.
"""

from __future__ import annotations

import asyncio
import contextlib
from functools import lru_cache
from typing import Any, Dict, Optional, Text, Type

import aiohttp
from jsonschema import ValidationError, validators
from rasa.core.actions.action import RemoteAction
from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses
from rasa.utils.endpoints import EndpointConfig

from bot.rasa_ext import action_payload, dialogue_states

# Rasa's action_response_format_spec, each event reduced to an object naming its type.
ACTION_RESULT_ENVELOPE = {
    "type": "object",
    "properties": {
        "events": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"event": {"type": "string"}},
                "required": ["event"],
            },
        },
        "responses": {"type": "array", "items": {"type": "object"}},
    },
}


@lru_cache(maxsize=1)
def action_result_validator() -> Any:
    schema = ACTION_RESULT_ENVELOPE
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    """RemoteAction._validate_action_result on the envelope, with the validator built once."""
    try:
        action_result_validator().validate(result)
    except ValidationError as error:
        error.message += (
            ". Failed to validate Action server response from API, make sure "
            "your response from the Action endpoint is valid. For more "
            f"information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise
    return True


# Events, resolved by a table of their type names. Rasa turns every stored event back into
# an object at every turn (the tracker store's retrieve, each action server's answer), and
# `Event.resolve_by_type` walks the whole class tree of `Event` again for each one
# (`all_subclasses`, with an `inspect.isabstract` per class). py-spy put it at 7 % of the
# Rasa server's CPU under 16 customers (docs/BENCHMARKS.md, issue 14), and it grows with
# the conversation; measured: 2.4 ms -> 0.15 ms for a 52-event tracker.
_rasa_resolve_by_type = Event.resolve_by_type
_event_types: Dict[Text, Type[Event]] = {}


def resolve_event_type(
    type_name: Text, default: Optional[Type[Event]] = None
) -> Optional[Type[Event]]:
    """Event.resolve_by_type, from a table filled on a miss (so that event classes imported
    later are still found), the first class of a name winning as in Rasa's walk. Names no
    class has go to Rasa's own (its "topic", `default` and error cases)."""
    found = _event_types.get(type_name)
    if found is None:
        for cls in all_subclasses(Event):
            _event_types.setdefault(cls.type_name, cls)
        found = _event_types.get(type_name)
    return found if found is not None else _rasa_resolve_by_type(type_name, default)


_rasa_load_spacy_model = SpacyNLP.load_model


@lru_cache(maxsize=None)
def load_spacy_model_without_ner(spacy_model_name: Text) -> SpacyModel:
    """SpacyNLP.load_model, with the named-entity recogniser disabled too; once per model
    name and process: the predict graph's two SpacyNLP nodes (provide, run) each loaded it
    (about 4 s and one copy of the model each)."""
    loaded = _rasa_load_spacy_model(spacy_model_name)
    if "ner" in loaded.model.pipe_names:
        loaded.model.disable_pipe("ner")
    return loaded


# Seconds an idle connection to an endpoint is kept: under Sanic's 5 s keep-alive.
KEEP_ALIVE_SECONDS = 3.0


def kept_alive_session(
    self: EndpointConfig,
) -> "contextlib.nullcontext[aiohttp.ClientSession]":
    """EndpointConfig.session, made once per endpoint and event loop (a test's new loop,
    or a closed session, gets a new one), with Rasa's headers, authentication and timeout;
    handed out in a `nullcontext`, since EndpointConfig.request closes the session it
    gets at the end of its `async with`."""
    loop = asyncio.get_running_loop()
    kept = self.__dict__.get("_kept_session")
    if kept is None or kept[0] is not loop or kept[1].closed:
        auth = None
        if self.basic_auth:
            auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"])
        session = aiohttp.ClientSession(
            headers=self.headers,
            auth=auth,
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(keepalive_timeout=KEEP_ALIVE_SECONDS),
        )
        kept = (loop, session)
        self.__dict__["_kept_session"] = kept
    return contextlib.nullcontext(kept[1])


def install() -> None:
    dialogue_states.install()
    action_payload.install()
    RemoteAction._validate_action_result = validate_action_result
    Event.resolve_by_type = staticmethod(resolve_event_type)
    SpacyNLP.load_model = staticmethod(load_spacy_model_without_ner)
    EndpointConfig.session = kept_alive_session
