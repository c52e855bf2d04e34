"""Typed terminal input turned into answers the grader takes.

Everything here is pure and never raises, whatever the text: a line goes in,
and out comes a :class:`Command` (``u``, ``q``, ``?``), an :class:`Answer`
holding a response in the shape :func:`crisisquiz.core.grading.grade` expects,
or a :class:`Problem` saying what form of input the question wants.

The numbers and letters a learner types refer to the question as shown:
``options`` is :attr:`crisisquiz.core.items.StudyItem.options`, the shuffled
order in which choices, ordering items and matching partners are numbered
1..n. The left-hand items of a matching question keep their pack order and
are lettered a, b, c, ... (then aa, ab, ... past z).

Input forms, by question type:

- multiple choice: the number of a choice (``2``), or the choice's full text;
- multi-select: the numbers of every choice picked: ``1 3``, ``1,3`` or, with
  at most nine choices, ``13``;
- true/false: ``t``/``f``, ``true``/``false``, ``y``/``n`` or ``yes``/``no``;
- short answer: the text;
- cloze: the text of the only blank, or one answer per blank separated by
  ``|``: ``U-2 | Cuba``;
- ordering: the numbers of the items in the order thought right: ``3 1 2``,
  ``3,1,2`` or, with at most nine items, ``312``;
- matching: letter and number per left item, ``a2 b1 c3`` (also ``a=2``,
  ``a-2``, ``a:2``), or just the numbers in letter order, ``2 1 3``;
- year: a whole number, ``1962`` (``-44`` for 44 BC);
- number: a number, ``3.14`` or ``3,14`` (a point or comma before decimals);
- flashcard: after the back is shown, the rating ``1``-``4`` or ``again``,
  ``hard``, ``good``, ``easy`` (or their first letters).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from fsrs import Rating

from crisisquiz.core.grading import MAX_TYPED_CHARS, Response, read_number
from crisisquiz.core.pack_schema import (
    Cloze,
    Flashcard,
    Matching,
    MultipleChoice,
    MultiSelect,
    Number,
    Ordering,
    Question,
    ShortAnswer,
    TrueFalse,
    Year,
)

__all__ = [
    "Answer",
    "Command",
    "Problem",
    "expected_form",
    "label_index",
    "left_label",
    "parse_answer",
    "parse_command",
    "parse_rating",
]

# More digits than this is no choice number or year; the cap also keeps int()
# away from Python's limit on digits.
_MAX_DIGITS: Final = 6
_NUMBER: Final = re.compile(r"[0-9]{1,6}")
_YEAR: Final = re.compile(r"[+-]?[0-9]{1,6}")
_SEPARATORS: Final = re.compile(r"[\s,;]+")
# One letter-number pair ("a2", "a 2", "a=2", "a: 2"); linear-time on any input.
_PAIR: Final = re.compile(r"([a-z]+)\s*(?:[-=:.)>]\s*)?([0-9]{1,6})")
_PAIRS_LINE: Final = re.compile(r"(?:[a-z]+\s*(?:[-=:.)>]\s*)?[0-9]{1,6}[\s,;]*)+")
_LETTERS: Final = "abcdefghijklmnopqrstuvwxyz"
BLANK_SEPARATOR: Final = "|"


class Command(StrEnum):
    """What a learner can type at any answer prompt instead of an answer."""

    UNDO = "undo"
    QUIT = "quit"
    HELP = "help"


_COMMANDS: Final = {
    "u": Command.UNDO,
    "undo": Command.UNDO,
    "q": Command.QUIT,
    "quit": Command.QUIT,
    "?": Command.HELP,
    "help": Command.HELP,
}
_TRUE: Final = frozenset({"t", "true", "y", "yes"})
_FALSE: Final = frozenset({"f", "false", "n", "no"})
_RATINGS: Final = {
    "1": Rating.Again,
    "2": Rating.Hard,
    "3": Rating.Good,
    "4": Rating.Easy,
    "a": Rating.Again,
    "again": Rating.Again,
    "h": Rating.Hard,
    "hard": Rating.Hard,
    "g": Rating.Good,
    "good": Rating.Good,
    "e": Rating.Easy,
    "easy": Rating.Easy,
}
RATING_HINT: Final = "Rate how well you knew it: 1 Again, 2 Hard, 3 Good, 4 Easy."


@dataclass(frozen=True)
class Answer:
    """A line read as an answer; ``response`` is ready for grading."""

    response: Response


@dataclass(frozen=True)
class Problem:
    """A line that is no answer to the question; ``hint`` says what is expected."""

    hint: str


def _clean(text: str) -> str:
    """NFKC (full-width digits become ASCII), casefolded, outer spaces removed."""
    return unicodedata.normalize("NFKC", text).casefold().strip()


def parse_command(text: str) -> Command | None:
    """The command ``text`` is (``u``/``undo``, ``q``/``quit``, ``?``/``help``), else None."""
    return _COMMANDS.get(_clean(text))


def left_label(index: int) -> str:
    """The letter(s) of the left-hand matching item at ``index`` (0-based): a..z, aa, ab..."""
    label = ""
    index += 1
    while index > 0:
        index, rest = divmod(index - 1, len(_LETTERS))
        label = _LETTERS[rest] + label
    return label


def label_index(label: str) -> int | None:
    """The 0-based index that :func:`left_label` gives ``label``, or None if it is no label."""
    label = _clean(label)
    if not label or any(ch not in _LETTERS for ch in label) or len(label) > _MAX_DIGITS:
        return None
    index = 0
    for ch in label:
        index = index * len(_LETTERS) + _LETTERS.index(ch) + 1
    return index - 1


def _numbers(text: str, count: int, *, compact: bool) -> list[int] | None:
    """The whole numbers in ``text`` (split on spaces, commas or semicolons), or None.

    With ``compact`` and at most nine things to number, a single run of
    digits such as ``312`` is read digit by digit.
    """
    tokens = [token for token in _SEPARATORS.split(_clean(text)) if token]
    if not tokens or not all(_NUMBER.fullmatch(token) for token in tokens):
        return None
    if compact and count <= 9 and len(tokens) == 1 and len(tokens[0]) > 1:
        return [int(digit) for digit in tokens[0]]
    return [int(token) for token in tokens]


def _out_of_range(numbers: Sequence[int], count: int) -> str | None:
    bad = [n for n in numbers if not 1 <= n <= count]
    if not bad:
        return None
    return f"There is no number {bad[0]} here: use 1 to {count}."


def _choice(question: MultipleChoice, options: Sequence[str], text: str) -> Answer | Problem:
    count = len(options)
    hint = expected_form(question, options)
    numbers = _numbers(text, count, compact=False)
    if numbers is None:
        # The text of a choice itself is fine too.
        wanted = _clean(text)
        for option in options:
            if _clean(option) == wanted:
                return Answer(option)
        return Problem(hint)
    if len(numbers) != 1:
        return Problem(f"Only one choice is right here. {hint}")
    bad = _out_of_range(numbers, count)
    return Problem(bad) if bad else Answer(options[numbers[0] - 1])


def _selection(question: MultiSelect, options: Sequence[str], text: str) -> Answer | Problem:
    count = len(options)
    numbers = _numbers(text, count, compact=True)
    if numbers is None:
        return Problem(expected_form(question, options))
    bad = _out_of_range(numbers, count)
    return Problem(bad) if bad else Answer(frozenset(options[n - 1] for n in numbers))


def _truth(question: TrueFalse, text: str) -> Answer | Problem:
    word = _clean(text).rstrip(".!")
    if word in _TRUE:
        return Answer(True)
    if word in _FALSE:
        return Answer(False)
    return Problem(expected_form(question, ()))


def _typed(question: ShortAnswer, text: str) -> Answer | Problem:
    typed = text.strip()
    if not typed:
        return Problem(expected_form(question, ()))
    return Answer(typed)


def _blanks(question: Cloze, text: str) -> Answer | Problem:
    count = len(question.blanks)
    hint = expected_form(question, ())
    if not text.strip():
        return Problem(hint)
    if count == 1:
        return Answer((text.strip(),))
    parts = tuple(part.strip() for part in text.split(BLANK_SEPARATOR))
    if len(parts) != count:
        return Problem(f"That is {len(parts)} of {count} answers. {hint}")
    return Answer(parts)


def _order(question: Ordering, options: Sequence[str], text: str) -> Answer | Problem:
    count = len(options)
    hint = expected_form(question, options)
    numbers = _numbers(text, count, compact=True)
    if numbers is None:
        return Problem(hint)
    bad = _out_of_range(numbers, count)
    if bad:
        return Problem(bad)
    twice = sorted(n for n, times in Counter(numbers).items() if times > 1)
    if twice:
        return Problem(f"{twice[0]} is listed twice; list each item once. {hint}")
    missing = sorted(set(range(1, count + 1)) - set(numbers))
    if missing:
        listed = ", ".join(str(n) for n in missing)
        return Problem(f"Missing: {listed}; list all {count} items. {hint}")
    return Answer(tuple(options[n - 1] for n in numbers))


def _pairs(question: Matching, options: Sequence[str], text: str) -> Answer | Problem:
    lefts = [left for left, _right in question.pairs]
    count = len(options)
    hint = expected_form(question, options)
    cleaned = _clean(text)
    chosen: dict[int, int] = {}
    numbers = _numbers(cleaned, count, compact=len(lefts) > 1)
    if numbers is not None:
        if len(numbers) != len(lefts):
            return Problem(f"That is {len(numbers)} numbers for {len(lefts)} items. {hint}")
        chosen = dict(enumerate(numbers))
    elif _PAIRS_LINE.fullmatch(cleaned):
        for label, number in _PAIR.findall(cleaned):
            index = label_index(label)
            if index is None or index >= len(lefts):
                return Problem(
                    f"There is no item {label!r}: use a to {left_label(len(lefts) - 1)}."
                )
            if index in chosen:
                return Problem(f"Item {label} is matched twice. {hint}")
            chosen[index] = int(number)
        unmatched = [left_label(i) for i in range(len(lefts)) if i not in chosen]
        if unmatched:
            return Problem(f"Match every item; {', '.join(unmatched)} is missing. {hint}")
    else:
        return Problem(hint)
    bad = _out_of_range(list(chosen.values()), count)
    if bad:
        return Problem(bad)
    return Answer({lefts[i]: options[n - 1] for i, n in sorted(chosen.items())})


def _year(question: Year, text: str) -> Answer | Problem:
    cleaned = _clean(text).rstrip(".")
    if _YEAR.fullmatch(cleaned):
        return Answer(int(cleaned))
    return Problem(expected_form(question, ()))


def _number(question: Number, text: str) -> Answer | Problem:
    cleaned = text.strip()
    if read_number(cleaned) is not None:
        # The text goes to the grader as typed: "42,000" is read there next to the answer.
        return Answer(cleaned)
    return Problem(expected_form(question, ()))


def parse_rating(text: str) -> Answer | Problem:
    """A flashcard rating: ``1``-``4`` or again/hard/good/easy (or a/h/g/e)."""
    rating = _RATINGS.get(_clean(text))
    return Answer(rating) if rating is not None else Problem(RATING_HINT)


def parse_answer(question: Question, options: Sequence[str], text: str) -> Answer | Problem:
    """Read ``text`` as an answer to ``question`` shown with ``options``; never raises.

    A flashcard's answer is the learner's rating (:func:`parse_rating`).
    Commands are not recognised here: check :func:`parse_command` first.
    """
    if len(text) > MAX_TYPED_CHARS:
        return Problem(f"That is longer than {MAX_TYPED_CHARS} characters; type a shorter answer.")
    try:
        if isinstance(question, Flashcard):
            return parse_rating(text)
        if isinstance(question, MultipleChoice):
            return _choice(question, options, text)
        if isinstance(question, MultiSelect):
            return _selection(question, options, text)
        if isinstance(question, TrueFalse):
            return _truth(question, text)
        if isinstance(question, ShortAnswer):
            return _typed(question, text)
        if isinstance(question, Cloze):
            return _blanks(question, text)
        if isinstance(question, Ordering):
            return _order(question, options, text)
        if isinstance(question, Matching):
            return _pairs(question, options, text)
        if isinstance(question, Year):
            return _year(question, text)
        if isinstance(question, Number):
            return _number(question, text)
    except Exception:  # pragma: no cover - a guard: bad input must never end a session
        return Problem(expected_form(question, options))
    return Problem("This kind of question cannot be answered in the terminal.")


def expected_form(question: Question, options: Sequence[str]) -> str:
    """One sentence saying what to type for ``question``.

    The examples are the same for every question, so they never hint at an answer.
    """
    count = len(options)
    if isinstance(question, Flashcard):
        return "Think of the answer, then press Enter to see the back of the card."
    if isinstance(question, MultipleChoice):
        return f"Type the number of your choice, 1 to {count}."
    if isinstance(question, MultiSelect):
        return (
            f"Type the numbers of every right choice (1 to {count}), like 1 3; "
            "one or more may be right."
        )
    if isinstance(question, TrueFalse):
        return "Type t for true or f for false."
    if isinstance(question, ShortAnswer):
        return "Type your answer."
    if isinstance(question, Cloze):
        blanks = len(question.blanks)
        if blanks == 1:
            return "Type the missing word or words."
        return (
            f"Type the {blanks} missing answers in order, separated by {BLANK_SEPARATOR}, "
            f"like: first {BLANK_SEPARATOR} second."
        )
    if isinstance(question, Ordering):
        return f"Type the numbers of all {count} items in the right order, like 3 1 2 4."
    if isinstance(question, Matching):
        last = left_label(len(question.pairs) - 1)
        return (
            f"Match each item a to {last} with a number: letter and number, like a2 b1 c3, "
            "or the numbers alone in letter order, like 2 1 3."
        )
    if isinstance(question, Year):
        return "Type the year as a number."
    if isinstance(question, Number):
        return "Type the number; use a point or a comma before decimals, like 3.5 or 3,5."
    return "Type your answer."
