"""Stage 2, build: the loaded document -> the IR (:class:`~apiforge.ir.model.Api`).

Resolves parameter, request body and response $refs, merges path-level
parameters, converts every schema an operation uses into a TypeRef (hoisting
inline ones, see ``ir/schemas.py``), picks a usable security requirement, and
reports what it cannot represent as diagnostics with the node's pointer. Bodies
and responses are read in ``ir/bodies.py``, security in ``ir/security.py``.
Returns the IR plus the component schemas the models stage renders.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from apiforge.diagnostics import Sink, SpecLocation
from apiforge.ir.bodies import Bodies
from apiforge.ir.document_checks import prepare
from apiforge.ir.headers import header_key, left_out
from apiforge.ir.model import (
    Api,
    Operation,
    Parameter,
    Server,
    TypeRef,
    relocated,
    validation_keywords,
)
from apiforge.ir.paths import template_names, template_problem
from apiforge.ir.schemas import SchemaRegistry
from apiforge.ir.security import Requirements, Security, client_schemes
from apiforge.ir.summaries import describe
from apiforge.naming.words import class_name, snake_case

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
LOCATIONS = ("path", "query", "header", "cookie")


@dataclass(frozen=True)
class ModelSource:
    """The component schemas (given and hoisted) that the models stage renders."""

    schemas: dict[str, dict[str, Any]]
    locations: dict[str, SpecLocation]
    openapi_version: str


def build(
    document: dict[str, Any],
    sink: Sink,
    file: str,
    marked: list[dict[str, Any]] | None = None,
) -> tuple[Api, ModelSource]:
    """Build the IR of ``document``; problems go to ``sink``.

    ``marked``: the loader's ``LoadedSpec.marked`` (saves :func:`prepare` a pass), or None.
    """
    # oneOf relaxed, 3.1 normalised, nodes checked
    document = prepare(document, sink, file, marked)
    return _Builder(document, sink, file).run()


class _Builder:
    def __init__(self, document: dict[str, Any], sink: Sink, file: str) -> None:
        self.doc = document
        self.sink = sink
        self.root = SpecLocation(file, "")
        self.registry = SchemaRegistry(document, sink, file)
        self.bodies = Bodies(self.registry, sink, self._deref)
        self.security = Security(document, sink, self.root, self._deref)
        self.servers = _server_list(document.get("servers"))  # the document's, read once
        self.op_ids: set[str] = set()
        # Each parameter node read without a diagnostic, by its id: (the node, its Parameter).
        self._parameters_read: dict[int, tuple[Any, Parameter]] = {}
        self._reported_headers: set[str] = set()  # pointers of header parameters left out
        self._clashes: set[tuple[str, str]] = set()  # pointers of header name clashes reported

    def run(self) -> tuple[Api, ModelSource]:
        info = self.doc.get("info") or {}
        operations: list[Operation] = []
        paths = self.doc.get("paths") or {}
        for path, item in paths.items():
            loc = self.root.child("paths", path)
            problem = template_problem(path)
            if problem is not None:
                self.sink.warning(
                    "invalid-path-template",
                    f"path {path!r} {problem}; the text is kept literally",
                    loc,
                )
            item, _ = self._deref(item, loc)
            if not isinstance(item, dict):
                continue
            self._check_servers(item, loc)
            for method in METHODS:
                if isinstance(item.get(method), dict):
                    operations.append(self._operation(path, method, item, loc))
        if self.doc.get("webhooks"):
            self.sink.warning(
                "webhooks-ignored",
                "webhooks are not generated (only paths are)",
                self.root.child("webhooks"),
            )
        schemes = tuple(self.security.schemes.values())
        used, main = client_schemes(operations, schemes)
        api = Api(
            title=str(info.get("title") or "API"),
            version=str(info.get("version") or "0"),
            description=str(info.get("description") or ""),
            servers=self.servers,
            operations=tuple(operations),
            schemas=describe(self.registry),
            security_schemes=schemes,
            tags=_tags(self.doc.get("tags")),
            used_schemes=used,
            main_scheme=main,
        )
        self.bodies.check_encodings(api)
        source = ModelSource(
            self.registry.schemas, self.registry.locations, str(self.doc.get("openapi", "3.0.3"))
        )
        return api, source

    @functools.cached_property
    def _document_security(self) -> Requirements:
        """The document's ``security``, read (and warned about, at ``#/security``) once."""
        return self.security.requirements(self.doc.get("security"), self.root)

    def _deref(self, node: Any, loc: SpecLocation) -> tuple[Any, SpecLocation]:
        """Follow a chain of local $refs (non-schema objects), guarding against cycles."""
        if node.__class__ is dict and node.get("$ref").__class__ is not str:
            return node, loc  # most nodes: no $ref to follow
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen:
                self.sink.error("ref-cycle", f"$ref cycle through {ref!r}", loc)
                return {}, loc
            seen.add(ref)
            target = self.registry.resolve_pointer(ref)
            if target is None:
                self.sink.error("ref-not-found", f"$ref {ref!r} does not resolve", loc)
                return {}, loc
            node, loc = target, SpecLocation(self.root.file, ref[1:])
        return node, loc

    def _operation(
        self, path: str, method: str, item: dict[str, Any], item_loc: SpecLocation
    ) -> Operation:
        raw = item[method]
        loc = item_loc.child(method)
        op_id = self._operation_id(raw.get("operationId"), method, path, loc)
        hint = class_name(op_id)
        params = self._parameters(path, item, raw, item_loc, loc, hint)
        given = raw.get("requestBody")
        body = None if given is None else self.bodies.body(given, loc.child("requestBody"), hint)
        responses = self.bodies.responses(raw.get("responses") or {}, loc, hint)
        if not responses:
            self.sink.warning(
                "no-responses", "operation documents no response", loc.child("responses")
            )
        self._check_servers(raw, loc)
        if raw.get("callbacks"):
            self.sink.warning(
                "callbacks-ignored",
                "callbacks are not generated (only the operation itself is)",
                loc.child("callbacks"),
            )
        if "security" in raw:
            alternatives, optional, unsupported = self.security.requirements(raw["security"], loc)
        else:
            alternatives, optional, unsupported = self._document_security
        return Operation(
            operation_id=op_id,
            method=method.upper(),
            path=path,
            summary=str(raw.get("summary") or ""),
            description=str(raw.get("description") or ""),
            tags=tuple(map(str, raw.get("tags") or ())),
            deprecated=raw.get("deprecated") is True,
            parameters=params,
            body=body,
            responses=responses,
            security=() if optional else alternatives[0] if alternatives else (),
            spec_location=loc,
            security_alternatives=alternatives,
            security_optional=optional,
            security_unsupported=unsupported,
        )

    def _operation_id(self, given: Any, method: str, path: str, loc: SpecLocation) -> str:
        op_id = given if isinstance(given, str) and given.strip() else ""
        if not op_id:
            op_id = snake_case(f"{method} {path}") or method
            self.sink.warning("missing-operation-id", f"no operationId; using {op_id!r}", loc)
        if op_id in self.op_ids:
            base, n = op_id, 2
            while f"{base}_{n}" in self.op_ids:
                n += 1
            op_id = f"{base}_{n}"
            self.sink.warning(
                "duplicate-operation-id",
                f"operationId {base!r} is used twice; this one is {op_id!r}",
                loc,
            )
        self.op_ids.add(op_id)
        return op_id

    def _parameters(
        self,
        path: str,
        item: dict[str, Any],
        raw: dict[str, Any],
        item_loc: SpecLocation,
        loc: SpecLocation,
        hint: str,
    ) -> tuple[Parameter, ...]:
        names = template_names(path)
        # By (location, name); a header's name in lower case: ``X-Id`` and ``x-id`` are one.
        merged: dict[tuple[str, str], Parameter] = {}
        for source, base in ((item.get("parameters"), item_loc), (raw.get("parameters"), loc)):
            for i, node in enumerate(source or ()):
                param = self._parameter(node, base.child("parameters", i), hint)
                if param is None:
                    continue
                if param.location != "header":
                    merged[(param.location, param.name)] = param
                    continue
                key = ("header", header_key(param.name))
                earlier = merged.get(key)
                if earlier is not None and earlier.name != param.name:
                    self._header_clash(earlier, param)
                merged[key] = param
        for name in names:
            if ("path", name) not in merged:
                self.sink.warning(
                    "missing-path-parameter",
                    f"path parameter {name!r} is not declared; assuming a string",
                    loc,
                )
                merged[("path", name)] = Parameter(
                    name, "path", True, TypeRef("string"), None, None, "", False, loc
                )
        for param in list(merged.values()):
            if param.location == "path" and param.name not in names:
                self.sink.warning(
                    "unused-path-parameter",
                    f"path parameter {param.name!r} is not in the path; ignored",
                    param.spec_location,
                )
                del merged[("path", param.name)]
        return tuple(merged.values())

    def _header_clash(self, earlier: Parameter, param: Parameter) -> None:
        """Report ``param`` replacing ``earlier``, a header parameter named alike but for case
        (once per pair of places: a path item's pair is met by each of its operations)."""
        where = param.spec_location
        pair = (where.pointer, earlier.spec_location.pointer)
        if pair in self._clashes:
            return
        self._clashes.add(pair)
        self.sink.warning(
            "duplicate-header-parameter",
            f"header parameters {earlier.name!r} (#{earlier.spec_location.pointer}) and "
            f"{param.name!r} name one header, as header names ignore case: {param.name!r} "
            "replaces the other, as an operation's parameter replaces its path's",
            where,
        )

    def _parameter(self, node: Any, loc: SpecLocation, hint: str) -> Parameter | None:
        node, loc = self._deref(node, loc)
        skipped = _left_out_header(node)
        if skipped is not None:
            if loc.pointer not in self._reported_headers:
                self._reported_headers.add(loc.pointer)
                code, message = skipped
                self.sink.warning(code, message, loc)
            return None
        known = self._parameters_read.get(id(node))
        if known is not None:
            # Read again, it would give the same Parameter (``hint`` names only what is hoisted,
            # and hoisting an equal schema again gives the same component) and report nothing.
            return relocated(known[1], loc)
        said = len(self.sink)
        param = self._read_parameter(node, loc, hint)
        if param is not None and len(self.sink) == said:
            self._parameters_read[id(node)] = (node, param)  # the node held: its id stays its own
        return param

    def _read_parameter(self, node: Any, loc: SpecLocation, hint: str) -> Parameter | None:
        if not isinstance(node, dict):
            return None
        name, where = node.get("name"), node.get("in")
        if not isinstance(name, str) or where not in LOCATIONS:
            self.sink.error(
                "invalid-parameter",
                "a parameter needs a string 'name' and 'in' one of path, query, header, cookie",
                loc,
            )
            return None
        schema = node.get("schema")
        tokens: tuple[str, ...] = ("schema",)
        if schema is None and isinstance(node.get("content"), dict) and node["content"]:
            media = next(iter(node["content"]))
            schema = (node["content"][media] or {}).get("schema")
            tokens = ("content", media, "schema")
        if schema is None and "content" not in node:
            self.sink.warning(
                "parameter-without-schema",
                f"parameter {name!r} has neither 'schema' nor 'content'; assuming a string",
                loc,
            )
        type_ = self.registry.type_at(
            schema or {"type": "string"}, loc, tokens, hint + class_name(name)
        )
        explode = node.get("explode")
        target = schema
        if (
            isinstance(schema, dict)
            and isinstance(schema.get("$ref"), str)
            and "default" not in schema
        ):
            target = self.registry.resolve_pointer(schema["$ref"])
        default = (target["default"],) if isinstance(target, dict) and "default" in target else ()
        keywords = validation_keywords(target)
        return Parameter(
            name=name,
            location=where,
            required=where == "path" or node.get("required") is True,
            type=type_,
            style=node.get("style") if isinstance(node.get("style"), str) else None,
            explode=explode if isinstance(explode, bool) else None,
            description=str(node.get("description") or ""),
            deprecated=node.get("deprecated") is True,
            spec_location=loc,
            default=default,
            keywords=keywords,
            allow_reserved=where == "query" and node.get("allowReserved") is True,
        )

    def _check_servers(self, node: dict[str, Any], loc: SpecLocation) -> None:
        """Warn when a path item or an operation names its own server: the client ignores it."""
        own = _server_list(node.get("servers"))
        if not own:
            return
        document = self.servers
        if document and own[0].url == document[0].url:
            return
        default = repr(document[0].url) if document else "none"
        self.sink.warning(
            "servers-ignored",
            f"the client sends every operation to its base_url (the document's first server: "
            f"{default}), not to {own[0].url!r}; pass base_url={own[0].url!r} to a client "
            "for these operations",
            loc.child("servers"),
        )


