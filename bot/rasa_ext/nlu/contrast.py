"""The rejected half of a contrast leaves the intent features.

Why (issue 11): customers say what they do not want before what they want. « Je ne veux
pas changer mon mot de passe, juste mon numéro de portable » came out change_password at
1.00, « C'est pas l'adresse de facturation que je veux changer, c'est la facture que je
veux récupérer » manage_addresses: a bag of words cannot see that « ne … pas » takes the
first half back. A `neg_` twin of every word under a negation cost cross-validation
accuracy (README, "NLU pipeline"): most negations ARE the problem (« je n'arrive pas à me
connecter », « je n'ai pas reçu le mail ») and must keep their words.

So this component acts on one shape only, read from spaCy's lemmas: a clause that
rejects a request, next to another clause of the same message that says what is wanted.
- A rejecting clause is « ne … pas » (or « pas », « point ») on a verb of wanting or
  talking (vouloir, chercher, demander, souhaiter, parler, s'agir), on « ce n'est pas »,
  on « pas besoin », or on a past participle of a claim (« je l'ai pas perdu »,
  « je n'ai pas oublié »); or a clause with no verb that starts with « pas » and a
  determiner or « celle », « celui »… (« …, pas mon adresse de livraison »), an
  infinitive (« …, pas supprimer le compte »), « pas de souci / problème », « pas
  besoin », « pas pour ».
- A verb clause is dropped only when another clause carries a marker of what is wanted
  (« juste », « seulement », « mais », « c'est », « plutôt », « en fait », or a verb of
  wanting said positively): « je ne veux pas perdre mes factures, comment les récupérer ? »
  keeps its words.
- Something must be left: at least one content word outside the rejected clauses.
Clauses are cut at punctuation and before « mais », « juste », « seulement »… The
rejected clauses' tokens leave the token list only; the text is untouched, and their
character spans go with the parse (`rejected_spans`) for question_focus.py, which never
takes a rejected piece for the message's question.
"""

from __future__ import annotations

from typing import List, Sequence

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.spacy_tokenizer import POS_TAG_KEY
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message

from bot.domain.repair import REJECTED
from bot.rasa_ext.nlu.tokens import TokenRewriter, set_text_tokens

PUNCTUATION = {",", ".", ";", ":", "!", "?", "…", "(", ")", "/", "--", "—", "–"}
# A new clause starts at these words: « je ne veux pas X mais Y », « … pas X juste Y ».
CLAUSE_STARTS = {"mais", "juste", "seulement", "uniquement", "simplement", "plutôt", "plutot"}
NEGATIONS = {"pas", "point"}
WANTING = {"vouloir", "chercher", "demander", "souhaiter", "parler", "agir", "désirer"}
# spaCy's lemmatizer leaves some forms as they are (« je ne cherche pas » → cherche).
WANTING_FORMS = {
    "veux",
    "veut",
    "voulais",
    "voulait",
    "voudrais",
    "voulons",
    "cherche",
    "cherches",
    "cherchais",
    "demande",
    "demandais",
    "souhaite",
    "souhaitais",
    "parle",
    "parlais",
    "agit",
}
# « je l'ai pas perdu », « je n'ai pas oublié mon mot de passe, mais… »
CLAIMS = {"perdre", "oublier"}
CLITICS = {
    "ne",
    "n'",
    "n",
    "me",
    "m'",
    "te",
    "t'",
    "se",
    "s'",
    "le",
    "la",
    "les",
    "l'",
    "lui",
    "leur",
    "y",
    "en",
    "vous",
    "nous",
}
DETERMINERS = {
    "le",
    "la",
    "les",
    "l'",
    "un",
    "une",
    "des",
    "du",
    "mon",
    "ma",
    "mes",
    "ton",
    "ta",
    "tes",
    "son",
    "sa",
    "ses",
    "notre",
    "nos",
    "votre",
    "vos",
    "ce",
    "cet",
    "cette",
    "ces",
    "au",
    "aux",
}
# « …, pas celle de livraison »: the thing named before, taken back.
PRONOUNS = {"celle", "celui", "celles", "ceux"}
TROUBLES = {"souci", "soucis", "problème", "problèmes", "probleme", "problemes"}
LEADING = {"et", "mais", "non", "nan", "surtout", "donc", "alors", "ah", "oh", "wow", "bah", "ben"}
MARKERS = {
    "juste",
    "seulement",
    "uniquement",
    "simplement",
    "plutôt",
    "plutot",
    "mais",
    "contraire",
    "fait",
}
# Words that carry no request on their own: what is left must hold something else.
EMPTY = {
    "être",
    "avoir",
    "faire",
    "pouvoir",
    "aller",
    "falloir",
    "devoir",
    "vouloir",
    "comment",
    "quoi",
    "merci",
    "svp",
    "stp",
    "bonjour",
    "simplement",
    "juste",
    "tout",
}


def _lemma(token: Token) -> str:
    return (token.lemma or token.text).lower()


def _wanting(token: Token) -> bool:
    return _lemma(token) in WANTING or token.text.lower() in WANTING_FORMS


def clauses(tokens: Sequence[Token]) -> List[List[int]]:
    """Token indices of each clause: cut at punctuation (which belongs to no clause) and
    before a word that opens a new one."""
    found: List[List[int]] = [[]]
    for index, token in enumerate(tokens):
        word = token.text.lower()
        if word in PUNCTUATION:
            found.append([])
            continue
        if word in CLAUSE_STARTS and found[-1]:
            found.append([])
        found[-1].append(index)
    return [clause for clause in found if clause]


