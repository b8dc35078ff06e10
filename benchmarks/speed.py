"""Speed and cost of our bot next to a plain Rasa FAQ bot: `python -m benchmarks.speed`.

Issue 14: a figure alone says little on a shared 2-core machine; the anchor (a `rasa init`
bot on our intents and answers, benchmarks/anchor.py) measured in the same run, under the
same load, says what our bot costs over Rasa's own. The two bots are served one after the
other, never at once, each alone on the machine.

Load: Locust customers in 10-turn conversations (benchmarks/load.py) at each level of
concurrent customers, for a fixed time per level. Loopback only, bounded in time.
`--quick` (or BENCH_QUICK=1): a few seconds per level, levels 1 and 16, an anchor trained
10 epochs (same networks, so the same cost per turn), no training of ours: to check the
harness, not to quote.

Writes `speed.json` into --out (keys below) and `profile_<process>.svg` flame graphs:
- `mode` ("full" | "quick"), `settings` {levels, level_seconds, think_seconds, ...},
  `load_average` {start, end};
- `training` (full mode): {"seconds", "peak_rss_mb", "model_mb"} of a `rasa train` of ours;
- `bots`: {"anchor" | "ours": {
    `ready_seconds` {process: s from its start to answering, "total"},
    `levels` [{users, seconds, turns, errors, turns_per_s, p50_ms, p99_ms, mean_ms}],
    `memory_mb` (PSS) {"rest": {process: MB}, "load": {process: peak MB over every level}} }};
- `long_conversation` (ours): {turns, p50_ms_last_10, p50_ms_10_turn, ratio};
- `parse_ms`, `turn_ms` (ours, sequential): p50/p95/p99/mean of `/model/parse` and of a
  logged-in « où est ma facture ? » turn; `length_ms`: median parse and turn latency for
  10, 100, 1,000 and 10,000 characters;
- `profile` (ours, under the 16-customer load): {seconds, process: {samples, self, total}}.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import statistics
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

import requests

from benchmarks import anchor, flame
from benchmarks.common import memory, peak_memory_during, percentiles
from benchmarks.load import WEBHOOK, run_locust, turn
from bot.config import PROJECT_ROOT, load_settings
from bot.domain.messages import MAX_PASTED_LENGTH
from bot.domain.tokens import issue_token
from bot.ops.nlu_data import HOLDOUT, load_examples
from bot.ops.stack import bot_stages, isolated_settings, venv_bin
from bot.ops.supervisor import ServiceSpec, Stack, free_port

CUSTOMERS = ["C1000001", "C1000002", "C1000003", "C1000004", "C1000005"]
PROFILED = ("rasa", "actions")


@dataclasses.dataclass(frozen=True)
class Plan:
    levels: Tuple[int, ...] = (1, 4, 8, 16, 32)
    level_seconds: int = 30
    think_seconds: Tuple[float, float] = (0.05, 0.15)
    long_turns: int = 300
    profile_seconds: int = 30
    parse_requests: int = 1000
    turns: int = 300
    anchor_epochs: Any = None  # Rasa's own (100)
    train_ours: bool = True


QUICK = Plan(
    levels=(1, 16),
    level_seconds=6,
    long_turns=60,
    profile_seconds=8,
    parse_requests=100,
    turns=30,
    anchor_epochs=10,
    train_ours=False,
)


def measure_training(workdir: Path) -> Dict[str, float]:
    started = time.monotonic()
    # RASA_MAX_CACHE_SIZE=0: no reuse of components cached by an earlier training.
    subprocess.run(
        [venv_bin("rasa"), "train", "--fixed-model-name", "bench", "--out", str(workdir)],
        cwd=PROJECT_ROOT,
        check=True,
        capture_output=True,
        env={**os.environ, "RASA_MAX_CACHE_SIZE": "0"},
    )
    seconds = time.monotonic() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    model = workdir / "bench.tar.gz"
    return {
        "seconds": round(seconds, 1),
        "peak_rss_mb": round(peak_kb / 1024),
        "model_mb": round(model.stat().st_size / 2**20, 1),
    }


def start_timed(stack: Stack) -> Dict[str, float]:
    """Start `stack` stage after stage, as `make run` does (the services of a stage at
    once); seconds from each stage's start to each of its services answering, and in all."""
    ready: Dict[str, float] = {}
    started = time.monotonic()
    try:
        for stage in stack.stages:
            t0 = time.monotonic()
            for service in stage:
                service.start()
            with ThreadPoolExecutor(max_workers=len(stage)) as waiters:
                done = {s.spec.name: waiters.submit(_ready_after, s, t0) for s in stage}
                ready.update({name: future.result() for name, future in done.items()})
    except BaseException:
        stack.stop()
        raise
    ready["total"] = round(time.monotonic() - started, 1)
    return ready


