"""Grouping: the waiting messages together by language and similarity, with counts.

Texts that differ only in case, ä/ö and punctuation are one item; similar items (character
n-grams of the folded lemmas of their content words) form a group, largest first, so a trainer
decides once for many residents' phrasings of the same need.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from citizenbot.redact import PLACEHOLDERS
from citizenbot.store.db import Database
from citizenbot.store.models import InboxMessage
from citizenbot.text import fold, lemma, words

from ..project import comparable
from .rows import inbox_rows

DEFAULT_SIMILARITY = 0.35


@dataclass
class Item:
    """One distinct text (case, ä/ö and punctuation ignored) with every message that had it."""

    ids: list[int]
    text: str
    lang: str
    count: int
    reasons: Counter
    predicted: Counter
    confidence: float | None
    first_asked: datetime | None
    last_asked: datetime | None
    conversations: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "ids": self.ids, "text": self.text, "lang": self.lang, "count": self.count,
            "reasons": dict(self.reasons), "predicted": self.predicted.most_common(1)[0][0] if self.predicted else None,
            "confidence": self.confidence, "conversations": self.conversations,
            "first_asked": self.first_asked.isoformat() if self.first_asked else None,
            "last_asked": self.last_asked.isoformat() if self.last_asked else None,
        }


@dataclass
class Group:
    id: str
    lang: str
    items: list[Item]

    @property
    def count(self) -> int:
        return sum(i.count for i in self.items)

    @property
    def label(self) -> str:
        return self.items[0].text

    def to_dict(self) -> dict[str, Any]:
        reasons: Counter = Counter()
        predicted: Counter = Counter()
        for item in self.items:
            reasons.update(item.reasons)
            predicted.update(item.predicted)
        return {
            "id": self.id, "lang": self.lang, "label": self.label, "count": self.count, "distinct": len(self.items),
            "reasons": dict(reasons), "predicted": [{"topic": t, "count": n} for t, n in predicted.most_common(3)],
            "ids": [i for item in self.items for i in item.ids],
            "items": [item.to_dict() for item in self.items],
        }


def _normalise(text_: str, lang: str) -> str:
    """Content words as folded lemmas: what a message is about, not how it is phrased."""
    from citizenbot.language import FUNCTION_WORDS

    function_words = FUNCTION_WORDS.get(lang, frozenset())
    placeholders = {p.strip("<>") for p in PLACEHOLDERS}
    tokens = []
    for word in words(text_):
        if word in placeholders or word.isdigit() or fold(word) in function_words:
            continue
        tokens.append(fold(lemma(word, lang)))
    return " ".join(tokens)


def _items(rows: list[InboxMessage]) -> list[Item]:
    by_key: dict[tuple[str, str], list[InboxMessage]] = defaultdict(list)
    for row in rows:
        by_key[(row.lang, comparable(row.text) or row.text.strip().lower())].append(row)
    items = []
    for (lang, _key), members in by_key.items():
        members.sort(key=lambda r: r.id)
        confidences = [r.confidence for r in members if r.confidence is not None]
        asked = [r.asked_at for r in members if r.asked_at is not None]
        reasons: Counter = Counter()
        for r in members:
            reasons.update(r.reasons.split(","))
        items.append(Item(
            ids=[r.id for r in members], text=Counter(r.text for r in members).most_common(1)[0][0], lang=lang,
            count=len(members), reasons=reasons, predicted=Counter(r.predicted for r in members if r.predicted),
            confidence=round(sum(confidences) / len(confidences), 3) if confidences else None,
            first_asked=min(asked) if asked else None, last_asked=max(asked) if asked else None,
            conversations=len({r.conversation for r in members}),
        ))
    return items


def group_items(items: list[Item], threshold: float = DEFAULT_SIMILARITY) -> list[Group]:
    """Similar texts of one language together: each text joins the most similar group leader
    (cosine of character 3-5-grams of folded lemmas) when at least ``threshold``, else leads a new
    group. Frequent texts lead; groups come out largest first."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    groups: list[Group] = []
    for lang in sorted({i.lang for i in items}):
        members = sorted((i for i in items if i.lang == lang), key=lambda i: (-i.count, i.ids[0]))
        texts = [_normalise(i.text, lang) or i.text.lower() for i in members]
        vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True).fit_transform(texts)
        leaders: list[int] = []
        lang_groups: list[Group] = []
        for n, item in enumerate(members):
            best, best_sim = None, 0.0
            if leaders:
                sims = (vectors[leaders] @ vectors[n].T).toarray().ravel()
                k = int(sims.argmax())
                best, best_sim = k, float(sims[k])
            if best is not None and best_sim >= threshold:
                lang_groups[best].items.append(item)
            else:
                leaders.append(n)
                lang_groups.append(Group(id=f"{lang}-{item.ids[0]}", lang=lang, items=[item]))
        groups.extend(lang_groups)
    groups.sort(key=lambda g: (-g.count, g.lang, g.id))
    for g in groups:
        g.items.sort(key=lambda i: (-i.count, i.ids[0]))
    return groups


def group_rows(rows: list[InboxMessage], threshold: float = DEFAULT_SIMILARITY) -> list[Group]:
    """Groups of inbox rows already read (the analytics' themes of a date range)."""
    return group_items(_items(rows), threshold)


def groups(database: Database, status: str | None = "new", lang: str | None = None, reason: str | None = None,
           threshold: float = DEFAULT_SIMILARITY) -> list[Group]:
    return group_items(_items(inbox_rows(database, status, lang, reason)), threshold)

