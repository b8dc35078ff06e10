"""One home for the identifiers customers type: customer numbers and e-mail addresses.

Every part of the bot reads them here (the forms, the token check, the backend, the agents'
page), so that one number is never parsed three ways. A customer number is 6 to 8 digits,
optionally after a C (SPEC); its canonical form is C followed by at least 7 digits
(`C0123456` for 123456, as the shop prints it), which is what the backend stores and what a
customer token's subject carries.
"""

from __future__ import annotations

import re
from typing import List, Optional

# Deliberately simple: the backend validates again, and the reset e-mail itself
# proves the address. Long enough to refuse garbage, short enough for any real address.
EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,24}"
)
MAX_EMAIL_LENGTH = 254
# A conversation's id (Rasa's sender id): the backend keeps it with tickets, ratings and
# labels in 200 characters; the web server checks the agents' requests against it too.
MAX_CONVERSATION_ID = 200
# In free text: "C1234567", "c 1234567", "1234567", "n° 123456".
CUSTOMER_ID = re.compile(r"(?<![\w])[Cc]?\s?(\d{6,8})(?![\w])")
# The end of an order's or an invoice's prefix, « CMD-240355 », « FA-240117 »: the number
# after it is that reference's, no customer's (the NLU's value masking still reads it as
# one: its model was trained so).
_REFERENCE_PREFIX = re.compile(r"[A-Za-z]{2}-$")
# « C 1000 002 », « c1.000.002 »: a C, then its digits in groups, as a number is read out;
# only after a C, since « 02 808 18 02 » is a phone number.
GROUPED_CUSTOMER_ID = re.compile(r"(?<!\w)[Cc]\s?(\d{1,4}(?:[ .]\d{2,4}){1,3})(?!\w|[ .]\d)")
# « le 1 000 003 »: 7 or 8 digits grouped by thousands, as French writes large numbers
# (a phone number's pairs, « 02 808 18 02 », are no such groups).
THOUSANDS_GROUPED = re.compile(r"(?<![\w.,])(\d{1,2}(?:[ .\u00a0\u202f]\d{3}){2})(?![\w]|[ .,]\d)")
# A value that is only a customer number, in its canonical form.
CANONICAL_CUSTOMER_ID = re.compile(r"^C\d{7,8}$")


# French phone numbers: 06 12 34 56 78, 06.12.34.56.78, 0612345678, +33 6 12 34 56 78.
PHONE = re.compile(r"(?<![\w+])(?:\+33\s?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\w)")


def has_phone_number(text: str) -> bool:
    return PHONE.search(text) is not None


def canonical_customer_id(digits: str) -> str:
    """C and the number on 7 digits at least (a leading zero typed or not): as stored."""
    return f"C{int(digits):07d}"


# « c un zéro zéro zéro zéro zéro quatre »: a number dictated digit by digit (voice typing).
_DIGIT_WORDS = {
    "zero": "0", "zéro": "0", "un": "1", "deux": "2", "trois": "3", "quatre": "4",
    "cinq": "5", "six": "6", "sept": "7", "huit": "8", "neuf": "9",
}  # fmt: skip
_DIGIT_WORD = "(?:" + "|".join(_DIGIT_WORDS) + ")"
SPOKEN_NUMBER = re.compile(
    rf"(?<!\w)(?:[Cc] )?{_DIGIT_WORD}(?:[ ,-]+{_DIGIT_WORD}){{5,7}}(?!\w)", re.IGNORECASE
)


def spoken_digits(text: str) -> str:
    """The text with a number dictated in 6 to 8 digit words written in digits."""

    def written(match: re.Match) -> str:
        words = re.findall(r"\w+", match.group(0).lower())
        prefix = "C" if words[0] == "c" else ""
        return prefix + "".join(_DIGIT_WORDS[word] for word in words if word != "c")

    return SPOKEN_NUMBER.sub(written, text)


def ungrouped(text: str) -> str:
    """The text with a customer number typed in groups (« C 1000 002 ») written in one."""

    def joined(match: re.Match) -> str:
        digits = re.sub(r"\D", "", match.group(1))
        return f"C{digits}" if 6 <= len(digits) <= 8 else match.group(0)

    return THOUSANDS_GROUPED.sub(joined, GROUPED_CUSTOMER_ID.sub(joined, text))


def customer_id_of(value: str) -> Optional[str]:
    """The canonical number when the whole value is a customer number, else None."""
    match = CUSTOMER_ID.fullmatch(ungrouped((value or "").strip()))
    return canonical_customer_id(match.group(1)) if match else None


def is_canonical_customer_id(value: object) -> bool:
    return isinstance(value, str) and CANONICAL_CUSTOMER_ID.match(value) is not None


