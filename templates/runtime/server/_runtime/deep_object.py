"""A ``deepObject`` query parameter read into the object its keys spell.

``filter[name]=ann&filter[inner][age]=3&filter[tags]=a&filter[tags]=b`` is
``{"name": "ann", "inner": {"age": "3"}, "tags": ["a", "b"]}``: brackets nest, and a
property the schema makes an array collects every value sent for it (``filter[tags][]=a``
too), one value included; any other property repeated keeps its last value. Values stay
text (``param_text`` reads them by the schema). Brackets nest at most ``MAX_DEPTH``
levels; the rest of a deeper key is one key (its error echo stays shallow).
"""

from collections.abc import Iterable, Mapping
from typing import Any

from .param_text import _branches

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
        if len(path) > 1 and path[-1] == "":  # name[tags][]: an item of tags
            path.pop()
        _insert(found, path, value, _is_array(schema, path))
    return found


def _insert(node: dict[str, Any], path: list[str], value: str, array: bool) -> None:
    for step in path[:-1]:
        child = node.get(step)
        if not isinstance(child, dict):
            child = node[step] = {}
        node = child
    leaf = path[-1]
    if array:
        existing = node.get(leaf)
        node[leaf] = [*existing, value] if isinstance(existing, list) else [value]
    else:
        node[leaf] = value


def _is_array(schema: Mapping[str, Any], path: list[str]) -> bool:
    """True when the property at ``path`` below ``schema`` is an array (in some branch)."""
    nodes = [schema]
    for step in path:
        below: list[Mapping[str, Any]] = []
        for node in nodes:
            for branch in _branches(node):
                member = (branch.get("properties") or {}).get(step)
                extra = branch.get("additionalProperties")
                if isinstance(member, Mapping):
                    below.append(member)
                elif isinstance(extra, Mapping):
                    below.append(extra)
        nodes = below
    return any(branch.get("type") == "array" for node in nodes for branch in _branches(node))
