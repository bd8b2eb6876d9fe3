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

import builtins
import keyword
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import TYPE_CHECKING, NewType

from generator.ir.model import form_fields, page_results

if TYPE_CHECKING:
    from generator.ir.model import Api, Operation
    from generator.ir.shapes import Shape

PyName = NewType("PyName", str)
ClassName = NewType("ClassName", str)

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z0-9])|[A-Z]?[a-z0-9]+|[A-Z]+|[0-9]+")
# Names the generated modules import or define themselves; a spec name must not shadow them.
RESERVED_CLASS_NAMES = frozenset(
    {
        "Any",
        "BaseModel",
        "ConfigDict",
        "Enum",
        "Field",
        "IntEnum",
        "Literal",
        "RootModel",
        "AwareDatetime",
        "NaiveDatetime",
        "Annotated",
        "Optional",
        "Union",
        "List",
        "Dict",
        "Client",
        "AsyncClient",
        "APIError",
        "Operation",
        "Param",
        "Body",
        "Outcome",
        "date",
        "datetime",
        "time",
        "timedelta",
        "UUID",
        "Decimal",
        "Path",
        "Query",
        "Header",
        "Cookie",
        "Request",
        "Response",
        "Depends",
        "FastAPI",
        "APIRouter",
        "Protocol",
        "rt",
        "Mapping",
        "Sequence",
        "Iterator",
        "AsyncIterator",
        "Self",
        "TypeAlias",
        "AnyUrl",
        "AnyHttpUrl",
        "EmailStr",
        "Json",
        "SecretStr",
        "StrictStr",
        "StrictInt",
        "StrictBool",
        "StrictFloat",
        "StrictBytes",
        "Base64Str",
        "Base64Bytes",
        "RootResource",
        "AsyncRootResource",
    }
)
# Names a create_router/create_app scope defines or reads; route functions and
# create_app keywords live there, so they must not shadow any of them.
_SERVER_SCOPE = frozenset(
    {
        "request",
        "principal",
        "body",
        "binder",
        "impls",
        "router",
        "authenticate",
        "middleware",
        "fastapi_kwargs",
        "settings",
        "app",
        "rt",
        "datetime",
        "uuid",
        "builtins",
        "create_app",
        "create_router",
        "self",
        "context",
        "fields",
        "pydantic",
        "fastapi",
    }
) | frozenset(dir(builtins))
RESERVED_METHOD_NAMES = frozenset({"close", "aclose", "with_options"})
RESERVED_PARAMS = frozenset(
    {
        "self",
        "request_options",
        "context",
        "body",
        "request",
        "principal",
        "rt",
        "ops",
        "binder",
        "impls",
        "router",
        "datetime",
        "uuid",
        "httpx",
        "os",
        "typing",
        "Any",
        "Annotated",
        "builtins",
        "fields",
    }
)


# Letters that Unicode decomposition does not reduce to ASCII.
_TRANSLITERATE = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "Th",
        "ı": "i",
    }
)


def _ascii(text: str) -> str:
    return (
        unicodedata.normalize("NFKD", text.translate(_TRANSLITERATE))
        .encode("ascii", "ignore")
        .decode()
    )


def words(text: str) -> list[str]:
    """Split any spec name (camelCase, snake_case, dotted, spaced, non-ASCII) into words.

    Accented Latin letters lose their accents (``größe`` -> ``grosse``); a name with
    no Latin letter at all (``名前``) keeps its own letters, NFKC-normalized as
    Python normalizes identifiers, since Python 3 accepts them.
    """
    found = _WORD.findall(_ascii(text))
    if found:
        return found
    native = unicodedata.normalize("NFKC", text)
    return [w for w in re.findall(r"[^\W_]+", native) if ("a" + w).isidentifier()]


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
    if name in RESERVED_CLASS_NAMES or keyword.iskeyword(name):
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
        candidate = f"{name}_{n}"
    taken.add(candidate)
    return candidate


def unique_class(name: ClassName, taken: set[str]) -> ClassName:
    """``name`` or ``Name2``, ``Name3``...: the first not in ``taken`` (which it joins).

    No underscore: the models stage would drop it (``Pet_2`` becomes ``Pet2``).
    """
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = ClassName(f"{name}{n}")
    taken.add(candidate)
    return candidate


# The modules of a package's ``models/`` folder that belong to no group (resource
# modules and group names never start with an underscore, so they cannot meet these).
SHARED_MODELS_MODULE = PyName("_shared")  # models used by several groups, or by none
ROOT_MODELS_MODULE = PyName("_root")  # models only ``Client``'s own operations use
HELPERS_MODELS_MODULE = PyName("_helpers")  # the static helpers the model modules share


@dataclass(frozen=True)
class OperationNames:
    """Names of one operation: where it lives and what its arguments are called."""

    resource: tuple[PyName, ...]
    method: PyName
    params: dict[str, PyName]  # "location:wire name" -> python name
    function: PyName  # server route function (nested in create_router)
    constant: str  # client operation constant in _operations.py (upper case)
    all_method: PyName | None = None  # client twin iterating every page's items (paginated GETs)


