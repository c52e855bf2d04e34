"""SQL pieces over the learners' card states shared by the study queue and the figures."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Engine, Float, and_, case, cast, func, literal, select

from crisisquiz.core.scheduling import decay_and_factor
from crisisquiz.storage.dialects import rules_of, whole_days_since
from crisisquiz.storage.models import CardStateRow, QuestionRow, UTCDateTime


def live_card() -> ColumnElement[bool]:
    """The card's question is not retired: a lookup in the small index of retired ones."""
    q = QuestionRow
    return CardStateRow.question_id.not_in(select(q.id).where(q.retired))


def recall_expression(
    now: datetime, by_pack: Mapping[str, datetime] | None = None
) -> ColumnElement[float]:
    """:func:`~crisisquiz.core.scheduling.retrievability` of a card at ``now``, as SQL.

    ``by_pack`` gives other moments for the cards of some packs (an exam date).
    Elapsed whole days as the fsrs library counts them (see
    :class:`~crisisquiz.storage.dialects.whole_days_since`). Needs ``pow()`` in SQL
    (see :func:`has_math_functions`).
    """
    decay, factor = decay_and_factor()
    c = CardStateRow
    at: ColumnElement[Any] = literal(now, UTCDateTime())
    if by_pack:
        at = case(
            *(
                (c.pack_id == pack_id, literal(moment, UTCDateTime()))
                for pack_id, moment in by_pack.items()
            ),
            else_=at,
        )
    elapsed_days = whole_days_since(at, c.last_review)
    return case(
        (
            and_(c.stability > 0, c.last_review.is_not(None)),
            func.pow(1 + factor * cast(elapsed_days, Float) / c.stability, decay),
        ),
        else_=0.0,
    )


def has_math_functions(engine: Engine) -> bool:
    """Whether the database computes ``pow()`` (PostgreSQL always; SQLite as built)."""
    return rules_of(engine).has_math_functions(engine)
