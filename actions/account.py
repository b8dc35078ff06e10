"""Answers personalised from the logged-in customer's account."""

from abc import ABC, abstractmethod
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import account_client, call_backend, logged_in_customer
from actions.handover import utter_handover
from bot.clients.account import AccountClient, BackendUnavailable
from bot.domain.answers import addresses_list, orders_list, personal_details


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
