"""Answers personalised from the logged-in customer's account."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import account_client, call_backend, logged_in_customer
from actions.handover import utter_handover
from bot.account_client import BackendUnavailable
from bot.answers import addresses_list, orders_list, personal_details
from bot.validation import find_emails, parse_customer_id


def utter_unavailable(dispatcher: CollectingDispatcher) -> None:
    dispatcher.utter_message(response="utter_backend_unavailable")
    utter_handover(dispatcher)


class ActionAnswerInvoices(Action):
    """After the FAQ steps: the customer's own orders and invoices, or an invitation to log in."""

    def name(self) -> Text:
        return "action_answer_invoices"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        customer_id = logged_in_customer(tracker)
        if customer_id is None:
            dispatcher.utter_message(response="utter_invite_login")
            return []
        try:
            orders = await call_backend(account_client().orders, customer_id)
        except BackendUnavailable:
            utter_unavailable(dispatcher)
            return []
        if orders:
            dispatcher.utter_message(response="utter_invoices_list", orders=orders_list(orders))
        else:
            dispatcher.utter_message(response="utter_no_orders")
        return []


class ActionAnswerAddresses(Action):
    def name(self) -> Text:
        return "action_answer_addresses"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        customer_id = logged_in_customer(tracker)
        if customer_id is None:
            return []
        try:
            addresses = await call_backend(account_client().addresses, customer_id)
        except BackendUnavailable:
            utter_unavailable(dispatcher)
            return []
        if addresses:
            dispatcher.utter_message(response="utter_addresses_on_file",
                                     addresses=addresses_list(addresses))
        else:
            dispatcher.utter_message(response="utter_no_address_on_file")
        return []


class ActionAnswerPersonalData(Action):
    def name(self) -> Text:
        return "action_answer_personal_data"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        customer_id = logged_in_customer(tracker)
        if customer_id is None:
            return []
        try:
            customer = await call_backend(account_client().customer, customer_id)
        except BackendUnavailable:
            utter_unavailable(dispatcher)
            return []
        dispatcher.utter_message(response="utter_personal_data_on_file",
                                 details=personal_details(customer))
        return []


class ActionPrefillFormSlots(Action):
    """Before a form: what is already known, so the customer is not asked twice.

    The logged-in customer's own e-mail and number come from the backend; an
    address or number typed in the message that started the form is taken as
    an answer (it proves nothing: it only goes into a ticket or a reset request).
    """

    def name(self) -> Text:
        return "action_prefill_form_slots"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        text = tracker.latest_message.get("text") or ""
        typed_emails = find_emails(text)
        email = typed_emails[0] if len(typed_emails) == 1 else None
        customer_id = parse_customer_id(text)
        logged_in = logged_in_customer(tracker)
        if logged_in:
            customer_id = logged_in
            try:
                email = email or (await call_backend(account_client().customer, logged_in)).email
            except BackendUnavailable:
                pass
        return [SlotSet("email", email), SlotSet("customer_id", customer_id),
                SlotSet("account_emails", typed_emails or None), SlotSet("confirm_deletion", None),
                SlotSet("form_outcome", None), SlotSet("form_retries", None)]
