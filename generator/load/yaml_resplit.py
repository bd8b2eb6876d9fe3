"""Cutting a YAML spec again after an edit: only the definitions the edit reached are cut anew.

:func:`apiforge.load.yaml_split.split` reads every line of the spec, though after a one-schema
edit nearly all of its answer is the text before's. :func:`remember` keeps, per file location
and splitting code, the last text split there, its chunks and each chunk's anchor and alias
names (a piece of the content cache beside the units', written with them). :func:`split_again`
compares the new text with it: the lines before the first changed character and after the
last one are the old text's, and so are the chunks holding only such lines (those after the
edit moved by the lines it added). The consecutive sibling chunks that hold the changed lines,
from one that starts on an unchanged line, are cut again by
:func:`apiforge.load.yaml_split.entries` with their section's indentation.

Why that is the whole split's answer: a section's entries are found line by line from its
child indentation, and the re-cut lines begin at an unchanged key line of that indentation and
end where an unchanged key line or the section does, so every other line reads as before.
The answer is kept only when the re-cut lines give entries whose keys repeat none of the
section's, none ``$ref`` or ``<<``, none to cut further
(:data:`~apiforge.load.yaml_split.SPLIT_LEVELS`), and the changed lines hold no character the
whole split refuses and no document marker or directive. Anything else (no earlier text, an
edit of a parent's line or across sections) returns None, and the whole split runs.
"""

from __future__ import annotations

import bisect
import itertools
import marshal
from collections.abc import Collection
from pathlib import Path
from typing import NamedTuple

from apiforge.load import yaml_reader
from apiforge.load.yaml_split import AWKWARD, SPLIT_LEVELS, Chunk, Lines, entries, indent_of
from apiforge.output import cache, pieces

_FORMAT = "yaml split v1"
Names = list[Collection[str]]
Offsets = list[int] | dict[int, int]
"""The offset in the text of a line number: every line's (``Lines.offsets``) or at least those
where a chunk starts or stops."""
Units = list[tuple[list[int], str]]
"""Each unit's chunk numbers and the key of its piece."""


class Previous(NamedTuple):
    """The text last split at a location, its chunks, their offsets, each chunk's anchor and
    alias names, and (when its load got that far) its units under the key prefix ``prefix``."""

    text: str
    chunks: list[Chunk]
    offsets: Offsets
    names: Names
    units: Units
    prefix: bytes


Reach = tuple[int, int, int]
"""What :func:`split_again` cut again: old chunks [low, high] became ``added`` chunks at low."""
_new_chunk = tuple.__new__  # a Chunk from its fields without NamedTuple's Python-level __new__


def names_of(text: str, offsets: Offsets, chunks: list[Chunk]) -> Names:
    """The ``&name`` and ``*name`` tokens in each chunk's lines (see ``yaml_reader.names_used``)."""
    return [yaml_reader.names_used(text, offsets[c.first], offsets[c.stop]) for c in chunks]


def memo_key(location: str, identity: str) -> str:
    """The key of the split kept for ``location`` (a piece among the units')."""
    return cache.digest(_FORMAT, identity, location)


def recall(folder: Path, location: str, identity: str) -> Previous | None:
    """What :func:`remember` kept for ``location`` under the same code, else None."""
    key = memo_key(location, identity)
    data = pieces.read(folder, [key]).get(key)
    if data is None:
        return None
    try:  # checked by pieces.read: our own bytes, in remember's columns
        text, keys, headers, firsts, stops, starts, ends, named, units, prefix = marshal.loads(data)
        chunks = list(map(_new_chunk, itertools.repeat(Chunk), zip(keys, headers, firsts, stops)))
        offsets = dict(zip(firsts, starts))
        offsets.update(zip(stops, ends))
        names: Names = [()] * len(chunks)
        for index, found in named.items():
            names[index] = found
    except (EOFError, ValueError, TypeError, IndexError, AttributeError):
        return None
    if type(text) is not str or not chunks or type(units) is not list or type(prefix) is not bytes:
        return None
    return Previous(text, chunks, offsets, names, units, prefix)


def remember(location: str, identity: str, previous: Previous) -> dict[str, bytes]:
    """The piece that keeps ``previous`` (a text, its split and names) for the next load of
    ``location``, to write with :func:`apiforge.output.pieces.write` (the units' in one go)."""
    text, chunks, offsets, names, units, prefix = previous
    keys, headers, firsts, stops = zip(*chunks)
    starts = [offsets[line] for line in firsts]
    ends = [offsets[line] for line in stops]
    named = {index: tuple(found) for index, found in enumerate(names) if found}  # sets: ~10x slower
    data = marshal.dumps((text, keys, headers, firsts, stops, starts, ends, named, units, prefix))
    return {memo_key(location, identity): data}


