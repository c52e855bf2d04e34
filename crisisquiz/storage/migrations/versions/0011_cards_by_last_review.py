"""card states by last review: the questions a learner answered today, from an index

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-09 10:00:00.000000

Burying siblings needs the questions a learner answered this study day; an index
on (learner, last review) finds them without reading the reviews table. A new index
only: every database upgrades without touching its data.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_card_states_learner_reviewed",
        "card_states",
        ["learner_id", "last_review", "question_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_card_states_learner_reviewed", table_name="card_states")
