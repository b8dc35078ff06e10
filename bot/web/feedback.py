"""The customers' ratings from the widget (docs/web-api.md, "Feedback"): 👍/👎 under each
answer, with an optional comment after 👎, and « how was this conversation? » after the
bot's goodbye (issue 13).

The conversation is the one of the customer's session cookie, never one the page names.
An answer is named by the timestamp of one of its bot messages (`at` in the replies and
the history, bot/web/chat.py); it is checked against the conversation's tracker and
stored as its answer's first bot message, the id the review queue joins on
(bot/backend/review.py). The backend stores the ratings and bounds how many a
conversation writes (bot/backend/feedback.py)."""

from __future__ import annotations

import asyncio
import math
from typing import Any, Dict, List, Optional

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, empty

from bot.clients.account import BackendUnavailable, RateLimited
from bot.domain.feedback import MAX_COMMENT, RATINGS, SCORES
from bot.domain.messages import clean_message
from bot.web.http import (
    SESSION_COOKIE,
    ApiError,
    backend,
    call_rasa,
    json_body,
    logger,
    read_cookie,
    session,
)

feedback = Blueprint("feedback")


def answer_start(events: List[Dict[str, Any]], at: float) -> Optional[float]:
    """The timestamp of the first bot message of the answer that holds the bot message of
    timestamp `at`; None when no answer to a customer's message has one."""
    first: Optional[float] = None
    asked = False
    for event in events:
        if event.get("event") == "user":
            asked, first = True, None
        elif event.get("event") == "bot" and asked:
            first = event.get("timestamp") if first is None else first
            if event.get("timestamp") == at:
                return first
    return None


def _conversation(request: Request) -> str:
    """The conversation of the session cookie, when it has begun."""
    current = session(request)
    if current["conv"] != read_cookie(request, SESSION_COOKIE).get("conv"):
        raise ApiError(400, "bad_request", "Cette conversation est terminée ou introuvable.")
    return current["conv"]


def _answer_at(body: Dict[str, Any]) -> float:
    value = body.get("answer_at")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ApiError(400, "bad_request", "Indiquez la réponse que vous notez.")
    return float(value)


def _comment(body: Dict[str, Any]) -> Optional[str]:
    """Cleaned as a chat message is (bot/domain/messages.py): no control or lone surrogate
    character reaches the database."""
    comment = body.get("comment")
    if comment is None:
        return None
    if not isinstance(comment, str) or len(clean_message(comment)) > MAX_COMMENT:
        raise ApiError(
            400,
            "bad_request",
            f"Votre commentaire est trop long : {MAX_COMMENT} caractères au plus.",
        )
    return clean_message(comment) or None


async def _stored(call: Any, *args: Any) -> None:
    try:
        await asyncio.to_thread(call, *args)
    except RateLimited as error:
        raise ApiError(429, "rate_limited", "Vous avez déjà donné votre avis. Merci !") from error
    except BackendUnavailable as error:
        raise ApiError(
            503, "unavailable", "Votre avis n'a pas pu être enregistré. Réessayez plus tard."
        ) from error


@feedback.post("/chat/feedback")
async def rate_answer(request: Request) -> HTTPResponse:
    body = json_body(request)
    at = _answer_at(body)
    rating = body.get("rating")
    if rating not in RATINGS:
        raise ApiError(400, "bad_request", "Choisissez 👍 ou 👎.")
    comment = _comment(body)
    conversation = _conversation(request)
    tracker = await call_rasa(
        request, "GET", f"/conversations/{conversation}/tracker", params={"include_events": "ALL"}
    )
    start = answer_start(tracker.get("events", []), at)
    if start is None:
        raise ApiError(400, "bad_request", "Cette réponse est introuvable dans la conversation.")
    await _stored(backend(request).rate_answer, conversation, start, rating, comment)
    logger.info("answer rated %s%s", rating, " with a comment" if comment else "")
    return empty()


@feedback.post("/chat/satisfaction")
async def rate_conversation(request: Request) -> HTTPResponse:
    score = json_body(request).get("score")
    if isinstance(score, bool) or not isinstance(score, int) or score not in SCORES:
        raise ApiError(400, "bad_request", "Choisissez une note de 1 à 5.")
    await _stored(backend(request).rate_conversation, _conversation(request), score)
    logger.info("conversation rated %d/5", score)
    return empty()
