"""Grading every question type: verdicts, partial credit, ratings, feedback, storage."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

import pytest
from fsrs import Rating
from hypothesis import given
from hypothesis import strategies as st

from crisisquiz.core.grading import (
    GradeResult,
    Verdict,
    correct_answer_text,
    grade,
    response_from_json,
    response_to_json,
)
from crisisquiz.core.pack_schema import (
    Cloze,
    Flashcard,
    Matching,
    MultipleChoice,
    MultiSelect,
    Ordering,
    Question,
    QuestionType,
    ShortAnswer,
    TrueFalse,
    Year,
)

FLASHCARD = Flashcard(
    type=QuestionType.FLASHCARD, id="fc", topic="t", prompt="ExComm?", answer="Kennedy's advisers"
)
CHOICE = MultipleChoice(
    type=QuestionType.MULTIPLE_CHOICE,
    id="mc",
    topic="t",
    prompt="Soviet leader in 1962?",
    choices=("Khrushchev", "Brezhnev", "Stalin"),
    answer="Khrushchev",
)
SELECT = MultiSelect(
    type=QuestionType.MULTI_SELECT,
    id="ms",
    topic="t",
    prompt="Where were Jupiter missiles?",
    choices=("Turkey", "Italy", "Berlin", "Spain"),
    answers=("Turkey", "Italy", "Berlin"),
)
TRUE_FALSE = TrueFalse(
    type=QuestionType.TRUE_FALSE,
    id="tf",
    topic="t",
    statement="The quarantine began on 24 October 1962.",
    answer=True,
)
SHORT = ShortAnswer(
    type=QuestionType.SHORT_ANSWER,
    id="sa",
    topic="t",
    prompt="Who led the Soviet Union?",
    answer="Khrushchev",
    accept=("Khrushchov", "Krushchev"),
    reject=("Brezhnev",),
)
CLOZE = Cloze(
    type=QuestionType.CLOZE,
    id="cz",
    topic="t",
    text="A {{U-2}} flew over {{Cuba}}; the US missiles were in {{Turkey}}.",
    accept=(("U2", "Lockheed U-2"), (), ()),
)
ORDER = Ordering(
    type=QuestionType.ORDERING,
    id="or",
    topic="t",
    prompt="Earliest first.",
    items=("Revolution", "Bay of Pigs", "Mongoose", "Crisis"),
)
MATCH = Matching(
    type=QuestionType.MATCHING,
    id="mt",
    topic="t",
    prompt="Match person to role.",
    pairs=(("Kennedy", "President"), ("Dobrynin", "Ambassador"), ("McNamara", "Defense")),
)
YEAR = Year(type=QuestionType.YEAR, id="yr", topic="t", prompt="Year of the crisis?", answer=1962)
YEAR_ABOUT = YEAR.model_copy(update={"tolerance": 1})

ALL_QUESTIONS: tuple[Question, ...] = (
    FLASHCARD,
    CHOICE,
    SELECT,
    TRUE_FALSE,
    SHORT,
    CLOZE,
    ORDER,
    MATCH,
    YEAR,
)


def short(answer: str, accept: tuple[str, ...] = (), reject: tuple[str, ...] = ()) -> ShortAnswer:
    return ShortAnswer(
        type=QuestionType.SHORT_ANSWER,
        id="q",
        topic="t",
        prompt="Who?",
        answer=answer,
        accept=accept,
        reject=reject,
    )


def assert_unreadable(result: GradeResult) -> None:
    assert (result.verdict, result.score, result.rating) == (Verdict.WRONG, 0.0, Rating.Again)
    assert any("could not be read" in line for line in result.feedback), result.feedback


# --- flashcards ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rating", "verdict", "score"),
    [
        (Rating.Again, Verdict.WRONG, 0.0),
        (Rating.Hard, Verdict.PARTLY, 0.5),
        (Rating.Good, Verdict.RIGHT, 1.0),
        (Rating.Easy, Verdict.RIGHT, 1.0),
    ],
)
def test_flashcard_keeps_the_learners_rating(
    rating: Rating, verdict: Verdict, score: float
) -> None:
    result = grade(FLASHCARD, rating)
    assert (result.verdict, result.score, result.rating) == (verdict, score, rating)
    assert result.correct_answer == "Kennedy's advisers"


@pytest.mark.parametrize("response", [0, 5, True, "Good", None, 3.0])
def test_flashcard_needs_a_rating(response: object) -> None:
    assert_unreadable(grade(FLASHCARD, response))


# --- multiple choice and true/false ----------------------------------------------------------


def test_multiple_choice_right() -> None:
    result = grade(CHOICE, "Khrushchev")
    assert (result.verdict, result.score, result.rating) == (Verdict.RIGHT, 1.0, Rating.Good)
    assert not result.slip


def test_multiple_choice_wrong_names_both() -> None:
    result = grade(CHOICE, "Brezhnev")
    assert (result.verdict, result.rating) == (Verdict.WRONG, Rating.Again)
    assert result.feedback == ('You chose "Brezhnev"; the answer is "Khrushchev".',)


@pytest.mark.parametrize("response", ["khrushchev", "Kruschev", "", 1, None, ("Khrushchev",)])
def test_multiple_choice_is_exact(response: object) -> None:
    # A choice is clicked, not typed, so anything but a listed choice is unreadable.
    assert_unreadable(grade(CHOICE, response))


@pytest.mark.parametrize(("response", "verdict"), [(True, Verdict.RIGHT), (False, Verdict.WRONG)])
def test_true_false(response: bool, verdict: Verdict) -> None:
    result = grade(TRUE_FALSE, response)
    assert result.verdict is verdict
    assert result.correct_answer == "True"


@pytest.mark.parametrize("response", [1, 0, "true", None])
def test_true_false_needs_a_bool(response: object) -> None:
    assert_unreadable(grade(TRUE_FALSE, response))


# --- multi-select ----------------------------------------------------------------------------


def test_multi_select_all_and_only() -> None:
    result = grade(SELECT, frozenset({"Turkey", "Italy", "Berlin"}))
    assert (result.verdict, result.score, result.rating) == (Verdict.RIGHT, 1.0, Rating.Good)
    assert result.correct_answer == "Turkey; Italy; Berlin"


def test_multi_select_takes_any_iterable() -> None:
    assert grade(SELECT, ["Berlin", "Turkey", "Italy"]).verdict is Verdict.RIGHT
    assert grade(SELECT, iter(["Berlin", "Turkey", "Italy"])).verdict is Verdict.RIGHT


def test_multi_select_missed_one() -> None:
    result = grade(SELECT, frozenset({"Turkey", "Italy"}))
    assert (result.verdict, result.rating) == (Verdict.PARTLY, Rating.Hard)
    assert result.score == pytest.approx(2 / 3)
    assert result.feedback == ('You missed "Berlin".',)


def test_multi_select_wrong_pick_cancels_a_hit() -> None:
    result = grade(SELECT, frozenset({"Turkey", "Italy", "Spain"}))
    assert result.verdict is Verdict.PARTLY
    assert result.score == pytest.approx(1 / 3)
    assert result.feedback == ('You missed "Berlin".', '"Spain" is not one of the right choices.')


@pytest.mark.parametrize(
    "chosen",
    [frozenset(), frozenset({"Spain"}), frozenset({"Turkey", "Spain"})],
)
def test_multi_select_no_credit_is_wrong(chosen: frozenset[str]) -> None:
    result = grade(SELECT, chosen)
    assert (result.verdict, result.score, result.rating) == (Verdict.WRONG, 0.0, Rating.Again)


def test_multi_select_everything_ticked_earns_little() -> None:
    result = grade(SELECT, frozenset(SELECT.choices))
    assert result.score == pytest.approx(2 / 3)  # three hits, one false pick, of three right


@pytest.mark.parametrize(
    "response", ["Turkey", frozenset({"Greece"}), [1, 2], {"Turkey": "x"}, None, 7]
)
def test_multi_select_unreadable(response: object) -> None:
    assert_unreadable(grade(SELECT, response))


# --- short answer ----------------------------------------------------------------------------


def test_short_answer_exact_is_good() -> None:
    result = grade(SHORT, "khrushchev")
    assert (result.verdict, result.score, result.rating) == (Verdict.RIGHT, 1.0, Rating.Good)
    assert not result.slip
    assert result.correct_answer == "Khrushchev"


def test_short_answer_alias_is_good() -> None:
    result = grade(SHORT, "Khrushchov")
    assert (result.verdict, result.rating, result.slip) == (Verdict.RIGHT, Rating.Good, False)
    assert result.feedback == ('Accepted "Khrushchov"; usually written "Khrushchev".',)


def test_short_answer_spelling_slip_is_hard() -> None:
    result = grade(SHORT, "Kruschev")
    assert (result.verdict, result.score, result.rating) == (Verdict.RIGHT, 1.0, Rating.Hard)
    assert result.slip
    assert result.feedback == ('Accepted "Kruschev" as "Khrushchev" (spelling slip).',)


def test_short_answer_near_miss_is_wrong() -> None:
    result = grade(SHORT, "Brezhnev")
    assert (result.verdict, result.score, result.rating) == (Verdict.WRONG, 0.0, Rating.Again)
    assert '"Brezhnev" is not right here.' in result.feedback


def test_short_answer_other_name_is_wrong() -> None:
    result = grade(SHORT, "Kennedy")
    assert (result.verdict, result.rating) == (Verdict.WRONG, Rating.Again)
    assert result.feedback == ('Expected "Khrushchev".',)


def test_short_answer_blank_is_wrong_not_unreadable() -> None:
    result = grade(SHORT, "   ")
    assert result.verdict is Verdict.WRONG
    assert result.feedback == ('No answer given; expected "Khrushchev".',)


@pytest.mark.parametrize(
    ("answer", "typed"),
    [
        ("Raul Castro", "Raúl Castro"),
        ("Raúl Castro", "raul castro"),
        ("Bay of Pigs", "The Bay of Pigs"),
        ("U-2", "U2"),
        ("U2", "u-2"),
        ("U-2", "U 2"),
        ("ExComm", "Ex-Comm"),
        ("Khrushchev's letter", "Khrushchevs letter"),
        ("Khrushchev", "KHRUSHCHEV."),
    ],
)
def test_short_answer_ignores_case_accents_articles_punctuation(answer: str, typed: str) -> None:
    result = grade(short(answer), typed)
    assert (result.verdict, result.rating, result.slip) == (Verdict.RIGHT, Rating.Good, False)


def test_short_answer_numbers_are_never_fuzzed() -> None:
    assert grade(short("1962"), "1961").verdict is Verdict.WRONG
    assert grade(short("U-2"), "U-3").verdict is Verdict.WRONG


def test_short_answer_too_long_is_unreadable() -> None:
    assert_unreadable(grade(SHORT, "Khrushchev " * 5_000))


@pytest.mark.parametrize("response", [None, 42, b"Khrushchev", ("Khrushchev",), True])
def test_short_answer_needs_text(response: object) -> None:
    assert_unreadable(grade(SHORT, response))


# --- cloze -----------------------------------------------------------------------------------


def test_cloze_all_right() -> None:
    result = grade(CLOZE, ("U2", "cuba", "Turkey"))
    assert (result.verdict, result.score, result.rating) == (Verdict.RIGHT, 1.0, Rating.Good)
    assert result.correct_answer == "U-2; Cuba; Turkey"


def test_cloze_uses_each_blanks_aliases() -> None:
    assert grade(CLOZE, ("Lockheed U-2", "Cuba", "Turkey")).verdict is Verdict.RIGHT
    # The first blank's alias is no alias of the second blank.
    assert grade(CLOZE, ("U-2", "U2", "Turkey")).verdict is Verdict.PARTLY


def test_cloze_slip_in_one_blank() -> None:
    result = grade(CLOZE, ["U-2", "Cuba", "Turky"])
    assert (result.verdict, result.rating, result.slip) == (Verdict.RIGHT, Rating.Hard, True)
    assert result.feedback == ('Blank 3: accepted "Turky" as "Turkey" (spelling slip).',)


def test_cloze_some_right() -> None:
    result = grade(CLOZE, ("U-2", "Cuba", "Italy"))
    assert (result.verdict, result.rating) == (Verdict.PARTLY, Rating.Hard)
    assert result.score == pytest.approx(2 / 3)
    assert result.feedback == ('Blank 3: expected "Turkey".',)


def test_cloze_none_right() -> None:
    result = grade(CLOZE, ("SR-71", "", "Italy"))
    assert (result.verdict, result.score, result.rating) == (Verdict.WRONG, 0.0, Rating.Again)
    assert result.feedback[0] == 'Blank 1: expected "U-2".'
    assert result.feedback[1] == 'Blank 2: no answer given; expected "Cuba".'


@pytest.mark.parametrize(
    "response", [("U-2", "Cuba"), ("U-2", "Cuba", "Turkey", "x"), "U-2", None, ("U-2", 1, "x")]
)
def test_cloze_needs_one_text_per_blank(response: object) -> None:
    assert_unreadable(grade(CLOZE, response))


# --- ordering --------------------------------------------------------------------------------


def test_ordering_in_place() -> None:
    result = grade(ORDER, ORDER.items)
    assert (result.verdict, result.score, result.rating) == (Verdict.RIGHT, 1.0, Rating.Good)
    assert result.correct_answer == "1. Revolution → 2. Bay of Pigs → 3. Mongoose → 4. Crisis"


def test_ordering_one_swap_is_partly_right() -> None:
    result = grade(ORDER, ("Revolution", "Mongoose", "Bay of Pigs", "Crisis"))
    assert (result.verdict, result.rating) == (Verdict.PARTLY, Rating.Hard)
    assert result.score == pytest.approx(3 / 4)
    assert result.feedback[0] == '"Mongoose" is out of place: it belongs at position 3.'


def test_ordering_half_in_order_is_partly_right() -> None:
    result = grade(ORDER, ("Mongoose", "Crisis", "Revolution", "Bay of Pigs"))
    assert (result.verdict, result.score) == (Verdict.PARTLY, 0.5)


def test_ordering_reversed_is_wrong() -> None:
    result = grade(ORDER, tuple(reversed(ORDER.items)))
    assert (result.verdict, result.rating) == (Verdict.WRONG, Rating.Again)
    # One item is always "in order" with itself; a wrong ordering earns no points.
    assert result.score == 0.0
    assert result.feedback[0] == '"Crisis" is out of place: it belongs at position 4.'


@pytest.mark.parametrize(
    "response",
    [
        ("Revolution", "Bay of Pigs", "Mongoose", "Yalta"),  # not an item of the question
        ("Revolution", "Bay of Pigs", "Mongoose"),  # one missing
        ("Revolution", "Revolution", "Mongoose", "Crisis"),  # one twice
        ("Revolution", "Bay of Pigs", "Mongoose", "Crisis", "Crisis"),
        "Revolution",
        None,
    ],
)
def test_ordering_unreadable(response: object) -> None:
    assert_unreadable(grade(ORDER, response))


# --- matching --------------------------------------------------------------------------------

RIGHT_PAIRS = {"Kennedy": "President", "Dobrynin": "Ambassador", "McNamara": "Defense"}


def test_matching_all_right() -> None:
    result = grade(MATCH, MappingProxyType(RIGHT_PAIRS))
    assert (result.verdict, result.score, result.rating) == (Verdict.RIGHT, 1.0, Rating.Good)
    assert result.correct_answer == (
        "Kennedy → President; Dobrynin → Ambassador; McNamara → Defense"
    )


def test_matching_some_right_lists_the_wrong_pairs() -> None:
    swapped = {**RIGHT_PAIRS, "Dobrynin": "Defense", "McNamara": "Ambassador"}
    result = grade(MATCH, swapped)
    assert (result.verdict, result.rating) == (Verdict.PARTLY, Rating.Hard)
    assert result.score == pytest.approx(1 / 3)
    assert result.feedback == (
        '"Dobrynin" goes with "Ambassador", not "Defense".',
        '"McNamara" goes with "Defense", not "Ambassador".',
    )


def test_matching_unmatched_counts_as_wrong() -> None:
    result = grade(MATCH, {"Kennedy": "President"})
    assert result.verdict is Verdict.PARTLY
    assert result.score == pytest.approx(1 / 3)
    assert '"Dobrynin" goes with "Ambassador"; you left it unmatched.' in result.feedback


def test_matching_none_right() -> None:
    result = grade(MATCH, {"Kennedy": "Defense", "Dobrynin": "President"})
    assert (result.verdict, result.score, result.rating) == (Verdict.WRONG, 0.0, Rating.Again)


@pytest.mark.parametrize(
    "response",
    [{"Castro": "President"}, {"Kennedy": "Premier"}, {"Kennedy": 1}, [("Kennedy", "President")]],
)
def test_matching_unreadable(response: object) -> None:
    assert_unreadable(grade(MATCH, response))


# --- year ------------------------------------------------------------------------------------


@pytest.mark.parametrize("response", [1962, "1962", " 1962 ", "１９６２"])
def test_year_right(response: object) -> None:
    result = grade(YEAR, response)
    assert (result.verdict, result.score, result.rating) == (Verdict.RIGHT, 1.0, Rating.Good)
    assert result.correct_answer == "1962"


def test_year_off_by_one_is_wrong_without_tolerance() -> None:
    result = grade(YEAR, 1961)
    assert (result.verdict, result.rating) == (Verdict.WRONG, Rating.Again)
    assert result.feedback == ("1961 is 1 year off; the answer is 1962.",)


@pytest.mark.parametrize("response", [1961, 1963, "1961"])
def test_year_within_tolerance_is_right(response: object) -> None:
    result = grade(YEAR_ABOUT, response)
    assert (result.verdict, result.rating) == (Verdict.RIGHT, Rating.Good)


def test_year_outside_tolerance_is_wrong() -> None:
    assert grade(YEAR_ABOUT, 1964).verdict is Verdict.WRONG


@pytest.mark.parametrize("response", ["c. 1962", "1962.0", "nineteen sixty-two", "", "1 962"])
def test_year_text_that_is_no_number(response: str) -> None:
    result = grade(YEAR, response)
    assert (result.verdict, result.rating) == (Verdict.WRONG, Rating.Again)
    assert result.feedback[0].startswith("Not a year: ")


def test_year_huge_number_is_no_year() -> None:
    result = grade(YEAR, 10**5000)
    assert result.verdict is Verdict.WRONG
    assert result.feedback == ("Not a year: the number is far too large.",)


@pytest.mark.parametrize("response", [1962.0, True, None, (1962,)])
def test_year_unreadable(response: object) -> None:
    assert_unreadable(grade(YEAR, response))


# --- any question ----------------------------------------------------------------------------


class Hostile:
    """A response whose every method fails."""

    def __iter__(self) -> Iterator[str]:
        raise RuntimeError("boom")

    def __eq__(self, other: object) -> bool:
        raise RuntimeError("boom")

    def __hash__(self) -> int:
        raise RuntimeError("boom")


class HostileMapping(Mapping[str, str]):
    """A mapping that breaks when read."""

    def __getitem__(self, key: str) -> str:
        raise RuntimeError("boom")

    def __iter__(self) -> Iterator[str]:
        raise RuntimeError("boom")

    def __len__(self) -> int:
        raise RuntimeError("boom")


def endless() -> Iterator[str]:
    while True:
        yield "Turkey"


@pytest.mark.parametrize("question", ALL_QUESTIONS, ids=lambda q: q.type)
@pytest.mark.parametrize(
    "response",
    [Hostile(), HostileMapping(), endless(), [Hostile()], object()],
    ids=["hostile", "hostile-mapping", "endless", "list-of-hostile", "object"],
)
def test_hostile_responses_are_unreadable(question: Question, response: object) -> None:
    assert_unreadable(grade(question, response))


def scalars() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=True),
        st.text(),
        st.binary(max_size=20),
        st.sampled_from(list(Rating)),
    )


def any_response(question: Question) -> st.SearchStrategy[Any]:
    """Arbitrary junk mixed with pieces of the question's own answers."""
    pieces = st.one_of(st.text(max_size=40), st.sampled_from(response_pieces(question)), scalars())
    containers = st.recursive(
        pieces,
        lambda inner: st.one_of(
            st.lists(inner, max_size=6),
            st.lists(inner, max_size=6).map(tuple),
            st.frozensets(
                st.one_of(st.text(max_size=20), st.sampled_from(response_pieces(question))),
                max_size=6,
            ),
            st.dictionaries(
                st.one_of(st.text(max_size=20), st.sampled_from(response_pieces(question))),
                inner,
                max_size=4,
            ),
        ),
        max_leaves=10,
    )
    return st.one_of(scalars(), containers)


