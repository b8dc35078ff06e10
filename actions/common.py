"""What every action needs: who is logged in, the backend client, the hand-over."""

from __future__ import annotations

import asyncio
from typing import Any, Callable, Optional, TypeVar

from rasa_sdk import Tracker

from bot.clients.account import AccountClient
from bot.config import settings
from bot.domain.tokens import verified_customer

T = TypeVar("T")


def logged_in_customer(tracker: Tracker) -> Optional[str]:
    """The customer the website vouches for in this message, else None.

    The REST channel checks the website's token on every message and leaves only the
    verified number in the metadata (bot.domain.tokens): a token that expires
    mid-conversation makes the customer anonymous from that message on.
    """
    return verified_customer(tracker.latest_message.get("metadata"))


def account_client() -> AccountClient:
    return AccountClient(settings().backend)


async def call_backend(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Runs a blocking backend call off the action server's event loop."""
    return await asyncio.to_thread(function, *args, **kwargs)
