"""Keep the built-in pack installed and at the version the app ships."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import tomli

from crisisquiz.core.pack_loader import PACK_FILE, load_pack
from crisisquiz.core.pack_schema import version_key
from crisisquiz.core.packs import ImportResult, PackService


def ensure_builtin_pack(
    service: PackService, pack_dir: Path, *, now: datetime
) -> ImportResult | None:
    """Import the shipped pack when it is missing or newer than the installed one.

    Returns what the import did, or None when the installed pack is already current
    (the common case, decided from the version alone so start-up stays fast).
    """
    with (pack_dir / PACK_FILE).open("rb") as handle:
        header = tomli.load(handle)["pack"]
    pack_id, shipped_version = str(header["id"]), str(header["version"])
    installed = service.installed_version(pack_id)
    if installed is not None and version_key(installed) >= version_key(shipped_version):
        return None
    return service.import_pack(load_pack(pack_dir), now=now, builtin=True)
