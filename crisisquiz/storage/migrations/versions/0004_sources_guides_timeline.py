"""sources as documents or references, sentence notes, study guides, the timeline

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05 08:30:00.000000

The pack format's second edition: a source is a document (cited by sentence) or a
reference (cited whole) with bibliographic fields; a document may say what each
sentence claims and what is wrong with it; a topic carries a study guide; a pack
carries a timeline. Existing sources become documents with empty fields, existing
topics get an empty guide: the packs read exactly as before until re-imported.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=20), server_default="document", nullable=False)
        )
        batch_op.add_column(sa.Column("author", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("publisher", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("date", sa.String(length=10), nullable=True))
        # Sources were listed by id; from now on in the pack's own order.
        batch_op.add_column(sa.Column("position", sa.Integer(), server_default="0", nullable=False))
    with op.batch_alter_table("topics", schema=None) as batch_op:
        batch_op.add_column(sa.Column("guide", sa.Text(), server_default="", nullable=False))
    op.create_table(
        "source_sentences",
        sa.Column("pack_id", sa.String(length=80), nullable=False),
        sa.Column("source_id", sa.String(length=80), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("claim", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pack_id", "source_id"],
            ["sources.pack_id", "sources.source_id"],
            name=op.f("fk_source_sentences_pack_id_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "pack_id", "source_id", "line", name=op.f("pk_source_sentences")
        ),
    )
    op.create_table(
        "timeline",
        sa.Column("pack_id", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("date", sa.String(length=10), nullable=False),
        sa.Column("event", sa.Text(), nullable=False),
        sa.Column("topic_id", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["pack_id"],
            ["packs.id"],
            name=op.f("fk_timeline_pack_id_packs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pack_id", "position", name=op.f("pk_timeline")),
    )


def downgrade() -> None:
    op.drop_table("timeline")
    op.drop_table("source_sentences")
    with op.batch_alter_table("topics", schema=None) as batch_op:
        batch_op.drop_column("guide")
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_column("position")
        batch_op.drop_column("date")
        batch_op.drop_column("publisher")
        batch_op.drop_column("author")
        batch_op.drop_column("kind")
