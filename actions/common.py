"""What every action needs: who is logged in, the backend client, the hand-over."""

from __future__ import annotations

import asyncio
from typing import Any, Callable, Optional, TypeVar

from rasa_sdk import Tracker

from bot.clients.account import AccountClient
from bot.config import settings
from bot.domain.tokens import customer_from_metadata

T = TypeVar("T")


def logged_in_customer(tracker: Tracker) -> Optional[str]:
    """The customer the website vouches for in this message's metadata, else None.

    Checked on every message: a token that expires mid-conversation makes the
    customer anonymous from that message on.
    """
    return customer_from_metadata(tracker.latest_message.get("metadata"), settings().tokens)


def account_client() -> AccountClient:
    return AccountClient(settings().backend)


async def call_backend(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Runs a blocking backend call off the action server's event loop."""
    return await asyncio.to_thread(function, *args, **kwargs)
