"""The core and storage layers never load Qt, so they run and test without a display."""

from __future__ import annotations

import subprocess
import sys


def test_core_storage_and_cli_do_not_import_qt() -> None:
    code = (
        "import pkgutil, importlib, sys\n"
        "import crisisquiz.core, crisisquiz.storage, crisisquiz.interop, crisisquiz.cli\n"
        "for pkg in (crisisquiz.core, crisisquiz.storage, crisisquiz.interop):\n"
        "    for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "        importlib.import_module(info.name)\n"
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_arrows_point_down() -> None:
    """Lower layers never import higher ones: core and storage know nothing of the front ends,
    and the window does not reach into the command line (what both need lives below both)."""
    import ast
    from pathlib import Path

    package = Path(__file__).resolve().parent.parent / "crisisquiz"
    forbidden = {
        "core": ("crisisquiz.gui", "crisisquiz.cli", "crisisquiz.interop"),
        "storage": ("crisisquiz.gui", "crisisquiz.cli", "crisisquiz.core", "crisisquiz.interop"),
        "interop": ("crisisquiz.gui", "crisisquiz.cli"),
        "gui": ("crisisquiz.cli",),
    }
    offences = []
    for layer, banned in forbidden.items():
        for path in (package / layer).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = (
                    [alias.name for alias in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                    if isinstance(node, ast.ImportFrom)
                    else []
                )
                offences += [
                    f"{path.relative_to(package)} imports {name}"
                    for name in names
                    if name.startswith(banned)
                ]
    assert offences == []
