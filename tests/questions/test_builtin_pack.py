"""The built-in Cuban Missile Crisis pack meets the bank's structural rules."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from crisisquiz.core.pack_loader import load_pack
from crisisquiz.core.pack_schema import (
    Cloze,
    Matching,
    MultipleChoice,
    MultiSelect,
    Ordering,
    Pack,
    QuestionType,
    ShortAnswer,
    SourceKind,
)
from crisisquiz.resources import builtin_pack_path

SHARED = Path(__file__).resolve().parents[2].parent / "shared"

# Lines of each source that carry historical facts (essay 36-37 are a donation appeal).
FACT_LINES = {"essay": range(1, 36), "overview": range(1, 33)}
# The number type (decimals with a tolerance) exists for questions brought in from
# Moodle; the crisis's figures are years, counts and names, so the bank does not use it.
MIN_PER_TYPE = dict.fromkeys(set(QuestionType) - {QuestionType.NUMBER}, 10) | {
    QuestionType.MULTIPLE_CHOICE: 50,
    QuestionType.FLASHCARD: 20,
}


@pytest.fixture(scope="module")
def pack() -> Pack:
    return load_pack(builtin_pack_path())


def test_identity(pack: Pack) -> None:
    assert pack.pack.id == "cuban-missile-crisis"
    documents = {s.id for s in pack.sources if s.kind is SourceKind.DOCUMENT}
    assert documents == {"essay", "overview"}


def test_size_topics_and_types(pack: Pack) -> None:
    assert len(pack.questions) >= 200
    per_topic = Counter(q.topic for q in pack.questions)
    assert len(pack.topics) >= 7
    assert all(per_topic[t.id] >= 20 for t in pack.topics), per_topic
    per_type = Counter(q.type for q in pack.questions)
    for qtype, minimum in MIN_PER_TYPE.items():
        assert per_type[qtype] >= minimum, f"{qtype}: {per_type[qtype]} < {minimum}"


def test_depth(pack: Pack) -> None:
    hard = sum(1 for q in pack.questions if q.difficulty >= 4)
    assert hard / len(pack.questions) >= 0.20


def test_every_document_citation_is_a_fact_line(pack: Pack) -> None:
    references = {s.id for s in pack.sources if s.kind is SourceKind.REFERENCE}
    for question in pack.questions:
        assert question.sources, f"{question.id} cites nothing"
        for ref in question.sources:
            source, _, line = ref.partition(":")
            if source in references:
                continue  # the loader already refuses a reference cited with a line
            assert line, f"{question.id}: {ref} has no line number"
            assert int(line) in FACT_LINES[source], f"{question.id}: {ref} is not a fact line"


def test_every_fact_line_is_cited(pack: Pack) -> None:
    cited = {ref for q in pack.questions for ref in q.sources}
    missing = [
        f"{s}:{n}" for s, lines in FACT_LINES.items() for n in lines if f"{s}:{n}" not in cited
    ]
    assert missing == []


def test_explanations_say_why(pack: Pack) -> None:
    for question in pack.questions:
        words = question.explanation.split()
        assert len(words) >= 8, f"{question.id}: explanation too short"
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", question.explanation.strip()) if s]
        assert len(sentences) <= 4, f"{question.id}: explanation over 3 sentences"


def test_item_quality(pack: Pack) -> None:
    banned = re.compile(r"\b(all|none) of the above\b", re.IGNORECASE)
    for q in pack.questions:
        if isinstance(q, MultipleChoice | MultiSelect):
            assert len(q.choices) >= 3, q.id
            assert not any(banned.search(c) for c in q.choices), q.id
        if isinstance(q, MultiSelect):
            assert 1 <= len(q.answers) < len(q.choices), q.id
        if isinstance(q, Ordering):
            assert 3 <= len(q.items) <= 6, q.id
        if isinstance(q, Matching):
            assert len(q.pairs) >= 3, q.id
        if isinstance(q, Cloze):
            assert q.blanks, q.id


def test_khrushchev_answers_list_spellings_and_near_misses(pack: Pack) -> None:
    about_him = [
        q for q in pack.questions if isinstance(q, ShortAnswer) and q.answer.endswith("Khrushchev")
    ]
    assert about_him
    for q in about_him:
        assert q.accept, f"{q.id}: no accepted spellings"
        assert q.reject, f"{q.id}: no near misses"


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


@pytest.mark.skipif(
    not (SHARED / "sources").is_dir(), reason="source documents not beside the project"
)
def test_no_sentence_is_copied_from_the_sources(pack: Pack) -> None:
    run = 8  # eight words in a row shared with a source is copying, not a common phrase
    source_runs: set[tuple[str, ...]] = set()
    for name in ("essay", "overview"):
        for line in (SHARED / "sources" / f"{name}.txt").read_text(encoding="utf-8").splitlines():
            words = _words(line)
            source_runs |= {tuple(words[i : i + run]) for i in range(len(words) - run + 1)}
    for q in pack.questions:
        text = " ".join(str(v) for v in q.model_dump().values() if isinstance(v, str))
        words = _words(text)
        copied = {tuple(words[i : i + run]) for i in range(len(words) - run + 1)} & source_runs
        assert not copied, f"{q.id} copies: {' '.join(next(iter(copied)))}"


def test_the_longest_choice_does_not_give_the_answer_away(pack: Pack) -> None:
    items = [q for q in pack.questions if isinstance(q, MultipleChoice)]
    longest = 0
    for q in items:
        rival = max(len(c) for c in q.choices if c != q.answer)
        assert len(q.answer) <= 1.10 * rival, f"{q.id}: the answer is by far the longest choice"
        longest += len(q.answer) > rival
    assert longest / len(items) <= 0.30
