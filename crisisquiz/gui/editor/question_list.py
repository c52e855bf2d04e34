"""The list of a draft's questions: what each is, its problems, and the ways to find and order them.

Each row says the question's number, kind and topic, the start of its text and, when
the live check finds any, a ⚠ with the number of problems. The list can be narrowed
by topic, by kind, to the questions with problems, and by words found anywhere in a
question. Questions are added by kind, duplicated, deleted (undo brings them back)
and moved with the buttons, Alt+Up and Alt+Down, or by dragging.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crisisquiz.core.draft_check import DraftCheck
from crisisquiz.core.pack_draft import DraftChange, DraftQuestion
from crisisquiz.core.pack_schema import CLOZE_BLANK, QuestionType
from crisisquiz.gui.editor.document import DraftDocument
from crisisquiz.gui.editor.fields import ComboBox, FlowButtons, MenuButton, key_text
from crisisquiz.gui.editor.question_form import TYPE_WORDS, type_name
from crisisquiz.gui.widgets import push_button, text_label

KEY_ROLE = Qt.ItemDataRole.UserRole
SHORT_TEXT = 70


def question_text(data: Mapping[str, Any]) -> str:
    """The words a question is known by: its prompt, statement or sentence (blanks in [ ])."""
    for name in ("prompt", "statement", "text"):
        value = data.get(name)
        if isinstance(value, str) and value.strip():
            return CLOZE_BLANK.sub(lambda m: f"[{m.group(1)}]", " ".join(value.split()))
    return "(not written yet)"


def searchable(data: Mapping[str, Any]) -> str:
    """Every text of a question, lower case, for the search box."""
    parts: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, Mapping):
            for inner in value.values():
                walk(inner)
        elif isinstance(value, list | tuple):
            for inner in value:
                walk(inner)

    walk(dict(data))
    return " ".join(parts).casefold()


class _ListWidget(QListWidget):
    """The questions. Dragging one with the mouse reports where it was dropped.

    The drag is the list's own (press, move, release), not a drag-and-drop between
    applications: a line shows where the question will land, and the move goes to the
    draft as an undoable change, after which the list is drawn again from it.
    """

    dropped = Signal(int, int)  # key, new position among all questions
    move_requested = Signal(int)  # -1 up, +1 down
    delete_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reorderable = True
        self._pressed: tuple[QListWidgetItem, QPoint] | None = None
        self._dragging = False
        self._indicator = QFrame(self.viewport())
        self._indicator.setFrameShape(QFrame.Shape.HLine)
        self._indicator.setLineWidth(3)
        self._indicator.hide()

    def drop_row(self, place: QPoint) -> int:
        """The position a question dropped at ``place`` would go to (before the move)."""
        target = self.indexAt(place)
        if not target.isValid():
            return self.count()
        row = target.row()
        return row + 1 if place.y() > self.visualRect(target).center().y() else row

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """Remember which question the button went down on."""
        super().mousePressEvent(event)
        item = self.itemAt(event.position().toPoint())
        if event.button() == Qt.MouseButton.LeftButton and item is not None:
            self._pressed = (item, event.position().toPoint())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        """Past the drag distance, show where the question would land."""
        if self._pressed is None or not event.buttons() & Qt.MouseButton.LeftButton:
            super().mouseMoveEvent(event)
            return
        place = event.position().toPoint()
        distance = (place - self._pressed[1]).manhattanLength()
        if not self._dragging and (
            distance < QApplication.startDragDistance() or not self.reorderable
        ):
            return
        self._dragging = True
        row = self.drop_row(place)
        if row < self.count():
            y = self.visualItemRect(self.item(row)).top()
        else:
            y = self.visualItemRect(self.item(self.count() - 1)).bottom()
        self._indicator.setGeometry(0, max(0, y - 1), self.viewport().width(), 3)
        self._indicator.show()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """Drop the dragged question where the line shows."""
        pressed, dragging = self._pressed, self._dragging
        self._pressed, self._dragging = None, False
        self._indicator.hide()
        if not dragging or pressed is None:
            super().mouseReleaseEvent(event)
            return
        moving = pressed[0]
        row = self.drop_row(event.position().toPoint())
        start = self.row(moving)
        if row > start:
            row -= 1  # the question leaves its old place first
        if row != start:
            self.dropped.emit(int(moving.data(KEY_ROLE)), row)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Alt+Up/Down move the question, Delete deletes it."""
        alt = bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
        if alt and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.move_requested.emit(-1 if event.key() == Qt.Key.Key_Up else 1)
            return
        if event.key() == Qt.Key.Key_Delete and not event.modifiers():
            self.delete_requested.emit()
            return
        super().keyPressEvent(event)


