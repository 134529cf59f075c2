"""The review inbox: what residents asked that the assistant did not handle well.

``collect`` reads Rasa's tracker store (table ``events`` in the project's database) and the
``feedback`` table and keeps, **redacted**, every resident message that

* was not understood (``nlu_fallback``),
* was answered with low confidence (below ``low_confidence``, default 0.5),
* was classified out of scope (often a topic the assistant should learn), or
* preceded an answer that got a thumbs down.

Button presses ("/topic") and answers typed into the fault-report form are not questions and are
skipped. Collecting is incremental and idempotent (a watermark over the events; one row per
message).

``groups`` puts the waiting messages together by language and similarity (character n-grams of
the folded lemmas), with counts. ``apply_decisions`` carries out a trainer's decisions: assign to a
topic, mark out of scope (an ``out_of_scope`` example), start a new topic (a draft description
for ``citizenbot topic add``) or ignore. Accepted examples are written into
``data/nlu/<lang>/<file>.yml`` and every changed file is read back with Rasa's own reader.
``export_tsv`` / ``import_tsv`` are the same as a spreadsheet round trip.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from citizenbot.conversation import BotMessage, ResidentMessage
from citizenbot.conversation import store as stored
from citizenbot.conversation.events import BOT, FORM_KINDS, USER, form_after, question_answered_by
from citizenbot.intents import EMERGENCY_INTENT, FALLBACK_INTENT
from citizenbot.intents import OUT_OF_SCOPE as OUT_OF_SCOPE_INTENT
from citizenbot.language import language_of_stored
from citizenbot.settings import served_languages
from citizenbot.store.db import Database
from citizenbot.store.models import Feedback, InboxMessage, TrainerMeta, utcnow
from citizenbot.text import fold, lemma, words

from . import edits
from .project import FileEdits, Project, comparable
from .redact import PLACEHOLDERS, redact, surrogate

NOT_UNDERSTOOD, LOW_CONFIDENCE, OUT_OF_SCOPE, THUMBS_DOWN = "not_understood", "low_confidence", "out_of_scope", "thumbs_down"
REASONS = (NOT_UNDERSTOOD, LOW_CONFIDENCE, OUT_OF_SCOPE, THUMBS_DOWN)
STATUSES = ("new", "assigned", "out_of_scope", "new_topic", "ignored")
ACTIONS = ("assign", "out_of_scope", "new_topic", "ignore")
DEFAULT_LOW_CONFIDENCE = 0.5
DEFAULT_SIMILARITY = 0.35
EVENTS_WATERMARK = "inbox.events_watermark"
FEEDBACK_WATERMARK = "inbox.feedback_watermark"
SCANNED_KINDS = (USER, BOT, *FORM_KINDS)
TSV_COLUMNS = ("group", "group_count", "lang", "count", "text", "predicted", "confidence", "reasons",
               "action", "topic", "example", "ids")


# --- collecting ---------------------------------------------------------------------------------


@dataclass
class Candidate:
    key: str
    conversation: str
    text: str
    lang: str | None
    reasons: set[str]
    predicted: str | None
    confidence: float | None
    asked_at: datetime | None


@dataclass
class CollectResult:
    scanned_events: int = 0
    added: int = 0
    updated: int = 0
    by_reason: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"scanned_events": self.scanned_events, "added": self.added, "updated": self.updated,
                "by_reason": dict(self.by_reason)}


def _hash(value: str, length: int = 64) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:length]


def _meta(session, key: str, default: str | None = None) -> str | None:
    row = session.get(TrainerMeta, key)
    return row.value if row else default


def _set_meta(session, key: str, value: str) -> None:
    row = session.get(TrainerMeta, key)
    if row is None:
        session.add(TrainerMeta(key=key, value=value))
    else:
        row.value = value


def _best_topic(message: ResidentMessage) -> tuple[str | None, float | None]:
    """The classifier's likeliest real intent (under nlu_fallback it is in the ranking)."""
    if message.intent and message.intent != FALLBACK_INTENT:
        return message.intent, _round(message.confidence)
    for name, confidence in message.ranking:
        if name != FALLBACK_INTENT:
            return name, _round(confidence)
    return None, None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _user_candidate(sender: str, message: ResidentMessage, low_confidence: float, include_out_of_scope: bool,
                    event_time: float | None) -> Candidate | None:
    text_ = message.text.strip()
    if not text_ or text_.startswith("/"):
        return None
    intent, confidence = message.intent, _round(message.confidence)
    reasons = set()
    if intent == FALLBACK_INTENT:
        reasons.add(NOT_UNDERSTOOD)
    elif intent == OUT_OF_SCOPE_INTENT:
        if include_out_of_scope:
            reasons.add(OUT_OF_SCOPE)
    elif intent and intent != EMERGENCY_INTENT and confidence is not None and confidence < low_confidence:
        # (an emergency is the safety net's decision, whatever the classifier's confidence)
        reasons.add(LOW_CONFIDENCE)
    predicted, predicted_confidence = _best_topic(message)
    return Candidate(
        key=_hash(f"{sender}\x00{message.message_id or repr(event_time)}"),
        conversation=_hash(sender, 16),
        text=text_,
        lang=_message_lang(message),
        reasons=reasons,
        predicted=predicted,
        confidence=predicted_confidence,
        asked_at=datetime.fromtimestamp(event_time, tz=timezone.utc) if event_time else None,
    )


