"""What the customer types while a flow waits for something: the value, or a detour.

Every form validates through `GuidedFormValidation`, the repair layer of the flows. Rasa
fills the requested slot with the whole text (`from_text`); before taking it as the
answer, the layer reads the turn the way a person would (Rasa Pro's "conversation repair"
patterns, rebuilt here because Rasa Open Source 3.6 has none):

1. a choice among values offered just before (« la deuxième ») or a correction of a value
   given earlier (« non, c'est jean.d@free.fr ») updates that value;
2. a value the parser reads is the answer (a question that carries the e-mail answers too);
   two e-mails where one is wanted: « Laquelle ? »;
3. « annuler », « laissez tomber »: the flow ends, nothing is sent; at the offer to leave
   a message while a request is paused, « on reprend » or its value takes that one up;
4. goodbye closes politely; thanks are acknowledged and the question asked again;
5. asking for a person hands over and keeps the flow paused (`pending_form`): « on
   reprend » or the value, later, takes it up again (actions/repair.py);
6. another flow's question with « en fait », « plutôt »… switches to that flow (without
   them it is a side question: a misread intent must not drop what the customer started);
7. a side question is answered (same texts as its rule), then « Reprenons » and the
   pending question; after an offer, a second side question drops the offer;
8. anything else is re-asked once with an example, then handed over.
The outcome is left in `form_outcome` for the submission action (actions/submissions.py).
"""

from __future__ import annotations

import re
from abc import abstractmethod
from typing import Any, Callable, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction
from rasa_sdk.types import DomainDict

from actions.common import ActionContext, ContextAction, logged_in_customer, text_of
from actions.flows import (
    ANSWERS,
    CANDIDATES,
    DIGRESSIONS,
    FLOWS,
    NEXT_FLOW,
    OUTCOME,
    PENDING,
    RETRIES,
    answer_topic,
)
from actions.follow_ups import answer_follow_up, previous_actions, said_this_turn
from actions.handover import utter_handover
from bot.domain.identifiers import (
    find_customer_ids,
    find_emails,
    has_phone_number,
    is_spelled_email,
    parse_customer_id,
    without_identifiers,
)
from bot.domain.repair import (
    ASKS,
    FREE_TEXT_SLOTS,
    OUT_OF_SCOPE_CONFIDENCE,
    PASSWORD_FORM,
    SURE_CONFIDENCE,
    after_the_thanks,
    asks_a_question,
    asks_for_someone,
    asks_for_the_reset_email,
    asks_only_for_the_number,
    asks_the_identifier,
    asks_the_identifier_in_a_part,
    asks_to_be_called_back,
    asks_what_a_word_means,
    changed_mind,
    closes_with_cancel,
    corrected_to,
    corrects_the_subject,
    ends_with_a_confirmation,
    ends_with_a_refusal,
    explicit_yes_or_no,
    follow_up,
    forgets_the_number,
    opens_with_a_plain_no,
    opens_with_cancel,
    opens_with_no,
    pick,
    plain,
    puts_the_message_off,
    says_goodbye,
    says_yes_plainly,
    takes_it_back,
    thanks_resigned,
    the_question_part,
    wants_nothing_more,
    wants_to_cancel,
    wants_to_leave_a_message,
    wants_to_restart,
    wants_to_resume,
    wants_to_switch,
    will_phone,
    words_allow,
    yes_or_no,
    yes_with_a_question,
    yes_with_the_message,
)
from bot.domain.topics import TOPIC_NAMES

# The follow-ups a request's first message may also ask, answered when its flow opens.
OPENING_ASIDES = ("reset_email_delay", "account_purged")
# A parser reads the customer's answer (text, intent) into a slot value, or None.
Parser = Callable[[str, Optional[str]], Any]

# A question is trusted a little lower, when its reading is well ahead of the next one
# (config.yml's FallbackClassifier threshold is 0.4).
QUESTION_CONFIDENCE = 0.4
QUESTION_MARGIN = 0.2
OFFER_SLOTS = {"wants_reset_email", "wants_to_leave_message"}
# Side questions answered at an offer before it is dropped (« c'est quoi vos horaires ? »,
# then « et t'es une vraie personne ? », then « ok oui envoyez-le »: still offered).
MAX_OFFER_DETOURS = 2
# At « Écrivez votre message », a short question the bot answers itself (« attendez, mes
# factures je peux les trouver tout seul sur le site non ? ») is a detour, not the message.
SIDE_QUESTIONS = set(ANSWERS) - {"out_of_scope", "request_human"}
MAX_SIDE_QUESTION_WORDS = 15
SIDE_QUESTION_CONFIDENCE = 0.8


