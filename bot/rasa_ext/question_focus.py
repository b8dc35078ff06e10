"""A long message is classified by the account question it asks, not by its story.

Customers explain: « j'ai rempli mon panier avec deux roulements mais au moment de payer
on me demande de me connecter, comment je crée un compte ? ». Read whole, the shop's world
(roulements, panier, commande, colis…) pulls such a message to out_of_scope at full
confidence, although one of its pieces is a plain account question. So, when a message of
at least `MIN_WORDS` words is read as out of scope (or not understood), each of its
pieces (bot.domain.repair.fragments) is read alone; the piece most surely about an
account topic, if one reaches `FOCUS_CONFIDENCE`, gives the message its intent. The
entities stay those of the whole message.

Where: Rasa's `MessageProcessor.parse_message`, which every reading of a message goes
through — a conversation turn, the HTTP API's /model/parse (the agents' assistant) and
`rasa test nlu` — so the bot, the assistant and every evaluation understand the same. The
NLU package installs it when Rasa loads its components (bot/rasa_ext/nlu/__init__.py):
any process that loads our model reads messages this way.
"""

from __future__ import annotations

import re
from typing import Any, Awaitable, Callable, Dict, List, Optional, Sequence

from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.trackers import DialogueStateTracker

from bot.domain.repair import (
    ASKS,
    HOURS,
    PERSON,
    REJECTED,
    SURE_CONFIDENCE,
    after_the_cancel,
    asks_a_question,
    asks_about_the_bot,
    asks_for_someone,
    asks_for_someone_s_details,
    asks_for_something,
    asks_the_identifier,
    asks_to_set_an_address,
    back_to_topic,
    corrected_request,
    denies_a_new_account,
    forgets_nothing,
    fragments,
    is_satisfied,
    leaves_with_a_plan,
    logs_in_not_out,
    made_a_second_account,
    names_a_bare_code,
    names_an_invoice,
    names_own_orders,
    names_the_creation,
    names_the_deletion,
    names_the_hours,
    names_two_accounts,
    only_thanks,
    opens_with_a_plain_no,
    opens_with_cancel,
    opens_with_no,
    own_data_asked,
    plain,
    reports_an_unasked_deletion,
    says_goodbye,
    says_the_email_is_taken,
    says_yes_plainly,
    sentences,
    will_phone,
    words_allow,
)
from bot.domain.topics import TOPIC_NAMES

