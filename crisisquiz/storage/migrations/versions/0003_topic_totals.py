"""topic totals and the indexes the per-topic figures and the study queue read

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 04:20:00.000000

The lifetime figures of a learner summed up to 180,000 daily rows for a learner with
a million reviews. ``topic_totals`` holds those sums, kept by triggers on
``daily_topic_stats``: every insert, update and delete of a daily row (an answer,
an undo, a reset, a deleted learner) moves the totals with it, in the database itself.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from crisisquiz.storage.dialects import EngineRules, rules_for

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COUNTS = ("answers", "correct", "new", "mature", "mature_correct", "time_ms")
_KEY = ("learner_id", "pack_id", "topic_id")


def _rules() -> EngineRules:
    # The triggers are written in each engine's own language (storage/dialects.py).
    return rules_for(op.get_bind().dialect.name)


def upgrade() -> None:
    op.create_table(
        "topic_totals",
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("pack_id", sa.String(length=80), nullable=False),
        sa.Column("topic_id", sa.String(length=80), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in _COUNTS),
        sa.ForeignKeyConstraint(
            ["learner_id"],
            ["learners.id"],
            name=op.f("fk_topic_totals_learner_id_learners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("learner_id", "pack_id", "topic_id", name=op.f("pk_topic_totals")),
    )
    sums = ", ".join(f"SUM({name})" for name in _COUNTS)
    op.execute(
        f"INSERT INTO topic_totals ({', '.join(_KEY + _COUNTS)}) "
        f"SELECT learner_id, pack_id, topic_id, {sums} FROM daily_topic_stats "
        "GROUP BY learner_id, pack_id, topic_id"
    )
    for statement in _rules().topic_totals_triggers():
        op.execute(statement)
    with op.batch_alter_table("daily_topic_stats", schema=None) as batch_op:
        batch_op.create_index("ix_daily_topic_stats_learner_day", ["learner_id", "day"])
    with op.batch_alter_table("card_states", schema=None) as batch_op:
        batch_op.drop_index("ix_card_states_learner_due")
        batch_op.create_index(
            "ix_card_states_learner_due",
            ["learner_id", "due", "state", "stability", "last_review", "question_id"],
        )
        batch_op.create_index(
            "ix_card_states_learner_topic",
            [
                "learner_id",
                "pack_id",
                "topic_id",
                "due",
                "stability",
                "last_review",
                "question_id",
            ],
        )
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_questions_retired",
            ["pack_id", "topic_id", "id"],
            sqlite_where=sa.text("retired = 1"),
            postgresql_where=sa.text("retired"),
        )
    # A question a newer pack version moved to another topic counts under its new topic.
    op.execute(
        "UPDATE card_states SET topic_id = (SELECT q.topic_id FROM questions q "
        "WHERE q.id = card_states.question_id) WHERE topic_id != (SELECT q.topic_id "
        "FROM questions q WHERE q.id = card_states.question_id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_index("ix_questions_retired")
    with op.batch_alter_table("card_states", schema=None) as batch_op:
        batch_op.drop_index("ix_card_states_learner_topic")
        batch_op.drop_index("ix_card_states_learner_due")
        batch_op.create_index("ix_card_states_learner_due", ["learner_id", "due"])
    with op.batch_alter_table("daily_topic_stats", schema=None) as batch_op:
        batch_op.drop_index("ix_daily_topic_stats_learner_day")
    for statement in _rules().drop_topic_totals_triggers():
        op.execute(statement)
    op.drop_table("topic_totals")
