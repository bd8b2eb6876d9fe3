"""The naming pass: one global pass from spec names to safe, unique Python names.

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

import functools
import keyword
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import TYPE_CHECKING

from apiforge.ir.model import form_fields, page_results, sent_range
from apiforge.ir.shapes import split_keys
from apiforge.naming.reserved import (
    CLIENT_MODULE_CONSTANTS,
    MODEL_ATTRIBUTES,
    RESERVED_CLASS_NAMES,
    RESERVED_METHOD_NAMES,
    RESERVED_PARAMS,
    SERVER_SCOPE,
)
from apiforge.naming.resources import (
    common_prefix,
    id_namespace,
    path_shape,
    place,
    separate_resources_from_methods,
    statics_of,
)
from apiforge.naming.schemas import enum_member_names, parameter_schema_names
from apiforge.naming.words import (
    ClassName,
    PyName,
    class_name,
    identifier,
    py_name,
    unique,
    unique_class,
)

if TYPE_CHECKING:
    from apiforge.ir.model import Api, Operation
    from apiforge.ir.shapes import Shape


# The modules of a package's ``models/`` folder that belong to no group (resource
# modules and group names never start with an underscore, so they cannot meet these).
SHARED_MODELS_MODULE = PyName("_shared")  # prefix of the modules groups share (naming/shared.py)
ROOT_MODELS_MODULE = PyName("_root")  # models only ``Client``'s own operations use
HELPERS_MODELS_MODULE = PyName("_helpers")  # the static helpers the model modules share
UNUSED_MODELS_MODULE = PyName("_unused")  # models no operation uses, nor anything used


@dataclass(frozen=True)
class OperationNames:
    """Names of one operation: where it lives and what its arguments are called."""

    resource: tuple[PyName, ...]
    method: PyName
    params: dict[str, PyName]  # "location:wire name" -> python name
    function: PyName  # server route function (nested in create_router)
    constant: str  # client operation constant (upper case); the server's route constant too
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

    def route_module(self, keyword: str) -> PyName:
        """The module of the server package's ``routes/`` folder declaring group ``keyword``'s routes.

        The group's create_app keyword (unique among groups); one starting with an
        underscore gets a suffix, so it never meets a dunder module.
        """
        return PyName(keyword + "_" if keyword.startswith("_") else keyword)


def param_key(location: str, name: str) -> str:
    """The key of a parameter in :attr:`OperationNames.params`."""
    return f"{location}:{name}"


CONTENT_TYPE_KEY = param_key("body", "Content-Type")
"""The key of a client method's ``content_type`` argument in :attr:`OperationNames.params`:
the media type a body is sent as, when the spec names a range (``image/*``)."""


def resolve_names(api: Api, shapes: dict[str, Shape] | None = None) -> Names:
    """Assign every schema, operation, resource and parameter its Python name.

    One pool of class names covers models, client resource classes and server
    interfaces (they meet in ``client.py`` and ``interfaces.py``); one pool of
    snake names covers create_app keywords, route functions and what their
    shared scope already uses (builtins included, so ``list[int]`` keeps meaning).
    """
    places: dict[str, tuple[tuple[PyName, ...], PyName]] = {}
    paths = {path_shape(op.path) for op in api.operations}
    extended = {path_shape(op.path).rsplit("/", 1)[0] for op in api.operations}
    prefix = common_prefix([statics_of(op.path) for op in api.operations])
    namespace = id_namespace([op.operation_id for op in api.operations])
    methods: dict[tuple[PyName, ...], set[str]] = {}
    for op in api.operations:
        resource, method = place(op, paths, extended, prefix, namespace)
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
    renamed = separate_resources_from_methods(places, methods)
    groups = _group_names({renamed[r] for r, _ in places.values()}, classes)
    scope = set(SERVER_SCOPE) | {g.keyword for g in groups.values()}
    ops: dict[str, OperationNames] = {}
    # Apart from ``scope``: a server keyword never meets a constant; a module's own may.
    constants: set[str] = set(CLIENT_MODULE_CONSTANTS)
    for op in api.operations:
        resource, method = places[op.operation_id]
        function = PyName(unique(py_name(op.operation_id, SERVER_SCOPE), scope))
        constant = unique(py_name(op.operation_id).upper(), constants)
        if constant in classes:
            constant = unique(constant + "_OP", classes)  # upper case: never a class of ours
            constants.add(constant)
        ops[op.operation_id] = OperationNames(
            renamed[resource],
            method,
            _param_names(op, api),
            function,
            constant,
            all_methods.get(op.operation_id),
        )
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


def _field_names(shape: Shape, classes: set[str]) -> dict[str, PyName]:
    """A model's field names: the wire name where it is a usable identifier, else a close one (with an alias)."""
    taken: set[str] = set()
    result: dict[str, PyName] = {}
    for wire in shape.property_names:
        name, capital = _field_stem(wire)
        if capital and name in classes:
            name += "_"
        if name in taken:
            name = unique(name, taken)
        else:  # what unique() does with a name not taken
            taken.add(name)
        result[wire] = PyName(name)
    return result


@functools.lru_cache(maxsize=16384)  # a pure function of the text: field names repeat across models
def _field_stem(wire: str) -> tuple[str, bool]:
    """A field's name before the model's classes and other fields are seen, and whether
    it may meet a class (then it takes a ``_`` as a keyword or a model attribute does)."""
    name = identifier(wire)
    if keyword.iskeyword(name) or name in MODEL_ATTRIBUTES or name.startswith("model_"):
        return name + "_", False
    return name, name[:1].isupper()


def _enum_hints(api: Api, key: str) -> tuple[tuple[str, ...], str]:
    """What the spec says about an enum's members besides their values: x-enum-varnames, its description."""
    schema = api.schemas.get(key)
    return (schema.enum_varnames, schema.description) if schema is not None else ((), "")


def _group_names(
    chains: set[tuple[PyName, ...]], classes: set[str]
) -> dict[tuple[PyName, ...], GroupNames]:
    """Class and keyword names of every chain and of every prefix of one (the root too)."""
    every = {chain[:i] for chain in chains for i in range(len(chain) + 1)} | {()}
    keywords: set[str] = set(SERVER_SCOPE)
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
        keyword = py_name("_".join(chain) or "root", SERVER_SCOPE)
        groups[chain] = GroupNames(
            ClassName(candidate), interface, PyName(unique(keyword, keywords)), base
        )
    return groups


def _param_names(op: Operation, api: Api) -> dict[str, PyName]:
    """Parameters first, then the fields of a form/multipart body (the server takes them one by
    one), then the client's ``content_type`` argument (:data:`CONTENT_TYPE_KEY`)."""
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
    if sent_range(op.body):  # named last: no other argument's name moves
        result[CONTENT_TYPE_KEY] = PyName(unique("content_type", taken))
    return result
