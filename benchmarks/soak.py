"""`make soak`: the production layout under load, faults and bad input → docs/SOAK.md.

One run, loopback only, about 10 minutes on 2 cores:
1. load: conversations of 10 turns at a fixed concurrency through nginx;
2. the same load while faults are injected one after the other: a Rasa replica killed
   (and restarted, as a supervisor would), both action servers stopped, the backend
   stopped, PostgreSQL restarted; a probe asks for its invoices every half second to
   see the hand-over during each fault and when the bot recovers;
3. bad input: the generated hostile requests of benchmarks/bad_input.py against the
   REST channel and the backend API.
After each phase every conversation is read back: each message sent must be in the
tracker exactly once, in order, answered, and every event must be in PostgreSQL.

A client that gets a 5xx sends the message again after a second (as the widget's
« Réessayer » does); the report counts those retries per fault.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import random
import secrets
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence

import aiohttp
import requests
import sqlalchemy

from benchmarks.bad_input import run as bad_input_run
from benchmarks.common import memory, peak_memory_during, percentiles, table
from bot.config import PROJECT_ROOT, Settings, load_settings
from bot.domain.tokens import issue_token
from bot.ops import cluster
from bot.ops.stack import isolated_settings
from bot.ops.supervisor import Stack, with_env

RESULTS = PROJECT_ROOT / "results" / "soak"
# The hand-over's clock: a Friday at 10:00 in Paris, so the line is open.
FIXED_NOW = "2026-11-27T10:00:00+01:00"
RETRY_FOR_SECONDS = 120
PROBE = "où sont mes factures ?"
INVOICE = "FA-240117"

# Customers' turns, in the order a conversation could take them (FAQ, small talk,
# account questions, a form left with « non »). Each conversation draws its own mix.
OPENINGS = ["bonjour", "salut", "bonsoir, j'ai une question sur mon compte"]
QUESTIONS = [
    "comment créer un compte client ?",
    "où trouver mes factures ?",
    "je veux changer mon adresse de livraison",
    "j'ai deux comptes client",
    "comment modifier mon mot de passe ?",
    "comment me déconnecter ?",
    "je n'arrive pas à me connecter",
    "je voudrais changer mon numéro de téléphone",
    "quels sont vos horaires ?",
    "vous êtes un robot ?",
    "je cherche un roulement 6204 2RS",
    "je veux parler à un conseiller",
    "merci beaucoup",
    "ok",
    "super, merci",
]
FORM = ["je veux supprimer mon compte", "client.{n}@example.org", "non"]


@dataclasses.dataclass
class Turn:
    sent_at: float
    seconds: float
    attempts: int
    statuses: List[int]
    handover: bool


@dataclasses.dataclass
class Conversation:
    sender: str
    messages: List[str]
    turns: List[Turn] = dataclasses.field(default_factory=list)


def script(rng: random.Random, turns: int, n: int) -> List[str]:
    messages = [rng.choice(OPENINGS)]
    if rng.random() < 0.3:
        messages += [m.format(n=n) for m in FORM]
    while len(messages) < turns:
        messages.append(rng.choice(QUESTIONS))
    return messages[:turns]


async def send(
    http: aiohttp.ClientSession,
    url: str,
    sender: str,
    message: str,
    metadata: Optional[dict] = None,
) -> Turn:
    """One customer turn; sent again after a second while the answer is a 5xx."""
    started, statuses, handover = time.monotonic(), [], False
    deadline = started + RETRY_FOR_SECONDS
    while True:
        try:
            async with http.post(
                url, json={"sender": sender, "message": message, "metadata": metadata or {}}
            ) as response:
                statuses.append(response.status)
                body = await response.text()
                handover = handover or "02 808 18 02" in body
                if response.status < 500:
                    return Turn(
                        started, time.monotonic() - started, len(statuses), statuses, handover
                    )
        except (aiohttp.ClientError, asyncio.TimeoutError):
            statuses.append(0)
        if time.monotonic() > deadline:
            return Turn(started, time.monotonic() - started, len(statuses), statuses, handover)
        await asyncio.sleep(1)


class Conversations:
    """Conversations made on demand: at least `minimum`, and more while `more` says so."""

    def __init__(
        self,
        prefix: str,
        turns: int,
        seed: int,
        minimum: int,
        more: Callable[[], bool] = lambda: False,
    ) -> None:
        self.prefix, self.turns, self.minimum, self.more = prefix, turns, minimum, more
        self.rng = random.Random(seed)
        self.made: List[Conversation] = []

    def next(self) -> Optional[Conversation]:
        if len(self.made) >= self.minimum and not self.more():
            return None
        n = len(self.made)
        conversation = Conversation(
            f"{self.prefix}-{n:04d}-{uuid.uuid4().hex[:6]}", script(self.rng, self.turns, n)
        )
        self.made.append(conversation)
        return conversation


async def run_conversations(url: str, source: Conversations, concurrency: int) -> float:
    """`concurrency` customers, each holding one conversation after another."""
    timeout = aiohttp.ClientTimeout(total=90)

    async def customer(http: aiohttp.ClientSession) -> None:
        while (conversation := source.next()) is not None:
            for message in conversation.messages:
                conversation.turns.append(await send(http, url, conversation.sender, message))

    started = time.monotonic()
    async with aiohttp.ClientSession(timeout=timeout) as http:
        await asyncio.gather(*(customer(http) for _ in range(concurrency)))
    return time.monotonic() - started


def verify(settings: Settings, base_url: str, conversations: Sequence[Conversation]) -> Dict:
    """Every message in the tracker once, in order, answered; every event in PostgreSQL."""
    engine = sqlalchemy.create_engine(settings.cluster.tracker_store_url)
    problems: List[str] = []
    stored_events = 0
    try:
        with engine.connect() as connection:
            for conversation in conversations:
                events = requests.get(
                    f"{base_url}/conversations/{conversation.sender}/tracker",
                    params={"token": settings.rasa_auth_token},
                    timeout=30,
                ).json()["events"]
                said = [e["text"] for e in events if e["event"] == "user"]
                if said != conversation.messages:
                    problems.append(
                        f"{conversation.sender}: {len(said)} of "
                        f"{len(conversation.messages)} messages in the tracker"
                    )
                kinds = [e["event"] for e in events if e["event"] in {"user", "bot"}]
                unanswered = sum(
                    1
                    for i, kind in enumerate(kinds)
                    if kind == "user" and (i + 1 == len(kinds) or kinds[i + 1] != "bot")
                )
                if unanswered:
                    problems.append(f"{conversation.sender}: {unanswered} message(s) unanswered")
                stored = connection.execute(
                    sqlalchemy.text("SELECT count(*) FROM events WHERE sender_id = :s"),
                    {"s": conversation.sender},
                ).scalar_one()
                stored_events += stored
                if stored != len(events):
                    problems.append(
                        f"{conversation.sender}: {stored} events stored, "
                        f"{len(events)} in the tracker"
                    )
    finally:
        engine.dispose()
    return {
        "conversations": len(conversations),
        "problems": problems[:20],
        "problem_count": len(problems),
        "stored_events": stored_events,
    }


def summarise(conversations: Sequence[Conversation], seconds: float) -> Dict:
    turns = [turn for c in conversations for turn in c.turns]
    failed = [t for t in turns if t.statuses[-1] == 0 or t.statuses[-1] >= 500]
    return {
        "turns": len(turns),
        "seconds": round(seconds, 1),
        "turns_per_second": round(len(turns) / seconds, 1),
        "latency_ms": percentiles([t.seconds * 1000 for t in turns]),
        "first_try_5xx": sum(1 for t in turns if t.attempts > 1),
        "unanswered_after_retries": len(failed),
        "handovers": sum(1 for t in turns if t.handover),
    }


# --- faults -------------------------------------------------------------------------------


class Probe(threading.Thread):
    """Asks for Marie's invoices every half second: the answer names an invoice when
    everything works, the phone line when something is down."""

    def __init__(self, url: str, settings: Settings) -> None:
        super().__init__(daemon=True)
        self.url, self.settings = url, settings
        self.samples: List[Dict[str, Any]] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            token = issue_token("C1000001", self.settings.tokens)
            started = time.monotonic()
            try:
                response = requests.post(
                    self.url,
                    timeout=60,
                    json={
                        "sender": f"probe-{uuid.uuid4().hex[:8]}",
                        "message": PROBE,
                        "metadata": {"auth_token": token},
                    },
                )
                body, status = response.text, response.status_code
            except requests.RequestException:
                body, status = "", 0
            self.samples.append(
                {
                    "at": started,
                    "status": status,
                    "ok": INVOICE in body,
                    "handover": "02 808 18 02" in body,
                }
            )
            time.sleep(0.5)


def restart_postgresql() -> Optional[str]:
    """Restarts the machine's PostgreSQL; None when this machine has no pg_ctlcluster."""
    if not shutil.which("pg_ctlcluster") or not Path("/etc/postgresql").is_dir():
        return "pg_ctlcluster not found"
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return None


