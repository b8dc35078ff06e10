"""The cached action-result validation accepts and refuses exactly what Rasa's does."""

from __future__ import annotations

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from bot.rasa_ext import rest_channel
from bot.rasa_ext.speedups import validate_action_result

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
