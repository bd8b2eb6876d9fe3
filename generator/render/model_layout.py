"""Which module of a package's ``models/`` folder each component's classes live in (issue 15).

A *group* is what a program loads as one unit: a client resource module, or a server
group. A component reached (through the operations' types and then through what its
classes refer to) by exactly one group lives in that group's module; one that no
operation uses, and nothing used refers to, in ``_unused``; the others are placed by the
set of groups that reach them, one module per set, named after the set by the naming
pass (``_shared_pets_and_stores``, naming/shared.py). Whatever a class refers to is reached
by at least the groups that reach the class, so a module imports only modules of
larger sets (a component no operation uses counts as reached by an extra, unnamed
group, so what it refers to is placed as shared): there is no import cycle, and using
one group loads exactly the models its operations reach.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from apiforge.ir.model import Api, Operation, TypeRef
from apiforge.ir.shapes import Shape
from apiforge.naming.names import UNUSED_MODELS_MODULE, Names
from apiforge.naming.shared import shared_models_modules
from apiforge.naming.words import PyName
from apiforge.render.model_defaults import enumerable

_UNUSED = ""  # the unnamed group of the components no operation uses


def operation_keys(op: Operation) -> set[str]:
    """The components an operation's parameters, request bodies and responses name directly."""
    refs: list[TypeRef | None] = [p.type for p in op.parameters]
    if op.body is not None:
        refs += [c.type for c in op.body.contents]
    refs += [c.type for r in op.responses for c in r.contents]
    return {key for ref in refs for key in _models(ref)}


def _models(ref: TypeRef | None) -> Iterator[str]:
    while ref is not None:
        if ref.kind == "model" and ref.model is not None:
            yield ref.model
        ref = ref.item


def groups(api: Api, names: Names) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Module -> components used directly: per client resource module (``Client``'s own: the
    root), and per server group (one implementation class each); each operation read once."""
    chains: dict[tuple[PyName, ...], set[str]] = {}
    for op in api.operations:
        chain = names.operations[op.operation_id].resource
        chains.setdefault(chain, set()).update(operation_keys(op))
    client: dict[str, set[str]] = {}
    server: dict[str, set[str]] = {}
    for chain, keys in chains.items():
        client.setdefault(names.client_models_module(chain), set()).update(keys)
        server.setdefault(names.server_models_module(chain), set()).update(keys)
    return client, server


@dataclass(frozen=True)
class Layout:
    """Where each component's classes live, and which groups use each module."""

    placed: dict[str, str]  # component -> module of models/
    users: dict[str, tuple[str, ...]]  # module -> the groups reaching it, sorted ("": unused ones)


def assign(
    keys: Iterable[str], groups: Mapping[str, set[str]], deps: Mapping[str, set[str]]
) -> Layout:
    """Place every component by the set of groups that reach it.

    Args:
        keys: every component, in spec order.
        groups: module name -> the components that group's operations name directly.
        deps: component -> the components its classes refer to.
    """
    reach: dict[str, set[str]] = {key: set() for key in keys}
    for group in sorted(groups):
        for key in closure(groups[group], deps):
            if key in reach:
                reach[key].add(group)
    unused = [key for key, found in reach.items() if not found]
    for key in closure(unused, deps):
        if key in reach:
            reach[key].add(_UNUSED)
    modules: dict[frozenset[str], str] = {}
    modules.update(shared_models_modules(f for f in reach.values() if len(f) > 1))
    for found in {frozenset(f) for f in reach.values() if len(f) == 1}:
        modules[found] = UNUSED_MODELS_MODULE if found == {_UNUSED} else next(iter(found))
    placed = {key: modules[frozenset(found)] for key, found in reach.items()}
    users = {module: tuple(sorted(found)) for found, module in modules.items()}
    return Layout(placed, users)


def closure(start: Iterable[str], deps: Mapping[str, set[str]]) -> set[str]:
    """``start`` and every component reached from it through ``deps``."""
    seen: set[str] = set()
    todo = list(start)
    while todo:
        key = todo.pop()
        if key not in seen:
            seen.add(key)
            todo.extend(deps.get(key, ()))
    return seen


def class_names(
    shapes: dict[str, Shape], names: Names, split: frozenset[str], key: str
) -> list[tuple[str, bool]]:
    """``(class, is a real Enum)`` of each class component ``key`` becomes, without building it."""
    shape = shapes[key]
    enum = shape.kind == "enum" and enumerable(shape.enum_values)
    if key in split:
        return [(name, enum) for name in names.variants[key]]
    return [(names.schemas[key], enum)]
