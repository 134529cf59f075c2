"""What is not the resident's own words, and personal data, out of a history message.

* links and the forum boilerplate some feedback systems append ("Katso lisää ja osallistu
  keskusteluun osoitteessa http://...");
* names in signatures ("Terveisin Mattias Lindroth", "t. Matti", "Mvh Johan", "Regards, Tom"):
  the greeting stays, the name goes;
* phone numbers, e-mail addresses, identity codes and street addresses with a house number
  (``citizenbot.trainer.redact``), replaced by neutral demo values so the example still reads as a
  resident's message ("call me 040 123 4567").
"""

from __future__ import annotations

import re

from citizenbot.trainer.redact import redact, surrogate

_BOILERPLATE_RE = re.compile(
    r"Katso lisää ja osallistu keskusteluun osoitteessa\s*\S*|Se mer och delta i diskussionen på\s*\S*"
    r"|See more and participate in the discussion at\s*\S*",
    re.IGNORECASE,
)
_URL_RE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_NAME = r"[A-ZÅÄÖ][a-zåäöéü]+(?:[-'][A-ZÅÄÖ]?[a-zåäöéü]+)?"
# a closing greeting, then one to three capitalised names at the end of a line or of the text
_SIGNATURE_RE = re.compile(
    r"(?P<greeting>\b(?:ystävällisin terveisin|ystävällisesti|terveisin|terv\.?|t\.|parhain terveisin|kiittäen"
    r"|med vänliga hälsningar|vänliga hälsningar|hälsningar|mvh|hälsar"
    r"|best regards|kind regards|regards|br|cheers|thanks|thank you|sincerely)[,.:]?\s+|(?:^|\s)[-/–]\s?)"
    rf"(?P<name>{_NAME}(?:\s+{_NAME}){{0,2}})\s*(?=$|\n)",
    re.IGNORECASE | re.MULTILINE,
)
_SPACE_RE = re.compile(r"\s+")


def strip_signature_names(text: str) -> str:
    def keep_greeting(m: re.Match[str]) -> str:
        name = m.group("name")
        if not all(part[:1].isupper() for part in name.split()):
            return m.group(0)  # "terveisin kaikille" is not a name (IGNORECASE let it through)
        return m.group("greeting").rstrip(" -/–") if m.group("greeting").strip() not in "-/–" else ""

    return _SIGNATURE_RE.sub(keep_greeting, text)


def clean_text(text: str, kb_dir: str | None = None) -> str:
    """The resident's words without links, boilerplate and personal data, on one line."""
    text = _BOILERPLATE_RE.sub(" ", text or "")
    text = _URL_RE.sub(" ", text)
    text = strip_signature_names(text.replace("\r", "\n"))
    text = redact(text, kb_dir, use_register=False)
    text = surrogate(text)
    return _SPACE_RE.sub(" ", text).strip(" -–")
