"""YAML to plain JSON data, fast and safe, with lines looked up only on demand.

libyaml (through PyYAML's ``CParser``) composes the node tree in C; a small
builder then turns nodes into dicts, lists and scalars with YAML 1.2 core-schema
rules: only ``true``/``false`` (any case) are booleans, ``yes``/``no``/``on``/``off``,
dates and sexagesimal numbers stay strings, and mapping keys keep their source
text (so ``200:`` becomes ``"200"``). Nothing but plain data is ever constructed.
The cyclic garbage collector is paused while the (acyclic) tree is built, which
halves the cost on large specs. The node tree is dropped on the happy path and
composed again only when a diagnostic needs a line number.

Guards: duplicate keys and non-scalar keys are errors; aliases are expanded
under a node budget (``max_nodes``) so alias bombs fail fast; nesting deeper than
``max_depth`` is an error, and suspiciously deep texts are measured with the
event stream before libyaml's recursive composer can overflow the C stack.
"""

from __future__ import annotations

import re
from typing import Any

import yaml  # type: ignore[import-untyped, unused-ignore]
from yaml.nodes import (  # type: ignore[import-untyped, unused-ignore]
    MappingNode,
    Node,
    ScalarNode,
    SequenceNode,
)

from apiforge.diagnostics import Severity, SpecLocation
from apiforge.load import jsonpointer
from apiforge.load.reading import Limits, Parsed, Reporter
from apiforge.load.yaml_compose import (
    C_STACK_SAFE_DEPTH,
    HAVE_LIBYAML,
    MAP,
    PLAIN,
    SEQ,
    STR,
    compose,
    gc_paused,
    is_depth_error,
    may_be_deep,
    too_deep_mark,
)
from apiforge.load.yaml_positions import YamlPositions, node_at, pointer_of
from apiforge.load.yaml_syntax import report_syntax

__all__ = ["YamlPositions", "parse_yaml", "resolve_plain"]

