"""Our .apkg opens in Anki, and Anki's own current formats (anki21b, colpkg) read back.

These need Anki's library (``pip install -e ".[bench]"``) and are skipped without it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from crisisquiz.core.pack_loader import load_pack
from crisisquiz.core.pack_schema import Cloze, Flashcard, ShortAnswer
from crisisquiz.interop.registry import Format, read_pack, write_pack
from crisisquiz.resources import builtin_pack_path

anki_collection = pytest.importorskip(
    "anki.collection", reason="Anki's library is not installed (pip install -e '.[bench]')"
)


def _collection(path: Path) -> Any:
    return anki_collection.Collection(str(path))


def test_our_apkg_opens_in_anki_with_every_question(tmp_path: Path) -> None:
    pack = load_pack(builtin_pack_path())
    deck = tmp_path / "cuba.apkg"
    write_pack(pack, Format.APKG, deck)
    (tmp_path / "anki").mkdir()
    col = _collection(tmp_path / "anki" / "collection.anki2")
    try:
        request = anki_collection.ImportAnkiPackageRequest(package_path=str(deck))
        log = col.import_anki_package(request)
        assert len(log.log.new) == len(pack.questions)
        assert col.note_count() == len(pack.questions)
        names = {d.name for d in col.decks.all_names_and_ids()}
        assert {f"{pack.pack.title}::{t.title}" for t in pack.topics} <= names
        # Importing the same deck again updates instead of duplicating: the GUIDs are stable.
        again = col.import_anki_package(request)
        assert len(again.log.new) == 0
        assert col.note_count() == len(pack.questions)
    finally:
        col.close()


def _anki_deck(folder: Path) -> Any:
    folder.mkdir(parents=True, exist_ok=True)
    col = _collection(folder / "collection.anki2")
    deck_id = col.decks.id("History::Cuba")
    basic = col.models.by_name("Basic (and reversed card)")
    note = col.new_note(basic)
    note["Front"] = "Castro"
    note["Back"] = "Leader of the Cuban revolution"
    note.tags = ["people"]
    col.add_note(note, deck_id)
    typed = col.models.by_name("Basic (type in the answer)")
    note = col.new_note(typed)
    note["Front"] = "Soviet leader in 1962?"
    note["Back"] = "Khrushchev"
    col.add_note(note, deck_id)
    cloze = col.models.by_name("Cloze")
    note = col.new_note(cloze)
    note["Text"] = "A {{c1::U-2::plane}} flew over {{c2::Cuba}}."
    col.add_note(note, deck_id)
    return col


def _check(pack_path: Path) -> None:
    converted = read_pack(pack_path)
    pack = converted.pack
    assert [t.title for t in pack.topics] == ["Cuba"]
    assert pack.pack.title == "History"
    flashcards = [q for q in pack.questions if isinstance(q, Flashcard)]
    assert {(q.prompt, q.answer) for q in flashcards} == {
        ("Castro", "Leader of the Cuban revolution"),
        ("Leader of the Cuban revolution", "Castro"),
    }
    assert all(q.tags == ("people",) for q in flashcards)
    typed = next(q for q in pack.questions if isinstance(q, ShortAnswer))
    assert (typed.prompt, typed.answer) == ("Soviet leader in 1962?", "Khrushchev")
    cloze = next(q for q in pack.questions if isinstance(q, Cloze))
    assert cloze.blanks == ("U-2", "Cuba")
    assert cloze.prompt == "Hints: 1. plane"


@pytest.mark.parametrize("legacy", [False, True], ids=["anki21b", "anki21"])
def test_decks_exported_by_anki_read_back(tmp_path: Path, legacy: bool) -> None:
    col = _anki_deck(tmp_path / "source")
    out = tmp_path / "deck.apkg"
    try:
        options = anki_collection.ExportAnkiPackageOptions(
            with_scheduling=False, with_deck_configs=False, with_media=True, legacy=legacy
        )
        col.export_anki_package(out_path=str(out), options=options, limit=None)
    finally:
        col.close()
    _check(out)


def test_a_collection_package_reads_back(tmp_path: Path) -> None:
    col = _anki_deck(tmp_path / "source")
    out = tmp_path / "all.colpkg"
    try:
        col.export_collection_package(str(out), include_media=True, legacy=False)
    finally:
        col.close()
    _check(out)
