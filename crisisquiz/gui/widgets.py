"""Small building blocks the screens share: text roles, cards, a scrolling page, confirmations."""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

# The content column is at most this many lines-of-text wide: long lines are hard to read,
# and on a large screen the column stays centred instead of stretching.
COLUMN_WIDTH_IN_LINES = 52


def set_role(widget: QWidget, role: str) -> None:
    """Give ``widget`` a stylesheet role (``QLabel[role="h1"]`` and so on) and restyle it."""
    widget.setProperty("role", role)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


def plain_tip(text: str) -> str:
    """``text`` as a tooltip that shows exactly these characters.

    Qt reads a tooltip that looks like markup as markup: a topic titled with an <img>
    tag would load a picture from the disk, and <a href=...> would be a link. Text with
    a "<" is escaped inside an explicit rich-text block, so every character shows as
    written; other text is left as it is.
    """
    if "<" not in text:
        return text
    return "<qt>" + html.escape(text).replace("\n", "<br>") + "</qt>"


def message_box(
    parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str
) -> QMessageBox:
    """A message box that shows ``text`` as written, never as markup (names, titles, paths)."""
    box = QMessageBox(parent)
    box.setIcon(icon)
    box.setWindowTitle(title)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    return box


def text_label(text: str = "", role: str | None = None, *, selectable: bool = False) -> QLabel:
    """A word-wrapped label, optionally styled by ``role`` ("muted", "small", "error", ...)."""
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if role is not None:
        label.setProperty("role", role)
    # The text last: with a screen reader running, Qt describes the label as soon as it
    # has text, and a heading must already say it is one.
    label.setText(text)
    if selectable:
        label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
    return label


def heading(text: str, level: int = 1) -> QLabel:
    """A heading label (levels 1-3); a screen reader reads it as a heading, by its text.

    No accessible name is set: one set here would go stale when the text changes.
    """
    return text_label(text, f"h{max(1, min(3, level))}")


def push_button(
    text: str,
    *,
    name: str | None = None,
    description: str | None = None,
    role: str | None = None,
) -> QPushButton:
    """A button with an accessible name (its text without the mnemonic marker by default).

    ``description`` becomes its tooltip and accessible description.
    """
    button = QPushButton(text)
    plain = text.replace("&&", "\0").replace("&", "").replace("\0", "&")
    button.setAccessibleName(name or plain)
    if description:
        button.setAccessibleDescription(description)
        button.setToolTip(plain_tip(description))
    if role is not None:
        button.setProperty("role", role)
    # Enter presses the focused button, as Space does (outside dialogs Qt leaves this off).
    button.setAutoDefault(True)
    return button


