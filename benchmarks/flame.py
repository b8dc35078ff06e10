"""Sampling profiles of a running server with py-spy: top frames and a flame graph.

py-spy writes one format per recording; we record its "raw" (collapsed stacks: one line
per distinct stack, `frame;frame;...;leaf count`) and derive both the table of top frames
(self: the frame is the leaf; total: the frame is anywhere on the stack) and an SVG flame
graph drawn here, so one recording under load gives both. Samples are CPU samples: py-spy
leaves out idle threads by default, so time spent waiting (a lock, a socket) is not in it.
"""

from __future__ import annotations

import html
import re
import subprocess
import zlib
from collections import Counter
from pathlib import Path
from typing import Dict, List, Tuple

from bot.config import PROJECT_ROOT
from bot.ops.stack import venv_bin

Stacks = Dict[Tuple[str, ...], int]
ALWAYS = 0.9
# Leaves where a thread waits in C without py-spy seeing it idle: uvloop's event loop
# (entered from Sanic's `serve`) and a thread pool's worker waiting for work.
IDLE_LEAVES = frozenset(
    {"serve (sanic/server/runners.py)", "_worker (concurrent/futures/thread.py)"}
)
SITE = re.compile(r"\(/.*/(?:site-packages|lib/python3\.\d+)/")


def start_recording(pid: int, seconds: int, out: Path, rate: int = 100) -> subprocess.Popen:
    """py-spy attached to `pid` for `seconds`. Not --nonblocking: without pausing the
    process py-spy cannot tell idle threads (the event loop in epoll, the action server's
    thread pool waiting for work) and they fill the profile."""
    return subprocess.Popen(
        [
            venv_bin("py-spy"),
            "record",
            "--pid",
            str(pid),
            "--duration",
            str(seconds),
            "--rate",
            str(rate),
            # The Rasa server's Sanic workers are its children (RASA_WORKERS).
            "--subprocesses",
            "--nolineno",
            "--format",
            "raw",
            "--output",
            str(out),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def short_frame(frame: str) -> str:
    """`predict (/…/site-packages/rasa/core/x.py)` -> `predict (rasa/core/x.py)`; our own
    files relative to the project."""
    return SITE.sub("(", frame).replace(f"({PROJECT_ROOT}/", "(")


PROCESS_FRAME = re.compile(r'process \d+:"')


def parse_collapsed(text: str) -> Stacks:
    stacks: Counter = Counter()
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        stack, _, count = line.rpartition(" ")
        # With --subprocesses, each stack starts with a `process <pid>:"<command line>"`
        # frame: the processes of one service are read as one.
        frames = tuple(short_frame(f) for f in stack.split(";") if f and not PROCESS_FRAME.match(f))
        stacks[frames] += int(count)
    return dict(stacks)


# Frames that only carry the work (servers, event loops, Rasa's graph runner on dask):
# on the stack of most samples, they would fill the "total" column.
PLUMBING = (
    "dask/",
    "sanic/",
    "asyncio/",
    "threading.py",
    "concurrent/",
    "rasa/engine/",
    "rasa/cli/",
    "rasa/__main__.py",
    "rasa/api.py",
    "rasa/core/run.py",
    "rasa_sdk/__main__.py",
)


def is_plumbing(frame: str) -> bool:
    where = frame.rpartition(" (")[2].rstrip(")")
    return "/" not in where and not where.endswith(".py") or where.startswith(PLUMBING)


def without_idle(stacks: Stacks) -> Stacks:
    """The samples of threads at work: those whose leaf is a known wait are left out."""
    return {frames: n for frames, n in stacks.items() if frames and frames[-1] not in IDLE_LEAVES}


def top_frames(stacks: Stacks, limit: int = 12) -> Dict[str, List[Dict[str, object]]]:
    """The frames with the most samples as leaf ("self") and anywhere on the stack
    ("total", counted once per sample however deep the recursion), in % of all samples.
    "total" leaves out the frames found in nearly every sample (the process's main loop
    and what starts it) and the plumbing (PLUMBING): they say nothing about where the time
    goes."""
    samples = sum(stacks.values()) or 1
    own: Counter = Counter()
    total: Counter = Counter()
    for frames, count in stacks.items():
        if frames:
            own[frames[-1]] += count
        for frame in set(frames):
            total[frame] += count

    for frame in [f for f, n in total.items() if n >= ALWAYS * samples or is_plumbing(f)]:
        del total[frame]

    def ranked(counter: Counter) -> List[Dict[str, object]]:
        return [
            {"frame": frame, "percent": round(100 * count / samples, 1)}
            for frame, count in counter.most_common(limit)
        ]

    return {"samples": samples, "self": ranked(own), "total": ranked(total)}  # type: ignore[dict-item]


def _tree(stacks: Stacks) -> Dict:
    root: Dict = {"count": 0, "children": {}}
    for frames, count in stacks.items():
        node = root
        node["count"] += count
        for frame in frames:
            node = node["children"].setdefault(frame, {"count": 0, "children": {}})
            node["count"] += count
    return root


def flamegraph_svg(stacks: Stacks, title: str, width: int = 1200, row: int = 16) -> str:
    """A flame graph (root at the bottom, width = share of samples); hover for the frame."""
    root = _tree(stacks)
    samples = root["count"] or 1

    def depth(node: Dict) -> int:
        return 1 + max((depth(child) for child in node["children"].values()), default=0)

    height = (depth(root) + 1) * row + 30
    boxes: List[str] = []

    def draw(node: Dict, name: str, x: float, level: int) -> None:
        w = width * node["count"] / samples
        if w < 0.3:
            return
        y = height - (level + 1) * row
        label = html.escape(name)
        share = 100 * node["count"] / samples
        hue = 20 + zlib.crc32(name.split(" (")[-1].encode()) % 40
        text = ""
        if w > 40:
            text = (
                f'<text x="{x + 3:.1f}" y="{y + row - 4}" font-size="11" '
                f'font-family="monospace">{html.escape(name[: int(w / 7)])}</text>'
            )
        boxes.append(
            f'<g><title>{label} ({share:.1f} %)</title><rect x="{x:.1f}" y="{y}" '
            f'width="{w:.1f}" height="{row - 1}" fill="hsl({hue},85%,60%)"/>{text}</g>'
        )
        child_x = x
        for child_name, child in sorted(node["children"].items()):
            draw(child, child_name, child_x, level + 1)
            child_x += width * child["count"] / samples

    draw(root, f"all ({root['count']} samples)", 0.0, 0)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><rect width="100%" height="100%" fill="#fff"/>'
        f'<text x="4" y="16" font-size="13" font-family="sans-serif">{html.escape(title)}</text>'
        + "".join(boxes)
        + "</svg>\n"
    )