def _server_list(raw: Any) -> tuple[Server, ...]:
    """A ``servers`` list, each URL with its variables' defaults filled in."""
    servers: list[Server] = []
    for node in raw if isinstance(raw, list) else ():
        if not isinstance(node, dict) or not isinstance(node.get("url"), str):
            continue
        url = node["url"]
        variables = node.get("variables")
        for var, spec in (variables if isinstance(variables, dict) else {}).items():
            if isinstance(spec, dict) and "default" in spec:
                url = url.replace("{" + var + "}", str(spec["default"]))
        servers.append(Server(url, str(node.get("description") or "")))
    return tuple(servers)


def _left_out_header(node: Any) -> tuple[str, str] | None:
    """``(code, message)`` for a header parameter the IR leaves out (see ``ir/headers.py``)."""
    if node.__class__ is not dict or node.get("in") != "header":
        return None
    name = node.get("name")
    return left_out(name) if isinstance(name, str) else None


def _tags(raw: Any) -> tuple[tuple[str, str], ...]:
    """The document's ``tags`` as (name, description) pairs; malformed entries are skipped."""
    if not isinstance(raw, list):
        return ()
    return tuple(
        (tag["name"], str(tag.get("description") or ""))
        for tag in raw
        if isinstance(tag, dict) and isinstance(tag.get("name"), str)
    )
