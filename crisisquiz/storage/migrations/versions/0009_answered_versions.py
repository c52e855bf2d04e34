"""each answer remembers the pack version it was given to; earlier question texts are kept

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 14:00:00.000000

An answer is judged against the question as it was when answered, not as a later
pack version has it. Reviews and quiz answers gain ``pack_version``; existing ones
get the version installed now, the best that is known of them. ``pack_versions``
lists the versions of each pack this database has had (from now on; the installed
one to start with), and ``question_history`` keeps a question's text as it was up to
and including a version, whenever a newer version changed it.

Quiz answers also gain ``rating`` (the FSRS rating the answer stands for), so that
questions answered only in quizzes count towards mastery: existing ones get Good
when right, Hard when partly right and Again when wrong; a flashcard keeps the
rating the learner gave.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_quiz_answers = sa.table(
    "quiz_answers",
    sa.column("attempt_id", sa.Integer()),
    sa.column("position", sa.Integer()),
    sa.column("correct", sa.Boolean()),
    sa.column("score", sa.Float()),
    sa.column("response", sa.JSON()),
    sa.column("rating", sa.Integer()),
)

AGAIN, HARD, GOOD = 1, 2, 3


def upgrade() -> None:
    op.create_table(
        "pack_versions",
        sa.Column("pack_id", sa.String(length=80), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pack_id"],
            ["packs.id"],
            name=op.f("fk_pack_versions_pack_id_packs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pack_id", "version", name=op.f("pk_pack_versions")),
    )
    op.execute(
        "INSERT INTO pack_versions (pack_id, version, imported_at) "
        "SELECT id, version, imported_at FROM packs"
    )
    op.create_table(
        "question_history",
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("pack_version", sa.String(length=40), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_question_history_question_id_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("question_id", "pack_version", name=op.f("pk_question_history")),
    )
    # Added with a default so that SQLite adds the columns in place instead of
    # copying tables that can hold a million answers.
    for table in ("reviews", "quiz_answers"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("pack_version", sa.String(length=40), nullable=False, server_default="")
            )
    with op.batch_alter_table("quiz_answers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rating", sa.Integer(), nullable=False, server_default="1"))
    op.execute(
        "UPDATE reviews SET pack_version = "
        "(SELECT p.version FROM packs p WHERE p.id = reviews.pack_id)"
    )
    op.execute(
        "UPDATE quiz_answers SET pack_version = (SELECT p.version FROM packs p "
        "WHERE p.id = quiz_answers.pack_id)"
    )
    bind = op.get_bind()
    q = _quiz_answers.c
    rows = bind.execute(sa.select(q.attempt_id, q.position, q.correct, q.score, q.response))
    for attempt_id, position, correct, score, response in rows.all():
        value = response.get("value") if isinstance(response, dict) else None
        if isinstance(response, dict) and response.get("type") == "flashcard" and value in (
            1,
            2,
            3,
            4,
        ):
            rating = int(value)
        else:
            rating = GOOD if correct else HARD if score > 0 else AGAIN
        if rating != AGAIN:
            bind.execute(
                _quiz_answers.update()
                .where(q.attempt_id == attempt_id, q.position == position)
                .values(rating=rating)
            )


def downgrade() -> None:
    with op.batch_alter_table("quiz_answers", schema=None) as batch_op:
        batch_op.drop_column("rating")
        batch_op.drop_column("pack_version")
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_column("pack_version")
    op.drop_table("question_history")
    op.drop_table("pack_versions")
