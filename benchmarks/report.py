"""`python -m benchmarks.report`: docs/BENCHMARKS.md from the figures of the last run.

Reads docs/bench/nlu_quality.json (benchmarks.nlu_quality) and docs/bench/speed.json
(benchmarks.speed), draws docs/bench/latency_concurrency.png, and states for each
target of the product whether it holds.
"""

from __future__ import annotations

import json
import os
import platform
from datetime import datetime, timezone
from typing import Any, Dict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from benchmarks.common import table, verdict  # noqa: E402
from benchmarks.quality_report import quality_section  # noqa: E402
from bot.config import PROJECT_ROOT  # noqa: E402

BENCH = PROJECT_ROOT / "docs" / "bench"
REPORT = PROJECT_ROOT / "docs" / "BENCHMARKS.md"


def plot_concurrency(speed: Dict[str, Any]) -> None:
    levels = speed["concurrency"]
    x = [level["connections"] for level in levels]
    figure, left = plt.subplots(figsize=(6, 3.5))
    left.plot(
        x, [level["requests_per_s"] for level in levels], "o-", color="#0b3d91", label="turns/s"
    )
    left.set_xscale("log", base=2)
    left.set_xlabel("concurrent conversations")
    left.set_ylabel("turns/s", color="#0b3d91")
    right = left.twinx()
    right.plot(x, [level["p99_ms"] for level in levels], "s--", color="#f28c28", label="p99 ms")
    right.set_ylabel("p99 latency (ms)", color="#f28c28")
    figure.tight_layout()
    figure.savefig(BENCH / "latency_concurrency.png", dpi=110)
    plt.close(figure)


def speed_section(speed: Dict[str, Any]) -> str:
    parse, turn, training = speed["parse_ms"], speed["turn_ms"], speed["training"]
    at16 = next(level for level in speed["concurrency"] if level["connections"] == 16)
    rss_load = speed["rss_mb"]["load"]
    total_rss = round(sum(rss_load.values()))
    targets = [
        ["`/model/parse` p50 ≤ 15 ms", f"{parse['p50']} ms", verdict(parse["p50"] <= 15)],
        ["`/model/parse` p99 ≤ 50 ms", f"{parse['p99']} ms", verdict(parse["p99"] <= 50)],
        ["full turn p50 ≤ 60 ms", f"{turn['p50']} ms", verdict(turn["p50"] <= 60)],
        [
            "≥ 100 turns/s at 16 conversations, no error",
            f"{at16['requests_per_s']} turns/s, {at16['errors']} errors",
            verdict(at16["requests_per_s"] >= 100 and at16["errors"] == 0),
        ],
        ["training ≤ 120 s", f"{training['seconds']} s", verdict(training["seconds"] <= 120)],
        [
            "ready ≤ 20 s once the model exists",
            f"{speed['ready_seconds']['total']} s",
            verdict(speed["ready_seconds"]["total"] <= 20),
        ],
        [
            "all processes ≤ 1.5 GB resident under load",
            f"{total_rss} MB",
            verdict(total_rss <= 1536),
        ],
    ]
    levels = [
        [
            level["connections"],
            level["requests"],
            level["requests_per_s"],
            level["p50_ms"],
            level["p99_ms"],
            level["errors"],
        ]
        for level in speed["concurrency"]
    ]
    lengths = [
        [n, round(v["parse"], 1), round(v["turn"], 1)] for n, v in speed["length_ms"].items()
    ]
    memory = [[name, speed["rss_mb"]["rest"][name], rss_load[name]] for name in rss_load]
    return "\n\n".join(
        [
            "## Speed and cost",
            "### Targets",
            table(["target", "measured", "verdict"], targets),
            f"Training: {training['seconds']} s, peak {training['peak_rss_mb']} MB resident, "
            f"model {training['model_mb']} MB. Time to ready once the model exists: "
            + ", ".join(f"{k} {v} s" for k, v in speed["ready_seconds"].items())
            + ".",
            "### Latency, sequential",
            table(
                ["what", "requests", "p50 ms", "p95 ms", "p99 ms", "mean ms"],
                [
                    [
                        "`/model/parse`",
                        parse["count"],
                        parse["p50"],
                        parse["p95"],
                        parse["p99"],
                        parse["mean"],
                    ],
                    [
                        "turn with a backend call",
                        turn["count"],
                        turn["p50"],
                        turn["p95"],
                        turn["p99"],
                        turn["mean"],
                    ],
                ],
            ),
            "### Concurrent conversations (wrk, REST channel)",
            table(["conversations", "turns", "turns/s", "p50 ms", "p99 ms", "errors"], levels),
            "![Throughput and p99 latency versus concurrent conversations](bench/latency_concurrency.png)",
            "### Latency versus message length (median)",
            table(["characters", "parse ms", "turn ms"], lengths),
            "### Resident memory (MB)",
            table(["process", "at rest", "peak under 64 conversations"], memory),
        ]
    )


def replicas_section(soak: Dict[str, Any]) -> str:
    """The throughput target on one process is out of reach on 2 cores; the production
    layout's figures (`make soak`) show what replicas give on the same machine."""
    load = soak["load"]
    return "\n\n".join(
        [
            "## Several replicas (from `make soak`, docs/SOAK.md)",
            f"{soak['settings']['replicas']} Rasa replicas and {soak['settings']['action_servers']} "
            f"action servers behind nginx, on the same {soak['settings']['cpus']} cores: "
            f"{load['turns_per_second']} turns/s with {soak['settings']['concurrency']} concurrent "
            f"10-turn conversations (p50 {load['latency_ms']['p50']} ms, p99 "
            f"{load['latency_ms']['p99']} ms), {load['unanswered_after_retries']} unanswered, "
            f"{load['problem_count']} conversations with a missing or repeated message.",
        ]
    )


def main() -> None:
    sections = [
        "# Benchmarks",
        f"Written by `make bench` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, "
        f"{platform.machine()}, {os.cpu_count()} cores. Loopback only; every figure "
        "comes from the run that wrote this file.",
    ]
    quality_file = BENCH / "nlu_quality.json"
    if quality_file.exists():
        sections.append(quality_section(json.loads(quality_file.read_text(encoding="utf-8"))))
    speed = json.loads((BENCH / "speed.json").read_text(encoding="utf-8"))
    plot_concurrency(speed)
    sections.append(speed_section(speed))
    soak_file = BENCH / "soak.json"
    if soak_file.exists():
        sections.append(replicas_section(json.loads(soak_file.read_text(encoding="utf-8"))))
    REPORT.write_text("\n\n".join(sections) + "\n", encoding="utf-8")
    print(f"wrote {REPORT}")


if __name__ == "__main__":
    main()
