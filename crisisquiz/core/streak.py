"""Study streaks: how many study days in a row a learner has answered something."""

from __future__ import annotations

from collections.abc import Sequence

from crisisquiz.core.stats import DayActivity

# How far back a streak is counted; a longer streak is shown as this many days.
STREAK_LOOKBACK_DAYS = 366


def current_streak(days: Sequence[DayActivity]) -> int:
    """Study days in a row with at least one answer, counted back from the last of ``days``.

    ``days`` are consecutive study days, oldest first, the last one being today (as
    :meth:`StatsService.reviews_per_day` gives them). Today without answers yet does not
    break the streak: the learner still has the rest of the day, so counting starts
    from yesterday.
    """
    streak = 0
    for position, day in enumerate(reversed(days)):
        if day.answers > 0:
            streak += 1
        elif position > 0:
            break
    return streak
