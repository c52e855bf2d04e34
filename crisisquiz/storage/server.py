"""Open a school's PostgreSQL database: the URL, the engine, the schema check.

The same models and migrations run here as on the SQLite file; what PostgreSQL does
differently is in :mod:`crisisquiz.storage.dialects`, and the school's roles and
row-level security in :mod:`crisisquiz.storage.school`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, ProgrammingError
from sqlalchemy.orm import sessionmaker

from crisisquiz.storage.database import SCHEMA_HEAD, Database, DatabaseError, upgrade_to_head
from crisisquiz.storage.dialects import POSTGRESQL, describe_lost

DATABASE_URL_ENV = "CRISISQUIZ_DATABASE_URL"
DRIVER = "postgresql+psycopg"
DEFAULT_PORT = 5432
LOCAL_HOSTS = frozenset({"", "localhost", "127.0.0.1", "::1"})
# Seconds to wait for the server before saying it cannot be reached.
CONNECT_TIMEOUT = 10


class PasswordRefused(DatabaseError):
    """The server wants a password it was not given, or refused the one it was given."""

    def __init__(self, message: str, *, missing: bool) -> None:
        super().__init__(message)
        self.missing = missing  # no password was sent at all: asking for one can help


@dataclass(frozen=True)
class ServerLocation:
    """Which server, database and user a connection is for (never the password)."""

    host: str
    port: int | None
    database: str
    user: str

    @property
    def label(self) -> str:
        """``user on database at host`` for the window's title and messages."""
        where = self.host or "this computer"
        if self.port not in (None, DEFAULT_PORT):
            where = f"{where}:{self.port}"
        return f"{self.user} on {self.database} at {where}"


def resolve_database_url(
    explicit: str | None = None, environ: Mapping[str, str] | None = None
) -> str | None:
    """``--database``, else ``CRISISQUIZ_DATABASE_URL``, else None (the SQLite file)."""
    env = os.environ if environ is None else environ
    return explicit or env.get(DATABASE_URL_ENV) or None


def parse_server_url(url: str | URL) -> URL:
    """A PostgreSQL URL for psycopg 3; ``postgresql://`` and ``postgres://`` are accepted."""
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        raise DatabaseError(
            f"{_hide_password(str(url))!r} is not a database URL; write it as "
            "postgresql://USER@HOST/DATABASE"
        ) from None
    if parsed.get_backend_name() not in ("postgresql", "postgres"):
        raise DatabaseError(
            f"crisisquiz connects only to PostgreSQL servers, not {parsed.get_backend_name()}: "
            "write the URL as postgresql://USER@HOST/DATABASE"
        )
    if not parsed.database:
        raise DatabaseError("the database URL names no database: postgresql://USER@HOST/DATABASE")
    return _require_tls(parsed.set(drivername=DRIVER))


# sslmode values that let a connection go out unencrypted.
_PLAIN_MODES = frozenset({"disable", "allow", "prefer"})


def _require_tls(url: URL) -> URL:
    """``url`` with TLS required when the server is on another computer.

    A password must not cross the network in clear: no sslmode means ``require``,
    and a mode that allows a plain connection is refused. A server on this computer
    (a loopback address or a socket folder) needs no TLS.
    """
    host = url.host or str(url.query.get("host", "")) or os.environ.get("PGHOST", "")
    if is_local(host):
        return url
    mode = str(url.query.get("sslmode", "") or os.environ.get("PGSSLMODE", ""))
    if not mode:
        return url.update_query_dict({"sslmode": "require"})
    if mode in _PLAIN_MODES:
        raise DatabaseError(
            f"sslmode={mode} would let the password cross the network unencrypted; the "
            f"server {host} is on another computer, so crisisquiz requires TLS "
            "(sslmode=require, verify-ca or verify-full)"
        )
    return url


def written_password(url: str) -> bool:
    """Whether ``url`` carries a password (an unreadable URL carries none we can tell)."""
    try:
        return bool(make_url(url).password)
    except (ArgumentError, ValueError):
        return ":" in url.partition("@")[0].rpartition("/")[2] and "@" in url


def url_with_password(url: str, password: str) -> str:
    """``url`` with ``password`` put in (the text form, for the app's own use only)."""
    return make_url(url).set(password=password).render_as_string(hide_password=False)


