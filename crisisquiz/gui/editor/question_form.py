"""One question's form: the fields of its type in plain words, then what every question shares.

Each type has its own part (the front and back of a flashcard, choices with the right
one marked, a sentence whose blanks are made by selecting words...). Every edit goes
to the document as an undoable change; after undo or redo the form shows the draft
again without losing the cursor in the field being typed in.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QKeySequence,
    QPixmap,
    QShortcut,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from crisisquiz.core.draft_check import DraftCheck
from crisisquiz.core.pack_draft import PackDraft
from crisisquiz.core.pack_schema import CLOZE_BLANK, QuestionType, SourceKind
from crisisquiz.core.slugs import slugify, unique_id
from crisisquiz.gui.editor.document import DraftDocument
from crisisquiz.gui.editor.fields import (
    ComboBox,
    Field,
    FlowButtons,
    ListEditor,
    PlainTextEdit,
    key_text,
    set_line_text,
    set_plain_text,
    tab_in_reading_order,
)
from crisisquiz.gui.widgets import heading, push_button, text_label

# How each type is called in the editor, and what it is for.
TYPE_WORDS: dict[QuestionType, tuple[str, str]] = {
    QuestionType.FLASHCARD: ("Flashcard", "A front and a back; learners rate their own recall"),
    QuestionType.MULTIPLE_CHOICE: ("Multiple choice", "One right answer among choices"),
    QuestionType.MULTI_SELECT: ("Tick all that apply", "Several right answers among choices"),
    QuestionType.TRUE_FALSE: ("True or false", "A statement learners judge"),
    QuestionType.SHORT_ANSWER: ("Typed answer", "Learners type the answer; small slips forgiven"),
    QuestionType.CLOZE: ("Fill in the blanks", "A sentence with words to fill in"),
    QuestionType.ORDERING: ("Put in order", "Items learners put in the right order"),
    QuestionType.MATCHING: ("Matching", "Pairs learners match up"),
    QuestionType.YEAR: ("Year", "A year, exact or within a few years"),
    QuestionType.NUMBER: ("Number", "A number, exact or within a margin"),
}
DIFFICULTY_WORDS = (
    (1, "1 — recall of a headline fact"),
    (2, "2 — a fact to remember"),
    (3, "3 — a detail, or two facts together"),
    (4, "4 — cause and effect, comparison"),
    (5, "5 — interpretation, reading sources critically"),
)
IMAGE_FILTER = "Pictures (*.png *.jpg *.jpeg *.gif *.webp *.svg)"
BLANK_KEYS = "Ctrl+B"


def type_name(value: object) -> str:
    """A question type in the editor's words."""
    try:
        return TYPE_WORDS[QuestionType(str(value))][0]
    except ValueError:
        return str(value)


def _as_list(value: object) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def _text(value: object) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


def parse_number(text: str) -> int | float | str:
    """A typed number (a comma or a point before decimals); the text itself when it is none."""
    cleaned = text.strip().replace(" ", "").replace(",", ".")
    try:
        number = float(cleaned)
    except ValueError:
        return text.strip()
    if not math.isfinite(number):
        return text.strip()
    return int(number) if number.is_integer() and "." not in cleaned else number


class _Part(QWidget):
    """The fields of one part of the form, bound to the question being edited."""

    def __init__(self, form: QuestionForm) -> None:
        super().__init__()
        self.form = form
        self.fields: dict[str, Field] = {}
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.box.setSpacing(14)

    def field(self, names: Sequence[str], label: str, help_text: str = "") -> Field:
        """A new field, shown for problems of ``names``."""
        made = Field(label, help_text)
        for name in names:
            self.fields[name] = made
        self.box.addWidget(made)
        return made

    def text_field(
        self, name: str, label: str, help_text: str, *, lines: int = 0, what: str = ""
    ) -> QLineEdit | PlainTextEdit:
        """A field editing the text of ``name``."""
        field = self.field([name], label, help_text)
        editor: QLineEdit | PlainTextEdit
        if lines:
            editor = PlainTextEdit(lines=lines)
            editor.textChanged.connect(
                lambda: self.form.set_fields({name: editor.toPlainText()}, what or label, name)
            )
        else:
            editor = QLineEdit()
            editor.textEdited.connect(
                lambda text: self.form.set_fields({name: text}, what or label, name)
            )
        field.add_editor(editor)
        self.form.loaders.append(lambda data: _show_text(editor, _text(data.get(name))))
        return editor

    def load(self, data: Mapping[str, Any]) -> None:
        """Show the question's values (the form calls its loaders; parts may add more)."""


def _show_text(editor: QLineEdit | PlainTextEdit, text: str) -> None:
    if isinstance(editor, QLineEdit):
        set_line_text(editor, text)
    else:
        editor.blockSignals(True)
        set_plain_text(editor, text)
        editor.blockSignals(False)


# -- the ten types ---------------------------------------------------------------------------


class _FlashcardPart(_Part):
    def __init__(self, form: QuestionForm) -> None:
        super().__init__(form)
        self.text_field(
            "prompt", "Front of the card", "What the learner sees first.", lines=2, what="Front"
        )
        self.text_field(
            "answer",
            "Back of the card",
            "The answer learners check themselves against, then rate how well they knew it.",
            lines=3,
            what="Back",
        )


