"""Knowledge-base lookups with the names residents really type."""

from datetime import date

import pytest

from citizenbot.kb import MissingText


@pytest.mark.parametrize(
    "text, kind, key",
    [
        ("milloin Hämeenkadulla aurataan", "street", "Hämeenkatu"),
        ("hameenkatu", "street", "Hämeenkatu"),
        ("Itsenäisyydenkadulla on liukasta", "street", "Itsenäisyydenkatu"),
        ("Teiskontiellä kuoppa", "street", "Teiskontie"),
        ("plogas Tavastgatan?", "street", "Hämeenkatu"),
        ("tietyöt Hervannassa", "district", "Hervanta"),
        ("Lielahdessa", "district", "Lielahti"),
        ("Tesomalla", "district", "Tesoma"),
    ],
)
def test_names_resolve(kb, text, kind, key):
    match = kb.best_name(text, [kind])
    assert match is not None and match.entry.key == key


def test_street_rows_have_a_maintenance_class(kb):
    street = kb.street("Hämeenkatu")
    assert street["maintenance_class"] == "1"
    assert kb.label("maintenance_class.1.name", "sv")


def test_answers_are_rendered_in_the_language_asked(kb):
    fi, sv, en = (kb.answer("health.emergency", lang) for lang in ("fi", "sv", "en"))
    assert all("112" in text for text in (fi, sv, en))
    assert len({fi, sv, en}) == 3


def test_missing_text_is_an_error(kb):
    with pytest.raises(MissingText):
        kb.answer("no.such.topic", "fi")


def test_label_default(kb):
    assert kb.label("no.such.label", "fi", "fallback") == "fallback"


def test_road_works_by_street_and_district_skip_finished_works(kb):
    every = kb.road_works(today=date(2000, 1, 1))
    current = kb.road_works(today=date(2026, 11, 27))
    assert len(current) < len(every)
    assert all(w["end"] >= date(2026, 11, 27) for w in current)
    work = current[0]
    if work["street"]:
        assert work in kb.road_works(street=work["street"], today=date(2026, 11, 27))


def test_plans_by_number_and_district(kb):
    plan = kb.plans_in_district("Lielahti")[0] if kb.plans_in_district("Lielahti") else None
    assert plan is not None
    assert kb.plan(plan["number"])["district"] == "Lielahti"
    assert kb.best_name(f"kaava {plan['number']}", ["plan"]).entry.key == plan["number"]


def test_an_editor_change_is_live_after_seeding_without_restart(fresh_database, tmp_path):
    import yaml

    from citizenbot.kb import KnowledgeBase
    from citizenbot.seed import seed

    from .test_content import copy_kb

    kb_dir = copy_kb(tmp_path)
    seed(fresh_database, kb_dir, "tampere")
    kb = KnowledgeBase(fresh_database)
    assert "palaute.tampere.fi" in kb.answer("maintenance.feedback_channels", "fi")
    path = kb_dir / "city" / "tampere.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["facts"]["feedback_url"] = "https://feedback.example.fi"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    seed(fresh_database, kb_dir, "tampere")
    assert "https://feedback.example.fi" in kb.answer("maintenance.feedback_channels", "fi")
