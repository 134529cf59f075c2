"""Which language to answer in: the one language decision of the project.

Per-message detection (also used by the NLU component, which stores its result with the message)
plus conversation stickiness. The actions decide with ``decide`` and ``switch_request``; the review
inbox files a past message under ``language_of_stored``. The served languages come from
``citizenbot.settings.served_languages``.

The rules (see README, "Languages"):

* A message that clearly is in one served language (three or more words and a confident detector,
  or a less confident one backed by the message's function words) sets the language, whatever the
  page's language, also mid-conversation: the resident clearly switched.
* A short or ambiguous message ("hi", "hej", "moi", "ok", a street name) keeps the conversation's
  language; in the first message the page's language hint (message metadata ``{"lang": "sv"}``)
  decides, then a small lexicon of greetings and short words, then the detector.
* An explicit request ("på svenska", "can we switch to Finnish?") switches at once.

Detection is restricted to the served languages and ignores proper names and street names, which
otherwise pull English and Swedish sentences towards Finnish ("When is Hämeenkatu plowed?"). The
NLU detects once per message and stores the result (``Detection.stored``); the actions decide from
it. ``unserved_language`` recognises languages that are not served (``UNSERVED_DETECTED``), which
get fixed replies in them: the 112 answer, or which languages the assistant speaks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from citizenbot.language_words import (
    FUNCTION_WORDS,
    NAME_SUFFIX_RE,
    REQUEST_PATTERNS,
    SHARED_FUNCTION_WORDS,
    SHORT_WORDS,
)
from citizenbot.settings import served_languages
from citizenbot.text import fold, fold_script, word_spans

# A message "clearly" is in a language with 3+ content words at 0.75 confidence, or at 0.4 when
# its function words are that language's ("my baby has a fever of 38.5": lingua's confidence among
# three languages stays under 0.75 for many short, clear sentences), or 2 words at 0.95.
CLEAR_MIN_WORDS = 3
CLEAR_MIN_CONFIDENCE = 0.75
CLEAR_SUPPORTED_MIN_CONFIDENCE = 0.4
CLEAR_SHORT_MIN_WORDS = 2
CLEAR_SHORT_MIN_CONFIDENCE = 0.95
# A switch request ("Can we switch to Finnish?") is acknowledged in the language it was written in
# when the detector is at least this sure of it.
ACKNOWLEDGE_MIN_CONFIDENCE = 0.5

# Languages recognised only to answer with a fixed text in them (the 112 answer, "which languages
# the assistant speaks"): the city's largest language groups after the served ones, plus Chinese
# and Turkish. A language in SERVED_LANGUAGES is served, not in this list.
UNSERVED_DETECTED = ("ru", "uk", "et", "ar", "so", "fa", "zh", "tr")
# The scripts that say the language group on their own; Latin-script text needs the detector.
_SCRIPTS: tuple[tuple[str, re.Pattern[str], tuple[str, ...]], ...] = (
    ("cyrillic", re.compile("[\u0400-\u04ff]"), ("ru", "uk")),
    ("arabic", re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]"), ("ar", "fa")),
    ("han", re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"), ("zh",)),
)
_PERSIAN_LETTERS_RE = re.compile("[پچژگ]")
# A Latin-script message is in an unserved language when the detector, choosing among the served
# and these, prefers it this clearly (0 of the 11,600 served-language training examples did).
UNSERVED_MIN_WORDS = 3
UNSERVED_MIN_CONFIDENCE = 0.7

# How much more the top language must have than its neighbour (measured: "keinu on rikki" gives
# Finnish 0.65, Estonian 0.33; 1 of 4,937 Finnish training examples is then clearly Estonian).
NEIGHBOUR_MARGIN = 1.5
_NEIGHBOURS = frozenset(tuple(sorted(pair)) for pair in SHARED_FUNCTION_WORDS)

@dataclass(frozen=True)
class Detection:
    lang: str | None
    confidence: float
    n_words: int
    supported: bool = False  # its function words are this language's more than any other's, or clearly a neighbour's (detect)

    @property
    def clear(self) -> bool:
        if self.lang is None:
            return False
        if self.n_words >= CLEAR_MIN_WORDS:
            return self.confidence >= CLEAR_MIN_CONFIDENCE or (
                self.supported and self.confidence >= CLEAR_SUPPORTED_MIN_CONFIDENCE)
        return self.n_words >= CLEAR_SHORT_MIN_WORDS and self.confidence >= CLEAR_SHORT_MIN_CONFIDENCE

    def stored(self) -> dict:
        """As the NLU stores it with the message (parse data ``language``); the actions and the
        review inbox read it back with ``from_stored`` instead of detecting again."""
        return {"lang": self.lang, "confidence": round(self.confidence, 3), "words": self.n_words,
                "supported": self.supported, "clear": self.clear}

    @classmethod
    def from_stored(cls, data: object) -> Detection | None:
        """The stored detection, or None for a message stored without one (or by an older version)."""
        if not isinstance(data, dict) or not isinstance(data.get("words"), int):
            return None
        lang = data.get("lang") if data.get("lang") in served_languages() else None
        try:
            confidence = float(data.get("confidence") or 0.0)
        except (TypeError, ValueError):
            return None
        return cls(lang, confidence, data["words"], bool(data.get("supported")))


@lru_cache(maxsize=8)
def _detector(langs: tuple[str, ...]):
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in langs]
    return LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models().build()


def _code(language) -> str:
    return language.iso_code_639_1.name.lower()


def unserved_language(text: str, rule_lang: str | None = None) -> str | None:
    """The language a message is written in when it is one of ``UNSERVED_DETECTED`` and not
    served, else None.

    The script decides Cyrillic (Russian or Ukrainian), Arabic (Arabic or Persian) and Chinese;
    Latin-script Estonian, Somali and Turkish need the detector's clear preference over the served
    languages. ``rule_lang`` is the language of the safety rule the message matched ("et" for
    ``et.breathing``): an emergency in that language is answered in it unless the message clearly
    is in a served language (a rule matched in a Finnish sentence says nothing).
    """
    served = served_languages()
    unserved = tuple(code for code in UNSERVED_DETECTED if code not in served)
    found = [w for w in content_words(text) if not w.isdigit()] or [w for w, _s, _e in word_spans(text)]
    joined = " ".join(found)
    if not unserved or not any(ch.isalpha() for ch in joined):
        return None
    for _name, letters, langs in _SCRIPTS:
        if len(letters.findall(joined)) * 2 < sum(ch.isalpha() for ch in joined):
            continue  # the script of under half the letters
        candidates = tuple(code for code in langs if code in unserved)
        if not candidates:
            return None
        if len(candidates) == 1:
            return candidates[0]
        values = _detector(candidates).compute_language_confidence_values(joined)
        if "fa" in candidates and _PERSIAN_LETTERS_RE.search(joined) and (not values or values[0].value < 0.7):
            return "fa"  # پ چ ژ گ: Persian, unless the words are clearly Arabic (Iraqi Arabic writes چ, گ)
        return _code(values[0].language) if values else candidates[0]
    latin = tuple(code for code in unserved if not any(code in langs for _n, _l, langs in _SCRIPTS))
    if not latin or (len(found) < UNSERVED_MIN_WORDS and rule_lang not in latin):
        return None  # neither test below can pass: no second detection on the hot path
    values = _detector(served + latin).compute_language_confidence_values(joined)
    if not values:
        return None
    top = values[0]
    if _code(top.language) in latin and len(found) >= UNSERVED_MIN_WORDS and top.value >= UNSERVED_MIN_CONFIDENCE:
        return _code(top.language)
    if rule_lang in latin and (_code(top.language) == rule_lang or not detect(text).clear):
        return rule_lang
    return None


def emergency_language(text: str, rule_lang: str | None, current: str) -> str:
    """The language of the 112 answer to an emergency outside the NLU (during a handoff): the
    unserved language it is written in, else the served language it clearly is in or the one of
    the safety rule it matched (when the detector agrees), else the conversation's."""
    unserved = unserved_language(text, rule_lang)
    if unserved:
        return unserved
    detection = detect(text)
    if detection.clear or (detection.lang is not None and detection.lang == rule_lang):
        return detection.lang
    return current


