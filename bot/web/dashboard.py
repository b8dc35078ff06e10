"""The agents' dashboard (issue 13): `GET /agent/api/stats?from=YYYY-MM-DD&to=YYYY-MM-DD`,
the figures of a period (docs/web-api.md, "Agents"), drawn by static/dashboard.js.

The conversations are read from Rasa's SQL tracker store (bot/clients/conversations.py:
the same URL as the GDPR erasure and `make missed`), in a worker thread, and the
figures computed by bot/domain/stats.py. Log-in required, as every agents' route.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json
from sqlalchemy.exc import SQLAlchemyError

from bot.clients.account import BackendUnavailable
from bot.clients.conversations import ConversationStore
from bot.domain.stats import (
    NO_FEEDBACK,
    BadPeriod,
    FeedbackSummary,
    Period,
    compute,
    period_from_query,
)
from bot.web.agent import required_agent
from bot.web.http import ApiError, backend, config_of, logger

dashboard = Blueprint("dashboard")


async def feedback_summary(request: Request, period: Period) -> FeedbackSummary:
    """The customers' 👍/👎 and satisfaction answers of the period, kept in the backend's
    database (bot/backend/feedback.py); none (zeros, no average) when it does not answer:
    the rest of the dashboard is still worth showing."""
    try:
        counts = await asyncio.to_thread(
            backend(request).feedback_summary, period.start, period.end
        )
    except BackendUnavailable:
        logger.warning("backend unavailable: the dashboard shows no ratings")
        return NO_FEEDBACK
    return FeedbackSummary(
        thumbs_up=int(counts.get("thumbs_up") or 0),
        thumbs_down=int(counts.get("thumbs_down") or 0),
        satisfaction_responses=int(counts.get("satisfaction_responses") or 0),
        satisfaction_average=counts.get("satisfaction_average"),
    )


def conversations(request: Request) -> ConversationStore:
    return request.app.ctx.conversations


@dashboard.get("/agent/api/stats")
async def agent_stats(request: Request) -> HTTPResponse:
    name = required_agent(request)
    timezone = config_of(request).phone.timezone
    # Rasa stamps events with the real clock (never BOT_FIXED_NOW's): so is "today".
    today = datetime.now(ZoneInfo(timezone)).date()
    try:
        period = period_from_query(
            request.args.get("from"), request.args.get("to"), today, timezone
        )
    except BadPeriod as problem:
        raise ApiError(400, "bad_request", str(problem)) from problem
    feedback = await feedback_summary(request, period)
    store = conversations(request)
    try:
        figures = await asyncio.to_thread(
            lambda: compute(store.conversations_between(period.start, period.end), period, feedback)
        )
    except SQLAlchemyError as error:
        logger.warning("tracker store unreadable for the dashboard: %s", type(error).__name__)
        raise ApiError(
            503, "unavailable", "Les conversations ne peuvent pas être lues pour le moment."
        ) from error
    logger.info("agent %s read the dashboard (%s to %s)", name, period.first, period.last)
    return json(figures)
