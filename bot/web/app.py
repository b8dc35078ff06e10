"""The web server: demo shop page, chat widget API, demo log-in, agents' assistant.

The browser never talks to Rasa: the widget posts to /chat/messages and this
server forwards to Rasa's REST channel on the loopback, adding the signed
customer token from its own HttpOnly session cookie. The page's JavaScript
never sees a token, so it can neither read nor choose an identity.
Contract: docs/web-api.md.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
import uuid
from pathlib import Path
from typing import Any, Dict, List, Optional

import aiohttp
import jwt
from sanic import Request, Sanic
from sanic.exceptions import SanicException
from sanic.response import HTTPResponse, empty, file, json

from bot.clients.account import AccountClient, BackendUnavailable, NotFound
from bot.config import Settings
from bot.domain.handover import current_time, handover_response
from bot.domain.hours import describe_hours
from bot.domain.identifiers import parse_customer_id
from bot.domain.messages import MAX_MESSAGE_LENGTH
from bot.domain.responses import render
from bot.domain.tokens import issue_token
from bot.web import assistant

logger = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
SESSION_COOKIE, AGENT_COOKIE = "rb_session", "rb_agent"
SESSION_SECONDS, AGENT_SESSION_SECONDS = 30 * 24 * 3600, 8 * 3600
# The seeded demo accounts the demo log-in offers (docs/backend-api.md).
DEMO_CUSTOMERS = ["C1000001", "C1000002", "C1000003", "C1000004", "C1000005"]
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


class ApiError(SanicException):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message, status_code=status)
        self.code = code


def create_app(config: Settings) -> Sanic:  # noqa: C901 (split into blueprints: issue 15)
    web = config.web
    if not (web.session_secret and web.agent_password):
        raise ValueError("WEB_SESSION_SECRET and AGENT_PASSWORD must be set (make run sets them)")
    session_secret, agent_password = web.session_secret, web.agent_password
    app = Sanic("web", configure_logging=False)
    app.config.FALLBACK_ERROR_FORMAT = "json"
    app.static("/static", str(STATIC))
    rasa = config.rasa_url
    rasa_params = {"token": config.rasa_auth_token} if config.rasa_auth_token else {}
    threshold = assistant.fallback_threshold()

    # --- sessions -------------------------------------------------------------------

    def read_cookie(request: Request, name: str) -> Dict[str, Any]:
        try:
            return jwt.decode(request.cookies.get(name, ""), session_secret, algorithms=["HS256"])
        except jwt.PyJWTError:
            return {}

    def write_cookie(
        response: HTTPResponse, name: str, claims: Dict[str, Any], seconds: int
    ) -> None:
        value = jwt.encode(
            {**claims, "exp": int(time.time()) + seconds}, session_secret, algorithm="HS256"
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
        current = read_cookie(request, SESSION_COOKIE)
        current.setdefault("conv", str(uuid.uuid4()))
        current.pop("exp", None)
        return current

    def with_session(response: HTTPResponse, current: Dict[str, Any]) -> HTTPResponse:
        write_cookie(response, SESSION_COOKIE, current, SESSION_SECONDS)
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

    def handover_text() -> str:
        response = handover_response(current_time(config), config.phone)
        return render(response.pop("response"), response)

    def unavailable() -> ApiError:
        return ApiError(
            503,
            "unavailable",
            "Le service est momentanément indisponible. Appelez nos conseillers au "
            f"{config.phone.number}, {describe_hours(config.phone)}.",
        )

    async def call_rasa(
        method: str, path: str, params: Optional[Dict[str, str]] = None, **kwargs: Any
    ) -> Any:
        try:
            async with app.ctx.http.request(
                method, rasa + path, params={**rasa_params, **(params or {})}, **kwargs
            ) as r:
                if r.status != 200:
                    logger.warning("rasa %s answered %s", path.split("/")[1], r.status)
                    raise unavailable()
                return await r.json()
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            logger.warning("rasa unreachable: %s", type(error).__name__)
            raise unavailable() from error

    # --- lifecycle and errors ----------------------------------------------------------

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

    @app.exception(Exception)
    async def error(request: Request, exception: Exception) -> HTTPResponse:
        if isinstance(exception, ApiError):
            return json({"error": exception.code, "message": str(exception)}, exception.status_code)
        if isinstance(exception, SanicException) and exception.status_code < 500:
            return json(
                {"error": "bad_request", "message": "Requête invalide."}, exception.status_code
            )
        logger.exception("unexpected error on %s", request.path)
        return json({"error": "internal", "message": "Erreur inattendue."}, 500)

    # --- pages ------------------------------------------------------------------------

    @app.get("/")
    async def shop(request: Request) -> HTTPResponse:
        return await file(STATIC / "index.html")

    @app.get("/agent")
    async def agent_page(request: Request) -> HTTPResponse:
        return await file(STATIC / "agent.html")

    @app.get("/health")
    async def health(request: Request) -> HTTPResponse:
        return json({"status": "ok"})

    # --- chat widget --------------------------------------------------------------------

    @app.get("/chat/config")
    async def chat_config(request: Request) -> HTTPResponse:
        return json(
            {
                "phone": config.phone.number,
                "hours": describe_hours(config.phone),
                "max_length": MAX_MESSAGE_LENGTH,
            }
        )

    @app.post("/chat/messages")
    async def chat_message(request: Request) -> HTTPResponse:
        message = json_body(request).get("message")
        if not isinstance(message, str) or not message.strip():
            raise ApiError(400, "bad_request", "Votre message est vide : écrivez votre question.")
        message = message.strip()
        if len(message) > MAX_MESSAGE_LENGTH:
            raise ApiError(
                400,
                "bad_request",
                f"Votre message est trop long : {MAX_MESSAGE_LENGTH} "
                "caractères au plus. Pouvez-vous le raccourcir ?",
            )
        current = session(request)
        metadata = (
            {"auth_token": current["customer_token"]} if current.get("customer_token") else {}
        )
        replies = await call_rasa(
            "POST",
            "/webhooks/rest/webhook",
            json={"sender": current["conv"], "message": message, "metadata": metadata},
        )
        return with_session(json({"replies": [_reply(r) for r in replies]}), current)

    @app.get("/chat/history")
    async def chat_history(request: Request) -> HTTPResponse:
        current = read_cookie(request, SESSION_COOKIE)
        if "conv" not in current:
            return json({"messages": []})
        tracker = await call_rasa(
            "GET", f"/conversations/{current['conv']}/tracker", params={"include_events": "ALL"}
        )
        return json({"messages": _history(tracker.get("events", []))})

    @app.post("/chat/reset")
    async def chat_reset(request: Request) -> HTTPResponse:
        current = session(request)
        current["conv"] = str(uuid.uuid4())
        return with_session(empty(), current)

    # --- demo log-in (stands for the shop's own) ---------------------------------------------

    def backend() -> AccountClient:
        return AccountClient(config.backend)

    @app.get("/demo/customers")
    async def demo_customers(request: Request) -> HTTPResponse:
        try:
            customers = [await asyncio.to_thread(backend().customer, c) for c in DEMO_CUSTOMERS]
        except BackendUnavailable as error:
            raise ApiError(503, "unavailable", "Comptes de démonstration indisponibles.") from error
        return json(
            {
                "customers": [
                    {"customer_id": c.customer_id, "name": f"{c.first_name} {c.last_name}"}
                    for c in customers
                ]
            }
        )

    @app.get("/demo/me")
    async def demo_me(request: Request) -> HTTPResponse:
        current = read_cookie(request, SESSION_COOKIE)
        return json({"customer": current.get("customer")})

    @app.post("/demo/login")
    async def demo_login(request: Request) -> HTTPResponse:
        customer_id = json_body(request).get("customer_id")
        if customer_id not in DEMO_CUSTOMERS:
            raise ApiError(404, "not_found", "Compte de démonstration inconnu.")
        try:
            customer = await asyncio.to_thread(backend().customer, customer_id)
        except BackendUnavailable as error:
            raise ApiError(503, "unavailable", "Connexion impossible pour le moment.") from error
        current = session(request)
        current["customer"] = {
            "customer_id": customer_id,
            "name": f"{customer.first_name} {customer.last_name}",
        }
        current["customer_token"] = issue_token(customer_id, config.tokens)
        return with_session(json({"customer": current["customer"]}), current)

    @app.post("/demo/logout")
    async def demo_logout(request: Request) -> HTTPResponse:
        current = session(request)
        current.pop("customer", None)
        current.pop("customer_token", None)
        return with_session(empty(), current)

    # --- agents' answer assistant -------------------------------------------------------------

    def agent_name(request: Request) -> Optional[str]:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if (
            web.agent_api_token
            and scheme.lower() == "bearer"
            and hmac.compare_digest(token.strip().encode(), web.agent_api_token.encode())
        ):
            return "api"
        return read_cookie(request, AGENT_COOKIE).get("agent")

    @app.post("/agent/login")
    async def agent_login(request: Request) -> HTTPResponse:
        body = json_body(request)
        username, password = str(body.get("username", "")), str(body.get("password", ""))
        # `&`, not `and`: both comparisons always run, so timing tells nothing about the user name.
        valid = hmac.compare_digest(
            username.encode(), web.agent_username.encode()
        ) & hmac.compare_digest(password.encode(), agent_password.encode())
        if not valid:
            await asyncio.sleep(0.5)  # slows guessing down
            raise ApiError(401, "unauthorized", "Identifiant ou mot de passe incorrect.")
        response = json({"agent": username})
        write_cookie(response, AGENT_COOKIE, {"agent": username}, AGENT_SESSION_SECONDS)
        return response

    @app.post("/agent/logout")
    async def agent_logout(request: Request) -> HTTPResponse:
        response = empty()
        response.cookies[AGENT_COOKIE] = ""
        response.cookies[AGENT_COOKIE]["max-age"] = 0
        return response

    @app.get("/agent/api/me")
    async def agent_me(request: Request) -> HTTPResponse:
        agent = agent_name(request)
        if not agent:
            raise ApiError(401, "unauthorized", "Connectez-vous.")
        return json({"agent": agent})

    @app.post("/agent/api/tickets/<reference>/process")
    async def agent_process_ticket(request: Request, reference: str) -> HTTPResponse:
        """Closes a ticket; for « Suppression compte », erases the account and the
        customer's conversations (GDPR)."""
        if not agent_name(request):
            raise ApiError(401, "unauthorized", "Connectez-vous.")
        try:
            processed = await asyncio.to_thread(backend().process_ticket, reference)
        except NotFound as error:
            raise ApiError(404, "not_found", "Aucun ticket ne porte cette référence.") from error
        except BackendUnavailable as error:
            raise ApiError(
                503, "unavailable", "Le service des comptes ne répond pas. Réessayez."
            ) from error
        logger.info("agent %s processed ticket %s", agent_name(request), processed.get("reference"))
        return json(processed)

    @app.post("/agent/api/suggest")
    async def agent_suggest(request: Request) -> HTTPResponse:
        if not agent_name(request):
            raise ApiError(401, "unauthorized", "Connectez-vous.")
        body = json_body(request)
        message = body.get("message")
        if (
            not isinstance(message, str)
            or not message.strip()
            or len(message) > 5 * MAX_MESSAGE_LENGTH
        ):
            raise ApiError(
                400, "bad_request", "Collez le message du client (5 000 caractères au plus)."
            )
        account, account_error = None, None
        if body.get("customer_id"):
            customer_id = parse_customer_id(str(body["customer_id"]))
            if customer_id is None:
                raise ApiError(400, "bad_request", "Numéro client invalide (par exemple C1234567).")
            try:
                account = await asyncio.to_thread(assistant.load_account, backend(), customer_id)
            except BackendUnavailable:
                account_error = "Compte introuvable ou données du compte indisponibles."
        parse = await call_rasa("POST", "/model/parse", json={"text": message.strip()})
        handover = handover_text()
        suggestions = assistant.suggest(parse, account, handover, threshold)
        return json(assistant.as_json(suggestions, account, handover, account_error))

    return app


def _reply(reply: Dict[str, Any]) -> Dict[str, Any]:
    return {
        "text": reply.get("text", ""),
        "buttons": [
            {"title": b.get("title", ""), "payload": b.get("payload", "")}
            for b in reply.get("buttons") or []
        ],
    }


def _history(events: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """User and bot messages of a tracker; a clicked button shows as its title."""
    messages: List[Dict[str, Any]] = []
    titles: Dict[str, str] = {}
    for event in events:
        if event.get("event") == "user":
            text = event.get("text") or ""
            messages.append({"from": "user", "text": titles.get(text, text)})
        elif event.get("event") == "bot":
            reply = _reply({"text": event.get("text"), **(event.get("data") or {})})
            titles.update({b["payload"]: b["title"] for b in reply["buttons"]})
            messages.append({"from": "bot", **reply})
    return messages
