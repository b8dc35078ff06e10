"""What a customer's chat message may be, in one place for the widget's server and the
Rasa channel: the length limit the customer is told about, and the cleaning the NLU reads."""

from __future__ import annotations

import re

# Characters of one chat message. The widget's server and the REST channel refuse longer
# messages with the same French sentence; the NLU never reads more.
MAX_MESSAGE_LENGTH = 2000
# Characters of a customer's message an agent pastes in the answer assistant (its page's
# field holds as many); Rasa's /model/parse reads no more (bot/rasa_ext/api_guard.py).
MAX_PASTED_LENGTH = 5000

# Invisible characters that split words for the tokenizer ("mot\u200bde passe").
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
# Control characters other than tab and line breaks.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_message(text: str) -> str:
    """What the NLU reads of a customer's message: lone surrogates (from JSON escapes)
    become U+FFFD, invisible and control characters go, spaces are trimmed."""
    text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return _CONTROL.sub(" ", _INVISIBLE.sub("", text)).strip()
