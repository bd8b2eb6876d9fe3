"""Schema -> type expression for the models module, in the client's or the server's flavour.

A :class:`Type` is a small tree (a name, a model class, ``list``/``dict``, a union,
an ``Annotated`` with metadata, a ``Literal``) spelt two ways: as an annotation
(``A | B``, read lazily thanks to ``from __future__ import annotations``) and as a
runtime expression for a ``RootModel[...]`` base, where a class defined further down
is quoted and a union holding one is spelt ``Union[...]``. The imports a module
needs are read from the trees, never from text.

The server's flavour is as strict as the spec: an int32/int64 range and every other
``format`` is checked or documented (``_Format``), an email address is checked
(``_Email``), a ``oneOf`` is documented as one (``_OneOf``; it admits a value any member
accepts, as a union does), an array's ``uniqueItems`` refuses equal items (``_UniqueItems``). The
client's stays lenient (plain ``str``, ``int``, a union).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from apiforge.ir.nested import component_key
from apiforge.ir.schemas import is_nullable, null_only
from apiforge.ir.shapes import Shape, alias_chain
from apiforge.naming.names import Names
from apiforge.naming.words import ClassName
from apiforge.render.escape import literal
from apiforge.render.model_constraints import STRING_FORMATS, constraints, json_types

TypeKind = Literal["name", "class", "generic", "union", "annotated", "literal"]
Role = Literal["request", "response"]


@dataclass(frozen=True)
class Type:
    """One node of a type expression."""

    kind: TypeKind
    text: str = ""  # name, class, generic head, annotated metadata, literal values
    args: tuple[Type, ...] = ()

    @functools.cached_property
    def parts(self) -> tuple[frozenset[str], frozenset[str], frozenset[str], bool]:
        """The tree's classes, bare names and ``Annotated`` metadata heads, and whether it
        holds a Literal: worked out once per node (fields share their types)."""
        nodes = list(walk(self))
        return (
            frozenset(n.text for n in nodes if n.kind == "class"),
            frozenset(n.text for n in nodes if n.kind == "name"),
            frozenset(n.text.split("(")[0] for n in nodes if n.kind == "annotated"),
            any(n.kind == "literal" for n in nodes),
        )


NONE = Type("name", "None")
ANY = Type("name", "Any")
# A ``format: binary`` field of the client's multipart bodies: bytes, a file or a named file.
FILE = Type("name", "_File")


def unconstrained(t: Type) -> bool:
    """A file (``_File``, maybe null) takes no string keyword: a stream has no length."""
    return t == FILE or t.kind == "union" and FILE in t.args


def union(*members: Type, absorb: bool = True) -> Type:
    """The union of ``members`` (nested unions flattened, repeats dropped; Any absorbs the rest unless
    not ``absorb``: a oneOf keeps its members, whose count it checks)."""
    flat: list[Type] = []
    for member in members:
        for part in member.args if member.kind == "union" else (member,):
            if part == ANY and absorb:
                return ANY
            if part not in flat:
                flat.append(part)
    return flat[0] if len(flat) == 1 else Type("union", args=tuple(flat))


def annotation(t: Type) -> str:
    """``t`` as an annotation."""
    if t.kind == "generic":
        return f"{t.text}[{', '.join(annotation(a) for a in t.args)}]"
    if t.kind == "union":
        return " | ".join(annotation(a) for a in t.args)
    if t.kind == "annotated":
        return f"_Annotated[{annotation(t.args[0])}, {t.text}]"
    if t.kind == "literal":
        return f"Literal[{t.text}]"
    return t.text


def runtime(t: Type, defined: set[str]) -> str:
    """``t`` as an expression evaluated when the module runs (classes not yet defined quoted)."""
    if t.kind == "class" and t.text not in defined:
        return f'"{t.text}"'
    if t.kind == "generic":
        return f"{t.text}[{', '.join(runtime(a, defined) for a in t.args)}]"
    if t.kind == "union":
        parts = [runtime(a, defined) for a in t.args]
        return f"Union[{', '.join(parts)}]" if bare_forward(t, defined) else " | ".join(parts)
    if t.kind == "annotated":
        return runtime(t.args[0], defined)
    return annotation(t)


def bare_forward(t: Type, defined: set[str]) -> bool:
    """True for a union with a member that is a class not yet defined (a quoted name: no ``|``)."""
    return t.kind == "union" and any(a.kind == "class" and a.text not in defined for a in t.args)


def walk(t: Type) -> Iterator[Type]:
    """``t`` and every node below it (depth first, in order)."""
    stack = [t]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.args))


def forward(t: Type, defined: set[str]) -> bool:
    """True when ``t`` names a class not in ``defined`` (the runtime spelling quotes it)."""
    return any(n.kind == "class" and n.text not in defined for n in walk(t))


_SCALARS = {"integer": "int", "number": "float", "boolean": "bool", "null": "None"}
_UNTYPED_FORMATS = frozenset({"idn-email"})


_CLIENT_FORMATS = {"date-time": "_Datetime", "uri": "_Uri"}
"""The client's types of these formats (``models/_helpers.py``): they read replies leniently."""


