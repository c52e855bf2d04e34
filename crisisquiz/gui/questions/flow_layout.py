"""A layout that places widgets in lines like words in a paragraph, wrapping at the edge.

Cloze questions need it: the blanks sit inside the sentence as text fields, and the
sentence must still wrap at any width and any text size.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtWidgets import QLayoutItem, QWidget, QWidgetItem

from crisisquiz.gui.widgets import WrappingLayout


class FlowLayout(WrappingLayout):
    """Lays out widgets left to right, starting a new line when the next one does not fit.

    Each widget remembers whether a word gap comes before it, so that punctuation
    right after a blank ("over ____.") stays attached to it.
    """

    def __init__(self, parent: QWidget | None = None, *, line_spacing: int = 6) -> None:
        super().__init__(parent)
        self._gap_before: list[bool] = []
        self._line_spacing = line_spacing

    def add_widget(self, widget: QWidget, *, gap_before: bool = True) -> None:
        """Append ``widget``; ``gap_before`` False glues it to the previous one."""
        self.addChildWidget(widget)
        self._items.append(QWidgetItem(widget))
        self._gap_before.append(gap_before)
        self.invalidate()

    # -- QLayout interface ------------------------------------------------------------------

    def addItem(self, item: QLayoutItem) -> None:
        """Append an item with a word gap before it."""
        self._items.append(item)
        self._gap_before.append(True)

    def takeAt(self, index: int) -> QLayoutItem | None:
        """Remove and return the item at ``index``."""
        if not 0 <= index < len(self._items):
            return None
        del self._gap_before[index]
        return self._items.pop(index)

    def sizeHint(self) -> QSize:
        """Prefer one line when there is room."""
        width = 0
        height = 0
        for item, gap in self._shown():
            hint = item.sizeHint()
            width += hint.width() + (self._word_gap() if gap and width else 0)
            height = max(height, hint.height())
        margins = self.contentsMargins()
        return QSize(
            width + margins.left() + margins.right(), height + margins.top() + margins.bottom()
        )

    def minimumSize(self) -> QSize:
        """As narrow as the widest single item."""
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    # -- placing ----------------------------------------------------------------------------

    def _shown(self) -> list[tuple[QLayoutItem, bool]]:
        # A hidden widget (a mark not yet shown) takes no room and no gap.
        return [
            (item, gap)
            for item, gap in zip(self._items, self._gap_before, strict=True)
            if not item.isEmpty()
        ]

    def _word_gap(self) -> int:
        parent = self.parentWidget()
        return parent.fontMetrics().horizontalAdvance(" ") if parent is not None else 4

    def _arrange(self, rect: QRect, *, apply: bool) -> int:
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        gap = self._word_gap()
        lines: list[list[tuple[QLayoutItem, int, QSize]]] = [[]]
        x = 0
        for item, gap_before in self._shown():
            hint = item.sizeHint()
            width = min(hint.width(), area.width()) if area.width() > 0 else hint.width()
            step = gap if gap_before and lines[-1] else 0
            if lines[-1] and x + step + width > area.width():
                lines.append([])
                x, step = 0, 0
            x += step
            lines[-1].append((item, x, QSize(width, hint.height())))
            x += width
        y = area.y()
        for line in lines:
            if not line:
                continue
            height = max(size.height() for _item, _x, size in line)
            if apply:
                for item, left, size in line:
                    # Centre each item on the line so text and fields share a middle.
                    top = y + (height - size.height()) // 2
                    item.setGeometry(QRect(QPoint(area.x() + left, top), size))
            y += height + self._line_spacing
        used = y - area.y() - (self._line_spacing if any(lines) else 0)
        return max(0, used) + margins.top() + margins.bottom()
