"""Write a pack in our own format: a folder or a ``.zip`` holding ``pack.toml`` and its files.

The pack's files are its pictures (``media/...``) and its documents' texts
(``sources/<id>.txt``), stored under the same paths the pack names them by, so the
folder or archive imports as it is. Each file is written whole or not at all: a
temporary file is renamed over the target once complete.
"""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from crisisquiz.core.atomic_files import replacing, write_whole
from crisisquiz.core.pack_loader import PACK_FILE
from crisisquiz.core.packs import tables_to_toml


def _checked(path: str) -> PurePosixPath:
    inside = PurePosixPath(path)
    if inside.is_absolute() or ".." in inside.parts or not inside.parts:
        raise ValueError(f"{path!r} is not a path inside a pack")
    return inside


def write_pack_folder(tables: Mapping[str, Any], files: Mapping[str, bytes], folder: Path) -> Path:
    """Write the pack into ``folder`` (created if needed); returns the ``pack.toml`` path."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        target = folder.joinpath(*_checked(name).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        write_whole(target, data)
    toml_path = folder / PACK_FILE
    write_whole(toml_path, tables_to_toml(tables).encode("utf-8"))
    return toml_path


def write_pack_zip(tables: Mapping[str, Any], files: Mapping[str, bytes], path: Path) -> Path:
    """Write the pack as a ``.zip`` at ``path``; returns ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with (
        replacing(path) as out,
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive,
    ):
        archive.writestr(PACK_FILE, tables_to_toml(tables))
        for name, data in sorted(files.items()):
            archive.writestr(str(_checked(name)), data)
    return path