class Turn:
    """The customer's latest message as the repair layer reads it."""

    def __init__(self, tracker: Tracker) -> None:
        message = tracker.latest_message or {}
        self.text: str = text_of(message)
        # The NLU's ranking without the fallback: what the customer most likely meant.
        self.ranking: List[Dict[str, Any]] = [
            item
            for item in message.get("intent_ranking") or [message.get("intent") or {}]
            if item.get("name") and item.get("name") != "nlu_fallback"
        ]
        top = self.ranking[0] if self.ranking else {}
        self.intent: Optional[str] = top.get("name")
        self.confidence: float = float(top.get("confidence") or 0.0)
        self.nlu_intent: Optional[str] = (message.get("intent") or {}).get("name")
        # The question a cancelling message also asks (bot/rasa_ext/question_focus.py).
        self.asks: Optional[str] = (message.get(ASKS) or {}).get("name")

    def is_confident(self, *intents: str) -> bool:
        if self.intent not in intents:
            return False
        # Below SURE_CONFIDENCE the intent is not trusted to be a detour: the text is re-asked.
        if self.confidence >= SURE_CONFIDENCE:
            return True
        # A question the NLU reads one way, well ahead of the next reading (« on peut pas
        # simplement changer l'adresse mail du compte ? »: 0.46, then 0.18).
        return (
            self.confidence >= QUESTION_CONFIDENCE
            and self.confidence - self.runner_up >= QUESTION_MARGIN
            and asks_a_question(self.text)
        )

    @property
    def runner_up(self) -> float:
        return float(self.ranking[1].get("confidence") or 0.0) if len(self.ranking) > 1 else 0.0

    def sure_topic(self) -> Optional[str]:
        """The account topic the NLU is sure the message asks about, if any."""
        sure = self.is_confident(*TOPIC_NAMES)
        return (
            self.intent if sure and words_allow(self.intent, self.confidence, self.text) else None
        )

    @property
    def words(self) -> int:
        return len(plain(self.text).split())


