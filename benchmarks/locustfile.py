"""Locust users for benchmarks.load: one customer each, conversations of CONVERSATION turns.

Settings come from the environment (benchmarks.load.run_locust sets them):
BENCH_THINK_MIN / BENCH_THINK_MAX (seconds between two turns of a customer),
BENCH_AUTH_TOKENS (comma-separated customer tokens sent as metadata, one per user in
turn; empty: anonymous customers), BENCH_SENDER_PREFIX (keeps runs' conversations apart).
"""

from __future__ import annotations

import itertools
import os
import uuid

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

from benchmarks.load import CONVERSATION, WEBHOOK

TOKENS = [t for t in os.environ.get("BENCH_AUTH_TOKENS", "").split(",") if t]
PREFIX = os.environ.get("BENCH_SENDER_PREFIX", "bench")
_user_numbers = itertools.count()


class Customer(FastHttpUser):
    wait_time = between(
        float(os.environ.get("BENCH_THINK_MIN", "0.05")),
        float(os.environ.get("BENCH_THINK_MAX", "0.15")),
    )
    network_timeout = 30.0
    connection_timeout = 10.0

    def on_start(self) -> None:
        number = next(_user_numbers)
        self.metadata = {"auth_token": TOKENS[number % len(TOKENS)]} if TOKENS else {}
        self.turn = 0
        self.sender = ""

    @task
    def say_next_turn(self) -> None:
        if self.turn % len(CONVERSATION) == 0:
            self.sender = f"{PREFIX}-{uuid.uuid4().hex[:12]}"
        body = {
            "sender": self.sender,
            "message": CONVERSATION[self.turn % len(CONVERSATION)],
            "metadata": self.metadata,
        }
        self.turn += 1
        with self.client.post(WEBHOOK, json=body, name="turn", catch_response=True) as reply:
            if reply.status_code != 200:
                reply.failure(f"HTTP {reply.status_code}")
            elif not reply.json():
                reply.failure("no reply")