def _ready_after(service: Any, t0: float) -> float:
    service.wait_ready()
    return round(time.monotonic() - t0, 1)


def anchor_stack(model: Path, workdir: Path) -> Tuple[Stack, str]:
    """`rasa run` of the anchor as `rasa init` leaves it: REST channel, no HTTP API, the
    in-memory tracker store, no action server."""
    port = free_port()
    project = model.parent.parent
    spec = ServiceSpec(
        name="rasa",
        argv=[
            venv_bin("rasa"),
            "run",
            "--interface",
            "127.0.0.1",
            "--port",
            str(port),
            "--model",
            str(model),
            "--credentials",
            str(project / "credentials.yml"),
        ],
        health_url=f"http://127.0.0.1:{port}/",
        cwd=project,
        ready_timeout=240,
    )
    return Stack([spec], log_dir=workdir / "logs-anchor"), f"http://127.0.0.1:{port}"


def timed(call: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    call()
    return (time.perf_counter() - t0) * 1000


def say(
    session: requests.Session, url: str, sender: str, text: str, metadata: Dict, check: bool = True
) -> float:
    """Milliseconds for one turn; `check`: an HTTP error fails the benchmark."""
    body = {"sender": sender, "message": text, "metadata": metadata}

    def post() -> None:
        reply = session.post(url + WEBHOOK, json=body, timeout=30)
        if check:
            reply.raise_for_status()

    return timed(post)


def long_conversation(url: str, metadata: Dict, turns: int) -> Dict[str, float]:
    """Rasa reads and rewrites the whole conversation at each turn: the p50 of the last 10
    turns of a `turns`-turn conversation against 10-turn conversations, sequential."""
    session = requests.Session()
    short = [
        say(session, url, f"bench-short-{n}", turn(i), metadata)
        for n in range(3)
        for i in range(10)
    ]
    long = [say(session, url, "bench-long", turn(i), metadata) for i in range(turns)]
    short_p50, long_p50 = statistics.median(short), statistics.median(long[-10:])
    return {
        "turns": turns,
        "p50_ms_10_turn": round(short_p50, 1),
        "p50_ms_last_10": round(long_p50, 1),
        "ratio": round(long_p50 / short_p50, 2),
    }


def sequential_latencies(url: str, rasa_token: str, metadata: Dict, plan: Plan) -> Dict[str, Any]:
    texts = [text for text, _, _ in load_examples(HOLDOUT)]
    session = requests.Session()
    session.params = {"token": rasa_token}

    def parse(text: str) -> float:
        return timed(
            lambda: session.post(
                f"{url}/model/parse", json={"text": text}, timeout=30
            ).raise_for_status()
        )

    plain = requests.Session()
    return {
        "parse_ms": percentiles([parse(texts[i % len(texts)]) for i in range(plan.parse_requests)]),
        # Conversations of 10 turns, as customers have them.
        "turn_ms": percentiles(
            [
                say(plain, url, f"bench-turns-{i // 10}", "où est ma facture ?", metadata)
                for i in range(plan.turns)
            ]
        ),
        "length_ms": {
            str(n): {
                "parse": statistics.median(parse("a" * n) for _ in range(10)),
                "turn": statistics.median(
                    say(plain, url, f"len-{n}", "a" * n, {}, check=False) for _ in range(5)
                ),
            }
            # The longest text Rasa's API takes (bot/rasa_ext/api_guard.py).
            for n in (10, 100, 1000, MAX_PASTED_LENGTH)
        },
    }


def sweep(stack: Stack, url: str, tokens: List[str], plan: Plan, out: Path, name: str):
    """Every level of the plan; the peak resident memory of each process over all of them."""
    levels: List[Dict[str, float]] = []

    def run() -> None:
        for users in plan.levels:
            levels.append(
                run_locust(
                    url,
                    users,
                    plan.level_seconds,
                    out / f"{name}-{users}",
                    tokens,
                    plan.think_seconds,
                )
            )
            print(name, levels[-1], flush=True)

    peak = peak_memory_during(stack, run)
    return levels, peak


def profile_under_load(
    stack: Stack, url: str, tokens: List[str], plan: Plan, csv_dir: Path, out: Path
) -> Dict[str, Any]:
    """py-spy on the Rasa server and the action server while 16 customers talk."""
    raw = {name: csv_dir / f"profile_{name}.txt" for name in PROFILED}
    spies = [
        flame.start_recording(stack[name].pid, plan.profile_seconds, raw[name]) for name in PROFILED
    ]
    run_locust(
        url, 16, plan.profile_seconds + 2, csv_dir / "profile-16", tokens, plan.think_seconds
    )
    for spy in spies:
        spy.wait(timeout=plan.profile_seconds + 60)
    result: Dict[str, Any] = {"seconds": plan.profile_seconds}
    for name, path in raw.items():
        if not path.is_file():
            result[name] = {"error": "py-spy wrote nothing (ptrace refused?)"}
            continue
        stacks = flame.without_idle(flame.parse_collapsed(path.read_text(encoding="utf-8")))
        result[name] = flame.top_frames(stacks)
        title = f"{name} under 16 customers, {plan.profile_seconds} s (py-spy, CPU samples)"
        (out / f"profile_{name}.svg").write_text(
            flame.flamegraph_svg(stacks, title), encoding="utf-8"
        )
    return result


def measure_anchor(plan: Plan, workdir: Path, csv_dir: Path) -> Dict[str, Any]:
    model = anchor.build(plan.anchor_epochs)
    stack, url = anchor_stack(model, workdir)
    ready = start_timed(stack)
    print("anchor ready", ready, flush=True)
    try:
        run_locust(url, 1, 2, csv_dir / "anchor-warmup")
        rest = memory(stack)
        levels, peak = sweep(stack, url, [], plan, csv_dir, "anchor")
    finally:
        stack.stop()
    return {
        "model": str(model.relative_to(PROJECT_ROOT)),
        "epochs": plan.anchor_epochs or 100,
        "ready_seconds": ready,
        "levels": levels,
        "memory_mb": {"rest": rest, "load": peak},
    }


def measure_ours(plan: Plan, workdir: Path, csv_dir: Path, out: Path, model: Path):
    settings = isolated_settings(dataclasses.replace(load_settings(), model_path=model), workdir)
    stack = Stack(bot_stages(settings), log_dir=workdir / "logs-ours")
    ready = start_timed(stack)
    print("ours ready", ready, flush=True)
    url = settings.rasa_url
    tokens = [issue_token(customer, settings.tokens) for customer in CUSTOMERS]
    metadata = {"auth_token": tokens[0]}
    extra: Dict[str, Any] = {}
    try:
        run_locust(url, 1, 2, csv_dir / "ours-warmup", tokens)
        rest = memory(stack)
        levels, peak = sweep(stack, url, tokens, plan, csv_dir, "ours")
        extra["long_conversation"] = long_conversation(url, metadata, plan.long_turns)
        print("long conversation", extra["long_conversation"], flush=True)
        extra.update(sequential_latencies(url, settings.rasa_auth_token or "", metadata, plan))
        extra["profile"] = profile_under_load(stack, url, tokens, plan, csv_dir, out)
    finally:
        stack.stop()
    bot = {"ready_seconds": ready, "levels": levels, "memory_mb": {"rest": rest, "load": peak}}
    return bot, extra


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "docs" / "bench")
    parser.add_argument(
        "--quick", action="store_true", default=os.environ.get("BENCH_QUICK") == "1"
    )
    parser.add_argument("--no-training", action="store_true", help="do not time a training of ours")
    parser.add_argument("--model", type=Path, default=PROJECT_ROOT / "models" / "current.tar.gz")
    parser.add_argument(
        "--anchor-epochs", type=int, help="train the plain bot this many epochs, not the mode's"
    )
    args = parser.parse_args()
    plan = QUICK if args.quick else Plan()
    if args.no_training:
        plan = dataclasses.replace(plan, train_ours=False)
    if args.anchor_epochs:
        plan = dataclasses.replace(plan, anchor_epochs=args.anchor_epochs)
    args.out.mkdir(parents=True, exist_ok=True)
    report: Dict[str, Any] = {
        "generated_at": f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC",
        "mode": "quick" if args.quick else "full",
        "settings": dataclasses.asdict(plan),
        "load_average": {"start": list(os.getloadavg())},
    }
    csv_dir = PROJECT_ROOT / "var" / "bench" / "locust"
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        if plan.train_ours:
            report["training"] = measure_training(workdir)
            print("training", report["training"], flush=True)
        report["bots"] = {"anchor": measure_anchor(plan, workdir, csv_dir)}
        ours, extra = measure_ours(plan, workdir, csv_dir, args.out, args.model)
        report["bots"]["ours"] = ours
        report.update(extra)
    report["load_average"]["end"] = list(os.getloadavg())
    (args.out / "speed.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(f"wrote {args.out / 'speed.json'}")


if __name__ == "__main__":
    main()
