"""A ``deepObject`` query parameter read into the object its keys spell.

``filter[name]=ann&filter[inner][age]=3&filter[tags]=a&filter[tags]=b`` is
``{"name": "ann", "inner": {"age": "3"}, "tags": ["a", "b"]}``: brackets nest, and a
property the schema makes an array collects every value sent for it (``filter[tags][]=a``
too), one value included; a property that may be an array (a union with one, or no
type) collects repeated values, a single one stays as sent; any other property repeated
keeps its last value. Values stay text (``param_text`` reads them by the schema).
Brackets nest at most ``MAX_DEPTH`` levels; the rest of a deeper key is one key.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from .param_text import branches

MAX_DEPTH = 32


def deep_object(
    pairs: Iterable[tuple[str, str]], name: str, schema: Mapping[str, Any]
) -> dict[str, Any]:
    """The object the query ``pairs`` (decoded keys and values) spell for parameter ``name``."""
    prefix = name + "["
    found: dict[str, Any] = {}
    for key, value in pairs:
        if not (key.startswith(prefix) and key.endswith("]")):
            continue
        path = key[len(prefix) : -1].split("][", MAX_DEPTH - 1)
        item = len(path) > 1 and path[-1] == ""  # name[tags][]: an item of tags
        if item:
            path.pop()
        arrays = _arrays(schema, path)
        _insert(found, path, value, "always" if item and arrays == "maybe" else arrays)
    return found


def _insert(node: dict[str, Any], path: list[str], value: str, arrays: str) -> None:
    """Set ``value`` at ``path``: as an item of a list (``arrays`` "always"), as one once
    repeated ("maybe"), else in place of any value before it ("never")."""
    for step in path[:-1]:
        child = node.get(step)
        if not isinstance(child, dict):
            child = node[step] = {}
        node = child
    leaf = path[-1]
    existing = node.get(leaf)
    if arrays == "never":
        node[leaf] = value
    elif isinstance(existing, (list, str)):
        node[leaf] = [*existing, value] if isinstance(existing, list) else [existing, value]
    else:
        node[leaf] = [value] if arrays == "always" else value


def _arrays(schema: Mapping[str, Any], path: list[str]) -> str:
    """Whether the property at ``path`` below ``schema`` is an array: "always" (every
    typed branch but null is one), "maybe" (some branch is one, or it has no type: a
    single value stays one) or "never"."""
    nodes = [schema]
    for step in path:
        below: list[Mapping[str, Any]] = []
        for node in nodes:
            for branch in branches(node):
                member = (branch.get("properties") or {}).get(step)
                extra = branch.get("additionalProperties")
                if isinstance(member, Mapping):
                    below.append(member)
                elif isinstance(extra, Mapping) or extra is True:
                    below.append(extra if isinstance(extra, Mapping) else {})
        nodes = below
    kinds: set[str] = set()
    untyped = False
    for node in nodes:
        found = {kind for branch in branches(node) for kind in _kinds(branch)}
        untyped = untyped or not found
        kinds |= found
    kinds.discard("null")
    if kinds == {"array"}:
        return "always"
    return "maybe" if "array" in kinds or untyped else "never"


def _kinds(branch: Mapping[str, Any]) -> list[str]:
    """The types ``branch`` names (an enum or const without one: "scalar")."""
    kind = branch.get("type")
    if isinstance(kind, str):
        return [kind]
    if isinstance(kind, list):
        return [k for k in kind if isinstance(k, str)]
    return ["scalar"] if "enum" in branch or "const" in branch else []
