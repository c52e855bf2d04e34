"""The teacher passphrase on the command line: asking for it, and the class commands' guard.

At a terminal the passphrase is typed without echo. A script gives it in the
environment variable ``CRISISQUIZ_TEACHER_PASSPHRASE``, or, for ``class passphrase``,
one per line on standard input.
"""

from __future__ import annotations

import argparse
import functools
import getpass
import os
import sys
from collections.abc import Callable

from crisisquiz.cli.context import UserError
from crisisquiz.core.app_context import AppContext
from crisisquiz.core.teacher_lock import TeacherLock, TeacherLockError

PASSPHRASE_ENV = "CRISISQUIZ_TEACHER_PASSPHRASE"
Handler = Callable[[argparse.Namespace, AppContext], int]


def _typed(prompt: str) -> str:
    """One passphrase: typed without echo at a terminal, else the next line of input."""
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    line = sys.stdin.readline()
    if not line:
        raise UserError(f"{prompt.rstrip(': ').lower()} was not given on standard input")
    return line.rstrip("\r\n")


def teacher_only(handler: Handler) -> Handler:
    """Run ``handler`` only for whoever knows the teacher passphrase, when one is set."""

    @functools.wraps(handler)
    def guarded(args: argparse.Namespace, ctx: AppContext) -> int:
        lock = TeacherLock(ctx.database)
        if lock.is_set():
            given = os.environ.get(PASSPHRASE_ENV)
            if given is None:
                if not sys.stdin.isatty():
                    raise UserError(
                        "the class commands of this computer are protected by a teacher "
                        f"passphrase: type it at a terminal, or set {PASSPHRASE_ENV}"
                    )
                given = getpass.getpass("Teacher passphrase: ")
            if not lock.check(given):
                raise UserError("that is not the teacher passphrase")
        return handler(args, ctx)

    return guarded


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``class passphrase set|remove``."""
    passphrase = sub.add_parser(
        "passphrase",
        help="protect the class commands and the Teacher menu with a passphrase",
        description="Set, change or remove the teacher passphrase of this computer. When one "
        "is set, the class commands, 'report class' and the window's Teacher menu ask for it. "
        "At a terminal it is typed without echo; a script gives it on standard input, one "
        "line each (the current passphrase first when changing or removing one).",
    )
    actions = passphrase.add_subparsers(dest="passphrase_command", metavar="ACTION", required=True)
    actions.add_parser("set", help="set or change the passphrase").set_defaults(handler=_set)
    actions.add_parser("remove", help="remove the passphrase").set_defaults(handler=_remove)
    actions.add_parser("status", help="say whether one is set").set_defaults(handler=_status)


def _set(args: argparse.Namespace, ctx: AppContext) -> int:
    lock = TeacherLock(ctx.database)
    try:
        current = _typed("Current teacher passphrase: ") if lock.is_set() else None
        if current is not None and not lock.check(current):
            raise TeacherLockError("that is not the teacher passphrase; nothing was changed")
        new = _typed("New teacher passphrase: ")
        if sys.stdin.isatty() and _typed("The same again: ") != new:
            raise UserError("the two passphrases differ; nothing was changed")
        changing = current is not None
        lock.set(new, current=current)
    except TeacherLockError as exc:
        raise UserError(str(exc)) from None
    print(
        "Changed the teacher passphrase."
        if changing
        else "Set the teacher passphrase: the class commands and the Teacher menu now ask for it."
    )
    return 0


def _remove(args: argparse.Namespace, ctx: AppContext) -> int:
    lock = TeacherLock(ctx.database)
    try:
        if not lock.is_set():
            raise TeacherLockError("no teacher passphrase is set")
        lock.remove(_typed("Current teacher passphrase: "))
    except TeacherLockError as exc:
        raise UserError(str(exc)) from None
    print("Removed the teacher passphrase: the class commands open for anyone again.")
    return 0


def _status(args: argparse.Namespace, ctx: AppContext) -> int:
    lock = TeacherLock(ctx.database)
    if not lock.applies:
        print("On a school server the teachers' accounts guard the class reports.")
    elif lock.is_set():
        print("A teacher passphrase is set.")
    else:
        print("No teacher passphrase is set: 'crisisquiz class passphrase set' sets one.")
    return 0


__all__ = ["PASSPHRASE_ENV", "register", "teacher_only"]
