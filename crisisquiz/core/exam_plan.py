"""Exam mode's planner: study days arranged for the most recall on an exam day.

Normal scheduling aims at a steady retention: a question comes back when FSRS predicts
its recall has fallen to the learner's desired retention, whatever lies ahead. Before
an exam, what counts is recall on one day. The planner keeps FSRS's memory model (the
same stability, difficulty and forgetting curve the schedule uses) and changes only
*when* questions come:

1. **Every unseen question is introduced in time to be learnt**: the unseen questions
   are spread evenly over the days before the final stretch, so each is answered at
   least once more before the exam.
2. **Reviews before the final stretch** come at FSRS's intervals for a retention the
   plan chooses: the highest (up to the learner's own) whose daily work fits the
   minutes a day the learner gave. Each review then raises stability as much as a
   review at that recall can.
3. **The last review is placed on one of the last days before the exam** (the final
   stretch: the last three days, fewer for a near exam). Recall on the exam day falls
   with the time since the last review (FSRS's power forgetting curve,
   R = (1 + factor * t / S) ** decay), so the day of the last review is the one that
   raises exam-day recall most; a review whose FSRS interval would reach past the
   exam is brought forward to the question's day in the final stretch instead of
   falling after the exam. The questions share out the final days by their id, so no
   day takes them all.

After the exam the schedule is FSRS's own again: the next answer to each question
sets its interval at the learner's retention.

The method follows FSRS's model (Ye, Su and Cao, "A Stochastic Shortest Path Algorithm
for Optimizing Spaced Repetition Scheduling", KDD 2022; the open-spaced-repetition
FSRS-6 formulas the ``fsrs`` package implements), and the well-established finding that
spacing helps long-term retention while the final review's distance to the test sets
recall on the day (Cepeda et al. 2008, "Spacing effects in learning: a temporal
ridgeline of optimal retention").

:func:`simulate` plays a plan forward with a learner whose memory follows FSRS's model:
Home's "if you keep to the plan" figure and the benchmark both come from it. Everything
here counts in whole study days (``day`` 0 is today), as FSRS's forgetting curve does.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from fsrs import Rating, Scheduler

# The last review of each question falls in this many days before the exam (at most).
FINAL_STRETCH = 3
# The lowest retention the plan goes down to, to fit a small daily budget.
LOWEST_RETENTION = 0.70
# A first answer and its learning steps take longer than a review (measured in study:
# a new question is answered about three times on its first day).
NEW_COST = 3.0


@lru_cache(maxsize=1)
def _weights() -> tuple[float, ...]:
    return tuple(float(w) for w in Scheduler().parameters)


def _decay_factor() -> tuple[float, float]:
    decay = -_weights()[20]
    return decay, 0.9 ** (1 / decay) - 1


def recall(stability: float, days: float) -> float:
    """FSRS's forgetting curve: the chance of recall ``days`` after the last review."""
    decay, factor = _decay_factor()
    return float((1 + factor * max(0.0, days) / stability) ** decay)


def interval_days(stability: float, retention: float) -> int:
    """Whole days until recall falls to ``retention`` (at least 1), as FSRS schedules."""
    decay, factor = _decay_factor()
    return max(1, round(float(stability / factor * (retention ** (1 / decay) - 1))))


def first_memory(rating: Rating) -> tuple[float, float]:
    """(stability, difficulty) of a question after its first answer."""
    w = _weights()
    difficulty = w[4] - math.exp(w[5] * (int(rating) - 1)) + 1
    return max(w[int(rating) - 1], 0.001), min(10.0, max(1.0, difficulty))


def after_review(
    stability: float, difficulty: float, days: float, rating: Rating
) -> tuple[float, float]:
    """(stability, difficulty) after a review ``days`` after the last one (FSRS-6)."""
    w = _weights()
    r = recall(stability, days)
    if rating is Rating.Again:
        new_stability = min(
            w[11]
            * difficulty ** -w[12]
            * ((stability + 1) ** w[13] - 1)
            * math.exp((1 - r) * w[14]),
            stability / math.exp(w[17] * w[18]),
        )
    else:
        hard = w[15] if rating is Rating.Hard else 1.0
        easy = w[16] if rating is Rating.Easy else 1.0
        growth = math.exp(w[8]) * (11 - difficulty) * stability ** -w[9]
        new_stability = stability * (1 + growth * (math.exp((1 - r) * w[10]) - 1) * hard * easy)
    easiest = w[4] - math.exp(w[5] * 3) + 1
    moved = difficulty - w[6] * (int(rating) - 3) * (10 - difficulty) / 9
    new_difficulty = w[7] * easiest + (1 - w[7]) * moved
    return max(new_stability, 0.001), min(10.0, max(1.0, new_difficulty))