def _message_lang(message: ResidentMessage) -> str | None:
    return language_of_stored(message.detected_lang, message.detected_confidence, message.page_lang)


def collect(database: Database, kb_dir: str | Path | None = None, low_confidence: float = DEFAULT_LOW_CONFIDENCE,
            include_out_of_scope: bool = True) -> CollectResult:
    """Add the new problem messages of the tracker store and the thumbs-down votes to the inbox."""
    result = CollectResult()
    candidates: dict[str, Candidate] = {}

    def keep(candidate: Candidate | None) -> None:
        if candidate is None or not candidate.reasons:
            return
        known = candidates.get(candidate.key)
        if known is None:
            candidates[candidate.key] = candidate
        else:
            known.reasons |= candidate.reasons
            known.lang = known.lang or candidate.lang

    with database.session() as session:
        watermark = int(_meta(session, EVENTS_WATERMARK, "0") or 0)
        feedback_mark = _meta(session, FEEDBACK_WATERMARK)
    has_events = stored.has_conversations(database)
    last_id = watermark
    if has_events:
        top = stored.last_event_id(database)
        forms: dict[str, str | None] = {}
        pending: dict[str, Candidate] = {}  # the last question per conversation, until the bot answers
        for item in stored.read_events(database, after=watermark, until=top, kinds=SCANNED_KINDS):
            result.scanned_events += 1
            last_id = item.id
            sender = item.sender
            if sender not in forms:
                forms[sender] = _form_before(database, sender, watermark)
            if item.kind in FORM_KINDS:
                forms[sender] = form_after(item.event, forms[sender])
            elif item.kind == USER:
                pending.pop(sender, None)
                if forms[sender]:
                    continue  # an answer to the report form ("Hämeenkatu 10"), not a question
                message = ResidentMessage.from_event(item.event)
                candidate = _user_candidate(sender, message, low_confidence, include_out_of_scope, item.timestamp)
                if candidate is not None and candidate.reasons:
                    pending[sender] = candidate
                    keep(candidate)
            elif item.kind == BOT:
                candidate = pending.pop(sender, None)
                answered_in = BotMessage.from_event(item.event).envelope.lang
                if candidate is not None and answered_in in served_languages():
                    candidate.lang = answered_in  # the language the assistant answered in
        if last_id < top:
            last_id = top
    down_votes, new_feedback_mark = _thumbs_down(database, feedback_mark)
    for vote in down_votes:
        if not has_events:
            break
        candidate = _candidate_for_vote(database, vote, low_confidence, include_out_of_scope)
        if candidate is not None:
            candidate.reasons |= {THUMBS_DOWN}
            candidate.lang = vote.lang if vote.lang in served_languages() else candidate.lang
            keep(candidate)
    _store(database, candidates.values(), kb_dir, result)
    with database.session() as session:
        _set_meta(session, EVENTS_WATERMARK, str(last_id))
        if new_feedback_mark:
            _set_meta(session, FEEDBACK_WATERMARK, new_feedback_mark)
    return result


