"""The analytics benchmark's synthetic year: the roll-up rows hold the messages asked for, the
summary reads them back, and the roll-up timing counts the messages it stored."""

from datetime import date, timedelta

from bench import analytics
from citizenbot.analytics import queries


def test_the_synthetic_rows_add_up_to_the_messages_and_the_summary_reads_them(fresh_database):
    last = date(2026, 11, 30)
    seeded = analytics.seed_year(fresh_database, last, days=3, messages=3000)
    assert 2400 <= seeded["messages"] <= 3600 and seeded["message_rows"] > 72  # several rows per hour
    # the first local hours of the range are in the UTC day before (Helsinki is ahead): read a day more
    summary = queries.summary(fresh_database, last - timedelta(days=2), last + timedelta(days=1))
    assert summary["totals"]["messages"] == seeded["messages"]
    assert analytics._baseline(fresh_database, last - timedelta(days=2), last + timedelta(days=1)) == seeded["messages"]
    outcomes = {r["outcome"]: r["messages"] for r in summary["tables"]["outcomes"]["rows"]}
    assert outcomes["answered"] > outcomes["not_understood"] > 0
    again = analytics.seed_year(fresh_database, last, days=3, messages=3000)  # replaces, never adds
    assert queries.summary(fresh_database, last - timedelta(days=2), last + timedelta(days=1))["totals"][
        "messages"] == again["messages"]


def test_the_rollup_timing_counts_what_it_stored(fresh_database):
    result = analytics.time_rollup(fresh_database.url, messages=20, per_conversation=5)
    assert result["messages"] == 20 and result["events"] >= 20 and result["per_10000"] > 0
