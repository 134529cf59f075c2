"""The emergency safety net, on many phrasings per language (tests/data/emergency_phrases.tsv)."""

import csv
from pathlib import Path

import pytest

from citizenbot.safety import RuleError, emergency_rule, parse_rules

# emergency_phrases.tsv was written with the rules; emergency_holdout.tsv independently of them
# (rules alone caught 76/105 of its emergencies before they were extended; see README);
# emergency_reports.tsv (report-style emergencies and reports about things that use alarming words,
# "kyltti on hukkunut") independently too: 4 of its 90 rows were wrong before the rules were refined.
# emergency_other_languages.tsv: Russian, Ukrainian, Estonian, Arabic, Somali and Persian (the
# answer in those languages: tests/actions/test_unserved_languages.py).
FILES = ("emergency_phrases.tsv", "emergency_holdout.tsv", "emergency_reports.tsv", "emergency_other_languages.tsv")
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


def test_letters_typed_interchangeably_are_one_letter():
    # Persian with Arabic yeh and kaf, Arabic with vowel marks, Russian without ё, Estonian without õ
    assert emergency_rule("سينه ام درد ميكنه") == emergency_rule("سینه ام درد میکنه") == "fa.chest_pain"
    assert emergency_rule("أُمِّي فَاقِدَةُ الوَعْيِ") == "ar.unconscious"
    assert emergency_rule("грудь жжёт") == emergency_rule("грудь жжет") == "ru.chest_pain"
    assert emergency_rule("ta võttis terve paki unerohtu") == emergency_rule("ta vottis terve paki unerohtu") == "et.overdose"


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


def test_reports_in_the_city_feedback_history_are_not_emergencies():
    """Residents' real reports (the Helsinki feedback history, training and held-out parts): at most
    0.5 % may get the 112 answer from the rules (none of them is an emergency)."""
    from citizenbot.trainer.project import read_eval_file, read_examples

    root = Path(__file__).resolve().parents[1]
    texts = [e.text for lang in ("fi", "sv", "en") for p in (root / "data" / "nlu" / lang).glob("history_*.yml")
             for e in read_examples(p, lang)]
    texts += [q.text for p in (root / "tests" / "eval").glob("history_*.tsv") for q in read_eval_file(p)]
    assert len(texts) > 1000
    flagged = [t for t in texts if emergency_rule(t)]
    assert len(flagged) <= 0.005 * len(texts), flagged
