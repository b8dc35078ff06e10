"""The demo log-in (docs/web-api.md, "Demo log-in"): pick a seeded customer, no password.

It stands for the shop's own log-in, so it must never exist in production: `create_app`
registers this blueprint only when `DEMO_MODE` is on, which `make run` does and nothing
else (issue 12)."""

from __future__ import annotations

import asyncio
from typing import List

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, empty, json

from bot.clients.account import AccountClient, BackendUnavailable, NotFound
from bot.domain.account import Customer
from bot.domain.tokens import issue_token
from bot.web.http import (
    SESSION_COOKIE,
    ApiError,
    backend,
    config_of,
    json_body,
    read_cookie,
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


@demo.get("/demo/me")
async def demo_me(request: Request) -> HTTPResponse:
    return json({"customer": read_cookie(request, SESSION_COOKIE).get("customer")})


@demo.post("/demo/login")
async def demo_login(request: Request) -> HTTPResponse:
    customer_id = json_body(request).get("customer_id")
    if customer_id not in DEMO_CUSTOMERS:
        raise ApiError(404, "not_found", "Compte de démonstration inconnu.")
    try:
        customer = await asyncio.to_thread(backend(request).customer, customer_id)
    except BackendUnavailable as error:
        raise ApiError(503, "unavailable", "Connexion impossible pour le moment.") from error
    current = session(request)
    current["customer"] = {
        "customer_id": customer_id,
        "name": f"{customer.first_name} {customer.last_name}",
    }
    current["customer_token"] = issue_token(customer_id, config_of(request).tokens)
    return with_session(request, json({"customer": current["customer"]}), current)


@demo.post("/demo/logout")
async def demo_logout(request: Request) -> HTTPResponse:
    current = session(request)
    current.pop("customer", None)
    current.pop("customer_token", None)
    return with_session(request, empty(), current)
