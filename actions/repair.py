"""The turns no rule answers on its own, outside a flow: a message the NLU is unsure of, a
value nobody asked for, a « oui » with no question pending, an out-of-scope message, and
the short follow-ups the follow-up policy (bot/rasa_ext/repair_policy.py) routes here.

In this order, the first that applies answers:
1. the reply to « Voulez-vous dire A ou B ? » (the option it names, or the NLU's
   preference between the two), a deletion asked for again (the request this
   conversation made is recalled), and a follow-up read in the light of the previous
   answer (bot/domain/repair.py);
2. a corrected address right after the reset e-mail: sent again to the new address;
3. a paused flow (a person was asked for on the way) taken up again: « on reprend », the
   value it waited for, or « oui »;
4. two topics a vague message may mean (« mon adresse »: delivery or e-mail?), or the NLU
   hesitates between: « Voulez-vous dire A ou B ? »;
5. the plain answers: out of scope, a value without a request, a yes without a question;
6. otherwise the fallback: the main topics first, the hand-over on the second miss.
"""

from __future__ import annotations

import itertools
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import ContextAction
from actions.flows import (
    ANSWERS,
    FLOWS,
    PENDING,
    answer_topic,
    prefill,
    recall_accounts_request,
    recall_deletion,
    resume_flow,
    start_flow,
)
from actions.follow_ups import ANSWERED_IN_FULL, answer_follow_up, previous_actions
from actions.forms import Turn
from actions.handover import handover_with_offer, utter_handover
from actions.submissions import send_password_email
from bot.domain.identifiers import find_customer_ids, find_emails, without_identifiers
from bot.domain.repair import (
    AFTER_DETAILS_REFUSED,
    AFTER_HOURS,
    FLOW_ENDS,
    LAST_RESET_EMAIL,
    PASSWORD_FORM,
    ambiguity,
    asks_a_question,
    asks_about_the_purge,
    asks_for_the_reset_email,
    cancelled_flow,
    change_asked_of_the_bot,
    choice,
    corrects_the_reset_address,
    disputes_the_answer,
    follow_up,
    insists,
    is_satisfied,
    names_nothing,
    names_only_the_account,
    names_the_deletion,
    postal_meant,
    resumes,
    topic_in_play,
    wants_a_person,
    wants_to_leave_a_message,
    wants_to_resume,
    will_phone,
)
from bot.domain.topics import TOPIC_NAMES

# Clarify when the two best topics are this close and the best is not sure of itself.
CLARIFY_MARGIN = 0.25
CLARIFY_CEILING = 0.85
CLARIFY_FLOOR = 0.15
# The turn (count of customer messages) the bot last said it did not understand.
MISSED_TURN = "missed_turn"
# The actions that end a flow, pausing it when a person was asked for.
PAUSING_ACTIONS = {*FLOW_ENDS, "action_leave_message"}
# The two intents « Voulez-vous dire A ou B ? » offered, until the customer answers, and
# the NLU confidence below which a reply naming neither is another question.
PREFERRED_FLOOR = 0.15
CLARIFY_OPTIONS = "clarify_options"


def preferred(turn: Turn, options: List[str]) -> Optional[str]:
    """The option the NLU ranks higher for the latest message; None when it gives neither
    more than a trace (the message is about something else)."""
    scores = {item.get("name"): item.get("confidence") or 0.0 for item in turn.ranking}
    best = max(options, key=lambda option: scores.get(option, 0.0))
    return best if scores.get(best, 0.0) >= PREFERRED_FLOOR else None


def message_times(tracker: Tracker) -> List[Optional[float]]:
    """When the customer sent the latest message and the one before, latest first. A
    missed message is known by its time, not by counting the messages: the Rasa server
    sends the events from the previous message on only (bot/rasa_ext/action_payload.py)."""
    messages = (event for event in reversed(tracker.events) if event.get("event") == "user")
    times = [message.get("timestamp") for message in itertools.islice(messages, 2)]
    return times + [None] * (2 - len(times))


