"""Read first: the topics' study guides and the packs' timelines, one at a time.

A list of what there is to read on the left, the text on the right. The list keeps
the keyboard focus: Up and Down go through the guides, Tab moves into the text (which
scrolls with the arrow keys), Escape closes.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from crisisquiz.core.reading import PackReading, TimelineItem, TopicGuide

TIMELINE = "timeline"


def guide_html(guide: TopicGuide) -> str:
    """A study guide as rich text: its topic as the heading, then its paragraphs."""
    body = "".join(f"<p>{html.escape(paragraph)}</p>" for paragraph in guide.paragraphs)
    return f"<h2>{html.escape(guide.title)}</h2>{body}"


def timeline_html(pack_title: str, items: Sequence[TimelineItem]) -> str:
    """A timeline as rich text: one paragraph per event, its date in bold first."""
    rows = []
    for item in items:
        topic = f" <i>({html.escape(item.topic_title)})</i>" if item.topic_title else ""
        rows.append(f"<p><b>{html.escape(item.when)}</b> — {html.escape(item.event)}{topic}</p>")
    return f"<h2>{html.escape(pack_title)}: timeline</h2>" + "".join(rows)


class ReadingDialog(QDialog):
    """The guides and timelines of the installed packs; opens at a topic's guide if given."""

    def __init__(
        self,
        readings: Sequence[PackReading],
        *,
        topic: tuple[str, str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Read first — crisisquiz")
        self.setObjectName("readingDialog")
        # Most of the window, so a guide reads without scrolling sideways at any text size.
        if parent is not None:
            self.resize(int(parent.width() * 0.9), int(parent.height() * 0.85))
        else:
            self.resize(900, 640)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.contents = QListWidget()
        self.contents.setObjectName("readingContents")
        self.contents.setAccessibleName("What to read")
        self.contents.setAccessibleDescription(
            "Up and Down choose a guide or the timeline; Tab moves into the text"
        )
        self.text = QTextBrowser()
        self.text.setObjectName("readingText")
        self.text.setOpenLinks(False)
        self.text.setAccessibleName("Reading")
        self._pages: list[tuple[str, str, str]] = []  # (key, title, html)
        several = len(readings) > 1
        for reading in readings:
            prefix = f"{reading.title}: " if several else ""
            if reading.timeline:
                self._add(
                    f"{reading.pack_id}/{TIMELINE}",
                    f"{prefix}Timeline",
                    timeline_html(reading.title, reading.timeline),
                )
            for guide in reading.guides:
                self._add(
                    f"{guide.pack_id}/{guide.topic_id}", f"{prefix}{guide.title}", guide_html(guide)
                )
        if not self._pages:
            self.text.setPlainText(
                "The installed packs have no study guides or timeline yet. A pack's author "
                "can add them (see the README: Study guides and the timeline)."
            )
            self.contents.hide()
        self.contents.currentRowChanged.connect(self._show_page)
        # Long titles wrap rather than scroll sideways; the text takes the rest of the width.
        self.contents.setWordWrap(True)
        self.contents.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.contents.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        row.addWidget(self.contents, 1)
        row.addWidget(self.text, 3)
        layout.addLayout(row, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        if self._pages:
            keys = [key for key, _title, _html in self._pages]
            wanted = f"{topic[0]}/{topic[1]}" if topic else ""
            self.contents.setCurrentRow(keys.index(wanted) if wanted in keys else 0)
        # Keys go to the list first (the text when there is no list).
        (self.contents if self._pages else self.text).setFocus(Qt.FocusReason.OtherFocusReason)

    def showEvent(self, event: QShowEvent) -> None:
        """Size the list to its titles in the font in use (large text included)."""
        super().showEvent(event)
        self.contents.ensurePolished()
        metrics = self.contents.fontMetrics()
        widest = max((metrics.horizontalAdvance(title) for title in self.titles), default=0)
        scroll = self.contents.verticalScrollBar().sizeHint().width()
        # Titles longer than two fifths of the dialog wrap onto a second line.
        self.contents.setFixedWidth(min(widest + scroll + 32, int(self.width() * 0.4)))

    def _add(self, key: str, title: str, text: str) -> None:
        self._pages.append((key, title, text))
        item = QListWidgetItem(title)
        item.setData(Qt.ItemDataRole.AccessibleTextRole, title)
        self.contents.addItem(item)

    def _show_page(self, row: int) -> None:
        if 0 <= row < len(self._pages):
            _key, title, text = self._pages[row]
            self.text.setHtml(text)
            self.text.setAccessibleName(f"Reading: {title}")

    @property
    def current_title(self) -> str:
        """The title of what is shown."""
        row = self.contents.currentRow()
        return self._pages[row][1] if 0 <= row < len(self._pages) else ""

    @property
    def titles(self) -> list[str]:
        """Every page's title, in list order."""
        return [title for _key, title, _html in self._pages]
