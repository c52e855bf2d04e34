"""The wheel carries the built-in pack and the assets, and finds them from any folder."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def test_installed_wheel_finds_its_pack_from_any_folder(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path / "dist"),
            str(PROJECT_ROOT),
        ],
        check=True,
        capture_output=True,
    )
    [wheel] = (tmp_path / "dist").glob("crisisquiz-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "site")
    assert "crisisquiz/questions/cuban-missile-crisis/pack.toml" in names
    assert any(n.startswith("crisisquiz/assets/") for n in names)
    assert "crisisquiz/storage/migrations/env.py" in names
    code = (
        "import crisisquiz, sys\n"
        "from crisisquiz.resources import builtin_pack_path\n"
        "from crisisquiz.core.pack_loader import load_pack\n"
        "pack = load_pack(builtin_pack_path())\n"
        "print(crisisquiz.__file__)\n"
        "print(len(pack.questions))\n"
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=elsewhere,
        env={"PYTHONPATH": str(tmp_path / "site"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    module_file, count = result.stdout.split()
    assert module_file.startswith(str(tmp_path / "site"))
    assert int(count) >= 200
