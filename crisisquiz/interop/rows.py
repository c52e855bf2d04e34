"""The spreadsheet layout of a pack: one question per row, under a header row.

Shared by CSV/TSV and by Excel/LibreOffice files, for reading and writing.
Columns (any order, any case; spaces, hyphens and underscores alike):

``type``, ``id``, ``topic`` (its title; ``topic id`` optional), ``prompt`` (also
``question``), ``answer``,
``choice 1`` … ``choice N`` (also ``option N``, ``item N``), ``accept``,
``reject``, ``tolerance``, ``explanation``, ``tags``, ``difficulty``,
``sources``, ``group``.

By type: ``flashcard`` prompt and answer (the back); ``multiple_choice``
choices and answer (the right choice's text or number); ``multi_select``
choices and answer (the right ones' texts or numbers, separated by ``|``);
``true_false`` prompt (the statement) and answer (true/false, yes/no);
``short_answer`` answer, accept and reject (forms separated by ``|``);
``cloze`` prompt with ``{{blanks}}``, accept with ``||`` between blanks and
``|`` between forms; ``ordering`` the choices in the right order;
``matching`` choices written ``left -> right`` (``-> right`` alone is an
extra option); ``year`` and ``number`` answer and tolerance. Lists in
``tags`` and ``sources`` are separated by ``|`` or commas. A row with no
type is a flashcard.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, Final

from crisisquiz.core.grading import format_number, read_number
from crisisquiz.core.pack_schema import (
    Cloze,
    Flashcard,
    Matching,
    MultipleChoice,
    MultiSelect,
    Number,
    Ordering,
    Pack,
    Question,
    QuestionType,
    ShortAnswer,
    TrueFalse,
    Year,
)

__all__ = [
    "HEADER_ALIASES",
    "RowError",
    "header_index",
    "is_schema_header",
    "pack_rows",
    "row_fields",
]

HEADER_ALIASES: Final = {
    "question": "prompt",
    "statement": "prompt",
    "text": "prompt",
    "front": "prompt",
    "term": "prompt",
    "back": "answer",
    "correct": "answer",
    "correct_answer": "answer",
    "correct_answers": "answer",
    "answers": "answer",
    "aliases": "accept",
    "alternatives": "accept",
    "feedback": "explanation",
    "category": "topic",
    "tag": "tags",
}
_NUMBERED: Final = re.compile(r"^(?:choice|option|item|pair|distractor)_?(\d+)$")
_TRUE: Final = frozenset({"true", "t", "yes", "y", "1", "wahr", "vrai", "verdadero", "vero"})
_FALSE: Final = frozenset({"false", "f", "no", "n", "0", "falsch", "faux", "falso"})
_KNOWN: Final = frozenset(
    {
        "type",
        "id",
        "topic",
        "prompt",
        "answer",
        "accept",
        "reject",
        "tolerance",
        "explanation",
        "tags",
        "difficulty",
        "sources",
        "group",
        "topic_id",
    }
)


class RowError(Exception):
    """A cell that cannot be read; ``column`` names it."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


def _norm(name: str) -> str:
    key = re.sub(r"[\s\-]+", "_", name.strip().lower().removeprefix("\ufeff"))
    return HEADER_ALIASES.get(key, key)


def header_index(header: Sequence[str]) -> tuple[dict[str, int], list[int]]:
    """Column positions by field name, and the positions of the numbered choice columns."""
    named: dict[str, int] = {}
    numbered: list[tuple[int, int]] = []
    for position, cell in enumerate(header):
        key = _norm(cell)
        found = _NUMBERED.match(key)
        if found:
            numbered.append((int(found.group(1)), position))
        elif key in _KNOWN and key not in named:
            named[key] = position
    return named, [position for _n, position in sorted(numbered)]


def is_schema_header(header: Sequence[str]) -> bool:
    """Whether a first row is this layout's header: a prompt column and a type or answer."""
    named, _choices = header_index(header)
    return "prompt" in named and ("type" in named or "answer" in named)


def _split(text: str, separator: str = "|") -> list[str]:
    return [part.strip() for part in text.split(separator) if part.strip()]


def _pick(choices: list[str], text: str) -> str:
    if text in choices:
        return text
    if text.isdigit() and 1 <= int(text) <= len(choices):
        return choices[int(text) - 1]
    raise RowError(
        "answer", f"{text!r} is not one of the choices, nor a choice number 1 to {len(choices)}"
    )


def _whole(column: str, text: str) -> int:
    if not re.fullmatch(r"[+-]?\d+(?:\.0*)?", text.strip()):
        raise RowError(column, f"{text!r} is not a whole number")
    return int(float(text.strip()))


def _number(column: str, text: str) -> int | float:
    value = read_number(text)
    if value is None:
        raise RowError(column, f"{text!r} is not a number")
    return int(value) if value.is_integer() else value


