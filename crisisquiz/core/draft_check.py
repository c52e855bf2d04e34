"""Check a draft with the rules of import, and say each problem where the editor shows it.

The draft's tables go through the very validation a pack file goes through
(:func:`crisisquiz.core.pack_loader.parse_pack_data`), so a draft without problems
imports, and one with problems is refused for the same reasons. Each problem is then
placed on the editor's own terms (the question and its field, a topic, the pack's
details) and worded for the form it is shown next to, without the file format's
vocabulary.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from crisisquiz.core.pack_draft import PackDraft
from crisisquiz.core.pack_loader import PackError, PackIssue, parse_pack_data
from crisisquiz.core.pack_schema import Pack


class Section(StrEnum):
    """The part of the editor a problem belongs to."""

    PACK = "pack"
    TOPICS = "topics"
    SOURCES = "sources"
    TIMELINE = "timeline"
    QUESTIONS = "questions"


@dataclass(frozen=True)
class Problem:
    """One problem: its section, the entry (question position, topic index...) and field."""

    section: Section
    index: int | None
    field: str | None
    message: str

    @property
    def base_field(self) -> str | None:
        """The field's name without list positions: ``choices`` for ``choices[2]``."""
        if self.field is None:
            return None
        found = re.match(r"[\w-]+", self.field)
        return found.group(0) if found else self.field


@dataclass(frozen=True)
class DraftCheck:
    """The problems of a draft; ``pack`` is the valid pack when there are none."""

    problems: tuple[Problem, ...]
    pack: Pack | None

    @property
    def ok(self) -> bool:
        """Whether the draft can be published as it is."""
        return not self.problems

    def of_section(self, section: Section, index: int | None = None) -> list[Problem]:
        """The problems of a section (of one of its entries when ``index`` is given)."""
        return [
            p for p in self.problems if p.section is section and (index is None or p.index == index)
        ]

    def of_question(self, index: int) -> list[Problem]:
        """The problems of the question at position ``index``."""
        return self.of_section(Section.QUESTIONS, index)


def check_draft(draft: PackDraft) -> DraftCheck:
    """Every problem the draft has, by the rules of import."""
    try:
        pack = parse_pack_data(draft.tables(), name=draft.title or "draft", media=draft.files)
    except PackError as error:
        return DraftCheck(tuple(_placed(error.issues)), None)
    return DraftCheck((), pack)


_ENTRY = re.compile(r"^(sources|topics|timeline)(?:\[(\d+)\])?(?:\.(.+))?$")


def _placed(issues: Iterable[PackIssue]) -> Iterable[Problem]:
    for issue in issues:
        field = issue.field
        if issue.index is not None:
            yield Problem(
                Section.QUESTIONS, issue.index, field, teacher_words(field, issue.message)
            )
            continue
        if field is None or field == "questions":
            section = Section.QUESTIONS if field == "questions" else Section.PACK
            yield Problem(section, None, field, teacher_words(field, issue.message))
            continue
        if field == "pack" or field.startswith("pack."):
            name = field.partition(".")[2] or None
            yield Problem(Section.PACK, None, name, teacher_words(name, issue.message))
            continue
        entry = _ENTRY.match(field)
        if entry is None:
            yield Problem(Section.PACK, None, field, teacher_words(field, issue.message))
            continue
        table, number, name = entry.groups()
        index = int(number) - 1 if number else None
        message = re.sub(
            r"^(source|topic|timeline entry) ('[^']*' )?\(?#\d+\)?: ", "", issue.message
        )
        yield Problem(Section(table), index, name, teacher_words(name, message))


# What to do about a field left empty, in the words of the form that shows it.
_EMPTY = {
    "prompt": "Write the question.",
    "statement": "Write the statement the learner judges true or false.",
    "text": "Write the sentence, then make blanks of the words to fill in.",
    "answer": "Give the right answer.",
    "answers": "Mark at least one right choice.",
    "choices": "Give the choices.",
    "items": "List the items in the right order.",
    "pairs": "Give the pairs to match.",
    "title": "Give it a title.",
    "id": "Give it an id (small letters, digits and hyphens).",
    "topic": "Choose a topic.",
    "version": "Give a version, such as 1.0.0.",
    "event": "Say what happened.",
    "date": "Give the date, such as 1962-10-14.",
    "claim": "Say what the sentence claims.",
}
_JARGON = (
    ("is not declared in [[topics]]", "is not one of the pack's topics"),
    ("is not declared in [[sources]]", "is not one of the pack's sources"),
    ("a pack needs at least one [[questions]] entry", "Add at least one question."),
    ("no [[topics]] entries", "Add at least one topic."),
    ("the [pack] table is missing", "The pack's details are missing."),
)


# What one entry of a list field is called, for "Choice 2 is empty".
_ITEM_NAMES = {
    "choices": "Choice",
    "answers": "Right choice",
    "items": "Item",
    "pairs": "Pair",
    "accept": "Other right answer",
    "reject": "Wrong answer to refuse",
    "authors": "Author",
    "tags": "Tag",
    "sources": "Citation",
}


def teacher_words(field: str | None, message: str) -> str:
    """``message`` as a sentence for the form, with a field left empty said as what to do."""
    found = re.match(r"([\w-]+)(?:\[(\d+)\])?", field or "")
    name = found.group(1) if found else None
    if message in ("is required", "must not be empty"):
        if found and found.group(2) and name in _ITEM_NAMES:
            return f"{_ITEM_NAMES[name]} {found.group(2)} is empty: write it or remove it."
        return _EMPTY.get(name or "", "Fill this in.")
    for jargon, plain in _JARGON:
        message = message.replace(jargon, plain)
    message = message[:1].upper() + message[1:]
    return message if message.endswith((".", "?", "!")) else message + "."