@dataclass(frozen=True)
class Speller:
    """Spells schemas as types for one flavour and one role of the module.

    ``files``: the class is one the client sends as a multipart body, whose parts a
    ``format: binary`` field (or array item) holds as a file (``_File``); elsewhere (JSON
    models) such a field stays ``bytes``, its constraints checked.
    """

    shapes: dict[str, Shape]
    names: Names
    split: frozenset[str]
    server: bool
    role: Role = "response"
    files: bool = False

    def class_name(self, key: str, role: Role | None = None) -> ClassName:
        """The class of component ``key`` in ``role`` (the Request/Response variant where it splits)."""
        if key in self.split:
            request, response = self.names.variants[key]
            return request if (role or self.role) == "request" else response
        return self.names.schemas[key]

    def spell(self, schema: Any, constrained: bool = True) -> Type:
        """The type of a value of ``schema``; ``constrained``: its validation keywords as metadata."""
        if not isinstance(schema, dict):
            return ANY
        bare = self._bare(schema)
        if constrained:
            bare = _constrained(bare, schema)
        return union(bare, NONE) if self.allows_null_here(schema) and bare != ANY else bare

    def allows_null_here(self, schema: dict[str, Any]) -> bool:
        """Whether the schema itself (not what it refers to) admits null."""
        enum = schema.get("enum")
        return (
            is_nullable(schema)
            or schema.get("type") == "null"
            or "const" in schema
            and schema["const"] is None
            or isinstance(enum, list)
            and None in enum
        )

    def _bare(self, schema: dict[str, Any]) -> Type:
        ref = schema.get("$ref")
        if isinstance(ref, str):
            key = component_key(ref)
            if key is None or key not in self.names.schemas:
                return ANY
            shape = self.shapes.get(key)
            if self.files and shape is not None and binary_alias(shape, self.shapes):
                return self.spell(shape.schema, constrained=False)  # a file part, not ``Bin``
            if shape is not None and inlined_union(shape, self.shapes):
                return self.spell(shape.schema, constrained=False)  # holds a member: no ``.root``
            cls = Type("class", self.class_name(key))
            if shape is not None and shape.kind in ("object", "enum") and is_nullable(shape.schema):
                return union(cls, NONE)
            return cls
        members = schema.get("allOf")
        if isinstance(members, list) and len(members) == 1 and "properties" not in schema:
            return self.spell(members[0])
        for keyword in ("oneOf", "anyOf"):
            if isinstance(schema.get(keyword), list):
                result = self._union(schema, keyword)
                if result == ANY and json_types(
                    schema
                ):  # untyped members: the type beside them says more
                    break
                return result
        if "const" in schema:
            value = schema["const"]
            if value is None:
                return NONE  # as ``type: "null"``
            return Type("literal", literal(value)) if isinstance(value, (str, int, bool)) else ANY
        kinds = json_types(schema)
        if len(kinds) > 1:  # each member checked by the keywords of its type
            return union(
                *(_constrained(self._typed(schema, k), {**schema, "type": k}) for k in kinds)
            )
        typed = self._typed(schema, kinds[0] if kinds else None)
        bounds = any_bounds(schema) if typed == ANY else []
        return Type("annotated", f"_Bounds({', '.join(bounds)})", (ANY,)) if bounds else typed

    def _union(self, schema: dict[str, Any], keyword: str) -> Type:
        members = [m for m in schema[keyword] if not null_only(m)]
        nullable = len(members) < len(schema[keyword])
        if not members:
            return NONE
        result = union(
            *(self.spell(m) for m in members), absorb=not self.server or keyword != "oneOf"
        )
        tag = self.discriminator_field(schema, keyword)
        if tag is not None:
            result = Type("annotated", f"Field(discriminator={literal(tag)})", (result,))
        elif self.server and keyword == "oneOf" and result.kind == "union":
            result = Type("annotated", "_OneOf()", (result,))
        elif not self.server and result.kind == "union" and self._any_closed(members):
            result = Type("annotated", "_KnownKeysRead()", (result,))
        return union(result, NONE) if nullable else result

    def _any_closed(self, members: list[Any]) -> bool:
        """A member is a reference to a closed object (``additionalProperties: false``),
        which in a reply drops keys it does not know unless the union reads it first."""
        for member in members:
            ref = member.get("$ref") if isinstance(member, dict) else None
            shape = self.shapes.get(component_key(ref) or "") if isinstance(ref, str) else None
            if shape is not None and shape.kind == "object" and shape.extra == "forbid":
                return True
        return False

    def discriminator_field(self, schema: dict[str, Any], keyword: str) -> str | None:
        """The field name pydantic selects members by, when every member is a model with that tag."""
        discriminator = schema.get("discriminator")
        tag = discriminator.get("propertyName") if isinstance(discriminator, dict) else None
        if not isinstance(tag, str):
            return None
        fields: set[str] = set()
        for member in schema[keyword]:
            key = (
                component_key(member["$ref"])
                if isinstance(member, dict) and isinstance(member.get("$ref"), str)
                else None
            )
            shape = self.shapes.get(key) if key is not None else None
            if (
                shape is None
                or shape.kind != "object"
                or is_nullable(shape.schema)
                or key not in self.names.fields
            ):
                return None
            if tag not in self.names.fields[key]:
                return None
            fields.add(self.names.fields[key][tag])
        return fields.pop() if len(fields) == 1 else None

    def _typed(self, schema: dict[str, Any], kind: str | None) -> Type:
        fmt = schema.get("format") if isinstance(schema.get("format"), str) else None
        if kind == "string":
            if fmt == "email":
                return Type("name", "_Email" if self.server else "str")
            if fmt in _CLIENT_FORMATS and not self.server:  # lenient with replies
                return Type("name", _CLIENT_FORMATS[fmt])
            if fmt == "binary" and self.files:  # a multipart part: a file, not only bytes
                return FILE
            if fmt in STRING_FORMATS:
                return Type("name", STRING_FORMATS[fmt])
            return self._formatted(Type("name", "str"), fmt)
        if kind in _SCALARS:
            return self._formatted(
                Type("name", _SCALARS[kind]), fmt if kind in ("integer", "number") else None
            )
        if kind == "array" or kind is None and "items" in schema:
            listed = Type("generic", "list", (self._item(schema),))
            if isinstance(schema.get("items"), dict):
                listed = self._formatted(listed, fmt)
            return self._unique(listed, schema)
        extra = schema.get("additionalProperties")
        if kind == "object" or isinstance(extra, dict) and kind is None:
            value = self.spell(extra) if isinstance(extra, dict) and extra else ANY
            return self._formatted(Type("generic", "dict", (Type("name", "str"), value)), fmt)
        return ANY

    def _item(self, schema: dict[str, Any]) -> Type:
        """An array's item type: ``items``; beside ``prefixItems`` (a tuple), the union of its
        members and of ``items`` (any item when ``items`` is absent, none when ``false``)."""
        items = schema.get("items")
        prefix = schema.get("prefixItems")
        if not isinstance(prefix, list):
            return self.spell(items) if isinstance(items, dict) else ANY
        tail = [self.spell(items)] if isinstance(items, dict) else [] if items is False else [ANY]
        members = [self.spell(member) for member in prefix] + tail
        return union(*members) if members else ANY

    def _unique(self, t: Type, schema: dict[str, Any]) -> Type:
        if not self.server or schema.get("uniqueItems") is not True:
            return t
        return Type("annotated", "_UniqueItems()", (t,))

    def _formatted(self, t: Type, fmt: str | None) -> Type:
        if not self.server or fmt is None or fmt in _UNTYPED_FORMATS:
            return t
        return Type("annotated", f"_Format({literal(fmt)})", (t,))