class _ChoicesPart(_Part):
    """Multiple choice (one mark) and tick-all-that-apply (several marks)."""

    def __init__(self, form: QuestionForm, *, several: bool) -> None:
        super().__init__(form)
        self.several = several
        self.text_field("prompt", "Question", "Ask one clear question.", lines=2)
        names = ["choices", "answers"] if several else ["choices", "answer"]
        help_text = (
            "Tick every right choice (Space ticks). Learners must pick all of them and "
            "nothing else."
            if several
            else "Mark the one right choice (Space marks it, the arrow keys move the mark). "
            "Learners see the choices shuffled."
        )
        field = self.field(names, "Choices", help_text)
        self.choices = ListEditor(
            "choice",
            mark="check" if several else "radio",
            mark_text="Right",
            placeholders=("A choice",),
        )
        field.add_editor(self.choices)
        self.choices.edited.connect(self._edited)

    def _edited(self) -> None:
        texts = self.choices.texts()
        marked = [t for t, m in zip(texts, self.choices.marks(), strict=True) if m]
        if self.several:
            self.form.set_fields({"choices": texts, "answers": marked}, "Choices", "choices")
        else:
            answer = marked[0] if marked else ""
            self.form.set_fields({"choices": texts, "answer": answer}, "Choices", "choices")

    def load(self, data: Mapping[str, Any]) -> None:
        choices = [_text(c) for c in _as_list(data.get("choices"))]
        if self.several:
            right = {_text(a) for a in _as_list(data.get("answers"))}
            marks = [c in right for c in choices]
        else:
            answer = _text(data.get("answer"))
            marks = [False] * len(choices)
            if answer and answer in choices:
                marks[choices.index(answer)] = True
        self.choices.set_rows([[c] for c in choices], marks)


class _TrueFalsePart(_Part):
    def __init__(self, form: QuestionForm) -> None:
        super().__init__(form)
        self.text_field(
            "statement",
            "Statement",
            "A sentence learners judge true or false. Make it wholly true or clearly false.",
            lines=2,
        )
        field = self.field(["answer"], "The statement is", "")
        row = QHBoxLayout()
        self.true = QRadioButton("True")
        self.false = QRadioButton("False")
        self.group = QButtonGroup(self)
        for button in (self.true, self.false):
            self.group.addButton(button)
            row.addWidget(button)
        row.addStretch(1)
        field.body.addLayout(row)
        field.describe(self.true, "The statement is true")
        field.describe(self.false, "The statement is false")
        self.true.toggled.connect(self._edited)
        self.text_field(
            "prompt",
            "Instruction (optional)",
            "Shown above the statement, e.g. “According to the essay:”.",
            what="Instruction",
        )

    def _edited(self) -> None:
        self.form.set_fields({"answer": self.true.isChecked()}, "True or false", None)

    def load(self, data: Mapping[str, Any]) -> None:
        answer = data.get("answer")
        for button, wanted in ((self.true, answer is True), (self.false, answer is False)):
            button.blockSignals(True)
            button.setChecked(wanted)
            button.blockSignals(False)


class _ShortAnswerPart(_Part):
    def __init__(self, form: QuestionForm) -> None:
        super().__init__(form)
        self.text_field("prompt", "Question", "Ask for one word, name or short phrase.", lines=2)
        self.text_field(
            "answer",
            "Right answer",
            "Capitals, accents, punctuation and a leading “the” do not matter; small spelling "
            "slips are forgiven.",
            what="Answer",
        )
        field = self.field(["accept"], "Other right answers", "Other forms that count as right.")
        self.accept = ListEditor("other right answer", add_text="Add another right answer")
        field.add_editor(self.accept)
        self.accept.edited.connect(
            lambda: self.form.set_fields({"accept": self.accept.texts()}, "Other answers", "accept")
        )
        field = self.field(
            ["reject"],
            "Wrong answers to refuse",
            "Near misses that must count as wrong even though they look close (Brezhnev for "
            "Khrushchev).",
        )
        self.reject = ListEditor("wrong answer", add_text="Add a wrong answer to refuse")
        field.add_editor(self.reject)
        self.reject.edited.connect(
            lambda: self.form.set_fields({"reject": self.reject.texts()}, "Refused", "reject")
        )

    def load(self, data: Mapping[str, Any]) -> None:
        self.accept.set_rows([[_text(v)] for v in _as_list(data.get("accept"))])
        self.reject.set_rows([[_text(v)] for v in _as_list(data.get("reject"))])


class _BlankHighlighter(QSyntaxHighlighter):
    """Shows each blank of a cloze sentence underlined and bold, its braces faint."""

    def __init__(self, document: QTextDocument, colour: QColor) -> None:
        super().__init__(document)
        self._blank = QTextCharFormat()
        self._blank.setFontWeight(700)
        self._blank.setFontUnderline(True)
        self._blank.setForeground(colour)
        self._braces = QTextCharFormat()
        self._braces.setForeground(QColor(colour.red(), colour.green(), colour.blue(), 110))

    def highlightBlock(self, text: str) -> None:
        """Mark the blanks of one line."""
        for found in CLOZE_BLANK.finditer(text):
            start, end = found.span()
            self.setFormat(start, 2, self._braces)
            self.setFormat(start + 2, end - start - 4, self._blank)
            self.setFormat(end - 2, 2, self._braces)


