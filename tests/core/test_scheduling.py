"""FSRS scheduling: UTC at the boundary, deterministic replay, recall."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Rating, State
from hypothesis import given
from hypothesis import strategies as st

from crisisquiz.core.scheduling import CardState, next_state, retrievability

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
history = st.lists(
    st.tuples(st.sampled_from(list(Rating)), st.integers(min_value=1, max_value=60 * 24 * 40)),
    min_size=1,
    max_size=25,
)


def replay(events: list[tuple[Rating, int]], seed: int) -> list[CardState]:
    rng = random.Random(seed)
    state: CardState | None = None
    now = START
    states = []
    for rating, minutes in events:
        now += timedelta(minutes=minutes)
        state = next_state(state, rating, now=now, desired_retention=0.9, rng=rng)
        states.append(state)
    return states


@given(history, st.integers(min_value=0, max_value=2**32))
def test_replaying_the_same_history_gives_identical_states(
    events: list[tuple[Rating, int]], seed: int
) -> None:
    assert replay(events, seed) == replay(events, seed)


@given(history)
def test_states_round_trip_through_json(events: list[tuple[Rating, int]]) -> None:
    for state in replay(events, 1):
        assert CardState.from_json(state.to_json()) == state
        assert state.due > START


def test_new_card_again_comes_back_within_minutes() -> None:
    state = next_state(None, Rating.Again, now=START, desired_retention=0.9, rng=random.Random(0))
    assert state.state is State.Learning
    assert state.due - START <= timedelta(minutes=10)


def test_higher_retention_means_shorter_intervals() -> None:
    def interval(retention: float) -> timedelta:
        rng = random.Random(0)
        s = next_state(None, Rating.Good, now=START, desired_retention=retention, rng=rng)
        s = next_state(s, Rating.Good, now=s.due, desired_retention=retention, rng=rng)
        s2 = next_state(s, Rating.Good, now=s.due, desired_retention=retention, rng=rng)
        return s2.due - s.due

    assert interval(0.95) < interval(0.80)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        next_state(
            None, Rating.Good, now=datetime(2026, 1, 1), desired_retention=0.9, rng=random.Random(0)
        )


def test_retrievability() -> None:
    assert retrievability(None, None, START) == 0.0
    assert retrievability(10.0, START, START) == pytest.approx(1.0)
    # By definition of stability, recall is 90 % after S days.
    assert retrievability(10.0, START, START + timedelta(days=10)) == pytest.approx(0.9, abs=1e-6)
