"""What to say when the assistant did not understand: suggestions, then a person."""

from __future__ import annotations

from collections.abc import Sequence

from citizenbot.intents import ALARMING_TOPICS, NOT_SUGGESTED
from citizenbot.kb import KnowledgeBase
from citizenbot.replies import Reply

MIN_SUGGESTION_CONFIDENCE = 0.05
# Emergency and poisoning are suggested only at this confidence. Gibberish ranks them at about
# 0.02-0.05 (checked on the model of 2026-12-06), a poisoning question told in other words at
# 0.9 and more; below the fallback threshold (0.2) they are therefore never offered.
MIN_ALARMING_CONFIDENCE = 0.5


# The classifier's intent ranking of a message: (intent, confidence), likeliest first
# (citizenbot.conversation.ResidentMessage.ranking).
Ranking = Sequence[tuple[str, float]]


def suggestions(ranking: Ranking, limit: int = 2) -> list[str]:
    """The likeliest topics of a message the classifier was unsure about."""
    picked: list[str] = []
    for name, confidence in ranking:
        if not name or name in NOT_SUGGESTED or name in picked:
            continue
        minimum = MIN_ALARMING_CONFIDENCE if name in ALARMING_TOPICS else MIN_SUGGESTION_CONFIDENCE
        if float(confidence or 0) < minimum:
            continue
        picked.append(name)
        if len(picked) == limit:
            break
    return picked


def topic_button(kb: KnowledgeBase, topic: str, lang: str) -> dict:
    return {"title": kb.label(f"topic.{topic}", lang, topic), "payload": f"/{topic}"}


def not_understood(kb: KnowledgeBase, ranking: Ranking, lang: str) -> Reply:
    topics = suggestions(ranking)
    if not topics:
        return Reply(kb.answer("fallback.not_understood_plain", lang), "fallback.not_understood")
    return Reply(
        kb.answer("fallback.not_understood", lang),
        "fallback.not_understood",
        [topic_button(kb, t, lang) for t in topics],
    )


def person_queue(ranking: Ranking) -> str:
    """Health questions go to the nurse, everything else to customer service."""
    for topic in suggestions(ranking, limit=1):
        if topic.startswith("health."):
            return "handoff.nurse"
    return "handoff.agent"


def offer_person(kb: KnowledgeBase, ranking: Ranking, lang: str) -> Reply:
    queue = person_queue(ranking)
    return Reply(
        kb.answer("fallback.offer_person", lang),
        "fallback.offer_person",
        [
            {"title": kb.label("button.talk_to_person", lang), "payload": f"/{queue}"},
            {"title": kb.label("button.no", lang), "payload": "/deny"},
        ],
    )
