"""A YAML spec parsed per definition: after a one-schema edit, only that schema is parsed again.

A block-style spec is cut into its top-level entries, and ``paths``, ``webhooks``,
``definitions`` and ``components/<kind>`` further into one chunk per path, schema,
response... (:func:`split`). Chunks that name the same anchor (PyYAML's dumper shares
objects between paths) form one unit (:func:`groups`); the others are a unit each. A unit
is parsed on its own, as its chunks' exact spans of the file in text order, each behind
the header lines of its parents that the chunk before it did not open (so depth, text and
the order of anchors and aliases are what the whole file gives them), by
:func:`apiforge.load.yaml_reader.parse_clean`; results are kept in the content cache, one
piece per unit keyed by a digest of its text, and the document is spliced from them in
text order. Unchanged units are not parsed again, and an edit stores only its own units.

Why the splice equals the whole-file parse: a chunk starts at a line that begins a key at
its parent's child indentation (or is the file's first key). In block YAML such a line ends
every construct before it except a quoted scalar or a flow collection left open, and a unit
ending inside one does not parse. So the splice is used only when every unit parsed without
any report into exactly the keys the splitter read, no sibling key repeats, no split key is
``$ref`` or ``<<``, no alias can name an anchor of another unit (units are closed under
shared anchor names), the units together build at most ``max_nodes`` nodes, every line that
starts a chunk is a plain or escape-free quoted key, and the text has no document marker,
directive, BOM or line break other than ``\\n`` and cannot nest deeper than the C-stack guard
looks for. Otherwise the whole-file parse runs and reports exactly as before. ``$ref``
holders are collected post-order and no wrapper holds a ``$ref``, so each chunk's holders
(:func:`apiforge.load.yaml_pieces.holders_by_run`) concatenate in text order to the
whole file's.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import itertools
import marshal
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from apiforge.load import yaml_pieces, yaml_reader
from apiforge.load.reading import Limits, Parsed
from apiforge.load.yaml_compose import HAVE_LIBYAML, gc_paused, may_be_deep
from apiforge.load.yaml_positions import YamlPositions
from apiforge.output import cache, pieces

# How many levels below a top-level key are cut into chunks (read by yaml_unit_positions too).
SPLIT_LEVELS = {"paths": 1, "webhooks": 1, "definitions": 1, "components": 2}
# Characters Python or PyYAML may take as a line break besides "\n", and a BOM.
_AWKWARD = ("\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029", "\ufeff")
_KEY_START_FORBIDDEN = frozenset("-?:,[]{}#&*!|>'\"%@` \t")
_FORMAT = "yaml chunks v2"
KIND = "yaml-units"  # one checked piece per unit (:mod:`apiforge.output.pieces`)


@dataclass(frozen=True)
class Chunk:
    """One definition: its keys from the top, its parents' header text, its lines [first, stop)."""

    keys: tuple[str, ...]
    header: str
    first: int
    stop: int


class _Lines:
    """The text's lines and each one's start offset."""

    def __init__(self, text: str) -> None:
        self.lines = lines = text.split("\n")
        offsets = [0, *itertools.accumulate(len(line) + 1 for line in lines)]
        offsets[-1] = len(text)  # the last line has no "\n" after it
        self.offsets = offsets

    def first_content(self, start: int, end: int) -> int:
        """The first line in [start, end) holding more than blanks or a comment, else ``end``."""
        lines = self.lines
        return next((i for i in range(start, end) if _indent(lines[i]) >= 0), end)

    def shallow(self, start: int, end: int, width: int) -> list[int]:
        """The lines in [start, end) not indented by ``width`` spaces or more."""
        pad = " " * width
        lines = self.lines
        return [i for i in range(start, end) if not lines[i].startswith(pad)]


def _indent(line: str) -> int:
    """The indentation of a line that holds more than blanks or a comment, else -1."""
    bare = line.lstrip(" ")
    return len(line) - len(bare) if bare and bare[0] != "#" else -1


def split(text: str) -> tuple[_Lines, list[Chunk]] | None:
    """The spec's definitions in text order, or None when the text is not plainly splittable."""
    if any(c in text for c in _AWKWARD) or _has_marker(text):
        return None
    lines = _Lines(text)
    chunks: list[Chunk] = []
    if not _cut(lines, 0, len(lines.lines), -1, (), "", chunks):
        return None
    return lines, chunks


def _has_marker(text: str) -> bool:
    """A ``---``/``...`` document marker or a ``%`` directive at a line start."""
    return any(text.startswith(m) or ("\n" + m) in text for m in ("---", "...", "%"))