class ActionRepair(ContextAction):
    def name(self) -> Text:
        return "action_repair"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        # A clarification is answered by the next message, or forgotten.
        forget: List[EventType] = (
            [SlotSet(CLARIFY_OPTIONS, None)] if tracker.get_slot(CLARIFY_OPTIONS) else []
        )
        return [*forget, *await self._answer(Turn(tracker), dispatcher, tracker, domain)]

    async def _answer(self, turn, dispatcher, tracker, domain) -> List[EventType]:
        steps = (
            self._chosen,
            self._recalled,
            self._corrected_reset,
            self._disputed,
            self._change_asked,
            self._follow_up,
            self._resume,
            self._message_asked,
        )
        for step in steps:
            events = await step(turn, dispatcher, tracker, domain)
            if events is not None:
                return events
        if names_only_the_account(turn.text):
            # « mon compte »: which topic, never a flow started on the NLU's guess.
            dispatcher.utter_message(response="utter_which_account_topic")
            return []
        if asks_about_the_purge(turn.text):
            # Not a deletion asked: whether inactive accounts are deleted (the FAQ's 3 years).
            dispatcher.utter_message(response="utter_account_purged")
            dispatcher.utter_message(response="utter_anything_else")
            return []
        if wants_a_person(turn.nlu_intent, turn.text):
            dispatcher.utter_message(response="utter_request_human_intro")
            return handover_with_offer(self.context, dispatcher, tracker)
        if postal_meant(turn.text):
            # The likelier reading answered; the next message may still pick the other
            # (« non, mon adresse mail ») as the reply to a clarification would.
            await answer_topic(self.context, "manage_addresses", dispatcher, tracker, domain)
            dispatcher.utter_message(response="utter_anything_else")
            return [SlotSet(CLARIFY_OPTIONS, ["manage_addresses", "update_personal_data"])]
        close = self._close_options(turn, tracker)
        in_play = close and topic_in_play(previous_actions(tracker), close, turn.text)
        if close and in_play:
            # « et je pourrai la choisir pour ma prochaine commande ? » after the addresses'
            # steps: the topic just answered, not « Voulez-vous dire … ? »; the next
            # message may still pick the other (« non, je parlais du mot de passe »).
            events = await self._topic(in_play, dispatcher, tracker, domain)
            return [*events, SlotSet(CLARIFY_OPTIONS, list(close))]
        options = self._clarify(close, dispatcher)
        if options:
            return [
                SlotSet(MISSED_TURN, message_times(tracker)[0]),
                SlotSet(CLARIFY_OPTIONS, options),
            ]
        return await self._plain_answer(turn, dispatcher, tracker, domain)

    async def _chosen(self, turn, dispatcher, tracker, domain) -> Optional[List[EventType]]:
        options = tracker.get_slot(CLARIFY_OPTIONS) or []
        if not options:
            return None
        chosen = choice(turn.text, options)
        if chosen is None and turn.intent in options:
            chosen = turn.intent
        if chosen is None:
            chosen = preferred(turn, options)
        if chosen is None:
            return None  # another question: answered as such
        if follow_up(previous_actions(tracker), turn.text, turn.sure_topic()) == "where_exactly":
            # « je trouve pas le bouton gestion des adresses » after the likelier reading's
            # answer: a follow-up of that answer (the path again), no choice between two.
            return None
        return await self._topic(chosen, dispatcher, tracker, domain)

    async def _topic(self, intent: str, dispatcher, tracker, domain) -> List[EventType]:
        """A topic's flow started, or its answer given."""
        if intent in FLOWS:
            return await start_flow(self.context, intent, dispatcher, tracker)
        await answer_topic(self.context, intent, dispatcher, tracker, domain)
        dispatcher.utter_message(response="utter_anything_else")
        return []

    async def _recalled(self, turn, dispatcher, tracker, domain) -> Optional[List[EventType]]:
        """A deletion asked for again: the request already made, not a second flow; also
        when the NLU reads it otherwise (« C'est bien pris en compte ? Je préfère refaire la
        demande de suppression »: out of scope)."""
        asked = turn.nlu_intent == "delete_account" or names_the_deletion(turn.text)
        if asked and recall_deletion(dispatcher, tracker):
            return []
        # « donc vous allez bien regrouper mes deux comptes client ? » after the ticket.
        if turn.nlu_intent == "duplicate_accounts" and recall_accounts_request(dispatcher, tracker):
            return []
        return None

    async def _follow_up(self, turn, dispatcher, tracker, domain) -> Optional[List[EventType]]:
        if resumes(turn.text, tracker.get_slot(PENDING)):
            # « bon il y a trop d'attente au téléphone, on reprend »: the paused request,
            # not the line again.
            return None
        done = previous_actions(tracker)
        kind = follow_up(done, turn.text, turn.sure_topic())
        if kind is None:
            return None
        events = await answer_follow_up(self.context, kind, done, dispatcher, tracker)
        if events is not None and kind in ANSWERED_IN_FULL:
            dispatcher.utter_message(response="utter_anything_else")
        return events

    async def _corrected_reset(
        self, turn, dispatcher, tracker, domain
    ) -> Optional[List[EventType]]:
        previous = tracker.get_slot(LAST_RESET_EMAIL)
        done = previous_actions(tracker)
        corrected = corrects_the_reset_address(done, turn.text, previous)
        around = without_identifiers(turn.text)
        kind = follow_up(done, around, None) if "?" in around else None
        if corrected is None or kind == "mailbox_lost":
            # « il a plus accès à cette boîte mail, vous pouvez l'envoyer sur la mienne
            # … ? »: no other address for an account; what to do without its mailbox.
            return None
        # (The same address typed again is sent again, with no « first e-mail » to undo.)
        again = previous is not None and corrected.lower() == previous.lower()
        events = await send_password_email(
            self.context, dispatcher, tracker, corrected, previous=None if again else previous
        )
        # « c'était pas la bonne, c'est t.lefevre@… et ça met combien de temps à arriver ? »:
        # the question asked with the correction, answered after it.
        if kind:
            await answer_follow_up(self.context, kind, done, dispatcher, tracker)
        return events

    async def _disputed(self, turn, dispatcher, tracker, domain) -> Optional[List[EventType]]:
        """« vous vous trompez elle est partie hier, le transporteur m'a envoyé le suivi »:
        the answer does not fit the customer's case; an adviser, who sees it, can help."""
        if not disputes_the_answer(turn.text):
            return None
        dispatcher.utter_message(response="utter_answer_disputed")
        return handover_with_offer(self.context, dispatcher, tracker)

    async def _change_asked(self, turn, dispatcher, tracker, domain) -> Optional[List[EventType]]:
        """« mettez mon nouveau numéro 06 71 82 93 04 svp »: the bot changes nothing; the
        path to do it, with what the account holds now."""
        topic = change_asked_of_the_bot(turn.text, turn.nlu_intent)
        if topic is None:
            return None
        dispatcher.utter_message(response="utter_change_it_yourself")
        await answer_topic(self.context, topic, dispatcher, tracker, domain)
        dispatcher.utter_message(response="utter_anything_else")
        return []

    async def _message_asked(self, turn, dispatcher, tracker, domain) -> Optional[List[EventType]]:
        """« en fait oui je veux bien laisser un message » (after the offer was declined):
        the line, then, when it is closed, the message asked for straight away; asked as a
        question (« je peux laisser un message à un conseiller ? »), the offer."""
        if not wants_to_leave_a_message(turn.text):
            return None
        events = handover_with_offer(self.context, dispatcher, tracker)
        if events and not asks_a_question(turn.text):
            events.append(SlotSet("wants_to_leave_message", True))
        return events

    async def _resume(self, turn, dispatcher, tracker, domain) -> Optional[List[EventType]]:
        pending = tracker.get_slot(PENDING)
        has_value = bool(find_emails(turn.text) or find_customer_ids(turn.text))
        # « oui » takes a paused flow up only right after the bot said it was paused.
        done = previous_actions(tracker)
        paused_just_before = bool(set(done) & PAUSING_ACTIONS)
        said_yes = turn.nlu_intent == "affirm" and paused_just_before
        if pending and (resumes(turn.text, pending) or has_value or said_yes):
            dispatcher.utter_message(response="utter_resume")
            # « ok envoyez le mail alors »: the reset e-mail's offer answered in words.
            taken = pending == PASSWORD_FORM and asks_for_the_reset_email(turn.text)
            return [
                *([SlotSet("wants_reset_email", True)] if taken else []),
                *resume_flow(pending, tracker),
            ]
        cancelled = cancelled_flow(done)
        if resumes(turn.text, cancelled):
            # « stop, je veux parler à un conseiller » cancelled it; « finalement on
            # reprend, c'est hugo@… »: the same flow again, with what the message gives
            # (the reset e-mail wanted: it was asked for again).
            dispatcher.utter_message(response="utter_resume")
            wanted = [SlotSet("wants_reset_email", True)] if cancelled == PASSWORD_FORM else []
            return [*await prefill(self.context, tracker), *wanted, FollowupAction(cancelled)]
        if wants_to_resume(turn.text) and not has_value:
            dispatcher.utter_message(response="utter_nothing_to_resume")
            return []
        return None

    def _close_options(self, turn: Turn, tracker) -> Optional[Tuple[str, str]]:
        """The two topics the message hesitates between, unless the previous message
        was missed already (then the hand-over)."""
        options = ambiguity(turn.text)
        if options is None:
            options = self._close_topics(turn)
        if options is None or self._missed_just_before(tracker):
            return None
        return options

    def _clarify(self, options: Optional[Tuple[str, str]], dispatcher) -> Optional[List[str]]:
        """Asks « Voulez-vous dire A ou B ? »; returns the two intents, or None."""
        if options is None:
            return None
        names = [TOPIC_NAMES[options[0]], TOPIC_NAMES[options[1]]]
        dispatcher.utter_message(
            response="utter_clarify",
            first=names[0],
            second=names[1],
            buttons=[
                {"title": names[0], "payload": f"/{options[0]}"},
                {"title": names[1], "payload": f"/{options[1]}"},
            ],
        )
        return list(options)

    def _close_topics(self, turn: Turn) -> Optional[Tuple[str, str]]:
        """The two best topics when the NLU could not choose between them."""
        if turn.nlu_intent not in ("nlu_fallback", "out_of_scope", None):
            return None
        if turn.nlu_intent == "out_of_scope" and turn.confidence > 0.5:
            return None
        ranking = [item for item in turn.ranking if item["name"] in TOPIC_NAMES]
        if len(ranking) < 2:
            return None
        first, second = ranking[0], ranking[1]
        close = first["confidence"] - second["confidence"] <= CLARIFY_MARGIN
        unsure = CLARIFY_FLOOR <= first["confidence"] <= CLARIFY_CEILING
        return (first["name"], second["name"]) if close and unsure else None

    def _closing(self, turn: Turn) -> bool:
        """The two best intents are thanks and goodbye: the customer is leaving politely."""
        return {item["name"] for item in turn.ranking[:2]} == {"thank", "goodbye"}

    def _missed_just_before(self, tracker: Tracker) -> bool:
        missed = tracker.get_slot(MISSED_TURN)
        return missed is not None and missed == message_times(tracker)[1]

    async def _plain_answer(self, turn: Turn, dispatcher, tracker, domain) -> List[EventType]:
        intent = turn.nlu_intent
        if intent in FLOWS:
            return await start_flow(self.context, intent, dispatcher, tracker)
        if intent in ANSWERS and intent != "out_of_scope":
            await answer_topic(self.context, intent, dispatcher, tracker, domain)
            dispatcher.utter_message(response="utter_anything_else")
            return []
        if intent == "out_of_scope" and not names_nothing(turn.text):
            # (« ça marche pas votre truc » names nothing out of scope: a miss, below.)
            dispatcher.utter_message(response="utter_out_of_scope")
            return handover_with_offer(self.context, dispatcher, tracker)
        if intent == "inform":
            dispatcher.utter_message(response="utter_inform_unexpected")
            return []
        if intent == "deny":
            # « non c'est tout merci » after an answer the repair gave (its « autre chose ? »
            # asked): goodbye; otherwise the no is taken.
            asked = "utter_anything_else" in previous_actions(tracker)
            dispatcher.utter_message(response="utter_goodbye" if asked else "utter_no_problem")
            return []
        refused = set(previous_actions(tracker)) & AFTER_DETAILS_REFUSED
        if intent == "affirm" and refused and insists(turn.text):
            # « allez svp c urgent elle m'a donné son accord » after someone's details were
            # refused: no yes to anything; the same answer, and the line.
            dispatcher.utter_message(response="utter_out_of_scope")
            return handover_with_offer(self.context, dispatcher, tracker)
        if intent == "affirm" and will_phone(turn.text):
            # « ok je vous appelle »: the customer's plan, understood; the line first unless
            # the bot has just given it.
            if not set(previous_actions(tracker)) & AFTER_HOURS:
                utter_handover(self.context, dispatcher)
                return []
            dispatcher.utter_message(response="utter_no_problem")
            return []
        if intent == "affirm":
            # « oui » at « Puis-je vous aider pour autre chose ? » asks for the question;
            # « ok parfait » is satisfied with the answer.
            satisfied = is_satisfied(turn.text)
            dispatcher.utter_message(
                response="utter_no_problem" if satisfied else "utter_ask_question"
            )
            return []
        if self._closing(turn):
            # « ok merci bonne journée »: thanks and goodbye too close to choose, both polite.
            dispatcher.utter_message(response="utter_you_are_welcome")
            dispatcher.utter_message(response="utter_goodbye")
            return []
        if self._missed_just_before(tracker):
            dispatcher.utter_message(response="utter_fallback_handover")
            return [
                SlotSet(MISSED_TURN, None),
                *handover_with_offer(self.context, dispatcher, tracker),
            ]
        dispatcher.utter_message(response="utter_fallback_topics")
        return [SlotSet(MISSED_TURN, message_times(tracker)[0])]