def response_pieces(question: Question) -> list[str]:
    if isinstance(question, MultipleChoice | MultiSelect):
        return list(question.choices)
    if isinstance(question, Ordering):
        return list(question.items)
    if isinstance(question, Matching):
        return [part for pair in question.pairs for part in pair]
    if isinstance(question, Cloze):
        return list(question.blanks)
    if isinstance(question, ShortAnswer):
        return [question.answer, *question.accept, *question.reject]
    return [str(getattr(question, "answer", "x"))]


@pytest.mark.parametrize("question", ALL_QUESTIONS, ids=lambda q: q.type)
@given(data=st.data())
def test_grade_never_raises(question: Question, data: st.DataObject) -> None:
    response = data.draw(any_response(question))
    result = grade(question, response)
    assert 0.0 <= result.score <= 1.0
    assert result.correct_answer == correct_answer_text(question)
    assert result.feedback
    expected_rating = {Verdict.WRONG: Rating.Again, Verdict.PARTLY: Rating.Hard}.get(
        result.verdict, Rating.Hard if result.slip else Rating.Good
    )
    if not isinstance(question, Flashcard):
        assert result.rating is expected_rating
    json.dumps(response_to_json(question, response))


keys = st.text(min_size=1, max_size=60).filter(lambda text: bool(text.strip()))


