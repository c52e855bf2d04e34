"""Text to and from the terminal: shown safely, read whatever the bytes, stopped quietly.

- **Control characters are shown, never obeyed.** A pack's text, a learner's name or a
  results file may hold escape sequences; written to a terminal as they are, they could
  clear the screen, move the cursor, retitle the window or hide what follows. Every
  character that steers a terminal instead of showing (C0 and C1 controls except tab
  and newline, DEL, and the Unicode marks that reverse the direction of text) is
  written as ``\\uXXXX``, which is also how JSON and TOML write it, so ``--json`` and
  ``pack export`` output keeps its meaning.
- **Input that is not valid text is read anyway**: undecodable bytes become "�" and
  the line is treated like any other, instead of ending the session with a traceback.
- **A closed pipe ends the command quietly** (``crisisquiz pack list | head``).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
from collections.abc import Iterator
from typing import TextIO

# C0 controls but tab and newline, DEL and the C1 controls, the bidirectional overrides
# and isolates (they can make "evil" read as "live"), and the line and paragraph
# separators, which some terminals take for new lines.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
# The status shells give a command stopped by a closed pipe (128 + SIGPIPE).
CLOSED_PIPE_STATUS = 141


def shown_safely(text: str) -> str:
    """``text`` with every character that would steer a terminal written as ``\\uXXXX``."""
    return _UNSAFE.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


class SafeStream(io.TextIOBase):
    """A text stream that writes through another, with control characters made visible.

    Everything else (its encoding, its file number, whether it is a terminal) is the
    underlying stream's, so ``input()`` still edits lines at a terminal.
    """

    def __init__(self, target: TextIO) -> None:
        super().__init__()
        self.target = target

    def write(self, text: str) -> int:
        self.target.write(shown_safely(text))
        return len(text)

    def flush(self) -> None:
        self.target.flush()

    def fileno(self) -> int:
        return self.target.fileno()

    def isatty(self) -> bool:
        return self.target.isatty()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return str(getattr(self.target, "encoding", "utf-8"))

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self.target, "errors", None)


@contextlib.contextmanager
def terminal_streams() -> Iterator[None]:
    """For the length of a command: safe output, forgiving input, and back again after.

    Output that the terminal's encoding cannot show (a pack in Greek on a Latin-1
    terminal) is written as ``\\N{...}``-style escapes instead of failing.
    """
    saved = sys.stdin, sys.stdout, sys.stderr
    for stream, errors in ((sys.stdin, "replace"), (sys.stdout, "backslashreplace")):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, io.UnsupportedOperation):
                reconfigure(errors=errors)
    sys.stdout = SafeStream(saved[1])
    sys.stderr = SafeStream(saved[2])
    try:
        yield
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved


def silence_closed_pipe() -> None:
    """After a write hit a closed pipe: send what is left of the output nowhere.

    Python flushes standard output once more on exit; with the pipe closed that flush
    would print a warning of its own.
    """
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
