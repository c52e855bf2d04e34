"""Helpers for tests that run on both engines, and for school servers in tests."""

from __future__ import annotations

import itertools
from datetime import datetime
from pathlib import Path

from pg_server import SUPERUSER, TestServer

from crisisquiz.storage.database import Database, open_database


def reopen(database: Database, now: datetime) -> Database:
    """A second, independent connection to the same database (as another process has)."""
    if database.path is not None:
        return open_database(database.path.parent, now=now)
    from crisisquiz.storage.server import open_server_database

    return open_server_database(database.engine.url, now=now)


def empty_database(db: Database) -> None:
    """Delete every row but the schema version, and restart the id sequences."""
    from sqlalchemy import text

    from crisisquiz.storage.models import Base

    tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
    with db.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


class PgDatabases:
    """Creates and drops databases on the test server, as its superuser."""

    def __init__(self, server: TestServer) -> None:
        self.server = server
        self._numbers = itertools.count(1)

    def admin(self, sql: str) -> None:
        """Run ``sql`` outside a transaction on the server's maintenance database."""
        import psycopg

        with psycopg.connect(self.server.dsn(), autocommit=True) as connection:
            connection.execute(sql)  # type: ignore[arg-type]

    def create(self, *, template: str | None = None) -> str:
        """A new database's name, empty or copied from ``template``."""
        name = f"crisisquiz_test_{next(self._numbers)}"
        copy = f" TEMPLATE {template}" if template else ""
        self.admin(f"CREATE DATABASE {name}{copy}")
        return name

    def drop(self, name: str) -> None:
        """Drop a database, closing whatever connections are still open on it."""
        self.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def url(self, name: str, user: str = SUPERUSER, password: str = "") -> str:
        """The SQLAlchemy URL of database ``name``."""
        return self.server.url(name, user, password)


class School:
    """A school's database set up with the real commands, as its administrator would."""

    def __init__(self, databases: PgDatabases, tmp_path: Path) -> None:
        self.databases = databases
        self.tmp_path = tmp_path
        number = self.number = next(databases._numbers)
        self.admin = f"crisisquiz_admin_{number}"
        self.admin_password = "admin-password-1"
        self.name = f"crisisquiz_school_{number}"
        databases.admin(
            f"CREATE ROLE {self.admin} LOGIN CREATEROLE PASSWORD '{self.admin_password}'"
        )
        databases.admin(f"CREATE DATABASE {self.name} OWNER {self.admin}")
        self.passwords: dict[str, str] = {}

    @property
    def admin_url(self) -> str:
        return self.databases.url(self.name, self.admin, self.admin_password)

    def url(self, user: str) -> str:
        """The URL a person signs in with."""
        return self.databases.url(self.name, user, self.passwords[user])

    def dsn(self, user: str) -> str:
        """A plain libpq connection string for ``user`` (``psql``'s view of things)."""
        password = self.admin_password if user == self.admin else self.passwords[user]
        return self.databases.server.dsn(self.name, user, password)

    def run(self, *argv: str, stdin: str | None = None) -> int:
        """``crisisquiz ...`` as the administrator, in this process."""
        return self.run_as(self.admin, *argv, stdin=stdin)

    def run_as(self, user: str, *argv: str, stdin: str | None = None) -> int:
        """``crisisquiz ...`` signed in as ``user``, in this process.

        The URL, password included, goes in CRISISQUIZ_DATABASE_URL, as a school's
        computer would set it: crisisquiz refuses a password on its command line.
        """
        import io
        import os
        import sys

        from crisisquiz.cli import main
        from crisisquiz.storage.server import DATABASE_URL_ENV

        url = self.admin_url if user == self.admin else self.url(user)
        saved_stdin, saved_url = sys.stdin, os.environ.get(DATABASE_URL_ENV)
        if stdin is not None:
            sys.stdin = io.StringIO(stdin)
        os.environ[DATABASE_URL_ENV] = url
        try:
            return main(["--data-dir", str(self.tmp_path / user), *argv])
        finally:
            sys.stdin = saved_stdin
            if saved_url is None:
                del os.environ[DATABASE_URL_ENV]
            else:
                os.environ[DATABASE_URL_ENV] = saved_url

    def add(self, kind: str, name: str, user: str, *options: str) -> str:
        """``server add-learner`` / ``add-teacher`` with a password from standard input.

        Roles belong to the whole server, so the user name gets this school's number.
        """
        role = f"{user}_{self.number}"
        password = f"{role}-secret-password"
        code = self.run(
            "server",
            f"add-{kind}",
            name,
            "--user",
            role,
            "--password-stdin",
            *options,
            stdin=password,
        )
        assert code == 0
        self.passwords[role] = password
        return role

    def drop(self) -> None:
        self.databases.drop(self.name)
