"""Naming: one global pass from spec names to safe, unique Python names.

Every name the generated code uses comes from here, typed as :data:`PyName` or
:data:`ClassName`, so a template never transforms a name. Collisions are
resolved deterministically (spec order, then numeric suffixes) and the result is
a frozen :class:`Names` map.

Client grouping scheme: an operation lives on a resource chain taken from its
path's static segments (``/api/projects/{id}/dashboards/`` -> ``dashboards``),
keeping only the segments its operationId mentions when the operationId starts
with one (``environments_dashboards_list`` -> ``environments.dashboards`` +
``list``); otherwise every static segment and the snake-cased operationId
(``listPets`` on ``/pets`` -> ``pets.list_pets``). A last segment that is an
action on an existing path (``/dashboards/{id}/move_tile/``) stays in the method
name instead of becoming a resource.
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NewType

if TYPE_CHECKING:
    from generator.ir.model import Api, Operation

PyName = NewType("PyName", str)
ClassName = NewType("ClassName", str)

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z0-9])|[A-Z]?[a-z0-9]+|[A-Z]+|[0-9]+")
# Names the generated modules import or define themselves; a spec name must not shadow them.
RESERVED_CLASS_NAMES = frozenset({
    "Any", "BaseModel", "ConfigDict", "Enum", "Field", "IntEnum", "Literal", "RootModel",
    "AwareDatetime", "NaiveDatetime", "Annotated", "Optional", "Union", "List", "Dict",
    "Client", "AsyncClient", "APIError", "Operation", "Param", "Body", "Outcome",
    "date", "datetime", "time", "timedelta", "UUID", "Decimal", "Path", "Query", "Header",
    "Cookie", "Request", "Response", "Depends", "FastAPI", "APIRouter", "Protocol", "rt",
})
RESERVED_METHOD_NAMES = frozenset({"close", "aclose", "with_options"})
RESERVED_PARAMS = frozenset({
    "self", "request_options", "context", "body", "request", "principal", "rt", "ops", "binder",
    "impls", "router", "datetime", "uuid", "httpx", "os", "typing", "Any", "Annotated",
})


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def words(text: str) -> list[str]:
    """Split any spec name (camelCase, snake_case, dotted, spaced, non-ASCII) into words."""
    return _WORD.findall(_ascii(text))


def snake_case(text: str) -> str:
    """``listPets`` -> ``list_pets``; ``X-Rate-Limit`` -> ``x_rate_limit``."""
    return "_".join(w.lower() for w in words(text))


def class_name(text: str) -> ClassName:
    """A PascalCase identifier for any text; never empty, never starts with a digit."""
    name = "".join(w[:1].upper() + w[1:] for w in words(text))
    if not name:
        name = "Model"
    if name[0].isdigit():
        name = "M" + name
    if name in RESERVED_CLASS_NAMES:
        name += "Model"
    return ClassName(name)


def py_name(text: str, reserved: Iterable[str] = ()) -> PyName:
    """A snake_case identifier that is no keyword or reserved name.

    Builtins are allowed (``id``, ``type``): a parameter or method named after one
    shadows nothing that generated code uses, and ``retrieve(id)`` reads better.
    """
    name = snake_case(text) or "value"
    if name[0].isdigit():
        name = "n_" + name
    if keyword.iskeyword(name) or keyword.issoftkeyword(name) or name in reserved:
        name += "_"
    return PyName(name)


def unique(name: str, taken: set[str]) -> str:
    """``name`` or ``name_2``, ``name_3``...: the first not in ``taken`` (which it joins)."""
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name}_{n}" if not name[-1].isdigit() else f"{name}_{n}"
    taken.add(candidate)
    return candidate


@dataclass(frozen=True)
class OperationNames:
    """Names of one operation: where it lives and what its arguments are called."""

    resource: tuple[PyName, ...]
    method: PyName
    params: dict[str, PyName]  # "location:wire name" -> python name
    function: PyName  # module-level snake name (server route function, operation constant)


@dataclass(frozen=True)
class Names:
    """The frozen result of the naming pass."""

    schemas: dict[str, ClassName]
    operations: dict[str, OperationNames]  # operation_id -> names


def param_key(location: str, name: str) -> str:
    """The key of a parameter in :attr:`OperationNames.params`."""
    return f"{location}:{name}"


def resolve_names(api: Api) -> Names:
    """Assign every schema, operation, resource and parameter its Python name."""
    schemas: dict[str, ClassName] = {}
    taken: set[str] = set()
    for key in api.schemas:
        schemas[key] = ClassName(unique(class_name(key), taken))
    ops: dict[str, OperationNames] = {}
    paths = {_shape(op.path) for op in api.operations}
    extended = {_shape(op.path).rsplit("/", 1)[0] for op in api.operations}
    prefix = _common_prefix([_statics(op.path) for op in api.operations])
    methods: dict[tuple[PyName, ...], set[str]] = {}
    functions: set[str] = set()
    for op in api.operations:
        resource, method = _place(op, paths, extended, prefix)
        taken_methods = methods.setdefault(resource, set(RESERVED_METHOD_NAMES))
        method = PyName(unique(method, taken_methods))
        function = PyName(unique(py_name(op.operation_id), functions))
        ops[op.operation_id] = OperationNames(resource, method, _param_names(op), function)
    return Names(schemas, _separate_resources_from_methods(ops, methods))


def _param_names(op: Operation) -> dict[str, PyName]:
    taken: set[str] = set(RESERVED_PARAMS)
    result: dict[str, PyName] = {}
    for param in op.parameters:
        result[param_key(param.location, param.name)] = PyName(unique(py_name(param.name, RESERVED_PARAMS), taken))
    return result


def _separate_resources_from_methods(
    ops: dict[str, OperationNames], methods: dict[tuple[PyName, ...], set[str]]
) -> dict[str, OperationNames]:
    """A sub-resource attribute may not share its name with a method of its parent."""
    renamed: dict[tuple[PyName, ...], tuple[PyName, ...]] = {}
    for names in ops.values():
        chain: tuple[PyName, ...] = ()
        for part in names.resource:
            parent = renamed.get(chain, chain)
            if part in methods.get(chain, set()) or part in RESERVED_METHOD_NAMES:
                part = PyName(part + "_resource")
            renamed[chain + (names.resource[len(chain)],)] = parent + (part,)
            chain = chain + (names.resource[len(chain)],)
    return {
        op_id: OperationNames(renamed.get(n.resource, n.resource), n.method, n.params, n.function)
        for op_id, n in ops.items()
    }


def _statics(path: str) -> list[str]:
    return [s for s in path.strip("/").split("/") if s and not s.startswith("{")]


def _shape(path: str) -> str:
    return "/".join("{}" if s.startswith("{") else s for s in path.strip("/").split("/"))


def _common_prefix(all_statics: list[list[str]]) -> int:
    if len(all_statics) < 2:
        return 0
    n = 0
    while all(len(s) > n + 1 and s[n] == all_statics[0][n] for s in all_statics):
        n += 1
    return n


def _place(op: Operation, paths: set[str], extended: set[str], prefix: int) -> tuple[tuple[PyName, ...], str]:
    segments = [s for s in op.path.strip("/").split("/") if s]
    statics = _statics(op.path)[prefix:]
    shape = _shape(op.path)
    action = None
    if segments and not segments[-1].startswith("{") and len(statics) > 1:
        parent = shape.rsplit("/", 1)[0]
        if parent in paths and shape not in extended:
            action = statics.pop()
    tokens = snake_case(op.operation_id).split("_") if op.operation_id else []
    chain, used = _match(tokens, statics)
    if chain:
        rest = tokens[used:]
        method = "_".join(rest) or _verb(op, segments)
    else:
        chain = [snake_case(s) for s in statics if snake_case(s)]
        method = snake_case(op.operation_id) or _verb(op, segments)
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
            if seg and tokens[pos:pos + len(seg)] == seg:
                chain.append("_".join(seg))
                pos += len(seg)
                remaining = remaining[i + 1:]
                break
        else:
            break
    if pos >= len(tokens):  # the whole id is path words: keep the last as the method
        return (chain[:-1], pos - len(chain[-1].split("_"))) if len(chain) > 1 else ([], 0)
    return chain, pos


def _verb(op: Operation, segments: list[str]) -> str:
    item = bool(segments) and segments[-1].startswith("{")
    verbs = {
        "GET": "retrieve" if item else "list", "POST": "create", "PUT": "update",
        "PATCH": "partial_update", "DELETE": "destroy",
    }
    return verbs.get(op.method, op.method.lower())
