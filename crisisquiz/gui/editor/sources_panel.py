"""Sources and coverage: the texts questions cite, sentence by sentence, and who cites what.

A teacher adds a source text by pasting it or opening a .txt or .md file; it is split
into sentences, one a line, and travels in the pack. Each sentence is listed with
its number and how many questions cite it; the ones no question cites stand out (a
symbol and the words "not cited", not the colour alone). Choosing a sentence shows
the questions citing it and offers "New question citing this".

A document whose text the pack does not carry (the built-in pack's) lists the
sentences the pack notes or cites; its text can be opened from a file to look at,
without adding it to the pack.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from crisisquiz.core.coverage import DocumentCoverage, SentenceCoverage, document_coverage
from crisisquiz.core.draft_check import DraftCheck, Section
from crisisquiz.core.pack_draft import DraftChange, PackDraft
from crisisquiz.core.pack_schema import QuestionType, SourceKind
from crisisquiz.core.slugs import slugify, unique_id
from crisisquiz.core.source_texts import split_sentences
from crisisquiz.gui.editor.document import DraftDocument
from crisisquiz.gui.editor.entries import EntryEditor
from crisisquiz.gui.editor.fields import (
    Field,
    FlowButtons,
    MenuButton,
    PlainTextEdit,
    set_line_text,
)
from crisisquiz.gui.editor.question_form import TYPE_WORDS
from crisisquiz.gui.questions.look import is_dark
from crisisquiz.gui.widgets import Page, heading, push_button, text_label

TEXT_FILTER = "Text files (*.txt *.md *.text);;All files (*)"
LINE_ROLE = Qt.ItemDataRole.UserRole
# How big a text file may be to become a source: a long book chapter, not a library.
MAX_TEXT_BYTES = 2 * 1024 * 1024


def read_text_file(path: Path) -> str:
    """A text file's content, as UTF-8 (or Latin-1 when it is not UTF-8)."""
    data = path.read_bytes()
    if len(data) > MAX_TEXT_BYTES:
        raise ValueError(f"{path.name} is larger than {MAX_TEXT_BYTES // (1024 * 1024)} MB")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


