"""Finnish base forms and compound parts from Voikko, for the classifier's features.

In Finnish reports the meaning sits in compounds and inflected forms: "kevyenliikenteenväylällä",
"katuvalaisin", "roska-astiat", "suojatielle". Voikko (Debian ``libvoikko1`` + ``voikko-fi``,
Python binding ``libvoikko``) knows the base form and the parts: "katuvalaisin" ->
"katuvalaisin katu valaisin". The tokenizer puts these into a token's lemma, so "valaisin" in a
new compound still looks like the street-light examples.

Voikko handles are not thread-safe: one handle, one lock. ``VoikkoMissing`` says what to install.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

from citizenbot.text import fold


class VoikkoMissing(RuntimeError):
    pass


_LOCK = threading.Lock()
_PART_RE = re.compile(r"\+([^+()]+)\(([^()]*)\)")


@lru_cache(maxsize=1)
def _voikko():
    try:
        import libvoikko

        return libvoikko.Voikko("fi")
    except (ImportError, OSError, Exception) as exc:  # libvoikko raises its own error when the dictionary is missing
        raise VoikkoMissing(
            "Finnish morphology needs Voikko: install the Debian packages libvoikko1 and voikko-fi "
            f"(make setup does it; see README). ({type(exc).__name__}: {exc})"
        ) from exc


def available() -> bool:
    try:
        _voikko()
        return True
    except VoikkoMissing:
        return False


def _analyze(word: str) -> list[dict]:
    with _LOCK:
        return _voikko().analyze(word)


@lru_cache(maxsize=200_000)
def analysis(word: str) -> str | None:
    """Folded base form and compound parts ("kevyenliikenteenväylällä" -> "kevyenliikenteenvayla
    kevyt liikenne vayla"), or None when Voikko does not know the word."""
    analyses = _analyze(word)
    if not analyses:
        if "-" in word.strip("-"):  # "Sortti-asemalle": a name Voikko does not know, then a word it does
            parts = [analysis(p) or fold(p) for p in word.split("-") if p]
            return " ".join(parts) if parts else None
        return None
    first = analyses[0]
    base = (first.get("BASEFORM") or word).lower()
    parts: list[str] = []
    for _surface, bases in _PART_RE.findall(first.get("WORDBASES") or ""):
        if not bases or bases.startswith("+") or bases == "-":
            continue  # a derivational suffix or a hyphen, not a word
        for part in bases.split("="):
            if not part:
                continue
            if "=" in bases:  # a lexicalised compound lists the parts as they are written: lemmatise them
                found = _analyze(part)
                part = (found[0].get("BASEFORM") if found else part) or part
            parts.append(part.lower())
    out = [base]
    if len(parts) > 1:
        out += [p for p in parts if len(p) > 2]
    elif parts and parts[0] != base:
        out.append(parts[0])  # a participle and its verb: "hukkunut" -> "hukkua"
    return " ".join(fold(x) for x in dict.fromkeys(out))
