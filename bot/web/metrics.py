"""Prometheus metrics of the chat, on the web server (`GET /metrics`, deploy/README.md).

Measured here because every customer message of the widget passes through this server on
its way to Rasa (bot/web/chat.py): the latency is the customer's wait for the answer,
Rasa, actions and backend included, and one scrape target covers however many Rasa
replicas sit behind nginx. What the turn amounted to (fallback, hand-over and its reason)
comes from the REST channel's `X-Bot-Responses` header, read by bot/domain/outcomes.py
as the dashboard reads the tracker store. Help-desk tools calling Rasa's REST channel
directly are not counted.

Each app has its own registry (tests build several apps in one process). Prometheus
scrapes with `Authorization: Bearer $METRICS_TOKEN`; without the token set the route
answers 404: the web server faces the internet, its metrics do not.
"""

from __future__ import annotations

import hmac
import re
from typing import Iterable, List

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.exposition import choose_encoder
from prometheus_client.process_collector import ProcessCollector
from sanic import Blueprint, Request
from sanic.response import HTTPResponse, raw

from bot.domain.outcomes import HANDOVER_REASONS, turn_outcome
from bot.web.http import ApiError, config_of

# A customer waits up to the web server's 20 s timeout for Rasa (bot/web/app.py).
LATENCY_BUCKETS = (0.1, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0, 8.0, 13.0, 20.0)
BACKENDS = ("rasa", "accounts")
_NAME = re.compile(r"[a-z0-9_]{1,64}")

metrics = Blueprint("metrics")


def response_names(header: str) -> List[str]:
    """The response names of an `X-Bot-Responses` header; anything else is ignored."""
    return [name for name in header.split() if _NAME.fullmatch(name)]


class ChatMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)
        self.turns = Counter(
            "roulement_chat_turns",
            "Customer messages sent to the bot, by whether the bot answered.",
            ["status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "roulement_chat_turn_seconds",
            "Time from a customer's message to the bot's answer, as the web server sees it.",
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.fallbacks = Counter(
            "roulement_chat_fallbacks",
            "Turns the bot did not understand (« je n'ai pas bien compris »).",
            registry=self.registry,
        )
        self.handovers = Counter(
            "roulement_chat_handovers",
            "Hand-overs to the phone line, by reason and whether the line was open.",
            ["reason", "line"],
            registry=self.registry,
        )
        self.backend_errors = Counter(
            "roulement_backend_errors",
            "Turns failed by Rasa (unreachable, error) or answered without the accounts backend.",
            ["backend"],
            registry=self.registry,
        )
        # Every series from the first scrape, at 0: rate() needs a starting point.
        for status in ("answered", "failed"):
            self.turns.labels(status)
        for reason in HANDOVER_REASONS:
            for line in ("open", "closed"):
                self.handovers.labels(reason, line)
        for backend in BACKENDS:
            self.backend_errors.labels(backend)

    def answered(self, seconds: float, responses: Iterable[str]) -> None:
        self.turns.labels("answered").inc()
        self.latency.observe(seconds)
        outcome = turn_outcome(responses)
        if outcome.fallback:
            self.fallbacks.inc()
        if outcome.handover:
            self.handovers.labels(
                outcome.handover, "closed" if outcome.line_closed else "open"
            ).inc()
        if outcome.backend_down:
            self.backend_errors.labels("accounts").inc()

    def failed(self, seconds: float) -> None:
        self.turns.labels("failed").inc()
        self.latency.observe(seconds)
        self.backend_errors.labels("rasa").inc()


def metrics_of(request: Request) -> ChatMetrics:
    return request.app.ctx.metrics


@metrics.get("/metrics")
async def scrape(request: Request) -> HTTPResponse:
    expected = config_of(request).web.metrics_token
    if not expected:
        raise ApiError(404, "not_found", "Page introuvable.")
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        token.strip().encode(), expected.encode()
    ):
        raise ApiError(
            401, "unauthorized", "Jeton manquant ou invalide.", {"WWW-Authenticate": "Bearer"}
        )
    # The format Prometheus asks for (Accept), the classic text format by default.
    encoder, content_type = choose_encoder(request.headers.get("accept", ""))
    return raw(encoder(metrics_of(request).registry), content_type=content_type)
