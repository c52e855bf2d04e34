"""The question pack format as pydantic models.

The models check what a single value can get wrong (types, ranges, required
fields). Rules that relate fields or tables to each other live in
``pack_rules`` so that every broken rule can be reported at once, each with
the field it concerns.

Second edition additions, all optional so every earlier pack stays valid:
sources are documents (cited by sentence) or references (cited whole), with
bibliographic fields and notes on what each sentence claims; a question may
quote the sentence it is about; a topic may carry a study guide; a pack may
carry a timeline.
"""

from __future__ import annotations

import calendar
import math
import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
)

from crisisquiz.core.pack_limits import (
    MAX_CHOICE,
    MAX_LIST,
    MAX_LONG_TEXT,
    MAX_OPTIONS,
    MAX_PATH,
    MAX_TEXT,
    MAX_TITLE,
    MAX_URL,
    MAX_VERSION_DIGITS,
)

SLUG_PATTERN = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"
# Each part has at most MAX_VERSION_DIGITS digits, so every version compares as numbers.
_PART = rf"(0|[1-9]\d{{0,{MAX_VERSION_DIGITS - 1}}})"
SEMVER_PATTERN = rf"^{_PART}\.{_PART}\.{_PART}$"
SOURCE_REF_PATTERN = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*(?::[1-9]\d{0,8})?$"
PARTIAL_DATE_PATTERN = r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$"
CLOZE_BLANK = re.compile(r"\{\{(.+?)\}\}")
# Long enough for any sentence a question is about, short enough to stay a quotation.
MAX_QUOTE_CHARS = 600
MAX_GUIDE_CHARS = 20_000

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=80)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TITLE)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT)]
OptionalText = Annotated[str, StringConstraints(max_length=MAX_TEXT)]
LongText = Annotated[str, StringConstraints(max_length=MAX_LONG_TEXT)]
Choice = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_CHOICE)
]
SourceRef = Annotated[str, StringConstraints(pattern=SOURCE_REF_PATTERN, max_length=100)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_TEXT)]
Options = Annotated[tuple[Choice, ...], Field(max_length=MAX_OPTIONS)]
Aliases = Annotated[tuple[Choice, ...], Field(max_length=MAX_LIST)]


def date_key(value: str) -> tuple[int, int, int]:
    """A ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` date as a sortable tuple.

    A date given less precisely sorts before the more precise ones inside it:
    "1962" < "1962-10" < "1962-10-14".
    """
    parts = [int(part) for part in value.split("-")]
    parts += [0] * (3 - len(parts))
    return (parts[0], parts[1], parts[2])


def _real_date(value: str) -> str:
    year, month, day = date_key(value)
    if value.count("-") >= 1 and not 1 <= month <= 12:
        raise ValueError(f"{value!r} has no month {month:02d}: months run from 01 to 12")
    if value.count("-") == 2:
        days = calendar.monthrange(year, month)[1]
        if not 1 <= day <= days:
            raise ValueError(f"{value!r} is not a day of the calendar: that month has {days} days")
    return value


# Dates are written as precisely as they are known: a year, a month or a day.
PartialDate = Annotated[
    str, StringConstraints(pattern=PARTIAL_DATE_PATTERN), AfterValidator(_real_date)
]


class QuestionType(StrEnum):
    """The ten kinds of question a pack may hold."""

    FLASHCARD = "flashcard"
    MULTIPLE_CHOICE = "multiple_choice"
    MULTI_SELECT = "multi_select"
    TRUE_FALSE = "true_false"
    SHORT_ANSWER = "short_answer"
    CLOZE = "cloze"
    ORDERING = "ordering"
    MATCHING = "matching"
    YEAR = "year"
    NUMBER = "number"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PackInfo(_Strict):
    """The ``[pack]`` table: identity and description of a pack."""

    id: Slug
    title: Title
    version: Annotated[str, StringConstraints(pattern=SEMVER_PATTERN)]
    language: Annotated[
        str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$", max_length=20)
    ] = "en"
    authors: Annotated[tuple[Title, ...], Field(max_length=MAX_LIST)] = ()
    description: LongText = ""