def _verb_before(tokens: Sequence[Token], index: int, clause: Sequence[int]) -> int:
    """The index of the word a negation at `index` bears on: the one before it, skipping
    « ne » and clitic pronouns; -1 when there is none in the clause."""
    position = clause.index(index) - 1
    while position >= 0 and tokens[clause[position]].text.lower() in CLITICS:
        position -= 1
    return clause[position] if position >= 0 else -1


def verbless_rejection(tokens: Sequence[Token], clause: Sequence[int]) -> bool:
    """« pas mon adresse de livraison », « pas celle de livraison », « pas de souci de mot
    de passe », « pas de mon adresse postale », « pas besoin de … », « pas supprimer le
    compte »."""
    rest = list(clause)
    while rest and tokens[rest[0]].text.lower() in LEADING:
        rest = rest[1:]
    words = [tokens[i].text.lower() for i in rest]
    if len(words) < 2 or words[0] not in NEGATIONS:
        return False
    after = words[1]
    if after in DETERMINERS or after in PRONOUNS or after in ("besoin", "pour"):
        return True
    verb = 1
    while verb < len(rest) - 1 and words[verb] in CLITICS:
        verb += 1
    if _is_infinitive(tokens[rest[verb]]):
        # « je voulais juste me déconnecter, pas supprimer le compte », « non pas me
        # déconnecter, je veux fermer mon compte »
        return True
    # « pas de souci de mot de passe », « pas de mon adresse postale »
    return after in ("de", "d'") and len(words) > 2 and words[2] in TROUBLES | DETERMINERS


def _is_infinitive(token: Token) -> bool:
    """A verb in the infinitive, as spaCy's lemma and part of speech tell: « supprimer »."""
    pos = (token.data or {}).get(POS_TAG_KEY)
    return pos in ("VERB", "AUX") and token.text.lower() == _lemma(token)


def _subject_is_ce(tokens: Sequence[Token], verb: int) -> bool:
    """« c'est pas », « ce n'est pas », « ça n'est pas »: the subject before the verb."""
    before = verb - 1
    if before >= 0 and tokens[before].text.lower() in ("n'", "ne"):
        before -= 1
    return before >= 0 and _lemma(tokens[before]) in ("ce", "ça", "cela")


def verb_rejection(tokens: Sequence[Token], clause: Sequence[int]) -> bool:
    """« je ne veux pas … », « ce n'est pas … », « je n'ai pas besoin … », « je l'ai pas perdu »."""
    for index in clause:
        if tokens[index].text.lower() not in NEGATIONS:
            continue
        after = [t.text.lower() for t in tokens[index + 1 : index + 3]]
        if after[:1] == ["besoin"] or (
            after[:1] in (["de"], ["d'"]) and after[1:2] and after[1] in TROUBLES
        ):
            return True
        verb = _verb_before(tokens, index, clause)
        if verb < 0:
            continue
        lemma = _lemma(tokens[verb])
        if _wanting(tokens[verb]) or (lemma == "être" and _subject_is_ce(tokens, verb)):
            return True
        participle = _lemma(tokens[index + 1]) if index + 1 < len(tokens) else ""
        if lemma == "avoir" and participle in CLAIMS:
            return True
    return False


def _says_what_is_wanted(tokens: Sequence[Token], clause: Sequence[int]) -> bool:
    words = [tokens[i].text.lower() for i in clause]
    lemmas = [_lemma(tokens[i]) for i in clause]
    if any(word in MARKERS for word in words):
        return True
    if any(lemma == "être" for lemma in lemmas) and lemmas[0] in ("ce", "ça", "cela"):
        return True
    return any(_wanting(tokens[i]) or _lemma(tokens[i]) == "aimer" for i in clause) and not any(
        word in NEGATIONS for word in words
    )


def _has_content(tokens: Sequence[Token], indices: Sequence[int]) -> bool:
    return any(
        len(tokens[i].text) > 2
        and _lemma(tokens[i]) not in EMPTY
        and tokens[i].text.lower() not in CLITICS | DETERMINERS | NEGATIONS | LEADING
        and (tokens[i].data or {}).get(POS_TAG_KEY, "NOUN") in ("NOUN", "VERB", "PROPN", "ADJ")
        for i in indices
    )


def rejected(tokens: Sequence[Token]) -> List[int]:
    """Indices of the tokens in rejected clauses; [] when the message is no contrast."""
    found = clauses(tokens)
    verbless = [c for c in found if verbless_rejection(tokens, c)]
    with_verb = [c for c in found if c not in verbless and verb_rejection(tokens, c)]
    kept = [c for c in found if c not in verbless and c not in with_verb]
    if with_verb and not any(_says_what_is_wanted(tokens, c) for c in kept):
        with_verb = []
    dropped = [i for c in verbless + with_verb for i in c]
    left = [i for c in kept for i in c]
    if not dropped or not _has_content(tokens, left):
        return []
    return dropped


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class ContrastFocus(TokenRewriter):
    """Drops the rejected half of « pas X, (juste) Y » from the token list; list it after
    the tokenizer and ValueMasker, before the featurizers."""

    def rewrite(self, message: Message, tokens: List[Token]) -> None:
        dropped = set(rejected(tokens))
        if dropped:
            set_text_tokens(message, [t for i, t in enumerate(tokens) if i not in dropped])
            message.set(REJECTED, spans(tokens, sorted(dropped)), add_to_output=True)


def spans(tokens: Sequence[Token], indices: Sequence[int]) -> List[List[int]]:
    """The character spans [start, end] covered by runs of consecutive token indices."""
    found: List[List[int]] = []
    previous = None
    for index in indices:
        if previous is not None and index == previous + 1:
            found[-1][1] = tokens[index].end
        else:
            found.append([tokens[index].start, tokens[index].end])
        previous = index
    return found
