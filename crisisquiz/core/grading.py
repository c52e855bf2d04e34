"""Grading of a learner's answer to any of the nine question types.

Everything here is pure: a question and a response go in, a frozen
:class:`GradeResult` comes out, and :func:`grade` never raises, whatever the
response is. Each question type has a *reader*, which turns the raw response
into a clean value or explains why it cannot (wrong type, unknown choice,
wrong number of blanks), and a *judge*, which grades the clean value.

Verdicts become FSRS ratings as DESIGN.md asks: wrong → Again; right with a
spelling slip, or partly right → Hard; right → Good. Flashcards keep the
rating the learner gave.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from itertools import islice
from typing import Any, Final, TypeVar

from fsrs import Rating

from crisisquiz.core.pack_schema import (
    Cloze,
    Flashcard,
    Matching,
    MultipleChoice,
    MultiSelect,
    Number,
    Ordering,
    Question,
    QuestionBase,
    ShortAnswer,
    TrueFalse,
    Year,
)
from crisisquiz.core.text_match import MatchKind, match_answer, normalise

__all__ = [
    "GradeResult",
    "Response",
    "Verdict",
    "correct_answer_text",
    "format_number",
    "grade",
    "read_number",
    "response_from_json",
    "response_to_json",
    "wrong_typed_parts",
]

# Longer typed answers are refused unread: every key is far shorter, and fuzzy
# matching a megabyte of text would freeze the window for nothing.
MAX_TYPED_CHARS: Final = 10_000
# More elements than this in a list, set or mapping is not a learner's answer;
# the cap also stops an endless iterator from hanging the grader.
MAX_PARTS: Final = 1_000
# Quoted answers in feedback are cut so that one sentence stays one line.
QUOTE_CHARS: Final = 60
# Years are small; refusing huge numbers early also keeps str(int) from
# failing on numbers past Python's digit limit.
MAX_YEAR: Final = 999_999
_YEAR_TEXT: Final = re.compile(r"[+-]?[0-9]{1,6}")
# A decimal as people type it: a point or a comma before the decimals, spaces (or thin
# spaces) between groups of thousands.
_NUMBER_TEXT: Final = re.compile(r"[+-]?(?:[0-9]{1,15}(?:[.,][0-9]{0,15})?|[.,][0-9]{1,15})")
# Floating-point answers such as 0.1 + 0.2 must not miss their tolerance by a rounding.
_NUMBER_SLACK: Final = 1e-9

_T = TypeVar("_T")
_Q = TypeVar("_Q", bound=QuestionBase)


class Verdict(StrEnum):
    """How right an answer was, as shown to the learner."""

    RIGHT = "right"
    PARTLY = "partly right"
    WRONG = "wrong"


@dataclass(frozen=True)
class GradeResult:
    """The outcome of grading one answer.

    ``score`` is the partial credit from 0.0 to 1.0; ``rating`` is the FSRS
    rating the answer becomes; ``correct_answer`` is the right answer in
    human-readable form; ``feedback`` holds one short sentence per thing that
    was right or wrong; ``slip`` marks a right answer with a spelling slip.
    """

    verdict: Verdict
    score: float
    rating: Rating
    correct_answer: str
    feedback: tuple[str, ...]
    slip: bool = False


# The shapes a well-formed response takes, by question type: flashcard →
# Rating; multiple_choice, short_answer → str; true_false → bool; year → int
# or str; number → int, float or str; multi_select → frozenset[str]; cloze,
# ordering → tuple[str, ...]; matching → Mapping[str, str].
Response = str | bool | int | tuple[str, ...] | frozenset[str] | Mapping[str, str] | Rating


@dataclass(frozen=True)
class _Judgement:
    verdict: Verdict
    score: float
    feedback: tuple[str, ...]
    slip: bool = False
    rating: Rating | None = None  # only flashcards bring their own rating


class _Unreadable(Exception):
    """The response has the wrong shape; ``feedback`` says why, as a sentence."""

    def __init__(self, feedback: str) -> None:
        super().__init__(feedback)
        self.feedback = feedback


def _cannot_read(reason: str) -> _Unreadable:
    return _Unreadable(f"Your answer could not be read: {reason}.")


def _quote(text: str) -> str:
    flat = " ".join(text.split())
    if len(flat) > QUOTE_CHARS:
        flat = flat[: QUOTE_CHARS - 1] + "…"
    return f'"{flat}"'


def _describe(value: object) -> str:
    if value is None:
        return "nothing"
    return _quote(value) if isinstance(value, str) else f"a value of type {type(value).__name__}"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


# --- correct answers -------------------------------------------------------------------------


def correct_answer_text(question: Question) -> str:
    """The right answer to ``question`` as one human-readable line.

    Multi-select answers and cloze blanks are joined with "; ", an ordering
    reads "1. A → 2. B → 3. C", a matching "A → x; B → y".
    """
    if isinstance(question, Flashcard | MultipleChoice | ShortAnswer):
        return question.answer
    if isinstance(question, MultiSelect):
        return "; ".join(question.answers)
    if isinstance(question, TrueFalse):
        return "True" if question.answer else "False"
    if isinstance(question, Cloze):
        return "; ".join(question.blanks)
    if isinstance(question, Ordering):
        return " → ".join(f"{place}. {item}" for place, item in enumerate(question.items, 1))
    if isinstance(question, Matching):
        return "; ".join(f"{left} → {right}" for left, right in question.pairs)
    if isinstance(question, Year):
        return str(question.answer)
    if isinstance(question, Number):
        if question.tolerance:
            return f"{format_number(question.answer)} (± {format_number(question.tolerance)})"
        return format_number(question.answer)
    return ""


def format_number(value: float) -> str:
    """A number as a person writes it: 3.14, 1962, -0.5 (no exponent for everyday sizes)."""
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return f"{value:.12g}" if "e" not in f"{value:.12g}" else repr(value)


def read_number(text: str, near: float = 0.0) -> float | None:
    """The number in ``text`` as typed (``3.14``, ``3,14``, ``-0.5``, ``1 000``), or None.

    A comma marks the decimals, as in most of Europe, except that ``42,000`` could
    be either forty-two thousand or forty-two: then the reading nearer to ``near``
    (the expected answer, when grading) is taken.
    """
    cleaned = unicodedata.normalize("NFKC", text).strip().rstrip(".")
    cleaned = re.sub(r"(?<=\d)[ \u202f\u2009'_](?=\d{3})", "", cleaned)
    thousands = re.fullmatch(r"([+-]?[0-9]{1,3}),([0-9]{3})", cleaned)
    if thousands:
        readings = (float(cleaned.replace(",", ".")), float(cleaned.replace(",", "")))
        return min(readings, key=lambda value: abs(value - near))
    if not _NUMBER_TEXT.fullmatch(cleaned):
        return None
    return float(cleaned.replace(",", "."))


# --- readers: raw response → clean value, or _Unreadable ---------------------------------------


def _read_text(response: object) -> str:
    if not isinstance(response, str):
        raise _cannot_read(f"expected typed text, got {_describe(response)}")
    if len(response) > MAX_TYPED_CHARS:
        raise _cannot_read(f"it is longer than {MAX_TYPED_CHARS} characters")
    return response


def _read_parts(response: object, what: str) -> tuple[object, ...]:
    # A string or mapping is iterable too, but never a list of answers.
    if isinstance(response, str | bytes | Mapping) or not isinstance(response, Iterable):
        raise _cannot_read(f"expected {what}, got {_describe(response)}")
    parts = tuple(islice(response, MAX_PARTS + 1))
    if len(parts) > MAX_PARTS:
        raise _cannot_read(f"it has more than {MAX_PARTS} parts")
    return parts


def _read_rating(_question: Flashcard, response: object) -> Rating:
    # bool is an int too, but True is not a rating anyone chose.
    if isinstance(response, int) and not isinstance(response, bool):
        try:
            return Rating(int(response))
        except ValueError:
            pass
    raise _cannot_read("expected a rating: Again, Hard, Good or Easy")


def _read_choice(question: MultipleChoice, response: object) -> str:
    choice = _read_text(response)
    if choice not in question.choices:
        raise _cannot_read(f"{_quote(choice)} is not one of the choices")
    return choice


def _read_selection(question: MultiSelect, response: object) -> frozenset[str]:
    parts = _read_parts(response, "a set of choices")
    for part in parts:
        if not isinstance(part, str) or part not in question.choices:
            raise _cannot_read(f"{_describe(part)} is not one of the choices")
    return frozenset(part for part in parts if isinstance(part, str))


def _read_bool(_question: TrueFalse, response: object) -> bool:
    if not isinstance(response, bool):
        raise _cannot_read(f"expected true or false, got {_describe(response)}")
    return response


def _read_short(_question: ShortAnswer, response: object) -> str:
    return _read_text(response)


def _read_blanks(question: Cloze, response: object) -> tuple[str, ...]:
    parts = _read_parts(response, "one answer per blank")
    expected = len(question.blanks)
    if len(parts) != expected:
        raise _cannot_read(
            f"expected {_plural(expected, 'answer')}, one per blank, got {len(parts)}"
        )
    return tuple(_read_text(part) for part in parts)


def _read_order(question: Ordering, response: object) -> tuple[str, ...]:
    parts = _read_parts(response, "the items in order")
    for part in parts:
        if not isinstance(part, str) or part not in question.items:
            raise _cannot_read(f"{_describe(part)} is not one of the items")
    order = tuple(part for part in parts if isinstance(part, str))
    if len(order) != len(question.items) or set(order) != set(question.items):
        raise _cannot_read(f"it must list each of the {len(question.items)} items once")
    return order


def _read_pairs(question: Matching, response: object) -> dict[str, str]:
    if not isinstance(response, Mapping):
        raise _cannot_read(f"expected left → right pairs, got {_describe(response)}")
    lefts = {left for left, _ in question.pairs}
    rights = {right for _, right in question.pairs} | set(question.extra)
    chosen: dict[str, str] = {}
    for left, right in islice(response.items(), MAX_PARTS):
        if not isinstance(left, str) or left not in lefts:
            raise _cannot_read(f"{_describe(left)} is not one of the items to match")
        if not isinstance(right, str) or right not in rights:
            raise _cannot_read(f"{_describe(right)} is not one of the possible partners")
        chosen[left] = right
    if len(response) > len(chosen):
        raise _cannot_read("it has more pairs than the question")
    return chosen


def _read_year(_question: Year, response: object) -> int:
    if isinstance(response, int) and not isinstance(response, bool):
        if abs(response) > MAX_YEAR:
            raise _Unreadable("Not a year: the number is far too large.")
        return int(response)
    if isinstance(response, str):
        # NFKC so that full-width digits from an East Asian keyboard still count.
        text = unicodedata.normalize("NFKC", _read_text(response)).strip()
        if _YEAR_TEXT.fullmatch(text):
            return int(text)
        raise _Unreadable(f"Not a year: {_quote(text)}.")
    raise _cannot_read(f"expected a year, got {_describe(response)}")


def _read_number(question: Number, response: object) -> float:
    if isinstance(response, int | float) and not isinstance(response, bool):
        value = float(response)
        if value != value or value in (float("inf"), float("-inf")):
            raise _cannot_read("expected a finite number")
        return value
    if isinstance(response, str):
        number = read_number(_read_text(response), near=float(question.answer))
        if number is None:
            raise _Unreadable(f"Not a number: {_quote(response.strip())}.")
        return number
    raise _cannot_read(f"expected a number, got {_describe(response)}")


def _read(reader: Callable[[_Q, object], _T], question: _Q, response: object) -> _T:
    """Run a reader, turning any failure of a foreign object into _Unreadable."""
    try:
        return reader(question, response)
    except _Unreadable:
        raise
    except Exception as err:
        # A response object whose own methods raise (a broken iterator, an
        # __eq__ that fails) is still just an answer we cannot read.
        raise _cannot_read("it has a shape no question takes") from err


# --- judges: clean value → judgement ----------------------------------------------------------


def _judge_flashcard(rating: Rating) -> _Judgement:
    verdict = {
        Rating.Again: Verdict.WRONG,
        Rating.Hard: Verdict.PARTLY,
        Rating.Good: Verdict.RIGHT,
        Rating.Easy: Verdict.RIGHT,
    }[rating]
    score = {Verdict.WRONG: 0.0, Verdict.PARTLY: 0.5, Verdict.RIGHT: 1.0}[verdict]
    return _Judgement(verdict, score, (f"You rated this card {rating.name}.",), rating=rating)


def _judge_choice(question: MultipleChoice, choice: str) -> _Judgement:
    if choice == question.answer:
        return _Judgement(Verdict.RIGHT, 1.0, (f"{_quote(choice)} is right.",))
    feedback = f"You chose {_quote(choice)}; the answer is {_quote(question.answer)}."
    return _Judgement(Verdict.WRONG, 0.0, (feedback,))


def _judge_selection(question: MultiSelect, chosen: frozenset[str]) -> _Judgement:
    right = frozenset(question.answers)
    missed = [choice for choice in question.answers if choice not in chosen]
    false_picks = [choice for choice in question.choices if choice in chosen - right]
    if not missed and not false_picks:
        return _Judgement(Verdict.RIGHT, 1.0, ("You picked all and only the right choices.",))
    hits = len(chosen & right)
    # Each wrong pick cancels a right one, so ticking every box earns nothing.
    score = max(0.0, (hits - len(false_picks)) / len(right)) if right else 0.0
    feedback = tuple(f"You missed {_quote(choice)}." for choice in missed) + tuple(
        f"{_quote(choice)} is not one of the right choices." for choice in false_picks
    )
    return _Judgement(Verdict.PARTLY if score > 0 else Verdict.WRONG, score, feedback)


def _judge_bool(question: TrueFalse, said: bool) -> _Judgement:
    truth = "true" if question.answer else "false"
    if said == question.answer:
        return _Judgement(Verdict.RIGHT, 1.0, (f"Right: the statement is {truth}.",))
    return _Judgement(Verdict.WRONG, 0.0, (f"The statement is {truth}.",))


def _judge_typed(
    typed: str, answer: str, accept: tuple[str, ...], reject: tuple[str, ...]
) -> tuple[MatchKind, tuple[str, ...]]:
    """Match one typed answer; return its kind and its feedback sentences."""
    if not normalise(typed):
        return MatchKind.WRONG, (f"No answer given; expected {_quote(answer)}.",)
    found = match_answer(typed, answer, accept, reject)
    if found.kind is MatchKind.EXACT:
        if found.target == answer:
            return found.kind, (f"{_quote(answer)} is right.",)
        return found.kind, (f"Accepted {_quote(typed)}; usually written {_quote(answer)}.",)
    if found.kind is MatchKind.SLIP:
        return found.kind, (f"Accepted {_quote(typed)} as {_quote(answer)} (spelling slip).",)
    if found.kind is MatchKind.REJECTED:
        return found.kind, (
            f"{_quote(found.target)} is not right here.",
            f"Expected {_quote(answer)}.",
        )
    return found.kind, (f"Expected {_quote(answer)}.",)


def _blank_line(number: int, line: str) -> str:
    return f"Blank {number}: {line[:1].lower()}{line[1:]}"


def _judge_short(question: ShortAnswer, typed: str) -> _Judgement:
    kind, lines = _judge_typed(typed, question.answer, question.accept, question.reject)
    if kind is MatchKind.EXACT:
        return _Judgement(Verdict.RIGHT, 1.0, lines)
    if kind is MatchKind.SLIP:
        return _Judgement(Verdict.RIGHT, 1.0, lines, slip=True)
    return _Judgement(Verdict.WRONG, 0.0, lines)


def _judge_blanks(question: Cloze, typed: tuple[str, ...]) -> _Judgement:
    blanks = question.blanks
    kinds: list[MatchKind] = []
    feedback: list[str] = []
    for index, (text, key) in enumerate(zip(typed, blanks, strict=True)):
        aliases = question.accept[index] if index < len(question.accept) else ()
        kind, lines = _judge_typed(text, key, aliases, ())
        kinds.append(kind)
        # A blank typed exactly right needs no sentence of its own.
        if kind is not MatchKind.EXACT:
            feedback.extend(_blank_line(index + 1, line) for line in lines)
    right = sum(kind in (MatchKind.EXACT, MatchKind.SLIP) for kind in kinds)
    if right == len(blanks):
        slip = MatchKind.SLIP in kinds
        return _Judgement(Verdict.RIGHT, 1.0, tuple(feedback) or ("Every blank is right.",), slip)
    verdict = Verdict.PARTLY if right else Verdict.WRONG
    return _Judgement(verdict, right / len(blanks), tuple(feedback))


def _longest_increasing_run(values: Iterable[int]) -> int:
    """Length of the longest strictly increasing subsequence of ``values``."""
    # Patience sorting: tails[k] is the smallest tail of a run of length k + 1.
    tails: list[int] = []
    for value in values:
        place = bisect_left(tails, value)
        if place == len(tails):
            tails.append(value)
        else:
            tails[place] = value
    return len(tails)


def _judge_order(question: Ordering, order: tuple[str, ...]) -> _Judgement:
    items = question.items
    if order == items:
        return _Judgement(Verdict.RIGHT, 1.0, ("Every item is in its place.",))
    position = {item: place for place, item in enumerate(items)}
    in_order = _longest_increasing_run(position[item] for item in order)
    score = in_order / len(items)
    first_wrong = next(item for item, want in zip(order, items, strict=True) if item != want)
    feedback = (
        f"{_quote(first_wrong)} is out of place: it belongs at position "
        f"{position[first_wrong] + 1}.",
        f"{in_order} of {len(items)} items are in the right order relative to each other.",
    )
    if score < 0.5:
        # Any order keeps at least one item "in order", so a low run earns nothing:
        # a wrong verdict never carries points into a quiz score.
        return _Judgement(Verdict.WRONG, 0.0, feedback)
    return _Judgement(Verdict.PARTLY, score, feedback)


def _judge_pairs(question: Matching, chosen: dict[str, str]) -> _Judgement:
    feedback: list[str] = []
    for left, right in question.pairs:
        got = chosen.get(left)
        if got is None:
            feedback.append(f"{_quote(left)} goes with {_quote(right)}; you left it unmatched.")
        elif got != right:
            feedback.append(f"{_quote(left)} goes with {_quote(right)}, not {_quote(got)}.")
    total = len(question.pairs)
    right_count = total - len(feedback)
    if right_count == total:
        return _Judgement(Verdict.RIGHT, 1.0, ("Every pair is right.",))
    verdict = Verdict.PARTLY if right_count else Verdict.WRONG
    return _Judgement(verdict, right_count / total, tuple(feedback))


def _judge_year(question: Year, year: int) -> _Judgement:
    off = abs(year - question.answer)
    if off == 0:
        return _Judgement(Verdict.RIGHT, 1.0, (f"{year} is right.",))
    if off <= question.tolerance:
        within = _plural(question.tolerance, "year")
        line = f"Close enough: {year} is within {within} of {question.answer}."
        return _Judgement(Verdict.RIGHT, 1.0, (line,))
    line = f"{year} is {_plural(off, 'year')} off; the answer is {question.answer}."
    return _Judgement(Verdict.WRONG, 0.0, (line,))


def _judge_number(question: Number, number: float) -> _Judgement:
    answer = float(question.answer)
    off = abs(number - answer)
    said, key = format_number(number), format_number(question.answer)
    slack = _NUMBER_SLACK * max(1.0, abs(answer))
    if off <= slack:
        return _Judgement(Verdict.RIGHT, 1.0, (f"{said} is right.",))
    if off <= question.tolerance + slack:
        within = format_number(question.tolerance)
        return _Judgement(
            Verdict.RIGHT, 1.0, (f"Close enough: {said} is within {within} of {key}.",)
        )
    return _Judgement(
        Verdict.WRONG, 0.0, (f"{said} is {format_number(off)} off; the answer is {key}.",)
    )


def _judge(question: Question, response: object) -> _Judgement:
    if isinstance(question, Flashcard):
        return _judge_flashcard(_read(_read_rating, question, response))
    if isinstance(question, MultipleChoice):
        return _judge_choice(question, _read(_read_choice, question, response))
    if isinstance(question, MultiSelect):
        return _judge_selection(question, _read(_read_selection, question, response))
    if isinstance(question, TrueFalse):
        return _judge_bool(question, _read(_read_bool, question, response))
    if isinstance(question, ShortAnswer):
        return _judge_short(question, _read(_read_short, question, response))
    if isinstance(question, Cloze):
        return _judge_blanks(question, _read(_read_blanks, question, response))
    if isinstance(question, Ordering):
        return _judge_order(question, _read(_read_order, question, response))
    if isinstance(question, Matching):
        return _judge_pairs(question, _read(_read_pairs, question, response))
    if isinstance(question, Year):
        return _judge_year(question, _read(_read_year, question, response))
    if isinstance(question, Number):
        return _judge_number(question, _read(_read_number, question, response))
    raise _Unreadable("This kind of question cannot be graded.")


def _rating_for(judgement: _Judgement) -> Rating:
    if judgement.rating is not None:
        return judgement.rating
    if judgement.verdict is Verdict.WRONG:
        return Rating.Again
    if judgement.verdict is Verdict.PARTLY or judgement.slip:
        return Rating.Hard
    return Rating.Good


def grade(question: Question, response: object) -> GradeResult:
    """Grade ``response`` as an answer to ``question``; never raises.

    Expected response shapes: flashcard → the learner's :class:`Rating`;
    multiple_choice → the chosen choice text; multi_select → an iterable of
    chosen choice texts; true_false → bool; short_answer → str; cloze → one
    str per blank; ordering → the items in the learner's order; matching → a
    mapping of left item to chosen right item; year → int, or str holding an
    integer; number → int or float, or str holding a number (a comma may mark
    the decimals). A response of any other shape grades WRONG with a sentence saying
    it could not be read.
    """
    try:
        judgement = _judge(question, response)
    except _Unreadable as unreadable:
        judgement = _Judgement(Verdict.WRONG, 0.0, (unreadable.feedback,))
    return GradeResult(
        verdict=judgement.verdict,
        score=judgement.score,
        rating=_rating_for(judgement),
        correct_answer=correct_answer_text(question),
        feedback=judgement.feedback,
        slip=judgement.slip,
    )


# --- storage ---------------------------------------------------------------------------------


def wrong_typed_parts(question: Question, response: object) -> tuple[tuple[int | None, str], ...]:
    """The typed parts of an answer that were wrong, as typed: for item analysis.

    A short answer, year or number wrong is one part (``None``, its text); a cloze
    gives each wrong blank (its 0-based number, its text). Parts are judged exactly
    as :func:`grade` judges them; any other type, or an unreadable answer, has none.
    """
    try:
        if isinstance(question, ShortAnswer):
            typed = _read_short(question, response)
            kind, _lines = _judge_typed(typed, question.answer, question.accept, question.reject)
            right = kind in (MatchKind.EXACT, MatchKind.SLIP)
            return () if right or not typed.strip() else ((None, typed),)
        if isinstance(question, Cloze):
            blanks = _read_blanks(question, response)
            parts: list[tuple[int | None, str]] = []
            for index, (text, key) in enumerate(zip(blanks, question.blanks, strict=True)):
                aliases = question.accept[index] if index < len(question.accept) else ()
                kind, _lines = _judge_typed(text, key, aliases, ())
                if kind not in (MatchKind.EXACT, MatchKind.SLIP) and text.strip():
                    parts.append((index, text))
            return tuple(parts)
        wrong = isinstance(question, Year | Number) and (
            grade(question, response).verdict is Verdict.WRONG
        )
        if wrong and str(response).strip():
            return ((None, str(response).strip()),)
    except _Unreadable:
        return ()
    return ()


def _json_value(question: Question, response: object) -> Any:
    if isinstance(question, Flashcard):
        return int(_read_rating(question, response))
    if isinstance(question, TrueFalse):
        return _read_bool(question, response)
    if isinstance(question, MultipleChoice | ShortAnswer) and isinstance(response, str):
        return response
    if isinstance(question, Year | Number) and isinstance(response, str):
        return response
    if isinstance(question, Year):
        return _read_year(question, response)
    if isinstance(question, Number):
        return _read_number(question, response)
    if isinstance(question, MultiSelect | Cloze | Ordering):
        parts = _read_parts(response, "a list")
        if all(isinstance(part, str) for part in parts):
            # Sorted so that equal selections store equal JSON.
            return sorted(set(parts)) if isinstance(question, MultiSelect) else list(parts)
    if isinstance(question, Matching) and isinstance(response, Mapping):
        pairs = dict(islice(response.items(), MAX_PARTS + 1))
        if len(pairs) <= MAX_PARTS and all(
            isinstance(key, str) and isinstance(value, str) for key, value in pairs.items()
        ):
            return pairs
    raise _cannot_read("no stored form")


def _safe_repr(response: object) -> str:
    try:
        return repr(response)[: QUOTE_CHARS * 4]
    except Exception:
        return f"<{type(response).__name__}>"


def response_to_json(question: Question, response: object) -> dict[str, Any]:
    """A JSON-safe record of ``response`` for storage; never raises.

    The record is ``{"type": <question type>, "value": <response>}`` with a
    Rating stored as its int, a selection as a sorted list, blanks and
    orderings as lists and a matching as an object. A response of no valid
    shape is kept as ``{"type": ..., "value": None, "unreadable": <repr>}``
    so that the attempt is still on record. Pass a concrete collection, not a
    one-shot iterator, if the same response is also graded.
    """
    record: dict[str, Any] = {"type": str(question.type)}
    try:
        record["value"] = _json_value(question, response)
    except Exception:
        record.update(value=None, unreadable=_safe_repr(response))
    return record


def _str_list(value: object) -> list[str] | None:
    if isinstance(value, list) and all(isinstance(part, str) for part in value):
        return value
    return None


def _from_json_value(question: Question, value: object) -> object:
    if isinstance(question, Flashcard):
        return _read_rating(question, value)
    if isinstance(question, TrueFalse):
        return value if isinstance(value, bool) else None
    if isinstance(question, MultipleChoice | ShortAnswer):
        return value if isinstance(value, str) else None
    if isinstance(question, Year):
        is_int = isinstance(value, int) and not isinstance(value, bool)
        return value if is_int or isinstance(value, str) else None
    if isinstance(question, Number):
        is_number = isinstance(value, int | float) and not isinstance(value, bool)
        return value if is_number or isinstance(value, str) else None
    if isinstance(question, MultiSelect | Cloze | Ordering):
        parts = _str_list(value)
        if parts is None:
            return None
        return frozenset(parts) if isinstance(question, MultiSelect) else tuple(parts)
    if isinstance(question, Matching) and isinstance(value, dict):
        strings = all(isinstance(key, str) and isinstance(part, str) for key, part in value.items())
        return dict(value) if strings else None
    return None


def response_from_json(question: Question, data: Mapping[str, Any]) -> object:
    """Rebuild a response stored by :func:`response_to_json`; never raises.

    Returns the response in the shape :func:`grade` takes (a Rating, str,
    bool, int, frozenset, tuple or dict). Returns None when the record does
    not hold a valid response for this question, for instance when it was
    stored for a question of another type; None grades as unreadable.
    """
    try:
        stored_type = data.get("type")
        if stored_type is not None and stored_type != question.type:
            return None
        return _from_json_value(question, data.get("value"))
    except Exception:
        return None
