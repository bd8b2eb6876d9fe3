"""Shapes -> the view of one ``models.py`` (client or server flavour): finished strings and flags.

One class per component, or a ``*Request`` and a ``*Response`` class where it splits
(see ``ir/shapes.split_keys``). Classes come in dependency order, so only a cycle
needs a forward reference (quoted in a ``RootModel[...]`` base, resolved by
``model_rebuild()`` at the end of the module).

Fields: a required property has no default (``X | None`` when it may be null); an
optional one defaults to None, or to its converted default (``model_defaults``). On
the server an optional property the spec does not let be null is ``_Omittable[X]``:
``X | None`` to mypy and to the implementation, but an explicit null is a 422 and an
omitted one is left out of ``model_dump()`` (its model sets ``_OMIT_NONE``). A
required property's default is only documented. The tag of a discriminated union's
member is a ``Literal`` of the tags the union maps to it; where the member leaves it
optional, it defaults to its only value, left out of the JSON schema.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from apiforge.diagnostics import Sink
from apiforge.ir.schemas import component_key
from apiforge.ir.shapes import Prop, Shape
from apiforge.naming.names import Names
from apiforge.render.escape import docstring, literal
from apiforge.render.model_defaults import Defaults, json_literal, target_component
from apiforge.render.model_tags import discriminator_tags
from apiforge.render.model_types import (
    ANY,
    NONE,
    Role,
    Speller,
    Type,
    annotation,
    bare_forward,
    python_patterns,
    regex_engine,
    runtime,
    union,
    walk,
)

ClassKind = Literal["enum", "model", "root"]
_PYTHON_RE = ('regex_engine="python-re"',)
# A model's validator and serializer are built on first use, not at import: a package
# with thousands of models imports in the time of a few (issue 15).
_DEFER = "defer_build=True"


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
    omits_none: bool  # server: model_dump() leaves out omitted optional fields


@dataclass(frozen=True)
class ModuleView:
    classes: tuple[ClassView, ...]
    imports: tuple[str, ...]
    server: bool
    enums: bool
    omittable: bool
    formats: bool
    email: bool
    one_of: bool
    optional_tags: bool


@dataclass
class _Entry:
    key: str
    role: Role
    name: str
    deps: set[str]
    view: Any = None


def module_view(
    shapes: dict[str, Shape], names: Names, split: frozenset[str], server: bool, sink: Sink
) -> ModuleView:
    """The view of the whole module in one flavour; warnings (defaults dropped...) go to ``sink``."""
    builder = _Builder(
        shapes,
        names,
        split,
        server,
        Defaults(shapes, names, sink),
        discriminator_tags(shapes, names, split),
    )
    return builder.module()


@dataclass
class _Builder:
    shapes: dict[str, Shape]
    names: Names
    split: frozenset[str]
    server: bool
    defaults: Defaults
    tags: dict[tuple[str, str], list[Any]]

    def module(self) -> ModuleView:
        entries = [
            _Entry(k, r, self._speller(r).class_name(k), set())
            for k in self.shapes
            for r in self._roles(k)
        ]
        types: list[Type] = []
        for entry in entries:
            entry.view, used = self._class(entry)
            types += used
            entry.deps = {t.text for u in used for t in walk(u) if t.kind == "class"} - {entry.name}
        ordered = _ordered(entries)
        defined: set[str] = set()
        classes: list[ClassView] = []
        unions = False  # a RootModel base spells a union holding a forward reference as Union[...]
        for entry in ordered:
            view: ClassView = entry.view
            if view.kind == "root":
                root = self._root_types[entry.name]
                unions = unions or any(bare_forward(u, defined) for u in walk(root))
                view = _with_base(view, f"RootModel[{runtime(root, defined)}]")
            defined.add(entry.name)
            # No model_rebuild() for forward references: it would build the deferred model
            # now; pydantic resolves them in this module's namespace on first use.
            classes.append(view)
        metas = {t.text.split("(")[0] for u in types for t in walk(u) if t.kind == "annotated"}
        used_names = {t.text for u in types for t in walk(u) if t.kind == "name"}
        return ModuleView(
            classes=tuple(classes),
            imports=_imports(used_names, metas, types, classes, unions),
            server=self.server,
            enums=any(c.kind == "enum" for c in classes),
            omittable=any(c.omits_none for c in classes),
            formats="_Format" in metas or "_Email" in used_names,
            email="_Email" in used_names,
            one_of="_OneOf" in metas,
            optional_tags=self._optional_tags,
        )

    def __post_init__(self) -> None:
        self._root_types: dict[str, Type] = {}
        self._optional_tags = False

    def _roles(self, key: str) -> tuple[Role, ...]:
        return ("request", "response") if key in self.split else ("response",)

    def _speller(self, role: Role) -> Speller:
        return Speller(self.shapes, self.names, self.split, self.server, role)

    def _class(self, entry: _Entry) -> tuple[ClassView, list[Type]]:
        shape = self.shapes[entry.key]
        doc = docstring(shape.description) if shape.description.strip() else ""
        if shape.kind == "enum" and _enumerable(shape.enum_values):
            floats = shape.schema.get("type") == "number" and all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in shape.enum_values
            )
            values = [
                float(v) if floats else v for v in shape.enum_values
            ]  # a number enum: its JSON type
            members = tuple(
                MemberView(n, literal(v)) for n, v in zip(self.names.members[entry.key], values)
            )
            base = "float, Enum" if floats else _enum_base(shape.enum_values)
            view = ClassView(entry.name, "enum", base, doc, (), "", (), members, False)
            return view, []
        if shape.kind == "object":
            return self._model(entry, shape, doc)
        speller = self._speller(entry.role)
        root = ANY if shape.kind == "enum" else speller.spell(shape.schema, constrained=False)
        from apiforge.render.model_types import constraints

        kwargs = constraints(shape.schema) if shape.kind == "alias" else []
        value = "Field(" + ", ".join(f"{k}={v}" for k, v in kwargs) + ")" if kwargs else ""
        self._root_types[entry.name] = root
        field = FieldView("root", annotation(root), value, "")
        config = (*_PYTHON_RE,) if python_patterns(shape.schema) else ()
        return ClassView(entry.name, "root", "", doc, (*config, _DEFER), "", (field,), (), False), [
            root
        ]

    def _model(self, entry: _Entry, shape: Shape, doc: str) -> tuple[ClassView, list[Type]]:
        speller = self._speller(entry.role)
        props = [
            p
            for p in shape.properties
            if not (
                p.read_only
                if entry.role == "request" and entry.key in self.split
                else p.write_only and entry.key in self.split
            )
        ]
        fields: list[FieldView] = []
        types: list[Type] = []
        for prop in props:
            field, t = self._field(entry.key, prop, speller)
            fields.append(field)
            types.append(t)
        config = ["populate_by_name=True"]
        if shape.extra != "ignore":
            config.insert(0, f'extra="{shape.extra}"')
        if python_patterns([p.schema for p in props]):
            config.append(*_PYTHON_RE)
        config.append(_DEFER)
        extra_schema = shape.schema.get("additionalProperties")
        extra = ""
        if isinstance(extra_schema, dict) and extra_schema:
            extra_type = speller.spell(extra_schema)
            types.append(extra_type)
            extra = annotation(extra_type)
        omits = any(f.annotation.startswith("_Omittable[") for f in fields)
        return ClassView(
            entry.name, "model", "BaseModel", doc, tuple(config), extra, tuple(fields), (), omits
        ), types

    def _field(self, key: str, prop: Prop, speller: Speller) -> tuple[FieldView, Type]:
        name = self.names.fields[key][prop.name]
        schema = _with_inherited_default(prop.schema, self.shapes)
        t = speller.spell(schema, constrained=False)
        from apiforge.render.model_types import constraints

        kwargs = (
            []
            if t.kind == "union" and len([a for a in t.args if a != NONE]) > 1
            else constraints(schema)
        )
        if isinstance(schema.get("pattern"), str) and regex_engine(schema["pattern"]) is None:
            self.defaults.sink.warning(
                "pattern-dropped",
                "the pattern compiles in no regular expression engine "
                "pydantic offers; the models do not check it",
                prop.location.child("pattern"),
            )
        tags = self.tags.get((key, prop.name))
        if tags:
            t = self._tag_type(schema, tags)
        if name != prop.name:
            kwargs.append(("alias", literal(prop.name)))
        if schema.get("deprecated") is True:
            kwargs.append(("deprecated", "True"))
        doc = (
            docstring(schema["description"])
            if isinstance(schema.get("description"), str) and schema["description"].strip()
            else ""
        )
        direct = (
            t == ANY or t == NONE or t.kind == "union" and NONE in t.args
        )  # the annotation admits None
        nullable = direct or self._root_admits_null(schema)
        shown = annotation(t)
        default: str | None = None
        validate = False
        if prop.required:
            documented = json_literal(schema["default"]) if "default" in schema else None
            if documented is not None:
                kwargs.append(("json_schema_extra", "{" + f'"default": {documented}' + "}"))
        elif tags:
            default = self._tag_value(schema, tags[0])
            kwargs.append(("json_schema_extra", "_undocumented_default"))
            self._optional_tags = True
        elif schema.get("default") is not None:
            converted = self.defaults.convert(schema, schema["default"], t, prop.location)
            if converted is not None:
                default, validate = converted.expression, converted.validate
        if default is None and not prop.required:
            default = "None"
            if self.server and not nullable:
                shown = f"_Omittable[{shown}]"
            elif not direct:
                shown = annotation(union(t, NONE))
        if validate:
            kwargs.append(("validate_default", "True"))
        args = ", ".join(f"{k}={v}" for k, v in kwargs)
        if not args:
            value = default or ""
        else:
            value = f"Field({default}, {args})" if default is not None else f"Field({args})"
        return FieldView(name, shown, value, doc), t

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
        return t == ANY or t == NONE or t.kind == "union" and NONE in t.args

    def _tag_type(self, schema: dict[str, Any], tags: list[Any]) -> Type:
        """``Literal[...]`` of the tags (its enum class, if any, below it: the class depends on it)."""
        values = ", ".join(self._tag_value(schema, t) for t in tags)
        key = target_component(schema)
        enum = (
            (Type("class", self.names.schemas[key]),)
            if key in self.names.members and "." in values
            else ()
        )
        return Type("literal", values, enum)

    def _tag_value(self, schema: dict[str, Any], tag: Any) -> str:
        """A tag as a Literal value: the enum member where the property is an enum that lists it."""
        shape = self.shapes.get(target_component(schema) or "")
        if (
            shape is not None
            and shape.kind == "enum"
            and _enumerable(shape.enum_values)
            and tag in shape.enum_values
        ):
            index = shape.enum_values.index(tag)
            return f"{self.names.schemas[shape.key]}.{self.names.members[shape.key][index]}"
        return literal(tag)


def _with_inherited_default(schema: dict[str, Any], shapes: dict[str, Shape]) -> dict[str, Any]:
    """A property's schema with the default of the enum or scalar component it refers to, if it has none."""
    shape = shapes.get(target_component(schema) or "")
    if (
        "default" in schema
        or shape is None
        or shape.kind not in ("enum", "alias")
        or "default" not in shape.schema
    ):
        return schema
    return {**schema, "default": shape.schema["default"]}


