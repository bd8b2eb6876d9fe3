"""The client's and the server's files (their models aside), reused when nothing the views read changed.

The views (``client_views.py``, ``server_views.py`` and the modules they call) and the
renderers are given :class:`ViewInputs`: the IR, the names and the models reduced to
what they read. The schemas keep their key, kind, enum values and names, location,
the two properties a page is recognised by (:data:`~apiforge.ir.model.PAGE_PROPERTIES`)
and, for the schemas a form or multipart body uses, every property
(:func:`~apiforge.ir.model.form_fields`); no description. The names keep the operations'
and the groups'; the models their class maps, not their files. What the views read is
thus in the projection by construction, in a cold run as in a warm one, and the
projection's digest (with the generator, the target, the header and the formatter's
settings) keys the files, stored *formatted*, and the diagnostics the views reported,
replayed in order: a reused run neither renders, formats nor looks up the format cache
for those files, and imports no view or renderer module. An edit that changes only what
the models stage reads (a property added to a schema, a description) reuses both
packages' files; one that changes an operation, a name or a class renders them again.
A reuse is announced as a progress stage (``client views unchanged: reusing ...``).

:func:`_spelling` spells the projection for its digest: every field of every dataclass in
it, in field order, as plain lists, tuples and dicts (dict order counts, as the views see
it; the models' sets sorted) that ``marshal``'s format 2 writes in C. That format spells a
value alone (no object references, no interning), so the digest is the same in every
process; a value it cannot write (a date among a schema's enum values) spells the whole
projection with ``repr`` instead.
"""

from __future__ import annotations

import functools
import hashlib
import marshal
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from operator import attrgetter
from typing import Any

from apiforge.config.targets import Target
from apiforge.diagnostics import Diagnostic, Severity, Sink, SpecLocation
from apiforge.ir import model as ir
from apiforge.ir.model import PAGE_PROPERTIES, Api, Schema, unaliased
from apiforge.models import ModelsModule
from apiforge.naming.names import GroupNames, Names, OperationNames
from apiforge.output import cache
from apiforge.output.manifest import DigestedText, file_bytes, sha256_hex
from apiforge.progress import stage

# v2: formatted text; v3: the projection spelt by marshal; v4: each file's sha256 kept;
# v5: a TypeRef's checks (an item's keywords, which the server's routes spell)
_FORMAT = "package files v5"

Parts = tuple[dict[str, str], dict[str, str]]
"""A package's files before its ``models/`` folder and after it (see ``render/client.py``)."""


@dataclass(frozen=True)
class ViewInputs:
    """What the client and server views may read (see the module docstring)."""

    api: Api
    names: Names
    models: ModelsModule

    @functools.cached_property
    def spelt(self) -> str:
        """The digest of the projection (spelt once for both packages)."""
        return cache.digest(_FORMAT, *_spelling(self.api, self.names, self.models))


def _split(names: str) -> tuple[str, ...]:
    return tuple(names.split())


def _location(name: str) -> tuple[str, ...]:
    return tuple(f"{name}.{field}" for field in _SCALARS[SpecLocation])


def _ref(name: str) -> tuple[str, ...]:
    return tuple(f"{name}.{field}" for field in _SCALARS[ir.TypeRef])


# Each class's fields spelt as they are (a location and a TypeRef's fields are spelt in
# their holder's row); _NESTED: the fields spelt by the walk below. Together: every field.
_SCALARS: dict[type, tuple[str, ...]] = {
    SpecLocation: _split("file pointer line column"),
    ir.TypeRef: _split("kind model format nullable values checks"),
    ir.Parameter: _split(
        "name location required style explode description deprecated default keywords"
        " allow_reserved"
    ),
    ir.Content: _split("media_type encoding keywords part_types"),
    ir.RequestBody: _split("required description"),
    ir.Response: _split("status description"),
    ir.SecurityRequirement: _split("scheme scopes"),
    ir.Operation: _split(
        "operation_id method path summary description tags deprecated security_optional"
        " security_unsupported"
    ),
    ir.Property: _split("name required"),
    Schema: _split("key kind enum_values description enum_varnames alias_of"),
    ir.Server: _split("url description"),
    ir.SecurityScheme: _split("name kind param_name location"),
    Api: _split("title version description tags used_schemes main_scheme"),
    OperationNames: _split("resource method params function constant all_method"),
    GroupNames: _split("resource_class interface keyword base"),
    Names: _split("schemas fields members variants"),
    ModelsModule: _split("client_files server_files names variants homes server_homes members"),
}
_NESTED: dict[type, tuple[str, ...]] = {
    ir.TypeRef: _split("item"),
    ir.Parameter: _split("type spec_location"),
    ir.Content: _split("type"),
    ir.RequestBody: _split("contents spec_location"),
    ir.Response: _split("contents spec_location"),
    ir.Operation: _split("parameters body responses security spec_location security_alternatives"),
    ir.Property: _split("type"),
    Schema: _split("properties spec_location"),
    ir.SecurityScheme: _split("spec_location"),
    Api: _split("servers operations schemas security_schemes"),
    Names: _split("operations groups"),
    ModelsModule: _split("classes enums renaming"),  # frozensets: spelt sorted
}
_TYPE_REF = attrgetter(*_SCALARS[ir.TypeRef])
_PARAMETER = attrgetter(*_SCALARS[ir.Parameter], *_location("spec_location"), *_ref("type"))
_CONTENT = attrgetter(*_SCALARS[ir.Content])
_BODY = attrgetter(*_SCALARS[ir.RequestBody], *_location("spec_location"))
_RESPONSE = attrgetter(*_SCALARS[ir.Response], *_location("spec_location"))
_REQUIREMENT = attrgetter(*_SCALARS[ir.SecurityRequirement])
_OPERATION = attrgetter(*_SCALARS[ir.Operation], *_location("spec_location"))
_PROPERTY = attrgetter(*_SCALARS[ir.Property], *_ref("type"))
_SCHEMA = attrgetter(*_SCALARS[Schema], *_location("spec_location"))
_SERVER = attrgetter(*_SCALARS[ir.Server])
_SCHEME = attrgetter(*_SCALARS[ir.SecurityScheme], *_location("spec_location"))
_API = attrgetter(*_SCALARS[Api])
_OPERATION_NAMES = attrgetter(*_SCALARS[OperationNames])
_GROUP_NAMES = attrgetter(*_SCALARS[GroupNames])
_NAMES = attrgetter(*_SCALARS[Names])
_MODELS = attrgetter(*_SCALARS[ModelsModule])


