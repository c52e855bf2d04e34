"""The number type (decimals with a tolerance) and matching's extra partners."""

from __future__ import annotations

import random

import pytest

from crisisquiz.cli.answer_input import Answer, Problem, expected_form, parse_answer
from crisisquiz.core.grading import (
    Verdict,
    correct_answer_text,
    grade,
    read_number,
    response_from_json,
    response_to_json,
)
from crisisquiz.core.items import presented_options
from crisisquiz.core.pack_loader import PackError, check_question, parse_pack_text
from crisisquiz.core.pack_schema import Matching, Number, QuestionType
from crisisquiz.core.packs import question_body

PI = Number(
    type=QuestionType.NUMBER,
    id="pi",
    topic="t",
    prompt="Pi to three decimals?",
    answer=3.1415,
    tolerance=0.0005,
)
TROOPS = Number(
    type=QuestionType.NUMBER, id="troops", topic="t", prompt="Soviet troops?", answer=42000
)


@pytest.mark.parametrize(
    ("typed", "verdict"),
    [
        ("3.1415", Verdict.RIGHT),
        ("3,1415", Verdict.RIGHT),  # a decimal comma, as most of Europe writes it
        ("3.141", Verdict.RIGHT),  # within the tolerance
        (3.142, Verdict.RIGHT),
        ("3.14", Verdict.WRONG),
        ("-3.1415", Verdict.WRONG),
        ("pi", Verdict.WRONG),
        ("", Verdict.WRONG),
        (True, Verdict.WRONG),
        (float("nan"), Verdict.WRONG),
    ],
)
def test_numbers_are_right_within_their_tolerance(typed: object, verdict: Verdict) -> None:
    assert grade(PI, typed).verdict is verdict


def test_feedback_says_how_far_off_and_the_answer() -> None:
    assert grade(PI, "3.14").feedback == ("3.14 is 0.0015 off; the answer is 3.1415.",)
    assert grade(PI, "3.141").feedback == ("Close enough: 3.141 is within 0.0005 of 3.1415.",)
    assert grade(PI, "x").feedback == ('Not a number: "x".',)
    assert correct_answer_text(PI) == "3.1415 (± 0.0005)"
    assert correct_answer_text(TROOPS) == "42000"


def test_thousands_written_with_a_comma_or_spaces() -> None:
    assert grade(TROOPS, "42,000").verdict is Verdict.RIGHT
    assert grade(TROOPS, "42 000").verdict is Verdict.RIGHT
    assert grade(TROOPS, "42000.").verdict is Verdict.RIGHT
    assert read_number("2,5") == 2.5
    assert read_number("１２") == 12.0
    assert read_number("1e5") is None


def test_a_response_is_stored_and_read_back() -> None:
    stored = response_to_json(PI, "3,141")
    assert stored == {"type": "number", "value": "3,141"}
    assert grade(PI, response_from_json(PI, stored)).verdict is Verdict.RIGHT
    assert response_from_json(PI, {"type": "number", "value": 2.5}) == 2.5
    assert response_from_json(PI, {"type": "number", "value": [1]}) is None


def test_a_results_file_keeps_the_key() -> None:
    # A results file keeps each question whole, in the pack format, to grade it again.
    body = question_body(PI)
    assert (body["answer"], body["tolerance"]) == (3.1415, 0.0005)


def test_the_terminal_reads_numbers_and_says_what_it_wants() -> None:
    answer = parse_answer(PI, (), " 3,1415 ")
    assert isinstance(answer, Answer)
    assert grade(PI, answer.response).verdict is Verdict.RIGHT
    problem = parse_answer(PI, (), "about three")
    assert isinstance(problem, Problem)
    assert problem.hint == expected_form(PI, ())
    assert "comma" in problem.hint


def test_validation_of_numbers() -> None:
    base = {"id": "n", "topic": "t", "type": "number", "prompt": "How many?"}
    question, problems = check_question({**base, "answer": 4}, {})
    assert isinstance(question, Number) and question.answer == 4 and not problems
    # A whole number is written back whole.
    assert question.model_dump(mode="json")["answer"] == 4
    for bad, message in [
        ({"answer": "four"}, "must be a number, not 'four'"),
        ({"answer": True}, "must be a number, not True"),
        ({"answer": float("inf")}, "must be a finite number"),
        ({"answer": 1, "tolerance": -0.5}, "must be 0 or more"),
    ]:
        _question, problems = check_question({**base, **bad}, {})
        assert any(message in text for _field, text in problems), problems


def test_a_toml_pack_with_a_broken_number_names_line_and_field() -> None:
    text = """\
[pack]
id = "p"
title = "P"
version = "1.0.0"

[[topics]]
id = "t"
title = "T"

[[questions]]
id = "n"
topic = "t"
type = "number"
prompt = "How far?"
answer = "far"
"""
    with pytest.raises(PackError) as caught:
        parse_pack_text(text)
    assert str(caught.value.issues[0]) == (
        "pack.toml:15: question 'n' (#1): field 'answer': must be a number, not 'far'"
    )


MATCH = Matching(
    type=QuestionType.MATCHING,
    id="m",
    topic="t",
    prompt="Match each capital to its country.",
    pairs=(("Canada", "Ottawa"), ("Italy", "Rome")),
    extra=("Chicago",),
)


def test_matching_extras_are_offered_and_never_right() -> None:
    options = presented_options(MATCH, random.Random(1))
    assert sorted(options) == ["Chicago", "Ottawa", "Rome"]
    right = grade(MATCH, {"Canada": "Ottawa", "Italy": "Rome"})
    assert right.verdict is Verdict.RIGHT
    tricked = grade(MATCH, {"Canada": "Chicago", "Italy": "Rome"})
    assert tricked.verdict is Verdict.PARTLY
    assert tricked.feedback == ('"Canada" goes with "Ottawa", not "Chicago".',)
    assert question_body(MATCH)["extra"] == ["Chicago"]


def test_the_terminal_numbers_extras_among_the_partners() -> None:
    options = ("Rome", "Chicago", "Ottawa")
    answer = parse_answer(MATCH, options, "a3 b1")
    assert isinstance(answer, Answer)
    assert answer.response == {"Canada": "Ottawa", "Italy": "Rome"}


def test_an_extra_that_is_a_partner_is_refused() -> None:
    item = {**MATCH.model_dump(mode="json"), "extra": ["Rome"]}
    _question, problems = check_question(item, {})
    assert problems == [("extra", "'Rome' is already the partner of a left item")]
