"""Files written whole or not at all.

A file a person relies on (a pack, a draft, a results file) is written beside its target
and renamed over it once complete and synced, so a crash or a full disk leaves either the
old file or the new one, never half of one, and no temporary file behind.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[BinaryIO]:
    """Open a temporary file beside ``path``; on a clean exit it replaces ``path``.

    If the block raises, ``path`` is left as it was and the temporary file is removed.
    """
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def write_whole(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that ``path`` only ever holds the old or the new content."""
    with replacing(path) as out:
        out.write(data)
