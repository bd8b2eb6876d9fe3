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

from generator import jsonpointer
from generator.yaml_compose import PLAIN, compose, gc_paused


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


def node_at(root: Node, pointer: str) -> tuple[Any, Node]:
    """The mark of the deepest node on ``pointer``'s path (a member's key mark) and that node."""
    node, mark = root, root.start_mark
    for token in jsonpointer.split(pointer):
        if node.__class__ is MappingNode:
            found = next(((k, v) for k, v in _pairs(node) if k.value == token), None)
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


class YamlPositions:
    """Line/column lookup for one YAML text; composes the text again when first asked."""

    def __init__(self, text: str, root: Node | None = None) -> None:
        self._text = text
        self._root = root
        self._composed = root is not None

    def position(self, pointer: str) -> tuple[int, int] | None:
        """1-based (line, column) of ``pointer`` (its key, for mapping members)."""
        if not self._composed:
            self._composed = True
            try:
                with gc_paused():
                    self._root = compose(self._text)
            except yaml.YAMLError:
                self._root = None
        if self._root is None:
            return (1, 1)
        try:
            mark, _ = node_at(self._root, pointer)
        except ValueError:
            return None
        return mark.line + 1, mark.column + 1
