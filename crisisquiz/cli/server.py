"""``crisisquiz server ...``: set a school up on PostgreSQL and manage its accounts.

Every command runs as the school's administrator: ``--database`` (or
``CRISISQUIZ_DATABASE_URL``) names the database with the administrator's user. A
password is generated and printed once, typed at a prompt (``--password-prompt``),
or read from standard input (``--password-stdin``, for scripts); never taken from
the command line, where other users of the computer could see it.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys

from crisisquiz.cli.context import UserError, confirm
from crisisquiz.core.app_context import AppContext
from crisisquiz.core.school import NewAccount, SchoolService, check_password
from crisisquiz.storage.school import Kind


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``server`` command and its subcommands."""
    server = commands.add_parser(
        "server",
        help="set up a school's PostgreSQL server and its accounts",
        description="Set up a school's shared PostgreSQL database and manage who signs in. "
        "Run as the school's administrator: --database names the database with the "
        "administrator's user, e.g. postgresql://crisisquiz_admin@localhost/school.",
    )
    sub = server.add_subparsers(dest="server_command", metavar="COMMAND", required=True)

    def command(name: str, help_: str, description: str) -> argparse.ArgumentParser:
        parser = sub.add_parser(name, help=help_, description=description)
        parser.add_argument(
            "--database",
            metavar="URL",
            default=argparse.SUPPRESS,
            help="the school's database, as its administrator (default: $CRISISQUIZ_DATABASE_URL)",
        )
        return parser

    def password_options(parser: argparse.ArgumentParser) -> None:
        given = parser.add_mutually_exclusive_group()
        given.add_argument(
            "--password-prompt", action="store_true", help="type the password at a prompt"
        )
        given.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from the first line of standard input",
        )

    init = command(
        "init",
        "create or upgrade the schema, the roles and their rights",
        "Create or upgrade the crisisquiz tables, install or update the built-in pack, "
        "and (re)create the pupils' and teachers' group roles, their rights and the "
        "row-level security policies. Safe to run again, and run it after every upgrade.",
    )
    init.set_defaults(handler=_init)

    for kind, word in ((Kind.TEACHER, "teacher"), (Kind.PUPIL, "learner")):
        add = command(
            f"add-{word}",
            f"add a {word} who signs in to this server",
            f"Add a {word}: a learner profile and a sign-in (a PostgreSQL login role) "
            "mapped to it. The password is printed once unless you give one.",
        )
        add.add_argument("name", metavar="NAME", help="the person's name as the app shows it")
        add.add_argument(
            "--user",
            metavar="USER",
            help="the user name to sign in with (default: made from NAME, e.g. ana_perez)",
        )
        add.add_argument(
            "--class",
            dest="classes",
            metavar="CLASS",
            action="append",
            default=[],
            help=(
                "a class the teacher teaches (they read its learners' progress)"
                if kind is Kind.TEACHER
                else "the learner's class"
            )
            + "; give it again for more; a new class is created",
        )
        password_options(add)
        add.set_defaults(handler=_add, kind=kind)

        remove = command(
            f"remove-{word}",
            f"remove a {word}'s sign-in and their progress",
            f"Remove a {word}'s sign-in and their learner profile with all its progress.",
        )
        remove.add_argument("user", metavar="USER", help="the user name (see 'server list')")
        remove.add_argument("--yes", action="store_true", help="do not ask for confirmation")
        remove.set_defaults(handler=_remove, kind=kind)

    teach = command(
        "teach",
        "let a teacher read more classes' progress",
        "Give a teacher more classes: they read the progress of those classes' learners.",
    )
    teach.add_argument("user", metavar="USER", help="the teacher's user name")
    teach.add_argument("--class", dest="classes", metavar="CLASS", action="append", required=True)
    teach.set_defaults(handler=_teach)

    reset = command(
        "reset-password",
        "give a user a new password",
        "Give a user a new password: printed once unless you give one.",
    )
    reset.add_argument("user", metavar="USER")
    password_options(reset)
    reset.set_defaults(handler=_reset)

    listing = command("list", "list the accounts", "List who signs in to this database.")
    listing.add_argument("--json", action="store_true", help="print JSON instead of a table")
    listing.set_defaults(handler=_list)


