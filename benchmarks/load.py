"""Customers in conversation with a bot over the REST channel, driven by Locust.

Each Locust user is one customer: it plays CONVERSATION turn after turn under one sender
id, thinks a little between turns, then starts a new conversation under a new sender id.
The same turns go to our bot and to the anchor (benchmarks/anchor.py); ours also gets the
signed customer token as metadata, as the website's chat route adds it for a logged-in
customer (bot/web/chat.py), so that its account answers call the backend.

`run_locust` runs Locust headless for a fixed time and reads its CSV summary
(`parse_stats`): turns/s, p50 and p99 (Locust rounds times above 100 ms to two
significant digits), failures (an HTTP error, a timeout, or a reply with no message).
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from bot.config import PROJECT_ROOT
from bot.ops.stack import venv_bin

WEBHOOK = "/webhooks/rest/webhook"
LOCUSTFILE = Path(__file__).with_name("locustfile.py")

# One customer's visit, in the order of issue 14: what people type, not training sentences.
CONVERSATION: Sequence[str] = (
    "Bonjour !",
    "j'ai perdu mon mot de passe, comment je fais pour en avoir un nouveau ?",
    "non merci, je vais le faire moi-même",
    "et mes factures, je les trouve où sur le site ?",
    "je viens de déménager, comment je change mon adresse de livraison ?",
    "parfait, merci beaucoup pour votre aide",
    "je préférerais quand même parler à quelqu'un du service client",
    "vous êtes joignables jusqu'à quelle heure ?",
    "attendez, je parle à un robot là ?",
    "très bien, bonne journée, au revoir",
)


def turn(index: int) -> str:
    """The text of turn `index` (0-based) of a conversation that plays CONVERSATION again
    and again (the long-conversation probe)."""
    return CONVERSATION[index % len(CONVERSATION)]


def parse_stats(text: str) -> Dict[str, float]:
    """The "Aggregated" row of Locust's `<prefix>_stats.csv`."""
    rows = list(csv.DictReader(io.StringIO(text)))
    total = next(row for row in rows if row["Name"] == "Aggregated")

    def number(key: str) -> float:
        value = total[key]
        return float(value) if value not in ("", "N/A") else 0.0

    return {
        "turns": int(number("Request Count")),
        "errors": int(number("Failure Count")),
        "turns_per_s": round(number("Requests/s"), 2),
        "p50_ms": number("50%"),
        "p99_ms": number("99%"),
        "mean_ms": round(number("Average Response Time"), 1),
    }


def run_locust(
    host: str,
    users: int,
    seconds: int,
    csv_prefix: Path,
    auth_tokens: Optional[List[str]] = None,
    think_seconds: Sequence[float] = (0.05, 0.15),
) -> Dict[str, float]:
    """`users` customers talking to `host` for `seconds`; Locust's summary plus the level."""
    csv_prefix.parent.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "BENCH_THINK_MIN": str(think_seconds[0]),
        "BENCH_THINK_MAX": str(think_seconds[1]),
        "BENCH_AUTH_TOKENS": ",".join(auth_tokens or []),
        "BENCH_SENDER_PREFIX": csv_prefix.name,
    }
    with open(f"{csv_prefix}.log", "wb") as log:
        subprocess.run(
            [
                venv_bin("locust"),
                "-f",
                str(LOCUSTFILE),
                "--headless",
                "--host",
                host,
                "--users",
                str(users),
                "--spawn-rate",
                str(users),
                "--run-time",
                f"{seconds}s",
                "--csv",
                str(csv_prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
                # Failures are counted, not fatal: the run's exit status stays 0.
                "--exit-code-on-error",
                "0",
            ],
            cwd=PROJECT_ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    stats = parse_stats(Path(f"{csv_prefix}_stats.csv").read_text(encoding="utf-8"))
    return {"users": users, "seconds": seconds, **stats}
