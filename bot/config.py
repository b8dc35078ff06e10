"""The one place where configuration is read from the environment.

Defaults run the whole bot on one machine with no service installed. Every
variable is documented in `.env.example`.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, time
from functools import lru_cache
from pathlib import Path
from typing import Optional, Mapping

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class PhoneLine:
    """The human hand-over: one number and its opening hours (Monday to Friday)."""

    number: str = "02 808 18 02"
    opens: time = time(8, 0)
    closes: time = time(19, 0)
    timezone: str = "Europe/Paris"
    holidays_country: str = "FR"


@dataclass(frozen=True)
class Settings:
    phone: PhoneLine
    # Test hook: a fixed ISO-8601 instant the hand-over treats as "now".
    fixed_now: Optional[datetime]
    rasa_port: int
    action_port: int
    host: str
    model_path: Path
    # Required by Rasa's HTTP API as soon as it listens beyond the loopback.
    rasa_auth_token: Optional[str]


def _parse_time(value: str) -> time:
    """Accepts "8", "8:00", "08:30" or "8h30"."""
    hours, _, minutes = value.strip().lower().replace("h", ":").partition(":")
    return time(int(hours), int(minutes or 0))


def _parse_instant(value: str) -> datetime:
    instant = datetime.fromisoformat(value)
    if instant.tzinfo is None:
        raise ValueError(f"BOT_FIXED_NOW needs a UTC offset, got {value!r}")
    return instant


def load_settings(env: Optional[Mapping[str, str]] = None) -> Settings:
    env = os.environ if env is None else env
    fixed_now = env.get("BOT_FIXED_NOW", "").strip()
    return Settings(
        phone=PhoneLine(
            number=env.get("SUPPORT_PHONE_NUMBER", PhoneLine.number),
            opens=_parse_time(env.get("SUPPORT_PHONE_OPENS", "8:00")),
            closes=_parse_time(env.get("SUPPORT_PHONE_CLOSES", "19:00")),
            timezone=env.get("SUPPORT_TIMEZONE", PhoneLine.timezone),
        ),
        fixed_now=_parse_instant(fixed_now) if fixed_now else None,
        rasa_port=int(env.get("RASA_PORT", "5005")),
        action_port=int(env.get("ACTION_SERVER_PORT", "5055")),
        host=env.get("BOT_HOST", "127.0.0.1"),
        model_path=Path(env.get("RASA_MODEL", str(PROJECT_ROOT / "models" / "current.tar.gz"))),
        rasa_auth_token=env.get("RASA_AUTH_TOKEN") or None,
    )


@lru_cache(maxsize=1)
def settings() -> Settings:
    """Settings of this process, read once."""
    return load_settings()