def _hide_password(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "the URL given"


def server_url(
    host: str, database: str, user: str, password: str | None, *, port: int | None = None
) -> URL:
    """The URL for a sign-in: TLS is required unless the server is on this computer."""
    query = {} if is_local(host) else {"sslmode": "require"}
    return URL.create(
        DRIVER,
        username=user,
        password=password or None,
        host=host or None,
        port=port,
        database=database,
        query=query,
    )


def is_local(host: str | None) -> bool:
    """Whether ``host`` is this computer (a name, a loopback address or a socket folder)."""
    host = (host or "").strip()
    return host in LOCAL_HOSTS or host.startswith("/")


def location_of(url: URL) -> ServerLocation:
    """The server, database and user of ``url`` (the operating system user when none)."""
    user = url.username or os.environ.get("PGUSER") or _login_name()
    host = url.host or str(url.query.get("host", "")) or os.environ.get("PGHOST", "")
    return ServerLocation(host=host, port=url.port, database=url.database or "", user=user)


def _login_name() -> str:
    try:
        return os.getlogin()
    except OSError:
        import getpass

        return getpass.getuser()


def make_server_engine(url: URL) -> Engine:
    """An engine on a PostgreSQL server.

    A pooled connection idle for a while is checked before use (see
    :meth:`~crisisquiz.storage.dialects.PostgresRules.configure`), so after the server
    restarts or the network drops the next action reconnects instead of failing.
    """
    connect_args: dict[str, Any] = {
        "connect_timeout": CONNECT_TIMEOUT,
        "application_name": "crisisquiz",
    }
    engine = create_engine(url, pool_size=2, connect_args=connect_args)
    POSTGRESQL.configure(engine)
    return engine


def open_server_database(url: str | URL, *, now: datetime, migrate: bool = True) -> Database:
    """Open a school's database, bringing its schema to head when this user may.

    A database at an older schema that this user cannot change is refused with
    what to do; one written by a newer crisisquiz is refused untouched.
    """
    del now  # no file to back up: the server's own backups (pg_dump) cover it
    parsed = parse_server_url(url)
    location = location_of(parsed)
    engine = make_server_engine(parsed)
    try:
        current = _current_revision(engine, location)
        if current != SCHEMA_HEAD:
            _check_known(current, location)
            if not migrate:
                raise DatabaseError(
                    f"the database {location.database} is at schema {current or 'none'}, "
                    f"this crisisquiz needs {SCHEMA_HEAD}: run 'crisisquiz server init'"
                )
            _upgrade(engine, location, current)
    except BaseException:
        engine.dispose()
        raise
    return Database(
        path=None,
        engine=engine,
        sessions=sessionmaker(engine, expire_on_commit=False),
        server=location,
    )


def _current_revision(engine: Engine, location: ServerLocation) -> str | None:
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return None
            version = connection.scalar(text("SELECT version_num FROM alembic_version"))
            return None if version is None else str(version)
    except ProgrammingError as error:
        raise DatabaseError(
            f"{location.user} may not read the crisisquiz tables in {location.database}: "
            f"{_first_line(error)}. Ask whoever runs the server."
        ) from None
    except DBAPIError as error:
        raise _cannot_connect(error, location) from None


def _check_known(current: str | None, location: ServerLocation) -> None:
    if current is None:
        return
    from crisisquiz.storage.database import known_revision

    if not known_revision(current):
        raise DatabaseError(
            f"the database {location.database} was written by a newer version of "
            f"crisisquiz (schema {current}). It has not been changed. Install the newer version."
        )


def _upgrade(engine: Engine, location: ServerLocation, current: str | None) -> None:
    try:
        with engine.begin() as connection:
            upgrade_to_head(connection)
    except ProgrammingError as error:
        state = getattr(error.orig, "sqlstate", "")
        if state == "42501":  # insufficient_privilege
            raise DatabaseError(
                f"the database {location.database} needs setting up or upgrading (schema "
                f"{current or 'none'}, this crisisquiz needs {SCHEMA_HEAD}), and "
                f"{location.user} may not do it: the school's administrator runs "
                "'crisisquiz server init'."
            ) from None
        raise


def _cannot_connect(error: DBAPIError, location: ServerLocation) -> DatabaseError:
    message = _first_line(error)
    lowered = message.lower()
    if "no password supplied" in lowered:
        return PasswordRefused(
            f"the server at {location.host or 'this computer'} asks for the password of "
            f"{location.user}, and none was given.",
            missing=True,
        )
    if "password authentication failed" in lowered:
        return PasswordRefused(
            f"the server at {location.host or 'this computer'} refused the user name or "
            f"password for {location.user}.",
            missing=False,
        )
    if "does not exist" in lowered and "database" in lowered:
        return DatabaseError(
            f"there is no database {location.database} on {location.host or 'this computer'}."
        )
    return DatabaseError(describe_lost(error))


def _first_line(error: BaseException) -> str:
    text_ = str(getattr(error, "orig", None) or error).strip()
    return text_.splitlines()[0] if text_ else type(error).__name__
