"""Signing in to a school server: what the window remembers, and the connection itself.

The server, database and user name of the last sign-in are kept in this computer's
own database, so the dialog is filled in next time. The password never is: when
the user asks for it to be remembered, it goes to the operating system's keyring
(see the window's credentials module), and signing out forgets it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.engine import URL

from crisisquiz.storage.database import Database
from crisisquiz.storage.models import SettingRow
from crisisquiz.storage.school import Account, signed_in_account
from crisisquiz.storage.server import DEFAULT_PORT, open_server_database, server_url

_PREFIX = "school_server."


class SignInError(Exception):
    """What is missing or wrong in a sign-in form, in words for the person filling it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class SignIn:
    """Where to sign in and as whom (never the password)."""

    host: str
    database: str
    user: str
    port: int = DEFAULT_PORT

    @property
    def key(self) -> str:
        """The name the password is kept under in the keyring."""
        return f"{self.user}@{self.host}:{self.port}/{self.database}"

    def url(self, password: str) -> URL:
        """The connection URL (TLS required unless the server is this computer)."""
        return server_url(self.host, self.database, self.user, password, port=self.port)

    def check(self, password: str) -> None:
        """Raise :class:`SignInError` naming the first field left empty."""
        for field, value, words in (
            ("host", self.host, "Type the school server's name or address."),
            ("database", self.database, "Type the name of the school's database."),
            ("user", self.user, "Type your user name."),
            ("password", password, "Type your password."),
        ):
            if not value.strip():
                raise SignInError(field, words)


@dataclass(frozen=True)
class Connected:
    """An open school database and who signed in to it."""

    sign_in: SignIn
    database: Database
    account: Account | None


def connect(sign_in: SignIn, password: str, *, now: datetime) -> Connected:
    """Open the school's database as ``sign_in``'s user (raises DatabaseError with why not)."""
    sign_in.check(password)
    database = open_server_database(sign_in.url(password), now=now, migrate=False)
    try:
        account = signed_in_account(database)
    except BaseException:
        database.close()
        raise
    return Connected(sign_in, database, account)


class SignInStore:
    """The last sign-in, kept in this computer's own database (not on the server)."""

    def __init__(self, local: Database) -> None:
        self._db = local

    def load(self) -> tuple[SignIn | None, bool]:
        """The last sign-in, and whether to sign in with it at start (password remembered)."""
        with self._db.sessions() as session:
            rows = dict(
                session.execute(
                    select(SettingRow.key, SettingRow.value).where(
                        SettingRow.owner == "", SettingRow.key.startswith(_PREFIX)
                    )
                ).all()
            )
        values = {key.removeprefix(_PREFIX): value for key, value in rows.items()}
        if not all(values.get(name) for name in ("host", "database", "user")):
            return None, False
        try:
            port = int(values.get("port") or DEFAULT_PORT)
        except ValueError:
            port = DEFAULT_PORT
        sign_in = SignIn(values["host"], values["database"], values["user"], port)
        return sign_in, values.get("automatic") == "1"

    def save(self, sign_in: SignIn, *, automatic: bool) -> None:
        """Remember ``sign_in``; ``automatic``: sign in with it when the app starts."""
        values = {
            "host": sign_in.host,
            "port": str(sign_in.port),
            "database": sign_in.database,
            "user": sign_in.user,
            "automatic": "1" if automatic else "0",
        }
        with self._db.transaction() as session:
            for name, value in values.items():
                row = session.get(SettingRow, ("", _PREFIX + name))
                if row is None:
                    session.add(SettingRow(owner="", key=_PREFIX + name, value=value))
                else:
                    row.value = value

    def stop_automatic(self) -> None:
        """Keep the fields for the dialog, but do not sign in at start any more."""
        with self._db.transaction() as session:
            row = session.get(SettingRow, ("", _PREFIX + "automatic"))
            if row is not None:
                row.value = "0"

    def clear(self) -> None:
        """Forget the last sign-in entirely."""
        with self._db.transaction() as session:
            session.execute(
                delete(SettingRow).where(SettingRow.owner == "", SettingRow.key.startswith(_PREFIX))
            )
