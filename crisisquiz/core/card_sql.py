"""SQL pieces over the learners' card states shared by the study queue and the figures."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    ColumnElement,
    Engine,
    Float,
    Integer,
    and_,
    case,
    cast,
    func,
    literal,
    select,
)
from sqlalchemy.exc import OperationalError

from crisisquiz.core.scheduling import decay_and_factor
from crisisquiz.storage.models import CardStateRow, QuestionRow


def live_card() -> ColumnElement[bool]:
    """The card's question is not retired: a lookup in the small index of retired ones."""
    q = QuestionRow
    return CardStateRow.question_id.not_in(select(q.id).where(q.retired))


def recall_expression(now: datetime) -> ColumnElement[float]:
    """:func:`~crisisquiz.core.scheduling.retrievability` of a card at ``now``, as SQL.

    Elapsed whole days as the fsrs library counts them: the difference is rounded
    to the millisecond (SQLite's own precision) and then floored. Needs SQLite's
    math functions (see :func:`has_math_functions`).
    """
    decay, factor = decay_and_factor()
    c = CardStateRow
    now_jd = func.julianday(literal(sqlite_time(now)))
    elapsed_ms = func.round((now_jd - func.julianday(c.last_review)) * 86_400_000)
    elapsed_days = func.max(0, cast(elapsed_ms, Integer) // 86_400_000)
    return case(
        (
            and_(c.stability > 0, c.last_review.is_not(None)),
            func.pow(1 + factor * cast(elapsed_days, Float) / c.stability, decay),
        ),
        else_=0.0,
    )


def has_math_functions(engine: Engine) -> bool:
    """Whether this SQLite has ``pow()`` (built with its math functions, as most are)."""
    try:
        with engine.connect() as connection:
            connection.execute(select(func.pow(2.0, 0.5)))
    except OperationalError:
        return False
    return True


def sqlite_time(moment: datetime) -> str:
    """``moment`` in the text form SQLAlchemy stores datetimes in on SQLite (naive UTC)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
