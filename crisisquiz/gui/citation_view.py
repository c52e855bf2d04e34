"""Citations and quotations as the window shows them, in rich text and for screen readers."""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from crisisquiz.core.citations import (
    Citation,
    CitedSource,
    Quotation,
    group_citations,
    sentence_lines,
)


def _source_lines(source: CitedSource) -> list[tuple[str, str]]:
    """(caption, text) lines for one source: its name, then what each cited sentence says."""
    lines: list[tuple[str, str]] = []
    notes = source.sentences
    if len(notes) == 1 and not notes[0].claim:
        # Without the pack's notes only the number is known: keep it on the name's line.
        return [("", f"{source.name()}, sentence {notes[0].line}")]
    lines.append(("", source.name()))
    for note in notes:
        lines.extend(sentence_lines(note))
    return lines


def sources_caption(citations: Sequence[Citation]) -> str:
    """ "Source:", "Sources:", "Reference:" or "References:", by what is cited."""
    groups = group_citations(citations)
    if all(group.is_reference for group in groups):
        return "Reference:" if len(groups) == 1 else "References:"
    return "Source:" if len(groups) == 1 else "Sources:"


def sources_plain(citations: Sequence[Citation]) -> str:
    """The sources as plain lines: each source named properly, then its sentences' notes."""
    out = []
    for source in group_citations(citations):
        for caption, text in _source_lines(source):
            out.append(f"{caption} {text}" if caption else text)
    return "\n".join(out)


def sources_html(citations: Sequence[Citation]) -> str:
    """The sources as rich text: references with their title in italics, notes indented.

    Each source is a paragraph; what its sentences claim (and what is wrong) are
    paragraphs indented beneath it, so wrapped lines stay under their own note.
    """
    blocks = []
    for source in group_citations(citations):
        if source.is_reference:
            # Marks that escaping leaves alone stand for the italics until the text is safe.
            name = html.escape(source.name(emphasis=("\x00", "\x01")))
            name = name.replace("\x00", "<i>").replace("\x01", "</i>")
            blocks.append(f"<p style='margin:4px 0 0 0'>{name}</p>")
            continue
        lines = _source_lines(source)
        blocks.append(f"<p style='margin:4px 0 0 0'>{html.escape(lines[0][1])}</p>")
        for caption, text in lines[1:]:
            bold = f"<b>{html.escape(caption)}</b> " if caption else ""
            blocks.append(f"<p style='margin:2px 0 0 20px'>{bold}{html.escape(text)}</p>")
    return "".join(blocks)


def quote_html(quote: Quotation) -> str:
    """A quotation set off as one, with where it comes from beneath it."""
    return (
        f"<p style='margin:0'>“{html.escape(quote.text)}”</p>"
        f"<p style='margin:0'>— {html.escape(quote.attribution())}</p>"
    )


def quote_label(quote: Quotation, parent: QWidget | None = None) -> QLabel:
    """A label showing ``quote`` above a question; read aloud as "Quotation from ..."."""
    label = QLabel(quote_html(quote), parent)
    label.setObjectName("questionQuote")
    label.setProperty("role", "quote")
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setAccessibleName(f"Quotation from {quote.attribution()}: {quote.text}")
    return label
