"""Emergency safety net: life-threatening situations are recognised by rules, not only by the model.

The rules live in ``kb/safety/emergency.yml`` (editable content, documented there). They are
checked on every message by the NLU pipeline (``citizenbot.nlu.EmergencyOverride``) and by the
handoff relay, so a description of an emergency gets the 112 answer first whatever the classifier
predicts and whoever is handling the conversation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from citizenbot.text import fold_script, normalise_for_rules

DEFAULT_RULES = Path(__file__).resolve().parent.parent / "kb" / "safety" / "emergency.yml"


@dataclass(frozen=True)
class Rule:
    id: str
    any: tuple[re.Pattern[str], ...]
    all: tuple[tuple[re.Pattern[str], ...], ...]
    unless: tuple[re.Pattern[str], ...]

    def matches(self, normalised: str) -> bool:
        if any(p.search(normalised) for p in self.unless):
            return False
        if any(p.search(normalised) for p in self.any):
            return True
        return any(all(p.search(normalised) for p in group) for group in self.all)


class RuleError(ValueError):
    pass


def _compile(pattern: str, rule_id: str) -> re.Pattern[str]:
    try:
        return re.compile(fold_script(pattern))
    except re.error as exc:
        raise RuleError(f"emergency rule {rule_id}: bad pattern {pattern!r}: {exc}") from exc


def parse_rules(data: dict) -> tuple[Rule, ...]:
    rules = []
    for raw in data.get("rules") or []:
        rule_id = raw.get("id") or "?"
        unknown = set(raw) - {"id", "any", "all", "unless"}
        if unknown:
            raise RuleError(f"emergency rule {rule_id}: unknown keys {sorted(unknown)}")
        rules.append(
            Rule(
                id=rule_id,
                any=tuple(_compile(p, rule_id) for p in raw.get("any") or []),
                all=tuple(tuple(_compile(p, rule_id) for p in group) for group in raw.get("all") or []),
                unless=tuple(_compile(p, rule_id) for p in raw.get("unless") or []),
            )
        )
    if not rules:
        raise RuleError("no emergency rules found")
    return tuple(rules)


@lru_cache(maxsize=4)
def load_rules(path: str | Path = DEFAULT_RULES) -> tuple[Rule, ...]:
    with open(path, encoding="utf-8") as handle:
        return parse_rules(yaml.safe_load(handle) or {})


def emergency_rule(text: str, rules: tuple[Rule, ...] | None = None) -> str | None:
    """The id of the first emergency rule the message matches, or None."""
    if not text:
        return None
    normalised = normalise_for_rules(text)
    for rule in rules if rules is not None else load_rules():
        if rule.matches(normalised):
            return rule.id
    return None


def is_emergency(text: str) -> bool:
    return emergency_rule(text) is not None
