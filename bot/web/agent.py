"""The agents' answer assistant (docs/web-api.md, "Agents' answer assistant"): log-in,
suggestions for a pasted message, ticket processing."""

from __future__ import annotations

import asyncio
import hmac
from pathlib import Path
from typing import Any, Dict, Optional

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, empty, file, json

from bot.clients.account import BackendUnavailable, NotFound, NotVerified
from bot.domain.handover import current_time, handover_response
from bot.domain.identifiers import parse_customer_id
from bot.domain.messages import MAX_MESSAGE_LENGTH
from bot.domain.responses import render
from bot.web import assistant
from bot.web.http import (
    AGENT_COOKIE,
    AGENT_SESSION_SECONDS,
    ApiError,
    backend,
    call_rasa,
    config_of,
    json_body,
    logger,
    read_cookie,
    write_cookie,
)

STATIC = Path(__file__).resolve().parent / "static"

agent = Blueprint("agent")


def agent_name(request: Request) -> Optional[str]:
    """The logged-in agent (cookie), or "api" for a help-desk tool with the bearer token."""
    web = config_of(request).web
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if (
        web.agent_api_token
        and scheme.lower() == "bearer"
        and hmac.compare_digest(token.strip().encode(), web.agent_api_token.encode())
    ):
        return "api"
    return read_cookie(request, AGENT_COOKIE).get("agent")


def required_agent(request: Request) -> str:
    name = agent_name(request)
    if not name:
        raise ApiError(401, "unauthorized", "Connectez-vous.")
    return name


@agent.get("/agent")
async def agent_page(request: Request) -> HTTPResponse:
    return await file(STATIC / "agent.html")


@agent.post("/agent/login")
async def agent_login(request: Request) -> HTTPResponse:
    web = config_of(request).web
    body = json_body(request)
    username, password = str(body.get("username", "")), str(body.get("password", ""))
    # `&`, not `and`: both comparisons always run, so timing tells nothing about the user name.
    valid = hmac.compare_digest(
        username.encode(), web.agent_username.encode()
    ) & hmac.compare_digest(password.encode(), (web.agent_password or "").encode())
    if not valid:
        await asyncio.sleep(0.5)  # slows guessing down
        raise ApiError(401, "unauthorized", "Identifiant ou mot de passe incorrect.")
    response = json({"agent": username})
    write_cookie(request, response, AGENT_COOKIE, {"agent": username}, AGENT_SESSION_SECONDS)
    return response


@agent.post("/agent/logout")
async def agent_logout(request: Request) -> HTTPResponse:
    response = empty()
    response.cookies[AGENT_COOKIE] = ""
    response.cookies[AGENT_COOKIE]["max-age"] = 0
    return response


@agent.get("/agent/api/me")
async def agent_me(request: Request) -> HTTPResponse:
    return json({"agent": required_agent(request)})


@agent.post("/agent/api/tickets/<reference>/process")
async def agent_process_ticket(request: Request, reference: str) -> HTTPResponse:
    """Closes a ticket; for « Suppression compte », erases the account and the
    customer's conversations (GDPR)."""
    name = required_agent(request)
    try:
        processed = await asyncio.to_thread(backend(request).process_ticket, reference)
    except NotFound as error:
        raise ApiError(404, "not_found", "Aucun ticket ne porte cette référence.") from error
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
    if not isinstance(message, str) or not message.strip() or len(message) > 5 * MAX_MESSAGE_LENGTH:
        raise ApiError(
            400, "bad_request", "Collez le message du client (5 000 caractères au plus)."
        )
    customer_id = None
    if body.get("customer_id"):
        customer_id = parse_customer_id(str(body["customer_id"]))
        if customer_id is None:
            raise ApiError(400, "bad_request", "Numéro client invalide (par exemple C1234567).")
    return message.strip(), customer_id


@agent.post("/agent/api/suggest")
async def agent_suggest(request: Request) -> HTTPResponse:
    required_agent(request)
    config = config_of(request)
    message, customer_id = _suggest_request(json_body(request))
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
