"""What the forms lead to: a reset e-mail, a ticket for the service."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import ActionContext, ContextAction, call_backend, logged_in_customer, text_of
from actions.flows import (
    FLOW_SLOTS,
    NEXT_FLOW,
    OUTCOME,
    PENDING,
    resume_flow,
    start_flow,
)
from actions.forms import answer_the_other_question
from actions.handover import handover_with_offer, utter_handover
from bot.clients.account import BackendUnavailable, RateLimited
from bot.domain.repair import (
    ACCOUNTS_REQUESTED,
    DELETION_REQUESTED,
    LAST_RESET_EMAIL,
    PASSWORD_FORM,
    asks_for_someone,
    will_phone,
)
from bot.domain.summary import message_ticket_body
from bot.domain.tickets import DELETION_SUBJECT, OTHER_SUBJECT

# Questions a cancel may carry (« laissez tomber, en fait je cherchais mes factures »);
# not out of scope: « laissez tomber, c'est pas grave » is no question.
# Nor a flow: « laissez tomber, je ne veux plus supprimer mon compte » is the cancel itself.
# What a flow paused for a person keeps until « on reprend » (its values so far).
PAUSED_VALUES = ("email", "customer_id", "account_emails", "wants_reset_email")


class FormSubmission(ContextAction, ABC):
    """Runs when a flow's form ends: acts on its outcome, then clears the flow's slots.

    The outcomes of the repair layer (actions/forms.py) are answered here once for every
    flow: "cancelled", "failed", "closed" (goodbye), "dropped" (an offer the customer
    went past), "declined" (an offer refused with a question), "switched" (another flow
    starts), "handover" (a person is asked for: the
    flow is paused, its values kept, and « on reprend » takes it up again), "resumed" (the
    offer to leave a message gave way to the paused flow). A completed
    flow goes to `submit`.
    """

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        outcome = tracker.get_slot(OUTCOME)
        # Another flow paused for a person keeps its values (« on reprend » takes it up).
        other_paused = tracker.get_slot(PENDING) not in (None, self.form)
        cleared: List[EventType] = [
            SlotSet(slot, None)
            for slot in FLOW_SLOTS
            if not (other_paused and slot in PAUSED_VALUES)
        ]
        if outcome in ("cancelled", "cancelled_goodbye", "declined"):
            await self._after_cancel(outcome, dispatcher, tracker, domain)
        elif outcome == "failed":
            dispatcher.utter_message(response="utter_form_failed")
            utter_handover(self.context, dispatcher)
        elif outcome == "closed":
            dispatcher.utter_message(response="utter_goodbye")
        elif outcome == "resumed":
            # The offer to leave a message gave way to the request paused for a person.
            dispatcher.utter_message(response="utter_resume")
            return [*cleared, *resume_flow(tracker.get_slot(PENDING), tracker)]
        elif outcome == "dropped":
            dispatcher.utter_message(response="utter_anything_else")
        elif outcome == "switched":
            flow = tracker.get_slot(NEXT_FLOW)
            return [*cleared, *await start_flow(self.context, flow, dispatcher, tracker)]
        elif outcome == "handover":
            dispatcher.utter_message(response="utter_request_human_intro")
            if self.form == "leave_message_form":
                utter_handover(self.context, dispatcher)
                offer: List[EventType] = []
            else:
                # The line closed: the offer to leave a message follows the pause notice.
                offer = handover_with_offer(self.context, dispatcher, tracker)
            dispatcher.utter_message(response="utter_form_paused")
            kept = (*PAUSED_VALUES, "wants_to_leave_message", "message_text")
            paused = [SlotSet(slot, None) for slot in FLOW_SLOTS if slot not in kept]
            return [*paused, SlotSet(PENDING, self.form), *offer]
        else:
            return [*cleared, *(await self.submit(dispatcher, tracker) or [])]
        return cleared

    async def _after_cancel(
        self,
        outcome: str,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> None:
        """A request cancelled, or an offer declined with a question (« non pas de
        message. vous rouvrez quand ? »): said, then what the message also asks."""
        if outcome == "declined":
            if not await answer_the_other_question(self.context, dispatcher, tracker, domain):
                dispatcher.utter_message(response="utter_no_problem")
            return
        text = text_of(tracker.latest_message)
        dispatcher.utter_message(response=self.cancelled_response(tracker))
        if outcome == "cancelled_goodbye":
            dispatcher.utter_message(response="utter_goodbye")
        elif will_phone(text):
            # « oubliez, j'appellerai plutôt »: the number and whether the line is open.
            utter_handover(self.context, dispatcher)
        elif asks_for_someone(text):
            # « laissez tomber, passez-moi un conseiller »: a person, then the line.
            dispatcher.utter_message(response="utter_request_human_intro")
            utter_handover(self.context, dispatcher)
        elif await answer_the_other_question(self.context, dispatcher, tracker, domain):
            dispatcher.utter_message(response="utter_anything_else")

    # The form this action ends (the one « on reprend » takes up again).
    form: Text = ""

    def cancelled_response(self, tracker: Tracker) -> Text:
        """What a cancel of this flow says."""
        return "utter_form_cancelled"

    @abstractmethod
    async def submit(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Optional[List[EventType]]:
        """Acts on a completed flow; may return events to add."""


class ActionSendPasswordEmail(FormSubmission):
    """The chat reply is the same whether or not an account uses this address."""

    form = PASSWORD_FORM

    def name(self) -> Text:
        return "action_send_password_email"

    async def submit(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Optional[List[EventType]]:
        if tracker.get_slot("wants_reset_email") is False:
            dispatcher.utter_message(response="utter_no_problem")
            # « non pas besoin du mail alors. comment je recrée un compte ? »
            if await answer_the_other_question(self.context, dispatcher, tracker, {}):
                dispatcher.utter_message(response="utter_anything_else")
            return None
        return await send_password_email(
            self.context, dispatcher, tracker, tracker.get_slot("email")
        )


async def send_password_email(
    context: ActionContext,
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    email: str,
    previous: Optional[str] = None,
) -> List[EventType]:
    """Asks the backend for the reset e-mail; `previous` is an address the customer just
    corrected (« oups, plutôt … »), which the reply mentions."""
    try:
        client = context.account_client()
        await call_backend(client.request_password_email, email, tracker.sender_id)
    except RateLimited:
        dispatcher.utter_message(response="utter_password_email_rate_limited")
        utter_handover(context, dispatcher)
        return []
    except BackendUnavailable:
        dispatcher.utter_message(response="utter_password_email_unavailable")
        utter_handover(context, dispatcher)
        return []
    if previous:
        dispatcher.utter_message(
            response="utter_password_email_resent", email=email, previous=previous
        )
    else:
        dispatcher.utter_message(response="utter_password_email_sent", email=email)
    return [SlotSet(LAST_RESET_EMAIL, email)]


class ActionOpenDeletionTicket(FormSubmission):
    """The reference is given only for a request already verified (the logged-in owner of
    the address); otherwise the reply is the same whether or not an account uses the
    address: a confirmation link went to it if one does."""

    form = "delete_account_form"

    def cancelled_response(self, tracker: Tracker) -> Text:
        # « attendez non, je garde mon compte » at the confirmation (the address known):
        # the flow's own no, the account stays.
        if tracker.get_slot("email"):
            return "utter_deletion_not_requested"
        return "utter_form_cancelled"

    def name(self) -> Text:
        return "action_open_deletion_ticket"

    async def submit(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Optional[List[EventType]]:
        if not tracker.get_slot("confirm_deletion"):
            dispatcher.utter_message(response="utter_deletion_not_requested")
            return None
        email = tracker.get_slot("email")
        body = (
            f"Demande de suppression du compte client associé à {email}, "
            f"confirmée par le client dans le chat."
        )
        try:
            ticket = await call_backend(
                self.context.account_client().open_ticket,
                DELETION_SUBJECT,
                email,
                body,
                tracker.sender_id,
                customer_id=logged_in_customer(tracker),
            )
        except RateLimited:
            dispatcher.utter_message(response="utter_deletion_rate_limited")
            utter_handover(self.context, dispatcher)
            return None
        except BackendUnavailable:
            dispatcher.utter_message(response="utter_backend_unavailable")
            dispatcher.utter_message(response="utter_delete_account_by_form")
            utter_handover(self.context, dispatcher)
            return None
        if ticket.verified:
            dispatcher.utter_message(
                response="utter_deletion_ticket_opened", reference=ticket.reference
            )
            return [SlotSet(DELETION_REQUESTED, {"reference": ticket.reference})]
        dispatcher.utter_message(response="utter_deletion_confirmation_sent", email=email)
        return [SlotSet(DELETION_REQUESTED, {"email": email})]


class ActionOpenDuplicateTicket(FormSubmission):
    form = "duplicate_accounts_form"

    def name(self) -> Text:
        return "action_open_duplicate_ticket"

    async def submit(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Optional[List[EventType]]:
        emails: List[str] = tracker.get_slot("account_emails") or []
        body = (
            f"Le client indique avoir plusieurs comptes. Numéro client donné : "
            f"{tracker.get_slot('customer_id')}. Adresses e-mail utilisées : {', '.join(emails)}."
        )
        try:
            ticket = await call_backend(
                self.context.account_client().open_ticket,
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
            utter_handover(self.context, dispatcher)
            return [SlotSet(ACCOUNTS_REQUESTED, ticket.reference)]
        utter_handover(self.context, dispatcher)
        return None


class ActionLeaveMessage(FormSubmission):
    """A message left while the line is closed: an « Autre motif » ticket with the message
    and a summary of the conversation, for the agents who answer it by e-mail."""

    form = "leave_message_form"

    def name(self) -> Text:
        return "action_leave_message"

    async def submit(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Optional[List[EventType]]:
        if not tracker.get_slot("wants_to_leave_message"):
            dispatcher.utter_message(response="utter_no_problem")
            return None
        client, customer_id = self.context.account_client(), logged_in_customer(tracker)
        try:
            email = tracker.get_slot("email")
            if customer_id:
                email = (await call_backend(client.customer, customer_id)).email
            body = message_ticket_body(tracker.get_slot("message_text") or "", tracker.events)
            ticket = await call_backend(
                client.open_ticket,
                OTHER_SUBJECT,
                email,
                body,
                tracker.sender_id,
                customer_id=customer_id,
            )
        except BackendUnavailable:
            dispatcher.utter_message(response="utter_message_not_left")
            utter_handover(self.context, dispatcher)
            return None
        dispatcher.utter_message(response="utter_message_left", reference=ticket.reference)
        return None
