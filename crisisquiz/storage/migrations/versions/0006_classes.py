"""classes: learners enrolled in them and the packs they study

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 10:00:00.000000

New tables only, so every database upgrades without touching its data.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "classes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("hide_builtin", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_classes")),
        sa.UniqueConstraint("name", name=op.f("uq_classes_name")),
    )
    op.create_table(
        "class_learners",
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["classes.id"],
            name=op.f("fk_class_learners_class_id_classes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["learner_id"],
            ["learners.id"],
            name=op.f("fk_class_learners_learner_id_learners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("class_id", "learner_id", name=op.f("pk_class_learners")),
    )
    op.create_index("ix_class_learners_learner", "class_learners", ["learner_id"])
    op.create_table(
        "class_packs",
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("pack_id", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["classes.id"],
            name=op.f("fk_class_packs_class_id_classes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pack_id"],
            ["packs.id"],
            name=op.f("fk_class_packs_pack_id_packs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("class_id", "pack_id", name=op.f("pk_class_packs")),
    )


def downgrade() -> None:
    op.drop_table("class_packs")
    op.drop_index("ix_class_learners_learner", table_name="class_learners")
    op.drop_table("class_learners")
    op.drop_table("classes")