def _enumerable(values: tuple[Any, ...]) -> bool:
    return all(v is None or isinstance(v, (str, int, float, bool)) for v in values)


def _enum_base(values: tuple[Any, ...]) -> str:
    if all(isinstance(v, str) for v in values):
        return "str, Enum"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "IntEnum"
    return "Enum"


def _with_base(view: ClassView, base: str) -> ClassView:
    from dataclasses import replace

    return replace(view, base=base)


def _ordered(entries: list[_Entry]) -> list[_Entry]:
    """Entries with what each one refers to first (spec order otherwise; a cycle is cut where it closes)."""
    by_name = {e.name: e for e in entries}
    position = {
        e.name: i for i, e in enumerate(entries)
    }  # of the entry by_name holds (the last of a name)
    done: set[str] = set()
    visiting: set[str] = set()
    result: list[_Entry] = []

    def visit(entry: _Entry) -> None:
        if entry.name in done or entry.name in visiting:
            return
        visiting.add(entry.name)
        for dep in sorted(entry.deps, key=lambda n: position.get(n, 0)):
            if dep in by_name:
                visit(by_name[dep])
        visiting.discard(entry.name)
        done.add(entry.name)
        result.append(entry)

    for entry in entries:
        visit(entry)
    return result


_PYDANTIC_NAMES = ("AnyUrl", "AwareDatetime")
_MODULES = {
    "_dt.": "import datetime as _dt",
    "_uuid.": "import uuid as _uuid",
    "_ipaddress.": "import ipaddress as _ipaddress",
}


