"""Answers personalised from the logged-in customer's account."""

from abc import ABC, abstractmethod
from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import ActionContext, ContextAction, call_backend, logged_in_customer, text_of
from actions.handover import utter_handover
from bot.clients.account import AccountClient, BackendUnavailable
from bot.domain.answers import addresses_list, invoice_links, orders_list, personal_details
from bot.domain.identifiers import find_customer_ids, find_emails
from bot.domain.links import links_payload
from bot.domain.responses import render


def utter_unavailable(context: ActionContext, dispatcher: CollectingDispatcher) -> None:
    dispatcher.utter_message(response="utter_backend_unavailable")
    utter_handover(context, dispatcher)


class AccountAnswer(ContextAction, ABC):
    """Completes a FAQ answer with the logged-in customer's own data.

    Anonymous customers get `anonymous()` (nothing by default); when the
    backend cannot answer, the customer is told so and handed over.
    """

    @abstractmethod
    def fetch(self, client: AccountClient, customer_id: str) -> Any:
        """The account data this answer needs (a blocking backend call)."""

    @abstractmethod
    def answer(self, dispatcher: CollectingDispatcher, data: Any) -> None: ...

    def anonymous(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        pass

    def unavailable(self, dispatcher: CollectingDispatcher) -> None:
        utter_unavailable(self.context, dispatcher)

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        customer_id = logged_in_customer(tracker)
        if customer_id is None:
            self.anonymous(dispatcher, tracker)
            return []
        named = find_customer_ids(text_of(tracker.latest_message))
        if any(number != customer_id for number in named):
            # « je voulais les factures du client C1000001, ma femme »: another account's
            # data goes to its owner, logged in; this one's would answer another question.
            dispatcher.utter_message(response="utter_only_own_account")
            return []
        try:
            data = await call_backend(self.fetch, self.context.account_client(), customer_id)
        except BackendUnavailable:
            self.unavailable(dispatcher)
            return []
        self.answer(dispatcher, data)
        return []


class ActionAnswerInvoices(AccountAnswer):
    """The whole answer to « où sont mes factures ? », FAQ steps included, so that a
    logged-in customer reads their own orders first (invoice and download link when
    shipped, "on the shipping day" otherwise): that is what they asked. Anonymous, or
    with the backend down: the FAQ steps, then the invitation to log in or the hand-over.

    The list goes with a `links` payload (bot/domain/links.py): the widget shows a
    « Télécharger la facture … (PDF) » button per invoice instead of the raw URLs, which
    stay in the text for the REST channel's other clients.
    """

    def name(self) -> Text:
        return "action_answer_invoices"

    def fetch(self, client: AccountClient, customer_id: str) -> Any:
        return client.orders(customer_id)

    def answer(self, dispatcher: CollectingDispatcher, orders: Any) -> None:
        if not orders:
            dispatcher.utter_message(response="utter_no_orders")
            dispatcher.utter_message(response="utter_find_invoices")
            return
        short = render("utter_invoices_list", {"orders": orders_list(orders, with_urls=False)})
        dispatcher.utter_message(
            response="utter_invoices_list",
            orders=orders_list(orders),
            json_message=links_payload(invoice_links(orders), text=short),
        )

    def anonymous(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        dispatcher.utter_message(response="utter_find_invoices")
        text = text_of(tracker.latest_message)
        if find_emails(text) or find_customer_ids(text):
            # « mon n° client C1000002, où sont mes factures ? »: a number typed proves
            # nothing; said before the invitation to log in.
            dispatcher.utter_message(response="utter_login_needed")
        dispatcher.utter_message(response="utter_invite_login")

    def unavailable(self, dispatcher: CollectingDispatcher) -> None:
        dispatcher.utter_message(response="utter_find_invoices")
        utter_unavailable(self.context, dispatcher)


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
