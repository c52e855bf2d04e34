"""``crisisquiz class ...``: classes of learners on this computer and the packs they study."""

from __future__ import annotations

import argparse
import json

from crisisquiz.cli import teacher_gate
from crisisquiz.cli.context import UserError, confirm
from crisisquiz.cli.teacher_gate import teacher_only
from crisisquiz.core.app_context import AppContext
from crisisquiz.core.classes import ClassInfo, ClassService
from crisisquiz.core.packs import PackService
from crisisquiz.core.words import plural


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``class`` command and its subcommands."""
    klass = commands.add_parser(
        "class",
        help="classes of learners and the packs they study (for teachers)",
        description="Group the learners of this computer into classes, choose the packs "
        "each class studies, and report on a class with 'crisisquiz report class --class'.",
    )
    sub = klass.add_subparsers(dest="class_command", metavar="COMMAND", required=True)

    add = sub.add_parser("add", help="add a class", description="Add an empty class.")
    add.add_argument("name", metavar="NAME", help="the class's name (quote it if it has spaces)")
    add.set_defaults(handler=teacher_only(_add))

    listing = sub.add_parser(
        "list", help="list classes", description="List classes, their learners and packs."
    )
    listing.add_argument("--json", action="store_true", help="print JSON instead of text")
    listing.set_defaults(handler=teacher_only(_list))

    rename = sub.add_parser("rename", help="rename a class", description="Rename a class.")
    rename.add_argument("old", metavar="OLD")
    rename.add_argument("new", metavar="NEW")
    rename.set_defaults(handler=teacher_only(_rename))

    remove = sub.add_parser(
        "remove",
        help="remove a class",
        description="Remove a class. Its learners, and their progress, stay.",
    )
    remove.add_argument("name", metavar="NAME")
    remove.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    remove.set_defaults(handler=teacher_only(_remove))

    enrol = sub.add_parser(
        "enrol",
        help="put learners in a class",
        description="Put learners (by name) in a class. A learner may be in several.",
    )
    enrol.add_argument("name", metavar="CLASS")
    enrol.add_argument("learners", nargs="+", metavar="LEARNER")
    enrol.set_defaults(handler=teacher_only(_enrol))

    unenrol = sub.add_parser(
        "unenrol",
        help="take learners out of a class",
        description="Take learners out of a class; their progress stays.",
    )
    unenrol.add_argument("name", metavar="CLASS")
    unenrol.add_argument("learners", nargs="+", metavar="LEARNER")
    unenrol.set_defaults(handler=teacher_only(_unenrol))

    packs = sub.add_parser(
        "packs",
        help="choose the packs a class studies",
        description="Choose the packs a class's learners are offered to study. With no "
        "pack and no option, show them. A class with no pack chosen studies every pack; "
        "the built-in pack is offered unless hidden.",
    )
    packs.add_argument("name", metavar="CLASS")
    packs.add_argument("packs", nargs="*", metavar="PACK_ID", help="the packs, by id")
    packs.add_argument(
        "--all", action="store_true", help="choose no pack in particular: every pack"
    )
    builtin = packs.add_mutually_exclusive_group()
    builtin.add_argument(
        "--hide-builtin",
        dest="hide_builtin",
        action="store_const",
        const=True,
        help="do not offer the built-in pack to this class",
    )
    builtin.add_argument(
        "--show-builtin",
        dest="hide_builtin",
        action="store_const",
        const=False,
        help="offer the built-in pack to this class (the default)",
    )
    packs.set_defaults(handler=teacher_only(_packs), hide_builtin=None)
    teacher_gate.register(sub)


def describe(info: ClassInfo, titles: dict[str, str]) -> list[str]:
    """A class in a few lines: learners, then the packs it is offered."""
    learners = ", ".join(info.learner_names) or "none yet"
    return [
        f"{info.name}: {plural(len(info.learners), 'learner')}",
        f"  learners: {learners}",
        f"  packs: {packs_text(info, titles)}",
    ]


def packs_text(info: ClassInfo, titles: dict[str, str]) -> str:
    """What the class's learners are offered, in words."""
    if not info.packs:
        return (
            "every installed pack but the built-in one (hidden)"
            if info.hide_builtin
            else "every installed pack"
        )
    chosen = ", ".join(f"{titles.get(p, p)} ({p})" for p in info.packs)
    return chosen + (
        "; the built-in pack hidden" if info.hide_builtin else " and the built-in pack"
    )


def _titles(ctx: AppContext) -> dict[str, str]:
    return {pack.id: pack.title for pack in PackService(ctx.database).list_packs()}


def _add(args: argparse.Namespace, ctx: AppContext) -> int:
    info = ClassService(ctx.database).create(args.name, now=ctx.clock())
    print(
        f"Added class {info.name!r}. Put learners in it with: "
        f"crisisquiz class enrol {_quoted(info.name)} NAME..."
    )
    return 0


def _list(args: argparse.Namespace, ctx: AppContext) -> int:
    classes = ClassService(ctx.database).list()
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "name": info.name,
                        "learners": list(info.learner_names),
                        "packs": list(info.packs),
                        "hide_builtin": info.hide_builtin,
                        "created_at": info.created_at.isoformat(),
                    }
                    for info in classes
                ],
                indent=2,
                ensure_ascii=False,
            )
        )
        return 0
    if not classes:
        print("No classes yet. Add one with: crisisquiz class add NAME")
        return 0
    titles = _titles(ctx)
    for info in classes:
        print("\n".join(describe(info, titles)))
    return 0


def _rename(args: argparse.Namespace, ctx: AppContext) -> int:
    service = ClassService(ctx.database)
    old = service.get(args.old).name
    info = service.rename(args.old, args.new)
    print(f"Renamed class {old!r} to {info.name!r}.")
    return 0


def _remove(args: argparse.Namespace, ctx: AppContext) -> int:
    service = ClassService(ctx.database)
    info = service.get(args.name)  # an unknown name fails before any question
    if not args.yes and not confirm(
        f"Remove class {info.name!r}? Its learners and their progress stay.",
        refusal="removing a class needs confirming; add --yes to confirm",
    ):
        print("Nothing removed.")
        return 0
    service.remove(info.name)
    print(f"Removed class {info.name!r}; its learners and their progress stay.")
    return 0


def _enrol(args: argparse.Namespace, ctx: AppContext) -> int:
    info = ClassService(ctx.database).enrol(args.name, args.learners)
    print(f"{info.name}: {plural(len(info.learners), 'learner')}: {', '.join(info.learner_names)}")
    return 0


def _unenrol(args: argparse.Namespace, ctx: AppContext) -> int:
    info = ClassService(ctx.database).unenrol(args.name, args.learners)
    names = ", ".join(info.learner_names) or "none"
    print(f"{info.name}: {plural(len(info.learners), 'learner')} left: {names}")
    return 0


def _packs(args: argparse.Namespace, ctx: AppContext) -> int:
    service = ClassService(ctx.database)
    if args.all and args.packs:
        raise UserError("give pack ids or --all, not both")
    chosen = [] if args.all else (args.packs or None)
    if chosen is None and args.hide_builtin is None:
        info = service.get(args.name)
    else:
        info = service.set_packs(args.name, chosen, hide_builtin=args.hide_builtin)
    lines = describe(info, _titles(ctx))
    print(f"{info.name}:{lines[2][len('  packs:') :]}")
    return 0


def _quoted(name: str) -> str:
    return f'"{name}"' if " " in name else name


__all__ = ["describe", "packs_text", "register"]
