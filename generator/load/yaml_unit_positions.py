"""Lines of a YAML spec's pointers from the one definition that holds them, not the whole file.

A diagnostic's line used to cost composing the whole file again (:class:`YamlPositions`).
:class:`UnitPositions` cuts the text as :mod:`apiforge.load.yaml_chunks` does and, for a
pointer at or below a definition (a ``paths`` entry, a ``components/<kind>/<name>``, a
top-level key), composes only that definition's unit (its parents' header lines, then its
exact span of the file) and shifts the lines by where the unit starts. Any other pointer
(the root, ``/paths`` itself, ...) and any text the cut cannot vouch for asks the whole-file
:class:`YamlPositions`.

Why the answer is the whole file's: the cut's key list at every level is checked against
the parsed document's (taken when the file is read, before anything changes the data).
Every real key of a block mapping starts a line at the mapping's indentation, so the cut
sees it; when the counts and names agree, the cut saw no other line, and each definition's
span is exactly its key and value. A unit is such spans behind the header lines of their
parents, so it composes into the same nodes, with the same marks moved by whole lines
(the cut refuses any line break but ``\\n``). Units are closed under anchor names, so no
alias reaches into or out of one, and the pointer table walks a unit's nodes in the same
order as the whole file's, skipping the same repeated (aliased) nodes. A pointer at or
below a definition never walks up past that definition's key, so it reads only entries of
the unit. Only a file whose whole-file parse succeeded (or whose chunked parse did) gets
here, so the whole-file compose never fails where a unit's answers.
"""

from __future__ import annotations

from typing import Any

import yaml  # type: ignore[import-untyped, unused-ignore]

from apiforge.load import jsonpointer, yaml_chunks
from apiforge.load.yaml_compose import compose, gc_paused
from apiforge.load.yaml_positions import YamlPositions, flatten

_Path = tuple[str, ...]


def key_shape(data: Any) -> dict[_Path, list[str]] | None:
    """The document's keys at the levels the cut splits (a copy: later edits do not show)."""
    if type(data) is not dict:
        return None
    shape: dict[_Path, list[str]] = {(): list(data)}
    for name, levels in yaml_chunks.SPLIT_LEVELS.items():
        value = data.get(name)
        if type(value) is dict:
            shape[(name,)] = list(value)
            if levels > 1:
                for kind, inner in value.items():
                    if type(inner) is dict:
                        shape[(name, kind)] = list(inner)
    return shape


class _Plan:
    """The cut of one text: each definition's pointer -> its unit, and each unit's source."""

    def __init__(self, text: str, lines: Any, chunks: list[yaml_chunks.Chunk]) -> None:
        self.unit_of: dict[str, int] = {}
        self.sources: list[tuple[str, int]] = []  # (unit text, file line of its first line)
        self.owners: list[list[str]] = []  # each unit's definition pointers
        offsets = lines.offsets
        for number, (first, stop) in enumerate(yaml_chunks.units(text, lines, chunks)):
            part = chunks[first:stop]
            self.owners.append([jsonpointer.from_tokens(chunk.keys) for chunk in part])
            self.unit_of.update(dict.fromkeys(self.owners[-1], number))
            head = part[0]
            source = head.header + text[offsets[head.first] : offsets[part[-1].stop]]
            self.sources.append((source, head.first - head.header.count("\n")))


def _matches(chunks: list[yaml_chunks.Chunk], shape: dict[_Path, list[str]]) -> bool:
    """Whether the cut found exactly the document's keys, in order, at every level it cut."""
    seen: dict[_Path, list[str]] = {}
    for chunk in chunks:
        keys = chunk.keys
        for depth in range(len(keys)):
            children = seen.setdefault(keys[:depth], [])
            if not children or children[-1] != keys[depth]:
                children.append(keys[depth])
    return all(shape.get(parent) == children for parent, children in seen.items())


class UnitPositions:
    """Line/column lookup for a parsed YAML text, composing one definition at a time."""

    def __init__(self, text: str, data: Any, whole: YamlPositions) -> None:
        self._text = text
        self._whole = whole
        self._shape = key_shape(data)
        self._plan: _Plan | None = None  # None: not cut yet, or the cut cannot answer
        self._tried = False
        self._units: dict[int, dict[str, int]] = {}
        self.units_composed = 0

    def position(self, pointer: str) -> tuple[int, int] | None:
        """1-based (line, column) of ``pointer``, exactly as :class:`YamlPositions` gives."""
        if not self._whole.indexed:
            found = self.from_unit(pointer)
            if found is not None:
                return found
        return self._whole.position(pointer)

    def from_unit(self, pointer: str) -> tuple[int, int] | None:
        """:meth:`position` from the unit holding ``pointer``; None when no unit can answer."""
        plan = self._cut()
        if plan is None:
            return None
        owner = pointer
        while owner not in plan.unit_of:
            if not owner.startswith("/"):
                return None  # not at or below one definition
            owner = owner[: owner.rfind("/")]
        index = self._index(plan, plan.unit_of[owner])
        if index is None:
            return None
        prefix = pointer
        while prefix not in index:  # stops at ``owner`` at the latest
            prefix = prefix[: prefix.rfind("/")]
        packed = index[prefix]
        return (packed >> 32) + 1, (packed & 0xFFFFFFFF) + 1

    def _cut(self) -> _Plan | None:
        if not self._tried:
            self._tried = True
            cut = yaml_chunks.split(self._text) if self._shape is not None else None
            if cut is not None and self._shape is not None and _matches(cut[1], self._shape):
                self._plan = _Plan(self._text, *cut)
        return self._plan

    def _index(self, plan: _Plan, unit: int) -> dict[str, int] | None:
        """The unit's pointer table in the file's lines; None when it does not compose."""
        index = self._units.get(unit)
        if index is None:
            source, start = plan.sources[unit]
            try:
                with gc_paused():
                    root = compose(source)
                    found = {} if root is None else flatten(root)
                    del root
            except (yaml.YAMLError, RecursionError):
                self._plan = None  # cannot happen for a text the whole parse accepted
                return None
            if any(owner not in found for owner in plan.owners[unit]):
                self._plan = None  # cannot happen either: the unit holds its definitions
                return None
            shift = start << 32
            index = self._units[unit] = {p: v + shift for p, v in found.items()}
            self.units_composed += 1
        return index
