"""Where a class report's results come from: learners' files, and this computer's database.

Learners who study on the teacher's computer need not export anything: their answers
are read from the database in the very form a results file has (the export itself,
without the round trip through a file), so a report from the database and one from
the same learners' exported files are built by the same code from the same data.
Files can be mixed in; a learner found in both is taken together by id.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from crisisquiz.core.class_report import DATABASE_SOURCE
from crisisquiz.core.classes import ClassService
from crisisquiz.core.learners import LearnerService
from crisisquiz.core.question_versions import QuestionTexts
from crisisquiz.core.results import export_results, load_results
from crisisquiz.core.results_format import ResultsData, ResultsError, ResultsFile
from crisisquiz.storage.database import Database


@dataclass(frozen=True)
class RefusedFile:
    """A results file that could not be used, and why (the reader's own message)."""

    source: str
    reason: str


def installed_texts(database: Database) -> QuestionTexts:
    """The questions of this computer's packs in every version it has had."""
    with database.sessions() as session:
        return QuestionTexts.load(session)


def load_results_files(
    paths: Iterable[Path], *, installed: QuestionTexts | None = None
) -> tuple[list[ResultsFile], list[RefusedFile]]:
    """Read each file on its own: the good ones, and each refused one with why.

    One bad file never sinks the others.
    """
    files: list[ResultsFile] = []
    refused: list[RefusedFile] = []
    for path in paths:
        try:
            files.append(load_results(path, installed=installed))
        except ResultsError as exc:
            message = str(exc)
            prefix = f"{path}: "
            reason = message[len(prefix) :] if message.startswith(prefix) else message
            refused.append(RefusedFile(str(path), reason))
    return files, refused


def class_learner_ids(database: Database, class_name: str) -> list[int]:
    """The learners enrolled in a class (by name), by name."""
    return [member.learner_id for member in ClassService(database).get(class_name).learners]


def database_results(
    database: Database,
    learner_ids: Sequence[int] | None = None,
    *,
    now: datetime,
    packs: Collection[str] | None = None,
) -> list[ResultsFile]:
    """Learners' results read from the database, as their results files would hold them.

    ``learner_ids`` None: every learner on this computer.
    """
    if learner_ids is None:
        learner_ids = [learner.id for learner in LearnerService(database).list()]
    results = []
    for learner_id in learner_ids:
        learner = LearnerService(database).get(learner_id)
        # A stable id per learner and moment: reading twice gives the same result.
        file_id = uuid.uuid5(learner.uid, now.isoformat())
        data = export_results(database, learner_id, now=now, file_id=file_id, packs=packs)
        results.append(ResultsFile(DATABASE_SOURCE, ResultsData.model_validate(data)))
    return results


__all__ = [
    "RefusedFile",
    "class_learner_ids",
    "database_results",
    "installed_texts",
    "load_results_files",
]
