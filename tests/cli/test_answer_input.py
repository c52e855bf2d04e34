"""Reading typed lines as answers: every input form, bad input, and never raising."""

from __future__ import annotations

import pytest
from fsrs import Rating
from hypothesis import given, settings
from hypothesis import strategies as st
from small_pack import SMALL_PACK

from crisisquiz.cli.answer_input import (
    RATING_HINT,
    Answer,
    Command,
    Problem,
    expected_form,
    label_index,
    left_label,
    parse_answer,
    parse_command,
    parse_rating,
)
from crisisquiz.core.grading import MAX_TYPED_CHARS, Verdict, grade
from crisisquiz.core.pack_loader import parse_pack_text
from crisisquiz.core.pack_schema import (
    Cloze,
    Flashcard,
    Matching,
    MultipleChoice,
    MultiSelect,
    Ordering,
    Question,
    ShortAnswer,
    TrueFalse,
    Year,
)

QUESTIONS: dict[str, Question] = {q.id: q for q in parse_pack_text(SMALL_PACK).questions}

# The orders in which the tests "show" the options (the shuffle a StudyItem would carry).
OPTIONS: dict[str, tuple[str, ...]] = {
    "mc": ("Stalin", "Khrushchev", "Brezhnev"),
    "ms": ("France", "Turkey", "Spain", "Italy"),
    "or": ("Bay of Pigs", "Missile crisis", "Cuban Revolution"),
    "mt": ("Ambassador", "President"),  # Kennedy → 2, Dobrynin → 1
}


def parse(qid: str, text: str) -> Answer | Problem:
    return parse_answer(QUESTIONS[qid], OPTIONS.get(qid, ()), text)


def answer(qid: str, text: str) -> object:
    parsed = parse(qid, text)
    assert isinstance(parsed, Answer), parsed
    return parsed.response


def problem(qid: str, text: str) -> str:
    parsed = parse(qid, text)
    assert isinstance(parsed, Problem), parsed
    return parsed.hint


# --- commands --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("u", Command.UNDO),
        (" U ", Command.UNDO),
        ("undo", Command.UNDO),
        ("q", Command.QUIT),
        ("Quit", Command.QUIT),
        ("?", Command.HELP),
        ("help", Command.HELP),
        ("？", Command.HELP),  # full-width question mark, NFKC
    ],
)
def test_commands(text: str, command: Command) -> None:
    assert parse_command(text) is command


@pytest.mark.parametrize("text", ["", "1", "uu", "qq", "quit now", "??"])
def test_not_commands(text: str) -> None:
    assert parse_command(text) is None


# --- matching labels -------------------------------------------------------------------------


def test_left_labels_run_a_to_z_then_aa() -> None:
    assert [left_label(i) for i in (0, 1, 25, 26, 27, 51, 52)] == [
        "a",
        "b",
        "z",
        "aa",
        "ab",
        "az",
        "ba",
    ]
    for index in range(800):
        assert label_index(left_label(index)) == index
    assert label_index("") is None
    assert label_index("a1") is None
    assert label_index("B") == 1


# --- per question type -----------------------------------------------------------------------


def test_multiple_choice_by_number_or_text() -> None:
    assert answer("mc", "2") == "Khrushchev"
    assert answer("mc", " 1 ") == "Stalin"
    assert answer("mc", "２") == "Khrushchev"  # full-width digit
    assert answer("mc", "brezhnev") == "Brezhnev"
    assert "1 to 3" in problem("mc", "4")
    assert "no number 0" in problem("mc", "0")
    assert "Only one choice" in problem("mc", "1 2")
    assert problem("mc", "Kennedy") == expected_form(QUESTIONS["mc"], OPTIONS["mc"])
    assert "1 to 3" in problem("mc", "")
    assert "1 to 3" in problem("mc", "1234567")  # no huge numbers


@pytest.mark.parametrize("text", ["2 4", "2,4", "2, 4", "4;2", "24", "2 4 4"])
def test_multi_select_forms(text: str) -> None:
    assert answer("ms", text) == frozenset({"Turkey", "Italy"})


def test_multi_select_single_and_bad() -> None:
    assert answer("ms", "1") == frozenset({"France"})
    assert "no number 5" in problem("ms", "1 5")
    assert "no number 5" in problem("ms", "15")  # compact: digit by digit
    assert "every right choice" in problem("ms", "Turkey")
    assert "every right choice" in problem("ms", "")
    assert "every right choice" in problem("ms", "1 x")


