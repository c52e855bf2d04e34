"""The GIFT grammar project's whole test corpus: every file read field by field.

Each of the 51 ``.gift`` files in ``../shared/samples/gift/pegjs`` comes with
its expected parse as JSON. The syntax tree we read must match it field by
field; then the conversion to a pack must account for every question, and
its report must name what our pack format does not keep (titles, weights,
formats, descriptions and essays).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from samples import SAMPLES, need_samples

from crisisquiz.core.grading import format_number
from crisisquiz.core.pack_loader import PackError
from crisisquiz.interop.build import ReadOptions
from crisisquiz.interop.gift import convert_gift
from crisisquiz.interop.gift_parser import GiftChoice, GiftItem, GiftNumber, Rich, parse_gift
from crisisquiz.interop.report import Outcome

CORPUS = SAMPLES / "gift" / "pegjs"
FILES = sorted(CORPUS.glob("*.gift")) if CORPUS.is_dir() else []


def _rich(value: Rich | None) -> dict[str, str] | None:
    return None if value is None else {"format": value.format, "text": value.text}


def _number(value: GiftNumber) -> dict[str, Any]:
    if value.kind == "range":
        return {"type": "range", "number": value.number, "range": value.range}
    if value.kind == "high-low":
        return {"type": "high-low", "numberHigh": value.high, "numberLow": value.low}
    return {"type": "simple", "number": value.number}


def _choice(choice: GiftChoice) -> dict[str, Any]:
    text = _number(choice.text) if isinstance(choice.text, GiftNumber) else _rich(choice.text)
    return {
        "isCorrect": choice.correct,
        "weight": choice.weight,
        "text": text,
        "feedback": _rich(choice.feedback),
    }


def as_pegjs(item: GiftItem) -> dict[str, Any]:
    """Our syntax tree under the grammar project's field names."""
    if item.kind == "Category":
        return {"type": "Category", "title": item.title}
    out: dict[str, Any] = {
        "id": item.id,
        "tags": item.tags,
        "type": item.kind,
        "title": item.title,
        "stem": _rich(item.stem),
        "hasEmbeddedAnswers": item.embedded,
    }
    if item.kind == "Description":
        return out
    out["globalFeedback"] = _rich(item.global_feedback)
    if item.kind == "TF":
        out.update(
            isTrue=item.is_true,
            trueFeedback=_rich(item.true_feedback),
            falseFeedback=_rich(item.false_feedback),
        )
    elif item.kind in ("MC", "Short"):
        out["choices"] = [_choice(c) for c in item.choices]
    elif item.kind == "Numerical":
        if item.number is not None:
            out["choices"] = _number(item.number)
        else:
            out["choices"] = [_choice(c) for c in item.choices]
    elif item.kind == "Matching":
        out["matchPairs"] = [
            {"subquestion": _rich(pair.left), "subanswer": pair.right} for pair in item.pairs
        ]
    return out


def compare(expected: Any, got: Any, path: str, problems: list[str]) -> None:
    """Record every difference between the expected parse and ours, with its path."""
    if isinstance(expected, dict) and isinstance(got, dict):
        for key in expected:
            if key not in got:
                problems.append(f"{path}.{key}: missing")
            else:
                compare(expected[key], got[key], f"{path}.{key}", problems)
    elif isinstance(expected, list) and isinstance(got, list):
        if len(expected) != len(got):
            problems.append(f"{path}: {len(got)} items, expected {len(expected)}")
        for n, (want, have) in enumerate(zip(expected, got, strict=False)):
            compare(want, have, f"{path}[{n}]", problems)
    elif expected != got:
        problems.append(f"{path}: {got!r}, expected {expected!r}")


@need_samples
@pytest.mark.parametrize("gift_file", FILES, ids=[f.stem for f in FILES])
def test_parse_matches_the_expected_parse_field_by_field(gift_file: Path) -> None:
    expected = json.loads(gift_file.with_suffix(".json").read_text(encoding="utf-8"))
    items = parse_gift(gift_file.read_text(encoding="utf-8"), gift_file.name)
    problems: list[str] = []
    compare(expected, [as_pegjs(item) for item in items], gift_file.stem, problems)
    assert not problems, "\n".join(problems)


def _weights(item: dict[str, Any]) -> list[float]:
    choices = item.get("choices")
    if not isinstance(choices, list):
        return []
    return [c["weight"] for c in choices if c.get("weight") not in (None, 100)]


@need_samples
@pytest.mark.parametrize("gift_file", FILES, ids=[f.stem for f in FILES])
def test_the_report_accounts_for_every_question_and_names_what_is_dropped(
    gift_file: Path,
) -> None:
    expected = json.loads(gift_file.with_suffix(".json").read_text(encoding="utf-8"))
    questions = [item for item in expected if item["type"] != "Category"]
    items = parse_gift(gift_file.read_text(encoding="utf-8"), gift_file.name)
    studyable = [q for q in questions if q["type"] not in ("Essay", "Description")]
    if not studyable and not any(q.get("globalFeedback") for q in questions):
        # Nothing to study: the file is refused, saying why for each question.
        with pytest.raises(PackError, match="no question could be brought in"):
            convert_gift(items, gift_file, ReadOptions())
        return
    converted = convert_gift(items, gift_file, ReadOptions())
    entries = converted.report.entries
    assert len(entries) == len(questions)
    for want, entry in zip(questions, entries, strict=True):
        notes = " ".join(entry.notes)
        if want["type"] == "Description":
            assert entry.outcome is Outcome.SKIPPED and "description" in notes
            continue
        if want["type"] == "Essay" and not want.get("globalFeedback"):
            assert entry.outcome is Outcome.SKIPPED and "essay" in notes
            continue
        assert entry.outcome is not Outcome.SKIPPED, entry
        if want.get("title"):
            assert want["title"] in notes, entry
        for weight in _weights(want):
            assert f"{format_number(weight)} %" in notes, entry
        stem = want.get("stem") or {}
        if stem.get("format") == "html" and "<" in stem.get("text", ""):
            assert "HTML" in notes, entry
    # Categories become topics.
    categories = [item["title"] for item in expected if item["type"] == "Category"]
    if categories and converted.pack.questions:
        assert converted.pack.topics