MIN_WORDS = 12
FOCUS_CONFIDENCE = 0.9
UNFOCUSED = frozenset({"out_of_scope", "nlu_fallback"})
VALUE_QUESTION_WORDS = 5
# The words around values, read alone, give the message the deletion or the two accounts
# they name in words from this confidence (« je voudrais fermer mon compte client, c'est
# a@gmx.fr, non pardon b@gmx.ch »: 0.69 to 0.80 from one training to the next; « j'ai un 2e
# compte avec mon mail pro …, numéro …, pouvez vous faire le nécessaire »: 0.87).
VALUE_FOCUS_CONFIDENCE = 0.5
# A cancel this long may carry a question (« laissez tomber, en fait je cherchais X »).
CANCEL_QUESTION_WORDS = 8
# « non pas de message. vous rouvrez quand ? »: a no, then a question.
DECLINE_QUESTION_WORDS = 5
DECLINE_CONFIDENCE = 0.8
# « non mais vraiment par courrier, pas en pdf »: no « no » but an objection, which says what
# the customer wants (read alone, even unsure: never a goodbye); « non mais merci » stays a
# no.
_NO_BUT = re.compile(r"^\s*(?:non|nan)\s*,?\s*mais\b", re.IGNORECASE)
NO_BUT_WORDS = 3
NOT_AN_OBJECTION = frozenset({"deny", "affirm", "thank", "goodbye", "greet"})
# « merci, et je peux appeler aussi ? », « oui mais concrètement je clique où ? »: the
# courtesy is the NLU's whole reading (thank, affirm), the question after it what the
# customer wants answered.
COURTESIES = frozenset({"thank", "affirm"})
_COURTESY = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|d'accord|dac|super|parfait|top|g[ée]nial|tr[èe]s bien|merci"
    r"(?: beaucoup| bien| bcp)?|ah|bon|(?:oui|ouais),? mais)\b[\s,.!]*)+",
    re.IGNORECASE,
)
QUESTION_AFTER_COURTESY_WORDS = 3
# « bonsoir, vous livrez au Québec ? »: greet 0.46 and out_of_scope 0.42 (hence
# nlu_fallback); what follows the greeting, read alone, is what the customer asks.
_GREETING = re.compile(
    r"^\s*(?:(?:bonjour|bonsoir|bjr|bsr|slt|salut|hello|hi|coucou|all[ôo]|re|madame"
    r"|monsieur)\b[\s,.!]*)+",
    re.IGNORECASE,
)
AFTER_GREETING_WORDS = 3
# What follows the greeting gives the message its reading from this confidence: a little
# less when the NLU hesitated on the whole, more when it read a greeting.
AFTER_GREETING_CONFIDENCE = {"nlu_fallback": 0.6, "greet": FOCUS_CONFIDENCE}
# A greeting read this unsurely is a hesitation too (« bonjour le bidule orange clignote en
# haut de la page depuis tout à l'heure »: greet 0.51).
UNSURE_GREETING = 0.6
# … when it is a question: an account topic, or one of these.
AFTER_GREETING_QUESTIONS = frozenset({"out_of_scope", "bot_challenge"})
# A first sentence read alone as thanks or a yes this surely is a courtesy.
ACKNOWLEDGED_CONFIDENCE = 0.5
# « d'accord donc faut attendre que ça parte, merci »: thank 0.46 and affirm 0.45 (hence
# nlu_fallback), or affirm 0.49 and thank 0.43; a courtesy either way, and the one said in
# words wins.
COURTESY_TIE = 0.8
# A request for a person, second in the ranking from this confidence, is taken when the
# words ask for someone.
PERSON_SECOND_CONFIDENCE = 0.3
# An out-of-scope reading below this is unsure: a person among its first topics is enough.
UNSURE_OUT_OF_SCOPE = 0.5
DELETION = "delete_account"
# What the NLU makes of a question about the bot itself (« qui t'a créé ? »).
# What the NLU makes of someone's details asked of the bot (« donne juste le mail »).
DETAILS_MISREAD = frozenset({"update_personal_data", "manage_addresses", "nlu_fallback"})
# Below this, a log-out reading with no word of leaving is doubted (_said_in_words_too).
LOG_OUT_DOUBT = 0.8
# The readings in words that are sure whatever the NLU read (_as).
SURE_IN_WORDS = frozenset({"bot_challenge"})
# What the NLU makes of a call announced (« ok je vous appelle »).
CALL_MISREAD = frozenset({"nlu_fallback", "opening_hours", "request_human", "out_of_scope"})
ABOUT_THE_BOT_MISREAD = frozenset(
    {"create_account", "nlu_fallback", "out_of_scope", "request_human", "greet", "bot_challenge"}
)
# What the NLU makes of an e-mail already taken at sign-up.
TAKEN_EMAIL_MISREAD = frozenset({"create_account", "duplicate_accounts", "nlu_fallback"})
# An affirm that long is more than « ok merci », which may accept an offer.
ACKNOWLEDGEMENT_WORDS = 4


def _intent(parse: Dict[str, Any]) -> tuple:
    intent = parse.get("intent") or {}
    return intent.get("name"), float(intent.get("confidence") or 0.0)


def focused(whole: Dict[str, Any], piece: Dict[str, Any]) -> Dict[str, Any]:
    """The whole message's parse with the piece's intent first in the ranking."""
    name, _ = _intent(piece)
    ranking = [piece["intent"]] + [
        entry for entry in whole.get("intent_ranking") or [] if entry.get("name") != name
    ]
    return {**whole, "intent": piece["intent"], "intent_ranking": ranking, "focus": piece["text"]}


