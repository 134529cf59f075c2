"""Numbers, links and addresses in a message become placeholders before classification.

Real messages carry phone numbers, house numbers, dates, times, report numbers and links ("the bin
is full, my number is 040 123 4567"). Their digits say nothing about the topic, but as character
n-grams they look like the helpline's number (116117) and pull answers towards health. So the
classifier sees ``__phone__``, ``__date__``, ``__time__``, ``__url__``, ``__email__`` and, for any
other token with a digit, ``__num__``. The public service numbers of the knowledge base (112,
116117, the Poison Information Centre...) keep their digits: "soitanko 112" is about them.
The message text itself is not changed: actions still read the street number or report number.
"""

from __future__ import annotations

import re

from citizenbot.redact import EMAIL_RE, PHONE_RE

PHONE, DATE, TIME, URL, EMAIL, NUMBER = "__phone__", "__date__", "__time__", "__url__", "__email__", "__num__"

_URL_RE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
# 6.6.2015, 6.6., 24.12.15, 2015-06-06
_DATE_RE = re.compile(r"(?<![\d.])\d{1,2}\.\d{1,2}\.(?:\d{2,4})?(?![\d])|(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)")
# klo 9.00, 9:30, 14.15 (with a "klo"/"kl"/"at" before or a colon), klo 9
_TIME_RE = re.compile(r"\b(?:klo|kl|at)\.?\s?\d{1,2}(?:[.:]\d{2})?\b|(?<![\d.:])\d{1,2}:\d{2}(?![\d.:])", re.IGNORECASE)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def spans(text: str, public_numbers: frozenset[str] = frozenset()) -> list[tuple[int, int, str]]:
    """(start, end, placeholder) of every link, e-mail address, phone number, date and time."""
    found: list[tuple[int, int, str]] = []
    for pattern, placeholder in ((_URL_RE, URL), (EMAIL_RE, EMAIL), (PHONE_RE, PHONE), (_DATE_RE, DATE),
                                 (_TIME_RE, TIME)):
        for m in pattern.finditer(text):
            if placeholder == PHONE and _digits(m.group(0)) in public_numbers:
                continue
            if all(m.end() <= s or m.start() >= e for s, e, _p in found):
                found.append((m.start(), m.end(), placeholder))
    return sorted(found)


def token_placeholder(token: str, start: int, end: int, found: list[tuple[int, int, str]],
                      public_numbers: frozenset[str] = frozenset()) -> str | None:
    """The placeholder a token becomes, or None when it keeps its own lemma."""
    for s, e, placeholder in found:
        if start < e and end > s:
            return placeholder
    if any(ch.isdigit() for ch in token):
        digits = _digits(token)
        return digits if digits in public_numbers else NUMBER
    return None
