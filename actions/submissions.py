"""What the forms lead to: a reset e-mail, a ticket for the service."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import account_client, call_backend, logged_in_customer
from actions.forms import OUTCOME, RETRIES
from actions.handover import utter_handover
from bot.clients.account import BackendUnavailable, RateLimited
from bot.domain.tickets import DELETION_SUBJECT, OTHER_SUBJECT

FORM_SLOTS = ("email", "customer_id", "account_emails", "confirm_deletion", OUTCOME, RETRIES)


class FormSubmission(Action, ABC):
    """Runs when a form ends: acts on its outcome, then clears the form's slots.

    "cancelled", "failed" and "handover" (see GuidedFormValidation) are answered
    here once for every form; a completed form goes to `submit`.
    """

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        outcome = tracker.get_slot(OUTCOME)
        if outcome == "cancelled":
            dispatcher.utter_message(response="utter_form_cancelled")
        elif outcome == "failed":
            dispatcher.utter_message(response="utter_form_failed")
            utter_handover(dispatcher)
        elif outcome == "handover":
            utter_handover(dispatcher)
        else:
            await self.submit(dispatcher, tracker)
        return [SlotSet(slot, None) for slot in FORM_SLOTS]

    @abstractmethod
    async def submit(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> None: ...


class ActionSendPasswordEmail(FormSubmission):
    """The chat reply is the same whether or not an account uses this address."""

    def name(self) -> Text:
        return "action_send_password_email"

    async def submit(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        try:
            await call_backend(
                account_client().request_password_email,
                tracker.get_slot("email"),
                tracker.sender_id,
            )
        except RateLimited:
            dispatcher.utter_message(response="utter_password_email_rate_limited")
            utter_handover(dispatcher)
            return
        except BackendUnavailable:
            dispatcher.utter_message(response="utter_password_email_unavailable")
            utter_handover(dispatcher)
            return
        dispatcher.utter_message(response="utter_password_email_sent")


class ActionOpenDeletionTicket(FormSubmission):
    """The reference is given only for a request already verified (the logged-in owner of
    the address); otherwise the reply is the same whether or not an account uses the
    address: a confirmation link went to it if one does."""

    def name(self) -> Text:
        return "action_open_deletion_ticket"

    async def submit(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        if not tracker.get_slot("confirm_deletion"):
            dispatcher.utter_message(response="utter_deletion_not_requested")
            return
        email = tracker.get_slot("email")
        body = (
            f"Demande de suppression du compte client associé à {email}, "
            f"confirmée par le client dans le chat."
        )
        try:
            ticket = await call_backend(
                account_client().open_ticket,
                DELETION_SUBJECT,
                email,
                body,
                tracker.sender_id,
                customer_id=logged_in_customer(tracker),
            )
        except RateLimited:
            dispatcher.utter_message(response="utter_deletion_rate_limited")
            utter_handover(dispatcher)
            return
        except BackendUnavailable:
            dispatcher.utter_message(response="utter_backend_unavailable")
            dispatcher.utter_message(response="utter_delete_account_by_form")
            utter_handover(dispatcher)
            return
        if ticket.verified:
            dispatcher.utter_message(
                response="utter_deletion_ticket_opened", reference=ticket.reference
            )
        else:
            dispatcher.utter_message(response="utter_deletion_confirmation_sent", email=email)


class ActionOpenDuplicateTicket(FormSubmission):
    def name(self) -> Text:
        return "action_open_duplicate_ticket"

    async def submit(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        emails: List[str] = tracker.get_slot("account_emails") or []
        body = (
            f"Le client indique avoir plusieurs comptes. Numéro client donné : "
            f"{tracker.get_slot('customer_id')}. Adresses e-mail utilisées : {', '.join(emails)}."
        )
        try:
            ticket = await call_backend(
                account_client().open_ticket,
                OTHER_SUBJECT,
                emails[0],
                body,
                tracker.sender_id,
                customer_id=logged_in_customer(tracker),
            )
        except BackendUnavailable:
            dispatcher.utter_message(response="utter_backend_unavailable")
            dispatcher.utter_message(response="utter_duplicate_accounts_by_phone")
        else:
            dispatcher.utter_message(
                response="utter_duplicate_ticket_opened", reference=ticket.reference
            )
        utter_handover(dispatcher)