class _ClozePart(_Part):
    def __init__(self, form: QuestionForm) -> None:
        super().__init__(form)
        field = self.field(
            ["text"],
            "Sentence with blanks",
            f"Write the sentence, select the words learners must fill in and press "
            f"“Make a blank” ({key_text(BLANK_KEYS)}). Blanks show underlined.",
        )
        self.text = PlainTextEdit(lines=3)
        field.add_editor(self.text)
        self.text.textChanged.connect(
            lambda: self.form.set_fields({"text": self.text.toPlainText()}, "Sentence", "text")
        )
        self.form.loaders.append(lambda data: _show_text(self.text, _text(data.get("text"))))
        colour = self.palette().color(self.palette().ColorRole.Highlight)
        self._highlighter = _BlankHighlighter(self.text.document(), colour)
        self.make_blank = push_button(
            "Make a &blank",
            description=f"Turn the selected words into a blank ({key_text(BLANK_KEYS)})",
        )
        self.make_blank.clicked.connect(self.blank_selection)
        self.remove_blank = push_button(
            "Remove the blank", description="Turn the blank at the cursor back into plain words"
        )
        self.remove_blank.clicked.connect(self.unblank_at_cursor)
        field.body.addWidget(FlowButtons([self.make_blank, self.remove_blank]))
        shortcut = QShortcut(QKeySequence(BLANK_KEYS), self.text)
        shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        shortcut.activated.connect(self.blank_selection)
        self.blanks_field = self.field(
            ["accept"],
            "Other right answers for each blank",
            "Optional. Separate several with a semicolon (;).",
        )
        self.blank_rows: list[QLineEdit] = []
        self.blank_labels: list[QLabel] = []
        self.blanks_box = QVBoxLayout()
        self.blanks_field.body.addLayout(self.blanks_box)
        self.no_blanks = text_label("No blanks yet.", "small")
        self.blanks_box.addWidget(self.no_blanks)
        self.text_field(
            "prompt",
            "Instruction (optional)",
            "Shown above the sentence, e.g. “Fill in the names.”.",
            what="Instruction",
        )
        self._accept: list[list[str]] = []

    def blank_selection(self) -> None:
        """Make the selected words a blank ``{{...}}``."""
        cursor = self.text.textCursor()
        chosen = cursor.selectedText().strip()
        if not chosen or "{{" in chosen or "}}" in chosen:
            self.form.say("Select the words to make a blank of first.")
            return
        start, end = cursor.selectionStart(), cursor.selectionEnd()
        text = self.text.toPlainText()
        # Spaces picked up with a double-click stay outside the blank.
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        before = text[:start]
        number = len(CLOZE_BLANK.findall(before))
        new_text = before + "{{" + text[start:end] + "}}" + text[end:]
        accept = self._current_accept()
        while len(accept) < number:
            accept.append([])
        accept.insert(number, [])
        values: dict[str, Any] = {"text": new_text}
        if any(accept):
            values["accept"] = accept
        self.form.set_fields(values, "Make a blank", None)
        cursor = self.text.textCursor()
        cursor.setPosition(end + 4)
        self.text.setTextCursor(cursor)
        self.form.say(f"Blank {number + 1} made: {text[start:end]}.")

    def unblank_at_cursor(self) -> None:
        """Turn the blank the cursor is in back into plain words."""
        text = self.text.toPlainText()
        position = self.text.textCursor().position()
        for number, found in enumerate(CLOZE_BLANK.finditer(text)):
            if found.start() <= position <= found.end():
                new_text = text[: found.start()] + found.group(1) + text[found.end() :]
                accept = self._current_accept()
                if number < len(accept):
                    accept.pop(number)
                values: dict[str, Any] = {"text": new_text}
                values["accept"] = accept if any(accept) else []
                self.form.set_fields(values, "Remove a blank", None)
                self.form.say(f"Blank {number + 1} is plain words again.")
                return
        self.form.say("Put the cursor in a blank to remove it.")

    def _current_accept(self) -> list[list[str]]:
        return [list(row) for row in self._accept]

    def _accept_edited(self) -> None:
        accept = [
            [part.strip() for part in edit.text().split(";") if part.strip()]
            for edit in self.blank_rows
        ]
        values = {"accept": accept if any(accept) else []}
        self.form.set_fields(values, "Other right answers", "accept")

    def load(self, data: Mapping[str, Any]) -> None:
        blanks = [b.strip() for b in CLOZE_BLANK.findall(_text(data.get("text")))]
        self._accept = [[_text(v) for v in _as_list(row)] for row in _as_list(data.get("accept"))]
        while len(self.blank_rows) > len(blanks):
            edit = self.blank_rows.pop()
            self.blank_labels.pop()
            holder = edit.parentWidget()
            if holder is not None:
                holder.hide()
                holder.deleteLater()
        while len(self.blank_rows) < len(blanks):
            holder = QWidget()
            row = QVBoxLayout(holder)
            row.setContentsMargins(0, 0, 0, 0)
            label = text_label("", "small")
            edit = QLineEdit()
            label.setBuddy(edit)
            edit.textEdited.connect(lambda _t: self._accept_edited())
            row.addWidget(label)
            row.addWidget(edit)
            self.blanks_box.addWidget(holder)
            self.blank_rows.append(edit)
            self.blank_labels.append(label)
        for number, (blank, edit, label) in enumerate(
            zip(blanks, self.blank_rows, self.blank_labels, strict=True)
        ):
            label.setText(f"Blank {number + 1}: {blank}")
            edit.setAccessibleName(f"Other right answers for blank {number + 1} ({blank})")
            edit.setPlaceholderText("Other right answers, separated by ;")
            accepted = self._accept[number] if number < len(self._accept) else []
            set_line_text(edit, "; ".join(accepted))
        self.no_blanks.setVisible(not blanks)


