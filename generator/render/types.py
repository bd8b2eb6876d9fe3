"""TypeRef -> Python annotation text, recording what the annotation needs imported.

The one place that knows how the IR's type vocabulary is spelt in Python.
"""

from __future__ import annotations

import ast
import functools
import keyword
from dataclasses import dataclass, field
from typing import Literal

from apiforge.ir.model import (
    Api,
    Content,
    MediaKind,
    TypeRef,
    media_kind,
    preferred_request,
    preferred_response,
)
from apiforge.models import ModelsModule, Role
from apiforge.render.escape import literal
from apiforge.render.model_constraints import constraints, regex_engine

Use = Literal["request", "response", "param"]
# How a value validated by a union component's RootModel is handed over: as its ``root``,
# or a list (``items``) or dict (``values``) of the roots of such RootModels.
Unwrap = Literal["root", "items", "values"]

_FORMATS = {
    "date-time": ("datetime.datetime", "datetime"),
    "date": ("datetime.date", "datetime"),
    "time": ("datetime.time", "datetime"),
    "uuid": ("uuid.UUID", "uuid"),
}
_TYPING = frozenset({"Any", "Literal", "Annotated"})  # what note() records besides model classes
_MODULES = frozenset({"datetime", "uuid", "builtins", "typing", "pydantic"})
_SCALARS = {
    "string": "str",
    "integer": "int",
    "number": "float",
    "boolean": "bool",
    "binary": "bytes",
}
_SPELT = frozenset({"array", "map", "literal", *_SCALARS})  # the kinds spelt narrower than Any


@dataclass
class Annotator:
    """Spells TypeRefs for one generated module and collects that module's imports."""

    api: Api
    models: ModelsModule
    modules: set[str] = field(default_factory=set)  # stdlib modules: datetime, uuid
    typing: set[str] = field(default_factory=set)  # typing names: Any
    model_names: set[str] = field(default_factory=set)  # classes from models.py
    # Spell an array item's or a map value's validation keywords (``TypeRef.checks``) as
    # ``Annotated[int, pydantic.Field(le=10)]``: the server's routes check them.
    checked: bool = False

    def spell(self, ref: TypeRef | None, use: Use) -> str:
        """The annotation for ``ref`` used as a request body, a response or a parameter."""
        if ref is None:
            return self._any()
        text = self._bare(ref, use)
        return f"{text} | None" if ref.nullable and not self.spells_any(ref) else text

    def spells_any(self, ref: TypeRef | None) -> bool:
        """True when :meth:`spell` gives ``Any`` for ``ref``: no schema, a reference to no
        model, or a kind Python has no narrower type for."""
        if ref is None:
            return True
        if ref.kind == "model":
            return ref.model not in self.models.names
        return ref.kind not in _SPELT

    def _bare(self, ref: TypeRef, use: Use) -> str:
        if self.spells_any(ref):
            return self._any()
        if ref.kind == "model" and ref.model is not None:
            schema = self.api.schemas.get(ref.model)
            role: Role = "response" if use == "response" else "request"
            name = self.models.class_for(ref.model, role)
            self.model_names.add(name)
            if use == "param" and schema is not None and schema.kind == "enum":
                return f"{name} | str"
            return name
        if ref.kind in ("array", "map"):
            inner = self._item(ref.item, use)
            return f"list[{inner}]" if ref.kind == "array" else f"dict[str, {inner}]"
        if ref.kind == "string" and ref.format in _FORMATS:
            text, module = _FORMATS[ref.format]
            self.modules.add(module)
            return text
        if ref.kind == "literal":
            self.typing.add("Literal")
            return "Literal[" + ", ".join(literal(v) for v in ref.values) + "]"
        return _SCALARS[ref.kind]

    def _item(self, ref: TypeRef | None, use: Use) -> str:
        """An item's (or map value's) annotation, its keywords checked where :attr:`checked`."""
        if not self.checked or ref is None or not ref.checks:
            return self.spell(ref, use)
        kwargs = item_constraints(ref)
        metadata = [f"pydantic.Field({', '.join(f'{k}={v}' for k, v in kwargs)})"] if kwargs else []
        if ref.kind == "array" and dict(ref.checks).get("uniqueItems") is True:
            metadata.append("rt.UNIQUE_ITEMS")  # (a route's and an interface's module import rt)
        if not metadata:
            return self.spell(ref, use)
        self.typing.add("Annotated")
        if kwargs:
            self.modules.add("pydantic")
        text = f"Annotated[{', '.join([self._bare(ref, use), *metadata])}]"
        return f"{text} | None" if ref.nullable else text

    def members(self, ref: TypeRef | None, use: Use) -> str | None:
        """``Cat | Dog``: the members of the union component a body of ``ref`` unwraps to, else None.

        Such a body is validated by its RootModel (:meth:`spell`) and handed over as its
        ``root`` (``ModelsModule.members``); a nullable reference keeps the RootModel.
        Its imports are recorded where it is used (:meth:`note`).
        """
        if ref is None or ref.kind != "model" or ref.nullable or ref.model is None:
            return None
        keys = self.models.members.get(ref.model)
        if not keys:
            return None
        role: Role = "response" if use == "response" else "request"
        return " | ".join(self.models.class_for(key, role) for key in keys)

    def item_members(self, ref: TypeRef | None, use: Use) -> tuple[str, Unwrap] | None:
        """``(Cat | Dog, "items")``: an array (or a map: ``values``) of a union component's members.

        Each item is validated by the component's RootModel and handed over as its ``root``,
        as :meth:`members` does for one; a nullable array or map keeps its RootModels.
        """
        if ref is None or ref.kind not in ("array", "map") or ref.nullable:
            return None
        members = self.members(ref.item, use)
        if members is None:
            return None
        return members, "items" if ref.kind == "array" else "values"

    def note(self, annotation: str) -> str:
        """Record the imports of an annotation spelt by another Annotator (for another module)."""
        names, modules = annotation_names(annotation)
        self.model_names |= names & self.models.classes
        self.typing |= names & _TYPING
        self.modules |= modules & _MODULES
        return annotation

    def _any(self) -> str:
        self.typing.add("Any")
        return "Any"


