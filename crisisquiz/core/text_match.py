"""Normalisation and forgiving comparison of typed answers.

A typed answer is compared with the answer key, its accepted aliases and its
listed near misses after :func:`normalise`. Anything the normalisation does not
erase may still be forgiven as a spelling slip: word by word, within a small
edit budget that grows with the length of the expected word. Numbers are never
forgiven, because a wrong digit is a wrong fact, not a slip.

Punctuation rule: hyphens and apostrophes are *dropped*, joining what they
separate ("U-2" and "U2" both become ``u2``; "Khrushchev's" becomes
``khrushchevs``), while every other punctuation mark becomes a space. Dropping
them keeps a hyphenated or elided word one word, so "A-bomb" is not mistaken
for the article "a" followed by "bomb". Because learners also split or join
words ("Ex Comm" for "ExComm", "U 2" for "U-2"), two normalised texts that are
equal once their spaces are removed count as the same answer.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

ARTICLES = frozenset({"the", "a", "an"})

# Hyphen- and apostrophe-like marks that join the parts of one word. En and em
# dashes are left out on purpose: they separate words ("1962–1963").
_JOINERS = frozenset("-\u00ad\u2010\u2011\u2212'\u2018\u2019\u02bb\u02bc`")

# Latin letters that Unicode does not decompose into base letter + accent, so
# NFKD alone would leave "Łódź" unequal to "Lodz".
_UNDECOMPOSED = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ð": "d", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th"}
)


class MatchKind(StrEnum):
    """How a typed answer relates to what was expected."""

    EXACT = "exact"  # equal to the key or an alias after normalisation
    SLIP = "slip"  # within the edit budget of the key or an alias
    REJECTED = "rejected"  # a listed near miss, or closer to one than to the key
    WRONG = "wrong"  # none of the above


@dataclass(frozen=True)
class TextMatch:
    """The outcome of comparing one typed answer.

    ``target`` is the key, alias or near miss that decided the outcome, as
    written in the pack (the key itself when the answer is simply wrong);
    ``distance`` is the summed per-word edit distance of a slip, else 0.
    """

    kind: MatchKind
    target: str
    distance: int = 0


def _fold(text: str) -> str:
    # NFKC first so compatibility forms (full-width letters, ligatures) fold
    # like their plain forms; NFKD afterwards only to split accents off letters.
    folded = unicodedata.normalize("NFKC", text).casefold()
    decomposed = unicodedata.normalize("NFKD", folded)
    bare = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return bare.translate(_UNDECOMPOSED)


def _words(folded: str) -> list[str]:
    kept = "".join("" if ch in _JOINERS else ch if ch.isalnum() else " " for ch in folded)
    return kept.split()


@lru_cache(maxsize=4096)
def normalise(text: str) -> str:
    """Reduce ``text`` to the form in which typed answers are compared.

    Applies Unicode NFKC, case folding and accent stripping; drops hyphens and
    apostrophes; turns other punctuation into spaces; collapses spaces; and
    drops leading articles ("the", "a", "an") while another word follows.
    A text with no letters or digits at all (say "?!") keeps its symbols, so
    that it still differs from an empty answer. The result is stable:
    ``normalise(normalise(t)) == normalise(t)``.

    Remembered for recent texts: every typed answer is compared with the same keys,
    aliases and near misses, and a class report grades thousands of answers.
    """
    words = _words(_fold(text))
    while len(words) > 1 and words[0] in ARTICLES:
        del words[0]
    if words:
        return " ".join(words)
    # Accents are kept here: stripping them from a text made only of marks
    # would leave nothing to compare.
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _compact(normalised: str) -> str:
    return normalised.replace(" ", "")


def _same(typed_norm: str, expected_norm: str) -> bool:
    return bool(typed_norm) and _compact(typed_norm) == _compact(expected_norm)


def same_answer(typed: str, expected: str) -> bool:
    """Whether two texts are the same answer once normalised, ignoring spacing."""
    return _same(normalise(typed), normalise(expected))


def edit_budget(word: str) -> int:
    """How many edits a typed word may be off from the expected ``word``.

    None under 4 characters (a short word with one letter changed is usually
    another word), 1 for 4 to 7, 2 for 8 or more; none at all for a word
    holding a digit, since numbers and years are never fuzzed.
    """
    if any(ch.isnumeric() for ch in word):
        return 0
    if len(word) < 4:
        return 0
    return 1 if len(word) < 8 else 2


def _word_distance(typed: str, expected: str) -> int | None:
    if typed == expected:
        return 0
    if any(ch.isnumeric() for ch in typed):
        return None
    budget = edit_budget(expected)
    if budget == 0:
        return None
    found = int(Levenshtein.distance(typed, expected, score_cutoff=budget))
    return found if found <= budget else None


def slip_distance(typed: str, expected: str) -> int | None:
    """Summed edit distance if every word of ``typed`` is within budget, else None.

    Both arguments must already be normalised. The texts must have the same
    number of words: a missing or extra word is never a spelling slip.
    """
    typed_words, expected_words = typed.split(), expected.split()
    if not typed_words or len(typed_words) != len(expected_words):
        return None
    total = 0
    for got, want in zip(typed_words, expected_words, strict=True):
        found = _word_distance(got, want)
        if found is None:
            return None
        total += found
    return total


def _closest(normalised: str, candidates: Sequence[tuple[str, str]]) -> tuple[str, int] | None:
    # Whole-text distance, spaces included: this weighs a near miss against the
    # key as a whole, where the per-word budget only decides what is a slip.
    scored = [
        (original, int(Levenshtein.distance(normalised, norm))) for original, norm in candidates
    ]
    return min(scored, key=lambda item: item[1]) if scored else None


def _closest_distance(normalised: str, candidates: Sequence[tuple[str, str]]) -> int:
    closest = _closest(normalised, candidates)
    return closest[1] if closest is not None else 0


def _best_slip(normalised: str, candidates: Sequence[tuple[str, str]]) -> tuple[str, int] | None:
    slips = [
        (found, original)
        for original, norm in candidates
        if (found := slip_distance(normalised, norm)) is not None
    ]
    if not slips:
        return None
    found, original = min(slips, key=lambda slip: slip[0])
    return original, found


def _normalised_all(texts: Sequence[str]) -> list[tuple[str, str]]:
    pairs = [(text, normalise(text)) for text in texts]
    return [(text, norm) for text, norm in pairs if norm]


def match_answer(
    typed: str,
    answer: str,
    accept: Sequence[str] = (),
    reject: Sequence[str] = (),
) -> TextMatch:
    """Compare a typed answer with the key, its aliases and its near misses.

    In order: equal to the key or an alias → EXACT; equal to a near miss →
    REJECTED; within the per-word edit budget of the key or an alias → SLIP,
    unless the whole answer is at least as close to a near miss as to every
    key or alias (then REJECTED); within budget of a near miss → REJECTED;
    otherwise WRONG. Accepted spellings are tried before near misses so a
    pack that lists the same spelling as both still accepts it.
    """
    typed_norm = normalise(typed)
    if not typed_norm:
        return TextMatch(MatchKind.WRONG, answer)
    goods = _normalised_all((answer, *accept))
    bads = _normalised_all(reject)
    for original, norm in goods:
        if _same(typed_norm, norm):
            return TextMatch(MatchKind.EXACT, original)
    for original, norm in bads:
        if _same(typed_norm, norm):
            return TextMatch(MatchKind.REJECTED, original)
    slip = _best_slip(typed_norm, goods)
    if slip is not None:
        closest_bad = _closest(typed_norm, bads)
        # Ties go to the near miss: a pack author who listed it meant it.
        if closest_bad is not None and closest_bad[1] <= _closest_distance(typed_norm, goods):
            return TextMatch(MatchKind.REJECTED, closest_bad[0])
        return TextMatch(MatchKind.SLIP, slip[0], slip[1])
    near_miss = _best_slip(typed_norm, bads)
    if near_miss is not None:
        return TextMatch(MatchKind.REJECTED, near_miss[0], near_miss[1])
    return TextMatch(MatchKind.WRONG, answer)