class AddTextDialog(QDialog):
    """Paste (or open) a text that becomes a document of the pack, one sentence a line."""

    def __init__(self, parent: QWidget | None = None, *, title: str = "", text: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Add a source text — crisisquiz")
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Add a source text", 2))
        layout.addWidget(
            text_label(
                "Paste the text you teach from. It is kept in the pack with each sentence "
                "numbered, so questions can cite the sentence they ask about.",
                "muted",
            )
        )
        field = Field("Title", "How learners see the source named, e.g. “Textbook, chapter 7”.")
        self.title = QLineEdit(title)
        field.add_editor(self.title)
        layout.addWidget(field)
        field = Field("Text", "Paste it here (Ctrl+V).")
        self.text = PlainTextEdit(lines=10)
        self.text.setPlainText(text)
        field.add_editor(self.text)
        layout.addWidget(field, 1)
        self.split = QCheckBox("Put each sentence on its own line")
        self.split.setChecked(True)
        self.split.setAccessibleName("Put each sentence on its own line")
        self.split.setToolTip("Leave this on unless the text already has one sentence a line")
        layout.addWidget(self.split)
        self.count = text_label("", "small")
        self.count.setAccessibleDescription("Sentences found")
        layout.addWidget(self.count)
        self.buttons = QDialogButtonBox()
        self.ok = self.buttons.addButton("Add the text", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setAccessibleName("Add the text")
        self.ok.setDefault(True)  # Enter adds the text, from any field but the text box
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName("Cancel")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.text.textChanged.connect(self._count)
        self.title.textChanged.connect(lambda _t: self._count())
        self.split.toggled.connect(lambda _on: self._count())
        self._count()
        line = self.fontMetrics().height()
        room = self.screen().availableGeometry()
        self.resize(min(line * 44, room.width() * 9 // 10), min(line * 34, room.height() * 9 // 10))
        # The title first: from a file it is a guess from the file's name, ready to be
        # typed over, and Enter then adds the text (in the text box Enter is a new line).
        self.title.setFocus()
        self.title.selectAll()

    def lines(self) -> list[str]:
        """The text as the document's lines."""
        text = self.text.toPlainText()
        if self.split.isChecked():
            return split_sentences(text)
        return [line.strip() for line in text.splitlines() if line.strip()]

    def _count(self) -> None:
        count = len(self.lines())
        self.count.setText(f"{count} sentence{'s' if count != 1 else ''}")
        self.ok.setEnabled(count > 0 and bool(self.title.text().strip()))


class SourcesEditor(EntryEditor):
    """The pack's sources: documents (with their texts) and references.

    ``document_added`` says a text was added (its sentences are then the thing to see).
    """

    document_added = Signal()

    def __init__(self, document: DraftDocument, parent: QWidget | None = None) -> None:
        super().__init__(
            document,
            "sources",
            item_name="source",
            section=Section.SOURCES,
            add_text="Paste a &text…",
            parent=parent,
        )
        self.folder = Path.home()
        self.text_dialog: AddTextDialog | None = None
        self.add_button.setAccessibleName("Paste a text")
        self.add_button.setAccessibleDescription("Add a source text by pasting it")
        self.add_button.setToolTip("Add a source text by pasting it")
        self.open_button = push_button(
            "Open a te&xt file…", description="Add a source text from a .txt or .md file"
        )
        self.open_button.clicked.connect(self.open_text_file)
        self.reference_button = push_button(
            "Add a &reference", description="Add a published work cited as a whole"
        )
        self.reference_button.clicked.connect(self.add_reference)
        self.add_button_for(self.open_button)
        self.add_button_for(self.reference_button)
        self.line_field("title", "Title", "How learners see the source named.")
        self.choice_field(
            "kind",
            "Kind",
            lambda: [
                ("A document, cited sentence by sentence", SourceKind.DOCUMENT.value),
                ("A reference, cited as a whole", SourceKind.REFERENCE.value),
            ],
        )
        self.line_field("author", "Author", "Optional.")
        self.line_field("publisher", "Publisher", "Optional: who published or made it.")
        self.line_field("date", "Date", "Optional: 2022, 2022-10 or 2022-10-14.")
        self.line_field("url", "Web address", "Optional.")
        self.line_field(
            "id", "Source id", "Citations name the source by it; changing it changes them too."
        )
        self.refresh()

    def entry_name(self, entry: Mapping[str, Any]) -> str:
        """Title, and which kind of source."""
        kind = "reference" if entry.get("kind") == SourceKind.REFERENCE.value else "document"
        return f"{entry.get('title') or entry.get('id')} ({kind})"

    def add_entry(self) -> None:
        """Paste a text: it becomes a document of the pack."""
        self._ask_for_text(AddTextDialog(self))

    def _ask_for_text(self, dialog: AddTextDialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(
            lambda: self.add_document(dialog.title.text().strip(), dialog.lines())
        )
        self.text_dialog = dialog
        dialog.open()

    def open_text_file(self) -> None:
        """Pick a .txt or .md file: it becomes a document of the pack."""
        path_text, _filter = QFileDialog.getOpenFileName(
            self, "Open a source text", str(self.folder), TEXT_FILTER
        )
        if not path_text:
            return
        path = Path(path_text)
        self.folder = path.parent
        try:
            text = read_text_file(path)
        except (OSError, ValueError) as exc:
            self.said(f"{path.name} could not be read: {exc}")
            return
        title = path.stem.replace("-", " ").replace("_", " ")
        self._ask_for_text(AddTextDialog(self, title=title, text=text))

    def add_document(self, title: str, lines: list[str]) -> None:
        """Add a document with its lines and choose it."""
        self.apply_add({}, "Add a source text", lambda draft: draft.add_document(title, lines))
        self.said(f"“{title}” added with {len(lines)} sentences.")
        self.document_added.emit()

    def add_reference(self) -> None:
        """Add a reference to be named."""
        taken = set(self.document.draft.source_ids())
        values = {
            "id": unique_id(slugify("reference"), taken),
            "kind": SourceKind.REFERENCE.value,
            "title": "",
        }
        self.apply_add(values, "Add a reference")


class CoverageView(QWidget):
    """The sentences of the chosen document with their citations.

    ``new_question`` carries (type, citation) for "New question citing this";
    ``open_question`` the key of a question to show.
    """

    new_question = Signal(object, str)
    open_question = Signal(int)

    def __init__(self, document: DraftDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.source_index = -1
        self.coverage: DocumentCoverage | None = None
        self._viewed: dict[str, list[str]] = {}
        self.folder = Path.home()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        self.title = heading("Coverage", 2)
        layout.addWidget(self.title)
        self.summary = text_label("", "muted")
        self.summary.setAccessibleDescription("Coverage summary")
        layout.addWidget(self.summary)
        self.no_text = text_label("", "small")
        layout.addWidget(self.no_text)
        self.open_text = push_button(
            "Open its text to look at…",
            description="Show the document's sentences from its .txt file; the pack is not changed",
        )
        self.open_text.clicked.connect(self.open_text_to_view)
        layout.addWidget(self.open_text)
        self.uncited_only = QCheckBox("Only those not cited")
        self.uncited_only.setAccessibleName("Show only sentences no question cites")
        self.uncited_only.toggled.connect(lambda _on: self._fill())
        layout.addWidget(self.uncited_only)
        self.list = QListWidget()
        self.list.setAccessibleName("Sentences")
        self.list.setWordWrap(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.currentItemChanged.connect(lambda _c, _o: self._sentence_chosen())
        self.list.setMinimumHeight(self.fontMetrics().height() * 16)
        layout.addWidget(self.list, 1)
        self.detail = text_label("", selectable=True)
        self.detail.setAccessibleDescription("The chosen sentence")
        layout.addWidget(self.detail)
        self.claim_field = Field(
            "What it claims, in your words",
            "Optional. Learners see this after answering instead of “sentence 12”.",
        )
        self.claim = QLineEdit()
        self.claim_field.add_editor(self.claim)
        self.claim.textEdited.connect(lambda text: self._set_note("claim", text))
        layout.addWidget(self.claim_field)
        self.error_field = Field(
            "What is wrong in it",
            "Only where the document is wrong: the record, in your words.",
        )
        self.error = QLineEdit()
        self.error_field.add_editor(self.error)
        self.error.textEdited.connect(lambda text: self._set_note("error", text))
        layout.addWidget(self.error_field)
        self.citing = QListWidget()
        self.citing.setAccessibleName("Questions citing the sentence")
        self.citing.setWordWrap(True)
        self.citing.itemActivated.connect(self._open_citing)
        self.citing.setMaximumHeight(self.fontMetrics().height() * 7)
        layout.addWidget(self.citing)
        menu = QMenu(self)
        menu.setAccessibleName("Kinds of question")
        menu.setToolTipsVisible(True)
        self.new_button = MenuButton(
            "&New question citing this…",
            menu,
            description="Choose a kind of question; it is added citing the chosen sentence",
        )
        for qtype, (words, purpose) in TYPE_WORDS.items():
            self.new_button.add_choice(words, purpose, partial(self._new_question, qtype))
        self.open_button = push_button(
            "Open the question", description="Show the chosen citing question in its form"
        )
        self.open_button.clicked.connect(lambda: self._open_citing(self.citing.currentItem()))
        layout.addWidget(FlowButtons([self.new_button, self.open_button]))
        document.changed.connect(self._changed)
        document.checked.connect(self._checked)

    def _checked(self, check: DraftCheck) -> None:
        notes = [
            p.message
            for p in check.of_section(Section.SOURCES, self.source_index)
            if p.base_field == "sentences"
        ]
        self.claim_field.show_problems(notes)

    def show_source(self, index: int) -> None:
        """Show the coverage of source ``index`` of the draft."""
        self.source_index = index
        self._fill()

    def _source(self) -> Mapping[str, Any] | None:
        sources = self.document.draft.sources
        return sources[self.source_index] if 0 <= self.source_index < len(sources) else None

    def _fill(self) -> None:
        source = self._source()
        keep = self.current_line()
        self.list.clear()
        if source is None or source.get("kind") == SourceKind.REFERENCE.value:
            self.coverage = None
            self._show_reference(source)
            return
        draft: PackDraft = self.document.draft
        source_id = str(source.get("id", ""))
        lines = draft.document_lines(source_id)
        viewed = lines is None and source_id in self._viewed
        if viewed:
            lines = self._viewed[source_id]
        questions = [q.data for q in draft.questions]
        coverage = document_coverage(source, lines, questions)
        self.coverage = coverage
        self.title.setText(f"Coverage of “{coverage.title}”")
        self.title.setAccessibleName(self.title.text())
        cited = len(coverage.sentences) - len(coverage.uncited)
        total = len(coverage.sentences)
        summary = f"{cited} of {total} sentences cited; {total - cited} not cited."
        if coverage.whole:
            summary += f" {len(coverage.whole)} question(s) cite the whole document."
        self.summary.setText(summary)
        if lines is None:
            self.no_text.setText(
                "The pack does not carry this document's text, so only the sentences it "
                "notes or cites are listed. Open the text to see every sentence."
            )
        elif viewed:
            self.no_text.setText(
                "The text is shown from your file only; it is not added to the pack."
            )
        self.no_text.setVisible(lines is None or viewed)
        self.open_text.setVisible(draft.document_lines(source_id) is None)
        self.uncited_only.show()
        self.list.show()
        bold = QFont(self.list.font())
        bold.setBold(True)
        dark = is_dark(self)
        stand_out = QColor("#4a3500" if dark else "#fff3c4")
        for sentence in coverage.sentences:
            if self.uncited_only.isChecked() and sentence.cited:
                continue
            item = QListWidgetItem(self._listed(sentence))
            item.setData(LINE_ROLE, sentence.line)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, self._spoken(sentence))
            if not sentence.cited:
                item.setFont(bold)
                item.setBackground(QBrush(stand_out))
            self.list.addItem(item)
        if keep is not None:
            self.select_line(keep)
        elif self.list.count():
            self.list.setCurrentRow(0)
        self._sentence_chosen()

    def _show_reference(self, source: Mapping[str, Any] | None) -> None:
        self.title.setText("Coverage")
        if source is None:
            self.summary.setText("Add a source text to see which of its sentences are cited.")
        else:
            self.summary.setText(
                f"“{source.get('title') or source.get('id')}” is a reference, cited as a whole, "
                "so it has no sentences to cover."
            )
        for widget in (self.no_text, self.open_text, self.uncited_only, self.list, self.citing):
            widget.hide()
        self.detail.setText("")
        self.new_button.setEnabled(source is not None)
        self.open_button.setEnabled(False)

    @staticmethod
    def _listed(sentence: SentenceCoverage) -> str:
        count = len(sentence.citing)
        mark = f"✓ cited by {count}" if count else "○ not cited"
        words = sentence.text or sentence.note or "(text not in the pack)"
        return f"{sentence.line}  ·  {mark}\n{words}"

    @staticmethod
    def _spoken(sentence: SentenceCoverage) -> str:
        count = len(sentence.citing)
        cited = f"cited by {count} question{'s' if count != 1 else ''}" if count else "not cited"
        words = sentence.text or sentence.note or "text not in the pack"
        return f"Sentence {sentence.line}, {cited}: {words}"

    def current_line(self) -> int | None:
        """The number of the chosen sentence."""
        item = self.list.currentItem()
        return int(item.data(LINE_ROLE)) if item is not None else None

    def select_line(self, line: int) -> bool:
        """Choose sentence ``line``; False when it is not listed."""
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(LINE_ROLE) == line:
                self.list.setCurrentItem(item)
                self.list.scrollToItem(item)
                return True
        if self.uncited_only.isChecked():
            self.uncited_only.setChecked(False)
            return self.select_line(line)
        return False

    def _sentence_chosen(self) -> None:
        line = self.current_line()
        sentence = self.coverage.sentence(line) if self.coverage and line is not None else None
        self.citing.clear()
        for field in (self.claim_field, self.error_field):
            field.setVisible(sentence is not None)
        if sentence is None:
            self.detail.setText("")
            self.citing.hide()
            self.new_button.setEnabled(self.coverage is not None)
            self.open_button.setEnabled(False)
            return
        parts = [f"Sentence {sentence.line}: {sentence.text or '(text not in the pack)'}"]
        set_line_text(self.claim, sentence.note)
        set_line_text(self.error, sentence.error)
        parts.append(
            f"Cited by {len(sentence.citing)} question{'s' if len(sentence.citing) != 1 else ''}."
            if sentence.citing
            else "No question cites it yet."
        )
        self.detail.setText("\n".join(parts))
        draft = self.document.draft
        for qid in sentence.citing:
            key = next((q.key for q in draft.questions if q.id == qid), None)
            if key is None:
                continue
            position = draft.position(key)
            data = draft.question(key).data
            words = data.get("prompt") or data.get("statement") or data.get("text") or qid
            item = QListWidgetItem(f"Question {position + 1}: {words}")
            item.setData(LINE_ROLE, key)
            self.citing.addItem(item)
        self.citing.setVisible(self.citing.count() > 0)
        if self.citing.count():
            self.citing.setCurrentRow(0)
        self.new_button.setEnabled(True)
        self.open_button.setEnabled(self.citing.count() > 0)

    def _set_note(self, name: str, text: str) -> None:
        """Write what the chosen sentence claims (or what is wrong in it) into the source."""
        source = self._source()
        line = self.current_line()
        if source is None or line is None:
            return
        notes = [dict(n) for n in source.get("sentences", ()) or () if isinstance(n, Mapping)]
        note = next((n for n in notes if n.get("line") == line), None)
        if note is None:
            note = {"line": line}
            notes.append(note)
            notes.sort(key=lambda n: int(n.get("line", 0)))
        note[name] = text
        if not str(note.get("claim", "")).strip() and not str(note.get("error", "")).strip():
            notes.remove(note)
        else:
            for empty in [k for k in ("error",) if not str(note.get(k, "")).strip()]:
                note.pop(empty, None)
        index = self.source_index
        self.document.apply(
            "Edit a sentence note",
            lambda draft: draft.set_entry("sources", index, {"sentences": notes}),
            merge=f"note{index}:{line}:{name}",
        )

    def _open_citing(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            self.open_question.emit(int(item.data(LINE_ROLE)))

    def _new_question(self, qtype: QuestionType) -> None:
        source = self._source()
        if source is None:
            return
        line = self.current_line()
        source_id = str(source.get("id", ""))
        self.new_question.emit(qtype, f"{source_id}:{line}" if line else source_id)

    def open_text_to_view(self) -> None:
        """Show a document's sentences from its file, without adding the text to the pack."""
        source = self._source()
        if source is None:
            return
        path_text, _filter = QFileDialog.getOpenFileName(
            self, f"Open the text of {source.get('title')}", str(self.folder), TEXT_FILTER
        )
        if not path_text:
            return
        path = Path(path_text)
        self.folder = path.parent
        try:
            text = read_text_file(path)
        except (OSError, ValueError) as exc:
            self.summary.setText(f"{path.name} could not be read: {exc}")
            return
        # Lines as they are: the pack's citations count the file's own lines.
        self._viewed[str(source.get("id", ""))] = text.splitlines()
        self._fill()

    def _changed(self, change: DraftChange) -> None:
        if change.sources or change.question_list or change.questions or change.files:
            self._fill()


class SourcesPanel(QSplitter):
    """The pack's sources on the left; the chosen document's coverage on the right."""

    def __init__(self, document: DraftDocument, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setChildrenCollapsible(False)
        left = Page()
        left.body.addWidget(heading("Sources", 2))
        left.body.addWidget(
            text_label(
                "The texts your questions cite. Paste a text you teach from, or open a "
                "text file; each sentence gets a number questions can cite.",
                "muted",
            )
        )
        self.editor = SourcesEditor(document)
        left.body.addWidget(self.editor)
        left.body.addStretch(1)
        right = Page()
        self.coverage = CoverageView(document)
        right.body.addWidget(self.coverage)
        self.addWidget(left)
        self.addWidget(right)
        self.setStretchFactor(0, 2)
        self.setStretchFactor(1, 3)
        self.editor.selected.connect(self.coverage.show_source)
        self.editor.document_added.connect(self.focus_sentences)
        self.coverage.show_source(self.editor.current())

    def focus_sentences(self) -> bool:
        """Put the keyboard in the chosen document's sentences; False when none are listed."""
        listing = self.coverage.list
        if not listing.isVisibleTo(self) or listing.count() == 0:
            return False
        if listing.currentRow() < 0:
            listing.setCurrentRow(0)
        listing.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def show_citation(self, source_id: str, line: int) -> bool:
        """Choose the source ``source_id`` and its sentence ``line``."""
        ids = self.editor.document.draft.source_ids()
        if source_id not in ids:
            return False
        self.editor.refresh(ids.index(source_id))
        self.coverage.show_source(ids.index(source_id))
        if line:
            self.coverage.select_line(line)
        return True
