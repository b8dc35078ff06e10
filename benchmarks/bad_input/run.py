"""Firing the bad-input tables at a running bot and checking what they left behind.

One home for `make soak` (the cluster) and tests/test_bad_input_run.py (`make run`'s
layout): each service's requests go to its address, every answer is counted by category
and status, then the checks: no 5xx (nor a status a refusal must not have), every process
alive with the same pid and healthy, and the databases changed only by the `write_`
requests — backend rows only in the tables a well-formed request writes, at most one row
per such request; conversations only those the requests name, or new ones opened by the
web server for its well-formed chat messages (one each at most).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Set, Tuple

import requests
import sqlalchemy

from benchmarks import bad_input
from benchmarks.bad_input import BadRequest, WebAccess
from bot.ops.supervisor import Service, is_healthy

# What a well-formed backend request may add (one row each); other tables must not change.
WRITABLE_TABLES = ("tickets", "email_requests", "outbox")
AGENT_COOKIE = "rb_agent"


@dataclass(frozen=True)
class Targets:
    """Where each service answers, and the secrets of its valid callers."""

    chat: str  # the public REST channel (nginx's public port in the cluster)
    backend: str
    web: str
    actions: str
    rasa_api: str  # Rasa's HTTP API (nginx's internal API port in the cluster)
    backend_token: str
    action_token: str
    rasa_token: str
    agent_api_token: str
    agent: Tuple[str, str]  # an agent's name and password
    # The cluster's public port: Rasa's API must not be reachable there at all (404).
    public_rasa: Optional[str] = None


@dataclass(frozen=True)
class Counts:
    chat: int
    backend: int
    web: int
    actions: int
    rasa_api: int


SOAK_COUNTS = Counts(chat=1000, backend=300, web=400, actions=300, rasa_api=300)


def agent_access(targets: Targets) -> WebAccess:
    """Logs the agent in, as the agents' page does: its session cookie and CSRF token."""
    origin = targets.web
    username, password = targets.agent
    response = requests.post(
        f"{origin}/agent/login",
        json={"username": username, "password": password},
        headers={"Origin": origin},
        timeout=30,
    )
    response.raise_for_status()
    return WebAccess(
        origin=origin,
        agent_cookie=response.cookies[AGENT_COOKIE],
        csrf_token=response.json()["csrf_token"],
        api_token=targets.agent_api_token,
    )


def planned(targets: Targets, seed: int, counts: Counts) -> List[Tuple[str, str, List[BadRequest]]]:
    """(name, base URL, requests) for every service."""
    rasa_api = bad_input.rasa_api_requests(targets.rasa_token, seed, counts.rasa_api)
    plan = [
        ("chat", targets.chat, bad_input.chat_requests(seed, counts.chat)),
        (
            "backend",
            targets.backend,
            bad_input.backend_requests(targets.backend_token, seed, counts.backend),
        ),
        ("web", targets.web, bad_input.web_requests(agent_access(targets), seed, counts.web)),
        (
            "actions",
            targets.actions,
            bad_input.action_requests(targets.action_token, seed, counts.actions),
        ),
        ("rasa_api", targets.rasa_api, rasa_api),
    ]
    if targets.public_rasa:
        public = [
            # 404, or nginx's own refusal of what it cannot even route (400, 413, 414).
            BadRequest(r.category, r.method, r.path, r.headers, r.body, (400, 404, 413, 414))
            for r in rasa_api
        ]
        plan.append(("rasa_api_on_public_port", targets.public_rasa, public))
    return plan


def fire(base_url: str, requests_: Sequence[BadRequest]) -> Dict:
    """Each request in turn; statuses overall and per category, the wrong answers listed."""
    statuses: Dict[str, int] = {}
    by_category: Dict[str, Dict[str, int]] = {}
    wrong: List[str] = []
    seconds: List[float] = []
    with requests.Session() as http:
        for item in requests_:
            started = time.monotonic()
            try:
                status = http.request(
                    item.method,
                    base_url + item.path,
                    data=item.body,
                    headers=item.headers,
                    timeout=60,
                    allow_redirects=False,
                ).status_code
            except requests.RequestException as error:
                status = 0
                wrong.append(
                    f"{item.category} {item.method} {item.path[:60]}: {type(error).__name__}"
                )
            seconds.append(time.monotonic() - started)
            statuses[str(status)] = statuses.get(str(status), 0) + 1
            counted = by_category.setdefault(item.category, {})
            counted[str(status)] = counted.get(str(status), 0) + 1
            if status and bad_input.unexpected(item, status):
                wrong.append(f"{item.category} {item.method} {item.path[:60]}: {status}")
    return {
        "requests": len(requests_),
        "statuses": statuses,
        "by_category": by_category,
        "five_xx_count": sum(n for s, n in statuses.items() if not 0 < int(s) < 500),
        "wrong": wrong[:30],
        "wrong_count": len(wrong),
        "slowest_s": round(max(seconds, default=0.0), 2),
        "writes": sum(1 for r in requests_ if r.category.startswith("write_")),
    }


