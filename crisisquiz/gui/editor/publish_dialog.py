"""Publish: what changed since the installed version, and the version number to give it."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from crisisquiz.core.publishing import PublishPlan
from crisisquiz.gui.widgets import heading, text_label


def _version_words(plan: PublishPlan, version: str) -> str:
    patch, minor, _major = plan.options if len(plan.options) == 3 else (None, None, None)
    if version == patch:
        meaning = "corrections"
    elif version == minor:
        meaning = "questions added or removed"
    else:
        meaning = "a new edition"
    suggested = " (suggested)" if version == plan.suggested else ""
    return f"{version}: {meaning}{suggested}"


class PublishDialog(QDialog):
    """Asks for the version and says what publishing does; ``version`` is the one chosen."""

    def __init__(self, plan: PublishPlan, questions: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        self.setWindowTitle("Publish — crisisquiz")
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(heading(f"Publish “{plan.title}”", 2))
        self.choices: dict[str, QRadioButton] = {}
        self._group = QButtonGroup(self)
        nothing_new = plan.changes is not None and not plan.changes.any
        if plan.installed is None:
            layout.addWidget(
                text_label(
                    f"It will be installed as version {plan.suggested}, with {questions} "
                    "questions. Learners can study it as soon as it is published."
                )
            )
        elif nothing_new:
            layout.addWidget(
                text_label(
                    f"Nothing has changed since the installed version {plan.installed}, so "
                    "there is nothing to publish."
                )
            )
        else:
            assert plan.changes is not None
            layout.addWidget(
                text_label(
                    f"Installed now: version {plan.installed}. Your changes: "
                    f"{plan.changes.describe()}."
                )
            )
            layout.addWidget(text_label("Publish it as version:", "strong"))
            for version in plan.options:
                button = QRadioButton(_version_words(plan, version))
                button.setAccessibleName(f"Version {_version_words(plan, version)}")
                self._group.addButton(button)
                self.choices[version] = button
                layout.addWidget(button)
                button.setChecked(version == plan.suggested)
            layout.addWidget(
                text_label(
                    "Every learner's history is kept. Questions you removed are retired, "
                    "their history kept too; learners see the new version at once.",
                    "muted",
                )
            )
        if plan.builtin and not nothing_new:
            layout.addWidget(
                text_label(
                    "This pack comes with the app: when a newer version of the app brings a "
                    "newer version of it, that one replaces yours.",
                    "small",
                )
            )
        buttons = QDialogButtonBox()
        self.publish_button = buttons.addButton("Publish", QDialogButtonBox.ButtonRole.AcceptRole)
        self.publish_button.setAccessibleName("Publish")
        self.publish_button.setDefault(True)
        self.publish_button.setEnabled(not nothing_new)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName("Cancel")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        chosen = self.choices.get(plan.suggested)
        if chosen is not None:
            chosen.setFocus()
        elif nothing_new:
            cancel.setDefault(True)
            cancel.setFocus()
        else:
            self.publish_button.setFocus()

    @property
    def version(self) -> str:
        """The version chosen."""
        for version, button in self.choices.items():
            if button.isChecked():
                return version
        return self.plan.suggested
