"""Small helpers for figures in words, shared by every front end."""

from __future__ import annotations


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``count`` and the noun, singular for exactly one: "1 learner", "2 learners"."""
    return f"{count} {noun if count == 1 else (nouns or noun + 's')}"


def percent(value: float | None, *, ratio: bool = True) -> str:
    """A figure as a whole-number percentage for people, "-" for no data."""
    if value is None:
        return "-"
    return f"{round(value * 100 if ratio else value)}%"


__all__ = ["percent", "plural"]
