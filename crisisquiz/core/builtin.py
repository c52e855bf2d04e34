"""Keep the built-in pack installed and at the version the app ships."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

import tomli

from crisisquiz.core.pack_loader import PACK_FILE, load_pack
from crisisquiz.core.pack_schema import version_key
from crisisquiz.core.packs import ImportResult, PackService

_PACK_TABLE = re.compile(rb"^[ \t]*\[pack\][ \t]*(#[^\n]*)?\r?$", re.MULTILINE)
_ANY_TABLE = re.compile(rb"^[ \t]*\[", re.MULTILINE)


def shipped_version(pack_dir: Path) -> tuple[str, str]:
    """The id and version of the pack in ``pack_dir``, from its ``[pack]`` table.

    Every start asks this of the built-in pack, so only ``pack.toml`` up to the end of
    its ``[pack]`` table is parsed, not all of its questions. Should the cut land inside
    a value (a line starting with "[" in a string or an array), what is left is not valid
    TOML, and the whole file is parsed instead.
    """
    text = (pack_dir / PACK_FILE).read_bytes()
    start = _PACK_TABLE.search(text)
    header: dict[str, Any] = {}
    if start is not None:
        following = _ANY_TABLE.search(text, start.end())
        end = len(text) if following is None else following.start()
        try:
            header = tomli.loads(text[:end].decode("utf-8")).get("pack", {})
        except (tomli.TOMLDecodeError, UnicodeDecodeError):
            header = {}
    if "id" not in header or "version" not in header:
        header = tomli.loads(text.decode("utf-8"))["pack"]
    return str(header["id"]), str(header["version"])


def ensure_builtin_pack(
    service: PackService, pack_dir: Path, *, now: datetime
) -> ImportResult | None:
    """Import the shipped pack when it is missing or newer than the installed one.

    Returns what the import did, or None when the installed pack is already current
    (the common case, decided from the version alone so start-up stays fast).
    """
    pack_id, version = shipped_version(pack_dir)
    installed = service.installed_version(pack_id)
    if installed is not None and version_key(installed) >= version_key(version):
        return None
    return service.import_pack(load_pack(pack_dir), now=now, builtin=True)