async def focus(
    text: str, whole: Dict[str, Any], read: Callable[[str], Awaitable[Dict[str, Any]]]
) -> Dict[str, Any]:
    """`whole` (what the NLU made of `text`), or its focused version when `text` is long,
    out of scope as a whole, and one of its pieces (read with `read`) is surely an account
    question."""
    name, confidence = _intent(whole)
    if name == "inform" and asks_for_someone_s_details(text):
        # « quel est l'email du client C1000003 ? c'est une collègue »: someone's details,
        # which the bot never gives, not a value given.
        return _as(whole, "out_of_scope")
    if name == "inform":
        return await _question_around_values(text, whole, read)
    meant = await _what_was_meant(text, whole, read) if confidence < FOCUS_CONFIDENCE else None
    if meant is not None:
        return meant
    if name == "deny" or (confidence < FOCUS_CONFIDENCE and opens_with_cancel(text)):
        # (« bon laissez tomber je vais plutôt me refaire un compte, comment on fait ? »:
        # create_account 0.44, deny 0.35.)
        return await _question_in_cancel(text, whole, read)
    if name == "nlu_fallback" or (name == "affirm" and len(text.split()) >= ACKNOWLEDGEMENT_WORDS):
        whole = _courtesy_of_a_tie(text, whole)
        name = _intent(whole)[0]
    opened = await _past_the_opening(text, whole, read)
    if opened is not None:
        return opened
    said = _said_in_words(text, whole, name)
    if said:
        return _as(whole, said)
    unsure = name in UNFOCUSED or confidence < FOCUS_CONFIDENCE
    if unsure and opens_with_a_plain_no(text):
        # « non pas besoin de message. pour revenir à mon nom, c'est en bas à gauche ? »:
        # a no the NLU could not read for the question after it, which it also asks
        # (« non ça va pas de message. comment je supprime mon compte alors »:
        # delete_account 0.50, deny 0.41).
        return await _question_in_cancel(text, whole, read)
    if name in COURTESIES or name == "nlu_fallback":
        # « ah ok c'était lui alors. Et s'il veut se faire son propre compte il fait
        # comment ? »: when the NLU hesitates on the whole too, the question after the
        # acknowledgement is what is asked.
        asked = await _question_after_courtesy(text, whole, read)
        if asked is not whole or name in COURTESIES:
            return asked
    if name not in UNFOCUSED or len(text.split()) < MIN_WORDS:
        return whole
    best = await _surest_topic(text, read, whole.get(REJECTED) or [])
    return focused(whole, best) if best else whole


async def _past_the_opening(
    text: str, whole: Dict[str, Any], read: Callable[[str], Awaitable[Dict[str, Any]]]
) -> Optional[Dict[str, Any]]:
    """The message read past what opens it: a greeting, or a request it corrects; None
    when neither changes its reading."""
    if _intent(whole)[0] in AFTER_GREETING_CONFIDENCE:
        greeted = await _after_greeting(text, whole, read)
        if greeted is not whole:
            return greeted
    return await _corrected_request(text, whole, read)


async def _after_greeting(
    text: str, whole: Dict[str, Any], read: Callable[[str], Awaitable[Dict[str, Any]]]
) -> Dict[str, Any]:
    """« bonsoir, vous livrez au Québec ? », « bonjour, je voudrais annuler ma commande
    CMD-240355 »: the greeting set aside, the rest read alone (with its values, like a
    whole message); its reading when it is sure enough and no greeting again."""
    greeting = _GREETING.match(text)
    rest = text[greeting.end() :].strip() if greeting else ""
    if len(rest.split()) < AFTER_GREETING_WORDS:
        return whole
    # Imported here: the NLU package installs this module when it is imported.
    from bot.rasa_ext.nlu.value_masking import without_values

    candidate = await read(rest)
    if _intent(candidate)[0] == "inform":
        words = without_values(rest)
        if len(words.split()) >= VALUE_QUESTION_WORDS:
            candidate = await read(words)
    name, confidence = _intent(candidate)
    asked = name in TOPIC_NAMES or name in AFTER_GREETING_QUESTIONS
    opening, sureness = _intent(whole)
    hesitated = opening == "nlu_fallback" or sureness < UNSURE_GREETING
    if (
        not asked
        or confidence < AFTER_GREETING_CONFIDENCE["nlu_fallback" if hesitated else opening]
    ):
        # (« bonjour c pour le machin de l'autre jour, ça a pas marché »: greet 0.44, and
        # the rest no sure question either: a message missed, not a hello.)
        return _as(whole, "nlu_fallback") if opening == "greet" and hesitated else whole
    return focused(whole, candidate)


