"""Speed and cost of the whole bot on this machine: `python -m benchmarks.speed --out docs/bench`.

Loopback only, bounded in count and time. Writes `speed.json` (keys below) and
`latency_concurrency.png` into the output folder:

- `training`: {"seconds", "peak_rss_mb", "model_mb"} of a full `rasa train`;
- `ready_seconds`: {"backend", "actions", "rasa", "web", "total"} from process start;
- `parse_ms`: p50/p95/p99/mean of `/model/parse` over N sequential requests;
- `turn_ms`: same for full turns through `/webhooks/rest/webhook` whose answer runs a
  custom action calling the backend (a logged-in "où est ma facture ?");
- `concurrency`: per level, wrk's requests/s, p50/p99 ms, errors (non-2xx + socket);
- `length_ms`: median parse and turn latency for 10, 100, 1,000 and 10,000 characters;
- `rss_mb`: resident memory per process at rest and the peak under the 64-level load.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Dict, List

import requests

from benchmarks.common import peak_rss_during, percentiles, rss
from bot.config import PROJECT_ROOT, load_settings
from bot.domain.tokens import issue_token
from bot.ops.nlu_data import HOLDOUT, load_examples
from bot.ops.stack import bot_services, isolated_settings, venv_bin
from bot.ops.supervisor import Stack

LEVELS = [1, 4, 16, 64]
TURNS_PER_CONVERSATION = 10


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


def start_stack(workdir: Path, model: Path):
    settings = isolated_settings(dataclasses.replace(load_settings(), model_path=model), workdir)
    stack = Stack(bot_services(settings), log_dir=workdir / "logs")
    ready: Dict[str, float] = {}
    started = time.monotonic()
    try:
        for service in stack.services:
            t0 = time.monotonic()
            service.start()
            service.wait_ready()
            ready[service.spec.name] = round(time.monotonic() - t0, 1)
    except BaseException:
        stack.stop()
        raise
    ready["total"] = round(time.monotonic() - started, 1)
    return stack, settings, ready


def timed(call) -> float:
    t0 = time.perf_counter()
    call()
    return (time.perf_counter() - t0) * 1000


def parse_latencies(url: str, texts: List[str], count: int, token: str) -> List[float]:
    session = requests.Session()
    session.params = {"token": token}
    return [
        timed(
            lambda: session.post(
                f"{url}/model/parse", json={"text": texts[i % len(texts)]}, timeout=30
            ).raise_for_status()
        )
        for i in range(count)
    ]


def turn_latencies(url: str, token: str, count: int) -> List[float]:
    """Conversations of TURNS_PER_CONVERSATION turns, as customers have them: Rasa's cost per
    turn grows with the tracker, so one endless conversation would measure something else."""
    session = requests.Session()
    latencies = []
    for turn in range(count):
        body = {
            "sender": f"bench-turns-{turn // TURNS_PER_CONVERSATION}",
            "message": "où est ma facture ?",
            "metadata": {"auth_token": token},
        }
        latencies.append(
            timed(
                lambda: session.post(
                    f"{url}/webhooks/rest/webhook", json=body, timeout=30
                ).raise_for_status()
            )
        )
    return latencies


def run_wrk(url: str, connections: int, seconds: int) -> Dict[str, float]:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    threads = min(connections, 2)
    result = subprocess.run(
        [
            "wrk",
            "-t",
            str(threads),
            "-c",
            str(connections),
            "-d",
            f"{seconds}s",
            "--latency",
            "--timeout",
            "10s",
            "-s",
            str(Path(__file__).with_name("load.lua")),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    out = result.stdout

    def latency(label: str) -> float:
        value, unit = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "connections": connections,
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "p50_ms": latency("50"),
        "p99_ms": latency("99"),
        "errors": errors + (int(non_2xx.group(1)) if non_2xx else 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "docs" / "bench")
    parser.add_argument("--parse-requests", type=int, default=1000)
    parser.add_argument("--turns", type=int, default=300)
    parser.add_argument("--wrk-seconds", type=int, default=10, help="per concurrency level")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    report: Dict[str, object] = {}
    texts = [text for text, _, _ in load_examples(HOLDOUT)]
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        report["training"] = measure_training(workdir)
        print("training", report["training"], flush=True)
        stack, settings, ready = start_stack(workdir, workdir / "bench.tar.gz")
        report["ready_seconds"] = ready
        print("ready", ready, flush=True)
        try:
            url, rasa_token = settings.rasa_url, settings.rasa_auth_token or ""
            token = issue_token("C1000001", settings.tokens)
            parse_latencies(url, texts, 20, rasa_token)  # warm-up
            turn_latencies(url, token, 5)
            report["rss_mb"] = {"rest": rss(stack)}
            report["parse_ms"] = percentiles(
                parse_latencies(url, texts, args.parse_requests, rasa_token)
            )
            report["turn_ms"] = percentiles(turn_latencies(url, token, args.turns))
            print("parse", report["parse_ms"], "turn", report["turn_ms"], flush=True)
            report["length_ms"] = {
                str(n): {
                    "parse": statistics.median(parse_latencies(url, ["a" * n], 20, rasa_token)),
                    "turn": statistics.median(
                        timed(
                            lambda: requests.post(
                                f"{url}/webhooks/rest/webhook",
                                timeout=30,
                                json={"sender": f"len-{n}", "message": "a" * n},
                            )
                        )
                        for _ in range(10)
                    ),
                }
                for n in (10, 100, 1000, 10000)
            }
            levels = []
            for connections in LEVELS[:-1]:
                levels.append(run_wrk(url, connections, args.wrk_seconds))
                print(levels[-1], flush=True)
            report["rss_mb"]["load"] = peak_rss_during(
                stack, lambda: levels.append(run_wrk(url, LEVELS[-1], args.wrk_seconds))
            )
            print(levels[-1], flush=True)
            report["concurrency"] = levels
        finally:
            stack.stop()
    (args.out / "speed.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
