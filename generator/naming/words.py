"""Spec text to Python identifiers: words, snake_case, PascalCase, uniqueness.

The typed results (:data:`PyName`, :data:`ClassName`) are the only way a name enters
generated code; the naming pass (:mod:`apiforge.naming.names`) builds on these.
"""

from __future__ import annotations

import functools
import keyword
import re
import unicodedata
from collections.abc import Iterable
from typing import NewType

from apiforge.naming.reserved import RESERVED_CLASS_NAMES

PyName = NewType("PyName", str)
ClassName = NewType("ClassName", str)

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z0-9])|[A-Z]?[a-z0-9]+|[A-Z]+|[0-9]+")


# Letters that Unicode decomposition does not reduce to ASCII.
_TRANSLITERATE = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "Th",
        "ı": "i",
    }
)


def ascii_text(text: str) -> str:
    """``text`` in ASCII: accents dropped, ``ß`` -> ``ss`` and the like, the rest left out."""
    if text.isascii():  # most names: the table and NFKD change no ASCII character
        return text
    return (
        unicodedata.normalize("NFKD", text.translate(_TRANSLITERATE))
        .encode("ascii", "ignore")
        .decode()
    )


def words(text: str) -> list[str]:
    """Split any spec name (camelCase, snake_case, dotted, spaced, non-ASCII) into words.

    Accented Latin letters lose their accents (``größe`` -> ``grosse``); a name with
    no Latin letter at all (``名前``) keeps its own letters, NFKC-normalized as
    Python normalizes identifiers, since Python 3 accepts them.
    """
    return list(_words(text))


@functools.lru_cache(maxsize=16384)  # as snake_case, which shares it with class_name
def _words(text: str) -> tuple[str, ...]:
    found = _WORD.findall(ascii_text(text))
    if found:
        return tuple(found)
    native = unicodedata.normalize("NFKC", text)
    return tuple(w for w in re.findall(r"[^\W_]+", native) if ("a" + w).isidentifier())


@functools.lru_cache(maxsize=16384)  # a pure function of the text, asked again per use of a name
def snake_case(text: str) -> str:
    """``listPets`` -> ``list_pets``; ``X-Rate-Limit`` -> ``x_rate_limit``."""
    return "_".join([w.lower() for w in _words(text)])


@functools.lru_cache(maxsize=16384)  # as snake_case
def class_name(text: str) -> ClassName:
    """A PascalCase identifier for any text; never empty, never starts with a digit."""
    name = "".join([w[:1].upper() + w[1:] for w in _words(text)])
    if not name:
        name = "Model"
    if name[0].isdigit():
        name = "M" + name
    if name in RESERVED_CLASS_NAMES or keyword.iskeyword(name):
        name += "Model"
    return ClassName(name)


def py_name(text: str, reserved: Iterable[str] = ()) -> PyName:
    """A snake_case identifier that is no keyword or reserved name.

    Builtins are allowed (``id``, ``type``): a parameter or method named after one
    shadows nothing that generated code uses, and ``retrieve(id)`` reads better.
    """
    return _py_name(text, reserved if reserved.__class__ is frozenset else frozenset(reserved))


@functools.lru_cache(maxsize=16384)  # as snake_case: the reserved names are a few frozensets
def _py_name(text: str, reserved: frozenset[str]) -> PyName:
    name = snake_case(text) or "value"
    if name[0].isdigit():
        name = "n_" + name
    if keyword.iskeyword(name) or keyword.issoftkeyword(name) or name in reserved:
        name += "_"
    return PyName(name)


def unique(name: str, taken: set[str]) -> str:
    """``name`` or ``name_2``, ``name_3``...: the first not in ``taken`` (which it joins)."""
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name}_{n}"
    taken.add(candidate)
    return candidate


def unique_class(name: ClassName, taken: set[str]) -> ClassName:
    """``name`` or ``Name2``, ``Name3``...: the first not in ``taken`` (which it joins).

    No underscore: the models stage would drop it (``Pet_2`` becomes ``Pet2``).
    """
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = ClassName(f"{name}{n}")
    taken.add(candidate)
    return candidate


@functools.lru_cache(maxsize=16384)  # as snake_case: field names repeat across schemas
def identifier(text: str) -> str:
    """Spec text as an identifier: NFKC (as Python reads it), other characters as ``_``, ``field`` before
    a digit or an underscore (``1st`` -> ``field_1st``, ``_id`` -> ``field_id``)."""
    name = unicodedata.normalize("NFKC", text)
    name = (
        name
        if name.isidentifier()
        else "".join(c if ("a" + c).isidentifier() else "_" for c in name)
    )
    return (
        "field_" + name
        if not name or name[0].isdigit()
        else "field" + name
        if name[0] == "_"
        else name
    )
