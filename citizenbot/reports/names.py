"""A report's two names: its number (the id plus ``REPORT_NUMBER_OFFSET``: sequential, for staff
and the outbox) and its public reference (``7K3M-Q9PX``: random, the one residents are given), so
that nobody can ask about a report by guessing the next number. The request sent to the city
carries ``REFERENCE_PREFIX`` and the number, so its copy can be found after an unclear answer.
"""

from __future__ import annotations

import re
import secrets

# Report numbers shown to residents start from 1001 whatever the database's id sequence does.
REPORT_NUMBER_OFFSET = 1000
# The public reference: 8 characters of an alphabet without look-alikes (no 0/O, 1/I/L, U), about
# 39 bits, in two groups. At least one digit, so that an ordinary word is never taken for one.
REF_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
_REF_RE = re.compile(r"(?<![0-9A-Za-z])([0-9A-Za-z]{4})[-\s]?([0-9A-Za-z]{4})(?![0-9A-Za-z])")
# Carried in the request sent to the city, so that its copy can be found after an unclear answer.
REFERENCE_PREFIX = "CB-"


def number_of(report_id: int) -> int:
    return report_id + REPORT_NUMBER_OFFSET


def id_of(number: int) -> int:
    return number - REPORT_NUMBER_OFFSET


def new_public_ref() -> str:
    while True:
        chars = "".join(secrets.choice(REF_ALPHABET) for _ in range(8))
        if any(c.isdigit() for c in chars):
            return f"{chars[:4]}-{chars[4:]}"


def parse_public_ref(text: str | None) -> str | None:
    """A public reference in what a resident typed ("7k3m q9px", "ilmoitus 7K3M-Q9PX"), normalised."""
    for match in _REF_RE.finditer(text or ""):
        chars = (match.group(1) + match.group(2)).upper()
        if all(c in REF_ALPHABET for c in chars) and any(c.isdigit() for c in chars) and any(c.isalpha() for c in chars):
            return f"{chars[:4]}-{chars[4:]}"
    return None
