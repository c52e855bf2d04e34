"""Where the shipped data lives: the built-in packs and the assets.

In an installed wheel ``questions/`` and ``assets/`` sit inside the package;
in a source checkout (editable install) they sit beside it.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

BUILTIN_PACK_ID = "cuban-missile-crisis"


def shipped_dir(name: str) -> Path:
    """The folder ``name`` ("questions" or "assets") as shipped with the app."""
    packaged = Path(str(resources.files("crisisquiz") / name))
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / name


def builtin_pack_path() -> Path:
    """The folder of the built-in Cuban Missile Crisis pack."""
    return shipped_dir("questions") / BUILTIN_PACK_ID


def asset_path(*parts: str) -> Path:
    """A file under ``assets/``."""
    return shipped_dir("assets").joinpath(*parts)
