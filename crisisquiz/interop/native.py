"""crisisquiz's own pack formats: TOML (a file or folder), a .zip with media, and JSON.

Writers dump the whole pack model through core's own serialisers, so every field
the pack format holds comes along, and media travel with the pack: inside the
.zip, or in a ``media/`` folder beside a TOML or JSON file (where the reader
looks for them).
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from crisisquiz.core.pack_loader import PACK_FILE, PackError, PackIssue, load_pack, parse_pack_data
from crisisquiz.core.pack_schema import Pack
from crisisquiz.core.packs import pack_to_json, pack_to_toml
from crisisquiz.interop.report import ConversionReport, Converted, Outcome, ReportEntry

__all__ = ["read_json", "read_native", "write_json", "write_toml", "write_zip"]

FORMAT_TOML = "crisisquiz pack (TOML)"
FORMAT_ZIP = "crisisquiz pack (.zip)"
FORMAT_JSON = "crisisquiz pack (JSON)"


def _report(
    pack: Pack, source: str, format_name: str, notes: tuple[str, ...] = ()
) -> ConversionReport:
    entries = tuple(
        ReportEntry(
            q.id, q.display_prompt.split("\n", 1)[0][:70], Outcome.CONVERTED, q.id, str(q.type)
        )
        for q in pack.questions
    )
    return ConversionReport(source, format_name, entries, notes)


def read_native(path: Path, format_name: str) -> Converted:
    """A TOML pack file, a pack folder or a pack .zip, read by core's own loader."""
    pack = load_pack(path)
    return Converted(pack, _report(pack, path.name, format_name))


def _beside_media(path: Path) -> dict[str, bytes]:
    folder = path.parent / "media"
    if not folder.is_dir():
        return {}
    return {
        file.relative_to(path.parent).as_posix(): file.read_bytes()
        for file in sorted(folder.rglob("*"))
        if file.is_file() and not file.is_symlink()
    }


def read_json(path: Path, text: str) -> Converted:
    """A pack written as JSON (by ``pack export --format json``), media beside it."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PackError(
            [PackIssue(str(path), f"not valid JSON: {exc.msg}", line=exc.lineno, column=exc.colno)]
        ) from None
    if not isinstance(data, dict):
        raise PackError([PackIssue(str(path), 'a JSON pack must be an object with a "pack" table')])
    pack = parse_pack_data(data, str(path), _beside_media(path))
    return Converted(pack, _report(pack, path.name, FORMAT_JSON))


def _write_media(pack: Pack, path: Path) -> tuple[str, ...]:
    for name, data in pack.media.items():
        target = path.parent / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    if not pack.media:
        return ()
    folder = path.parent / "media"
    return (f"{len(pack.media)} media files written to {folder}; keep them beside the file",)


def write_toml(pack: Pack, path: Path) -> ConversionReport:
    """The pack as TOML at ``path``, media in ``media/`` beside it; it imports as it is."""
    path.write_text(pack_to_toml(pack), encoding="utf-8")
    return _report(pack, path.name, FORMAT_TOML, _write_media(pack, path))


def write_json(pack: Pack, path: Path) -> ConversionReport:
    """The pack as JSON at ``path``, media in ``media/`` beside it."""
    path.write_text(pack_to_json(pack), encoding="utf-8")
    return _report(pack, path.name, FORMAT_JSON, _write_media(pack, path))


def write_zip(pack: Pack, path: Path) -> ConversionReport:
    """The pack as one .zip: ``pack.toml`` and its ``media/``; importing it gives the same pack."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(PACK_FILE, pack_to_toml(pack))
        for name, data in sorted(pack.media.items()):
            archive.writestr(name, data)
    return _report(pack, path.name, FORMAT_ZIP)
