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

``repr`` spells the projection: the IR, the names and the target are frozen dataclasses
of strings, numbers, tuples and dicts (equal ``repr``, equal values; dict order counts
as the views see it); the models' sets are spelt sorted.
"""

from __future__ import annotations

import functools
import marshal
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from apiforge.config.targets import Target
from apiforge.diagnostics import Diagnostic, Severity, Sink, SpecLocation
from apiforge.ir.model import PAGE_PROPERTIES, Api, Schema
from apiforge.models import ModelsModule
from apiforge.naming.names import Names
from apiforge.output import cache

_FORMAT = "package files v2"  # v2: formatted text

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
        m = self.models
        classes = (sorted(m.classes), m.names, m.variants, sorted(m.enums))
        maps = (m.homes, m.server_homes, m.members)
        return cache.digest(_FORMAT, repr((self.api, self.names, classes, maps)))


REUSED: list[str] = []  # the packages the last build reused ("client", "server"): for tests


def project(api: Api, names: Names, models: ModelsModule) -> ViewInputs:
    """The projection of the IR, the names and the models the views are given."""
    forms = {
        content.type.model
        for op in api.operations
        if op.body is not None
        for content in op.body.contents
        if content.kind in ("form", "multipart") and content.type is not None
    }
    schemas = {key: _schema(schema, key in forms) for key, schema in api.schemas.items()}
    REUSED.clear()
    return ViewInputs(
        replace(api, schemas=schemas),
        Names({}, names.operations, names.groups),
        replace(models, client_files={}, server_files={}),
    )


def _schema(schema: Schema, form: bool) -> Schema:
    kept = (
        schema.properties
        if form
        else tuple(p for p in schema.properties if p.name in PAGE_PROPERTIES)
    )
    return replace(schema, properties=kept, description="")


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
                head, tail, said = marshal.loads(stored)
                replayed = [
                    Diagnostic(code, Severity(severity), message, SpecLocation(*where))
                    for code, severity, message, where in said
                ]
            except (ValueError, TypeError, EOFError):
                pass  # unreadable: made again below
            else:
                for d in replayed:
                    self.sink.report(d.code, d.severity, d.message, d.location)
                REUSED.append(kind)
                head, tail = dict(head), dict(tail)
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
        """Store the parts made in this build, their text taken from ``files`` (formatted)."""
        folder = cache.cache_dir("packages")
        for key, head, tail, said in self._made:
            heads = [(path, files[path]) for path in head]
            tails = [(path, files[path]) for path in tail]
            cache.write(folder, key, marshal.dumps((heads, tails, said)))
        self._made.clear()

    def _key(self, kind: str) -> str:
        from apiforge.resources import templates_hash  # the generator's code and templates

        setting = repr((self.target, self.header, self.style))
        return cache.digest(_FORMAT, templates_hash(), kind, setting, self.inputs.spelt)


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
