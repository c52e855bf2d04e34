"""What only the command line needs: its error type and the yes/no prompt."""

from __future__ import annotations

import sys


class UserError(Exception):
    """A mistake the user can fix; printed without a traceback, exit status 1."""


def confirm(question: str, *, refusal: str) -> bool:
    """Ask a yes/no question at a terminal (no is the default).

    Without a terminal nobody can answer, so ``refusal`` is raised as a :class:`UserError`
    telling the user how to confirm on the command line instead.
    """
    if not sys.stdin.isatty():
        raise UserError(refusal)
    try:
        reply = input(f"{question} [y/N] ")
    except EOFError:
        reply = ""
    return reply.strip().lower() in {"y", "yes"}
