"""Setting a school up on its PostgreSQL server: the schema, the roles, the accounts.

Each account is a PostgreSQL login role mapped to a learner row, created together
in one transaction; passwords are generated here (or given by the administrator)
and never stored by the app (see :mod:`crisisquiz.storage.school` for the rights).
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from crisisquiz.core.learners import LearnerError
from crisisquiz.core.learners import _clean_name as clean_name
from crisisquiz.storage.database import Database
from crisisquiz.storage.models import ClassLearnerRow, ClassRow, ClassTeacherRow, LearnerRow
from crisisquiz.storage.school import (
    Account,
    Kind,
    SchoolError,
    account,
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
        classes: Sequence[str] = (),
    ) -> NewAccount:
        """A learner named ``name`` and a login for them (a generated password when None).

        A pupil is enrolled in ``classes``; a teacher teaches them. A class not there
        yet is created.
        """
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
            _join(session, kind, role, learner.id, classes, now)
            return NewAccount(Account(role, kind, learner.id, name), password)

    def teach(self, role: str, classes: Sequence[str], *, now: datetime) -> Account:
        """Let the teacher ``role`` read the progress of ``classes``' learners too."""
        with self._db.transaction() as session:
            found = account(session.connection(), role)
            if found is None or found.kind is not Kind.TEACHER:
                raise SchoolError(f"there is no teacher with the user name {role}")
            _join(session, Kind.TEACHER, role, found.learner_id, classes, now)
            return found

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


def _join(
    session: Session,
    kind: Kind,
    role: str,
    learner_id: int | None,
    classes: Sequence[str],
    now: datetime,
) -> None:
    """Enrol the pupil in ``classes``, or make the teacher teach them; missing ones are made."""
    existing = {row.name.casefold(): row for row in session.scalars(select(ClassRow))}
    for class_name in dict.fromkeys(" ".join(c.split()) for c in classes):
        if not class_name:
            raise SchoolError("a class needs a name")
        row = existing.get(class_name.casefold())
        if row is None:
            row = existing[class_name.casefold()] = ClassRow(
                name=class_name, hide_builtin=False, created_at=now
            )
            session.add(row)
            session.flush()
        if kind is Kind.TEACHER:
            if session.get(ClassTeacherRow, (row.id, role)) is None:
                session.add(ClassTeacherRow(class_id=row.id, role_name=role))
        elif learner_id is not None and session.get(ClassLearnerRow, (row.id, learner_id)) is None:
            session.add(ClassLearnerRow(class_id=row.id, learner_id=learner_id))
