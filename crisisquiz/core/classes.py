"""Classes: a teacher's groups of learners on one computer, and the packs each studies.

A learner may be in several classes. What a learner is offered to study (Home's
"Study now", a quiz over every topic) follows their classes:

- a learner in no class sees every installed pack;
- a class shows the packs chosen for it, or every pack besides the built-in one when
  none is chosen, and the built-in pack unless it is hidden for the class;
- a learner in several classes sees what any of them shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from crisisquiz.core.learners import LearnerService
from crisisquiz.storage.database import Database
from crisisquiz.storage.models import (
    ClassLearnerRow,
    ClassPackRow,
    ClassRow,
    LearnerRow,
    PackRow,
)

MAX_CLASS_NAME = 100


class ClassError(Exception):
    """A class request that cannot be done (unknown class, duplicate name, unknown pack)."""


@dataclass(frozen=True)
class ClassMember:
    """A learner as a class lists them."""

    learner_id: int
    name: str


@dataclass(frozen=True)
class ClassInfo:
    """A class: its learners (by name), the packs chosen for it, the built-in pack shown."""

    id: int
    name: str
    learners: tuple[ClassMember, ...]
    packs: tuple[str, ...]  # chosen pack ids, by id; empty: every pack
    hide_builtin: bool
    created_at: datetime

    @property
    def learner_names(self) -> tuple[str, ...]:
        """The enrolled learners' names, by name."""
        return tuple(member.name for member in self.learners)


def _clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ClassError("a class needs a name")
    if len(cleaned) > MAX_CLASS_NAME:
        raise ClassError(f"a class name can have at most {MAX_CLASS_NAME} characters")
    return cleaned


class ClassService:
    """Create, list, rename and remove classes; enrol learners; choose packs."""

    def __init__(self, database: Database) -> None:
        self._db = database

    # -- classes ------------------------------------------------------------------------

    def create(self, name: str, *, now: datetime) -> ClassInfo:
        """Add an empty class (every pack shown)."""
        name = _clean_name(name)
        with self._db.transaction() as session:
            if _match(session, name) is not None:
                raise ClassError(f"there is already a class named {name!r}")
            row = ClassRow(name=name, hide_builtin=False, created_at=now)
            session.add(row)
            session.flush()
            return _info(session, row)

    def list(self) -> list[ClassInfo]:
        """Every class, by name."""
        with self._db.sessions() as session:
            rows = sorted(session.scalars(select(ClassRow)), key=lambda r: r.name.casefold())
            return [_info(session, row) for row in rows]

    def get(self, name: str) -> ClassInfo:
        """The class with this name (case does not matter)."""
        with self._db.sessions() as session:
            return _info(session, _find(session, name))

    def rename(self, name: str, new_name: str) -> ClassInfo:
        """Give a class a new name."""
        new_name = _clean_name(new_name)
        with self._db.transaction() as session:
            row = _find(session, name)
            other = _match(session, new_name)
            if other is not None and other.id != row.id:
                raise ClassError(f"there is already a class named {new_name!r}")
            row.name = new_name
            return _info(session, row)

    def remove(self, name: str) -> None:
        """Remove a class; its learners and their progress stay."""
        with self._db.transaction() as session:
            session.delete(_find(session, name))

    # -- learners -----------------------------------------------------------------------

    def enrol(self, name: str, learners: Sequence[str]) -> ClassInfo:
        """Put learners (by name) in a class; those already in it stay as they are."""
        with self._db.transaction() as session:
            row = _find(session, name)
            ids = [LearnerService.find(session, learner).id for learner in learners]
            present = set(
                session.scalars(
                    select(ClassLearnerRow.learner_id).where(ClassLearnerRow.class_id == row.id)
                )
            )
            for learner_id in dict.fromkeys(ids):
                if learner_id not in present:
                    session.add(ClassLearnerRow(class_id=row.id, learner_id=learner_id))
            session.flush()
            return _info(session, row)

    def unenrol(self, name: str, learners: Sequence[str]) -> ClassInfo:
        """Take learners (by name) out of a class; their progress stays."""
        with self._db.transaction() as session:
            row = _find(session, name)
            ids = [LearnerService.find(session, learner).id for learner in learners]
            enrolled = {member.learner_id for member in _members(session, row.id)}
            outside = [
                learner
                for learner, learner_id in zip(learners, ids, strict=True)
                if learner_id not in enrolled
            ]
            if outside:
                raise ClassError(f"{outside[0]!r} is not in the class {row.name!r}")
            session.execute(
                delete(ClassLearnerRow).where(
                    ClassLearnerRow.class_id == row.id, ClassLearnerRow.learner_id.in_(ids)
                )
            )
            return _info(session, row)

    def classes_of(self, learner_id: int) -> tuple[ClassInfo, ...]:
        """The classes a learner is in, by name."""
        with self._db.sessions() as session:
            rows = session.scalars(
                select(ClassRow)
                .join(ClassLearnerRow, ClassLearnerRow.class_id == ClassRow.id)
                .where(ClassLearnerRow.learner_id == learner_id)
            )
            infos = [_info(session, r) for r in rows]
            return tuple(sorted(infos, key=lambda c: c.name.casefold()))

    # -- packs --------------------------------------------------------------------------

    def set_packs(
        self, name: str, pack_ids: Iterable[str] | None = None, *, hide_builtin: bool | None = None
    ) -> ClassInfo:
        """Choose the packs a class studies (None: leave them; empty: every pack).

        ``hide_builtin`` True hides the built-in pack from the class, False shows it,
        None leaves it as it is.
        """
        with self._db.transaction() as session:
            row = _find(session, name)
            if pack_ids is not None:
                wanted = list(dict.fromkeys(pack_ids))
                installed = dict(session.execute(select(PackRow.id, PackRow.builtin)).all())
                unknown = [pack_id for pack_id in wanted if pack_id not in installed]
                if unknown:
                    known = ", ".join(sorted(installed)) or "none"
                    raise ClassError(f"no pack {unknown[0]!r} is installed (installed: {known})")
                builtin = [pack_id for pack_id in wanted if installed[pack_id]]
                if builtin:
                    raise ClassError(
                        f"{builtin[0]!r} is the built-in pack: a class sees it unless it is "
                        "hidden for the class, so it is not chosen with the others"
                    )
                session.execute(delete(ClassPackRow).where(ClassPackRow.class_id == row.id))
                for pack_id in wanted:
                    session.add(ClassPackRow(class_id=row.id, pack_id=pack_id))
            if hide_builtin is not None:
                row.hide_builtin = hide_builtin
            session.flush()
            return _info(session, row)

    def visible_packs(self, learner_id: int) -> frozenset[str] | None:
        """The packs a learner is offered, by their classes; None: every pack (no class)."""
        with self._db.sessions() as session:
            return visible_packs(session, learner_id)


