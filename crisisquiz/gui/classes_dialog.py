"""Teacher ▸ Classes: the classes of this computer, their learners and the packs they study.

The same as ``crisisquiz class ...`` (core.classes): a class is added, renamed or
removed with the buttons; ticking a learner puts them in the chosen class at once,
unticking takes them out (their progress stays); ticking packs chooses what the
class studies, and the built-in pack can be hidden from it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crisisquiz.core.classes import ClassError, ClassInfo
from crisisquiz.gui.accessibility import announce
from crisisquiz.gui.services import Services
from crisisquiz.gui.widgets import confirm, heading, push_button, text_label
from crisisquiz.storage.dialects import connection_problem, permission_problem

_KEY_ROLE = Qt.ItemDataRole.UserRole + 1


def _list(name: str) -> QListWidget:
    widget = QListWidget()
    widget.setAccessibleName(name)
    widget.setUniformItemSizes(True)
    widget.setTextElideMode(Qt.TextElideMode.ElideNone)
    widget.setWordWrap(True)
    return widget


def _message(error: Exception) -> str:
    text = str(error)
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _problem(error: Exception) -> str:
    """What went wrong, in words: a class mistake, or a school server's refusal.

    Anything else is a bug, and goes on to the app's error handler.
    """
    if isinstance(error, ClassError):
        return _message(error)
    found = permission_problem(error) or connection_problem(error)
    if found is None:
        raise error
    return found[:1].upper() + found[1:] + "."


class ClassesDialog(QDialog):
    """Add, rename and remove classes; tick their learners and packs."""

    report_requested = Signal(str)  # a class's name: open its class report

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._filling = False
        self.setWindowTitle("Classes — crisisquiz")
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 90)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(10)
        layout.addWidget(heading("Classes", 1))
        layout.addWidget(
            text_label(
                "Group the learners of this computer into classes: their class report then "
                "needs no file collected. Ticking or unticking a learner or a pack counts at "
                "once; nobody's progress is ever removed here.",
                "muted",
            )
        )
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        self.classes = _list("Classes on this computer")
        self.learners = _list("Learners in the class")
        self.packs = _list("Packs the class studies")
        for column, (text, widget) in enumerate(
            (
                ("&Classes:", self.classes),
                ("L&earners in the class:", self.learners),
                ("Packs the class &studies:", self.packs),
            )
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            grid.addWidget(label, 0, column)
            grid.addWidget(widget, 1, column)
            grid.setColumnStretch(column, 1)
        self.builtin_box = QCheckBox("Offer the &built-in pack")
        self.builtin_box.setAccessibleDescription(
            "Whether the class's learners are offered the pack that comes with the app"
        )
        grid.addWidget(self.builtin_box, 2, 2)
        self.packs_note = text_label("With no pack ticked, the class studies every pack.", "small")
        grid.addWidget(self.packs_note, 3, 2)
        layout.addLayout(grid, 1)
        self.error_label = text_label("", "error")
        self.error_label.hide()
        layout.addWidget(self.error_label)

        self.add_button = push_button("&Add…", description="Add a new class")
        self.rename_button = push_button("&Rename…", description="Rename the chosen class")
        self.remove_button = push_button(
            "Re&move…",
            description="Remove the chosen class; its learners and their progress stay",
            role="danger",
        )
        self.report_button = push_button(
            "Class re&port", description="Open the chosen class's report"
        )
        self.close_button = push_button("Close", description="Close this window")
        self.add_button.clicked.connect(self._add)
        self.rename_button.clicked.connect(self._rename)
        self.remove_button.clicked.connect(self._remove)
        self.report_button.clicked.connect(self._report)
        self.close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.rename_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.report_button)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)

        self.classes.currentItemChanged.connect(lambda *_args: self._show_chosen())
        self.learners.itemChanged.connect(self._learner_ticked)
        self.packs.itemChanged.connect(lambda _item: self._packs_ticked())
        self.builtin_box.toggled.connect(lambda _on: self._packs_ticked())
        self.reload()
        self.classes.setFocus()

    # -- reading --------------------------------------------------------------------------

    def reload(self, select: str | None = None) -> None:
        """Fill the class list again, choosing ``select`` (or the class chosen before)."""
        current = self.chosen()
        wanted = select if select is not None else (current.name if current else None)
        self._filling = True
        self.classes.clear()
        for info in self._services.classes.list():
            item = QListWidgetItem(info.name)
            item.setData(_KEY_ROLE, info.name)
            self.classes.addItem(item)
            if wanted is not None and info.name.casefold() == wanted.casefold():
                self.classes.setCurrentItem(item)
        if self.classes.currentItem() is None and self.classes.count():
            self.classes.setCurrentRow(0)
        self._filling = False
        self._show_chosen()

    def chosen(self) -> ClassInfo | None:
        """The class chosen in the list, as stored now."""
        item = self.classes.currentItem() if hasattr(self, "classes") else None
        if item is None:
            return None
        try:
            return self._services.classes.get(str(item.data(_KEY_ROLE)))
        except ClassError:
            return None

    def _show_chosen(self) -> None:
        if self._filling:
            return
        info = self.chosen()
        self._filling = True
        self.learners.clear()
        self.packs.clear()
        if info is not None:
            enrolled = {member.learner_id for member in info.learners}
            for learner in self._services.learners.list():
                item = QListWidgetItem(learner.name)
                item.setData(_KEY_ROLE, learner.name)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(
                    Qt.CheckState.Checked if learner.id in enrolled else Qt.CheckState.Unchecked
                )
                self.learners.addItem(item)
            for pack in self._services.packs.list_packs():
                if pack.builtin:
                    continue
                item = QListWidgetItem(pack.title)
                item.setData(_KEY_ROLE, pack.id)
                item.setToolTip(pack.id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(
                    Qt.CheckState.Checked if pack.id in info.packs else Qt.CheckState.Unchecked
                )
                self.packs.addItem(item)
            self.builtin_box.setChecked(not info.hide_builtin)
        self._filling = False
        for widget in (
            self.learners,
            self.packs,
            self.builtin_box,
            self.rename_button,
            self.remove_button,
            self.report_button,
        ):
            widget.setEnabled(info is not None)
        if info is None:
            self.packs_note.setText("Add a class to choose its learners and packs.")
        elif not self.packs.count():
            self.packs_note.setText(
                "Only the built-in pack is installed; other packs appear here once imported."
            )
        else:
            self.packs_note.setText("With no pack ticked, the class studies every pack.")

    # -- changing -------------------------------------------------------------------------

    def _learner_ticked(self, item: QListWidgetItem) -> None:
        info = self.chosen()
        if self._filling or info is None:
            return
        name = str(item.data(_KEY_ROLE))
        ticked = item.checkState() == Qt.CheckState.Checked
        try:
            if ticked:
                self._services.classes.enrol(info.name, [name])
            else:
                self._services.classes.unenrol(info.name, [name])
        except Exception as exc:
            self._show_error(_problem(exc))
            self._show_chosen()
            return
        self._show_error(None)
        announce(self.learners, f"{name} {'put in' if ticked else 'taken out of'} {info.name}")

    def _packs_ticked(self) -> None:
        info = self.chosen()
        if self._filling or info is None:
            return
        chosen = [
            str(self.packs.item(row).data(_KEY_ROLE))
            for row in range(self.packs.count())
            if self.packs.item(row).checkState() == Qt.CheckState.Checked
        ]
        try:
            self._services.classes.set_packs(
                info.name, chosen, hide_builtin=not self.builtin_box.isChecked()
            )
        except Exception as exc:
            self._show_error(_problem(exc))
            self._show_chosen()
            return
        self._show_error(None)

    def _ask_name(self, title: str, prompt: str, current: str = "") -> str | None:
        text, ok = QInputDialog.getText(self, title, prompt, QLineEdit.EchoMode.Normal, current)
        return text if ok else None

    def _add(self) -> None:
        name = self._ask_name("Add a class", "Name of the new class:")
        if name is None:
            return
        try:
            info = self._services.classes.create(name, now=self._services.clock())
        except Exception as exc:
            self._show_error(_problem(exc))
            return
        self._show_error(None)
        self.reload(select=info.name)
        self.learners.setFocus()

    def _rename(self) -> None:
        info = self.chosen()
        if info is None:
            return
        name = self._ask_name("Rename a class", f"New name for {info.name}:", info.name)
        if name is None:
            return
        try:
            renamed = self._services.classes.rename(info.name, name)
        except Exception as exc:
            self._show_error(_problem(exc))
            return
        self._show_error(None)
        self.reload(select=renamed.name)

    def _remove(self) -> None:
        info = self.chosen()
        if info is None:
            return
        if not confirm(
            self,
            "Remove class",
            f"Remove the class {info.name}? Its learners and their progress stay.",
            f"Remove {info.name}",
        ):
            return
        try:
            self._services.classes.remove(info.name)
        except Exception as exc:
            self._show_error(_problem(exc))
            return
        self._show_error(None)
        self.reload()
        self.classes.setFocus()

    def _report(self) -> None:
        info = self.chosen()
        if info is not None:
            self.report_requested.emit(info.name)
            self.accept()

    def _show_error(self, text: str | None) -> None:
        self.error_label.setVisible(text is not None)
        self.error_label.setText(f"⚠ {text}" if text else "")
        if text:
            announce(self.error_label, text, assertive=True)


__all__ = ["ClassesDialog"]
