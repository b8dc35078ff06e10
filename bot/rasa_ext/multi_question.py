"""Two questions in one message get two answers, in the customer's order.

Rasa Open Source answers one intent per message (its multi-intent support needs a trained
`a+b` intent and a rule for every pair). The REST channel instead splits a message at its
question boundaries (`bot.domain.repair.clauses`) and, when at least two parts are each a
confident account question on different topics, hands them to Rasa as consecutive
messages of the conversation. « Puis-je vous aider pour autre chose ? » is then said once,
after the last answer.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from bot.domain.repair import (
    FREE_TEXT_SLOTS,
    HOURS,
    OUT_OF_SCOPE_CONFIDENCE,
    PERSON,
    SPLIT_PART,
    alternatives,
    asks_for_someone,
    asks_for_something,
    calls_for_help,
    clauses,
    corrected_request,
    leaves_with_a_plan,
    names_own_detail,
    takes_it_back,
    words_allow,
)
from bot.domain.topics import TOPIC_NAMES

# Each part must be this sure of its topic: a split must never lose the customer's meaning.
SPLIT_CONFIDENCE = 0.7
# The questions a part may be: the account topics, and « êtes-vous un robot ? », which
# has an answer of its own (« t'es un robot ? et vous ouvrez à quelle heure ? »).
QUESTIONS = {*TOPIC_NAMES, "bot_challenge"}
ANYTHING_ELSE = "utter_anything_else"
# A question out of the account's scope is a part of its own from OUT_OF_SCOPE_CONFIDENCE, and
# only asked or requested: a remark in a long story (« je commence à m'impatienter ») is none.
OUT_OF_SCOPE = "out_of_scope"
# … and with some substance: « Vous pouvez m'aider ? » closing a story asks for the story.
OUT_OF_SCOPE_MIN_WORDS = 4
# A request for a person, asked in words, is a part of its own from this confidence.
PERSON_CONFIDENCE = 0.4
# One's own detail named after a question (« … ? et mon numéro de téléphone aussi ») is a
# question of its own from this confidence: its words say which.
OWN_DETAIL_CONFIDENCE = 0.5
# A way offered by a question (« … ou je peux avoir deux adresses ? ») is on the topic
# before when the topic is one of its two first readings, this sure: half a question is
# read less surely than a whole one (« deux adresses » also suggests two accounts).
WAY_CONFIDENCE = 0.2


Question = Tuple[str, Optional[Dict[str, Any]]]


async def waits_for_free_text(agent: Any, sender: Optional[str]) -> bool:
    """The conversation's form asks for free text now."""
    store = getattr(agent, "tracker_store", None)
    if store is None or sender is None:
        return False
    tracker = await store.retrieve(sender)
    if tracker is None or tracker.active_loop_name is None:
        return False
    return tracker.get_slot("requested_slot") in FREE_TEXT_SLOTS


async def questions(agent: Any, text: str, sender: Optional[str] = None) -> List[Question]:
    """The message's questions, to handle one after the other, each with what the NLU made
    of it (so that Rasa does not parse it again); the message alone, not parsed yet, when
    it holds one question (or the agent cannot parse).

    A part that is no sure account question (« Bonjour, je vous explique ma situation »,
    « je ne sais pas du tout où la récupérer ») goes with the question before it (or the
    first one), and consecutive parts on the same topic make one question: a long story
    with an invoice question and an hours question gets two answers, not one. A message
    with one sure question among remarks is read by that question when the whole reads
    less surely as something else."""
    parts = clauses(text)
    if len(parts) < 2 or agent is None or corrected_request(text) or leaves_with_a_plan(text):
        # (« comment je modifie mon adresse... non en fait c'est mon adresse mail » corrects
        # its first question: one question, the one after the correction, question_focus;
        # « D'accord, je me connecte alors. Merci, au revoir » leaves, asking nothing.)
        return [(text, None)]
    if await waits_for_free_text(agent, sender):
        return [(text, None)]
    groups: List[Tuple[List[str], Optional[Dict[str, Any]]]] = []
    waiting: List[str] = []  # parts read before the first sure question
    for part in parts:
        parse = await agent.parse_message(part)
        intent = parse.get("intent") or {}
        confidence = intent.get("confidence", 0)
        sure = intent.get("name") in QUESTIONS and confidence >= SPLIT_CONFIDENCE
        # (« … Je fais comment ? » alone names no topic, whatever the NLU reads in it.)
        sure = sure and words_allow(intent.get("name"), confidence, part)
        # « … Par ailleurs le colis n'est toujours pas arrivé, il est où ? »: a question out
        # of the account's scope gets its answer (the phone line) after the account one.
        sure = sure or _asks_out_of_scope(part, intent)
        # « … pis ça marche pas. Y'a-tu quelqu'un de vrai qui peut m'aider ? »: a person
        # asked for in words is what the customer wants, whatever the story before.
        sure = sure or _asks_for_a_person(part, intent)
        # « comment je modifie mon adresse de livraison ? et mon numéro de téléphone aussi »:
        # one's own detail named after a question, a question of its own (0.59 alone).
        sure = sure or (bool(groups) and _asks_own_detail(part, intent))
        # « non non pas 2 comptes, UN seul compte ! » names what is NOT asked: no question.
        sure = sure and not takes_it_back(part)
        if sure and groups and await _offers_a_way_to(agent, part, _topic(groups[-1][1])):
            sure = False  # « … ou je peux avoir deux adresses ? »: the question before's
        if sure and not (groups and _topic(groups[-1][1]) == intent.get("name")):
            groups.append(([*waiting, part], parse))
            waiting = []
        elif groups:
            groups[-1][0].append(part)
        else:
            waiting.append(part)
    groups = _hours_with_the_person(groups)
    if all(_topic(parse) == OUT_OF_SCOPE for _, parse in groups):
        # Only questions out of scope: the message is read whole, as before any split.
        return [(text, None)]
    if len(groups) == 1 and len(parts) > 1:
        return [await _read_by_its_question(agent, text, groups[0][1] or {})]
    if len(groups) < 2:
        return [(text, None)]
    return [
        (" ".join(group), {**(parse or {}), "text": " ".join(group), SPLIT_PART: number})
        for number, (group, parse) in enumerate(groups)
    ]