def test_multi_select_with_ten_or_more_choices_needs_separators() -> None:
    question = MultiSelect(
        id="big",
        topic="t",
        type="multi_select",
        prompt="?",
        choices=tuple(f"c{i}" for i in range(12)),
        answers=("c0",),
    )
    options = question.choices
    assert parse_answer(question, options, "12") == Answer(frozenset({"c11"}))
    assert parse_answer(question, options, "1 2") == Answer(frozenset({"c0", "c1"}))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("t", True),
        ("T", True),
        ("true", True),
        ("yes", True),
        ("y", True),
        ("True.", True),
        ("f", False),
        ("false", False),
        ("no", False),
        ("N", False),
    ],
)
def test_true_false(text: str, value: bool) -> None:
    assert answer("tf", text) is value


@pytest.mark.parametrize("text", ["", "1", "maybe", "tf", "yes no"])
def test_true_false_bad(text: str) -> None:
    assert "t for true" in problem("tf", text)


def test_short_answer() -> None:
    assert answer("sa", "  Kruschev ") == "Kruschev"
    assert answer("sa", "1") == "1"  # any text is an answer
    assert problem("sa", "   ") == "Type your answer."
    assert "longer than" in problem("sa", "x" * (MAX_TYPED_CHARS + 1))


def test_cloze_separated_by_bars() -> None:
    assert answer("cz", "U-2 | Cuba") == ("U-2", "Cuba")
    assert answer("cz", "U2|cuba") == ("U2", "cuba")
    assert answer("cz", "U-2 | ") == ("U-2", "")  # a blank left empty is wrong, not unreadable
    assert "1 of 2 answers" in problem("cz", "U-2")
    assert "3 of 2 answers" in problem("cz", "a | b | c")
    assert "separated by |" in problem("cz", "")


def test_cloze_with_one_blank_takes_the_whole_line() -> None:
    question = Cloze(id="one", topic="t", type="cloze", text="The {{ExComm}} met daily.")
    assert parse_answer(question, (), "Ex Comm | x") == Answer(("Ex Comm | x",))
    assert parse_answer(question, (), " ") == Problem("Type the missing word or words.")


@pytest.mark.parametrize("text", ["3 1 2", "3,1,2", "3, 1, 2", "312"])
def test_ordering_forms(text: str) -> None:
    assert answer("or", text) == ("Cuban Revolution", "Bay of Pigs", "Missile crisis")


def test_ordering_bad() -> None:
    assert "1 is listed twice" in problem("or", "1 1 2")
    assert "Missing: 3" in problem("or", "2 1")
    assert "no number 4" in problem("or", "4 1 2")
    assert "right order" in problem("or", "first second third")
    assert "right order" in problem("or", "")


@pytest.mark.parametrize(
    "text", ["a2 b1", "A2, B1", "b1 a2", "a=2 b=1", "a-2 b-1", "a: 2 b: 1", "a2b1", "2 1", "21"]
)
def test_matching_forms(text: str) -> None:
    assert answer("mt", text) == {"Kennedy": "President", "Dobrynin": "Ambassador"}


def test_matching_may_repeat_a_partner_and_is_then_graded() -> None:
    response = answer("mt", "a1 b1")
    assert response == {"Kennedy": "Ambassador", "Dobrynin": "Ambassador"}
    assert grade(QUESTIONS["mt"], response).verdict is Verdict.PARTLY


def test_matching_bad() -> None:
    assert "no item 'c'" in problem("mt", "a1 b2 c1")
    assert "b is missing" in problem("mt", "a1")
    assert "matched twice" in problem("mt", "a1 a2 b1")
    assert "no number 3" in problem("mt", "a3 b1")
    assert "1 numbers for 2 items" in problem("mt", "2")
    assert "3 numbers for 2 items" in problem("mt", "1 2 1")
    assert "letter and number" in problem("mt", "Kennedy President")
    assert "letter and number" in problem("mt", "")


@pytest.mark.parametrize(("text", "year"), [("1962", 1962), (" 1962. ", 1962), ("１９６２", 1962)])
def test_year(text: str, year: int) -> None:
    assert answer("yr", text) == year


def test_year_bad() -> None:
    for text in ["", "nineteen sixty-two", "1962 AD", "19621962", "62.5"]:
        assert problem("yr", text) == "Type the year as a number."
    assert answer("yr", "-44") == -44


