"""Shapes -> the classes of one flavour (client or server): finished strings, and what each needs.

One class per component, or a ``*Request`` and a ``*Response`` class where it splits
(see ``ir/shapes.split_keys``). Which module of ``models/`` a class lives in, in what
order, and what each module imports is ``render/model_modules.py``'s job.

Fields: a required property has no default (``X | None`` when it may be null); an
optional one defaults to None, or to its converted default (``model_defaults``). On
both flavours an optional property the spec does not let be null is ``_Omittable[X]``:
``X | None`` to mypy and to the code, and None is left out of ``model_dump()``; the
server answers an explicit null with a 422, the client reads it as None. With a default,
the client's ``_NullDefault[X]`` reads a reply's null as the default. A required
property's default is only documented. A closed client model ignores the keys of a reply
it does not know. The tag of a discriminated union's member is a ``Literal`` of the tags
the union maps to it; where the member leaves it optional, it defaults to its only value,
left out of the JSON schema, and counts as set (``model_post_init``), so dumps with
``exclude_unset`` (the client's requests, the server's responses) still send it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from apiforge.diagnostics import Sink
from apiforge.ir.nested import component_key
from apiforge.ir.shapes import Prop, Shape
from apiforge.naming.names import Names
from apiforge.render.escape import docstring, literal
from apiforge.render.model_constraints import constraints, python_patterns, regex_engine
from apiforge.render.model_defaults import (
    Defaults,
    enumerable,
    json_literal,
    with_inherited_default,
)
from apiforge.render.model_extras import model_hooks
from apiforge.render.model_fields import FieldFacts, FieldMemo, schema_key
from apiforge.render.model_tags import discriminator_tags
from apiforge.render.model_types import (
    ANY,
    NONE,
    Role,
    Speller,
    Type,
    annotation,
    enum_base,
    enum_root,
    unconstrained,
    union,
)

ClassKind = Literal["enum", "model", "root"]
_PYTHON_RE = ('regex_engine="python-re"',)
# A model's validator and serializer are built on first use, not at import: a package
# with thousands of models imports in the time of a few (issue 15).
_DEFER = "defer_build=True"
# Type metadata spelt by ``model_types`` that ``models/_helpers.py`` defines.
_HELPER_METAS = frozenset({"_Format", "_OneOf", "_UniqueItems", "_KnownKeysRead", "_Bounds"})
# Types ``models/_helpers.py`` defines.
_BARE_HELPERS = frozenset({"_Email", "_Datetime", "_Uri", "_File"})


@dataclass(frozen=True)
class FieldView:
    """``name: annotation = value`` (no ``=`` when value is empty), then its docstring."""

    name: str
    annotation: str
    value: str
    docstring: str


@dataclass(frozen=True)
class MemberView:
    name: str
    value: str


@dataclass(frozen=True)
class ClassView:
    name: str
    kind: ClassKind
    base: str
    docstring: str
    config: tuple[str, ...]  # ConfigDict keyword arguments
    extra: str  # the type of undeclared properties (``__pydantic_extra__``), or ""
    fields: tuple[FieldView, ...]
    members: tuple[MemberView, ...]
    omits_none: bool  # client: a serializer leaves its None ``_Omittable`` fields out of dumps
    # Fields set even at their default (``{"kind"}``, an optional discriminator tag), or "".
    always_set: str = ""
    # client: closed (``additionalProperties: false``) yet reads a newer server's reply
    reads_closed: bool = False
    left_out: str = ""  # literals of the names no extra may hold (``model_extras``)
    counted: str = ""  # ``_property_count``'s arguments (``model_extras``), or ""

    @property
    def is_enum(self) -> bool:
        return self.kind == "enum"


@dataclass
class ClassEntry:
    """One class of a flavour, before it is placed in a module.

    Attributes:
        key: its component; role: the variant it is (``response`` unless split).
        deps: the classes its annotations name (itself excluded).
        types: every type it spells (the module's imports are read from them).
        root: a RootModel's type (its base is spelt once the module order is known).
        helpers: the names of ``models/_helpers.py`` it uses.
    """

    key: str
    role: Role
    name: str
    view: ClassView
    types: list[Type]
    root: Type | None
    deps: set[str]
    helpers: set[str]


def class_entries(
    shapes: dict[str, Shape],
    names: Names,
    split: frozenset[str],
    server: bool,
    sink: Sink,
    keys: Iterable[str] | None = None,
    tags: dict[tuple[str, str], list[Any]] | None = None,
    memo: FieldMemo | None = None,
    files: frozenset[str] = frozenset(),
) -> list[ClassEntry]:
    """The classes of ``keys`` (default: every component) in one flavour, in that order.

    Warnings (defaults dropped...) go to ``sink``; ``tags`` are
    :func:`~apiforge.render.model_tags.discriminator_tags`, computed when not given;
    ``memo`` is shared by the calls of one run (same shapes and names); ``files``: the
    components the client sends as multipart bodies (``Speller.files``).
    """
    builder = _Builder(
        shapes,
        names,
        split,
        server,
        Defaults(shapes, names, sink),
        tags if tags is not None else discriminator_tags(shapes, names, split),
        {} if memo is None else memo,
        files,
    )
    return builder.entries(shapes if keys is None else keys)


@dataclass
class _Builder:
    shapes: dict[str, Shape]
    names: Names
    split: frozenset[str]
    server: bool
    defaults: Defaults
    tags: dict[tuple[str, str], list[Any]]
    memo: FieldMemo
    files: frozenset[str]

    def __post_init__(self) -> None:
        self._helpers: set[str] = set()  # of the class being built

    def entries(self, keys: Iterable[str]) -> list[ClassEntry]:
        entries: list[ClassEntry] = []
        for key in keys:
            for role in self._roles(key):
                self._helpers = set()
                name = self._speller(role).class_name(key)
                view, used, root = self._class(key, role, name)
                deps: set[str] = set()
                metas: set[str] = set()
                bare: set[str] = set()
                for classes, names, heads, _ in (u.parts for u in used):
                    deps |= classes
                    metas |= heads
                    bare |= names
                deps.discard(name)
                helpers = self._helpers | (metas & _HELPER_METAS) | (bare & _BARE_HELPERS)
                if view.kind == "enum":
                    helpers.add("_open_enum_member")
                entries.append(ClassEntry(key, role, name, view, used, root, deps, helpers))
        return entries

    def _roles(self, key: str) -> tuple[Role, ...]:
        return ("request", "response") if key in self.split else ("response",)

    def _speller(self, role: Role, key: str = "") -> Speller:
        """The speller of ``key``'s class in ``role`` (the request one of a split multipart body)."""
        files = key in self.files and (role == "request" or key not in self.split)
        return Speller(self.shapes, self.names, self.split, self.server, role, files)

    def _class(self, key: str, role: Role, name: str) -> tuple[ClassView, list[Type], Type | None]:
        shape = self.shapes[key]
        doc = docstring(shape.description) if shape.description.strip() else ""
        if shape.kind == "enum" and enumerable(shape.enum_values):
            floats = shape.schema.get("type") == "number" and all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in shape.enum_values
            )
            values = [float(v) if floats else v for v in shape.enum_values]  # its JSON type
            members = tuple(
                MemberView(n, literal(v)) for n, v in zip(self.names.members[key], values)
            )
            base = "float, Enum" if floats else enum_base(shape.enum_values)
            view = ClassView(name, "enum", base, doc, (), "", (), members, False)
            return view, [], None
        if shape.kind == "object":
            return (*self._model(key, role, name, shape, doc), None)
        speller = self._speller(role, key)
        if shape.kind == "enum":
            root = enum_root(shape.enum_values) if self.server else ANY  # the client's are open
        else:
            root = speller.spell(shape.schema, constrained=False)
        kwargs = constraints(shape.schema) if shape.kind == "alias" else []
        value = "Field(" + ", ".join(f"{k}={v}" for k, v in kwargs) + ")" if kwargs else ""
        field = FieldView("root", annotation(root), value, "")
        config = (*_PYTHON_RE,) if python_patterns(shape.schema) else ()
        view = ClassView(name, "root", "", doc, (*config, _DEFER), "", (field,), (), False)
        return view, [root], root

    def _model(
        self, key: str, role: Role, name: str, shape: Shape, doc: str
    ) -> tuple[ClassView, list[Type]]:
        speller = self._speller(role, key)
        props = [
            p
            for p in shape.properties
            if not (
                p.read_only
                if role == "request" and key in self.split
                else p.write_only and key in self.split
            )
        ]
        fields: list[FieldView] = []
        types: list[Type] = []
        python_re = False
        for prop in props:
            field, t, facts = self._field(key, prop, speller)
            fields.append(field)
            types.append(t)
            python_re = python_re or facts.python_re
        config = ["populate_by_name=True"]
        if shape.extra != "ignore":
            config.insert(0, f'extra="{shape.extra}"')
        if python_re:
            config.append(*_PYTHON_RE)
        config.append(_DEFER)
        extra_schema = shape.schema.get("additionalProperties")
        extra = ""
        if isinstance(extra_schema, dict) and extra_schema:
            extra_type = speller.spell(extra_schema)
            types.append(extra_type)
            extra = annotation(extra_type)
        request = role == "request" and key in self.split
        annotations = (f.annotation for f in fields)
        hooks = model_hooks(shape, props, self.names, annotations, self.server, request)
        self._helpers |= hooks.helpers
        tagged = [
            literal(self.names.fields[key][p.name])
            for p in props
            if not p.required and self.tags.get((key, p.name))
        ]
        always_set = "{" + ", ".join(tagged) + "}" if tagged else ""
        return ClassView(
            name,
            "model",
            "BaseModel",
            doc,
            tuple(config),
            extra,
            tuple(fields),
            (),
            hooks.omits_none,
            always_set,
            hooks.reads_closed,
            hooks.left_out,
            hooks.counted,
        ), types

    def _field(self, key: str, prop: Prop, speller: Speller) -> tuple[FieldView, Type, FieldFacts]:
        name = self.names.fields[key][prop.name]
        facts = self._facts(prop.schema, speller)
        schema, t, kwargs = facts.schema, facts.type, list(facts.kwargs)
        if isinstance(schema.get("pattern"), str) and regex_engine(schema["pattern"]) is None:
            self.defaults.sink.warning(
                "pattern-dropped",
                "the pattern compiles in no regular expression engine "
                "pydantic offers; the models do not check it",
                prop.location.child("pattern"),
            )
        tags = self.tags.get((key, prop.name))
        direct, shown = facts.direct, facts.shown
        if tags:
            t = self._tag_type(tags)
            direct, shown = _admits_none(t), annotation(t)
        if name != prop.name:  # not alias=: type checkers would make it __init__'s keyword
            wire = literal(prop.name)
            kwargs += [("validation_alias", wire), ("serialization_alias", wire)]
        if facts.deprecated:
            kwargs.append(("deprecated", "True"))
        nullable = direct or facts.root_null
        default: str | None = None
        validate = False
        if prop.required:
            documented = json_literal(schema["default"]) if "default" in schema else None
            if documented is not None:
                kwargs.append(("json_schema_extra", "{" + f'"default": {documented}' + "}"))
        elif tags:
            default = literal(tags[0])
            kwargs.append(("json_schema_extra", "_undocumented_default"))
            self._helpers.add("_undocumented_default")
        elif schema.get("default") is not None:
            converted = self.defaults.convert(schema, schema["default"], t, prop.location)
            if converted is not None:
                default, validate = converted.expression, converted.validate
                if not nullable and not self.server:  # a reply's null reads as the default
                    shown = f"_NullDefault[{shown}]"
                    self._helpers.add("_NullDefault")
        if default is None and not prop.required:
            default = "None"
            if not nullable:
                shown = f"_Omittable[{shown}]"
            elif not direct:
                shown = annotation(union(t, NONE)) if tags else facts.optional
        if validate:
            kwargs.append(("validate_default", "True"))
        args = ", ".join(f"{k}={v}" for k, v in kwargs)
        if not args:
            value = default or ""
        else:
            # default= by keyword: type checkers read no positional default (PEP 681)
            value = f"Field(default={default}, {args})" if default is not None else f"Field({args})"
        return FieldView(name, shown, value, facts.doc), t, facts

    def _facts(self, declared: dict[str, Any], speller: Speller) -> FieldFacts:
        """What ``declared`` alone makes of a field: from the memo when an equal schema was seen."""
        found = schema_key(declared)
        key = None if found is None else (self.server, speller.role, speller.files, found)
        facts = self.memo.get(key) if key is not None else None
        if facts is not None:
            return facts
        schema = with_inherited_default(declared, self.shapes)
        t = speller.spell(schema, constrained=False)
        kwargs = (
            []
            if t.kind == "union" and len([a for a in t.args if a != NONE]) > 1 or unconstrained(t)
            else constraints(schema)
        )
        description = schema.get("description")
        doc = docstring(description) if isinstance(description, str) and description.strip() else ""
        facts = FieldFacts(
            schema,
            t,
            tuple(kwargs),
            doc,
            schema.get("deprecated") is True,
            self._root_admits_null(schema),
            _admits_none(t),
            annotation(t),
            annotation(union(t, NONE)),
            python_patterns(declared),
        )
        if key is not None:
            self.memo[key] = facts
        return facts

    def _root_admits_null(self, schema: dict[str, Any]) -> bool:
        """A reference to a RootModel or an enum whose value may be null."""
        ref = schema.get("$ref")
        key = component_key(ref) if isinstance(ref, str) else None
        shape = self.shapes.get(key) if key is not None else None
        if shape is not None and shape.kind == "enum":
            return None in shape.enum_values
        if shape is None or shape.kind not in ("alias", "union"):
            return False
        t = Speller(self.shapes, self.names, self.split, False).spell(
            shape.schema, constrained=False
        )
        return _admits_none(t)

    @staticmethod
    def _tag_type(tags: list[Any]) -> Type:
        """``Literal[...]`` of the tags' plain values (an enum member's repr would reach a 422's message)."""
        return Type("literal", ", ".join(literal(t) for t in tags))


def _admits_none(t: Type) -> bool:
    """Whether the annotation of ``t`` admits None (``Any``, bounded by ``_Bounds`` or not, does)."""
    if t.kind == "annotated" and t.args[0] == ANY:
        return True
    return t == ANY or t == NONE or t.kind == "union" and NONE in t.args
