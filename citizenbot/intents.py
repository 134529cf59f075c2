"""Which intents are topics: the one list of the intents that are not, and the few named topics
whose role in the conversation code depends on.

Every intent of ``domain.yml`` is either a **topic** of the taxonomy (``kb/topics.yml``: ``id``,
``kind`` = faq / lookup / action / meta, ``about``) or a **control intent** that only steers forms
and buttons ("yes", "no", "cancel") and has no taxonomy entry; Rasa adds ``nlu_fallback`` for a
message below the confidence threshold. Topics are what answers, feedback and evaluation name;
the non-topic intents never are.

Some topics of kind ``meta`` (conversation management) are special: ``out_of_scope`` says what the
assistant does not cover, and greetings, goodbyes and thanks are small talk. Neither is worth
offering as a suggestion when the assistant did not understand. ``citizenbot data check`` keeps
these lists and the taxonomy in agreement (``taxonomy_problems``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

FALLBACK_INTENT = "nlu_fallback"  # Rasa's FallbackClassifier: below the confidence threshold
CONTROL_INTENTS = ("affirm", "deny", "cancel")  # in domain.yml, not in the taxonomy
NON_TOPIC_INTENTS = frozenset((*CONTROL_INTENTS, FALLBACK_INTENT))

OUT_OF_SCOPE = "out_of_scope"
EMERGENCY_INTENT = "health.emergency"  # set by the safety net whatever the classifier's confidence
SMALL_TALK = frozenset({"meta.greet", "meta.goodbye", "meta.thanks"})
POISONING = "health.poisoning"
# Intents never offered as "did you mean" buttons.
NOT_SUGGESTED = NON_TOPIC_INTENTS | {OUT_OF_SCOPE} | SMALL_TALK
# Topics that alarm: offered as a suggestion only when the classifier is confident about them
# (citizenbot.fallback), never for text that means nothing ("blaa blaa" ranks them low but
# above the others).
ALARMING_TOPICS = frozenset({EMERGENCY_INTENT, POISONING})
# The kind of taxonomy entry each named topic must be.
NAMED_TOPIC_KINDS = {OUT_OF_SCOPE: "meta", **{topic: "meta" for topic in SMALL_TALK},
                     **{topic: "faq" for topic in ALARMING_TOPICS}}


def is_topic(intent: str | None) -> bool:
    """Whether an intent names a topic (something the assistant answers), given a consistent
    domain (see taxonomy_problems)."""
    return bool(intent) and intent not in NON_TOPIC_INTENTS


def taxonomy_problems(topic_kinds: Mapping[str, str], domain_intents: Iterable[str]) -> list[str]:
    """Where the taxonomy (topic id -> kind), the domain's intents and the lists above disagree."""
    intents = list(domain_intents)
    problems = []
    for intent in intents:
        if intent not in topic_kinds and intent not in CONTROL_INTENTS:
            problems.append(f"intent {intent} is neither a topic of kb/topics.yml nor a control intent "
                            f"({', '.join(CONTROL_INTENTS)})")
    for intent in CONTROL_INTENTS:
        if intent in topic_kinds:
            problems.append(f"{intent} is a control intent (citizenbot/intents.py), not a topic of kb/topics.yml")
        elif intent not in intents:
            problems.append(f"control intent {intent} is missing from domain.yml")
    for topic, kind in NAMED_TOPIC_KINDS.items():
        if topic_kinds.get(topic) != kind:
            problems.append(f"topic {topic} must be in kb/topics.yml with kind {kind} (citizenbot/intents.py "
                            f"relies on it), found {topic_kinds.get(topic) or 'nothing'}")
    return problems
