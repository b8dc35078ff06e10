"""What every route group of the web server shares: its errors, its signed cookies, the JSON
body check and the calls to Rasa and the backend. One home, so that the chat, demo and
agent blueprints cannot drift apart on how they read a cookie or refuse a body."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from typing import Any, Dict, Optional

import aiohttp
import jwt
from sanic import Request
from sanic.exceptions import SanicException
from sanic.response import HTTPResponse

from bot.clients.account import AccountClient
from bot.config import Settings
from bot.domain.hours import describe_hours

logger = logging.getLogger("bot.web")

SESSION_COOKIE, AGENT_COOKIE = "rb_session", "rb_agent"
SESSION_SECONDS, AGENT_SESSION_SECONDS = 30 * 24 * 3600, 8 * 3600


class ApiError(SanicException):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message, status_code=status)
        self.code = code


def config_of(request: Request) -> Settings:
    return request.app.ctx.config


def read_cookie(request: Request, name: str) -> Dict[str, Any]:
    secret = config_of(request).web.session_secret or ""
    try:
        return jwt.decode(request.cookies.get(name, ""), secret, algorithms=["HS256"])
    except jwt.PyJWTError:
        return {}


def write_cookie(
    request: Request, response: HTTPResponse, name: str, claims: Dict[str, Any], seconds: int
) -> None:
    web = config_of(request).web
    value = jwt.encode(
        {**claims, "exp": int(time.time()) + seconds}, web.session_secret or "", algorithm="HS256"
    )
    response.cookies[name] = value
    for key, setting in (
        ("httponly", True),
        ("samesite", "Lax"),
        ("path", "/"),
        ("max-age", seconds),
        ("secure", web.secure_cookies),
    ):
        response.cookies[name][key] = setting


def session(request: Request) -> Dict[str, Any]:
    """The browser's session: its conversation id, and the demo customer when logged in."""
    current = read_cookie(request, SESSION_COOKIE)
    current.setdefault("conv", str(uuid.uuid4()))
    current.pop("exp", None)
    return current


def with_session(request: Request, response: HTTPResponse, current: Dict[str, Any]) -> HTTPResponse:
    write_cookie(request, response, SESSION_COOKIE, current, SESSION_SECONDS)
    return response


def json_body(request: Request) -> Dict[str, Any]:
    # A JSON content type also keeps other sites' forms out (no CSRF without CORS).
    if "application/json" not in request.headers.get("content-type", ""):
        raise ApiError(415, "unsupported_media_type", "Envoyez du JSON.")
    try:
        body = request.json
    except Exception:
        body = None
    if not isinstance(body, dict):
        raise ApiError(400, "bad_request", "Requête invalide.")
    return body


def unavailable(config: Settings) -> ApiError:
    return ApiError(
        503,
        "unavailable",
        "Le service est momentanément indisponible. Appelez nos conseillers au "
        f"{config.phone.number}, {describe_hours(config.phone)}.",
    )


def backend(request: Request) -> AccountClient:
    return AccountClient(config_of(request).backend)


async def call_rasa(
    request: Request,
    method: str,
    path: str,
    params: Optional[Dict[str, str]] = None,
    **kwargs: Any,
) -> Any:
    config = config_of(request)
    token = {"token": config.rasa_auth_token} if config.rasa_auth_token else {}
    try:
        async with request.app.ctx.http.request(
            method, config.rasa_url + path, params={**token, **(params or {})}, **kwargs
        ) as r:
            if r.status != 200:
                logger.warning("rasa %s answered %s", path.split("/")[1], r.status)
                raise unavailable(config)
            return await r.json()
    except (aiohttp.ClientError, asyncio.TimeoutError) as error:
        logger.warning("rasa unreachable: %s", type(error).__name__)
        raise unavailable(config) from error
