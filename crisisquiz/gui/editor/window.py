"""The pack editor's window: the pack's details, its questions, its sources; save and publish.

Three tabs (Ctrl+1, Ctrl+2, Ctrl+3): the pack's details with its topics and timeline;
the questions, listed on the left with each one's form or preview on the right; the
sources with their coverage. The status line says how many problems stand between
the draft and publishing (F8 goes to the next one) and when the draft was last saved.
Every change can be undone (Ctrl+Z) and redone (Ctrl+Shift+Z).
"""

from __future__ import annotations

import random
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from crisisquiz.core.draft_check import DraftCheck, Problem, Section
from crisisquiz.core.pack_draft import DraftOrigin, OriginKind, PackDraft
from crisisquiz.core.pack_files import write_pack_folder, write_pack_zip
from crisisquiz.core.pack_loader import PackError
from crisisquiz.core.packs import ImportResult, PackVersionError
from crisisquiz.core.publishing import plan_publish, publish
from crisisquiz.gui.accessibility import announce
from crisisquiz.gui.editor.document import DraftDocument
from crisisquiz.gui.editor.fields import FlowButtons, key_text, notice
from crisisquiz.gui.editor.pack_form import PackDetails, TimelineEditor, TopicsEditor
from crisisquiz.gui.editor.preview import PreviewPane
from crisisquiz.gui.editor.publish_dialog import PublishDialog
from crisisquiz.gui.editor.question_form import TYPE_WORDS, QuestionForm
from crisisquiz.gui.editor.question_list import QuestionList
from crisisquiz.gui.editor.sources_panel import SourcesPanel
from crisisquiz.gui.services import Services
from crisisquiz.gui.widgets import Page, heading, push_button, text_label
from crisisquiz.gui.worker import TaskRunner

FOLDER_FILTER = "A pack folder (pack.toml with its pictures and texts)"
ZIP_FILTER = "One .zip file (*.zip)"
PUBLISH_KEYS = "Ctrl+Shift+P"
SAVE_AS_KEYS = "Ctrl+Shift+S"
PREVIEW_KEYS = "Ctrl+P"
NEXT_PROBLEM_KEYS = "F8"


