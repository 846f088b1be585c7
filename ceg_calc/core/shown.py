"""Values as they appear in messages: bounded in length, and escaped when they could mislead.

A problem message quotes the cell, header name or path it is about. What a contributor wrote
may be a megabyte long, hold invisible characters (zero-width spaces, bidi overrides, control
characters) or letters of another script that look like Latin ones (Cyrillic ``а`` in ``pаlm``).
:func:`shown` keeps the first ``limit`` characters and, when any character is invisible or the
letters mix scripts, writes it with ``\\uXXXX`` escapes (Python's ``ascii``), so that what is reported
is what the file holds.
"""

from __future__ import annotations

import unicodedata

LIMIT = 60  # characters of a value shown in a message
LOOK_ALIKE = {"CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC"}  # scripts with Latin look-alikes
VISIBLE = {"Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No", "Pc", "Pd", "Ps", "Pe",
           "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So"}


def _script(char: str) -> str:
    return unicodedata.name(char, "UNKNOWN").split(" ")[0]


def misleading(text: str) -> bool:
    """True when ``text`` holds an invisible character (other than the space) or letters that
    mix Latin with a look-alike script."""
    if text.isascii():
        return not text.isprintable()
    scripts = set()
    for char in text:
        if char != " " and unicodedata.category(char) not in VISIBLE:
            return True
        if char.isalpha():
            scripts.add(_script(char))
    return len(scripts) > 1 and bool(scripts & LOOK_ALIKE)


def escaped(text: str) -> str:
    """``text`` unquoted, with ``\\uXXXX`` escapes when it is :func:`misleading` (a message that
    quotes text of the package, not a single value)."""
    return ascii(text)[1:-1] if misleading(text) else text


def shown(value, limit: int = LIMIT) -> str:
    """``value`` quoted for a message: ``'text'``, cut to ``limit`` characters (``...`` and the
    length follow), with escapes when :func:`misleading`.

    Parameters
    ----------
    value : object
        A cell, header name or path; anything else is shown by its ``str``.
    limit : int
        Characters kept [characters].
    """
    text = value if isinstance(value, str) else str(value)
    cut = text[:limit]
    quoted = ascii(cut) if misleading(text) else repr(cut)
    return quoted if len(text) <= limit else f"{quoted}... ({len(text):,} characters)"
