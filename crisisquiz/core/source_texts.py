"""The texts of a pack's documents: one sentence a line, so that ``essay:12`` is line 12.

A document source may carry its text inside the pack, as ``sources/<id>.txt`` beside
``pack.toml`` (like pictures under ``media/``). With the text at hand, a citation can be
checked against the sentence it names and the editor can show which sentences are cited.

Text pasted from elsewhere comes in paragraphs; :func:`split_sentences` puts each of
its sentences on a line of its own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

DOCUMENTS_FOLDER = "sources"

# Words that end with a full stop without ending the sentence.
# fmt: off
_ABBREVIATIONS = frozenset((
    "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "gen", "col", "lt", "capt", "cpt",
    "adm", "sgt", "maj", "cmdr", "sen", "rep", "gov", "pres", "rev", "hon", "fr", "mt", "ft",
    "no", "nos", "vol", "vols", "p", "pp", "ch", "fig", "ed", "eds", "approx", "ca", "cf",
    "vs", "etc", "al", "ibid", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "inc", "ltd", "co", "corp", "dept", "univ",
))
# fmt: on
_TERMINAL = re.compile(r"""([.!?…]+)(["'”’»)\]]*)(\s+)""")
_INITIAL = re.compile(r"(?:^|[\s(])(?:[A-Z]\.)+$")  # J. or U.S. or J.F.


def document_file(source_id: str) -> str:
    """Where a document's text lives inside a pack: ``sources/<id>.txt``."""
    return f"{DOCUMENTS_FOLDER}/{source_id}.txt"


def document_lines(files: Mapping[str, bytes], source_id: str) -> list[str] | None:
    """The lines of a document's text (line 1 first), or None when the pack has no text."""
    data = files.get(document_file(source_id))
    if data is None:
        return None
    return data.decode("utf-8", errors="replace").splitlines()


def split_sentences(text: str) -> list[str]:
    """Each sentence of ``text`` on its own, in order, blank lines and spacing dropped.

    A line that already holds one sentence stays as it is, so a text written one
    sentence a line comes back unchanged. Abbreviations (Mr., Gen., Oct.), initials
    (J. F. Kennedy, U.S.) and decimals do not end a sentence.
    """
    sentences: list[str] = []
    for paragraph in re.split(r"\n\s*\n|\r?\n", text):
        flat = " ".join(paragraph.split())
        if flat:
            sentences.extend(_split_paragraph(flat))
    return sentences


def _split_paragraph(text: str) -> list[str]:
    parts: list[str] = []
    start = 0
    for found in _TERMINAL.finditer(text + " "):
        end = found.end(2)
        before = text[start : found.start(1)]
        following = text[found.end() : found.end() + 1]
        if found.group(1) == "." and _not_an_ending(before, following):
            continue
        if following and following.islower():
            continue  # "e.g. the ..." or "... said he. and" is not a new sentence
        sentence = text[start:end].strip()
        if sentence:
            parts.append(sentence)
        start = found.end()
    rest = text[start:].strip()
    if rest:
        parts.append(rest)
    return parts


def _not_an_ending(before: str, following: str) -> bool:
    word = re.search(r"([A-Za-z]+)$", before)
    if word and word.group(1).lower() in _ABBREVIATIONS:
        return True
    if _INITIAL.search(before + "."):
        return True
    # A number split by a full stop is a decimal or a date ("1.5", "14.10.1962").
    return bool(before[-1:].isdigit() and following.isdigit())