# « ah non pardon je voulais dire les adresses »: the bot's reading corrected, what was meant
# after it.
_MEANT = re.compile(
    r"^\W*(?:(?:ah|oh|euh|bah|ben|non|nan|pardon|mais|en fait)\W+)*"
    r"(?:je (?:voulais|veux|voulai) dire|je parlais (?:de|des|du|d)|c etait pour)\W+(.+)$",
    re.IGNORECASE,
)


_AN_EMAIL_MEANT = re.compile(r"mail|courriel|electronique|@")


async def _what_was_meant(
    text: str, whole: Dict[str, Any], read: Callable[[str], Awaitable[Dict[str, Any]]]
) -> Optional[Dict[str, Any]]:
    """« ah non pardon je voulais dire les adresses » (a miss, between the addresses and a
    no): what was meant, read alone, when it is surely an account topic."""
    meant = _MEANT.match(plain(text))
    # (« je voulais dire l'adresse mail »: which address is meant, the repair layer reads.)
    if not meant or _AN_EMAIL_MEANT.search(meant.group(1)):
        return None
    piece = await read(meant.group(1))
    name, confidence = _intent(piece)
    if name in TOPIC_NAMES and confidence >= SURE_CONFIDENCE:
        return focused(whole, {**piece, "text": text})
    return None


async def _corrected_request(
    text: str, whole: Dict[str, Any], read: Callable[[str], Awaitable[Dict[str, Any]]]
) -> Optional[Dict[str, Any]]:
    """« je veux changer mon mot de passe, enfin non je l'ai oublié en fait »: the request
    after the customer's own correction, when it is surely another account topic."""
    after = corrected_request(text)
    if not after:
        return None
    piece = await read(after)
    name, confidence = _intent(piece)
    if name in TOPIC_NAMES and confidence >= SURE_CONFIDENCE and name != _intent(whole)[0]:
        return focused(whole, {**piece, "text": after})
    return None


def _said_in_words(text: str, whole: Dict[str, Any], name: Optional[str]) -> Optional[str]:
    """The reading the message's words give where the NLU's (`name`) misses them: who the
    bot is, a second account made, a person, the account's closing, one's own details,
    thanks that say goodbye; None otherwise."""
    if name in ABOUT_THE_BOT_MISREAD and asks_about_the_bot(text):
        # « qui t'a créé ? », « tu t'appelles comment ? »: who the bot is.
        return "bot_challenge"
    if name in ("create_account", "nlu_fallback") and made_a_second_account(text):
        # « j'ai créé un second compte sans faire exprès »: the « créé » is done, the
        # customer has two accounts now.
        return "duplicate_accounts"
    # (« je peux-tu caller quelqu'un à soir ? »: out_of_scope 0.41, a person 0.26, the
    # hours 0.21: unsure, and a person is one of the topics a clarification would offer.)
    unsure = name in UNFOCUSED and _intent(whole)[1] < UNSURE_OUT_OF_SCOPE
    person_behind = _person_close_behind(whole) or (unsure and PERSON in _first_readings(whole))
    if name == PERSON and _intent(whole)[1] < SURE_CONFIDENCE and asks_for_someone(text):
        # « franchement c'est trop compliqué votre truc, passez-moi quelqu'un » (a person
        # 0.49): the NLU's reading, which the words confirm, sure enough inside a flow.
        return PERSON
    if name != PERSON and person_behind and asks_for_someone(text):
        # « ça fait 3 fois que j'essaie de me connecter, … je veux un vrai humain » (login
        # 0.45, a person 0.38): a person asked for in words is what the customer wants.
        return PERSON
    first = _first_readings(whole)[:1]
    if name == "nlu_fallback" and first == ["create_account"] and names_the_creation(text):
        # « attendez, si je change d'avis je pourrai me refaire un compte plus tard ? »:
        # the creation read first, and said.
        return "create_account"
    if name == "nlu_fallback" and first == ["change_password"] and forgets_nothing(text):
        # « et mon mot de passe, c'est au même endroit ? »: the password named, nothing
        # forgotten: where to change it.
        return "change_password"
    if name == "create_account" and names_two_accounts(text) and denies_a_new_account(text):
        # « on me dit de creer un compte mais je veux pas un nouveau compte, j'en ai deja
        # deux »: the creation denied, the two accounts are the request.
        return "duplicate_accounts"
    if name == "nlu_fallback" and DELETION in _first_readings(whole) and names_the_deletion(text):
        # « Le compte à notre nom ne sert plus à rien. Comment je fais pour le fermer ? »
        # (delete_account 0.37): the account and its closing both said.
        return DELETION
    own = own_data_asked(text) if name in (PERSON, *UNFOCUSED) else None
    if own:
        # « … le numéro de téléphone que vous avez pour moi », « est-ce que vous avez
        # toujours mon adresse à Nantes ? »: the customer's own details or addresses.
        return own
    closing = name == "thank" or (name == "nlu_fallback" and "?" not in text)
    if closing and says_goodbye(text):
        # « merci beaucoup, au revoir »: the thanks close the conversation; « D'accord, je me
        # connecte alors. Merci, au revoir » (no reading sure) too.
        return "goodbye"
    return _said_in_words_too(text, whole, name)


