"""The flows that collect something (reset e-mail, deletion, duplicate accounts, a message
for the agents) and the FAQ answers, as the repair layer starts, resumes and answers them.

A flow is a Rasa form. Rules start them for a fresh question (data/rules.yml); this module
starts them from an action (a switch of topic inside another flow, a follow-up, a
resumption) with the same opening answer and the same pre-filled slots, and answers a side
question inside a flow with the same texts as the rules do (a test compares both).
"""

from __future__ import annotations

import contextlib
from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.account import ActionAnswerAddresses, ActionAnswerInvoices, ActionAnswerPersonalData
from actions.common import (
    ActionContext,
    ContextAction,
    call_backend,
    logged_in_customer,
    text_of,
    typed_before,
)
from actions.handover import hours_answer, utter_handover
from bot.clients.account import BackendUnavailable
from bot.domain.identifiers import find_customer_ids, find_emails
from bot.domain.repair import (
    ACCOUNTS_REQUESTED,
    DELETION_REQUESTED,
    PASSWORD_FORM,
    asks_for_the_reset_email,
    corrected_to,
)

OUTCOME, RETRIES, DIGRESSIONS = "form_outcome", "form_retries", "form_digressions"
CANDIDATES, PENDING, NEXT_FLOW = "email_candidates", "pending_form", "next_flow"
# Everything a flow fills; cleared when a flow ends (kept when it is paused for a person).
FLOW_SLOTS = (
    "email",
    "customer_id",
    "account_emails",
    "confirm_deletion",
    "wants_reset_email",
    "wants_to_leave_message",
    "message_text",
    CANDIDATES,
    OUTCOME,
    RETRIES,
    DIGRESSIONS,
    NEXT_FLOW,
)

# The intent that opens each flow: its opening answer, then its form.
FLOWS: Dict[str, tuple] = {
    "forgot_password": (["utter_forgot_password"], PASSWORD_FORM),
    "login_problem": (["utter_login_problem"], PASSWORD_FORM),
    "delete_account": (
        ["utter_delete_account", "utter_delete_account_offer"],
        "delete_account_form",
    ),
    "duplicate_accounts": (["utter_duplicate_accounts"], "duplicate_accounts_form"),
}

# A side question answered inside a flow: the FAQ text, then what the account adds.
ANSWERS: Dict[str, List[str]] = {
    "create_account": ["utter_create_account"],
    "change_password": ["utter_change_password"],
    "log_out": ["utter_log_out"],
    # action_answer_invoices gives the FAQ steps itself (after the customer's own list).
    "find_invoices": [],
    "manage_addresses": ["utter_manage_addresses"],
    "update_personal_data": ["utter_update_personal_data"],
    "forgot_password": ["utter_forgot_password"],
    "login_problem": ["utter_login_problem"],
    "delete_account": ["utter_delete_account"],
    "duplicate_accounts": ["utter_duplicate_accounts"],
    "bot_challenge": ["utter_iamabot"],
    # action_opening_hours opens with the weekend closure or the intro (answer_topic too).
    "opening_hours": [],
    "out_of_scope": ["utter_out_of_scope"],
}
PERSONALISED = {
    "find_invoices": ActionAnswerInvoices,
    "manage_addresses": ActionAnswerAddresses,
    "update_personal_data": ActionAnswerPersonalData,
}
# The answers that end with the phone line: the hours, and a question out of the account's
# scope (« un conseiller pourra vous aider »: how to reach one), inside a flow too.
WITH_HANDOVER = {"opening_hours", "out_of_scope"}


async def answer_topic(
    context: ActionContext,
    intent: str,
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    domain: Dict[Text, Any],
) -> bool:
    """Answers a topic as its rule does (without « autre chose ? »); False when the intent
    has no answer of its own (small talk, yes/no, values)."""
    if intent not in ANSWERS:
        return False
    if intent == "opening_hours":
        dispatcher.utter_message(response=hours_answer(text_of(tracker.latest_message)))
    for response in ANSWERS[intent]:
        dispatcher.utter_message(response=response)
    if intent in PERSONALISED:
        await PERSONALISED[intent](context).run(dispatcher, tracker, domain)
    if intent in WITH_HANDOVER:
        utter_handover(context, dispatcher)
    return True