def _hours_with_the_person(
    groups: List[Tuple[List[str], Optional[Dict[str, Any]]]],
) -> List[Tuple[List[str], Optional[Dict[str, Any]]]]:
    """« vous avez pas un numéro de tel plutôt ? c'est ouvert là ? »: the hand-over gives the
    line's hours and whether it is open now, so a question about the hours goes with the
    request for a person instead of getting the same lines a second time."""
    person = next((group for group in groups if _topic(group[1]) == PERSON), None)
    if person is None:
        return groups
    for parts, parse in groups:
        if _topic(parse) == HOURS:
            person[0].extend(parts)
    return [group for group in groups if _topic(group[1]) != HOURS]


async def _read_by_its_question(agent: Any, text: str, question: Dict[str, Any]) -> Question:
    """A message with one sure account question among remarks (« ah oui c'est vrai j'ai
    jamais commandé. Et mes adresses enregistrées c'est lesquelles ? »): read whole, unless
    the whole reads less surely as something else; then the question's topic, with the
    whole message's text and entities."""
    whole = await agent.parse_message(text)
    asked, read = question.get("intent") or {}, whole.get("intent") or {}
    person = asked.get("name") == PERSON and read.get("name") != PERSON
    if not person and (
        read.get("name") == asked.get("name")
        or read.get("confidence", 0) >= asked.get("confidence", 0)
    ):
        return text, None
    ranking = [asked] + [
        entry for entry in whole.get("intent_ranking") or [] if entry.get("name") != asked["name"]
    ]
    return text, {**whole, "text": text, "intent": asked, "intent_ranking": ranking}


def _asks_for_a_person(part: str, intent: Dict[str, Any]) -> bool:
    """A part the NLU reads first as a request for a person, asking for one in words."""
    return (
        intent.get("name") == PERSON
        and intent.get("confidence", 0) >= PERSON_CONFIDENCE
        and asks_for_someone(part)
    )


def _asks_own_detail(part: str, intent: Dict[str, Any]) -> bool:
    """A part the NLU reads first as the personal data, naming one of the customer's own."""
    return (
        intent.get("name") == "update_personal_data"
        and intent.get("confidence", 0) >= OWN_DETAIL_CONFIDENCE
        and names_own_detail(part)
    )


def _asks_out_of_scope(part: str, intent: Dict[str, Any]) -> bool:
    """A question (« ? ») or a request (« je voudrais vous retourner un roulement ») the NLU
    surely reads as out of the account's scope; never a bare call for help (« vous pouvez
    m'aider ? »), which asks about the rest of the message."""
    asked = "?" in part or asks_for_something(part)
    return (
        asked
        and len(part.split()) >= OUT_OF_SCOPE_MIN_WORDS
        and not calls_for_help(part)
        and intent.get("name") == OUT_OF_SCOPE
        and intent.get("confidence", 0) >= OUT_OF_SCOPE_CONFIDENCE
    )


async def _offers_a_way_to(agent: Any, part: str, topic: Optional[str]) -> bool:
    """Whether a question offering two ways (« je dois créer un deuxième compte ou je peux
    avoir deux adresses ? ») offers one on the topic just asked about (one of its two first
    readings): then it asks how to do what the question before said, and is no second
    question."""
    ways = alternatives(part)
    if len(ways) < 2 or topic is None:
        return False
    for way in ways:
        parse = await agent.parse_message(way)
        ranking = parse.get("intent_ranking") or [parse.get("intent") or {}]
        if any(
            entry.get("name") == topic and entry.get("confidence", 0) >= WAY_CONFIDENCE
            for entry in ranking[:2]
        ):
            return True
    return False


def _topic(parse: Optional[Dict[str, Any]]) -> Optional[str]:
    return ((parse or {}).get("intent") or {}).get("name")


def once_anything_else(messages: List[Dict[str, Any]], agent: Any) -> List[Dict[str, Any]]:
    """The replies to split questions, with « autre chose ? » only after the last answer."""
    text = _response_text(agent, ANYTHING_ELSE)
    if text is None:
        return messages
    asked = [i for i, message in enumerate(messages) if message.get("text") == text]
    drop = set(asked[:-1])
    return [message for i, message in enumerate(messages) if i not in drop]


def _response_text(agent: Any, name: str) -> Optional[str]:
    try:
        return agent.domain.responses[name][0]["text"]
    except (AttributeError, KeyError, IndexError, TypeError):
        return None
