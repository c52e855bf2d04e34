"""A school's PostgreSQL database: its roles, their rights, and row-level security.

PostgreSQL itself decides who may read and write what; the app only signs in.

- The administrator owns the database and its tables (so row-level security does
  not apply to them), creates the other roles and runs ``crisisquiz server init``.
- Two group roles per database, ``<database>_pupils`` and ``<database>_teachers``,
  hold the rights; each person signs in with a login role that is a member of one.
- ``server_accounts`` maps each login role to its learner row. A pupil's connection
  reads and writes only the rows of that learner: learner, card states, reviews,
  quiz attempts and answers, daily figures and totals, exam dates, and their own app
  settings.
  Teachers also read the packs' contents and may import and remove packs.
- Nobody but the administrator creates, changes or drops roles: the groups have no
  CREATEROLE, and ``server_accounts`` is read-only to them.

Everything here is idempotent: :func:`apply_security` is run again by every
``server init``, after the migrations, so an upgraded schema gets its rights too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, text

from crisisquiz.storage.database import Database
from crisisquiz.storage.models import Base

# Tables whose rows belong to one learner, and the column naming that learner.
LEARNER_TABLES = {
    "learners": "id",
    "card_states": "learner_id",
    "reviews": "learner_id",
    "quiz_attempts": "learner_id",
    "daily_topic_stats": "learner_id",
    "topic_totals": "learner_id",
    "exam_plans": "learner_id",
}
# Tables with rules of their own; every other table holds packs' contents, which
# everyone reads and teachers write (so a table a later version adds is covered).
OTHER_TABLES = (
    "quiz_answers",
    "settings",
    "server_accounts",
    "alembic_version",
    "classes",
    "class_learners",
    "class_packs",
    "class_teachers",
)
# What a learner may change of their own learner row (not its id).
LEARNER_SETTINGS = (
    "name",
    "desired_retention",
    "new_per_day",
    "day_rollover_hour",
    "quiz_counts_as_review",
)
ROLE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


class Kind(StrEnum):
    """What a signed-in person is."""

    PUPIL = "pupil"
    TEACHER = "teacher"


class SchoolError(Exception):
    """A request about the school's accounts that cannot be done; the message says why."""


@dataclass(frozen=True)
class Account:
    """A login role and the learner it studies as."""

    role: str
    kind: Kind
    learner_id: int | None
    learner_name: str | None


def group_roles(database_name: str) -> dict[Kind, str]:
    """The group role of each kind of account, for the database ``database_name``."""
    base = re.sub(r"[^a-z0-9_]", "_", database_name.lower())[:50]
    return {Kind.PUPIL: f"{base}_pupils", Kind.TEACHER: f"{base}_teachers"}


def check_role_name(name: str) -> str:
    """``name`` if it can be a login role: lowercase letters, digits, underscores."""
    if not ROLE_NAME.match(name):
        raise SchoolError(
            f"{name!r} cannot be a user name: use lowercase letters, digits and _, "
            "starting with a letter, at most 63 characters"
        )
    return name


def role_name_for(person: str) -> str:
    """A user name made from a person's name: "Ana María Pérez" -> "ana_maria_perez"."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", person).encode("ascii", "ignore").decode()
    name = re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_")
    if not name or not name[0].isalpha():
        name = f"user_{name}".rstrip("_")
    return name[:63]


def _quote(connection: Connection, name: str) -> str:
    return connection.dialect.identifier_preparer.quote_identifier(name)


def _role_exists(connection: Connection, role: str) -> bool:
    found = connection.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role})
    return found is not None


def pack_tables() -> list[str]:
    """The tables holding packs' contents: all but the learners' and the special ones."""
    special = set(LEARNER_TABLES) | set(OTHER_TABLES)
    return [table.name for table in Base.metadata.sorted_tables if table.name not in special]


def _sequences(connection: Connection, tables: list[str]) -> list[str]:
    """The sequences giving ids to ``tables``' rows."""
    rows = connection.execute(
        text(
            "SELECT pg_get_serial_sequence(t, c.column_name) "
            "FROM unnest(CAST(:tables AS text[])) t JOIN information_schema.columns c "
            "ON c.table_name = t AND c.table_schema = 'public' "
            "WHERE pg_get_serial_sequence(t, c.column_name) IS NOT NULL"
        ),
        {"tables": tables},
    )
    return sorted({str(row[0]) for row in rows})