@dataclass(frozen=True)
class GroupNames:
    """Names of one resource chain: its client classes and its server interface."""

    resource_class: ClassName  # client; the async twin is "Async" + this
    interface: ClassName  # server Protocol
    keyword: PyName  # create_app/create_router keyword binding the implementation
    base: ClassName  # server base class whose every method answers 501 (subclass it for a partial server)


@dataclass(frozen=True)
class Names:
    """The frozen result of the naming pass."""

    schemas: dict[str, ClassName]
    operations: dict[str, OperationNames]  # operation_id -> names
    groups: dict[
        tuple[PyName, ...], GroupNames
    ]  # every resource chain and its prefixes, () included
    fields: dict[str, dict[str, PyName]] = dataclass_field(
        default_factory=dict
    )  # component -> property -> field
    members: dict[str, tuple[PyName, ...]] = dataclass_field(
        default_factory=dict
    )  # enum component -> member names
    variants: dict[str, tuple[ClassName, ClassName]] = dataclass_field(
        default_factory=dict
    )  # split: request, response

    def client_models_module(self, chain: tuple[PyName, ...]) -> PyName:
        """The module of the client's ``models/`` folder for the models only this resource uses."""
        return self.resource_module(chain[0]) if chain else ROOT_MODELS_MODULE

    def server_models_module(self, chain: tuple[PyName, ...]) -> PyName:
        """The module of the server's ``models/`` folder for the models only this group uses."""
        return self.resource_module(self.groups[chain].keyword)

    def resource_module(self, attr: str) -> PyName:
        """The module of the client package's ``client/`` folder holding top-level resource ``attr``.

        The resource's attribute name, which never starts with an underscore, so it
        cannot meet ``_client`` (Client itself); one that does anyway gets a suffix.
        """
        return PyName(attr + "_" if attr.startswith("_") else attr)


def param_key(location: str, name: str) -> str:
    """The key of a parameter in :attr:`OperationNames.params`."""
    return f"{location}:{name}"


def resolve_names(api: Api, shapes: dict[str, Shape] | None = None) -> Names:
    """Assign every schema, operation, resource and parameter its Python name.

    One pool of class names covers models, client resource classes and server
    interfaces (they meet in ``client.py`` and ``interfaces.py``); one pool of
    snake names covers create_app keywords, route functions and what their
    shared scope already uses (builtins included, so ``list[int]`` keeps meaning).
    """
    from generator.naming_schemas import enum_member_names, parameter_schema_names

    places: dict[str, tuple[tuple[PyName, ...], PyName]] = {}
    paths = {_shape(op.path) for op in api.operations}
    extended = {_shape(op.path).rsplit("/", 1)[0] for op in api.operations}
    prefix = _common_prefix([_statics(op.path) for op in api.operations])
    methods: dict[tuple[PyName, ...], set[str]] = {}
    for op in api.operations:
        resource, method = _place(op, paths, extended, prefix)
        taken_methods = methods.setdefault(resource, set(RESERVED_METHOD_NAMES))
        places[op.operation_id] = (resource, PyName(unique(method, taken_methods)))
    # Page iterators come second: an operation's own name wins, a twin that collides is numbered.
    all_methods = {
        op.operation_id: PyName(
            unique(places[op.operation_id][1] + "_all", methods[places[op.operation_id][0]])
        )
        for op in api.operations
        if page_results(api, op) is not None
    }
    schemas: dict[str, ClassName] = {}
    classes: set[str] = set(RESERVED_CLASS_NAMES)
    shared = parameter_schema_names(api, places)
    for key in api.schemas:
        schemas[key] = unique_class(shared.get(key) or class_name(key), classes)
    renamed = _separate_resources_from_methods(places, methods)
    groups = _group_names({renamed[r] for r, _ in places.values()}, classes)
    scope = set(_SERVER_SCOPE) | {g.keyword for g in groups.values()}
    ops: dict[str, OperationNames] = {}
    for op in api.operations:
        resource, method = places[op.operation_id]
        function = PyName(unique(py_name(op.operation_id, _SERVER_SCOPE), scope))
        constant = function.upper()
        if constant in classes:
            constant = unique(constant + "_OP", classes)  # upper case: never a class of ours
        ops[op.operation_id] = OperationNames(
            renamed[resource],
            method,
            _param_names(op, api),
            function,
            constant,
            all_methods.get(op.operation_id),
        )
    from generator.ir.shapes import split_keys

    shapes = shapes or {}
    split = split_keys(shapes)
    variants = {
        key: (
            unique_class(ClassName(schemas[key] + "Request"), classes),
            unique_class(ClassName(schemas[key] + "Response"), classes),
        )
        for key in shapes
        if key in split
    }
    fields = {
        key: _field_names(shape, classes) for key, shape in shapes.items() if shape.kind == "object"
    }
    members = {
        key: enum_member_names(shape.enum_values, *_enum_hints(api, key))
        for key, shape in shapes.items()
        if shape.kind == "enum"
    }
    return Names(schemas, ops, groups, fields, members, variants)


