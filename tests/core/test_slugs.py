"""Ids: why one is refused, and one made from a title."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crisisquiz.core.slugs import id_problem, is_id, slugify, unique_id


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("The Bay of Pigs", "the-bay-of-pigs"),
        ("Bahía de Cochinos, 1961!", "bahia-de-cochinos-1961"),
        ("Straße & Œuvre", "strasse-oeuvre"),
        ("   ", "item"),
        ("Хрущёв", "item"),
    ],
)
def test_slugify(title: str, expected: str) -> None:
    assert slugify(title) == expected


@given(st.text(max_size=200))
def test_slugify_always_gives_an_id(title: str) -> None:
    assert is_id(slugify(title))


def test_unique_id() -> None:
    assert unique_id("q", set()) == "q"
    assert unique_id("q", {"q", "q-2"}) == "q-3"


def test_id_problem_names_what_is_not_allowed() -> None:
    assert id_problem("Cuba 1962") == (
        "'Cuba 1962' is not an id: an id uses only small letters a-z, digits 0-9 and "
        "hyphens (-), so not capital letters, spaces; you could write 'cuba-1962'"
    )
    assert "letters outside a-z ('ж')" in id_problem("жук")
    assert "'/' (solidus)" in id_problem("a/b")
    assert "one hyphen at a time" in id_problem("a--b")
