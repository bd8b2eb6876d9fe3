"""Per-module cache of the rendered models (issue 13): a one-schema change re-renders its modules only.

A module's text depends on its own components, on what its classes read from the
components they refer to (see :func:`component_digests`), on where each of those lives,
on the discriminator tags of its components, on the flavour and on the generator itself
(``templates_hash`` covers the templates and the generator's code). The key digests
exactly that, so adding a property to one schema re-renders the module that defines it,
not every module that refers to it. The entry holds the text, the helpers the module uses and the warnings
building it reported, replayed on a hit so a warm run says what a cold one says.
The layout (which module each component lives in) is stored by a digest of what it reads
(:func:`cached_layout`), so an edit that moves nothing does not place every component again.
"""

from __future__ import annotations

import hashlib
import json
import marshal
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from apiforge.diagnostics import Diagnostic, Sink, SpecLocation
from apiforge.ir.schemas import is_nullable
from apiforge.ir.shapes import Shape
from apiforge.naming.names import Names
from apiforge.output import cache
from apiforge.render.model_layout import Layout, assign
from apiforge.resources import templates_hash

_FORMAT = "models module v4"
_INIT_FORMAT = "models init v1"
_LAYOUT_FORMAT = "models layout v2"
_REFS_FORMAT = "shape refs v1"


@dataclass(frozen=True)
class CachedModule:
    """What rendering one module gave: its text, the helpers it imports, its warnings."""

    text: str
    helpers: tuple[str, ...]
    warnings: tuple[tuple[str, str, str, str], ...]  # code, message, file, pointer

    def dump(self) -> bytes:
        """marshal: reading 600 modules back costs a tenth of what JSON's unescaping does."""
        return marshal.dumps((self.text, self.helpers, self.warnings))

    @staticmethod
    def load(data: bytes) -> CachedModule | None:
        try:
            body, helpers, warnings = marshal.loads(data)
            if not isinstance(body, str):
                return None
            return CachedModule(body, tuple(helpers), tuple(tuple(w) for w in warnings))
        except (ValueError, TypeError, EOFError):
            return None

    def replay(self, sink: Sink) -> None:
        """Report the module's warnings again (their lines are resolved by the sink's locator)."""
        for code, message, file, pointer in self.warnings:
            sink.warning(code, message, SpecLocation(file, pointer))

    @staticmethod
    def warnings_of(diagnostics: Iterable[Diagnostic]) -> tuple[tuple[str, str, str, str], ...]:
        return tuple((d.code, d.message, d.location.file, d.location.pointer) for d in diagnostics)


def scan(shapes: Mapping[str, Shape]) -> tuple[dict[str, set[str]], set[str]]:
    """Component -> the components it ``$ref``s (anywhere inside); and every property a
    discriminator names (both from the walk :attr:`Shape.refs` made; a property's schema is
    part of its shape's)."""
    deps: dict[str, set[str]] = {}
    tags: set[str] = set()
    for key, shape in shapes.items():
        deps[key] = set(shape.refs)
        deps[key] &= shapes.keys()
        tags |= shape.tags
    return deps, tags


def component_digests(
    shapes: Mapping[str, Shape], names: Names, split: frozenset[str], tags: set[str]
) -> tuple[dict[str, str], dict[str, str]]:
    """Two digests per component: of everything its own classes read from it, and of what a
    class that refers to it reads (its signature).

    The signature of an object is its class names, nullability and the fields of
    the properties a discriminator names anywhere (a union spelt with it as a member reads
    them); an enum's adds its values and members; an alias's or a union's is its whole
    schema (a reference spells through it), and what it refers to counts as well
    (:func:`module_key` walks on through them).
    """
    full: dict[str, str] = {}
    signature: dict[str, str] = {}
    ordered = sorted(tags)
    for key, shape in shapes.items():
        schema = shape.digest or shape.schema  # (bytes: never marshalled like a dict)
        shared = [
            key,
            shape.kind,
            names.schemas.get(key),
            names.variants.get(key),
            key in split,
        ]
        fields = names.fields.get(key)
        if shape.kind == "object":
            facts: list[Any] = [
                is_nullable(shape.schema),
                None if fields is None else {t: fields.get(t) for t in ordered},
            ]
        else:
            facts = [schema, names.members.get(key)]
        own = [  # the properties are made of the kind, schema and location (ir/shapes.py)
            schema,
            shape.extra,
            str(shape.location),
            fields,
            names.members.get(key),
        ]
        signature[key] = value_digest([shared, facts])
        full[key] = value_digest([shared, own])
    return full, signature


def value_digest(value: Any) -> str:
    """A digest of ``value`` (built of str, int, float, bool, None, lists, tuples and dicts).

    marshal's version 2 encodes equal values alike (it has no back-references, which
    depend on reference counts, and spells interned and other strings the same) and
    distinct ones apart (types and dict order included); it is ~3x faster than sorted
    JSON. A value marshal cannot encode is spelt as sorted JSON instead.
    """
    try:
        return hashlib.sha256(b"marshal 2\0" + marshal.dumps(value, 2)).hexdigest()
    except ValueError:
        return cache.digest("json", json.dumps(value, sort_keys=True, default=str))


