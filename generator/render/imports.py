"""Import blocks of generated modules, written in the order ruff's isort rules keep them.

Every view that needs imports lists them as :class:`Import` values and renders them with
:func:`import_block`, so no formatting run has to sort them: the block comes out exactly
as ``ruff check --select I --fix`` (its defaults: width 88, Python 3.10) would leave it.
The rules followed are ruff's defaults:

- sections ``__future__``, standard library, third party, relative (no first party: the
  generated code imports its own package only relatively), one blank line between them;
- in a section every ``import x`` before every ``from x import y``, modules compared
  case-insensitively in natural order (``v2`` before ``v10``), relative ones furthest
  (``..``) first;
- one ``from`` statement per module for the names without ``as``, one for each aliased
  name; in a statement constants (``ALL_CAPS``) first, then classes (``Capitalised``),
  then everything else, each group case-insensitively in natural order;
- a ``from`` statement wider than 88 columns (with its indentation), or one ``exploded``
  asks for (what a trailing comma keeps exploded), is written one name per line in
  parentheses with a trailing comma.
"""

from __future__ import annotations

import functools
import sys
import unicodedata
from collections.abc import Collection, Iterable
from itertools import groupby
from typing import NamedTuple

ISORT_LINE_LENGTH = 88  # ruff's default width, which the import sort of the output used

_SECTIONS = ("future", "stdlib", "third_party", "local")
_STDLIB = frozenset(sys.stdlib_module_names)
_DIGITS = frozenset("0123456789")


class Import(NamedTuple):
    """One imported name: ``import module [as alias]`` or ``from module import name [as alias]``.

    ``module`` is dotted; a relative one starts with its dots (``..models.pets``, ``.``).
    """

    module: str
    name: str = ""
    alias: str = ""


def names_from(module: str, names: Iterable[str]) -> list[Import]:
    """``from module import`` each of ``names``."""
    return [Import(module, name) for name in names]


def import_block(
    imports: Iterable[Import], indent: str = "", exploded: Collection[str] = ()
) -> str:
    """The import statements of ``imports``, sorted and grouped; no trailing newline.

    Args:
        imports: what to import; duplicates are written once.
        indent: the indentation of every statement (inside ``if TYPE_CHECKING:``).
        exploded: modules whose ``from`` statement of unaliased names is always
            written one name per line.
    """
    sections: dict[str, list[Import]] = {}
    for item in dict.fromkeys(imports):
        sections.setdefault(_section(item.module), []).append(item)
    parts = [
        _section_lines(sections[name], indent, exploded) for name in _SECTIONS if name in sections
    ]
    return "\n\n".join("\n".join(lines) for lines in parts)


def _section(module: str) -> str:
    if module.startswith("."):
        return "local"
    if module == "__future__":
        return "future"
    return "stdlib" if module.partition(".")[0] in _STDLIB else "third_party"


def _section_lines(items: list[Import], indent: str, exploded: Collection[str]) -> list[str]:
    """One section: its ``import`` statements, then its ``from`` statements."""
    straight = sorted(
        (i for i in items if not i.name), key=lambda i: (*_module_key(i.module), _natural(i.alias))
    )
    lines = [f"{indent}import {i.module}" + (f" as {i.alias}" if i.alias else "") for i in straight]
    statements: list[tuple[str, list[Import]]] = []  # (module, its names) per from statement
    by_module: dict[str, list[Import]] = {}
    for item in items:
        if item.name and not item.alias:
            by_module.setdefault(item.module, []).append(item)
        elif item.name:
            statements.append((item.module, [item]))
    statements += [(module, sorted(names, key=_member_key)) for module, names in by_module.items()]
    statements.sort(key=lambda s: (*_module_key(s[0]), _member_key(s[1][0])))
    for module, names in statements:
        lines.append(_from(module, names, indent, not names[0].alias and module in exploded))
    return lines


def _from(module: str, names: list[Import], indent: str, exploded: bool) -> str:
    """One ``from`` statement, on one line when it fits and need not be exploded."""
    spelt = [i.name + (f" as {i.alias}" if i.alias else "") for i in names]
    line = f"{indent}from {module} import {', '.join(spelt)}"
    if not exploded and _width(line) <= ISORT_LINE_LENGTH:
        return line
    body = "".join(f"{indent}    {name},\n" for name in spelt)
    return f"{indent}from {module} import (\n{body}{indent})"


def _width(line: str) -> int:
    """Columns ``line`` takes, as ruff counts them: East Asian wide characters take two,
    combining ones none."""
    if line.isascii():
        return len(line)
    wide = ("W", "F")
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in wide else 1
        for c in line
    )


def _natural(text: str) -> str:
    """A string whose plain order is ``text``'s natural order (that of ruff's ``natord``).

    natord compares a run of digits with another by value (by digits when either starts
    with 0) and with any other character as a digit. A run is spelt ``0`` (a digit, so it
    sorts like one against other characters), then ``1``, its length as one character and
    its digits; or, starting with 0, ``0``, its digits and a character below every digit.
    Names without digits, nearly all of them, are their own key.
    """
    if _DIGITS.isdisjoint(text):
        return text
    parts: list[str] = []
    for digits, run in groupby(text, key=_DIGITS.__contains__):
        number = "".join(run)
        if not digits:
            parts.append(number)
        elif number[0] == "0":
            parts.append(f"00{number}\x00")
        else:
            parts.append(f"01{chr(0x100 + len(number))}{number}")
    return "".join(parts)


@functools.cache
def _module_key(module: str) -> tuple[int, bool, str, str]:
    """Relative modules furthest first, then the name case-insensitively, then as written."""
    name = module.lstrip(".")
    level = len(module) - len(name)
    return -level, bool(name), _natural(name.lower()), _natural(name)


def _member_key(item: Import) -> tuple[int, str, str, bool, str]:
    """Constants, classes, then the rest; each case-insensitively, then as written."""
    return _name_key(item.name, item.alias)


@functools.cache  # a name is imported by many modules
def _name_key(name: str, alias: str) -> tuple[int, str, str, bool, str]:
    # ALL_CAPS: no lower-case letter and at least one upper-case one (ruff's "cased upper case")
    caps = len(name) > 1 and name.upper() == name and name.lower() != name
    kind = 0 if caps else 1 if name[:1].isupper() else 2
    return kind, _natural(name.lower()), _natural(name), bool(alias), _natural(alias)