@pytest.mark.parametrize(
    ("text", "rating"),
    [
        ("1", Rating.Again),
        ("2", Rating.Hard),
        ("3", Rating.Good),
        ("4", Rating.Easy),
        ("again", Rating.Again),
        ("Hard", Rating.Hard),
        ("g", Rating.Good),
        ("EASY", Rating.Easy),
    ],
)
def test_flashcard_ratings(text: str, rating: Rating) -> None:
    assert parse_rating(text) == Answer(rating)
    assert answer("fc", text) == rating


@pytest.mark.parametrize("text", ["", "0", "5", "good enough", "ok"])
def test_flashcard_bad_rating(text: str) -> None:
    assert parse_rating(text) == Problem(RATING_HINT)


def test_expected_forms_name_the_input() -> None:
    forms = {qid: expected_form(q, OPTIONS.get(qid, ())) for qid, q in QUESTIONS.items()}
    assert "Enter" in forms["fc"]
    assert "1 to 3" in forms["mc"]
    assert "1 3" in forms["ms"]
    assert "t for true" in forms["tf"]
    assert "separated by |" in forms["cz"]
    assert "all 3 items" in forms["or"]
    assert "a to b" in forms["mt"] and "a2 b1 c3" in forms["mt"]
    assert "year" in forms["yr"]


def test_examples_are_the_same_for_every_question() -> None:
    # A hint must never depend on the answer: two orderings differing only in their key
    # get the same sentence.
    first = Ordering(id="o1", topic="t", type="ordering", prompt="?", items=("A", "B", "C"))
    second = Ordering(id="o2", topic="t", type="ordering", prompt="?", items=("C", "A", "B"))
    assert expected_form(first, ("B", "C", "A")) == expected_form(second, ("B", "C", "A"))


# --- never raises, and every answer is readable by the grader ----------------------------------

_ALL_TYPES = (
    Flashcard,
    MultipleChoice,
    MultiSelect,
    TrueFalse,
    ShortAnswer,
    Cloze,
    Ordering,
    Matching,
    Year,
)


def test_the_small_pack_has_every_type() -> None:
    assert {type(q) for q in QUESTIONS.values()} == set(_ALL_TYPES)


def _shown(question: Question) -> tuple[str, ...]:
    if isinstance(question, MultipleChoice | MultiSelect):
        return question.choices
    if isinstance(question, Ordering):
        return question.items[::-1]
    if isinstance(question, Matching):
        return tuple(right for _left, right in question.pairs)[::-1]
    return ()


def _readable(question: Question, parsed: Answer | Problem) -> None:
    assert isinstance(parsed, Answer | Problem)
    if isinstance(parsed, Answer):
        result = grade(question, parsed.response)
        assert not any("could not be read" in line for line in result.feedback), result
        assert not any(line.startswith("Not a year") for line in result.feedback), result
    else:
        assert parsed.hint


answer_like = st.one_of(
    st.text(),
    st.text(alphabet="0123456789 ,;|abcAB=-:.tfyn", max_size=40),
    st.lists(st.integers(-3, 12), max_size=8).map(lambda xs: " ".join(map(str, xs))),
    st.lists(st.tuples(st.sampled_from("abcz"), st.integers(0, 5)), max_size=5).map(
        lambda pairs: " ".join(f"{a}{n}" for a, n in pairs)
    ),
)


@settings(max_examples=300, deadline=None)
@given(qid=st.sampled_from(sorted(QUESTIONS)), text=answer_like)
def test_parsing_never_raises_and_answers_are_gradable(qid: str, text: str) -> None:
    question = QUESTIONS[qid]
    parsed = parse_answer(question, _shown(question), text)
    _readable(question, parsed)
    assert parse_command(text) in (None, *Command)
    assert isinstance(parse_rating(text), Answer | Problem)


@settings(max_examples=50, deadline=None)
@given(text=st.text(min_size=1, max_size=50).map(lambda s: s * 400))
def test_long_lines_are_refused_quickly(text: str) -> None:
    for question in QUESTIONS.values():
        _readable(question, parse_answer(question, _shown(question), text))


def test_pathological_matching_line_is_fast() -> None:
    text = "a" + " " * 5000 + "x"
    assert isinstance(parse_answer(QUESTIONS["mt"], OPTIONS["mt"], text), Problem)
