"""One side of a diff: a spec taken through load -> IR -> names, plus what the rules ask of it.

A :class:`Snapshot` holds the IR, the naming pass's result (the models' class,
field and enum member names too: what users import and spell), the component
schemas the models stage would render, and a locator that turns an IR location
into file:line. It also knows which component schemas travel in requests and
which in responses (directly or through other schemas), since the weight of a
schema edit depends on who produces the data and who consumes it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from apiforge.diagnostics import GenerationFailed, Sink, SpecLocation
from apiforge.diff import units
from apiforge.diff.model import Audience
from apiforge.ir.build import build
from apiforge.ir.model import Api, Operation, TypeRef
from apiforge.ir.nested import component_key
from apiforge.ir.shapes import build_shapes
from apiforge.load.load import LoadOptions, load
from apiforge.naming.names import Names, resolve_names

Direction = Literal["request", "response"]


def _identity(location: SpecLocation) -> SpecLocation:
    return location


@dataclass(frozen=True)
class Snapshot:
    """A spec as the generator sees it; see the module docstring.

    ``digest`` (of the document), ``usage`` and ``users`` are worked out on first use
    (from ``document``), unless given in ``known``: a comparison that reuses them from
    the previous snapshot never pays for them.
    """

    display: str
    api: Api
    names: Names
    schemas: dict[str, dict[str, Any]]
    document: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    locate: Callable[[SpecLocation], SpecLocation] = _identity
    operations: dict[str, Operation] = field(default_factory=dict)
    known: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def digest(self) -> str:
        """sha256 over the canonical JSON of the document's units (see :mod:`~apiforge.diff.units`)."""
        if "digest" not in self.known:
            found = units.summaries(self.document)
            if found is None:
                self.known["digest"] = units.canonical(self.document).hex()
            else:
                self.known["units"] = found  # what storing the snapshot reads as well
                self.known["digest"] = units.combined({k: d for k, (d, _) in found.items()})
        return str(self.known["digest"])

    @property
    def openapi(self) -> str:
        """The document's OpenAPI version (``3.0.3``): how the IR reads its schemas."""
        if "openapi" not in self.known:
            self.known["openapi"] = str(self.document.get("openapi") or "3.0.3")
        return str(self.known["openapi"])

    @property
    def usage(self) -> dict[str, frozenset[Direction]]:
        """Component key -> the directions it travels in (requests, responses)."""
        if "usage" not in self.known:
            self._work_out_usage()
        return self.known["usage"]  # type: ignore[no-any-return]

    @property
    def users(self) -> dict[str, tuple[str, ...]]:
        """Component key -> the operations that use it, directly or through other schemas."""
        if "users" not in self.known:
            self._work_out_usage()
        return self.known["users"]  # type: ignore[no-any-return]

    def _work_out_usage(self) -> None:
        refs = {key: set(schema_refs(schema)) for key, schema in self.schemas.items()}
        self.known["refs"] = refs  # what storing the snapshot reads as well
        self.known["usage"], self.known["users"] = _usage(self.api, refs)

    def client_call(self, op: Operation, argument: str = "") -> str:
        """``client.dashboards.list(limit=...)`` (``(...)`` without an argument)."""
        n = self.names.operations[op.operation_id]
        return "client." + ".".join([*n.resource, n.method]) + f"({argument or '...'})"

    def server_call(self, op: Operation, argument: str = "") -> str:
        """``DashboardsApi.list(limit=...)``: the interface method an implementation provides."""
        n = self.names.operations[op.operation_id]
        interface = self.names.groups[n.resource].interface
        return f"{interface}.{n.method}({argument or '...'})"

    def calls(self, op: Operation, argument: str = "") -> dict[Audience, str]:
        """Per audience, how its code spells ``op``: :meth:`client_call`, :meth:`server_call`."""
        return {"client": self.client_call(op, argument), "server": self.server_call(op, argument)}

    def call(self, audience: str, op: Operation, argument: str = "") -> str:
        """:meth:`client_call` or :meth:`server_call`."""
        return (
            self.client_call(op, argument)
            if audience == "client"
            else self.server_call(op, argument)
        )

    def model(self, key: str, field_name: str = "") -> str:
        """``models.Dashboard`` or ``models.Dashboard.name`` for a component schema
        (``models.PetRequest.name / models.PetResponse.name`` where it splits)."""
        classes: tuple[str, ...] = self.names.variants.get(key) or (
            self.names.schemas.get(key) or key,
        )
        tail = f".{field_name}" if field_name else ""
        return " / ".join(f"models.{name}{tail}" for name in classes)

    def where(self, location: SpecLocation | None) -> SpecLocation | None:
        """``location`` with its file:line resolved (in the file it came from)."""
        return None if location is None else self.locate(location)


