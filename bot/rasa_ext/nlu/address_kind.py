"""Which address: the e-mail or a postal one, when the message's words say it.

Why (issue 11): « adresse » is the word the two data topics share. update_personal_data
covers the e-mail address among the personal details; manage_addresses the delivery and
billing addresses. The classifiers split their probability between the two on messages
that say plainly which one they mean (« je peux pas juste changer mon adresse mail
plutôt ? »: 0.48 and 0.46, under the fallback's margin; « je voudrais changer mon adresse
e-mail, pas mon adresse de livraison »: manage_addresses).

When a message names one kind of address and not the other, the other topic's probability
moves to the named one, when the ranking hesitates between the two: they are its two
first and the message asks a question or a change (« changer », « modifier »,
« corriger »…), or it asks a change and they are two of its three first, one of them
among the two first. « je me connecte avec quelle adresse mail ? » stays a login question,
« mon numéro client est … et mon adresse mail … » a value, and « mon numéro a changé, le
livreur ne me trouve pas » a personal detail. The words are read from the token list
(after ContrastFocus: « pas mon adresse de livraison » is gone); listed after the intent
classifiers, before FallbackClassifier.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.rasa_ext.nlu.spelling import strip_accents
from bot.rasa_ext.nlu.tokens import StatelessComponent, text_tokens

EMAIL_TOPIC, POSTAL_TOPIC = "update_personal_data", "manage_addresses"
EMAIL = re.compile(r"\b(?:e ?-?mails?|mails?|courriels?|mel|adresse electronique)\b")
POSTAL = re.compile(
    r"\b(?:livraison|livrer|livreur|facturation|postale?|rue|avenue|boulevard|domicile"
    r"|appart(?:ement)?|demenag\w*|colis|code postal|ville|civique|chantier)\b"
)
# The personal details other than the e-mail: « mon numéro a changé, le livreur n'arrive
# pas à me joindre » is about the phone, whatever it says of deliveries.
OTHER_DETAILS = re.compile(
    r"\b(?:telephone|tel|portable|fixe|gsm|natel|numero de (?:tel|telephone|portable|fixe)"
    r"|nom|prenom|civilite)\b"
)
CHANGE = re.compile(
    r"\b(?:chang\w*|modifi\w*|mettre a jour|mise a jour|updat\w*|corrig\w*|rectifi\w*"
    r"|remplac\w*)\b"
)
# « non, je parle de mon adresse mail »: the subject said again, which names the kind as
# surely as a change asked does.
SUBJECT = re.compile(r"\b(?:je parle|je parlais|je voulais dire|je veux dire|il s agit)\b")
# « quelle adresse de livraison vous avez pour moi ? »: a question about the kind named.
QUESTION = re.compile(r"\?|\b(?:quel(?:le)?s?|ou|comment|combien|quoi)\b")


def plain_words(message: Message) -> str:
    """The message's words as the featurizers see them, lower case, without accents."""
    tokens = text_tokens(message)
    text = " ".join(t.text for t in tokens) if tokens else message.get(TEXT) or ""
    return strip_accents(text.lower())


def named_topic(words: str) -> Optional[str]:
    """The data topic the words name: the e-mail, a postal address, or neither (or both)."""
    email, postal = EMAIL.search(words) is not None, POSTAL.search(words) is not None
    if email == postal or (postal and OTHER_DETAILS.search(words)):
        return None
    return EMAIL_TOPIC if email else POSTAL_TOPIC


def resolved(
    ranking: List[Dict[str, Any]], words: str, said: str = ""
) -> Optional[List[Dict[str, Any]]]:
    """The ranking with the other data topic's probability given to the named one; None
    when the words name no kind of address, or when the two topics are not what the
    ranking hesitates on: its two first, for a change or a question asked; the other one
    first and the named one among the three first, for the same; or, for a change asked or
    the subject said again, two of its three first with one of them among the two first.
    The change may be asked in the rejected half (`said`: the whole message's words):
    « je ne veux pas changer d'adresse de livraison mais mon adresse mail »."""
    named = named_topic(words)
    if named is None:
        return None
    other = POSTAL_TOPIC if named == EMAIL_TOPIC else EMAIL_TOPIC
    names = [item.get("name") for item in ranking]
    change = any(CHANGE.search(w) or SUBJECT.search(w) for w in (words, said))
    asks = change or QUESTION.search(words) is not None
    if set(names[:2]) == {named, other} and asks:
        return _merged(ranking, named, other)
    if names[0] == other and named in names[:3] and asks:
        # « et c'est quelle adresse mail que vous avez ? »: the postal topic first (0.40),
        # something else second, the e-mail third: the words name the e-mail.
        return _merged(ranking, named, other)
    if not change or named not in names[:3] or other not in names[:3]:
        return None
    if names[0] not in (named, other) and names[1] not in (named, other):
        return None
    return _merged(ranking, named, other)


PASSWORD_TOPIC = "change_password"
PASSWORD = re.compile(r"\b(?:mot de passe|mots de passe|mdp|password|code)\b")


def email_not_password(
    ranking: List[Dict[str, Any]], words: str, said: str = ""
) -> Optional[List[Dict[str, Any]]]:
    """« on peut pas simplement changer l'adresse mail du compte ? »: the e-mail named, no
    password, a change or a question, and the ranking hesitating between the e-mail
    (personal data) and the password as its two first: the password's probability goes to
    the e-mail. None otherwise."""
    if not EMAIL.search(words) or PASSWORD.search(words) or POSTAL.search(words):
        return None
    names = [item.get("name") for item in ranking]
    asks = any(CHANGE.search(w) or QUESTION.search(w) for w in (words, said))
    if set(names[:2]) != {EMAIL_TOPIC, PASSWORD_TOPIC} or not asks:
        return None
    return _merged(ranking, EMAIL_TOPIC, PASSWORD_TOPIC)


def _merged(ranking: List[Dict[str, Any]], named: str, other: str) -> List[Dict[str, Any]]:
    mass = {item["name"]: float(item.get("confidence") or 0.0) for item in ranking}
    merged = [
        {**item, "confidence": mass[named] + mass[other]} if item["name"] == named else item
        for item in ranking
        if item["name"] != other
    ]
    return sorted(merged, key=lambda item: -float(item.get("confidence") or 0.0))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class AddressKind(StatelessComponent):
    """Gives the data topic the message names the other one's probability (and the
    password's, when the e-mail is named and no password)."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            said = strip_accents((message.get(TEXT) or "").lower())
            current, words = message.get(INTENT_RANKING_KEY) or [], plain_words(message)
            # The postal address's share first, then the password's: « changer l'adresse
            # mail » may hesitate between all three.
            kind = resolved(current, words, said)
            credential = email_not_password(kind or current, words, said)
            ranking = credential or kind
            if ranking:
                message.set(INTENT, ranking[0], add_to_output=True)
                message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