def _form_before(database: Database, sender: str, watermark: int) -> str | None:
    """The form a conversation was in when the previous collection stopped."""
    if watermark <= 0:
        return None
    for item in stored.read_events(database, until=watermark, sender=sender, kinds=FORM_KINDS,
                                   newest_first=True, limit=1):
        return form_after(item.event, None)
    return None


def _thumbs_down(database: Database, after: str | None) -> tuple[list[Feedback], str | None]:
    with database.session() as session:
        query = select(Feedback).where(Feedback.value == "down").order_by(Feedback.updated_at, Feedback.id)
        rows = list(session.execute(query).scalars())
    if after:
        rows = [r for r in rows if _iso(r.updated_at) > after]
    newest = max((_iso(r.updated_at) for r in rows), default=None)
    return rows, newest or after


def _iso(value: datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).isoformat()


def _candidate_for_vote(database: Database, vote: Feedback, low_confidence: float,
                        include_out_of_scope: bool) -> Candidate | None:
    """The resident's question that the voted answer replied to."""
    events = [item.event for item in stored.read_events(database, sender=vote.conversation_id, kinds=(USER, BOT))]
    question = question_answered_by(events, vote.message_id)
    if question is None:
        return None
    return _user_candidate(vote.conversation_id, question, low_confidence, include_out_of_scope, question.timestamp)


def _store(database: Database, candidates: Iterable[Candidate], kb_dir, result: CollectResult) -> None:
    with database.session() as session:
        for c in candidates:
            row = session.execute(select(InboxMessage).where(InboxMessage.source_key == c.key)).scalar_one_or_none()
            for reason in c.reasons:
                result.by_reason[reason] = result.by_reason.get(reason, 0) + 1
            if row is None:
                session.add(InboxMessage(
                    source_key=c.key, conversation=c.conversation, text=redact(c.text, kb_dir),
                    lang=c.lang or "fi", reasons=",".join(sorted(c.reasons)), predicted=c.predicted,
                    confidence=c.confidence, asked_at=c.asked_at, status="new",
                ))
                result.added += 1
            else:
                merged = set(row.reasons.split(",")) | c.reasons
                if merged != set(row.reasons.split(",")):
                    row.reasons = ",".join(sorted(merged))
                    result.updated += 1


# --- grouping -----------------------------------------------------------------------------------


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


def inbox_rows(database: Database, status: str | None = "new", lang: str | None = None,
               reason: str | None = None) -> list[InboxMessage]:
    with database.session() as session:
        query = select(InboxMessage).order_by(InboxMessage.id)
        if status:
            query = query.where(InboxMessage.status == status)
        if lang:
            query = query.where(InboxMessage.lang == lang)
        rows = list(session.execute(query).scalars())
    if reason:
        rows = [r for r in rows if reason in r.reasons.split(",")]
    return rows


def groups(database: Database, status: str | None = "new", lang: str | None = None, reason: str | None = None,
           threshold: float = DEFAULT_SIMILARITY) -> list[Group]:
    return group_items(_items(inbox_rows(database, status, lang, reason)), threshold)


# --- export / import ----------------------------------------------------------------------------


def export_tsv(database: Database, out: io.TextIOBase, status: str | None = "new", lang: str | None = None,
               reason: str | None = None, threshold: float = DEFAULT_SIMILARITY) -> int:
    """The inbox as a TSV for a spreadsheet: one row per distinct text, rows of a group together,
    largest groups first. Returns the number of rows."""
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(TSV_COLUMNS)
    rows = 0
    for group in groups(database, status, lang, reason, threshold):
        for item in group.items:
            predicted = item.predicted.most_common(1)[0][0] if item.predicted else ""
            writer.writerow([group.id, group.count, item.lang, item.count, _one_line(item.text), predicted,
                             "" if item.confidence is None else f"{item.confidence:.2f}",
                             ",".join(sorted(item.reasons)), "", "", "", ",".join(map(str, item.ids))])
            rows += 1
    return rows


