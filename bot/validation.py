"""Reading the values a customer types when a form asks for them."""
from __future__ import annotations

import re
from typing import List, Optional

# Deliberately simple: the backend validates again, and the reset e-mail itself
# proves the address. Long enough to refuse garbage, short enough for any real address.
EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,24}")
CUSTOMER_ID = re.compile(r"(?<![\w])[Cc]?\s?(\d{6,8})(?![\w])")
MAX_EMAIL_LENGTH = 254


def find_emails(text: str) -> List[str]:
    """Every e-mail address in the text, lower-cased, in order, without repeats."""
    found: List[str] = []
    for match in EMAIL.finditer(text or ""):
        address = match.group(0).lower().strip(".")
        if len(address) <= MAX_EMAIL_LENGTH and address not in found:
            found.append(address)
    return found


def parse_email(text: str) -> Optional[str]:
    """The one address of the text; None when there is none or several."""
    emails = find_emails(text)
    return emails[0] if len(emails) == 1 else None


def parse_customer_id(text: str) -> Optional[str]:
    """A customer number as the backend stores it (C + digits), from 6 to 8 digits."""
    if find_emails(text):
        text = EMAIL.sub(" ", text)
    numbers = CUSTOMER_ID.findall(text or "")
    return f"C{numbers[0]}" if len(numbers) == 1 else None


def mask_email(address: str) -> str:
    """For logs: m***@example.com."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


# Invisible characters that split words for the tokenizer ("mot\u200bde passe").
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
# Control characters other than tab and line breaks.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_message(text: str) -> str:
    """What the NLU reads of a customer's message: lone surrogates (from JSON escapes)
    become U+FFFD, invisible and control characters go, spaces are trimmed."""
    text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return _CONTROL.sub(" ", _INVISIBLE.sub("", text)).strip()
