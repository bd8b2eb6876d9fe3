"""A YAML spec parsed per definition: after a one-schema edit, only that schema is parsed again.

A block-style spec is cut into its top-level entries, and ``paths``, ``webhooks``,
``definitions`` and ``components/<kind>`` further into one chunk per path, schema,
response... (:func:`apiforge.load.yaml_split.split`; after an edit, only where the edit
reached: :mod:`apiforge.load.yaml_resplit`). Chunks that name the same anchor
(PyYAML's dumper shares objects between paths) form one unit (:func:`groups`); the others
are a unit each. A unit is parsed on its own, as its chunks' exact spans of the file in text order, each behind
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

import functools
import hashlib
import marshal
from pathlib import Path
from typing import Any

from apiforge.load import validation, yaml_pieces, yaml_reader, yaml_resplit
from apiforge.load.reading import Limits, Parsed
from apiforge.load.yaml_compose import HAVE_LIBYAML, gc_paused, may_be_deep
from apiforge.load.yaml_positions import YamlPositions
from apiforge.load.yaml_split import SPLIT_LEVELS, Chunk, Lines, split
from apiforge.output import cache, pieces

_FORMAT = "yaml chunks v3"
KIND = "yaml-units"  # one checked piece per unit (:mod:`apiforge.output.pieces`)
# The modules a piece is computed by (validation: its marks): their text is in every key.
CODE = (
    *("yaml_chunks.py", "yaml_split.py", "yaml_pieces.py", "yaml_reader.py", "yaml_compose.py"),
    *("yaml_resplit.py", "validation.py", "bounds.py"),
)
__all__ = ["CODE", "KIND", "SPLIT_LEVELS", "Chunk", "groups", "parse_chunked", "split", "units"]


def _anchored(text: str, names: yaml_resplit.Names) -> list[tuple[int, set[str]]]:
    """(chunk, the anchor names it defines or names) for each chunk naming a defined anchor,
    in text order, from each chunk's names (:func:`apiforge.load.yaml_resplit.names_of`).
    A token never spans a line break, so it lies in one chunk's lines or in lines of no
    chunk (parents' headers, leading comments), where it does not count."""
    defined = yaml_reader.anchor_names(text)
    if not defined:
        return []
    return [
        (i, defined.intersection(named))
        for i, named in enumerate(names)
        if not defined.isdisjoint(named)
    ]


def units(text: str, lines: Lines, chunks: list[Chunk]) -> list[tuple[int, int]]:
    """Chunk ranges [first, stop) to compose together: closed under shared anchor names."""
    span: dict[str, tuple[int, int]] = {}
    for index, names in _anchored(text, yaml_resplit.names_of(text, lines.offsets, chunks)):
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


def groups(text: str, lines: Lines, chunks: list[Chunk]) -> list[list[int]]:
    """The chunks to parse together, in text order: each alone, but those that name the same
    anchor in one group (the chunks between them need not be parsed with them)."""
    return _grouped(text, chunks, yaml_resplit.names_of(text, lines.offsets, chunks))


def _grouped(text: str, chunks: list[Chunk], names: yaml_resplit.Names) -> list[list[int]]:
    """:func:`groups`, from each chunk's anchor and alias names."""
    parent: dict[int, int] = {}  # only chunks naming an anchor: the others stay alone

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = index = parent[parent[index]]
        return index

    first: dict[str, int] = {}
    for index, named in _anchored(text, names):
        parent[index] = index
        for name in named:
            other = first.setdefault(name, index)
            if other != index:  # named before: join the two groups under the smaller root
                low, high = sorted((root(other), root(index)))
                parent[high] = low
    joined: dict[int, list[int]] = {}
    for index in parent:  # in text order
        joined.setdefault(root(index), []).append(index)
    # a group comes where its first chunk is (its root: roots are the smallest members)
    return [joined[i] if i in parent else [i] for i in range(len(chunks)) if parent.get(i, i) == i]


def _source(text: str, offsets: yaml_resplit.Offsets, part: list[Chunk]) -> str:
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
    identity = _code_identity()
    previous = yaml_resplit.recall(folder, location, identity)
    again = None if previous is None else yaml_resplit.split_again(text, previous)
    aliases = yaml_reader.has_aliases(text)
    prefix = cache.digest(_FORMAT, identity, repr(limits), str(aliases)).encode()
    reused = None
    if again is None:
        cut = split(text)
        if cut is None:
            return None
        lines, chunks = cut
        offsets: yaml_resplit.Offsets = lines.offsets
        names = yaml_resplit.names_of(text, offsets, chunks)
    else:
        assert previous is not None
        chunks, offsets, names, reach = again
        reused = yaml_resplit.units_again(previous, text, reach, names, prefix)
    if reused is None:
        reused = [(members, None) for members in _grouped(text, chunks, names)]
    wanted: list[tuple[str, str | None, list[int]]] = []  # (key, source, chunk numbers) per unit
    for members, known_key in reused:
        if known_key is not None:  # the text before's unit: its source is made only to parse
            wanted.append((known_key, None, members))
            continue
        source = _source(text, offsets, [chunks[i] for i in members])
        wanted.append((pieces.key(prefix, source.encode()), source, members))
    kept: dict[str, bytes] = {}  # the next load here cuts only what its edit reaches
    if previous is None or previous.text != text:
        made = [(members, key) for key, _, members in wanted]
        kept = yaml_resplit.remember(
            location, identity, yaml_resplit.Previous(text, chunks, offsets, names, made, prefix)
        )
    known = pieces.read(folder, [key for key, _, _ in wanted])
    with gc_paused():  # ~2,000 trees built from marshal: a collection would walk them all
        found_all = _splice(text, offsets, wanted, known, chunks, limits, aliases)
    if found_all is None:
        pieces.write(folder, kept)  # the split holds for the text all the same
        return None
    values, held, nodes, marked, offends, fresh = found_all
    if nodes > limits.max_nodes:
        pieces.write(folder, kept)
        return None  # each unit counts its wrappers again: never less than the whole text
    document: dict[str, Any] = {}
    wrappers = [document]
    for chunk, value in zip(chunks, values):  # in text order, as the whole parse builds
        parent = document
        for name in chunk.keys[:-1]:
            if name not in parent:
                wrappers.append(parent.setdefault(name, {}))
            parent = parent[name]
        parent[chunk.keys[-1]] = value
    pieces.write(folder, {**fresh, **kept})
    around, outside = validation.visit(wrappers)
    offends = offends or outside
    if not offends:  # the marks of check_defaults' walk, unit by unit; else it walks
        marked.extend(around)
    holders = [h for holders in held for h in holders]
    return Parsed(document, holders, None if offends else marked), YamlPositions(text)


def _splice(
    text: str,
    offsets: yaml_resplit.Offsets,
    wanted: list[tuple[str, str | None, list[int]]],
    known: dict[str, bytes],
    chunks: list[Chunk],
    limits: Limits,
    aliases: bool,
) -> tuple[list[Any], list[list[Any]], int, list[dict[str, Any]], bool, dict[str, bytes]] | None:
    """Each chunk's value and holders from its unit's piece or parse, the nodes built, the
    units' marks (:func:`apiforge.load.validation.scan`), whether one offends, and the
    pieces to store; None when a unit does not parse cleanly."""
    fresh: dict[str, bytes] = {}
    marked: list[dict[str, Any]] = []
    offends = False
    values: list[Any] = [None] * len(chunks)
    held: list[list[Any]] = [[]] * len(chunks)
    nodes = 0
    for key, source, members in wanted:
        starts = yaml_pieces.runs(members)
        found = yaml_pieces.unpack(known.get(key), len(members), len(starts))
        if found is None:
            part = [chunks[i] for i in members]
            if source is None:
                source = _source(text, offsets, part)
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
        marked += found[3]
        offends = offends or found[4]
    return values, held, nodes, marked, offends, fresh


def _parse_unit(
    source: str, part: list[Chunk], starts: list[int], limits: Limits, aliases: bool
) -> yaml_pieces.Piece | None:
    """Each chunk's value, the ``$ref`` holders of each run of consecutive chunks (``starts``),
    the unit's node count, and what ``validation.scan`` finds under the values; None unless
    it parses cleanly into exactly its chunks' keys."""
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
    if split is None:
        return None
    marked, offenders = validation.scan(values)
    return values, split, count, marked, bool(offenders)


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
    for name in CODE:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()