def _said_in_words_too(text: str, whole: Dict[str, Any], name: Optional[str]) -> Optional[str]:
    """_said_in_words, continued: the readings found in session 28's conversations."""
    back = back_to_topic(text)
    if back:
        # « ok. pour revenir au nom, le bouton est à gauche ou à droite ? » (create_account):
        # the topic named.
        return back
    unsure = name in ("nlu_fallback", "out_of_scope")
    if unsure and HOURS in _first_readings(whole) and names_the_hours(text):
        # « attendez c'est quoi vos horaires ? » (hours 0.49, out of scope 0.48), « c'est
        # quoi vos horaires au fait » (out of scope 0.58, hours 0.37).
        return HOURS
    if name in ("login_problem", *UNFOCUSED) and asks_the_identifier(text):
        # « c koi mon identifiant pour me connecter » (log-in problem, sure): the reset's
        # answer says what the identifier is.
        return "forgot_password"
    if name == DELETION and reports_an_unasked_deletion(text):
        # « j'ai reçu un mail qui parle de supprimer mon compte alors que j'ai rien
        # demandé »: no deletion to start; out of the bot's hands (the line).
        return "out_of_scope"
    if name in UNFOCUSED and asks_to_set_an_address(text):
        # « on vient de déménager à Villeurbanne et la prochaine commande va partir rue des
        # Lilas… »: the addresses.
        return "manage_addresses"
    return _said_in_words_as_well(text, whole, name)


def _courtesy_unread(text: str, name: Optional[str]) -> Optional[str]:
    """A courtesy the NLU could not place, or read out of scope."""
    if name == "nlu_fallback" and is_satisfied(text):
        # « top », « nickel »: satisfied with the answer, which the NLU could not place.
        return "affirm"
    if name in UNFOCUSED and only_thanks(text):
        # « pfff. bon merci » (out of scope 0.65, thanks 0.32): thanks, with a sigh.
        return "thank"
    return None


