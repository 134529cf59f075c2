from datetime import datetime, timezone

import pytest

from citizenbot.handoff.hours import HoursError, format_hours, is_open, next_opening, parse_config

CONFIG = parse_config({
    "timezone": "Europe/Helsinki",
    "queues": {"nurse": {"hours": {"mon-fri": "08:00-15:00", "sat": ["10:00-12:00", "13:00-14:30"]}}},
})
NURSE = CONFIG.queue("nurse")
TZ = CONFIG.timezone


def utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "when, open_",
    [
        (utc(2026, 11, 27, 6, 0), True),     # Fri 08:00 in Helsinki (UTC+2)
        (utc(2026, 11, 27, 5, 59), False),   # Fri 07:59
        (utc(2026, 11, 27, 13, 0), False),   # Fri 15:00: closing time is exclusive
        (utc(2026, 11, 28, 8, 30), True),    # Sat 10:30
        (utc(2026, 11, 28, 10, 45), False),  # Sat 12:45, the lunch break
        (utc(2026, 11, 29, 9, 0), False),    # Sunday
        (utc(2026, 7, 1, 5, 30), True),      # summer time: Wed 08:30 in Helsinki (UTC+3)
    ],
)
def test_is_open_in_local_time(when, open_):
    assert is_open(NURSE, when, TZ) is open_


def test_next_opening():
    assert next_opening(NURSE, utc(2026, 11, 28, 13, 0), TZ).isoformat() == "2026-11-30T08:00:00+02:00"


def test_hours_are_written_for_residents_in_their_language():
    assert format_hours(NURSE, "fi") == "ma–pe klo 8–15; la klo 10–12, 13–14.30"
    assert format_hours(NURSE, "sv") == "mån–fre kl. 8–15; lör kl. 10–12, 13–14.30"
    assert format_hours(NURSE, "en") == "Mon–Fri 8–15; Sat 10–12, 13–14.30"


@pytest.mark.parametrize("hours", [{"mon-xyz": "08:00-15:00"}, {"mon": "8-15"}, {"mon": "15:00-08:00"}])
def test_bad_hours_are_refused(hours):
    with pytest.raises(HoursError):
        parse_config({"queues": {"nurse": {"hours": hours}}})
