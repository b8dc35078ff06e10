"""A dialogue policy for short follow-ups: « et le week-end ? » right after the opening
hours, « sauf que l'actuel, je l'ai oublié » right after the change-password answer,
« toujours rien dans ma boîte » right after the reset e-mail.

Such messages are classified on their own by the NLU, often as something else (out of
scope, the fallback, a login problem), and the rules answer that. This policy reads them
in the light of what the bot just did (`bot.domain.repair.follow_up`, the same function
the action uses) and predicts `action_repair`, which answers the follow-up. It abstains
everywhere else, and inside a form, so the rules and the forms keep their precedence.
Its priority (7) is above the RulePolicy's (6): at equal confidence the follow-up wins.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot.domain.repair import follow_up

REPAIR_ACTION = "action_repair"


def previous_actions(tracker: DialogueStateTracker) -> List[str]:
    """The actions run between the customer's previous message and the latest one."""
    done: List[str] = []
    users = 0
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            users += 1
            if users == 2:
                break
        elif users == 1 and isinstance(event, ActionExecuted) and event.action_name:
            done.append(event.action_name)
    return done


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
        if (
            tracker.latest_action_name == ACTION_LISTEN_NAME
            and not tracker.active_loop_name
            and REPAIR_ACTION in domain.action_names_or_texts
            and follow_up(previous_actions(tracker), tracker.latest_message.text or "")
        ):
            probabilities[domain.index_for_action(REPAIR_ACTION)] = 1.0
        return self._prediction(probabilities)