def _one_line(value: str) -> str:
    return " ".join(str(value).split())


class DecisionFileError(ValueError):
    """The TSV cannot be imported; the message names the line."""


def read_decisions_tsv(source: io.TextIOBase) -> list[dict[str, Any]]:
    """Rows with an action (or a topic) become decisions; empty rows stay in the inbox."""
    reader = csv.DictReader(source, delimiter="\t")
    missing = {"action", "topic", "ids"} - set(reader.fieldnames or [])
    if missing:
        raise DecisionFileError(f"the TSV has no column(s) {', '.join(sorted(missing))} (export one with "
                           "`citizenbot inbox export`)")
    decisions = []
    for n, row in enumerate(reader, start=2):
        action = (row.get("action") or "").strip().lower().replace(" ", "_").replace("-", "_")
        topic = (row.get("topic") or "").strip()
        if not action and not topic:
            continue
        if not action:
            action = "assign"
        try:
            ids = [int(i) for i in (row.get("ids") or "").replace(";", ",").split(",") if i.strip()]
        except ValueError as exc:
            raise DecisionFileError(f"line {n}: ids must be numbers: {row.get('ids')!r}") from exc
        decisions.append({"ids": ids, "action": action, "topic": topic or None,
                          "example": (row.get("example") or "").strip() or None,
                          "lang": (row.get("lang") or "").strip() or None, "line": n})
    return decisions


@dataclass
class ApplyResult:
    written: list[dict[str, Any]] = field(default_factory=list)
    not_written: list[dict[str, Any]] = field(default_factory=list)
    drafts: list[dict[str, Any]] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)
    updated: int = 0
    files: list[str] = field(default_factory=list)
    dry_run: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"written": self.written, "not_written": self.not_written, "drafts": self.drafts,
                "problems": self.problems, "updated": self.updated, "files": self.files, "dry_run": self.dry_run}


