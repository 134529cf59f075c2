"""The one list of non-topic intents agrees with the taxonomy's kinds and the domain."""

import yaml

from citizenbot import intents

from .conftest import KB_DIR, ROOT

KINDS = {t["id"]: t["kind"] for t in yaml.safe_load((KB_DIR / "topics.yml").read_text(encoding="utf-8"))["topics"]}
DOMAIN_INTENTS = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["intents"]


def test_the_project_agrees_with_the_lists():
    assert intents.taxonomy_problems(KINDS, DOMAIN_INTENTS) == []
    # the control intents are exactly the domain's intents without a taxonomy entry
    assert {i for i in DOMAIN_INTENTS if i not in KINDS} == set(intents.CONTROL_INTENTS)


def test_topics_and_non_topics():
    assert all(intents.is_topic(topic) for topic in KINDS)
    assert not any(intents.is_topic(i) for i in (*intents.CONTROL_INTENTS, "nlu_fallback", None, ""))
    assert {"out_of_scope", "meta.greet", "affirm", "nlu_fallback"} <= intents.NOT_SUGGESTED
    assert "meta.privacy" not in intents.NOT_SUGGESTED and "health.cold_flu" not in intents.NOT_SUGGESTED


def test_disagreements_are_named():
    kinds = {**KINDS, "affirm": "meta", "meta.thanks": "faq"}
    del kinds["out_of_scope"]
    problems = intents.taxonomy_problems(kinds, [i for i in DOMAIN_INTENTS if i != "cancel"] + ["smalltalk"])
    assert any("smalltalk is neither a topic" in p for p in problems)
    assert any("affirm is a control intent" in p for p in problems)
    assert any("cancel is missing from domain.yml" in p for p in problems)
    assert any(p.startswith("topic out_of_scope must be in kb/topics.yml with kind meta") for p in problems)
    assert any(p.startswith("topic meta.thanks must be") and p.endswith("found faq") for p in problems)
