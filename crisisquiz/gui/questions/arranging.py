"""Views for questions answered by arranging: ordering and matching."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QKeyEvent, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QStyle,
    QStyleOptionComboBox,
    QStylePainter,
    QVBoxLayout,
    QWidget,
)

from crisisquiz.core.grading import GradeResult, Verdict
from crisisquiz.core.items import StudyItem
from crisisquiz.core.pack_schema import Matching, Ordering
from crisisquiz.gui.questions.base import QuestionView
from crisisquiz.gui.questions.look import is_dark, push_button, verdict_colour, wrapped_label
from crisisquiz.gui.widgets import plain_tip

_TEXT_ROLE = Qt.ItemDataRole.UserRole
# Options longer than this are listed in full above the boxes, which may have to cut them.
LIST_OPTIONS_FROM = 30


class OrderList(QListWidget):
    """A list sorted by dragging, or from the keyboard with Alt+Up and Alt+Down.

    Each row shows its position ("2. Bay of Pigs") so the order can be read aloud;
    the item's own text is kept under ``Qt.UserRole``.
    """

    def __init__(self, texts: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("orderingList")
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSpacing(2)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._laid_out_height = -1
        for text in texts:
            item = QListWidgetItem()
            item.setData(_TEXT_ROLE, text)
            item.setFlags(
                Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsDragEnabled
            )
            self.addItem(item)
        self.model().rowsMoved.connect(self._renumber)
        self.model().rowsInserted.connect(self._renumber)
        self._renumber()
        self.setCurrentRow(0)

    def order(self) -> tuple[str, ...]:
        """The items' texts in their current order."""
        return tuple(str(self.item(row).data(_TEXT_ROLE)) for row in range(self.count()))

    def set_order(self, texts: tuple[str, ...]) -> None:
        """Put the items in the order of ``texts`` (the same texts, rearranged)."""
        if sorted(texts) != sorted(self.order()):
            return
        for target, text in enumerate(texts):
            row = self.order().index(text)
            if row != target:
                self.insertItem(target, self.takeItem(row))
        self._renumber()
        self.setCurrentRow(0)

    def move_current(self, step: int) -> bool:
        """Move the current item ``step`` places (negative: up); False at the edge."""
        row = self.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.count():
            return False
        item = self.takeItem(row)
        self.insertItem(target, item)
        self.setCurrentRow(target)
        self._renumber()
        return True

    def _renumber(self, *_args: object) -> None:
        for row in range(self.count()):
            item = self.item(row)
            text = f"{row + 1}. {item.data(_TEXT_ROLE)}"
            item.setText(text)
            item.setToolTip(plain_tip(text))

    def show_places(self, right_order: tuple[str, ...]) -> None:
        """After grading: "✓" on items in their place, "✗ belongs at 3" on the others."""
        for row in range(self.count()):
            item = self.item(row)
            text = str(item.data(_TEXT_ROLE))
            place = right_order.index(text) + 1
            mark = "✓" if place == row + 1 else f"✗ belongs at {place}"
            item.setText(f"{row + 1}. {text}   {mark}")
        self.clearSelection()
        self.updateGeometry()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Alt+Up and Alt+Down move the selected item."""
        if event.modifiers() & Qt.KeyboardModifier.AltModifier and event.key() in (
            Qt.Key.Key_Up,
            Qt.Key.Key_Down,
        ):
            self.move_current(-1 if event.key() == Qt.Key.Key_Up else 1)
            event.accept()
            return
        super().keyPressEvent(event)

    def _content_height(self) -> int:
        """The height the rows take at the current width, as laid out."""
        if self.count() == 0:
            return 0
        self.executeDelayedItemsLayout()
        last = self.visualRect(self.model().index(self.count() - 1, 0))
        return last.bottom() + self.verticalOffset() + self.spacing() + 1

    def sizeHint(self) -> QSize:
        """Tall enough to show every row, however they wrap, without scrolling."""
        chrome = 2 * self.frameWidth()
        if self.viewport().height() > 0 and self.height() > self.viewport().height():
            chrome = self.height() - self.viewport().height()
        return QSize(super().sizeHint().width(), self._content_height() + chrome)

    def minimumSizeHint(self) -> QSize:
        """As tall as :meth:`sizeHint`: the list never scrolls inside the page."""
        return QSize(super().minimumSizeHint().width(), self.sizeHint().height())

    def updateGeometries(self) -> None:
        """After the rows are laid out (a new width wraps them anew), ask for their height."""
        super().updateGeometries()
        height = self._content_height()
        if height != self._laid_out_height:
            self._laid_out_height = height
            self.updateGeometry()


class OrderingView(QuestionView):
    """The items in the presented order, to be put in the right order."""

    keys_hint = (
        "Drag the items into order, or select one and press Alt+Up or Alt+Down to move it. "
        "Press Enter to submit."
    )

    def __init__(self, item: StudyItem, parent: QWidget | None = None) -> None:
        self._warned = False
        super().__init__(item, parent)

    def build_inputs(self, layout: QVBoxLayout) -> None:
        """The list and buttons that move the selected item."""
        self.list = OrderList(self.item.options)
        self.list.setAccessibleName(self.answer_name("Order"))
        self.list.setAccessibleDescription(
            "Use Up and Down to select an item, Alt+Up and Alt+Down to move it."
        )
        layout.addWidget(self.list)
        row = QHBoxLayout()
        self.up_button = push_button("▲ Move up")
        self.down_button = push_button("▼ Move down")
        moves = (
            (self.up_button, -1, "Alt+Up", "Move up"),
            (self.down_button, 1, "Alt+Down", "Move down"),
        )
        for button, step, key, words in moves:
            button.setToolTip(f"{words} the selected item ({key})")
            button.setAccessibleName(f"{words} the selected item")
            button.setAccessibleDescription(f"Shortcut: {key}")
            # Reached by Tab (a click leaves the focus in the list, on the item moved).
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.clicked.connect(lambda _checked=False, s=step: self.list.move_current(s))
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.register_inputs([self.list, self.up_button, self.down_button])

    def current_response(self) -> object | None:
        """The items in the learner's order; None the first time when nothing was moved."""
        order = self.list.order()
        if order == self.item.options and not self._warned:
            self._warned = True
            return None
        return order

    def missing_message(self) -> str:
        """Nothing moved yet: the shown order is not an answer until the learner says so."""
        return (
            "You have not moved any item yet. Move them with Alt+Up and Alt+Down, "
            "or press Enter again to submit the order as shown, or Ctrl+Enter if you "
            "don't know."
        )

    def restore(self, response: object) -> None:
        """The order given before."""
        if isinstance(response, tuple):
            self.list.set_order(tuple(str(text) for text in response))

    def empty_response(self) -> object:
        """No order given."""
        return ()

    def show_marks(self, result: GradeResult) -> None:
        """Mark each item: in its place, or where it belongs."""
        question = self.item.question
        assert isinstance(question, Ordering)
        self.list.show_places(question.items)


