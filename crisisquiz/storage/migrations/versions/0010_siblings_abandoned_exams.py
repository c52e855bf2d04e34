"""siblings in SQL, abandoned quizzes, exam plans

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08 10:00:00.000000

Questions get the pack's ``group`` as a column (filled from each stored question),
quiz attempts an ``abandoned_at`` time, and a new table holds learners' exam dates.
Open attempts of earlier versions (never finished) count as abandoned from now on.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("questions") as batch:
        batch.add_column(sa.Column("sibling_group", sa.String(length=80), nullable=True))
    questions = sa.table(
        "questions",
        sa.column("id", sa.Integer()),
        sa.column("body", sa.JSON()),
        sa.column("sibling_group", sa.String()),
    )
    connection = op.get_bind()
    grouped = [
        {"key": row_id, "group": body["group"]}
        for row_id, body in connection.execute(sa.select(questions.c.id, questions.c.body))
        if isinstance(body, dict) and isinstance(body.get("group"), str)
    ]
    if grouped:
        connection.execute(
            questions.update()
            .where(questions.c.id == sa.bindparam("key"))
            .values(sibling_group=sa.bindparam("group")),
            grouped,
        )
    op.create_index("ix_questions_sibling_group", "questions", ["pack_id", "sibling_group"])

    with op.batch_alter_table("quiz_attempts") as batch:
        batch.add_column(sa.Column("abandoned_at", sa.DateTime(), nullable=True))
    attempts = sa.table(
        "quiz_attempts",
        sa.column("started_at", sa.DateTime()),
        sa.column("finished_at", sa.DateTime()),
        sa.column("abandoned_at", sa.DateTime()),
    )
    # When exactly they were left is not known; their start is the honest lower bound.
    connection.execute(
        attempts.update()
        .where(attempts.c.finished_at.is_(None))
        .values(abandoned_at=attempts.c.started_at)
    )

    op.create_table(
        "exam_plans",
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("pack_id", sa.String(length=80), nullable=False),
        sa.Column("exam_day", sa.Date(), nullable=False),
        sa.Column("minutes_per_day", sa.Integer(), nullable=True),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["learner_id"],
            ["learners.id"],
            name=op.f("fk_exam_plans_learner_id_learners"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pack_id"],
            ["packs.id"],
            name=op.f("fk_exam_plans_pack_id_packs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("learner_id", "pack_id", name=op.f("pk_exam_plans")),
    )


def downgrade() -> None:
    op.drop_table("exam_plans")
    with op.batch_alter_table("quiz_attempts") as batch:
        batch.drop_column("abandoned_at")
    op.drop_index("ix_questions_sibling_group", table_name="questions")
    with op.batch_alter_table("questions") as batch:
        batch.drop_column("sibling_group")