# A submitted address field (the backend's check): deliberately loose, since RFC 5321
# allows far more than chat text shows (quotes, apostrophes, « = »); the shop's account
# form and the e-mail itself are the real checks. Free text is read with EMAIL instead.
EMAIL_FIELD = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


def is_email(value: str) -> bool:
    """Whether the whole value is one e-mail address, as a form field holds it."""
    return len(value) <= MAX_EMAIL_LENGTH and EMAIL_FIELD.fullmatch(value) is not None


# « jp.roy @ videotron.ca »: spaces typed around the at sign (a phone keyboard's habit).
_SPACED_AT = re.compile(r"(?<=[\w.+-])\s*@\s*(?=[\w-]+\.[a-zA-Z]{2,})")


# « sophie point bernard arobase example point com »: an address spelled out in words.
_SPELLED_EMAIL = re.compile(
    r"(?<![\w.+-])([\w+-]+(?:\s+(?:point|dot)\s+[\w+-]+)*)\s+(?:arobase|arrobase|arobaz)\s+"
    r"([\w-]+(?:\s+(?:point|dot)\s+[\w-]+)+)",
    re.IGNORECASE,
)
_SPOKEN_DOT = re.compile(r"\s+(?:point|dot)\s+", re.IGNORECASE)


def _written(match: re.Match) -> str:
    local, domain = (_SPOKEN_DOT.sub(".", part) for part in match.groups())
    return f"{local}@{domain}"


def find_emails(text: str) -> List[str]:
    """Every e-mail address in the text, lower-cased, in order, without repeats; spaces
    around the at sign are ignored, and an address spelled out in words is read."""
    found: List[str] = []
    written = _SPELLED_EMAIL.sub(_written, text or "")
    for match in EMAIL.finditer(_SPACED_AT.sub("@", written)):
        address = match.group(0).lower().strip(".")
        if len(address) <= MAX_EMAIL_LENGTH and address not in found:
            found.append(address)
    return found


def parse_email(text: str) -> Optional[str]:
    """The one address of the text; None when there is none or several."""
    emails = find_emails(text)
    return emails[0] if len(emails) == 1 else None


# « jean point dupont arobase free point fr »: an address said aloud, which no mail
# server takes; the customer is giving an e-mail address, not asking anything.
SPELLED_EMAIL = re.compile(r"\b(?:arr?obase|at)\b.*\bpoint\b|\barr?obase\b", re.IGNORECASE)


# « thomas.girard.gmail.com », « ok faites le, sylvie.blanc.gmail.com »: an address typed
# in one word, its at sign forgotten.
AT_FORGOTTEN = re.compile(
    r"(?<![\w.+@-])[\w.+-]+\.(?:gmail|yahoo|hotmail|outlook|orange|free|sfr|laposte|wanadoo"
    r"|icloud|live|bbox|neuf|aol|protonmail|gmx|skynet|bluewin|videotron)\.[a-z]{2,}(?![\w@-])",
    re.IGNORECASE,
)


# « sophie.bernard(at)example.com »: the at sign disguised, as on web pages against robots.
AT_DISGUISED = re.compile(r"[\w.+-]+\s*[(\[{]\s*at\s*[)\]}]\s*[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)


def is_spelled_email(text: str) -> bool:
    """An e-mail address written without its at sign: spelled out (« … arobase free point
    fr »), forgotten (« thomas.girard.gmail.com ») or disguised (« s.bernard(at)free.fr »)."""
    if "@" in text:
        return False
    return any(
        pattern.search(text) is not None for pattern in (SPELLED_EMAIL, AT_FORGOTTEN, AT_DISGUISED)
    )


def find_customer_ids(text: str) -> List[str]:
    """Every customer number in the text (digits inside e-mail addresses excepted), canonical,
    in order, without repeats."""
    found: List[str] = []
    written = ungrouped(spoken_digits(EMAIL.sub(" ", text or "")))
    for match in CUSTOMER_ID.finditer(written):
        if _REFERENCE_PREFIX.search(written[: match.start()]):
            continue
        number = canonical_customer_id(match.group(1))
        if number not in found:
            found.append(number)
    return found


def without_identifiers(text: str) -> str:
    """The text with its e-mail addresses and customer numbers cut out: what is said around
    them (« jean@x.fr. par contre ça fait 4 ans …, ça marche quand même ? »)."""
    return " ".join(CUSTOMER_ID.sub(" ", EMAIL.sub(" ", text or "")).split())


def parse_customer_id(text: str) -> Optional[str]:
    """The one customer number of the text, canonical; None when there is none or several."""
    numbers = find_customer_ids(text)
    return numbers[0] if len(numbers) == 1 else None


def mask_email(address: str) -> str:
    """For logs: m***@example.com."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def mask_emails(text: str) -> str:
    """Free text with every e-mail address in it masked (`make missed`, the review queue)."""
    return EMAIL.sub(lambda match: mask_email(match.group(0)), text)
