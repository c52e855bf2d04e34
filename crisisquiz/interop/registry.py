"""Which reader or writer handles a file: chosen by content, not only by name.

The two entry points the rest of the app uses:

- :func:`read_pack` turns any file crisisquiz reads into a validated pack and
  its conversion report (nothing is stored: import the pack with core's pack
  service);
- :func:`write_pack` writes a pack in any export format and returns the
  report of what that format could not hold.
"""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import Final

from crisisquiz.core.pack_loader import PACK_FILE, PackError, PackIssue, gc_paused
from crisisquiz.core.pack_schema import Pack
from crisisquiz.core.safe_archive import SafeZip, UnsafeArchiveError
from crisisquiz.interop.build import ReadOptions
from crisisquiz.interop.report import ConversionReport, Converted

__all__ = [
    "EXPORT_FORMATS",
    "READ_FORMATS",
    "Format",
    "ReadOptions",
    "detect_format",
    "export_suffix",
    "read_pack",
    "with_identity",
    "write_pack",
]

# Text files larger than this are no question bank; refusing early keeps memory bounded.
MAX_TEXT_BYTES: Final = 64 << 20


class Format(StrEnum):
    """A file format crisisquiz reads or writes."""

    TOML = "toml"
    ZIP = "zip"
    JSON = "json"
    GIFT = "gift"
    MOODLE_XML = "moodle-xml"
    AIKEN = "aiken"
    CSV = "csv"
    QUIZLET = "quizlet"
    XLSX = "xlsx"
    ODS = "ods"
    APKG = "apkg"


# What each format is, in words for the "we read" message and the window's file filter.
READ_FORMATS: Final[dict[Format, str]] = {
    Format.TOML: "crisisquiz packs (.toml, or a folder holding pack.toml)",
    Format.ZIP: "crisisquiz packs with pictures (.zip)",
    Format.JSON: "crisisquiz packs as JSON (.json)",
    Format.GIFT: "Moodle GIFT (.gift, .txt)",
    Format.MOODLE_XML: "Moodle XML (.xml)",
    Format.AIKEN: "Aiken (.txt)",
    Format.CSV: "CSV or TSV with a header row (.csv, .tsv)",
    Format.QUIZLET: "Quizlet exports: term and definition per line (.txt, .csv)",
    Format.XLSX: "Excel spreadsheets, including Kahoot's quiz template (.xlsx)",
    Format.ODS: "LibreOffice spreadsheets (.ods)",
    Format.APKG: "Anki decks (.apkg, .colpkg)",
}

# The formats a pack can be written in, with the file suffix each gets.
EXPORT_FORMATS: Final[dict[Format, str]] = {
    Format.GIFT: ".gift",
    Format.MOODLE_XML: ".xml",
    Format.AIKEN: ".txt",
    Format.CSV: ".csv",
    Format.XLSX: ".xlsx",
    Format.APKG: ".apkg",
    Format.ZIP: ".zip",
    Format.TOML: ".toml",
    Format.JSON: ".json",
}

_ANKI_COLLECTIONS: Final = ("collection.anki21b", "collection.anki21", "collection.anki2")
_GIFT_ANSWERS: Final = re.compile(r"\{\s*(?:[=~#>]|(?:TRUE|FALSE|T|F)\s*[#}])", re.MULTILINE)
_AIKEN_ANSWER: Final = re.compile(r"^\s*ANSWER\s*:\s*[A-Za-z]\s*$", re.MULTILINE)
_AIKEN_OPTION: Final = re.compile(r"^\s*[A-Za-z][.)]\s+\S", re.MULTILINE)


def export_suffix(fmt: Format) -> str:
    """The file suffix a pack exported as ``fmt`` gets."""
    return EXPORT_FORMATS[fmt]


def _unknown(path: Path, why: str) -> PackError:
    readable = "; ".join(READ_FORMATS.values())
    return PackError([PackIssue(str(path), f"{why}. crisisquiz reads: {readable}")])


