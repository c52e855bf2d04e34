"""JSON columns on SQLite hold the text json.dumps writes, byte for byte."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crisisquiz.storage.json_text import json_text

texts = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",))
    | st.sampled_from(' \t\n\r"\\\x00\x7f\xa0é😀'),
    max_size=40,
)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**30), 10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | texts,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=20,
)


@given(json_values)
def test_json_text_writes_what_json_dumps_writes(value: Any) -> None:
    assert json_text(value) == json.dumps(value)


def test_json_text_refuses_what_json_dumps_refuses() -> None:
    with pytest.raises(TypeError):
        json_text({"when": object()})
    assert json_text([math.inf, -math.inf]) == "[Infinity, -Infinity]"