class SourceKind(StrEnum):
    """What a source is, which decides how questions cite it."""

    # A text whose line N is sentence N, cited ``document-id:N``.
    DOCUMENT = "document"
    # A published work for the historical record, cited by its id alone.
    REFERENCE = "reference"


class SourceSentence(_Strict):
    """What one sentence of a document claims, in the pack's own words, and what is wrong."""

    line: Annotated[StrictInt, Field(ge=1, le=1_000_000_000)]
    claim: Text
    error: Note = ""


class SourceInfo(_Strict):
    """A source questions cite: a document (by sentence) or a reference (whole)."""

    id: Slug
    kind: SourceKind = SourceKind.DOCUMENT
    title: Title
    author: Note = ""
    publisher: Note = ""  # the publisher, or the maker ("machine summary of ...")
    date: PartialDate | None = None
    url: Annotated[str, StringConstraints(max_length=MAX_URL)] = ""
    sentences: tuple[SourceSentence, ...] = ()

    def sentence(self, line: int) -> SourceSentence | None:
        """The note on sentence ``line``, if the pack gives one."""
        return next((s for s in self.sentences if s.line == line), None)


class TopicInfo(_Strict):
    """A topic groups questions; scores are reported per topic."""

    id: Slug
    title: Title
    description: LongText = ""
    # A study guide to read first: plain text, paragraphs separated by blank lines.
    guide: Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_GUIDE_CHARS)] = ""


class TimelineEntry(_Strict):
    """One dated event of the pack's timeline."""

    date: PartialDate
    event: Text
    topic: Slug | None = None


class Quote(_Strict):
    """The sentence of a document (or the part of it) a question is about, word for word."""

    ref: SourceRef
    text: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_QUOTE_CHARS)
    ]


class QuestionBase(_Strict):
    """Fields every question type shares."""

    id: Slug
    topic: Slug
    prompt: OptionalText = ""
    explanation: LongText = ""
    sources: Annotated[tuple[SourceRef, ...], Field(max_length=MAX_LIST)] = ()
    difficulty: Annotated[StrictInt, Field(ge=1, le=5)] = 3
    tags: Annotated[tuple[Slug, ...], Field(max_length=MAX_LIST)] = ()
    # Questions that test the same fact share a group (siblings): a study day shows one
    # of them, a quiz never holds two, so none gives away another's answer.
    group: Slug | None = None
    # The sentence a question about a document's wording quotes; shown above the prompt.
    quote: Quote | None = None
    image: Annotated[str, StringConstraints(max_length=MAX_PATH)] = ""
    image_alt: Annotated[str, StringConstraints(max_length=MAX_CHOICE)] = ""

    @property
    def display_prompt(self) -> str:
        """The text shown as the question."""
        return self.prompt


class Flashcard(QuestionBase):
    """Front (``prompt``) and back (``answer``); the learner rates themself."""

    type: Literal[QuestionType.FLASHCARD]
    prompt: Text
    answer: Text


class MultipleChoice(QuestionBase):
    """One right choice among several."""

    type: Literal[QuestionType.MULTIPLE_CHOICE]
    prompt: Text
    choices: Options
    answer: Choice


class MultiSelect(QuestionBase):
    """All and only the right choices must be picked."""

    type: Literal[QuestionType.MULTI_SELECT]
    prompt: Text
    choices: Options
    answers: Options


class TrueFalse(QuestionBase):
    """A statement judged true or false."""

    type: Literal[QuestionType.TRUE_FALSE]
    statement: Text
    answer: StrictBool

    @property
    def display_prompt(self) -> str:
        """The statement, after the optional instruction."""
        return f"{self.prompt}\n{self.statement}" if self.prompt else self.statement


class ShortAnswer(QuestionBase):
    """A typed answer, graded with normalisation and a small edit budget."""

    type: Literal[QuestionType.SHORT_ANSWER]
    prompt: Text
    answer: Choice
    accept: Aliases = ()
    reject: Aliases = ()