def _cut(
    lines: _Lines,
    start: int,
    end: int,
    parent_indent: int,
    keys: tuple[str, ...],
    header: str,
    out: list[Chunk],
) -> bool:
    """Cut lines [start, end) (the children of ``keys``) into chunks; False when it cannot."""
    entries = _entries(lines, start, end, parent_indent)
    if not entries:
        return False
    seen: set[str] = set()
    for key, first, stop, nested in entries:
        if key in seen or key in ("$ref", "<<"):
            return False
        seen.add(key)
        path = (*keys, key)
        if (
            nested
            and len(path) <= SPLIT_LEVELS.get(path[0], 0)
            and lines.first_content(first + 1, stop) < stop
        ):
            indent = _indent(lines.lines[first])
            inner = header + lines.lines[first] + "\n"
            if not _cut(lines, first + 1, stop, indent, path, inner, out):
                return False
        else:
            out.append(Chunk(path, header, first, stop))
    return True


def _entries(
    lines: _Lines, start: int, end: int, parent_indent: int
) -> list[tuple[str, int, int, bool]] | None:
    """(key, first line, end line, value on later lines) per child; None when unsure.

    Blank and comment lines before the first child belong to no chunk (they parse to
    nothing); every other line belongs to the child above it.
    """
    text = lines.lines
    opening = lines.first_content(start, end)
    if opening == end:
        return None
    indent = _indent(text[opening])
    if indent <= parent_indent:
        return None
    found: list[tuple[str, int, int, bool]] = []
    current: tuple[str, int, bool] | None = None
    for i in lines.shallow(opening, end, indent + 1):
        here = _indent(text[i])
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


def _anchored(text: str, lines: _Lines, chunks: list[Chunk]) -> list[tuple[int, set[str]]]:
    """(chunk, the anchor names it defines or names) for each chunk naming a defined anchor,
    in text order. A token never spans a line break, so it lies in one chunk's lines or in
    lines of no chunk (parents' headers, leading comments), where it does not count."""
    offsets = lines.offsets
    starts = [offsets[chunk.first] for chunk in chunks]
    named: dict[int, set[str]] = {}
    for at, name in yaml_reader.anchor_uses(text):
        index = bisect.bisect_right(starts, at) - 1
        if index >= 0 and at < offsets[chunks[index].stop]:
            named.setdefault(index, set()).add(name)
    return sorted(named.items())


def units(text: str, lines: _Lines, chunks: list[Chunk]) -> list[tuple[int, int]]:
    """Chunk ranges [first, stop) to compose together: closed under shared anchor names."""
    span: dict[str, tuple[int, int]] = {}
    for index, names in _anchored(text, lines, chunks):
        for name in names:
            low, high = span.get(name, (index, index))
            span[name] = (min(low, index), max(high, index))
    reach = list(range(len(chunks)))  # chunk -> the last chunk its unit must reach
    for low, high in span.values():
        reach[low] = max(reach[low], high)
    found: list[tuple[int, int]] = []
    first = 0
    while first < len(chunks):
        stop, last = first, reach[first]
        while stop <= last:
            last = max(last, reach[stop])
            stop += 1
        found.append((first, stop))
        first = stop
    return found


def groups(text: str, lines: _Lines, chunks: list[Chunk]) -> list[list[int]]:
    """The chunks to parse together, in text order: each alone, but those that name the same
    anchor in one group (the chunks between them need not be parsed with them)."""
    parent: dict[int, int] = {}  # only chunks naming an anchor: the others stay alone

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = index = parent[parent[index]]
        return index

    first: dict[str, int] = {}
    for index, names in _anchored(text, lines, chunks):
        parent[index] = index
        for name in names:
            low, high = sorted((root(first.setdefault(name, index)), root(index)))
            parent[high] = low
    joined: dict[int, list[int]] = {}
    for index in parent:  # in text order
        joined.setdefault(root(index), []).append(index)
    # a group comes where its first chunk is (its root: roots are the smallest members)
    return [joined[i] if i in parent else [i] for i in range(len(chunks)) if parent.get(i, i) == i]


def _source(text: str, offsets: list[int], part: list[Chunk]) -> str:
    """The text of ``part``'s chunks in order, each behind the header lines it does not share
    with the chunk before (chunks sort by parent, so a parent is never opened twice)."""
    if len(part) == 1:
        return part[0].header + text[offsets[part[0].first] : offsets[part[0].stop]]
    out: list[str] = []
    before: list[str] = []
    for chunk in part:
        header = chunk.header.split("\n")[:-1]
        shared = 0
        while shared < min(len(header), len(before)) and header[shared] == before[shared]:
            shared += 1
        out.extend(line + "\n" for line in header[shared:])
        out.append(text[offsets[chunk.first] : offsets[chunk.stop]])
        before = header
    return "".join(out)


