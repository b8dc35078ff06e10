"""What every action needs: who is logged in, the backend client, the hand-over's facts.

The configuration reaches the actions as an `ActionContext`, built once by the action
server's `main` (bot/rasa_ext/action_server.py) from the process's settings and handed to
the constructor of every action (actions/registry.py). Nothing here reads the environment:
a test builds the context it needs, a second one with other settings beside it if it likes.
"""

from __future__ import annotations

import asyncio
import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, List, Optional, TypeVar

from rasa_sdk import Action, Tracker

from bot.clients.account import AccountClient
from bot.config import BackendSettings, PhoneLine, Settings
from bot.domain.handover import current_time
from bot.domain.repair import continues_a_message
from bot.domain.tokens import verified_customer

T = TypeVar("T")


@dataclass(frozen=True)
class ActionContext:
    """What the actions need of the configuration: how to reach the account backend, and
    the phone line they hand over to with the clock that says whether it is open."""

    backend: BackendSettings
    phone: PhoneLine
    # Now, or the instant the configuration fixes (BOT_FIXED_NOW, BOT_FIXED_NOW_FILE).
    clock: Callable[[], datetime]

    @classmethod
    def from_settings(cls, settings: Settings) -> "ActionContext":
        return cls(settings.backend, settings.phone, functools.partial(current_time, settings))

    @functools.cached_property
    def _account_client(self) -> AccountClient:
        return AccountClient(self.backend)

    def account_client(self) -> AccountClient:
        """One client per process, so one pool of kept-alive connections to the backend:
        a client per call opened a TCP connection per call (11 % of the action server's
        CPU under load, docs/BENCHMARKS.md). Its session is shared by the threads that
        `call_backend` runs the calls in; requests' connection pool is thread-safe."""
        return self._account_client


class ContextAction(Action):
    """Base of our actions: rasa_sdk's `Action`, constructed with the process's
    `ActionContext`, which their helpers get from `self.context`."""

    def __init__(self, context: ActionContext) -> None:
        self.context = context


def logged_in_customer(tracker: Tracker) -> Optional[str]:
    """The customer the website vouches for in this message, else None.

    The REST channel checks the website's token on every message and leaves only the
    verified number in the metadata (bot.domain.tokens): a token that expires
    mid-conversation makes the customer anonymous from that message on.
    """
    return verified_customer(tracker.latest_message.get("metadata"))


def text_of(message: Any) -> str:
    """A message's text (the latest message, or a user event's); "" when it has none or a
    forged one (a number, a list: bad input is answered, never a crash)."""
    text = message.get("text") if isinstance(message, dict) else None
    return text if isinstance(text, str) else ""


# How many of the customer's messages before the one that opens a flow may hold the value
# it takes (« bonjour, mon mail c'est … » then « j'ai oublié mon mot de passe »).
EARLIER_MESSAGES = 2


def typed_before(tracker: Tracker) -> List[str]:
    """The texts the anonymous customer typed before the latest message, newest first:
    the earlier parts of the latest message when it was split, then at most
    `EARLIER_MESSAGES` messages; none from before a flow ran (a value typed while a flow
    asked for it was that flow's, not the next one's) or before the session started. A
    logged-in customer's details come from the account instead: none."""
    if logged_in_customer(tracker):
        return []
    texts: List[str] = []
    messages, in_latest = 0, None
    for event in reversed(tracker.events):
        kind = event.get("event")
        if in_latest is not None and kind in ("active_loop", "session_started"):
            break
        if kind != "user":
            continue
        starts = not continues_a_message(event.get("parse_data"))
        if in_latest is None:
            in_latest = not starts
            continue
        texts.append(text_of(event))
        if in_latest:
            in_latest = not starts
        else:
            messages += starts
        if messages >= EARLIER_MESSAGES:
            break
    return texts


async def call_backend(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Runs a blocking backend call off the action server's event loop."""
    return await asyncio.to_thread(function, *args, **kwargs)
