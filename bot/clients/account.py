"""The actions' only way to the account backend.

One place turns HTTP into domain results: the actions never build URLs or read
status codes. Every call has a timeout; whatever goes wrong on the way (refused
connection, timeout, 5xx, unexpected answer) becomes `BackendUnavailable`, and
the action answers with the FAQ and the hand-over.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional
from urllib.parse import quote

import requests

from bot.config import BackendSettings
from bot.domain.account import Address, Customer, Invoice, Order, Ticket
from bot.domain.review_page import PageRequest
from bot.domain.tickets import VERIFIED

logger = logging.getLogger(__name__)


class BackendUnavailable(Exception):
    """The backend could not give an answer we can use."""


class NotFound(BackendUnavailable):
    """The backend has no such customer or ticket."""


class RateLimited(Exception):
    """Too many e-mails or deletion requests for one address or conversation."""


class NotVerified(Exception):
    """A deletion request nobody verified: it cannot be processed."""


class LinkNotValid(Exception):
    """A deletion confirmation link that is unknown, already used or expired."""


class AccountClient:
    def __init__(
        self, settings: BackendSettings, session: Optional[requests.Session] = None
    ) -> None:
        self._base_url = settings.url
        self._timeout = settings.timeout
        self._session = session or requests.Session()
        if settings.api_token:
            self._session.headers["Authorization"] = f"Bearer {settings.api_token}"

    def customer(self, customer_id: str) -> Customer:
        data = self._call("GET", f"/customers/{quote(customer_id, safe='')}")
        return Customer(
            customer_id=data["customer_id"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            phone=data.get("phone"),
            last_login_at=data.get("last_login_at"),
        )

    def orders(self, customer_id: str) -> List[Order]:
        data = self._call("GET", f"/customers/{quote(customer_id, safe='')}/orders")
        return [_order(item) for item in data["orders"]]

    def addresses(self, customer_id: str) -> List[Address]:
        data = self._call("GET", f"/customers/{quote(customer_id, safe='')}/addresses")
        return [
            Address(**{f: item.get(f) or "" for f in Address.__dataclass_fields__})
            for item in data["addresses"]
        ]

    def open_ticket(
        self,
        subject: str,
        email: str,
        body: str,
        conversation_id: str,
        customer_id: Optional[str] = None,
    ) -> Ticket:
        data = self._call(
            "POST",
            "/tickets",
            json={
                "subject": subject,
                "email": email,
                "body": body,
                "conversation_id": conversation_id,
                "customer_id": customer_id,
            },
        )
        return Ticket(
            reference=data["reference"],
            subject=data["subject"],
            created=data["created"],
            verified=data.get("verification") == VERIFIED,
        )

    def process_ticket(self, reference: str) -> Dict[str, Any]:
        """An agent closes a ticket (« Suppression compte »: the GDPR erasure)."""
        return self._call("POST", f"/tickets/{quote(reference, safe='')}/process")

    def confirm_deletion(self, token: str) -> str:
        """The customer clicked the e-mailed link; the ticket's reference. Raises LinkNotValid."""
        return self._call("POST", "/deletion-confirmations", json={"token": token})["reference"]

    def request_password_email(self, email: str, conversation_id: str) -> None:
        """Asks the backend to send whatever fits this address; raises RateLimited."""
        self._call(
            "POST", "/password-emails", json={"email": email, "conversation_id": conversation_id}
        )

    def rate_answer(
        self, conversation_id: str, answer_at: float, rating: str, comment: Optional[str]
    ) -> None:
        """A customer's 👍/👎 on an answer (bot/backend/feedback.py); raises RateLimited."""
        self._call(
            "POST",
            "/feedback/answers",
            json={
                "conversation_id": conversation_id,
                "answer_at": answer_at,
                "rating": rating,
                "comment": comment,
            },
        )

    def rate_conversation(self, conversation_id: str, score: int) -> None:
        self._call(
            "POST",
            "/feedback/conversations",
            json={"conversation_id": conversation_id, "score": score},
        )

    def feedback_summary(self, start: float, end: float) -> Dict[str, Any]:
        """The ratings of the period [start, end) (POSIX seconds), for the dashboard."""
        return self._call("GET", "/feedback/summary", params={"start": start, "end": end})

    def review_queue(self, page: PageRequest) -> Dict[str, Any]:
        """A page of the agents' review queue, grouped by closest intent
        (bot/backend/review.py)."""
        return self._call("GET", "/review", params=page.query())

    def review_labels(self) -> List[Dict[str, Any]]:
        """Every label of the agents, dismissals included, oldest first (`make retrain`)."""
        return self._call("GET", "/review/labels")["labels"]

    def label_item(
        self, item_id: str, conversation: str, intent: Optional[str], agent: str
    ) -> Dict[str, Any]:
        """Labels (intent None: dismisses) a message of the queue; raises NotFound."""
        body = {"id": item_id, "conversation": conversation, "intent": intent, "agent": agent}
        return self._call("POST", "/review/labels", json=body)

    def label_text(
        self, text: str, intent: str, agent: str, predicted_intent: Optional[str]
    ) -> Dict[str, Any]:
        """The intent of a message pasted in the answer assistant, from the agent's choice."""
        return self._call(
            "POST",
            "/review/assistant-labels",
            json={
                "text": text,
                "intent": intent,
                "agent": agent,
                "predicted_intent": predicted_intent,
            },
        )

    def _call(
        self,
        method: str,
        path: str,
        json: Optional[Dict[str, Any]] = None,
        params: Optional[Dict[str, Any]] = None,
    ) -> Dict[str, Any]:
        try:
            response = self._session.request(
                method, self._base_url + path, json=json, params=params, timeout=self._timeout
            )
        except requests.RequestException as error:
            logger.warning(
                "backend %s %s failed: %s", method, path.split("/")[1], type(error).__name__
            )
            raise BackendUnavailable(str(error)) from error
        if response.status_code == 429:
            raise RateLimited()
        if response.status_code == 409:
            raise NotVerified()
        if response.status_code == 410:
            raise LinkNotValid()
        if response.status_code == 404:
            raise NotFound(path.split("/")[1])
        if not 200 <= response.status_code < 300:
            logger.warning(
                "backend %s %s answered %s", method, path.split("/")[1], response.status_code
            )
            raise BackendUnavailable(f"HTTP {response.status_code}")
        try:
            return response.json()
        except ValueError as error:
            raise BackendUnavailable("answer is not JSON") from error


def _order(item: Dict[str, Any]) -> Order:
    invoice = item.get("invoice")
    return Order(
        number=item["number"],
        placed_at=item["placed_at"],
        shipped_at=item.get("shipped_at"),
        total_eur=item["total_eur"],
        invoice=Invoice(invoice["number"], invoice["issued_at"], invoice["url"])
        if invoice
        else None,
    )