def parse_chunked(text: str, location: str, limits: Limits) -> tuple[Parsed, YamlPositions] | None:
    """What ``parse_yaml(text, ...)`` gives for a clean text, from cached units; None when
    the whole-file parse must run (see the module docstring). ``location`` is not part of
    a unit's key: files that share a definition share its piece."""
    folder = cache.cache_dir(KIND)
    if folder is None or not HAVE_LIBYAML or may_be_deep(text):
        return None  # without a cache there is nothing to reuse
    cut = split(text)
    if cut is None:
        return None
    lines, chunks = cut
    aliases = yaml_reader.has_aliases(text)
    prefix = cache.digest(_FORMAT, _code_identity(), repr(limits), str(aliases)).encode()
    offsets = lines.offsets
    wanted: list[tuple[str, str, list[int]]] = []  # (key, source, chunk numbers) per unit
    for members in groups(text, lines, chunks):
        source = _source(text, offsets, [chunks[i] for i in members])
        wanted.append((pieces.key(prefix, source.encode()), source, members))
    known = pieces.read(folder, [key for key, _, _ in wanted])
    with gc_paused():  # ~2,000 trees built from marshal: a collection would walk them all
        found_all = _splice(wanted, known, chunks, limits, aliases)
    if found_all is None:
        return None
    values, held, nodes, fresh = found_all
    if nodes > limits.max_nodes:
        return None  # each unit counts its wrappers again: never less than the whole text
    document: dict[str, Any] = {}
    for chunk, value in zip(chunks, values):  # in text order, as the whole parse builds
        parent = document
        for name in chunk.keys[:-1]:
            parent = parent.setdefault(name, {})
        parent[chunk.keys[-1]] = value
    pieces.write(folder, fresh)
    return Parsed(document, [h for holders in held for h in holders]), YamlPositions(text)


def _splice(
    wanted: list[tuple[str, str, list[int]]],
    known: dict[str, bytes],
    chunks: list[Chunk],
    limits: Limits,
    aliases: bool,
) -> tuple[list[Any], list[list[Any]], int, dict[str, bytes]] | None:
    """Each chunk's value and holders from its unit's piece or parse, the nodes built, and
    the pieces to store; None when a unit does not parse cleanly."""
    fresh: dict[str, bytes] = {}
    values: list[Any] = [None] * len(chunks)
    held: list[list[Any]] = [[]] * len(chunks)
    nodes = 0
    for key, source, members in wanted:
        starts = yaml_pieces.runs(members)
        found = yaml_pieces.unpack(known.get(key), len(members), len(starts))
        if found is None:
            part = [chunks[i] for i in members]
            found = _parse_unit(source, part, starts, limits, aliases)
            if found is None:
                return None
            try:  # keeps shared nodes and each holder the dict inside its value
                fresh[key] = marshal.dumps(found)
            except ValueError:
                pass
        for index, value in zip(members, found[0]):
            values[index] = value
        for start, holders in zip(starts, found[1]):
            held[members[start]] = holders
        nodes += found[2]
    return values, held, nodes, fresh


def _parse_unit(
    source: str, part: list[Chunk], starts: list[int], limits: Limits, aliases: bool
) -> tuple[list[Any], list[list[Any]], int] | None:
    """Each chunk's value, the ``$ref`` holders of each run of consecutive chunks (``starts``),
    and the unit's node count; None unless it parses cleanly into exactly its chunks' keys."""
    parsed = yaml_reader.parse_clean(source, limits, aliases)
    if parsed is None:
        return None
    data, held, count = parsed
    expected: dict[str, Any] = {}
    for chunk in part:
        level = expected
        for name in chunk.keys[:-1]:
            level = level.setdefault(name, {})
        level[chunk.keys[-1]] = None
    if not _same_keys(data, expected):
        return None
    values = []
    for chunk in part:
        node = data
        for name in chunk.keys:
            node = node[name]
        values.append(node)
    split = yaml_pieces.holders_by_run(values, held, starts)
    return None if split is None else (values, split, count)


def _same_keys(data: Any, expected: dict[str, Any]) -> bool:
    """Whether ``data`` has exactly the wrappers and keys of ``expected`` (None: any value)."""
    if not isinstance(data, dict) or list(data) != list(expected):
        return False
    return all(sub is None or _same_keys(data[name], sub) for name, sub in expected.items())


@functools.cache
def _code_identity() -> str:
    """The parsing code and PyYAML: another version never reads this pack."""
    import yaml  # type: ignore[import-untyped, unused-ignore]  # loaded by yaml_reader already

    here = Path(__file__).resolve().parent
    digest = hashlib.sha256(str(yaml.__version__).encode())
    for name in ("yaml_chunks.py", "yaml_pieces.py", "yaml_reader.py", "yaml_compose.py"):
        digest.update((here / name).read_bytes())
    return digest.hexdigest()
