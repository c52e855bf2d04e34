"""Opening the data folder: the built-in pack is installed, and kept at the shipped version."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import tomli
from small_pack import SMALL_PACK

from crisisquiz.core import builtin
from crisisquiz.core.builtin import ensure_builtin_pack, shipped_version
from crisisquiz.core.pack_loader import PACK_FILE
from crisisquiz.core.packs import ImportAction, PackService
from crisisquiz.resources import builtin_pack_path
from crisisquiz.storage.database import Database


def pack_dir(tmp_path: Path, text: str, name: str = "pack") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / PACK_FILE).write_text(text, encoding="utf-8")
    return folder


def test_the_shipped_version_is_the_one_in_the_whole_file() -> None:
    with (builtin_pack_path() / PACK_FILE).open("rb") as handle:
        header = tomli.load(handle)["pack"]
    assert shipped_version(builtin_pack_path()) == (header["id"], header["version"])


SOURCES_FIRST = """\
[[sources]]
id = "notes"
title = "Class notes"

[pack]  # the header, after another table
id = "test-pack"
version = "1.0.0"
"""


@pytest.mark.parametrize(
    "text",
    [
        # A line starting with "[" inside a string: the top part ends inside a value.
        SMALL_PACK.replace(
            'authors = ["Tester"]', 'authors = ["Tester"]\ndescription = """Notes:\n[1] a note"""'
        ),
        SOURCES_FIRST,
        SMALL_PACK.replace("\n", "\r\n"),
    ],
    ids=["bracket-in-string", "sources-first", "crlf"],
)
def test_the_shipped_version_survives_awkward_files(tmp_path: Path, text: str) -> None:
    assert tomli.loads(text)["pack"]["version"] == "1.0.0"
    assert shipped_version(pack_dir(tmp_path, text)) == ("test-pack", "1.0.0")


def test_the_pack_is_installed_then_left_alone_until_a_newer_one_ships(
    database: Database, tmp_path: Path, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = PackService(database)
    first = ensure_builtin_pack(service, pack_dir(tmp_path, SMALL_PACK, "v1"), now=now)
    assert first is not None and first.action is ImportAction.INSTALLED
    assert service.installed_version("test-pack") == "1.0.0"

    # At the installed version the questions are not even read.
    def no_loading(_folder: Path) -> None:
        raise AssertionError("the pack was loaded again")

    monkeypatch.setattr(builtin, "load_pack", no_loading)
    assert ensure_builtin_pack(service, pack_dir(tmp_path, SMALL_PACK, "same"), now=now) is None
    monkeypatch.undo()

    newer = SMALL_PACK.replace('version = "1.0.0"', 'version = "1.1.0"')
    update = ensure_builtin_pack(service, pack_dir(tmp_path, newer, "v2"), now=now)
    assert update is not None and update.action is ImportAction.UPDATED
    assert service.installed_version("test-pack") == "1.1.0"
