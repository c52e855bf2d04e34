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