def inject_faults(stack: Stack, probe: Probe, outage_seconds: float) -> List[Dict]:
    """Each fault in turn; for each: its window, hand-overs seen, time to recover."""
    faults: List[Dict] = []

    def window(name: str, cause: Callable[[], Optional[str]], repair: Callable[[], None]) -> None:
        began = time.monotonic()
        note = cause()
        time.sleep(outage_seconds)
        back = time.monotonic()
        repair()
        faults.append({"fault": name, "began": began, "back": back, "note": note})
        time.sleep(8)

    def stop(*names: str) -> Callable[[], None]:
        def stop_all() -> None:
            for name in names:
                stack[name].stop()

        return stop_all

    def start(*names: str) -> Callable[[], None]:
        def restart() -> None:
            for name in names:
                stack[name].start()
            for name in names:
                stack[name].wait_ready()

        return restart

    def kill_replica() -> None:
        stack["rasa-1"].process.send_signal(signal.SIGKILL)

    time.sleep(5)
    window("Rasa replica 1 killed (SIGKILL), restarted", kill_replica, start("rasa-1"))
    window(
        "both action servers stopped",
        stop("actions-1", "actions-2"),
        start("actions-1", "actions-2"),
    )
    window("account backend stopped", stop("backend"), start("backend"))
    window("PostgreSQL restarted", restart_postgresql, lambda: None)
    for fault in faults:
        during = [s for s in probe.samples if fault["began"] <= s["at"] < fault["back"]]
        after = [s for s in probe.samples if s["at"] >= fault["back"] and s["ok"]]
        fault.update(
            {
                "probes_during": len(during),
                "handovers_during": sum(1 for s in during if s["handover"]),
                "errors_during": sum(
                    1
                    for s in during
                    if s["status"] == 0 or (s["status"] >= 500 and not s["handover"])
                ),
                "recovered_after_s": round(after[0]["at"] - fault["back"], 1) if after else None,
            }
        )
    return faults