class Cloze(QuestionBase):
    """A text with ``{{answer}}`` blanks; each blank graded as a short answer."""

    type: Literal[QuestionType.CLOZE]
    text: Text
    accept: Annotated[tuple[Aliases, ...], Field(max_length=MAX_OPTIONS)] = ()

    @property
    def blanks(self) -> tuple[str, ...]:
        """The canonical answer of each blank, in order."""
        return tuple(m.strip() for m in CLOZE_BLANK.findall(self.text))

    @property
    def display_prompt(self) -> str:
        """The text with its blanks shown as numbered gaps."""
        counter = iter(range(1, 1000))
        gapped = CLOZE_BLANK.sub(lambda _m: f"[{next(counter)}] ____", self.text)
        return f"{self.prompt}\n{gapped}" if self.prompt else gapped


class Ordering(QuestionBase):
    """Items listed in the right order; shown shuffled."""

    type: Literal[QuestionType.ORDERING]
    prompt: Text
    items: Options


class Matching(QuestionBase):
    """Left items each matched to one right item; ``extra`` right items match none."""

    type: Literal[QuestionType.MATCHING]
    prompt: Text
    pairs: Annotated[tuple[tuple[Choice, Choice], ...], Field(max_length=MAX_OPTIONS)]
    # Right-hand options that belong to no left item, offered among the partners so the
    # last pair is not given away by elimination (Moodle's matching has them too).
    extra: Options = ()


class Year(QuestionBase):
    """A year, right within ``tolerance`` years."""

    type: Literal[QuestionType.YEAR]
    prompt: Text
    # Years BCE are negative; the bounds keep every answer a number of sensible size.
    answer: Annotated[StrictInt, Field(ge=-100_000, le=100_000)]
    tolerance: Annotated[StrictInt, Field(ge=0, le=100)] = 0


MAX_NUMBER = 10**15


def _finite_number(value: object) -> object:
    # Whole numbers stay whole (4 is written back as 4, not 4.0); true/false and text are
    # no numbers, and an infinite or NaN answer could never be typed.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"must be a number, not {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"must be a finite number, not {value!r}")
    # Past this a float loses whole units, and a long int could not be compared with one.
    if abs(value) > MAX_NUMBER:
        raise ValueError("must be between -1,000,000,000,000,000 and 1,000,000,000,000,000")
    return value


def _not_negative(value: float) -> float:
    if value < 0:
        raise ValueError(f"must be 0 or more, not {value!r}")
    return value


Decimal = Annotated[int | float, BeforeValidator(_finite_number)]


class Number(QuestionBase):
    """A number that need not be whole, right within ``tolerance`` either side.

    Years have their own type (whole numbers, shown and read as years); this is
    for measures, counts and values such as 3.14 or -0.5, e.g. from Moodle's
    numerical questions.
    """

    type: Literal[QuestionType.NUMBER]
    prompt: Text
    answer: Decimal
    tolerance: Annotated[Decimal, AfterValidator(_not_negative)] = 0


Question = Annotated[
    Flashcard
    | MultipleChoice
    | MultiSelect
    | TrueFalse
    | ShortAnswer
    | Cloze
    | Ordering
    | Matching
    | Year
    | Number,
    Field(discriminator="type"),
]


class Pack(_Strict):
    """A whole, validated pack. Build it with ``pack_loader.load_pack``."""

    pack: PackInfo
    sources: tuple[SourceInfo, ...] = ()
    topics: tuple[TopicInfo, ...]
    timeline: tuple[TimelineEntry, ...] = ()
    questions: tuple[Question, ...]
    # Media files by their path inside the pack; not part of the TOML itself.
    media: dict[str, bytes] = Field(default_factory=dict, exclude=True)

    def topic_titles(self) -> dict[str, str]:
        """Map topic id to its title."""
        return {t.id: t.title for t in self.topics}

    def source(self, source_id: str) -> SourceInfo | None:
        """The declared source with that id, if any."""
        return next((s for s in self.sources if s.id == source_id), None)


VersionKey = tuple[tuple[int, str], ...]


def version_key(version: str) -> VersionKey:
    """Turn a ``MAJOR.MINOR.PATCH`` string into a comparable value.

    Parts compare as numbers without being turned into ints: a version stored before
    parts were limited in length (or typed by hand) may be too long for Python to
    convert, and must still compare, not crash.
    """
    parts = (part.lstrip("0") for part in version.split("."))
    return tuple((len(part), part) for part in parts)
