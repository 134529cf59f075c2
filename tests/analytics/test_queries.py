"""The summary read from the roll-up tables: counts by language, domain and time, shares, rising
topics, queue waits, with every count from 1 to 4 suppressed."""

from collections import Counter
from datetime import date, datetime, timezone

import pytest

from citizenbot.analytics import queries
from citizenbot.analytics.rollup import WAIT_BUCKETS, add_message_counts
from citizenbot.store.analytics_models import FeedbackCount, HandoffCount, ReportCount, WaitBucket

DAY = date(2026, 11, 30)  # a Monday


def hour(day: date, h: int) -> int:
    """The roll-up hour of a local (Helsinki, UTC+2 in winter) time."""
    return int(datetime(day.year, day.month, day.day, h, tzinfo=timezone.utc).timestamp() // 3600) - 2


def add(database, *rows):
    with database.session() as session:
        for row in rows:
            if isinstance(row, tuple):  # messages: through the roll-up's writer (hourly and daily rows)
                key, messages, conversations = row
                add_message_counts(session, Counter({key: messages}), Counter({key: conversations}))
            else:
                session.add(row)


def msg(h, lang, topic, outcome, messages, conversations=0):
    return (h, lang, topic, outcome), messages, conversations


@pytest.fixture
def figures(fresh_database):
    add(fresh_database,
        msg(hour(DAY, 0), "fi", "maintenance.snow_plowing", "answered", 60, 40),  # local midnight: this day
        msg(hour(DAY, 10), "fi", "", "not_understood", 20, 5),
        msg(hour(DAY, 10), "sv", "health.dental", "answered", 3, 3),  # few: suppressed
        msg(hour(DAY, 11), "en", "out_of_scope", "out_of_scope", 10, 2),
        msg(hour(DAY, 12), "fi", "handoff.nurse", "handoff", 7, 0),
        msg(hour(DAY, 13), "fi", "health.emergency", "emergency", 2, 0),
        msg(hour(DAY, 23) + 1, "fi", "maintenance.pothole", "answered", 500, 100),  # the next local day
        # the four weeks before: snow plowing was rare
        msg(hour(date(2026, 11, 10), 9), "fi", "maintenance.snow_plowing", "answered", 8, 8),
        FeedbackCount(day=hour(DAY, 12) // 24, topic="maintenance.snow_plowing", lang="fi", up=9, down=3),
        HandoffCount(hour=hour(DAY, 12), queue="nurse", requests=12, claimed=10, gave_up=2, wait_seconds=0,
                     handled=10, handling_seconds=6000),
        *[WaitBucket(hour=hour(DAY, 12), queue="nurse", upper=upper, count=count)
          for upper, count in ((60, 5), (300, 4), (WAIT_BUCKETS[-1], 1))],
        *[ReportCount(day=hour(DAY, 12) // 24, category=category, state=state, district=district, count=count)
          for category, state, district, count in (
              ("maintenance.pothole", "received", "Hervanta", 7), ("maintenance.pothole", "closed", "", 1),
              ("maintenance.street_light", "sent", "Hervanta", 5),
              ("maintenance.street_light", "received", "Keskusta", 6))])
    return queries.summary(fresh_database, DAY, DAY)


def test_totals_and_shares_of_one_local_day(figures):
    totals = figures["totals"]
    assert (totals["messages"], totals["conversations"]) == (102, 50)
    assert totals["emergency"] is None and totals["emergency_suppressed"] is True  # 2 emergencies: "< 5"
    shares = figures["shares"]
    assert shares["answered"] == round(63 / 102, 3) and shares["not_understood"] == round(20 / 102, 3)
    assert shares["handoff"] == round(7 / 102, 3)


def test_small_counts_are_suppressed_in_every_table(figures):
    tables = figures["tables"]
    sv = [r for r in tables["by_language"]["rows"] if r["lang"] == "sv"][0]
    assert sv["messages"] is None and sv["messages_suppressed"] and sv["answered"] is None and sv["answered_suppressed"]
    days = {r["day"]: r for r in tables["emergencies"]["rows"]}
    assert days == {"2026-11-30": {"day": "2026-11-30", "emergencies": None, "emergencies_suppressed": True}}
    reports = {(r["category"], r["state"]): r["count"] for r in tables["reports"]["rows"]}
    # 1 closed: "< 5"; the 5 sent are hidden too, or all reports (the districts' sum) minus the rest tells it
    assert reports == {("maintenance.pothole", "closed"): None, ("maintenance.pothole", "received"): 7,
                       ("maintenance.street_light", "received"): 6, ("maintenance.street_light", "sent"): None}
    districts = [(r["district"], r["count"], r.get("count_suppressed")) for r in tables["districts"]["rows"]]
    assert districts == [("Hervanta", 12, None), ("Keskusta", None, "complementary"), ("", None, True)]
    hours = {r["hour"]: r["messages"] for r in tables["by_time"]["rows"]}
    assert hours["00:00"] == 60 and hours["13:00"] is None and "14:00" not in hours
    assert not any("text" in column["key"] for t in tables.values() for column in t["columns"])


def test_topics_rising_this_week_and_votes(figures):
    rising = figures["tables"]["rising_topics"]["rows"]
    assert rising[0]["topic"] == "maintenance.snow_plowing" and rising[0]["this_week"] == 60
    assert rising[0]["weekly_before"] == 2.0  # 8 in the four weeks before
    assert [r["topic"] for r in figures["tables"]["top_topics"]["rows"]] == ["maintenance.snow_plowing",
                                                                           "health.dental"]
    (votes,) = figures["tables"]["feedback"]["rows"]
    assert (votes["up"], votes["down"], votes["down_suppressed"], votes["helpful"]) == (9, None, True, None)


def test_queue_waits_from_the_histogram(figures):
    (nurse,) = figures["tables"]["queues"]["rows"]
    assert (nurse["requests"], nurse["claimed"], nurse["gave_up"]) == (12, 10, None)
    assert nurse["wait_median"] == 60.0  # the fifth of ten waited at most a minute
    assert nurse["wait_p90"] == 300.0 and nurse["handling_avg"] == 600.0


def test_quantile_interpolates_and_the_open_bucket_is_a_lower_bound():
    assert queries.quantile([(60, 2), (120, 2)], 0.75) == 90.0
    assert queries.quantile([(60, 1), (WAIT_BUCKETS[-1], 9)], 0.9) == float(WAIT_BUCKETS[-2])  # waited longer
    assert queries.quantile([], 0.5) is None


def test_csv_marks_suppressed_cells(figures):
    text = queries.to_csv(figures["tables"]["by_language"])
    lines = text.splitlines()
    assert lines[0] == "lang,messages,conversations,answered,not_understood,out_of_scope,handoff"
    assert "sv,<5,<5,<5,<5,<5,<5" in lines  # "0 %" of three messages would tell a count too
    assert lines[1].startswith("fi,89,45,")
    # 102 messages in all: with only sv hidden, 102 - 89 - en would give sv's 3 back
    assert lines[2].startswith("en,suppressed,")


def test_ranges_are_checked():
    today = date(2026, 12, 6)
    assert queries.parse_range(None, None, today) == (date(2026, 11, 30), today)
    for start, end in (("2026-12-07", "2026-12-01"), ("2025-01-01", "2026-12-01"), ("eilen", None)):
        with pytest.raises(queries.RangeError):
            queries.parse_range(start, end, today)


def test_new_themes_are_counts_without_the_residents_words(fresh_database):
    from citizenbot.store.models import InboxMessage

    asked = datetime(2026, 11, 30, 10, tzinfo=timezone.utc)
    texts = [("onko uimahallissa saunaa", 4), ("uimahallin sauna auki", 3),  # one theme of 7
             ("koirapuisto lumitöiden jälkeen", 2),  # a theme of 2: not listed
             ("saako kirjastoon tuoda koiran", 6)]
    n = 0
    with fresh_database.session() as session:
        for text, times in texts:
            for _ in range(times):
                n += 1
                session.add(InboxMessage(source_key=f"k{n}", conversation=f"c{n % 5}", text=text, lang="fi",
                                         reasons="not_understood", predicted="nlu_fallback" if n % 2 else "sports.pools",
                                         asked_at=asked, status="new"))
        # answered since (a trainer gave it a topic), another day, and waiting in Swedish
        session.add(InboxMessage(source_key="done", conversation="c", text="uimahallin sauna", lang="fi",
                                 reasons="not_understood", asked_at=asked, status="assigned"))
        session.add(InboxMessage(source_key="old", conversation="c", text="uimahallin sauna", lang="fi",
                                 reasons="not_understood", asked_at=datetime(2026, 11, 1, tzinfo=timezone.utc),
                                 status="new"))
    table = queries.summary(fresh_database, DAY, DAY)["tables"]["new_themes"]
    assert [(r["theme"], r["lang"], r["messages"]) for r in table["rows"]] == [("Teema 1", "fi", 7), ("Teema 2", "fi", 6)]
    assert table["rows"][0]["topic"] == "sports.pools"  # the classifier's guess other than "not understood"
    words = {w for text, _ in texts for w in text.split()}
    assert not any(w in str(value) for row in table["rows"] for value in row.values() for w in words)


def test_ratings_per_queue_without_the_comments(fresh_database):
    from citizenbot.store.staff_models import ChatRating

    scores = [5, 5, 4, 2, 4, 5]
    add(fresh_database, *[ChatRating(day=DAY, queue="nurse", lang="fi", score=s, comment="Anna oli ihana")
                          for s in scores],
        *[ChatRating(day=DAY, queue="agent", lang="sv", score=s) for s in (1, 3)],
        ChatRating(day=date(2026, 11, 1), queue="nurse", lang="fi", score=1))  # outside the range
    rows = queries.summary(fresh_database, DAY, DAY)["tables"]["ratings"]["rows"]
    agent, nurse = rows
    assert nurse["queue"] == "nurse" and nurse["ratings"] == 6
    assert nurse["score_avg"] == round(sum(scores) / 6, 3) and nurse["satisfied"] == round(5 / 6, 3)
    # two ratings: neither their number nor their average is shown
    assert agent["ratings"] is None and agent["score_avg"] is None and agent["satisfied_suppressed"]
    assert "Anna" not in repr(rows)


def test_time_until_the_city_had_the_reports(fresh_database):
    from citizenbot.store.analytics_models import NOT_DELIVERED, DeliveryBucket

    day = hour(DAY, 12) // 24
    add(fresh_database, *[DeliveryBucket(day=day, category=category, upper=upper, count=count)
                          for category, upper, count in (
                              ("maintenance.pothole", 15, 6), ("maintenance.pothole", 3600, 4),
                              ("maintenance.pothole", NOT_DELIVERED, 2),
                              ("maintenance.street_light", 15, 5), ("maintenance.street_light", NOT_DELIVERED, 6))])
    every, pothole, light = queries.summary(fresh_database, DAY, DAY)["tables"]["delivery"]["rows"]
    assert every["category"] == "" and (every["at_city"], every["not_yet"]) == (15, 8)
    # the 7.5th of 15: of the 11 in the bucket from 5 s to 15 s; the 13.5th: of 4 from 15 to 60 min
    assert every["delivery_median"] == pytest.approx(5 + 10 * 7.5 / 11, abs=1e-3)
    assert every["delivery_p90"] == pytest.approx(900 + (3600 - 900) * (13.5 - 11) / 4, abs=1e-3)
    assert pothole["at_city"] == 10 and pothole["not_yet"] is None and pothole["not_yet_suppressed"] is True
    # with the total shown, the street lights' 6 would give the potholes' 2 back: hidden too
    assert light["not_yet_suppressed"] == "complementary" and light["at_city"] == 5
    assert light["delivery_median"] == 10.0


def test_messages_by_page_with_small_counts_hidden(fresh_database):
    from citizenbot.store.analytics_models import PageDayCount

    add(fresh_database, PageDayCount(day=DAY.toordinal(), page="/kadut.html", messages=40, conversations=12),
        PageDayCount(day=DAY.toordinal(), page="/", messages=25, conversations=9),
        PageDayCount(day=DAY.toordinal(), page="/sv/", messages=3, conversations=1),
        PageDayCount(day=DAY.toordinal() - 1, page="/en/", messages=50, conversations=20))  # the day before
    rows = queries.summary(fresh_database, DAY, DAY)["tables"]["by_page"]["rows"]
    assert [r["page"] for r in rows] == ["/kadut.html", "/", "/sv/"]
    assert (rows[0]["messages"], rows[0]["conversations"]) == (40, 12)
    assert rows[2]["messages"] is None and rows[2]["messages_suppressed"] is True
    # every page is listed: with the total known elsewhere, one more cell of each column is hidden
    assert rows[1]["messages_suppressed"] == "complementary"