@given(answer=keys, accept=st.lists(keys, max_size=2), reject=st.lists(keys, max_size=2))
def test_an_exact_key_always_grades_right(
    answer: str, accept: list[str], reject: list[str]
) -> None:
    question = short(answer, tuple(accept), tuple(reject))
    result = grade(question, question.answer)
    assert (result.verdict, result.rating, result.slip) == (Verdict.RIGHT, Rating.Good, False)


@given(st.lists(st.sampled_from(CLOZE.blanks), min_size=3, max_size=3))
def test_cloze_score_counts_right_blanks(typed: list[str]) -> None:
    result = grade(CLOZE, tuple(typed))
    right = sum(got == want for got, want in zip(typed, CLOZE.blanks, strict=True))
    assert result.score == pytest.approx(right / 3)


@given(st.permutations(ORDER.items))
def test_ordering_score_bounds(order: list[str]) -> None:
    result = grade(ORDER, tuple(order))
    if result.verdict is Verdict.WRONG:
        assert result.score == 0.0
    else:
        assert 0.5 <= result.score <= 1.0
    assert (result.verdict is Verdict.RIGHT) == (tuple(order) == ORDER.items)


# --- storage ---------------------------------------------------------------------------------


def valid_response(question: Question) -> st.SearchStrategy[Any]:
    """Responses of the right shape for ``question`` (right or wrong answers)."""
    if isinstance(question, Flashcard):
        return st.sampled_from(list(Rating))
    if isinstance(question, MultipleChoice):
        return st.sampled_from(question.choices)
    if isinstance(question, MultiSelect):
        return st.frozensets(st.sampled_from(question.choices))
    if isinstance(question, TrueFalse):
        return st.booleans()
    if isinstance(question, ShortAnswer):
        return st.text()
    if isinstance(question, Cloze):
        return st.tuples(*(st.text() for _ in question.blanks))
    if isinstance(question, Ordering):
        return st.permutations(question.items).map(tuple)
    if isinstance(question, Matching):
        lefts = [left for left, _ in question.pairs]
        rights = [right for _, right in question.pairs]
        return st.dictionaries(st.sampled_from(lefts), st.sampled_from(rights))
    assert isinstance(question, Year)
    return st.one_of(st.integers(-9999, 9999), st.integers(0, 3000).map(str))


