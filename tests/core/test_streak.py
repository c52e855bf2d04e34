"""Study streaks from daily activity."""

from __future__ import annotations

from datetime import date, timedelta

from crisisquiz.core.stats import DayActivity
from crisisquiz.core.streak import current_streak


def days(*answers: int) -> list[DayActivity]:
    """Consecutive days ending today with these answer counts, oldest first."""
    today = date(2026, 3, 2)
    first = today - timedelta(days=len(answers) - 1)
    return [
        DayActivity(first + timedelta(days=i), count, count, 0, 0)
        for i, count in enumerate(answers)
    ]


def test_days_in_a_row_up_to_today_count() -> None:
    assert current_streak(days(0, 4, 2, 7)) == 3


def test_today_without_answers_does_not_break_the_streak() -> None:
    assert current_streak(days(1, 3, 5, 0)) == 3


def test_a_missed_day_ends_the_streak() -> None:
    assert current_streak(days(9, 9, 0, 0)) == 0
    assert current_streak(days(9, 0, 2, 1)) == 2


def test_no_days_no_streak() -> None:
    assert current_streak([]) == 0
    assert current_streak(days(0)) == 0
