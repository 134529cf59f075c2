"""Search in handed-over conversations: by words in the stored messages (as Rasa stores them),
the first message, notes, a fault report's number or reference, and dates; only what the staff
member may open."""

from datetime import date, datetime, timedelta, timezone

import pytest
from rasa.shared.core.events import BotUttered, UserUttered
from sqlalchemy import update

from citizenbot.handoff.search import SearchQuery, search
from citizenbot.handoff.staff import StaffDirectory
from citizenbot.handoff.store import HandoffStore
from citizenbot.reports.store import ReportStore
from citizenbot.store.staff_models import Handoff

from ..conversation.test_store import save

PASSWORD = "correct horse battery"


@pytest.fixture
def shift(fresh_database):
    db = fresh_database
    directory = StaffDirectory(db)
    anna = directory.create("anna", "Anna", "nurse", PASSWORD)
    aino = directory.create("aino", "Aino", "agent", PASSWORD)
    store = HandoffStore(db)
    save(db.url, "c-nurse", UserUttered("lapsella on kuumetta ja yskää", {"name": "health.child_fever"}, timestamp=1),
         BotUttered("Soita terveysneuvontaan.", {"custom": {"topic": "health.child_fever", "lang": "fi"}}, timestamp=2))
    save(db.url, "c-agent", UserUttered("Hämeenkadulla on iso kuoppa", {"name": "maintenance.pothole"}, timestamp=3))
    save(db.url, "c-old", UserUttered("kuumetta taas", {"name": "health.child_fever"}, timestamp=4))
    nurse_case, _ = store.request("c-nurse", "nurse", "fi", "health.child_fever", "hei")
    agent_case, _ = store.request("c-agent", "agent", "fi", "maintenance.pothole", "kuoppa kadulla")
    store.claim(agent_case.id, aino.id)
    old_case, _ = store.request("c-old", "nurse", "fi", "health.child_fever", "vanha 100%_juttu")
    with db.session() as session:  # a conversation from ten days ago
        session.execute(update(Handoff).where(Handoff.id == old_case.id)
                        .values(created_at=datetime.now(timezone.utc) - timedelta(days=10)))
    store.add_note(nurse_case.id, anna.id, "soitin takaisin")
    number = ReportStore(db).create(category="maintenance.pothole", location="Hämeenkatu 1", description="kuoppa",
                                    contact=None, lang="fi", conversation_id="c-agent", deliver=False)
    return {"db": db, "anna": anna, "aino": aino, "nurse": nurse_case.id, "agent": agent_case.id,
            "old": old_case.id, "report": number}


def find(shift, who, **query):
    staff = shift[who]
    return {r["id"]: r for r in search(shift["db"], SearchQuery(**query), queues=staff.queues, staff_id=staff.id)}


def test_words_in_the_messages_as_rasa_stored_them(shift):
    found = find(shift, "anna", text="KUUMETTA")
    assert set(found) == {shift["nurse"], shift["old"]}
    assert found[shift["nurse"]]["matches"] == ["message"]
    assert found[shift["nurse"]]["snippet"] == "lapsella on kuumetta ja yskää"
    # a non-ASCII word: Rasa writes it as a JSON escape
    assert set(find(shift, "anna", text="yskää")) == {shift["nurse"]}
    # the bot's answer counts; the intent name in the stored event does not
    assert set(find(shift, "anna", text="terveysneuvontaan")) == {shift["nurse"]}
    assert find(shift, "anna", text="child_fever") == {}


def test_only_conversations_the_staff_member_may_open(shift):
    assert find(shift, "aino", text="kuumetta") == {}  # the nurses' queue is not hers
    assert set(find(shift, "anna", text="kuoppa")) == set()  # nor is the agents' one his
    assert find(shift, "aino", text="kuoppa")[shift["agent"]]["matches"] == ["message", "first"]


def test_notes_report_numbers_and_references(shift):
    assert find(shift, "anna", text="soitin")[shift["nurse"]]["matches"] == ["note"]
    number = shift["report"]
    assert find(shift, "aino", text=str(number))[shift["agent"]]["matches"] == ["report"]
    assert set(find(shift, "aino", text=f"cb-{number}")) == {shift["agent"]}
    assert find(shift, "anna", text=str(number)) == {}


def test_like_wildcards_are_literal(shift):
    assert set(find(shift, "anna", text="100%_")) == {shift["old"]}
    assert find(shift, "anna", text="1_0") == {}  # "100" if _ were any character
    assert find(shift, "anna", text="ha%ju") == {}  # "ha 100%_ju" if % were anything


def test_dates(shift):
    today = date.today()
    assert set(find(shift, "anna", date_from=today)) == {shift["nurse"]}
    assert set(find(shift, "anna", date_to=today - timedelta(days=5))) == {shift["old"]}
    assert set(find(shift, "anna", text="kuumetta", date_from=today - timedelta(days=11),
                    date_to=today - timedelta(days=9))) == {shift["old"]}
    with pytest.raises(ValueError):
        SearchQuery(date_from=today, date_to=today - timedelta(days=1))
    assert find(shift, "anna") == {}


def test_a_day_is_a_day_in_finland(shift):
    """A conversation at 00:30 Finnish time (22:30 UTC the day before) belongs to the Finnish day."""
    from citizenbot.handoff.search import LOCAL

    local = datetime(2026, 3, 10, 0, 30, tzinfo=LOCAL)
    with shift["db"].session() as session:
        session.execute(update(Handoff).where(Handoff.id == shift["old"]).values(created_at=local.astimezone(timezone.utc)))
    assert set(find(shift, "anna", date_from=date(2026, 3, 10), date_to=date(2026, 3, 10))) == {shift["old"]}
    assert find(shift, "anna", date_from=date(2026, 3, 9), date_to=date(2026, 3, 9)) == {}
