"""school server: accounts, answer keys, settings per user

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 09:00:00.000000

What a shared PostgreSQL server needs, on both engines so the schema stays one:
- ``server_accounts`` maps a login role to its learner (empty in a SQLite file);
- ``reviews.answer_key``, unique per learner, so an answer sent again after a lost
  connection is found instead of stored twice;
- ``settings.owner``, so each signed-in person keeps their own theme and text size
  (empty in a SQLite file, where the settings belong to the installation);
- ``class_teachers``: the classes each teacher's login teaches (empty in a file).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "server_accounts",
        sa.Column("role_name", sa.String(length=63), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["learner_id"],
            ["learners.id"],
            name=op.f("fk_server_accounts_learner_id_learners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("role_name", name=op.f("pk_server_accounts")),
    )
    with op.batch_alter_table("server_accounts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_server_accounts_learner_id"), ["learner_id"], unique=False
        )
    op.create_table(
        "class_teachers",
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("role_name", sa.String(length=63), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["classes.id"],
            name=op.f("fk_class_teachers_class_id_classes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["role_name"],
            ["server_accounts.role_name"],
            name=op.f("fk_class_teachers_role_name_server_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("class_id", "role_name", name=op.f("pk_class_teachers")),
    )
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answer_key", sa.String(length=40), nullable=True))
        batch_op.create_index(
            "ix_reviews_learner_answer_key", ["learner_id", "answer_key"], unique=True
        )
    with op.batch_alter_table("settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("owner", sa.String(length=63), nullable=False, server_default="")
        )
        batch_op.drop_constraint("pk_settings", type_="primary")
        batch_op.create_primary_key("pk_settings", ["owner", "key"])


def downgrade() -> None:
    # Only the installation's own settings fit the older one-row-per-key table.
    op.execute("DELETE FROM settings WHERE owner != ''")
    with op.batch_alter_table("settings", schema=None) as batch_op:
        batch_op.drop_constraint("pk_settings", type_="primary")
        batch_op.create_primary_key("pk_settings", ["key"])
        batch_op.drop_column("owner")
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_index("ix_reviews_learner_answer_key")
        batch_op.drop_column("answer_key")
    op.drop_table("class_teachers")
    with op.batch_alter_table("server_accounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_server_accounts_learner_id"))
    op.drop_table("server_accounts")