# --- bad input ----------------------------------------------------------------------------


def run_bad_input(settings: Settings, stack: Stack, seed: int) -> Dict:
    """The bad-input run (benchmarks/bad_input/run.py) at every public endpoint of the
    cluster: the REST channel and, on the same public port, Rasa's API paths (404 there),
    Rasa's API on nginx's internal port, the action servers through nginx, the backend and
    the web server."""
    host = settings.host
    targets = bad_input_run.Targets(
        chat=f"http://{host}:{settings.rasa_port}",
        backend=settings.backend.url,
        web=settings.web.url,
        actions=f"http://{host}:{settings.action_port}",
        rasa_api=f"http://{host}:{settings.cluster.rasa_api_port}",
        backend_token=settings.backend.api_token or "",
        action_token=settings.action_server_token or "",
        rasa_token=settings.rasa_auth_token or "",
        agent_api_token=settings.web.agent_api_token or "",
        agent=(settings.web.agent_username, settings.web.agent_password or ""),
        public_rasa=f"http://{host}:{settings.rasa_port}",
    )
    return bad_input_run.run(
        stack.services,
        targets,
        settings.cluster.database_url,
        settings.cluster.tracker_store_url,
        seed,
    )


# --- run ----------------------------------------------------------------------------------


def load_and_faults(args: argparse.Namespace, settings: Settings, stack: Stack) -> Dict:
    """Phases 1 and 2: the load, then the load while faults are injected."""
    base_url = f"http://{settings.host}:{settings.rasa_port}"
    webhook = f"{base_url}/webhooks/rest/webhook"
    report: Dict[str, Any] = {}
    print(
        f"load: {args.conversations} conversations x {args.turns} turns at {args.concurrency}",
        flush=True,
    )
    load = Conversations("load", args.turns, args.seed, args.conversations)
    timing: Dict[str, float] = {}
    peaks = peak_memory_during(
        stack,
        lambda: timing.update(
            seconds=asyncio.run(run_conversations(webhook, load, args.concurrency))
        ),
    )
    report["load"] = {
        **summarise(load.made, timing["seconds"]),
        **verify(settings, base_url, load.made),
    }
    report["memory_mb_load_peak"] = peaks
    print(json.dumps(report["load"], ensure_ascii=False)[:400], flush=True)

    print("faults during load", flush=True)
    probe = Probe(webhook, settings)
    probe.start()
    outcome: Dict[str, Any] = {}
    injector = threading.Thread(
        target=lambda: outcome.update(faults=inject_faults(stack, probe, args.outage_seconds))
    )
    # New conversations start for as long as faults are being injected.
    faulted = Conversations(
        "fault", args.turns, args.seed + 1, args.fault_conversations, more=injector.is_alive
    )
    injector.start()
    seconds = asyncio.run(run_conversations(webhook, faulted, max(8, args.concurrency // 2)))
    injector.join()
    probe.stopped.set()
    probe.join()
    report["faults"] = outcome["faults"]
    report["fault_load"] = {
        **summarise(faulted.made, seconds),
        **verify(settings, base_url, faulted.made),
    }
    print(json.dumps(report["faults"], ensure_ascii=False)[:600], flush=True)
    return report


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--turns", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--fault-conversations", type=int, default=120)
    parser.add_argument("--outage-seconds", type=float, default=6)
    parser.add_argument(
        "--bad-input-only",
        action="store_true",
        help="skip the load and the faults (minutes on a shared machine): bad input only",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "docs")
    args = parser.parse_args(argv)

    postgres = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
    redis_url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    workdir = Path(tempfile.mkdtemp(prefix="soak-"))
    settings = cluster.isolated_cluster_settings(
        isolated_settings(load_settings(), workdir), postgres, redis_url
    )
    # The help-desk tools' token, made up for the run: the bad input attacks it too.
    web = dataclasses.replace(settings.web, agent_api_token=secrets.token_urlsafe(32))
    settings = dataclasses.replace(settings, web=web)
    cluster.prepare(settings)
    report: Dict[str, Any] = {
        "settings": {
            "conversations": args.conversations,
            "turns": args.turns,
            "concurrency": args.concurrency,
            "fault_conversations": args.fault_conversations,
            "outage_seconds": args.outage_seconds,
            "bad_input_only": args.bad_input_only,
            "replicas": len(settings.cluster.rasa_ports),
            "action_servers": len(settings.cluster.action_ports),
            "cpus": os.cpu_count(),
        }
    }
    shutil.rmtree(RESULTS / "logs", ignore_errors=True)
    started = time.monotonic()
    try:
        with Stack(
            with_env(
                cluster.cluster_stages(settings, workdir / "nginx"), {"BOT_FIXED_NOW": FIXED_NOW}
            ),
            log_dir=RESULTS / "logs",
        ) as stack:
            report["ready_seconds"] = round(time.monotonic() - started, 1)
            report["memory_mb_rest"] = memory(stack)
            if not args.bad_input_only:
                report.update(load_and_faults(args, settings, stack))
            print("bad input", flush=True)
            report["bad_input"] = run_bad_input(settings, stack, args.seed)
    finally:
        for url in (settings.cluster.tracker_store_url, settings.cluster.database_url):
            cluster.drop_postgres_database(url)
        shutil.rmtree(workdir, ignore_errors=True)
    report["wall_seconds"] = round(time.monotonic() - started, 1)
    (args.out / "bench").mkdir(parents=True, exist_ok=True)
    (args.out / "bench" / "soak.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )
    (args.out / "SOAK.md").write_text(render(report), encoding="utf-8")
    print(f"wrote {args.out / 'SOAK.md'}", flush=True)
    return 0 if passed(report) else 1


def load_passed(report: Dict) -> bool:
    if "load" not in report:
        return True
    return (
        report["load"]["problem_count"] == 0
        and report["load"]["unanswered_after_retries"] == 0
        and report["load"]["first_try_5xx"] == 0
        and report["fault_load"]["problem_count"] == 0
        and report["fault_load"]["unanswered_after_retries"] == 0
    )


def passed(report: Dict) -> bool:
    return load_passed(report) and bad_input_run.passed(report["bad_input"])


def render_load(report: Dict) -> List[str]:
    load, fault_load, settings = report["load"], report["fault_load"], report["settings"]

    def load_row(name: str, data: Dict) -> List[Any]:
        return [
            name,
            data["conversations"],
            data["turns"],
            data["turns_per_second"],
            data["latency_ms"]["p50"],
            data["latency_ms"]["p99"],
            data["first_try_5xx"],
            data["unanswered_after_retries"],
            data["problem_count"],
            data["stored_events"],
        ]

    fault_rows = [
        [
            f["fault"],
            f["probes_during"],
            f["handovers_during"],
            f["errors_during"],
            "never" if f["recovered_after_s"] is None else f"{f['recovered_after_s']} s",
            f.get("note") or "",
        ]
        for f in report["faults"]
    ]
    return [
        "## Load, and load during faults",
        f"Each conversation is 10 customer turns sent one after the other; "
        f"{settings['concurrency']} conversations at once for the load, half as many during the "
        "faults. A turn answered 5xx is sent again after 1 s (as the widget's « Réessayer »). "
        "Afterwards every conversation is read back: *problems* counts conversations whose "
        "tracker does not hold each message exactly once, in order, with an answer, or whose "
        "events are not all in PostgreSQL.",
        table(
            [
                "run",
                "conversations",
                "turns",
                "turns/s",
                "p50 ms",
                "p99 ms",
                "5xx first try",
                "unanswered",
                "problems",
                "events stored",
            ],
            [load_row("load", load), load_row("during faults", fault_load)],
        ),
        "## Faults",
        f"Injected one after the other during the second load, each lasting "
        f"{settings['outage_seconds']} s. A probe asks « {PROBE} » as a logged-in customer every "
        "0.5 s: a normal answer names her invoice; *hand-overs* are answers giving the phone "
        "line; *errors* are answers with neither (connection refused or a bare 5xx); "
        "*recovered* is the time from the dependency's return to the first normal answer.",
        table(["fault", "probes during", "hand-overs", "errors", "recovered", "note"], fault_rows),
    ]


SERVICES = {
    "chat": "REST channel, nginx's public port",
    "backend": "account backend",
    "web": "web server",
    "actions": "action servers, through nginx",
    "rasa_api": "Rasa's HTTP API, nginx's internal port",
    "rasa_api_on_public_port": "the same on nginx's public port: 404 or nginx's own refusal",
}


def _statuses(counted: Dict[str, int]) -> str:
    return ", ".join(f"{status}: {n}" for status, n in sorted(counted.items()))


def render_bad_input(bad: Dict) -> List[str]:
    services = bad["services"]
    totals = [
        [
            f"{name} ({SERVICES.get(name, name)})",
            r["requests"],
            _statuses(r["statuses"]),
            r["five_xx_count"],
            r["wrong_count"],
            r["slowest_s"],
        ]
        for name, r in services.items()
    ]
    per_category = [
        [name, category, sum(counted.values()), _statuses(counted)]
        for name, r in services.items()
        for category, counted in r["by_category"].items()
    ]
    five_xx = sum(r["five_xx_count"] for r in services.values())
    backend_rows = [
        [name, bad["backend_rows_before"][name], bad["backend_rows_after"].get(name)]
        for name in bad["backend_rows_before"]
    ]
    pids_kept = all(
        bad["processes_before"][name][0] == pid for name, (pid, _) in bad["processes_after"].items()
    )
    return [
        "## Bad input",
        f"{bad['requests']} generated requests (benchmarks/bad_input/, seeded: the same seed "
        f"replays them request by request) in {bad['seconds']} s, one after the other. "
        f"**5xx (or no answer): {five_xx}.** *Wrong* counts those and the refusals answered "
        "with another status than their category's (e.g. a call without the action server's "
        "token must be 401). *Slowest*: the longest answer, in seconds. The web server runs "
        "as `make run`'s (demo log-in on), so that the demo routes are attacked too.",
        table(["service", "requests", "statuses", "5xx", "wrong", "slowest s"], totals),
        f"Every process alive afterwards, with the pid it had before, and healthy: "
        f"{bad['processes_ok']} (pids kept: {pids_kept}). "
        f"{bad['conversations_written']} conversations written: all named by the requests "
        f"themselves but {bad['unnamed_conversations']}, the new conversations the web server "
        f"opened for well-formed chat messages ({bad['web_chat_writes']} sent); older "
        f"conversations changed: {len(bad['older_conversations_changed'])}. Backend rows: only "
        "tickets, e-mail requests and the outbox may grow, by at most one row per well-formed "
        f"request ({bad['legitimate_backend_writes']}); "
        f"{'so they did' if bad['backend_writes_ok'] else '**they did not**'}:",
        table(["table", "before", "after"], backend_rows),
        "Requests and statuses per category:",
        table(["service", "category", "requests", "statuses"], per_category),
    ]


def render(report: Dict) -> str:
    settings = report["settings"]
    ok = "holds" if passed(report) else "**FAILED**"
    memory_rows = [
        [name, report["memory_mb_rest"].get(name), report.get("memory_mb_load_peak", {}).get(name)]
        for name in report["memory_mb_rest"]
    ]
    scope = (
        "Bad input only (`--bad-input-only`): the load and the faults were not run this time."
        if settings.get("bad_input_only")
        else "Load, faults, then bad input."
    )
    problems = [
        f"- {p}"
        for p in report.get("load", {}).get("problems", [])
        + report.get("fault_load", {}).get("problems", [])
        + [w for r in report["bad_input"]["services"].values() for w in r["wrong"]]
    ]
    sections = [
        "# Soak report: the production layout under load, faults and bad input",
        f"Written by `make soak` (benchmarks/soak.py). {settings['replicas']} Rasa replicas and "
        f"{settings['action_servers']} action servers behind nginx, PostgreSQL tracker store and "
        f"backend, Redis lock store, on one machine with {settings['cpus']} CPUs. Cluster ready in "
        f"{report['ready_seconds']} s; whole run {report['wall_seconds']} s. {scope} "
        f"Overall: {ok}.",
        "The machine is shared with other jobs: latencies and times are noisy and only say "
        "what one run saw; the counts (statuses, rows, conversations) are what the checks read.",
        *(render_load(report) if "load" in report else []),
        *render_bad_input(report["bad_input"]),
        "## Memory (MB, PSS, per process group)",
        table(["process", "at rest", "peak under load"], memory_rows),
        "## Problems seen",
        "\n".join(problems) or "None.",
    ]
    return "\n\n".join(sections) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
