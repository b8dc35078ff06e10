"""HTTP API of the account backend (contract: docs/backend-api.md).

Handlers are thin: they check the shape of the JSON, run the backend's operation
(bot/backend/context.py) in a worker thread (SQLAlchemy blocks; the event loop keeps serving
other requests meanwhile) and turn results and errors into the contract's
answers. Every error is `{"error", "message"}`, never a stack trace.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import hmac
import itertools
import json
import logging
from typing import Any, Dict, Mapping, Optional

from sanic import Blueprint, Request, Sanic
from sanic.exceptions import SanicException
from sanic.response import HTTPResponse
from sanic.response import json as json_response
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import sessionmaker

from bot.backend import accounts, deletion, feedback, gdpr, passwords, review
from bot.backend.context import BackendContext
from bot.backend.errors import (
    CustomerNotFound,
    InvalidInput,
    ItemNotFound,
    LinkNotValid,
    NotVerified,
    RateLimited,
    TicketNotFound,
)
from bot.backend.mailer import Mailer
from bot.backend.tickets import TicketRequest, open_ticket
from bot.config import BackendSettings, refuse_placeholder
from bot.domain.review_page import BadPage, PageRequest, page_from_query

logger = logging.getLogger(__name__)

ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "not_verified",
    410: "link_not_valid",
    429: "rate_limited",
    500: "internal",
    503: "unavailable",
}
# Fixed texts for Sanic's own errors: its messages may repeat parts of the request.
SANIC_MESSAGES = {404: "There is no such route.", 405: "This route does not accept this method."}
PUBLIC_PATHS = {"/health"}

_app_numbers = itertools.count(1)
_dumps = functools.partial(json.dumps, ensure_ascii=False)


def _json(
    body: Any, status: int = 200, headers: Optional[Mapping[str, str]] = None
) -> HTTPResponse:
    return json_response(body, status=status, headers=dict(headers or {}), dumps=_dumps)


def error_response(
    status: int, message: str, headers: Optional[Mapping[str, str]] = None
) -> HTTPResponse:
    code = ERROR_CODES.get(status) or ("bad_request" if status < 500 else "internal")
    return _json({"error": code, "message": message}, status, headers)


def _error_for(exception: Exception) -> HTTPResponse:
    if isinstance(exception, InvalidInput):
        return error_response(400, str(exception))
    if isinstance(exception, CustomerNotFound):
        return error_response(404, "There is no customer with this number.")
    if isinstance(exception, TicketNotFound):
        return error_response(404, "There is no ticket with this reference.")
    if isinstance(exception, ItemNotFound):
        return error_response(404, "No message of the review queue has this id.")
    if isinstance(exception, NotVerified):
        return error_response(
            409, "This deletion request is not verified yet: it cannot be processed."
        )
    if isinstance(exception, LinkNotValid):
        return error_response(410, "This confirmation link is unknown, used or expired.")
    if isinstance(exception, RateLimited):
        return error_response(
            429,
            "Too many requests for this address or conversation.",
            {"Retry-After": str(exception.retry_after)},
        )
    if isinstance(exception, OperationalError):
        logger.error("database unavailable: %s", exception.orig)
        return error_response(503, "The database is unavailable; try again later.")
    if isinstance(exception, SanicException) and exception.status_code < 500:
        status = exception.status_code
        return error_response(
            status,
            SANIC_MESSAGES.get(status, "The request is not valid."),
            getattr(exception, "headers", None),
        )
    logger.error("unexpected error", exc_info=exception)
    return error_response(500, "Unexpected error; it has been logged.")


def _json_object(request: Request) -> Dict[str, Any]:
    try:
        body = json.loads(request.body) if request.body else None
    # ValueError includes invalid UTF-8; RecursionError is a body nested too deep.
    except (ValueError, RecursionError):
        raise InvalidInput("The body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise InvalidInput("The body must be a JSON object.")
    return body


def _required(body: Mapping[str, Any], name: str) -> str:
    value = _string(body, name)
    assert value is not None  # _string raised InvalidInput otherwise
    return value


def _string(body: Mapping[str, Any], name: str, required: bool = True) -> Optional[str]:
    value = body.get(name)
    if value is None:
        if required:
            raise InvalidInput(f"'{name}' is required.")
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"'{name}' must be a string.")
    # PostgreSQL stores neither NUL characters nor lone surrogates (from JSON escapes).
    if "\x00" in value or not _encodable(value):
        raise InvalidInput(f"'{name}' contains characters that are not allowed.")
    return value


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _authorisation_error(request: Request, expected_token: bytes) -> Optional[HTTPResponse]:
    if request.path.rstrip("/") in PUBLIC_PATHS:
        return None
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return error_response(
            401,
            "Send the API token as 'Authorization: Bearer <token>'.",
            {"WWW-Authenticate": "Bearer"},
        )
    if not hmac.compare_digest(token.encode(), expected_token):
        return error_response(403, "The API token is not valid.")
    return None


def _number_arg(request: Request, name: str) -> float:
    try:
        return float(request.args.get(name, ""))
    except ValueError:
        raise InvalidInput(f"'{name}' must be a number (POSIX seconds).") from None


def _page_args(request: Request) -> PageRequest:
    """The review queue's `days`, `before` and `limit`; the agents' page shows the French
    sentence of a refusal as it is."""
    try:
        return page_from_query(*(request.args.get(name) for name in ("days", "before", "limit")))
    except BadPage as problem:
        raise InvalidInput(str(problem)) from None


def cockpit_routes(context: BackendContext) -> Blueprint:
    """The customers' ratings and the agents' review queue (issue 13)."""
    routes = Blueprint(f"cockpit_{next(_app_numbers)}")

    @routes.post("/feedback/answers")
    async def rate_answer(request: Request) -> HTTPResponse:
        body = _json_object(request)
        rating = feedback.AnswerRating(
            conversation_id=_required(body, "conversation_id"),
            answer_at=feedback.answer_at_of(body.get("answer_at")),
            rating=_required(body, "rating"),
            comment=_string(body, "comment", required=False),
        )
        return _json(await asyncio.to_thread(feedback.rate_answer, context, rating))

    @routes.post("/feedback/conversations")
    async def rate_conversation(request: Request) -> HTTPResponse:
        body = _json_object(request)
        conversation_id = _required(body, "conversation_id")
        return _json(
            await asyncio.to_thread(
                feedback.rate_conversation, context, conversation_id, body.get("score")
            )
        )

    @routes.get("/feedback/summary")
    async def feedback_summary(request: Request) -> HTTPResponse:
        start, end = (_number_arg(request, name) for name in ("start", "end"))
        return _json(await asyncio.to_thread(feedback.summary, context, start, end))

    @routes.get("/review")
    async def review_queue(request: Request) -> HTTPResponse:
        return _json(await asyncio.to_thread(review.queue, context, _page_args(request)))

    @routes.get("/review/labels")
    async def review_labels(request: Request) -> HTTPResponse:
        return _json({"labels": await asyncio.to_thread(review.labels, context)})

    @routes.post("/review/labels")
    async def label_item(request: Request) -> HTTPResponse:
        body = _json_object(request)
        label = await asyncio.to_thread(
            review.label_item,
            context,
            _required(body, "id"),
            _required(body, "conversation"),
            _string(body, "intent", required=False),
            _required(body, "agent"),
        )
        return _json(label)

    @routes.post("/review/assistant-labels")
    async def label_text(request: Request) -> HTTPResponse:
        body = _json_object(request)
        label = await asyncio.to_thread(
            review.label_text,
            context,
            _required(body, "text"),
            _string(body, "intent", required=False),
            _required(body, "agent"),
            _string(body, "predicted_intent", required=False),
        )
        return _json(label, status=201)

    return routes


def create_app(settings: BackendSettings, sessions: sessionmaker) -> Sanic:
    """The API over the database of `sessions`. Each call makes an app of its own name, as
    Sanic refuses two apps with the same name in one process."""
    if not settings.api_token:
        raise ValueError("BACKEND_API_TOKEN is not set: the API would be open to anyone")
    refuse_placeholder("BACKEND_API_TOKEN", settings.api_token)
    expected_token = settings.api_token.encode()
    context = BackendContext(settings, sessions, Mailer(settings, sessions))
    app = Sanic(f"account_backend_{next(_app_numbers)}", configure_logging=False)
    app.blueprint(cockpit_routes(context))

    @app.on_request
    async def authenticate(request: Request) -> Optional[HTTPResponse]:
        return _authorisation_error(request, expected_token)

    @app.get("/health")
    async def health(request: Request) -> HTTPResponse:
        await asyncio.to_thread(context.health)
        return _json({"status": "ok"})

    @app.get("/customers/<customer_id>")
    async def customer(request: Request, customer_id: str) -> HTTPResponse:
        return _json(await asyncio.to_thread(accounts.customer, context, customer_id))

    @app.get("/customers/<customer_id>/addresses")
    async def addresses(request: Request, customer_id: str) -> HTTPResponse:
        return _json(
            {"addresses": await asyncio.to_thread(accounts.addresses, context, customer_id)}
        )

    @app.get("/customers/<customer_id>/orders")
    async def orders(request: Request, customer_id: str) -> HTTPResponse:
        return _json({"orders": await asyncio.to_thread(accounts.orders, context, customer_id)})

    @app.post("/tickets")
    async def tickets(request: Request) -> HTTPResponse:
        body = _json_object(request)
        ticket_request = TicketRequest(
            subject=_required(body, "subject"),
            email=_required(body, "email"),
            body=_required(body, "body"),
            conversation_id=_required(body, "conversation_id"),
            customer_id=_string(body, "customer_id", required=False),
        )
        ticket, created = await asyncio.to_thread(open_ticket, context, ticket_request)
        return _json({**ticket, "created": created}, status=201 if created else 200)

    @app.post("/tickets/<reference>/process")
    async def process_ticket(request: Request, reference: str) -> HTTPResponse:
        processed = await asyncio.to_thread(gdpr.process_ticket, context, reference)
        return _json({**dataclasses.asdict(processed), "status": "done"})

    @app.post("/deletion-confirmations")
    async def deletion_confirmations(request: Request) -> HTTPResponse:
        token = _required(_json_object(request), "token")
        reference = await asyncio.to_thread(deletion.confirm_deletion, context, token)
        return _json({"reference": reference, "verification": "verified"})

    @app.post("/password-emails")
    async def password_emails(request: Request) -> HTTPResponse:
        body = _json_object(request)
        await asyncio.to_thread(
            passwords.request_password_email,
            context,
            _required(body, "email"),
            _string(body, "conversation_id", required=False),
        )
        return _json({"status": "accepted"}, status=202)

    @app.exception(Exception)
    def handle_error(request: Request, exception: Exception) -> HTTPResponse:
        return _error_for(exception)

    return app
