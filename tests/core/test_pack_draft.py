"""The editor's draft: every change replaces an entry, snapshots restore it exactly."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from crisisquiz.core.coverage import document_coverage
from crisisquiz.core.draft_check import Section, check_draft
from crisisquiz.core.draft_store import DraftStore
from crisisquiz.core.pack_draft import (
    DraftOrigin,
    OriginKind,
    PackDraft,
    changes_between,
)
from crisisquiz.core.pack_files import write_pack_folder, write_pack_zip
from crisisquiz.core.pack_loader import PackError, load_pack, parse_pack_text
from crisisquiz.core.pack_schema import QuestionType
from crisisquiz.core.packs import ImportAction, PackService
from crisisquiz.core.publishing import plan_publish, publish
from crisisquiz.core.source_texts import document_file
from crisisquiz.storage.database import Database

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def filled(draft: PackDraft) -> PackDraft:
    """One question of each type, every one complete."""
    values = {
        QuestionType.FLASHCARD: {"prompt": "ExComm", "answer": "Kennedy's advisers"},
        QuestionType.MULTIPLE_CHOICE: {
            "prompt": "Soviet leader?",
            "choices": ["Khrushchev", "Brezhnev"],
            "answer": "Khrushchev",
        },
        QuestionType.MULTI_SELECT: {
            "prompt": "Jupiter hosts?",
            "choices": ["Turkey", "Italy", "France"],
            "answers": ["Turkey", "Italy"],
        },
        QuestionType.TRUE_FALSE: {"statement": "The quarantine began on 24 October."},
        QuestionType.SHORT_ANSWER: {"prompt": "Ambassador?", "answer": "Dobrynin"},
        QuestionType.CLOZE: {"text": "A {{U-2}} flew over Cuba."},
        QuestionType.ORDERING: {"prompt": "Order", "items": ["a", "b", "c"]},
        QuestionType.MATCHING: {"prompt": "Match", "pairs": [["x", "1"], ["y", "2"]]},
        QuestionType.YEAR: {"prompt": "Year?", "answer": 1962},
        QuestionType.NUMBER: {"prompt": "Missile range in km?", "answer": 2000, "tolerance": 100},
    }
    for qtype, fields in values.items():
        question = draft.add_question(draft.new_question(qtype))
        draft.set_question_fields(question.key, fields)
    return draft


def test_a_new_draft_needs_its_questions_written() -> None:
    draft = PackDraft.new("d", "Cold War basics")
    assert draft.info["id"] == "cold-war-basics"
    mc = draft.add_question(draft.new_question(QuestionType.MULTIPLE_CHOICE))
    check = check_draft(draft)
    assert not check.ok
    fields = {(p.field, p.message) for p in check.of_question(0)}
    assert ("prompt", "Write the question.") in fields
    assert ("choices[2]", "Choice 2 is empty: write it or remove it.") in fields
    draft.set_question_fields(mc.key, {"prompt": "Who?", "choices": ["A", "B", "C"], "answer": "D"})
    [problem] = check_draft(draft).problems
    assert (problem.section, problem.index, problem.field) == (Section.QUESTIONS, 0, "answer")
    assert problem.message == "'D' is not one of the choices."
    draft.set_question_fields(mc.key, {"answer": "A"})
    assert check_draft(draft).ok


def test_every_type_makes_a_valid_pack() -> None:
    check = check_draft(filled(PackDraft.new("d", "All types")))
    assert check.ok, check.problems
    assert check.pack is not None
    assert {q.type for q in check.pack.questions} == set(QuestionType)


def test_pack_and_topic_problems_are_placed() -> None:
    draft = filled(PackDraft.new("d", "All types"))
    draft.set_info({"version": "1.0"})
    draft.set_entry("topics", 0, {"title": ""})
    problems = {(p.section, p.index, p.field): p.message for p in check_draft(draft).problems}
    assert "MAJOR.MINOR.PATCH" in problems[(Section.PACK, None, "version")]
    assert problems[(Section.TOPICS, 0, "title")] == "Give it a title."


def test_snapshots_undo_exactly_and_say_what_changed() -> None:
    draft = filled(PackDraft.new("d", "All types"))
    before = draft.state()
    tables_before = draft.tables()
    first = draft.questions[0]
    draft.set_question_fields(first.key, {"prompt": "Changed"})
    after = draft.state()
    change = changes_between(before, after)
    assert change.questions == {first.key}
    assert not change.question_list and not change.info
    copy = draft.duplicate_question(first.key)
    assert copy.data["id"] == "question-1-2"
    draft.move_question(copy.key, 8)
    moved = draft.state()
    assert changes_between(after, moved).question_list
    draft.restore(before)
    assert draft.tables() == tables_before
    assert draft.questions[0].data["prompt"] == "ExComm"


def test_renaming_a_topic_or_source_follows_into_the_questions() -> None:
    draft = filled(PackDraft.new("d", "All types"))
    index = draft.add_document("The essay", ["First sentence.", "Second sentence."])
    draft.set_question_fields(draft.questions[0].key, {"sources": ["the-essay:2"]})
    draft.set_entry("sources", index, {"id": "essay"})
    draft.set_entry("topics", 0, {"id": "crisis"})
    assert draft.questions[0].data["sources"] == ["essay:2"]
    assert {q.data["topic"] for q in draft.questions} == {"crisis"}
    assert document_file("essay") in draft.files
    assert check_draft(draft).ok


def test_a_citation_past_the_end_of_the_text_is_a_problem() -> None:
    draft = filled(PackDraft.new("d", "All types"))
    draft.add_document("Essay", ["One.", "", "Three."])
    draft.set_question_fields(draft.questions[1].key, {"sources": ["essay:4"]})
    [problem] = check_draft(draft).problems
    assert problem.field == "sources"
    assert "has 3 sentences, so there is no sentence 4" in problem.message
    draft.set_question_fields(draft.questions[1].key, {"sources": ["essay:2"]})
    assert "line 2 of 'essay' is empty" in check_draft(draft).problems[0].message


def test_coverage_counts_citations_per_sentence() -> None:
    draft = filled(PackDraft.new("d", "All types"))
    draft.add_document("Essay", ["One.", "", "Three.", "Four."])
    draft.set_question_fields(draft.questions[0].key, {"sources": ["essay:1", "essay"]})
    draft.set_question_fields(draft.questions[1].key, {"sources": ["essay:1"]})
    draft.set_question_fields(draft.questions[2].key, {"sources": ["essay:4"]})
    tables = draft.tables()
    coverage = document_coverage(
        tables["sources"][0], draft.document_lines("essay"), tables["questions"]
    )
    assert [(s.line, len(s.citing)) for s in coverage.sentences] == [(1, 2), (3, 0), (4, 1)]
    assert [s.line for s in coverage.uncited] == [3]
    assert coverage.whole == ("question-1",)


def test_coverage_without_the_text_lists_noted_and_cited_lines(small_pack_text: str) -> None:
    pack = parse_pack_text(small_pack_text)
    tables = PackDraft.from_pack("d", pack, DraftOrigin()).tables()
    coverage = document_coverage(tables["sources"][0], None, tables["questions"])
    assert not coverage.has_text
    assert [(s.line, s.citing) for s in coverage.sentences] == [(1, ("fc",))]


def test_drafts_survive_a_restart_whole(tmp_path: Path) -> None:
    store = DraftStore(tmp_path / "drafts")
    draft = filled(PackDraft.new("abc123", "Stored"))
    draft.set_file("media/map.png", b"\x89PNG picture")
    draft.add_document("Essay", ["One.", "Two."])
    store.save(draft, now=NOW)
    [summary] = store.summaries()
    assert (summary.draft_id, summary.title, summary.questions) == ("abc123", "Stored", 10)
    loaded = store.load("abc123")
    assert loaded.tables() == draft.tables()
    assert dict(loaded.files) == dict(draft.files)
    # A replaced picture leaves no stale copy behind.
    draft.set_file("media/map.png", b"\x89PNG other")
    store.save(draft, now=NOW)
    assert len(list((tmp_path / "drafts" / "abc123" / "files").iterdir())) == 2
    # A half-written temporary file from a killed process is never taken for the draft.
    (tmp_path / "drafts" / "abc123" / ".draft.json.x.tmp").write_text("{")
    assert store.load("abc123").tables() == draft.tables()
    store.discard("abc123")
    assert store.summaries() == []


def test_save_as_folder_and_zip_import_as_they_are(tmp_path: Path) -> None:
    draft = filled(PackDraft.new("d", "Saved"))
    draft.add_document("Essay", ["One.", "Two."])
    draft.set_question_fields(draft.questions[0].key, {"sources": ["essay:2"]})
    draft.set_file("media/map.png", b"\x89PNG picture")
    draft.set_question_fields(
        draft.questions[1].key, {"image": "media/map.png", "image_alt": "A map of Cuba"}
    )
    folder = write_pack_folder(draft.tables(), draft.files, tmp_path / "saved").parent
    zipped = write_pack_zip(draft.tables(), draft.files, tmp_path / "saved.zip")
    for path in (folder, zipped):
        pack = load_pack(path)
        assert len(pack.questions) == 10
        assert set(pack.media) == {"media/map.png", "sources/essay.txt"}
    # A broken draft is saved as it stands, and its problems are the loader's.
    draft.set_question_fields(draft.questions[1].key, {"answer": "Nobody"})
    write_pack_folder(draft.tables(), draft.files, tmp_path / "broken")
    with pytest.raises(PackError, match="'Nobody' is not one of the choices"):
        load_pack(tmp_path / "broken")


def test_publishing_suggests_the_next_version_and_keeps_ids(database: Database) -> None:
    packs = PackService(database)
    draft = filled(PackDraft.new("d", "Published"))
    plan = plan_publish(draft, packs)
    assert (plan.installed, plan.suggested, plan.options) == (None, "1.0.0", ("1.0.0",))
    result = publish(draft, plan.suggested, packs, now=NOW)
    assert (result.action, result.added) == (ImportAction.INSTALLED, 10)

    copy = PackDraft.from_pack(
        "e", packs.get_pack("published"), DraftOrigin(OriginKind.INSTALLED, "published", "1.0.0")
    )
    copy.set_question_fields(copy.questions[8].key, {"prompt": "In what year?"})
    plan = plan_publish(copy, packs)
    assert plan.installed == "1.0.0"
    assert plan.changes is not None and plan.changes.changed == ("question-9",)
    assert (plan.suggested, plan.options) == ("1.0.1", ("1.0.1", "1.1.0", "2.0.0"))
    copy.add_question(copy.new_question(QuestionType.FLASHCARD))
    copy.set_question_fields(copy.questions[-1].key, {"prompt": "Q", "answer": "A"})
    assert plan_publish(copy, packs).suggested == "1.1.0"
    result = publish(copy, "1.1.0", packs, now=NOW)
    assert (result.action, result.updated, result.added) == (ImportAction.UPDATED, 10, 1)
    assert packs.get_pack("published").questions[8].prompt == "In what year?"
