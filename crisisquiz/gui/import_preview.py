"""Before an import: what will come in, what will not, and the pack's name, title and version.

The file has already been read (off the GUI thread); nothing is stored until the
teacher chooses Import. The id, title and version can be changed here, for
instance to give a Moodle export a clearer title or to raise the version of an
updated deck.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crisisquiz.core.pack_loader import PackError
from crisisquiz.gui.widgets import heading, text_label
from crisisquiz.interop.registry import with_identity
from crisisquiz.interop.report import Converted, Outcome

_MARKS = {Outcome.CONVERTED: "✓", Outcome.CHANGED: "≈", Outcome.SKIPPED: "✗"}


class ImportPreview(QDialog):
    """Shows a converted file's report and identity; ``result_pack`` holds the pack to import."""

    def __init__(
        self, converted: Converted, installed: str | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.converted = converted
        self.result_pack = converted.pack
        report = converted.report
        info = converted.pack.pack
        self.setWindowTitle(f"Import {report.source} — crisisquiz")
        self.setAccessibleName(f"Check {report.source} before importing")
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Check before importing", 2))
        summary = (
            f"{report.summary()}. Nothing is stored until you choose Import."
            if report.entries
            else "Nothing is stored until you choose Import."
        )
        self.summary = text_label(summary)
        layout.addWidget(self.summary)

        form = QFormLayout()
        self.id_field = QLineEdit(info.id)
        self.id_field.setAccessibleName("Pack id")
        self.title_field = QLineEdit(info.title)
        self.title_field.setAccessibleName("Pack title")
        self.version_field = QLineEdit(info.version)
        self.version_field.setAccessibleName("Pack version")
        form.addRow("&Title:", self.title_field)
        form.addRow("&Id:", self.id_field)
        form.addRow("&Version:", self.version_field)
        layout.addLayout(form)
        hint = (
            f"Version {installed} of this pack is installed: a higher version updates it and "
            "keeps everyone's progress."
            if installed
            else "The id names the pack for good: importing a file with the same id and a "
            "higher version later updates it and keeps everyone's progress."
        )
        self.hint = text_label(hint, "small")
        layout.addWidget(self.hint)

        self.entries = QListWidget()
        self.entries.setWordWrap(True)
        self.entries.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.entries.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.entries.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.entries.setAccessibleName("What happens to each question")
        for note in report.notes:
            self.entries.addItem(QListWidgetItem(f"• {note}"))
        # Skipped, then changed questions first: those are what a teacher has to read.
        rank = {Outcome.SKIPPED: 0, Outcome.CHANGED: 1, Outcome.CONVERTED: 2}
        ordered = sorted(report.entries, key=lambda e: rank[e.outcome])
        for entry in ordered:
            self.entries.addItem(QListWidgetItem(f"{_MARKS[entry.outcome]} {entry}"))
        self.entries.setVisible(self.entries.count() > 0)
        self.entries.setMinimumHeight(self.fontMetrics().height() * 12)
        layout.addWidget(self.entries, 1)

        self.error = text_label("", "error")
        self.error.setAccessibleName("Problem")
        self.error.hide()
        layout.addWidget(self.error)

        buttons = QDialogButtonBox()
        self.import_button = buttons.addButton("&Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setDefault(True)
        self.import_button.setAccessibleDescription(
            f"Store these {len(converted.pack.questions)} questions as a pack"
        )
        self.cancel_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.confirm)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        # Wide enough that a report line reads in one or two lines, at any text size.
        self.setMinimumWidth(self.fontMetrics().height() * 34)
        self.resize(self.fontMetrics().height() * 40, self.fontMetrics().height() * 30)
        self.title_field.setFocus()

    def confirm(self) -> None:
        """Check the id, title and version given; accept with the pack to import."""
        try:
            self.result_pack = with_identity(
                self.converted.pack,
                pack_id=self.id_field.text().strip(),
                title=self.title_field.text().strip(),
                version=self.version_field.text().strip(),
            )
        except PackError as error:
            self.error.setText(
                "Fix this first: " + "; ".join(issue.message for issue in error.issues)
            )
            self.error.show()
            field = str(error.issues[0].field or "")
            target = {
                "pack.id": self.id_field,
                "pack.title": self.title_field,
                "pack.version": self.version_field,
            }.get(field, self.title_field)
            target.setFocus()
            target.selectAll()
            return
        self.accept()
