"""``crisisquiz server ...`` against a real PostgreSQL server, as a school's IT person runs it."""

from __future__ import annotations

import re
from pathlib import Path

import psycopg
import pytest
from engines import School

from crisisquiz.cli import main


def output(capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    captured = capsys.readouterr()
    return captured.out, captured.err


def test_init_is_safe_to_run_again(school: School, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert school.run("server", "init") == 0
    out, _ = output(capsys)
    assert f"The school database {school.name} is ready" in out
    with psycopg.connect(school.dsn(school.admin)) as admin:
        packs = admin.execute("SELECT id FROM packs").fetchall()
        assert packs == [("cuban-missile-crisis",)]


def test_a_generated_password_is_printed_once_and_signs_in(
    school: School, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    role = f"ana_{school.number}"
    assert school.run("server", "add-learner", "Ana María", "--user", role) == 0
    out, _ = output(capsys)
    assert f"Added learner Ana María with the user name {role}." in out
    match = re.search(r"^Password: (\S+)$", out, re.MULTILINE)
    assert match is not None
    password = match.group(1)
    assert re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", password)
    dsn = school.databases.server.dsn(school.name, role, password)
    with psycopg.connect(dsn) as pupil:
        assert pupil.execute("SELECT name FROM learners").fetchall() == [("Ana María",)]
    # Listing shows who is there, never a password.
    assert school.run("server", "list") == 0
    out, _ = output(capsys)
    assert role in out and "Ana María" in out and password not in out


def test_a_user_name_is_made_from_the_name(
    school: School, capsys: pytest.CaptureFixture[str]
) -> None:
    # Roles are shared by the whole server: this one is unique to the test's school.
    name = f"Zoé Ñandú {school.number}"
    assert school.run("server", "add-teacher", name) == 0
    out, _ = output(capsys)
    assert f"with the user name zoe_nandu_{school.number}." in out


def test_password_typed_at_the_prompt(
    school: School, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    typed = iter(["typed-secret-1", "typed-secret-1"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    role = f"tia_{school.number}"
    assert school.run("server", "add-teacher", "Tia", "--user", role, "--password-prompt") == 0
    out, _ = output(capsys)
    assert "Password:" not in out
    with psycopg.connect(school.databases.server.dsn(school.name, role, "typed-secret-1")):
        pass


def test_mismatched_or_short_passwords_change_nothing(
    school: School, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    typed = iter(["typed-secret-1", "typed-secret-2"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    role = f"tia_{school.number}"
    assert school.run("server", "add-teacher", "Tia", "--user", role, "--password-prompt") == 1
    _, err = output(capsys)
    assert "the two passwords differ; nothing was changed" in err
    assert school.run("server", "add-teacher", "Tia", "--password-stdin", stdin="short\n") == 1
    _, err = output(capsys)
    assert "a password needs at least 10 characters" in err
    assert school.run("server", "list") == 0
    out, _ = output(capsys)
    assert "No accounts yet" in out


def test_passwords_are_never_taken_from_the_command_line(school: School) -> None:
    with pytest.raises(SystemExit) as exit_:
        school.run("server", "add-learner", "Ana", "--password", "on-the-command-line")
    assert exit_.value.code == 2


def test_reset_password_and_remove(school: School, capsys: pytest.CaptureFixture[str]) -> None:
    ben = school.add("learner", "Ben", "ben")
    capsys.readouterr()
    assert school.run("server", "reset-password", ben) == 0
    out, _ = output(capsys)
    match = re.search(r"^Password: (\S+)$", out, re.MULTILINE)
    assert match is not None
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(school.dsn(ben))
    with psycopg.connect(school.databases.server.dsn(school.name, ben, match.group(1))):
        pass
    # Without a terminal, removing asks for --yes.
    assert school.run("server", "remove-learner", ben) == 1
    _, err = output(capsys)
    assert "add --yes" in err
    assert school.run("server", "remove-teacher", ben, "--yes") == 1
    _, err = output(capsys)
    assert f"there is no teacher with the user name {ben}" in err
    assert school.run("server", "remove-learner", ben, "--yes") == 0
    out, _ = output(capsys)
    assert f"Removed Ben ({ben})" in out
    with psycopg.connect(school.dsn(school.admin)) as admin:
        assert admin.execute("SELECT count(*) FROM learners").fetchone() == (0,)
        gone = admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (ben,)).fetchone()
        assert gone is None


def test_a_taken_user_name_is_refused(school: School, capsys: pytest.CaptureFixture[str]) -> None:
    ana = school.add("learner", "Ana", "ana")
    capsys.readouterr()
    assert school.run("server", "add-learner", "Ana B", "--user", ana) == 1
    _, err = output(capsys)
    assert f"there is already a user {ana} on this server" in err
    assert school.run("server", "add-learner", "Ana", "--user", f"x{ana}") == 1
    _, err = output(capsys)
    assert "there is already a learner named Ana" in err
    assert school.run("server", "add-learner", "Carla", "--user", "Not Valid") == 1
    _, err = output(capsys)
    assert "cannot be a user name" in err


def test_server_commands_need_a_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CRISISQUIZ_DATABASE_URL", raising=False)
    assert main(["--data-dir", str(tmp_path), "server", "list"]) == 1
    _, err = output(capsys)
    assert "server commands need the school's database: --database" in err


def test_only_teachers_and_the_admin_import_packs(
    school: School, small_pack_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ana = school.add("learner", "Ana", "ana")
    tia = school.add("teacher", "Tia", "tia")
    capsys.readouterr()
    assert school.run_as(ana, "pack", "import", str(small_pack_file)) == 1
    _, err = output(capsys)
    assert "does not allow this user" in err
    assert school.run_as(ana, "pack", "list") == 0
    out, _ = output(capsys)
    assert "cuban-missile-crisis" in out
    assert school.run_as(tia, "pack", "import", str(small_pack_file)) == 0
    assert school.run_as(ana, "pack", "list") == 0
    out, _ = output(capsys)
    assert "test-pack" in out


def test_an_unreachable_server_is_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql://ana@127.0.0.1:{port}/school"
    assert main(["--data-dir", str(tmp_path), "--database", url, "learner", "list"]) == 1
    _, err = output(capsys)
    assert err.startswith("crisisquiz: error: The school server cannot be reached")
    assert "Traceback" not in err


def test_a_wrong_password_is_a_message(school: School, capsys: pytest.CaptureFixture[str]) -> None:
    ana = school.add("learner", "Ana", "ana")
    school.passwords[ana] = "not-the-password"
    capsys.readouterr()
    assert school.run_as(ana, "learner", "list") == 1
    _, err = output(capsys)
    assert f"refused the user name or password for {ana}" in err


def test_a_password_in_the_database_argument_is_refused(
    school: School, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every user of the computer can read a program's arguments (ps): no password there."""
    ana = school.add("learner", "Ana", "ana")
    capsys.readouterr()
    data = ["--data-dir", str(school.tmp_path / "ana")]
    assert main([*data, "--database", school.url(ana), "learner", "list"]) == 1
    _, err = output(capsys)
    assert "--database holds a password, which other users of this computer could read" in err
    assert school.passwords[ana] not in err
    # Without it, at a terminal, crisisquiz asks for it; without a terminal it says what
    # is missing.
    bare = school.databases.url(school.name, ana)
    assert main([*data, "--database", bare, "learner", "list"]) == 1
    _, err = output(capsys)
    assert f"asks for the password of {ana}, and none was given" in err


def test_a_missing_password_is_asked_for_at_a_terminal(
    school: School, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ana = school.add("learner", "Ana", "ana")
    capsys.readouterr()
    asked: list[str] = []

    def typed(prompt: str = "") -> str:
        asked.append(prompt)
        return school.passwords[ana]

    monkeypatch.setattr("getpass.getpass", typed)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    bare = school.databases.url(school.name, ana)
    data = ["--data-dir", str(school.tmp_path / "ana")]
    assert main([*data, "--database", bare, "learner", "list"]) == 0
    out, _ = output(capsys)
    assert "Ana" in out
    assert asked == [
        f"Password for {ana} on {school.name} at 127.0.0.1:{school.databases.server.port}: "
    ]


def test_a_teachers_pack_update_and_removal_reach_every_learners_rows(
    school: School, small_pack_text: str, tmp_path: Path
) -> None:
    """RLS shows a teacher only their own rows; what a pack change implies for the
    pupils' cards and figures is still done, by the server's triggers."""
    import random
    from datetime import UTC, datetime

    from crisisquiz.core.app_context import AppContext
    from crisisquiz.core.learners import LearnerService
    from crisisquiz.core.study import StudyService

    now = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
    ana = school.add("learner", "Ana", "ana")
    tia = school.add("teacher", "Tia", "tia")
    first = tmp_path / "v1.toml"
    first.write_text(small_pack_text, encoding="utf-8")
    assert school.run_as(tia, "pack", "import", str(first)) == 0
    ctx = AppContext(tmp_path / "a", clock=lambda: now, database_url=school.url(ana))
    try:
        learner = LearnerService(ctx.database).list()[0]
        session = StudyService(ctx.database, tz=UTC, rng=random.Random(2)).start(
            learner.id, now=now, topics=[("test-pack", "alpha")]
        )
        for _ in range(4):
            item = session.next_item(now)
            assert item is not None
            session.answer(item, "?", now=now, response_ms=800)
    finally:
        ctx.close()
    moved = small_pack_text.replace('version = "1.0.0"', 'version = "1.1.0"').replace(
        'id = "fc"\ntopic = "alpha"', 'id = "fc"\ntopic = "beta"'
    )
    second = tmp_path / "v2.toml"
    second.write_text(moved, encoding="utf-8")
    assert school.run_as(tia, "pack", "import", str(second)) == 0
    with psycopg.connect(school.dsn(school.admin)) as admin:
        topic = admin.execute(
            "SELECT c.topic_id FROM card_states c JOIN questions q ON q.id = c.question_id "
            "WHERE q.question_id = 'fc' AND q.pack_id = 'test-pack'"
        ).fetchone()
        assert topic == ("beta",)
    assert school.run_as(tia, "pack", "remove", "test-pack", "--yes") == 0
    # The server's data is backed up by its administrator (pg_dump), not into a folder
    # on the teacher's computer before each change.
    assert not (school.tmp_path / tia / "backups").exists()
    with psycopg.connect(school.dsn(school.admin)) as admin:
        for table in ("card_states", "reviews", "daily_topic_stats", "topic_totals"):
            left = admin.execute(
                f"SELECT count(*) FROM {table} WHERE pack_id = 'test-pack'"
            ).fetchone()
            assert left == (0,), table


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("postgresql://ana@127.0.0.1:/school", "is not a database URL"),
        ("postgresql://ana@127.0.0.1:port/school", "is not a database URL"),
        ("mysql://ana@host/school", "connects only to PostgreSQL servers"),
        ("postgresql://ana@host", "names no database"),
    ],
)
def test_a_mistyped_database_url_is_a_message(
    url: str, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--data-dir", str(tmp_path), "--database", url, "learner", "list"]) == 1
    _, err = output(capsys)
    assert said in err and "Traceback" not in err


def test_tls_is_required_unless_the_server_is_this_computer() -> None:
    from crisisquiz.storage.database import DatabaseError
    from crisisquiz.storage.server import parse_server_url

    remote = parse_server_url("postgresql://ana@school.example.org/school")
    assert remote.query["sslmode"] == "require"
    checked = parse_server_url("postgresql://ana@school.example.org/school?sslmode=verify-full")
    assert checked.query["sslmode"] == "verify-full"
    with pytest.raises(DatabaseError, match="requires TLS"):
        parse_server_url("postgresql://ana@school.example.org/school?sslmode=disable")
    local = parse_server_url("postgresql://ana@127.0.0.1:5433/school")
    assert "sslmode" not in local.query


def test_backups_of_a_school_database_are_the_servers(
    school: School, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    for command in (["db", "backup"], ["db", "backups"], ["db", "restore", "--latest"]):
        assert school.run(*command) == 1
        _, err = output(capsys)
        assert "its administrator backs it up (with pg_dump)" in err, command
    assert not (school.tmp_path / school.admin / "backups").exists()