class _OrderingPart(_Part):
    def __init__(self, form: QuestionForm) -> None:
        super().__init__(form)
        self.text_field(
            "prompt", "Question", "Say what the order is, e.g. “Earliest first.”", lines=2
        )
        field = self.field(
            ["items"],
            "Items in the right order",
            "At least three, listed in the right order; learners see them shuffled.",
        )
        self.items = ListEditor("item", placeholders=("An item",))
        field.add_editor(self.items)
        self.items.edited.connect(
            lambda: self.form.set_fields({"items": self.items.texts()}, "Items", "items")
        )

    def load(self, data: Mapping[str, Any]) -> None:
        self.items.set_rows([[_text(v)] for v in _as_list(data.get("items"))])


class _MatchingPart(_Part):
    def __init__(self, form: QuestionForm) -> None:
        super().__init__(form)
        self.text_field(
            "prompt",
            "Question",
            "Say what to match, e.g. “Match each person to their role.”",
            lines=2,
        )
        field = self.field(
            ["pairs"],
            "Pairs",
            "Each left item with its match. Learners see the right-hand items shuffled.",
        )
        self.pairs = ListEditor(
            "pair", columns=2, placeholders=("Left, e.g. a person", "Its match, e.g. a role")
        )
        field.add_editor(self.pairs)
        self.pairs.edited.connect(self._pairs_edited)
        field = self.field(
            ["extra"],
            "Extra right-hand options (optional)",
            "Options that match nothing, so the last pair is not given away.",
        )
        self.extra = ListEditor("extra option", add_text="Add an extra option")
        field.add_editor(self.extra)
        self.extra.edited.connect(
            lambda: self.form.set_fields({"extra": self.extra.texts()}, "Extra options", "extra")
        )

    def _pairs_edited(self) -> None:
        self.form.set_fields({"pairs": self.pairs.values()}, "Pairs", "pairs")

    def load(self, data: Mapping[str, Any]) -> None:
        rows = [[_text(v) for v in _as_list(pair)] for pair in _as_list(data.get("pairs"))]
        self.pairs.set_rows(rows)
        self.extra.set_rows([[_text(v)] for v in _as_list(data.get("extra"))])


class _YearPart(_Part):
    def __init__(self, form: QuestionForm) -> None:
        super().__init__(form)
        self.text_field("prompt", "Question", "Ask for one year.", lines=2)
        field = self.field(["answer"], "Year", "Write years before the common era as negative.")
        self.year = QSpinBox()
        self.year.setRange(-100_000, 100_000)  # as the pack format allows
        field.add_editor(self.year)
        self.year.valueChanged.connect(
            lambda value: self.form.set_fields({"answer": value}, "Year", "answer")
        )
        field = self.field(
            ["tolerance"], "Also right within", "Years either side still counted right (0: exact)."
        )
        self.tolerance = QSpinBox()
        self.tolerance.setRange(0, 100)
        self.tolerance.setSuffix(" years")
        field.add_editor(self.tolerance)
        self.tolerance.valueChanged.connect(
            lambda value: self.form.set_fields({"tolerance": value}, "Tolerance", "tolerance")
        )

    def load(self, data: Mapping[str, Any]) -> None:
        for box, value in (
            (self.year, data.get("answer")),
            (self.tolerance, data.get("tolerance", 0)),
        ):
            if isinstance(value, int) and not isinstance(value, bool) and box.value() != value:
                box.blockSignals(True)
                box.setValue(value)
                box.blockSignals(False)


class _NumberPart(_Part):
    def __init__(self, form: QuestionForm) -> None:
        super().__init__(form)
        self.text_field("prompt", "Question", "Ask for one number; say the unit.", lines=2)
        field = self.field(["answer"], "Right number", "A point or a comma before decimals.")
        self.answer = QLineEdit()
        field.add_editor(self.answer)
        self.answer.textEdited.connect(
            lambda text: self.form.set_fields({"answer": parse_number(text)}, "Number", "answer")
        )
        field = self.field(
            ["tolerance"],
            "Also right within",
            "How far either side still counts as right (0: exact).",
        )
        self.tolerance = QLineEdit()
        field.add_editor(self.tolerance)
        self.tolerance.textEdited.connect(
            lambda text: self.form.set_fields(
                {"tolerance": parse_number(text) if text.strip() else 0}, "Tolerance", "tolerance"
            )
        )

    def load(self, data: Mapping[str, Any]) -> None:
        for edit, value in (
            (self.answer, data.get("answer")),
            (self.tolerance, data.get("tolerance")),
        ):
            shown = "" if value in (None, 0) and edit is self.tolerance else _text(value)
            if parse_number(edit.text()) != value:
                set_line_text(edit, shown)


_PARTS: dict[QuestionType, Callable[[QuestionForm], _Part]] = {
    QuestionType.FLASHCARD: _FlashcardPart,
    QuestionType.MULTIPLE_CHOICE: lambda form: _ChoicesPart(form, several=False),
    QuestionType.MULTI_SELECT: lambda form: _ChoicesPart(form, several=True),
    QuestionType.TRUE_FALSE: _TrueFalsePart,
    QuestionType.SHORT_ANSWER: _ShortAnswerPart,
    QuestionType.CLOZE: _ClozePart,
    QuestionType.ORDERING: _OrderingPart,
    QuestionType.MATCHING: _MatchingPart,
    QuestionType.YEAR: _YearPart,
    QuestionType.NUMBER: _NumberPart,
}


# -- what every question shares -------------------------------------------------------------


