"""The agents' answer assistant (docs/web-api.md, "Agents"): log-in, suggestions for a
pasted message, ticket processing.

Agents log in with their own names (bot/domain/agents.py), failures back off per address
and per name (bot/web/throttle.py), and every action is logged with the agent's name. The
agent's session cookie carries a CSRF token that agent.js sends back in `X-CSRF-Token` on
every POST; help-desk tools use the bearer token instead (issue 12, findings 6 and 7)."""

from __future__ import annotations

import asyncio
import hmac
import math
import secrets
from pathlib import Path
from typing import Any, Dict

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, empty, file, json

from bot.clients.account import BackendUnavailable, NotFound, NotVerified
from bot.domain.agents import MAX_PASSWORD_LENGTH
from bot.domain.handover import current_time, handover_response
from bot.domain.identifiers import parse_customer_id
from bot.domain.messages import MAX_PASTED_LENGTH
from bot.domain.responses import render
from bot.domain.tickets import is_ticket_reference
from bot.web import assistant
from bot.web.http import (
    AGENT_COOKIE,
    AGENT_SESSION_SECONDS,
    SAFE_METHODS,
    ApiError,
    backend,
    bearer_agent,
    call_rasa,
    config_of,
    ended_log_ins,
    json_body,
    logger,
    read_cookie,
    write_cookie,
)

STATIC = Path(__file__).resolve().parent / "static"

agent = Blueprint("agent")


CSRF_HEADER = "x-csrf-token"


def _checked_csrf(request: Request, claims: Dict[str, Any]) -> None:
    """A POST with the agent's cookie must also carry the session's CSRF token: another
    site can make the browser send the cookie, never read the token."""
    if request.method in SAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER, "").encode("utf-8", "replace")
    if not hmac.compare_digest(sent, str(claims.get("csrf", "")).encode()) or not sent:
        raise ApiError(
            403, "forbidden", "Jeton de sécurité manquant ou périmé : rechargez la page."
        )


def required_agent(request: Request) -> str:
    """The logged-in agent (cookie and CSRF token), or "api" for a help-desk tool with the
    bearer token; 401 otherwise."""
    if bearer_agent(request):
        return "api"
    claims = read_cookie(request, AGENT_COOKIE)
    # The CSRF token also names the log-in: a log-out ends it (copies of the cookie too).
    if not claims.get("agent") or claims.get("csrf") in ended_log_ins(request):
        raise ApiError(401, "unauthorized", "Connectez-vous.")
    _checked_csrf(request, claims)
    return str(claims["agent"])


