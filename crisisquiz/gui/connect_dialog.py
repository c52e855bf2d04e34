"""File ▸ Connect to a school server: server, database, user name, password.

The connection is tried in the background (a server that does not answer takes a
few seconds to give up); what went wrong is shown in the dialog, in words, and the
fields stay as typed. The password is remembered only if the box is ticked, and
then only in the operating system's keyring.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from crisisquiz.core.sign_in import Connected, SignIn, SignInError, connect
from crisisquiz.gui import credentials
from crisisquiz.gui.accessibility import announce
from crisisquiz.gui.widgets import heading, push_button, text_label
from crisisquiz.gui.worker import TaskRunner
from crisisquiz.storage.server import DEFAULT_PORT, is_local

TLS_NOTE = (
    "The connection is encrypted (TLS): a server on another computer must offer it, or "
    "crisisquiz will not send your password to it."
)


class ConnectDialog(QDialog):
    """Asks where to sign in and as whom; emits :attr:`connected` once the server said yes."""

    connected = Signal(object)  # a Connected, with ``remember`` said by :attr:`remembered`

    def __init__(
        self,
        runner: TaskRunner,
        clock: Callable[[], datetime],
        last: SignIn | None = None,
        parent: QWidget | None = None,
        *,
        connector: Callable[[SignIn, str, datetime], Connected] | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._clock = clock
        self._connect = connector or (lambda s, p, now: connect(s, p, now=now))
        self.remembered: str | None = None  # why the password was not kept, if it was not
        self.setWindowTitle("Connect to a school server — crisisquiz")
        self.setAccessibleName("Connect to a school server")
        self.setMinimumWidth(self.fontMetrics().height() * 28)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(10)
        layout.addWidget(heading("Connect to a school server", 1))
        layout.addWidget(
            text_label(
                "Your school gives you these. Once signed in, your progress is kept on the "
                "school's server, so it follows you to any computer.",
                "muted",
            )
        )
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.host_edit = self._line("&Server:", "Server name or address", form, "school-server")
        self.port_spin = QSpinBox()
        self.port_spin.setRange(1, 65535)
        self.port_spin.setValue(DEFAULT_PORT)
        self.port_spin.setAccessibleName("Port")
        port_label = QLabel("P&ort:")
        port_label.setBuddy(self.port_spin)
        form.addRow(port_label, self.port_spin)
        self.database_edit = self._line("&Database:", "Database name", form, "crisisquiz")
        self.user_edit = self._line("&User name:", "User name", form, "")
        self.password_edit = self._line("&Password:", "Password", form, "")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        layout.addLayout(form)
        self.remember_box = QCheckBox("&Remember the password on this computer")
        self.remember_box.setToolTip(
            "Kept in this computer's password keyring, never in a file; sign out to forget it"
        )
        layout.addWidget(self.remember_box)
        self.tls_label = text_label(TLS_NOTE, "small")
        layout.addWidget(self.tls_label)
        self.error_label = text_label("", "error")
        self.error_label.hide()
        layout.addWidget(self.error_label)
        self.status_label = text_label("", "muted")
        self.status_label.hide()
        layout.addWidget(self.status_label)

        self.connect_button = push_button(
            "&Connect", description="Sign in to the school server with these details"
        )
        self.connect_button.setDefault(True)
        self.connect_button.clicked.connect(self.try_connect)
        self.cancel_button = push_button("Cancel", description="Keep working as before")
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.connect_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)

        if last is not None:
            self.host_edit.setText(last.host)
            self.port_spin.setValue(last.port)
            self.database_edit.setText(last.database)
            self.user_edit.setText(last.user)
        self.host_edit.textChanged.connect(self._update_tls_note)
        self._update_tls_note()
        # The keyboard starts in the first field left to fill (the password, once known).
        self._first_field = next(
            (
                edit
                for edit in (self.host_edit, self.database_edit, self.user_edit)
                if not edit.text()
            ),
            self.password_edit,
        )
        self._first_field.setFocus()

    def showEvent(self, event: QShowEvent) -> None:
        """Focus set before the dialog showed is lost on some platforms: set it again."""
        super().showEvent(event)
        self._first_field.setFocus(Qt.FocusReason.OtherFocusReason)

    def _line(self, label: str, name: str, form: QFormLayout, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setAccessibleName(name)
        if placeholder:
            edit.setPlaceholderText(placeholder)
        caption = QLabel(label)
        caption.setBuddy(edit)
        form.addRow(caption, edit)
        return edit

    def _update_tls_note(self) -> None:
        local = is_local(self.host_edit.text()) and bool(self.host_edit.text().strip())
        self.tls_label.setText(
            "The server is this computer: the connection does not leave it." if local else TLS_NOTE
        )

    def sign_in(self) -> SignIn:
        """What the fields say (without the password)."""
        return SignIn(
            host=self.host_edit.text().strip(),
            database=self.database_edit.text().strip(),
            user=self.user_edit.text().strip(),
            port=self.port_spin.value(),
        )

    def try_connect(self) -> None:
        """Check the fields, then try the server in the background."""
        sign_in = self.sign_in()
        password = self.password_edit.text()
        try:
            sign_in.check(password)
        except SignInError as error:
            self._show_error(str(error))
            field = {
                "host": self.host_edit,
                "database": self.database_edit,
                "user": self.user_edit,
                "password": self.password_edit,
            }[error.field]
            field.setFocus()
            return
        self._busy(True)
        now = self._clock()
        self._runner.run(
            lambda: self._connect(sign_in, password, now),
            lambda result: self._succeeded(result, password),
            self._failed,
        )

    def _busy(self, busy: bool) -> None:
        for widget in (
            self.host_edit,
            self.port_spin,
            self.database_edit,
            self.user_edit,
            self.password_edit,
            self.remember_box,
            self.connect_button,
        ):
            widget.setEnabled(not busy)
        self.status_label.setText("Connecting…" if busy else "")
        self.status_label.setVisible(busy)
        if busy:
            self.error_label.hide()

    def _succeeded(self, result: Connected, password: str) -> None:
        self._busy(False)
        key = result.sign_in.key
        if self.remember_box.isChecked():
            try:
                credentials.remember(key, password)
            except credentials.KeyringUnavailable as error:
                self.remembered = str(error)
        else:
            credentials.forget(key)
        self.connected.emit(result)
        self.accept()

    def _failed(self, error: Exception) -> None:
        self._busy(False)
        text = str(error) or type(error).__name__
        self._show_error(f"Not signed in: {text[:1].lower() + text[1:]}")
        self.password_edit.setFocus()
        self.password_edit.selectAll()

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()
        announce(self.error_label, text, assertive=True)
