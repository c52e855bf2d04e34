"""Pasted text becomes one sentence a line, as the pack's documents are written."""

from __future__ import annotations

from pathlib import Path

import pytest

from crisisquiz.core.source_texts import split_sentences

SHARED = Path(__file__).resolve().parents[2].parent / "shared"


def test_paragraphs_become_sentences() -> None:
    text = (
        "On 14 Oct. 1962 a U-2 flew over Cuba. It was flown by Maj. Richard Heyser! "
        "The photos showed missiles, e.g. the SS-4.\n\n"
        "President John F. Kennedy was told on the 16th. The U.S. Navy set up a "
        '"quarantine." Who blinked? About 1.5 million people watched.'
    )
    assert split_sentences(text) == [
        "On 14 Oct. 1962 a U-2 flew over Cuba.",
        "It was flown by Maj. Richard Heyser!",
        "The photos showed missiles, e.g. the SS-4.",
        "President John F. Kennedy was told on the 16th.",
        'The U.S. Navy set up a "quarantine."',
        "Who blinked?",
        "About 1.5 million people watched.",
    ]


def test_a_last_sentence_without_a_full_stop_is_kept() -> None:
    assert split_sentences("One here.  Two there") == ["One here.", "Two there"]


@pytest.mark.skipif(
    not (SHARED / "sources").is_dir(), reason="source documents not beside the project"
)
def test_a_text_already_one_sentence_a_line_stays_as_it_is() -> None:
    lines = (SHARED / "sources" / "essay.txt").read_text(encoding="utf-8").splitlines()
    assert split_sentences("\n".join(lines)) == [line.strip() for line in lines if line.strip()]
