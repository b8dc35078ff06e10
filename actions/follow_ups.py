"""The answers to short follow-ups (« et le samedi ? », « et si ça fait 4 ans ? », « c'est
où exactement ? »), read by `bot.domain.repair.follow_up` in the light of what the bot
said just before. One home for them: the repair action answers them between requests,
the forms' repair layer while a request is under way."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import ActionContext, call_backend, logged_in_customer, text_of
from actions.flows import PERSONALISED, answer_topic, prefill, start_flow
from actions.handover import utter_handover
from bot.clients.account import BackendUnavailable
from bot.domain.identifiers import find_customer_ids, find_emails
from bot.domain.repair import (
    LAST_RESET_EMAIL,
    PASSWORD_FORM,
    continues_a_message,
    names_the_last_order,
    remembered_actions,
    steps_given,
)

# Follow-ups answered with a response and the phone line.
WITH_HANDOVER = {
    "weekend_hours": "utter_hours_weekend",
    "hours": "utter_opening_hours_intro",
    "mailbox_lost": "utter_mailbox_lost",
    "still_lost": "utter_still_lost",
}
# Follow-ups answered with a response alone.
PLAIN = {
    "account_purged": "utter_account_purged",
    "invoice_timing": "utter_invoice_when_shipped",
    "reset_email_delay": "utter_reset_email_delay",
    "address_at_checkout": "utter_address_at_checkout",
    "recreate_account": "utter_create_account",
    "password_too": "utter_change_password",
    "personal_data_change": "utter_update_personal_data",
    "addresses_change": "utter_manage_addresses",
    "reset_steps": "utter_forgot_password",
    "identifier": "utter_identifier",
    "deletion_warning": "utter_delete_account",
    "deletion_by_form": "utter_delete_account_by_form",
    "only_own_account": "utter_only_own_account",
}
# Follow-ups answered with responses that ask something back (no « autre chose ? » after).
ASKING_BACK = {
    "login_needed": ("utter_login_needed", "utter_invite_login"),
    # « et pour mon autre compte ? » once logged in: this account's data only, and how to
    # see the other's.
    "other_own_account": ("utter_only_own_account", "utter_other_account_login"),
    # « non c'est pas ça » after an answer: rephrase, or pick a topic.
    "not_that": ("utter_fallback_topics",),
}
# Follow-ups that start the reset form with its offer taken, and the events that go with:
# the offer declined just before, now taken (the form asks the address, or sends to the
# logged-in customer's, without offering again); the same request for another account
# (its address is asked, never the one the e-mail just went to, nor the customer's own).
RESET_OFFER_TAKEN: Dict[str, Tuple[EventType, ...]] = {
    "reset_email_after_all": (),
    "reset_for_another_account": (SlotSet("email", None),),
}
# Follow-ups answered with the customer's own data, read again from the backend.
# A logged-in customer's details follow the steps of « et mon numéro de téléphone ? » after
# the addresses' steps (nothing more when anonymous).
DATA_AGAIN: Dict[str, Tuple[Tuple[str, ...], str]] = {
    "orders_again": ((), "find_invoices"),
    "addresses_again": ((), "manage_addresses"),
    "personal_data_too": (("utter_update_personal_data",), "update_personal_data"),
    "personal_data_mine": ((), "update_personal_data"),
}
# Follow-ups answered with the path on the site given just before, again (after « la
# nouvelle c'est … », the bot first says it cannot make the change itself).
STEPS_AGAIN = ("where_exactly", "change_it_yourself")
# The follow-ups that end the answer, after which « autre chose ? » may come (the others
# end with the phone line or start a flow).
ANSWERED_IN_FULL = (*PLAIN, *STEPS_AGAIN, *DATA_AGAIN)


async def _own_data(
    context: ActionContext, kind: str, dispatcher: CollectingDispatcher, tracker: Tracker
) -> None:
    responses, topic = DATA_AGAIN[kind]
    for response in responses:
        dispatcher.utter_message(response=response)
    await PERSONALISED[topic](context).run(dispatcher, tracker, {})


async def _with_the_data(context: ActionContext, kind: str, tracker: Tracker) -> str:
    """The follow-up the customer's own data make of `kind`: « je trouve pas celle de ma
    dernière commande » when that order has its invoice is the list again (invoice and
    link), not « not before the shipping day »; no log-in is asked of a logged-in customer."""
    customer = logged_in_customer(tracker)
    if customer is None and kind == "other_own_account":
        return "login_needed"  # anonymous: any account's data need its log-in
    if customer is None or kind not in ("invoice_timing", "login_needed"):
        return kind
    text = text_of(tracker.latest_message)
    if kind == "invoice_timing":
        last = names_the_last_order(text)
        invoiced = last and await _latest_order_invoiced(context, customer)
        return "orders_again" if invoiced else kind
    # « et l'autre compte, le C1000003, ses factures ? » once logged in: only the account
    # she is logged in with (her own number named: her list again).
    own = set(find_customer_ids(text)) == {customer} and not find_emails(text)
    return "orders_again" if own else "only_own_account"


async def _latest_order_invoiced(context: ActionContext, customer_id: str) -> bool:
    """The customer's latest order has its invoice (False without orders, or when the
    backend cannot say)."""
    try:
        orders = await call_backend(context.account_client().orders, customer_id)
    except BackendUnavailable:
        return False
    latest = max(orders, key=lambda order: order.placed_at, default=None)
    return latest is not None and latest.invoice is not None


async def _reset_offer_taken(
    context: ActionContext, tracker: Tracker, *more: EventType
) -> List[EventType]:
    """The reset form started with its offer already accepted: it asks the address."""
    return [
        *await prefill(context, tracker),
        *more,
        SlotSet("wants_reset_email", True),
        FollowupAction(PASSWORD_FORM),
    ]


def previous_actions(tracker: Tracker) -> List[str]:
    """What the bot did and said between the customer's previous message and the latest
    one (actions by name, responses by their `utter_action` name), and in the turn before
    (remembered_actions)."""
    pairs = (_kind_and_name(event) for event in reversed(tracker.events))
    return remembered_actions(pairs, tracker.get_slot(LAST_RESET_EMAIL))


def said_this_turn(tracker: Tracker) -> List[str]:
    """The actions run and responses sent since the customer's latest message (the flow's
    opening answer, when a form has just opened), latest first."""
    said: List[str] = []
    for kind, name in map(_kind_and_name, reversed(tracker.events)):
        if kind in ("user", "split"):
            break
        if kind in ("action", "bot") and name:
            said.append(name)
    return said


def _kind_and_name(event: Dict[str, Any]) -> Tuple[str, Optional[str]]:
    kind = str(event.get("event") or "")
    if kind == "user":
        return ("split" if continues_a_message(event.get("parse_data")) else "user"), None
    if kind == "bot":
        return kind, (event.get("metadata") or {}).get("utter_action")
    return kind, event.get("name")


def _steps_again(
    kind: str, previous_actions: Sequence[str], dispatcher: CollectingDispatcher, tracker: Tracker
) -> None:
    """The path given just before, again: of two, the one the message names."""
    if kind == "change_it_yourself":
        dispatcher.utter_message(response="utter_change_it_yourself")
    dispatcher.utter_message(response="utter_steps_again")
    message = tracker.latest_message
    ranking = message.get("intent_ranking") or []
    dispatcher.utter_message(
        response=steps_given(previous_actions, message.get("text") or "", ranking)
    )


async def answer_follow_up(
    context: ActionContext,
    kind: str,
    previous_actions: Sequence[str],
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    in_a_flow: bool = False,
) -> Optional[List[EventType]]:
    """Answers the follow-up `kind`; None when it is not one this module answers. Inside
    a flow (`in_a_flow`) nothing starts another flow: the form asks its question again."""
    kind = await _with_the_data(context, kind, tracker)
    if kind in WITH_HANDOVER:
        dispatcher.utter_message(response=WITH_HANDOVER[kind])
        utter_handover(context, dispatcher)
        return []
    if kind == "phone":
        utter_handover(context, dispatcher)
        return []
    if kind == "invoices_before_deletion":
        # « je peux les télécharger avant ? » at the deletion's confirmation: the invoices'
        # answer (a logged-in customer's own list).
        await answer_topic(context, "find_invoices", dispatcher, tracker, {})
        return []
    responses = (PLAIN[kind],) if kind in PLAIN else ASKING_BACK.get(kind)
    if responses:
        for response in responses:
            dispatcher.utter_message(response=response)
        return []
    if kind in STEPS_AGAIN:
        _steps_again(kind, previous_actions, dispatcher, tracker)
        return []
    if kind == "forgot_current_password" and not in_a_flow:
        return await start_flow(context, "forgot_password", dispatcher, tracker)
    if kind in RESET_OFFER_TAKEN and not in_a_flow:
        return await _reset_offer_taken(context, tracker, *RESET_OFFER_TAKEN[kind])
    if kind in DATA_AGAIN:
        # « et la 2e commande ? » after the orders: the customer's own list again.
        await _own_data(context, kind, dispatcher, tracker)
        return []
    if kind == "reset_email_not_received":
        dispatcher.utter_message(response="utter_reset_email_not_received")
        utter_handover(context, dispatcher)
        if in_a_flow:
            # The offer asked again stays: the form asks its question after this.
            return []
        return await start_flow(context, "forgot_password", dispatcher, tracker)
    return None
