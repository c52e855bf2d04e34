"""What every command needs: the data folder, the database, the clock."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from crisisquiz.core.builtin import ensure_builtin_pack
from crisisquiz.core.packs import PackService
from crisisquiz.resources import builtin_pack_path
from crisisquiz.storage.database import Database, open_database


class UserError(Exception):
    """A mistake the user can fix; printed without a traceback, exit status 1."""


def confirm(question: str, *, refusal: str) -> bool:
    """Ask a yes/no question at a terminal (no is the default).

    Without a terminal nobody can answer, so ``refusal`` is raised as a :class:`UserError`
    telling the user how to confirm on the command line instead.
    """
    if not sys.stdin.isatty():
        raise UserError(refusal)
    try:
        reply = input(f"{question} [y/N] ")
    except EOFError:
        reply = ""
    return reply.strip().lower() in {"y", "yes"}


def utc_now() -> datetime:
    """The current time in UTC (the one place the wall clock is read)."""
    return datetime.now(UTC)


@dataclass
class AppContext:
    """Opens the database on first use, with the built-in pack in place."""

    data_dir: Path
    clock: Callable[[], datetime] = utc_now
    _database: Database | None = field(default=None, init=False)

    @property
    def database(self) -> Database:
        """The open database (opened, migrated and seeded on first access)."""
        if self._database is None:
            self._database = open_database(self.data_dir, now=self.clock())
            ensure_builtin_pack(PackService(self._database), builtin_pack_path(), now=self.clock())
        return self._database

    def close(self) -> None:
        """Close the database if it was opened."""
        if self._database is not None:
            self._database.close()
            self._database = None
