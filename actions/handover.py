from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.config import settings
from bot.domain.handover import current_time, handover_response


def utter_handover(dispatcher: CollectingDispatcher) -> None:
    """Phone number, hours, and whether the line is open right now."""
    config = settings()
    dispatcher.utter_message(**handover_response(current_time(config), config.phone))


class ActionPhoneHandover(Action):
    def name(self) -> Text:
        return "action_phone_handover"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        utter_handover(dispatcher)
        return []
