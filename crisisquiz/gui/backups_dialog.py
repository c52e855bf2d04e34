"""File ▸ Backups…: the backups of this computer's data, one made now, one put back.

The list says when each backup was made, why, how big it is and how many learners
and answers it holds. Backing up runs off the window's thread; restoring is asked
for with :attr:`BackupsDialog.restore_requested`, because the app then opens its
data again under a new window.
"""

from __future__ import annotations

from datetime import tzinfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crisisquiz.core.backups import BackupService, describe_reason
from crisisquiz.core.safe_archive import describe_size
from crisisquiz.gui.widgets import confirm, heading, push_button, text_label
from crisisquiz.gui.worker import TaskRunner
from crisisquiz.storage.sqlite_backup import BackupInfo

COLUMNS = ("When", "Why", "Size", "Learners", "Answers")


def when_text(info: BackupInfo, tz: tzinfo) -> str:
    """When a backup was made, in the computer's time: "2 March 2026 16:00"."""
    local = info.created.astimezone(tz)
    return f"{local.day} {local:%B %Y %H:%M}"


def held_text(info: BackupInfo) -> str:
    """What a backup holds, in words: "3 learners and 1,204 answers"."""
    parts = []
    if info.learners is not None:
        parts.append(f"{info.learners:,} learner{'s' if info.learners != 1 else ''}")
    if info.answers is not None:
        parts.append(f"{info.answers:,} answer{'s' if info.answers != 1 else ''}")
    return " and ".join(parts) or "contents not recorded"


class BackupsDialog(QDialog):
    """The backups of the database in ``data_dir``: listed, one made, one restored."""

    restore_requested = Signal(object)  # the BackupInfo to put in place

    def __init__(
        self, service: BackupService, runner: TaskRunner, tz: tzinfo, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Backups")
        self._service = service
        self._runner = runner
        self._tz = tz
        self._backups: list[BackupInfo] = []
        column = QVBoxLayout(self)
        column.addWidget(heading("Backups", 2))
        self.intro = text_label(
            "crisisquiz backs up your data by itself: every 30 minutes while you study, "
            "when you close it, and just before any change that cannot be undone "
            "(updating or removing a pack, removing or resetting a learner, an upgrade, "
            f"a restore). They are kept in {service.folder}: all of today's and "
            "yesterday's, then one a day for 12 days, one a week for 10 weeks and one a "
            "month for 9 months.",
            selectable=True,
        )
        column.addWidget(self.intro)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # The reason takes the spare width: the figures stay next to their headings.
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setAccessibleName("Backups, newest first")
        self.table.itemSelectionChanged.connect(self._selection_changed)
        column.addWidget(self.table, 1)
        self.status = text_label("", "muted")
        self.status.setAccessibleName("Backup status")
        column.addWidget(self.status)
        buttons = QHBoxLayout()
        self.backup_button = push_button(
            "&Back up now", description="Make a backup of your data now"
        )
        self.backup_button.clicked.connect(self.back_up)
        self.restore_button = push_button(
            "&Restore…",
            description="Put the selected backup in place of your data; your data as it is "
            "now is backed up first",
        )
        self.restore_button.clicked.connect(self.confirm_and_restore)
        self.close_button = push_button("&Close", description="Close this window")
        self.close_button.clicked.connect(self.reject)
        buttons.addWidget(self.backup_button)
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        column.addLayout(buttons)
        # In lines of text, so that 200 % text keeps several backups in view; never
        # larger than the screen.
        line = self.fontMetrics().height()
        self.table.setMinimumHeight(line * 8)
        width, height = line * 44, line * 30
        screen = self.screen() if parent is None else parent.screen()
        if screen is not None:
            room = screen.availableGeometry()
            width, height = min(width, room.width() - 40), min(height, room.height() - 60)
        self.resize(width, height)
        self.refresh()

    @property
    def backups(self) -> list[BackupInfo]:
        """The backups listed, newest first."""
        return list(self._backups)

    def refresh(self) -> None:
        """List the backups again, the newest selected."""
        self._backups = self._service.backups()
        self.table.setRowCount(len(self._backups))
        for row, info in enumerate(self._backups):
            cells = (
                when_text(info, self._tz),
                describe_reason(info.reason),
                describe_size(info.size),
                "?" if info.learners is None else f"{info.learners:,}",
                "?" if info.answers is None else f"{info.answers:,}",
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column >= 2:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, column, item)
        if self._backups:
            self.table.selectRow(0)
        else:
            self.status.setText("No backups yet. Back up now to make the first one.")
        self._selection_changed()

    def selected(self) -> BackupInfo | None:
        """The backup selected in the list, if any."""
        rows = self.table.selectionModel().selectedRows()
        return self._backups[rows[0].row()] if rows else None

    def _selection_changed(self) -> None:
        self.restore_button.setEnabled(self.selected() is not None and not self._runner.busy)

    def back_up(self) -> None:
        """Make a backup now, off the window's thread."""
        if self._runner.busy:
            return
        self.backup_button.setEnabled(False)
        self.status.setText("Backing up…")
        self._runner.run(
            lambda: self._service.back_up("manual"), self._backed_up, self._backup_failed
        )

    def _backed_up(self, info: object) -> None:
        self.backup_button.setEnabled(True)
        self.refresh()
        assert isinstance(info, BackupInfo)
        self.status.setText(f"✓ Backed up: {when_text(info, self._tz)}, {held_text(info)}.")

    def _backup_failed(self, error: Exception) -> None:
        self.backup_button.setEnabled(True)
        self.status.setText(f"⚠ No backup was made: {error}")

    def confirm_and_restore(self) -> None:
        """Ask once, then ask the app to put the selected backup in place."""
        chosen = self.selected()
        if chosen is None:
            return
        if not confirm(
            self,
            "Restore a backup",
            f"Put the backup of {when_text(chosen, self._tz)} ({held_text(chosen)}) in place "
            "of your data? Your data as it is now is backed up first, so this can be undone "
            "by restoring that backup.",
            "Restore this backup",
        ):
            return
        self.accept()
        self.restore_requested.emit(chosen)