async def prefill(context: ActionContext, tracker: Tracker) -> List[EventType]:
    """What is already known before a flow asks: the logged-in customer's own e-mail and
    number (from the backend), values typed in the message that opened it or, failing
    that, just before it (`typed_before`; they prove nothing: they only go into a ticket
    or a reset request, and the flow names them before it acts)."""
    text = text_of(tracker.latest_message)
    if not (find_emails(text) or find_customer_ids(text)):
        text = next((earlier for earlier in typed_before(tracker) if _holds_a_value(earlier)), "")
    typed_emails = find_emails(text)
    # « c'est a.muller@gmx.fr, non pardon a.muller@gmx.ch »: the corrected one.
    corrected = corrected_to(text, typed_emails)
    if corrected:
        typed_emails = [corrected]
    email = typed_emails[0] if len(typed_emails) == 1 else None
    numbers = find_customer_ids(text)
    customer_id = ", ".join(numbers) if numbers else None
    logged_in = logged_in_customer(tracker)
    if logged_in:
        customer_id = logged_in
        with contextlib.suppress(BackendUnavailable):
            email = (
                email or (await call_backend(context.account_client().customer, logged_in)).email
            )
    return [
        *(SlotSet(slot, None) for slot in FLOW_SLOTS),
        SlotSet("email", email),
        SlotSet("customer_id", customer_id),
        # (The accounts' addresses, when the message lists them: one address alone is asked
        # about again, so that no two-accounts ticket opens before the customer has said
        # which accounts.)
        SlotSet("account_emails", typed_emails if len(typed_emails) >= 2 else None),
        SlotSet(PENDING, None),
        # « oui envoyez-moi le mail de réinitialisation »: the reset e-mail's offer answered.
        *([SlotSet("wants_reset_email", True)] if _reset_email_asked(tracker) else []),
    ]


def _holds_a_value(text: str) -> bool:
    return bool(find_emails(text) or find_customer_ids(text))


def _reset_email_asked(tracker: Tracker) -> bool:
    """The message opening the reset's flow asks for its e-mail in words, and the reset
    was paused at its offer (« bon pour ma connexion, oui envoyez-moi le mail » after a
    detour to the phone line): the offer is answered. A first request (« mot de passe
    oublié, vous pouvez m'envoyer un lien ? ») still gets the steps and the offer."""
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    flow = FLOWS.get(intent or "")
    text = text_of(tracker.latest_message)
    paused = tracker.get_slot(PENDING) == PASSWORD_FORM
    return bool(flow and flow[1] == PASSWORD_FORM and paused) and asks_for_the_reset_email(text)


async def start_flow(
    context: ActionContext, intent: str, dispatcher: CollectingDispatcher, tracker: Tracker
) -> List[EventType]:
    """The flow's opening answer, its slots pre-filled, and its form as the next action;
    a deletion this conversation already requested is only recalled."""
    if intent == "delete_account" and recall_deletion(dispatcher, tracker):
        return []
    if intent == "duplicate_accounts" and recall_accounts_request(dispatcher, tracker):
        return []
    responses, form = FLOWS[intent]
    for response in responses:
        dispatcher.utter_message(response=response)
    return [*await prefill(context, tracker), FollowupAction(form)]


def recall_deletion(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """Says the deletion request this conversation already made (its reference, or where
    the confirmation link went); False when it made none."""
    request = tracker.get_slot(DELETION_REQUESTED) or {}
    if request.get("reference"):
        dispatcher.utter_message(
            response="utter_deletion_already_registered", reference=request["reference"]
        )
    elif request.get("email"):
        dispatcher.utter_message(response="utter_deletion_already_sent", email=request["email"])
    return bool(request)


def recall_accounts_request(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """Says the two-accounts ticket this conversation already opened; False when none."""
    reference = tracker.get_slot(ACCOUNTS_REQUESTED)
    if reference:
        dispatcher.utter_message(response="utter_accounts_already_registered", reference=reference)
    return bool(reference)


def resume_flow(form: str, tracker: Tracker) -> List[EventType]:
    """Takes a paused flow up again where it stopped, with a value typed on the way."""
    text = text_of(tracker.latest_message)
    events: List[EventType] = [
        SlotSet(PENDING, None),
        SlotSet(OUTCOME, None),
        SlotSet(RETRIES, None),
    ]
    emails, numbers = find_emails(text), find_customer_ids(text)
    if form == "duplicate_accounts_form":
        if numbers and not tracker.get_slot("customer_id"):
            events.append(SlotSet("customer_id", ", ".join(numbers)))
        if emails:
            events.append(SlotSet("account_emails", emails))
    elif len(emails) == 1:
        events.append(SlotSet("email", emails[0]))
    return [*events, FollowupAction(form)]


class ActionPrefillFormSlots(ContextAction):
    """Before a flow's form, when a rule opens it: what is already known (`prefill`)."""

    def name(self) -> Text:
        return "action_prefill_form_slots"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        return await prefill(self.context, tracker)