def warm_up(unserved: bool = True) -> None:
    """Load the detector's models and the lemmatizer's dictionaries now, not on the first
    resident's message (a few seconds). ``unserved``: also the detectors of ``unserved_language``
    (about 180 MB more), which the NLU runs; the action server reads its stored result."""
    from citizenbot.text import lemma

    _detector(served_languages()).compute_language_confidence_values("moi")
    if unserved:
        for text in ("mu isa ei hinga", "мой отец не дышит", "ابي لا يتنفس"):  # each script's detector
            unserved_language(text)
    for lang, word in (("fi", "kaduilla"), ("sv", "gatorna"), ("en", "streets")):
        lemma.__wrapped__(word, lang)


def content_words(text: str) -> list[str]:
    """The words of a message without proper names, street names and numbers."""
    kept = []
    for index, (word, _start, _end) in enumerate(word_spans(text)):
        folded = fold(word)
        if any(ch.isdigit() for ch in word):
            continue
        if index > 0 and word[:1].isupper() and not word.isupper():
            continue  # a proper name in the middle of a sentence
        if NAME_SUFFIX_RE.search(folded) and len(folded) > 6:
            continue  # a street or park name, also when typed in lower case
        kept.append(word)
    return kept


def _key(word: str) -> str:
    """A word as the word lists above are compared: folded, Arabic-script letters unified."""
    return fold(fold_script(word))


