"""The demo log-in (docs/web-api.md, "Demo log-in"): pick a seeded customer, no password.

It stands for the shop's own log-in, so it must never exist in production: `create_app`
registers this blueprint only when `DEMO_MODE` is on, which `make run` does and nothing
else (issue 12)."""

from __future__ import annotations

import asyncio
import secrets
import time
from typing import Any, Dict, List

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, empty, json

from bot.clients.account import AccountClient, BackendUnavailable, NotFound
from bot.domain.account import Customer
from bot.web.http import (
    ApiError,
    backend,
    config_of,
    ended_log_ins,
    json_body,
    new_session,
    session,
    with_session,
)

# The seeded demo accounts the demo log-in offers (docs/backend-api.md).
DEMO_CUSTOMERS = ["C1000001", "C1000002", "C1000003", "C1000004", "C1000005"]

demo = Blueprint("demo")


def _existing_customers(client: AccountClient) -> List[Customer]:
    """The demo accounts still there: one may have been erased by a processed deletion."""
    customers = []
    for customer_id in DEMO_CUSTOMERS:
        try:
            customers.append(client.customer(customer_id))
        except NotFound:
            continue
    return customers


@demo.get("/demo/customers")
async def demo_customers(request: Request) -> HTTPResponse:
    try:
        customers = await asyncio.to_thread(_existing_customers, backend(request))
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


def _logged_in(current: Dict[str, Any]) -> Dict[str, Any]:
    """Who is logged in, and for how many more seconds: the page logs out by itself then."""
    if "customer" not in current:
        return {"customer": None}
    return {"customer": current["customer"], "expires_in": int(current["until"] - time.time())}


@demo.get("/demo/me")
async def demo_me(request: Request) -> HTTPResponse:
    current = session(request)
    return with_session(request, json(_logged_in(current)), current)


@demo.post("/demo/login")
async def demo_login(request: Request) -> HTTPResponse:
    customer_id = json_body(request).get("customer_id")
    if customer_id not in DEMO_CUSTOMERS:
        raise ApiError(404, "not_found", "Compte de démonstration inconnu.")
    try:
        customer = await asyncio.to_thread(backend(request).customer, customer_id)
    except BackendUnavailable as error:
        raise ApiError(503, "unavailable", "Connexion impossible pour le moment.") from error
    # A new conversation: the one before the log-in may be someone else's (issue 12).
    current = new_session()
    current["customer"] = {
        "customer_id": customer_id,
        "name": f"{customer.first_name} {customer.last_name}",
    }
    current["until"] = int(time.time()) + config_of(request).tokens.lifetime_seconds
    current["log_in"] = secrets.token_urlsafe(16)
    return with_session(request, json(_logged_in(current)), current)


@demo.post("/demo/logout")
async def demo_logout(request: Request) -> HTTPResponse:
    json_body(request)
    current = session(request)
    if "log_in" in current:
        ended_log_ins(request).end(current["log_in"], current["until"])
    return with_session(request, empty(), new_session())