def _imports(
    names: set[str], metas: set[str], types: list[Type], classes: list[ClassView], forwards: bool
) -> tuple[str, ...]:
    """The module's import lines (sorted by the formatting stage)."""
    lines = {line for prefix, line in _MODULES.items() if any(n.startswith(prefix) for n in names)}
    typing = {"Any"} & names
    if any(t.kind == "literal" for u in types for t in walk(u)):
        typing.add("Literal")
    if forwards:
        typing.add("Union")
    if any(c.kind == "enum" for c in classes):
        typing.add("Any")
        enums = {
            "IntEnum" if c.base == "IntEnum" else "Enum" for c in classes if c.kind == "enum"
        } | {"Enum"}
        lines.add(f"from enum import {', '.join(sorted(enums))}")
    if typing:
        lines.add(f"from typing import {', '.join(sorted(typing))}")
    if (
        metas
        or any(f.annotation.startswith("_Omittable[") for c in classes for f in c.fields)
        or "_Email" in names
    ):
        lines.add("from typing import Annotated as _Annotated")
    pydantic = {n for n in _PYDANTIC_NAMES if n in names}
    if any(c.kind == "model" for c in classes):
        pydantic.add("BaseModel")
    if any(c.config for c in classes):
        pydantic.add("ConfigDict")
    if any(c.kind == "root" for c in classes):
        pydantic.add("RootModel")
    if (
        "Field" in metas
        or any(f.value.startswith("Field(") for c in classes for f in c.fields)
        or any(c.extra for c in classes)
    ):
        pydantic.add("Field")
    if pydantic:
        lines.add(f"from pydantic import {', '.join(sorted(pydantic))}")
    return tuple(sorted(lines))