def _said_in_words_as_well(text: str, whole: Dict[str, Any], name: Optional[str]) -> Optional[str]:
    """_said_in_words, continued: readings that the NLU's second reading helps place."""
    readings = _first_readings(whole)
    if name == "out_of_scope" and readings[:1] == ["find_invoices"] and names_an_invoice(text):
        # « jai commandé hier des roulements 6204 2RS et jvois pas la facture pk ?? » (out of
        # scope 0.57, invoices 0.43): the shop's words around it, the invoice asked for.
        return "find_invoices"
    if name == "out_of_scope" and readings[:1] == ["forgot_password"] and names_a_bare_code(text):
        # « mon code marche plus » (out of scope 0.53, forgotten password 0.23): the code
        # is the password.
        return "forgot_password"
    if name in TAKEN_EMAIL_MISREAD and says_the_email_is_taken(text):
        # « je voulais créer un compte mais ça me dit que l'adresse mail est déjà utilisée »:
        # an account has it; its password is what the customer lacks.
        return "forgot_password"
    courtesy = _courtesy_unread(text, name)
    if courtesy:
        return courtesy
    unsure = _intent(whole)[1] < FOCUS_CONFIDENCE
    if name in UNFOCUSED | COURTESIES and unsure and names_own_orders(text):
        # « ok. et mes commandes ? » (a miss, out of scope 0.73 alone): the list of one's
        # orders, in « Mes achats » with their invoices.
        return "find_invoices"
    if name not in COURTESIES and unsure and leaves_with_a_plan(text):
        # « D'accord, je me connecte alors. Merci, au revoir » (log-in trouble 0.79): the
        # customer leaves, with what she will do.
        return "goodbye"
    if name in CALL_MISREAD and unsure and will_phone(text) and not asks_a_question(text):
        # « ok je vous appelle » (the hours 0.41): the customer's plan, no question; taken
        # as understood (actions/repair.py gives the line unless it was just given).
        return "affirm"
    if name in DETAILS_MISREAD and asks_for_someone_s_details(text):
        # « c'est urgent, je suis habilité, donne juste le mail stp » (personal data 0.6):
        # details the bot never gives.
        return "out_of_scope"
    if name == "log_out" and _intent(whole)[1] < LOG_OUT_DOUBT and logs_in_not_out(text):
        # « je voudrais me connecter sur votre site c la 1ere fois » (log out 0.50): to log
        # in, no word of leaving.
        return "login_problem"
    doubt = _intent(whole)[1] < FOCUS_CONFIDENCE and "change_password" in readings
    if name == "forgot_password" and doubt and forgets_nothing(text):
        # « et mon mot de passe, c'est au même endroit ? » (forgotten 0.50, change 0.32):
        # the password named, nothing forgotten nor lost: where to change it.
        return "change_password"
    if name == "create_account" and not words_allow(name, _intent(whole)[1], text):
        # « bonjour, il pleut ici, et chez vous ? » (creation 0.59): nothing of it said,
        # nor any other reading found in the words above.
        return "nlu_fallback"
    return None


def _first_readings(whole: Dict[str, Any]) -> List[str]:
    """The NLU's two first account topics (what a clarification would offer)."""
    names = [entry.get("name") for entry in whole.get("intent_ranking") or []]
    return [name for name in names if name in TOPIC_NAMES][:2]


def _person_close_behind(whole: Dict[str, Any]) -> bool:
    """A request for a person second in the ranking, this sure."""
    ranking = whole.get("intent_ranking") or []
    return len(ranking) > 1 and (
        ranking[1].get("name") == PERSON
        and float(ranking[1].get("confidence") or 0.0) >= PERSON_SECOND_CONFIDENCE
    )


def _as(whole: Dict[str, Any], name: str) -> Dict[str, Any]:
    """`whole` read as `name`, at the confidence of its first reading; of a fallback's, its
    threshold says nothing of the reading the words give: sure enough then to answer
    inside a flow (SURE_CONFIDENCE), as is a reading the words confirm."""
    intent = {**whole["intent"], "name": name}
    # (The NLU's own reading, unsure, that the words confirm, and who the bot is asked in
    # so many words: « au fait tu t'appelles comment ? », out of scope at 0.42, is sure
    # enough to answer inside a flow.)
    if _intent(whole)[0] in ("nlu_fallback", name) or name in SURE_IN_WORDS:
        intent["confidence"] = max(float(intent.get("confidence") or 0.0), SURE_CONFIDENCE)
    return focused(whole, {"text": whole.get("text"), "intent": intent})