def _spelling(api: Api, names: Names, models: ModelsModule) -> tuple[str, str]:
    """How the projection is spelt and the sha256 of that spelling (see the module docstring).

    One flat list of rows, each a tuple of plain values: a dataclass's fields (its location's
    and its TypeRef's inline), a sequence's length before its items, a TypeRef's ``item``
    chain ended by None. Read in order, the rows give the projection back.
    """
    out: list[Any] = [_API(api), len(api.servers)]
    add = out.append
    out.extend(map(_SERVER, api.servers))
    add(len(api.operations))
    for op in api.operations:
        add(_OPERATION(op))
        add(len(op.parameters))
        for param in op.parameters:
            add(_PARAMETER(param))
            _items(param.type.item, add)
        body = op.body
        if body is None:
            add(None)
        else:
            add(_BODY(body))
            _contents(body.contents, add)
        add(len(op.responses))
        for response in op.responses:
            add(_RESPONSE(response))
            _contents(response.contents, add)
        add(tuple(map(_REQUIREMENT, op.security)))
        add(tuple(tuple(map(_REQUIREMENT, one)) for one in op.security_alternatives))
    add(len(api.schemas))
    for key, schema in api.schemas.items():
        add(key)
        add(_SCHEMA(schema))
        add(len(schema.properties))
        for prop in schema.properties:
            add(_PROPERTY(prop))
            _items(prop.type.item, add)
    add(tuple(map(_SCHEME, api.security_schemes)))
    add(_NAMES(names))
    add(tuple(names.operations))
    out.extend(map(_OPERATION_NAMES, names.operations.values()))
    add(tuple(names.groups))
    out.extend(map(_GROUP_NAMES, names.groups.values()))
    sets = (sorted(models.classes), sorted(models.enums), sorted(models.renaming))
    add((_MODELS(models), *sets))
    try:
        spelt = marshal.dumps(out, 2)
    except ValueError:  # a value marshal cannot write
        return "repr", cache.digest(repr((api, names, _MODELS(models), sets)))
    return "marshal 2", hashlib.sha256(spelt).hexdigest()


def _items(ref: ir.TypeRef | None, add: Callable[[Any], object]) -> None:
    """A TypeRef's ``item`` chain: a row per TypeRef, then None."""
    while ref is not None:
        add(_TYPE_REF(ref))
        ref = ref.item
    add(None)


def _contents(contents: tuple[ir.Content, ...], add: Callable[[Any], object]) -> None:
    add(len(contents))
    for content in contents:
        add(_CONTENT(content))
        _items(content.type, add)


def form_models(api: Api) -> set[str | None]:
    """The schemas some operation sends as a form, or an alias of one names: the views read
    every property of these."""
    found: set[str | None] = set()
    for op in api.operations:
        for content in op.body.contents if op.body is not None else ():
            if content.kind in ("form", "multipart") and content.type is not None:
                found.add(content.type.model)
                schema = unaliased(api, content.type.model)
                found.add(schema.key if schema is not None else None)
    return found


def project(api: Api, names: Names, models: ModelsModule) -> ViewInputs:
    """The projection of the IR, the names and the models the views are given."""
    forms = form_models(api)
    schemas = {key: _schema(schema, key in forms) for key, schema in api.schemas.items()}
    return ViewInputs(
        replace(api, schemas=schemas),
        Names({}, names.operations, names.groups),
        replace(models, client_files={}, server_files={}),
    )


