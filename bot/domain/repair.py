"""How a customer steers a conversation between the steps of a flow, read from the words
alone: taking a pending request up again, cancelling, picking one of several values, and
the short follow-ups that only make sense after a given answer.

Pure functions over the message text, shared by the action server's repair layer
(actions/repair.py) and the follow-up policy the Rasa server loads
(bot/rasa_ext/repair_policy.py). The NLU decides the intent; these patterns only
cover what the intent catalogue cannot say (« on reprend », « la deuxième », « et le
week-end ? » right after the opening hours).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

from bot.domain.identifiers import find_customer_ids, find_emails
from bot.domain.topics import TOPIC_NAMES


def plain(text: str) -> str:
    """Lower case, no accents, apostrophes and dashes as spaces: what the patterns read."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", re.sub(r"[’'`\-_]", " ", letters)).strip()


def _bare_words(text: str) -> str:
    """`plain`, its punctuation dropped too: the words alone, one space apart."""
    return " ".join(re.findall(r"\w+", plain(text)))


def _any(patterns: Sequence[str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(patterns) + r")\b")


_RESUME = _any(
    [
        r"on (?:y )?(?:reprend|retourne|revient|continue)",
        r"(?:on |je )?reprenons",
        r"revenons",
        r"(?:bon |ok |alors )?la suite",
        r"(?:reprendre|continuer|poursuivre) (?:ma|la|notre) demande",
        r"(?:retour|revenir) a (?:ma|la) demande",
        r"ou en etions nous",
        # « bon je reviens », not « au cas où je reviens » nor « si je reviens plus tard ».
        r"(?<!cas ou )(?<!si )(?<!quand )je reviens(?! plus tard| demain| apres| dans| lundi)",
    ]
)
_CANCEL = _any(
    [
        # (not « je voudrais annuler ma commande »: the shop's business, out of scope)
        r"annule[rz]?(?! (?:ma |mon |mes |la |le |les |une |un |cette |ce |l )?"
        r"(?:commande|cmd|achat|paiement|livraison|colis|order)\w*)",
        r"laisse[sz]? (?:tomber|beton)",
        r"finalement (?:non|rien|pas)",
        r"stop",
        r"oublie[sz]? (?:ca|ma demande)",
        # « bon oubliez », « oubliez, j'appellerai »: to the bot, not « vous oubliez mon … ».
        r"(?<!vous )oubliez(?! (?:pas|mon|ma|mes|le|la|les|l|de|d))",
        r"j appellerai plutot",
        # « je vais réfléchir encore un peu »: the customer puts it off.
        r"je vais (?:encore )?(?:y )?reflechir",
        r"(?:je dois|laissez moi|laisse moi) (?:y )?reflechir",
        r"je (?:le )?ferai? plus tard",
        r"on verra plus tard",
        r"je verrai plus tard",
        # « N'ouvrez aucune demande pour le moment, je reviendrai vers vous. », « bon je
        # reviendrai quand j'aurai retrouvé mon numéro client »
        r"je (?:reviendrai|repasserai)\b",
        r"n ouvrez (?:aucune|pas de|rien)",
        # « bof je vais plutôt appeler le service client », « je préfère rappeler lundi »
        # (not « je préfère appeler, c'est quoi le numéro ? »: the request waits, paused)
        r"je (?:vais|prefere) plutot (?:vous |les )?(?:appeler|telephoner|rappeler)",
        r"je prefere (?:vous |les )?rappeler",
        r"tant pis",
        # « … donc non, ne supprimez rien »
        r"ne (?:le |la )?supprimez (?:rien|pas)",
        r"je ne veux plus",
        r"je veux plus",
        r"plus besoin",
        r"on arrete",
        # « …, on laisse » (not « on laisse un message ? »)
        r"on laisse(?! (?:un|une|le|la|les|des|mon|ma|mes|votre|vos|nos)\b)",
        r"j arrete",
        r"(?:j |on )?abandonne",
        # What was missing is found again, or works again: nothing left to do.
        r"(?:l |j )ai retrouve",
        r"jlai retrouve",
        r"(?:je viens de|j ai fini par) (?:le |la |les )?retrouver",
        r"(?:ca|sa) (?:re)?marche (?:maintenant|a nouveau|de nouveau)",
        r"(?:ca|sa) remarche",
        r"c est regle",
        # « en fait non, je garde mon compte »: what the flow would change stays as it is.
        r"(?:je|on) (?:vais |va |prefere |prefererais )?(?:le |la |les )?(?:garde|conserve)r?"
        r" (?:mon compte|le compte|mon espace|mon mot de passe|finalement|quand meme|tel quel)",
    ]
)
# A cancel word this early in a longer message opens it: « laissez tomber, en fait je
# cherchais mes factures ».
CANCEL_LEAD_WORDS = 6
_FIRST = _any([r"(?:la |le )?premiere?", r"1(?:ere|er)?", r"celle du haut", r"la 1re"])
_SECOND = _any([r"(?:la |le )?deuxieme", r"(?:la |le )?seconde?", r"2(?:e|eme)?", r"l autre"])

_WEEKEND = _any(
    [
        r"week ?end",
        r"samedi",
        r"dimanche",
        r"ferie",
        r"jours? feries?",
        # The public holidays by name: « ouvert le lundi de Pâques ? »
        r"paques",
        r"pentecote",
        r"ascension",
        r"toussaint",
        r"noel",
        r"jour de l an",
        r"nouvel an",
        r"14 juillet",
        r"15 aout",
        r"(?:1er|premier) (?:mai|novembre|janvier)",
        r"8 mai",
        r"11 novembre",
    ]
)
# « merci, bon week-end »: a wish, not a question about the days the line is shut.
_WEEKEND_WISH = _any([r"(?:tres )?bon(?:ne)? (?:week ?end|samedi|dimanche|fin de semaine)"])


def _asks_about_the_weekend(words: str) -> bool:
    return _WEEKEND.search(_WEEKEND_WISH.sub(" ", words)) is not None


# « attendez c'est quoi vos horaires ? »: the line's hours, named.
_HOURS_NAMED = _any([r"horaires?", r"heures? d ouverture", r"(?:ouvrez|fermez) a quelle heure"])


# Hours that are not the line's: « les horaires de livraison du transporteur ».
_OTHER_HOURS = _any([r"livr\w*", r"expedi\w*", r"transporteur", r"colis", r"poste", r"retrait"])


def names_the_hours(text: str) -> bool:
    words = plain(text)
    return _HOURS_NAMED.search(words) is not None and _OTHER_HOURS.search(words) is None


def names_the_weekend(text: str) -> bool:
    """« vous bossez le samedi ? », « et les jours fériés ? »: the days the line is shut."""
    return _asks_about_the_weekend(plain(text))


_HOURS = _any(
    [
        r"heures?",
        r"horaires?",
        r"ouvert",
        r"r?ouvr(?:e|ez|ent|ira|irez|iront)",
        r"reouvre",
        r"reouverture",
        r"fermez",
        r"ferme",
        r"\d+ ?h",
        r"midi",
    ]
)
_FORGOT = _any(
    [
        r"oubli[eé]?",
        r"sais plus",
        r"connais (?:pas|plus)",
        r"souviens (?:pas|plus)",
        r"rappelle (?:pas|plus)",
        r"perdu",
    ]
)
# « et si le mail n'arrive jamais ? »: said before the e-mail went too (_NEVER_ARRIVES).
_NEVER_ARRIVES_WORDS = [r"n arrive (?:jamais|pas)", r"(?:jamais|pas) (?:recu|arrive)"]
_NOT_RECEIVED = _any(
    [
        *_NEVER_ARRIVES_WORDS,
        r"(?:rien|pas|jamais) (?:recu|arrive|eu)",
        r"(?:recois|recoit|vois|trouve|ai|jai) (?:rien|pas|toujours pas|jamais)",
        r"recu (?:aucun|rien)",
        r"(?:toujours|tjrs|tjs|tj) (?:rien|pas)",
        r"n est pas arrive",
        r"boite",
        r"spam",
        r"indesirables?",
        r"pas de (?:mail|e mail|courriel)",
        # « oups je crois que je l'ai effacé sans faire exprès »: to be sent again.
        r"(?:je l ai|j l ai|jl ai|l ai) (?:efface|supprime|jete|mis a la corbeille)",
        r"aucun (?:mail|e mail|courriel)",
    ]
)


_NEVER_ARRIVES = _any(
    [
        *_NEVER_ARRIVES_WORDS,
        # « ok et si je reçois rien ?? » after the reset steps: the e-mail they name.
        r"si (?:je )?(?:ne )?(?:recois|recoit|recevrai|ai|vois) (?:rien|pas|jamais|aucun)",
    ]
)


# « non attendez on recommence, c'est l'adresse du boulot le compte »: the request under
# way started over, its questions asked again.
_RESTART = _any(
    [
        r"on recommence",
        r"recommencons",
        r"(?:reprenons|reprendre|on reprend|repartons|on repart) (?:depuis le |du |au )?"
        r"(?:debut|zero)",
        r"depuis le debut",
    ]
)


def wants_to_restart(text: str) -> bool:
    return _RESTART.search(plain(text)) is not None


def wants_to_resume(text: str) -> bool:
    """« on reprend », « bon, on y retourne », « revenons à ma demande »…"""
    return _RESUME.search(plain(text)) is not None


PASSWORD_FORM = "password_email_form"
# The slots whose answer is free text: a message for the agents is taken whole, whatever
# questions it holds (« … Pouvez-vous mettre à jour l'adresse de mon compte ? » is the
# message, for the agents, not a question for the bot).
FREE_TEXT_SLOTS = frozenset({"message_text"})


def resumes(text: str, form: Optional[str]) -> bool:
    """Whether the message takes the paused or cancelled `form` up again: « on reprend »;
    for the reset e-mail, asking for it too (« ok envoyez le mail alors »)."""
    if form is None:
        return False
    return wants_to_resume(text) or (form == PASSWORD_FORM and asks_for_the_reset_email(text))


# The forms of the flows a customer may take up again, by the action that ends each one;
# a cancel says one of CANCEL_RESPONSES in the same turn.
FLOW_ENDS = {
    "action_send_password_email": PASSWORD_FORM,
    "action_open_deletion_ticket": "delete_account_form",
    "action_open_duplicate_ticket": "duplicate_accounts_form",
}
CANCEL_RESPONSES = {"utter_form_cancelled", "utter_deletion_not_requested"}


def cancelled_flow(previous_actions: Sequence[str]) -> Optional[str]:
    """The form of the flow the bot's previous turn cancelled (« stop, passez-moi un
    conseiller », « non je garde mon compte »), which « finalement on reprend » takes up
    again; None when that turn cancelled nothing."""
    now, _ = split_turns(previous_actions)
    if not CANCEL_RESPONSES & set(now):
        return None
    return next((FLOW_ENDS[name] for name in now if name in FLOW_ENDS), None)


_SWITCH = _any(
    [
        r"en fait",
        r"plutot",
        r"finalement",
        r"je prefere",
        r"a la place",
        r"non je veux",
        r"non je voudrais",
        r"autre chose",
    ]
)


def wants_to_switch(text: str) -> bool:
    """« en fait, je veux plutôt supprimer mon compte »: another request replaces this one."""
    return _SWITCH.search(plain(text)) is not None or takes_it_back(text)


# « non non je voulais juste me déconnecter, pas le supprimer ! », « ah non pardon, pas le
# compte !! juste une vieille adresse », « non non pas 2 comptes, UN seul compte »: a no
# that opens the message, then what was meant or what was not.
_NO_FIRST = (
    r"^(?:(?:ah|oh|wow|ouh|mais|euh|ben|bah|hein|oula|oups)[ ,!.]+)*(?:non|nan)\b[ ,!.]*"
    r"(?:(?:non|nan|mais|pardon|en fait|attendez?|surtout|merci)\b[ ,!.]*)*"
)
_TAKEN_BACK = re.compile(
    _NO_FIRST
    + r"(?:je (?:voulais|veux|voudrais|parlais|demandais|cherchais)|c est pas ca|ce n est pas ca"
    r"|pas\b|je me suis mal|vous m avez mal)"
    # Said anywhere: « pardon je me suis mal exprimé, … », « vous m'avez mal comprise ».
    r"|\bje me suis mal (?:exprime|explique)\w*|\bvous m avez mal compris\w*"
    r"|\bc est pas (?:ca|ce) que je\b"
    # « une adresse de livraison qui sert plus, pas le compte ! »: a clause that rejects
    # the account itself.
    r"|(?:^|[,;.!?] ?)pas (?:le|mon|du) compte\b"
    # « je n'ai pas deux comptes, j'en ai qu'un seul ! »: the second account denied.
    r"|\b(?:je n ai|j ai|j en ai) pas (?:deux|2|plusieurs) comptes\b|\bj en ai qu un seul\b"
    # « je veux pas créer de compte, j'en ai déjà un ! »: the request named to be denied.
    r"|^(?:je|j) (?:ne |n )?(?:veux|voudrais|cherche|demande|parle) (?:pas|plus|surtout pas)"
    r" (?:de |d |a |un |une )?(?:cre\w*|supprim\w*|ferm\w*|change\w*|modifi\w*|deconnect\w*)"
)


def takes_it_back(text: str) -> bool:
    """The customer says the request under way is not what they meant: inside a flow, the
    answer to what they meant ends it instead of coming back to it."""
    return _TAKEN_BACK.search(plain(text)) is not None


# « allez tant pis, je confirme la suppression »: resigned, yet a yes.
_GOES_AHEAD = _any(
    [r"je (?:la |le )?confirme(?! pas)", r"je valide", r"oui", r"on y va", r"allez y"]
)


def _cancel_words(words: str) -> set:
    """The cancel words of a message's plain words (« tant pis », « laissez tomber »…)."""
    return {match.group() for match in _CANCEL.finditer(words)}


def wants_to_cancel(text: str) -> bool:
    """« annuler », « laissez tomber », « finalement non »… (« tant pis » only when the
    message does not go ahead, or take the request up, anyway)."""
    words = plain(text)
    found = _cancel_words(words)
    if found == {"tant pis"} and (_GOES_AHEAD.search(words) or _RESUME.search(words)):
        # « allez tant pis, je confirme », « ok tant pis. on reprend la suppression »
        return False
    return bool(found)


# « oubliez, j'appellerai plutôt »: the customer will phone.
_WILL_PHONE = _any(
    [
        r"j appellerai",
        r"je (?:vais|prefere) (?:plutot )?(?:vous |les )?(?:appeler|telephoner|rappeler)"
        r"(?! (?:mon|ma|mes)\b)",
        r"je vous (?:appelle|telephone|rappelle)",
        r"je (?:vous |les )?(?:telephonerai|rappellerai)",
        r"je passerai (?:un coup de fil|par le telephone)",
        r"(?:je vais|je prefere|plutot) (?:passer )?par (?:le )?telephone",
    ]
)


# « je préfère refaire la demande de suppression »: the deletion named, of the account or
# as a request (« supprimer une adresse » is not).
_DELETION = _any(
    [
        r"suppression",
        r"supprim\w*",
        r"effac\w*",
        r"fermeture",
        r"cloture\w*",
        r"resili\w*",
        r"ferm\w* (?:mon|le) compte",
        # « Le compte … ne sert plus à rien. Comment je fais pour le fermer ? »
        r"(?:le|l) (?:fermer|cloturer|resilier)",
    ]
)
_DELETION_OF = _any([r"compte", r"demande", r"espace client"])


# « j'ai un 2e compte avec mon mail pro », « mes deux comptes »: two accounts named.
_TWO_ACCOUNTS = _any(
    [
        r"(?:deux|2|second|seconde|deuxieme|2e|2eme|2nd|autre) (?:compte|comptes|espaces? client)",
        r"doublons?",
        r"comptes? en double",
        # « je veux pas un nouveau compte, j'en ai déjà deux »
        r"(?:compte|comptes)\b.{0,40}\bj en ai (?:deja )?(?:deux|2)\b",
    ]
)


# « je veux pas un nouveau compte », « pas besoin d'un autre compte »: no new account.
_NO_NEW_ACCOUNT = _any(
    [
        r"(?:veux|voudrais|cherche) (?:pas|surtout pas) (?:de |d |un |une )?"
        r"(?:nouveau |autre |troisieme |3e )?compte",
        r"pas (?:un|de|d un) (?:nouveau|autre) compte",
        r"pas besoin d (?:un )?(?:nouveau |autre )?compte",
    ]
)


def denies_a_new_account(text: str) -> bool:
    return _NO_NEW_ACCOUNT.search(plain(text)) is not None


# « je sais plus mon numéro client », « aucune idée, je l'ai pas sous la main »: the customer
# number asked for, which the customer does not have.
_NOT_KNOWN = _any(
    [
        r"(?:sais|connais|retrouve|trouve|souviens|rappelle|vois) (?:plus|pas)",
        r"(?:sai|c) (?:plus|pas)",
        r"(?:jsp|jsais pas|chais pas|sais pas|sais plus)",
        r"aucune idee",
        r"(?:je l ai|j l ai|je l avais) (?:pas|plus|perdu|jamais)",
        r"pas sous la main",
        r"(?:je n en ai|j en ai) (?:pas|aucun)",
        r"(?:oublie|perdu)",
    ]
)
_NUMBER = _any([r"numero", r"num", r"n", r"no", r"numeros", r"identifiant client"])
_PASSWORD_NAMED = _any([r"mot de passe", r"mdp", r"password", r"pass"])


# What a bare « je sais pas » may hold besides its words (« euh non désolé je l'ai pas »).
_NOT_KNOWN_FILLERS = {
    "je", "j", "ne", "n", "le", "l", "la", "ai", "pas", "plus", "du", "tout", "euh", "bah",
    "ben", "ah", "non", "desole", "desolee", "vraiment", "malheureusement", "ca", "sais",
    "helas", "franchement", "aucune", "idee", "sous", "main", "en", "effet",
}  # fmt: skip
# « il est où ? », « je sais pas où le trouver »: where to find it asked, not its absence.
_WHERE_TO_FIND = _any([r"ou", r"comment (?:le |la )?(?:trouver|retrouver|avoir)", r"trouver"])


def forgets_the_number(text: str) -> bool:
    """Where the customer number is asked: the customer says they do not have it (« je
    sais plus mon numéro client », a bare « aucune idée »), types none and asks nothing
    (« aucune idée de mon numéro, il est où ? » asks where it is)."""
    words = plain(text)
    if find_customer_ids(text) or find_emails(text) or not _NOT_KNOWN.search(words):
        return False
    if "?" in text or _PASSWORD_NAMED.search(words) or _WHERE_TO_FIND.search(words):
        return False
    if _NUMBER.search(words):
        return True
    rest = _NOT_KNOWN.sub(" ", words).split()
    return all(word in _NOT_KNOWN_FILLERS for word in rest)


def names_two_accounts(text: str) -> bool:
    return _TWO_ACCOUNTS.search(plain(text)) is not None


def names_the_deletion(text: str) -> bool:
    words = plain(text)
    return _DELETION.search(words) is not None and _DELETION_OF.search(words) is not None


def thanks_resigned(text: str) -> bool:
    """« Ah d'accord, tant pis. Merci »: resigned to what was just said, and thanks; at an
    offer, thanks and no, not a request cancelled."""
    words = plain(text)
    return _cancel_words(words) == {"tant pis"} and "merci" in words.split()


# « Merci de me recontacter », « rappelez-moi demain »: the customer asks to be called or
# written back (words for the agents, not for the bot).
_CALL_ME_BACK = _any(
    [
        r"(?:me |nous |m )?(?:re)?contact(?:er|ez)(?: moi| nous)?",
        r"rappel(?:ez|er) (?:moi|nous)",
        r"(?:me|nous) rappel(?:er|ez|iez)",
        r"(?:revenir|reveniez|revenez) vers (?:moi|nous)",
        r"(?:me|nous) (?:repondre|repondiez|ecrire) par (?:e ?)?mail",
    ]
)


def asks_to_be_called_back(text: str) -> bool:
    return _CALL_ME_BACK.search(plain(text)) is not None


# « je voudrais me connecter sur votre site c la 1ere fois »: to log in, which the NLU may
# read as logging out (« connecter », « déconnecter »), and no word of leaving.
# (Not « je suis resté connecté »: a state, the wish to leave it.)
_LOG_IN = _any([r"(?:me|m|se|s|nous) (?:re)?connect\w*", r"connexion", r"login", r"log in"])
_LEAVING = _any(
    [
        r"deconn\w*",
        r"deco",
        # « je veux plus être connecté sur ce navigateur »
        r"(?:plus|pas|jamais) (?:etre |rester )?connecte\w*",
        r"sortir",
        r"quitter",
        r"fermer (?:la |ma |sa )?session",
        r"log ?out",
        r"log ?off",
        r"sign ?out",
    ]
)


def logs_in_not_out(text: str) -> bool:
    words = plain(text)
    return _LOG_IN.search(words) is not None and _LEAVING.search(words) is None


# « c'est urgent, je suis habilité, donne juste le mail stp »: someone's details asked of
# the bot, which gives none (not the customer's own: « mon », « que vous avez pour moi »;
# not the reset e-mail: « le mail de réinitialisation »).
_GIVE_THE_DETAILS = _any(
    [
        r"(?:donne|donnez|file|filez|communique|communiquez)(?: moi| nous| le moi| la moi)?"
        r"(?: juste| seulement| simplement| vite)? (?:le|son|sa|ses|leur|l|les) "
        r"(?:e mail|mail|email|adresses?|coordonnees|identifiant|mot de passe)"
        r"(?! (?:de reinit\w*|de reset|du lien|pour (?:reinit\w*|changer|me connecter)))",
        # « quel est l'email du client C1000003 ? c'est une collègue »
        r"(?:quel|quelle|c est quoi|c quoi)(?: est)? (?:l |le |la |son |sa )?(?:e ?mail|mail"
        r"|adresse|telephone|tel|numero|coordonnees)(?: \w+)? (?:du|de la|de ce|de cette) "
        r"(?:client|cliente|collegue|personne|compte)",
    ]
)


def asks_for_someone_s_details(text: str) -> bool:
    return _GIVE_THE_DETAILS.search(plain(text)) is not None


# After « le numéro »: a number that is not the shop's line.
_NOT_THE_LINE_S = r"(?! (?:client|de client|de commande|de facture|de suivi|de tva|siret|de colis))"
# « c'est quoi votre numéro de tel ? » inside a request: the line asked for, no one to talk
# to yet (« passez-moi un conseiller » is a person asked for).
_THE_NUMBER = _any(
    [
        r"(?:quoi|quel est|c est quoi|c quoi|donnez moi|donne moi|redonnez moi)"
        r" (?:le|votre|vot) (?:numero|num|tel|telephone)" + _NOT_THE_LINE_S,
        r"(?:votre|vot) (?:numero|num) de (?:tel|telephone)",
    ]
)
_A_PERSON = _any(
    [r"conseill\w+", r"humains?", r"personnes?", r"quelqu un", r"qqn", r"parler", r"agents?"]
)


def asks_only_for_the_number(text: str) -> bool:
    words = plain(text)
    return _THE_NUMBER.search(words) is not None and _A_PERSON.search(words) is None


def will_phone(text: str) -> bool:
    """« oubliez, j'appellerai plutôt », « bon je vais vous appeler »."""
    return _WILL_PHONE.search(plain(text)) is not None


def opens_with_cancel(text: str) -> bool:
    """A cancel word among the first words: « bon tant pis, on arrête là, je ne me
    souviens plus de la 2e adresse »."""
    return wants_to_cancel(" ".join(plain(text).split()[:CANCEL_LEAD_WORDS]))


def after_the_cancel(text: str) -> str:
    """The words of a message that opens with a cancel, after it (« bon laissez tomber je
    vais plutôt me refaire un compte » → « je vais plutôt me refaire un compte »); "" when
    no cancel opens it or nothing follows."""
    words = text.split()
    for count in range(1, min(len(words), CANCEL_LEAD_WORDS) + 1):
        if wants_to_cancel(" ".join(words[:count])):
            return " ".join(words[count:]).strip(" ,.;:!")
    return ""


def closes_with_cancel(text: str) -> bool:
    """A cancel that is the message's last clause, its conclusion: « Ah, si je perds
    l'historique des factures, alors non, oubliez ma demande. »"""
    parts = [part for part in re.split(r"[,;.!?:]+", text) if part.strip()]
    return bool(parts) and wants_to_cancel(parts[-1]) and not asks_a_question(parts[-1])


def pick(text: str, candidates: Sequence[str]) -> Optional[str]:
    """The candidate a customer points at: « la première », « la 2e », « l'autre »."""
    words = plain(text)
    if len(candidates) >= 1 and _FIRST.search(words):
        return candidates[0]
    if len(candidates) >= 2 and _SECOND.search(words):
        return candidates[1]
    return None


# What the bot did just before the follow-up: the actions it ran and the responses it
# sent (a response sent by a custom action is known by its name too).
AFTER_HOURS = {
    "action_phone_handover",
    "action_opening_hours",
    "utter_opening_hours_intro",
    "utter_hours_weekend",
    "utter_handover_open",
    "utter_handover_closed",
    # The message offered while the line is closed, right after its hours: declined or
    # left, the hours are still what « et dimanche ? » asks about.
    "action_leave_message",
    # Its questions too: « vous rouvrez quand exactement ? » while it asks the e-mail.
    "leave_message_form",
}
# « ok c'est quoi le numéro ? », « je les appelle où ? » after an answer that gave the
# phone line: the line again.
_PHONE = _any(
    [
        r"(?:le|un|votre|leur|quel|du|ce) (?:numero|num|no|tel|telephone)",
        r"numero de (?:tel|telephone)",
        r"telephone",
    ]
)
# « je les appelle où ? », asked (« ok merci je vais les appeler » is a thank-you).
_CALL = _any(
    [
        r"(?:les|vous|l) (?:appelle|appelles|appeler|appelez|joins|joint|joindre|contacte"
        r"|contacter)",
        # « et si j'appelle, il faut que j'aie quoi sous la main ? »
        r"(?:si|quand|avant d) (?:j|je) (?:appelle|vous appelle|telephone|vous telephone)",
    ]
)
_OWN_NUMBER = re.compile(r"\b(?:mon|ma|client)\b|\d")
AFTER_CHANGE_PASSWORD = {"utter_change_password"}
# The reset e-mail sent (by the flow, or again to a corrected address), and the answers
# about it that may come next.
AFTER_RESET_EMAIL = {
    "action_send_password_email",
    "utter_password_email_sent",
    "utter_password_email_resent",
    "utter_reset_email_delay",
    # « toujours rien reçu » answered: « ça prend combien de temps ? » is still about it.
    "utter_reset_email_not_received",
}
AFTER_PASSWORD_HELP = AFTER_RESET_EMAIL | {
    "utter_forgot_password",
    "utter_login_problem",
    PASSWORD_FORM,
    # The offer of the reset e-mail, asked again after a side question.
    "utter_ask_wants_reset_email",
}
# « et si je n'ai plus accès à cette adresse ? » after the reset steps or e-mail.
_MAILBOX_LOST = _any(
    [
        r"(?:plus|pas|perdu|pu|pus) (?:d |l )?acces\w* a (?:cette|ce|cet|mon|ma|la|l) ?"
        r"(?:adresse|mail|boite|messagerie|courriel)",
        r"(?:plus|pas|perdu|pu|pus) (?:d |l )?acces\w* (?:a|au) (?:mon |ma |la )?"
        r"(?:e ?mail|courriel|boite|messagerie)",
        r"(?:adresse|e ?mail|courriel|boite)(?: mail| e ?mail| electronique)? (?:a ete |est )?"
        r"(?:n existe plus|ne marche plus|fermee|supprimee|desactivee|cloturee)",
        r"(?:ancienne|vieille) (?:adresse|boite)",
        # « l'adresse mail de l'époque n'existe plus »
        r"(?:adresse|e ?mail|courriel|boite)(?: \w+){1,4} (?:n existe plus|ne marche plus)",
        # « et si j'ai changé d'adresse mail entre-temps ? », « on n'y a plus accès ».
        r"change (?:d |de |l |le |mon |son )?(?:adresse )?(?:(?:e ?)?mail|courriel)",
        r"n y (?:a|ai|avons|ont) plus acces",
    ]
)


# « et si ça fait 4 ans ? » after the log-in help: the part about deleted accounts (the
# FAQ's limit is 3 years; « 2 ans » is not that case).
# The years three or more years back, as the customer writes them (« depuis 2020 »).
_YEARS_AGO = "|".join(str(year) for year in range(2000, date.today().year - 2))
_YEARS = _any(
    [
        r"(?:[3-9]|\d\d) ?ans?",
        r"(?:trois|quatre|cinq|six|sept|huit|dix|plusieurs|des|quelques) ans",
        r"des annees",
        # « même si j'ai pas remis les pieds sur le site depuis 2020 ? », « la dernière fois
        # ça devait être en 2019 »: 3 years ago or more.
        rf"(?:depuis|en|vers|remonte a|date de) (?:en )?(?:19\d\d|{_YEARS_AGO})",
        r"(?:tres |super )?longtemps",
        r"une eternite",
    ]
)
# « et si le compte a été supprimé je recrée comment ? » after the password's help: making
# a new account (the NLU reads « supprimé » as a deletion asked).
_RECREATE = _any(
    [
        r"(?:je |on )?(?:le |en )?recre\w*",
        r"refai\w* (?:un )?(?:autre |nouveau )?compte",
        r"re ?inscri\w*",
        r"(?:un )?nouveau compte",
    ]
)
# « et pour le numéro de tel ? », « et mon mail ? » right after the addresses' steps: the
# customer's own data, changed in « Informations personnelles » (not the shop's line).
AFTER_ADDRESS_STEPS = {"utter_manage_addresses", "action_answer_addresses"}
MAX_DATA_FOLLOW_UP_WORDS = 8
_OTHER_DATA = _any(
    [
        r"(?:le|mon|du|de|un|quel) (?:numero|num|no|n) (?:de )?"
        r"(?:tel|telephone|portable|mobile|gsm)",
        r"(?:le|mon|du|un) (?:tel|telephone|portable|mobile|gsm)",
        r"(?:le|mon|l|du|un) (?:(?:e ?)?mail|courriel)",
        r"(?:le|mon|du) (?:nom|prenom)",
    ]
)
_THE_SHOP = _any([r"votre", r"vos", r"vous", r"appeler", r"joindre", r"conseiller"])


# « le numéro de téléphone que vous avez »: the one on file, not the shop's.
# « et mon tel c'est bien le 07 11 22 33 44 ? »: checked against the file.
_CHECKED_AGAINST_FILE = r"(?:c est|c|cest) (?:bien|toujours|tjrs|tjs) (?:le|la|l|celui|celle)"
_ON_FILE = _any(
    [
        r"(?:(?:que|qu|ke|k) )?(?:vous|vs) (?:avez|aviez)(?: enregistre\w*| sur moi| pour moi"
        r"| pr moi| de moi)?",
        r"(?:avez|aviez) vous(?: enregistre\w*)? (?:pour|sur|de) moi",
        _CHECKED_AGAINST_FILE,
    ]
)
MAX_ON_FILE_FOLLOW_UP_WORDS = 12


def _names_own_data(words: str, count: int) -> bool:
    """A short message naming the customer's phone, e-mail or name, not the shop's."""
    on_file = _ON_FILE.search(words) is not None
    short = count <= (MAX_ON_FILE_FOLLOW_UP_WORDS if on_file else MAX_DATA_FOLLOW_UP_WORDS)
    rest = _ON_FILE.sub(" ", words)
    return short and bool(_OTHER_DATA.search(rest)) and not _THE_SHOP.search(rest)


def names_own_detail(text: str) -> bool:
    """« et mon numéro de téléphone aussi », « et mon mail ? »: a short message naming the
    customer's own phone, e-mail or name."""
    words = plain(text)
    return _names_own_data(words, _word_count(words))


# « que vous avez », « vous avez enregistré »: on file, said so (« vous avez un numéro de
# téléphone ? » asks for the shop's).
_ON_FILE_SAID = _any(
    [
        r"(?:que|qu|ke|k) (?:vous|vs) (?:avez|aviez)",
        r"(?:vous|vs) (?:avez|aviez) (?:enregistre\w*|sur moi|pour moi|pr moi)",
        # « Quel numéro de téléphone avez-vous pour moi ? »
        r"(?:avez|aviez) vous (?:enregistre\w* )?(?:pour|sur) moi",
        _CHECKED_AGAINST_FILE,
    ]
)


# « j'ai créé un second compte sans faire exprès », « je pense avoir ouvert un second
# compte »: an account made in the past beside the first, which the customer already has.
_SECOND_ACCOUNT_MADE = _any(
    [
        r"(?:ai|avais|a|avoir|avons|avions) (?:\w+ ){0,3}?(?:re)?(?:cree+s?|ouvert|fait)"
        r" (?:un|une) (?:second|seconde|deuxieme|2e|2eme|2nd|autre|nouveau|nouvel|nouvelle)"
        r" (?:compte|espace)"
    ]
)


def made_a_second_account(text: str) -> bool:
    return _SECOND_ACCOUNT_MADE.search(plain(text)) is not None


# « tu t'appelles comment ? », « qui t'a créé ? »: who the bot is (the NLU reads « créé »
# as creating an account, « comment » as anything).
_ABOUT_THE_BOT = _any(
    [
        r"(?:tu t appelles|vous vous appelez|ton nom|votre nom a vous)",
        r"qui (?:t a|vous a) (?:cree+|fait|programme|developpe|concu|invente)",
        r"(?:t es|tu es|vous etes) qui",
        r"qui (?:es tu|etes vous)",
        # « t un humain ? », « vous êtes une vraie personne ? »
        r"(?:t|t es|tu es|tu est|vous etes|es tu|etes vous|c est) (?:un |une )?(?:vrai |vraie )?"
        r"(?:humain|robot|bot|ia|machine|personne reelle|vraie personne)",
    ]
)


def asks_about_the_bot(text: str) -> bool:
    return _ABOUT_THE_BOT.search(plain(text)) is not None


# « est-ce que vous avez toujours mon adresse à Nantes ? »: the customer's own address.
_OWN_ADDRESS_ON_FILE = _any(
    [
        r"vous avez (?:toujours |encore |bien |deja )?(?:mon|mes|ma) (?:adresses?|domicile)"
        r"(?! mail| e ?mail| electronique)",
        # « mon adress c'est tjrs celle de Nantes chez vous ? »
        r"(?:mon|ma|mes) (?:adresses?|adress|adr)(?! mail| e ?mail| electronique)(?: \w+){0,2}"
        r" (?:toujours|tjrs|tjs|encore|bien) (?:celle|la meme)",
        # « le site me demande une adresse, j'en ai pas d'enregistrée sur mon compte ? »
        r"(?:j en ai|j ai|il y en a|y en a|y a) (?:pas|aucune|pas d adresse|aucune adresse)"
        r" (?:d )?enregistree",
    ]
)


def own_data_asked(text: str) -> Optional[str]:
    """The topic of the customer's own data a message asks about, said to be on file:
    « Je voudrais vérifier le numéro de téléphone que vous avez pour moi » (personal data),
    « vous avez toujours mon adresse à Nantes ? » (addresses); None otherwise. The NLU
    reads « vous avez pour moi » as a call for a person, a story around it as out of
    scope."""
    words = plain(text)
    if _ON_FILE_SAID.search(words) and _names_own_data(words, _word_count(words)):
        return "update_personal_data"
    if _OWN_ADDRESS_ON_FILE.search(words):
        return "manage_addresses"
    return None


# The customer's details or addresses just read out to her, and a change of « it » asked
# next: « je voudrais la changer, je fais comment ? » (the e-mail just shown; the NLU reads
# « changer » as the password).
AFTER_DATA_SHOWN = {
    "utter_personal_data_on_file": "personal_data_change",
    "utter_addresses_on_file": "addresses_change",
    "utter_no_address_on_file": "addresses_change",
}
_CHANGE_IT = _any(
    [
        # (« je veux en changer, je fais comment ? »)
        r"(?:la|le|les|l|en) (?:changer|modifier|mettre a jour|corriger|rectifier|remplacer)",
        # « ah bon ? je l'ajoute où alors » after no address on file.
        r"(?:je |j )?(?:l|en) (?:ajoute|ajouter|rajoute|rajouter|mets|mettre)"
        r" (?:une )?(?:ou|comment)",
        # « ok et comment j'en add une nouvelle ? »
        r"(?:je |j )?en (?:ajoute|ajouter|rajoute|rajouter|add|mets|mettre|cree|creer)"
        r" (?:une |un )(?:nouvelle|nouveau|nouvel|autre|deuxieme|2e)",
        r"(?:changer|modifier|corriger|rectifier) (?:ca|cela|celle ci|celui ci)",
    ]
)
_ANOTHER_THING = _any([r"mot de passe", r"mdp", r"password", r"factures?", r"commandes?"])


# « et le numéro de téléphone du compte, c'est au même endroit ? » after the addresses'
# steps: a personal detail, whose steps are another page (not « sur mon téléphone »).
_PERSONAL_DETAIL = _any(
    [
        r"numero de (?:telephone|tel|portable|fixe)",
        r"(?:mon|le|ma|la) (?:telephone|tel|portable|nom|prenom|civilite)",
        r"(?:adresse )?e ?mail",
        r"adresse mail",
        r"courriel",
    ]
)


def _detail_at_the_same_place(words: str) -> bool:
    return bool(
        _WHERE.search(words) and _PERSONAL_DETAIL.search(words) and not _DEVICE.search(words)
    )


def _change_of_what_was_shown(previous_actions: Sequence[str], words: str) -> Optional[str]:
    # « je veux la changer, la nouvelle c'est … », « vous pouvez pas le changer vous-même ? »:
    # the new value typed, or the change asked of the bot, go to change_it_yourself (the
    # bot cannot change it for the customer).
    asked_of_the_bot = _NEW_VALUE.search(words) or _DO_IT_FOR_ME.search(words)
    if not _CHANGE_IT.search(words) or _ANOTHER_THING.search(words) or asked_of_the_bot:
        return None
    return next((AFTER_DATA_SHOWN[a] for a in previous_actions if a in AFTER_DATA_SHOWN), None)


# « je peux parler à quelqu'un ? »: a person asked for in words (the NLU reads a bare
# « même endroit ? » as a call for one too).
_SOMEONE = _any(
    [
        r"(?:parler|parle|echanger|discuter) (?:a|avec) (?:quelqu un|qqn|un|une|vos|des)",
        r"(?:un|une|des|vos) (?:conseill\w+|humains?|vraie? personnes?|agents?|operat\w+)",
        r"(?:un|une|des) (?:vrai|vraie|vrais|vraies|veritable) (?:humains?|conseill\w+|agents?)",
        # « I want a real person », « can I talk to a human »
        r"(?:a|an) (?:real |actual )?(?:person|human|agent)\b",
        r"quelqu un (?:au telephone|de chez vous|du service|de vrai|de reel|d humain)",
        # « donnez-moi le numéro direct »: the line asked for, to reach someone.
        r"(?:donnez|donne|filez|file|passez|passe)(?: moi| nous)? (?:le|votre|un|ce|vot)"
        r" (?:numero|num|tel|telephone)",
        # « j'préfère appeler quelqu'un », « je peux joindre quelqu'un par téléphone ? »,
        # Québec's « je peux-tu caller quelqu'un à soir ? »
        r"(?:appeler|appelle|caller|call|joindre|contacter|telephoner a|avoir)"
        r" (?:quelqu un|qqn)",
        # « passe moi qqn », « passez-moi un conseiller »
        r"(?:passez|passe|passer)(?: moi| nous)? (?:quelqu un|qqn|une personne)",
        # « c quoi le numéro ? », « quel est le numéro pour vous appeler »: the shop's line,
        # not the customer's own numbers (« c quoi le numéro client ? »).
        r"(?:quoi|quel est|c est quoi) (?:le|votre|vot) (?:numero|num|tel|telephone)"
        + _NOT_THE_LINE_S,
    ]
)
# « et si j'en veux une 2e après ? », « je veux en ajouter une pour l'atelier »: another
# address, after the address asked at checkout or the addresses' answers.
_ANOTHER_ADDRESS = _any(
    [
        r"en (?:veux|voudrais|ajoute\w*|rajoute\w*|mettre|mets|cree\w*) (?:une|deux|plusieurs)",
        r"(?:une|la) (?:2e|2eme|deuxieme|seconde|autre)(?: adresse)?",
        # « ok et je peux en avoir plusieurs ? »
        r"en avoir plusieurs",
    ]
)
AFTER_ADDRESSES = {name for name, kind in AFTER_DATA_SHOWN.items() if kind == "addresses_change"}
# « je peux en avoir plusieurs ? » after the addresses' steps (which say how to add one).
_SEVERAL = _any([r"(?:en )?avoir plusieurs", r"plusieurs adresses"])
# « et si ça marche (toujours) pas ? » after steps or the reset e-mail: the phone line.
_STILL_FAILS = _any(
    [
        r"si (?:ca|sa|cela|ce) (?:ne )?(?:marche|fonctionne) (?:toujours |encore |vraiment )?"
        r"(?:pas|plus)",
        r"si (?:j y|je n y|on y|on n y) arrive (?:toujours |encore |vraiment )?pas",
        r"si (?:ca|sa) bloque (?:encore|toujours)",
        # « c'est exactement ce que je fais !!! ça marche pas votre truc »: done, and fails.
        r"(?:ca|sa|cela) (?:ne )?(?:marche|fonctionne|enregistre|s enregistre|veut) "
        r"(?:toujours |encore |vraiment )?(?:pas|plus|rien)",
        r"(?:ca|sa) (?:bloque|plante|beugue?|bug)",
        r"rien ne (?:se passe|marche|fonctionne|s enregistre)",
    ]
)
# « et le password aussi c'est là ? » after the personal data's steps: « Modifier mon mot de
# passe » is on that page (the FAQ); not when it was forgotten or lost.
AFTER_PERSONAL_DATA_STEPS = {"utter_update_personal_data"}
_PASSWORD = _any([r"mot de passe", r"mdp", r"password", r"mot passe"])
_LOST = _any([r"perdu", r"egare"])
# What makes a password question a forgotten one: forgetting, losing, being locked out, the
# reset and its e-mail.
_PASSWORD_TROUBLE = _any(
    [
        r"bloque\w*",
        r"connect\w*",
        r"rentrer",
        r"acceder",
        r"marche",
        r"fonctionne",
        r"reinitialis\w*",
        r"reset",
        r"lien",
        r"mail",
        r"faux",
        r"incorrect\w*",
        r"refuse\w*",
        r"paum\w*",
        r"retrouv\w*",
        r"souvien\w*",
        r"rappel\w*",
    ]
)


# « c'est au même endroit ? », « pour revenir au mot de passe, le bouton est où ? »: the
# password asked as a step of the path given before, or as the topic taken up again.
_SAME_STEP = _any(
    [r"(?:au )?meme endroit", r"pareil", r"idem", r"(?:revenir|retour|reviens|revenons) (?:au|a)"]
)


def forgets_nothing(text: str) -> bool:
    """The password named as a step of the path before or taken up again (« et mon mot de
    passe, c'est au même endroit ? »), without forgetting, losing or being locked out."""
    words = plain(text)
    trouble = _FORGOT.search(words) or _LOST.search(words) or _PASSWORD_TROUBLE.search(words)
    return bool(_PASSWORD.search(words) and _SAME_STEP.search(words)) and not trouble


# A move: the address book again.
_MOVING = _any([r"demenag\w*", r"(?:change|changer|changement) d adresse"])
# « et pour le compte de ma femme ? » right after the reset e-mail went out: the same
# request for another account, whose address the form asks.
_ANOTHER_ACCOUNT = _any(
    [
        r"(?:le compte|celui|l espace client|le mot de passe) (?:de|d) (?:ma|mon|mes|notre) \w+",
        r"pour (?:ma|mon) (?:femme|mari|epouse|conjointe?|compagne?|compagnon|fils|fille"
        r"|collegue|associee?|pere|mere|frere|soeur)",
        r"(?:l|mon|un) autre compte",
        r"(?:le|mon) (?:deuxieme|second) compte",
    ]
)
# « et pour mon autre compte ? », « et sur l'autre compte ? »: the same data asked of another
# account of the customer's (not « je peux regrouper mon autre compte ? »: two accounts).
_OTHER_OWN_ACCOUNT = re.compile(
    r"^(?:(?:ok|d accord|merci|bon|ah|super|parfait)\s+)*(?:et|mais)\s+"
    r"(?:pour|sur|de|dans|avec)?\s*"
    r"(?:mon|l|le|notre|mes)\s+(?:autre|deuxieme|2e|2eme|second|seconde|autres)\s+comptes?\b"
    r"(?!.*\b(?:regroup\w*|fusion\w*|supprim\w*|doublon|ferm\w*|rassembl\w*|cre\w*)\b)"
)
# A customer number or e-mail typed after the anonymous invoices answer, which asked to log
# in: the invoices are only shown to a logged-in customer, whatever number is given.
AFTER_LOGIN_INVITED = {"utter_invite_login", "utter_login_needed"}
# « je vous ai donné mon numéro pourtant », « mais je vous donne mon numéro, ça suffit
# pas ? » after the invitation to log in.
_GAVE_IT = _any(
    [
        r"(?:je vous (?:l )?ai|j ai|je l ai) (?:deja )?(?:donne|mis|ecrit|indique|envoye|fourni)",
        r"je vous (?:le |l )?(?:donne|ecris|indique|envoie|fournis)",
        r"(?:ca|sa|mon numero|le numero|mon mail) (?:ne )?(?:suffit|suffira|suffisait) pas",
    ]
)


# The reset e-mail offered and declined (« non merci ça ira ») or its request cancelled
# (« laissez tomber »), and the customer changing her mind right after: « en fait si,
# envoyez-le moi ».
RESET_OFFER_DECLINED = (
    {"action_send_password_email", "utter_no_problem"},
    {"action_send_password_email", "utter_form_cancelled"},
)
_AFTER_ALL = _any(
    [
        r"en fait (?:si|oui)",
        r"finalement (?:si|oui|je veux bien|envoy\w*|ok)",
        r"(?:ah|oh|bon|si) si",
        r"je veux bien (?:finalement|en fait|le|l e ?mail|le lien)",
        r"envoy\w* (?:le|la|moi|me|m)\b",
        r"(?:j ai|je me suis) change d avis",
        r"tout compte fait",
    ]
)

# « la nouvelle c'est s.perrin@gmail.com » after the steps to change it: the customer
# changes it on the site, the bot cannot.
AFTER_DATA_STEPS = {"utter_update_personal_data", "utter_manage_addresses"}
_NEW_VALUE = re.compile(
    r"@|\b0\d(?:[ .]?\d\d){4}\b|\+\d{2}|\b\d{5}\b"
    # Swiss (« 079 123 45 67 ») and Belgian (« 0470 12 34 56 ») numbers.
    r"|\b0\d\d[ .]?\d{3}[ .]?\d\d[ .]?\d\d\b|\b0\d{3}(?:[ .]?\d\d){3}\b"
    r"|\b(?:rue|avenue|av|boulevard|bd|chemin|allee|place|impasse|route)\b"
)
# « le nouveau c'est Durand-Roux », « mon nouveau nom ce sera … »: a new value stated in
# words, whatever it is (a name has no pattern of its own).
_NEW_ONE_IS = _any(
    [
        r"(?:le|la|l|mon|ma) (?:nouveau|nouvelle|nouvel)(?: \w+){0,2} (?:c est|c|est|sera|ce sera)",
        r"(?:c est|ce sera|cest) (?:maintenant|desormais|dorenavant)",
    ]
)
# « vous pouvez pas le faire pour moi ? » after the data's steps: the change asked of the bot.
_DO_IT_FOR_ME = _any(
    [
        r"(?:le|la|les|l) (?:faire|changer|modifier|mettre|ajouter)(?: \w+)?"
        r" (?:pour moi|a ma place|vous memes?|vous meme)",
        # « vous pouvez pas le changer vous-même ? »
        r"(?:pouvez|pourriez|peux|pourrais) (?:pas |vous )?(?:le |la |les |l )?"
        r"(?:faire|changer|modifier|mettre|ajouter|corriger) (?:vous|toi)(?: memes?)?\b",
        r"(?:faites|fais|changez|modifiez|mettez|ajoutez)(?: le| la| les)?"
        r"(?: moi| pour moi| a ma place)",
    ]
)
# « combien de temps ? » after the reset e-mail: when it comes.
_HOW_LONG = r"(?:combien|cb|cbn|cmb) de temps"
_DELAY = _any(
    [
        _HOW_LONG,
        r"dans (?:combien|cb)",
        r"(?:ca|il|elle) (?:prend|met) combien",
        r"(?:recois|recevrai|aurai|arrive|arrivera) quand",
        r"quand (?:est ce que )?(?:je (?:le |la )?)?(?:recois|recevrai|aurai|arrive|arrivera)",
        r"delai",
        r"c est long",
        r"how long",
        # « comment ça se fait que ça prenne autant de temps ? »
        r"(?:prend|prenne|met|mette|mis) (?:autant|tant|aussi longtemps|si longtemps)",
        r"(?:autant|tant) de temps",
        r"(?:si|aussi|trop) (?:long|lent)",
    ]
)
# « ça met cmb de temps à arriver ton mail ? » at the offer of the reset e-mail.
_MAIL_DELAY = re.compile(
    rf"\b{_HOW_LONG}\b.*\b(?:mail|e mail|courriel|lien)\b"
    rf"|\b(?:mail|e mail|courriel|lien)\b.*\b{_HOW_LONG}\b"
)
# « et une fois que j'ai cliqué dans le mail, je fais quoi ? » after the reset e-mail: the
# steps, which go on after the link.
_LINK_CLICKED = _any(
    [
        r"(?:clique|ouvert|appuye) (?:sur|dans) (?:le|ce) (?:lien|mail|e mail|courriel|bouton)",
        r"apres (?:le|avoir clique sur le) lien",
        # « et je clique sur quoi dans le mail »
        r"(?:je )?clique sur quoi (?:dans|sur) (?:le|ce) (?:mail|e mail|courriel)",
        r"(?:quoi|que) faire (?:dans|avec) (?:le|ce) (?:mail|e mail|courriel)",
    ]
)
# « et l'adresse de livraison je la mets où ? » after the account-creation steps: the
# FAQ's answer, at the basket's validation.
AFTER_CREATE_ACCOUNT = {"utter_create_account", "utter_account_purged"}
# « et si je déménage après ? » after the creation steps or the address asked at checkout:
# the address book.
AFTER_ADDRESS_AT_CHECKOUT = AFTER_CREATE_ACCOUNT | {"utter_address_at_checkout"}
_CREATE_ACCOUNT = _any([r"(?:re)?cre\w* (?:un |mon |le |nouveau )*compte", r"inscri\w*"])
# « l'adresse de livraison », « l'adresse où je veux être livré »
_DELIVERY_ADDRESS = re.compile(
    r"\badresse (?:de livraison|postale)\b|\badresse ou (?:\w+ ){0,3}livre"
)
# « faut mettre mon adresse tout de suite ? » after the creation steps: when the (postal)
# address goes in, which is at the basket's validation.
_ADDRESS_NOW = re.compile(
    r"\badresse\b(?! (?:mail|e mail|email|electronique|courriel))"
    r".*\b(?:tout de suite|de suite|des maintenant|maintenant|directement|d abord"
    r"|(?:des|a) (?:la creation|l inscription|le debut)|obligatoire\w*)\b"
)
# « est-ce que je peux enregistrer plusieurs adresses ? »: the address book, not the basket.
_ADDRESS_BOOK = _any(
    [
        r"plusieurs",
        r"ajout\w*",
        r"autres?",
        r"deuxieme",
        r"enregistr\w*",
        r"modifi\w*",
        r"chang\w*",
        r"supprim\w*",
    ]
)
AFTER_INVOICES = {"utter_find_invoices", "utter_invoices_list", "action_answer_invoices"}
# … and when an order's invoice comes: « on peut pas l'avoir par mail avant ? ».
AFTER_INVOICE_ANSWERS = AFTER_INVOICES | {"utter_invoice_when_shipped"}
# « et la commande d'hier, elle y est déjà ? » after the invoices: when it appears.
_RECENT_ORDER = _any(
    [
        r"hier",
        r"aujourd hui",
        r"ce matin",
        r"(?:cette|la) semaine",
        # (« la plus récente » is one of the orders listed.)
        r"(?<!plus )recente?",
        r"derniere commande",
        r"(?:l )?autre commande",
        r"(?:pas encore|deja|toujours pas) (?:la|dispo|disponible|visible|en ligne|expediee)",
        r"(?:y est|est la|sera la) deja",
        r"vient? (?:de|d) (?:passer|commander)",
        # « je l'ai commandée il y a trois jours, c'est normal ? »
        r"il y a (?:un|une|deux|trois|quatre|cinq|quelques|\d+) (?:jours?|heures?)",
        r"avant hier",
        r"(?:pas|pa) (?:encore |encor )?(?:expediee?s?|partie?s?|livree?s?|envoyee?s?)",
        r"(?:aurai|aura|recevrai|sera dispo\w*|sera disponible) quand",
        r"quand (?:est ce que )?(?:je l aurai|je la recevrai|elle sera|j aurai)",
        # « elle arrive quand alors ? » (the invoice; not « ma commande elle arrive quand »,
        # the parcel).
        r"(?<!commande )(?<!colis )(?:elle|la facture) (?:arrive|arrivera|viendra) quand",
        r"quand (?:est ce qu )?(?:elle|la facture) (?:arrive|arrivera|viendra)",
    ]
)
# « ah non je voulais dire la livraison, elle arrive quand ? »: the parcel, not its invoice.
_PARCEL_ASKED = re.compile(
    r"^(?!.*\bfactur)(?=.*\b(?:livraison|transporteur|suivi|livree? quand"
    r"|(?:commande|cmd|colis)(?: \w+){0,4} (?:arrive|arrivera|sera la) quand)\b)"
)
# « ok donc faut attendre que ce soit expédié c'est ça ? » after an order not yet shipped.
_WAIT_FOR_SHIPPING = _any(
    [
        r"attendre (?:que|qu|l)(?: \w+){0,4} expedi\w*",
        r"(?:une fois|des que|quand|apres) (?:qu |que )?(?:elle |la commande |c |ce )?"
        r"(?:est |sera |soit |a ete )?(?:expediee?|partie?)\b(?! quand)",
    ]
)
_ADDRESS_OR_MAIL = _any([r"adresses?", r"(?:e ?)?mail", r"courriel"])
# « et c'est bien celle-là qui sera utilisée pour ma prochaine commande ? » after the
# addresses: which address an order takes (the one given at the basket's validation).
_NEXT_ORDER = _any(
    [
        r"(?:prochaine|future|nouvelle|prochaines) commandes?",
        r"au moment (?:du|de la|de ma) (?:panier|commande|validation)",
    ]
)
# « je peux les télécharger avant ? » after the deletion's warning that invoices go with
# the account: where to get them first.
# (« enregistrer », not « enregistrée »: « mon adresse est toujours enregistrée ? » asks
# about the address.)
# (« je pourrai pas le récupérer » is the account, not its invoices.)
_KEEP_INVOICES = _any(
    [
        r"(?:telecharg|sauvegard|imprim)\w*",
        r"(?<!\ble )(?<!\bla )recuper\w*",
        r"enregistrer",
        r"garder",
        r"conserver",
        # « les factures je les perds alors ? elles sont rangées où ? »: where they are.
        r"factures?(?:\W+\w+){0,8}\W+(?:rangees?|sont|trouve|trouvent|trouver|retrouve"
        r"|retrouver) ou",
    ]
)
# The deletion's warning, and the deletion's questions, which it stays in play for (« pour
# revenir à la suppression, mes factures je les perds alors ? » after a detour).
AFTER_DELETION_WARNING = {
    "utter_delete_account",
    "utter_delete_account_offer",
    "utter_ask_delete_account_form_email",
    "utter_ask_confirm_deletion",
}
# « ça dépend, je perds mes factures ? », « c'est définitif ? » after the deletion's
# warning: the warning again, which says what goes.
_WHAT_IS_LOST = _any(
    [
        r"(?:je )?(?:perds|perdrai|perdrais|perdre|perd) (?:quoi|tout|mes|mon|l historique)",
        r"(?:je )?(?:les|le|la) (?:perds|perdrai|perdrais|perdre|perd)",
        r"(?:c est|ce sera|c|ca sera) (?:vraiment |bien )?(?:definiti\w*|irreversible)",
        r"(?:definiti\w*|irreversible) (?:ou pas|quand meme)",
        r"(?:revenir|retour) en arriere",
        r"definiti\w* (?:ca )?(?:veut dire|signifie)",
        # « les factures déjà payées, vous les gardez ou elles disparaissent ? »
        r"disparai\w*",
        r"vous (?:les |la |le )?(?:gardez|conservez|effacez|supprimez)",
        r"(?:pourrai|pourrais|pourra|peux|pourrait) (?:pas|plus|jamais) (?:le|la) "
        r"(?:recuperer|reactiver|retrouver|rouvrir|ravoir)",
    ]
)
_OTHER_ORDER = _any([r"(?:l )?autres? commandes?"])
# « et je peux le faire par mail plutôt ? » after the deletion's warning: the contact
# form's way.
_BY_E_MAIL = r"par (?:e ?)?mail"
_BY_MAIL = _any([_BY_E_MAIL, r"par courrier", r"par (?:le )?formulaire", r"par ecrit"])
# « vous pouvez pas me l'envoyer par mail plutôt ? »: an invoice asked for by e-mail.
_SENT_BY_MAIL = _any(
    [rf"(?:envoy\w*|recevoir|transmettre|faire parvenir)(?: \w+){{0,2}} {_BY_E_MAIL}"]
)
# « et si je suis pas connecté ? » after the invoices' answer: logging in comes first.
_NOT_LOGGED_IN = _any(
    [
        r"(?:je )?(?:ne )?(?:suis|serai|suis) pas connecte\w*",
        r"sans (?:etre |me )?(?:connecte\w*|connecter|identifie\w*)",
        r"sans compte",
    ]
)
# « et pourquoi vous me la montrez pas direct ici ? » after the invoices' answer: shown
# once the customer is logged in.
_NOT_SHOWN_HERE = _any(
    [
        r"(?:montre|montrez|affiche|affichez|donne|donnez|envoyez|envoie)\w* pas"
        r" (?:direct\w* )?(?:ici|dans le chat|dans la conversation|directement)",
        r"(?:me la|me les|la|les) (?:montrer|afficher|donner) (?:ici|dans le chat|directement)",
    ]
)
# « et pour les anciennes ? » after the invoices' answer: where they all are.
_OLDER_ONES = re.compile(
    r"^(?:et |mais |ok |alors )*(?:pour |pr )?(?:les |des |mes )?(?:plus )?"
    r"(?:anciennes?|vieilles?|precedentes?|d avant|de l an(?:nee)? (?:dernier|derniere))"
    r"(?: factures?| commandes?)?(?: alors| du coup| svp)?[ ?!.]*$"
)
# « elle est de quand ? » after the orders listed: their dates are in the list.
_WHEN_DATED = _any(
    [
        r"(?:elle|il|elles|ils|c|ca|sa) (?:est|sont|date|datent) de quand",
        r"(?:de |a )?quelle date",
        r"datee?s? de quand",
    ]
)
# « on peut pas l'avoir par mail avant ? », after the invoices or when they come.
_BEFORE_SHIPPING = _any(
    [
        r"(?:l avoir|la recevoir|l obtenir|la telecharger|(?:me |m )?l envoyer)"
        r"(?: par (?:e ?)?mail)? avant"
    ]
)
# The answers that give a path on the site: « c'est où exactement ? » gets them again.
STEPS_ANSWERS = (
    "utter_create_account",
    "utter_change_password",
    "utter_log_out",
    "utter_find_invoices",
    "utter_manage_addresses",
    "utter_update_personal_data",
    "utter_forgot_password",
    "utter_login_problem",
    "utter_account_purged",
    "utter_delete_account_by_form",
    "utter_duplicate_accounts",
    "utter_invoice_when_shipped",
)
_ON_A_DEVICE = (
    r"(?:et )?(?:sur|depuis|avec) (?:le |mon |un |l )?(?:mobile|portable|smartphone|iphone"
    r"|android|tablette|appli|application|telephone|tel)"
)
# « vous pouvez répéter ? », « j'ai pas noté, encore une fois svp »: the answer again.
_REPEAT_WORDS = (
    r"(?:re ?peter|redire|redonner|repete[sz]?|redites|redis)(?! plus tard)"
    r"|encore une fois|une (?:nouvelle|autre) fois|j ai (?:pas|mal) (?:note|entendu|lu)"
)
_REPEAT = re.compile(rf"\b(?:{_REPEAT_WORDS})\b")
# « c'est quoi l'encart de gauche ? », « réinitialiser ça veut dire quoi ? », « c'est quoi un
# onglet »: a word of the path just given, which the path given again step by step explains.
_ANSWER_WORD = (
    r"(?:l |le |la |les |un |une |cet |cette |ce )?(?:espace client|compte client|encart"
    r"|onglet|colonne|rubrique|lien|menu|bouton|mes achats|mes factures|gestion des adresses"
    r"|informations personnelles|page de connexion|nouveau client|reinitialis\w*|expedi\w*)"
)
_MEANING = (
    r"(?:c est quoi|c quoi|cest quoi|c koi|qu est ce que c est|qu est ce qu|que veut dire"
    r"|ca veut dire quoi|ca veut dire|ca signifie|que signifie|signifie)"
)
_WORD_MEANING_WORDS = [
    rf"{_MEANING} {_ANSWER_WORD}",
    rf"{_ANSWER_WORD}(?: \w+){{0,3}} (?:ca )?(?:veut dire|signifie)",
]
_WORD_MEANING = _any(_WORD_MEANING_WORDS)


def asks_what_a_word_means(text: str) -> bool:
    """« réinitialiser ça veut dire quoi exactement », « c'est quoi l'encart de gauche ? »:
    a word of an answer's path, asked about."""
    return _WORD_MEANING.search(plain(text)) is not None


_LOG_IN_FIRST_WORDS = (
    r"(?:faut|faudra|dois|doit|il faut)(?: il| que je| qu on| je)? (?:me |se |m |s )?"
    r"(?:connecter|connecte|identifier|identifie)(?: \w+)? avant"
)
# « pareil pour mon adresse mail »: the same thing asked for another object.
_SAME_FOR_WORDS = r"(?:pareil|idem|meme chose) pour"
_SAME_FOR = _any([_SAME_FOR_WORDS])
_WHERE = _any(
    [
        *_WORD_MEANING_WORDS,
        # « et ensuite ? », « ok et après on fait quoi ? »: the rest of the path.
        r"^(?:(?:ok|bon|d accord|oui)[ ,.]+)?(?:et )?(?:ensuite|apres|puis|la suite)"
        r"(?: (?:je fais|on fait|il faut faire) quoi)?(?=[\s?!.]*$)",
        # « ok jla rajoute comment »: the same steps (SMS).
        r"(?:je la|je le|je l|jla|jle|jl|on la|on le|on l) (?:rajoute|ajoute|mets|met|change"
        r"|modifie|cree)\w* comment",
        # « faut que je me connecte avant ? »: the path starts there.
        _LOG_IN_FIRST_WORDS,
        # « comment ? » alone, right after a path.
        r"^comment(?: (?:ca|faire|on fait|je fais|donc))?(?=[\s?!.]*$)",
        # « c'est où », SMS « cé ou », « c ou »
        r"(?:c est|cest|c|ce) ou",
        r"ou (?:ca|exactement|exactemen|exactment|precisement)",
        r"ou est (?:il|elle|ce bouton|cet onglet|ce lien|ce menu)",
        r"il est ou",
        r"elle est ou",
        r"je (?:ne )?(?:le |la |les )?(?:vois|trouve) (?:pas|rien|nulle part)",
        r"(?:pas|rien) trouve",
        r"introuvable",
        # « je voudrais la changer, je fais comment ? », « même endroit ? »: the same path.
        r"(?:je )?(?:la|le|les) (?:change|changer|modifie|modifier|mettre a jour)",
        r"(?:au )?meme endroit",
        _SAME_FOR_WORDS,
        r"c est (?:pareil|idem|la meme chose)",
        r"et pour (?:\w+ ){1,3}(?:aussi|pareil|idem)",
        # « et sur mobile ? »: the site is the same on a phone.
        _ON_A_DEVICE,
        # « dans quelle rubrique déjà ? », « le bouton il est en bas ? », « à gauche ou à
        # droite ? »: where on the page.
        r"(?:dans |sur )?(?:quel|quelle) (?:onglet|rubrique|menu|page|encart|colonne|endroit)",
        r"(?:en bas|en haut|a gauche|a droite)",
        # « comment j'en rajoute une ? », « je fais comment ? »: the same steps.
        r"comment (?:je |j |on )(?:en )?(?:fais|fait|rajoute|ajoute|cree|mets|met)",
        r"(?:je|on) (?:fais|fait) comment",
        # « et ça se voit où après ? »
        r"(?:ca|on|je) (?:se |le |la |les )?voi[st] ou",
        # « oui mais concrètement je clique où ? »: where, asked again.
        r"je clique ou",
        r"concretement",
        # « je comprends pas » after the steps: the path again, step by step.
        r"je (?:ne )?(?:comprends|comprend|capte|pige) (?:pas|rien)",
        r"(?:j ai |j |jai )?(?:pas|rien) (?:bien |tout |trop )?compris",
        # « vous pouvez répéter ? », « … répéter où il faut cliquer ? », « encore une fois
        # svp »: the path again.
        _REPEAT_WORDS,
        r"(?:vous pouvez |pouvez vous |tu peux )?(?:me )?reexpliqu\w*",
        r"ou (?:il faut|faut il|je dois|dois je|on doit) (?:cliquer|aller|appuyer)",
        r"c est pas clair",
    ]
)
_DEVICE = _any([_ON_A_DEVICE])
# (Whatever topic the NLU reads in « me connecte ».)
_LOG_IN_FIRST = _any([_LOG_IN_FIRST_WORDS])
# « ma commande est tjrs pas arrivée, elle est où ? »: where a parcel is, not where on the site.
_PARCEL = _any(
    [
        r"colis",
        r"(?:pas|toujours pas|tjrs pas|tjs pas) (?:encore )?(?:arrivee?s?|recue?s?|livree?s?)",
    ]
)
# The account topics a path on the site answers (steps answers not named after one).
STEPS_TOPICS = {
    "utter_account_purged": ("login_problem", "forgot_password"),
    "utter_delete_account_by_form": ("delete_account",),
    "utter_find_invoices": ("find_invoices",),
    "utter_invoice_when_shipped": ("find_invoices",),
}


# In the parse of each question of a split message: its rank (0 first). A follow-up to the
# message then reads what the bot said to all of its questions (recent_turns).
SPLIT_PART = "split_part"
# In the parse of a message with a contrast: the (start, end) character spans of the clauses
# it rejects (bot/rasa_ext/nlu/contrast.py), which bot/rasa_ext/question_focus.py never takes
# for the message's question.
REJECTED = "rejected_spans"
# In the parse of a cancelling message: the account question it also asks (its intent).
ASKS = "asks"
# How sure the NLU must be of an intent for the repair layer to act on it (a detour inside
# a flow, a topic that makes « c'est où ? » a new question): the actions and the policy.
SURE_CONFIDENCE = 0.5
# A question read out of the account's scope at least this surely gets its own answer next
# to another (a part of a long message, a question after « annuler »).
OUT_OF_SCOPE_CONFIDENCE = 0.8
# The slot holding the deletion request this conversation already made ({"reference"} for
# the verified owner, {"email"} when a confirmation link went out): asking again gets it
# back instead of a second flow the backend would refuse at its end.
DELETION_REQUESTED = "deletion_requested"
# The reference of the two-accounts ticket this conversation opened (actions/submissions.py).
ACCOUNTS_REQUESTED = "accounts_requested"
# The slot holding the address the last reset e-mail went to (« rien reçu », « oups,
# plutôt … »).
LAST_RESET_EMAIL = "last_reset_email"
# The names of the turn before the previous one, in with_memory's list: a follow-up may
# reach back over one answer (« c'est où déjà, pour ma première question ? », « ok. et
# l'adresse de livraison je la mets où ? » after the account's creation and a question
# out of scope). Only the follow-ups in FROM_EARLIER do; a back-reference in words
# (« ma première question », « tout à l'heure ») reads that turn first.
EARLIER = "earlier:"
FROM_EARLIER = frozenset(
    {
        "where_exactly",
        "change_it_yourself",
        "address_at_checkout",
        "orders_again",
        "addresses_again",
        "addresses_change",
        "invoice_timing",
        # « merci. ça met combien de temps à arriver ? » after the reset e-mail and thanks.
        "reset_email_delay",
        "reset_email_not_received",
        "mailbox_lost",
    }
)
_BACK_THEN = _any(
    [
        r"(?:pour |sur |concernant |a propos de )?(?:ma |la |mon |le )?"
        r"(?:premiere?|1ere?|1re) (?:question|demande|truc|point)",
        r"(?:de |d )?tout a l heure",
        r"(?:pour |sur )?(?:ma |la |le )?(?:question|demande|truc|sujet) "
        r"(?:precedente?|d avant|du debut)",
    ]
)


# « c julien@gmail.com euh non pardon c julien42@orange.fr »: the value typed after a
# correction replaces the one before it, in the same message.
_SELF_CORRECTION = _any(
    [r"non", r"pardon", r"plutot", r"enfin", r"je veux dire", r"oups", r"erreur", r"correction"]
)


# « je veux changer mon mot de passe, enfin non je l'ai oublié en fait »: the customer
# corrects the request being typed; what follows is the request.
_CORRECTS_ITSELF = re.compile(
    r"(?:[,.…]+\s*|\s+)(?:enfin non|non en fait|euh non|ah non|non pardon|pardon|"
    r"je veux dire|je voulais dire)\b[ ,:]*",
    re.IGNORECASE,
)
MIN_CORRECTED_WORDS = 3


def corrected_request(text: str) -> Optional[str]:
    """The part of a message after the customer's own correction of the request, when
    enough words come before and after it; None otherwise."""
    match = _CORRECTS_ITSELF.search(text)
    if not match:
        return None
    before, after = text[: match.start()], text[match.end() :]
    enough = min(len(before.split()), len(after.split())) >= MIN_CORRECTED_WORDS
    return after.strip() if enough else None


def corrected_to(text: str, values: Sequence[str]) -> Optional[str]:
    """The last of two or more values a message types, when it corrects the one before."""
    if len(values) < 2:
        return None
    between = text[text.find(values[-2]) + len(values[-2]) : text.rfind(values[-1])]
    return values[-1] if _SELF_CORRECTION.search(plain(between)) else None


_WRONG_ADDRESS = _any(
    [
        r"(?:me suis|s est) (?:trompe|goure|plante)e?",
        r"(?:pas|plus) (?:la bonne|celle (?:la|ci)|cette adresse)",
        r"(?:mauvaise|autre) adresse",
        r"erreur",
    ]
)


def corrects_the_reset_address(
    previous_actions: Sequence[str], text: str, last_address: Optional[str]
) -> Optional[str]:
    """The address a message gives right after the reset e-mail went to another one
    (« ah non pardon c'est nadia@free.fr, j'ai oublié un e »), whatever the NLU read in it
    (the « oublié » of that message reads forgot_password): the e-mail goes again there;
    or to the same one, typed again (« pardon : jp.lefevre@free.fr »)."""
    if not last_address:
        return None
    just_sent = "action_send_password_email" in previous_actions
    # Later (after « merci »), only when the message says the address was wrong (« je me
    # suis trompé d'adresse, mon compte c'est avec … »).
    said_wrong = EARLIER_RESET_EMAIL in previous_actions and _WRONG_ADDRESS.search(plain(text))
    emails = find_emails(text)
    return emails[0] if len(emails) == 1 and (just_sent or said_wrong) else None


def continues_a_message(parse_data: Optional[Mapping[str, Any]]) -> bool:
    """Whether a user event is the second or a later question of a split message."""
    return bool((parse_data or {}).get(SPLIT_PART))


def recent_turns(
    latest_first: Iterable[Tuple[str, Optional[str]]], count: int = 2
) -> List[List[str]]:
    """The actions the bot ran and the responses it sent in each of its `count` latest
    turns, latest turn first, each latest first: the previous turn is what came between
    the customer's previous message and the latest one, the turn before it what came
    between the message before and the previous one. From the conversation's events as
    (kind, name) pairs, latest first: kind "user" for a message, "action" for an action
    (its name), "bot" for a message of the bot (the response's name, None for a text),
    "split" for the second or later question of a message the REST channel split (the
    customer's previous message is then all of its questions), anything else ignored. The
    action server and the Rasa server each turn their own event objects into pairs,
    lazily: nothing before the customer's `count + 1`-th latest message is read (the
    action server is not sent it, bot/rasa_ext/action_payload.py)."""
    turns: List[List[str]] = [[] for _ in range(count)]
    users = 0
    for kind, name in latest_first:
        if kind == "user" or (kind == "split" and users == 0):
            users += 1
            if users > count:
                break
        elif users and kind in ("action", "bot") and name:
            turns[users - 1].append(name)
    return turns


# A follow-up is short; the hours ones shorter still (any long question names a day or
# an hour). The others need their own words (« plus accès à cette boîte »), so a customer
# may explain a little: « … c'était celle de mon ancien taf ».
MAX_FOLLOW_UP_WORDS = 20
# A lost mailbox is said with its story (« l'adresse mail de l'époque n'existe plus, c'était
# celle de mon ancien boulot »): its words are specific enough to be read a little longer.
MAX_MAILBOX_LOST_WORDS = 30
MAX_HOURS_FOLLOW_UP_WORDS = 14
# « Je ne sais pas faire pour la télécharger, le bouton il est où ? » asks where, with why.
MAX_WHERE_WORDS = 14


# « le nouveau c'est le 06 11 22 33 44, non attendez je me suis trompée, 06 11 22 33 45 »:
# what the customer said again after correcting it.
_CORRECTION_MARK = re.compile(
    r"\b(?:non attendez?|je me suis tromp[ée]e?(?: de (?:num[ée]ro|commande|chiffre|mail))?"
    r"|enfin non|ah non)\b[ ,.:!]*",
    re.IGNORECASE,
)


def after_a_self_correction(text: str) -> Optional[str]:
    """The words after the message's last self-correction, when they hold the value
    corrected (a number, an address); None otherwise (« ah non j'ai pas le temps d'appeler,
    on reprend ici » corrects no value)."""
    ends = [match.end() for match in _CORRECTION_MARK.finditer(text)]
    rest = text[ends[-1] :].strip(" ,.") if ends else ""
    return rest if re.search(r"\d|@", rest) else None


def follow_up(
    previous_actions: Sequence[str], text: str, topic: Optional[str] = None
) -> Optional[str]:
    """_follow_up_in the previous turn (`previous_actions`, with_memory's list), or one in
    FROM_EARLIER in the turn before it; that turn first when the message points back to it
    in words (EARLIER). A message that corrects itself is read by what it says after the
    correction when the whole is no follow-up."""
    kind = _follow_up_of_the_turns(previous_actions, text, topic)
    corrected = after_a_self_correction(text) if kind is None else None
    return _follow_up_of_the_turns(previous_actions, corrected, topic) if corrected else kind


def _follow_up_of_the_turns(
    previous_actions: Sequence[str], text: str, topic: Optional[str]
) -> Optional[str]:
    now, turns, spare = _turns_to_read(previous_actions, text)
    for actions in turns:
        kind = _follow_up_in(actions, text, topic, spare)
        if kind and (actions is now or kind in FROM_EARLIER):
            return kind
    return None


def _turns_to_read(
    previous_actions: Sequence[str], text: str
) -> Tuple[List[str], List[List[str]], int]:
    """The previous turn, the turns a follow-up may be about in the order to read them, and
    the count of the message's words that point back. The turn before the previous one
    only when the message points back to it in words (first, then), or when the previous
    turn answered no topic (an aside: out of scope, a miss, the phone line, a courtesy):
    « et quand elle sera là je pourrai la télécharger ? » after the invoice's timing is
    about that answer, not the invoices' steps before it."""
    now, before = split_turns(previous_actions)
    back_then = _BACK_THEN.search(plain(text)) if before else None
    if back_then:
        # (The words that point back are not the follow-up's: « pour ma première question
        # je trouve pas le bouton » is as short as « je trouve pas le bouton ».)
        return now, [before, now], _word_count(back_then.group(0))
    # (A reset e-mail declined sent nothing: « c'est où déjà le lien ? » after it is about
    # the steps before.)
    declined = any(set(now) >= offer for offer in RESET_OFFER_DECLINED)
    if before and (declined or not set(now) & TOPIC_ANSWERS):
        return now, [now, before], 0
    return now, [now], 0


def _follow_up_in(
    previous_actions: Sequence[str], text: str, topic: Optional[str] = None, spare: int = 0
) -> Optional[str]:
    """The short follow-up a message is, given what the bot did just before; None when the
    message stands on its own. One of: "weekend_hours", "hours", "phone",
    "forgot_current_password", "reset_email_not_received", "mailbox_lost",
    "account_purged", "reset_email_delay", "address_at_checkout", "invoice_timing",
    "change_it_yourself", "where_exactly", "reset_email_after_all", "personal_data_too",
    "personal_data_change", "addresses_change", "reset_for_another_account", "login_needed",
    "recreate_account", "password_too", "not_that", "orders_again", "addresses_again",
    "reset_steps", "identifier", "deletion_warning", "deletion_by_form", "still_lost",
    "personal_data_mine", "other_own_account".
    A person asked for in words and surely (`topic` request_human) is never a follow-up
    but to the phone line's answer: « bizarre, j'ai commandé hier, je peux parler à quelqu'un ? »
    after the invoices wants the person. `topic`:
    the account topic the NLU is sure the message asks about, if any (« ok donc je refais
    un compte, c'est où ? » after the deleted-account answer asks where to create one, not
    where the last steps were). `spare`: words of the message not counted."""
    words = plain(text)
    count = _word_count(words) - spare
    if count <= MAX_FOLLOW_UP_WORDS:
        return _follow_up_of(previous_actions, text, words, count, topic)
    done = set(previous_actions)
    # (« et pour ce que je disais sur le mot de passe, comment je fais si j'ai plus accès à
    # la boîte mail ? »: the reset named again, later, with the lost mailbox.)
    reset = done & AFTER_PASSWORD_HELP or topic in _RESET_TOPICS
    lost = reset and _MAILBOX_LOST.search(words)
    if count <= MAX_MAILBOX_LOST_WORDS and lost:
        return "mailbox_lost"
    # « ah non mais en fait je m'en rappelle plus du tout de l'ancien, c'est bien ça le
    # problème » after the change's steps: the forgetting is said with its story too.
    forgot = done & AFTER_CHANGE_PASSWORD and _Unnegated(_FORGOT).search(words)
    if count <= MAX_MAILBOX_LOST_WORDS and forgot:
        return "forgot_current_password"
    # « Et si je n'ai plus accès à cette boîte ? C'était l'adresse de mon ancien travail à
    # la mairie, … »: a first sentence that asks is the follow-up, the rest explains it
    # (one that states may be half a contrast: « je l'ai pas oublié. je veux juste … »).
    first = sentences(text)[0]
    asks = first.endswith("?") and first != text.strip()
    if not asks:
        return None
    first_words = plain(first)
    first_count = _word_count(first_words)
    if first_count <= MAX_FOLLOW_UP_WORDS:
        return _follow_up_of(previous_actions, first, first_words, first_count, topic)
    return None


# « vous pouvez répéter où il faut cliquer ? », « je fais comment ? »: read as the account's
# creation below this confidence only when a word of it is there (a first order, a
# customer, signing up…); its training lines end with such generic questions.
CLEAR_CREATION = 0.8
_CREATION_WORDS = _any(
    [
        r"(?:cre\w*|ouvr\w*|ouverture|refaire|refais) (?:\w+ ){0,2}(?:compte|espace|acces)",
        r"inscri\w*",
        r"enregistr\w*",
        r"(?:nouveau|nouvelle|nouvel|devenir|devient|pas encore|suis pas) clien\w*",
        r"(?:suis|sommes|je suis) (?:nouveau|nouvelle|nouveaux|nouvelles)\b",
        r"(?:premiere?|1ere?) (?:fois|commande|achat)",
        r"(?:pas|aucun|jamais eu|jamais) (?:encore |toujours |vraiment )?(?:de |d |un )?"
        r"(?:compte|acces|espace)",
        r"sign ?up",
        r"register",
        r"account",
    ]
)


def names_the_creation(text: str) -> bool:
    """A word of the account's creation: « me refaire un compte », « m'inscrire »…"""
    return _CREATION_WORDS.search(plain(text)) is not None


# Below this, a log-in problem the NLU reads is one only with a word of logging in, the
# account or its password (« peut etre, ca depend, on me repond quand ? »: 0.49).
CLEAR_LOGIN = 0.6
_LOGIN_WORDS = _any(
    [
        r"\w*connect\w*",
        r"connexion",
        r"co",
        r"deco",
        r"identifi\w*",
        r"log\w*",
        r"acce\w*",
        r"entrer",
        r"rentrer",
        r"ouvr\w*",
        r"bloqu\w*",
        r"mdp",
        r"mot de passe",
        r"password",
        r"compte",
        r"espace",
        r"site",
        r"page",
        r"erreur",
    ]
)


# Below this, a deletion the NLU reads needs one of its words: « Mon fils m'avait fait un
# compte chez vous il y a des années » (0.70) tells a story, it deletes nothing.
CLEAR_DELETION = 0.8
_DELETION_WORDS = _any(
    [
        r"suppr\w*",
        r"sup",
        r"effac\w*",
        r"ferm\w*",
        r"clotur\w*",
        r"clos\w*",
        r"resili\w*",
        r"desactiv\w*",
        r"desinscri\w*",
        r"delete",
        r"remove",
        r"retir\w*",
        r"enlev\w*",
        r"detrui\w*",
        r"rgpd",
        r"oubli",
        r"disparai\w*",
        r"quitt\w*",
        r"vir\w*",
        r"annul\w*",
        r"arret\w*",
        r"plus (?:de |d )?compte",
        r"(?:n )?existe plus",
        r"donnees",
    ]
)
# « je vais garder le compte », « je conserve mon compte »: one account kept (a deletion
# declined), which reads as two accounts (the one to keep) unless two are named.
_KEEPS_THE_ACCOUNT = _any([r"(?:garde|garder|conserve|conserver) (?:le|mon|ce|notre) compte"])


def words_allow(intent: Optional[str], confidence: float, text: str) -> bool:
    """Whether a message's words allow the NLU's reading: the account's creation and a
    log-in problem need one of their words unless read clearly; two accounts are not read
    in one account kept."""
    if intent == "create_account" and confidence < CLEAR_CREATION:
        return names_the_creation(text)
    if intent == "login_problem" and confidence < CLEAR_LOGIN:
        return _LOGIN_WORDS.search(plain(text)) is not None
    if intent == "duplicate_accounts" and _KEEPS_THE_ACCOUNT.search(plain(text)):
        return names_two_accounts(text)
    if intent == "delete_account" and confidence < CLEAR_DELETION:
        return _DELETION_WORDS.search(plain(text)) is not None
    return True


def sure_topic(intent: Optional[str], confidence: float, text: str) -> Optional[str]:
    """The topic the NLU is sure a message asks about (SURE_CONFIDENCE), if its words
    allow it (`words_allow`)."""
    if intent is None or confidence < SURE_CONFIDENCE:
        return None
    return intent if words_allow(intent, confidence, text) else None


def _word_count(words: str) -> int:
    return len(re.findall(r"\w+", words))


_RESET_TOPICS = ("forgot_password", "login_problem")
# « c'est quoi mon identifiant du coup ? », « c koi mon login » after the password's help:
# the FAQ's one line.
_IDENTIFIER = re.compile(
    r"\b(?:quoi|koi|quel|kel|quelle)(?: est| c est)? (?:mon|l|votre|le) (?:identifiant|login|id)\b"
    r"|\b(?:mon|l|le) (?:identifiant|login)(?: du coup| alors| svp)?"
    r" (?:c est |c |ce serait |est )?(?:quoi|koi|lequel|laquelle|ma (?:adresse|mail))\b"
    # « c'est mon identifiant que je retrouve plus »
    r"|\b(?:mon|l|le) (?:identifiant|login) (?:que |qu )?(?:je |j )?(?:ne |n )?"
    r"(?:retrouve|trouve|connais|sais|souviens|rappelle)s? (?:plus|pas)\b"
)
MAX_IDENTIFIER_WORDS = 14


def asks_the_identifier(text: str) -> bool:
    """« c koi mon identifiant pour me connecter », « jsp quel est mon login »."""
    words = plain(text)
    return _word_count(words) <= MAX_IDENTIFIER_WORDS and _IDENTIFIER.search(words) is not None


def the_question_part(text: str) -> str:
    """The part of the message, between its commas, that holds its question mark (« oui je
    veux bien laisser un message, mais vous rouvrez quand exactement ? » → « mais vous
    rouvrez quand exactement ? »); the whole text when none does."""
    asked = [part for part in re.split(r"[,;]+", text) if "?" in part]
    return asked[-1].strip() if asked else text


def asks_the_identifier_in_a_part(text: str) -> bool:
    """asks_the_identifier of one part of the message between its commas or full stops:
    « oui je veux bien mais c'est quoi mon identifiant déjà, c'est pas mon numéro client ? »."""
    return any(asks_the_identifier(part) for part in re.split(r"[,;.!?]+", text))


def _follow_up_of(
    previous_actions: Sequence[str], text: str, words: str, count: int, topic: Optional[str]
) -> Optional[str]:
    """follow_up for a message short enough to be one (`words`: its plain text)."""
    done = set(previous_actions)
    # « et si j'appelle il faut que j'aie quoi sous la main ? » after the two accounts'
    # request, whose answer gives the line (or cancels it: then no call is asked about).
    if "action_open_duplicate_ticket" in done and _CALL.search(words) and asks_a_question(text):
        return "phone"
    if done & AFTER_HOURS and count <= MAX_HOURS_FOLLOW_UP_WORDS:
        kind = _about_the_line(text, words)
        if kind:
            return kind
    if topic == "request_human" and _SOMEONE.search(words):
        return None
    kind = (
        _about_the_account(done, text)
        or _with_the_reset(words, topic)
        or _orders_again(previous_actions, words, count)
    )
    if kind:
        return kind
    declined = any(done >= offer for offer in RESET_OFFER_DECLINED)
    # « ah si, une dernière chose : je me déconnecte comment ? » is another question.
    if declined and _AFTER_ALL.search(words) and topic in (None, *_RESET_TOPICS):
        return "reset_email_after_all"
    for kind, after, pattern in _AFTER_AN_ANSWER:
        if done & after and pattern.search(words):
            return kind
    kind = _about_what_was_just_done(previous_actions, text, words, count)
    if kind:
        return kind
    at_checkout = _DELIVERY_ADDRESS.search(words) and not _ADDRESS_BOOK.search(words)
    created = bool(done & AFTER_CREATE_ACCOUNT)
    if (at_checkout and (created or _CREATE_ACCOUNT.search(words))) or (
        created and _ADDRESS_NOW.search(words)
    ):
        return "address_at_checkout"
    shown = done & (AFTER_DATA_STEPS | set(AFTER_DATA_SHOWN))
    value_or_ask = (
        _NEW_VALUE.search(words) or _DO_IT_FOR_ME.search(words) or _NEW_ONE_IS.search(words)
    )
    # (« et mon tel c'est bien le 07 11 22 33 44 ? » checks the detail on file: no change.)
    checked = own_data_asked(text) is not None
    if shown and value_or_ask and not checked and topic in (None, "out_of_scope", *_DATA_TOPICS):
        return "change_it_yourself"
    return _where_again(previous_actions, text, words, count, topic)


def _where_again(
    previous_actions: Sequence[str], text: str, words: str, count: int, topic: Optional[str]
) -> Optional[str]:
    """_follow_up_of, ended: the path just given, asked for again (« c'est où ? »)."""
    given = _steps_in(previous_actions, text)
    if given and set(previous_actions) & AFTER_INVOICE_ANSWERS and _SENT_BY_MAIL.search(words):
        # « vous pouvez pas me l'envoyer par mail plutôt ? » after the invoices' steps: no
        # invoice goes by e-mail; they are downloaded from the account.
        return "where_exactly"
    # « et sur mon téléphone c'est pareil ? » asks for the same steps on a phone, whatever
    # topic the NLU reads in « téléphone » (or in « faut que je me connecte avant ? »).
    device = _DEVICE.search(words) is not None or _LOG_IN_FIRST.search(words) is not None
    if given in AFTER_INVOICES and _PERSONAL_DETAIL.search(words) and not device:
        # « ok et pour le tel je le change où exactement » after the invoices' path: the
        # personal details' path, which the NLU answers.
        return None
    same_for = _SAME_FOR.search(words) and _PERSONAL_DETAIL.search(words)
    if same_for and given != "utter_update_personal_data" and not device:
        # « pareil pour mon adresse mail » after the password's path: the same change for
        # a personal detail, whose own path the NLU (and the addresses' kind) answers.
        return None
    if (
        count <= MAX_WHERE_WORDS
        and _WHERE.search(words)
        and given
        # (« comment ? » alone names no topic, whatever the NLU guesses from it.)
        and (device or count <= 2 or not _other_topic(topic, given))
        and not _PARCEL.search(words)
    ):
        return "where_exactly"
    return None


def _about_the_account(done: Set[str], text: str) -> Optional[str]:
    """« c'est quoi mon identifiant du coup ? » after the password's help (asked first, the
    log-in help answers it, with the rest); « pourquoi mon compte serait supprimé ? »."""
    password_help = done & (AFTER_PASSWORD_HELP | AFTER_CHANGE_PASSWORD)
    if password_help and asks_the_identifier_in_a_part(text):
        # (One part is enough: « non attendez c'est pas le mdp, c'est mon identifiant que je
        # retrouve plus ».)
        return "identifier"
    if asks_about_the_purge(text):
        return "account_purged"
    return None


def _with_the_reset(words: str, topic: Optional[str]) -> Optional[str]:
    """Said with the reset itself, first message or later: « je voudrais me connecter mais
    mon compte est avec mon ancienne adresse mail qui n'existe plus », « ça fait 3 fois que
    je clique sur mot de passe oublié et je reçois jamais rien »."""
    if topic not in _RESET_TOPICS:
        return None
    if _MAILBOX_LOST.search(words):
        return "mailbox_lost"
    if _Both(_NOT_RECEIVED_SAID, _SENT_FOR).search(words):
        return "reset_email_not_received"
    return None


def _orders_again(previous_actions: Sequence[str], words: str, count: int) -> Optional[str]:
    """« et l'autre commande ? » after the orders listed: the list again, before the
    invoice's timing that « autre commande » names after the invoices' general answer (« ma
    dernière commande n'apparaît pas » is the timing: not there yet)."""
    again = _the_data_again(previous_actions, words, count)
    if again == "orders_again" and not _RECENT_ORDER.search(_OTHER_ORDER.sub(" ", words)):
        return again
    return None


def _about_what_was_just_done(
    previous_actions: Sequence[str], text: str, words: str, count: int
) -> Optional[str]:
    """The follow-ups that read the previous answer's object: the customer's own data after
    the addresses' steps, « la changer » after the data shown, a move after the checkout
    address, another account after the reset e-mail, a number after the log-in asked."""
    done = set(previous_actions)
    if done and _NOT_THAT.search(words):
        return "not_that"
    if done & AFTER_ADDRESS_STEPS and (
        _names_own_data(words, count) or _detail_at_the_same_place(words)
    ):
        return "personal_data_too"
    changed = _change_of_what_was_shown(previous_actions, words) if count <= 12 else None
    if changed:
        return changed
    password = _PASSWORD.search(words) and not (_FORGOT.search(words) or _LOST.search(words))
    if done & AFTER_PERSONAL_DATA_STEPS and password and count <= 12:
        return "password_too"
    if _address_changed(done, words):
        return "addresses_change"
    if (_steps_in(previous_actions) or done & AFTER_RESET_EMAIL) and _STILL_FAILS.search(words):
        return "phone"
    if done & AFTER_RESET_EMAIL and _ANOTHER_ACCOUNT.search(words):
        return "reset_for_another_account"
    needed = _log_in_needed(done, text, words, count)
    if needed:
        return needed
    # (Not « changer l'adresse mail de son compte pour mettre la mienne »: an address.)
    mine = _MINE.search(words) and not (_A_CHANGE.search(words) or _ADDRESS_OR_MAIL.search(words))
    if done & (AFTER_INVOICE_ANSWERS | AFTER_LOGIN_INVITED) and mine:
        # « bon et les miennes alors ? » after someone else's invoices were refused.
        return "orders_again"
    if done & AFTER_DETAILS_REFUSED and _MINE.search(words):
        # « et les miennes alors, c'est quoi ? », « et le mien c'est lequel ? » after
        # someone else's details were refused: the customer's own.
        return "personal_data_mine"
    return _the_data_again(previous_actions, words, count)


def _log_in_needed(done: Set[str], text: str, words: str, count: int) -> Optional[str]:
    """A number typed after the log-in asked, or asked with a question after the invoices
    ("login_needed"); another account of the customer's after their own data
    ("other_own_account")."""
    identified = find_customer_ids(text) or find_emails(text) or _GAVE_IT.search(words)
    if done & AFTER_LOGIN_INVITED and identified:
        return "login_needed"
    # « mon numéro client c'est C1000001, vous pouvez me les lister ? » after the invoices'
    # answer: asked with a number typed, which is no log-in (a bare number is no request).
    # A number is named as a customer's (« client », a C) or an address typed: an order's
    # reference (« CMD-240392 ») is none.
    named = find_emails(text) or re.search(r"\bclient\b|(?<![\w-])c ?\d{6,8}\b", words)
    if done & AFTER_INVOICE_ANSWERS and identified and named and "?" in text:
        return "login_needed"
    # « et pour mon autre compte, celui de l'atelier ? » after the customer's invoices or
    # addresses: that account's own, shown to whoever logs in with it.
    own_data = AFTER_INVOICE_ANSWERS | AFTER_ORDERS_SHOWN | AFTER_ADDRESSES
    other = done & own_data and _OTHER_OWN_ACCOUNT.search(words) and count <= 14
    return "other_own_account" if other else None


_AN_ACCOUNT = _any([r"comptes?"])


def _address_changed(done: Set[str], words: str) -> bool:
    """« et après je pourrai la changer ? » after the address at checkout, a move, another
    address, several (after the addresses' steps, « comment j'en rajoute une ? » is
    where_exactly). Not a new account named without an address (« je veux juste en créer
    un nouveau pour l'entreprise » after the account's creation)."""
    if _AN_ACCOUNT.search(words) and not _ADDRESS_OR_MAIL.search(words):
        return False
    if done & AFTER_ADDRESS_AT_CHECKOUT and (_MOVING.search(words) or _CHANGE_IT.search(words)):
        return True
    after_addresses = done & (AFTER_ADDRESS_AT_CHECKOUT | AFTER_ADDRESSES)
    if after_addresses and _ANOTHER_ADDRESS.search(words):
        return True
    return bool(done & AFTER_ADDRESS_STEPS and _SEVERAL.search(words))


def _about_the_line(text: str, words: str) -> Optional[str]:
    """A follow-up to an answer that gave the phone line and its hours; not a goodbye that
    says when the customer will call (« je vous téléphone lundi alors. Merci, au revoir »)."""
    if says_goodbye(text) and "?" not in text:
        return None
    if _asks_about_the_weekend(words):
        return "weekend_hours"
    if len(words.split()) <= 9 and _HOURS.search(words):
        return "hours"
    if _PHONE.search(words) and not _OWN_NUMBER.search(words):
        return "phone"
    if _CALL.search(words) and asks_a_question(text):
        return "phone"
    if _REPEAT.search(words):
        # « j'ai pas noté, encore une fois svp »: the number again.
        return "phone"
    return None


# « non c'est pas ça », « vous avez mal compris », « ça répond pas à ma question », and
# nothing else: the answer just given missed.
_NOT_THAT = re.compile(
    r"^(?:(?:non|nan|mais|ah|bah|ben|euh)[ ,!.]+)*"
    r"(?:c est pas ca|ce n est pas ca"
    r"|c est pas (?:du tout )?ce que je (?:demandais|voulais|cherchais)"
    r"|vous (?:m )?avez mal compris\w*|ca (?:ne )?repond pas a ma question|rien a voir)"
    r"(?:[ ,!.?]+(?:du tout|pas du tout|merci|svp|desole))*[ ,!.?]*$"
)
# « et la 2e commande ? », « et celle de mars ? » right after the customer's orders were
# listed: the list again, which says each order's invoice or when it comes.
AFTER_ORDERS_SHOWN = {"utter_invoices_list"}
# « et les miennes ? »: the customer's own orders.
# The answer to a request for someone else's details. (Not a value given for no request,
# « son mail c'est … »: « et les miennes ? » after it is about the turn before's topic.)
AFTER_DETAILS_REFUSED = {"utter_out_of_scope"}
_MINE = _any([r"(?:les|la|le) (?:miennes?|miens?)", r"(?:mes|ma) (?:factures?|commandes?) a moi"])
_AN_ORDER = _any(
    [
        r"(?:la |le |l )?(?:1re|1ere|premiere|2e|2eme|2nde|deuxieme|seconde|3e|3eme|troisieme"
        r"|derniere|autre) (?:commande|facture|cde|cmd)",
        r"(?:celle|la commande|la facture|la cde) (?:de|du|d) (?:janvier|fevrier|mars|avril|mai"
        r"|juin|juillet|aout|septembre|octobre|novembre|decembre|\d{1,2})",
        r"(?:et )?(?:la |celle (?:d )?)?(?:en )?(?:1re|1ere|premiere|2e|2eme|deuxieme|seconde|3e"
        r"|troisieme|derniere)"
        # (Not « une dernière chose », « une 2e adresse de livraison »: no order.)
        r"(?! (?:chose|fois|question|adresse|compte|mail|e mail|email|numero|etape|truc))",
        r"(?:cmd|cde|commande) ?(?:n ?)?-? ?\d+",
        # « c'est bien la seule commande que j'ai sur ce compte ? »
        r"(?:seule|unique) commande",
        r"(?:d )?autres commandes",
        # « et la plus récente ? », « et celle de la commande d'avant ? »
        r"(?:la |celle )?(?:plus (?:recente|ancienne|vieille)|precedente)",
        r"(?:commande|facture|celle) (?:d )?(?:avant|d avant|precedente|d apres|suivante)",
    ]
)
_DOWNLOAD = _any([r"telecharg\w*"])
# « et celle de livraison ? » right after the addresses on file: the addresses again.
_AN_ADDRESS_KIND = _any(
    [
        r"(?:celle|l adresse|adresse|la) (?:de |d )?(?:livraison|facturation)",
        r"livraison",
        r"facturation",
    ]
)
# « et je change celle de livraison comment ? » asks the steps, not the addresses again.
_A_CHANGE = _any(
    [r"chang\w*", r"modifi\w*", r"corrig\w*", r"ajout\w*", r"supprim\w*", r"mettre a jour"]
)
MAX_DATA_AGAIN_WORDS = 14


def _the_data_again(previous_actions: Sequence[str], words: str, count: int) -> Optional[str]:
    """A short question about one of the orders or addresses just listed."""
    done = set(previous_actions)
    if count > MAX_DATA_AGAIN_WORDS:
        return None
    # (« elle est encore téléchargeable ? »: the list again, which links each invoice.)
    # (« Bon, je vais la télécharger chez ma fille alors. Merci beaucoup » is no question.)
    download = _DOWNLOAD.search(words) and not _WHERE.search(words) and "merci" not in words
    dated = _WHEN_DATED.search(words)
    if done & AFTER_ORDERS_SHOWN and (_AN_ORDER.search(words) or download or dated):
        return "orders_again"
    if done & AFTER_ADDRESSES and _AN_ADDRESS_KIND.search(words) and not _A_CHANGE.search(words):
        return "addresses_again"
    return None


class _Unnegated:
    """A pattern that counts only where no negation comes just before it: « et si je l'ai
    oublié ? » forgets, « je l'ai pas oublié, je le connais » does not."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern

    def search(self, words: str) -> bool:
        return _affirmed(self.pattern, words)


class _Unless:
    """A pattern that counts only where another is not found: « ma commande d'hier elle
    arrive quand ? » after the invoices names a recent order, but asks about its parcel."""

    def __init__(self, pattern: Any, unless: re.Pattern[str]) -> None:
        self.pattern, self.unless = pattern, unless

    def search(self, words: str) -> bool:
        return bool(self.pattern.search(words)) and self.unless.search(words) is None


class _Both:
    """Two patterns that must both be found: « toujours rien reçu pour le mail »."""

    def __init__(self, first: Any, second: re.Pattern[str]) -> None:
        self.first, self.second = first, second

    def search(self, words: str) -> bool:
        return bool(self.first.search(words)) and self.second.search(words) is not None


# A reset e-mail sent earlier in the conversation (LAST_RESET_EMAIL remembers it): « ça fait
# 10 min et toujours rien reçu pour le mail de tout à l'heure », two turns later, is still
# about it when it names the e-mail.
EARLIER_RESET_EMAIL = "earlier_reset_email"
_THE_MAIL = _any([r"(?:e ?)?mail", r"courriel", r"lien"])
# Not received, said in so many words (not « je n'arrive pas à me connecter »).
_NOT_RECEIVED_SAID = _any(
    [
        r"(?:rien|pas|jamais) (?:encore )?recu",
        r"(?:recois|recoit|recu) (?:rien|pas|jamais|toujours pas|aucun)",
        r"(?:mail|e mail|lien|courriel) (?:n arrive|n est arrive|n est pas arrive|arrive) "
        r"(?:jamais|pas|toujours pas)",
        r"(?:toujours|tjrs|tjs|tj) rien",
    ]
)
# What a customer did to get the reset e-mail, or the e-mail itself.
_SENT_FOR = _any([r"(?:e ?)?mail", r"courriel", r"lien", r"clique\w*", r"demande\w*"])


def with_memory(
    actions: Sequence[str], last_reset_email: Optional[str], earlier: Sequence[str] = ()
) -> List[str]:
    """The previous turn's actions, and what the conversation remembers of earlier ones:
    the turn before (`earlier`, its names marked EARLIER) and a reset e-mail sent."""
    remembered = [*actions, *(EARLIER + name for name in earlier)]
    return [*remembered, EARLIER_RESET_EMAIL] if last_reset_email else remembered


def remembered_actions(
    latest_first: Iterable[Tuple[str, Optional[str]]], last_reset_email: Optional[str]
) -> List[str]:
    """What the bot did in its two latest turns (recent_turns, from the conversation's
    events as (kind, name) pairs, latest first), with what the conversation remembers
    (with_memory): what the follow-ups read, on the Rasa server and the action server."""
    previous, earlier = recent_turns(latest_first)
    return with_memory(previous, last_reset_email, earlier)


def split_turns(previous_actions: Sequence[str]) -> Tuple[List[str], List[str]]:
    """with_memory's list as the previous turn's names and the turn before's."""
    now = [name for name in previous_actions if not name.startswith(EARLIER)]
    before = [name[len(EARLIER) :] for name in previous_actions if name.startswith(EARLIER)]
    return now, before


# The follow-ups known by their words alone after a given answer, first match wins: the
# lost mailbox before the e-mail not received (« et si j'ai plus accès à cette boîte
# mail ? » names the « boîte » too).
# « je comprends toujours pas où sont mes factures » after the path was given again: the
# written path does not help; an adviser can guide the customer.
_STILL_LOST = _any(
    [
        r"(?:comprends|comprend|trouve|vois|capte|pige|arrive) toujours (?:pas|rien)",
        r"toujours (?:pas|rien) (?:compris|trouve|vu|capte)",
        r"(?:j y arrive|y arrive) (?:toujours )?pas",
    ]
)
_ARRIVES_WHEN = _any(
    [
        r"^(?:(?:ok|merci|d accord|et|mais|bon)\w*[\s,.!]+)*(?:ca|il|le mail|l e ?mail)"
        r" (?:arrive|arrivera|vient) quand"
    ]
)
_AFTER_AN_ANSWER = (
    ("still_lost", {"utter_steps_again"}, _STILL_LOST),
    ("forgot_current_password", AFTER_CHANGE_PASSWORD, _Unnegated(_FORGOT)),
    ("mailbox_lost", AFTER_PASSWORD_HELP, _MAILBOX_LOST),
    ("reset_email_not_received", AFTER_RESET_EMAIL, _NOT_RECEIVED),
    # « et si le courrier électronique n'arrive jamais ? » right after the reset steps.
    ("reset_email_not_received", AFTER_PASSWORD_HELP, _NEVER_ARRIVES),
    ("account_purged", AFTER_PASSWORD_HELP, _YEARS),
    ("recreate_account", AFTER_PASSWORD_HELP, _RECREATE),
    ("reset_email_delay", AFTER_RESET_EMAIL, _DELAY),
    ("reset_email_delay", AFTER_PASSWORD_HELP, _MAIL_DELAY),
    # « merci, ça arrive quand ? » right after the reset's steps (and its offer): the e-mail.
    ("reset_email_delay", AFTER_PASSWORD_HELP, _ARRIVES_WHEN),
    ("reset_steps", AFTER_RESET_EMAIL | AFTER_PASSWORD_HELP, _LINK_CLICKED),
    ("reset_email_not_received", {EARLIER_RESET_EMAIL}, _Both(_NOT_RECEIVED_SAID, _THE_MAIL)),
    ("invoice_timing", AFTER_INVOICES, _Unless(_RECENT_ORDER, _PARCEL_ASKED)),
    ("invoice_timing", AFTER_INVOICES, _WAIT_FOR_SHIPPING),
    ("address_at_checkout", AFTER_ADDRESS_STEPS | AFTER_ADDRESSES, _NEXT_ORDER),
    ("invoices_before_deletion", AFTER_DELETION_WARNING, _KEEP_INVOICES),
    ("deletion_warning", AFTER_DELETION_WARNING, _WHAT_IS_LOST),
    ("deletion_by_form", AFTER_DELETION_WARNING, _BY_MAIL),
    ("login_needed", AFTER_INVOICE_ANSWERS, _NOT_LOGGED_IN),
    ("login_needed", AFTER_INVOICE_ANSWERS, _NOT_SHOWN_HERE),
    ("orders_again", AFTER_INVOICES, _OLDER_ONES),
    ("invoice_timing", AFTER_INVOICE_ANSWERS, _BEFORE_SHIPPING),
)


_DATA_TOPICS = ("update_personal_data", "manage_addresses")


def _topics_of(answer: str) -> Tuple[str, ...]:
    return STEPS_TOPICS.get(answer, (answer.removeprefix("utter_"),))


def _other_topic(topic: Optional[str], given: str) -> bool:
    """Whether `topic` is another topic with a path on the site than the one whose steps
    were `given` (« le numéro de téléphone, même endroit ? » may read as a call for a
    person: no path, so not another topic)."""
    with_steps = {name for answer in STEPS_ANSWERS for name in _topics_of(answer)}
    return topic in with_steps and topic not in _topics_of(given)


def steps_given(
    previous_actions: Sequence[str], text: str = "", ranking: Sequence[Mapping[str, Any]] = ()
) -> Optional[str]:
    """The path on the site the previous turn gave (_steps_in), or else the turn before it
    (with_memory's list), in _turns_to_read's order; of two, one on the topic the NLU is
    sure of (the one follow_up read)."""
    _, turns, _ = _turns_to_read(previous_actions, text)
    found = [given for given in (_steps_in(turn, text, ranking) for turn in turns) if given]
    best = ranking[0] if ranking else {}
    sure = float(best.get("confidence") or 0.0) >= SURE_CONFIDENCE
    topic = best.get("name") if sure else None
    fitting = [given for given in found if not _other_topic(topic, given)]
    return next(iter(fitting or found), None)


def _steps_in(
    previous_actions: Sequence[str], text: str = "", ranking: Sequence[Mapping[str, Any]] = ()
) -> Optional[str]:
    """The latest answer of a turn that gave a path on the site; of two (two
    questions answered), the one whose topic the NLU ranks first in the message (`ranking`:
    « pour le mdp c'est dans quel onglet ? »). After the customer's own orders, addresses or
    details listed (no steps), their topic's path, unless the message names an order
    (« et la CMD-240392 elle est où sa facture ? » asks about that order)."""
    given = [name for name in previous_actions if name in STEPS_ANSWERS]
    if len(given) > 1 and ranking:
        rank = {entry.get("name"): float(entry.get("confidence") or 0.0) for entry in ranking}
        return max(given, key=lambda name: max(rank.get(t, 0.0) for t in _topics_of(name)))
    if given:
        return given[0]
    words = plain(text)
    shown = [name for name in previous_actions if name in _DATA_PATHS]
    if not (shown and text) or _AN_ORDER.search(words) or re.search(r"\d", text):
        return None
    # « et le mot de passe, je peux le changer ? » after the details: another thing.
    named = {word.split()[-1].rstrip("s") for word in _ANOTHER_THING.findall(words)}
    return None if named - _DATA_WORDS[shown[0]] else _DATA_PATHS[shown[0]]


# The path of the customer's own data listed: « je la vois pas, c'est où exactement ? ».
_DATA_PATHS = {
    "utter_invoices_list": "utter_find_invoices",
    "utter_addresses_on_file": "utter_manage_addresses",
    "utter_personal_data_on_file": "utter_update_personal_data",
}
_DATA_WORDS = {
    "utter_invoices_list": {"facture", "commande"},
    "utter_addresses_on_file": set(),
    "utter_personal_data_on_file": set(),
}


# The customer's own data shown for a topic.
_DATA_ANSWERS = {
    "action_answer_invoices": "find_invoices",
    "action_answer_addresses": "manage_addresses",
    "action_answer_personal_data": "update_personal_data",
}
MAX_TOPIC_FOLLOW_UP_WORDS = 14
# The answers about a topic: a follow-up reaches back over none of them to the turn before
# (follow_up), only over an aside (out of scope, a miss, the phone line, a courtesy…).
TOPIC_ANSWERS = frozenset(
    {
        *STEPS_ANSWERS,
        *_DATA_PATHS,
        *_DATA_ANSWERS,
        *AFTER_DATA_SHOWN,
        *AFTER_ADDRESS_AT_CHECKOUT,
        *AFTER_INVOICE_ANSWERS,
        *AFTER_PASSWORD_HELP,
        *AFTER_DELETION_WARNING,
        "utter_identifier",
    }
)


def topic_in_play(
    previous_actions: Sequence[str], options: Sequence[str], text: str
) -> Optional[str]:
    """Of the two topics a short message hesitates between, the one the previous turn
    answered (« et je pourrai la choisir pour ma prochaine commande ? » after the
    addresses' steps): read in the light of that answer. None when neither or both were."""
    if len(plain(text).split()) > MAX_TOPIC_FOLLOW_UP_WORDS:
        return None
    answered = {
        topic
        for action in previous_actions
        for topic in (
            (_DATA_ANSWERS[action],)
            if action in _DATA_ANSWERS
            else _topics_of(action)
            if action in STEPS_ANSWERS
            else ()
        )
    }
    in_play = [option for option in options if option in answered]
    return in_play[0] if len(in_play) == 1 else None


def topic_list(intents: Sequence[str]) -> List[str]:
    """The French names of the topics among the intents, in order, without repeats."""
    names: List[str] = []
    for intent in intents:
        name = TOPIC_NAMES.get(intent)
        if name and name not in names:
            names.append(name)
    return names


_YES = _any(
    [
        r"oui",
        r"ouais",
        r"ouep",
        # « wé », « yep »
        r"we",
        r"wep",
        r"yep",
        r"yup",
        r"wi",
        r"ui",
        r"ouai",
        r"yes",
        r"ok",
        r"okay",
        r"d accord",
        r"dac",
        r"je confirme",
        r"confirme",
        r"vas y",
        r"allez y",
        r"volontiers",
        r"bien sur",
        r"carrement",
        r"exactement",
        r"tout a fait",
        r"avec plaisir",
        r"envoyez? le",
    ]
)
_NO = _any([r"non", r"nan", r"no", r"pas", r"jamais", r"surtout pas", r"nope"])


_INTERROGATIVE = _any(
    [
        r"quand",
        r"comment",
        r"pourquoi",
        r"combien",
        r"quel(?:le)?s?",
        r"ou",
        r"est ce qu",
        r"qu est ce",
    ]
)
# Not « ok » nor « d'accord »: « ok donc je refais un compte, c'est où ? » acknowledges.
_OPENS_WITH_YES_OR_NO = re.compile(r"^(?:oui|ouais|non|nan)\b")
# « non pas de message. vous rouvrez quand ? »: a no, then maybe more.
_OPENS_WITH_NO = re.compile(r"^(?:non|nan|no)\b")


def opens_with_no(text: str) -> bool:
    return _OPENS_WITH_NO.match(plain(text)) is not None


# « non en fait non. et du coup pour l'adresse… », « non pas besoin de message. pour
# revenir à mon nom… »: a first sentence or clause that only says no.
_PLAIN_NO = re.compile(
    r"^(?:(?:bon|ah|euh|alors|en fait|finalement) )*"
    r"(?:non|nan|no|je (?:ne )?(?:prefere|prefererais) (?:pas|ne pas)|sans facon)"
    r"(?: (?:non|merci|en fait|finalement|attendez|attends|pardon|excusez moi"
    r"|pas besoin(?: (?:d|de l|de|du|des) (?:e )?\w+)?"
    r"|pas maintenant|pas de (?:message|mail|e mail|email|lien|demande)"
    r"|ca ira|ca va|c est bon|surtout pas|pas la peine))*$"
)


def opens_with_a_plain_no(text: str) -> bool:
    """Whether the message's first sentence, or its first clause, only says no, and more
    follows (a question, another request)."""
    first = re.split(r"[.,;:!?]", plain(text), maxsplit=1)
    if len(first) < 2 or not first[1].strip() or not _PLAIN_NO.match(first[0].strip()):
        return False
    # « euh non... enfait oui, allez-y »: the no taken back.
    return _YES.search(first[1]) is None


# « send moi le mail de reset », « vous pouvez m'envoyer le lien ? »: the reset e-mail
# asked for in words (not « vous m'avez pas envoyé le mail »: sent, or not, already).
_SEND_IT = _any(
    [
        # « renvoyez le stp »
        r"renvoy(?:ez|er|e) (?:le|la|moi le|le moi)(?= stp| svp| s il|$)",
        r"(?:r?envoy(?:ez|er)|r?envoie|send)(?: moi| me| nous)?(?: quand meme| tout de meme)?"
        r"(?: le| un| ce| votre| the| a)?"
        r"(?: reset| password reset)? (?:mail|e mail|email|courriel|lien|link)",
    ]
)


def asks_for_the_reset_email(text: str) -> bool:
    return _affirmed(_SEND_IT, plain(text))


# « je peux laisser un message du coup ? », « en fait oui je veux bien laisser un message »:
# the message for the advisers asked for in words (not « je veux pas laisser de message »).
_LEAVE_A_MESSAGE = _any(
    [r"(?:laisser|laisse|ecrire|envoyer|deposer) (?:un |le |mon |votre )?(?:message|mot)"]
)


def wants_to_leave_a_message(text: str) -> bool:
    return _affirmed(_LEAVE_A_MESSAGE, plain(text))


# « oui, dites leur que j'ai jamais reçu la facture de mardi », « ok : merci de me
# rappeler lundi », « oui le message c'est … »: a yes to the offer, with the message.
_YES_WITH_THE_MESSAGE = re.compile(
    r"^\s*(?:oui|ouais|ok|d'accord|d’accord|volontiers|bien s[uû]r|yes)\b[\s,.:!-]*"
    r"(?:(?:alors|svp|stp|s'il vous pla[iî]t)\b[\s,.:!-]*)?"
    r"(?:(?:dites|dis|transmettez|expliquez|pr[ée]cisez|signalez)[- ]?(?:leur|lui)?\s+(?:que\s+)?"
    r"|(?:le|mon) message(?: c'est| c’est| est|\s*:)\s*"
    r"|je (?:voudrais|veux|souhaite) (?:leur |vous )?(?:dire|signaler|demander) (?:que\s+)?"
    r"|(?=(?:merci de|pouvez[- ]vous|est[- ]ce qu'ils peuvent|qu'ils|qu’ils)\s))",
    re.IGNORECASE,
)
MIN_MESSAGE_WORDS = 3


def yes_with_the_message(text: str) -> Optional[str]:
    """The message for the advisers a yes to the offer dictates (« oui, dites leur que
    j'ai jamais reçu la facture »), or None."""
    said = _YES_WITH_THE_MESSAGE.match(text)
    message = text[said.end() :].strip() if said else ""
    return message if len(message.split()) >= MIN_MESSAGE_WORDS else None


# « ok. pour revenir au nom, le bouton est à gauche ou à droite ? », « revenons à mes
# factures, … »: an earlier topic taken up again by its name, whatever the question after it
# (the password and the deletion, which the follow-ups and the flows read, are left out).
_BACK_TO = (
    r"^(?:(?:ok|bon|bien|alors|d accord|merci|ah ok)[ ,.!]+)*"
    r"(?:pour (?:en )?revenir|revenons|je reviens|retour|pour en revenir) "
    r"(?:a |au |aux |sur )?(?:la |le |les |l |mon |ma |mes )?"
)
_BACK_TO_TOPICS = (
    (
        "update_personal_data",
        r"(?:nom|prenom|telephone|tel|numero de (?:tel|telephone|portable)|donnees"
        r"|infos?|informations|coordonnees|(?:adresse )?(?:e ?mail|mail))",
    ),
    ("manage_addresses", r"adresses?(?! (?:e ?mail|mail|electronique))"),
    ("find_invoices", r"factures?"),
    ("create_account", r"(?:creation|inscription)"),
    ("log_out", r"deconnexion"),
)
_BACK_TO_TOPIC = [(topic, re.compile(_BACK_TO + words + r"\b")) for topic, words in _BACK_TO_TOPICS]


def back_to_topic(text: str) -> Optional[str]:
    """The earlier topic a message takes up again by its name, or None."""
    words = plain(text)
    return next((topic for topic, pattern in _BACK_TO_TOPIC if pattern.search(words)), None)


# « vous vous trompez elle est partie hier », « c'est faux »: the answer just given
# disputed; the customer's case is for an adviser, who sees the order.
_DISPUTE = _any(
    [
        r"vous vous (?:trompez|gourez)",
        r"tu te (?:trompes|goures)",
        r"c est (?:faux|inexact|pas (?:juste|exact|correct))",
        r"vous avez tort",
        # « mais si j'ai commandé la semaine dernière !!! vous racontez n'importe quoi »
        r"(?:vous racontez|vous dites|tu racontes|tu dis)"
        r" (?:n importe quoi|des betises|des conneries)",
        r"mais si j ai (?:bien |deja )?(?:commande|passe commande|recu|paye)",
        # « ah bon ?? j'ai pourtant commandé la semaine dernière »
        r"j ai pourtant (?:bien |deja )?(?:commande|passe commande|recu|paye)",
        r"pourtant j ai (?:bien |deja )?(?:commande|passe commande|recu|paye)",
        r"j ai (?:bien |deja )?(?:commande|passe commande|recu|paye)\b[^?]{0,30} pourtant",
    ]
)


# « allez svp c urgent elle m'a donné son accord »: insisting after a refusal.
_INSISTS = _any(
    [
        r"allez",
        r"c est urgent",
        r"(?:son|leur|mon) (?:accord|autorisation)",
        r"(?:est|sont|suis) (?:d accord|au courant)",
        r"(?:je suis|je suis bien) (?:autorise|habilite)e?",
        r"s il vous plait|svp|stp",
    ]
)


def insists(text: str) -> bool:
    return _INSISTS.search(plain(text)) is not None


def disputes_the_answer(text: str) -> bool:
    return _DISPUTE.search(plain(text)) is not None


# « mettez mon nouveau numéro 06 71 82 93 04 svp », « pouvez-vous la remplacer par
# contact@… ? », « can you update it : 14 rue Crébillon … »: a change of the customer's data
# asked of the bot, with the new value; the bot changes nothing, the customer does.
_CHANGE_FOR_ME = _any(
    [
        r"(?:mettez|changez|modifiez|remplacez|ajoutez|rajoutez|enregistrez|corrigez)"
        r"(?: moi| le| la| les| l| mon| ma| mes| cette| ce)?",
        r"(?:pouvez|pourriez|peux|pourrais|pouvez vous|pourriez vous) (?:vous |tu )?(?:me )?"
        r"(?:la |le |les |l )?(?:mettre|changer|modifier|remplacer|ajouter|enregistrer|corriger"
        r"|mettre a jour)",
        r"(?:can|could) you (?:update|change|put|add)",
    ]
)
_A_POSTAL_ADDRESS = _any(
    [r"\d{5}", r"\d+ (?:bis |ter )?(?:rue|avenue|av|boulevard|bd|chemin|allee|place|route)"]
)


def change_asked_of_the_bot(text: str, intent: Optional[str]) -> Optional[str]:
    """The data topic of a change asked of the bot with its new value (the NLU's when it
    reads one, else the value's: a postal address, or a detail), or None."""
    words = plain(text)
    if not (_CHANGE_FOR_ME.search(words) and _NEW_VALUE.search(words)):
        return None
    if "@" in words:
        return "update_personal_data"  # an e-mail is a personal detail
    if intent in _DATA_TOPICS:
        return intent
    postal = _A_POSTAL_ADDRESS.search(words)
    return "manage_addresses" if postal else "update_personal_data"


# « attendez avant d'écrire mon message, je change mon numéro où ? »: not the message yet.
_BEFORE_THE_MESSAGE = _any(
    [
        r"avant (?:d |de )(?:ecrire|laisser|envoyer|rediger|taper|faire) (?:mon |le |ce |un )?"
        r"(?:message|mot)",
        r"(?:attendez|attends|attend) avant",
    ]
)


def puts_the_message_off(text: str) -> bool:
    return _BEFORE_THE_MESSAGE.search(plain(text)) is not None


# Answers shaped like questions, a yes left to the bot: « pourquoi pas », « quand vous
# voulez », « si vous voulez ».
_ANSWER_PHRASES = _any(
    [r"pourquoi pas", r"(?:si|comme|quand) (?:vous voulez|tu veux|vous le souhaitez)"]
)


# « non pas le mot de passe, l'identifiant »: not a no, the subject corrected.
# Not « non pas besoin d'e-mail, je vais me débrouiller »: a no.
_SUBJECT_CORRECTED = re.compile(
    # Not a time (« pas maintenant, je verrai plus tard » is a no).
    r"^(?:non,? )?pas (?!besoin\b|maintenant\b|tout de suite\b|aujourd hui\b|pour l instant\b"
    r"|pour le moment\b|encore\b|tout\b|trop\b|vraiment\b|du tout\b)"
    r"(?:le |la |les |l |mon |ma |mes )?[a-z ]{2,30}, *(?:mais )?"
    # (« non pas de message, merci »: thanks after the no, no other subject)
    r"(?!(?:merci|ok|svp|stp|ca ira|c est bon|bonne|au revoir)\b)"
    r"(?:le |la |les |l |mon |ma |mes )?[a-z]+"
)


def corrects_the_subject(text: str) -> bool:
    """« non pas le mot de passe, l'identifiant », « pas la livraison, le mail »."""
    return _SUBJECT_CORRECTED.search(plain(text)) is not None


def asks_a_question(text: str) -> bool:
    """« et ça rouvre quand exactement ? », « sinon je peux pas me refaire un compte ? »,
    « comment je fais pour le lien »: a question asked at a yes/no question, which answers
    neither. Not when it opens with « oui » or « non » (« oui mais c'est où ? ») nor
    « pourquoi pas », « quand vous voulez »; without a question mark, only a message that
    opens with a question word (« par mail ou par courrier » is no question)."""
    words = plain(text)
    if _OPENS_WITH_YES_OR_NO.search(words) or _ANSWER_PHRASES.search(words):
        return False
    if "?" in text:
        return _INTERROGATIVE.search(words) is not None or len(words.split()) >= 4
    if _WHAT_IT_MEANS.search(words):
        # « réinitialiser ça veut dire quoi exactement »: a question without its mark.
        return True
    opening = _INTERROGATIVE.match(words)
    return opening is not None and opening.start() == 0


_WHAT_IT_MEANS = _any(
    [r"(?:ca )?veut dire quoi", r"c est quoi", r"ca signifie quoi", r"que (?:veut dire|signifie)"]
)


# A yes or a no said in full, which a long message keeps: « ah ben non alors je confirme
# pas, je récupère d'abord toutes les factures ».
_EXPLICIT_NO = _any([r"(?:je )?(?:ne )?(?:confirme|valide) (?:pas|plus)"])
_EXPLICIT_YES = _any(
    [
        r"je (?:la |le )?(?:confirme|valide)(?! pas| plus)",
        # « ok envoyez-moi le mail » at the offer of the reset e-mail.
        r"envoye[zr]? (?:moi |le moi |la moi )?(?:le |la |l |un |ce |cet |cette )?"
        r"(?:mail|e ?mail|lien)",
        # « … bon oui je veux bien laisser un message plutôt que de rappeler demain »
        r"(?:je veux bien|je vais|ok pour|oui pour|je prefere) laisser un message",
    ]
)


def explicit_yes_or_no(text: str) -> Optional[bool]:
    """« je confirme » or « je ne confirme pas » in a message of any length; None when it
    says neither (or both)."""
    words = plain(text)
    yes, no = _EXPLICIT_YES.search(words) is not None, _EXPLICIT_NO.search(words) is not None
    if yes != no:
        return yes
    return None


# The last sentence of a message, this short, is its answer when it confirms.
MAX_CLOSING_YES_WORDS = 4


def ends_with_a_confirmation(text: str) -> bool:
    """« non tant pis, je veux vraiment le supprimer. oui je confirme »: whatever came
    before, a short last sentence that confirms is the answer."""
    parts = sentences(text)
    last = plain(parts[-1])
    return (
        len(parts) > 1
        and _word_count(last) <= MAX_CLOSING_YES_WORDS
        and explicit_yes_or_no(last) is True
    )


# The last piece of a message, this short, is its answer when it refuses.
MAX_CLOSING_NO_WORDS = 3
_LAST_PIECE = re.compile(r"[.,;:!?]+")


def ends_with_a_refusal(text: str) -> bool:
    """« euh attendez, si je perds les factures c'est embêtant pour le fisc... non alors »,
    « non en fait attends, je dois encore commander la semaine prochaine, on laisse »:
    whatever came before, a short last piece that refuses is the answer."""
    pieces = [piece for piece in _LAST_PIECE.split(text) if piece.strip()]
    last = plain(pieces[-1]) if pieces else ""
    return (
        len(pieces) > 1
        and _word_count(last) <= MAX_CLOSING_NO_WORDS
        and (yes_or_no(last) is False or wants_to_cancel(last))
        # (« oui je confirme, non mais vraiment » insists.)
        and explicit_yes_or_no(text) is not True
    )


# « pourquoi pas » agrees; « euh je sais pas trop » neither agrees nor refuses, nor does
# « j'ai déjà fait mot de passe oublié, ça marche pas »: what failed, not a no.
_FAILS = _any(
    [
        r"(?:ca|sa|cela|il|elle) (?:ne )?(?:marche|fonctionne) (?:toujours |encore |vraiment )?"
        r"(?:pas|plus)",
        r"(?:ca|sa) bloque",
        r"(?:je n y|j y|jy) arrive (?:toujours |encore )?pas",
    ]
)
# A thumb up or down, a tick or a cross: a yes or a no without words.
_YES_SIGNS = re.compile("[\U0001f44d\U0001f44c\u2705\u2714]")
_NO_SIGNS = re.compile("[\U0001f44e\u274c\u2716]")
_UNSURE = _any(
    [
        r"je (?:ne )?sais (?:pas|plus)",
        r"j sais pas",
        r"jsais pas",
        r"jsp",
        r"j hesite",
        r"aucune idee",
    ]
)


def yes_or_no(text: str) -> Optional[bool]:
    """A yes or a no in words, when the NLU gave another intent (« c'est bon, oui je
    confirme la suppression »); None when the message says both or neither, or that the
    customer does not know yet."""
    signed = _NO_SIGNS.sub(" non ", _YES_SIGNS.sub(" oui ", text))
    words = _ANSWER_PHRASES.sub(" oui ", plain(signed))
    if _UNSURE.search(words) or _FAILS.search(words):
        return None
    yes, no = _YES.search(words) is not None, _NO.search(words) is not None
    if yes != no:
        return yes
    return None


# Where a message may hold a second question: after ? ! . ; or before « et comment … ».
# Not after a list's number: « 1. changer mon mot de passe ».
_SENTENCE_END = re.compile(r"(?:(?<=[?!;])|(?<=\D\.)|(?<=^\.))\s+")


def sentences(text: str) -> List[str]:
    """The message's sentences, cut after « ? », « ! », « ; » and a full stop that ends no
    number; one at least."""
    return _SENTENCE_END.split(text.strip())


# « me déconnecter »: a wish of its own, however short.
_REFLEXIVE_WISH = r"(?:me|m['’])\s*(?:d[ée]connecter|connecter|inscrire|identifier)\b"
_SECOND_QUESTION = re.compile(
    # (« pis »: Québec's « puis ».)
    r"\s+(?:et|puis|pis|aussi|sinon|et aussi|et sinon|et puis|et en plus|en plus|de plus"
    r"|autre question|par contre|et ensuite|ensuite|et apr[eè]s|then|and then)"
    r"(?:[ ,:]+(?:au passage|d'ailleurs|par ailleurs))?[ ,:]+"
    r"(?=(?:comment|cmt|o[uù]|quand|qd|pourquoi|est[ -]ce|quel|quelle|quels|quelles|combien"
    r"|je|j'|j’|jai|jveux|jvoudrais|jaimerais|il|faut|puis[ -]je|pouvez|peut|vous|mes|mon|ma"
    r"|c'est|c’est|c|quoi|on)\b)"
    # « je voudrais la facture, et savoir quelle adresse vous avez »: a second wish, in
    # the infinitive after a comma or « puis » (« ajouter et modifier une adresse » is one).
    # (« et » alone, after a noun: « voir mes factures et ajouter une adresse »; never after
    # an infinitive, « ajouter et modifier une adresse » is one wish.)
    r"|(?:\s*,\s*(?:et|puis)|\s+puis|(?<!er)(?<!ir)(?<!re)\s+et)\s+"
    r"(?=(?:savoir|conna[iî]tre|changer|modifier|supprimer"
    r"|cr[ée]er|r[ée]cup[ée]rer|t[ée]l[ée]charger|ajouter|mettre [àa] jour|parler)\b"
    # « changer mon mot de passe puis me déconnecter »
    r"|" + _REFLEXIVE_WISH + ")"
    r"|\s+(?:et aussi|et [ée]galement|ainsi que)[ ,:]+(?=\w)"
    # « la modification de mon adresse ainsi qu'à l'ajout de mon numéro »
    r"|\s+ainsi qu['’](?=\w)"
    # « retourner un roulement et ensuite supprimer mon compte »: a second wish in order.
    r"|\s*,?\s+(?:et|puis)\s+(?:ensuite|apr[eè]s|aussi)\s+(?=(?:savoir|conna[iî]tre|changer"
    r"|modifier|supprimer|cr[ée]er|r[ée]cup[ée]rer|t[ée]l[ée]charger|ajouter|parler)\b)"
    # « 3 choses : 1) changer mon mot de passe 2) modifier mon numéro »: a list, its items
    # numbered « 1) », « 2. » or in words (« premièrement …, deuxièmement … »).
    r"|\s+(?=\(?\d{1,2}\)\s)|\s+(?=\d{1,2}\.\s+\D)|\s*\n\s*(?=(?:[-•*]|\(?\d{1,2}[).-])\s)"
    r"|\s*,?\s+(?=(?:deuxi[eè]mement|troisi[eè]mement|secundo|tertio)\b)",
    re.IGNORECASE,
)
# « merci beaucoup pour votre aide tout à l'heure, je voudrais maintenant supprimer mon
# compte »: thanks, then a request of their own after a comma.
_THANKS_THEN = re.compile(
    r"^((?:(?:ok|super|parfait|top|g[ée]nial|bon)[ ,!]+)?(?:merci|je vous remercie)\b[^,.!?]*)"
    r"\s*,\s*(?=(?:(?:maintenant|par contre|sinon) )?(?:je voudrais|je veux|je souhaite"
    r"|j'aimerais|j’aimerais|jveux|jvoudrais|jaimerais|pouvez|pourriez|comment|cmt|o[uù]"
    r"|est[ -]ce|puis[ -]je)\b)",
    re.IGNORECASE,
)
# « … I need to update my billing address and my phone number »: English « and ».
_ENGLISH_AND = re.compile(
    r"\s+and\s+(?:also\s+)?(?=(?:my|i|how|where|what|when|can|could|the|to|is|are)\b)",
    re.IGNORECASE,
)
# The mark of a list item: « 2) », « (2) », « - », « • ».
_LIST_MARK = re.compile(r"^(?:\(?\d{1,2}[).-]|[-•*])\s+")
MIN_CLAUSE_WORDS = 3
_A_SHORT_WISH = re.compile(_REFLEXIVE_WISH, re.IGNORECASE)
# « mdp oublié sinon vous ouvrez à quelle heure ? »: two words naming an account topic are
# a question of their own before another one.
_A_SHORT_TOPIC = re.compile(
    r"\b(?:mdp|mot de passe|factures?|comptes?|adresses?|login|password|mail|e-?mail"
    r"|identifiants?)\b",
    re.IGNORECASE,
)


# « la CMD-240392 j'en ai besoin pour lundi matin, je peux appeler qqn ? »: a short last
# clause asking for a person is a question of its own.
MAX_PERSON_CLAUSE_WORDS = 8


def _thoughts(sentence: str) -> List[str]:
    """The sentence cut after the thanks it opens with, at English « and », and before a
    short last clause that asks for a person."""
    thanks = _THANKS_THEN.match(sentence)
    rest = sentence[thanks.end() :] if thanks else sentence
    thoughts = ([thanks.group(1)] if thanks else []) + _ENGLISH_AND.split(rest)
    head, comma, last = thoughts[-1].rpartition(",")
    if comma and len(last.split()) <= MAX_PERSON_CLAUSE_WORDS and asks_for_someone(last):
        thoughts[-1:] = [head, last]
    return thoughts


def clauses(text: str) -> List[str]:
    """The parts of a message that may each be a question of their own, in order; a part
    too short to judge alone (« Bonjour. ») goes with the next one."""
    pieces = [
        _LIST_MARK.sub("", piece.strip(" ,;"))
        for sentence in sentences(text)
        for thought in _thoughts(sentence)
        for piece in _SECOND_QUESTION.split(thought)
    ]
    pieces = [piece for piece in pieces if piece]
    parts: List[str] = []
    carried = ""
    for number, piece in enumerate(pieces):
        piece = f"{carried} {piece}".strip()
        short = len(piece.split()) < MIN_CLAUSE_WORDS and not _A_SHORT_WISH.match(piece)
        if short and not (
            len(piece.split()) == 2 and number + 1 < len(pieces) and _A_SHORT_TOPIC.search(piece)
        ):
            carried = piece
        else:
            parts.append(piece)
            carried = ""
    if carried and parts:
        parts[-1] = f"{parts[-1]} {carried}"
    return parts if len(parts) > 1 else [text]


# « je voudrais vous retourner un roulement », « pouvez-vous me dire … »: a request.
_REQUEST = re.compile(
    r"^(?:(?:bonjour|bonsoir|salut|hello|alors|et|aussi|sinon|par contre|en revanche)[ ,!.]+)*"
    r"(?:je voudrais|je veux|j aimerais|je souhaite|je souhaiterais|pourriez vous|pouvez vous"
    r"|vous pouvez|est ce que vous|est ce qu on"
    # « avez-vous des SKF 6305-2Z en stock », « vendez-vous … »: a question by inversion.
    r"|avez vous|vendez vous|faites vous|livrez vous|acceptez vous|proposez vous)\b"
)
# « vous pouvez m'aider ? », « je fais comment ? »: a call for help about the rest.
_CALL_FOR_HELP = _any(
    [
        r"(?:vous pouvez|pouvez vous|pourriez vous|tu peux|tu pourrais) m aider",
        r"aidez moi",
        r"(?:je fais|on fait|je dois faire) comment",
        r"comment (?:faire|je fais|on fait)",
        r"que (?:dois je|faire)",
        r"qu est ce que je (?:fais|dois faire)",
    ]
)


def asks_for_something(text: str) -> bool:
    return _REQUEST.search(plain(text)) is not None


def calls_for_help(text: str) -> bool:
    """A part that only asks for help with the rest of the message."""
    words = plain(text)
    return _CALL_FOR_HELP.search(words) is not None and len(words.split()) <= 8


# « est-ce que je dois créer un deuxième compte ou je peux avoir deux adresses ? »: one
# question offering two ways, each said with its own verb.
_OR_ELSE = re.compile(
    r"\s*,?\s+ou\s+(?:bien\s+|alors\s+|plut[oô]t\s+)?"
    r"(?=(?:je|j'|j’|est[ -]ce|il|on|c'est|c’est|faut|dois[ -]je|puis[ -]je)\b)",
    re.IGNORECASE,
)


def alternatives(text: str) -> List[str]:
    """The ways a question offers (« je dois créer un compte ou je peux changer
    l'adresse ? »), or the text alone when it offers none."""
    ways = [way.strip(" ,?") for way in _OR_ELSE.split(text)]
    ways = [way for way in ways if len(way.split()) >= MIN_CLAUSE_WORDS]
    return ways if len(ways) > 1 else [text]


_FRAGMENT_BREAK = re.compile(r"[.,;:!?\n]+|\b(?:mais|donc|du coup|alors que|parce que)\b", re.I)


def fragments(text: str) -> List[str]:
    """The pieces of a long message between punctuation and connectives (« mais »,
    « du coup »…), each long enough to carry a question of its own: where the customer's
    actual question hides behind the story around it."""
    pieces = (piece.strip() for piece in _FRAGMENT_BREAK.split(text))
    return [piece for piece in pieces if len(piece.split()) >= MIN_CLAUSE_WORDS]


# A message that only names the account (« mon compte », « j'ai un souci avec mon espace
# client ») says nothing of what the customer wants: the NLU still picks a topic (often
# delete_account), and starting a flow on that guess is the worst answer.
_ACCOUNT_WORDS = {"compte", "comptes", "espace", "client", "cliente", "profil"}
_FILLER_WORDS = frozenset(
    [
        "mon",
        "ma",
        "mes",
        "le",
        "la",
        "les",
        "un",
        "une",
        "du",
        "de",
        "d",
        "l",
        "j",
        "ai",
        "a",
        "au",
        "aux",
        "avec",
        "sur",
        "pour",
        "et",
        "c",
        "est",
        "s",
        "il",
        "vous",
        "votre",
        "plait",
        "svp",
        "stp",
        "merci",
        "bonjour",
        "bonsoir",
        "salut",
        "allo",
        "hello",
        "site",
        "chez",
        "probleme",
        "problemes",
        "pb",
        "pbs",
        "pbm",
        "souci",
        "soucis",
        "g",
        "jai",
        "question",
        "questions",
        "aide",
        "help",
        "concernant",
        "sujet",
        "personnel",
        "perso",
    ]
)


# « aide », « j'ai un problème svp »: help asked, and nothing said of what about.
_HELP_WORDS = {"aide", "help", "probleme", "problemes", "pb", "souci", "soucis", "besoin", "aidez"}
_HELP_FILLER = {"moi", "urgent", "assistance", "m", "me", "pouvez", "pourriez", "vous", "un"}


# Every word a message naming nothing it is about may hold.
_VAGUE_WORDS = _ACCOUNT_WORDS | _FILLER_WORDS | _HELP_WORDS | _HELP_FILLER


# « alors voilà je voudrais changer » (dictated, the object still to come): a change of
# nothing named.
_CHANGE_WORDS = {"changer", "modifier", "change", "modifie", "mettre", "jour"}
_WISH_WORDS = {"je", "voudrais", "veux", "souhaite", "souhaiterais", "aimerais", "alors", "voila"}


def names_only_the_account(text: str) -> bool:
    """« mon compte », « problème compte client svp », « aide »: the account, or a call
    for help, or a change, and nothing it is about."""
    words = re.findall(r"[a-z0-9]+", plain(text))
    account = any(word in _ACCOUNT_WORDS for word in words)
    # « merci pour votre aide » thanks for the help given.
    helped = any(word in _HELP_WORDS for word in words) and not {"merci", "votre"} & set(words)
    # (« je veux changer mon compte » hesitates between two topics: `ambiguity`.)
    change = any(word in _CHANGE_WORDS for word in words) and not account
    vague = _VAGUE_WORDS | (_CHANGE_WORDS | _WISH_WORDS if change else set())
    return (account or helped or change) and all(word in vague for word in words)


# « ça marche pas votre truc », « jkdf le truc il veut po »: something does not work, and
# nothing says what. The site itself is something (« votre site marche pas »).
_VAGUE_THINGS = {"truc", "trucs", "machin", "machins", "bidule", "bidules", "chose", "choses"}
_NOT_WORKING = {
    "marche",
    "marchent",
    "marcher",
    "fonctionne",
    "fonctionnent",
    "fonctionner",
    "veut",
    "veulent",
    "bug",
    "bugue",
    "beug",
    "beugue",
    "plante",
}
_SMALL_WORDS = {
    *("ca", "cela", "ce", "ci", "la", "ici", "y", "en", "tout", "rien", "toujours", "encore"),
    *("je", "tu", "on", "elle", "ils", "me", "m", "te", "t", "ne", "n", "pas", "po", "plus"),
    *("jamais", "mais", "bah", "ben", "bon", "alors", "hein", "quoi", "dis", "dit", "sa", "va"),
    *("vos", "ton", "ta", "cet", "cette", "ces", "des", "vraiment", "du"),
}
_COMPLAINT = _NOT_WORKING | _VAGUE_THINGS
_SOME_THING = (_VAGUE_WORDS - {"site"}) | _COMPLAINT | _SMALL_WORDS
_NO_VOWEL = re.compile(r"^[^aeiouy\d]{3,}$")


def names_nothing(text: str) -> bool:
    """A complaint that something does not work, or a vague thing, that says nothing of
    what it is about: every word vague, small, or typed at random (« jkdf »)."""
    words = re.findall(r"[a-z0-9]+", plain(text))
    if not words:
        return True  # « ? », « ... »
    complains = any(word in _COMPLAINT for word in words)
    return complains and all(word in _SOME_THING or _NO_VOWEL.match(word) for word in words)


_GOODBYE = _any(
    [
        r"bye",
        r"au revoir",
        # Not « il y a plus de trois ans ».
        r"(?<!y )a (?:plus|\+|bientot|la prochaine|demain|tout a l heure)(?! de\b| d\b| que\b)",
        r"a (?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)",
        # Belgian « à tantôt », « à la revoyure »
        r"a (?:tantot|la revoyure)",
        r"bonne (?:journee|soiree|fin de journee|semaine|apres midi|continuation)",
        r"ciao",
        r"salut",
    ]
)


_PLAIN_YES = _any(
    [r"oui", r"ouais", r"volontiers", r"je veux bien", r"avec plaisir", r"allez y", r"yes"]
)


# « oui mais il arrive au bout de combien de temps le mail ? »: a yes, and a question.
_OPENS_WITH_YES = re.compile(r"^(?:oui|ouais|ouai|volontiers|yes)\b")
# « oui mais non », « oui enfin pas maintenant »: the yes taken back (a « pas » inside the
# question, « et si je le reçois pas ? », takes nothing back).
_TAKEN_BACK_YES = _any([r"non", r"nan", r"pas maintenant", r"plus tard"])


def yes_with_a_question(text: str) -> bool:
    """A message that opens with a yes and goes on with a question, saying no no after it:
    at an offer, the question is answered and the offer taken."""
    words = plain(text)
    opening = _OPENS_WITH_YES.match(words)
    if not opening or "?" not in text:
        return False
    rest = words[opening.end() :]
    return _TAKEN_BACK_YES.search(rest) is None and not wants_to_cancel(rest)


# « euh non... enfin si, envoyez-le moi oui », « oui… ah non attendez »: the answer changed
# in the same message; the last one stands.
_MIND_CHANGED = re.compile(
    r"\b(?P<yes>(?:enfin|ah|oh|finalement|en fait|non|si) (?:si|oui))\b"
    r"|\b(?P<no>(?:enfin|ah|oh|finalement|en fait) non|non attendez?|non non)\b"
)


def changed_mind(text: str) -> Optional[bool]:
    """The answer a message settles on after changing it (True, False); None when it
    says one answer only (a marker that opens the message changes nothing)."""
    words = plain(text)
    found = [match for match in _MIND_CHANGED.finditer(words) if match.start() > 0]
    if not found:
        return None
    return found[-1].group("yes") is not None


def says_yes_plainly(text: str) -> bool:
    """« oui », « volontiers »: a yes that « ok » or « d'accord » before a goodbye is not."""
    return _PLAIN_YES.search(plain(text)) is not None


# « ok top », « parfait », « super merci » after an answer: satisfied, no new question.
_SATISFIED = _any(
    [
        r"parfait",
        r"top",
        r"super",
        r"nickel",
        r"genial",
        r"impec\w*",
        r"excellent",
        r"cool",
        r"tres bien",
        r"(?:c est|c|cest|ce) (?:bon|clair|note|compris)",
        r"compris",
        r"note",
        r"ca marche",
    ]
)
_ACKNOWLEDGING = {"ok", "okay", "d", "accord", "dac", "bon", "ah", "ben", "bah", "alors", "merci"}
# « ok », « d'accord »: the answer taken in, where « oui » says there is more to ask.
_TAKEN_IN = {"ok", "okay", "accord", "dac"}


_NOTHING_MORE = _any(
    [
        r"(?:c est|c|cest|ce sera|ca sera) tout",
        r"rien d autre",
        r"je (?:verrai|vais voir)",
        r"on verra",
    ]
)


def wants_nothing_more(text: str) -> bool:
    """« ok c'est tout », « bon ok je verrai »: the customer has nothing more to ask."""
    return _NOTHING_MORE.search(plain(text)) is not None


def is_satisfied(text: str) -> bool:
    """« ok top », « ah parfait », « ok d'accord » : satisfaction or acknowledgement and
    nothing else, no plain « oui »."""
    words = _bare_words(text)
    rest = _NOTHING_MORE.sub(" ", _SATISFIED.sub(" ", words)).split()
    said = _SATISFIED.search(words) or _NOTHING_MORE.search(words)
    acknowledges = said is not None or bool(_TAKEN_IN & set(rest))
    return acknowledges and all(w in _ACKNOWLEDGING for w in rest)


_THANKS_FIRST = re.compile(
    r"^\W*(?:(?:ok|okay|d'accord|d’accord|super|parfait|top|ah|bon)\W+)*"
    r"(?:merci|mrc|thanks|thx)(?:\s+(?:beaucoup|bcp|bien))?[\s,.!]*",
    re.IGNORECASE,
)


# « pfff. bon merci », « bon ben merci quand même »: thanks, with a sigh around them.
_SIGHS_AND_THANKS = {
    "merci", "mrc", "thanks", "thx", "beaucoup", "bcp", "quand", "meme", "bon", "ben", "bah",
    "ok", "ah", "oh", "eh", "bof", "alors", "d", "accord", "tant", "pis", "bien", "euh",
}  # fmt: skip


def only_thanks(text: str) -> bool:
    """Thanks and nothing else but sighs and acknowledgements (« pfff. bon merci »)."""
    words = [w for w in _bare_words(text).split() if not re.fullmatch(r"pf+|pff+t?|mouais", w)]
    thanked = any(w in ("merci", "mrc", "thanks", "thx") for w in words)
    return thanked and all(w in _SIGHS_AND_THANKS for w in words)


def after_the_thanks(text: str) -> str:
    """What a message says after the thanks that open it (« merci, ça arrive quand ? »:
    « ça arrive quand ? »); the whole message when it opens otherwise."""
    opening = _THANKS_FIRST.match(text)
    return text[opening.end() :] if opening else text


def says_goodbye(text: str) -> bool:
    """« bye », « au revoir », « bonne journée » anywhere in the message."""
    return _GOODBYE.search(plain(text)) is not None


# « ok. et mes commandes ? », « où je vois mes commandes passées ? »: the list of one's
# orders, which « Mes achats » shows with their invoices (not a parcel, a return or an order
# to cancel: out of scope).
_OWN_ORDERS = re.compile(
    r"^(?:(?:ok|d accord|et|alors|bon|ah|sinon|merci|super|parfait)\s+)*"
    r"(?:(?:ou|comment) (?:est ce que )?(?:je |on )?(?:peux |peut )?"
    r"(?:vois|voir|trouve|trouver|retrouve|retrouver|consulte|consulter) )?"
    r"(?:mes|l historique de mes|la liste de mes) commandes"
    r"(?: (?:passees|precedentes|anciennes|en cours))?$"
)


# « celle de ma dernière commande »: an order of the list, by its place (not « la commande
# d'hier », which may not be in it yet).
_LAST_ORDER = _any([r"(?:ma|la|notre) derniere commande", r"(?:ma|la) derniere"])


def names_the_last_order(text: str) -> bool:
    return _LAST_ORDER.search(plain(text)) is not None


def names_own_orders(text: str) -> bool:
    """The message asks for the list of the customer's orders, and nothing else."""
    return _OWN_ORDERS.search(_bare_words(text)) is not None


# « D'accord, je me connecte alors. Merci, au revoir »: what the customer will do now, said
# while leaving; no request (« je vais pas y arriver » and « je vais faire comment ? » are).
_PLAN = _any(
    [
        r"(?:je|j) (?:me |m )?(?:re)?(?:connecte|inscris|identifie)"
        r" (?:alors|du coup|maintenant|tout de suite|de suite)",
        r"(?:je|j) vais (?:me |m )?(?:(?:re)?connecter|inscrire|essayer|regarder|voir|tester"
        r"|verifier|faire ca|le faire|en occuper|appeler|les appeler|vous appeler)",
        r"(?:je|j) (?:essaie|essaye|regarde|teste|verifie|m en occupe)"
        r" (?:ca|cela|alors|du coup|maintenant|tout de suite|de suite)",
    ]
)
_NOT_A_PLAN = _any([r"pas", r"plus", r"jamais", r"n arrive", r"impossible", r"comment"])


def leaves_with_a_plan(text: str) -> bool:
    """A goodbye after what the customer will do now, and no question."""
    words = plain(text)
    return (
        says_goodbye(text)
        and "?" not in text
        and _PLAN.search(words) is not None
        and _NOT_A_PLAN.search(words) is None
    )


# Words that name one topic for sure: with them, a message is not ambiguous.
_ADDRESS = _any([r"adresses?"])
_ADDRESS_KIND = _any(
    [
        r"mail",
        r"e ?mail",
        r"courriel",
        r"livraison",
        r"livrer",
        r"facturation",
        r"postale",
        r"domicile",
        r"expedition",
        r"electronique",
        r"@",
        # Plural: a customer's addresses are postal ones (an e-mail address is one).
        r"adresses",
    ]
)
_ACCESS = _any([r"codes? (?:d )?acces", r"code secret", r"identifiants?", r"login"])
_ACCESS_KIND = _any(
    [
        r"oubli\w*",
        r"perdu",
        r"changer",
        r"modifier",
        r"nouveau",
        r"renouveler",
        r"sais plus",
        r"souviens",
        r"connais",
        r"bloque\w*",
        r"connect\w*",
        r"marche",
        r"fonctionne",
        # « et mon identifiant c'est quoi déjà ? »: what it is (the e-mail), which the
        # answer to a forgotten password tells; a code asked about stays ambiguous.
        r"(?:identifiant|login) (?:c est|c etait|c) (?:quoi|lequel)",
        r"(?:c est|c etait|c) quoi (?:mon |l )?(?:identifiant|login)",
        r"quel (?:est|etait) (?:mon |l )?(?:identifiant|login)",
    ]
)
_ACCOUNT_CHANGE = _any([r"(?:changer|modifier|mettre a jour) (?:mon|de) compte"])
_ACCOUNT_KIND = _any(
    [
        r"supprim\w*",
        r"adresse",
        r"mot de passe",
        r"mdp",
        r"mail",
        r"nom",
        r"tel\w*",
        r"factur\w*",
        r"deux",
        r"2",
    ]
)
MAX_AMBIGUOUS_WORDS = 10
_TROUBLE = _any([r"probleme", r"souci", r"bug\w*", r"marche pas", r"fonctionne pas", r"erreur"])


def _address_of_no_kind(words: str) -> bool:
    """« mon adresse » without a word saying which (postal, e-mail, delivery…)."""
    return bool(_ADDRESS.search(words)) and not _ADDRESS_KIND.search(words)


def ambiguity(text: str) -> Optional[Tuple[str, str]]:
    """The two topics a short, vague message may mean (« c koi mon code d'accès »: lost or
    to be changed?); None when a word settles it."""
    words = plain(text)
    if len(words.split()) > MAX_AMBIGUOUS_WORDS:
        return None
    if _address_of_no_kind(words) and _TROUBLE.search(words):
        return ("manage_addresses", "update_personal_data")
    # (« c koi mon identifiant » asks what it is: the reset's answer says, no question.)
    if _ACCESS.search(words) and not _ACCESS_KIND.search(words) and not asks_the_identifier(text):
        return ("forgot_password", "change_password")
    if _ACCOUNT_CHANGE.search(words) and not _ACCOUNT_KIND.search(words.split("compte", 1)[1]):
        return ("update_personal_data", "manage_addresses")
    return None


def postal_meant(text: str) -> bool:
    """« comment je modifie mon adresse ? », « et mon adresse ? »: an address no word says
    the kind of is answered as the postal one, the likelier (three blind conversation
    sets written by different people expected it, two a « Voulez-vous dire… »): the
    addresses' answer points to the e-mail's place in one line, and the next message may
    still pick the e-mail (actions/repair.py). A trouble with it (« problème adresse »)
    stays a question: a delivery gone wrong or an e-mail that does not work?"""
    words = plain(text)
    if len(words.split()) > MAX_AMBIGUOUS_WORDS or _TROUBLE.search(words):
        return False
    return _address_of_no_kind(words)


# « Y a-t-il un humain qui peut me répondre ? »: not whether the bot is one, but someone
# for a purpose (the NLU reads the question about people as « êtes-vous un robot ? »).
_PERSON_FOR_SOMETHING = _any(
    [
        r"qui (?:peut|pourrait|puisse|pourra) (?:me |m |nous )?"
        r"(?:repondre|aider|rappeler|renseigner|prendre|regarder|traiter|expliquer|gerer)",
        r"pour (?:me |m |nous )?(?:repondre|aider|rappeler|renseigner|regarder|traiter)",
        r"avec qui (?:je |on )?(?:peux |peut |puisse |pourrais )?"
        r"(?:parler|echanger|discuter|voir)",
        r"a qui (?:je |on )?(?:peux |peut |pourrais )?(?:parler|ecrire|expliquer|m adresser)",
        r"dispo\w*",
        r"joignable",
    ]
)


# « je croyais que les comptes de plus de 3 ans étaient supprimés ? »: a question about the
# deletion of inactive accounts (the FAQ's three years), not a deletion asked.
_DELETED = re.compile(
    r"\b(?:est|sont|a ete|ont ete|etaient|etait|serait|seraient|sera|seront)"
    r" (?:\w+ )?(?:supprimes?|effaces?|fermes?|desactives?|clotures?)\b"
)
# « pourquoi mon compte serait supprimé ?? », « on m'a écrit qu'il a été supprimé, comment
# ça se fait ? »: surprised that it was.
_WHY = _any([r"pourquoi", r"comment (?:ca|c|cela) se fait", r"c est normal", r"pour quelle raison"])
# « je veux que mon compte soit supprimé, je ne m'en sers plus depuis 5 ans »: a deletion.
_WISH = _any([r"je (?:veux|voudrais|souhaite|souhaiterais|aimerais|demande)", r"merci de"])


# « à l'inscription ça me dit que l'adresse mail est déjà utilisée »: an account exists
# with it, whose password the customer has not.
_ALREADY_USED = _any(
    [
        r"(?:adresse|mail|e mail|email|courriel)(?: \w+){0,3} deja (?:utilise|pris|enregistre"
        r"|associe|existant)\w*",
        r"(?:adresse|mail|e mail|email|compte) (?:\w+ )?existe deja",
    ]
)


# « j'ai reçu un mail qui parle de supprimer mon compte alors que j'ai rien demandé »: a
# deletion reported, not asked for.
_NOT_ASKED = _any(
    [r"(?:j ai |j avais )?(?:rien|pas|jamais) demande", r"sans (?:l avoir |avoir |rien )?demande"]
)


def reports_an_unasked_deletion(text: str) -> bool:
    return _NOT_ASKED.search(plain(text)) is not None


# « on vient de déménager à Villeurbanne… », « tu peux me mettre l'adresse 4 rue … en
# livraison ? »: a postal address to change, whatever the story around it.
_ADDRESS_TO_SET = _any(
    [
        # (Not _MOVING: its « changer d'adresse » would take « changer d'adresse mail ».)
        r"demenag\w*",
        r"(?:mettre|changer|modifier|remplacer|ajouter)(?: \w+){0,2} (?:l |mon |une |la )?adresse"
        r"(?! (?:e ?mail|mail|electronique))",
    ]
)


def asks_to_set_an_address(text: str) -> bool:
    return _ADDRESS_TO_SET.search(plain(text)) is not None


# « mon code marche plus »: the code that opens the account, its password (not a promo code,
# a postcode, a tracking code…).
_BARE_CODE = _any(
    [
        r"(?:mon|le|ce|mes|les) codes?"
        r"(?! (?:promo\w*|postal|de suivi|suivi|article|reduction|tva|d acces))"
    ]
)


# « … et jvois pas la facture pk ?? », « je cherche une vieille facture … pour la garantie »:
# an invoice sought (not one with a wrong price, nor one to pay by another means).
_SOUGHT = (
    r"(?:(?:vois|voit|jvois|trouve|jtrouve|retrouve) (?:pas|plus|nulle part)|cherche\w*"
    r"|telecharg\w*|recuper\w*|obtenir|apparai\w* pas|toujours pas|pas (?:encore )?(?:recu|eu))"
)
_AN_INVOICE = _any([rf"{_SOUGHT}(?: \S+){{0,6}} factures?", rf"factures?(?: \S+){{0,6}} {_SOUGHT}"])


def names_an_invoice(text: str) -> bool:
    return _AN_INVOICE.search(plain(text)) is not None


def names_a_bare_code(text: str) -> bool:
    return _BARE_CODE.search(plain(text)) is not None


def says_the_email_is_taken(text: str) -> bool:
    return _ALREADY_USED.search(plain(text)) is not None


# « vous gardez un compte combien de temps sans connexion ? »: the purge's 3 years.
_KEPT_HOW_LONG = _any(
    [
        # « mon ancien compte il est récupérable ou pas ? »
        r"(?:ancien|vieux|premier) compte(?: \w+){0,3} (?:recuperable|existe (?:encore|toujours))",
        r"(?:gardez|garde|gardes|conservez|conserve) (?:\w+ ){0,2}comptes? combien de temps",
        r"combien de temps (?:\w+ ){0,5}(?:sans (?:connexion|(?:me |se |s )?connecter|"
        r"utilisation|l utiliser)|inacti\w*)",
    ]
)


_OLD_ACCOUNT_GONE = _any(
    [
        r"(?:ancien|vieux|premier) compte (?:\w+ ){0,2}(?:ne |n )?(?:marche|fonctionne|existe"
        r"|passe|est reconnu) (?:plus|pas)",
    ]
)


def asks_about_the_purge(text: str) -> bool:
    """An account said deleted (passive) after years of inactivity, or how long an unused
    account is kept: the purge's answer."""
    words = plain(text)
    if _KEPT_HOW_LONG.search(words):
        return True
    if _WISH.search(words):
        return False
    years_or_why = _YEARS.search(words) or _WHY.search(words)
    # (« au moins 4 ans …, et mon ancien compte ne marche plus du tout »: the years, and an
    # old account that no longer works.)
    gone = _DELETED.search(words) or _OLD_ACCOUNT_GONE.search(words)
    return gone is not None and years_or_why is not None


# The intent of a request for a person, which a person asked for in words confirms.
PERSON = "request_human"
# The intent of a question about the line's hours.
HOURS = "opening_hours"


def asks_for_someone(text: str) -> bool:
    """« je veux parler à quelqu'un », « un conseiller svp »: a person asked for in words."""
    return _SOMEONE.search(plain(text)) is not None


def wants_a_person(intent: Optional[str], text: str) -> bool:
    """« Y a-t-il un humain qui peut me répondre ? », « un humain avec qui je peux
    échanger ? »: read as a bot challenge, a question about people that asks for one, to
    be handed over; or a person asked for in words that the NLU could not read."""
    if intent == "nlu_fallback":
        # « jpeu parlé a qqn ? »: the NLU cannot choose, the words ask for someone.
        return asks_for_someone(text)
    return intent == "bot_challenge" and _PERSON_FOR_SOMETHING.search(plain(text)) is not None


# Words that pick one of the two topics a clarification offered.
_CHOICE_WORDS = {
    "update_personal_data": _any(
        [
            r"mail",
            r"e ?mail",
            r"courriel",
            r"electronique",
            r"nom",
            r"tel\w*",
            r"infos?",
            r"informations?",
            r"perso\w*",
        ]
    ),
    "manage_addresses": _any(
        [r"livraison", r"livrer", r"facturation", r"postale", r"domicile", r"rue", r"adresse de"]
    ),
    "forgot_password": _any([r"oubli\w*", r"perdu", r"sais plus", r"souviens", r"rappelle"]),
    "change_password": _any([r"changer", r"modifier", r"nouveau", r"connais"]),
}


_NEGATION = re.compile(r"\b(?:pas|ni|sans|plutot que)\b")
# How far before a word a negation still bears on it: « non pas l'adresse de livraison ».
NEGATION_REACH = 4


def _affirmed(pattern: re.Pattern[str], words: str) -> bool:
    """Whether the words name `pattern` at least once without a negation just before."""
    for match in pattern.finditer(words):
        before = words[: match.start()].split()[-NEGATION_REACH:]
        if not _NEGATION.search(" ".join(before)):
            return True
    return False


def choice(text: str, options: Sequence[str]) -> Optional[str]:
    """The option a reply to « Voulez-vous dire A ou B ? » names by its words, if only one
    (« non pas l'adresse de livraison, mon adresse mail »: the one not negated)."""
    words = plain(text)
    named = [
        option
        for option in options
        if option in _CHOICE_WORDS and _affirmed(_CHOICE_WORDS[option], words)
    ]
    if len(named) == 1:
        return named[0]
    return pick(text, list(options))