def final_stretch(days_left: int) -> int:
    """How many of the last days before the exam take the last reviews."""
    return max(1, min(FINAL_STRETCH, days_left // 5))


def final_day(key: int, days_left: int) -> int:
    """The day (counted from today) of a question's last review before the exam."""
    stretch = final_stretch(days_left)
    return days_left - 1 - key % stretch


def next_day(
    key: int, reviewed: int, stability: float, retention: float, days_left: int
) -> int | None:
    """The day a question answered on day ``reviewed`` comes back, by the plan.

    Its FSRS interval at ``retention``, but never past its day in the final stretch;
    None once that day has come (the next review falls after the exam, by FSRS alone).
    """
    last = final_day(key, days_left)
    if reviewed >= last:
        return None
    return min(reviewed + interval_days(stability, retention), last)


def new_per_day(unseen: int, days_left: int) -> int:
    """How many unseen questions a day introduce them all before the final stretch."""
    if unseen <= 0 or days_left <= 0:
        return 0
    days = max(1, days_left - final_stretch(days_left))
    return -(-unseen // days)


@dataclass
class PlanCard:
    """One question as the planner sees it."""

    key: int  # the question's row id: it sets the question's day in the final stretch
    group: Hashable  # what the prediction is summed by (a topic)
    stability: float | None = None  # None: never studied
    difficulty: float | None = None
    last: int = 0  # day of the last review (0 today, negative before)
    due: int = 0  # day it is due (by its stored schedule)


@dataclass(frozen=True)
class Forecast:
    """What keeping to a plan gives, from a simulation."""

    recall: float  # mean predicted recall on the exam day over every question
    by_group: dict[Hashable, float]
    reviews: tuple[int, ...]  # reviews each day (new questions not counted)
    new: tuple[int, ...]  # new questions each day

    def answers_per_day(self) -> float:
        """Work a day, in review-sized answers (a new question counts NEW_COST)."""
        days = len(self.reviews) or 1
        return (sum(self.reviews) + NEW_COST * sum(self.new)) / days


def exam_recall(cards: Sequence[PlanCard], days_left: int) -> tuple[float, dict[Hashable, float]]:
    """Mean predicted recall on the exam day if nothing more is studied, overall and by group."""
    sums: dict[Hashable, list[float]] = {}
    for card in cards:
        value = 0.0
        if card.stability is not None:
            value = recall(card.stability, days_left - card.last)
        sums.setdefault(card.group, []).append(value)
    return _means(sums)


def _means(sums: dict[Hashable, list[float]]) -> tuple[float, dict[Hashable, float]]:
    every = [v for values in sums.values() for v in values]
    overall = sum(every) / len(every) if every else 0.0
    return overall, {g: sum(v) / len(v) for g, v in sums.items()}


Chooser = Callable[[list[PlanCard], int], list[PlanCard]]


def simulate(
    cards: Sequence[PlanCard],
    days_left: int,
    *,
    exam_mode: bool,
    retention: float,
    rng: random.Random,
    new_a_day: int | None = None,
    review_cap: Sequence[int] | None = None,
) -> Forecast:
    """Play ``days_left`` study days with a learner whose memory follows FSRS's model.

    Each due question is answered right with the chance the forgetting curve gives
    (rated Good, else Again); a new question's first day leaves it rated Good.
    ``exam_mode`` places reviews by the plan (:func:`next_day`), otherwise by FSRS at
    ``retention``; ``new_a_day`` None introduces the unseen ones by
    :func:`new_per_day`. ``review_cap`` limits the reviews of each day (the most
    overdue first) for a comparison at the same number of reviews.
    """
    live = [PlanCard(**vars(card)) for card in cards]
    unseen = [card for card in live if card.stability is None]
    per_day = new_per_day(len(unseen), days_left) if new_a_day is None else new_a_day
    reviews: list[int] = []
    introduced: list[int] = []

    def schedule(card: PlanCard, day: int) -> None:
        assert card.stability is not None
        if exam_mode:
            following = next_day(card.key, day, card.stability, retention, days_left)
            card.due = days_left + 10**6 if following is None else following
        else:
            card.due = day + interval_days(card.stability, retention)

    if exam_mode:  # the plan also places what is already studied
        for card in live:
            if card.stability is not None and card.due >= final_day(card.key, days_left):
                card.due = min(card.due, final_day(card.key, days_left))
    for day in range(days_left):
        due = [c for c in live if c.stability is not None and c.due <= day]
        due.sort(key=lambda c: (c.due, c.key))
        if review_cap is not None:
            due = due[: review_cap[day]]
        for card in due:
            assert card.stability is not None and card.difficulty is not None
            elapsed = day - card.last
            right = rng.random() < recall(card.stability, elapsed)
            rating = Rating.Good if right else Rating.Again
            card.stability, card.difficulty = after_review(
                card.stability, card.difficulty, elapsed, rating
            )
            card.last = day
            schedule(card, day)
        reviews.append(len(due))
        started = unseen[:per_day]
        del unseen[:per_day]
        for card in started:
            card.stability, card.difficulty = first_memory(Rating.Good)
            card.last = day
            schedule(card, day)
        introduced.append(len(started))
    overall, by_group = exam_recall(live, days_left)
    return Forecast(overall, by_group, tuple(reviews), tuple(introduced))


def forecast(
    cards: Sequence[PlanCard],
    days_left: int,
    *,
    retention: float,
    runs: int = 8,
    seed: int = 0,
) -> Forecast:
    """The plan's expected outcome: :func:`simulate` in exam mode, averaged over runs."""
    results = [
        simulate(cards, days_left, exam_mode=True, retention=retention, rng=random.Random(seed + i))
        for i in range(runs)
    ]
    groups = results[0].by_group.keys()
    return Forecast(
        recall=sum(r.recall for r in results) / runs,
        by_group={g: sum(r.by_group[g] for r in results) / runs for g in groups},
        reviews=tuple(round(sum(r.reviews[d] for r in results) / runs) for d in range(days_left)),
        new=results[0].new,
    )


def choose_retention(
    cards: Sequence[PlanCard],
    days_left: int,
    *,
    highest: float,
    answers_a_day: float | None,
    seed: int = 0,
) -> tuple[float, Forecast]:
    """The highest retention (from ``highest`` down to LOWEST_RETENTION) whose plan's
    work a day fits ``answers_a_day`` (None: no limit), with that plan's forecast."""
    retention = highest
    while True:
        result = forecast(cards, days_left, retention=retention, seed=seed)
        fits = answers_a_day is None or result.answers_per_day() <= answers_a_day
        if fits or retention <= LOWEST_RETENTION + 1e-9:
            return retention, result
        retention = max(LOWEST_RETENTION, round(retention - 0.05, 2))
