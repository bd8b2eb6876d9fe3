"""Where a JSON pointer sits in a YAML text: walking the composed node tree.

Used only when a diagnostic needs a line: :class:`YamlPositions` composes the
text again on first use (the happy path never keeps a node tree).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml  # type: ignore[import-untyped, unused-ignore]
from yaml.nodes import (  # type: ignore[import-untyped, unused-ignore]
    MappingNode,
    Node,
    ScalarNode,
    SequenceNode,
)

from apiforge.load import jsonpointer
from apiforge.load.yaml_compose import PLAIN, compose, gc_paused


def _pairs(node: Node) -> Iterator[tuple[Node, Node]]:
    """A mapping's pairs, then those it merges in (``<<``)."""
    merges: list[Node] = []
    for key, value in node.value:
        if key.__class__ is ScalarNode and key.value == "<<" and key.tag is PLAIN:
            merges.extend(value.value if value.__class__ is SequenceNode else [value])
        else:
            yield key, value
    for merged in merges:
        if merged.__class__ is MappingNode:
            yield from _pairs(merged)


def _members(node: Node) -> dict[str, tuple[Node, Node]]:
    """A mapping's members as the data sees them: the last duplicate wins, merges fill gaps."""
    members: dict[str, tuple[Node, Node]] = {}
    merged: dict[str, tuple[Node, Node]] = {}
    for key, value in node.value:
        if key.__class__ is ScalarNode and key.value == "<<" and key.tag is PLAIN:
            for source in value.value if value.__class__ is SequenceNode else [value]:
                if source.__class__ is MappingNode:
                    for name, pair in _members(source).items():
                        merged.setdefault(name, pair)
        elif key.__class__ is ScalarNode:
            members[key.value] = (key, value)
    return {**merged, **members}


def node_at(
    root: Node, pointer: str, cache: dict[int, dict[str, tuple[Node, Node]]] | None = None
) -> tuple[Any, Node]:
    """The mark of the deepest node on ``pointer``'s path (a member's key mark) and that node.

    ``cache`` (id of a mapping node -> its members) makes repeated lookups cheap.
    """
    cache = {} if cache is None else cache
    node, mark = root, root.start_mark
    for token in jsonpointer.split(pointer):
        if node.__class__ is MappingNode:
            members = cache.get(id(node))
            if members is None:
                members = cache[id(node)] = _members(node)
            found = members.get(token)
            if found is None:
                break
            mark, node = found[0].start_mark, found[1]
        elif node.__class__ is SequenceNode and token.isdigit() and int(token) < len(node.value):
            node = node.value[int(token)]
            mark = node.start_mark
        else:
            break
    return mark, node


def pointer_of(root: Node, target: Node) -> str:
    """The pointer of the first occurrence of ``target`` in the tree (error paths only)."""
    stack: list[tuple[Node, str]] = [(root, "")]
    seen: set[int] = set()
    while stack:
        node, pointer = stack.pop()
        if node is target:
            return pointer
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node.__class__ is MappingNode:
            stack.extend(
                (v, jsonpointer.join(pointer, k.value))
                for k, v in reversed(list(_pairs(node)))
                if k.__class__ is ScalarNode
            )
        elif node.__class__ is SequenceNode:
            stack.extend(
                (v, jsonpointer.join(pointer, i)) for i, v in reversed(list(enumerate(node.value)))
            )
    return ""


def flatten(root: Node) -> dict[str, int]:
    """Every pointer of the tree -> its packed position (``line << 32 | column``, 0-based).

    Members map to their key's position. A node reached again through an alias is
    not walked twice (its second copy resolves to the alias itself).
    """
    index: dict[str, int] = {"": root.start_mark.line << 32 | root.start_mark.column}
    seen: set[int] = set()
    stack: list[tuple[Node, str]] = [(root, "")]
    while stack:
        node, pointer = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node.__class__ is MappingNode:
            for name, (key, value) in _members(node).items():
                child = (
                    pointer
                    + "/"
                    + (jsonpointer.escape(name) if "~" in name or "/" in name else name)
                )
                index[child] = key.start_mark.line << 32 | key.start_mark.column
                if value.__class__ is not ScalarNode:
                    stack.append((value, child))
        elif node.__class__ is SequenceNode:
            for position, item in enumerate(node.value):
                child = f"{pointer}/{position}"
                index[child] = item.start_mark.line << 32 | item.start_mark.column
                if item.__class__ is not ScalarNode:
                    stack.append((item, child))
    return index


class YamlPositions:
    """Line/column lookup for one YAML text.

    On first use the text is composed again and flattened into a pointer ->
    position table made only of strings and ints, which the garbage collector
    never has to walk; the node tree itself is dropped at once.
    """

    def __init__(self, text: str, root: Node | None = None) -> None:
        self._text = text
        self._index: dict[str, int] | None = None
        if root is not None:
            with gc_paused():
                self._index = flatten(root)

    def table(self) -> dict[str, int]:
        """Every pointer -> its packed position (see :func:`flatten`); composes on first use."""
        self.position("")
        assert self._index is not None
        return dict(self._index)

    @property
    def indexed(self) -> bool:
        """Whether the pointer table exists already (lookups cost nothing more)."""
        return self._index is not None

    def position(self, pointer: str) -> tuple[int, int] | None:
        """1-based (line, column) of ``pointer`` (its key, for mapping members).

        A pointer that goes beyond the document gives its deepest existing node.
        """
        if self._index is None:
            try:
                with gc_paused():
                    root = compose(self._text)
                    self._index = {"": 0} if root is None else flatten(root)
                    del root
            except yaml.YAMLError:
                self._index = {"": 0}
        prefix = pointer
        while prefix not in self._index:
            if not prefix.startswith("/"):
                return None
            prefix = prefix[: prefix.rfind("/")]
        packed = self._index[prefix]
        return (packed >> 32) + 1, (packed & 0xFFFFFFFF) + 1
