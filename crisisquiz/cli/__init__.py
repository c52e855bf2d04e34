"""The ``crisisquiz`` command: the window with no subcommand, terminal tools with one."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from crisisquiz import __version__
from crisisquiz.cli import classes, learners, packs, reports, server, terminal_study
from crisisquiz.cli import database as db_commands
from crisisquiz.cli.context import UserError
from crisisquiz.cli.terminal_text import (
    CLOSED_PIPE_STATUS,
    silence_closed_pipe,
    terminal_streams,
)
from crisisquiz.core.app_context import AppContext
from crisisquiz.core.classes import ClassError
from crisisquiz.core.exams import ExamError
from crisisquiz.core.learners import LearnerError
from crisisquiz.core.pack_loader import PackError
from crisisquiz.core.packs import PackVersionError, UnknownPackError
from crisisquiz.core.quiz import QuizError
from crisisquiz.storage.database import (
    DATA_DIR_ENV,
    DamagedDatabaseError,
    DatabaseError,
    resolve_data_dir,
)
from crisisquiz.storage.dialects import ConnectionLost, connection_problem, permission_problem
from crisisquiz.storage.school import SchoolError
from crisisquiz.storage.server import (
    DATABASE_URL_ENV,
    PasswordRefused,
    resolve_database_url,
    url_with_password,
    written_password,
)

# Errors a user can act on: printed as one message, never a traceback.
USER_ERRORS: tuple[type[Exception], ...] = (
    UserError,
    PackError,
    PackVersionError,
    UnknownPackError,
    DatabaseError,
    LearnerError,
    ClassError,
    ExamError,
    QuizError,
    SchoolError,
    ConnectionLost,
)


def build_parser() -> argparse.ArgumentParser:
    """The full command-line parser."""
    parser = argparse.ArgumentParser(
        prog="crisisquiz",
        description="Learn the Cuban Missile Crisis by retrieval practice. With no command, "
        "opens the app window.",
    )
    parser.add_argument("--version", action="version", version=f"crisisquiz {__version__}")
    parser.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help=f"folder holding the database (default: ${DATA_DIR_ENV}, else the user data folder)",
    )
    parser.add_argument(
        "--database",
        metavar="URL",
        help="a school's PostgreSQL database, postgresql://USER@HOST/DATABASE, instead of "
        f"the file in the data folder (default: ${DATABASE_URL_ENV})",
    )
    parser.set_defaults(handler=None)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    packs.register(commands)
    learners.register(commands)
    classes.register(commands)
    terminal_study.register(commands)
    reports.register(commands)
    db_commands.register(commands)
    server.register(commands)
    return parser


def _warn(text: str) -> None:
    print(f"crisisquiz: warning: {text}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    with terminal_streams():
        try:
            return _main(argv)
        except BrokenPipeError:
            # The reader went away (``crisisquiz pack list | head``): stop without a word.
            silence_closed_pipe()
            return CLOSED_PIPE_STATUS


def _refuse_password_in_arguments(url: str | None) -> None:
    """A password on the command line is readable by every user of the computer (``ps``)."""
    if url is not None and written_password(url):
        raise UserError(
            "--database holds a password, which other users of this computer could read "
            "in the list of running programs. Leave it out: crisisquiz asks for it at the "
            f"terminal, or finds it in ~/.pgpass or in ${DATABASE_URL_ENV}."
        )


def _open_asking_for_password(ctx: AppContext) -> None:
    """Open a server database, asking at the terminal for a password the URL lacks."""
    try:
        ctx.database  # noqa: B018 - opening is the point
    except PasswordRefused as refused:
        if not refused.missing or ctx.database_url is None or not sys.stdin.isatty():
            raise
        import getpass

        from crisisquiz.storage.server import location_of, parse_server_url

        where = location_of(parse_server_url(ctx.database_url)).label
        password = getpass.getpass(f"Password for {where}: ")
        ctx.database_url = url_with_password(ctx.database_url, password)
        ctx.database  # noqa: B018


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    ctx = AppContext(
        resolve_data_dir(args.data_dir), database_url=resolve_database_url(args.database)
    )
    try:
        _refuse_password_in_arguments(args.database)
        if args.handler is None:
            from crisisquiz.gui.app import run_app  # Qt is loaded only for the window

            return run_app(ctx)
        ctx.on_notice = _warn
        if ctx.database_url is not None:
            _open_asking_for_password(ctx)
        return int(args.handler(args, ctx))
    except DamagedDatabaseError as exc:
        print(f"crisisquiz: error: {exc}", file=sys.stderr)
        from crisisquiz.core.backups import BackupService

        service = BackupService(ctx.data_dir, clock=ctx.clock, tz=db_commands.local_zone())
        newest = service.newest_good()
        if newest is None:
            print("crisisquiz: there is no backup that can be restored.", file=sys.stderr)
        else:
            print(
                "crisisquiz: the newest good backup is from "
                f"{db_commands.describe_backup(newest, db_commands.local_zone())}: "
                "'crisisquiz db restore --latest' puts it in place.",
                file=sys.stderr,
            )
        return 1
    except USER_ERRORS as exc:
        print(f"crisisquiz: error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        raise
    except Exception as exc:
        # A school server refusing an action or going away, the disk full, a read-only
        # file, a lock held too long: the user's to act on, said in words, no traceback.
        message = connection_problem(exc) or permission_problem(exc) or ctx.explain(exc)
        if message is None:
            raise
        print(f"crisisquiz: error: {message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("crisisquiz: interrupted", file=sys.stderr)
        return 130
    finally:
        ctx.close()
