"""Before an import: what will come in, what will not, and the pack's name, title and version.

The file has already been read (off the GUI thread); nothing is stored until the
teacher chooses Import. The id, title and version can be changed here, for
instance to give a Moodle export a clearer title or to raise the version of an
updated deck.

A Quizlet export is plain text whose layout Quizlet lets its user choose: what
stands between term and definition, and between rows. The dialog offers those
choices, and whether each row becomes a flashcard or a short answer; every change
reads the file again and the report shows the result at once.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Final, Literal

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from crisisquiz.core.pack_loader import PackError, PackIssue
from crisisquiz.gui.widgets import heading, text_label
from crisisquiz.interop.build import ReadOptions
from crisisquiz.interop.delimited import guess_term_separator
from crisisquiz.interop.registry import Format, read_pack, read_text, with_identity
from crisisquiz.interop.report import Converted, Outcome

_MARKS = {Outcome.CONVERTED: "✓", Outcome.CHANGED: "≈", Outcome.SKIPPED: "✗"}
# Quizlet's own choices for its export, then "Custom" (None: the text typed beside it).
TERM_SEPARATORS: Final[tuple[tuple[str, str | None], ...]] = (
    ("Tab", "\t"),
    ("Comma", ","),
    ("Custom", None),
)
ROW_SEPARATORS: Final[tuple[tuple[str, str | None], ...]] = (
    ("New line", "\n"),
    ("Semicolon", ";"),
    ("Custom", None),
)
ROW_KINDS: Final[tuple[tuple[str, Literal["flashcard", "short_answer"]], ...]] = (
    ("A flashcard (term, then definition)", "flashcard"),
    ("A short answer (type the term)", "short_answer"),
)
# Problems listed under the report when the file cannot be read as laid out.
_PROBLEMS_SHOWN = 5


class ImportPreview(QDialog):
    """Shows a converted file's report and identity; ``result_pack`` holds the pack to import.

    ``converted`` is None when the file could not be read with the first guess of
    its layout (``problem`` says why); only a Quizlet export (``fmt``) is shown so,
    for the teacher to say how its rows are laid out.
    """

    # The file was read again with other Quizlet choices and the report redrawn.
    reread = Signal()

    def __init__(
        self,
        converted: Converted | None,
        installed: str | None,
        parent: QWidget | None = None,
        *,
        source: Path | None = None,
        fmt: Format | None = None,
        problem: PackError | None = None,
        installed_version: Callable[[str], str | None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.converted = converted
        self.result_pack = converted.pack if converted is not None else None
        self._source = source
        # Which version of a pack id is installed, asked again when a new reading of
        # the file names the pack (a Quizlet file first read with the wrong layout).
        self._installed_version = installed_version
        name = converted.report.source if converted is not None else (source or Path()).name
        self.setWindowTitle(f"Import {name} — crisisquiz")
        self.setAccessibleName(f"Check {name} before importing")
        outer = QVBoxLayout(self)
        # Everything but the problem and the buttons scrolls: at a large text size on a
        # small screen the dialog is shorter than its contents, and squeezed fields
        # would be cut in half instead.
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        self._body, self._scroll = body, scroll
        app = QApplication.instance()
        if isinstance(app, QApplication):
            # A field reached by its Alt key comes into view, as one reached by Tab does.
            app.focusChanged.connect(self._follow_focus)
        layout.addWidget(heading("Check before importing", 2))
        self.summary = text_label()
        layout.addWidget(self.summary)

        form = QFormLayout()
        info = converted.pack.pack if converted is not None else None
        self.id_field = QLineEdit(info.id if info else "")
        self.id_field.setAccessibleName("Pack id")
        self.title_field = QLineEdit(info.title if info else "")
        self.title_field.setAccessibleName("Pack title")
        self.version_field = QLineEdit(info.version if info else "")
        self.version_field.setAccessibleName("Pack version")
        form.addRow("&Title:", self.title_field)
        form.addRow("I&d:", self.id_field)
        form.addRow("&Version:", self.version_field)
        layout.addLayout(form)
        self.hint = text_label(_hint(installed), "small")
        layout.addWidget(self.hint)

        self.quizlet: QGroupBox | None = None
        if fmt is Format.QUIZLET and source is not None:
            self.quizlet = self._quizlet_choices(source)
            layout.addWidget(self.quizlet)
            # Down the form, each custom field straight after its choice.
            chain = [
                self.version_field,
                self.term_choice,
                self.term_custom,
                self.row_choice,
                self.row_custom,
                self.kind_choice,
            ]
            for first, second in itertools.pairwise(chain):
                QWidget.setTabOrder(first, second)

        self.entries = QListWidget()
        self.entries.setWordWrap(True)
        self.entries.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.entries.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.entries.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.entries.setAccessibleName("What happens to each question")
        self.entries.setMinimumHeight(self.fontMetrics().height() * 8)
        layout.addWidget(self.entries, 1)

        # Named by its own text, which a screen reader reads in full; a refused name
        # is also the description of the field the focus moves to (see confirm).
        self.error = text_label("", "error")
        self.error.hide()
        outer.addWidget(self.error)

        buttons = QDialogButtonBox()
        self.import_button = buttons.addButton("&Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setDefault(True)
        self.cancel_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.confirm)
        buttons.rejected.connect(self.reject)
        outer.addWidget(buttons)
        self._show(converted, problem)
        # Wide enough that a report line reads in one or two lines, at any text size,
        # and that no field is cut at the side (only the height scrolls).
        scroll.setMinimumWidth(
            body.minimumSizeHint().width() + scroll.verticalScrollBar().sizeHint().width()
        )
        self.setMinimumWidth(self.fontMetrics().height() * 34)
        self.resize(self.sizeHint())
        if converted is None and self.quizlet is not None:
            # Nothing to name yet: what needs the teacher first is how the rows are laid out.
            self.term_choice.setFocus()
        else:
            self.title_field.setFocus()

    def sizeHint(self) -> QSize:
        """Room for the form and a dozen report lines; the window manager keeps it on screen."""
        height = self.fontMetrics().height()
        # All of it without scrolling where that is not too tall (the buttons and
        # margins take about four lines), else 48 lines and the rest scrolls.
        content = self._body.sizeHint().height() + height * 4
        wanted = QSize(height * 40, min(max(content, height * 30), height * 48))
        return wanted.expandedTo(self.minimumSizeHint())

    def _follow_focus(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is not None and self._body.isAncestorOf(new):
            self._scroll.ensureWidgetVisible(new)

    # -- Quizlet's layout ------------------------------------------------------------------

    def _quizlet_choices(self, source: Path) -> QGroupBox:
        box = QGroupBox("How the Quizlet export is laid out")
        form = QFormLayout(box)
        self.term_choice = QComboBox()
        self.term_choice.setAccessibleName("Between term and definition")
        self.term_custom = QLineEdit()
        self.term_custom.setAccessibleName("Custom text between term and definition")
        self.row_choice = QComboBox()
        self.row_choice.setAccessibleName("Between rows")
        self.row_custom = QLineEdit()
        self.row_custom.setAccessibleName("Custom text between rows")
        for combo, custom, choices in (
            (self.term_choice, self.term_custom, TERM_SEPARATORS),
            (self.row_choice, self.row_custom, ROW_SEPARATORS),
        ):
            for name, separator in choices:
                combo.addItem(name, separator)
            custom.setPlaceholderText("Type it here, spaces included")
            custom.setEnabled(False)
        self.kind_choice = QComboBox()
        self.kind_choice.setAccessibleName("Each row becomes")
        for name, kind in ROW_KINDS:
            self.kind_choice.addItem(name, kind)
        # What the first reading took: Quizlet's tab, else a comma; rows on lines.
        guessed = guess_term_separator(read_text(source))
        self.term_choice.setCurrentIndex(self.term_choice.findData(guessed))

        for words, choice, custom in (
            ("Between t&erm and definition:", self.term_choice, self.term_custom),
            ("Between ro&ws:", self.row_choice, self.row_custom),
        ):
            label = QLabel(words)
            # The label's key goes to the list of choices, not to the row holding it.
            label.setBuddy(choice)
            form.addRow(label, _pair(choice, custom))
        form.addRow("Each row &becomes:", self.kind_choice)
        self.term_choice.currentIndexChanged.connect(self._layout_changed)
        self.row_choice.currentIndexChanged.connect(self._layout_changed)
        self.kind_choice.currentIndexChanged.connect(self._layout_changed)
        self.term_custom.textChanged.connect(self._layout_changed)
        self.row_custom.textChanged.connect(self._layout_changed)
        return box

    def quizlet_options(self) -> ReadOptions | None:
        """The Quizlet choices made in the dialog; None while a custom text is empty."""
        term = self.term_choice.currentData()
        if term is None:
            term = self.term_custom.text() or None
            if term is None:
                return None
        rows = self.row_choice.currentData()
        if rows is None:
            rows = self.row_custom.text() or None
            if rows is None:
                return None
        kind = self.kind_choice.currentData()
        return ReadOptions(term_separator=term, row_separator=rows, quizlet_as=kind)

    def _layout_changed(self) -> None:
        self.term_custom.setEnabled(self.term_choice.currentData() is None)
        self.row_custom.setEnabled(self.row_choice.currentData() is None)
        options = self.quizlet_options()
        if options is None:
            self._waiting_for_custom()
        else:
            assert self._source is not None
            try:
                converted = read_pack(self._source, options, Format.QUIZLET)
            except PackError as error:
                self._show(None, error)
            else:
                self._show(converted, None)
                if self._installed_version is not None:
                    installed = self._installed_version(converted.pack.pack.id)
                    self.hint.setText(_hint(installed))
        self.reread.emit()

    def _waiting_for_custom(self) -> None:
        which = "term and definition" if self.term_choice.currentData() is None else "rows"
        self.converted = None
        self.summary.setText(f"Type what stands between {which} in the custom field.")
        self.entries.clear()
        self.entries.hide()
        self.error.hide()
        self.import_button.setEnabled(False)
        self._describe()

    # -- the report ------------------------------------------------------------------------

    def _show(self, converted: Converted | None, problem: PackError | None) -> None:
        """Show what ``converted`` brings in, or why nothing can come in (``problem``)."""
        self.converted = converted
        self.entries.clear()
        if converted is None:
            issues = problem.issues if problem is not None else []
            count = problem.total if problem is not None else 0
            self.summary.setText(
                "Nothing can come in with the file read this way"
                + (": change how it is laid out below." if self.quizlet is not None else ".")
            )
            listed = [_problem(issue) for issue in issues[:_PROBLEMS_SHOWN]]
            if count > len(listed):
                listed.append(f"… and {count - len(listed):,} more.")
            self.error.setText("\n".join(listed))
            self.error.setVisible(bool(listed))
            self.entries.hide()
            self.import_button.setEnabled(False)
            self.import_button.setAccessibleDescription("Nothing to store yet")
            self._describe()
            return
        report = converted.report
        self.summary.setText(
            f"{report.summary()}. Nothing is stored until you choose Import."
            if report.entries
            else "Nothing is stored until you choose Import."
        )
        for note in report.notes:
            self._add_line("•", f"About the whole file: {note}")
        # Skipped, then changed questions first: those are what a teacher has to read.
        rank = {Outcome.SKIPPED: 0, Outcome.CHANGED: 1, Outcome.CONVERTED: 2}
        for entry in sorted(report.entries, key=lambda e: rank[e.outcome]):
            self._add_line(_MARKS[entry.outcome], str(entry))
        self.entries.setVisible(self.entries.count() > 0)
        self.error.hide()
        info = converted.pack.pack
        # Names the teacher has typed stay; the others follow the file as now read.
        for field, value in (
            (self.id_field, info.id),
            (self.title_field, info.title),
            (self.version_field, info.version),
        ):
            if not field.isModified():
                field.setText(value)
        self.import_button.setEnabled(True)
        self.import_button.setAccessibleDescription(
            f"Store these {len(converted.pack.questions)} questions as a pack"
        )
        self._describe()

    def _add_line(self, mark: str, text: str) -> None:
        item = QListWidgetItem(f"{mark} {text}")
        # Spoken without the mark: the words already say converted, changed or skipped.
        item.setData(Qt.ItemDataRole.AccessibleTextRole, text)
        self.entries.addItem(item)

    def _describe(self) -> None:
        """The dialog's description is what it says at the top (and why nothing comes in).

        A screen reader reads a dialog's description as the dialog opens, before the
        focused field: the summary is heard without looking for it.
        """
        spoken = self.summary.text()
        if self.error.isVisibleTo(self) and self.error.text():
            spoken += " " + self.error.text().replace("\n", " ")
        self.setAccessibleDescription(spoken)

    def confirm(self) -> None:
        """Check the id, title and version given; accept with the pack to import."""
        if self.converted is None:
            return
        for name_field in (self.id_field, self.title_field, self.version_field):
            name_field.setAccessibleDescription("")
        try:
            self.result_pack = with_identity(
                self.converted.pack,
                pack_id=self.id_field.text().strip(),
                title=self.title_field.text().strip(),
                version=self.version_field.text().strip(),
            )
        except PackError as error:
            problem = "Fix this first: " + "; ".join(issue.message for issue in error.issues)
            self.error.setText(problem)
            self.error.show()
            field = str(error.issues[0].field or "")
            target = {
                "pack.id": self.id_field,
                "pack.title": self.title_field,
                "pack.version": self.version_field,
            }.get(field, self.title_field)
            # Heard as the focus lands on the field to fix.
            target.setAccessibleDescription(problem)
            target.setFocus()
            target.selectAll()
            return
        self.accept()


def _hint(installed: str | None) -> str:
    """What the pack's id means for this import: an update, or a new pack for good."""
    if installed:
        return (
            f"Version {installed} of this pack is installed: a higher version updates it and "
            "keeps everyone's progress."
        )
    return (
        "The id names the pack for good: importing a file with the same id and a higher "
        "version later updates it and keeps everyone's progress."
    )


def _problem(issue: PackIssue) -> str:
    """A reading problem placed in the file the dialog is about: "row 3: needs ..."."""
    if issue.question is not None:
        place = issue.question
    elif issue.line is not None:
        place = f"line {issue.line}"
    else:
        return issue.message
    return f"{place}: {issue.message}"


def _pair(choice: QComboBox, custom: QLineEdit) -> QWidget:
    """A choice with its custom text beside it, in one form row."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(choice)
    layout.addWidget(custom, 1)
    return row
