"""Find street, district, plan and venue names in free text, inflected and misspelt.

Finnish names arrive in case forms that change the end of the word, sometimes with consonant
gradation ("Hämeenkatu" -> "Hämeenkadulla", "Lielahti" -> "Lielahdessa", "Hervanta" ->
"Hervannassa"), and often without ä/ö ("Hameenkatu"). A name matches a word when

1. the folded word equals the folded name, or
2. the word starts with the name, or with the name minus its last one or two letters (the part that
   gradation changes), and the rest of the word is a case ending, or
3. after removing a case ending, the word is within a small edit distance of the name (typos).

The work per message is linear in its length: a word longer than the longest name word plus the
longest ending it may carry cannot be a name and is skipped before any lookup, so one long word (or
a 100 KB message) costs no more than the same number of ordinary words.

Simplemma's lemma is tried too. Multi-word names ("Hatanpään valtatie") match word by word; the
longest, best match wins where matches overlap.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from citizenbot.text import fold, lemma, word_spans

# Finnish case endings (folded: ä -> a, ö -> o), Swedish genitive/definite forms, longest first.
_ENDINGS = sorted(
    {
        "n", "a", "ta", "na", "ssa", "sta", "lla", "lta", "lle", "ksi", "kse", "ineen", "ine",
        "han", "hen", "hin", "hon", "hun", "hyn", "seen", "in", "en", "an", "on", "un", "yn",
        "t", "ja", "ita", "illa", "issa", "ista", "ille", "iin", "s", "ssakin", "llakin",
        "kin", "kaan", "ssako", "llako", "nko", "ko",
    },
    key=len,
    reverse=True,
)
_ENDING_SET = frozenset(_ENDINGS) | {""}
# letters that consonant gradation or stem vowels put between the stem and the ending
_LINK_RE = re.compile(r"^[a-z]{0,3}$")
_HOUSE_NUMBER_RE = re.compile(r"^\d{1,4}[a-zA-Z]?$")
# What an inflected name may add after the name word: a link of up to three letters and an ending
# (rule 2 allows up to 8 letters after the stem, which is at most 2 letters shorter than the name).
MAX_EXTRA_LETTERS = 10

MIN_FUZZY_LEN = 6
FUZZY_MIN_SIMILARITY = 0.85
EXACT_ENOUGH = 0.93  # a match by the inflection rules; below it a typo of another name may fit better


@dataclass(frozen=True)
class NameEntry:
    kind: str  # "street", "district", "plan", "venue"
    key: str  # the id of the row in the knowledge base
    display: str  # canonical name shown to the resident
    alias: str  # the name form that is matched (canonical name, Swedish name, other spelling)


@dataclass(frozen=True)
class NameMatch:
    entry: NameEntry
    start: int
    end: int
    score: float
    number: str | None = None  # a house number after a street name ("Hämeenkatu 10")

    @property
    def kind(self) -> str:
        return self.entry.kind

    @property
    def text(self) -> str:
        return self.entry.display + (f" {self.number}" if self.number else "")


def _strip_ending(word: str) -> list[str]:
    """The word with each matching case ending removed (keeps a stem of 4+ letters)."""
    out = [word]
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            out.append(word[: -len(ending)])
    return out


def _is_ending(rest: str, allow_link: bool) -> bool:
    if rest in _ENDING_SET:
        return True
    if not allow_link:
        return False
    # a link of up to three letters (gradation / stem vowel) followed by an ending
    for ending in _ENDING_SET:
        if rest.endswith(ending) and _LINK_RE.match(rest[: len(rest) - len(ending)]):
            return True
    return False


def word_score(word: str, name: str, lang_hint: str = "fi") -> float:
    """How well one folded word matches one folded name word (0 = not at all)."""
    if word == name:
        return 1.0
    if len(name) >= 3 and word.startswith(name) and _is_ending(word[len(name):], allow_link=False):
        return 0.97
    known = fold(lemma(word, lang_hint))
    if known == name:
        return 0.94
    if known != word and abs(len(known) - len(name)) <= 1:
        similarity = Levenshtein.normalized_similarity(known, name)
        if similarity >= FUZZY_MIN_SIMILARITY:
            return 0.9 * similarity  # the lemma itself is the name, misspelt ("Hämenkadulla")
        # another dictionary word of about the name's length ("kauppaan" -> "kauppa", not "Kauppi")
        return 0.0
    for cut in (1, 2):
        stem = name[:-cut]
        if len(stem) < 5 or len(stem) < 0.6 * len(name):
            break
        rest = word[len(stem):]
        if word.startswith(stem) and len(rest) <= 8 and _is_ending(rest, allow_link=True):
            return 0.95 - 0.02 * cut
    if len(name) < MIN_FUZZY_LEN:
        return 0.0
    best = 0.0
    for candidate in _strip_ending(word):
        for cut in (0, 1, 2):
            target = name[: len(name) - cut] if cut else name
            if len(target) < MIN_FUZZY_LEN - 1:
                continue
            for length in (len(target) - 1, len(target), len(target) + 1):
                if cut == 0 and length != len(candidate) and candidate is word:
                    continue
                piece = candidate[:length] if cut else candidate
                sim = Levenshtein.normalized_similarity(piece, target)
                best = max(best, sim)
    return 0.9 * best if best >= FUZZY_MIN_SIMILARITY else 0.0


class NameIndex:
    """An in-memory index of names.

    Candidates for a word come from dictionary lookups (the word's prefixes against each name's
    full form and its stems, and the word's lemma), so a lookup costs a few dozen hash lookups
    whatever the size of the city; only a word that no name explains is compared with edit
    distance (rapidfuzz, in C) against the names sharing its first three letters.
    """

    def __init__(self, entries: Iterable[NameEntry]):
        self._by_key: dict[str, list[tuple[NameEntry, tuple[str, ...]]]] = defaultdict(list)
        self._buckets: dict[str, list[tuple[NameEntry, tuple[str, ...]]]] = defaultdict(list)
        self.size = 0
        longest_token = 0
        for entry in entries:
            tokens = tuple(fold(w) for w, _s, _e in word_spans(entry.alias))
            if not tokens:
                continue
            item = (entry, tokens)
            first = tokens[0]
            keys = {first} | {first[:-cut] for cut in (1, 2) if len(first) - cut >= 5}
            for key in keys:
                self._by_key[key].append(item)
            self._buckets[first[:3]].append(item)
            longest_token = max(longest_token, *(len(t) for t in tokens))
            self.size += 1
        self._longest_key = max((len(k) for k in self._by_key), default=0)
        # a longer word is not a name in any form: it is skipped (linear work for any message)
        self.max_word_len = longest_token + MAX_EXTRA_LETTERS
        self._bucket_words = {k: [tokens[0] for _e, tokens in v] for k, v in self._buckets.items()}

    def _candidates(self, word: str, lang: str) -> list[tuple[NameEntry, tuple[str, ...]]]:
        found: dict[int, tuple[NameEntry, tuple[str, ...]]] = {}
        for length in range(3, min(len(word), self._longest_key) + 1):
            for item in self._by_key.get(word[:length], ()):
                found[id(item)] = item
        known = fold(lemma(word, lang))
        for item in self._by_key.get(known, ()):
            found[id(item)] = item
        return list(found.values())

    def _fuzzy_candidates(self, word: str, lang: str) -> list[tuple[NameEntry, tuple[str, ...]]]:
        """Names within a small edit distance of the word (typos), among those sharing its start."""
        if len(word) < MIN_FUZZY_LEN - 1:
            return []
        from rapidfuzz import fuzz, process

        found: dict[int, tuple[NameEntry, tuple[str, ...]]] = {}
        known = fold(lemma(word, lang))

        for query in {word, known, *_strip_ending(word)}:
            bucket = self._buckets.get(query[:3])
            if not bucket:
                continue
            for _choice, _score, index in process.extract(
                query, self._bucket_words[query[:3]], scorer=fuzz.ratio, score_cutoff=70, limit=20
            ):
                item = bucket[index]
                found[id(item)] = item
        return list(found.values())

    def find(self, text: str, kinds: Iterable[str] | None = None, lang: str = "fi") -> list[NameMatch]:
        """Non-overlapping name matches in the text, in text order."""
        wanted = set(kinds) if kinds else None
        spans = word_spans(text)
        folded = [fold(w) for w, _s, _e in spans]
        candidates: list[tuple[int, float, int, NameMatch]] = []
        for i, word in enumerate(folded):
            if len(word) > self.max_word_len:
                continue
            found_before = len(candidates)
            self._score(self._candidates(word, lang), i, folded, spans, wanted, lang, candidates)
            if not any(c[1] >= EXACT_ENOUGH for c in candidates[found_before:]):
                # nothing explains this word as it is written: maybe a typo of a name
                self._score(self._fuzzy_candidates(word, lang), i, folded, spans, wanted, lang, candidates)
        candidates.sort(key=lambda c: (c[0], c[1], c[2]), reverse=True)
        # best first; the chosen matches never overlap, so they stay sorted by start and a new one
        # needs checking against its two neighbours only
        starts: list[int] = []
        chosen: list[NameMatch] = []
        for _n, _score, _len, match in candidates:
            at = bisect.bisect_left(starts, match.start)
            if at > 0 and chosen[at - 1].end > match.start:
                continue
            if at < len(chosen) and chosen[at].start < match.end:
                continue
            starts.insert(at, match.start)
            chosen.insert(at, match)
        return chosen

    @staticmethod
    def _score(items, i, folded, spans, wanted, lang, candidates) -> None:
        """Score each candidate name starting at word i; append the matches to candidates."""
        for entry, tokens in items:
            if wanted and entry.kind not in wanted:
                continue
            n = len(tokens)
            if i + n > len(folded):
                continue
            scores = []
            for j, token in enumerate(tokens):
                last = j == n - 1
                w = folded[i + j]
                if last:
                    s = word_score(w, token, lang)
                else:
                    s = 1.0 if w == token else (0.9 if _strip_ending(w)[-1] == token else 0.0)
                if s <= 0:
                    break
                scores.append(s)
            else:
                score = min(scores)
                end_index = i + n - 1
                number = None
                if entry.kind == "street" and end_index + 1 < len(spans):
                    nxt = spans[end_index + 1][0]
                    if _HOUSE_NUMBER_RE.match(nxt):
                        number = nxt
                match = NameMatch(entry, spans[i][1], spans[end_index][2], score, number)
                candidates.append((n, score, len(entry.alias), match))

    def best(self, text: str, kinds: Iterable[str] | None = None, lang: str = "fi") -> NameMatch | None:
        matches = self.find(text, kinds, lang)
        return max(matches, key=lambda m: m.score) if matches else None


# --- names that look like streets but are not in the register -------------------------------------

_FI_STREET_RE = re.compile(
    r"^(?P<stem>[a-zåäö-]{3,}?)(?P<kind>katu|kadu|tie|kuja|polku|polu|väylä|raitti|kaari|kaare)"
    r"(?P<rest>[a-zåäö]{0,6})$"
)
_SV_STREET_RE = re.compile(r"^(?P<stem>[a-zåäö-]{3,}?)(?P<kind>gatan|gata|vägen|väg|gränd)(?P<rest>s?)$")
_NOMINATIVE = {"kadu": "katu", "polu": "polku", "kaare": "kaari"}
# common nouns built like street names: "pyörätie", "kävelykatu"...
GENERIC_STREET_WORDS = frozenset(
    fold(w)
    for w in (
        "pyörätie kävelytie maantie valtatie ohitustie kotikatu sivukatu pääkatu kävelykatu asuntokatu "
        "tonttikatu yksityistie metsätie pihatie kiertotie ajotie hiekkatie soratie kulkutie puistotie "
        "pyörätiekatu kevyenliikenteenväylä pyöräkaista moottoritie rautatie sivutie jalkakäytävä "
        "ohikulkutie huoltotie kulkuväylä pyöräväylä baana autotie läpikulkutie kotitie työmaatie "
        "pikkukatu asuinkatu ostoskatu läpiajokatu kokoojakatu jalankulkuväylä ajoväylä pyöräkatu "
        "suojatie ulkoilutie raitiotie alikulkutie pelastustie kevytliikennetie katualue pääväylä "
        "kotigata cykelväg gångväg bilväg landsväg huvudgata sidogata gata väg"
    ).split()
)
# "Oak Road", "Elm street": a capitalised name before the street word ("the icy road", "my street"
# and "a broken street light" are not places; "street light" and "road works" are things)
_EN_STREET_RE = re.compile(
    r"\b([\w-]+)\s+(street|road|avenue)\b(?!\s+(?:lights?|lamps?|lighting|signs?|works?|cleaning|sweeping"
    r"|maintenance|surface|drains?|markings?|furniture|crossing))",
    re.IGNORECASE,
)


def guess_street(text: str) -> str | None:
    """A street-like name in the text that may not be in the register ("Tuntemattomankadulla")."""
    for word, _s, _e in word_spans(text):
        lowered = word.lower()
        if fold(lowered) in GENERIC_STREET_WORDS:
            continue
        for pattern in (_FI_STREET_RE, _SV_STREET_RE):
            m = pattern.match(lowered)
            if m:
                kind = _NOMINATIVE.get(m.group("kind"), m.group("kind"))
                if fold(m.group("stem") + kind) in GENERIC_STREET_WORDS:
                    break
                name = m.group("stem") + kind
                return name[:1].upper() + name[1:]
    for m in _EN_STREET_RE.finditer(text):
        if m.group(1)[:1].isupper() and m.group(1).lower() not in {"the", "my", "our", "this", "that", "a", "main"}:
            return m.group(1) + " " + m.group(2).capitalize()
    return None
