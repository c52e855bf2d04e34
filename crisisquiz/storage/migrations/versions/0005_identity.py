"""learners get a stable random id; quiz answers and quiz topics name their pack

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 09:00:00.000000

A learner is a person, not a name: ``learners.uid`` is a random UUID given once and
carried in every results file, so two pupils called Ana stay two, and one pupil's
exports from two computers can be recognised as one.

A topic is (pack id, topic id): two packs may both have a topic "origins". Quiz
answers gain ``pack_id`` (copied from their question), and a quiz attempt's chosen
topics, stored until now as bare topic ids, become [pack id, topic id] pairs: each
bare id is paired with the packs of the attempt's own questions that have a topic of
that id, or with every installed pack that has it when none of its questions does.
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_learners = sa.table("learners", sa.column("id", sa.Integer()), sa.column("uid", sa.Uuid()))
_attempts = sa.table(
    "quiz_attempts",
    sa.column("id", sa.Integer()),
    sa.column("topics", sa.JSON()),
    sa.column("question_ids", sa.JSON()),
)


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("learners", schema=None) as batch_op:
        batch_op.add_column(sa.Column("uid", sa.Uuid(), nullable=True))
    for (learner_id,) in bind.execute(sa.select(_learners.c.id)).all():
        bind.execute(
            _learners.update().where(_learners.c.id == learner_id).values(uid=uuid.uuid4())
        )
    with op.batch_alter_table("learners", schema=None) as batch_op:
        batch_op.alter_column("uid", existing_type=sa.Uuid(), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_learners_uid"), ["uid"])

    with op.batch_alter_table("quiz_answers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pack_id", sa.String(length=80), nullable=True))
    op.execute(
        "UPDATE quiz_answers SET pack_id = (SELECT q.pack_id FROM questions q "
        "WHERE q.id = quiz_answers.question_id)"
    )
    with op.batch_alter_table("quiz_answers", schema=None) as batch_op:
        batch_op.alter_column("pack_id", existing_type=sa.String(length=80), nullable=False)

    _pair_quiz_topics(bind)


def _pair_quiz_topics(bind: sa.Connection) -> None:
    """Rewrite each attempt's bare topic ids as [pack id, topic id] pairs."""
    packs_of_topic: dict[str, list[str]] = {}
    for pack_id, topic_id in bind.execute(
        sa.text("SELECT pack_id, topic_id FROM topics ORDER BY pack_id, position")
    ):
        packs_of_topic.setdefault(topic_id, []).append(pack_id)
    question_topic = {
        row_id: (pack_id, topic_id)
        for row_id, pack_id, topic_id in bind.execute(
            sa.text("SELECT id, pack_id, topic_id FROM questions")
        )
    }
    a = _attempts.c
    for attempt_id, topics, question_ids in bind.execute(
        sa.select(a.id, a.topics, a.question_ids)
    ).all():
        if not topics or not all(isinstance(t, str) for t in topics):
            continue
        own = {question_topic[q] for q in question_ids or () if q in question_topic}
        pairs: list[list[str]] = []
        for topic_id in topics:
            packs = sorted(p for p, t in own if t == topic_id) or packs_of_topic.get(topic_id, [])
            pairs += [[pack_id, topic_id] for pack_id in packs if [pack_id, topic_id] not in pairs]
        bind.execute(_attempts.update().where(a.id == attempt_id).values(topics=pairs))


def downgrade() -> None:
    bind = op.get_bind()
    a = _attempts.c
    for attempt_id, topics in bind.execute(sa.select(a.id, a.topics)).all():
        bare = list(dict.fromkeys(t[1] for t in topics or () if isinstance(t, list)))
        if bare:
            bind.execute(_attempts.update().where(a.id == attempt_id).values(topics=bare))
    with op.batch_alter_table("quiz_answers", schema=None) as batch_op:
        batch_op.drop_column("pack_id")
    with op.batch_alter_table("learners", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_learners_uid"), type_="unique")
        batch_op.drop_column("uid")
