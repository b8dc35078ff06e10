"""The agents' answer assistant: the best answers to a customer's message, ready to send.

Texts come from the bot itself (bot/domain/responses.py), so an agent pastes exactly
what the bot would say; with a customer number they are completed from that
customer's account, as the bot does for a logged-in customer.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Dict, List, Optional

import yaml

from bot.clients.account import AccountClient
from bot.config import PROJECT_ROOT
from bot.domain.answers import addresses_list, orders_list, personal_details
from bot.domain.responses import render, rule_responses
from bot.domain.topics import INTENT_LABELS

# Chat turns that make no sense in a text an agent pastes into an e-mail.
CHAT_ONLY = {
    "utter_anything_else",
    "utter_delete_account_offer",
    "utter_duplicate_accounts",
}
# What the customer must do themselves when no bot collects the details for them.
AGENT_EXTRA = {
    "delete_account": ["utter_delete_account_by_form"],
    # The agent is the adviser the chat would hand over to: they ask for the details
    # themselves, with no "call an adviser" and no contact form.
    "duplicate_accounts": ["utter_duplicate_accounts_for_agent"],
    # Answered by action_repair in the chat (data/rules.yml), by this text for an agent.
    "out_of_scope": ["utter_out_of_scope"],
}
# FAQ steps a custom action utters itself in the chat (action_answer_invoices): the agent
# gets them when no customer number gives the customer's own data instead.
ACTION_FAQ = {"find_invoices": ["utter_find_invoices"]}
HANDOVER_INTENTS = {"request_human", "opening_hours", "out_of_scope"}
SUGGESTIONS = 3
ALTERNATIVE_FLOOR = 0.02


@dataclass(frozen=True)
class Account:
    """What the assistant knows of the customer the agent names."""

    customer_id: str
    name: str
    email: str
    last_login_at: Optional[str]
    invoices_text: str
    addresses_text: str
    personal_text: str


@dataclass(frozen=True)
class Suggestion:
    intent: str
    # The intent's French name, as the agent reads it.
    topic: str
    confidence: float
    low_confidence: bool
    text: str


def load_account(client: AccountClient, customer_id: str) -> Account:
    """Raises BackendUnavailable (unknown customer included)."""
    customer = client.customer(customer_id)
    orders = client.orders(customer_id)
    addresses = client.addresses(customer_id)
    return Account(
        customer_id=customer.customer_id,
        name=f"{customer.first_name} {customer.last_name}",
        email=customer.email,
        last_login_at=customer.last_login_at,
        invoices_text=(
            render("utter_invoices_list", {"orders": orders_list(orders)})
            if orders
            else render("utter_no_orders")
        ),
        addresses_text=(
            render("utter_addresses_on_file", {"addresses": addresses_list(addresses)})
            if addresses
            else render("utter_no_address_on_file")
        ),
        personal_text=render(
            "utter_personal_data_on_file", {"details": personal_details(customer)}
        ),
    )


def _personal_part(intent: str, account: Optional[Account]) -> List[str]:
    if account is None:
        return []
    return {
        "find_invoices": [account.invoices_text],
        "manage_addresses": [account.addresses_text],
        "update_personal_data": [account.personal_text],
    }.get(intent, [])


def answer_text(intent: str, account: Optional[Account], handover: str) -> str:
    personal = _personal_part(intent, account)
    names = [n for n in rule_responses(intent) if n not in CHAT_ONLY] + AGENT_EXTRA.get(intent, [])
    names += [] if personal else ACTION_FAQ.get(intent, [])
    parts = [render(name) for name in names] + personal
    if intent in HANDOVER_INTENTS:
        parts.append(handover)
    return "\n\n".join(parts)


def suggest(
    parse: Dict[str, Any], account: Optional[Account], handover: str, threshold: float
) -> List[Suggestion]:
    """The best intents of Rasa's parse (fallback left out), each with its answer.

    Confidence is shown as the model gives it; below the bot's own fallback
    threshold it is flagged, never dressed up.
    """
    ranking = [r for r in parse.get("intent_ranking", []) if r["name"] != "nlu_fallback"]
    return [
        Suggestion(
            intent=r["name"],
            topic=INTENT_LABELS.get(r["name"], r["name"]),
            confidence=round(float(r["confidence"]), 4),
            low_confidence=float(r["confidence"]) < threshold,
            text=answer_text(r["name"], account, handover),
        )
        for rank, r in enumerate(ranking[:SUGGESTIONS])
        # An alternative the model gives almost nothing is noise for the agent.
        if rank == 0 or float(r["confidence"]) >= ALTERNATIVE_FLOOR
    ]


def as_json(
    suggestions: List[Suggestion],
    account: Optional[Account],
    handover: str,
    account_error: Optional[str],
) -> Dict[str, Any]:
    return {
        "suggestions": [asdict(s) for s in suggestions],
        "handover": handover,
        "account": asdict(account) if account else None,
        "account_error": account_error,
    }


def fallback_threshold() -> float:
    """The FallbackClassifier's threshold in config.yml: below it, the bot would not answer."""
    config = yaml.safe_load((PROJECT_ROOT / "config.yml").read_text(encoding="utf-8"))
    fallback = next(c for c in config["pipeline"] if c["name"] == "FallbackClassifier")
    return float(fallback["threshold"])