_JSON_TYPES = {"binary": "string", "map": "object"}


def item_constraints(ref: TypeRef) -> list[tuple[str, str]]:
    """``Field`` keyword arguments checking an item's ``TypeRef.checks`` on its Python type.

    As a model field's (``model_constraints.constraints``), but a pattern only Python's
    engine compiles is left out: a route has no model config to choose that engine.
    """
    if not ref.checks:
        return []
    schema = {"type": _JSON_TYPES.get(ref.kind, ref.kind), **dict(ref.checks)}
    return [
        (key, value)
        for key, value in constraints(schema)
        if key != "pattern" or regex_engine(str(schema["pattern"])) == "rust-regex"
    ]


def pick_content(contents: tuple[Content, ...]) -> Content | None:
    """The media type a generated method reads (see :func:`preferred_response`)."""
    return preferred_response(contents)


def body_kind(media_type: str) -> MediaKind:
    """How a request body of this media type is encoded."""
    return media_kind(media_type)


def pick_body(contents: tuple[Content, ...]) -> Content:
    """The request media type a generated method sends (see :func:`preferred_request`)."""
    return preferred_request(contents)


# Annotations are Python expressions this package spelt; where one has to be inspected
# (what it imports) or qualified (a builtin a method shadows), Python's own parser reads
# it: names are Name nodes, a Literal's strings are constants, never names.


_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.[]|, ")


@functools.lru_cache(maxsize=4096)
def annotation_names(annotation: str) -> tuple[frozenset[str], frozenset[str]]:
    """(the bare names, the modules of dotted names) an annotation refers to."""
    names: set[str] = set()
    modules: set[str] = set()
    if _PLAIN.issuperset(annotation):  # names, dots, brackets, ``|``, commas: no parser needed
        words = annotation.replace("[", " ").replace("]", " ").replace("|", " ").replace(",", " ")
        for word in words.split():
            if word == "None":
                continue
            parts = word.split(".")
            if not all(part.isidentifier() and not keyword.iskeyword(part) for part in parts):
                break  # not an expression of names: the parser decides
            (modules if len(parts) > 1 else names).add(parts[0])
        else:
            return frozenset(names - modules), frozenset(modules)
        names, modules = set(), set()
    for node in ast.walk(_expression(annotation)):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            modules.add(node.value.id)
        elif isinstance(node, ast.Name):
            names.add(node.id)
    return frozenset(names - modules), frozenset(modules)


@functools.lru_cache(maxsize=4096)
def qualified(annotation: str, shadowed: frozenset[str]) -> str:
    """``annotation`` with each bare name in ``shadowed`` spelt ``builtins.<name>``."""
    lines = annotation.split("\n")
    line_starts = [0]
    for line in lines[:-1]:
        line_starts.append(line_starts[-1] + len(line) + 1)
    starts = sorted(  # column offsets count UTF-8 bytes: names are ASCII, a Literal's text may not be
        line_starts[node.lineno - 1]
        + len(lines[node.lineno - 1].encode()[: node.col_offset].decode())
        for node in ast.walk(_expression(annotation))
        if isinstance(node, ast.Name) and node.id in shadowed
    )
    pieces: list[str] = []
    last = 0
    for start in starts:
        pieces += [annotation[last:start], "builtins."]
        last = start
    return "".join([*pieces, annotation[last:]])


def _expression(annotation: str) -> ast.expr:
    """The parsed annotation; an empty one is ``None``."""
    return ast.parse(annotation if annotation.strip() else "None", mode="eval").body