class QuestionList(QWidget):
    """The draft's questions with filters and the buttons that add, copy, delete and move.

    ``selected`` carries the key of the question chosen (None when none is).
    """

    selected = Signal(object)
    added = Signal(int)
    said = Signal(str)

    def __init__(self, document: DraftDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search all questions")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search the questions")
        self.search.setAccessibleDescription("Shows only questions with these words in any field")
        self.search.textChanged.connect(lambda _t: self._apply_filter())
        layout.addWidget(self.search)
        filters = QHBoxLayout()
        self.topic_filter = ComboBox()
        self.topic_filter.setAccessibleName("Show the questions of topic")
        self.topic_filter.activated.connect(lambda _i: self._apply_filter())
        self.type_filter = ComboBox()
        self.type_filter.setAccessibleName("Show the questions of kind")
        self.type_filter.addItem("All kinds", None)
        for qtype, (words, _purpose) in TYPE_WORDS.items():
            self.type_filter.addItem(words, qtype.value)
        self.type_filter.activated.connect(lambda _i: self._apply_filter())
        for box in (self.topic_filter, self.type_filter):
            # Narrow when they must be (a long topic is cut, its list shows it whole), so
            # at 200 % text the list leaves the question's form room to type in.
            box.setMinimumContentsLength(4)
            filters.addWidget(box, 1)
        layout.addLayout(filters)
        self.problems_only = QCheckBox("Only with problems")
        self.problems_only.setAccessibleName("Show only questions with problems")
        self.problems_only.toggled.connect(lambda _on: self._apply_filter())
        layout.addWidget(self.problems_only, 0, Qt.AlignmentFlag.AlignLeft)  # clicked on its words

        self.list = _ListWidget()
        self.list.setAccessibleName("Questions")
        self.list.setWordWrap(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.currentItemChanged.connect(lambda current, _old: self._current_changed(current))
        self.list.dropped.connect(self._dropped)
        self.list.move_requested.connect(self.move_current)
        self.list.delete_requested.connect(self.delete_current)
        layout.addWidget(self.list, 1)
        self.count_label = text_label("", "small")
        self.count_label.setAccessibleDescription("How many questions are shown")
        layout.addWidget(self.count_label)

        self.add_menu = QMenu(self)
        self.add_menu.setAccessibleName("Kinds of question")
        self.add_menu.setToolTipsVisible(True)
        self.add_button = MenuButton(
            "&Add a question…",
            self.add_menu,
            description="Choose the kind of question to add after this one",
        )
        for qtype, (words, purpose) in TYPE_WORDS.items():
            self.add_button.add_choice(words, purpose, partial(self.add_question, qtype))
        self.duplicate_button = push_button(
            "Dupli&cate", description=f"Add a copy of this question after it ({key_text('Ctrl+D')})"
        )
        self.duplicate_button.clicked.connect(self.duplicate_current)
        self.delete_button = push_button(
            "Delete",
            description="Delete this question (Delete key); Undo brings it back",
            role="danger",
        )
        self.delete_button.clicked.connect(self.delete_current)
        self.up_button = push_button("Move up", description="Move this question up (Alt+Up)")
        self.up_button.clicked.connect(lambda: self.move_current(-1))
        self.down_button = push_button(
            "Move down", description="Move this question down (Alt+Down)"
        )
        self.down_button.clicked.connect(lambda: self.move_current(1))
        buttons = FlowButtons(
            [
                self.add_button,
                self.duplicate_button,
                self.delete_button,
                self.up_button,
                self.down_button,
            ]
        )
        layout.addWidget(buttons)
        document.changed.connect(self._draft_changed)
        document.checked.connect(self._checked)
        self._fill_topics()
        self.rebuild()

    # -- showing -------------------------------------------------------------------------------

    def rebuild(self, select: int | None = None) -> None:
        """List every question again, keeping (or setting) the selection."""
        keep = select if select is not None else self.current_key()
        self.list.blockSignals(True)
        self.list.clear()
        for question in self.document.draft.questions:
            item = QListWidgetItem()
            item.setData(KEY_ROLE, question.key)
            self.list.addItem(item)
            self._describe(item, question)
        self.list.blockSignals(False)
        self._apply_filter()
        target = self._item_for(keep) if keep is not None else None
        if target is None and self.list.count():
            target = next(
                (
                    self.list.item(i)
                    for i in range(self.list.count())
                    if not self.list.item(i).isHidden()
                ),
                None,
            )
        if target is not None:
            self.list.setCurrentItem(target)
        else:
            self.selected.emit(None)
        self._update_buttons()

    def _describe(self, item: QListWidgetItem, question: DraftQuestion) -> None:
        draft = self.document.draft
        position = draft.position(question.key)
        data = question.data
        topics = {str(t.get("id")): str(t.get("title") or t.get("id")) for t in draft.topics}
        topic = topics.get(str(data.get("topic")), str(data.get("topic") or "no topic"))
        problems = self.document.check.of_question(position)
        text = question_text(data)
        short = text if len(text) <= SHORT_TEXT else text[: SHORT_TEXT - 1].rstrip() + "…"
        head = f"{position + 1}. {type_name(data.get('type'))} · {topic}"
        if problems:
            count = len(problems)
            head = f"⚠ {head} · {count} problem{'s' if count != 1 else ''}"
        item.setText(f"{head}\n{short}")
        item.setToolTip("\n".join(p.message for p in problems) or text)
        spoken = f"Question {position + 1}, {type_name(data.get('type'))}, {topic}: {text}."
        if problems:
            spoken += f" {len(problems)} problem{'s' if len(problems) != 1 else ''}: " + " ".join(
                p.message for p in problems
            )
        item.setData(Qt.ItemDataRole.AccessibleTextRole, spoken)
        item.setData(Qt.ItemDataRole.UserRole + 1, bool(problems))
        item.setData(Qt.ItemDataRole.UserRole + 2, searchable(data))

    def _fill_topics(self) -> None:
        wanted = self.topic_filter.currentData()
        self.topic_filter.clear()
        self.topic_filter.addItem("All topics", None)
        for topic in self.document.draft.topics:
            self.topic_filter.addItem(str(topic.get("title") or topic.get("id")), topic.get("id"))
        self.topic_filter.setCurrentIndex(max(0, self.topic_filter.findData(wanted)))

    def _apply_filter(self) -> None:
        words = self.search.text().casefold().split()
        topic = self.topic_filter.currentData()
        kind = self.type_filter.currentData()
        only_problems = self.problems_only.isChecked()
        shown = 0
        for row in range(self.list.count()):
            item = self.list.item(row)
            question = self._question(item)
            if question is None:
                continue
            text = str(item.data(Qt.ItemDataRole.UserRole + 2) or "")
            hidden = (
                (topic is not None and question.data.get("topic") != topic)
                or (kind is not None and question.data.get("type") != kind)
                or (only_problems and not item.data(Qt.ItemDataRole.UserRole + 1))
                or any(word not in text for word in words)
            )
            item.setHidden(hidden)
            shown += not hidden
        total = self.list.count()
        self.count_label.setText(
            f"{total} question{'s' if total != 1 else ''}"
            if shown == total
            else f"Showing {shown} of {total} questions"
        )
        # Reordering a narrowed list would put questions among hidden ones: only the whole list.
        self.list.reorderable = shown == total
        self._update_buttons()

    def _question(self, item: QListWidgetItem | None) -> DraftQuestion | None:
        if item is None:
            return None
        try:
            return self.document.draft.question(int(item.data(KEY_ROLE)))
        except KeyError:
            return None

    def _item_for(self, key: int | None) -> QListWidgetItem | None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(KEY_ROLE) == key:
                return item
        return None

    def current_key(self) -> int | None:
        """The key of the selected question."""
        item = self.list.currentItem()
        return int(item.data(KEY_ROLE)) if item is not None else None

    def select(self, key: int) -> None:
        """Select the question with ``key`` (showing it even if the filters hid it)."""
        item = self._item_for(key)
        if item is None:
            return
        if item.isHidden():
            self.search.clear()
            self.topic_filter.setCurrentIndex(0)
            self.type_filter.setCurrentIndex(0)
            self.problems_only.setChecked(False)
            self._apply_filter()
        self.list.setCurrentItem(item)
        self.list.scrollToItem(item)

    def _current_changed(self, item: QListWidgetItem | None) -> None:
        self._update_buttons()
        self.selected.emit(int(item.data(KEY_ROLE)) if item is not None else None)

    def _update_buttons(self) -> None:
        key = self.current_key()
        whole = self.count_label.text().startswith(str(self.list.count()))
        position = self.document.draft.position(key) if key is not None else -1
        last = len(self.document.draft.questions) - 1
        for button in (self.duplicate_button, self.delete_button):
            button.setEnabled(key is not None)
        self.up_button.setEnabled(key is not None and whole and position > 0)
        self.down_button.setEnabled(key is not None and whole and 0 <= position < last)

    # -- changes -------------------------------------------------------------------------------

    def _draft_changed(self, change: DraftChange) -> None:
        if change.topics:
            self._fill_topics()
        if change.question_list or change.topics:
            self.rebuild()
            return
        for key in change.questions:
            item = self._item_for(key)
            if item is not None:
                self._describe(item, self.document.draft.question(key))
        if change.questions:
            self._apply_filter()

    def _checked(self, _check: DraftCheck) -> None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            question = self._question(item)
            if question is not None:
                self._describe(item, question)
        self._apply_filter()

    def add_question(self, qtype: QuestionType, *, cites: str | None = None) -> int:
        """Add a question of ``qtype`` after the selected one; returns its key."""
        key = self.current_key()
        draft = self.document.draft
        at = draft.position(key) + 1 if key is not None else len(draft.questions)
        topic = self.topic_filter.currentData()
        if topic is None and key is not None:
            topic = draft.question(key).data.get("topic")
        values = draft.new_question(qtype, topic=topic, cites=cites)
        added: list[int] = []
        self.document.apply(
            f"Add a {type_name(qtype.value).lower()} question",
            lambda d: added.append(d.add_question(values, at).key),
        )
        self.select(added[0])
        self.said.emit(f"Question {at + 1} added: {type_name(qtype.value).lower()}.")
        self.added.emit(added[0])
        return added[0]

    def duplicate_current(self) -> None:
        """Add a copy of the selected question after it."""
        key = self.current_key()
        if key is None:
            return
        copied: list[int] = []
        self.document.apply(
            "Duplicate a question", lambda d: copied.append(d.duplicate_question(key).key)
        )
        self.select(copied[0])
        self.said.emit(f"Question {self.document.draft.position(copied[0]) + 1} is a copy.")

    def delete_current(self) -> None:
        """Delete the selected question (undo brings it back)."""
        key = self.current_key()
        if key is None:
            return
        position = self.document.draft.position(key)
        self.document.apply("Delete a question", lambda d: d.remove_question(key))
        remaining = self.document.draft.questions
        if remaining:
            self.select(remaining[min(position, len(remaining) - 1)].key)
        self.list.setFocus(Qt.FocusReason.OtherFocusReason)
        undo = key_text(QKeySequence(QKeySequence.StandardKey.Undo).toString())
        self.said.emit(f"Question {position + 1} deleted. Undo ({undo}) brings it back.")

    def move_current(self, step: int) -> None:
        """Move the selected question up (-1) or down (+1)."""
        key = self.current_key()
        if key is None or (not self.up_button.isEnabled() and not self.down_button.isEnabled()):
            return
        position = self.document.draft.position(key)
        target = position + step
        if not 0 <= target < len(self.document.draft.questions):
            return
        self.document.apply("Move a question", lambda d: d.move_question(key, target))
        self.select(key)
        self.list.setFocus(Qt.FocusReason.OtherFocusReason)
        self.said.emit(f"Question moved to place {target + 1}.")

    def _dropped(self, key: int, row: int) -> None:
        self.document.apply("Move a question", lambda d: d.move_question(key, row))
        self.select(key)
        self.said.emit(f"Question moved to place {row + 1}.")

    def buttons(self) -> list[QPushButton]:
        """The list's buttons, in order."""
        return [
            self.add_button,
            self.duplicate_button,
            self.delete_button,
            self.up_button,
            self.down_button,
        ]
