"""Shared helper of the NLU components: replacing the tokens the featurizers read."""

from __future__ import annotations

from typing import List, Optional

from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message


def text_tokens(message: Message) -> Optional[List[Token]]:
    """The tokens of the message's text, or None for a message without text (a story's
    action, a response)."""
    return message.get(TOKENS_NAMES[TEXT])


def set_text_tokens(message: Message, tokens: List[Token]) -> None:
    message.set(TOKENS_NAMES[TEXT], tokens)
