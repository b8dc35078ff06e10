"""Seeded hostile HTTP requests for every public endpoint of the bot.

Why: the soak script (`make soak`, the cluster) and the test stack (`make run`'s layout,
tests/test_bad_input_run.py) fire these at the running processes, then check that no
answer is a 5xx, that every process is still alive and that the databases only got the
writes that valid requests asked for. A seed always gives the same requests, so a failure
can be replayed request by request.

One table per service, one module each: the REST channel (`chat`), the account backend
(`backend`), the web server (`web`), the action server (`actions`) and Rasa's HTTP API
(`rasa_api`); what they share is in `payloads`. In every table, categories starting with
`write_` are the requests that may legitimately change a database.
"""

from __future__ import annotations

from typing import List

from benchmarks.bad_input import backend, chat
from benchmarks.bad_input.payloads import WEBHOOK, BadRequest, categories, generate

__all__ = ["WEBHOOK", "BadRequest", "backend_requests", "categories", "chat_requests"]


def chat_requests(seed: int = 7, count: int = 1000) -> List[BadRequest]:
    """`count` requests for the Rasa REST channel, the categories taken in turn."""
    return generate(chat.table(), seed, count)


def backend_requests(api_token: str, seed: int = 7, count: int = 300) -> List[BadRequest]:
    """`count` requests for the account backend; `api_token` is the valid one."""
    if not api_token:
        raise ValueError("the valid API token is needed to tell bad tokens from good ones")
    return generate(backend.table(api_token), seed, count)
