"""``crisisquiz pack ...``: validate, import, list, export and remove packs."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from crisisquiz.cli.context import UserError, confirm
from crisisquiz.core.app_context import AppContext
from crisisquiz.core.pack_loader import load_pack
from crisisquiz.core.packs import ImportAction, PackService, pack_to_json, pack_to_toml


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``pack`` command and its subcommands."""
    pack = commands.add_parser(
        "pack",
        help="validate, import, list, export or remove question packs",
        description="Work with question packs.",
    )
    sub = pack.add_subparsers(dest="pack_command", metavar="COMMAND", required=True)

    validate = sub.add_parser(
        "validate",
        help="check a pack and list every problem",
        description="Check a pack (.toml, folder or .zip) without importing it.",
    )
    validate.add_argument("file", type=Path, help="the pack: a .toml file, a folder or a .zip")
    validate.set_defaults(handler=_validate)

    imp = sub.add_parser(
        "import",
        help="install a pack, or update it to a newer version",
        description="Install a pack or update an installed one. A pack with any "
        "problem is refused whole and nothing is changed.",
    )
    imp.add_argument("file", type=Path, help="the pack: a .toml file, a folder or a .zip")
    imp.set_defaults(handler=_import)

    listing = sub.add_parser(
        "list", help="list installed packs", description="List installed packs."
    )
    listing.add_argument("--json", action="store_true", help="print JSON instead of a table")
    listing.set_defaults(handler=_list)

    export = sub.add_parser(
        "export",
        help="write an installed pack as JSON or TOML",
        description="Write an installed pack in full, as JSON or as an importable TOML pack.",
    )
    export.add_argument("pack_id", metavar="PACK_ID", help="the pack's id (see 'pack list')")
    export.add_argument(
        "--format", choices=["json", "toml"], default="json", help="output format (default json)"
    )
    export.add_argument(
        "-o", "--output", type=Path, help="file to write (default: standard output)"
    )
    export.set_defaults(handler=_export)

    remove = sub.add_parser(
        "remove",
        help="remove a pack and all progress on it",
        description="Remove an installed pack, its questions and every learner's progress on them.",
    )
    remove.add_argument("pack_id", metavar="PACK_ID")
    remove.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    remove.set_defaults(handler=_remove)


def _validate(args: argparse.Namespace, ctx: AppContext) -> int:
    pack = load_pack(args.file)
    print(
        f"{args.file}: OK: pack {pack.pack.id!r} version {pack.pack.version}, "
        f"{len(pack.questions)} questions in {len(pack.topics)} topics"
    )
    return 0


def _import(args: argparse.Namespace, ctx: AppContext) -> int:
    result = PackService(ctx.database).import_file(args.file, now=ctx.clock())
    if result.action is ImportAction.INSTALLED:
        print(
            f"Installed {result.title!r} ({result.pack_id}) version {result.version}: "
            f"{result.added} questions."
        )
    elif result.action is ImportAction.UPDATED:
        print(
            f"Updated {result.title!r} ({result.pack_id}) from {result.previous_version} to "
            f"{result.version}: {result.added} new, {result.updated} updated, "
            f"{result.retired} retired questions; learners' progress kept."
        )
    else:
        print(
            f"{result.title!r} ({result.pack_id}) version {result.version} is already installed; "
            "nothing changed."
        )
    return 0


def _list(args: argparse.Namespace, ctx: AppContext) -> int:
    packs = PackService(ctx.database).list_packs()
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": p.id,
                        "title": p.title,
                        "version": p.version,
                        "questions": p.question_count,
                        "topics": p.topic_count,
                        "builtin": p.builtin,
                    }
                    for p in packs
                ],
                indent=2,
                ensure_ascii=False,
            )
        )
        return 0
    if not packs:
        print("No packs installed.")
        return 0
    rows = [("ID", "VERSION", "QUESTIONS", "TITLE")] + [
        (p.id, p.version, str(p.question_count), p.title + (" (built in)" if p.builtin else ""))
        for p in packs
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for row in rows:
        print(f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:>{widths[2]}}  {row[3]}")
    return 0


def _export(args: argparse.Namespace, ctx: AppContext) -> int:
    pack = PackService(ctx.database).get_pack(args.pack_id)
    text = pack_to_json(pack) if args.format == "json" else pack_to_toml(pack)
    if args.output is None:
        sys.stdout.write(text)
        return 0
    try:
        args.output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write {args.output}: {exc.strerror}") from None
    print(
        f"Wrote {args.pack_id} version {pack.pack.version} ({len(pack.questions)} questions) "
        f"to {args.output}",
        file=sys.stderr,
    )
    return 0


def _remove(args: argparse.Namespace, ctx: AppContext) -> int:
    if not args.yes and not confirm(
        f"Remove pack {args.pack_id!r} and all progress on it?",
        refusal="removing a pack deletes all progress on it; add --yes to confirm",
    ):
        print("Nothing removed.")
        return 0
    PackService(ctx.database).remove_pack(args.pack_id)
    print(f"Removed pack {args.pack_id!r}.")
    return 0


__all__ = ["load_pack", "register"]
