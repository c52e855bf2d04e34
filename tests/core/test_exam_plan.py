"""The exam planner's memory model, its placing of reviews and its simulated outcome."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from crisisquiz.core.exam_plan import (
    LOWEST_RETENTION,
    PlanCard,
    after_review,
    choose_retention,
    final_day,
    final_stretch,
    first_memory,
    new_per_day,
    next_day,
    recall,
    simulate,
)
from crisisquiz.core.scheduling import CardState, Rating, State, next_state, retrievability

START = datetime(2026, 3, 2, 9, tzinfo=UTC)


@pytest.mark.parametrize("rating", [Rating.Again, Rating.Hard, Rating.Good, Rating.Easy])
@pytest.mark.parametrize("days", [1, 3, 9, 40])
def test_the_model_is_fsrs_own(rating: Rating, days: int) -> None:
    learnt = next_state(None, Rating.Good, now=START, desired_retention=0.9, rng=random.Random(1))
    learnt = next_state(
        learnt,
        Rating.Good,
        now=START + timedelta(days=1),
        desired_retention=0.9,
        rng=random.Random(1),
    )
    assert learnt.state is State.Review and learnt.stability and learnt.difficulty
    when = START + timedelta(days=1 + days)
    expected = next_state(learnt, rating, now=when, desired_retention=0.9, rng=random.Random(1))
    stability, difficulty = after_review(learnt.stability, learnt.difficulty, days, rating)
    assert stability == pytest.approx(expected.stability, rel=1e-9)
    assert difficulty == pytest.approx(expected.difficulty, rel=1e-9)
    assert recall(learnt.stability, days) == pytest.approx(
        retrievability(learnt.stability, learnt.last_review, when)
    )


def test_a_first_answer_is_fsrs_own() -> None:
    state = next_state(None, Rating.Good, now=START, desired_retention=0.9, rng=random.Random(1))
    assert first_memory(Rating.Good) == pytest.approx((state.stability, state.difficulty))


def test_the_last_review_falls_in_the_final_stretch_and_never_after_the_exam() -> None:
    for days_left in (1, 2, 7, 14, 30, 90):
        stretch = final_stretch(days_left)
        days = {final_day(key, days_left) for key in range(30)}
        assert days == set(range(days_left - stretch, days_left))  # shared out, none past
        for key in range(30):
            last = final_day(key, days_left)
            for stability in (0.5, 3.0, 40.0, 400.0):
                day = next_day(key, 0, stability, 0.9, days_left)
                if last == 0:
                    assert day is None  # today is its last review: the next is after the exam
                else:
                    assert day is not None and 1 <= day <= last
            assert next_day(key, last, 400.0, 0.9, days_left) is None


def test_every_unseen_question_is_started_before_the_final_stretch() -> None:
    for unseen, days_left in ((243, 7), (243, 30), (5, 2), (1, 1), (100, 14)):
        per_day = new_per_day(unseen, days_left)
        assert per_day * max(1, days_left - final_stretch(days_left)) >= unseen
    assert new_per_day(0, 7) == 0


@pytest.mark.parametrize("days_left", [7, 14, 30])
def test_exam_mode_beats_normal_scheduling_with_no_more_reviews(days_left: int) -> None:
    cards = [PlanCard(key=i, group=i % 4) for i in range(60)]

    def mean(exam_mode: bool, retention: float) -> tuple[float, float]:
        runs = [
            simulate(
                cards, days_left, exam_mode=exam_mode, retention=retention, rng=random.Random(s)
            )
            for s in range(6)
        ]
        return sum(r.recall for r in runs) / 6, sum(sum(r.reviews) for r in runs) / 6

    exam, exam_reviews = mean(True, 0.9)
    retention = 0.9
    normal, normal_reviews = mean(False, retention)
    while normal_reviews < exam_reviews:
        retention = round(retention + 0.01, 2)
        normal, normal_reviews = mean(False, retention)
    assert exam > normal


def test_a_simulation_starts_every_question_and_sums_by_group() -> None:
    cards = [PlanCard(key=i, group="a" if i < 10 else "b") for i in range(30)]
    result = simulate(cards, 10, exam_mode=True, retention=0.9, rng=random.Random(2))
    assert sum(result.new) == 30
    assert set(result.by_group) == {"a", "b"}
    assert 0.5 < result.recall <= 1.0
    # Nothing studied and no day left to study: nothing recalled.
    assert simulate(cards, 0, exam_mode=True, retention=0.9, rng=random.Random(2)).recall == 0.0


def test_card_state_dates_are_kept_for_undo() -> None:
    # The plan only moves the due date: a stored state still round-trips.
    state = CardState(START, 3.0, 5.0, State.Review, None, START)
    assert CardState.from_json(state.to_json()) == state


def test_a_small_budget_lowers_the_retention_until_the_work_fits() -> None:
    cards = [
        PlanCard(key=i, group=0, stability=3.0, difficulty=5.0, last=0, due=3) for i in range(120)
    ]
    free_retention, free = choose_retention(cards, 14, highest=0.9, answers_a_day=None)
    assert free_retention == 0.9
    budget = free.answers_per_day() * 0.8
    retention, tight = choose_retention(cards, 14, highest=0.9, answers_a_day=budget)
    assert LOWEST_RETENTION <= retention < 0.9
    assert tight.answers_per_day() <= budget or retention == LOWEST_RETENTION
    assert tight.recall <= free.recall  # fewer reviews, a little less recalled
