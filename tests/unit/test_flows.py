"""A side question answered inside a flow says what its rule says (actions/flows.py)."""

import pytest

from actions.flows import ANSWERS, FLOWS, WITH_HANDOVER
from bot.domain.responses import rule_responses


@pytest.mark.parametrize("intent", sorted(set(ANSWERS) - {"out_of_scope"}))
def test_answer_inside_a_flow_starts_like_the_rule(intent):
    assert rule_responses(intent)[: len(ANSWERS[intent])] == ANSWERS[intent]


def test_out_of_scope_inside_a_flow_gives_the_phone_line_too():
    """« combien coûte un roulement 6204 ? » inside a flow: « un conseiller pourra vous
    aider » says how to reach one, as the answer outside a flow does."""
    assert "out_of_scope" in WITH_HANDOVER and "opening_hours" in WITH_HANDOVER


@pytest.mark.parametrize("intent", sorted(FLOWS))
def test_a_flow_started_by_an_action_opens_like_its_rule(intent):
    responses, _form = FLOWS[intent]
    assert rule_responses(intent) == responses
