"""A dialogue policy for the messages that only make sense with the conversation's state:
short follow-ups (« et le week-end ? » right after the opening hours, « sauf que
l'actuel, je l'ai oublié » right after the change-password answer, « toujours rien dans
ma boîte » right after the reset e-mail), « on reprend » while a request is paused, the
reply to « Voulez-vous dire A ou B ? », and vague messages (« un souci avec mon adresse »)
that deserve that question.

The NLU classifies such messages on their own, often as something else (out of scope,
the fallback, a login problem), and the rules answer that. This policy reads them in the
light of the state (`bot.domain.repair`, the same functions the action uses) and
predicts `action_repair` (actions/repair.py), which answers them. It abstains
everywhere else, and inside a form, so the rules and the forms keep their precedence.
Its priority (7) is above the RulePolicy's (6): at equal confidence the follow-up wins.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text, Tuple

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot.domain.repair import (
    ACCOUNTS_REQUESTED,
    DELETION_REQUESTED,
    LAST_RESET_EMAIL,
    ambiguity,
    asks_about_the_purge,
    cancelled_flow,
    change_asked_of_the_bot,
    choice,
    continues_a_message,
    corrects_the_reset_address,
    disputes_the_answer,
    follow_up,
    names_only_the_account,
    postal_meant,
    remembered_actions,
    resumes,
    sure_topic,
    wants_a_person,
    wants_to_leave_a_message,
)

REPAIR_ACTION = "action_repair"
# Intents a vague message is read as, that the repair asks about instead.
AMBIGUOUS_INTENTS = {
    "manage_addresses",
    "update_personal_data",
    "forgot_password",
    "change_password",
    "login_problem",
    "nlu_fallback",
    "out_of_scope",
    "delete_account",
}
# The two topics « adresse » hesitates between, which the words name for sure.
ADDRESS_KINDS = {"manage_addresses", "update_personal_data"}
UNSURE_INTENTS = {"deny", "affirm", "inform", "nlu_fallback"}
# Above this, a reply to « Voulez-vous dire … ? » on another topic is a new question.
CLEAR_CONFIDENCE = 0.8


def previous_actions(tracker: DialogueStateTracker) -> List[str]:
    """The actions run and responses sent between the customer's previous message and the
    latest one, and those of the turn before (remembered_actions)."""
    pairs = (_kind_and_name(event) for event in reversed(tracker.events))
    return remembered_actions(pairs, tracker.get_slot(LAST_RESET_EMAIL))


def _kind_and_name(event: Event) -> Tuple[str, Optional[str]]:
    if isinstance(event, UserUttered):
        return ("split" if continues_a_message(event.parse_data) else "user"), None
    if isinstance(event, BotUttered):
        return "bot", (event.metadata or {}).get("utter_action")
    return "action", event.action_name if isinstance(event, ActionExecuted) else None


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT], is_trainable=True
)
class FollowUpPolicy(Policy):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"priority": 7}

    def train(
        self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any
    ) -> Resource:
        # Nothing to learn: the follow-ups are read by bot.domain.repair.
        with self._model_storage.write_to(self._resource):
            pass
        return self._resource

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[Text, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        if tracker.latest_action_name == REPAIR_ACTION:
            # The repair answered the turn: wait for the customer (a flow it opened runs
            # first, as a follow-up action).
            probabilities[domain.index_for_action(ACTION_LISTEN_NAME)] = 1.0
        elif (
            tracker.latest_action_name == ACTION_LISTEN_NAME
            and not tracker.active_loop_name
            and REPAIR_ACTION in domain.action_names_or_texts
            and needs_repair(tracker)
        ):
            probabilities[domain.index_for_action(REPAIR_ACTION)] = 1.0
        return self._prediction(probabilities)


def _asked_again(tracker: DialogueStateTracker, intent: Optional[str]) -> bool:
    """A deletion or a two-accounts request this conversation already made, asked for
    again: recalled, not restarted."""
    if intent == "duplicate_accounts":
        return bool(tracker.get_slot(ACCOUNTS_REQUESTED))
    return intent == "delete_account" and bool(tracker.get_slot(DELETION_REQUESTED))


def needs_repair(tracker: DialogueStateTracker) -> bool:
    """Whether the latest message only makes sense with the conversation's state: a
    follow-up, « on reprend » with a paused request, the reply to « Voulez-vous dire A ou
    B ? », or a vague message (« mon adresse ») that the repair asks about."""
    message = tracker.latest_message
    text = message.text or ""
    if text.startswith("/"):  # a button: its intent is the customer's choice
        return False
    intent = message.intent.get("name")
    confidence = message.intent.get("confidence") or 0.0
    options = tracker.get_slot("clarify_options") or []
    if options:
        # (« non pas la postale, l'adresse mail que je tape pour me connecter » names one
        # kind of address, whatever the NLU reads in « me connecter »; the password's
        # choice words, « nouveau », « changer », are too common to overrule it.)
        kinds = set(options) <= ADDRESS_KINDS
        chosen = kinds and choice(text, options) is not None
        unsure = intent in UNSURE_INTENTS or confidence < CLEAR_CONFIDENCE
        return intent in options or unsure or chosen
    done = previous_actions(tracker)
    if resumes(text, tracker.get_slot("pending_form") or cancelled_flow(done)):
        return True
    if _asked_again(tracker, intent):
        return True
    if follow_up(done, text, sure_topic(intent, confidence, text)):
        return True
    if corrects_the_reset_address(done, text, tracker.get_slot(LAST_RESET_EMAIL)):
        return True
    if names_only_the_account(text):
        return True
    if wants_a_person(intent, text):
        return True
    if asks_about_the_purge(text):
        return True
    if wants_to_leave_a_message(text) or disputes_the_answer(text):
        return True
    if change_asked_of_the_bot(text, intent):
        return True
    vague = ambiguity(text) is not None or postal_meant(text)
    return intent in AMBIGUOUS_INTENTS and vague