def apply_security(connection: Connection) -> None:
    """Create the group roles, grant their rights and (re)create the row-level policies."""
    packs = ", ".join(pack_tables())
    own_tables = [t for t in LEARNER_TABLES if t != "learners"] + ["quiz_answers", "settings"]
    learner_sequences = _sequences(connection, [*LEARNER_TABLES, "quiz_answers"])
    pack_sequences = _sequences(connection, pack_tables())
    database_name = str(connection.scalar(text("SELECT current_database()")))
    groups = group_roles(database_name)
    q = {kind: _quote(connection, role) for kind, role in groups.items()}
    both = f"{q[Kind.PUPIL]}, {q[Kind.TEACHER]}"
    statements: list[str] = []
    for kind, role in groups.items():
        if not _role_exists(connection, role):
            statements.append(f"CREATE ROLE {q[kind]} NOLOGIN")
    db = _quote(connection, database_name)
    statements += [
        f"REVOKE ALL ON DATABASE {db} FROM PUBLIC",
        f"GRANT CONNECT, TEMPORARY ON DATABASE {db} TO {both}",
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"GRANT USAGE ON SCHEMA public TO {both}",
        # Start from nothing, so a right taken away in a newer version goes too.
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC, {both}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM PUBLIC, {both}",
        f"GRANT SELECT ON alembic_version, {packs} TO {both}",
        f"GRANT INSERT, UPDATE, DELETE ON {packs} TO {q[Kind.TEACHER]}",
        f"GRANT USAGE ON SEQUENCE {', '.join(pack_sequences)} TO {q[Kind.TEACHER]}",
        f"GRANT SELECT, UPDATE ({', '.join(LEARNER_SETTINGS)}) ON learners TO {both}",
        # Every table of a learner's own rows (the policies below say whose), so a table
        # added to LEARNER_TABLES is writable by its owner without another line here.
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON {', '.join(own_tables)} TO {both}",
        f"GRANT USAGE ON SEQUENCE {', '.join(learner_sequences)} TO {both}",
        f"GRANT SELECT ON server_accounts, classes, class_learners, class_packs, "
        f"class_teachers TO {both}",
        # Teachers choose the packs of the classes they teach (the policies say which).
        f"GRANT INSERT, DELETE ON class_packs TO {q[Kind.TEACHER]}",
        f"GRANT UPDATE (hide_builtin) ON classes TO {q[Kind.TEACHER]}",
    ]
    # Who is asking, read with the owner's rights (nobody else reads server_accounts or
    # class_teachers whole), for the signed-in user: their learner row, the classes
    # they teach, the classes they are in or teach, the learners they teach.
    functions = {
        "crisisquiz_my_learner() RETURNS integer": (
            "SELECT learner_id FROM server_accounts WHERE role_name = session_user"
        ),
        "crisisquiz_taught_classes() RETURNS SETOF integer": (
            "SELECT class_id FROM class_teachers WHERE role_name = session_user"
        ),
        "crisisquiz_my_classes() RETURNS SETOF integer": (
            "SELECT class_id FROM class_teachers WHERE role_name = session_user UNION "
            "SELECT cl.class_id FROM class_learners cl JOIN server_accounts a "
            "ON a.learner_id = cl.learner_id WHERE a.role_name = session_user"
        ),
        "crisisquiz_taught_learners() RETURNS SETOF integer": (
            "SELECT cl.learner_id FROM class_learners cl JOIN class_teachers ct "
            "ON ct.class_id = cl.class_id WHERE ct.role_name = session_user"
        ),
    }
    for signature, body in functions.items():
        name = signature.split(" ", 1)[0]
        statements += [
            f"CREATE OR REPLACE FUNCTION {signature} LANGUAGE sql STABLE SECURITY DEFINER "
            f"SET search_path = public, pg_temp AS $$ {body} $$",
            f"REVOKE ALL ON FUNCTION {name} FROM PUBLIC",
            f"GRANT EXECUTE ON FUNCTION {name} TO {both}",
        ]
    statements += _pack_change_triggers()
    me = "crisisquiz_my_learner()"
    taught = "IN (SELECT crisisquiz_taught_learners())"
    teachers = f"TO {q[Kind.TEACHER]}"
    policies: list[tuple[str, str, str, str, str, str | None]] = []
    for table, column in LEARNER_TABLES.items():
        policies += [
            (table, "own", "ALL", f"TO {both}", f"{column} = {me}", f"{column} = {me}"),
            (table, "taught", "SELECT", teachers, f"{column} {taught}", None),
        ]
    own_attempt = (
        "EXISTS (SELECT 1 FROM quiz_attempts a "
        f"WHERE a.id = quiz_answers.attempt_id AND a.learner_id = {me})"
    )
    taught_attempt = (
        "EXISTS (SELECT 1 FROM quiz_attempts a "
        f"WHERE a.id = quiz_answers.attempt_id AND a.learner_id {taught})"
    )
    in_my_classes = "IN (SELECT crisisquiz_my_classes())"
    in_taught_classes = "IN (SELECT crisisquiz_taught_classes())"
    policies += [
        ("quiz_answers", "own", "ALL", f"TO {both}", own_attempt, own_attempt),
        ("quiz_answers", "taught", "SELECT", teachers, taught_attempt, None),
        ("settings", "own", "ALL", f"TO {both}", "owner = current_user", "owner = current_user"),
        ("server_accounts", "own", "SELECT", f"TO {both}", "role_name = session_user", None),
        ("class_teachers", "own", "SELECT", f"TO {both}", "role_name = session_user", None),
        ("classes", "member", "SELECT", f"TO {both}", f"id {in_my_classes}", None),
        (
            "classes",
            "taught",
            "UPDATE",
            teachers,
            f"id {in_taught_classes}",
            f"id {in_taught_classes}",
        ),
        ("class_learners", "own", "SELECT", f"TO {both}", f"learner_id = {me}", None),
        ("class_learners", "taught", "SELECT", teachers, f"class_id {in_taught_classes}", None),
        ("class_packs", "member", "SELECT", f"TO {both}", f"class_id {in_my_classes}", None),
        ("class_packs", "taught_add", "INSERT", teachers, "", f"class_id {in_taught_classes}"),
        ("class_packs", "taught_remove", "DELETE", teachers, f"class_id {in_taught_classes}", None),
    ]
    for table in sorted({policy[0] for policy in policies}):
        statements.append(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        # Policies of an older version go first, so none lingers.
        for (name,) in connection.execute(
            text("SELECT policyname FROM pg_policies WHERE tablename = :t"), {"t": table}
        ):
            statements.append(f"DROP POLICY {_quote(connection, name)} ON {table}")
    for table, name, command, to, using, check in policies:
        clauses = f" USING ({using})" if using else ""
        clauses += f" WITH CHECK ({check})" if check else ""
        statements.append(f"CREATE POLICY crisisquiz_{name} ON {table} FOR {command} {to}{clauses}")
    for statement in statements:
        connection.exec_driver_sql(statement)


def _pack_change_triggers() -> list[str]:
    """What a pack change does to every learner's rows, done with the owner's rights.

    A teacher who updates or removes a pack sees only their own rows; the card states
    of questions moved to another topic, and the daily figures and totals of a removed
    pack, belong to everyone who studied it. These triggers act for all of them.
    """
    definer = "LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp"
    return [
        f"""CREATE OR REPLACE FUNCTION crisisquiz_pack_removed() RETURNS trigger {definer} AS $$
        BEGIN
            DELETE FROM daily_topic_stats WHERE pack_id = OLD.id;
            DELETE FROM topic_totals WHERE pack_id = OLD.id;
            RETURN OLD;
        END $$""",
        "DROP TRIGGER IF EXISTS crisisquiz_pack_removed ON packs",
        "CREATE TRIGGER crisisquiz_pack_removed BEFORE DELETE ON packs "
        "FOR EACH ROW EXECUTE FUNCTION crisisquiz_pack_removed()",
        f"""CREATE OR REPLACE FUNCTION crisisquiz_question_moved() RETURNS trigger {definer} AS $$
        BEGIN
            UPDATE card_states SET topic_id = NEW.topic_id
            WHERE question_id = NEW.id AND topic_id <> NEW.topic_id;
            RETURN NULL;
        END $$""",
        "DROP TRIGGER IF EXISTS crisisquiz_question_moved ON questions",
        "CREATE TRIGGER crisisquiz_question_moved AFTER UPDATE OF topic_id ON questions "
        "FOR EACH ROW WHEN (OLD.topic_id IS DISTINCT FROM NEW.topic_id) "
        "EXECUTE FUNCTION crisisquiz_question_moved()",
        "REVOKE ALL ON FUNCTION crisisquiz_pack_removed(), crisisquiz_question_moved() FROM PUBLIC",
    ]


def create_login(
    connection: Connection, role: str, password: str, kind: Kind, learner_id: int | None
) -> None:
    """A login role in ``kind``'s group, with ``password``, mapped to ``learner_id``."""
    check_role_name(role)
    if _role_exists(connection, role):
        raise SchoolError(f"there is already a user {role} on this server; choose another name")
    database_name = str(connection.scalar(text("SELECT current_database()")))
    group = group_roles(database_name)[kind]
    name = _quote(connection, role)
    verifier = _password_verifier(connection, role, password)
    group_name = _quote(connection, group)
    # Passed as written (no bind parameters): the verifier holds ':' and '$'.
    connection.exec_driver_sql(
        f"CREATE ROLE {name} LOGIN PASSWORD '{verifier}' IN ROLE {group_name}"
    )
    connection.execute(
        text(
            "INSERT INTO server_accounts (role_name, kind, learner_id) "
            "VALUES (:role, :kind, :learner)"
        ),
        {"role": role, "kind": kind.value, "learner": learner_id},
    )


def set_password(connection: Connection, role: str, password: str) -> None:
    """Give the login ``role`` a new password."""
    if account(connection, role) is None:
        raise SchoolError(f"there is no crisisquiz user {role} in this database")
    verifier = _password_verifier(connection, role, password)
    connection.exec_driver_sql(f"ALTER ROLE {_quote(connection, role)} PASSWORD '{verifier}'")


def drop_login(connection: Connection, role: str) -> Account:
    """Remove the login ``role`` and its mapping; returns what it was."""
    found = account(connection, role)
    if found is None:
        raise SchoolError(f"there is no crisisquiz user {role} in this database")
    connection.execute(text("DELETE FROM server_accounts WHERE role_name = :r"), {"r": role})
    if _role_exists(connection, role):
        connection.exec_driver_sql(f"DROP ROLE {_quote(connection, role)}")
    return found


def account(connection: Connection, role: str) -> Account | None:
    """The account of login ``role``, or None."""
    row = connection.execute(
        text(
            "SELECT a.role_name, a.kind, a.learner_id, l.name FROM server_accounts a "
            "LEFT JOIN learners l ON l.id = a.learner_id WHERE a.role_name = :r"
        ),
        {"r": role},
    ).first()
    return None if row is None else Account(row[0], Kind(row[1]), row[2], row[3])


def accounts(connection: Connection) -> list[Account]:
    """Every account in the database, by kind and name."""
    rows = connection.execute(
        text(
            "SELECT a.role_name, a.kind, a.learner_id, l.name FROM server_accounts a "
            "LEFT JOIN learners l ON l.id = a.learner_id ORDER BY a.kind DESC, a.role_name"
        )
    )
    return [Account(row[0], Kind(row[1]), row[2], row[3]) for row in rows]


def _password_verifier(connection: Connection, role: str, password: str) -> str:
    """The SCRAM verifier of ``password``, computed here: the password never reaches the
    server (nor its logs) in clear."""
    driver: Any = connection.connection.driver_connection
    verifier = driver.pgconn.encrypt_password(password.encode(), role.encode(), b"scram-sha-256")
    return str(verifier.decode()).replace("'", "''")


def signed_in_account(database: Database) -> Account | None:
    """The account the database's connection signed in as; None on SQLite or without one."""
    if database.server is None:
        return None
    with database.engine.connect() as connection:
        return account(connection, str(connection.scalar(text("SELECT session_user"))))


def may_manage_packs(database: Database) -> bool:
    """Whether this connection may import and remove packs (always, on a SQLite file)."""
    if database.server is None:
        return True
    with database.engine.connect() as connection:
        allowed = connection.scalar(text("SELECT has_table_privilege('packs', 'INSERT')"))
    return bool(allowed)
