"""daily figures and topic totals of removed packs and learners are dropped; totals recounted

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 09:00:00.000000

Removing a pack used to leave its daily figures and lifetime totals behind, so the
stats counted answers that no longer existed, the day's new-question quota stayed
used, and a results file written afterwards was refused as inconsistent. The app now
removes them with the pack; this repairs databases written before: figures of packs
(or learners) that are gone are deleted, and every topic's totals are summed again
from its daily figures, so the two agree exactly.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COUNTS = ("answers", "correct", "new", "mature", "mature_correct", "time_ms")
_KEY = ("learner_id", "pack_id", "topic_id")


def upgrade() -> None:
    for table in ("daily_topic_stats", "topic_totals"):
        op.execute(
            f"DELETE FROM {table} WHERE pack_id NOT IN (SELECT id FROM packs) "
            "OR learner_id NOT IN (SELECT id FROM learners)"
        )
    op.execute("DELETE FROM topic_totals")
    sums = ", ".join(f"SUM({name})" for name in _COUNTS)
    op.execute(
        f"INSERT INTO topic_totals ({', '.join(_KEY + _COUNTS)}) "
        f"SELECT {', '.join(_KEY)}, {sums} FROM daily_topic_stats "
        f"GROUP BY {', '.join(_KEY)}"
    )


def downgrade() -> None:
    # Nothing to undo: the rows deleted counted answers that no longer exist.
    pass
