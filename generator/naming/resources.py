"""Where each operation lives in the client: its resource chain and its method name.

Part of the naming pass (:func:`apiforge.naming.names.resolve_names` calls
:func:`place`); the scheme is described in :mod:`apiforge.naming`.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from apiforge.naming.reserved import RESERVED_METHOD_NAMES
from apiforge.naming.schemas import without_repeated_verb
from apiforge.naming.words import PyName, py_name, snake_case

if TYPE_CHECKING:
    from apiforge.ir.model import Operation


def separate_resources_from_methods(
    places: dict[str, tuple[tuple[PyName, ...], PyName]],
    methods: dict[tuple[PyName, ...], set[str]],
) -> dict[tuple[PyName, ...], tuple[PyName, ...]]:
    """A sub-resource attribute may not share its name with a method of its parent.

    Returns the final chain of every chain used (unchanged when nothing clashed).
    """
    renamed: dict[tuple[PyName, ...], tuple[PyName, ...]] = {(): ()}
    for resource, _ in places.values():
        chain: tuple[PyName, ...] = ()
        for part in resource:
            parent = renamed.get(chain, chain)
            if part in methods.get(chain, set()) or part in RESERVED_METHOD_NAMES:
                part = PyName(part + "_resource")
            renamed.setdefault(chain + (resource[len(chain)],), parent + (part,))
            chain = chain + (resource[len(chain)],)
    return renamed


def statics_of(path: str) -> list[str]:
    """The path's static segments that are words (``/a/{id}/b/404`` -> ``a``, ``b``).

    A segment of digits alone (a status code, a fixed id) is a value, not a name: it
    makes no resource of its own (``/status/404`` lives on ``client.status``, not on a
    resource ``n_404`` holding that one operation).
    """
    return list(_statics(path))


@functools.lru_cache(maxsize=16384)  # asked twice per operation
def _statics(path: str) -> tuple[str, ...]:
    return tuple(
        s
        for s in path.strip("/").split("/")
        if s and "{" not in s and not (s.isascii() and s.isdigit())
    )


@functools.lru_cache(maxsize=16384)  # asked three times per operation
def path_shape(path: str) -> str:
    """The path with every template segment as ``{}``."""
    return "/".join("{}" if "{" in s else s for s in path.strip("/").split("/"))


def common_prefix(all_statics: list[list[str]]) -> int:
    """How many leading static segments every path shares (and that none ends with)."""
    if len(all_statics) < 2:
        return 0
    n = 0
    while all(len(s) > n + 1 and s[n] == all_statics[0][n] for s in all_statics):
        n += 1
    return n


def id_namespace(operation_ids: list[str]) -> int:
    """How many leading dotted parts of the operationIds name the API rather than the
    operation: those every id shares (``compute`` in Google's ``compute.instances.list``)."""
    split = [i.split(".") for i in operation_ids]
    if len(split) < 2:
        return 0
    n = 0
    while all(len(parts) > n + 1 and parts[n] == split[0][n] for parts in split):
        n += 1
    return n


def place(
    op: Operation, paths: set[str], extended: set[str], prefix: int, namespace: int = 0
) -> tuple[tuple[PyName, ...], str]:
    """The operation's resource chain and method name (before uniqueness).

    The chain is the path's words the operationId starts with; failing that, the first
    ``namespace`` dotted parts of the id (see :func:`id_namespace`) are skipped, and
    failing that too, the rest of such an id (``instances.aggregatedList``) names its own
    chain. Dotted ids without a shared namespace are placed as before (no renames).
    """
    segments = [s for s in op.path.strip("/").split("/") if s]
    statics = statics_of(op.path)[prefix:]
    shape = path_shape(op.path)
    action = None
    if segments and "{" not in segments[-1] and len(statics) > 1:
        parent = shape.rsplit("/", 1)[0]
        if parent in paths and shape not in extended:
            action = statics.pop()
    tokens = snake_case(op.operation_id).split("_") if op.operation_id else []
    chain, used = _match(tokens, statics)
    dotted = [snake_case(part) for part in op.operation_id.split(".")[namespace:]]
    if not chain and namespace:
        skip = len(tokens) - len("_".join(dotted).split("_"))
        chain, used = _match(tokens[skip:], statics)
        used += skip
    if chain:
        rest = tokens[used:]
        method = without_repeated_verb("_".join(rest)) or _verb(op, segments)
    elif namespace and len(dotted) > 1 and all(dotted):
        chain, method = dotted[:-1], dotted[-1]
    else:
        chain = [snake_case(s) for s in statics if snake_case(s)]
        method = "_".join(part for part in dotted if part) or _verb(op, segments)
        if action and not op.operation_id:
            method = f"{snake_case(action)}_{method}"
    resource = tuple(py_name(part) for part in chain)
    return resource, py_name(method, RESERVED_METHOD_NAMES)


def _match(tokens: list[str], statics: list[str]) -> tuple[list[str], int]:
    """Leading operationId tokens that spell path segments, in order (segments may be skipped)."""
    chain: list[str] = []
    pos = 0
    remaining = [snake_case(s).split("_") for s in statics]
    while remaining and pos < len(tokens):
        for i, seg in enumerate(remaining):
            if seg and tokens[pos : pos + len(seg)] == seg:
                chain.append("_".join(seg))
                pos += len(seg)
                remaining = remaining[i + 1 :]
                break
        else:
            break
    if pos >= len(tokens):  # the whole id is path words: keep the last as the method
        return (chain[:-1], pos - len(chain[-1].split("_"))) if len(chain) > 1 else ([], 0)
    return chain, pos


def _verb(op: Operation, segments: list[str]) -> str:
    item = bool(segments) and segments[-1].startswith("{")
    verbs = {
        "GET": "retrieve" if item else "list",
        "POST": "create",
        "PUT": "update",
        "PATCH": "partial_update",
        "DELETE": "destroy",
    }
    return verbs.get(op.method, op.method.lower())