def module_key(
    module: str,
    keys: list[str],
    shapes: Mapping[str, Shape],
    deps: Mapping[str, set[str]],
    digests: tuple[Mapping[str, str], Mapping[str, str]],
    placed: Mapping[str, str],
    users: tuple[str, ...],
    tags: Mapping[tuple[str, str], list[Any]],
    server: bool,
    generator: str,
    files: frozenset[str] = frozenset(),
) -> str:
    """The cache key of one module: its components in full, the signatures of what they refer
    to (through aliases and unions, which are spelt through), their tags, the flavour, and
    which of its components are multipart bodies (``files``: their binary fields are files)."""
    full, signature = digests
    own = set(keys)
    seen: set[str] = set()
    todo = [target for key in keys for target in deps.get(key, ())]
    while todo:
        key = todo.pop()
        if key in own or key in seen:
            continue
        seen.add(key)
        if shapes[key].kind in ("alias", "union"):
            todo.extend(deps.get(key, ()))
    tagged = (
        sorted(
            (k, prop, json.dumps(values, default=str))
            for (k, prop), values in tags.items()
            if k in own
        )
        if tags
        else []
    )
    parts = [_FORMAT, generator, module, *users, "|", str(server)]
    parts += [full[k] for k in keys]
    parts.append("|")
    parts += [k for k in keys if k in files]
    parts.append("|")
    parts += [signature[k] + placed[k] for k in sorted(seen)]
    parts.append(json.dumps(tagged) if tagged else "[]")  # as json.dumps spells it
    return cache.digest(*parts)


def init_key(generator: str, home: Mapping[str, str]) -> str:
    """The cache key of ``models/__init__.py``: made from each class's module (in order) alone."""
    return cache.digest(_INIT_FORMAT, generator, value_digest(list(home.items())))


def known_refs(shapes: Mapping[str, Shape]) -> None:
    """Give each shape the refs and tags (:attr:`Shape.refs`) found before for a schema of the
    same digest, walking only the others; store what every shape has when nothing was stored
    or more than a sixteenth was walked (a write costs more than walking a few edited schemas).

    The walk is a pure function of the schema and its digest spells the schema exactly
    (:attr:`Shape.digest`), so the stored facts are those the walk would find.
    """
    folder = cache.cache_dir("models-refs")
    if folder is None:
        return
    key = cache.digest(_REFS_FORMAT, templates_hash())
    found: dict[bytes, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    stored = cache.read_bytes(folder, key)
    if stored is not None:
        try:
            found = marshal.loads(stored)
            if not isinstance(found, dict):
                found = {}
        except (ValueError, TypeError, EOFError):
            found = {}
    walked = 0
    for shape in shapes.values():
        digest = shape.digest
        hit = found.get(digest) if digest is not None else None
        if (
            isinstance(hit, tuple)
            and len(hit) == 2
            and all(isinstance(part, tuple) for part in hit)
        ):
            shape.scanned_as(frozenset(hit[0]), frozenset(hit[1]))
        else:
            walked += 1
    if walked and (not found or walked * 16 > len(shapes)):
        known = {
            shape.digest: (tuple(sorted(shape.refs)), tuple(sorted(shape.tags)))
            for shape in shapes.values()
            if shape.digest is not None
        }
        cache.write(folder, key, marshal.dumps(known))


def layout_inputs(keys: list[str], deps: Mapping[str, set[str]]) -> str:
    """The digest of what :func:`cached_layout` reads besides the groups (the same for both
    flavours): the components in order and every component's references."""
    return value_digest([keys, sorted((key, sorted(found)) for key, found in deps.items())])


def cached_layout(
    keys: list[str],
    groups: Mapping[str, set[str]],
    deps: Mapping[str, set[str]],
    generator: str,
    components: str,
) -> Layout:
    """:func:`~apiforge.render.model_layout.assign`, stored by a digest of everything it reads
    (``components``: :func:`layout_inputs` of ``keys`` and ``deps``; each group's components):
    an edit that leaves those alone (a property of a plain type added) reuses the layout."""
    folder = cache.cache_dir("models-layout")
    wanted = value_digest(sorted((group, sorted(found)) for group, found in groups.items()))
    key = cache.digest(_LAYOUT_FORMAT, generator, components, wanted)
    stored = cache.read_bytes(folder, key) if folder is not None else None
    if stored is not None:
        try:
            modules, users = marshal.loads(stored)
            if len(modules) == len(keys):
                return Layout(dict(zip(keys, modules)), {m: tuple(u) for m, u in users})
        except (ValueError, TypeError, EOFError):
            pass  # unreadable: assigned again below
    layout = assign(keys, groups, deps)
    if folder is not None:
        placed = [layout.placed[k] for k in keys]
        cache.write(folder, key, marshal.dumps((placed, list(layout.users.items()))))
    return layout
