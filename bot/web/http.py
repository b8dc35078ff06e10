"""What every route group of the web server shares: its errors, its signed cookies, the
browser's session, the same-origin and JSON body checks and the calls to Rasa and the
backend. One home, so that the chat, demo and agent blueprints cannot drift apart on how
they read a cookie or refuse a request."""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
import uuid
from typing import Any, Dict, Mapping, Optional, Tuple
from urllib.parse import urlsplit

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
    def __init__(
        self, status: int, code: str, message: str, headers: Optional[Dict[str, str]] = None
    ) -> None:
        super().__init__(message, status_code=status)
        self.code = code
        self.headers = headers or {}


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


class EndedLogIns:
    """Log-ins ended by a log-out before their cookie expires. The cookies are signed, not
    stored: without this list a copy taken before the log-out would still work after it.
    Kept in the web server's memory (one process) until each log-in would have ended."""

    def __init__(self) -> None:
        self._until: Dict[str, float] = {}

    def end(self, log_in: str, until: float) -> None:
        now = time.time()
        self._until = {key: end for key, end in self._until.items() if end > now}
        self._until[log_in] = until

    def __contains__(self, log_in: object) -> bool:
        return log_in in self._until


def ended_log_ins(request: Request) -> EndedLogIns:
    return request.app.ctx.ended_log_ins


def new_session() -> Dict[str, Any]:
    """A session of its own conversation: at every log-in, log-out and expired log-in, so
    that on a shared computer nobody sees the previous customer's messages (issue 12,
    finding 3)."""
    return {"conv": str(uuid.uuid4())}


def session(request: Request) -> Dict[str, Any]:
    """The browser's session: its conversation id and, when logged in, the customer and when
    the log-in ends (`until`). It holds no customer token: the cookie is signed, not
    encrypted, and a token read from it would stay valid after the log-out."""
    current = read_cookie(request, SESSION_COOKIE)
    current.pop("exp", None)
    if "customer" in current and not current.get("until", 0) > time.time():
        logger.info("customer log-in expired: new conversation")
        return new_session()
    if "customer" in current and current.get("log_in") in ended_log_ins(request):
        logger.info("session cookie of an ended log-in: new conversation")
        return new_session()
    if "conv" not in current:
        current.update(new_session())
    return current


def with_session(request: Request, response: HTTPResponse, current: Dict[str, Any]) -> HTTPResponse:
    write_cookie(request, response, SESSION_COOKIE, current, SESSION_SECONDS)
    return response


def is_json(content_type: str) -> bool:
    """`application/json`, with at most a UTF-8 charset. Exact: a form can send
    `text/plain; application/json` without CORS, and must not get through."""
    media_type, *parameters = content_type.split(";")
    if media_type.strip().lower() != "application/json" or len(parameters) > 1:
        return False
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() != "charset" or value.strip().strip('"').lower() != "utf-8":
            return False
    return True


def json_body(request: Request) -> Dict[str, Any]:
    """The JSON object of a POST. Every POST of the widget and the pages sends one, even
    empty: a JSON content type needs a CORS preflight, which other sites do not get."""
    if not is_json(request.headers.get("content-type", "")):
        raise ApiError(415, "unsupported_media_type", "Envoyez du JSON.")
    try:
        body = request.json
    except Exception:
        body = None
    if not isinstance(body, dict):
        raise ApiError(400, "bad_request", "Requête invalide.")
    return body


def bearer_agent(request: Request) -> bool:
    """Whether the request carries AGENT_API_TOKEN: a help-desk tool, not a browser."""
    expected = config_of(request).web.agent_api_token
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return bool(
        expected
        and scheme.lower() == "bearer"
        and hmac.compare_digest(token.strip().encode(), expected.encode())
    )


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _own_origin(request: Request, origin: str) -> bool:
    """The origin the page was served from: the Host the browser asked for, or the public
    address (WEB_PUBLIC_URL) when a proxy in front rewrites the Host."""
    parts = urlsplit(origin.strip().lower())
    public = urlsplit(config_of(request).backend.public_web_url.lower())
    return parts.scheme in ("http", "https") and (
        parts.netloc == request.headers.get("host", "").lower()
        or (parts.scheme, parts.netloc) == (public.scheme, public.netloc)
    )


def refuse_cross_site(request: Request) -> None:
    """Every state-changing request comes from our own pages (issue 12, finding 7).

    Browsers say where a request comes from: `Sec-Fetch-Site` (must be `same-origin`) and
    `Origin` (must be ours); both are checked when both are sent. A request with neither
    is not a browser's page, and only the help-desk tools with their bearer token send it.
    """
    # No route: a request Sanic could not even read (a header over its limit), answered
    # with its own error; nothing there changes any state.
    if request.method in SAFE_METHODS or request.route is None:
        return
    origin = request.headers.get("origin")
    fetch_site = request.headers.get("sec-fetch-site")
    if origin is None and fetch_site is None:
        allowed = bearer_agent(request)
    else:
        allowed = (fetch_site is None or fetch_site.strip().lower() == "same-origin") and (
            origin is None or _own_origin(request, origin)
        )
    if not allowed:
        logger.info("cross-site %s %s refused", request.method, request.path)
        raise ApiError(403, "forbidden", "Requête refusée : elle ne vient pas de notre site.")


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
    body, _headers = await rasa_answer(request, method, path, params, **kwargs)
    return body


async def rasa_answer(
    request: Request,
    method: str,
    path: str,
    params: Optional[Dict[str, str]] = None,
    **kwargs: Any,
) -> Tuple[Any, Mapping[str, str]]:
    """Rasa's JSON answer and its headers; the 503 with the phone line when it fails."""
    config = config_of(request)
    token = {"token": config.rasa_auth_token} if config.rasa_auth_token else {}
    try:
        async with request.app.ctx.http.request(
            method, config.rasa_url + path, params={**token, **(params or {})}, **kwargs
        ) as r:
            if r.status != 200:
                logger.warning("rasa %s answered %s", path.split("/")[1], r.status)
                raise unavailable(config)
            return await r.json(), r.headers
    except (aiohttp.ClientError, asyncio.TimeoutError) as error:
        logger.warning("rasa unreachable: %s", type(error).__name__)
        raise unavailable(config) from error
