"""Setting a school up on its PostgreSQL server: the schema, the roles, the accounts.

Each account is a PostgreSQL login role mapped to a learner row, created together
in one transaction; passwords are generated here (or given by the administrator)
and never stored by the app (see :mod:`crisisquiz.storage.school` for the rights).
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from crisisquiz.core.learners import LearnerError
from crisisquiz.core.learners import _clean_name as clean_name
from crisisquiz.storage.database import Database
from crisisquiz.storage.models import LearnerRow
from crisisquiz.storage.school import (
    Account,
    Kind,
    SchoolError,
    accounts,
    apply_security,
    check_role_name,
    create_login,
    drop_login,
    role_name_for,
    set_password,
)

MIN_PASSWORD = 10
# Letters and digits that cannot be mistaken for one another when read off paper.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def generate_password(groups: int = 4, size: int = 4) -> str:
    """A random password in groups, easy to read out and type: "k7qm-3xpa-zt9r-w2hc"."""
    return "-".join("".join(secrets.choice(_ALPHABET) for _ in range(size)) for _ in range(groups))


def check_password(password: str) -> str:
    """``password`` if it is long enough to be given to a school account."""
    if len(password) < MIN_PASSWORD:
        raise SchoolError(f"a password needs at least {MIN_PASSWORD} characters")
    return password


@dataclass(frozen=True)
class NewAccount:
    """An account just made, with the password to hand over (shown once)."""

    account: Account
    password: str


class SchoolService:
    """The administrator's work on a school's database; one transaction per call.

    Needs a connection as the database's owner with the right to create roles.
    """

    def __init__(self, database: Database) -> None:
        if database.server is None:
            raise SchoolError(
                "school accounts live on a PostgreSQL server: give the school's database "
                "with --database postgresql://ADMIN@HOST/DATABASE"
            )
        self._db = database

    def init(self) -> None:
        """Create or update the group roles, their rights and the row-level policies."""
        with self._db.engine.begin() as connection:
            apply_security(connection)

    def add(
        self,
        kind: Kind,
        name: str,
        *,
        now: datetime,
        role: str | None = None,
        password: str | None = None,
    ) -> NewAccount:
        """A learner named ``name`` and a login for them (a generated password when None)."""
        name = clean_name(name)
        role = check_role_name(role or role_name_for(name))
        password = check_password(password) if password is not None else generate_password()
        with self._db.transaction() as session:
            if session.scalar(select(LearnerRow.id).where(LearnerRow.name == name)) is not None:
                raise LearnerError(
                    f"there is already a learner named {name}; add a surname or an initial"
                )
            learner = LearnerRow(uid=uuid.uuid4(), name=name, created_at=now)
            session.add(learner)
            session.flush()
            create_login(session.connection(), role, password, kind, learner.id)
            return NewAccount(Account(role, kind, learner.id, name), password)

    def remove(self, role: str) -> Account:
        """Remove the login ``role`` and its learner with all their progress."""
        with self._db.transaction() as session:
            gone = drop_login(session.connection(), role)
            if gone.learner_id is not None:
                learner = session.get(LearnerRow, gone.learner_id)
                if learner is not None:
                    session.delete(learner)
            return gone

    def reset_password(self, role: str, password: str | None = None) -> str:
        """Give ``role`` a new password (generated when None); returns it."""
        password = check_password(password) if password is not None else generate_password()
        with self._db.engine.begin() as connection:
            set_password(connection, role, password)
        return password

    def accounts(self) -> list[Account]:
        """Every account, teachers first."""
        with self._db.engine.connect() as connection:
            return accounts(connection)
