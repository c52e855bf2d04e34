"""Choosing who is studying, and adding, renaming and removing learners."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crisisquiz.core.learners import MAX_NAME, Learner, LearnerError
from crisisquiz.gui.accessibility import announce
from crisisquiz.gui.services import Services
from crisisquiz.gui.widgets import confirm, heading, push_button, text_label

_ID_ROLE = Qt.ItemDataRole.UserRole


def remember_learner(services: Services, learner_id: int) -> None:
    """Store ``learner_id`` as the learner to open the app with next time."""
    services.settings.save(replace(services.settings.load(), last_learner_id=learner_id))


def remembered_learner(services: Services) -> Learner | None:
    """The learner the app was last used by, if they still exist."""
    learner_id = services.settings.load().last_learner_id
    if learner_id is None:
        return None
    try:
        return services.learners.get(learner_id)
    except LearnerError:
        return None


def name_problem(services: Services, name: str, *, ignore_id: int | None = None) -> str | None:
    """Why ``name`` cannot be used for a learner, in words a student understands; None if fine."""
    cleaned = " ".join(name.split())
    if not cleaned:
        return "Type a name first: a first name or a nickname is enough."
    if len(cleaned) > MAX_NAME:
        return f"That name is too long: use at most {MAX_NAME} characters."
    for learner in services.learners.list():
        if learner.id != ignore_id and learner.name.casefold() == cleaned.casefold():
            return (
                f"There is already a learner called {learner.name}. "
                "Pick that name from the list, or add something to tell you apart."
            )
    return None


def _message(error: LearnerError) -> str:
    text = str(error)
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def create_learner(services: Services, name: str) -> Learner | str:
    """Add a learner called ``name``, or say in words why that name cannot be used."""
    problem = name_problem(services, name)
    if problem is not None:
        return problem
    try:
        return services.learners.create(name, now=services.clock())
    except LearnerError as exc:
        return _message(exc)


def _learner_list(accessible_name: str) -> QListWidget:
    names = QListWidget()
    names.setAccessibleName(accessible_name)
    names.setUniformItemSizes(True)
    names.setTextElideMode(Qt.TextElideMode.ElideNone)
    names.setWordWrap(True)
    return names


# What the learner dialog returns when the person chose to sign in to a school server.
SIGN_IN_RESULT = 2


class LearnerPickerDialog(QDialog):
    """Asks who is studying: pick an existing learner or create a new one.

    On acceptance :attr:`learner` holds the chosen learner, who is also remembered
    for the next start. With ``offer_server`` (at start, on this computer's data) it
    also offers a school's sign-in, and ends with :data:`SIGN_IN_RESULT` when that is
    chosen: a pupil at a lab computer needs no learner on the computer itself.
    """

    def __init__(
        self,
        services: Services,
        parent: QWidget | None = None,
        *,
        current_id: int | None = None,
        first_start: bool = False,
        offer_server: bool = False,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self.learner: Learner | None = None
        self.setWindowTitle("Who is studying? — crisisquiz")
        self.setAccessibleName("Choose a learner")
        self.setMinimumWidth(self.fontMetrics().height() * 26)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(10)
        layout.addWidget(heading("Who is studying?", 1))
        learners = services.learners.list()

        self.names = _learner_list("Learners")
        self.continue_button = push_button(
            "&Continue", description="Study as the learner chosen in the list"
        )
        if learners:
            pick = QLabel("&Pick your name:")
            pick.setBuddy(self.names)
            layout.addWidget(pick)
            for learner in learners:
                item = QListWidgetItem(learner.name)
                item.setData(_ID_ROLE, learner.id)
                self.names.addItem(item)
                if learner.id == current_id:
                    self.names.setCurrentItem(item)
            if self.names.currentItem() is None:
                self.names.setCurrentRow(0)
            rows = min(len(learners), 6)
            self.names.setMinimumHeight(self.names.sizeHintForRow(0) * rows + 8)
            layout.addWidget(self.names)
            self.names.itemDoubleClicked.connect(lambda _item: self._continue())
            self.continue_button.clicked.connect(self._continue)
            layout.addWidget(self.continue_button, 0, Qt.AlignmentFlag.AlignLeft)
            layout.addSpacing(8)
            layout.addWidget(heading("New here? Add yourself", 2))
        else:
            self.names.hide()
            self.continue_button.hide()
            layout.addWidget(
                text_label(
                    "Welcome! Type your name to start. Your progress is kept under it on "
                    "this computer, so several people can share the app.",
                    "muted",
                )
            )

        name_label = QLabel("Your &name:")
        self.name_edit = QLineEdit()
        self.name_edit.setAccessibleName("Your name")
        self.name_edit.setPlaceholderText("First name or nickname")
        self.name_edit.setMaxLength(MAX_NAME)
        name_label.setBuddy(self.name_edit)
        layout.addWidget(name_label)
        layout.addWidget(self.name_edit)
        self.error_label = text_label("", "error")
        self.error_label.hide()
        layout.addWidget(self.error_label)

        self.create_button = push_button(
            "C&reate learner", description="Add a learner with this name and start"
        )
        self.create_button.clicked.connect(self._create)
        self.cancel_button = push_button(
            "&Quit" if first_start else "Cancel",
            description="Close crisisquiz" if first_start else "Keep the current learner",
        )
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.create_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)

        self.server_button: QWidget | None = None
        if offer_server:
            layout.addSpacing(8)
            layout.addWidget(heading("At school?", 2))
            layout.addWidget(
                text_label(
                    "Sign in with the user name and password your school gave you: your "
                    "progress is then kept on the school's server.",
                    "muted",
                )
            )
            server_button = push_button(
                "&Sign in to a school server…",
                description="Connect to your school's server instead of studying on this computer",
            )
            server_button.clicked.connect(lambda: self.done(SIGN_IN_RESULT))
            layout.addWidget(server_button, 0, Qt.AlignmentFlag.AlignLeft)
            self.server_button = server_button

        # Enter continues with the chosen name, or creates the typed one once there is one.
        self.name_edit.textChanged.connect(self._update_default)
        self._update_default()
        (self.names if learners else self.name_edit).setFocus()

    def _update_default(self) -> None:
        typing = bool(self.name_edit.text().strip()) or self.continue_button.isHidden()
        (self.create_button if typing else self.continue_button).setDefault(True)

    def _continue(self) -> None:
        item = self.names.currentItem()
        if item is None:
            return
        try:
            learner = self._services.learners.get(int(item.data(_ID_ROLE)))
        except LearnerError as exc:
            self._show_error(_message(exc))
            return
        self._choose(learner)

    def _create(self) -> None:
        learner = create_learner(self._services, self.name_edit.text())
        if isinstance(learner, str):
            self._show_error(learner)
            return
        self._choose(learner)

    def _show_error(self, text: str) -> None:
        self.error_label.setText(f"⚠ {text}")
        self.error_label.show()
        announce(self.error_label, text, assertive=True)
        self.name_edit.setAccessibleDescription(text)
        self.name_edit.setFocus()
        self.name_edit.selectAll()

    def _choose(self, learner: Learner) -> None:
        remember_learner(self._services, learner.id)
        self.learner = learner
        self.accept()


class ManageLearnersDialog(QDialog):
    """Add, rename and remove learners. The learner using the app cannot be removed here."""

    def __init__(self, services: Services, current_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._current_id = current_id
        self.setWindowTitle("Manage learners — crisisquiz")
        self.setMinimumWidth(self.fontMetrics().height() * 28)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(10)
        layout.addWidget(heading("Learners", 1))
        intro = QLabel("&Learners on this computer:")
        self.names = _learner_list("Learners on this computer")
        intro.setBuddy(self.names)
        layout.addWidget(intro)
        layout.addWidget(self.names, 1)
        self.note = text_label("", "muted")
        layout.addWidget(self.note)
        self.error_label = text_label("", "error")
        self.error_label.hide()
        layout.addWidget(self.error_label)

        self.add_button = push_button("&Add…", description="Add a new learner")
        self.rename_button = push_button("&Rename…", description="Rename the chosen learner")
        self.remove_button = push_button(
            "Re&move…",
            description="Remove the chosen learner and all of their progress",
            role="danger",
        )
        self.close_button = push_button("Close", description="Close this window")
        self.add_button.clicked.connect(self._add)
        self.rename_button.clicked.connect(self._rename)
        self.remove_button.clicked.connect(self._remove)
        self.close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.rename_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)
        self.close_button.setDefault(True)

        self.names.currentItemChanged.connect(lambda *_args: self._update_buttons())
        self._reload(select_id=current_id)
        self.names.setFocus()

    def _reload(self, select_id: int | None = None) -> None:
        self.names.clear()
        for learner in self._services.learners.list():
            label = learner.name + (" (studying now)" if learner.id == self._current_id else "")
            item = QListWidgetItem(label)
            item.setData(_ID_ROLE, learner.id)
            self.names.addItem(item)
            if learner.id == select_id:
                self.names.setCurrentItem(item)
        if self.names.currentItem() is None and self.names.count():
            self.names.setCurrentRow(0)
        rows = max(3, min(self.names.count(), 8))
        self.names.setMinimumHeight(self.names.sizeHintForRow(0) * rows + 8)
        self._update_buttons()

    def _selected(self) -> Learner | None:
        item = self.names.currentItem()
        if item is None:
            return None
        try:
            return self._services.learners.get(int(item.data(_ID_ROLE)))
        except LearnerError:
            return None

    def _update_buttons(self) -> None:
        learner = self._selected()
        self.rename_button.setEnabled(learner is not None)
        can_remove = learner is not None and learner.id != self._current_id
        self.remove_button.setEnabled(can_remove)
        if learner is not None and learner.id == self._current_id:
            self.note.setText(
                f"{learner.name} is using the app now, so they cannot be removed here. "
                "To remove them, switch to another learner first (Learner menu)."
            )
        else:
            self.note.setText("Removing a learner deletes all of their progress.")

    def _show_error(self, text: str | None) -> None:
        self.error_label.setVisible(text is not None)
        self.error_label.setText(f"⚠ {text}" if text else "")
        if text:
            announce(self.error_label, text, assertive=True)

    def _ask_name(self, title: str, prompt: str, current: str = "") -> str | None:
        text, ok = QInputDialog.getText(self, title, prompt, QLineEdit.EchoMode.Normal, current)
        return text if ok else None

    def _add(self) -> None:
        name = self._ask_name("Add a learner", "Name of the new learner:")
        if name is None:
            return
        learner = create_learner(self._services, name)
        if isinstance(learner, str):
            self._show_error(learner)
            return
        self._show_error(None)
        self._reload(select_id=learner.id)

    def _rename(self) -> None:
        learner = self._selected()
        if learner is None:
            return
        name = self._ask_name("Rename a learner", f"New name for {learner.name}:", learner.name)
        if name is None:
            return
        problem = name_problem(self._services, name, ignore_id=learner.id)
        if problem is not None:
            self._show_error(problem)
            return
        try:
            self._services.learners.rename(learner.name, name)
        except LearnerError as exc:
            self._show_error(_message(exc))
            return
        self._show_error(None)
        self._reload(select_id=learner.id)

    def _remove(self) -> None:
        learner = self._selected()
        if learner is None or learner.id == self._current_id:
            return
        if not confirm(
            self,
            "Remove learner",
            f"Remove {learner.name}? All of {learner.name}'s answers, schedule and quiz "
            "results will be deleted. This cannot be undone.",
            f"Remove {learner.name}",
        ):
            return
        try:
            self._services.learners.remove(learner.name)
        except LearnerError as exc:
            self._show_error(_message(exc))
            return
        self._show_error(None)
        self._reload(select_id=self._current_id)
