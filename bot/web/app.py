"""The web server: demo shop page, chat widget API, demo log-in, agents' assistant.

One Sanic blueprint per route group: `chat` (the shop page and the widget), `feedback`
(the widget's ratings), `demo` (the demo log-in, only in demo mode), `agent` (the agents'
answer assistant), `dashboard` (the agents' figures), `review` (the agents' review queue)
and `metrics` (Prometheus), mounted by `bot/web/routes.py`. What they share lives in
`bot/web/http.py`. Contract: docs/web-api.md.
"""

from __future__ import annotations

import aiohttp
from sanic import Request, Sanic
from sanic.exceptions import SanicException
from sanic.response import HTTPResponse, json

from bot.clients.conversations import ConversationStore
from bot.config import Settings, refuse_placeholder
from bot.domain.agents import AgentAccounts
from bot.domain.typography import french
from bot.web import assistant
from bot.web.http import ApiError, EndedLogIns, logger, refuse_cross_site
from bot.web.metrics import ChatMetrics
from bot.web.routes import add_routes
from bot.web.throttle import LoginThrottle

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def agent_accounts(config: Settings) -> AgentAccounts:
    """The named agents (AGENT_ACCOUNTS, AGENT_ACCOUNTS_FILE); ValueError when none."""
    accounts = AgentAccounts.parse(config.web.agent_accounts)
    if not accounts.names:
        raise ValueError(
            "no agent account: set AGENT_ACCOUNTS or AGENT_ACCOUNTS_FILE to 'name:hash' lines "
            "(python -m bot.ops.agents add NAME prints one; make run makes a demo agent)"
        )
    return accounts


def create_app(config: Settings) -> Sanic:
    web = config.web
    if not web.session_secret:
        raise ValueError("WEB_SESSION_SECRET must be set (make run sets it)")
    refuse_placeholder("WEB_SESSION_SECRET", web.session_secret)
    refuse_placeholder("AGENT_API_TOKEN", web.agent_api_token)
    refuse_placeholder("METRICS_TOKEN", web.metrics_token)
    refuse_placeholder("RASA_AUTH_TOKEN", config.rasa_auth_token)
    app = Sanic("web", configure_logging=False)
    app.config.FALLBACK_ERROR_FORMAT = "json"
    app.ctx.config = config
    app.ctx.agents = agent_accounts(config)
    app.ctx.login_throttle = LoginThrottle()
    app.ctx.ended_log_ins = EndedLogIns()
    app.ctx.threshold = assistant.fallback_threshold()
    app.ctx.metrics = ChatMetrics()
    # Connects at the first read (the dashboard's), not here.
    app.ctx.conversations = ConversationStore(config.tracker_store_url)
    add_routes(app, web.demo_mode)

    @app.before_server_start
    async def open_http(app: Sanic, _loop) -> None:
        app.ctx.http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20))

    @app.after_server_stop
    async def close_http(app: Sanic, _loop) -> None:
        await app.ctx.http.close()
        app.ctx.conversations.close()

    @app.on_request
    async def same_origin_only(request: Request) -> None:
        refuse_cross_site(request)

    @app.on_response
    async def security_headers(request: Request, response: HTTPResponse) -> None:
        for header, value in SECURITY_HEADERS.items():
            response.headers.setdefault(header, value)
        # The JSON answers carry conversations, accounts and tickets: no cache keeps them.
        if (response.content_type or "").startswith("application/json"):
            response.headers.setdefault("Cache-Control", "no-store")

    @app.exception(Exception)
    async def on_error(request: Request, exception: Exception) -> HTTPResponse:
        return error_response(request, exception)

    return app


def error_response(request: Request, exception: Exception) -> HTTPResponse:
    if isinstance(exception, ApiError):
        # Customers and agents read these sentences: French typography, in one place.
        return json(
            {"error": exception.code, "message": french(str(exception))},
            exception.status_code,
            headers=exception.headers,
        )
    if isinstance(exception, SanicException) and exception.status_code < 500:
        return json({"error": "bad_request", "message": "Requête invalide."}, exception.status_code)
    if _no_such_static_file(request, exception):
        return json({"error": "not_found", "message": "Page introuvable."}, 404)
    logger.exception("unexpected error on %s", request.path)
    return json({"error": "internal", "message": "Erreur inattendue."}, 500)


STATIC_ROUTES = ("web.static", "web.favicon")


def _no_such_static_file(request: Request, exception: Exception) -> bool:
    """Sanic's static handler lets through what no file can be: a directory (/static/) or a
    name with a NUL byte (ValueError); both are no file of ours, not a server error."""
    route = request.route
    return (
        route is not None
        and route.name in STATIC_ROUTES
        and isinstance(exception, (IsADirectoryError, NotADirectoryError, ValueError))
    )
