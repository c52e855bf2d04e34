"""Text helpers shared by the readers: HTML and Markdown made plain, ids made stable."""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from html.parser import HTMLParser
from typing import Final

__all__ = [
    "ImageRef",
    "content_id",
    "html_images",
    "html_to_text",
    "looks_like_html",
    "markdown_to_text",
    "slugify",
    "source_id",
]

# Elements after which a line ends, so paragraphs and list items stay apart.
_BLOCKS: Final = frozenset(
    {
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "tr",
        "table",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "pre",
        "blockquote",
        "hr",
        "section",
        "article",
        "dd",
        "dt",
    }
)
_SKIP_CONTENT: Final = frozenset({"script", "style", "head", "title"})
_HTML_HINT: Final = re.compile(
    r"<(?:[a-zA-Z][a-zA-Z0-9]*)(?:\s[^<>]*)?/?>|</[a-zA-Z][a-zA-Z0-9]*>|&#?\w+;"
)


class ImageRef:
    """An ``<img>`` found in HTML: where it points and its text for screen readers."""

    __slots__ = ("alt", "src")

    def __init__(self, src: str, alt: str) -> None:
        self.src = src
        self.alt = alt

    def __repr__(self) -> str:
        return f"ImageRef({self.src!r}, {self.alt!r})"


class _Flattener(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.images: list[ImageRef] = []
        self.sounds: list[str] = []
        self._skipping = 0
        self._pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_CONTENT:
            self._skipping += 1
        elif tag == "img":
            values = dict(attrs)
            self.images.append(ImageRef(values.get("src") or "", (values.get("alt") or "").strip()))
        elif tag in ("audio", "video", "source"):
            src = dict(attrs).get("src")
            if src:
                self.sounds.append(src)
        elif tag == "pre":
            self._pre += 1
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_CONTENT:
            self._skipping = max(0, self._skipping - 1)
        elif tag == "pre":
            self._pre = max(0, self._pre - 1)
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._skipping:
            return
        if self._pre:
            self.parts.append(data)
        else:
            # Inside ordinary HTML a line break in the source is just a space.
            self.parts.append(re.sub(r"[ \t\r\n\f]+", " ", data))


def _tidy(text: str) -> str:
    text = text.replace("\xa0", " ")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


_ANY_TAG: Final = r"<(?:\"[^\"]*\"|'[^']*'|[^'\">])*>"
_COMMENT: Final = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_HIDDEN: Final = re.compile(
    r"<(script|style|head|title)\b(?:\"[^\"]*\"|'[^']*'|[^'\">])*>.*?(?:</\1\s*>|$)",
    re.DOTALL | re.IGNORECASE,
)
_PRE: Final = re.compile(
    r"(<pre\b" + _ANY_TAG[1:] + r".*?(?:</pre\s*>|$))", re.DOTALL | re.IGNORECASE
)
_BLOCK_TAG: Final = re.compile(
    r"</?(?:" + "|".join(sorted(_BLOCKS)) + r")\b(?:\"[^\"]*\"|'[^']*'|[^'\">])*>", re.IGNORECASE
)
_TAG: Final = re.compile(r"</?[a-zA-Z!?]" + _ANY_TAG[1:])
_SPACES: Final = re.compile(r"[ \t\r\n\f]+")


def html_to_text(source: str) -> str:
    """HTML made plain: tags removed, entities decoded, paragraphs and ``<br>`` kept as lines.

    Done with a few regular expressions rather than an HTML parser: question text is
    small, simple HTML, and the standard parser took most of the time of reading a
    10,000-note deck. Space in the source is one space, except inside ``<pre>``.
    """
    if "<" not in source:
        return _tidy(html.unescape(_SPACES.sub(" ", source)))
    text = _HIDDEN.sub("", _COMMENT.sub("", source))
    parts = []
    for index, part in enumerate(_PRE.split(text)):
        if index % 2:  # inside <pre>: its line breaks are the text's
            parts.append("\n" + _TAG.sub("", part) + "\n")
        else:
            part = _BLOCK_TAG.sub("\n", _SPACES.sub(" ", part))
            parts.append(_TAG.sub("", part))
    return _tidy(html.unescape("".join(parts)))


def html_images(source: str) -> tuple[list[ImageRef], list[str]]:
    """The ``<img>`` elements and the audio or video sources in ``source``."""
    lowered = source.lower()
    if "<img" not in lowered and "<audio" not in lowered and "<video" not in lowered:
        return [], []  # nothing to find: spare the parser, which is slow on big files
    parser = _Flattener()
    parser.feed(source)
    parser.close()
    return parser.images, parser.sounds


def looks_like_html(text: str) -> bool:
    """Whether ``text`` holds tags or character references."""
    return bool(_HTML_HINT.search(text))


_NOT_WORD_TO_SPACE: Final = bytes(
    byte if byte in b"abcdefghijklmnopqrstuvwxyz0123456789" else 0x20 for byte in range(256)
)
_MD_LINK: Final = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_EMPHASIS: Final = re.compile(r"(\*\*|__|\*|_|~~|`)(?=\S)(.+?)(?<=\S)\1")
_MD_HEADING: Final = re.compile(r"^\s{0,3}#{1,6}\s+", re.MULTILINE)
_MD_HARD_BREAK: Final = re.compile(r" {2,}\n")


def markdown_to_text(source: str) -> str:
    """Markdown made plain: emphasis marks, heading marks and link targets removed."""
    text = _MD_HARD_BREAK.sub("\n", source)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_HEADING.sub("", text)
    for _ in range(3):  # nested emphasis, such as **_word_**
        text = _MD_EMPHASIS.sub(r"\2", text)
    text = html.unescape(text)
    return "\n".join(line.rstrip() for line in text.strip().split("\n"))


def slugify(text: str, *, max_words: int = 8, max_length: int = 48) -> str:
    """Lowercase ASCII words joined by hyphens: the form pack ids take.

    Accents are dropped (``é`` → ``e``); other characters separate words.
    Returns "" when nothing usable is left.
    """
    if text.isascii():
        flat = text.encode("ascii")
    else:
        flat = unicodedata.normalize("NFKD", text).encode("ascii", "ignore")
    # Bytes, so that one C-level table turns every character but a-z and 0-9 into a
    # space; splitting then gives the words. A third of the cost of a regular
    # expression, and this runs for every question of every file brought in.
    words = flat.lower().translate(_NOT_WORD_TO_SPACE).split(None, max_words)[:max_words]
    slug = b"-".join(words).decode("ascii")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug.strip("-")


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]


def content_id(text: str, key: str, prefix: str = "q") -> str:
    """An id derived from content: a slug of ``text``'s first words, a hyphen, 8 hex digits.

    The digits are the start of the SHA-256 of ``key``, the part of the source
    that names the question (its front, term or name). Editing anything else
    keeps the id; editing ``key`` makes it a new question.
    """
    slug = slugify(text, max_words=6, max_length=40) or prefix
    return f"{slug}-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:8]}"


def source_id(value: str, prefix: str) -> str:
    """An id from the source's own id: as it is when it already is a clean id.

    ``2112`` → ``2112``; ``Q-7`` → ``q-7``; an id with other characters (an
    Anki GUID such as ``Ox>i4p#Zj%``) becomes ``prefix`` plus its digest so it
    stays unique and stable.
    """
    cleaned = value.strip()
    slug = slugify(cleaned, max_words=12, max_length=60)
    if slug and slug == cleaned.lower():
        return slug
    return f"{prefix}-{slug}-{_digest(cleaned)}" if slug else f"{prefix}-{_digest(cleaned)}"