def _schema(schema: Schema, form: bool) -> Schema:
    """``replace(schema, properties=kept, description="")``, as a copy of its fields: Schema
    runs no ``__post_init__`` (a test says so), and ``replace`` (``__init__`` with every field
    set through ``object.__setattr__``) cost ~7 ms over 1,500 schemas."""
    kept = (
        schema.properties
        if form
        else tuple(p for p in schema.properties if p.name in PAGE_PROPERTIES)
    )
    if not schema.description and kept is schema.properties:
        return schema  # nothing to take out
    made: Schema = object.__new__(Schema)
    made.__dict__.update(schema.__dict__, properties=kept, description="")
    return made


Said = tuple[str, str, str, tuple[str, str, int | None, int | None]]
"""A diagnostic a view reported, as stored: code, severity, message, location."""


@dataclass
class Reuse:
    """One build's package parts: reused formatted, or made and kept once formatted.

    ``style`` names what the text of a stored part went through: the formatter's settings
    (:func:`apiforge.output.format.settings`, as the format cache's keys do) or
    ``"unformatted"``. A reused part's text is final, so its paths (:attr:`ready`) skip the
    format step; a made part is stored by :meth:`keep` from the formatted files, and only
    when formatting reported no error, so a module the formatter cannot format fails every
    run that renders it.
    """

    inputs: ViewInputs
    target: Target
    header: str
    style: str
    sink: Sink
    ready: set[str] = field(default_factory=set)
    _made: list[tuple[str, list[str], list[str], list[Said]]] = field(default_factory=list)

    def parts(self, kind: str, make: Callable[[], Parts]) -> Parts:
        """``make()`` (views and templates), or the formatted parts stored for this projection."""
        folder = cache.cache_dir("packages")
        key = self._key(kind) if folder is not None else ""
        stored = cache.read_bytes(folder, key) if folder is not None else None
        if stored is not None:
            try:
                heads, tails, said = marshal.loads(stored)
                head, tail = _digested(heads), _digested(tails)
                replayed = [
                    Diagnostic(code, Severity(severity), message, SpecLocation(*where))
                    for code, severity, message, where in said
                ]
            except (ValueError, TypeError, EOFError):
                pass  # unreadable: made again below
            else:
                for d in replayed:
                    self.sink.report(d.code, d.severity, d.message, d.location)
                package = (
                    self.target.client_package if kind == "client" else self.target.server_package
                )
                stage(f"{kind} views unchanged: reusing the formatted files of {package}")
                self.ready.update(head)
                self.ready.update(tail)
                return head, tail
        sink = self.sink
        said_before = len(sink.items)
        locator, sink.locator = sink.locator, None  # recorded before their lines are looked up
        try:
            head, tail = make()
        finally:
            sink.locator = locator
        raw = sink.items[said_before:]
        if locator is not None:
            sink.items[said_before:] = [
                d if d.location.line is not None else replace(d, location=locator(d.location))
                for d in raw
            ]
        if folder is not None and not any(d.severity is Severity.ERROR for d in raw):
            said = [(d.code, d.severity.value, d.message, _where(d.location)) for d in raw]
            self._made.append((key, list(head), list(tail), said))
        return head, tail

    def keep(self, files: dict[str, str]) -> None:
        """Store the parts made in this build, their text taken from ``files`` (formatted), each
        with its sha256; their texts in ``files`` become :class:`DigestedText` (the manifest's
        digests, hashed once)."""
        folder = cache.cache_dir("packages")
        for key, head, tail, said in self._made:
            heads = [_stored(files, path) for path in head]
            tails = [_stored(files, path) for path in tail]
            cache.write(folder, key, marshal.dumps((heads, tails, said)))
        self._made.clear()

    def _key(self, kind: str) -> str:
        from apiforge.resources import templates_hash  # the generator's code and templates

        # the warnings a target ignores change no file, and their diagnostics are all kept
        target = replace(self.target, ignore_warnings=())
        setting = repr((target, self.header, self.style))
        return cache.digest(_FORMAT, templates_hash(), kind, setting, self.inputs.spelt)


def _stored(files: dict[str, str], path: str) -> tuple[str, str, str]:
    """``(path, text, sha256)`` of a made file, its text in ``files`` digested from now on."""
    text = str(files[path])  # a plain str: marshal writes no subclass
    digest = sha256_hex(file_bytes(text))
    files[path] = DigestedText.of(text, digest)
    return path, text, digest


def _digested(stored: list[tuple[str, str, str]]) -> dict[str, str]:
    """A stored part's files, each text with the digest stored beside it."""
    files: dict[str, str] = {}
    for path, text, digest in stored:
        if type(text) is not str or type(digest) is not str:
            raise TypeError("a damaged entry")  # unreadable: made again
        files[path] = DigestedText.of(text, digest)
    return files


def with_models(
    head: dict[str, str], models: dict[str, str], tail: dict[str, str], pkg: str, header_text: str
) -> dict[str, str]:
    """A package's files: ``head``, its ``models/`` folder (after the header), then ``tail``."""
    root = f"{pkg}/{pkg}/"
    files = dict(head)
    files.update({root + path: f"# {header_text}\n{text}" for path, text in models.items()})
    files.update(tail)
    return files


def _where(location: SpecLocation) -> tuple[str, str, int | None, int | None]:
    return (location.file, location.pointer, location.line, location.column)
