"""Suggestions when the assistant did not understand (citizenbot/fallback.py)."""

from citizenbot.fallback import MIN_ALARMING_CONFIDENCE, person_queue, suggestions

# What the classifier ranked for "hsjd kdkd" (model of 2026-12-06), below the fallback threshold:
GIBBERISH = [("nlu_fallback", 0.2), ("out_of_scope", 0.135), ("affirm", 0.125), ("health.poisoning", 0.06),
             ("health.emergency", 0.055), ("meta.feedback", 0.052), ("health.dental", 0.05)]


def test_text_that_means_nothing_never_gets_emergency_or_poisoning_suggested():
    assert suggestions(GIBBERISH) == ["meta.feedback", "health.dental"]
    assert person_queue(GIBBERISH) == "handoff.agent"  # a poisoning guess does not make it a nurse's case


def test_alarming_topics_are_suggested_when_the_classifier_is_confident():
    ranking = [("health.poisoning", MIN_ALARMING_CONFIDENCE), ("health.emergency", 0.3), ("health.cold_flu", 0.1)]
    assert suggestions(ranking) == ["health.poisoning", "health.cold_flu"]
    assert suggestions([("health.emergency", 0.9), ("health.poisoning", 0.05)]) == ["health.emergency"]


def test_other_topics_keep_the_ordinary_floor_and_the_limit():
    ranking = [("maintenance.street_light", 0.3), ("out_of_scope", 0.2), ("maintenance.traffic_light", 0.2),
               ("maintenance.pothole", 0.1), ("health.cold_flu", 0.01)]
    assert suggestions(ranking) == ["maintenance.street_light", "maintenance.traffic_light"]
    assert suggestions(ranking, limit=5) == ["maintenance.street_light", "maintenance.traffic_light", "maintenance.pothole"]
