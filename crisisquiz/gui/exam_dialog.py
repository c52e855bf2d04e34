"""Setting an exam date: the pack, the day, and (optionally) minutes a day to study."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from crisisquiz.core.exams import MAX_MINUTES, ExamError, ExamPlan
from crisisquiz.core.recording import StudyClock
from crisisquiz.gui.accessibility import announce
from crisisquiz.gui.services import Services
from crisisquiz.gui.widgets import heading, push_button, text_label

# The minutes box at 0 reads "As many as the plan needs": no daily budget. Steps of 5
# from there; a typed 1 to 4 is refused in words when saving.
_NO_LIMIT = 0


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _day(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class ExamDialog(QDialog):
    """Sets, moves or removes the learner's exam on a pack.

    Opened from Home. Accepted once the exam is saved or removed; ``changed`` tells which.
    """

    def __init__(self, services: Services, learner_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._learner_id = learner_id
        self.changed = False
        self.setWindowTitle("Exam date — crisisquiz")
        self.setAccessibleName("Exam date")
        self.setMinimumWidth(self.fontMetrics().height() * 26)
        now = services.clock()
        learner = services.learners.get(learner_id)
        self._today = StudyClock(services.tz, learner.day_rollover_hour).day_of(now)
        self._plans: dict[str, ExamPlan] = {
            p.pack_id: p for p in services.exams.plans(learner_id, now=now)
        }
        visible = services.classes.visible_packs(learner_id)
        packs = [p for p in services.packs.list_packs() if visible is None or p.id in visible]

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(10)
        layout.addWidget(heading("Exam date", 1))
        layout.addWidget(
            text_label(
                "Until the exam, your study is planned for the best score on the day: every "
                "question you have not seen yet is started in time, and each one comes back "
                "last in the days just before the exam. After the exam your schedule is as "
                "before."
            )
        )
        form = QFormLayout()
        self.pack = QComboBox()
        self.pack.setAccessibleName("Pack the exam is on")
        for pack in packs:
            self.pack.addItem(pack.title, pack.id)
        form.addRow("&Pack:", self.pack)
        self.exam_day = QDateEdit()
        self.exam_day.setCalendarPopup(True)
        self.exam_day.setDisplayFormat("dddd d MMMM yyyy")
        self.exam_day.setMinimumDate(_qdate(self._today + timedelta(days=1)))
        self.exam_day.setMaximumDate(_qdate(self._today + timedelta(days=366)))
        self.exam_day.setAccessibleName("Exam day")
        self.exam_day.setAccessibleDescription(
            "Up and Down change the day; Alt+Down opens a calendar"
        )
        form.addRow("Exam &day:", self.exam_day)
        self.minutes = QSpinBox()
        self.minutes.setRange(_NO_LIMIT, MAX_MINUTES)
        self.minutes.setSingleStep(5)
        self.minutes.setSuffix(" minutes a day")
        self.minutes.setSpecialValueText("As many as the plan needs")
        self.minutes.setAccessibleName("Minutes a day to study")
        self.minutes.setAccessibleDescription(
            "The plan fits its reviews into this time; the lowest value leaves it free"
        )
        form.addRow("&Time a day:", self.minutes)
        layout.addLayout(form)
        self.error = text_label("", "error")
        self.error.hide()
        layout.addWidget(self.error)

        buttons = QHBoxLayout()
        self.save_button = push_button("&Save exam date", role="primary")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self._save)
        buttons.addWidget(self.save_button)
        self.remove_button = push_button(
            "&Remove exam", description="Back to your usual schedule for this pack"
        )
        self.remove_button.clicked.connect(self._remove)
        buttons.addWidget(self.remove_button)
        cancel = push_button("Cancel")
        cancel.clicked.connect(self.reject)
        buttons.addWidget(cancel)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        self.pack.currentIndexChanged.connect(lambda _i: self._show_plan())
        self.pack.setVisible(len(packs) > 1)
        label = form.labelForField(self.pack)
        if label is not None:
            label.setVisible(len(packs) > 1)
        if self._plans:
            first = next(iter(self._plans))
            index = self.pack.findData(first)
            if index >= 0:
                self.pack.setCurrentIndex(index)
        self._show_plan()
        self.exam_day.setFocus(Qt.FocusReason.OtherFocusReason)

    def _pack_id(self) -> str | None:
        data = self.pack.currentData()
        return data if isinstance(data, str) else None

    def _show_plan(self) -> None:
        plan = self._plans.get(self._pack_id() or "")
        if plan is None:
            self.exam_day.setDate(_qdate(self._today + timedelta(days=7)))
            self.minutes.setValue(_NO_LIMIT)
        else:
            self.exam_day.setDate(_qdate(plan.exam_day))
            self.minutes.setValue(plan.minutes_per_day or _NO_LIMIT)
        self.remove_button.setVisible(plan is not None)

    def _fail(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
        announce(self.error, message, assertive=True)

    def _save(self) -> None:
        pack_id = self._pack_id()
        if pack_id is None:
            self._fail("There is no pack to set an exam on: import a pack on the Packs screen.")
            return
        minutes = self.minutes.value()
        try:
            self._services.exams.set(
                self._learner_id,
                pack_id,
                _day(self.exam_day.date()),
                minutes_per_day=None if minutes == _NO_LIMIT else minutes,
                now=self._services.clock(),
            )
        except ExamError as exc:
            text = str(exc)
            self._fail(text[:1].upper() + text[1:] + ".")
            return
        self.changed = True
        self.accept()

    def _remove(self) -> None:
        pack_id = self._pack_id()
        if pack_id is not None and self._services.exams.clear(self._learner_id, pack_id):
            self.changed = True
        self.accept()
