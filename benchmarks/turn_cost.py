"""CPU time per turn of the Rasa server and of the action server, along one long
conversation: `python -m benchmarks.turn_cost [--turns 300]`.

Issue 14: on the shared 2-core machine, turns/s and latencies move with the other
builders' load by more than most cuts' effect; the CPU time a process spends on a turn
moves much less. This starts our bot (backend, action server, Rasa server, as `make run`),
plays one logged-in customer's conversation (benchmarks/load.py's turns, again and again)
turn after turn, and reads the CPU time (user + system, every process of each service) the
Rasa server and the action server spent on each turn. Printed, and written as JSON to
--out: for each window of 10 turns (1-10, 91-100, 291-300 when played), the mean CPU ms
per turn of each and the median wall ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Dict, List

import requests

from benchmarks.common import process_group_files
from benchmarks.load import WEBHOOK, turn
from bot.config import load_settings
from bot.domain.tokens import issue_token
from bot.ops.stack import bot_services, isolated_settings
from bot.ops.supervisor import Stack

MEASURED = ("rasa", "actions")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def process_group_cpu_seconds(pgid: int) -> float:
    """User + system CPU seconds of every live process of a process group."""
    ticks = 0
    for stat in process_group_files(pgid, "stat"):
        # Fields after the command name, which may hold spaces: utime and stime are the
        # 12th and 13th.
        fields = stat.rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks / CLOCK_TICKS


def windows(turns: int) -> List[range]:
    """The windows of 10 turns reported: the first ten, 91-100 and 291-300 when played."""
    starts = [0] + [end - 10 for end in (100, 300) if end <= turns]
    return [range(start, start + 10) for start in starts]


def summary(samples: List[Dict[str, float]], turns: int) -> List[Dict[str, object]]:
    """Per window: the median wall ms, and the mean CPU ms per turn of each service (the
    kernel counts CPU time in ticks of 10 ms: a mean over 10 turns reads to 1 ms)."""
    return [
        {
            "turns": f"{window.start + 1}-{window.stop}",
            "wall_ms_p50": round(statistics.median(samples[i]["wall_ms"] for i in window), 1),
            **{
                key: round(statistics.mean(samples[i][key] for i in window), 1)
                for key in samples[0]
                if key.endswith("_cpu_ms")
            },
        }
        for window in windows(turns)
    ]


def play(stack: Stack, url: str, token: str, turns: int) -> List[Dict[str, float]]:
    """Each turn's wall ms and the CPU ms each measured service spent on it."""
    pids = {s.spec.name: s.pid for s in stack.services if s.spec.name in MEASURED}
    session, samples = requests.Session(), []
    for index in range(turns):
        before = {name: process_group_cpu_seconds(pid) for name, pid in pids.items()}
        started = time.perf_counter()
        body = {"sender": "turn-cost", "message": turn(index), "metadata": {"auth_token": token}}
        session.post(url + WEBHOOK, json=body, timeout=60).raise_for_status()
        sample = {"wall_ms": (time.perf_counter() - started) * 1000}
        for name, pid in pids.items():
            sample[f"{name}_cpu_ms"] = (process_group_cpu_seconds(pid) - before[name]) * 1000
        samples.append(sample)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=300)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="turn-cost-"))
    settings = isolated_settings(load_settings(), workdir)
    services = [s for s in bot_services(settings) if s.name != "web"]
    with Stack(services, log_dir=workdir / "logs") as stack:
        token = issue_token("C1000001", settings.tokens)
        samples = play(stack, settings.rasa_url, token, args.turns)
    result = {
        "turns": args.turns,
        "load_average": os.getloadavg()[0],
        "windows": summary(samples, args.turns),
    }
    print(json.dumps(result, indent=1))
    if args.out:
        args.out.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
