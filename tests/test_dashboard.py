"""The agents' dashboard (GET /agent/api/stats) and the Prometheus metrics (GET /metrics)
of the running web server, with the whole bot behind it: real conversations go through
the widget's route, the figures and counters are read back."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Dict, Tuple
from zoneinfo import ZoneInfo

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from bot.ops.stack import web_spec
from bot.ops.supervisor import free_port
from tests.support.stack import assert_nothing_left, started
from tests.support.web import browser_like, get, post

HANDOVER_MESSAGE = "je veux parler à un conseiller"


def today(stack_settings) -> str:
    return datetime.now(ZoneInfo(stack_settings.phone.timezone)).date().isoformat()


def stats_of_today(session, stack_settings) -> Dict:
    day = today(stack_settings)
    response = get(session, f"/agent/api/stats?from={day}&to={day}")
    assert response.status_code == 200, response.text
    return response.json()


def test_the_figures_count_a_conversation_handed_over_at_the_customers_request(
    agent_session, web_url, stack_settings
):
    before = stats_of_today(agent_session, stack_settings)

    customer = browser_like(web_url)
    replies = post(customer, "/chat/messages", {"message": HANDOVER_MESSAGE}).json()["replies"]
    assert any(stack_settings.phone.number in r["text"] for r in replies)

    after = stats_of_today(agent_session, stack_settings)
    assert after["conversations"] == before["conversations"] + 1
    assert after["messages"]["customer"] == before["messages"]["customer"] + 1
    asked = after["handovers"]["by_reason"]["asked"]["conversations"]
    assert asked == before["handovers"]["by_reason"]["asked"]["conversations"] + 1
    assert after["daily"][-1]["date"] == today(stack_settings)
    assert after["daily"][-1]["handovers"] == before["daily"][-1]["handovers"] + 1
    # Other tests of the run may rate answers today: this conversation rated none.
    assert after["feedback"] == before["feedback"]


def test_the_default_period_is_the_last_seven_days(agent_session):
    figures = get(agent_session, "/agent/api/stats").json()
    assert len(figures["daily"]) == 7
    assert figures["period"]["timezone"] == "Europe/Paris"


def test_the_figures_need_an_agent(web_url):
    response = get(browser_like(web_url), "/agent/api/stats")
    assert response.status_code == 401
    assert "conversations" not in response.json()


@pytest.mark.parametrize(
    "query",
    [
        "from=27/11/2026",
        "to=demain",
        "from=2026-02-30",
        "from=2026-11-28&to=2026-11-27",
        "from=2020-01-01&to=2026-11-27",
    ],
)
def test_bad_periods_are_a_bad_request_with_a_sentence(agent_session, query):
    response = get(agent_session, f"/agent/api/stats?{query}")
    assert response.status_code == 400
    assert response.json()["error"] == "bad_request"
    assert response.json()["message"]


def scrape(web_url: str, token: str) -> Dict[Tuple[str, Tuple], float]:
    """Every sample of /metrics, parsed with the client library's own parser."""
    response = requests.get(
        f"{web_url}/metrics", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def test_metrics_count_turns_latency_and_hand_overs(web_url, stack_settings):
    token = stack_settings.web.metrics_token
    before = scrape(web_url, token)

    post(browser_like(web_url), "/chat/messages", {"message": HANDOVER_MESSAGE})

    after = scrape(web_url, token)
    answered = ("roulement_chat_turns_total", (("status", "answered"),))
    assert after[answered] == before[answered] + 1
    count = ("roulement_chat_turn_seconds_count", ())
    assert after[count] == before[count] + 1
    assert (
        after[("roulement_chat_turn_seconds_sum", ())]
        > before[("roulement_chat_turn_seconds_sum", ())]
    )
    # The stack's clock is a Friday at 10:00: the line is open.
    asked = ("roulement_chat_handovers_total", (("line", "open"), ("reason", "asked")))
    assert after[asked] == before[asked] + 1
    failure = ("roulement_chat_handovers_total", (("line", "open"), ("reason", "failure")))
    assert after[failure] == before[failure]
    assert ("roulement_backend_errors_total", (("backend", "rasa"),)) in after
    assert ("roulement_chat_fallbacks_total", ()) in after


def test_the_rest_channel_names_the_turns_responses(rasa):
    response = requests.post(
        f"{rasa}/webhooks/rest/webhook",
        json={"sender": "dashboard-header", "message": HANDOVER_MESSAGE},
        timeout=30,
    )
    assert response.headers["X-Bot-Responses"].split() == [
        "utter_request_human_intro",
        "utter_handover_open",
    ]


@pytest.mark.parametrize("authorization", [None, "Bearer wrong", "Basic abc"])
def test_metrics_need_the_token(web_url, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = requests.get(f"{web_url}/metrics", headers=headers, timeout=10)
    assert response.status_code == 401
    assert "roulement_" not in response.text


@pytest.fixture(scope="module")
def web_without_metrics_token(bot_stack, stack_settings):
    web = dataclasses.replace(stack_settings.web, port=free_port(), metrics_token=None)
    stack = started([web_spec(dataclasses.replace(stack_settings, web=web))], logs="logs-nometrics")
    with stack:
        yield web.url
    assert_nothing_left(stack)


def test_without_a_token_there_is_no_metrics_route(web_without_metrics_token):
    response = requests.get(
        f"{web_without_metrics_token}/metrics", headers={"Authorization": "Bearer "}, timeout=10
    )
    assert response.status_code == 404
