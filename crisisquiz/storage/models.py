"""SQLAlchemy 2.x models: packs, questions, learners, card states, reviews, quizzes.

Progress is keyed on the question row, which stays the same for a given
(pack id, question id) across pack versions, so re-importing a pack keeps
every learner's history.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any, ClassVar, cast

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Named constraints keep Alembic's batch migrations on SQLite deterministic.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def table_of(model: type[DeclarativeBase]) -> Table:
    """The table behind a mapped class, typed as a Table for plain SQL statements."""
    return cast(Table, model.__table__)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, hands back aware UTC; refuses naive datetimes on the way in."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("datetimes stored must be timezone-aware")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """Declarative base with the constraint naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime,
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class PackRow(Base):
    """An installed pack at its current version."""

    __tablename__ = "packs"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    version: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(20))
    authors: Mapped[list[Any]]
    description: Mapped[str] = mapped_column(Text, default="")
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)
    imported_at: Mapped[datetime]


class PackVersionRow(Base):
    """A version of a pack this database has had installed."""

    __tablename__ = "pack_versions"

    pack_id: Mapped[str] = mapped_column(
        ForeignKey("packs.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[str] = mapped_column(String(40), primary_key=True)
    imported_at: Mapped[datetime]


class SourceRow(Base):
    """A source a pack's questions cite: a document (by sentence) or a reference (whole)."""

    __tablename__ = "sources"

    pack_id: Mapped[str] = mapped_column(
        ForeignKey("packs.id", ondelete="CASCADE"), primary_key=True
    )
    source_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20), default="document", server_default="document")
    author: Mapped[str] = mapped_column(Text, default="", server_default="")
    publisher: Mapped[str] = mapped_column(Text, default="", server_default="")
    date: Mapped[str | None] = mapped_column(String(10))  # YYYY, YYYY-MM or YYYY-MM-DD
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class SourceSentenceRow(Base):
    """What one sentence of a document claims, and what is wrong with it."""

    __tablename__ = "source_sentences"
    __table_args__ = (
        ForeignKeyConstraint(
            ["pack_id", "source_id"],
            ["sources.pack_id", "sources.source_id"],
            ondelete="CASCADE",
        ),
    )

    pack_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    source_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    line: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim: Mapped[str] = mapped_column(Text)
    error: Mapped[str] = mapped_column(Text, default="")


class TopicRow(Base):
    """A topic of a pack, in pack order."""

    __tablename__ = "topics"

    pack_id: Mapped[str] = mapped_column(
        ForeignKey("packs.id", ondelete="CASCADE"), primary_key=True
    )
    topic_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer)
    # The study guide, plain text with blank lines between paragraphs.
    guide: Mapped[str] = mapped_column(Text, default="", server_default="")


