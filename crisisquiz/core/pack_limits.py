"""The sizes a question pack may have (the README's "Limits" lists the same numbers).

A pack comes from someone else's computer. Every size is fixed in advance so that no
pack, made by mistake or on purpose, can fill the memory, the disk or the screen, or
keep the app busy for minutes; a pack past a limit is refused early with a message
that names the limit. The limits are far above what a real pack needs: the built-in
pack has 267 questions in 0.2 MB, and a 10,000-question pack is about 6 MB.
"""

from __future__ import annotations

from crisisquiz.core.safe_archive import ArchiveLimits

MB = 1 << 20

# Files.
MAX_PACK_TEXT_BYTES = 32 * MB  # pack.toml
MAX_MEDIA_FILE_BYTES = 20 * MB  # one image
MAX_MEDIA_FILES = 1_000  # images questions refer to
MAX_MEDIA_TOTAL_BYTES = 200 * MB  # all of a pack's images together
MAX_ARCHIVE_ENTRIES = 10_000  # files and folders in a .zip pack
PACK_ARCHIVE_LIMITS = ArchiveLimits(
    max_files=MAX_ARCHIVE_ENTRIES,
    max_member_bytes=MAX_PACK_TEXT_BYTES,  # media files are read with their own, lower cap
    max_total_bytes=MAX_PACK_TEXT_BYTES + MAX_MEDIA_TOTAL_BYTES,
)

# Text fields, in characters.
MAX_TITLE = 300  # pack, topic and source titles; authors
MAX_TEXT = 4_000  # prompts, statements, cloze texts, flashcard backs
MAX_LONG_TEXT = 10_000  # explanations and descriptions
MAX_CHOICE = 500  # a choice, item, matching side, accepted or rejected answer
MAX_PATH = 300  # an image's path inside the pack
MAX_URL = 2_000

# Lists.
MAX_OPTIONS = 50  # choices, ordering items, matching pairs
MAX_LIST = 100  # tags, sources cited, accepted and rejected answers, authors

# Structure: the deepest the format nests is a question's list of lists (cloze
# ``accept``), four levels below the file; anything much deeper is a mistake.
MAX_NESTING = 8
MAX_VERSION_DIGITS = 9  # per part of MAJOR.MINOR.PATCH

# Messages: a pack with thousands of problems lists the first ones, and a long value
# is shown cut short, so a refusal stays readable.
MAX_PROBLEMS_LISTED = 100
MAX_VALUE_SHOWN = 60


def shorten(value: object, limit: int = MAX_VALUE_SHOWN) -> str:
    """``repr(value)`` cut to about ``limit`` characters, for a message."""
    if isinstance(value, str) and len(value) > limit:
        return repr(value[:limit]) + f"… ({len(value):,} characters)"
    if isinstance(value, list | tuple | dict) and len(value) > 10:
        kind = type(value).__name__
        return f"a {kind} of {len(value):,} entries"
    try:
        text = repr(value)
    except ValueError:  # an int too long for Python to print
        return "a number too long to show"
    return text if len(text) <= limit else text[: limit - 1] + "…"