class ElidingComboBox(QComboBox):
    """A combo box that cuts a long current text with "…" instead of clipping it mid-letter."""

    def paintEvent(self, event: QPaintEvent) -> None:
        """Draw the frame, then the current text elided to the room there is."""
        painter = QStylePainter(self)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        field = self.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox,
            option,
            QStyle.SubControl.SC_ComboBoxEditField,
            self,
        )
        text = option.currentText
        if self.currentIndex() < 0 and self.placeholderText():
            text = self.placeholderText()
            muted = option.palette.brush(QPalette.ColorRole.PlaceholderText)
            option.palette.setBrush(QPalette.ColorRole.ButtonText, muted)
        option.currentText = self.fontMetrics().elidedText(
            text, Qt.TextElideMode.ElideRight, max(0, field.width() - 4)
        )
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)


def _letter(index: int) -> str:
    return chr(ord("A") + index) if index < 26 else str(index + 1)


class MatchingView(QuestionView):
    """For each left item, a box to pick its partner from the right-hand options."""

    keys_hint = (
        "Choose a partner for each item (Tab moves between boxes, Up and Down or the "
        "option's letter choose). Press Enter to submit."
    )

    def __init__(self, item: StudyItem, parent: QWidget | None = None) -> None:
        self.boxes: list[tuple[str, ElidingComboBox]] = []
        self.left_labels: list[QLabel] = []
        self._warned: dict[str, str] | None = None
        super().__init__(item, parent)

    @property
    def matching(self) -> Matching:
        """The question as a matching."""
        question = self.item.question
        assert isinstance(question, Matching)
        return question

    def build_inputs(self, layout: QVBoxLayout) -> None:
        """The lettered options, when long, then one row per left item."""
        options = [f"{_letter(i)}. {text}" for i, text in enumerate(self.item.options)]
        if any(len(text) > LIST_OPTIONS_FROM for text in self.item.options):
            listing = wrapped_label("\n".join(options), object_name="matchingOptions")
            listing.setAccessibleName("Options: " + "; ".join(options))
            layout.addWidget(listing)
        rows = QVBoxLayout()
        rows.setSpacing(4)
        count = len(self.matching.pairs)
        for number, (left, _right) in enumerate(self.matching.pairs, 1):
            box = ElidingComboBox()
            box.setObjectName("matchingChoice")
            box.addItems(options)
            for index, text in enumerate(options):
                box.setItemData(index, text, Qt.ItemDataRole.ToolTipRole)
            box.setPlaceholderText("Choose…")
            box.setCurrentIndex(-1)
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.setMinimumContentsLength(12)
            # The open list wraps a long option instead of cutting out its middle.
            options_view = QListView()
            options_view.setWordWrap(True)
            options_view.setTextElideMode(Qt.TextElideMode.ElideNone)
            box.setView(options_view)
            box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            box.setAccessibleName(self.answer_name(f"Partner for {left}, item {number} of {count}"))
            box.currentIndexChanged.connect(
                lambda index, b=box: b.setToolTip(
                    plain_tip(b.itemText(index)) if index >= 0 else ""
                )
            )
            # The item above its box, not beside it: both can then use the full width.
            label = wrapped_label(f"{number}. {left}", object_name="matchingLeft", role="h3")
            label.setBuddy(box)
            if number > 1:
                rows.addSpacing(8)
            rows.addWidget(label)
            rows.addWidget(box)
            self.boxes.append((left, box))
            self.left_labels.append(label)
        layout.addLayout(rows)
        self.register_inputs([box for _left, box in self.boxes])

    def choose(self, left: str, right: str) -> None:
        """Pick ``right`` as the partner of ``left``."""
        for name, box in self.boxes:
            if name == left:
                box.setCurrentIndex(self.item.options.index(right))

    def restore(self, response: object) -> None:
        """The partners chosen before."""
        if isinstance(response, dict):
            for left, right in response.items():
                if right in self.item.options:
                    self.choose(str(left), str(right))

    def _chosen(self) -> dict[str, str]:
        return {
            left: self.item.options[box.currentIndex()]
            for left, box in self.boxes
            if box.currentIndex() >= 0
        }

    def current_response(self) -> object | None:
        """The pairs chosen; None while one is missing, unless the learner confirmed."""
        chosen = self._chosen()
        if len(chosen) == len(self.boxes) or (chosen and chosen == self._warned):
            return chosen
        self._warned = chosen
        return None

    def empty_response(self) -> object:
        """Nothing matched."""
        return {}

    def show_marks(self, result: GradeResult) -> None:
        """Mark each item ✓, or ✗ with the letter of its right partner."""
        dark = is_dark(self)
        rights = dict(self.matching.pairs)
        for number, ((left, box), label) in enumerate(
            zip(self.boxes, self.left_labels, strict=True), 1
        ):
            want = self.item.options.index(rights[left])
            right = box.currentIndex() == want
            verdict = Verdict.RIGHT if right else Verdict.WRONG
            mark = "✓" if right else f"✗ right: {_letter(want)}"
            label.setText(f"{number}. {left}   {mark}")
            label.setStyleSheet(f"color: {verdict_colour(verdict, dark=dark)};")
            box.setAccessibleDescription(
                "Right." if right else f"Wrong; the partner is {rights[left]}."
            )

    def missing_message(self) -> str:
        """Which items have no partner yet."""
        missing = [left for left, box in self.boxes if box.currentIndex() < 0]
        if len(missing) == len(self.boxes):
            return "Choose a partner for each item, or press Ctrl+Enter to say you don't know."
        names = ", ".join(f'"{name}"' for name in missing)
        return (
            f"No partner chosen yet for {names}. Choose one, "
            "or press Enter again to submit as it is."
        )