def _courtesy_of_a_tie(text: str, whole: Dict[str, Any]) -> Dict[str, Any]:
    """A fallback, or an affirm, between thank and affirm: the thanks when « merci » is
    said and no plain yes (« d'accord donc faut attendre que ça parte, merci », not « oui
    merci »)."""
    if says_yes_plainly(text):
        return whole
    ranked = [e for e in whole.get("intent_ranking") or [] if e.get("name") != "nlu_fallback"]
    if len(ranked) < 2 or {ranked[0].get("name"), ranked[1].get("name")} != COURTESIES:
        return whole
    if ranked[0]["confidence"] + ranked[1]["confidence"] < COURTESY_TIE:
        return whole
    if "merci" not in plain(text).split():
        return whole
    thanks = next(e for e in ranked[:2] if e["name"] == "thank")
    return focused(whole, {"text": whole.get("text"), "intent": dict(thanks)})


def _rejected(text: str, piece: str, rejected: Sequence[Sequence[int]]) -> bool:
    """Whether most of the piece lies in a clause the message rejects (« non pas la
    facture, le bon de livraison »: not a question about the invoice)."""
    start = text.find(piece)
    if start < 0:
        return False
    inside = sum(
        max(0, min(end, start + len(piece)) - max(begin, start)) for begin, end in rejected
    )
    return inside * 2 > len(piece)


async def _surest_topic(
    text: str,
    read: Callable[[str], Awaitable[Dict[str, Any]]],
    rejected: Sequence[Sequence[int]] = (),
    sure: float = FOCUS_CONFIDENCE,
) -> Optional[Dict[str, Any]]:
    """The parse of the piece of `text` most surely about an account topic, if one is;
    never a piece the message rejects (`rejected`: ContrastFocus's character spans)."""
    best: Optional[Dict[str, Any]] = None
    for piece in fragments(text):
        if _rejected(text, piece, rejected):
            continue
        candidate = await read(piece)
        surer = best is None or _intent(candidate)[1] > _intent(best)[1]
        if _is_sure_topic(candidate, sure) and surer:
            best = candidate
    return best


def _is_sure_topic(parse: Dict[str, Any], sure: float) -> bool:
    name, confidence = _intent(parse)
    sure_enough = name in TOPIC_NAMES and confidence >= sure
    return sure_enough and words_allow(name, confidence, parse.get("text") or "")


async def _question_in_cancel(
    text: str, whole: Dict[str, Any], read: Callable[[str], Awaitable[Dict[str, Any]]]
) -> Dict[str, Any]:
    """The account question a cancel, or a no followed by a question (« non pas de
    message. vous rouvrez quand ? »), also asks, under ASKS; what a « non mais … » says
    instead of a no (« non mais vraiment par courrier, pas en pdf »), as its reading."""
    but = _NO_BUT.match(text)
    rest = text[but.end() :].strip(" ,") if but else ""
    if len(rest.split()) >= NO_BUT_WORDS:
        candidate = await read(rest)
        if _intent(candidate)[0] not in NOT_AN_OBJECTION:
            return focused(whole, candidate)
    words = len(text.split())
    # « non pas besoin. par contre je voudrais savoir comment supprimer mon compte »: a
    # request said after the no asks as surely as a question mark.
    # (« … comment je supprime mon compte alors »: a question without its mark.)
    asked = "?" in text or any(
        asks_for_something(piece) or asks_a_question(piece) for piece in fragments(text)[1:]
    )
    declines = opens_with_no(text) and asked and words >= DECLINE_QUESTION_WORDS
    cancels = opens_with_cancel(text) and words >= CANCEL_QUESTION_WORDS
    if not (cancels or declines):
        return whole
    # After a plain no, what follows stands out: a little less sureness is enough.
    sure = FOCUS_CONFIDENCE if cancels else DECLINE_CONFIDENCE
    # (« bon laissez tomber je vais plutôt me refaire un compte, comment on fait ? »: the
    # words after the cancel read alone, which stand out as after a plain no: 0.89 to 0.91
    # from one training to the next.)
    rest = after_the_cancel(text) if cancels else ""
    best = await _surest_topic(text, read, sure=sure)
    if best is None and rest:
        whole_rest = await read(rest)
        sure_rest = _is_sure_topic(whole_rest, DECLINE_CONFIDENCE)
        best = whole_rest if sure_rest else await _surest_topic(rest, read, sure=sure)
    return {**whole, ASKS: best["intent"]} if best else whole


