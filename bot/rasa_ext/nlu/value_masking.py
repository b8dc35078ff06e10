"""Values become placeholder tokens for the intent featurizers.

Why (issue 11): « mot de passe perdu pour lea@free.fr » and « n° client 1234567, où est la
facture ? » came out `inform` at 1.00, because an address or a number is a rare, very
specific n-gram that only `inform` examples carried. Here every e-mail, customer number,
phone number and order or invoice reference is replaced, in the token list only, by one
token per kind (`__email__`, `__client__`, `__tel__`, `__ref__`): `inform` then means "the
message is essentially a value", and a question containing a value keeps the question's
words. The message's text is untouched, so RegexEntityExtractor still extracts `email` and
`customer_id` from what was typed. The patterns of e-mails and customer numbers are those
of bot/domain/identifiers.py, the one home of these identifiers.
"""

from __future__ import annotations

import re
from typing import List, Tuple

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message

from bot.domain.identifiers import CUSTOMER_ID, EMAIL, PHONE
from bot.rasa_ext.nlu.tokens import TokenRewriter, set_text_tokens

# Order and invoice references: any other word holding 4 digits or more (FA-2024-0012, 12345).
REFERENCE = re.compile(r"(?<![\w@])[\w/-]*\d{4,}[\w/-]*")
# « CMD-240355 », « FA-240117 »: letters and a dash before the digits make a reference.
# (The masking still reads its digits as a customer number, as the model was trained; the
# words around the values, below, drop the whole reference.)
PREFIXED_REFERENCE = re.compile(r"(?<![\w@])[A-Za-z]{2,4}-[\w/-]*\d{4,}[\w/-]*")
# In priority order: a phone number is never read as a customer number, and so on.
PATTERNS: Tuple[Tuple[str, "re.Pattern[str]"], ...] = (
    ("__email__", EMAIL),
    ("__tel__", PHONE),
    ("__client__", CUSTOMER_ID),
    ("__ref__", REFERENCE),
)


def value_spans(text: str) -> List[Tuple[int, int, str]]:
    """(start, end, placeholder) of every value in the text, without overlaps, in order."""
    spans: List[Tuple[int, int, str]] = []
    for placeholder, pattern in PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if all(end <= s or start >= e for s, e, _ in spans):
                spans.append((start, end, placeholder))
    return sorted(spans)


def without_values(text: str) -> str:
    """The text with every value cut out: the words around them (« annuler ma commande
    CMD-240355 » → « annuler ma commande »)."""
    text = PREFIXED_REFERENCE.sub(" ", text)
    kept, last = [], 0
    for start, end, _ in value_spans(text):
        kept.append(text[last:start])
        last = end
    kept.append(text[last:])
    return " ".join(" ".join(kept).split())


def mask_tokens(tokens: List[Token], text: str) -> List[Token]:
    """The tokens with the tokens of each value merged into one placeholder token."""
    spans = value_spans(text)
    if not spans:
        return tokens
    masked: List[Token] = []
    emitted = set()
    for token in tokens:
        span = next((s for s in spans if token.start < s[1] and token.end > s[0]), None)
        if span is None:
            masked.append(token)
        elif span not in emitted:
            emitted.add(span)
            start, end, placeholder = span
            masked.append(Token(placeholder, start, end, lemma=placeholder))
    return masked


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class ValueMasker(TokenRewriter):
    """Replaces values by placeholder tokens; list it right after the tokenizer."""

    def rewrite(self, message: Message, tokens: List[Token]) -> None:
        text = message.get("text")
        if text:
            set_text_tokens(message, mask_tokens(tokens, text))