def table_counts(url: str) -> Dict[str, int]:
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as connection:
            names = sqlalchemy.inspect(connection).get_table_names()
            return {
                name: connection.execute(
                    sqlalchemy.text(f'SELECT count(*) FROM "{name}"')
                ).scalar_one()
                for name in sorted(names)
            }
    finally:
        engine.dispose()


def events_by_sender(url: str) -> Dict[str, int]:
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as connection:
            if not sqlalchemy.inspect(connection).has_table("events"):
                return {}
            return dict(
                connection.execute(
                    sqlalchemy.text("SELECT sender_id, count(*) FROM events GROUP BY sender_id")
                ).all()
            )
    finally:
        engine.dispose()


def named_senders(requests_: Sequence[BadRequest]) -> Set[str]:
    """The senders the requests themselves name (odd ones included)."""
    named: Set[str] = set()
    for item in requests_:
        try:
            sender = json.loads(item.body).get("sender")
        except (ValueError, AttributeError, RecursionError):
            continue
        if isinstance(sender, str):
            named.update({sender, sender.strip()})
    return named


def only_legitimate_writes(before: Dict[str, int], after: Dict[str, int], allowed: int) -> bool:
    unchanged = all(
        after.get(name) == count for name, count in before.items() if name not in WRITABLE_TABLES
    )
    added = sum(after.get(name, 0) - before.get(name, 0) for name in WRITABLE_TABLES)
    return unchanged and 0 <= added <= allowed


def processes(services: Sequence[Service]) -> Dict[str, Tuple[Optional[int], bool]]:
    """Each process's pid and whether it answers its health check."""
    return {s.spec.name: (s.pid, s.alive() and is_healthy(s.spec.health_url)) for s in services}


def run(
    services: Sequence[Service],
    targets: Targets,
    database_url: str,
    tracker_store_url: str,
    seed: int = 7,
    counts: Counts = SOAK_COUNTS,
) -> Dict:
    """Fires every table, then checks what the run left behind."""
    plan = planned(targets, seed, counts)
    before = processes(services)
    rows_before, events_before = table_counts(database_url), events_by_sender(tracker_store_url)
    started = time.monotonic()
    fired = {name: fire(url, requests_) for name, url, requests_ in plan}
    seconds = time.monotonic() - started
    after = processes(services)
    rows_after, events_after = table_counts(database_url), events_by_sender(tracker_store_url)
    sent = [r for _, _, requests_ in plan for r in requests_]
    named = named_senders(sent)
    changed = sorted(s for s, n in events_after.items() if events_before.get(s) != n)
    unnamed = [s for s in changed if not s.startswith(f"bad-{seed}-") and s not in named]
    return {
        "seconds": round(seconds, 1),
        "services": fired,
        "requests": sum(result["requests"] for result in fired.values()),
        "processes_before": before,
        "processes_after": after,
        "processes_ok": before == after and all(healthy for _, healthy in after.values()),
        "backend_rows_before": rows_before,
        "backend_rows_after": rows_after,
        "legitimate_backend_writes": fired["backend"]["writes"],
        "backend_writes_ok": only_legitimate_writes(
            rows_before, rows_after, fired["backend"]["writes"]
        ),
        "conversations_written": len(changed),
        # Conversations no request named: the web server's new ones, never an older one.
        "unnamed_conversations": len(unnamed),
        "web_chat_writes": fired["web"]["writes"],
        "older_conversations_changed": [s for s in unnamed if s in events_before],
    }


def passed(result: Dict) -> bool:
    return (
        all(r["wrong_count"] == 0 for r in result["services"].values())
        and result["processes_ok"]
        and result["backend_writes_ok"]
        and not result["older_conversations_changed"]
        and result["unnamed_conversations"] <= result["web_chat_writes"]
    )
