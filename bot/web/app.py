"""The web server: demo shop page, chat widget API, demo log-in, agents' assistant.

One Sanic blueprint per route group: `chat` (the shop page and the widget), `demo` (the
demo log-in, only in demo mode) and `agent` (the agents' answer assistant). What they
share lives in `bot/web/http.py`. Contract: docs/web-api.md.
"""

from __future__ import annotations

import aiohttp
from sanic import Request, Sanic
from sanic.exceptions import SanicException
from sanic.response import HTTPResponse, json

from bot.config import Settings, refuse_placeholder
from bot.web import assistant
from bot.web.agent import agent
from bot.web.chat import STATIC, chat
from bot.web.deletion import deletion
from bot.web.demo import demo
from bot.web.http import ApiError, logger

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def create_app(config: Settings) -> Sanic:
    web = config.web
    if not (web.session_secret and web.agent_password):
        raise ValueError("WEB_SESSION_SECRET and AGENT_PASSWORD must be set (make run sets them)")
    refuse_placeholder("WEB_SESSION_SECRET", web.session_secret)
    refuse_placeholder("AGENT_PASSWORD", web.agent_password)
    refuse_placeholder("AGENT_API_TOKEN", web.agent_api_token)
    refuse_placeholder("RASA_AUTH_TOKEN", config.rasa_auth_token)
    app = Sanic("web", configure_logging=False)
    app.config.FALLBACK_ERROR_FORMAT = "json"
    app.ctx.config = config
    app.ctx.threshold = assistant.fallback_threshold()
    app.static("/static", str(STATIC))
    # Browsers ask for it on every page; a 404 there is noise in every console.
    app.static("/favicon.ico", str(STATIC / "favicon.ico"), name="favicon")
    app.blueprint(chat)
    app.blueprint(agent)
    app.blueprint(deletion)
    if web.demo_mode:
        app.blueprint(demo)

    @app.before_server_start
    async def open_http(app: Sanic, _loop) -> None:
        app.ctx.http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20))

    @app.after_server_stop
    async def close_http(app: Sanic, _loop) -> None:
        await app.ctx.http.close()

    @app.on_response
    async def security_headers(request: Request, response: HTTPResponse) -> None:
        for header, value in SECURITY_HEADERS.items():
            response.headers.setdefault(header, value)

    @app.get("/health")
    async def health(request: Request) -> HTTPResponse:
        return json({"status": "ok"})

    @app.exception(Exception)
    async def on_error(request: Request, exception: Exception) -> HTTPResponse:
        return error_response(request, exception)

    return app


def error_response(request: Request, exception: Exception) -> HTTPResponse:
    if isinstance(exception, ApiError):
        return json({"error": exception.code, "message": str(exception)}, exception.status_code)
    if isinstance(exception, SanicException) and exception.status_code < 500:
        return json({"error": "bad_request", "message": "Requête invalide."}, exception.status_code)
    logger.exception("unexpected error on %s", request.path)
    return json({"error": "internal", "message": "Erreur inattendue."}, 500)
