"""Cutting a block-style YAML spec into its definitions, line by line (for :mod:`apiforge.load.yaml_chunks`).

:func:`split` cuts the text into its top-level entries, and ``paths``, ``webhooks``,
``definitions`` and ``components/<kind>`` further into one :class:`Chunk` per path, schema,
response...; it answers None when the text is not plainly splittable (see yaml_chunks'
docstring for why a cut it makes parses, unit by unit, to the whole file's data).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import operator
import re
from typing import NamedTuple

# How many levels below a top-level key are cut into chunks (read by yaml_unit_positions too).
SPLIT_LEVELS = {"paths": 1, "webhooks": 1, "definitions": 1, "components": 2}
# Characters Python or PyYAML may take as a line break besides "\n", and a BOM.
AWKWARD = ("\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029", "\ufeff")
_KEY_START_FORBIDDEN = frozenset("-?:,[]{}#&*!|>'\"%@` \t")


class Chunk(NamedTuple):
    """One definition: its keys from the top, its parents' header text, its lines [first, stop).

    A named tuple: ~2,000 are made per split, each ~4x cheaper than a frozen dataclass's."""

    keys: tuple[str, ...]
    header: str
    first: int
    stop: int


class Lines:
    """The text's lines and each one's start offset."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = lines = text.split("\n")
        # each line's start: the lengths before it plus one "\n" each (summed in C)
        offsets = [0, *map(operator.add, itertools.accumulate(map(len, lines)), itertools.count(1))]
        offsets[-1] = len(text)  # the last line has no "\n" after it
        self.offsets = offsets

    def first_content(self, start: int, end: int) -> int:
        """The first line in [start, end) holding more than blanks or a comment, else ``end``."""
        lines = self.lines
        return next((i for i in range(start, end) if indent_of(lines[i]) >= 0), end)

    def shallow(self, start: int, end: int, width: int) -> list[int]:
        """The lines in [start, end) holding more than blanks or a comment, indented by
        fewer than ``width`` spaces: found by the regex engine in the text, not line by line."""
        offsets = self.offsets
        found = [start] if start < end and 0 <= indent_of(self.lines[start]) < width else []
        if start + 1 < end:
            # a "\n" ends line j - 1 and is followed by line j's text (j in (start, end))
            matches = _shallow_line(width).finditer(self.text, offsets[start + 1] - 1, offsets[end])
            found += [bisect.bisect_left(offsets, m.start() + 1) for m in matches]
        return found


@functools.cache
def _shallow_line(width: int) -> re.Pattern[str]:
    """A line start behind its "\n" with fewer than ``width`` spaces, then neither a space,
    a line break nor a comment (a blank or comment line has no indentation: :func:`_indent`)."""
    return re.compile(f"\n {{0,{width - 1}}}[^ \n#]")


def indent_of(line: str) -> int:
    """The indentation of a line that holds more than blanks or a comment, else -1."""
    bare = line.lstrip(" ")
    return len(line) - len(bare) if bare and bare[0] != "#" else -1


def split(text: str) -> tuple[Lines, list[Chunk]] | None:
    """The spec's definitions in text order, or None when the text is not plainly splittable."""
    if any(c in text for c in AWKWARD) or _has_marker(text):
        return None
    lines = Lines(text)
    chunks: list[Chunk] = []
    if not _cut(lines, 0, len(lines.lines), -1, (), "", chunks):
        return None
    return lines, chunks


def _has_marker(text: str) -> bool:
    """A ``---``/``...`` document marker or a ``%`` directive at a line start."""
    return any(text.startswith(m) or ("\n" + m) in text for m in ("---", "...", "%"))


def _cut(
    lines: Lines,
    start: int,
    end: int,
    parent_indent: int,
    keys: tuple[str, ...],
    header: str,
    out: list[Chunk],
) -> bool:
    """Cut lines [start, end) (the children of ``keys``) into chunks; False when it cannot."""
    found = entries(lines, start, end, parent_indent)
    if not found:
        return False
    seen: set[str] = set()
    for key, first, stop, nested in found:
        if key in seen or key in ("$ref", "<<"):
            return False
        seen.add(key)
        path = (*keys, key)
        if (
            nested
            and len(path) <= SPLIT_LEVELS.get(path[0], 0)
            and lines.first_content(first + 1, stop) < stop
        ):
            indent = indent_of(lines.lines[first])
            inner = header + lines.lines[first] + "\n"
            if not _cut(lines, first + 1, stop, indent, path, inner, out):
                return False
        else:
            out.append(Chunk(path, header, first, stop))
    return True


def entries(
    lines: Lines, start: int, end: int, parent_indent: int
) -> list[tuple[str, int, int, bool]] | None:
    """(key, first line, end line, value on later lines) per child; None when unsure.

    Blank and comment lines before the first child belong to no chunk (they parse to
    nothing); every other line belongs to the child above it.
    """
    text = lines.lines
    opening = lines.first_content(start, end)
    if opening == end:
        return None
    indent = indent_of(text[opening])
    if indent <= parent_indent:
        return None
    found: list[tuple[str, int, int, bool]] = []
    current: tuple[str, int, bool] | None = None
    for i in lines.shallow(opening, end, indent + 1):
        here = indent_of(text[i])
        if here < 0:
            continue
        if here < indent:
            return None  # only a flow construct can go there: a unit would not parse
        line = text[i][indent:]
        if current is not None and current[2] and line[:1] == "-" and line[1:2] in ("", " "):
            continue  # an item of a sequence written at its key's indentation
        parsed = _key(line)
        if parsed is None:
            return None
        if current is not None:
            found.append((current[0], current[1], i, current[2]))
        current = (parsed[0], i, parsed[1])
    if current is not None:
        found.append((current[0], current[1], end, current[2]))
    return found


def _key(line: str) -> tuple[str, bool] | None:
    """(key, whether its value is on later lines) of ``key: ...``; None for anything else.

    Plain keys, and quoted ones without escapes; each unit's parse checks the keys read here.
    """
    quote = line[:1]
    if quote in ("'", '"'):
        close = line.find(quote, 1)
        if close < 0 or "\\" in line[:close] or line[close + 1 : close + 2] != ":":
            return None
        key, colon = line[1:close], close + 1
    else:
        if not line or line[0] in _KEY_START_FORBIDDEN:
            return None
        colon = line.find(":")
        while colon >= 0 and colon + 1 < len(line) and line[colon + 1] != " ":
            colon = line.find(":", colon + 1)
        if colon <= 0:
            return None
        key = line[:colon]
        if " #" in key or "\t" in key or key != key.rstrip():
            return None
    rest = line[colon + 1 :]
    if rest and rest[0] != " ":
        return None
    rest = rest.strip(" ")
    return key, not rest or rest[0] == "#"