async def _question_after_courtesy(
    text: str, whole: Dict[str, Any], read: Callable[[str], Awaitable[Dict[str, Any]]]
) -> Dict[str, Any]:
    """« merci, et je peux appeler aussi ? », « ok super. Et pour supprimer mon compte ? »,
    « ah ok c'était lui alors. Et s'il veut … il fait comment ? »: a question after a
    courtesy, or after a first sentence the NLU reads alone as one, is read alone and gives
    the message its reading, unless that is a courtesy again (« merci, vous êtes
    gentil ! ») or, for a message the NLU hesitated on, a hesitation again."""
    unsure = _intent(whole)[0] == "nlu_fallback"
    for rest in await _after_courtesy(text, read):
        candidate = await read(rest)
        name = _intent(candidate)[0]
        if name in COURTESIES or (unsure and name in UNFOCUSED):
            continue
        return focused(whole, candidate)
    return whole


async def _after_courtesy(text: str, read: Callable[[str], Awaitable[Dict[str, Any]]]) -> List[str]:
    """What follows the message's courtesy: after a first sentence read alone as thanks or
    a yes (« ah ok c'était lui alors. »), then after its courtesy words (« ok super »)."""
    found = []
    said = sentences(text)
    after_first = " ".join(said[1:])
    # (The first sentence is read only when a question follows it.)
    if len(said) > 1 and _a_question_of_its_own(after_first):
        name, confidence = _intent(await read(said[0]))
        if name in COURTESIES and confidence >= ACKNOWLEDGED_CONFIDENCE:
            found.append(after_first)
    courtesy = _COURTESY.match(text)
    rest = text[courtesy.end() :].strip() if courtesy else ""
    if _a_question_of_its_own(rest):
        found.append(rest)
    return found


def _a_question_of_its_own(rest: str) -> bool:
    """What follows a courtesy asks a question long enough to be read alone."""
    return (
        len(rest.split()) >= QUESTION_AFTER_COURTESY_WORDS and "?" in rest and asks_a_question(rest)
    )


async def _question_around_values(
    text: str, whole: Dict[str, Any], read: Callable[[str], Awaitable[Dict[str, Any]]]
) -> Dict[str, Any]:
    # Imported here: the NLU package installs this module when it is imported.
    from bot.rasa_ext.nlu.value_masking import without_values

    words = without_values(text)
    if words == " ".join(text.split()) or len(words.split()) < VALUE_QUESTION_WORDS:
        return whole
    candidate = await read(words)
    name, confidence = _intent(candidate)
    # (Lower when the words name the deletion or two accounts: a value statement, « mon
    # identifiant client est le … », reads some topic at 0.8 too.)
    named = (name == DELETION and names_the_deletion(words)) or (
        name == "duplicate_accounts" and names_two_accounts(words)
    )
    if name in TOPIC_NAMES and confidence >= (
        VALUE_FOCUS_CONFIDENCE if named else FOCUS_CONFIDENCE
    ):
        return focused(whole, candidate)
    return whole


def install() -> None:
    """Wraps MessageProcessor.parse_message (once per process)."""
    original = MessageProcessor.parse_message
    if getattr(original, "focused", False):
        return

    async def parse_message(
        self: MessageProcessor,
        message: UserMessage,
        tracker: Optional[DialogueStateTracker] = None,
        only_output_properties: bool = True,
    ) -> Dict[str, Any]:
        whole = await original(self, message, tracker, only_output_properties)

        def read(piece: str) -> Awaitable[Dict[str, Any]]:
            return original(self, UserMessage(piece), None, only_output_properties)

        return await focus(message.text or "", whole, read)

    parse_message.focused = True  # type: ignore[attr-defined]
    MessageProcessor.parse_message = parse_message
