"""Answers personalised from the logged-in customer's account."""

import contextlib
from abc import ABC, abstractmethod
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import account_client, call_backend, logged_in_customer
from actions.handover import utter_handover
from bot.clients.account import AccountClient, BackendUnavailable
from bot.domain.answers import addresses_list, orders_list, personal_details
from bot.domain.identifiers import find_emails, parse_customer_id


def utter_unavailable(dispatcher: CollectingDispatcher) -> None:
    dispatcher.utter_message(response="utter_backend_unavailable")
    utter_handover(dispatcher)


class AccountAnswer(Action, ABC):
    """Completes a FAQ answer with the logged-in customer's own data.

    Anonymous customers get `anonymous()` (nothing by default); when the
    backend cannot answer, the customer is told so and handed over.
    """

    @abstractmethod
    def fetch(self, client: AccountClient, customer_id: str) -> Any:
        """The account data this answer needs (a blocking backend call)."""

    @abstractmethod
    def answer(self, dispatcher: CollectingDispatcher, data: Any) -> None: ...

    def anonymous(self, dispatcher: CollectingDispatcher) -> None:
        pass

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        customer_id = logged_in_customer(tracker)
        if customer_id is None:
            self.anonymous(dispatcher)
            return []
        try:
            data = await call_backend(self.fetch, account_client(), customer_id)
        except BackendUnavailable:
            utter_unavailable(dispatcher)
            return []
        self.answer(dispatcher, data)
        return []


class ActionAnswerInvoices(AccountAnswer):
    """The customer's orders: invoice and link when shipped, "on the shipping day" otherwise."""

    def name(self) -> Text:
        return "action_answer_invoices"

    def fetch(self, client: AccountClient, customer_id: str) -> Any:
        return client.orders(customer_id)

    def answer(self, dispatcher: CollectingDispatcher, orders: Any) -> None:
        if orders:
            dispatcher.utter_message(response="utter_invoices_list", orders=orders_list(orders))
        else:
            dispatcher.utter_message(response="utter_no_orders")

    def anonymous(self, dispatcher: CollectingDispatcher) -> None:
        dispatcher.utter_message(response="utter_invite_login")


class ActionAnswerAddresses(AccountAnswer):
    def name(self) -> Text:
        return "action_answer_addresses"

    def fetch(self, client: AccountClient, customer_id: str) -> Any:
        return client.addresses(customer_id)

    def answer(self, dispatcher: CollectingDispatcher, addresses: Any) -> None:
        if addresses:
            dispatcher.utter_message(
                response="utter_addresses_on_file", addresses=addresses_list(addresses)
            )
        else:
            dispatcher.utter_message(response="utter_no_address_on_file")


class ActionAnswerPersonalData(AccountAnswer):
    def name(self) -> Text:
        return "action_answer_personal_data"

    def fetch(self, client: AccountClient, customer_id: str) -> Any:
        return client.customer(customer_id)

    def answer(self, dispatcher: CollectingDispatcher, customer: Any) -> None:
        dispatcher.utter_message(
            response="utter_personal_data_on_file", details=personal_details(customer)
        )


class ActionPrefillFormSlots(Action):
    """Before a form: what is already known, so the customer is not asked twice.

    The logged-in customer's own e-mail and number come from the backend; an
    address or number typed in the message that started the form is taken as
    an answer (it proves nothing: it only goes into a ticket or a reset request).
    """

    def name(self) -> Text:
        return "action_prefill_form_slots"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        text = tracker.latest_message.get("text") or ""
        typed_emails = find_emails(text)
        email = typed_emails[0] if len(typed_emails) == 1 else None
        customer_id = parse_customer_id(text)
        logged_in = logged_in_customer(tracker)
        if logged_in:
            customer_id = logged_in
            with contextlib.suppress(BackendUnavailable):
                email = email or (await call_backend(account_client().customer, logged_in)).email
        return [
            SlotSet("email", email),
            SlotSet("customer_id", customer_id),
            SlotSet("account_emails", typed_emails or None),
            SlotSet("confirm_deletion", None),
            SlotSet("form_outcome", None),
            SlotSet("form_retries", None),
        ]