def _credential(body: Dict[str, Any], name: str) -> str:
    """A user name or password as typed: text that UTF-8 can hold, of a sane length."""
    value = body.get(name, "")
    if not isinstance(value, str) or len(value) > MAX_PASSWORD_LENGTH:
        raise ApiError(400, "bad_request", "Identifiant ou mot de passe invalide.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ApiError(400, "bad_request", "Identifiant ou mot de passe invalide.") from error
    return value


def _too_many_attempts(seconds: float) -> ApiError:
    wait = max(1, math.ceil(seconds))
    return ApiError(
        429,
        "rate_limited",
        f"Trop de tentatives de connexion. Réessayez dans {wait}\u00a0s.",
        headers={"Retry-After": str(wait)},
    )


@agent.get("/agent")
async def agent_page(request: Request) -> HTTPResponse:
    return await file(STATIC / "agent.html")


@agent.post("/agent/login")
async def agent_login(request: Request) -> HTTPResponse:
    body = json_body(request)
    username = _credential(body, "username").strip().lower()
    password = _credential(body, "password")
    address = request.remote_addr or request.ip
    agents, throttle = request.app.ctx.agents, request.app.ctx.login_throttle
    # Only an account's name is logged: a password typed in the name field must not be.
    logged_name = username if username in agents.names else "(no such agent)"
    wait = throttle.retry_after(address, username)
    if wait:
        logger.info("agent log-in locked for %s from %s", logged_name, address)
        raise _too_many_attempts(wait)
    if not await asyncio.to_thread(agents.verify, username, password):
        throttle.failed(address, username)
        logger.info("agent log-in refused for %s from %s", logged_name, address)
        raise ApiError(401, "unauthorized", "Identifiant ou mot de passe incorrect.")
    throttle.succeeded(address, username)
    logger.info("agent %s logged in from %s", username, address)
    csrf = secrets.token_urlsafe(32)
    response = json({"agent": username, "csrf_token": csrf})
    claims = {"agent": username, "csrf": csrf}
    write_cookie(request, response, AGENT_COOKIE, claims, AGENT_SESSION_SECONDS)
    return response


@agent.post("/agent/logout")
async def agent_logout(request: Request) -> HTTPResponse:
    claims = read_cookie(request, AGENT_COOKIE)
    if claims.get("agent"):
        _checked_csrf(request, claims)
        ended_log_ins(request).end(claims["csrf"], claims["exp"])
        logger.info("agent %s logged out", claims["agent"])
    response = empty()
    response.cookies[AGENT_COOKIE] = ""
    response.cookies[AGENT_COOKIE]["max-age"] = 0
    return response


@agent.get("/agent/api/me")
async def agent_me(request: Request) -> HTTPResponse:
    """Who is logged in, and the session's CSRF token for agent.js after a reload."""
    name = required_agent(request)
    return json({"agent": name, "csrf_token": read_cookie(request, AGENT_COOKIE).get("csrf")})


@agent.post("/agent/api/tickets/<reference>/process")
async def agent_process_ticket(request: Request, reference: str) -> HTTPResponse:
    """Closes a ticket; for « Suppression compte », erases the account and the
    customer's conversations (GDPR)."""
    name = required_agent(request)
    json_body(request)
    no_such_ticket = ApiError(404, "not_found", "Aucun ticket ne porte cette référence.")
    if not is_ticket_reference(reference):
        raise no_such_ticket
    try:
        processed = await asyncio.to_thread(backend(request).process_ticket, reference)
    except NotFound as error:
        raise no_such_ticket from error
    except NotVerified as error:
        raise ApiError(
            409,
            "not_verified",
            "Demande de suppression « non vérifiée » : le client doit d'abord cliquer sur le "
            "lien de l'e-mail « Confirmez la suppression de votre compte ». Elle ne peut pas "
            "être traitée avant.",
        ) from error
    except BackendUnavailable as error:
        raise ApiError(
            503, "unavailable", "Le service des comptes ne répond pas. Réessayez."
        ) from error
    logger.info("agent %s processed ticket %s", name, processed.get("reference"))
    return json(processed)


def _suggest_request(body: Dict[str, Any]) -> tuple:
    message = body.get("message")
    if not isinstance(message, str) or not message.strip() or len(message) > MAX_PASTED_LENGTH:
        raise ApiError(
            400,
            "bad_request",
            f"Collez le message du client ({MAX_PASTED_LENGTH:,} caractères au plus).".replace(
                ",", "\u00a0"
            ),
        )
    customer_id = None
    if body.get("customer_id"):
        customer_id = parse_customer_id(str(body["customer_id"]))
        if customer_id is None:
            raise ApiError(400, "bad_request", "Numéro client invalide (par exemple C1234567).")
    return message.strip(), customer_id


@agent.post("/agent/api/suggest")
async def agent_suggest(request: Request) -> HTTPResponse:
    name = required_agent(request)
    config = config_of(request)
    message, customer_id = _suggest_request(json_body(request))
    logger.info(
        "agent %s asked for suggestions (%s)",
        name,
        "with a customer account" if customer_id else "no customer account",
    )
    account, account_error = None, None
    if customer_id:
        try:
            account = await asyncio.to_thread(assistant.load_account, backend(request), customer_id)
        except BackendUnavailable:
            account_error = "Compte introuvable ou données du compte indisponibles."
    parse = await call_rasa(request, "POST", "/model/parse", json={"text": message})
    response = handover_response(current_time(config), config.phone)
    handover = render(response.pop("response"), response)
    suggestions = assistant.suggest(parse, account, handover, request.app.ctx.threshold)
    return json(assistant.as_json(suggestions, account, handover, account_error))
