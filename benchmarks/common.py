"""Small measuring helpers shared by the benchmarks."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List

from bot.ops.supervisor import Stack


def percentiles(samples_ms: List[float]) -> Dict[str, float]:
    ordered = sorted(samples_ms)

    def at(fraction: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(fraction * len(ordered)))], 1)

    return {
        "count": len(ordered),
        "p50": at(0.50),
        "p95": at(0.95),
        "p99": at(0.99),
        "mean": round(sum(ordered) / len(ordered), 1),
    }


def process_group_files(pgid: int, name: str) -> Iterator[str]:
    """The text of /proc/<pid>/`name` for every live process of a process group (a service
    and its children); a process that ends while it is read is skipped."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) == pgid:
                yield (entry / name).read_text()
        except (ProcessLookupError, FileNotFoundError, PermissionError):
            continue


def process_group_memory_mb(pgid: int) -> float:
    """Memory of every process of a process group (a service and its children), as their
    proportional set sizes (PSS): a page shared by n processes counts 1/n in each. Resident
    sizes would count twice what the Rasa server's Sanic workers share with the process
    they were forked from (and the libraries every process maps)."""
    total_kb = 0
    for rollup in process_group_files(pgid, "smaps_rollup"):
        for line in rollup.splitlines():
            if line.startswith("Pss:"):
                total_kb += int(line.split()[1])
    return round(total_kb / 1024, 1)


def memory(stack: Stack) -> Dict[str, float]:
    """Memory (PSS, MB) of each running service of a stack."""
    return {s.spec.name: process_group_memory_mb(s.pid) for s in stack.services if s.alive()}


def peak_memory_during(stack: Stack, work: Callable[[], None]) -> Dict[str, float]:
    """The highest memory (PSS) of each service while `work` runs (sampled every 0.5 s)."""
    peaks = memory(stack)
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.5):
            for name, value in memory(stack).items():
                peaks[name] = max(peaks.get(name, 0.0), value)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        work()
    finally:
        done.set()
        sampler.join()
    return peaks


def verdict(holds: bool) -> str:
    return "holds" if holds else "**missed**"


def table(header: List[str], rows: List[List[Any]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)
