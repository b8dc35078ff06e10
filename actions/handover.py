"""The hand-over to the phone line, the opening hours, and the offer to leave a message when
the line is closed."""

from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import ActionContext, ContextAction, text_of, typed_before
from bot.domain.handover import contact_form_links, handover_response
from bot.domain.hours import line_status
from bot.domain.identifiers import find_emails
from bot.domain.repair import names_the_weekend


def utter_handover(context: ActionContext, dispatcher: CollectingDispatcher) -> None:
    """Phone number, hours, whether the line is open right now, and the contact form's link."""
    dispatcher.utter_message(
        **handover_response(context.clock(), context.phone),
        json_message=contact_form_links(context.phone),
    )


def line_is_open(context: ActionContext) -> bool:
    return line_status(context.clock(), context.phone).is_open


class ActionPhoneHandover(ContextAction):
    """The hand-over; when the line is closed, the offer to leave a message follows (the
    first question of `leave_message_form`)."""

    def name(self) -> Text:
        return "action_phone_handover"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        return handover_with_offer(self.context, dispatcher, tracker)


class ActionOpeningHours(ContextAction):
    """The opening hours: the weekend closure first when the question names the weekend
    (« vous bossez le samedi ? »), then the line and hours as for a hand-over."""

    def name(self) -> Text:
        return "action_opening_hours"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        dispatcher.utter_message(response=hours_answer(text_of(tracker.latest_message)))
        return handover_with_offer(self.context, dispatcher, tracker)


def hours_answer(text: str) -> str:
    """The response that opens the answer to an hours question."""
    return "utter_hours_weekend" if names_the_weekend(text) else "utter_opening_hours_intro"


def handover_with_offer(
    context: ActionContext, dispatcher: CollectingDispatcher, tracker: Tracker
) -> List[EventType]:
    """The hand-over, then, when the line is closed and no flow is under way, the offer to
    leave a message (the first question of `leave_message_form`)."""
    utter_handover(context, dispatcher)
    if line_is_open(context) or tracker.active_loop.get("name"):
        return []
    slots = ("wants_to_leave_message", "message_text", "form_outcome", "form_retries")
    # « … vous pouvez me répondre à celine.roux@hotmail.fr »: the address to answer to,
    # given with the request or just before it (« bonsoir, paul.petit@… ici »), is not
    # asked again.
    texts = [text_of(tracker.latest_message), *typed_before(tracker)]
    typed = next((found for text in texts if (found := find_emails(text))), [])
    given = [SlotSet("email", typed[0])] if len(typed) == 1 else []
    return [
        *(SlotSet(slot, None) for slot in slots),
        *given,
        FollowupAction("leave_message_form"),
    ]