class WrappingLayout(QLayout):
    """The plumbing of a layout that wraps its items into lines as the width allows.

    Subclasses place the items in ``_arrange``, which returns the height used.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        """Append an item (Qt calls this for addWidget)."""
        self._items.append(item)

    def count(self) -> int:
        """How many items the layout holds."""
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        """The item at ``index``, or None."""
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        """Remove and return the item at ``index``."""
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        """Never asks for more room than its items need."""
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        """The height depends on how many lines the width allows."""
        return True

    def heightForWidth(self, width: int) -> int:
        """The height needed at ``width``."""
        return self._arrange(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect: QRect) -> None:
        """Place the items inside ``rect``."""
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    def _arrange(self, rect: QRect, *, apply: bool) -> int:
        raise NotImplementedError


class FlowRow(WrappingLayout):
    """Buttons side by side, moving to a new line when the next one does not fit.

    At large text sizes a row of buttons can be wider than the window; wrapping keeps
    every button whole and visible without a horizontal scroll bar.
    """

    def __init__(self, parent: QWidget | None = None, *, spacing: int = 12) -> None:
        super().__init__(parent)
        self._gap = spacing

    def sizeHint(self) -> QSize:
        """Everything on one line."""
        visible = [i for i in self._items if not i.isEmpty()]
        if not visible:
            return QSize(0, 0)
        width = sum(i.sizeHint().width() for i in visible) + self._gap * (len(visible) - 1)
        return QSize(width, max(i.sizeHint().height() for i in visible))

    def minimumSize(self) -> QSize:
        """As narrow as the widest button."""
        size = QSize(0, 0)
        for item in self._items:
            if not item.isEmpty():
                size = size.expandedTo(item.minimumSize())
        return size

    def _arrange(self, rect: QRect, *, apply: bool) -> int:
        x, y, line_height = rect.x(), rect.y(), 0
        for item in self._items:
            if item.isEmpty():
                continue
            hint = item.sizeHint()
            if x > rect.x() and x + hint.width() > rect.right() + 1:
                x, y, line_height = rect.x(), y + line_height + self._gap, 0
            if apply:
                item.setGeometry(
                    QRect(QPoint(x, y), QSize(min(hint.width(), rect.width()), hint.height()))
                )
            x += hint.width() + self._gap
            line_height = max(line_height, hint.height())
        return y + line_height - rect.y()


class Card(QFrame):
    """A raised panel holding one group of content."""

    def __init__(self, parent: QWidget | None = None, *, role: str = "card") -> None:
        super().__init__(parent)
        self.setProperty("role", role)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(18, 16, 18, 16)
        self.body.setSpacing(10)


class ContentColumn(QWidget):
    """A column whose width follows the text size, centred by :class:`Page`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(28, 24, 28, 28)
        self.body.setSpacing(16)
        self._fit_width()

    def changeEvent(self, event: QEvent) -> None:
        """Keep the column about the same number of characters wide at any text size."""
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_width()
        super().changeEvent(event)

    def _fit_width(self) -> None:
        self.setMaximumWidth(self.fontMetrics().height() * COLUMN_WIDTH_IN_LINES)


class Page(QScrollArea):
    """A screen's scrolling page: one centred content column that scrolls when it grows.

    Put the screen's widgets into ``page.body``.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        # The page itself takes no focus: Tab goes straight to its controls, and the
        # scroll area follows the focused control.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        holder = QWidget()
        holder.setObjectName("page")
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        self.column = ContentColumn()
        # The column takes all the width up to its maximum; the stretches share what is left,
        # which keeps it centred on a wide window.
        row.addStretch(1)
        row.addWidget(self.column, 1000)
        row.addStretch(1)
        self.setWidget(holder)
        self.body: QBoxLayout = self.column.body


def clear_layout(layout: QBoxLayout) -> None:
    """Remove and delete every widget and sub-layout in ``layout``."""
    while layout.count():
        item = layout.takeAt(0)
        if item is None:
            break
        widget = item.widget()
        if widget is not None:
            widget.hide()
            widget.deleteLater()
        child = item.layout()
        if isinstance(child, QBoxLayout):
            clear_layout(child)


def confirm(parent: QWidget | None, title: str, text: str, action: str) -> bool:
    """Ask before something that cannot be undone; True when the user chose ``action``.

    The safe answer (Cancel) is the default, so a stray Enter changes nothing.
    """
    box = message_box(parent, QMessageBox.Icon.Warning, title, text)
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    yes = box.button(QMessageBox.StandardButton.Yes)
    yes.setText(action)
    yes.setAccessibleName(action)
    return box.exec() == QMessageBox.StandardButton.Yes


def show_error(parent: QWidget | None, title: str, text: str) -> None:
    """Tell the user something went wrong and what to do about it."""
    message_box(parent, QMessageBox.Icon.Warning, title, text).exec()


class BusyRow(QWidget):
    """A moving bar with a line of text, shown while work runs off the GUI thread."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # nothing to count: a moving bar says "working"
        self.bar.setTextVisible(False)
        self.bar.setAccessibleName("Working")
        self.bar.setMaximumWidth(self.fontMetrics().height() * 10)
        self.label = text_label("", "muted")
        row.addWidget(self.bar)
        row.addWidget(self.label, 1)
        self.hide()