def _zip_format(path: Path) -> Format:
    try:
        with SafeZip(path) as archive:
            names = archive.names()
            if any(Path(n).name == PACK_FILE for n in names):
                return Format.ZIP
            if any(n in _ANKI_COLLECTIONS for n in names):
                return Format.APKG
            if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
                return Format.XLSX
            if "mimetype" in names:
                kind = archive.read("mimetype", max_bytes=200).decode("ascii", "replace")
                if "opendocument.spreadsheet" in kind:
                    return Format.ODS
    except UnsafeArchiveError as exc:
        raise PackError([PackIssue(str(path), str(exc))]) from None
    raise _unknown(path, "this .zip archive holds no pack, Anki deck or spreadsheet")


def read_text(path: Path) -> str:
    """The text of ``path``: UTF-8 (with or without BOM), else Windows-1252 as Excel writes."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise PackError([PackIssue(str(path), f"cannot be read ({exc.strerror or exc})")]) from None
    if size > MAX_TEXT_BYTES:
        raise PackError(
            [
                PackIssue(
                    str(path),
                    f"is {size // (1 << 20)} MB; text question files over 64 MB are refused",
                )
            ]
        )
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise _unknown(path, "this is not a text file, a pack or a deck crisisquiz knows")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _text_format(path: Path, text: str) -> Format:
    suffix = path.suffix.lower()
    head = text.lstrip("\ufeff \t\r\n")[:2000]
    if head.startswith(("<?xml", "<quiz")):
        return Format.MOODLE_XML
    if head.startswith("{") and '"pack"' in text[:100_000]:
        return Format.JSON
    if re.search(r"^\s*\[pack\]\s*$", text[:100_000], re.MULTILINE):
        return Format.TOML
    if "$CATEGORY:" in text or _GIFT_ANSWERS.search(text):
        return Format.GIFT
    # The substring first: the pattern alone took most of the time of telling a
    # 10,000-line file's format.
    if "ANSWER" in text and _AIKEN_ANSWER.search(text) and _AIKEN_OPTION.search(text):
        return Format.AIKEN
    from crisisquiz.interop.delimited import has_schema_header

    if has_schema_header(text):
        return Format.CSV
    by_suffix = {
        ".gift": Format.GIFT,
        ".xml": Format.MOODLE_XML,
        ".toml": Format.TOML,
        ".json": Format.JSON,
    }
    if suffix in by_suffix:
        return by_suffix[suffix]
    if suffix in (".csv", ".tsv", ".txt", ".tab", "") and (
        "\t" in text or "," in text or ";" in text
    ):
        return Format.QUIZLET
    raise _unknown(path, "this file's content matches none of the formats crisisquiz reads")


def detect_format(path: Path) -> Format:
    """The format of the file or folder at ``path``, judged by its content first."""
    return _detect(path)[0]


def _detect(path: Path) -> tuple[Format, str | None]:
    """The format of ``path`` and, for a text file, its text (read once, for the reader too)."""
    if not path.exists():
        raise PackError([PackIssue(str(path), "no such file or folder")])
    if path.is_dir():
        return Format.TOML, None
    with path.open("rb") as handle:
        magic = handle.read(4)
    if magic.startswith(b"PK\x03\x04") or magic.startswith(b"PK\x05\x06"):
        return _zip_format(path), None
    text = read_text(path)
    return _text_format(path, text), text


def read_pack(
    path: Path, options: ReadOptions | None = None, fmt: Format | None = None
) -> Converted:
    """Read any file crisisquiz reads into a validated pack and its conversion report.

    ``fmt`` forces a format instead of detecting it. Raises
    :class:`crisisquiz.core.pack_loader.PackError` with located problems (line
    and column, element path, row or note id) when the file cannot be read.
    Nothing is stored: pass the pack to core's pack service to import it.
    """
    options = options or ReadOptions()
    # The reader builds a few objects per question, all alive until the pack is made:
    # the collector's passes over them would find nothing to free (see gc_paused).
    with gc_paused():
        text: str | None = None
        if fmt is None:
            fmt, text = _detect(path)
        return _read(path, options, fmt, text)


def _read(path: Path, options: ReadOptions, fmt: Format, text: str | None) -> Converted:
    """The reader for ``fmt`` on ``path`` (``text``: the file's text when already read)."""
    if fmt in (Format.TOML, Format.ZIP):
        from crisisquiz.interop.native import FORMAT_TOML, FORMAT_ZIP, read_native

        converted = read_native(path, FORMAT_ZIP if fmt is Format.ZIP else FORMAT_TOML)
        return _with_overrides(converted, options)
    if fmt is Format.APKG:
        from crisisquiz.interop.anki import read_anki

        return read_anki(path, options)
    if fmt in (Format.XLSX, Format.ODS):
        from crisisquiz.interop.spreadsheet import read_spreadsheet

        return read_spreadsheet(path, options)
    if text is None:
        text = read_text(path)
    if fmt is Format.JSON:
        from crisisquiz.interop.native import read_json

        return _with_overrides(read_json(path, text), options)
    if fmt is Format.GIFT:
        from crisisquiz.interop.gift import read_gift

        return read_gift(path, text, options)
    if fmt is Format.MOODLE_XML:
        from crisisquiz.interop.moodle_xml import read_moodle_xml

        return read_moodle_xml(path, text, options)
    if fmt is Format.AIKEN:
        from crisisquiz.interop.aiken import read_aiken

        return read_aiken(path, text, options)
    from crisisquiz.interop.delimited import read_delimited

    return read_delimited(path, text, options, quizlet=fmt is Format.QUIZLET)


def with_identity(
    pack: Pack,
    *,
    pack_id: str | None = None,
    title: str | None = None,
    version: str | None = None,
) -> Pack:
    """``pack`` under another id, title or version; :class:`PackError` when one is not valid.

    Empty values keep what the pack has.
    """
    changes = {
        key: value
        for key, value in (("id", pack_id), ("title", title), ("version", version))
        if value
    }
    if not changes:
        return pack
    from crisisquiz.core.pack_loader import parse_pack_data
    from crisisquiz.core.packs import pack_to_dict

    data = pack_to_dict(pack)
    data["pack"] = {**data["pack"], **changes}
    return parse_pack_data(data, "the pack's details", pack.media)


def _with_overrides(converted: Converted, options: ReadOptions) -> Converted:
    """Our own packs keep their identity unless the teacher gave a new one."""
    pack = with_identity(
        converted.pack, pack_id=options.pack_id, title=options.title, version=options.version
    )
    return converted if pack is converted.pack else Converted(pack, converted.report)


def write_pack(pack: Pack, fmt: Format | str, path: Path) -> ConversionReport:
    """Write ``pack`` to ``path`` as ``fmt``; the report says what the format could not hold."""
    fmt = Format(fmt)
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"packs cannot be written as {fmt}")
    if fmt is Format.TOML:
        from crisisquiz.interop.native import write_toml

        return write_toml(pack, path)
    if fmt is Format.JSON:
        from crisisquiz.interop.native import write_json

        return write_json(pack, path)
    if fmt is Format.ZIP:
        from crisisquiz.interop.native import write_zip

        return write_zip(pack, path)
    if fmt is Format.GIFT:
        from crisisquiz.interop.gift import write_gift

        return write_gift(pack, path)
    if fmt is Format.MOODLE_XML:
        from crisisquiz.interop.moodle_xml import write_moodle_xml

        return write_moodle_xml(pack, path)
    if fmt is Format.AIKEN:
        from crisisquiz.interop.aiken import write_aiken

        return write_aiken(pack, path)
    if fmt is Format.CSV:
        from crisisquiz.interop.delimited import write_csv

        return write_csv(pack, path)
    if fmt is Format.XLSX:
        from crisisquiz.interop.spreadsheet import write_xlsx

        return write_xlsx(pack, path)
    from crisisquiz.interop.anki import write_apkg

    return write_apkg(pack, path)
