"""A table of figures that turns into one card per row when its columns do not fit.

At large text sizes (200 % on a 1024-pixel window) a table of eight figures cannot
show every column, and a sideways scroll bar hides half of them. Below the width the
table needs, :class:`ResponsiveFigures` shows the same rows, in the same order, as
cards: the row's first cell as a heading, then each column's title and value.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from crisisquiz.gui.charts import FigureTable
from crisisquiz.gui.widgets import Card, clear_layout, heading, text_label


def _plain(title: str) -> str:
    return " ".join(title.split())


class FigureCards(QWidget):
    """The rows of ``table`` (as sorted there) as cards of "column: value" lines."""

    def __init__(self, table: FigureTable, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._table = table
        self.setAccessibleName(table.accessibleName())
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(12)
        self.cards: list[Card] = []
        self._values: list[list[tuple[str, QLabel]]] = []

    def rebuild(self) -> None:
        """Draw one card per row of the table's model."""
        clear_layout(self._layout)
        self.cards = []
        self._values = []
        model = self._table.model()
        titles = [
            _plain(str(model.headerData(c, Qt.Orientation.Horizontal) or ""))
            for c in range(model.columnCount())
        ]
        for row in range(model.rowCount()):
            card = Card()
            name = str(model.index(row, 0).data() or "")
            card.setAccessibleName(name)
            card.body.addWidget(heading(name, 3))
            grid = QGridLayout()
            grid.setHorizontalSpacing(16)
            grid.setVerticalSpacing(4)
            grid.setColumnStretch(1, 1)
            values: list[tuple[str, QLabel]] = []
            for column in range(1, model.columnCount()):
                index = model.index(row, column)
                shown = str(index.data() or "")
                value = text_label(shown)
                spoken = index.data(Qt.ItemDataRole.AccessibleTextRole)
                if spoken:
                    value.setAccessibleDescription(str(spoken))
                grid.addWidget(text_label(titles[column], "muted"), column - 1, 0)
                grid.addWidget(value, column - 1, 1)
                values.append((titles[column], value))
            card.body.addLayout(grid)
            self._layout.addWidget(card)
            card.show()
            self.cards.append(card)
            self._values.append(values)

    def card_texts(self, row: int) -> dict[str, str]:
        """A card's lines as {column title: value shown}."""
        return {title: label.text() for title, label in self._values[row]}


class ResponsiveFigures(QWidget):
    """``table`` when its columns fit the width there is, its rows as cards when not."""

    def __init__(self, table: FigureTable, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = table
        self.cards = FigureCards(table)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(table)
        layout.addWidget(self.cards)
        self.cards.hide()
        self._queued = False
        self._stale = True  # the cards do not show the table's rows yet
        model = table.model()
        for signal in (model.layoutChanged, model.modelReset, model.rowsInserted):
            signal.connect(self._rows_changed)
        table.installEventFilter(self)

    @property
    def narrow(self) -> bool:
        """Whether the rows show as cards."""
        return not self.cards.isHidden()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Choose table or cards for the new width (after the resize, never inside it)."""
        super().resizeEvent(event)
        if (self.table.needed_width() > event.size().width()) != self.narrow:
            self._queue()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """A new font in the table changes the width it needs."""
        if watched is self.table and event.type() in (
            QEvent.Type.FontChange,
            QEvent.Type.StyleChange,
        ):
            self._queue()
        return super().eventFilter(watched, event)

    def _rows_changed(self, *_args: object) -> None:
        self._stale = True
        self._queue()

    def _queue(self) -> None:
        # Rows arrive one by one and sorting sends several signals: choose once after them.
        if not self._queued:
            self._queued = True
            QTimer.singleShot(0, self, self.choose)

    def choose(self) -> None:
        """Show the table, or the cards when the table's columns do not fit the width."""
        self._queued = False
        narrow = self.table.needed_width() > self.width()
        if narrow and (self._stale or not self.narrow):
            self.cards.rebuild()
            self._stale = False
        self.table.setVisible(not narrow)
        self.cards.setVisible(narrow)