_INT = re.compile(r"[-+]?[0-9]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_SPECIAL: dict[str, float | None] = {"~": None, "null": None, "Null": None, "NULL": None}
_SPECIAL.update({v: float("inf") for v in (".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF")})
_SPECIAL.update({v: float("-inf") for v in ("-.inf", "-.Inf", "-.INF")})
_SPECIAL.update({v: float("nan") for v in (".nan", ".NaN", ".NAN")})
_NUMBER_START = frozenset("0123456789+-.")


def resolve_plain(value: str) -> Any:
    """A plain (unquoted) scalar under the YAML 1.2 core schema."""
    if not value:
        return None
    first = value[0]
    if first in _NUMBER_START:
        if _INT.fullmatch(value):
            return int(value)
        if _FLOAT.fullmatch(value):
            return float(value)
        if value[:2] in ("0x", "0o") and len(value) > 2:
            try:
                return int(value[2:], 16 if value[1] == "x" else 8)
            except ValueError:
                return value
    if len(value) in (4, 5):
        lowered = value.lower()
        if lowered == "true":
            return True
        if lowered == "false":
            return False
    return _SPECIAL.get(value, value) if first in "~nN.+-" else value


_CORE_TAGS = {
    "tag:yaml.org,2002:int": (int,),
    "tag:yaml.org,2002:float": (float, int),
    "tag:yaml.org,2002:bool": (bool,),
    "tag:yaml.org,2002:null": (type(None),),
}


class _Stop(Exception):
    """A problem that makes the document unusable (too deep, alias bomb)."""

    def __init__(self, code: str, message: str, node: Node) -> None:
        super().__init__(message)
        self.code, self.message, self.node = code, message, node


_Problem = tuple[Severity, str, str, Node, "Node | None", "Node | None"]


class _Builder:
    """Turns a node tree into plain data, collecting problems (see the module docstring)."""

    def __init__(self, limits: Limits) -> None:
        self.max_depth = limits.max_depth
        self.holders: list[dict[str, Any]] = []
        self.problems: list[_Problem] = []

    def note(
        self,
        severity: Severity,
        code: str,
        message: str,
        node: Node,
        key: Node | None = None,
        at: Node | None = None,
    ) -> None:
        """Remember a problem at ``node`` (or at its member whose key node is ``key``).

        ``at`` is a node inside ``node`` that no pointer reaches (a complex key, an
        item merged by ``<<``): the pointer stays ``node``'s, the line and column are its.
        """
        self.problems.append((severity, code, message, node, key, at))

    def build(self, node: Node, depth: int) -> Any:
        """Plain data for ``node``, which sits ``depth`` collections deep."""
        cls = node.__class__
        if cls is ScalarNode:
            tag = node.tag
            if tag is PLAIN:
                return resolve_plain(node.value)
            if tag is STR:
                return node.value
            return self._tagged(node)
        if depth >= self.max_depth:
            raise _Stop(
                "too-deep",
                f"the document nests deeper than {self.max_depth} levels (LoadOptions.max_depth)",
                node,
            )
        if node.tag is not MAP and node.tag is not SEQ and node.tag != MAP and node.tag != SEQ:
            self.note(Severity.WARNING, "yaml-tag", f"tag {node.tag} ignored", node)
        if cls is MappingNode:
            return self._mapping(node, depth + 1)
        return [self.build(child, depth + 1) for child in node.value]

    def _mapping(self, node: Node, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        merges: list[Node] = []
        first_seen: dict[str, Node] | None = None
        for key, value in node.value:
            if key.__class__ is not ScalarNode:
                self.note(
                    Severity.ERROR, "complex-key", "mapping keys must be scalars", node, at=key
                )
                continue
            name = key.value
            if name == "<<" and key.tag is PLAIN:
                merges.append(value)
                continue
            if name in result:
                if first_seen is None:
                    first_seen = {}
                    for k, _ in node.value:
                        if k.__class__ is ScalarNode:
                            first_seen.setdefault(k.value, k)
                first = first_seen[name].start_mark.line + 1
                self.note(
                    Severity.ERROR,
                    "duplicate-key",
                    f"duplicate key {name!r} (first defined on line {first}, "
                    f"again on line {key.start_mark.line + 1})",
                    node,
                    key,
                )
            result[name] = self.build(value, depth)
        if merges:
            self._merge(result, node, merges, depth)
        ref = result.get("$ref")
        if ref.__class__ is str:
            self.holders.append(result)
        return result

    def _merge(self, result: dict[str, Any], node: Node, merges: list[Node], depth: int) -> None:
        """YAML merge keys (``<<: *base``): explicit keys win, earlier sources win."""
        for source in merges:
            sources = source.value if source.__class__ is SequenceNode else [source]
            for item in sources:
                merged = self.build(item, depth)
                if not isinstance(merged, dict):
                    self.note(
                        Severity.ERROR, "yaml-merge", "'<<' must merge mappings", node, at=item
                    )
                    continue
                for key, value in merged.items():
                    result.setdefault(key, value)

    def _tagged(self, node: Node) -> Any:
        tag = node.tag
        if tag == STR or tag == "!":
            return node.value
        value = resolve_plain(node.value)
        expected = _CORE_TAGS.get(tag)
        if expected is not None and isinstance(value, expected):
            return float(value) if tag.endswith("float") else value  # type: ignore[arg-type]
        self.note(
            Severity.WARNING, "yaml-tag", f"tag {tag} ignored; the value stays a string", node
        )
        return node.value


class _AliasBuilder(_Builder):
    """A builder for documents with aliases: aliased nodes are built once and shared.

    Sharing (as PyYAML does) keeps an alias bomb from costing anything but
    arithmetic: every reuse adds the node's expanded size to a running count,
    which must stay under ``max_nodes``, and its height to the current depth,
    which must stay under ``max_depth``; consumers that walk the shared data can
    therefore never see more than that.
    """

    def __init__(self, limits: Limits) -> None:
        super().__init__(limits)
        self.max_nodes = limits.max_nodes
        self.count = 0
        self.built: dict[int, tuple[Any, int]] = {}  # id(node) -> (value, expanded size)
        self.heights: dict[int, int] = {}
        self.active: set[int] = set()

    def build(self, node: Node, depth: int) -> Any:
        if node.__class__ is ScalarNode:
            self.count += 1
            return super().build(node, depth)
        key = id(node)
        if key in self.active:
            raise _Stop("yaml-recursive-alias", "an alias refers to its own ancestor", node)
        known = self.built.get(key)
        if known is not None:
            value, size = known
            self.count += size
            if self.count > self.max_nodes:
                raise _Stop(
                    "alias-bomb",
                    f"aliases of the node anchored here expand the document beyond "
                    f"{self.max_nodes:,} nodes (LoadOptions.max_nodes)",
                    node,
                )
            if depth + self._height(node) > self.max_depth:
                super().build(node, self.max_depth)  # raises too-deep at this node
            return value
        start = self.count
        self.count += 1
        self.active.add(key)
        try:
            value = super().build(node, depth)
        finally:
            self.active.discard(key)
        self.built[key] = (value, self.count - start)
        return value

    def _height(self, node: Node) -> int:
        """Collection levels in ``node`` (1 for a flat list or mapping)."""
        if node.__class__ is ScalarNode:
            return 0
        key = id(node)
        if key not in self.heights:
            children = node.value if node.__class__ is SequenceNode else [v for _, v in node.value]
            self.heights[key] = 1 + max((self._height(child) for child in children), default=0)
        return self.heights[key]


_ANCHOR = re.compile(r"&([^\s\[\]{},]+)")
_ALIAS = re.compile(r"\*([^\s\[\]{},]+)")


def anchor_names(text: str) -> set[str]:
    """The names some ``&name`` in the text defines (a superset: look-alikes in scalars count)."""
    return set(_ANCHOR.findall(text)) if "&" in text else set()


def names_used(text: str, start: int, stop: int) -> set[str]:
    """The names of the ``&name`` and ``*name`` tokens in ``text[start:stop]`` (``*b`` in
    ``&a*b`` too), which starts and ends at a line break: no token spans one. Each pattern
    opens with its literal character, so the regex engine jumps between them."""
    found = set(_ANCHOR.findall(text, start, stop)) if text.find("&", start, stop) >= 0 else set()
    if text.find("*", start, stop) >= 0:
        found.update(_ALIAS.findall(text, start, stop))
    return found


def has_aliases(text: str) -> bool:
    """True when some ``*name`` may refer to an ``&name`` (never a false negative)."""
    if "*" not in text:
        return False
    return any("*" + name in text for name in anchor_names(text))


def parse_yaml(
    text: str, display: str, limits: Limits, reporter: Reporter
) -> tuple[Parsed | None, YamlPositions]:
    """Parse a YAML text into plain data; report problems located in ``display``."""
    positions = YamlPositions(text)
    if HAVE_LIBYAML and may_be_deep(text):
        mark = too_deep_mark(text, C_STACK_SAFE_DEPTH)
        if mark is not None:
            limit = min(limits.max_depth, C_STACK_SAFE_DEPTH)
            message = f"the document nests deeper than {limit} levels (LoadOptions.max_depth)"
            location = SpecLocation(display, "", mark.line + 1, mark.column + 1)
            reporter.at(Severity.ERROR, "too-deep", message, location)
            return None, positions
    builder = _AliasBuilder(limits) if has_aliases(text) else _Builder(limits)
    root: Node | None = None
    with gc_paused():
        try:
            root = compose(text)
            data = None if root is None else builder.build(root, 0)
        except yaml.YAMLError as exc:
            if is_depth_error(exc):
                mark = getattr(exc, "problem_mark", None)
                line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
                location = SpecLocation(display, "", line, column)
                reporter.at(Severity.ERROR, "too-deep", "the document nests too deeply", location)
            else:
                report_syntax(exc, text, display, reporter)
            return None, positions
        except RecursionError:
            location = SpecLocation(display, "", 1, 1)
            reporter.at(Severity.ERROR, "too-deep", "the document nests too deeply", location)
            return None, positions
        except _Stop as stop:
            assert root is not None
            _report(
                reporter,
                display,
                root,
                (Severity.ERROR, stop.code, stop.message, stop.node, None, None),
            )
            return None, YamlPositions(text, root)
        if not builder.problems:
            # Free the node tree while the GC is still paused: a collection would
            # otherwise traverse every node once, for nothing.
            del root
            return Parsed(data, builder.holders), positions
    assert root is not None
    for problem in builder.problems:
        _report(reporter, display, root, problem)
    return Parsed(data, builder.holders), YamlPositions(text, root)


def parse_clean(text: str, limits: Limits, aliases: bool) -> tuple[Any, list[Any], int] | None:
    """(data, ``$ref`` holders, nodes built) when ``text`` parses without any report, else None.

    ``aliases`` builds as for a text with aliases (counting every node, which
    :func:`parse_yaml` then holds to ``max_nodes`` over the whole text); the count is 0
    without. For :mod:`apiforge.load.yaml_chunks`, which reports nothing itself.
    """
    if HAVE_LIBYAML and may_be_deep(text):
        return None
    builder = _AliasBuilder(limits) if aliases else _Builder(limits)
    with gc_paused():
        try:
            root = compose(text)
            data = None if root is None else builder.build(root, 0)
        except (yaml.YAMLError, RecursionError, _Stop):
            return None
        del root
    if builder.problems:
        return None
    return data, builder.holders, builder.count if isinstance(builder, _AliasBuilder) else 0


def _report(reporter: Reporter, display: str, root: Node, problem: _Problem) -> None:
    severity, code, message, node, key, at = problem
    pointer = pointer_of(root, node)
    if at is not None:
        mark = at.start_mark
    elif key is not None:
        pointer = jsonpointer.join(pointer, key.value)
        mark = key.start_mark
    else:
        mark, _ = node_at(root, pointer)  # a member's key line, as YamlPositions gives
    reporter.at(
        severity, code, message, SpecLocation(display, pointer, mark.line + 1, mark.column + 1)
    )
