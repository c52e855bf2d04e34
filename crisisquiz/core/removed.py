"""What a running session meets when someone removes its learner or questions under it.

A teacher may remove a pack, or a learner, from another window or another terminal
while a session is open. The session then says so in words instead of failing on a
refused reference; these errors name what was removed.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from crisisquiz.storage.models import LearnerRow, QuestionRow


class QuestionRemovedError(LookupError):
    """The question was removed (with its pack) while it was being answered."""


class LearnerRemovedError(LookupError):
    """The learner was removed (from another window or command) during their session."""


def raise_if_removed(
    session: Session, *, learner_id: int, learner_name: str, question_id: int
) -> None:
    """After a failed write: raise the error naming what is gone, if the learner or question is."""
    if session.get(LearnerRow, learner_id) is None:
        raise LearnerRemovedError(f"the learner {learner_name!r} was removed during the session")
    if session.get(QuestionRow, question_id) is None:
        raise QuestionRemovedError("the question was removed while it was answered")
