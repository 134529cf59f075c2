"""The emergency safety net, on many phrasings per language (tests/data/emergency_phrases.tsv)."""

import csv
from pathlib import Path

import pytest

from citizenbot.safety import RuleError, emergency_rule, parse_rules

# emergency_phrases.tsv was written with the rules; emergency_holdout.tsv independently of them
# (rules alone caught 76/105 of its emergencies before they were extended; see README).
FILES = ("emergency_phrases.tsv", "emergency_holdout.tsv")
ROWS = [
    row
    for name in FILES
    for row in csv.DictReader(open(Path(__file__).parent / "data" / name, encoding="utf-8"), delimiter="\t")
]


def test_the_phrase_list_covers_every_language():
    for lang in ("fi", "sv", "en"):
        assert sum(r["lang"] == lang and r["expected"] == "emergency" for r in ROWS) >= 75
        assert sum(r["lang"] == lang and r["expected"] == "not_emergency" for r in ROWS) >= 45


@pytest.mark.parametrize("row", [r for r in ROWS if r["expected"] == "emergency"], ids=lambda r: r["text"][:50])
def test_every_emergency_phrase_is_caught(row):
    assert emergency_rule(row["text"]) is not None


@pytest.mark.parametrize("row", [r for r in ROWS if r["expected"] == "not_emergency"], ids=lambda r: r["text"][:50])
def test_near_misses_are_not_emergencies(row):
    assert emergency_rule(row["text"]) is None


def test_rules_of_every_language_apply_whatever_the_message_language():
    assert emergency_rule("help, min pappa andas inte") == "sv.breathing"


def test_bad_rule_files_are_rejected_with_a_clear_message():
    with pytest.raises(RuleError, match="bad pattern"):
        parse_rules({"rules": [{"id": "x", "any": ["(unclosed"]}]})
    with pytest.raises(RuleError, match="unknown keys"):
        parse_rules({"rules": [{"id": "x", "anyy": ["a"]}]})
    with pytest.raises(RuleError, match="no emergency rules"):
        parse_rules({"rules": []})


def test_empty_text_is_not_an_emergency():
    assert emergency_rule("") is None
