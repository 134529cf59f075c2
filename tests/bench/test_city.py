"""The synthetic city: names, inflection, typos, content that the project's own checks accept."""

import random
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from bench import city

ROOT = Path(__file__).resolve().parents[2]


def test_street_names_are_inflected_with_gradation_and_vowel_harmony():
    assert city.inflect("Koivumäenkatu", "adessive") == "Koivumäenkadulla"
    assert city.inflect("Koivumäenkatu", "genitive") == "Koivumäenkadun"
    assert city.inflect("Tähtitie", "adessive") == "Tähtitiellä"
    assert city.inflect("Orvokkipolku", "adessive") == "Orvokkipolulla"
    assert city.inflect("Kuusiväylä", "genitive") == "Kuusiväylän"


def test_a_misspelling_is_one_or_two_edits_and_keeps_the_first_three_letters():
    rng = random.Random(1)
    for name in ("Koivumäenkatu", "Pihlajarinteentie", "Tähtikuja", "Kuusikujalla"):
        for _ in range(20):
            typo = city.misspell(name, rng)
            assert typo != name and typo[:3] == name[:3]
            assert 1 <= Levenshtein.distance(typo, name) <= 2


def test_the_generated_city_has_the_asked_sizes_unique_names_and_avoids_real_ones():
    generated = city.generate(500, 60, 12, ["1", "2", "3"], taken={"Koivukatu"})
    names = [s["name_fi"] for s in generated.streets]
    assert len(names) == 500 == len(set(names)) and "Koivukatu" not in names
    assert len(generated.districts) == 12 and {s["district"] for s in generated.streets} <= set(generated.districts)
    assert len(generated.plans) == 60 == len({p["number"] for p in generated.plans})
    assert all(any(n.endswith(k) for k in city.KINDS) for n in names)
    assert generated == city.generate(500, 60, 12, ["1", "2", "3"], taken={"Koivukatu"})


def test_queries_name_the_street_in_each_variant():
    generated = city.generate(50, 5, 3, ["1"])
    queries = city.street_queries(generated.streets, per_variant=10)
    assert {q.kind for q in queries} == {f"street:{v}" for v in city.LOOKUP_VARIANTS}
    for q in queries:
        if q.kind == "street:nominative":
            assert q.expected in q.text


def test_the_city_passes_the_content_checks_and_is_found_by_the_knowledge_base(tmp_path):
    from citizenbot.content import load_content
    from citizenbot.kb import KnowledgeBase
    from citizenbot.reports import ReportStore
    from citizenbot.seed import seed
    from citizenbot.store.db import Database

    generated = city.generate(300, 20, 5, ["1", "2", "3"])
    city.write_content(ROOT / "kb", tmp_path / "kb", generated)
    content = load_content(tmp_path / "kb", "tampere")
    assert {s["name_fi"] for s in generated.streets} <= {s["name_fi"] for s in content.streets}
    database = Database(f"sqlite:///{tmp_path / 'city.db'}")
    database.create_schema()
    seed(database, tmp_path / "kb", "tampere", force=True)
    city.fill_reports(database, 50, generated.streets, chunk=20)
    kb = KnowledgeBase(database)
    street = generated.streets[0]["name_fi"]
    match = kb.best_name(f"milloin {city.inflect(street, 'adessive')} aurataan?", ["street"], "fi")
    assert match is not None and match.entry.key == street
    result = city.time_queries(kb, ReportStore(database), city.plan_queries(generated.plans, 5),
                               generated.districts[:2], [1001, 1002])
    assert result["plan"]["right"] == 5 and result["report"]["right"] == 2 and result["district_plans"]["n"] == 2
    raw = city.raw_baseline(database, [street, "No Such Street"], [1, 2, 10_000])
    assert (raw["raw:street"]["n"], raw["raw:street"]["right"]) == (2, 1)
    assert (raw["raw:report"]["n"], raw["raw:report"]["right"]) == (3, 2)
    database.dispose()
