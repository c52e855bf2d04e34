"""JSON text exactly as ``json.dumps`` writes it, with the encoder set up once.

SQLite keeps JSON columns as text, which SQLAlchemy writes with ``json.dumps``.
Each call of ``json.dumps`` sets up a new encoder, and for the small values stored
here (a question's body, an answer's response) that set-up cost as much as the
encoding: an import writes one body a question. :func:`json_text` sets up the
standard library's C encoder once, with the arguments ``json.dumps`` gives it, and
is used only when it writes what ``json.dumps`` writes (checked when this module is
loaded); otherwise it is ``json.dumps`` itself. Either way the stored text is the
same, byte for byte.
"""

from __future__ import annotations

import json
import json.encoder
from collections.abc import Callable
from typing import Any, Final

__all__ = ["json_text"]

# Values that take each branch of the encoder: every JSON type, escapes, non-ASCII
# text, floats written by repr, nesting and key order.
_SAMPLE: Final = {
    "id": "q-1",
    "text": 'Tab\there, "quoted", é, 😀, \x00 and \\',
    "numbers": [0, -1, 10**30, 0.1, -2.5e-07, 1e300],
    "flags": [True, False, None],
    "nested": {"empty": {}, "list": [[]], "2": "key order kept"},
}


def _one_encoder() -> Callable[[Any], str] | None:
    """``json.dumps`` with the standard library's C encoder made once, or None."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return None
    try:
        # json.dumps's defaults: no circular check kept between calls, the default
        # hook that refuses other types, ASCII output, ": " and ", ", keys in order,
        # no skipped keys, NaN and infinities allowed.
        encode = make(
            None,
            json.JSONEncoder().default,
            json.encoder.encode_basestring_ascii,
            None,
            ": ",
            ", ",
            False,
            False,
            True,
        )
    except TypeError:
        return None

    def dumps(value: Any) -> str:
        return "".join(encode(value, 0))

    try:
        same = dumps(_SAMPLE) == json.dumps(_SAMPLE)
    except Exception:
        return None
    return dumps if same else None


json_text: Final[Callable[[Any], str]] = _one_encoder() or json.dumps