def row_fields(cells: dict[str, str], choices: list[str]) -> dict[str, Any]:
    """The pack fields of one row (without id and topic); raises :class:`RowError`."""
    kind = cells.get("type", "").strip().lower().replace(" ", "_").replace("-", "_") or "flashcard"
    aliases = {"mc": "multiple_choice", "tf": "true_false", "multiple_select": "multi_select"}
    kind = aliases.get(kind, kind)
    if kind not in {t.value for t in QuestionType}:
        names = ", ".join(t.value for t in QuestionType)
        raise RowError("type", f"{kind!r} is not a question type; use one of: {names}")
    prompt = cells.get("prompt", "").strip()
    answer = cells.get("answer", "").strip()
    fields: dict[str, Any] = {"type": kind}
    if kind == "true_false":
        truth = answer.lower()
        if truth not in _TRUE | _FALSE:
            raise RowError("answer", f"{answer!r} is not true or false")
        fields.update(statement=prompt, answer=truth in _TRUE)
    elif kind == "cloze":
        fields["text"] = prompt
        if cells.get("accept", "").strip():
            fields["accept"] = [_split(group) for group in cells["accept"].split("||")]
    else:
        fields["prompt"] = prompt
    if kind == "flashcard":
        fields["answer"] = answer
    elif kind == "multiple_choice":
        fields.update(choices=choices, answer=_pick(choices, answer))
    elif kind == "multi_select":
        parts = _split(answer)
        if len(parts) == 1 and re.fullmatch(r"\d+(?:[\s,;]+\d+)+", parts[0]):
            parts = re.split(r"[\s,;]+", parts[0])
        fields.update(choices=choices, answers=[_pick(choices, part) for part in parts])
    elif kind == "short_answer":
        fields["answer"] = answer
        for column in ("accept", "reject"):
            if cells.get(column, "").strip():
                fields[column] = _split(cells[column])
    elif kind == "ordering":
        fields["items"] = choices
    elif kind == "matching":
        pairs, extra = [], []
        for choice in choices:
            left, arrow, right = choice.partition("->")
            if not arrow:
                raise RowError("choice", f"{choice!r} is no pair: write left -> right")
            if left.strip():
                pairs.append([left.strip(), right.strip()])
            else:
                extra.append(right.strip())
        fields["pairs"] = pairs
        if extra:
            fields["extra"] = extra
    elif kind in ("year", "number"):
        convert = _whole if kind == "year" else _number
        fields["answer"] = convert("answer", answer)
        if cells.get("tolerance", "").strip():
            fields["tolerance"] = convert("tolerance", cells["tolerance"])
    if cells.get("explanation", "").strip():
        fields["explanation"] = cells["explanation"].strip()
    if cells.get("difficulty", "").strip():
        fields["difficulty"] = _whole("difficulty", cells["difficulty"])
    if cells.get("sources", "").strip():
        fields["sources"] = _split(cells["sources"].replace(",", "|"))
    if cells.get("group", "").strip():
        fields["group"] = cells["group"].strip()
    return fields


def tag_list(text: str) -> list[str]:
    """Tags written in one cell, separated by ``|`` or commas."""
    return _split(text.replace(",", "|"))


# -- writing --------------------------------------------------------------------------------


def _choice_cells(question: Question) -> list[str]:
    if isinstance(question, MultipleChoice | MultiSelect):
        return list(question.choices)
    if isinstance(question, Ordering):
        return list(question.items)
    if isinstance(question, Matching):
        return [f"{left} -> {right}" for left, right in question.pairs] + [
            f"-> {extra}" for extra in question.extra
        ]
    return []


def _answer_cell(question: Question) -> str:
    if isinstance(question, Flashcard | MultipleChoice | ShortAnswer):
        return question.answer
    if isinstance(question, MultiSelect):
        return " | ".join(question.answers)
    if isinstance(question, TrueFalse):
        return "true" if question.answer else "false"
    if isinstance(question, Year):
        return str(question.answer)
    if isinstance(question, Number):
        return format_number(question.answer)
    return ""


def pack_rows(pack: Pack) -> tuple[list[str], list[list[str]], list[tuple[Question, str]]]:
    """Header and rows for every question of ``pack``; plus what each row could not hold."""
    width = max((len(_choice_cells(q)) for q in pack.questions), default=0)
    header = ["type", "id", "topic", "topic id", "prompt", "answer"]
    header += [f"choice {n}" for n in range(1, width + 1)]
    header += [
        "accept",
        "reject",
        "tolerance",
        "explanation",
        "tags",
        "difficulty",
        "sources",
        "group",
    ]
    titles = pack.topic_titles()
    rows: list[list[str]] = []
    lost: list[tuple[Question, str]] = []
    for q in pack.questions:
        choices = _choice_cells(q)
        accept = reject = tolerance = ""
        if isinstance(q, ShortAnswer):
            accept, reject = " | ".join(q.accept), " | ".join(q.reject)
        elif isinstance(q, Cloze):
            accept = " || ".join(" | ".join(group) for group in q.accept)
        elif isinstance(q, Year | Number) and q.tolerance:
            tolerance = format_number(q.tolerance)
        prompt = (
            q.statement
            if isinstance(q, TrueFalse)
            else q.text
            if isinstance(q, Cloze)
            else q.prompt
        )
        if isinstance(q, TrueFalse | Cloze) and q.prompt:
            lost.append((q, f"instruction {q.prompt!r} dropped: the prompt column holds the text"))
        if q.image:
            lost.append((q, f"image {q.image!r} dropped: a spreadsheet row holds text only"))
        rows.append(
            [
                str(q.type),
                q.id,
                titles.get(q.topic, q.topic),
                q.topic,
                prompt,
                _answer_cell(q),
                *choices,
                *([""] * (width - len(choices))),
                accept,
                reject,
                tolerance,
                q.explanation,
                " | ".join(q.tags),
                str(q.difficulty) if q.difficulty != 3 else "",
                " | ".join(q.sources),
                q.group or "",
            ]
        )
    return header, rows, lost


def blank_row(cells: Iterable[str]) -> bool:
    """Whether every cell of a row is empty."""
    return not any(str(cell).strip() for cell in cells)
