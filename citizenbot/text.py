"""Text normalisation shared by the NLU components, name matching and safety rules."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import simplemma

from citizenbot.settings import served_languages

_FOLD = str.maketrans({"ä": "a", "ö": "o", "å": "a", "é": "e", "ü": "u", "æ": "a", "ø": "o"})
_WORD_RE = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*", re.UNICODE)
_SPACE_RE = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, drop Nordic diacritics and collapse whitespace.

    Residents often type without ä/ö/å ("Hameenkatu", "paivystys"), so every comparison of names
    and keywords happens on folded text.
    """
    text = unicodedata.normalize("NFC", text).lower().translate(_FOLD)
    return _SPACE_RE.sub(" ", text).strip()


def words(text: str) -> list[str]:
    """Word tokens in their original case (hyphenated names such as Ranta-Tampella stay whole)."""
    return _WORD_RE.findall(unicodedata.normalize("NFC", text))


def word_spans(text: str) -> list[tuple[str, int, int]]:
    text = unicodedata.normalize("NFC", text)
    return [(m.group(0), m.start(), m.end()) for m in _WORD_RE.finditer(text)]


# The served languages simplemma has dictionaries for (it has none for Arabic and Somali, whose
# words stay as written, folded); Finnish also has Voikko (citizenbot.nlu.morphology).
LEMMATIZED_LANGUAGES = ("fi", "sv", "en", "ru", "uk", "et", "fa")


@lru_cache(maxsize=200_000)
def lemma(word: str, lang: str) -> str:
    """Dictionary form of a word in the given language ("kadulla" -> "katu"), lower-cased."""
    lowered = word.lower()
    if lang not in served_languages() or lang not in LEMMATIZED_LANGUAGES or not lowered.isalpha():
        return lowered
    return simplemma.lemmatize(lowered, lang=lang).lower()


# Letters residents type interchangeably in the other scripts the safety rules read: Arabic and
# Persian yeh and kaf (ي/ی/ى, ك/ک), alef with hamza, teh marbuta; Estonian õ, š, ž; Russian ё;
# Ukrainian apostrophes (ʼ ’). Vowel marks and the elongating tatweel are dropped: they would
# split a word in two.
_SCRIPT_FOLD = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ۀ": "ه", "ى": "ي", "ی": "ي", "ئ": "ي", "ؤ": "و",
    "ک": "ك", "õ": "o", "Õ": "O", "š": "s", "Š": "S", "ž": "z", "Ž": "Z", "ё": "е", "Ё": "Е",
    "ʼ": "'", "’": "'", "`": "'",
})
_ARABIC_MARKS_RE = re.compile("[\u064b-\u065f\u0670\u0640]")


def fold_script(text: str) -> str:
    """Unify the letters of the table above (also applied to the safety rules' patterns, so an
    editor may write either form)."""
    return _ARABIC_MARKS_RE.sub("", unicodedata.normalize("NFC", text).translate(_SCRIPT_FOLD))


def feature_form(word: str) -> str:
    """A word (or its lemma) as the classifier's features see it: folded, both spellings of the
    Arabic and Persian letters one, without vowel marks, tatweel or the zero-width non-joiner
    Persian writes inside a word ("خیابان‌ها" and "خیابانها" are one word to a resident)."""
    return fold(fold_script(word)).replace("\u200c", "")


def normalise_for_rules(text: str) -> str:
    """Folded text with single spaces and word boundaries kept, for regular-expression rules."""
    return " ".join(fold(w) for w in words(fold_script(text)))


_NAME = r"[A-ZÅÄÖ][a-zåäöéü]+(?:[-'][A-ZÅÄÖ]?[a-zåäöéü]+)?"
# a closing greeting, then one to three capitalised names at the end of a line or of the text
_SIGNATURE_RE = re.compile(
    r"(?P<greeting>\b(?:ystävällisin terveisin|ystävällisesti|terveisin|terv\.?|t\.|parhain terveisin|kiittäen"
    r"|med vänliga hälsningar|vänliga hälsningar|hälsningar|mvh|hälsar"
    r"|best regards|kind regards|regards|br|cheers|thanks|thank you|sincerely)[,.:]?\s+|(?:^|\s)[-/–]\s?)"
    rf"(?P<name>{_NAME}(?:\s+{_NAME}){{0,2}})\s*(?=$|\n)",
    re.IGNORECASE | re.MULTILINE,
)


def strip_signature_names(text: str) -> str:
    """The names in a closing signature out ("Terveisin Matti" -> "Terveisin", "t. Anna" -> "t."):
    the city's feedback history and a fault report's description need the words, not the name."""

    def keep_greeting(m: re.Match[str]) -> str:
        name = m.group("name")
        if not all(part[:1].isupper() for part in name.split()):
            return m.group(0)  # "terveisin kaikille" is not a name (IGNORECASE let it through)
        return m.group("greeting").rstrip(" -/–") if m.group("greeting").strip() not in "-/–" else ""

    return _SIGNATURE_RE.sub(keep_greeting, text)