class TimelineRow(Base):
    """One dated event of a pack's timeline, in pack order."""

    __tablename__ = "timeline"

    pack_id: Mapped[str] = mapped_column(
        ForeignKey("packs.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    date: Mapped[str] = mapped_column(String(10))
    event: Mapped[str] = mapped_column(Text)
    topic_id: Mapped[str | None] = mapped_column(String(80))


class QuestionRow(Base):
    """A question; ``body`` holds the question exactly as the pack format has it."""

    __tablename__ = "questions"
    __table_args__ = (
        UniqueConstraint("pack_id", "question_id"),
        Index("ix_questions_pack_topic", "pack_id", "topic_id", "position"),
        # The few retired questions, so per-topic figures can leave them out without
        # reading every question row.
        Index(
            "ix_questions_retired",
            "pack_id",
            "topic_id",
            "id",
            sqlite_where=text("retired = 1"),
            postgresql_where=text("retired"),
        ),
        Index("ix_questions_sibling_group", "pack_id", "sibling_group"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pack_id: Mapped[str] = mapped_column(ForeignKey("packs.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(80))
    topic_id: Mapped[str] = mapped_column(String(80))
    qtype: Mapped[str] = mapped_column(String(30))
    position: Mapped[int] = mapped_column(Integer)
    difficulty: Mapped[int] = mapped_column(Integer)
    body: Mapped[dict[str, Any]]
    # Retired questions are no longer in the pack; their history is kept.
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    # The question's ``group`` in the pack: questions sharing one are siblings, asking the
    # same fact. A real column, so the study queue can leave buried siblings out in SQL.
    sibling_group: Mapped[str | None] = mapped_column(String(80), default=None)


class QuestionHistoryRow(Base):
    """A question as it was up to and including ``pack_version``, kept when a newer
    version of its pack changed it: answers given then are judged against it."""

    __tablename__ = "question_history"

    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True
    )
    pack_version: Mapped[str] = mapped_column(String(40), primary_key=True)
    body: Mapped[dict[str, Any]]


class MediaRow(Base):
    """A media file shipped inside a pack (an image a question shows)."""

    __tablename__ = "media"

    pack_id: Mapped[str] = mapped_column(
        ForeignKey("packs.id", ondelete="CASCADE"), primary_key=True
    )
    path: Mapped[str] = mapped_column(String(300), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class LearnerRow(Base):
    """A learner profile and its study settings."""

    __tablename__ = "learners"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # A random id given once and carried in results files: a person, not a name.
    uid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    desired_retention: Mapped[float] = mapped_column(Float, default=0.9)
    new_per_day: Mapped[int] = mapped_column(Integer, default=15)
    day_rollover_hour: Mapped[int] = mapped_column(Integer, default=4)
    quiz_counts_as_review: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]


class CardStateRow(Base):
    """The FSRS state of one question for one learner."""

    __tablename__ = "card_states"
    __table_args__ = (
        # Covers the study queue: due and learning cards, ranked by recall, from the
        # index alone.
        Index(
            "ix_card_states_learner_due",
            "learner_id",
            "due",
            "state",
            "stability",
            "last_review",
            "question_id",
        ),
        # The questions a learner answered since a moment (today, for burying siblings),
        # found without reading the reviews table.
        Index("ix_card_states_learner_reviewed", "learner_id", "last_review", "question_id"),
        # Covers the per-topic figures (seen, due, recall), read in topic order from
        # the index alone instead of fetching every card row.
        Index(
            "ix_card_states_learner_topic",
            "learner_id",
            "pack_id",
            "topic_id",
            "due",
            "stability",
            "last_review",
            "question_id",
        ),
    )

    learner_id: Mapped[int] = mapped_column(
        ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True
    )
    due: Mapped[datetime]
    stability: Mapped[float | None] = mapped_column(Float)
    difficulty: Mapped[float | None] = mapped_column(Float)
    state: Mapped[int] = mapped_column(Integer)
    step: Mapped[int | None] = mapped_column(Integer)
    last_review: Mapped[datetime | None]
    # Denormalised from questions so the due query and the figures never join; a pack
    # update that moves a question to another topic updates it here too.
    pack_id: Mapped[str] = mapped_column(String(80))
    topic_id: Mapped[str] = mapped_column(String(80))


class ReviewRow(Base):
    """One answer given in study (or in a quiz that counts as review)."""

    __tablename__ = "reviews"
    __table_args__ = (
        Index("ix_reviews_learner_time", "learner_id", "reviewed_at"),
        Index("ix_reviews_learner_question", "learner_id", "question_id"),
        # One stored review per answer given, however often it is sent again.
        Index("ix_reviews_learner_answer_key", "learner_id", "answer_key", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    reviewed_at: Mapped[datetime]
    rating: Mapped[int] = mapped_column(Integer)
    correct: Mapped[bool] = mapped_column(Boolean)
    score: Mapped[float] = mapped_column(Float)
    response: Mapped[dict[str, Any]]
    response_ms: Mapped[int] = mapped_column(Integer)
    # The card state before this answer (null for a new card), so undo is exact.
    previous_state: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Denormalised for the per-topic figures, which must not join a million rows.
    topic_id: Mapped[str] = mapped_column(String(80))
    pack_id: Mapped[str] = mapped_column(String(80))
    # Chosen by the app for each answer given: sending the same answer again (after a
    # lost connection) finds it stored instead of storing it twice.
    answer_key: Mapped[str | None] = mapped_column(String(40), default=None)
    # The pack version the question was answered in: it is judged against that text.
    pack_version: Mapped[str] = mapped_column(String(40), server_default="")


class QuizAttemptRow(Base):
    """A quiz a learner started: finished when ``finished_at`` is set, abandoned (ended
    early, or left open and closed later) when ``abandoned_at`` is, then without a score."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (Index("ix_quiz_attempts_learner_started", "learner_id", "started_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    seed: Mapped[int] = mapped_column(Integer)
    topics: Mapped[list[Any]]
    question_ids: Mapped[list[Any]]
    feedback: Mapped[str] = mapped_column(String(20))
    time_limit_s: Mapped[int | None] = mapped_column(Integer)
    score: Mapped[float | None] = mapped_column(Float)
    abandoned_at: Mapped[datetime | None] = mapped_column(default=None)


class QuizAnswerRow(Base):
    """One answer inside a quiz attempt."""

    __tablename__ = "quiz_answers"

    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("quiz_attempts.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    answered_at: Mapped[datetime]
    correct: Mapped[bool] = mapped_column(Boolean)
    score: Mapped[float] = mapped_column(Float)
    response: Mapped[dict[str, Any]]
    response_ms: Mapped[int] = mapped_column(Integer)
    # The question's pack and topic when it was answered.
    pack_id: Mapped[str] = mapped_column(String(80))
    topic_id: Mapped[str] = mapped_column(String(80))
    pack_version: Mapped[str] = mapped_column(String(40), server_default="")
    # The FSRS rating the answer stands for (as in study): mastery counts quiz answers.
    rating: Mapped[int] = mapped_column(Integer, server_default="1")


class SettingRow(Base):
    """An application setting (theme, text size, last learner).

    ``owner`` is the database user the setting belongs to: empty in a SQLite file,
    the signed-in user on a school server, so each person's theme follows them.
    """

    __tablename__ = "settings"

    owner: Mapped[str] = mapped_column(String(63), primary_key=True, server_default="")
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ServerAccountRow(Base):
    """A school server's login role and the learner it studies as (see storage/school.py).

    Empty in a SQLite file.
    """

    __tablename__ = "server_accounts"

    role_name: Mapped[str] = mapped_column(String(63), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    learner_id: Mapped[int | None] = mapped_column(
        ForeignKey("learners.id", ondelete="CASCADE"), index=True
    )


class DailyTopicStatsRow(Base):
    """Answers per learner, topic and study day, kept up to date with every answer.

    The per-topic figures read this small table instead of scanning every review.
    """

    __tablename__ = "daily_topic_stats"
    __table_args__ = (Index("ix_daily_topic_stats_learner_day", "learner_id", "day"),)

    learner_id: Mapped[int] = mapped_column(
        ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True
    )
    pack_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    topic_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)  # the learner's local study day
    answers: Mapped[int] = mapped_column(Integer, default=0)
    correct: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)  # first answers to a question
    # Answers to questions last seen at least a day before, for true retention.
    mature: Mapped[int] = mapped_column(Integer, default=0)
    mature_correct: Mapped[int] = mapped_column(Integer, default=0)
    time_ms: Mapped[int] = mapped_column(Integer, default=0)


class TopicTotalsRow(Base):
    """Lifetime sums of ``daily_topic_stats`` per learner and topic.

    Kept by triggers on ``daily_topic_stats`` (see migration 0003 and
    storage/dialects.py), so it can never drift from the daily rows, whichever code
    writes them.
    """

    __tablename__ = "topic_totals"

    learner_id: Mapped[int] = mapped_column(
        ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True
    )
    pack_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    topic_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    answers: Mapped[int] = mapped_column(Integer, default=0)
    correct: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    mature: Mapped[int] = mapped_column(Integer, default=0)
    mature_correct: Mapped[int] = mapped_column(Integer, default=0)
    time_ms: Mapped[int] = mapped_column(Integer, default=0)


class ClassRow(Base):
    """A class of learners, with the packs it studies.

    Learners belong to classes through ``class_learners``, packs through
    ``class_packs``. A teacher-to-class relation can be added the same way.
    """

    __tablename__ = "classes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    # The built-in pack is shown to the class's learners unless this is set.
    hide_builtin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]


class ClassLearnerRow(Base):
    """A learner enrolled in a class."""

    __tablename__ = "class_learners"
    __table_args__ = (Index("ix_class_learners_learner", "learner_id"),)

    class_id: Mapped[int] = mapped_column(
        ForeignKey("classes.id", ondelete="CASCADE"), primary_key=True
    )
    learner_id: Mapped[int] = mapped_column(
        ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True
    )


class ClassPackRow(Base):
    """A pack a class studies (besides the built-in one, unless that is hidden)."""

    __tablename__ = "class_packs"

    class_id: Mapped[int] = mapped_column(
        ForeignKey("classes.id", ondelete="CASCADE"), primary_key=True
    )
    pack_id: Mapped[str] = mapped_column(
        ForeignKey("packs.id", ondelete="CASCADE"), primary_key=True
    )


class ClassTeacherRow(Base):
    """A school server's teacher (a login role) and a class they teach.

    On a school server a teacher reads the progress of the learners in these
    classes and nobody else's (see storage/school.py). Empty in a SQLite file.
    """

    __tablename__ = "class_teachers"

    class_id: Mapped[int] = mapped_column(
        ForeignKey("classes.id", ondelete="CASCADE"), primary_key=True
    )
    role_name: Mapped[str] = mapped_column(
        ForeignKey("server_accounts.role_name", ondelete="CASCADE"), primary_key=True
    )


class ExamPlanRow(Base):
    """A learner's exam on a pack: its study day and, optionally, minutes a day to study."""

    __tablename__ = "exam_plans"

    learner_id: Mapped[int] = mapped_column(
        ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True
    )
    pack_id: Mapped[str] = mapped_column(
        ForeignKey("packs.id", ondelete="CASCADE"), primary_key=True
    )
    exam_day: Mapped[date] = mapped_column(Date)  # the learner's study day of the exam
    minutes_per_day: Mapped[int | None] = mapped_column(Integer, default=None)
    set_at: Mapped[datetime]
