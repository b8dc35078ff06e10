"""`python -m benchmarks.report`: docs/BENCHMARKS.md from the figures of the last run.

Reads docs/bench/nlu_quality.json (benchmarks.nlu_quality), docs/bench/speed.json
(benchmarks.speed) and docs/bench/soak.json (benchmarks.soak) when present, draws
docs/bench/latency_concurrency.png (both bots), and states for each target of the product
whether it holds. `--bench` and `--report` point elsewhere (the quick mode writes under var/).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import ScalarFormatter  # noqa: E402

from benchmarks.common import table, verdict  # noqa: E402
from benchmarks.quality_report import quality_section  # noqa: E402
from bot.config import PROJECT_ROOT  # noqa: E402

BENCH = PROJECT_ROOT / "docs" / "bench"
REPORT = PROJECT_ROOT / "docs" / "BENCHMARKS.md"
BOTS = {"anchor": ("plain Rasa FAQ bot", "#888888"), "ours": ("our bot", "#0b3d91")}


def level(bot: Dict[str, Any], users: int) -> Dict[str, Any]:
    return next(x for x in bot["levels"] if x["users"] == users)


def ratio(ours: float, anchor: float) -> str:
    return f"{ours / anchor:.2f}×" if anchor else "n/a"


def plot_concurrency(speed: Dict[str, Any], bench: Path) -> None:
    figure, (left, right) = plt.subplots(1, 2, figsize=(9, 3.5))
    for name, bot in speed["bots"].items():
        label, colour = BOTS[name]
        x = [lv["users"] for lv in bot["levels"]]
        left.plot(x, [lv["turns_per_s"] for lv in bot["levels"]], "o-", color=colour, label=label)
        right.plot(x, [lv["p99_ms"] for lv in bot["levels"]], "s-", color=colour, label=label)
    levels = sorted({lv["users"] for bot in speed["bots"].values() for lv in bot["levels"]})
    for axis, ylabel in ((left, "turns/s"), (right, "p99 latency (ms)")):
        axis.set_xscale("log", base=2)
        axis.set_xticks(levels)
        axis.xaxis.set_major_formatter(ScalarFormatter())
        axis.set_xlabel("concurrent customers")
        axis.set_ylabel(ylabel)
        axis.grid(alpha=0.3)
    right.axhline(300, color="#f28c28", linestyle="--", linewidth=1, label="target p99 300 ms")
    left.legend(fontsize=8)
    right.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(bench / "latency_concurrency.png", dpi=110)
    plt.close(figure)


def targets(speed: Dict[str, Any]) -> List[List[Any]]:
    anchor, ours = speed["bots"]["anchor"], speed["bots"]["ours"]
    a16, o16, o1 = level(anchor, 16), level(ours, 16), level(ours, 1)
    longc = speed["long_conversation"]
    total_memory = round(sum(ours["memory_mb"]["load"].values()))
    rows = [
        [
            "turns/s at 16 customers ≥ 1.5× the plain bot's, no error",
            f"{o16['turns_per_s']} vs {a16['turns_per_s']} ({ratio(o16['turns_per_s'], a16['turns_per_s'])}), "
            f"{o16['errors']} errors",
            verdict(o16["turns_per_s"] >= 1.5 * a16["turns_per_s"] and o16["errors"] == 0),
        ],
        ["p99 at 16 customers ≤ 300 ms", f"{o16['p99_ms']} ms", verdict(o16["p99_ms"] <= 300)],
        ["p50 for one customer ≤ 25 ms", f"{o1['p50_ms']} ms", verdict(o1["p50_ms"] <= 25)],
        [
            f"p50 of turns {longc['turns'] - 9}–{longc['turns']} of a {longc['turns']}-turn "
            "conversation ≤ 1.5× a 10-turn one's",
            f"{longc['p50_ms_last_10']} vs {longc['p50_ms_10_turn']} ms ({longc['ratio']}×)",
            verdict(longc["ratio"] <= 1.5),
        ],
        [
            "ready ≤ 15 s once the model exists",
            f"{ours['ready_seconds']['total']} s",
            verdict(ours["ready_seconds"]["total"] <= 15),
        ],
        [
            "all processes ≤ 1.2 GB under load (PSS)",
            f"{total_memory} MB",
            verdict(total_memory <= 1229),
        ],
    ]
    if "training" in speed:
        seconds = speed["training"]["seconds"]
        rows.append(["training ≤ 120 s", f"{seconds} s", verdict(seconds <= 120)])
    return rows


def side_by_side(speed: Dict[str, Any]) -> str:
    anchor, ours = speed["bots"]["anchor"], speed["bots"]["ours"]
    rows = []
    for o in ours["levels"]:
        a = level(anchor, o["users"])
        rows.append(
            [
                o["users"],
                a["turns_per_s"],
                o["turns_per_s"],
                ratio(o["turns_per_s"], a["turns_per_s"]),
                a["p50_ms"],
                o["p50_ms"],
                a["p99_ms"],
                o["p99_ms"],
                f"{a['errors']} / {o['errors']}",
            ]
        )
    return table(
        [
            "customers",
            "plain turns/s",
            "ours turns/s",
            "ours / plain",
            "plain p50 ms",
            "ours p50 ms",
            "plain p99 ms",
            "ours p99 ms",
            "errors plain / ours",
        ],
        rows,
    )


def cost_table(speed: Dict[str, Any]) -> str:
    rows = []
    for name, bot in speed["bots"].items():
        load = bot["memory_mb"]["load"]
        rows.append(
            [
                BOTS[name][0],
                ", ".join(f"{k} {v} s" for k, v in bot["ready_seconds"].items()),
                ", ".join(f"{k} {v}" for k, v in load.items()),
                round(sum(load.values())),
            ]
        )
    return table(
        ["bot", "ready (start → answering)", "peak memory under load (PSS), MB", "total MB"], rows
    )


def profile_section(profile: Dict[str, Any], bench: Path, report: Path) -> List[str]:
    parts = [
        f"### Where the time goes (py-spy, {profile['seconds']} s under 16 customers)",
        "CPU samples (py-spy leaves waiting threads out): *self* is the share of samples "
        "where the frame itself runs, *total* where it is on the stack.",
    ]
    for name in ("rasa", "actions"):
        top = profile.get(name, {})
        if "self" not in top:
            parts.append(f"{name}: {top.get('error', 'not profiled')}")
            continue
        rows = [
            [f"`{s['frame']}`", f"{s['percent']} %", f"`{t['frame']}`", f"{t['percent']} %"]
            for s, t in zip(top["self"][:10], top["total"][:10])
        ]
        svg = os.path.relpath(bench / f"profile_{name}.svg", report.parent)
        parts += [
            f"**{name}** ({top['samples']} samples, [flame graph]({svg}))",
            table(["self", "%", "total", "%"], rows),
        ]
    return parts


def speed_section(speed: Dict[str, Any], bench: Path, report: Path) -> str:
    anchor = speed["bots"]["anchor"]
    settings = speed["settings"]
    parse, turn = speed["parse_ms"], speed["turn_ms"]
    lengths = [
        [n, round(v["parse"], 1), round(v["turn"], 1)] for n, v in speed["length_ms"].items()
    ]
    load = speed["load_average"]
    plot = os.path.relpath(bench / "latency_concurrency.png", report.parent)
    parts = [
        "## Speed and cost, next to a plain Rasa bot",
        f"Mode **{speed['mode']}** ({speed['generated_at']}). Load average (1/5/15 min) "
        f"{' / '.join(f'{x:.1f}' for x in load['start'])} at the start, "
        f"{' / '.join(f'{x:.1f}' for x in load.get('end', load['start']))} at the end: "
        "other work on the machine slows both bots down."
        + (
            " **The machine was busy during this run (load above its cores): the figures are "
            "noisy; the ratios and the profile's shares say more than the absolute figures.**"
            if max(load["start"][0], load.get("end", load["start"])[0]) > (os.cpu_count() or 1)
            else ""
        )
        + (
            " Quick mode checks the harness: a few seconds per level, figures not to quote."
            if speed["mode"] == "quick"
            else ""
        ),
        "**The plain bot** is generated at bench time (benchmarks/anchor.py): Rasa 3.6's "
        "default pipeline and policies (what `rasa init` trains), language fr, our "
        "data/nlu.yml, and for each intent the `utter_` answers of our rule for it, without "
        f"custom actions, forms or slots; in-memory tracker store; trained {anchor['epochs']} "
        "epochs (epochs change training time, not the cost of a turn). **Our bot** runs as "
        "`make run` starts it (SQLite tracker store, action server, backend), the customers "
        "logged in (signed token as metadata, as the website sends it).",
        f"**The load** (benchmarks/load.py, Locust): each customer plays 10-turn "
        "conversations (greeting, lost password, « non merci », invoices, address change, "
        "thanks, a person, hours, « un robot ? », goodbye), a new sender per conversation, "
        f"{settings['think_seconds'][0]}–{settings['think_seconds'][1]} s between turns, "
        f"{settings['level_seconds']} s per level. Errors: HTTP errors, timeouts, empty replies.",
        "### Targets (issue 14)",
        table(["target", "measured", "verdict"], targets(speed)),
        "### Both bots, same run, same load",
        side_by_side(speed),
        f"![Turns/s and p99 latency against concurrent customers, both bots]({plot})",
        cost_table(speed),
    ]
    if "training" in speed:
        training = speed["training"]
        parts.append(
            f"Training ours: {training['seconds']} s, peak {training['peak_rss_mb']} MB "
            f"resident, model {training['model_mb']} MB."
        )
    parts += [
        "### Our bot alone, sequential",
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
                    "logged-in « où est ma facture ? » turn",
                    turn["count"],
                    turn["p50"],
                    turn["p95"],
                    turn["p99"],
                    turn["mean"],
                ],
            ],
        ),
        "Latency versus message length (median; the REST channel refuses a message over "
        "2,000 characters with a 400, so the last turn figure is that refusal):",
        table(["characters", "parse ms", "turn ms"], lengths),
    ]
    if "profile" in speed:
        parts += profile_section(speed["profile"], bench, report)
    return "\n\n".join(parts)


def replicas_section(soak: Dict[str, Any]) -> str:
    """The throughput target on one process is out of reach on 2 cores; the production
    layout's figures (`make soak`) show what replicas give on the same machine; a soak run
    with the bad input only (`SOAK_ARGS=--bad-input-only`) has none."""
    load = soak.get("load")
    if not load:
        return (
            "## Several replicas (from `make soak`, docs/SOAK.md)\n\n"
            "The last `make soak` ran the bad input only: no load figures to show here."
        )
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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", type=Path, default=BENCH, help="where the JSON files are")
    parser.add_argument("--report", type=Path, default=REPORT)
    args = parser.parse_args()
    sections = [
        "# Benchmarks",
        f"Written by `make bench` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, "
        f"{platform.machine()}, {os.cpu_count()} cores. Loopback only; each part gives the "
        "time of the run its figures come from (`make bench` runs them one after the other; "
        "`python -m benchmarks.nlu_quality` or `benchmarks.speed` alone refreshes one part).",
    ]
    quality_file = args.bench / "nlu_quality.json"
    if quality_file.exists():
        sections.append(quality_section(json.loads(quality_file.read_text(encoding="utf-8"))))
    speed = json.loads((args.bench / "speed.json").read_text(encoding="utf-8"))
    plot_concurrency(speed, args.bench)
    sections.append(speed_section(speed, args.bench, args.report))
    soak_file = args.bench / "soak.json"
    if soak_file.exists():
        sections.append(replicas_section(json.loads(soak_file.read_text(encoding="utf-8"))))
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text("\n\n".join(sections) + "\n", encoding="utf-8")
    print(f"wrote {args.report}")


if __name__ == "__main__":
    main()
