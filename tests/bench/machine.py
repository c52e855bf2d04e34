"""What the benchmark ran on: CPU, cores, memory, OS, Python, SQLite, package versions, load."""

from __future__ import annotations

import os
import platform
import sqlite3
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

PACKAGES = (
    "crisisquiz",
    "SQLAlchemy",
    "alembic",
    "fsrs",
    "pydantic",
    "pydantic-core",
    "rapidfuzz",
    "PySide6-Essentials",
    "anki",
)


def _first(path: str, key: str) -> str | None:
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name.strip() == key:
            return value.strip()
    return None


def _os_name() -> str:
    pretty = None
    try:
        for line in Path("/etc/os-release").read_text(encoding="utf-8").splitlines():
            if line.startswith("PRETTY_NAME="):
                pretty = line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return f"{pretty} ({platform.platform()})" if pretty else platform.platform()


def _memory_gib() -> float | None:
    total = _first("/proc/meminfo", "MemTotal")
    return round(int(total.split()[0]) / 1024 / 1024, 1) if total else None


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def load_average() -> list[float] | None:
    """The 1, 5 and 15 minute load averages (other work on the machine skews timings)."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def describe() -> dict[str, Any]:
    """The machine and software the benchmark runs on."""
    return {
        "cpu": _first("/proc/cpuinfo", "model name") or platform.processor() or "unknown",
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "memory_gib": _memory_gib(),
        "os": _os_name(),
        "python": sys.version.split()[0] + f" ({platform.python_implementation()})",
        "sqlite": sqlite3.sqlite_version,
        "packages": {name: _version(name) for name in PACKAGES},
        "load_average_at_start": load_average(),
    }


def one_line(info: dict[str, Any]) -> str:
    """A one-line summary for the report header."""
    versions = ", ".join(f"{k} {v}" for k, v in info["packages"].items() if v)
    return (
        f"{info['cpu']}, {info['cores']} cores, {info['memory_gib']} GiB; {info['os']}; "
        f"Python {info['python']}; SQLite {info['sqlite']}; {versions}; "
        f"load average at start {info['load_average_at_start']}"
    )