@lru_cache(maxsize=2)
def _keyed(table: str) -> dict[str, frozenset[str]]:
    words_of = SHORT_WORDS if table == "short" else FUNCTION_WORDS
    return {lang: frozenset(_key(w) for w in ws) for lang, ws in words_of.items()}


@lru_cache(maxsize=1)
def _keyed_shared() -> dict[tuple[str, str], frozenset[str]]:
    return {pair: frozenset(_key(w) for w in ws) for pair, ws in SHARED_FUNCTION_WORDS.items()}


def _lexicon_vote(folded_words: list[str]) -> str | None:
    none: frozenset[str] = frozenset()
    short = _keyed("short")
    votes = {lang: sum(w in short.get(lang, none) for w in folded_words) for lang in served_languages()}
    best = max(votes.values())
    winners = [lang for lang, v in votes.items() if v == best]
    return winners[0] if best > 0 and len(winners) == 1 else None


def detect(text: str) -> Detection:
    """Detect the language of one message, restricted to the served languages."""
    kept = content_words(text)
    if not kept:
        return Detection(None, 0.0, 0)
    folded = [_key(w) for w in kept]
    if len(kept) < CLEAR_MIN_WORDS:
        lexicon = _lexicon_vote(folded)
        if lexicon:
            return Detection(lexicon, 0.9, len(kept))  # never "clear": short messages stick
    values = _detector(served_languages()).compute_language_confidence_values(" ".join(kept))
    if not values:
        return Detection(None, 0.0, len(kept))
    top = values[0]
    lang = _code(top.language)
    votes = _function_words(folded)
    voted = _function_word_vote(votes)
    if voted and voted != lang and top.value < 0.9:
        return Detection(voted, 0.85, len(kept), True)
    if voted and voted != lang and votes.get(lang, 0) == 0:
        # a city word in another language's sentence: "what is neuvola", "vad är asemakaava"
        return Detection(voted, 0.85, len(kept), True)
    for pair, shared in _keyed_shared().items():
        if lang in pair and pair[0] in votes and pair[1] in votes:
            votes[lang] += sum(w in shared for w in folded)
    others = max((n for code, n in votes.items() if code != lang), default=0)
    # A close neighbour takes a share of the detector's confidence (a Finnish sentence gives Estonian
    # a third, an Arabic one Persian): when the two together are sure and the top one has clearly more
    # than the neighbour (NEIGHBOUR_MARGIN), the detector supports it like the function words do.
    second = values[1] if len(values) > 1 else None
    preferred = (second is not None and tuple(sorted((lang, _code(second.language)))) in _NEIGHBOURS
                 and top.value >= NEIGHBOUR_MARGIN * second.value and top.value + second.value >= CLEAR_MIN_CONFIDENCE)
    return Detection(lang, float(top.value), len(kept), votes.get(lang, 0) > others or preferred)