def _common_prefix(a: str, b: str) -> int:
    """The length of the longest common prefix (by halving: each comparison runs in C)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[low:middle] == b[low:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _common_suffix(a: str, b: str, most: int) -> int:
    """The length of the longest common suffix, at most ``most``."""
    low, high = 0, most
    while low < high:
        middle = (low + high + 1) // 2
        if a[len(a) - middle : len(a) - low] == b[len(b) - middle : len(b) - low]:
            low = middle
        else:
            high = middle - 1
    return low


def split_again(text: str, previous: Previous) -> tuple[list[Chunk], Offsets, Names, Reach] | None:
    """``split(text)``'s chunks with their offsets and names, and what was cut again, from
    ``previous``; None when the whole split must run (see the module docstring)."""
    old, chunks, offsets, names = previous[:4]
    head = _common_prefix(old, text)
    tail = _common_suffix(old, text, min(len(old), len(text)) - head)
    changed = text[head : len(text) - tail]
    if any(c in changed for c in AWKWARD):
        return None
    first = text.count("\n", 0, head)  # the first line that may differ, in both texts
    stop = old.count("\n", 0, len(old) - tail) + 1  # the old text's lines from here are kept
    moved = changed.count("\n") - old.count("\n", head, len(old) - tail)
    shift = len(text) - len(old)
    # the consecutive siblings [low, high] whose lines hold the changed lines [first, stop),
    # the first starting before them (on a line the edit left as it was)
    low = bisect.bisect_left([c.first for c in chunks], first) - 1
    if low < 0 or stop > chunks[-1].stop:
        return None
    high = low
    while chunks[high].stop < stop:
        high += 1
        if chunks[high].first != chunks[high - 1].stop:
            return None
    parent, header = chunks[low].keys[:-1], chunks[low].header
    if any(c.keys[:-1] != parent or c.header != header for c in chunks[low : high + 1]):
        return None
    begin, end = chunks[low].first, chunks[high].stop + moved
    at = offsets[begin]  # the same in both texts: before the edit
    region = Lines(text[at : offsets[chunks[high].stop] + shift])
    if any(line.startswith(("---", "...", "%")) for line in region.lines):
        return None  # a document marker or directive: split refuses the text
    width = indent_of(region.lines[0])
    found = entries(region, 0, end - begin, width - 1)
    if not found:  # else its first entry is chunk ``low``'s, on the same first line
        return None
    depth = len(parent)
    siblings = {c.keys[depth] for c in chunks if c.keys[:depth] == parent}
    siblings.difference_update(c.keys[depth] for c in chunks[low : high + 1])
    fresh: list[Chunk] = []
    for key, line, after, nested in found:
        path = (*parent, key)
        if key in siblings or key in ("$ref", "<<"):
            return None
        siblings.add(key)
        if (
            nested
            and len(path) <= SPLIT_LEVELS.get(path[0], 0)
            and region.first_content(line + 1, after) < after
        ):
            return None  # a new section to cut further
        fresh.append(Chunk(path, header, begin + line, begin + after))
    bounds = {
        line: at + offset for line, offset in enumerate(region.offsets[: end - begin + 1], begin)
    }
    later = chunks[high + 1 :]
    for chunk in later:
        bounds[chunk.first + moved] = offsets[chunk.first] + shift
        bounds[chunk.stop + moved] = offsets[chunk.stop] + shift
    for chunk in chunks[:low]:
        bounds[chunk.first] = offsets[chunk.first]
        bounds[chunk.stop] = offsets[chunk.stop]
    if moved:
        later = [
            _new_chunk(Chunk, (c.keys, c.header, c.first + moved, c.stop + moved)) for c in later
        ]
    cut = [*chunks[:low], *fresh, *later]
    found_names = names_of(text, bounds, fresh)
    reach = (low, high, len(fresh))
    return cut, bounds, [*names[:low], *found_names, *names[high + 1 :]], reach


def units_again(
    previous: Previous, text: str, reach: Reach, names: Names, prefix: bytes
) -> list[tuple[list[int], str | None]] | None:
    """Each unit of ``text`` after :func:`split_again` with its piece's key when ``previous``
    had it (else None), or None when the grouping must run.

    Under the same key prefix and anchor names defined, the units are the text before's: when
    the chunks cut again name the same anchors, position by position, as those they replace
    (a definition edited in place: its units' keys are made again); or, moved, when neither
    they nor those they replace name one (chunks naming none are units alone). Every other
    chunk, its text and its names are as before, and so is its unit and its piece's key.
    """
    low, high, added = reach
    if not previous.units or previous.prefix != prefix:
        return None
    defined = yaml_reader.anchor_names(text)
    if defined != yaml_reader.anchor_names(previous.text):
        return None
    replaced = previous.names[low : high + 1]
    if added == len(replaced) and all(
        defined.intersection(new) == defined.intersection(old)
        for new, old in zip(names[low : low + added], replaced)
    ):
        return [
            (members, None if any(low <= m <= high for m in members) else key)
            for members, key in previous.units
        ]
    if not all(defined.isdisjoint(named) for named in names[low : low + added]):
        return None
    if not all(defined.isdisjoint(named) for named in replaced):
        return None
    moved = added - (high + 1 - low)
    found: list[tuple[list[int], str | None]] = []
    fresh: list[tuple[list[int], str | None]] = [([i], None) for i in range(low, low + added)]
    for members, key in previous.units:
        if fresh and members[0] > high:  # units come in the order of their first chunks
            found += fresh
            fresh = []
        if low <= members[0] <= high:
            continue  # a chunk cut again: it named no anchor, so was a unit alone
        found.append(([m + moved if m > high else m for m in members], key))
    return found + fresh