class GuidedFormValidation(ContextAction, FormValidationAction):
    """The repair layer every form validates through (module docstring).

    Each slot of the form has a parser in `parsers`; `corrections` names the slots an
    answer to another question may correct (with their parser)."""

    parsers: Dict[Text, Parser] = {}
    corrections: Dict[Text, Parser] = {}
    flow_form: Text = ""

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
        # No slot left to ask once the flow has an outcome: Rasa deactivates the form.
        if tracker.get_slot(OUTCOME):
            return []
        return self.slots_to_ask(domain_slots, tracker)

    def slots_to_ask(self, domain_slots: List[Text], tracker: Tracker) -> List[Text]:
        return domain_slots

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        requested = tracker.get_slot(REQUESTED_SLOT)
        if requested in self.parsers and self._answered_this_turn(tracker):
            updates = await self._answer(requested, Turn(tracker), dispatcher, tracker, domain)
        else:
            updates = self._prefilled(tracker)
            updates.update(self._several_at_the_opening(dispatcher, tracker, updates))
            await self._aside_at_the_opening(dispatcher, tracker)
        tracker.slots.update(updates)
        return [SlotSet(slot, value) for slot, value in updates.items()]

    def _several_at_the_opening(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, updates: Dict[Text, Any]
    ) -> Dict[Text, Any]:
        """« supprimez mon compte, c'est soit l.morel@free.fr soit laurent.morel@free.fr »:
        the request opened with two addresses where one is needed; which one, asked."""
        offered = any(
            slot in self.parsers and updates.get(slot) is None and tracker.get_slot(slot) is None
            for slot in OFFER_SLOTS
        )
        if tracker.get_slot(REQUESTED_SLOT) or offered:
            return {}  # resumed, not opened; or an offer comes first
        emails = find_emails(text_of(tracker.latest_message))
        for slot, parser in self.parsers.items():
            if parser is email_parser and updates.get(slot) is None and len(emails) > 1:
                dispatcher.utter_message(
                    response="utter_ask_which_email", candidates=" ou ".join(emails)
                )
                return {CANDIDATES: emails}
        return {}

    async def _aside_at_the_opening(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> None:
        """« mot de passe oublié, mon mail c'est …, il faut combien de temps pour recevoir le
        mail ? »: a question asked with the request, which the flow's opening answer does
        not answer, answered before the flow's first question (only those that leave the
        flow as it is)."""
        if tracker.get_slot(REQUESTED_SLOT):
            return  # resumed, not opened
        around = without_identifiers(text_of(tracker.latest_message))
        done = said_this_turn(tracker)
        kind = follow_up(done, around, None) if "?" in around else None
        if kind in OPENING_ASIDES:
            await answer_follow_up(self.context, kind, done, dispatcher, tracker, in_a_flow=True)

    def _answered_this_turn(self, tracker: Tracker) -> bool:
        """Whether the customer's latest message answers the requested slot: nothing but
        this form ran since it (Rasa adds the form's own ActionExecuted to the tracker it
        sends). Otherwise the form was just opened or resumed by an action."""
        ran: List[str] = []
        for event in reversed(tracker.events):
            if event.get("event") == "user":
                break
            if event.get("event") == "action":
                ran.append(event.get("name") or "")
        return all(name == self.form_name() for name in ran)

    def _prefilled(self, tracker: Tracker) -> Dict[Text, Any]:
        """Values set before the form (pre-filled, resumed): kept when readable."""
        updates: Dict[Text, Any] = {}
        for slot, value in tracker.slots_to_validate().items():
            if slot in self.parsers and slot not in OFFER_SLOTS:
                updates[slot] = self.parsers[slot](_as_text(value), None)
        return updates

    async def _answer(
        self,
        slot: Text,
        turn: Turn,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[Text, Any]:
        steps = (self._restart, self._choice, self._correction, self._value, self._steering)
        for step in steps:
            updates = step(slot, turn, dispatcher, tracker)
            if updates is not None:
                if slot in FREE_TEXT_SLOTS:
                    # The message for the agents: whatever it asks is for them.
                    return updates
                if updates.get(slot) is not None and self._asks_aside(turn, tracker):
                    # « comment on change l'adresse de livraison ? … mon numéro c'est le
                    # 4471203 »: the value taken, and the question asked with it answered
                    # before the form's next question.
                    await answer_topic(self.context, turn.intent or "", dispatcher, tracker, domain)
                elif updates.get(slot) is not None and "?" in turn.text:
                    await self._aside_with_the_value(slot, turn, dispatcher, tracker, domain)
                return updates
        return await self._detour(slot, turn, dispatcher, tracker, domain)

    async def _aside_with_the_value(
        self,
        slot: Text,
        turn: Turn,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> None:
        """The question said around the value the form asked for, answered before the
        form goes on: « jean@x.fr. par contre ça fait 4 ans …, ça marche quand même ? »,
        « C1000004 et C1000003. c'est quoi mon identifiant ? », « …fr, et c'est quoi votre
        numéro de tel ? »; with a yes to an offer, any question the bot answers (« oui je
        veux bien laisser un message, mais vous rouvrez quand ? »)."""
        around = without_identifiers(turn.text)
        done = previous_actions(tracker)
        offer_taken = slot in OFFER_SLOTS and yes_with_a_question(turn.text)
        if asks_the_identifier(around):
            dispatcher.utter_message(response="utter_identifier")
        elif asks_only_for_the_number(around):
            utter_handover(self.context, dispatcher)
        elif kind := follow_up(done, around, None) or (
            # « …, mais vous rouvrez quand exactement ? » after the closed line's hours.
            follow_up(done, the_question_part(around), None) if offer_taken else None
        ):
            await answer_follow_up(self.context, kind, done, dispatcher, tracker, in_a_flow=True)
        elif offer_taken:
            await answer_the_other_question(self.context, dispatcher, tracker, domain)

    @staticmethod
    def _asks_aside(turn: Turn, tracker: Tracker) -> bool:
        """The message, which answers the form, also asks another account question."""
        other = turn.intent not in (*FLOWS, _opening_intent(tracker))
        return "?" in turn.text and other and turn.is_confident(*SIDE_QUESTIONS)

    def _restart(self, slot, turn, dispatcher, tracker) -> Optional[Dict[Text, Any]]:
        """« non attendez on recommence, c'est l'adresse du boulot le compte »: every value
        given so far dropped; the flow asks for them again."""
        if not wants_to_restart(turn.text):
            return None
        dispatcher.utter_message(response="utter_restart")
        # (An offer already taken stays taken: the values are asked again.)
        dropped = {other: None for other in self.parsers if other not in OFFER_SLOTS}
        return {**dropped, CANDIDATES: None, RETRIES: None}

    def _choice(self, slot, turn, dispatcher, tracker) -> Optional[Dict[Text, Any]]:
        candidates = tracker.get_slot(CANDIDATES) or []
        chosen = pick(turn.text, candidates) if candidates else None
        return {slot: chosen, CANDIDATES: None, RETRIES: None} if chosen else None

    def _correction(self, slot, turn, dispatcher, tracker) -> Optional[Dict[Text, Any]]:
        # « non, c'est X » at a yes/no question; X alone where another value is asked.
        answers = self.parsers[slot](turn.text, turn.nlu_intent) is not None
        if answers and slot not in self.yes_no_slots:
            return None
        for other, parser in self.corrections.items():
            value = parser(turn.text, None)
            if other != slot and value is not None and value != tracker.get_slot(other):
                dispatcher.utter_message(response="utter_value_corrected")
                return {other: value, slot: None, RETRIES: None}
        return None

    def _ended(
        self, slot, turn, dispatcher, value: Any, given: bool, other: Optional[str]
    ) -> Optional[Dict[Text, Any]]:
        """The request ended by the message: cancelled, dropped for another (`other`, the
        request it names: _another_request), left."""
        cancels = (
            (turn.words <= 10 and wants_to_cancel(turn.text))
            or opens_with_cancel(turn.text)
            or closes_with_cancel(turn.text)
            # « bon j'appellerai alors » where a value is asked: given up for the phone.
            or (will_phone(turn.text) and not asks_a_question(turn.text))
        ) and not ends_with_a_confirmation(turn.text)
        # « finalement non, je garde mon compte » at « Confirmez-vous … ? »: a no, which the
        # flow answers in its own words.
        says_no = slot in self.yes_no_slots and value is False
        if cancels and slot in OFFER_SLOTS and thanks_resigned(turn.text):
            # « Ah d'accord, tant pis. Merci » at an offer: thanks, and no.
            dispatcher.utter_message(response="utter_you_are_welcome")
            return {slot: None, OUTCOME: "dropped"}
        # « laissez tomber, je veux plutôt supprimer mon compte »: this request dropped for
        # another one, which starts.
        drops_for = cancels and (wants_to_switch(turn.text) or opens_with_cancel(turn.text))
        if drops_for and other in FLOWS and not given:
            return {slot: None, OUTCOME: "switched", NEXT_FLOW: other}
        # « ok tant pis. mon mail : … »: the address asked for answers, whatever closed the
        # detour before it.
        if cancels and not given and not says_no:
            return {
                slot: None,
                OUTCOME: "cancelled_goodbye" if says_goodbye(turn.text) else "cancelled",
            }
        switches = slot in OFFER_SLOTS or wants_to_switch(turn.text)
        if value is False and other in FLOWS and switches:
            # « non pas besoin. par contre je voudrais supprimer mon compte » at an offer,
            # « non attendez, en fait je veux réinitialiser mon mot de passe » at a
            # confirmation: declined, and another request started.
            return {slot: None, OUTCOME: "switched", NEXT_FLOW: other}
        leaves = says_goodbye(turn.text) and not asks_a_question(turn.text)
        # (A goodbye the NLU is sure of closes the flow in `_steering`.)
        unread = not turn.is_confident("goodbye")
        if leaves and unread and not given and self.parsers[slot] in VALUE_PARSERS:
            # « ah bah merci, je viens de le retrouver dans mon carnet, bonne journée » while
            # a value is asked: the customer leaves, the request with her.
            return {slot: None, OUTCOME: "cancelled_goodbye"}
        return None

    def _value(self, slot, turn, dispatcher, tracker) -> Optional[Dict[Text, Any]]:
        given = self.parsers[slot] in VALUE_PARSERS and self.parsers[slot](turn.text, None)
        value = self.parsers[slot](turn.text, turn.nlu_intent)
        other = self._another_request(turn, tracker)
        ended = self._ended(slot, turn, dispatcher, value, bool(given), other)
        if ended is not None:
            return ended
        more = (
            turn.asks
            or (opens_with_a_plain_no(turn.text) and "?" in turn.text)
            # « non attendez, en fait je veux juste changer mon adresse de livraison »
            or (other is not None and wants_to_switch(turn.text))
        )
        if value is False and slot in self.yes_no_slots and more:
            # « non pas de message. vous rouvrez quand ? »: declined, and a question asked;
            # at a confirmation (« non en fait non. et pour l'adresse … ? »), the request
            # cancelled in the flow's own words, then the question.
            return {slot: None, OUTCOME: "declined" if slot in OFFER_SLOTS else "cancelled"}
        story = value is False and slot in OFFER_SLOTS and not wants_to_cancel(turn.text)
        if story and self._follows_up(turn, tracker):
            # « ça fait genre 4 ans que j'y suis pas allé » at the reset offer: its « pas »
            # tells the story the answer just given asks about; no answer to the offer
            # (« ah c'est fermé... bon tant pis » declines it).
            return None
        plan = value is True and slot in OFFER_SLOTS and not says_yes_plainly(turn.text)
        if plan and self._follows_up(turn, tracker):
            # « ok merci je vais recréer un compte alors » at the reset offer: the
            # customer's own plan, which the answer just given follows up; no yes.
            return None
        if slot in OFFER_SLOTS and says_goodbye(turn.text) and not says_yes_plainly(turn.text):
            # « ok merci, bonne journée » at an offer: a goodbye, not a yes.
            return {slot: None, OUTCOME: "closed"}
        if value is not None:
            return {
                slot: value,
                **self._also_given(slot, turn, tracker),
                CANDIDATES: None,
                RETRIES: None,
            }
        emails = find_emails(turn.text)
        corrected = corrected_to(turn.text, emails) if self.parsers[slot] is email_parser else None
        if corrected:
            # « c'est a@free.fr ah non celle du boulot b@free.fr »: the second.
            return {slot: corrected, CANDIDATES: None, RETRIES: None}
        if len(emails) > 1 and self.parsers[slot] is email_parser:
            dispatcher.utter_message(
                response="utter_ask_which_email", candidates=" ou ".join(emails)
            )
            return {slot: None, CANDIDATES: emails}
        later = self._also_given(slot, turn, tracker) if value is None else {}
        if later:
            # « j'ai utilisé a@b.fr et c@d.fr » when the customer number is asked: the
            # e-mails kept for their own question, the number asked again.
            return {slot: None, **later, RETRIES: None}
        return None

    def _another_request(self, turn: Turn, tracker: Tracker) -> Optional[str]:
        """The account request a message names besides this flow's own: the question
        found after a cancel or a no, else the topic the NLU is sure of."""
        topic = turn.asks or turn.sure_topic()
        if topic is None or topic == _opening_intent(tracker):
            return None
        if topic in FLOWS and FLOWS[topic][1] == self.flow_form:
            return None
        return topic

    @staticmethod
    def _follows_up(turn: Turn, tracker: Tracker) -> bool:
        """A message without a « non » first that is a follow-up of the previous answer."""
        if opens_with_no(turn.text):
            return False
        kind = follow_up(previous_actions(tracker), turn.text, turn.sure_topic())
        return kind not in (None, "not_that")

    def _also_given(self, slot: Text, turn: Turn, tracker: Tracker) -> Dict[Text, Any]:
        """The other values this form still needs that the same message gives (« C5566778,
        j'ai utilisé a@b.fr et c@d.fr »): taken now rather than asked for again. Only
        values a parser recognises for sure (e-mails, customer numbers), never a yes/no or
        a free text."""
        return {
            other: found
            for other, parser in self.parsers.items()
            if other != slot
            and parser in VALUE_PARSERS
            and tracker.get_slot(other) is None
            and (found := parser(turn.text, None)) is not None
            # One address where the customer number is asked identifies, it lists no
            # accounts: the accounts' addresses are asked for in their turn.
            and not (parser is emails_parser and len(found) < 2)
        }

    def _steering(self, slot, turn, dispatcher, tracker) -> Optional[Dict[Text, Any]]:
        if self._value_attempt(slot, turn):
            return None  # « contact@roulements-girard »: a mistyped value, not « contact »
        if wants_to_resume(turn.text):
            dispatcher.utter_message(response="utter_resume")
            return {slot: None}
        if turn.is_confident("goodbye"):
            return {slot: None, OUTCOME: "closed"}
        if turn.is_confident("request_human"):
            if asks_only_for_the_number(turn.text) and self.flow_form != "leave_message_form":
                # « c'est quoi votre numéro de tel ? »: the line, then the question again.
                utter_handover(self.context, dispatcher)
                dispatcher.utter_message(response="utter_resume")
                return {slot: None}
            return {slot: None, OUTCOME: "handover"}
        if turn.nlu_intent == "deny" and slot not in self.yes_no_slots:
            return {slot: None, OUTCOME: "cancelled"}
        # (« merci, ça arrive quand ? » thanks, then asks: the question is what counts.)
        if turn.is_confident("thank") and not asks_a_question(after_the_thanks(turn.text)):
            dispatcher.utter_message(response="utter_you_are_welcome")
            if slot in OFFER_SLOTS:
                # « ok merci » at an offer: thanks, no.
                return {slot: None, OUTCOME: "dropped"}
            dispatcher.utter_message(response="utter_resume")
            return {slot: None}
        if asks_the_identifier(turn.text) and self.flow_form != PASSWORD_FORM:
            # « au fait c'est quoi mon identifiant pour me connecter ? » at the offer to
            # leave a message: what the identifier is, then the question again; no reset
            # started (inside the reset, its own answer holds the identifier: `_detour`).
            dispatcher.utter_message(response="utter_identifier")
            dispatcher.utter_message(response="utter_resume")
            return {slot: None}
        # (« peut etre, ca depend, on me repond quand ? » at an offer reads a log-in
        # problem at 0.49, with none of its words: no request.)
        sure = turn.is_confident(*FLOWS) and words_allow(turn.intent, turn.confidence, turn.text)
        flow = turn.intent if sure else None
        # At an offer, another request simply replaces it; inside a request, only with
        # « en fait », « plutôt »… (a misread intent must not drop what was started).
        switches = wants_to_switch(turn.text) or slot in OFFER_SLOTS
        if flow and FLOWS[flow][1] != self.flow_form and switches:
            if self._follows_up(turn, tracker):
                # « pourquoi mon compte serait supprimé ?? » after the log-in help: about
                # that answer, no deletion asked.
                return None
            return {slot: None, OUTCOME: "switched", NEXT_FLOW: flow}
        return None

    @property
    def yes_no_slots(self) -> List[Text]:
        return [slot for slot, parser in self.parsers.items() if parser is yes_no_parser]

    async def _detour(self, slot, turn, dispatcher, tracker, domain) -> Dict[Text, Any]:
        answered = await self._follow_up(slot, turn, dispatcher, tracker)
        if answered is not None:
            return answered
        # « oui je veux bien mais c'est quoi mon identifiant déjà ? » at the offer: the
        # question answered, and the offer taken.
        yes_and_asks = slot in OFFER_SLOTS and yes_with_a_question(turn.text)
        if yes_and_asks and await answer_the_other_question(
            self.context, dispatcher, tracker, domain
        ):
            return {slot: True, CANDIDATES: None, RETRIES: None}
        same_flow = turn.intent is not None and turn.intent == _opening_intent(tracker)
        # « … arobase free point fr » or « marc@gmail » is an address (mis)typed, not
        # another question: it goes to the invalid-value answer below, whatever the NLU
        # made of it.
        value_attempt = self._value_attempt(slot, turn)
        if turn.is_confident(*ANSWERS) and not same_flow and not value_attempt:
            await answer_topic(self.context, turn.intent or "", dispatcher, tracker, domain)
            detours = int(tracker.get_slot(DIGRESSIONS) or 0) + 1
            if (slot in OFFER_SLOTS and detours > MAX_OFFER_DETOURS) or takes_it_back(turn.text):
                # « non non je voulais juste me déconnecter »: the request was misread.
                return {slot: None, OUTCOME: "dropped"}
            dispatcher.utter_message(response="utter_resume")
            return {slot: None, DIGRESSIONS: float(detours), RETRIES: None}
        asked = asks_a_question(turn.text) or corrects_the_subject(turn.text)
        # « réinitialiser ça veut dire quoi exactement » inside the reset: the flow's
        # opening answer explains its words, whatever the NLU read (affirm 0.8).
        opening = _opening_intent(tracker)
        means = asks_what_a_word_means(turn.text) and opening in ANSWERS
        if ((same_flow and asked) or means) and not value_attempt:
            # « c'est quoi mon identifiant déjà ? » inside the reset: the topic's answer
            # holds it; the flow's opening answer again, then the question.
            await answer_topic(self.context, opening or "", dispatcher, tracker, domain)
            dispatcher.utter_message(response="utter_resume")
            return {slot: None}
        if (same_flow or turn.is_confident("greet")) and not value_attempt:
            # The request that opened this flow, said again, or a hello: a reminder.
            dispatcher.utter_message(response="utter_resume")
            return {slot: None}
        if tracker.get_slot(RETRIES):
            return {slot: None, OUTCOME: "failed"}
        if looks_like_a_question(turn.text) and slot not in self.yes_no_slots:
            # Never « cette adresse ne semble pas valide » for a question we did not get.
            dispatcher.utter_message(response="utter_question_not_understood")
            dispatcher.utter_message(response="utter_resume")
        else:
            dispatcher.utter_message(response=f"utter_invalid_{slot}")
        return {slot: None, RETRIES: 1.0}

    def _value_attempt(self, slot: Text, turn: Turn) -> bool:
        """« … arobase free point fr », « marc@gmail », « C12345 »: the value asked for,
        mistyped, rather than another question."""
        parser = self.parsers[slot]
        if parser in (email_parser, emails_parser):
            # (« mon tel c'est le 07 11 22 33 44 » where the e-mails are asked: the wrong
            # kind of value, answered as one.)
            mistyped = is_spelled_email(turn.text) or ("@" in turn.text and turn.words <= 4)
            return mistyped or (has_phone_number(turn.text) and turn.words <= 12)
        if parser in (customer_id_parser, customer_ids_parser):
            return turn.words <= 4 and any(char.isdigit() for char in turn.text)
        return False

    async def _follow_up(self, slot, turn, dispatcher, tracker) -> Optional[Dict[Text, Any]]:
        """A follow-up of what the bot just said (« et si je n'ai plus accès à cette
        boîte ? » after the reset steps), answered, then the question again; an offer the
        answer makes pointless (no mailbox, no reset e-mail) is dropped."""
        done = previous_actions(tracker)
        kind = follow_up(done, turn.text, turn.sure_topic())
        if kind is None:
            return None
        if kind == "not_that":
            # « non c'est pas ça » inside a request: the request was not what was meant.
            return {slot: None, OUTCOME: "cancelled"}
        if (
            await answer_follow_up(self.context, kind, done, dispatcher, tracker, in_a_flow=True)
            is None
        ):
            return None
        if kind == "mailbox_lost" and slot in OFFER_SLOTS:
            return {slot: None, OUTCOME: "dropped"}
        if slot in OFFER_SLOTS and yes_with_a_question(turn.text):
            # « oui mais il arrive au bout de combien de temps le mail ? »: answered, and the
            # offer taken. Never a deletion's confirmation, which is no offer: a definitive
            # deletion waits for a yes without a question attached.
            return {slot: True, CANDIDATES: None, RETRIES: None}
        dispatcher.utter_message(response="utter_resume")
        return {slot: None}


def _asks_the_bot(turn: Turn) -> bool:
    """A short question on a topic the bot answers, surely read (SIDE_QUESTIONS); or a
    question said to come before the message, however long (« attendez avant d'écrire mon
    message, je change mon numéro de téléphone où dans mon compte ? »)."""
    return (turn.words <= MAX_SIDE_QUESTION_WORDS or puts_the_message_off(turn.text)) and (
        turn.intent in SIDE_QUESTIONS
        and turn.confidence >= SIDE_QUESTION_CONFIDENCE
        and asks_a_question(turn.text)
    )


def _asks_the_line(turn: Turn) -> bool:
    """A short question for the phone number only (« c'est quoi le numéro déjà ? pour
    rappeler lundi »): the line is given, no one is asked for."""
    return (
        turn.words <= MAX_SIDE_QUESTION_WORDS
        and asks_a_question(turn.text)
        and asks_only_for_the_number(turn.text)
    )


# The topics a question asked besides a cancel, a no or a yes is answered with.
OTHER_QUESTIONS = set(ANSWERS) - {"out_of_scope"} - set(FLOWS)
MIN_QUESTION_WORDS = 5


async def answer_the_other_question(
    context: ActionContext,
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    domain: Dict[Text, Any],
) -> bool:
    """Answers the question a message asks besides its answer to the flow: a cancel, a
    no or a yes to an offer; False when it asks none."""
    turn = Turn(tracker)
    if turn.words < MIN_QUESTION_WORDS:
        return False
    around = without_identifiers(turn.text)
    if asks_the_identifier_in_a_part(around):
        # « non merci, par contre c'est quoi mon identifiant ? »: read as the password's
        # topic, whose flow was just declined; what the identifier is. « oui je veux bien
        # mais c'est quoi mon identifiant déjà, c'est pas mon numéro client ? »: after the yes.
        dispatcher.utter_message(response="utter_identifier")
        return True
    if turn.is_confident(*OTHER_QUESTIONS):
        return await answer_topic(context, turn.intent or "", dispatcher, tracker, domain)
    if turn.asks in OTHER_QUESTIONS:
        return await answer_topic(context, turn.asks or "", dispatcher, tracker, domain)
    if _asks_out_of_scope(turn):
        # « annuler, je garde mon compte. Vous acceptez les retours sous combien de
        # jours ? »: that question's answer (the phone line) after the cancellation.
        return await answer_topic(context, "out_of_scope", dispatcher, tracker, domain)
    return False


def _asks_out_of_scope(turn: Turn) -> bool:
    """A question surely out of scope; a bare « laissez tomber » read out of scope is not."""
    return (
        "?" in turn.text
        and turn.intent == "out_of_scope"
        and turn.confidence >= OUT_OF_SCOPE_CONFIDENCE
    )


# A message this long typed at the leave-message offer, that asks to be called or written
# back, neither a yes nor a no, nor a cancel, is the message itself (whatever topic it names:
# it is for the agents).
MIN_MESSAGE_AT_OFFER_WORDS = 12


def _is_the_message(turn: Turn) -> bool:
    return (
        turn.words >= MIN_MESSAGE_AT_OFFER_WORDS
        and asks_to_be_called_back(turn.text)
        and yes_no_parser(turn.text, turn.intent) is None
        and not wants_to_cancel(turn.text)
        and not says_goodbye(turn.text)
    )


def _opening_intent(tracker: Tracker) -> Optional[str]:
    """The intent of the message that opened the active form."""
    trigger = (tracker.active_loop or {}).get("trigger_message") or {}
    return (trigger.get("intent") or {}).get("name")


def looks_like_a_question(text: str) -> bool:
    """A sentence rather than a mistyped value: a question mark, or several words and
    nothing that looks like an address or a number."""
    if "@" in text or is_spelled_email(text) or any(char.isdigit() for char in text):
        return False
    return "?" in text or len(text.split()) >= 4


def _as_text(value: Any) -> str:
    if isinstance(value, list):
        return " ".join(str(item) for item in value)
    return "" if value is None else str(value)


def email_parser(text: str, intent: Optional[str]) -> Optional[str]:
    emails = find_emails(text)
    return emails[0] if len(emails) == 1 else None


def emails_parser(text: str, intent: Optional[str]) -> Optional[List[str]]:
    return find_emails(text) or None


# The customer number of a two-accounts request whose customer does not know it: the
# accounts' addresses will do for the agents.
UNKNOWN_CUSTOMER_ID = "inconnu"


def customer_ids_parser(text: str, intent: Optional[str]) -> Optional[str]:
    """One or several customer numbers (a customer with two accounts may give both); where
    the number is asked (`intent` known), « je sais plus mon numéro » says it is unknown."""
    numbers = find_customer_ids(text)
    if numbers:
        return ", ".join(numbers)
    return UNKNOWN_CUSTOMER_ID if intent is not None and forgets_the_number(text) else None


def customer_id_parser(text: str, intent: Optional[str]) -> Optional[str]:
    return parse_customer_id(text)


# Parsers of values that cannot be mistaken for anything else in a message.
VALUE_PARSERS = (email_parser, emails_parser, customer_ids_parser, customer_id_parser)


def yes_no_parser(text: str, intent: Optional[str]) -> Optional[bool]:
    if intent is not None and (asks_a_question(text) or corrects_the_subject(text)):
        # A question at a yes/no question (« et ça rouvre quand exactement ? »), or the
        # subject corrected (« non pas le mot de passe, l'identifiant »): a detour.
        return None
    if intent == "request_human" and asks_for_someone(text):
        # « non, je veux parler à quelqu'un » at an offer: a person asked for, not a no
        # (« je préfère pas, je rappellerai lundi » is a no).
        return None
    changed = changed_mind(text)
    if changed is not None:
        # « euh non... enfin si, envoyez-le moi oui »: the last answer.
        return changed
    if ends_with_a_confirmation(text):
        # « non tant pis, je veux vraiment le supprimer. oui je confirme »
        return True
    if ends_with_a_refusal(text):
        # « …, si je perds les factures c'est embêtant pour le fisc... non alors »
        return False
    if opens_with_a_plain_no(text):
        # « non pas besoin de message. pour revenir à mon nom, c'est où ? »: a no, then more.
        return False
    if wants_nothing_more(text) and not says_yes_plainly(text):
        # « ok c'est tout » at « Confirmez-vous … ? »: nothing more wanted, no yes.
        return False
    if will_phone(text) and not says_yes_plainly(text):
        # « ok je vous appelle lundi » at an offer: the customer will phone instead.
        return False
    by_intent = {"affirm": True, "deny": False}.get(intent or "")
    if by_intent is not None or intent is None:
        return by_intent
    answer = yes_or_no(text) if len(plain(text).split()) <= 12 else explicit_yes_or_no(text)
    if answer and intent in NOT_A_YES and not _plain_yes(text):
        # « ok bon je veux supprimer mon compte », « ok merci » at a question: another
        # request, or thanks, behind an acknowledging « ok ».
        return None
    return answer


# Intents whose « ok » or « d'accord » acknowledges rather than answers yes.
NOT_A_YES = {*TOPIC_NAMES, "thank"}


def _plain_yes(text: str) -> bool:
    return says_yes_plainly(text) or "confirm" in plain(text) or explicit_yes_or_no(text) is True


# The shortest message for the agents that says something.
MIN_MESSAGE_CHARACTERS, MIN_MESSAGE_WORDS = 15, 3


def message_parser(text: str, intent: Optional[str]) -> Optional[str]:
    """A message for the agents: anything with a few words (« alors en fait » says
    nothing yet: asked again)."""
    cleaned = text.strip()
    enough = len(cleaned) >= MIN_MESSAGE_CHARACTERS and len(cleaned.split()) >= MIN_MESSAGE_WORDS
    return cleaned if enough else None


class ValidatePasswordEmailForm(GuidedFormValidation):
    parsers = {"wants_reset_email": yes_no_parser, "email": email_parser}
    flow_form = PASSWORD_FORM

    def name(self) -> Text:
        return "validate_password_email_form"

    def slots_to_ask(self, domain_slots: List[Text], tracker: Tracker) -> List[Text]:
        return [] if tracker.get_slot("wants_reset_email") is False else domain_slots

    def _value(self, slot, turn, dispatcher, tracker) -> Optional[Dict[Text, Any]]:
        # An e-mail typed in answer to the offer is a yes, with the address; « oui, à
        # b.dupont@hotmail.fr... enfin non, b.dupont@hotmail.com »: with the corrected one.
        emails = find_emails(turn.text)
        typed = emails[0] if len(emails) == 1 else corrected_to(turn.text, emails)
        if slot == "wants_reset_email" and typed:
            return {slot: True, "email": typed, RETRIES: None}
        # « ok send moi le mail de reset stp », « vous pouvez m'envoyer le mail ? »: a yes.
        if slot == "wants_reset_email" and asks_for_the_reset_email(turn.text):
            return {slot: True, RETRIES: None}
        return super()._value(slot, turn, dispatcher, tracker)


class ValidateDeleteAccountForm(GuidedFormValidation):
    parsers = {"email": email_parser, "confirm_deletion": yes_no_parser}
    corrections = {"email": email_parser}
    flow_form = "delete_account_form"

    def name(self) -> Text:
        return "validate_delete_account_form"

    def _value(self, slot, turn, dispatcher, tracker) -> Optional[Dict[Text, Any]]:
        resumed = slot == "confirm_deletion" and wants_to_resume(turn.text)
        if resumed and explicit_yes_or_no(turn.text) is not True:
            # « ok c'est bon, on reprend » after a detour: back to the question, which
            # a deletion, final, needs answered on its own.
            return None
        return super()._value(slot, turn, dispatcher, tracker)


class ValidateDuplicateAccountsForm(GuidedFormValidation):
    parsers = {"customer_id": customer_ids_parser, "account_emails": emails_parser}
    corrections = {"customer_id": customer_ids_parser}
    flow_form = "duplicate_accounts_form"

    def name(self) -> Text:
        return "validate_duplicate_accounts_form"

    def _correction(self, slot, turn, dispatcher, tracker) -> Optional[Dict[Text, Any]]:
        updates = super()._correction(slot, turn, dispatcher, tracker)
        if updates and updates.get("customer_id"):
            # « oups pas C1000005, le deuxième c'est C1000004 »: one of the numbers replaced.
            before = tracker.get_slot("customer_id")
            updates["customer_id"] = numbers_corrected(turn.text, before, updates["customer_id"])
        return updates


def numbers_corrected(text: str, before: Optional[str], typed: str) -> str:
    """The customer numbers after a message that corrects some of them: those it says are
    not (« pas C1000005 ») leave the ones known `before`, the others join them; without a
    « pas », the numbers typed replace them."""
    negated = {
        number
        for number in find_customer_ids(text)
        if re.search(rf"\b(?:pas|non)\s+(?:le\s+|du\s+)?c?\s?{number[1:]}\b", text, re.I)
    }
    if not negated or not before:
        return typed
    kept = [number for number in before.split(", ") if number not in negated]
    added = [n for n in typed.split(", ") if n not in negated and n not in kept]
    return ", ".join(kept + added)


class ValidateLeaveMessageForm(GuidedFormValidation):
    parsers = {
        "wants_to_leave_message": yes_no_parser,
        "message_text": message_parser,
        "email": email_parser,
    }
    flow_form = "leave_message_form"

    def name(self) -> Text:
        return "validate_leave_message_form"

    def slots_to_ask(self, domain_slots: List[Text], tracker: Tracker) -> List[Text]:
        if tracker.get_slot("wants_to_leave_message") is False:
            return []
        if logged_in_customer(tracker):
            return [slot for slot in domain_slots if slot != "email"]
        return domain_slots

    def _value(self, slot, turn, dispatcher, tracker) -> Optional[Dict[Text, Any]]:
        # At the offer, while a request is paused for a person: « on reprend » (even after
        # « tant pis ») or the value that request waits for takes it up instead.
        resumes = (
            wants_to_resume(turn.text) or find_emails(turn.text) or find_customer_ids(turn.text)
        )
        if slot == "wants_to_leave_message" and tracker.get_slot(PENDING) and resumes:
            return {slot: None, OUTCOME: "resumed"}
        dictated = yes_with_the_message(turn.text)
        if slot == "wants_to_leave_message" and dictated:
            # « oui, dites leur que j'ai jamais reçu la facture de mardi »: a yes, and the
            # message said with it.
            return {slot: True, "message_text": dictated, **self._also_given(slot, turn, tracker)}
        if slot == "wants_to_leave_message" and _is_the_message(turn):
            # « Bonjour, je voudrais que mes prochaines factures soient au nom de ma
            # société… Merci de me recontacter. » typed at the offer: a yes, with its text.
            return {slot: True, "message_text": turn.text.strip()}
        if slot == "wants_to_leave_message" and wants_to_leave_a_message(turn.text):
            # « je peux laisser un message du coup ? »: a yes asked as a question (with the
            # address to answer to, if typed with it).
            return {slot: True, **self._also_given(slot, turn, tracker), RETRIES: None}
        if slot == "message_text" and (_asks_the_bot(turn) or _asks_the_line(turn)):
            return None
        return super()._value(slot, turn, dispatcher, tracker)

    def _steering(self, slot, turn, dispatcher, tracker) -> Optional[Dict[Text, Any]]:
        # The message itself may ask anything: only the offer and the e-mail are steered,
        # and « c'est quoi le numéro déjà ? » asked instead of the message: the line, then
        # the message asked again.
        if slot == "message_text" and _asks_the_line(turn):
            utter_handover(self.context, dispatcher)
            dispatcher.utter_message(response="utter_resume")
            return {slot: None}
        if slot == "message_text":
            return None
        if slot == "wants_to_leave_message" and turn.is_confident("request_human"):
            # « je peux avoir un conseiller alors ? » at the offer: the line and its hours,
            # then the offer again (the message is what stands in for a person now).
            dispatcher.utter_message(response="utter_request_human_intro")
            utter_handover(self.context, dispatcher)
            return {slot: None}
        return super()._steering(slot, turn, dispatcher, tracker)

    async def _detour(self, slot, turn, dispatcher, tracker, domain) -> Dict[Text, Any]:
        if slot == "message_text" and not _asks_the_bot(turn):
            dispatcher.utter_message(response="utter_invalid_message_text")
            return {slot: None}
        if slot == "wants_to_leave_message" and turn.nlu_intent == "nlu_fallback":
            # « qsdfgh jklm » at the offer: a miss, where the offer is the hand-over
            # already; the line again (its hours, open or not now), then the offer
            # (« et demain dimanche ? » follows the hours up).
            answered = await self._follow_up(slot, turn, dispatcher, tracker)
            if answered is not None:
                return answered
            utter_handover(self.context, dispatcher)
            return {slot: None}
        return await super()._detour(slot, turn, dispatcher, tracker, domain)