def _function_words(folded_words: list[str]) -> dict[str, int]:
    none: frozenset[str] = frozenset()
    function = _keyed("function")
    return {lang: sum(w in function.get(lang, none) for w in folded_words) for lang in served_languages()}


def _function_word_vote(votes: dict[str, int]) -> str | None:
    """A language whose function words clearly dominate (at least 3, and 3 times any other; or 2
    and none of any other)."""
    ranked = sorted(votes.items(), key=lambda kv: kv[1], reverse=True)
    if len(ranked) < 2:
        return ranked[0][0] if ranked and ranked[0][1] >= 3 else None
    (best, n), (_second, m) = ranked[0], ranked[1]
    return best if (n >= 3 and n >= 3 * max(m, 1)) or (n >= 2 and m == 0) else None


def requested_language(text: str) -> str | None:
    """The language a resident explicitly asks for ("på svenska", "in English please"), if exactly one."""
    folded = _key(text)
    found = [lang for lang, pattern in REQUEST_PATTERNS.items() if pattern.search(folded)]
    return found[0] if len(found) == 1 else None


def choose_language(
    text: str,
    current: str | None = None,
    hint: str | None = None,
    requested: str | None = None,
    default: str = "fi",
    detection: Detection | None = None,
) -> str:
    """The language to answer this message in (see the module docstring for the rules);
    ``detection`` is the NLU's detection of the text when there is one (else it is detected)."""
    langs = served_languages()
    if requested in langs:
        return requested
    current = current if current in langs else None
    hint = hint if hint in langs else None
    detection = detection if detection is not None else detect(text)
    if detection.clear:
        return detection.lang
    if current:
        return current
    if hint:
        return hint
    return detection.lang or default


def decide(text: str, *, current: str | None = None, hint: object = None, chosen: bool = False,
           about_language: bool = False, default: str = "fi", detection: Detection | None = None) -> str:
    """The language to answer a resident's message in: the decision every action uses.

    ``current`` is the conversation's language, ``hint`` the page's language, ``chosen`` marks the
    hint as the resident's explicit choice (the widget's language switch), ``about_language`` says
    the message was understood as being about languages (intent ``meta.language``), so an explicit
    request in it ("på svenska") switches. A pressed button ("/topic") says nothing about the
    language. ``detection`` is the NLU's, stored with the message (``Detection.from_stored``): the
    language is detected once per message.
    """
    page = hint if isinstance(hint, str) else None  # checked against the served languages below
    requested = requested_language(text) if about_language else None
    if chosen and page:
        requested = page
    if text.startswith("/"):
        text, detection = "", None
    return choose_language(text, current=current, hint=page, requested=requested, default=default,
                           detection=detection)


@dataclass(frozen=True)
class Switch:
    """An explicit request to continue in another language."""

    to: str  # the language asked for
    said_in: str  # the language the request was written in (acknowledged in it first when different)


def switch_request(text: str) -> Switch | None:
    """The switch a message asks for ("Can we switch to Finnish?"), or None when it names no
    single language ("what languages do you speak?")."""
    target = requested_language(text)
    if target is None:
        return None
    written = detect(text)
    said_in = written.lang if written.lang and written.confidence >= ACKNOWLEDGE_MIN_CONFIDENCE else target
    return Switch(target, said_in)


def language_of_stored(detected: str | None, confidence: float, page_lang: object,
                       clear: bool | None = None) -> str | None:
    """The language a past message was written in (the review inbox files it under this): the
    NLU's detection when it was clear (``clear`` as stored; older messages stored only the
    confidence), else the page's language, else unknown."""
    langs = served_languages()
    if detected in langs and (clear if clear is not None else confidence >= CLEAR_MIN_CONFIDENCE):
        return detected
    return page_lang if isinstance(page_lang, str) and page_lang in langs else None
