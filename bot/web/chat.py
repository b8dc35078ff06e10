"""The shop page and the chat widget's routes (docs/web-api.md, "Chat").

The browser never talks to Rasa: the widget posts here and this server forwards to Rasa's
REST channel on the loopback, adding the signed customer token from its own HttpOnly
session cookie. The page's JavaScript never sees a token, so it can neither read nor
choose an identity."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, empty, file, json

from bot.domain.hours import describe_hours
from bot.domain.links import read_links_payload
from bot.domain.messages import MAX_MESSAGE_LENGTH, clean_message
from bot.domain.outcomes import RESPONSES_HEADER
from bot.domain.tokens import METADATA_KEY, issue_token
from bot.web.http import (
    SESSION_COOKIE,
    ApiError,
    call_rasa,
    config_of,
    json_body,
    new_session,
    rasa_answer,
    read_cookie,
    session,
    with_session,
)
from bot.web.metrics import metrics_of, response_names

# Lifetime of the customer token sent with one message: long enough for the turn, short
# enough that a token read from a tracker or a log is soon worth nothing (issue 12).
MESSAGE_TOKEN_SECONDS = 120
# The bot's answers that end a conversation: the widget then asks how it went.
CLOSING_RESPONSES = frozenset({"utter_goodbye"})

STATIC = Path(__file__).resolve().parent / "static"

chat = Blueprint("chat")


@chat.get("/")
async def shop(request: Request) -> HTTPResponse:
    return await file(STATIC / "index.html")


@chat.get("/chat/config")
async def chat_config(request: Request) -> HTTPResponse:
    phone = config_of(request).phone
    return json(
        {"phone": phone.number, "hours": describe_hours(phone), "max_length": MAX_MESSAGE_LENGTH}
    )


def _message(request: Request) -> str:
    message = json_body(request).get("message")
    # What the NLU would read: invisible characters alone are an empty message too.
    if not isinstance(message, str) or not clean_message(message):
        raise ApiError(400, "bad_request", "Votre message est vide : écrivez votre question.")
    message = message.strip()
    if len(message) > MAX_MESSAGE_LENGTH:
        raise ApiError(
            400,
            "bad_request",
            f"Votre message est trop long : {MAX_MESSAGE_LENGTH} "
            "caractères au plus. Pouvez-vous le raccourcir ?",
        )
    return message


def _customer_token(request: Request, current: Dict[str, Any]) -> Optional[str]:
    """A token for this message only, never beyond the end of the log-in."""
    if "customer" not in current:
        return None
    tokens = config_of(request).tokens
    lifetime = min(MESSAGE_TOKEN_SECONDS, int(current["until"] - time.time()))
    return issue_token(
        current["customer"]["customer_id"],
        dataclasses.replace(tokens, lifetime_seconds=max(1, lifetime)),
    )


@chat.post("/chat/messages")
async def chat_message(request: Request) -> HTTPResponse:
    message = _message(request)
    current = session(request)
    token = _customer_token(request, current)
    metadata = {METADATA_KEY: token} if token else {}
    started = time.perf_counter()
    try:
        replies, headers = await rasa_answer(
            request,
            "POST",
            "/webhooks/rest/webhook",
            json={"sender": current["conv"], "message": message, "metadata": metadata},
        )
    except ApiError:
        metrics_of(request).failed(time.perf_counter() - started)
        raise
    responses = response_names(headers.get(RESPONSES_HEADER, ""))
    metrics_of(request).answered(time.perf_counter() - started, responses)
    return with_session(request, json({"replies": [reply_json(r) for r in replies]}), current)


@chat.get("/chat/history")
async def chat_history(request: Request) -> HTTPResponse:
    stored = read_cookie(request, SESSION_COOKIE).get("conv")
    current = session(request)
    if current["conv"] != stored:
        # No conversation yet, or the log-in expired and took it away.
        return with_session(request, json({"messages": []}), current)
    tracker = await call_rasa(
        request,
        "GET",
        f"/conversations/{current['conv']}/tracker",
        params={"include_events": "ALL"},
    )
    return json({"messages": history(tracker.get("events", []))})


@chat.post("/chat/reset")
async def chat_reset(request: Request) -> HTTPResponse:
    json_body(request)
    current = {**session(request), **new_session()}
    return with_session(request, empty(), current)


def reply_json(reply: Dict[str, Any]) -> Dict[str, Any]:
    """What the widget gets of a bot message: its text, its quick replies, and the links of
    a `links` payload (bot/domain/links.py), checked here; any other `custom` payload is
    dropped. The widget builds its nodes from these fields: never HTML from here.

    `at` is the bot event's timestamp, the id the customer rates the answer by
    (bot/web/feedback.py); `closing` says that the bot said goodbye, when the widget asks
    how the conversation went."""
    links = read_links_payload(reply.get("custom"))
    timestamp = reply.get("timestamp")
    return {
        "text": (links and links["text"]) or reply.get("text") or "",
        "buttons": [
            {"title": b.get("title", ""), "payload": b.get("payload", "")}
            for b in reply.get("buttons") or []
        ],
        "links": links["links"] if links else [],
        "at": timestamp if isinstance(timestamp, (int, float)) else None,
        "closing": reply.get("response") in CLOSING_RESPONSES,
    }


def history(events: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """User and bot messages of a tracker; a clicked button shows as its title."""
    messages: List[Dict[str, Any]] = []
    titles: Dict[str, str] = {}
    for event in events:
        if event.get("event") == "user":
            text = event.get("text") or ""
            messages.append({"from": "user", "text": titles.get(text, text)})
        elif event.get("event") == "bot":
            reply = reply_json(
                {
                    "text": event.get("text"),
                    **(event.get("data") or {}),
                    "timestamp": event.get("timestamp"),
                    "response": (event.get("metadata") or {}).get("utter_action"),
                }
            )
            titles.update({b["payload"]: b["title"] for b in reply["buttons"]})
            messages.append({"from": "bot", **reply})
    return messages