def apply_decisions(database: Database, project: Project, decisions: list[dict[str, Any]],
                    reviewer: str | None = None, dry_run: bool = False, allow_reviewed: bool = False) -> ApplyResult:
    """Carry out review decisions (see the module docstring); returns what happened, JSON-able.

    A decision is ``{"ids": [inbox ids], "action": "assign" | "out_of_scope" | "new_topic" |
    "ignore", "topic": <topic id for assign / new_topic>, "example": <edited text, optional>,
    "lang": <fi|sv|en, optional>}``. Invalid decisions are reported in ``problems`` and change
    nothing; the rest is applied.
    """
    result = ApplyResult(dry_run=dry_run)
    topics = set(project.topic_ids())
    intents = set(project.domain_intents()) | topics
    with project.lock():
        rows = {r.id: r for r in inbox_rows(database, status=None)}
        existing: dict[str, tuple[str, str]] = {}  # comparable text -> (intent, lang)
        for e in project.examples():
            existing.setdefault(comparable(e.text), (e.intent, e.lang))
        eval_texts = {comparable(q.text) for q in project.eval_questions()}
        to_write: dict[tuple[str, str], list[tuple[str, dict]]] = defaultdict(list)
        updates: list[tuple[list[int], dict[str, Any]]] = []
        streets = _street_names(project)
        decided: set[int] = set()

        for d in decisions:
            where = f"line {d['line']}" if d.get("line") else f"ids {d.get('ids')}"
            action = str(d.get("action") or "").strip()
            ids = [int(i) for i in d.get("ids") or []]
            problem = _validate(d, action, ids, rows, intents, allow_reviewed)
            twice = sorted(set(ids) & decided)
            if twice and not problem:
                problem = f"decided twice in this batch: {twice}"
            if problem:
                result.problems.append({"where": where, "ids": ids, "problem": problem})
                continue
            decided.update(ids)
            if action == "ignore":
                updates.append((ids, {"status": "ignored", "topic": None, "example": None}))
                continue
            topic = OUT_OF_SCOPE_INTENT if action == "out_of_scope" else str(d.get("topic") or "").strip()
            status = {"assign": "assigned", "out_of_scope": "out_of_scope", "new_topic": "new_topic"}[action]
            for part_ids, lang, example in _examples_of(d, ids, rows, streets):
                entry = {"ids": part_ids, "topic": topic, "lang": lang, "example": example}
                if not example:
                    result.problems.append({"where": where, "ids": part_ids, "problem": "the example is empty"})
                    continue
                key = comparable(example)
                if key in eval_texts:
                    result.not_written.append({**entry, "reason": "it is an evaluation question (tests/eval): "
                                               "evaluation questions never become training examples"})
                    updates.append((part_ids, {"status": status, "topic": topic, "example": example}))
                    continue
                if action == "new_topic" and topic not in intents:
                    result.drafts.append(entry)
                    updates.append((part_ids, {"status": status, "topic": topic, "example": example}))
                    continue
                if key in existing:
                    other, other_lang = existing[key]
                    if other != topic:
                        result.problems.append({"where": where, "ids": part_ids, "problem": f"{example!r} is already an "
                                                f"example of {other} ({other_lang}); move that example or edit this one"})
                        continue
                    result.not_written.append({**entry, "reason": "already an example of this topic"})
                    updates.append((part_ids, {"status": status, "topic": topic, "example": example}))
                    continue
                existing[key] = (topic, lang)
                to_write[(topic, lang)].append((example, entry))
                updates.append((part_ids, {"status": status, "topic": topic, "example": example, "_key": (topic, lang)}))

        written_to: dict[tuple[str, str], str] = {}
        if to_write:
            changes = FileEdits()
            for (topic, lang), items in sorted(to_write.items()):
                path = edits.nlu_file_for(project, lang, topic)
                changes.write(path, edits.add_examples(changes.read(path), topic, [e for e, _ in items]))
                written_to[(topic, lang)] = project.relative(path)
                for _example, entry in items:
                    result.written.append({**entry, "file": project.relative(path)})
            result.files = [project.relative(p) for p in changes.paths]
            if not dry_run:
                changes.commit()
                try:
                    from .scaffold import validate_nlu_file

                    for path in changes.paths:
                        validate_nlu_file(path)
                except Exception:
                    changes.rollback()
                    raise
        if result.drafts and not dry_run:
            _write_drafts(project, result.drafts)
        if not dry_run:
            now = utcnow()
            with database.session() as session:
                for ids, values in updates:
                    target = written_to.get(values.pop("_key", None)) if "_key" in values else None
                    for row in session.execute(select(InboxMessage).where(InboxMessage.id.in_(ids))).scalars():
                        row.status = values["status"]
                        row.topic = values["topic"]
                        row.example = values["example"]
                        row.reviewed_by = reviewer
                        row.reviewed_at = now
                        row.written_to = target
                        result.updated += 1
        else:
            result.updated = sum(len(ids) for ids, _ in updates)
    return result


def _validate(d: dict, action: str, ids: list[int], rows: dict[int, InboxMessage], intents: set[str],
              allow_reviewed: bool) -> str | None:
    from .scaffold import TOPIC_ID_RE

    if action not in ACTIONS:
        return f"action must be one of {', '.join(ACTIONS)} (got {action!r})"
    if not ids:
        return "no inbox ids"
    unknown = [i for i in ids if i not in rows]
    if unknown:
        return f"unknown inbox id(s) {unknown}"
    if not allow_reviewed:
        done = [i for i in ids if rows[i].status != "new"]
        if done:
            return f"already reviewed: {done}"
    lang = d.get("lang")
    if lang and lang not in served_languages():
        return f"lang must be one of {', '.join(served_languages())}"
    topic = str(d.get("topic") or "").strip()
    if action == "assign":
        if not topic:
            return "assign needs a topic"
        if topic not in intents or topic == FALLBACK_INTENT:
            return f"unknown topic {topic!r} (to start a new one use action new_topic)"
    if action == "new_topic":
        if not topic or not TOPIC_ID_RE.match(topic):
            return f"new_topic needs a new topic id such as maintenance.dog_parks (got {topic!r})"
    return None