# Field names a model must not use: what BaseModel defines, and what the module's annotations spell.
_MODEL_ATTRIBUTES = frozenset(
    {
        "schema",
        "json",
        "dict",
        "copy",
        "construct",
        "validate",
        "parse_obj",
        "parse_raw",
        "parse_file",
        "from_orm",
        "schema_json",
        "update_forward_refs",
        "fields",
        "str",
        "int",
        "float",
        "bool",
        "bytes",
        "list",
        "object",
        "None",
        "True",
        "False",
    }
)


def _identifier(text: str) -> str:
    """Spec text as an identifier: NFKC (as Python reads it), other characters as ``_``, ``field`` before
    a digit or an underscore (``1st`` -> ``field_1st``, ``_id`` -> ``field_id``)."""
    name = unicodedata.normalize("NFKC", text)
    name = (
        name
        if name.isidentifier()
        else "".join(c if ("a" + c).isidentifier() else "_" for c in name)
    )
    return (
        "field_" + name
        if not name or name[0].isdigit()
        else "field" + name
        if name[0] == "_"
        else name
    )


def _field_names(shape: Shape, classes: set[str]) -> dict[str, PyName]:
    """A model's field names: the wire name where it is a usable identifier, else a close one (with an alias)."""
    taken: set[str] = set()
    result: dict[str, PyName] = {}
    for prop in shape.properties:
        name = _identifier(prop.name)
        if (
            keyword.iskeyword(name)
            or name in _MODEL_ATTRIBUTES
            or name.startswith("model_")
            or name[:1].isupper()
            and name in classes
        ):
            name += "_"
        result[prop.name] = PyName(unique(name, taken))
    return result


def _enum_hints(api: Api, key: str) -> tuple[tuple[str, ...], str]:
    """What the spec says about an enum's members besides their values: x-enum-varnames, its description."""
    schema = api.schemas.get(key)
    return (schema.enum_varnames, schema.description) if schema is not None else ((), "")


def _group_names(
    chains: set[tuple[PyName, ...]], classes: set[str]
) -> dict[tuple[PyName, ...], GroupNames]:
    """Class and keyword names of every chain and of every prefix of one (the root too)."""
    every = {chain[:i] for chain in chains for i in range(len(chain) + 1)} | {()}
    keywords: set[str] = set(_SERVER_SCOPE)
    groups: dict[tuple[PyName, ...], GroupNames] = {}
    for chain in sorted(every, key=lambda c: (len(c), c)):
        stem = class_name("_".join(chain)) if chain else "Root"
        resource = stem + "Resource"
        candidate, n = resource, 1
        while candidate in classes or "Async" + candidate in classes:
            n += 1
            candidate = f"{stem}{n}Resource"
        classes.update((candidate, "Async" + candidate))
        interface = unique_class(ClassName(stem + "Api"), classes)
        base = unique_class(ClassName(stem + "Base"), classes)
        keyword = py_name("_".join(chain) or "root", _SERVER_SCOPE)
        groups[chain] = GroupNames(
            ClassName(candidate), interface, PyName(unique(keyword, keywords)), base
        )
    return groups


def _param_names(op: Operation, api: Api) -> dict[str, PyName]:
    """Parameters first, then the fields of a form/multipart body (the server takes them one by one)."""
    taken: set[str] = set(RESERVED_PARAMS)
    result: dict[str, PyName] = {}
    for param in op.parameters:
        result[param_key(param.location, param.name)] = PyName(
            unique(py_name(param.name, RESERVED_PARAMS), taken)
        )
    for field in form_fields(api, op.body):
        result[param_key("form", field.name)] = PyName(
            unique(py_name(field.name, RESERVED_PARAMS), taken)
        )
    return result


def _separate_resources_from_methods(
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


def _statics(path: str) -> list[str]:
    return [s for s in path.strip("/").split("/") if s and "{" not in s]


def _shape(path: str) -> str:
    return "/".join("{}" if "{" in s else s for s in path.strip("/").split("/"))


def _common_prefix(all_statics: list[list[str]]) -> int:
    if len(all_statics) < 2:
        return 0
    n = 0
    while all(len(s) > n + 1 and s[n] == all_statics[0][n] for s in all_statics):
        n += 1
    return n


def _place(
    op: Operation, paths: set[str], extended: set[str], prefix: int
) -> tuple[tuple[PyName, ...], str]:
    segments = [s for s in op.path.strip("/").split("/") if s]
    statics = _statics(op.path)[prefix:]
    shape = _shape(op.path)
    action = None
    if segments and "{" not in segments[-1] and len(statics) > 1:
        parent = shape.rsplit("/", 1)[0]
        if parent in paths and shape not in extended:
            action = statics.pop()
    tokens = snake_case(op.operation_id).split("_") if op.operation_id else []
    chain, used = _match(tokens, statics)
    if chain:
        rest = tokens[used:]
        from generator.naming_schemas import without_repeated_verb

        method = without_repeated_verb("_".join(rest)) or _verb(op, segments)
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
