"""What to say when the assistant did not understand: suggestions, then a person."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from citizenbot.kb import KnowledgeBase
from citizenbot.replies import Reply

NON_TOPICS = frozenset({"nlu_fallback", "out_of_scope", "affirm", "deny", "cancel", "meta.greet",
                        "meta.goodbye", "meta.thanks"})
MIN_SUGGESTION_CONFIDENCE = 0.05


def suggestions(ranking: list[Mapping[str, Any]] | None, limit: int = 2) -> list[str]:
    """The likeliest topics of a message the classifier was unsure about."""
    picked = []
    for item in ranking or []:
        name = item.get("name")
        if not name or name in NON_TOPICS or name in picked:
            continue
        if float(item.get("confidence") or 0) < MIN_SUGGESTION_CONFIDENCE:
            continue
        picked.append(name)
        if len(picked) == limit:
            break
    return picked


def topic_button(kb: KnowledgeBase, topic: str, lang: str) -> dict:
    return {"title": kb.label(f"topic.{topic}", lang, topic), "payload": f"/{topic}"}


def not_understood(kb: KnowledgeBase, message: Mapping[str, Any], lang: str) -> Reply:
    topics = suggestions(message.get("intent_ranking"))
    if not topics:
        return Reply(kb.answer("fallback.not_understood_plain", lang), "fallback.not_understood")
    return Reply(
        kb.answer("fallback.not_understood", lang),
        "fallback.not_understood",
        [topic_button(kb, t, lang) for t in topics],
    )


def person_queue(message: Mapping[str, Any]) -> str:
    """Health questions go to the nurse, everything else to customer service."""
    for topic in suggestions(message.get("intent_ranking"), limit=1):
        if topic.startswith("health."):
            return "handoff.nurse"
    return "handoff.agent"


def offer_person(kb: KnowledgeBase, message: Mapping[str, Any], lang: str) -> Reply:
    queue = person_queue(message)
    return Reply(
        kb.answer("fallback.offer_person", lang),
        "fallback.offer_person",
        [
            {"title": kb.label("button.talk_to_person", lang), "payload": f"/{queue}"},
            {"title": kb.label("button.no", lang), "payload": "/deny"},
        ],
    )
