from sqlalchemy import func, select

from citizenbot.content import ContentError
from citizenbot.reports import ReportStore
from citizenbot.seed import current_digest, seed
from citizenbot.store.models import KbText, Street

from .conftest import KB_DIR
from .test_content import copy_kb


def count(database, model) -> int:
    with database.session() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_seeding_is_idempotent(fresh_database):
    first = seed(fresh_database, KB_DIR, "tampere")
    texts = count(fresh_database, KbText)
    second = seed(fresh_database, KB_DIR, "tampere")
    assert first.changed and not second.changed
    assert first.digest == second.digest == current_digest(fresh_database)
    assert count(fresh_database, KbText) == texts > 0
    forced = seed(fresh_database, KB_DIR, "tampere", force=True)
    assert forced.changed and count(fresh_database, KbText) == texts


def test_a_content_change_replaces_the_kb_but_keeps_reports(fresh_database, tmp_path):
    kb = copy_kb(tmp_path)
    seed(fresh_database, kb, "tampere")
    number = ReportStore(fresh_database).create(
        category="maintenance.pothole", location="Hämeenkatu 1", description=None, contact=None,
        lang="fi", conversation_id="x", deliver=False,
    )
    streets = count(fresh_database, Street)
    with open(kb / "streets.csv", "a", encoding="utf-8") as handle:
        handle.write("Uusikatu,,Tammela,3\n")
    assert seed(fresh_database, kb, "tampere").changed
    assert count(fresh_database, Street) == streets + 1
    assert ReportStore(fresh_database).get(number) is not None


def test_bad_content_writes_nothing(fresh_database, tmp_path):
    kb = copy_kb(tmp_path)
    seed(fresh_database, kb, "tampere")
    before = (current_digest(fresh_database), count(fresh_database, Street))
    with open(kb / "streets.csv", "a", encoding="utf-8") as handle:
        handle.write("Rikkinäinenkatu,,Tammela,99\n")
    try:
        seed(fresh_database, kb, "tampere")
    except ContentError as exc:
        assert "maintenance_class" in str(exc)
    else:
        raise AssertionError("bad content was accepted")
    assert (current_digest(fresh_database), count(fresh_database, Street)) == before
