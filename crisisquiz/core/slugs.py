"""Ids in a pack: what they may hold, why a given one is refused, and one made from a title.

Ids keep to small letters a-z, digits and single hyphens or underscores between them.
They end up in file names, in results files and on the command line, where an accented
letter can be typed or stored two ways (é as one character or as e plus an accent) and
a capital can be lost; a title keeps every letter, the id stays plain.
"""

from __future__ import annotations

import re
import unicodedata

from crisisquiz.core.pack_schema import SLUG_PATTERN

MAX_ID_LENGTH = 80
_SLUG = re.compile(SLUG_PATTERN)
_ALLOWED = set("abcdefghijklmnopqrstuvwxyz0123456789-_")


def is_id(text: str) -> bool:
    """Whether ``text`` is a valid id."""
    return len(text) <= MAX_ID_LENGTH and _SLUG.match(text) is not None


def slugify(text: str, *, fallback: str = "item") -> str:
    """An id made from ``text``: accents dropped, small letters, hyphens between words."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    for letter, spelled in (("ß", "ss"), ("æ", "ae"), ("ø", "o"), ("œ", "oe"), ("ł", "l")):
        plain = plain.replace(letter, spelled)
    words = re.findall(r"[a-z0-9]+", plain)
    slug = "-".join(words)
    if len(slug) > MAX_ID_LENGTH:
        slug = slug[:MAX_ID_LENGTH].rsplit("-", 1)[0] or slug[:MAX_ID_LENGTH]
    return slug or fallback


def unique_id(wanted: str, taken: set[str] | frozenset[str]) -> str:
    """``wanted``, or ``wanted-2``, ``wanted-3``... whichever is not in ``taken``."""
    if wanted not in taken:
        return wanted
    number = 2
    while f"{wanted}-{number}" in taken:
        number += 1
    return f"{wanted}-{number}"


def _describe(char: str) -> str:
    if char == " ":
        return "spaces"
    if char.isupper() and char.lower() in _ALLOWED:
        return "capital letters"
    base = unicodedata.normalize("NFKD", char)[0]
    if base.lower() in _ALLOWED and base != char:
        return f"letters with accents ('{char}')"
    if char.isalpha():
        return f"letters outside a-z ('{char}')"
    name = unicodedata.name(char, "").lower()
    return f"'{char}' ({name})" if name else f"'{char}'"


def id_problem(text: str) -> str:
    """Why ``text`` is not an id, in plain words, with an id that would do."""
    if not text:
        return "an id cannot be empty: use small letters a-z, digits and hyphens"
    if len(text) > MAX_ID_LENGTH:
        return f"an id is at most {MAX_ID_LENGTH} characters long; this one has {len(text)}"
    rule = "an id uses only small letters a-z, digits 0-9 and hyphens (-)"
    wrong = list(dict.fromkeys(_describe(ch) for ch in text if ch not in _ALLOWED))
    suggestion = slugify(text)
    if wrong:
        found = ", ".join(wrong)
        return f"{text!r} is not an id: {rule}, so not {found}; you could write {suggestion!r}"
    return (
        f"{text!r} is not an id: {rule}, starting and ending with a letter or digit, "
        f"with one hyphen at a time; you could write {suggestion!r}"
    )
