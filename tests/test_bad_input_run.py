"""A seeded slice of the bad-input run (benchmarks/bad_input/) against `make run`'s layout:
the REST channel, Rasa's HTTP API and the action server on their loopback ports, the
backend and a web server (demo mode on, as `make run` has it). `make soak` fires the
whole run at the cluster (docs/SOAK.md); this slice checks the same things on every
`make test`: no 5xx, refusals where a refusal is due, every process alive with its pid
and healthy, the databases changed only by the requests that may write."""

from __future__ import annotations

import dataclasses
import json
from typing import Iterator, Tuple

import pytest

from benchmarks.bad_input import run as bad_input_run
from bot.config import Settings
from bot.ops.stack import web_spec
from bot.ops.supervisor import Stack, free_port
from tests.support.stack import RESULTS, assert_nothing_left, started

SEED = 11
COUNTS = bad_input_run.Counts(chat=60, backend=60, web=90, actions=60, rasa_api=60)
HELPDESK_TOKEN = "bad-input-helpdesk-token-0123456789"


@pytest.fixture(scope="module")
def own_web(
    backend: Stack, bot_stack: Stack, stack_settings: Settings
) -> Iterator[Tuple[Stack, str]]:
    """A web server of its own: the run's failed log-ins lock its loopback address out,
    which must not touch the other tests' server. With a help-desk token to attack."""
    web = dataclasses.replace(stack_settings.web, port=free_port(), agent_api_token=HELPDESK_TOKEN)
    stack = started([web_spec(dataclasses.replace(stack_settings, web=web))], logs="logs-bad-input")
    with stack:
        yield stack, web.url
    assert_nothing_left(stack)


def test_bad_input_gets_no_5xx_and_changes_only_what_valid_requests_ask(
    backend: Stack, bot_stack: Stack, own_web: Tuple[Stack, str], stack_settings: Settings
) -> None:
    web, web_url = own_web
    s = stack_settings
    targets = bad_input_run.Targets(
        chat=s.rasa_url,
        backend=s.backend.url,
        web=web_url,
        actions=f"http://{s.host}:{s.action_port}",
        rasa_api=s.rasa_url,
        backend_token=s.backend.api_token or "",
        action_token=s.action_server_token or "",
        rasa_token=s.rasa_auth_token or "",
        agent_api_token=HELPDESK_TOKEN,
        agent=(s.web.agent_username, s.web.agent_password or ""),
    )
    services = [*backend.services, *bot_stack.services, *web.services]
    result = bad_input_run.run(
        services, targets, s.backend.database_url, s.tracker_store_url, SEED, COUNTS
    )
    (RESULTS / "bad-input-run.json").write_text(
        json.dumps(result, indent=2, ensure_ascii=False, default=str), encoding="utf-8"
    )
    wrong = {name: r["wrong"] for name, r in result["services"].items() if r["wrong"]}
    assert not wrong, wrong
    assert result["requests"] == sum(dataclasses.astuple(COUNTS))
    assert result["processes_ok"], (result["processes_before"], result["processes_after"])
    assert result["backend_writes_ok"], (
        result["backend_rows_before"],
        result["backend_rows_after"],
    )
    assert not result["older_conversations_changed"]
    assert result["unnamed_conversations"] <= result["web_chat_writes"]
    assert bad_input_run.passed(result)