@pytest.mark.parametrize("question", ALL_QUESTIONS, ids=lambda q: q.type)
@given(data=st.data())
def test_response_json_round_trip(question: Question, data: st.DataObject) -> None:
    response = data.draw(valid_response(question))
    stored = json.loads(json.dumps(response_to_json(question, response)))
    restored = response_from_json(question, stored)
    assert restored == response
    assert type(restored) is type(response)
    assert grade(question, restored) == grade(question, response)


def test_rating_is_stored_as_its_number() -> None:
    assert response_to_json(FLASHCARD, Rating.Good) == {"type": "flashcard", "value": 3}
    assert response_from_json(FLASHCARD, {"type": "flashcard", "value": 3}) is Rating.Good


def test_selection_is_stored_sorted() -> None:
    stored = response_to_json(SELECT, frozenset({"Turkey", "Berlin"}))
    assert stored == {"type": "multi_select", "value": ["Berlin", "Turkey"]}


def test_unreadable_response_is_still_recorded() -> None:
    stored = response_to_json(YEAR, 1962.5)
    assert stored == {"type": "year", "value": None, "unreadable": "1962.5"}
    assert response_from_json(YEAR, stored) is None


def test_record_without_type_is_read() -> None:
    assert response_from_json(SHORT, {"value": "Khrushchev"}) == "Khrushchev"


@pytest.mark.parametrize(
    "data",
    [
        {"type": "multiple_choice", "value": "Khrushchev"},  # stored for another type
        {"value": 3},
        {},
        {"type": "short_answer", "value": ["Khrushchev"]},
    ],
)
def test_unreadable_records_give_none(data: Mapping[str, Any]) -> None:
    assert response_from_json(SHORT, data) is None


def test_hostile_response_is_recorded_without_raising() -> None:
    stored = response_to_json(SELECT, Hostile())
    assert stored["value"] is None
    json.dumps(stored)
