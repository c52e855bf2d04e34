"""The system time zone follows summer time, as the zone database does."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytest

from crisisquiz.core.local_zone import SystemZone
from crisisquiz.core.recording import StudyClock

ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"]


@pytest.fixture(params=ZONES)
def zone(request: pytest.FixtureRequest) -> Iterator[ZoneInfo]:
    """The process's local zone set to the parameter (TZ), restored afterwards."""
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is not available on this system")
    try:
        reference = ZoneInfo(request.param)
    except ZoneInfoNotFoundError:
        pytest.skip(f"no zone data for {request.param}")
    saved = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    try:
        yield reference
    finally:
        if saved is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = saved
        time.tzset()


def moments_2026() -> list[datetime]:
    """Every 20 minutes of the days around each summer-time change in 2026, and more."""
    days = [date(2026, 3, 8), date(2026, 3, 29), date(2026, 4, 5), date(2026, 10, 4)]
    days += [date(2026, 10, 25), date(2026, 11, 1), date(2026, 6, 21), date(2026, 12, 21)]
    moments = []
    for day in days:
        start = datetime(day.year, day.month, day.day, tzinfo=UTC) - timedelta(days=1)
        moments += [start + timedelta(minutes=20 * i) for i in range(3 * 24 * 3)]
    return moments


def test_utc_to_local_matches_the_zone_database(zone: ZoneInfo) -> None:
    system = SystemZone()
    for moment in moments_2026():
        ours, theirs = moment.astimezone(system), moment.astimezone(zone)
        assert ours.replace(tzinfo=None) == theirs.replace(tzinfo=None), moment
        assert ours.fold == theirs.fold, moment
        assert ours.utcoffset() == theirs.utcoffset(), moment
        assert ours.astimezone(UTC) == moment


def test_local_wall_times_get_the_zone_databases_offset(zone: ZoneInfo) -> None:
    system = SystemZone()
    for moment in moments_2026():
        wall = moment.replace(tzinfo=None)
        for fold in (0, 1):
            ours = wall.replace(tzinfo=system, fold=fold).utcoffset()
            assert ours == wall.replace(tzinfo=zone, fold=fold).utcoffset(), (wall, fold)


def test_the_study_day_rolls_over_at_the_local_hour_across_a_change(zone: ZoneInfo) -> None:
    system = SystemZone()
    for day in (date(2026, 3, 29), date(2026, 10, 25), date(2026, 3, 8), date(2026, 11, 1)):
        ours, theirs = StudyClock(system, 4), StudyClock(zone, 4)
        assert ours.day_start(day) == theirs.day_start(day)
        for moment in moments_2026():
            assert ours.day_of(moment) == theirs.day_of(moment)
