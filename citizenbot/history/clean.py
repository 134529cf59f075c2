"""What is not the resident's own words, and personal data, out of a history message.

* links and the forum boilerplate some feedback systems append ("Katso lisää ja osallistu
  keskusteluun osoitteessa http://...");
* names in signatures ("Terveisin Mattias Lindroth", "t. Matti", "Mvh Johan", "Regards, Tom"):
  the greeting stays, the name goes;
* phone numbers, e-mail addresses, identity codes and street addresses with a house number
  (``citizenbot.redact``), replaced by neutral demo values so the example still reads as a
  resident's message ("call me 040 123 4567").
"""

from __future__ import annotations

import re

from citizenbot.redact import redact, surrogate
from citizenbot.text import strip_signature_names

_BOILERPLATE_RE = re.compile(
    r"Katso lisää ja osallistu keskusteluun osoitteessa\s*\S*|Se mer och delta i diskussionen på\s*\S*"
    r"|See more and participate in the discussion at\s*\S*",
    re.IGNORECASE,
)
_URL_RE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_SPACE_RE = re.compile(r"\s+")


def clean_text(text: str, kb_dir: str | None = None) -> str:
    """The resident's words without links, boilerplate and personal data, on one line."""
    text = _BOILERPLATE_RE.sub(" ", text or "")
    text = _URL_RE.sub(" ", text)
    text = strip_signature_names(text.replace("\r", "\n"))
    text = redact(text, kb_dir, use_register=False)
    text = surrogate(text)
    return _SPACE_RE.sub(" ", text).strip(" -–")