def _constrained(t: Type, schema: dict[str, Any]) -> Type:
    """``t`` annotated with the ``Field`` keywords of ``schema``'s validation keywords, if any."""
    if t.kind not in ("name", "generic", "annotated") or t == FILE:
        return t
    kwargs = constraints(schema)
    if not kwargs:
        return t
    return Type("annotated", "Field(" + ", ".join(f"{k}={v}" for k, v in kwargs) + ")", (t,))


_BOUNDED = (("number", "number"), ("string", "string"), ("array", "array"), ("object", "object"))


def any_bounds(schema: dict[str, Any]) -> list[str]:
    """``_Bounds`` arguments for an untyped schema's validation keywords: each JSON type's
    ``Field`` keywords (``number={"ge": 1}``), which bound the values of that type only."""
    if "type" in schema or "properties" in schema:
        return []
    found = []
    for kind, argument in _BOUNDED:
        kwargs = constraints({**schema, "type": kind})
        if kwargs:
            found.append(f"{argument}={{{', '.join(f'{literal(k)}: {v}' for k, v in kwargs)}}}")
    return found


def inlined_union(shape: Shape, shapes: dict[str, Shape]) -> bool:
    """A union component a reference spells as its members' union instead of its RootModel.

    Where every member is a reference to an object component (or null), a property typed
    with it holds the matching member's instance; its RootModel stays for request and
    response bodies. A member that is itself a union or a scalar keeps the RootModel.
    """
    if shape.kind != "union":
        return False
    members = [m for k in ("oneOf", "anyOf") for m in shape.schema.get(k) or () if not null_only(m)]
    if not members or len({k for k in ("oneOf", "anyOf") if k in shape.schema}) != 1:
        return False
    for member in members:
        ref = member.get("$ref") if isinstance(member, dict) and len(member) == 1 else None
        target = shapes.get(component_key(ref) or "") if isinstance(ref, str) else None
        if target is None or target.kind != "object":
            return False
    return True


