"""FSRS scheduling through the ``fsrs`` package, with card states as plain values.

The library's own interval fuzz reads the global random generator, so it is
switched off and a small fuzz is applied here from an ``rng`` the caller owns:
tests stay deterministic and reviews still spread out over days.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from fsrs import Card, Rating, Scheduler, State

__all__ = [
    "CardState",
    "Rating",
    "State",
    "next_state",
    "preview_intervals",
    "retrievability",
    "scheduler_for",
]

# Intervals shorter than this are learning steps and are never fuzzed.
_FUZZ_FROM = timedelta(days=3)


@dataclass(frozen=True)
class CardState:
    """The FSRS memory state of one question for one learner."""

    due: datetime
    stability: float | None
    difficulty: float | None
    state: State
    step: int | None
    last_review: datetime | None

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe form, stored with each review so that undo is exact."""
        return {
            "due": self.due.isoformat(),
            "stability": self.stability,
            "difficulty": self.difficulty,
            "state": int(self.state),
            "step": self.step,
            "last_review": self.last_review.isoformat() if self.last_review else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CardState:
        """The inverse of :meth:`to_json`."""
        last = data.get("last_review")
        return cls(
            due=datetime.fromisoformat(data["due"]),
            stability=data.get("stability"),
            difficulty=data.get("difficulty"),
            state=State(int(data["state"])),
            step=data.get("step"),
            last_review=datetime.fromisoformat(last) if last else None,
        )


@lru_cache(maxsize=32)
def scheduler_for(desired_retention: float) -> Scheduler:
    """An FSRS-6 scheduler with default parameters at the given retention."""
    return Scheduler(desired_retention=desired_retention, enable_fuzzing=False)


def _check_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return moment.astimezone(UTC)


def next_state(
    current: CardState | None,
    rating: Rating,
    *,
    now: datetime,
    desired_retention: float,
    rng: random.Random,
) -> CardState:
    """The state after answering with ``rating`` at ``now`` (``current`` None: a new card)."""
    now = _check_utc(now)
    scheduler = scheduler_for(desired_retention)
    if current is None:
        card = Card(card_id=0, due=now)
    else:
        card = Card(
            card_id=0,
            state=current.state,
            step=current.step,
            stability=current.stability,
            difficulty=current.difficulty,
            due=current.due,
            last_review=current.last_review,
        )
    card, _log = scheduler.review_card(card, rating, review_datetime=now)
    due = card.due
    interval = due - now
    if interval >= _FUZZ_FROM:
        # About +-5 % (at least a day), like Anki, so cards learnt together drift apart.
        spread = max(1.0, interval.days * 0.05)
        due = due + timedelta(days=round(rng.uniform(-spread, spread)))
        due = max(due, now + timedelta(days=2))
    return CardState(
        due=due,
        stability=card.stability,
        difficulty=card.difficulty,
        state=State(card.state),
        step=card.step,
        last_review=card.last_review,
    )


@lru_cache(maxsize=1)
def decay_and_factor() -> tuple[float, float]:
    """FSRS's forgetting-curve constants: R = (1 + factor * days / stability) ** decay."""
    scheduler = scheduler_for(0.9)
    decay = -scheduler.parameters[20]
    return decay, 0.9 ** (1 / decay) - 1


def retrievability(stability: float | None, last_review: datetime | None, now: datetime) -> float:
    """Predicted probability of recall at ``now``; 0 for a card never reviewed.

    Uses elapsed whole days, as the fsrs library does, so the figure agrees with it.
    """
    if stability is None or last_review is None or stability <= 0:
        return 0.0
    decay, factor = decay_and_factor()
    elapsed = max(0, (now - last_review).days)
    return float((1 + factor * elapsed / stability) ** decay)


class _NoFuzz(random.Random):
    """A generator whose fuzz is always none: a preview shows the interval itself."""

    def uniform(self, a: float, b: float) -> float:
        return (a + b) / 2


def preview_intervals(
    current: CardState | None, *, now: datetime, desired_retention: float
) -> dict[Rating, timedelta]:
    """How long until the card comes back after each rating, as the buttons show it (Anki does).

    The intervals are before the small random spread an answer adds, so they can differ
    from the stored one by a day or so on long intervals.
    """
    return {
        rating: next_state(
            current, rating, now=now, desired_retention=desired_retention, rng=_NoFuzz()
        ).due
        - now
        for rating in Rating
    }