def visible_packs(session: Session, learner_id: int) -> frozenset[str] | None:
    """See :meth:`ClassService.visible_packs` (inside the caller's session)."""
    classes = list(
        session.execute(
            select(ClassRow.id, ClassRow.hide_builtin)
            .join(ClassLearnerRow, ClassLearnerRow.class_id == ClassRow.id)
            .where(ClassLearnerRow.learner_id == learner_id)
        )
    )
    if not classes:
        return None
    packs = dict(session.execute(select(PackRow.id, PackRow.builtin)).all())
    chosen: dict[int, set[str]] = {}
    for class_id, pack_id in session.execute(
        select(ClassPackRow.class_id, ClassPackRow.pack_id).where(
            ClassPackRow.class_id.in_([class_id for class_id, _hide in classes])
        )
    ):
        chosen.setdefault(class_id, set()).add(pack_id)
    others = {pack_id for pack_id, builtin in packs.items() if not builtin}
    builtins = {pack_id for pack_id, builtin in packs.items() if builtin}
    shown: set[str] = set()
    for class_id, hide_builtin in classes:
        shown |= chosen.get(class_id, others)
        if not hide_builtin:
            shown |= builtins
    return frozenset(shown)


def _match(session: Session, name: str) -> ClassRow | None:
    # Compared in Python: SQLite's lower() folds ASCII only.
    key = " ".join(name.split()).casefold()
    for row in session.scalars(select(ClassRow)):
        if row.name.casefold() == key:
            return row
    return None


def _find(session: Session, name: str) -> ClassRow:
    row = _match(session, name)
    if row is None:
        known = sorted(session.scalars(select(ClassRow.name)), key=str.casefold)
        hint = (
            f" Classes: {', '.join(known)}."
            if known
            else " Add one with 'crisisquiz class add NAME'."
        )
        raise ClassError(f"no class named {' '.join(name.split())!r}.{hint}")
    return row


def _members(session: Session, class_id: int) -> list[ClassMember]:
    rows = session.execute(
        select(LearnerRow.id, LearnerRow.name)
        .join(ClassLearnerRow, ClassLearnerRow.learner_id == LearnerRow.id)
        .where(ClassLearnerRow.class_id == class_id)
    )
    return sorted((ClassMember(i, n) for i, n in rows), key=lambda m: m.name.casefold())


def _info(session: Session, row: ClassRow) -> ClassInfo:
    packs = session.scalars(
        select(ClassPackRow.pack_id)
        .where(ClassPackRow.class_id == row.id)
        .order_by(ClassPackRow.pack_id)
    )
    return ClassInfo(
        id=row.id,
        name=row.name,
        learners=tuple(_members(session, row.id)),
        packs=tuple(packs),
        hide_builtin=row.hide_builtin,
        created_at=row.created_at,
    )


__all__ = [
    "ClassError",
    "ClassInfo",
    "ClassMember",
    "ClassService",
    "visible_packs",
]