def from_document(
    document: dict[str, Any],
    display: str,
    sink: Sink,
    locate: Callable[[SpecLocation], SpecLocation] = _identity,
) -> Snapshot:
    """Build the IR and names of an already loaded document.

    Raises:
        GenerationFailed: the IR builder reported errors.
    """

    api, source = build(document, sink, display)
    if sink.has_errors():
        raise GenerationFailed(sink.items)
    # The models' names (Request/Response variants, fields, enum members) come from the
    # shapes; their warnings are the models stage's to give, not the comparison's.
    shapes = build_shapes(source.schemas, source.locations, Sink())
    names = resolve_names(api, shapes)
    return from_built(document, display, api, source.schemas, names, locate)


def from_built(
    document: dict[str, Any],
    display: str,
    api: Api,
    schemas: dict[str, dict[str, Any]],
    names: Names,
    locate: Callable[[SpecLocation], SpecLocation] = _identity,
) -> Snapshot:
    """A snapshot from what the pipeline already built (``names`` with the models' names).

    Of the fields' names it keeps those that are not the wire name (``class_``, ``Owner_``):
    the rest need no storing, and a property added leaves the names as they were.
    """
    spelt = {key: {w: n for w, n in found.items() if w != n} for key, found in names.fields.items()}
    names = replace(names, fields={key: found for key, found in spelt.items() if found})
    operations = {op.operation_id: op for op in api.operations}
    return Snapshot(display, api, names, schemas, document, locate, operations)


def load_snapshot(path: Path, sink: Sink, *, allow_remote_refs: bool = False) -> Snapshot:
    """Load, bundle and build the spec at ``path`` (diagnostics go to ``sink``).

    Raises:
        GenerationFailed: the spec could not be loaded or has errors.
    """

    loaded = load(path, sink, LoadOptions(allow_remote_refs=allow_remote_refs))
    if loaded is None or sink.has_errors():
        raise GenerationFailed(sink.items)
    shown = str(path)

    def locate(location: SpecLocation) -> SpecLocation:
        """file:line of an IR location, in the file its node came from (a $ref'd file too)."""
        return (
            loaded.locate(loaded.origin(location.pointer)) if location.file == shown else location
        )

    sink.relocate(locate)
    return from_document(loaded.document, shown, sink, locate)


def type_models(ref: TypeRef | None) -> Iterator[str]:
    """Every component key a TypeRef names (through arrays and maps)."""
    while ref is not None:
        if ref.kind == "model" and ref.model:
            yield ref.model
        ref = ref.item


def operation_types(op: Operation) -> Iterator[tuple[Direction, TypeRef]]:
    """Every TypeRef an operation sends (parameters, bodies) or receives (responses)."""
    for param in op.parameters:
        yield "request", param.type
    for content in op.body.contents if op.body else ():
        if content.type is not None:
            yield "request", content.type
    for response in op.responses:
        for content in response.contents:
            if content.type is not None:
                yield "response", content.type


def schema_refs(schema: Any) -> Iterator[str]:
    """Component keys a raw schema $refs, at any depth."""

    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            key = component_key(ref) if isinstance(ref, str) else None
            if key is not None:
                yield key
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _usage(
    api: Api, refs: dict[str, set[str]]
) -> tuple[dict[str, frozenset[Direction]], dict[str, tuple[str, ...]]]:
    """For each component (given the components each refers to): the directions it travels
    in and the operations that use it."""
    reached: dict[str, frozenset[str]] = {}

    def reach(start: str) -> frozenset[str]:
        """``start`` and every component it refers to, at any depth (once per component)."""
        if start not in reached:
            seen = {start}
            stack = [start]
            while stack:
                for key in refs.get(stack.pop(), ()):
                    if key not in seen:
                        seen.add(key)
                        stack.append(key)
            reached[start] = frozenset(seen)
        return reached[start]

    usage: dict[str, set[Direction]] = {}
    users: dict[str, dict[str, None]] = {}
    for op in api.operations:
        for direction, ref in operation_types(op):
            for start in type_models(ref):
                for key in reach(start):
                    usage.setdefault(key, set()).add(direction)
                    users.setdefault(key, {})[op.operation_id] = None
    return (
        {k: frozenset(v) for k, v in usage.items()},
        {k: tuple(v) for k, v in users.items()},
    )