class EditorWindow(QMainWindow):
    """Edits one draft. ``published`` carries the import result after each publish."""

    published = Signal(object)
    closed = Signal(str)

    def __init__(
        self,
        services: Services,
        draft: PackDraft,
        runner: TaskRunner | None = None,
        parent: QWidget | None = None,
        *,
        rng: random.Random | None = None,
    ) -> None:
        super().__init__(parent)
        self._rng = rng
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.services = services
        self.runner = runner or TaskRunner(self)
        self.document = DraftDocument(draft, services.drafts, services.clock, self)
        self.folder = Path.home()
        self.opening_notes: list[str] = []
        self.publish_dialog: PublishDialog | None = None
        self.resize(1024, 768)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.setAccessibleName("Parts of the pack")
        self.setCentralWidget(self._central())
        self._build_details_tab()
        self._build_questions_tab()
        self.sources = SourcesPanel(self.document)
        self.tabs.addTab(self.sources, "&Sources and coverage")
        self.sources.coverage.new_question.connect(self._new_question_citing)
        self.sources.coverage.open_question.connect(self.show_question)
        self._build_menus()
        self._build_status()

        self.document.checked.connect(self._checked)
        self.document.saved.connect(self._saved)
        self.document.save_failed.connect(self._save_failed)
        self.document.undo_stack.indexChanged.connect(self._undo_moved)
        self._checked(self.document.check)
        self._title()
        if not services.can_manage_packs:
            # On a school server only teachers publish; the draft can still be saved as a file.
            why = (
                "On the school server only teachers and the administrator publish packs: "
                "use Save as and give the file to your teacher"
            )
            self.publish_button.setEnabled(False)
            self.publish_button.setToolTip(why)
            self.publish_button.setAccessibleDescription(why)
            # The menu item and its keys stay, to say why when used.
            self.publish_action.setStatusTip(why)
        if draft.questions:
            self.tabs.setCurrentWidget(self.questions_tab)
        self.document.save_now()

    # -- building ------------------------------------------------------------------------------

    def _central(self) -> QWidget:
        holder = QWidget()
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(12, 8, 12, 0)
        layout.setSpacing(6)
        top = QHBoxLayout()
        self.heading = heading("", 1)
        top.addWidget(self.heading, 1)
        layout.addLayout(top)
        self.undo_button = push_button("Undo", description="Undo the last change (Ctrl+Z)")
        self.undo_button.clicked.connect(self.document.undo_stack.undo)
        self.redo_button = push_button("Redo", description="Redo what was undone (Ctrl+Shift+Z)")
        self.redo_button.clicked.connect(self.document.undo_stack.redo)
        self.save_as_button = push_button(
            "Save as…",
            description=f"Write the pack as a folder or a .zip ({key_text(SAVE_AS_KEYS)})",
        )
        self.save_as_button.clicked.connect(self.save_as)
        self.publish_button = push_button(
            "Publish…",
            description="Check the pack, give it a version and install it "
            f"({key_text(PUBLISH_KEYS)})",
            role="primary",
        )
        self.publish_button.clicked.connect(self.publish)
        self.document.undo_stack.canUndoChanged.connect(self.undo_button.setEnabled)
        self.document.undo_stack.canRedoChanged.connect(self.redo_button.setEnabled)
        self.undo_button.setEnabled(False)
        self.redo_button.setEnabled(False)
        layout.addWidget(
            FlowButtons(
                [self.undo_button, self.redo_button, self.save_as_button, self.publish_button]
            )
        )
        layout.addWidget(self.tabs, 1)
        return holder

    def _build_details_tab(self) -> None:
        page = Page()
        self.details = PackDetails(self.document)
        page.body.addWidget(self.details)
        page.body.addWidget(heading("Topics", 2))
        page.body.addWidget(
            text_label(
                "Every question belongs to a topic; learners' scores are shown per topic.", "muted"
            )
        )
        self.topics = TopicsEditor(self.document)
        page.body.addWidget(self.topics)
        page.body.addWidget(heading("Timeline", 2))
        page.body.addWidget(
            text_label("Optional: the pack's key dates, shown to learners as a timeline.", "muted")
        )
        self.timeline = TimelineEditor(self.document)
        page.body.addWidget(self.timeline)
        page.body.addStretch(1)
        self.details_tab = page
        self.tabs.addTab(page, "Pack &details")

    def _build_questions_tab(self) -> None:
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        self.question_list = QuestionList(self.document)
        left = QWidget()
        box = QVBoxLayout(left)
        box.setContentsMargins(0, 8, 8, 8)
        box.addWidget(self.question_list)
        splitter.addWidget(left)
        self.question_tabs = QTabWidget()
        self.question_tabs.setAccessibleName("The question")
        form_page = Page()
        self.form = QuestionForm(self.document)
        form_page.body.addWidget(self.form)
        self.form_page = form_page
        self.question_tabs.addTab(form_page, "Edit")
        self.preview = PreviewPane(self.document, self.services.clock, rng=self._rng)
        self.question_tabs.addTab(self.preview, "Preview")
        self.question_tabs.setTabToolTip(
            1, f"The question as a learner sees it ({key_text(PREVIEW_KEYS)})"
        )
        self.question_tabs.currentChanged.connect(self._question_tab_changed)
        splitter.addWidget(self.question_tabs)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        # The form needs the room: two fifths for the list, three for the question.
        splitter.setSizes([400, 600])
        self.questions_tab = splitter
        self.tabs.addTab(splitter, "&Questions")
        self.question_list.selected.connect(self._question_selected)
        self.question_list.said.connect(self.say)
        self.question_list.added.connect(self._question_added)
        self.form.said.connect(self.say)
        self.form.open_citation.connect(self.show_citation)
        self._question_selected(self.question_list.current_key())

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.save_as_action = self._action(file_menu, "&Save as…", SAVE_AS_KEYS, self.save_as)
        self.publish_action = self._action(file_menu, "&Publish…", PUBLISH_KEYS, self.publish)
        file_menu.addSeparator()
        self._action(file_menu, "&Throw this draft away…", None, self.throw_away)
        self._action(file_menu, "&Close", QKeySequence.StandardKey.Close, self.close)

        edit_menu = bar.addMenu("&Edit")
        self.undo_action = self.document.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.document.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        self._action(
            edit_menu, "&Find a question", QKeySequence.StandardKey.Find, self.find_question
        )
        self._action(edit_menu, "Go to the next &problem", NEXT_PROBLEM_KEYS, self.next_problem)

        question_menu = bar.addMenu("Q&uestion")
        add_menu = question_menu.addMenu("&Add a question")
        for qtype, (words, purpose) in TYPE_WORDS.items():
            action = QAction(words, self)
            action.setStatusTip(purpose)
            action.triggered.connect(lambda _c=False, t=qtype: self._add_question(t))
            add_menu.addAction(action)
        self._action(question_menu, "&Duplicate", "Ctrl+D", self._duplicate)
        self._action(question_menu, "De&lete", None, self._delete)
        self._action(question_menu, "Move &up", None, lambda: self.question_list.move_current(-1))
        self._action(question_menu, "Move do&wn", None, lambda: self.question_list.move_current(1))
        question_menu.addSeparator()
        self._action(question_menu, "&Preview", PREVIEW_KEYS, self.toggle_preview)

        view_menu = bar.addMenu("&View")
        for number, (title, widget) in enumerate(
            (
                ("Pack &details", self.details_tab),
                ("&Questions", self.questions_tab),
                ("&Sources and coverage", self.sources),
            ),
            1,
        ):
            self._action(
                view_menu, title, f"Ctrl+{number}", lambda _c=False, w=widget: self._show_tab(w)
            )

    def _action(self, menu: object, text: str, keys: object, slot: object) -> QAction:
        action = QAction(text, self)
        if keys is not None:
            action.setShortcut(
                keys
                if isinstance(keys, QKeySequence | QKeySequence.StandardKey)
                else QKeySequence(str(keys))
            )
        action.triggered.connect(slot)
        menu.addAction(action)  # type: ignore[attr-defined]
        return action

    def _build_status(self) -> None:
        # A label is read by its own text; what it is goes in its description.
        self.problems_label = text_label("")
        self.problems_label.setAccessibleDescription("Problems")
        self.saved_label = text_label("", "small")
        self.saved_label.setWordWrap(False)
        self.saved_label.setAccessibleDescription("Draft saved")
        self.message_label = text_label("", "small")
        self.message_label.setAccessibleDescription("Last action")
        status = self.statusBar()
        status.addWidget(self.problems_label, 2)
        status.addWidget(self.message_label, 2)
        status.addPermanentWidget(self.saved_label)

    # -- showing -------------------------------------------------------------------------------

    def _undo_moved(self, _index: int) -> None:
        self._title()

    def _title(self) -> None:
        draft = self.document.draft
        title = draft.title or "New pack"
        self.heading.setText(title)
        self.heading.setAccessibleName(f"Editing {title}")
        self.setWindowTitle(f"{title} — pack editor — crisisquiz")

    def _show_tab(self, widget: QWidget) -> None:
        self.tabs.setCurrentWidget(widget)
        if widget is self.questions_tab:
            self.question_list.list.setFocus(Qt.FocusReason.ShortcutFocusReason)
        elif widget is self.details_tab:
            self.details.title.setFocus(Qt.FocusReason.ShortcutFocusReason)
        elif not self.sources.focus_sentences():
            self.sources.editor.list.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _question_selected(self, key: int | None) -> None:
        self.form.show_question(key)
        self.preview.show_question(key)

    def _question_tab_changed(self, index: int) -> None:
        if index == 1:
            self.preview.refresh()

    def show_question(self, key: int) -> None:
        """Show the question with ``key`` in its form."""
        self.tabs.setCurrentWidget(self.questions_tab)
        self.question_tabs.setCurrentIndex(0)
        self.question_list.select(key)

    def show_citation(self, source_id: str, line: int) -> None:
        """Show sentence ``line`` of source ``source_id`` in the sources tab."""
        if not self.sources.show_citation(source_id, line):
            self.say(f"The pack has no source “{source_id}”: add it under Sources and coverage.")
            return
        self.tabs.setCurrentWidget(self.sources)
        self.sources.coverage.list.setFocus(Qt.FocusReason.OtherFocusReason)

    def toggle_preview(self) -> None:
        """Switch between the question's form and its preview."""
        self.tabs.setCurrentWidget(self.questions_tab)
        showing = self.question_tabs.currentIndex() == 1
        self.question_tabs.setCurrentIndex(0 if showing else 1)
        if showing:
            self.form_page.setFocus()
            self.form.focus_first_problem() or self.question_list.list.setFocus()
        else:
            self.preview.focus_answer()

    def find_question(self) -> None:
        """Put the keyboard in the question search."""
        self.tabs.setCurrentWidget(self.questions_tab)
        self.question_list.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.question_list.search.selectAll()

    def say(self, message: str) -> None:
        """Show a short message on the status line; screen readers announce it."""
        self.message_label.setText(message)
        announce(self.message_label, message)

    def _checked(self, check: DraftCheck) -> None:
        count = len(check.problems)
        if count:
            self.problems_label.setText(
                f"⚠ {count} problem{'s' if count != 1 else ''} to fix before publishing "
                f"({key_text(NEXT_PROBLEM_KEYS)} goes to the next)"
            )
            self.problems_label.setProperty("role", "error")
        else:
            self.problems_label.setText("✓ No problems: ready to publish")
            self.problems_label.setProperty("role", "success")
        style = self.problems_label.style()
        style.unpolish(self.problems_label)
        style.polish(self.problems_label)
        self.tabs.setTabText(
            self.tabs.indexOf(self.details_tab),
            "Pack &details" + self._count(check, Section.PACK, Section.TOPICS, Section.TIMELINE),
        )
        self.tabs.setTabText(
            self.tabs.indexOf(self.questions_tab),
            "&Questions" + self._count(check, Section.QUESTIONS),
        )
        self.tabs.setTabText(
            self.tabs.indexOf(self.sources),
            "&Sources and coverage" + self._count(check, Section.SOURCES),
        )

    @staticmethod
    def _count(check: DraftCheck, *sections: Section) -> str:
        count = sum(len(check.of_section(section)) for section in sections)
        return f" (⚠ {count})" if count else ""

    def _saved(self, when: object) -> None:
        local = self.services.clock().astimezone(self.services.tz)
        self.saved_label.setText(f"Draft saved at {local:%H:%M}")

    def _save_failed(self, message: str) -> None:
        self.saved_label.setText("⚠ Draft NOT saved")
        self.say(f"The draft could not be saved: {message}. Use Save as to keep a copy.")

    # -- problems ------------------------------------------------------------------------------

    def next_problem(self) -> None:
        """Go to the next problem after the current place, wherever it is."""
        check = self.document.check_now()
        if check.ok:
            self.say("No problems: the pack is ready to publish.")
            return
        current = self.question_list.current_key()
        position = self.document.draft.position(current) if current is not None else -1
        in_questions = self.tabs.currentWidget() is self.questions_tab
        problems = list(check.problems)
        question_problems = [
            p for p in problems if p.section is Section.QUESTIONS and p.index is not None
        ]
        after = [p for p in question_problems if p.index is not None and p.index > position]
        target: Problem = problems[0]
        if in_questions and after:
            target = after[0]
        elif in_questions and question_problems and not after:
            others = [p for p in problems if p.section is not Section.QUESTIONS or p.index is None]
            target = others[0] if others else question_problems[0]
        self.go_to(target)

    def go_to(self, problem: Problem) -> None:
        """Show where ``problem`` is and put the keyboard there."""
        if problem.section is Section.QUESTIONS and problem.index is not None:
            key = self.document.draft.questions[problem.index].key
            self.show_question(key)
            self.form.focus_first_problem()
            self.say(f"Question {problem.index + 1}: {problem.message}")
            return
        if problem.section is Section.SOURCES:
            self.tabs.setCurrentWidget(self.sources)
            if problem.index is not None:
                self.sources.editor.refresh(problem.index)
            self.sources.editor.focus_form()
        else:
            self.tabs.setCurrentWidget(self.details_tab)
            editor = {Section.TOPICS: self.topics, Section.TIMELINE: self.timeline}.get(
                problem.section
            )
            if editor is not None:
                if problem.index is not None:
                    editor.refresh(problem.index)
                field = editor.fields.get(problem.base_field or "")
            else:
                field = self.details.fields.get(problem.base_field or "")
            widget = field.first_editor() if field is not None else None
            if widget is not None:
                self.details_tab.ensureWidgetVisible(widget)
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
        self.say(problem.message)

    # -- questions -----------------------------------------------------------------------------

    def _add_question(self, qtype: object) -> None:
        self.tabs.setCurrentWidget(self.questions_tab)
        self.question_tabs.setCurrentIndex(0)
        self.question_list.add_question(qtype)  # type: ignore[arg-type]

    def _new_question_citing(self, qtype: object, ref: str) -> None:
        self.tabs.setCurrentWidget(self.questions_tab)
        self.question_list.add_question(qtype, cites=ref)  # type: ignore[arg-type]

    def _question_added(self, _key: int) -> None:
        # A new question is written at once: the keyboard goes to its first empty field.
        self.tabs.setCurrentWidget(self.questions_tab)
        self.question_tabs.setCurrentIndex(0)
        self.document.check_now()
        self.form.focus_first_problem()

    def _duplicate(self) -> None:
        self.tabs.setCurrentWidget(self.questions_tab)
        self.question_list.duplicate_current()

    def _delete(self) -> None:
        self.tabs.setCurrentWidget(self.questions_tab)
        self.question_list.delete_current()

    # -- saving and publishing -----------------------------------------------------------------

    def save_as(self) -> None:
        """Write the pack as a folder or a .zip, with its pictures and texts."""
        draft = self.document.draft
        name = str(draft.info.get("id") or "pack")
        version = str(draft.info.get("version") or "")
        suggested = self.folder / (f"{name}-{version}" if version else name)
        path_text, chosen = QFileDialog.getSaveFileName(
            self, "Save the pack as", str(suggested), f"{ZIP_FILTER};;{FOLDER_FILTER}"
        )
        if not path_text:
            return
        path = Path(path_text)
        self.folder = path.parent
        as_zip = path.suffix.lower() == ".zip" or (chosen == ZIP_FILTER and path.suffix == "")
        try:
            if as_zip:
                target = write_pack_zip(draft.tables(), draft.files, path.with_suffix(".zip"))
            else:
                target = write_pack_folder(draft.tables(), draft.files, path)
        except (OSError, ValueError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            notice(
                self,
                "The pack was not saved",
                f"{path} could not be written ({reason}). Choose another place, such as your "
                "Documents folder, and save again.",
                warning=True,
            )
            return
        problems = len(self.document.check.problems)
        note = (
            f" It still has {problems} problem{'s' if problems != 1 else ''}: fix them before "
            "importing it."
            if problems
            else ""
        )
        self.say(f"Saved to {target}.{note}")

    def publish(self) -> None:
        """Check the draft, ask for the version, and install it (keeping every history)."""
        if not self.services.can_manage_packs:
            self.say(self.publish_button.toolTip() + ".")
            return
        check = self.document.check_now()
        if not check.ok:
            count = len(check.problems)
            self.go_to(check.problems[0])
            self.say(
                f"Not published: {count} problem{'s' if count != 1 else ''} to fix first. "
                f"This is the first; {key_text(NEXT_PROBLEM_KEYS)} goes to the next. "
                f"{check.problems[0].message}"
            )
            return
        try:
            plan = plan_publish(self.document.draft, self.services.packs)
        except PackError as exc:
            notice(self, "Not ready to publish", str(exc), warning=True)
            return
        dialog = PublishDialog(plan, len(self.document.draft.questions), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._publish_as(dialog.version, plan.builtin))
        self.publish_dialog = dialog
        dialog.open()

    def _publish_as(self, version: str, builtin: bool) -> None:
        self.publish_dialog = None
        draft = self.document.draft
        packs = self.services.packs
        now = self.services.clock()
        self.publish_button.setEnabled(False)
        self.say(f"Publishing version {version}…")
        self.runner.run(
            lambda: publish(draft, version, packs, now=now),
            lambda result: self._published(result, builtin),
            self._publish_failed,
        )

    def _published(self, result: ImportResult, builtin: bool) -> None:
        self.publish_button.setEnabled(self.services.can_manage_packs)
        draft = self.document.draft
        draft.set_info({"version": result.version})
        draft.origin = DraftOrigin(
            OriginKind.INSTALLED, result.pack_id, result.version, builtin=builtin
        )
        self.details.load()
        # What is published is safe in the database; the draft file has nothing more to keep.
        self.document.discard()
        self.saved_label.setText("Published")
        kept = "" if result.previous_version is None else " Every learner's history was kept."
        message = (
            f"Published “{result.title}” version {result.version}: learners can study it now.{kept}"
        )
        self.say(message)
        notice(self, "Published", message)
        self.published.emit(result)

    def _publish_failed(self, error: Exception) -> None:
        self.publish_button.setEnabled(self.services.can_manage_packs)
        if isinstance(error, PackVersionError | PackError):
            message = str(error)
        else:
            message = f"Something went wrong: {error}. Nothing was changed; try again."
        message = message[:1].upper() + message[1:]
        self.say(f"Not published. {message}")
        notice(self, "Not published", message, warning=True)

    def throw_away(self) -> None:
        """Delete the draft and close, after asking."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Throw the draft away")
        box.setText(
            "Throw this draft away? Its changes since it was last published are lost; the "
            "installed pack, if any, stays as it is."
        )
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.button(QMessageBox.StandardButton.Yes).setText("Throw it away")
        if box.exec() != QMessageBox.StandardButton.Yes:
            return
        self.document.discard()
        self._thrown = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Save the draft (it is offered back next time) and close."""
        if not getattr(self, "_thrown", False) and self.document.pending:
            self.document.save_now()
        self.runner.wait()
        self.closed.emit(self.document.draft.draft_id)
        super().closeEvent(event)
