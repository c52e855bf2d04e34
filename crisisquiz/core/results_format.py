"""The results file's format, version 3, as pydantic models.

A results file holds who the learner is (their name and their profile's random id),
the packs they have, every question they answered in the text of each pack version
they answered it in (and the live questions they never answered, in their current
text), every answer they gave with the pack version it was given in, and a summary
per topic that can be worked out again from the answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from crisisquiz.core.pack_schema import SEMVER_PATTERN

RESULTS_FORMAT = "crisisquiz-results"
RESULTS_VERSION = 3

# Titles are refused past this length (a results file's sizes are fixed in advance).
MAX_TITLE = 1_000

Ratio = Annotated[float, Field(ge=0.0, le=1.0)]
Count = Annotated[int, Field(ge=0)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Version = Annotated[str, StringConstraints(pattern=SEMVER_PATTERN)]
Title = Annotated[str, StringConstraints(max_length=MAX_TITLE)]


class ResultsError(Exception):
    """A results file that cannot be read or written; the message names the file."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ResultsTopic(_Model):
    """A topic of a pack, in pack order."""

    id: Name
    title: Title


class ResultsPack(_Model):
    """A pack at the version the learner has now."""

    id: Name
    version: Version
    title: Title
    topics: tuple[ResultsTopic, ...]


class QuestionText(_Model):
    """A question as one or more versions of its pack had it, in the pack format."""

    pack_versions: tuple[Version, ...] = Field(min_length=1)
    body: dict[str, Any]


class ResultsQuestion(_Model):
    """A question: its topic now, whether it is still in the pack, and its texts."""

    pack_id: Name
    question_id: Name
    topic_id: Name  # in the learner's current version of the pack
    retired: bool = False  # no longer in the pack; listed because it was answered
    texts: tuple[QuestionText, ...] = Field(min_length=1)


class ResultsAnswer(_Model):
    """One answer: in study (``kind`` "study") or in a quiz ("quiz")."""

    pack_id: Name
    question_id: Name
    pack_version: Version  # the version the question was shown in
    topic_id: Name  # the question's topic when it was answered
    time: AwareDatetime
    kind: Literal["study", "quiz"]
    response: dict[str, Any]
    correct: bool
    score: Ratio
    rating: Annotated[int, Field(ge=1, le=4)]  # the FSRS rating it stands for
    response_ms: Count


class SummaryFigures(_Model):
    """What the answers add up to, for one topic or for all of them."""

    questions: Count  # live questions
    seen: Count  # live questions answered in study
    study_answers: Count
    study_correct: Count
    quiz_answers: Count
    quiz_correct: Count
    mastery: Ratio  # see crisisquiz.core.mastery, at the summary's mastery_at


class SummaryTopic(SummaryFigures):
    """One topic's figures."""

    pack_id: Name
    topic_id: Name
    title: Title


class ResultsSummary(_Model):
    """Per-topic figures worked out from the answers when the file was written."""

    mastery_at: AwareDatetime
    topics: tuple[SummaryTopic, ...]
    overall: SummaryFigures


class ResultsData(_Model):
    """The whole content of a results file, version 3."""

    format: Literal["crisisquiz-results"]
    version: Literal[3]
    file_id: UUID
    learner: Name
    learner_id: UUID  # the learner profile's random id: the same person in every file
    exported_at: AwareDatetime
    app_version: str
    packs: tuple[ResultsPack, ...]
    questions: tuple[ResultsQuestion, ...]
    answers: tuple[ResultsAnswer, ...]
    summary: ResultsSummary


@dataclass(frozen=True)
class ResultsFile:
    """A checked results file and where it came from (a path, or this computer's database).

    ``memories``: each answered question's memory, worked out from the answers while
    the file was checked (None when not worked out yet).
    """

    source: str
    data: ResultsData
    memories: Mapping[tuple[str, str], Any] | None = field(default=None, compare=False)

    @property
    def file_id(self) -> UUID:
        """The id written when the file was exported; the same file read twice has the same id."""
        return self.data.file_id

    @property
    def learner(self) -> str:
        """The learner's name."""
        return self.data.learner

    @property
    def learner_id(self) -> UUID:
        """The learner's random id: two files with the same one are the same person."""
        return self.data.learner_id


__all__ = [
    "RESULTS_FORMAT",
    "RESULTS_VERSION",
    "QuestionText",
    "ResultsAnswer",
    "ResultsData",
    "ResultsError",
    "ResultsFile",
    "ResultsPack",
    "ResultsQuestion",
    "ResultsSummary",
    "ResultsTopic",
    "SummaryFigures",
    "SummaryTopic",
]