def binary_alias(shape: Shape, shapes: dict[str, Shape]) -> bool:
    """An alias of ``format: binary`` (``Bin: {type: string, format: binary}``), directly or
    through other aliases: a multipart body's field referring to it holds a file (``_File``)."""
    if shape.kind != "alias":
        return False
    end = (alias_chain(shape.key, shapes) or [shape])[-1]
    schema = end.schema
    return (
        end.kind == "alias"
        and "$ref" not in schema
        and json_types(schema) == ["string"]
        and schema.get("format") == "binary"
    )


def enum_root(values: tuple[Any, ...]) -> Type:
    """The server's type of an enum that is no ``Enum``: a ``Literal`` of its values when
    they can be spelt so (pydantic tells ``true`` from ``1`` there), else any value."""
    listed = [v for v in values if v is not None]
    if not listed or not all(isinstance(v, (str, int, bool)) for v in listed):
        return ANY
    spelt = Type("literal", ", ".join(literal(v) for v in listed))
    return union(spelt, NONE) if None in values else spelt


def enum_base(values: tuple[Any, ...]) -> str:
    """The base of an ``Enum`` class of ``values``: ``str, Enum``, ``IntEnum`` or ``Enum``."""
    if all(isinstance(v, str) for v in values):
        return "str, Enum"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "IntEnum"
    return "Enum"