def _examples_of(d: dict, ids: list[int], rows: dict[int, InboxMessage],
                 streets: list[str]) -> list[tuple[list[int], str, str]]:
    """(ids, lang, example) per distinct text of the decided messages; one given example covers all."""
    if d.get("example"):
        first = rows[ids[0]]
        return [(ids, d.get("lang") or first.lang, edits.clean_example(surrogate(str(d["example"]), streets)))]
    parts: dict[tuple[str, str], tuple[list[int], str, str]] = {}
    for i in ids:
        row = rows[i]
        lang = d.get("lang") or row.lang
        example = edits.clean_example(surrogate(row.text, streets))
        key = (lang, comparable(example) or example)
        if key in parts:
            parts[key][0].append(i)
        else:
            parts[key] = ([i], lang, example)
    return list(parts.values())


def _street_names(project: Project) -> list[str]:
    path = project.kb_dir / "streets.csv"
    if not path.exists():
        return []
    with open(path, encoding="utf-8", newline="") as handle:
        return [row["name_fi"] for row in csv.DictReader(handle) if row.get("name_fi")][:200]


def drafts_dir(project: Project) -> Path:
    return project.state_dir / "new_topics"


def _write_drafts(project: Project, drafts: list[dict[str, Any]]) -> list[Path]:
    """Accepted messages of a new topic go into its description draft for ``citizenbot topic add``."""
    by_topic: dict[str, list[dict]] = defaultdict(list)
    for d in drafts:
        by_topic[d["topic"]].append(d)
    paths = []
    for topic, items in by_topic.items():
        path = drafts_dir(project) / f"{topic}.yml"
        data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
        langs = served_languages()
        data = data or {"id": topic, "kind": "faq", "about": "", "title": {lang: "" for lang in langs},
                        "answer": {lang: "" for lang in langs}, "examples": {lang: [] for lang in langs}}
        examples = data.setdefault("examples", {})
        for item in items:
            bucket = examples.setdefault(item["lang"], []) or []
            if comparable(item["example"]) not in {comparable(e) for e in bucket}:
                bucket.append(item["example"])
            examples[item["lang"]] = bucket
            item["draft"] = project.relative(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        header = (f"# Draft of a new topic started from the review inbox. Fill in about, title and answer in\n"
                  f"# {'/'.join(langs)}, write at least 20 examples per language, then:\n"
                  f"#   citizenbot topic add --from {project.relative(path)}\n")
        path.write_text(header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
        paths.append(path)
    return paths


def import_tsv(database: Database, project: Project, source: io.TextIOBase, reviewer: str | None = None,
               dry_run: bool = False) -> ApplyResult:
    return apply_decisions(database, project, read_decisions_tsv(source), reviewer=reviewer, dry_run=dry_run)


def summary(database: Database) -> dict[str, Any]:
    """Counts by status, language and reason (for the console's inbox badge and the CLI)."""
    by_status: Counter = Counter()
    waiting_lang: Counter = Counter()
    waiting_reason: Counter = Counter()
    for row in inbox_rows(database, status=None):
        by_status[row.status] += 1
        if row.status == "new":
            waiting_lang[row.lang] += 1
            waiting_reason.update(row.reasons.split(","))
    with database.session() as session:
        mark = _meta(session, EVENTS_WATERMARK)
    return {"by_status": {s: by_status.get(s, 0) for s in STATUSES}, "waiting_by_lang": dict(waiting_lang),
            "waiting_by_reason": dict(waiting_reason), "events_read_up_to": int(mark) if mark else 0}
