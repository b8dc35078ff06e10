"""Seeded hostile HTTP requests for every public endpoint of the bot.

Why: the soak script (`make soak`, the cluster) and the test stack (`make run`'s layout,
tests/test_bad_input_run.py) fire these at the running processes, then check that no
answer is a 5xx, that every process is still alive and that the databases only got the
writes that valid requests asked for (benchmarks/bad_input/run.py). A seed always gives
the same requests, so a failure can be replayed request by request.

One table per service, one module each: the REST channel (`chat`), the account backend
(`backend`), the web server (`web`), the action server (`actions`) and Rasa's HTTP API
(`rasa_api`); what they share is in `payloads`. In every table, categories starting with
`write_` are the requests that may legitimately change a database; a category may also
name the only statuses its requests may get (a refusal: 401 without a token…).
"""

from __future__ import annotations

from typing import List

from benchmarks.bad_input import actions, backend, chat, rasa_api, web
from benchmarks.bad_input.payloads import WEBHOOK, BadRequest, categories, generate, unexpected
from benchmarks.bad_input.web import WebAccess

__all__ = [
    "WEBHOOK",
    "BadRequest",
    "WebAccess",
    "action_requests",
    "backend_requests",
    "categories",
    "chat_requests",
    "rasa_api_requests",
    "unexpected",
    "web_requests",
]


def _needed(token: str, name: str) -> None:
    if not token:
        raise ValueError(f"the valid {name} is needed to tell bad tokens from good ones")


def chat_requests(seed: int = 7, count: int = 1000) -> List[BadRequest]:
    """`count` requests for the Rasa REST channel, the categories taken in turn."""
    return generate(chat.table(), seed, count)


def backend_requests(api_token: str, seed: int = 7, count: int = 300) -> List[BadRequest]:
    """`count` requests for the account backend; `api_token` is the valid one."""
    _needed(api_token, "API token")
    return generate(backend.table(api_token), seed, count)


def web_requests(access: WebAccess, seed: int = 7, count: int = 400) -> List[BadRequest]:
    """`count` requests for the web server; `access` holds the valid credentials."""
    _needed(access.api_token, "agents' API token")
    _needed(access.csrf_token, "agent's CSRF token")
    return generate(web.table(access), seed, count, web.REFUSALS)


def action_requests(token: str, seed: int = 7, count: int = 300) -> List[BadRequest]:
    """`count` requests for the action server; `token` is ACTION_SERVER_TOKEN."""
    _needed(token, "action server token")
    return generate(actions.table(token), seed, count, actions.REFUSALS)


def rasa_api_requests(token: str, seed: int = 7, count: int = 300) -> List[BadRequest]:
    """`count` requests for Rasa's HTTP API; `token` is RASA_AUTH_TOKEN."""
    _needed(token, "Rasa auth token")
    return generate(rasa_api.table(token), seed, count, rasa_api.REFUSALS)
