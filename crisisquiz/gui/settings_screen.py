"""Settings: the learner's study settings, the app's look, and resetting progress.

Every change is saved at once (no Save button to forget): study settings in the
learner's profile, the look in the app settings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from crisisquiz.core.app_settings import Theme
from crisisquiz.core.learners import (
    MAX_NEW_PER_DAY,
    MAX_RETENTION,
    MIN_RETENTION,
    Learner,
    LearnerError,
)
from crisisquiz.gui.accessibility import announce
from crisisquiz.gui.services import Services
from crisisquiz.gui.theme import Appearance, clamp_scale
from crisisquiz.gui.widgets import Card, Page, confirm, heading, push_button, text_label

TEXT_SIZES = (80, 90, 100, 110, 120, 130, 140, 150, 175, 200)
THEMES = (
    ("Same as the system", Theme.SYSTEM),
    ("Light", Theme.LIGHT),
    ("Dark", Theme.DARK),
)


def _field(body: QVBoxLayout, label_text: str, control: QWidget, explanation: str) -> QLabel:
    """A labelled control with its plain-words explanation under it."""
    label = QLabel(label_text)
    label.setBuddy(control)
    body.addWidget(label)
    row = QHBoxLayout()
    row.addWidget(control)
    row.addStretch(1)
    body.addLayout(row)
    note = text_label(explanation, "muted")
    body.addWidget(note)
    control.setAccessibleDescription(explanation)
    return note


class SettingsScreen(QWidget):
    """Study settings for the current learner, the app's theme and text size, and reset.

    ``learner_updated`` carries the learner after a change to their settings;
    ``progress_reset`` is emitted after their progress was wiped.
    """

    learner_updated = Signal(object)
    progress_reset = Signal()

    def __init__(
        self,
        services: Services,
        appearance: Appearance,
        learner_id: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._appearance = appearance
        self._learner_id = learner_id
        self._learner: Learner | None = None

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        page = Page()
        outer.addWidget(page)
        body = page.body
        body.addWidget(heading("Settings", 1))
        self.status = text_label("", "muted")

        # -- studying -----------------------------------------------------------------
        study = Card()
        self.study_heading = heading("Studying", 2)
        study.body.addWidget(self.study_heading)
        self.study_intro = text_label("", "muted")
        study.body.addWidget(self.study_intro)

        self.retention = QSpinBox()
        self.retention.setRange(round(MIN_RETENTION * 100), round(MAX_RETENTION * 100))
        self.retention.setSuffix(" %")
        self.retention.setAccessibleName("Desired retention, in percent")
        _field(
            study.body,
            "&Desired retention",
            self.retention,
            "How likely you want to be to still remember a question when it comes back. "
            "At 90 % you remember about 9 questions in 10. Aim higher and questions come "
            "back sooner, so each day has more reviews; aim lower and there are fewer "
            "reviews, but you forget more. Between 70 % and 97 %; 90 % suits most people.",
        )

        self.new_per_day = QSpinBox()
        self.new_per_day.setRange(0, MAX_NEW_PER_DAY)
        self.new_per_day.setAccessibleName("New questions per day")
        _field(
            study.body,
            "&New questions per day",
            self.new_per_day,
            "How many questions you have not seen before are added each day. Every new "
            "question brings reviews on the days after, so more new questions now means "
            "more reviews later. 10 to 20 is a steady pace; 0 pauses new questions.",
        )

        self.quiz_counts = QCheckBox("&Quiz answers count as reviews")
        self.quiz_counts.setAccessibleName("Quiz answers count as reviews")
        quiz_note = (
            "When this is on, answering a question in a quiz also counts as studying it, "
            "and changes when it comes back. When it is off, quizzes only test you and "
            "leave your study schedule alone."
        )
        self.quiz_counts.setAccessibleDescription(quiz_note)
        study.body.addWidget(self.quiz_counts)
        study.body.addWidget(text_label(quiz_note, "muted"))
        body.addWidget(study)

        # -- appearance ---------------------------------------------------------------
        look = Card()
        look.body.addWidget(heading("Appearance", 2))
        look.body.addWidget(
            text_label("These apply to everyone using crisisquiz on this computer.", "muted")
        )
        self.theme = QComboBox()
        self.theme.setAccessibleName("Theme")
        for label, theme in THEMES:
            self.theme.addItem(label, theme.value)
        _field(
            look.body,
            "&Theme",
            self.theme,
            "Light or dark colours. “Same as the system” follows your computer's setting.",
        )
        self.text_size = QComboBox()
        self.text_size.setAccessibleName("Text size")
        for percent in TEXT_SIZES:
            self.text_size.addItem(f"{percent} %", percent)
        _field(
            look.body,
            "Text si&ze",
            self.text_size,
            "The size of all text in the app; 100 % is your computer's usual size.",
        )
        body.addWidget(look)

        # -- reset --------------------------------------------------------------------
        reset = Card()
        reset.body.addWidget(heading("Start over", 2))
        self.reset_note = text_label("", "muted")
        reset.body.addWidget(self.reset_note)
        self.reset_button = push_button("Reset progress…", role="danger")
        self.reset_button.clicked.connect(self.confirm_and_reset)
        row = QHBoxLayout()
        row.addWidget(self.reset_button)
        row.addStretch(1)
        reset.body.addLayout(row)
        body.addWidget(reset)
        body.addWidget(self.status)
        body.addStretch(1)

        self.refresh()
        self.retention.valueChanged.connect(self._save_retention)
        self.new_per_day.valueChanged.connect(self._save_new_per_day)
        self.quiz_counts.toggled.connect(self._save_quiz_counts)
        self.theme.currentIndexChanged.connect(self._save_appearance)
        self.text_size.currentIndexChanged.connect(self._save_appearance)

    def initial_focus(self) -> QWidget:
        """The control to focus when the screen is shown."""
        return self.retention

    def refresh(self) -> None:
        """Show the saved values (without saving them again)."""
        learner = self._services.learners.get(self._learner_id)
        self._learner = learner
        app = self._services.settings.load()
        widgets: tuple[QWidget, ...] = (
            self.retention,
            self.new_per_day,
            self.quiz_counts,
            self.theme,
            self.text_size,
        )
        for widget in widgets:
            widget.blockSignals(True)
        try:
            self.retention.setValue(round(learner.desired_retention * 100))
            self.new_per_day.setValue(learner.new_per_day)
            self.quiz_counts.setChecked(learner.quiz_counts_as_review)
            self.theme.setCurrentIndex(max(0, self.theme.findData(app.theme.value)))
            percent = round(app.text_scale * 100)
            if self.text_size.findData(percent) < 0:
                self.text_size.addItem(f"{percent} %", percent)
            self.text_size.setCurrentIndex(self.text_size.findData(percent))
        finally:
            for widget in widgets:
                widget.blockSignals(False)
        name = learner.name
        self.study_heading.setText(f"Studying — {name}")
        self.study_intro.setText(f"These settings are {name}'s own; other learners keep theirs.")
        self.reset_note.setText(
            f"Forget all of {name}'s answers and start every question as new. "
            f"{name}'s name and settings stay."
        )
        self.reset_button.setText(f"Reset {name}'s progress…")
        self.reset_button.setAccessibleName(f"Reset {name}'s progress")
        self.reset_button.setAccessibleDescription(
            f"Deletes every answer and the schedule of {name}; asks first"
        )

    # -- saving ---------------------------------------------------------------------------

    def _update_learner(self, change: Callable[[], Learner]) -> None:
        try:
            learner = change()
        except LearnerError as exc:
            self._say(f"⚠ Not saved: {exc}.")
            self.refresh()
            return
        self._learner = learner
        self._say("✓ Saved.")
        self.learner_updated.emit(learner)

    def _save_retention(self, percent: int) -> None:
        learners, learner_id = self._services.learners, self._learner_id
        self._update_learner(
            lambda: learners.update_settings(learner_id, desired_retention=percent / 100)
        )

    def _save_new_per_day(self, count: int) -> None:
        learners, learner_id = self._services.learners, self._learner_id
        self._update_learner(lambda: learners.update_settings(learner_id, new_per_day=count))

    def _save_quiz_counts(self, checked: bool) -> None:
        learners, learner_id = self._services.learners, self._learner_id
        self._update_learner(
            lambda: learners.update_settings(learner_id, quiz_counts_as_review=checked)
        )

    def _save_appearance(self) -> None:
        theme = Theme(str(self.theme.currentData()))
        scale = clamp_scale(int(self.text_size.currentData()) / 100)
        saved = self._services.settings.load()
        self._services.settings.save(replace(saved, theme=theme, text_scale=scale))
        self._appearance.apply(theme, scale)
        self._say("✓ Saved.")

    def _say(self, text: str) -> None:
        self.status.setText(text)
        # The focus stays on the setting just changed: the outcome is spoken by itself.
        announce(self.status, text.lstrip("✓⚠ "), assertive=text.startswith("⚠"))

    # -- reset ----------------------------------------------------------------------------

    def confirm_and_reset(self) -> None:
        """Ask, then forget the learner's progress."""
        learner = self._services.learners.get(self._learner_id)
        name = learner.name
        if not confirm(
            self,
            "Reset progress",
            f"Reset {name}'s progress? Every answer and the whole schedule of {name} will be "
            f"forgotten, and every question will be new again. {name}'s settings stay. "
            "This cannot be undone.",
            f"Reset {name}'s progress",
        ):
            return
        self._services.learners.reset_progress(learner.id)
        self._say(f"✓ {name}'s progress was reset. Every question is new again.")
        self.progress_reset.emit()
