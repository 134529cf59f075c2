"""Personal data out of residents' text: the one owner of the patterns.

Used wherever a resident's words are kept: the stored conversation (``citizenbot.conversation.redaction``),
the review inbox, ratings' comments, the imported feedback history and the soak benchmark.

Replaced by placeholders, the rest of the text kept as written:

* ``<HETU>``     Finnish personal identity codes (131052-308T; also the 2023 century signs A-F, U-Y;
                 without the century sign or with a space for it when the check character is right)
* ``<EMAIL>``    e-mail addresses, also written name(at)example.fi or name [at] example.fi
* ``<PHONE>``    phone numbers in Finnish formats (040 123 4567, +358 40 123 4567, 358 40 1234567,
                 03 5656 1111, (09) 310 1111, 0401234567, 040.123.4567); the public service numbers
                 of kb/national.yml and the city file (116117, 0800 147 111...) are not personal and stay
* ``<IBAN>``     bank account numbers (IBAN with a valid mod-97 check, grouped or not)
* ``<CARD>``     payment card numbers (13-19 digits, grouped or not, with a valid Luhn check)
* ``<PLATE>``    Finnish car registration plates (ABC-123)
* ``<ADDRESS>``  a street address with a house number (Teiskontie 12, Hämeenkadulla 10 B 5,
                 Storgatan 3, 12 Main Street); a street named without a number is kept

When accepted messages become training examples, ``surrogate`` puts neutral demo values back
(a street of the knowledge base, example.com addresses), so no placeholder reaches the model.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

HETU = "<HETU>"
EMAIL = "<EMAIL>"
PHONE = "<PHONE>"
ADDRESS = "<ADDRESS>"
IBAN = "<IBAN>"
CARD = "<CARD>"
PLATE = "<PLATE>"
PLACEHOLDERS = (HETU, EMAIL, PHONE, ADDRESS, IBAN, CARD, PLATE)

HETU_RE = re.compile(r"(?<![\w-])\d{6}[-+A-FU-Y]\d{3}[0-9A-FHJ-NPR-Y](?!\w)", re.IGNORECASE)
# without the century sign, or a space in its place: only when the date and check character hold
_HETU_LOOSE_RE = re.compile(r"(?<![\w-])(\d{6}) ?(\d{3})([0-9A-FHJ-NPR-Y])(?!\w)", re.IGNORECASE)
_HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
EMAIL_RE = re.compile(
    r"(?<![\w.+-])[\w.+-]+(?:@|\s?\(at\)\s?|\s?\[at\]\s?)[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?![\w-])", re.IGNORECASE
)
# +358 / 00358 / 358 then the area code without its 0, or a national number starting with 0; digits
# may be grouped with single spaces or hyphens; 7 to 12 digits in all.
PHONE_RE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)?358[ -]?\(?0?\d{1,3}\)?|\(?0\d{1,3}\)?)(?:[ -]?\d){5,10}(?![\w])"
)
# grouped with dots (040.123.4567): only this shape, so that dates (05.03.2026) stay
_DOT_PHONE_RE = re.compile(r"(?<![\w.+])(?:(?:\+|00)?358\.?\d{1,3}|0\d{1,3})\.\d{3}\.\d{3,4}(?![\w]|\.\d)")
IBAN_RE = re.compile(r"(?<![\w])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?![\w])")
CARD_RE = re.compile(r"(?<![\w-])[1-9](?:[ -]?\d){12,18}(?![\w-])")
PLATE_RE = re.compile(r"(?<![\w-])[A-ZÅÄÖ]{2,3}-\d{1,3}(?![\w-])")
# a street-like word (Finnish and Swedish street types; "valtatie" after its name) and a house number,
# optionally a stair letter and flat number: "Hämeenkatu 10 B 12", "Koivukujalla 3 as 4"
_STREET_WORD = (
    r"[A-ZÅÄÖa-zåäö][\wåäöÅÄÖ-]*?(?:katu|kadu|kadun|tie|tien|teiden|kuja|kujan|polku|polun|väylä|väylän|raitti|"
    r"raitin|kaari|kaaren|rinne|rinteen|tori|torin|puisto|puiston|ranta|rannan|mäki|mäen|"
    r"gatan|gata|vägen|väg|gränd|stigen|torget)[a-zåäö]{0,6}"
)
_HOUSE = (
    r"\d{1,4}[a-zA-Z]?(?:\s?[-–]\s?\d{1,4})?"
    r"(?:\s+(?:[A-Ha-h]\s?\d{1,4}|[A-Ha-h]|(?:as\.?|lgh|bst|asunto|apt\.?|flat)\s?\d{1,4}))?(?![\w])"
)
ADDRESS_RE = re.compile(
    # a genitive before the street word belongs to the name ("Hatanpään valtatie 10"); other words
    # ("Kuoppa Teiskontie 12") do not
    rf"(?<![\w-])(?:[A-ZÅÄÖ][\wåäöÅÄÖ-]*n\s+)?{_STREET_WORD}\s+{_HOUSE}"
    r"|(?<![\w-])\d{1,4}[a-zA-Z]?\s+(?:[A-Z][\w-]*\s+){1,3}(?:Street|St\.?|Road|Rd\.?|Avenue|Ave\.?|Lane|Way)(?![\w])"
    r"|(?<![\w-])(?:[A-Z][\w-]*\s+){1,3}(?:Street|Road|Avenue|Lane)\s+\d{1,4}[a-zA-Z]?(?![\w])",
)
_HOUSE_AFTER_RE = re.compile(rf"^\s+{_HOUSE}")


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def hetu_check(digits9: str) -> str:
    """The check character of a personal identity code from its date and individual number."""
    return _HETU_CHECK[int(digits9) % 31]


def _valid_loose_hetu(m: re.Match[str]) -> bool:
    day, month = int(m.group(1)[:2]), int(m.group(1)[2:4])
    return 1 <= day <= 31 and 1 <= month <= 12 and hetu_check(m.group(1) + m.group(2)) == m.group(3).upper()


def iban_valid(text: str) -> bool:
    """ISO 13616 check: the country and check digits moved to the end, letters as numbers, mod 97 = 1."""
    code = text.replace(" ", "").upper()
    if not 15 <= len(code) <= 34:
        return False
    moved = code[4:] + code[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0

@lru_cache(maxsize=4)
def public_numbers(kb_dir: str | None = None) -> frozenset[str]:
    """Digits of the phone numbers the knowledge base publishes (national and city facts)."""
    from citizenbot.settings import get_settings

    path = Path(kb_dir) if kb_dir else get_settings().kb_dir
    found: set[str] = {"112", "116117"}
    for name in ("national.yml", *(str(p.relative_to(path)) for p in (path / "city").glob("*.yml"))):
        file = path / name
        if file.exists():
            for m in PHONE_RE.finditer(file.read_text(encoding="utf-8")):
                found.add(_digits(m.group(0)))
    return frozenset(found)


@lru_cache(maxsize=4)
def _name_index(kb_dir: str | None):
    from citizenbot.gazetteer import load_name_index

    try:
        # called as the NLU component calls it, so that the Rasa process (which redacts every event
        # it stores) shares that component's cached index instead of building a second one
        return load_name_index(kb_dir) if kb_dir else load_name_index()
    except OSError:
        return None


def redact(text: str, kb_dir: str | Path | None = None, use_register: bool = True) -> str:
    """The text with personal data replaced by placeholders (see the module docstring)."""
    if not text:
        return text
    kb = str(kb_dir) if kb_dir else None
    spans: list[tuple[int, int, str]] = []

    def add(start: int, end: int, placeholder: str) -> None:
        if all(end <= s or start >= e for s, e, _p in spans):
            spans.append((start, end, placeholder))

    for m in HETU_RE.finditer(text):
        add(m.start(), m.end(), HETU)
    for m in EMAIL_RE.finditer(text):
        add(m.start(), m.end(), EMAIL)
    for m in IBAN_RE.finditer(text):
        if iban_valid(m.group(0)):
            add(m.start(), m.end(), IBAN)
    for m in CARD_RE.finditer(text):
        # a phone number of 13+ digits (358 40 1234567...) passes the Luhn check one time in ten
        number = _digits(m.group(0))
        if luhn_valid(number) and len(set(number)) > 1 and not PHONE_RE.fullmatch(m.group(0)):
            add(m.start(), m.end(), CARD)
    allowed = public_numbers(kb)
    for pattern in (PHONE_RE, _DOT_PHONE_RE):
        for m in pattern.finditer(text):
            if _digits(m.group(0)) not in allowed:
                add(m.start(), m.end(), PHONE)
    # after the phones: ten digits from 0 (0412851800) can be both; either way it is redacted
    for m in _HETU_LOOSE_RE.finditer(text):
        if _valid_loose_hetu(m):
            add(m.start(), m.end(), HETU)
    for m in PLATE_RE.finditer(text):
        add(m.start(), m.end(), PLATE)
    if use_register:
        index = _name_index(kb)
        if index is not None:
            for match in index.find(text, kinds=["street"]):
                after = _HOUSE_AFTER_RE.match(text[match.end:])
                if after:
                    add(match.start, match.end + after.end(), ADDRESS)
    for m in ADDRESS_RE.finditer(text):
        add(m.start(), m.end(), ADDRESS)
    out = text
    for start, end, placeholder in sorted(spans, reverse=True):
        out = out[:start] + placeholder + out[end:]
    return out


SURROGATES = {
    HETU: ("010101-123N",),
    EMAIL: ("etunimi.sukunimi@example.com",),
    PHONE: ("040 123 4567", "050 765 4321"),
    IBAN: ("FI21 1234 5600 0007 85",),  # the example account of Finnish banks' documentation
    CARD: ("4111 1111 1111 1111",),  # a test card number
    PLATE: ("ABC-123",),
}


def surrogate(text: str, streets: Iterable[str] = ("Hämeenkatu", "Satakunnankatu", "Teiskontie")) -> str:
    """Placeholders replaced by neutral demo values, chosen by the text so the result is stable."""
    streets = list(streets) or ["Hämeenkatu"]
    seed = int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)
    counter = 0

    def pick(options: list[str] | tuple[str, ...]) -> str:
        nonlocal counter
        counter += 1
        return options[(seed + counter) % len(options)]

    def replace(m: re.Match[str]) -> str:
        token = m.group(0)
        if token == ADDRESS:
            return f"{pick(streets)} {1 + (seed + counter) % 40}"
        return pick(SURROGATES[token])

    return re.sub("|".join(re.escape(p) for p in PLACEHOLDERS), replace, text)
