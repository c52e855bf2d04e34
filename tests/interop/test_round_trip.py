"""Every export format, from the built-in pack and back: nothing the format can hold is lost."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest

from crisisquiz.core.pack_loader import load_pack
from crisisquiz.core.pack_schema import (
    Cloze,
    Flashcard,
    Matching,
    MultipleChoice,
    MultiSelect,
    Number,
    Ordering,
    Pack,
    QuestionType,
    ShortAnswer,
    TrueFalse,
    Year,
)
from crisisquiz.interop.registry import EXPORT_FORMATS, Format, detect_format, read_pack, write_pack
from crisisquiz.interop.report import Outcome
from crisisquiz.resources import builtin_pack_path

# What each format keeps of a question, besides its id (which every format keeps).
AS_IS = {Format.TOML, Format.JSON, Format.ZIP}


@pytest.fixture(scope="module")
def builtin() -> Pack:
    pack = load_pack(builtin_pack_path())
    # A picture and a number question, so media and the tenth type travel too.
    extra = Number(
        type=QuestionType.NUMBER,
        id="r12-range",
        topic=pack.topics[0].id,
        prompt="Range of the R-12 missile in thousands of kilometres?",
        answer=2.08,
        tolerance=0.1,
        explanation="About 2,080 km.",
        image="media/map.png",
        image_alt="Map of the Caribbean",
    )
    return pack.model_copy(
        update={
            "questions": (*pack.questions, extra),
            # The built-in pack's own maps travel too, beside the added picture.
            "media": {**pack.media, "media/map.png": b"\x89PNG\r\n"},
        }
    )


def _content(question: Any) -> dict[str, Any]:
    """What a question asks and its answer, whatever the format."""
    if isinstance(question, Flashcard):
        return {"prompt": question.prompt, "answer": question.answer}
    if isinstance(question, MultipleChoice):
        return {"prompt": question.prompt, "choices": set(question.choices), "a": question.answer}
    if isinstance(question, MultiSelect):
        return {"prompt": question.prompt, "c": set(question.choices), "a": set(question.answers)}
    if isinstance(question, TrueFalse):
        return {"statement": question.statement, "answer": question.answer}
    if isinstance(question, ShortAnswer):
        return {"prompt": question.prompt, "a": question.answer, "accept": set(question.accept)}
    if isinstance(question, Cloze):
        return {"blanks": question.blanks}
    if isinstance(question, Ordering):
        return {"items": question.items}
    if isinstance(question, Matching):
        return {"pairs": set(question.pairs), "extra": set(question.extra)}
    if isinstance(question, Year | Number):
        return {"answer": question.answer, "tolerance": question.tolerance}
    raise AssertionError(question)


@pytest.mark.parametrize("fmt", sorted(AS_IS))
def test_our_own_formats_give_back_the_identical_pack(
    builtin: Pack, fmt: Format, tmp_path: Path
) -> None:
    out = tmp_path / f"pack{EXPORT_FORMATS[fmt]}"
    write_pack(builtin, fmt, out)
    back = read_pack(out).pack
    # The whole model, media included: every field the pack format has comes back.
    assert back.model_dump() == builtin.model_dump()
    assert back.media == builtin.media


def test_a_toml_export_with_pictures_imports_again(builtin: Pack, tmp_path: Path) -> None:
    out = tmp_path / "shared" / "pack.toml"
    out.parent.mkdir()
    report = write_pack(builtin, Format.TOML, out)
    assert (out.parent / "media" / "map.png").read_bytes() == b"\x89PNG\r\n"
    assert any("media" in note for note in report.notes)
    assert load_pack(out).media == builtin.media


def test_the_zip_holds_the_pack_and_its_media(builtin: Pack, tmp_path: Path) -> None:
    out = tmp_path / "pack.zip"
    write_pack(builtin, Format.ZIP, out)
    with zipfile.ZipFile(out) as archive:
        assert sorted(archive.namelist()) == sorted(["pack.toml", *builtin.media])


# What each foreign format can hold, and what comes back as another type.
HOLDS: dict[Format, set[QuestionType]] = {
    Format.GIFT: set(QuestionType),
    Format.MOODLE_XML: set(QuestionType),
    Format.CSV: set(QuestionType),
    Format.XLSX: set(QuestionType),
    Format.AIKEN: {QuestionType.MULTIPLE_CHOICE, QuestionType.TRUE_FALSE},
    Format.APKG: set(QuestionType),
}
BECOMES = {
    Format.AIKEN: {QuestionType.TRUE_FALSE: QuestionType.MULTIPLE_CHOICE},
    Format.APKG: {
        QuestionType.MULTIPLE_CHOICE: QuestionType.FLASHCARD,
        QuestionType.MULTI_SELECT: QuestionType.FLASHCARD,
        QuestionType.TRUE_FALSE: QuestionType.FLASHCARD,
        QuestionType.ORDERING: QuestionType.FLASHCARD,
        QuestionType.MATCHING: QuestionType.FLASHCARD,
        QuestionType.YEAR: QuestionType.SHORT_ANSWER,
        QuestionType.NUMBER: QuestionType.SHORT_ANSWER,
    },
}


@pytest.mark.parametrize("fmt", sorted(HOLDS))
def test_each_format_round_trips_what_it_can_hold(
    builtin: Pack, fmt: Format, tmp_path: Path
) -> None:
    out = tmp_path / f"export{EXPORT_FORMATS[fmt]}"
    report = write_pack(builtin, fmt, out)
    assert detect_format(out) is fmt
    read = read_pack(out).pack.questions
    if fmt is Format.AIKEN:
        # Aiken has no ids: questions are found again by their text (ids come from it).
        by_text = {" ".join(q.prompt.split()): q for q in read}
        back = {
            q.id: by_text[" ".join(q.display_prompt.split())]
            for q in builtin.questions
            if " ".join(q.display_prompt.split()) in by_text
        }
    else:
        back = {q.id: q for q in read}
    written = {e.question_id for e in report.entries if e.outcome is not Outcome.SKIPPED}
    skipped = [e for e in report.entries if e.outcome is Outcome.SKIPPED]
    # Every question is accounted for, and a skipped one says why.
    assert len(report.entries) == len(builtin.questions)
    assert all(entry.notes for entry in skipped)
    changes = BECOMES.get(fmt, {})
    for question in builtin.questions:
        if question.type not in HOLDS[fmt]:
            assert question.id not in written
            continue
        if question.id not in written:
            # GIFT holds one blank per cloze: the report says so.
            assert fmt is Format.GIFT and isinstance(question, Cloze), question.id
            continue
        assert question.id in back, f"{question.id} did not come back from {fmt}"
        got = back[question.id]
        assert got.type == changes.get(question.type, question.type), question.id
        if got.type == question.type:
            want = _content(question)
            if fmt is Format.APKG:
                want.pop("accept", None)  # Anki compares the typed text with one answer
                assert {k: v for k, v in _content(got).items() if k != "accept"} == want
            else:
                assert _content(got) == want, question.id
        if fmt is not Format.AIKEN:
            assert got.explanation.strip() == question.explanation.strip() or isinstance(
                question, Flashcard
            ), question.id
            assert set(got.tags) == set(question.tags), question.id
    if fmt in (Format.MOODLE_XML, Format.APKG):
        pictured = back["r12-range"]
        assert pictured.image and pictured.image_alt == "Map of the Caribbean"
