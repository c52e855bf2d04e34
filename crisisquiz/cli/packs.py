"""``crisisquiz pack ...``: validate, import, list, export and remove packs."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from crisisquiz.cli.context import UserError, confirm
from crisisquiz.core.app_context import AppContext
from crisisquiz.core.pack_loader import load_pack
from crisisquiz.core.packs import ImportAction, PackService
from crisisquiz.interop.registry import (
    EXPORT_FORMATS,
    Format,
    ReadOptions,
    read_pack,
    write_pack,
)
from crisisquiz.interop.report import ConversionReport, Converted, Outcome

# Our own formats need no conversion report: nothing in them is converted.
_NATIVE = {"crisisquiz pack (TOML)", "crisisquiz pack (.zip)", "crisisquiz pack (JSON)"}
_EXPORT_NAMES = [str(fmt) for fmt in EXPORT_FORMATS]
_CONVERT_SUFFIXES = {".zip": Format.ZIP, ".toml": Format.TOML, ".json": Format.JSON}
_ANY_FILE = (
    "the file: a crisisquiz pack (.toml, folder, .zip, .json), Moodle GIFT or XML, Aiken, "
    "CSV/TSV, a Quizlet export, an Excel or LibreOffice sheet (Kahoot's template too) or an "
    "Anki deck (.apkg, .colpkg); the format is found from the content"
)


def _reading_options(parser: argparse.ArgumentParser, *, identity: bool = True) -> None:
    if identity:
        parser.add_argument("--pack-id", help="the pack's id (default: from the file name)")
        parser.add_argument("--title", help="the pack's title (default: from the file)")
        parser.add_argument(
            "--version", help="the pack's version, MAJOR.MINOR.PATCH (default 1.0.0)"
        )
    parser.add_argument(
        "--quizlet-as",
        choices=["flashcard", "short-answer"],
        default="flashcard",
        help="Quizlet terms as flashcards (default) or as short answers asking for the term",
    )
    parser.add_argument(
        "--term-separator",
        help="Quizlet: what stands between term and definition (default: tab, else comma)",
    )
    parser.add_argument(
        "--row-separator", help="Quizlet: what stands between rows (default: new line)"
    )
    parser.add_argument(
        "--report", type=Path, metavar="FILE", help="write the conversion report as CSV"
    )


def _options(args: argparse.Namespace) -> ReadOptions:
    def unescape(value: str | None) -> str | None:
        return value.replace("\\t", "\t").replace("\\n", "\n") if value else value

    return ReadOptions(
        pack_id=getattr(args, "pack_id", None),
        title=getattr(args, "title", None),
        version=getattr(args, "version", None),
        quizlet_as="short_answer" if args.quizlet_as == "short-answer" else "flashcard",
        term_separator=unescape(args.term_separator),
        row_separator=unescape(args.row_separator),
    )


def _print_report(report: ConversionReport, *, always: bool = False) -> None:
    if report.format in _NATIVE and not always:
        return
    print(report.summary() + ".")
    for note in report.notes:
        print(f"  {note}")
    for entry in report.problems():
        print(f"  {entry}")


def _save_report(args: argparse.Namespace, report: ConversionReport) -> None:
    if getattr(args, "report", None) is None:
        return
    try:
        report.write_csv(args.report)
    except OSError as exc:
        raise UserError(f"cannot write {args.report}: {exc.strerror}") from None
    print(f"Conversion report written to {args.report}", file=sys.stderr)


def _read(args: argparse.Namespace) -> Converted:
    converted = read_pack(args.file, _options(args))
    _save_report(args, converted.report)
    return converted


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
        description="Check a pack, or a file in another format, without importing it; "
        "files in other formats also print what converts and what does not.",
    )
    validate.add_argument("file", type=Path, help=_ANY_FILE)
    _reading_options(validate)
    validate.set_defaults(handler=_validate)

    imp = sub.add_parser(
        "import",
        help="install a pack, or update it to a newer version",
        description="Install a pack or update an installed one, from any format crisisquiz "
        "reads (see 'pack convert'). A pack with any problem is refused whole and nothing "
        "is changed; for other formats the conversion report is printed first.",
    )
    imp.add_argument("file", type=Path, help=_ANY_FILE)
    _reading_options(imp)
    imp.set_defaults(handler=_import)

    convert = sub.add_parser(
        "convert",
        help="turn a file from Moodle, Quizlet, Kahoot or Anki into a pack, without importing",
        description="Convert a file in any format crisisquiz reads into a crisisquiz pack "
        "(.zip with its pictures, or .toml), print the conversion report, and import nothing.",
    )
    convert.add_argument("file", type=Path, help=_ANY_FILE)
    convert.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        help="the pack to write: OUT.zip, OUT.toml or OUT.json",
    )
    _reading_options(convert)
    convert.set_defaults(handler=_convert)

    listing = sub.add_parser(
        "list", help="list installed packs", description="List installed packs."
    )
    listing.add_argument("--json", action="store_true", help="print JSON instead of a table")
    listing.set_defaults(handler=_list)

    export = sub.add_parser(
        "export",
        help="write an installed pack for Moodle, Anki, a spreadsheet or crisisquiz",
        description="Write an installed pack: gift and moodle-xml for Moodle, aiken, csv and "
        "xlsx for spreadsheets (and Quizlet or Kahoot), apkg for Anki, zip, toml or json "
        "for crisisquiz. What a format cannot hold is listed.",
    )
    export.add_argument("pack_id", metavar="PACK_ID", help="the pack's id (see 'pack list')")
    export.add_argument(
        "--format", choices=_EXPORT_NAMES, default="json", help="output format (default json)"
    )
    export.add_argument(
        "-o",
        "--output",
        type=Path,
        help="file to write (default: standard output for json and toml, else PACK-VERSION.EXT)",
    )
    export.add_argument(
        "--report", type=Path, metavar="FILE", help="write the export report as CSV"
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
    converted = _read(args)
    pack = converted.pack
    _print_report(converted.report)
    print(
        f"{args.file}: OK: pack {pack.pack.id!r} version {pack.pack.version}, "
        f"{len(pack.questions)} questions in {len(pack.topics)} topics"
    )
    return 0


def _import(args: argparse.Namespace, ctx: AppContext) -> int:
    converted = _read(args)
    _print_report(converted.report)
    result = PackService(ctx.database).import_pack(converted.pack, now=ctx.clock())
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


def _convert(args: argparse.Namespace, ctx: AppContext) -> int:
    target = _CONVERT_SUFFIXES.get(args.output.suffix.lower())
    if target is None:
        raise UserError(f"{args.output}: the pack to write must end in .zip, .toml or .json")
    converted = _read(args)
    _print_report(converted.report, always=True)
    try:
        write_pack(converted.pack, target, args.output)
    except OSError as exc:
        raise UserError(f"cannot write {args.output}: {exc.strerror}") from None
    pack = converted.pack
    print(
        f"Wrote pack {pack.pack.id!r} version {pack.pack.version} "
        f"({len(pack.questions)} questions in {len(pack.topics)} topics) to {args.output}; "
        f"import it with: crisisquiz pack import {args.output}"
    )
    return 0


def _export(args: argparse.Namespace, ctx: AppContext) -> int:
    pack = PackService(ctx.database).get_pack(args.pack_id)
    fmt = Format(args.format)
    output: Path | None = args.output
    if output is None and fmt in (Format.JSON, Format.TOML) and not pack.media:
        with tempfile.TemporaryDirectory() as folder:
            scratch = Path(folder) / f"pack{EXPORT_FORMATS[fmt]}"
            write_pack(pack, fmt, scratch)
            sys.stdout.write(scratch.read_text(encoding="utf-8"))
        return 0
    if output is None:
        output = Path(f"{pack.pack.id}-{pack.pack.version}{EXPORT_FORMATS[fmt]}")
    try:
        report = write_pack(pack, fmt, output)
    except OSError as exc:
        raise UserError(f"cannot write {output}: {exc.strerror}") from None
    _save_report(args, report)
    print(
        f"Wrote {args.pack_id} version {pack.pack.version} ({len(pack.questions)} questions) "
        f"to {output} as {fmt}",
        file=sys.stderr,
    )
    lost = report.problems()
    kept = len(report.entries) - report.count(Outcome.SKIPPED)
    if lost or report.notes:
        print(
            f"{kept} of {len(report.entries)} questions written; what {fmt} cannot hold:",
            file=sys.stderr,
        )
        for note in report.notes:
            print(f"  {note}", file=sys.stderr)
        for entry in lost:
            print(f"  {entry}", file=sys.stderr)
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