def _service(ctx: AppContext) -> SchoolService:
    if ctx.database_url is None:
        raise UserError(
            "server commands need the school's database: --database "
            "postgresql://ADMIN@HOST/DATABASE (or set CRISISQUIZ_DATABASE_URL)"
        )
    return SchoolService(ctx.database)


def _password(args: argparse.Namespace) -> str | None:
    """The password the administrator gave, or None to generate one."""
    if args.password_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise UserError("--password-stdin: standard input held no password")
        return check_password(line)
    if args.password_prompt:
        first = getpass.getpass("New password: ")
        check_password(first)
        if getpass.getpass("Type it again: ") != first:
            raise UserError("the two passwords differ; nothing was changed")
        return first
    return None


def _init(args: argparse.Namespace, ctx: AppContext) -> int:
    service = _service(ctx)  # opening the database migrates it and installs the pack
    service.init()
    server = ctx.database.server
    assert server is not None
    print(f"The school database {server.database} is ready: schema, built-in pack, roles.")
    print("Add people with 'crisisquiz server add-teacher NAME' and 'add-learner NAME'.")
    return 0


def _announce(new: NewAccount, generated: bool, word: str) -> None:
    account = new.account
    print(f"Added {word} {account.learner_name} with the user name {account.role}.")
    if generated:
        print(f"Password: {new.password}")
        print("It is shown only this once: hand it over now, or reset it later.")


def _add(args: argparse.Namespace, ctx: AppContext) -> int:
    service = _service(ctx)
    password = _password(args)
    new = service.add(
        args.kind,
        args.name,
        now=ctx.clock(),
        role=args.user,
        password=password,
        classes=args.classes,
    )
    _announce(new, password is None, "teacher" if args.kind is Kind.TEACHER else "learner")
    if args.classes:
        verb = "Teaches" if args.kind is Kind.TEACHER else "In"
        print(f"{verb}: {', '.join(args.classes)}.")
    return 0


def _teach(args: argparse.Namespace, ctx: AppContext) -> int:
    found = _service(ctx).teach(args.user, args.classes, now=ctx.clock())
    print(f"{found.learner_name} ({found.role}) now teaches: {', '.join(args.classes)}.")
    return 0


def _remove(args: argparse.Namespace, ctx: AppContext) -> int:
    service = _service(ctx)
    found = {account.role: account for account in service.accounts()}.get(args.user)
    word = "teacher" if args.kind is Kind.TEACHER else "learner"
    if found is None or found.kind is not args.kind:
        raise UserError(f"there is no {word} with the user name {args.user} (see 'server list')")
    if not args.yes and not confirm(
        f"Remove {found.learner_name} ({found.role}) and all their progress?",
        refusal="not removed: add --yes to remove without a question",
    ):
        print("Nothing removed.")
        return 0
    service.remove(args.user)
    print(f"Removed {found.learner_name} ({found.role}) and their progress.")
    return 0


def _reset(args: argparse.Namespace, ctx: AppContext) -> int:
    service = _service(ctx)
    given = _password(args)
    password = service.reset_password(args.user, given)
    print(f"New password set for {args.user}.")
    if given is None:
        print(f"Password: {password}")
        print("It is shown only this once.")
    return 0


def _list(args: argparse.Namespace, ctx: AppContext) -> int:
    found = _service(ctx).accounts()
    if args.json:
        rows = [
            {"user": a.role, "kind": a.kind.value, "name": a.learner_name, "learner": a.learner_id}
            for a in found
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not found:
        print("No accounts yet: add them with 'server add-teacher' and 'server add-learner'.")
        return 0
    width = max(len(a.role) for a in found)
    for a in found:
        print(f"{a.role:<{width}}  {a.kind.value:<7}  {a.learner_name or ''}")
    return 0
