"""Validation of what the customer types while a form asks for something."""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, Callable, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction
from rasa_sdk.types import DomainDict

from bot.domain.identifiers import find_emails, parse_customer_id, parse_email

# A parser reads the customer's answer (text, intent) into a slot value, or None.
Parser = Callable[[str, Optional[str]], Any]

HANDOVER_INTENTS = {"request_human", "opening_hours"}
OUTCOME, RETRIES = "form_outcome", "form_retries"


class GuidedFormValidation(FormValidationAction):
    """Re-asks once with an example, then hands over; "annuler" cancels at any question.

    Each slot of the form has a parser in `parsers`. For an answer the parser
    cannot read, the form utters `utter_invalid_<slot>` (which shows an example)
    and asks again; a second unreadable answer in a row ends the form with the
    outcome "failed". Saying no (intent deny: "annuler", "stop", "non") ends it
    with "cancelled", unless the parser reads deny as an answer (a yes/no
    question). Asking for a person ends it with "handover". The outcome is left
    in the `form_outcome` slot for the submission action, which acts on it.
    A value set before the form (pre-filled) is checked too, but an unreadable
    one is just asked for.
    """

    parsers: Dict[Text, Parser] = {}

    @abstractmethod
    def name(self) -> Text:
        """validate_<form name>"""

    async def required_slots(
        self,
        domain_slots: List[Text],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[Text]:
        # No slot left to ask once the form has an outcome: Rasa deactivates it.
        return [] if tracker.get_slot(OUTCOME) else domain_slots

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        requested = tracker.get_slot(REQUESTED_SLOT)
        updates: Dict[Text, Any] = {}
        for slot, value in tracker.slots_to_validate().items():
            if slot not in self.parsers:
                continue
            updates.update(self._check(slot, value, slot == requested, dispatcher, tracker))
            if updates.get(OUTCOME):
                break
        tracker.slots.update(updates)
        return [SlotSet(slot, value) for slot, value in updates.items()]

    def _check(
        self,
        slot: Text,
        value: Any,
        answered: bool,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
    ) -> Dict[Text, Any]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if answered and intent in HANDOVER_INTENTS:
            return {slot: None, OUTCOME: "handover"}
        parsed = self.parsers[slot](_as_text(value), intent if answered else None)
        if parsed is not None:
            return {slot: parsed, RETRIES: None}
        if not answered:
            return {slot: None}
        if intent == "deny":
            return {slot: None, OUTCOME: "cancelled"}
        if tracker.get_slot(RETRIES):
            return {slot: None, OUTCOME: "failed"}
        dispatcher.utter_message(response=f"utter_invalid_{slot}")
        return {slot: None, RETRIES: 1.0}


def _as_text(value: Any) -> str:
    if isinstance(value, list):
        return " ".join(str(item) for item in value)
    return "" if value is None else str(value)


def email_parser(text: str, intent: Optional[str]) -> Optional[str]:
    return parse_email(text)


def emails_parser(text: str, intent: Optional[str]) -> Optional[List[str]]:
    return find_emails(text) or None


def customer_id_parser(text: str, intent: Optional[str]) -> Optional[str]:
    return parse_customer_id(text)


def yes_no_parser(text: str, intent: Optional[str]) -> Optional[bool]:
    return {"affirm": True, "deny": False}.get(intent or "")


class ValidatePasswordEmailForm(GuidedFormValidation):
    parsers = {"email": email_parser}

    def name(self) -> Text:
        return "validate_password_email_form"


class ValidateDeleteAccountForm(GuidedFormValidation):
    parsers = {"email": email_parser, "confirm_deletion": yes_no_parser}

    def name(self) -> Text:
        return "validate_delete_account_form"


class ValidateDuplicateAccountsForm(GuidedFormValidation):
    parsers = {"customer_id": customer_id_parser, "account_emails": emails_parser}

    def name(self) -> Text:
        return "validate_duplicate_accounts_form"