class CitationsEditor(QWidget):
    """The question's citations: a source and, for a document, the sentence; each can open."""

    edited = Signal()
    open_requested = Signal(str, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._sources: list[tuple[str, str, SourceKind]] = []
        self._lines: dict[str, list[str] | None] = {}
        self._rows: list[tuple[QWidget, QComboBox, QSpinBox, QLabel]] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self._box = QVBoxLayout()
        layout.addLayout(self._box)
        self.none_label = text_label("No citations yet.", "small")
        layout.addWidget(self.none_label)
        row = QHBoxLayout()
        self.add_button = push_button(
            "Add a citation", description="Cite a source, or a sentence of a document"
        )
        self.add_button.clicked.connect(self._add)
        row.addWidget(self.add_button)
        row.addStretch(1)
        layout.addLayout(row)

    def set_sources(self, draft: PackDraft) -> None:
        """The sources a citation may name, and the texts of the documents."""
        self._sources = []
        for source in draft.sources:
            kind = source.get("kind", SourceKind.DOCUMENT.value)
            source_id = _text(source.get("id"))
            self._sources.append(
                (
                    source_id,
                    _text(source.get("title")) or source_id,
                    SourceKind.REFERENCE
                    if kind == SourceKind.REFERENCE.value
                    else SourceKind.DOCUMENT,
                )
            )
            self._lines[source_id] = draft.document_lines(source_id)

    def refs(self) -> list[str]:
        """The citations as the format writes them: ``essay:12``, ``essay`` or ``dobbs``."""
        refs = []
        for _holder, combo, spin, _label in self._rows:
            source_id = _text(combo.currentData())
            if not source_id:
                continue
            refs.append(f"{source_id}:{spin.value()}" if spin.value() else source_id)
        return refs

    def set_refs(self, refs: Sequence[str]) -> None:
        """Show ``refs``, keeping the rows that stay."""
        while len(self._rows) > len(refs):
            holder = self._rows.pop()[0]
            holder.hide()
            holder.deleteLater()
        while len(self._rows) < len(refs):
            self._new_row()
        for (_holder, combo, spin, label), ref in zip(self._rows, refs, strict=True):
            source_id, _, line = ref.partition(":")
            self._fill(combo, source_id)
            spin.blockSignals(True)
            spin.setValue(int(line) if line.isdigit() else 0)
            spin.blockSignals(False)
            self._describe(combo, spin, label)
        self.none_label.setVisible(not refs)
        self._name_rows()

    def _fill(self, combo: QComboBox, source_id: str) -> None:
        combo.blockSignals(True)
        combo.clear()
        for sid, title, _kind in self._sources:
            combo.addItem(title, sid)
        index = combo.findData(source_id)
        if index < 0 and source_id:
            combo.addItem(f"{source_id} (not a source of the pack)", source_id)
            index = combo.count() - 1
        combo.setCurrentIndex(index)
        combo.blockSignals(False)

    def _new_row(self) -> None:
        holder = QWidget()
        outer = QVBoxLayout(holder)
        outer.setContentsMargins(0, 0, 0, 0)
        combo = ComboBox()
        spin = QSpinBox()
        spin.setRange(0, 100000)
        spin.setSpecialValueText("whole")
        spin.setPrefix("sentence ")
        show = push_button("Show")
        remove = push_button("✕")
        # The source on one line, its sentence and buttons below: it fits at any text size.
        outer.addWidget(combo)
        outer.addWidget(FlowButtons([spin, show, remove]))
        label = text_label("", "small")
        outer.addWidget(label)
        self._box.addWidget(holder)
        entry = (holder, combo, spin, label)
        self._rows.append(entry)
        combo.currentIndexChanged.connect(lambda _i: self._changed(entry))
        spin.valueChanged.connect(lambda _v: self._changed(entry))
        show.clicked.connect(lambda: self._show(entry))
        remove.clicked.connect(lambda: self._remove(entry))
        holder.setProperty("buttons", (show, remove))

    def _changed(self, entry: tuple[QWidget, QComboBox, QSpinBox, QLabel]) -> None:
        self._describe(entry[1], entry[2], entry[3])
        self.edited.emit()

    def _describe(self, combo: QComboBox, spin: QSpinBox, label: QLabel) -> None:
        source_id = _text(combo.currentData())
        kind = next((k for sid, _t, k in self._sources if sid == source_id), SourceKind.DOCUMENT)
        spin.setEnabled(kind is SourceKind.DOCUMENT)
        lines = self._lines.get(source_id)
        line = spin.value()
        if combo.count() == 0:
            label.setText("The pack has no sources yet: add one under Sources and coverage.")
        elif kind is SourceKind.REFERENCE:
            label.setText("A reference, cited as a whole.")
        elif not line:
            label.setText("The whole document.")
        elif lines is not None and line <= len(lines):
            label.setText(f"“{lines[line - 1].strip()}”")
        else:
            label.setText("")
        label.setVisible(bool(label.text()))

    def _show(self, entry: tuple[QWidget, QComboBox, QSpinBox, QLabel]) -> None:
        self.open_requested.emit(_text(entry[1].currentData()), entry[2].value())

    def _remove(self, entry: tuple[QWidget, QComboBox, QSpinBox, QLabel]) -> None:
        self._rows.remove(entry)
        entry[0].hide()
        entry[0].deleteLater()
        self._name_rows()
        self.none_label.setVisible(not self._rows)
        self.add_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self.edited.emit()

    def _add(self) -> None:
        self._new_row()
        _holder, combo, spin, label = self._rows[-1]
        self._fill(combo, self._sources[0][0] if self._sources else "")
        self._describe(combo, spin, label)
        self.none_label.hide()
        self._name_rows()
        combo.setFocus(Qt.FocusReason.OtherFocusReason)
        self.edited.emit()

    def _name_rows(self) -> None:
        for number, (holder, combo, spin, _label) in enumerate(self._rows, 1):
            combo.setAccessibleName(f"Source of citation {number}")
            spin.setAccessibleName(f"Sentence of citation {number} (0 for the whole document)")
            show, remove = holder.property("buttons")
            show.setAccessibleName(f"Show the sentence of citation {number}")
            show.setToolTip("Open this sentence in Sources and coverage")
            remove.setAccessibleName(f"Remove citation {number}")
            remove.setToolTip(f"Remove citation {number}")


class _SharedPart(_Part):
    """Explanation, citations, quotation, topic, difficulty, tags, group, picture, id, type."""

    def __init__(self, form: QuestionForm) -> None:
        super().__init__(form)
        self.box.addWidget(heading("After answering", 3))
        self.text_field(
            "explanation",
            "Explanation",
            "Why the answer is right, in your own words. Learners read it after answering.",
            lines=3,
        )
        field = self.field(
            ["sources"],
            "Sources",
            "The sentence of a document that says what the question asks, or a reference.",
        )
        self.citations = CitationsEditor()
        field.add_editor(self.citations)
        field.describe(self.citations.add_button, "Add a citation")
        self.citations.edited.connect(
            lambda: self.form.set_fields({"sources": self.citations.refs()}, "Sources", None)
        )
        self.citations.open_requested.connect(self.form.open_citation)
        field = self.field(
            ["quote"],
            "Quotation (optional)",
            "For a question about what a document says: the words it is about, shown above "
            "the question. They must come from a sentence the question cites.",
        )
        self.quote_text = QLineEdit()
        field.add_editor(self.quote_text)
        field.describe(self.quote_text, "Quotation")
        self.quote_ref = ComboBox()
        field.body.addWidget(self.quote_ref)
        field.describe(self.quote_ref, "Quoted sentence")
        self.quote_text.textEdited.connect(lambda _t: self._quote_edited())
        self.quote_ref.activated.connect(lambda _i: self._quote_edited())

        self.box.addWidget(heading("More about the question", 3))
        field = self.field(["topic"], "Topic", "Scores are given per topic.")
        self.topic = ComboBox()
        field.add_editor(self.topic)
        self.topic.activated.connect(
            lambda _i: self.form.set_fields(
                {"topic": _text(self.topic.currentData())}, "Topic", None
            )
        )
        field = self.field(["difficulty"], "Difficulty", "")
        self.difficulty = ComboBox()
        for value, words in DIFFICULTY_WORDS:
            self.difficulty.addItem(words, value)
        field.add_editor(self.difficulty)
        self.difficulty.activated.connect(
            lambda _i: self.form.set_fields(
                {"difficulty": int(self.difficulty.currentData())}, "Difficulty", None
            )
        )
        field = self.field(
            ["tags"], "Tags (optional)", "Short words to find questions by, separated by commas."
        )
        self.tags = QLineEdit()
        field.add_editor(self.tags)
        self.tags.textEdited.connect(self._tags_edited)
        field = self.field(
            ["group"],
            "Same fact as (optional)",
            "Questions asking the same fact another way share a word here: a learner meets "
            "only one of them a day, and a quiz never holds two.",
        )
        self.group = QLineEdit()
        field.add_editor(self.group)
        self.group.textEdited.connect(
            lambda text: self.form.set_fields(
                {"group": slugify(text) if text.strip() else ""}, "Group", "group"
            )
        )
        field = self.field(
            ["image", "image_alt"],
            "Picture (optional)",
            "Choose a picture file: it is copied into the pack. Describe it for learners who "
            "cannot see it.",
        )
        row = QHBoxLayout()
        self.picture = QLabel()
        self.picture.setAccessibleName("The question's picture")
        self.picture_name = text_label("No picture.", "small")
        self.choose_picture = push_button(
            "Choose a picture…", description="Pick a picture file to show with the question"
        )
        self.choose_picture.clicked.connect(self._choose_picture)
        self.remove_picture = push_button("Remove the picture", description="Show no picture")
        self.remove_picture.clicked.connect(
            lambda: self.form.set_fields({"image": "", "image_alt": ""}, "Remove the picture", None)
        )
        row.addWidget(self.picture)
        row.addWidget(self.picture_name, 1)
        field.body.addLayout(row)
        field.body.addWidget(FlowButtons([self.choose_picture, self.remove_picture]))
        field.describe(self.choose_picture, "Choose a picture")
        self.alt = QLineEdit()
        self.alt.setPlaceholderText("What the picture shows")
        field.body.addWidget(self.alt)
        field.describe(self.alt, "Description of the picture for screen readers")
        self.alt.textEdited.connect(
            lambda text: self.form.set_fields(
                {"image_alt": text}, "Picture description", "image_alt"
            )
        )
        field = self.field(
            ["id"],
            "Question id",
            "Learners' progress is kept by this id: change it only before the pack is published.",
        )
        self.qid = QLineEdit()
        field.add_editor(self.qid)
        self.qid.textEdited.connect(lambda text: self.form.set_fields({"id": text}, "Id", "id"))
        field = self.field(
            ["type"],
            "Kind of question",
            "Changing it keeps the wording; undo brings the rest back.",
        )
        self.kind = ComboBox()
        for qtype, (words, purpose) in TYPE_WORDS.items():
            self.kind.addItem(words, qtype.value)
            self.kind.setItemData(self.kind.count() - 1, purpose, Qt.ItemDataRole.ToolTipRole)
        field.add_editor(self.kind)
        self.kind.activated.connect(
            lambda _i: self.form.change_type(QuestionType(self.kind.currentData()))
        )

    def _tags_edited(self, text: str) -> None:
        tags = [slugify(part) for part in text.split(",") if part.strip()]
        self.form.set_fields({"tags": tags}, "Tags", "tags")

    def _quote_edited(self) -> None:
        text = self.quote_text.text()
        ref = _text(self.quote_ref.currentData())
        value: dict[str, str] | str = {"ref": ref, "text": text} if text.strip() else ""
        self.form.set_fields({"quote": value}, "Quotation", "quote")

    def _choose_picture(self) -> None:
        path_text, _filter = QFileDialog.getOpenFileName(
            self, "Choose a picture", str(self.form.folder), IMAGE_FILTER
        )
        if not path_text:
            return
        path = Path(path_text)
        self.form.folder = path.parent
        try:
            data = path.read_bytes()
        except OSError as exc:
            self.form.say(f"The picture could not be read ({exc.strerror or exc}).")
            return
        key = self.form.key
        if key is None:
            return
        taken = {name.rsplit("/", 1)[-1] for name in self.form.document.draft.files}
        name = unique_id(
            slugify(path.stem, fallback="picture"), {n.rsplit(".", 1)[0] for n in taken}
        )
        inside = f"media/{name}{path.suffix.lower()}"

        def add(draft: PackDraft) -> None:
            draft.set_file(inside, data)
            draft.set_question_fields(key, {"image": inside})

        self.form.document.apply("Add a picture", add)
        self.alt.setFocus(Qt.FocusReason.OtherFocusReason)
        self.form.say(f"Picture {path.name} added. Now describe it.")

    def load(self, data: Mapping[str, Any]) -> None:
        draft = self.form.document.draft
        self.citations.set_sources(draft)
        self.citations.set_refs([_text(r) for r in _as_list(data.get("sources"))])
        quote = data.get("quote")
        quote_text = _text(quote.get("text")) if isinstance(quote, Mapping) else ""
        quote_ref = _text(quote.get("ref")) if isinstance(quote, Mapping) else ""
        set_line_text(self.quote_text, quote_text)
        self.quote_ref.clear()
        for ref in _as_list(data.get("sources")):
            if isinstance(ref, str) and ":" in ref:
                self.quote_ref.addItem(ref, ref)
        if quote_ref and self.quote_ref.findData(quote_ref) < 0:
            self.quote_ref.addItem(quote_ref, quote_ref)
        self.quote_ref.setCurrentIndex(max(0, self.quote_ref.findData(quote_ref)))
        self.topic.clear()
        for topic in draft.topics:
            self.topic.addItem(_text(topic.get("title")) or _text(topic.get("id")), topic.get("id"))
        topic_index = self.topic.findData(data.get("topic"))
        if topic_index < 0 and data.get("topic"):
            self.topic.addItem(f"{data.get('topic')} (not a topic of the pack)", data.get("topic"))
            topic_index = self.topic.count() - 1
        self.topic.setCurrentIndex(topic_index)
        difficulty = data.get("difficulty", 3)
        self.difficulty.setCurrentIndex(max(0, self.difficulty.findData(difficulty)))
        # A field being typed in keeps what was typed while it means the same.
        tags = [_text(t) for t in _as_list(data.get("tags"))]
        if [slugify(p) for p in self.tags.text().split(",") if p.strip()] != tags:
            set_line_text(self.tags, ", ".join(tags))
        group = _text(data.get("group"))
        if (slugify(self.group.text()) if self.group.text().strip() else "") != group:
            set_line_text(self.group, group)
        image = _text(data.get("image"))
        set_line_text(self.alt, _text(data.get("image_alt")))
        self.remove_picture.setEnabled(bool(image))
        self.alt.setEnabled(bool(image))
        picture = draft.files.get(image) if image else None
        pixmap = QPixmap()
        if picture is not None and pixmap.loadFromData(picture):
            size = self.fontMetrics().height() * 5
            self.picture.setPixmap(
                pixmap.scaled(
                    QSize(size, size),
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
            self.picture.show()
        else:
            self.picture.clear()
            self.picture.hide()
        self.picture_name.setText(image.rsplit("/", 1)[-1] if image else "No picture.")
        set_line_text(self.qid, _text(data.get("id")))
        self.kind.setCurrentIndex(max(0, self.kind.findData(data.get("type"))))


class QuestionForm(QWidget):
    """The form for the question the list has selected (nothing while none is).

    ``open_citation(source_id, line)`` asks for a sentence to be shown in the sources
    panel; ``said`` carries a short message for the status line (and screen readers).
    """

    open_citation = Signal(str, int)
    said = Signal(str)

    def __init__(self, document: DraftDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.key: int | None = None
        self.folder = Path.home()
        self.loaders: list[Callable[[Mapping[str, Any]], None]] = []
        self._parts: list[_Part] = []
        self._type: str | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(14)
        self.title = heading("", 2)
        layout.addWidget(self.title)
        self.general = text_label("", "error")
        self.general.setAccessibleDescription("Problems with this question")
        self.general.hide()
        layout.addWidget(self.general)
        self.empty = text_label("Choose a question in the list, or add one.", "muted")
        layout.addWidget(self.empty)
        self._holder = QVBoxLayout()
        self._holder.setSpacing(18)
        layout.addLayout(self._holder)
        layout.addStretch(1)
        document.changed.connect(self._draft_changed)
        document.checked.connect(self.show_problems)

    # -- which question ------------------------------------------------------------------------

    def show_question(self, key: int | None) -> None:
        """Edit the question with ``key`` (None: no question)."""
        if key != self.key:
            # Typing in another question's field starts a new undo step.
            self.document.end_typing()
        self.key = key
        self._rebuild()

    def _rebuild(self) -> None:
        question = self._question()
        qtype = _text(question.get("type")) if question is not None else None
        if qtype != self._type or not self._parts:
            for part in self._parts:
                self._holder.removeWidget(part)
                part.hide()
                part.deleteLater()
            self._parts = []
            self.loaders = []
            self._type = qtype
            if question is not None and qtype in set(QuestionType):
                self._parts = [_PARTS[QuestionType(qtype)](self), _SharedPart(self)]
                for part in self._parts:
                    self._holder.addWidget(part)
                    # Shown now, not on the layout's next pass: the keyboard may go there at once.
                    part.show()
        self.empty.setVisible(question is None)
        self._load()
        self.show_problems(self.document.check)

    def _question(self) -> Mapping[str, Any] | None:
        if self.key is None:
            return None
        try:
            return self.document.draft.question(self.key).data
        except KeyError:
            return None

    def _load(self) -> None:
        data = self._question()
        if data is None:
            self.title.setText("")
            return
        position = self.document.draft.position(self.key) if self.key is not None else 0
        self.title.setText(f"Question {position + 1}: {type_name(data.get('type'))}")
        self.title.setAccessibleName(self.title.text())
        for loader in self.loaders:
            loader(data)
        for part in self._parts:
            part.load(data)
        tab_in_reading_order(self)

    def _draft_changed(self, change: object) -> None:
        if self.key is None:
            return
        question = self._question()
        if question is None:
            self.show_question(None)
            return
        if _text(question.get("type")) != self._type:
            self._rebuild()
        else:
            self._load()

    # -- editing -------------------------------------------------------------------------------

    def set_fields(self, values: Mapping[str, Any], what: str, merge: str | None) -> None:
        """Change fields of the question as one undoable step (typing in ``merge`` merges)."""
        key = self.key
        if key is None or self._loading_guard(values):
            return
        label = f"Edit {what.lower()}"
        self.document.apply(
            label,
            lambda draft: draft.set_question_fields(key, values),
            merge=f"{key}:{merge}" if merge else None,
        )

    def _loading_guard(self, values: Mapping[str, Any]) -> bool:
        question = self._question()
        return question is not None and all(question.get(k) == v for k, v in values.items())

    def change_type(self, qtype: QuestionType) -> None:
        """Make the question another kind (undo brings the old fields back)."""
        key = self.key
        question = self._question()
        if key is None or question is None or question.get("type") == qtype.value:
            return
        self.document.apply(
            f"Make it {type_name(qtype.value).lower()}",
            lambda draft: draft.change_question_type(key, qtype),
        )
        self.say(f"The question is now {type_name(qtype.value).lower()}.")

    def say(self, message: str) -> None:
        """A short message for the status line."""
        self.said.emit(message)

    # -- problems ------------------------------------------------------------------------------

    def show_problems(self, check: DraftCheck) -> None:
        """Show the current question's problems next to their fields."""
        if self.key is None:
            return
        try:
            position = self.document.draft.position(self.key)
        except KeyError:
            return
        problems = check.of_question(position)
        by_field: dict[int, tuple[Field, list[str]]] = {}
        placed: set[int] = set()
        fields = {name: field for part in self._parts for name, field in part.fields.items()}
        for field in set(fields.values()):
            by_field[id(field)] = (field, [])
        general: list[str] = []
        for number, problem in enumerate(problems):
            target = fields.get(problem.base_field or "")
            if target is None:
                general.append(problem.message)
                continue
            by_field[id(target)][1].append(problem.message)
            placed.add(number)
        for field, messages in by_field.values():
            field.show_problems(messages)
        self.general.setText("\n".join(f"⚠ {m}" for m in general))
        self.general.setVisible(bool(general))

    def problem_fields(self) -> list[Field]:
        """The fields now showing a problem, top to bottom."""
        seen: list[Field] = []
        for part in self._parts:
            for field in part.fields.values():
                if field.has_problem and field not in seen:
                    seen.append(field)
        return seen

    def focus_first_problem(self) -> bool:
        """Put the keyboard in the first field with a problem; False when there is none."""
        for field in self.problem_fields():
            editor = field.first_editor()
            if editor is not None:
                target = editor
                if isinstance(editor, ListEditor):
                    target = editor.row_editors(0)[0] if editor.row_count() else editor.add_button
                target.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
        return False

    def field(self, name: str) -> Field:
        """The field showing ``name`` (``prompt``, ``choices``...) of the question on show."""
        for part in self._parts:
            if name in part.fields:
                return part.fields[name]
        raise KeyError(name)

    def editor(self, name: str) -> QWidget:
        """The first editing widget of the field ``name``."""
        editor = self.field(name).first_editor()
        if editor is None:
            raise KeyError(name)
        return editor

    def part(self, kind: type[_Part]) -> _Part | None:
        """The form's part of that class, if shown (for the window and tests)."""
        return next((p for p in self._parts if isinstance(p, kind)), None)


__all__ = [
    "DIFFICULTY_WORDS",
    "TYPE_WORDS",
    "CitationsEditor",
    "QuestionForm",
    "parse_number",
    "type_name",
]
