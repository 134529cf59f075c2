"""`make eval`'s figures: per source and language, domains, emergencies and false 112 answers, bars."""

import pytest

from citizenbot.evaluate import Outcome, Question, below_bars, domain_of, summarise


def outcome(source, lang, topics, got, got_lang=None):
    return Outcome(Question(lang, tuple(topics.split("|")), "teksti", source), got, got_lang or lang, "", 0.01)


OUTCOMES = [
    outcome("history", "fi", "maintenance.pothole", "maintenance.pothole"),
    outcome("history", "fi", "maintenance.pothole|maintenance.other_fault", "maintenance.other_fault"),
    outcome("history", "fi", "maintenance.street_light", "maintenance.traffic_light"),  # domain right only
    outcome("history", "fi", "out_of_scope", "health.emergency"),  # a false 112 answer
    outcome("history", "fi", "maintenance.tree", "fallback.not_understood"),
    outcome("tidy", "sv", "health.emergency", "health.emergency"),
    outcome("tidy", "sv", "health.child_fever", "health.child_fever", "fi"),  # wrong language
    outcome("tidy", "en", "zoning.plan_status", "zoning.plan_status.hiedanranta"),  # a finer id is right
]


def test_figures_per_source_and_language():
    _text, result = summarise(OUTCOMES)
    history = result["history"]
    assert (history.n, history.right, history.topic_right, history.domain_right) == (5, 2, 2, 3)
    assert history.false_emergencies == 1 and history.false_emergency_rate == 1 / 5
    tidy = result["tidy"]
    assert (tidy.right, tidy.topic_right, tidy.emergencies, tidy.emergencies_answered) == (2, 3, 1, 1)
    assert result["tidy/sv"].accuracy == 0.5 and result["tidy/en"].accuracy == 1.0
    assert result["all"].n == 8


def test_bars_name_what_is_below_them():
    _text, result = summarise(OUTCOMES)
    problems = below_bars(result, min_accuracy=0.9, min_domain=0.9, min_topic=0.75, max_false_emergency=0.005)
    assert "history: domain right 60.0 % < 90 %" in problems
    assert "history: topic right 40.0 % < 75 %" in problems
    assert "history: false 112 answers 20.00 % > 0.50 %" in problems
    assert "tidy/sv: topic and language right 50.0 % < 90 %" in problems
    assert not any(p.startswith("tidy/en") for p in problems)
    assert below_bars(result) == []


def test_a_missed_emergency_is_always_below_the_bar():
    _text, result = summarise([outcome("s", "fi", "health.emergency", "health.medical_helpline")])
    assert below_bars(result) == ["all: 1 emergencies without the 112 answer",
                                  "s: 1 emergencies without the 112 answer",
                                  "s/fi: 1 emergencies without the 112 answer"]


def test_domains():
    assert [domain_of(t) for t in ("maintenance.pothole", "out_of_scope", "fallback.not_understood", None)] == \
        ["maintenance", "out_of_scope", "fallback", None]


def test_the_report_lists_every_source_and_the_misses():
    text, _result = summarise(OUTCOMES)
    assert "| history | fi |" in text and "| **tidy** | all |" in text
    assert "maintenance.street_light -> maintenance.traffic_light" in text


def test_a_language_can_have_its_own_bar(tmp_path):
    from citizenbot.evaluate import read_bars

    _text, result = summarise(OUTCOMES)
    path = tmp_path / "bars.yml"
    path.write_text("min_accuracy:\n  sv: 0.5\n  en: 1.0\n", encoding="utf-8")
    bars = read_bars(path)
    problems = below_bars(result, min_accuracy=0.9, language_bars=bars)
    assert not any(p.startswith("tidy/sv") for p in problems)  # 50 % meets its own bar of 50 %
    assert "tidy/sv: topic and language right 50.0 % < 90 %" in below_bars(result, min_accuracy=0.9)
    path.write_text("min_accuracy:\n  sv: 90\n", encoding="utf-8")
    with pytest.raises(ValueError, match="between 0 and 1"):
        read_bars(path)


def test_the_project_bars_cover_the_new_languages():
    from pathlib import Path

    from citizenbot.evaluate import read_bars

    bars = read_bars(Path(__file__).parent / "eval" / "bars.yml")
    assert set(bars) == {"ru", "uk", "et", "ar", "so", "fa"} and all(0.5 <= b <= 1 for b in bars.values())
