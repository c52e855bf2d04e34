"""Typed answers: normalisation, the per-word edit budget and near misses."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crisisquiz.core.text_match import (
    MatchKind,
    TextMatch,
    edit_budget,
    match_answer,
    normalise,
    same_answer,
    slip_distance,
)

KEY = "Khrushchev"
ACCEPT = ("Khrushchov", "Krushchev")
REJECT = ("Brezhnev",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Khrushchev", "khrushchev"),
        ("  KHRUSHCHEV  ", "khrushchev"),
        ("Raúl Castro", "raul castro"),
        ("Łódź", "lodz"),
        ("Straße", "strasse"),
        ("ＵＳＳＲ", "ussr"),  # full-width letters fold by NFKC
        ("ﬁdel", "fidel"),  # so do ligatures
        ("The Bay of Pigs", "bay of pigs"),
        ("a Jupiter missile", "jupiter missile"),
        ("An embargo", "embargo"),
        ("the the", "the"),  # an article alone is the answer itself
        ("The", "the"),
        ("Bay of Pigs, the", "bay of pigs the"),  # only a *leading* article goes
        ("Kennedy,  Robert   F.", "kennedy robert f"),
        ("U-2", "u2"),
        ("U‐2", "u2"),  # Unicode hyphen
        ("Khrushchev's", "khrushchevs"),
        ("Khrushchev’s", "khrushchevs"),  # typographic apostrophe
        ("A-bomb", "abomb"),  # a hyphenated "A" is no article
        ("1962–1963", "1962 1963"),  # an en dash separates
        ("?!", "?!"),  # no letters at all: the symbols are the answer
        ("", ""),
        ("   ", ""),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("U2", "U-2"),
        ("u 2", "U-2"),
        ("Ex Comm", "ExComm"),
        ("ex-comm", "ExComm"),
        ("Raul Castro", "Raúl Castro"),
        ("the Khrushchev", "Khrushchev"),
        ("KHRUSHCHEV!", "Khrushchev"),
        ("O'Donnell", "ODonnell"),
    ],
)
def test_same_answer_ignores_case_accents_punctuation_spacing(typed: str, expected: str) -> None:
    assert same_answer(typed, expected)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("", ""), ("Kennedy", "Khrushchev"), ("1961", "1962"), ("U-3", "U-2")],
)
def test_same_answer_refuses(typed: str, expected: str) -> None:
    assert not same_answer(typed, expected)


@pytest.mark.parametrize(
    ("word", "budget"),
    [
        ("", 0),
        ("usa", 0),
        ("cuba", 1),
        ("kennedy", 1),
        ("khrushch", 2),
        ("khrushchev", 2),
        ("1962", 0),
        ("r12missile", 0),  # a digit anywhere: never fuzzed
    ],
)
def test_edit_budget(word: str, budget: int) -> None:
    assert edit_budget(word) == budget


@pytest.mark.parametrize(
    ("typed", "expected", "distance"),
    [
        ("kruschev", "khrushchev", 2),
        ("kenedy", "kennedy", 1),
        ("fidel kastro", "fidel castro", 1),
        ("fidl kastro", "fidel castro", 2),  # budgets are per word and add up
        ("khrushchev", "khrushchev", 0),
    ],
)
def test_slip_within_budget(typed: str, expected: str, distance: int) -> None:
    assert slip_distance(typed, expected) == distance


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("usb", "usa"),  # under 4 letters: no slip allowed
        ("kenndyy", "kennedy"),  # 2 edits, budget 1
        ("krshchv", "khrushchev"),  # 3 edits, budget 2
        ("1961", "1962"),  # digits never fuzzed
        ("r13", "r12"),
        ("kennedy", "john kennedy"),  # a missing word is no slip
        ("john f kennedy", "john kennedy"),
        ("", "kennedy"),
    ],
)
def test_slip_out_of_budget(typed: str, expected: str) -> None:
    assert slip_distance(typed, expected) is None


def test_letters_typed_into_a_number_are_not_a_slip() -> None:
    # "cuba" has a budget of 1, but a digit typed into a word is not a slip.
    assert slip_distance("cub4", "cuba") is None


def khrushchev(typed: str) -> TextMatch:
    return match_answer(typed, KEY, ACCEPT, REJECT)


@pytest.mark.parametrize("typed", ["Khrushchev", "khrushchev", "KHRUSHCHEV", "the Khrushchev"])
def test_exact_key(typed: str) -> None:
    assert khrushchev(typed) == TextMatch(MatchKind.EXACT, KEY)


def test_exact_alias_names_the_alias() -> None:
    assert khrushchev("khrushchov") == TextMatch(MatchKind.EXACT, "Khrushchov")


def test_kruschev_is_a_slip() -> None:
    found = khrushchev("Kruschev")
    assert found.kind is MatchKind.SLIP
    # The closest accepted spelling wins: one edit from the alias, two from the key.
    assert (found.target, found.distance) == ("Krushchev", 1)


@pytest.mark.parametrize("typed", ["Brezhnev", "brezhnev", "the Brezhnev"])
def test_listed_near_miss_is_rejected(typed: str) -> None:
    assert khrushchev(typed) == TextMatch(MatchKind.REJECTED, "Brezhnev")


def test_misspelt_near_miss_is_rejected() -> None:
    assert khrushchev("Breznev").kind is MatchKind.REJECTED


def test_unrelated_answer_is_wrong() -> None:
    assert khrushchev("Kennedy") == TextMatch(MatchKind.WRONG, KEY)


def test_empty_answer_is_wrong() -> None:
    assert khrushchev("  ").kind is MatchKind.WRONG


def test_a_slip_as_close_to_a_near_miss_as_to_the_key_is_rejected() -> None:
    # "Castra" is one edit from both; the near miss the author listed wins the tie.
    assert match_answer("Castra", "Castro", reject=("Castra",)).kind is MatchKind.REJECTED
    assert match_answer("Kastra", "Castro", reject=("Castra",)).kind is MatchKind.REJECTED
    assert match_answer("Kastro", "Castro", reject=("Castra",)).kind is MatchKind.SLIP


def test_closer_to_the_key_than_to_the_near_miss_is_a_slip() -> None:
    assert match_answer("Khrushcheb", KEY, reject=("Brezhnev",)).kind is MatchKind.SLIP


def test_an_accepted_spelling_also_listed_as_rejected_is_accepted() -> None:
    assert match_answer("ExComm", "ExComm", reject=("Ex-Comm",)).kind is MatchKind.EXACT


def test_numbers_are_never_fuzzed() -> None:
    assert match_answer("1961", "1962").kind is MatchKind.WRONG
    assert match_answer("13 days", "13 days").kind is MatchKind.EXACT
    assert match_answer("14 days", "13 days").kind is MatchKind.WRONG
    assert match_answer("13 dayz", "13 days").kind is MatchKind.SLIP


@given(st.text())
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once


@given(st.text())
def test_normalise_output_is_trimmed_and_folded(text: str) -> None:
    once = normalise(text)
    assert once == once.strip()
    assert "  " not in once
    assert once == once.casefold() or not any(ch.isalnum() for ch in once)


@given(st.text().filter(lambda text: bool(normalise(text))))
def test_any_text_matches_itself_exactly(text: str) -> None:
    assert match_answer(text, text).kind is MatchKind.EXACT


@given(st.text(max_size=50), st.text(max_size=50), st.lists(st.text(max_size=30), max_size=3))
def test_match_answer_never_raises(typed: str, answer: str, reject: list[str]) -> None:
    assert isinstance(match_answer(typed, answer, (), tuple(reject)), TextMatch)
