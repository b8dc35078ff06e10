"""The agents' review queue (docs/web-api.md, "Agents"; issue 13): the messages the bot
missed, grouped by the intent the model found closest, for an agent to label in one
click; and the labels the answer assistant records when an agent uses its suggestion 2
or 3 instead of 1. The backend computes the queue and keeps the labels with the agent's
name (bot/backend/review.py); this blueprint adds the agent's log-in, and refuses a page
it cannot read (`?days=&before=&limit=`, bot/domain/review_page.py) with a 400 the page
shows as is, before the backend is asked."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, Optional

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from bot.clients.account import BackendUnavailable, NotFound
from bot.domain.identifiers import MAX_CONVERSATION_ID
from bot.domain.review_page import BadPage, page_from_query
from bot.domain.topics import INTENT_LABELS
from bot.web.agent import required_agent
from bot.web.http import ApiError, backend, json_body, logger

review = Blueprint("review")


def _unavailable() -> ApiError:
    return ApiError(503, "unavailable", "Le service des comptes ne répond pas. Réessayez.")


def _intent(body: Dict[str, Any]) -> Optional[str]:
    """An intent of the catalogue, or None (dismissed)."""
    intent = body.get("intent")
    if intent is None or intent in INTENT_LABELS:
        return intent
    raise ApiError(400, "bad_request", "Choisissez un sujet de la liste.")


def _chosen_intent(body: Dict[str, Any]) -> str:
    intent = _intent(body)
    if intent is None:
        raise ApiError(400, "bad_request", "Choisissez un sujet de la liste.")
    return intent


@review.get("/agent/api/review")
async def review_queue(request: Request) -> HTTPResponse:
    required_agent(request)
    try:
        page = page_from_query(*(request.args.get(name) for name in ("days", "before", "limit")))
    except BadPage as problem:
        raise ApiError(400, "bad_request", str(problem)) from problem
    try:
        return json(await asyncio.to_thread(backend(request).review_queue, page))
    except BackendUnavailable as error:
        raise _unavailable() from error


@review.post("/agent/api/review/label")
async def label_item(request: Request) -> HTTPResponse:
    """Labels a message of the queue (`id` and `conversation` as the queue gave them;
    `intent`: an intent of the catalogue, « out_of_scope » included) or dismisses it
    (`intent`: null); it leaves the queue."""
    name = required_agent(request)
    body = json_body(request)
    item, conversation = body.get("id"), body.get("conversation")
    if not isinstance(item, str) or not item.isalnum() or len(item) > 64:
        raise ApiError(400, "bad_request", "Message de la file inconnu.")
    if not isinstance(conversation, str) or not 0 < len(conversation) <= MAX_CONVERSATION_ID:
        raise ApiError(400, "bad_request", "Message de la file inconnu.")
    intent = _intent(body)
    try:
        label = await asyncio.to_thread(
            backend(request).label_item, item, conversation, intent, name
        )
    except NotFound as error:
        raise ApiError(
            404, "not_found", "Ce message n'est plus dans la file : rechargez-la."
        ) from error
    except BackendUnavailable as error:
        raise _unavailable() from error
    logger.info("agent %s %s a review item", name, "labelled" if intent else "dismissed")
    return json(label)


@review.post("/agent/api/review/assistant-label")
async def label_assistant_message(request: Request) -> HTTPResponse:
    """The agent used suggestion 2 or 3 of the answer assistant: the pasted message was
    that suggestion's intent, not the first one's (`predicted_intent`)."""
    name = required_agent(request)
    body = json_body(request)
    message = body.get("message")
    if not isinstance(message, str) or not message.strip() or len(message) > 5000:
        raise ApiError(
            400, "bad_request", "Collez le message du client (5 000 caractères au plus)."
        )
    intent = _chosen_intent(body)
    predicted = body.get("predicted_intent")
    predicted = predicted if predicted in INTENT_LABELS else None
    try:
        label = await asyncio.to_thread(
            backend(request).label_text, message.strip(), intent, name, predicted
        )
    except BackendUnavailable as error:
        raise _unavailable() from error
    logger.info("agent %s used a lower suggestion of the assistant", name)
    return json(label, status=201)
