"""``crisisquiz db ...``: check the database, back it up, list backups, restore one.

These work from the data folder alone: listing and restoring backups is what a
damaged database that cannot be opened needs.
"""

from __future__ import annotations

import argparse
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from crisisquiz.cli.context import UserError, confirm
from crisisquiz.core.app_context import AppContext
from crisisquiz.core.local_zone import SYSTEM_ZONE
from crisisquiz.core.safe_archive import describe_size
from crisisquiz.storage.database import open_database
from crisisquiz.storage.sqlite_backup import BackupError, BackupInfo

if TYPE_CHECKING:
    from crisisquiz.core.backups import BackupService


def local_zone() -> tzinfo:
    """The computer's time zone, for the times backups are shown in (tests replace it)."""
    return SYSTEM_ZONE


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``db`` command and its subcommands."""
    db = commands.add_parser(
        "db",
        help="check the database, back it up, list backups, restore one",
        description="Look after the database: check it, back it up, restore a backup.",
    )
    sub = db.add_subparsers(dest="db_command", metavar="COMMAND", required=True)
    check = sub.add_parser(
        "check",
        help="check the database and say what is wrong (exit status 1 if anything is)",
        description="Run SQLite's integrity and foreign key checks, and crisisquiz's own: "
        "every total equals what it counts, every card and answer names a question.",
    )
    check.set_defaults(handler=_check)
    backup = sub.add_parser(
        "backup", help="back the database up now", description="Back the database up now."
    )
    backup.set_defaults(handler=_backup)
    listing = sub.add_parser(
        "backups",
        help="list the backups, newest first",
        description="List the backups: when, why, size, learners and answers.",
    )
    listing.set_defaults(handler=_backups)
    restore = sub.add_parser(
        "restore",
        help="put a backup in place of the database (the database is backed up first)",
        description="Put a backup in place of the database. The database as it is now is "
        "backed up first, or, if it is damaged, kept beside it.",
    )
    which = restore.add_mutually_exclusive_group(required=True)
    which.add_argument("backup", nargs="?", type=Path, metavar="BACKUP", help="a backup file")
    which.add_argument("--latest", action="store_true", help="the newest backup that is whole")
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    restore.set_defaults(handler=_restore)


def _service(ctx: AppContext) -> BackupService:
    # Loaded by these commands only: every start of the app builds this parser.
    from crisisquiz.core.backups import SERVER_BACKUPS, BackupService

    if ctx.database_url is not None:
        raise UserError(SERVER_BACKUPS)
    return BackupService(ctx.data_dir, clock=ctx.clock, tz=local_zone())


def describe_backup(info: BackupInfo, tz: tzinfo) -> str:
    """One backup in words: "2 March 2026 16:00, 12 learners, 5,312 answers (1.2 MB)"."""
    when = _when(info.created, tz)
    held = []
    if info.learners is not None:
        held.append(f"{info.learners:,} learner{'s' if info.learners != 1 else ''}")
    if info.answers is not None:
        held.append(f"{info.answers:,} answer{'s' if info.answers != 1 else ''}")
    content = f", {', '.join(held)}" if held else ""
    return f"{when}{content} ({describe_size(info.size)})"


def _when(moment: datetime, tz: tzinfo) -> str:
    local = moment.astimezone(tz)
    return f"{local.day} {local:%B %Y %H:%M}"


def _check(args: argparse.Namespace, ctx: AppContext) -> int:
    service = _service(ctx)
    problems = service.check()
    if not problems:
        print(
            f"{service.database_path}: sound. SQLite's integrity check, its foreign keys and "
            "crisisquiz's own rules all pass."
        )
        return 0
    print(f"{service.database_path}: {len(problems)} problem(s) found:")
    for problem in problems[:50]:
        print(f"  - {problem}")
    if len(problems) > 50:
        print(f"  ... and {len(problems) - 50} more")
    newest = service.newest_good()
    if newest is not None:
        print(
            "The newest good backup is from "
            f"{describe_backup(newest, local_zone())}; restore it with "
            "'crisisquiz db restore --latest'."
        )
    return 1


def _backup(args: argparse.Namespace, ctx: AppContext) -> int:
    service = _service(ctx)
    try:
        made = service.back_up("manual")
    except BackupError as exc:
        raise UserError(str(exc)) from None
    print(f"Backed up: {describe_backup(made, local_zone())}")
    print(f"  {made.path}")
    return 0


def _backups(args: argparse.Namespace, ctx: AppContext) -> int:
    service = _service(ctx)
    backups = service.backups()
    if not backups:
        print(f"No backups yet in {service.folder}. Make one with 'crisisquiz db backup'.")
        return 0
    tz = local_zone()
    rows = [("WHEN", "WHY", "SIZE", "LEARNERS", "ANSWERS", "FILE")]
    for info in backups:
        rows.append(
            (
                _when(info.created, tz),
                info.reason,
                describe_size(info.size),
                "?" if info.learners is None else f"{info.learners:,}",
                "?" if info.answers is None else f"{info.answers:,}",
                info.path.name,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    for row in rows:
        cells = [
            row[0].ljust(widths[0]),
            row[1].ljust(widths[1]),
            row[2].rjust(widths[2]),
            row[3].rjust(widths[3]),
            row[4].rjust(widths[4]),
            row[5],
        ]
        print("  ".join(cells))
    print(f"In {service.folder}")
    return 0


def _restore(args: argparse.Namespace, ctx: AppContext) -> int:
    service = _service(ctx)
    backups = service.backups()
    if args.latest:
        if not backups:
            raise UserError(f"there are no backups in {service.folder} to restore")
        good = service.newest_good()
        if good is None:
            raise UserError(f"every backup in {service.folder} is damaged; none can be restored")
        for skipped in backups[: backups.index(good)]:
            print(f"Passed over {skipped.path.name}: it is damaged.")
        chosen = good
    else:
        path = args.backup if args.backup.exists() else service.folder / args.backup
        matches = [b for b in backups if b.path.resolve() == path.resolve()]
        if not matches:
            raise UserError(
                f"{args.backup} is not one of the backups in {service.folder}; see "
                "'crisisquiz db backups'"
            )
        chosen = matches[0]
    tz = local_zone()
    if not args.yes and not confirm(
        f"Restore the backup of {describe_backup(chosen, tz)}? The database as it is now "
        "is backed up first (or kept beside it, if it is damaged).",
        refusal="restoring replaces the database; add --yes to confirm",
    ):
        print("Nothing restored.")
        return 0
    try:
        restored = service.restore(chosen)
    except BackupError as exc:
        raise UserError(f"nothing was restored: {exc}") from None
    # Opened once, as the app will: an older backup's schema is brought up to date now.
    open_database(ctx.data_dir, now=ctx.clock()).close()
    print(f"Restored the backup of {describe_backup(chosen, tz)}.")
    if restored.safety is not None:
        print(f"The database as it was is backed up as {restored.safety.path.name}.")
    if restored.damaged_kept is not None:
        print(f"The damaged database is kept as {restored.damaged_kept}.")
    return 0
