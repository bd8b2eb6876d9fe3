"""Structural comparison of two OpenAPI documents (the input spec and ``app.openapi()``).

``differences(spec, app)`` lists every difference in paths, methods, operationIds,
security, parameters (name, location, required, style/explode, schema), request
bodies (required, media types, schema) and responses (status codes, media types,
schema). Schemas are compared after normalization, never by component name:

* ``$ref`` is resolved (component names differ: FastAPI/pydantic name them after the
  generated models, e.g. ``DashboardResponse`` for ``Dashboard``), single-member
  ``allOf`` wrappers are merged into their siblings;
* annotations are ignored: ``title``, ``description``, ``example(s)``, ``x-*``;
* nullability has one spelling: 3.0 ``nullable: true``, 3.1 ``type: [X, "null"]`` and
  ``anyOf: [X, {type: null}]`` all become ``{..X, "nullable": true}``;
* an ``allOf`` of plain object schemas (only ``type: object`` or none, ``properties``,
  ``required`` and ``additionalProperties: false``) is the one object that merges them
  (closed: only the properties every closed member lists), which is
  how a pydantic model spells inheritance; a property in several members is the ``allOf`` of
  its schemas, and an ``allOf`` of plain arrays is the array of the ``allOf`` of their items
  (see ``_merged_objects`` for the conditions);
* ``readOnly`` properties are dropped from request schemas and ``writeOnly`` ones from
  response schemas (OpenAPI's own rule; the generator emits separate
  ``*Request``/``*Response`` models, so the app never shows the other view);
* ``additionalProperties: true``/``{}`` and ``items: {}`` are the defaults, so dropped;
* ``minLength: 1`` beside ``format: uri`` is dropped: pydantic's ``AnyUrl`` always
  emits it (an empty string is not a URI anyway);
* ``default: null`` is dropped: it is how pydantic spells "optional";
* ``properties: {}`` constrains nothing, so it is dropped; an ``enum`` (or a ``const``) whose
  values all have one JSON type implies that ``type`` (added where it is missing: pydantic
  always writes it);
* a member of a discriminated ``oneOf``/``anyOf`` that one tag selects has that tag as the
  ``const`` of its tag property (the discriminator already admits only that tag there; see
  ``_tagged``), and a ``discriminator`` on an ``allOf`` member with no ``oneOf``/``anyOf``
  beside it (a polymorphic base) selects nothing in the allOf, so the merge above drops it;
* a discriminator ``mapping`` entry that maps a tag to the component schema of that name
  (``Cat: '#/components/schemas/Cat'``) is dropped: it is what OpenAPI's implicit mapping
  (no ``mapping``: the tag is a component name) says already; pydantic writes every entry,
  and a tag that names another model (Spotify's ``track`` for ``TrackObject``) still differs;
* a ``type`` beside a ``oneOf``/``anyOf`` whose members all have that type (and no null)
  adds nothing, so it is dropped (pydantic writes a union without one);
* a validation keyword that only applies to another JSON type (``minLength`` on an
  ``integer``, ``minimum`` on a ``string``...) constrains nothing (JSON Schema: each applies
  to instances of its type only), so it is dropped;
* an ``anyOf`` member written twice is kept once (``anyOf: [X, X]`` is ``X``; not so for
  ``oneOf``, which no value can then pass);
* a one-value ``enum`` is spelled ``const`` (JSON Schema defines them as the same
  constraint; pydantic writes ``const`` for a ``Literal``);
* raw bytes have one spelling: 3.1's ``contentMediaType: application/octet-stream`` (what
  pydantic writes for ``bytes``) is 3.0's ``format: binary``, the rewrite the OpenAPI 3.1
  specification gives for it ("Working with Binary Data");
* the empty schema (any value, after annotations are dropped) is never marked nullable:
  it admits null already, so ``anyOf: [{}, {type: null}]`` and ``{}`` mean the same.

A required parameter's ``default`` is dropped on both sides: a request without the
parameter is refused, so the default can never apply and the two documents describe
the same behaviour (specs that give one anyway are common: "required, default 4").

An operation without an ``operationId`` in the spec matches any ``operationId`` in the
app: the field is optional in OpenAPI and FastAPI always publishes one (it needs a
unique name per route), so the app's can only be the name the generator derived.

A header parameter that no generated code takes, by design, is dropped from the spec
(``apiforge.ir.headers.left_out``, each with its warning): ``Accept``, ``Content-Type`` and
``Authorization`` (OpenAPI says to ignore them), headers HTTP sets itself
(``Content-Length``, ``Host``...), and names no header can have (``header param``).

Two rules apply to the app document only, because they are how FastAPI documents an
optional input: the ``nullable`` it adds to an optional parameter or an optional
request body is dropped, and the ``422`` response it adds to every operation that
validates input (the generated server's validation error body) is ignored unless the
spec documents a 422 itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from apiforge.ir.headers import left_out

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_OCTETS = "application/octet-stream"
_IGNORED = frozenset(
    {"title", "description", "example", "examples", "externalDocs", "xml", "$schema"}
)

Doc = Mapping[str, Any]


@dataclass(frozen=True)
class Gap:
    """A known generator gap of a round-trip test: one cause, in one spec, at the places it shows.

    A difference line reads ``<address>: spec <value>, app <value>``; the address is
    ``METHOD /path: <location>: <field path>`` (the JSON pointer of the node, as the comparer
    spells it). A gap explains a line only when the spec is its own, ``at`` matches the whole
    address and ``difference`` the whole rest. ``near_misses`` are lines of its spec that look
    alike but that its cause does not explain; the self-check feeds them to it.
    """

    name: str
    spec: str  # the spec (corpus id) whose differences it explains
    at: str  # regex, fullmatched against a line's address
    difference: str  # regex, fullmatched against "spec <value>, app <value>"
    cause: str  # why the difference exists, and the change that would remove it
    near_misses: tuple[str, ...] = ()

    def explains(self, spec: str, line: str) -> bool:
        """True when ``line``, a difference found in ``spec``, is one of this gap's."""
        address, found, rest = line.partition(": spec ")
        if spec != self.spec or not found:
            return False
        return (
            re.fullmatch(self.at, address) is not None
            and re.fullmatch(self.difference, "spec " + rest) is not None
        )


def differences(spec: Doc, app: Doc) -> list[str]:
    """Every difference between ``spec`` and ``app``, one readable line each, sorted."""
    found: list[str] = []
    spec_ops, app_ops = dict(_operations(spec)), dict(_operations(app))
    for key in sorted(spec_ops.keys() - app_ops.keys()):
        found.append(f"{_label(key)}: missing from the app")
    for key in sorted(app_ops.keys() - spec_ops.keys()):
        found.append(f"{_label(key)}: in the app but not in the spec")
    for key in sorted(spec_ops.keys() & app_ops.keys()):
        found.extend(
            f"{_label(key)}: {line}"
            for line in _operation_diff(spec, spec_ops[key], app, app_ops[key])
        )
    return found


# ---- operations ------------------------------------------------------------------------


def _operations(doc: Doc) -> Iterator[tuple[tuple[str, str], tuple[dict[str, Any], list[Any]]]]:
    for path, item in (doc.get("paths") or {}).items():
        item = _deref(doc, item)
        shared = item.get("parameters") or []
        for method in METHODS:
            if method in item:
                yield (path, method), (item[method], shared)


def _label(key: tuple[str, str]) -> str:
    return f"{key[1].upper()} {key[0]}"


def _operation_diff(
    spec: Doc,
    spec_op: tuple[dict[str, Any], list[Any]],
    app: Doc,
    app_op: tuple[dict[str, Any], list[Any]],
) -> Iterator[str]:
    s, a = spec_op[0], app_op[0]
    if "operationId" in s and s.get("operationId") != a.get("operationId"):
        yield f"operationId: spec {s.get('operationId')!r}, app {a.get('operationId')!r}"
    s_sec = _security(s.get("security", spec.get("security")))
    a_sec = _security(a.get("security", app.get("security")))
    if s_sec != a_sec:
        yield f"security: spec {s_sec}, app {a_sec}"
    yield from _parameters_diff(spec, spec_op, app, app_op)
    yield from _body_diff(spec, s.get("requestBody"), app, a.get("requestBody"))
    yield from _responses_diff(spec, s.get("responses") or {}, app, a.get("responses") or {})


def _security(requirements: Any) -> list[dict[str, list[str]]]:
    return [{name: sorted(scopes) for name, scopes in req.items()} for req in requirements or []]


# ---- parameters ------------------------------------------------------------------------


def _params(
    doc: Doc, op: tuple[dict[str, Any], list[Any]], *, app: bool
) -> dict[tuple[str, str], dict[str, Any]]:
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for raw in [*op[1], *(op[0].get("parameters") or [])]:  # operation-level ones override
        param = _deref(doc, raw)
        location = param["in"]
        if not app and location == "header" and left_out(param["name"]) is not None:
            continue  # no generated code takes it (see the module docstring)
        style = param.get("style") or ("form" if location in ("query", "cookie") else "simple")
        explode = param.get("explode", style == "form")
        required = bool(param.get("required", False)) or location == "path"
        schema = canon(doc, param.get("schema") or {}, "request")
        if app and not required:
            schema.pop("nullable", None)  # FastAPI spells "optional" as anyOf [X, null]
        if required and isinstance(schema, dict):
            schema.pop("default", None)  # never applies: a request without the parameter is refused
        merged[(location, param["name"])] = {
            "required": required,
            "style": style,
            "explode": explode,
            "schema": schema,
        }
    return merged


def _parameters_diff(
    spec: Doc,
    spec_op: tuple[dict[str, Any], list[Any]],
    app: Doc,
    app_op: tuple[dict[str, Any], list[Any]],
) -> Iterator[str]:
    s, a = _params(spec, spec_op, app=False), _params(app, app_op, app=True)
    for key in sorted(s.keys() - a.keys()):
        yield f"parameter {key[0]} {key[1]!r}: missing from the app"
    for key in sorted(a.keys() - s.keys()):
        yield f"parameter {key[0]} {key[1]!r}: in the app but not in the spec"
    for key in sorted(s.keys() & a.keys()):
        for path, left, right in _diff(s[key], a[key]):
            yield f"parameter {key[0]} {key[1]!r}: {path}: spec {_show(left)}, app {_show(right)}"


# ---- request bodies and responses ----------------------------------------------------------


def _content(doc: Doc, content: Mapping[str, Any] | None, view: str) -> dict[str, Any]:
    return {
        media: canon(doc, entry.get("schema"), view) if "schema" in entry else None
        for media, entry in (content or {}).items()
    }


def _body_diff(spec: Doc, s_raw: Any, app: Doc, a_raw: Any) -> Iterator[str]:
    if s_raw is None and a_raw is None:
        return
    if s_raw is None or a_raw is None:
        yield "request body: " + (
            "missing from the app" if a_raw is None else "in the app but not in the spec"
        )
        return
    s, a = _deref(spec, s_raw), _deref(app, a_raw)
    s_body = {
        "required": bool(s.get("required", False)),
        "content": _content(spec, s.get("content"), "request"),
    }
    a_body = {
        "required": bool(a.get("required", False)),
        "content": _content(app, a.get("content"), "request"),
    }
    if not a_body["required"]:
        for schema in a_body["content"].values():  # FastAPI: optional body = anyOf [X, null]
            if isinstance(schema, dict):
                schema.pop("nullable", None)
    for path, left, right in _diff(s_body, a_body):
        yield f"request body: {path}: spec {_show(left)}, app {_show(right)}"


def _responses_diff(
    spec: Doc, s_raw: Mapping[str, Any], app: Doc, a_raw: Mapping[str, Any]
) -> Iterator[str]:
    s = {str(code): _deref(spec, r) for code, r in s_raw.items()}
    a = {str(code): _deref(app, r) for code, r in a_raw.items()}
    if "422" not in s:
        a.pop("422", None)  # FastAPI documents its own validation error on every operation
    for code in sorted(s.keys() - a.keys()):
        yield f"response {code}: missing from the app"
    for code in sorted(a.keys() - s.keys()):
        yield f"response {code}: in the app but not in the spec"
    for code in sorted(s.keys() & a.keys()):
        left, right = (
            _content(spec, s[code].get("content"), "response"),
            _content(app, a[code].get("content"), "response"),
        )
        for path, l_value, r_value in _diff(left, right):
            yield f"response {code}: content.{path}: spec {_show(l_value)}, app {_show(r_value)}"


# ---- schemas ---------------------------------------------------------------------------------


def canon(doc: Doc, schema: Any, view: str, stack: tuple[str, ...] = ()) -> Any:
    """The normalized form of ``schema`` (see the module docstring); ``view`` is request/response."""
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        ref = schema["$ref"]
        if ref in stack:
            return {"$recursive": True}
        target = _lookup(doc, ref)
        siblings = {k: v for k, v in schema.items() if k != "$ref"}
        return canon(doc, {**target, **siblings}, view, (*stack, ref))
    s = {k: v for k, v in schema.items() if k not in _IGNORED and not k.startswith("x-")}
    nullable = bool(s.pop("nullable", False))
    if isinstance(s.get("type"), list):
        types = [t for t in s["type"] if t != "null"]
        nullable = nullable or len(types) < len(s["type"])
        s["type"] = types[0] if len(types) == 1 else types
    for key in ("anyOf", "oneOf", "allOf"):
        if key not in s:
            continue
        members = [m for m in s[key] if not (key != "allOf" and _is_null(m))]
        nullable = nullable or len(members) < len(s[key])
        if key == "anyOf":  # a repeated member adds nothing to an anyOf (it would to a oneOf)
            seen = [canon(doc, m, view, stack) for m in members]
            members = [m for i, m in enumerate(members) if seen[i] not in seen[:i]]
        if len(members) == 1:  # a wrapper: merge the one member with its siblings
            rest = {k: v for k, v in s.items() if k != key}
            inner = canon(doc, members[0], view, stack)
            merged = (
                canon(doc, {**inner, **rest}, view, stack) if isinstance(inner, dict) else inner
            )
            return _with_nullable(merged, nullable)
        s[key] = [canon(doc, m, view, stack) for m in members]
        if key != "allOf" and isinstance(s.get("discriminator"), dict):
            s[key] = [_tagged(c, s["discriminator"], m) for c, m in zip(s[key], members)]
        if key != "allOf" and "type" in s and all(_only_type(m, s["type"]) for m in s[key]):
            del s["type"]  # every member has this type already
        if key == "allOf" and (merged_all := _merged_objects(s, doc, view, stack)) is not None:
            return _with_nullable(merged_all, nullable)
    s.pop("readOnly", None)
    s.pop("writeOnly", None)
    if s.get("default", 0) is None:
        s.pop("default")
    if "properties" in s:
        hidden = "readOnly" if view == "request" else "writeOnly"
        kept = {n: p for n, p in s["properties"].items() if not _flag(doc, p, hidden)}
        hidden_names = (
            s["properties"].keys() - kept.keys()
        )  # required names without a property stay
        s["properties"] = {n: canon(doc, p, view, stack) for n, p in kept.items()}
        required = sorted(n for n in s.get("required", []) if n not in hidden_names)
        s.pop("required", None)
        if required:
            s["required"] = required
    if s.get("items") == {}:
        s.pop("items")
    elif "items" in s:
        s["items"] = canon(doc, s["items"], view, stack)
    if s.get("additionalProperties") in (True, {}):
        s.pop("additionalProperties")
    elif isinstance(s.get("additionalProperties"), dict):
        s["additionalProperties"] = canon(doc, s["additionalProperties"], view, stack)
    if s.get("format") == "uri" and s.get("minLength") == 1:
        s.pop("minLength")
    if s.get("properties") == {}:
        s.pop("properties")
    if isinstance(s.get("type"), str):
        for keyword in _INAPPLICABLE.get(s["type"], ()):
            s.pop(keyword, None)
    values = [s["const"]] if "const" in s else s.get("enum")
    if "type" not in s and (implied := _implied_type(values)) is not None:
        s["type"] = implied
    if isinstance(s.get("enum"), list) and len(s["enum"]) == 1 and "const" not in s:
        s["const"] = s.pop("enum")[0]
    if isinstance(s.get("discriminator"), dict) and "mapping" in s["discriminator"]:
        s["discriminator"] = _without_implicit_mapping(s["discriminator"])
    if s.get("contentMediaType") == _OCTETS and "format" not in s and "contentEncoding" not in s:
        del s["contentMediaType"]
        s["format"] = "binary"
    return _with_nullable(s, nullable)


_OBJECT_KEYS = frozenset({"type", "properties", "required"})
_ARRAY_KEYS = frozenset({"type", "items"})


def _merged_objects(schema: dict[str, Any], doc: Doc, view: str, stack: tuple[str, ...]) -> Any:
    """``allOf`` of plain objects (or of plain arrays) as one schema, or None when the merge
    would change its meaning.

    Plain objects: only ``type: object`` (or no ``type``), ``properties`` and ``required``
    (annotations are gone by now). Without ``additionalProperties``, each member ignores the
    others' properties, so a value passes every member exactly when it passes the merged
    object; a property in several members must pass each of its schemas, so it becomes their
    ``allOf`` (merged in turn). A member without ``type`` constrains objects only, so the merge
    is ``type: object`` when any member says so and untyped otherwise. Plain arrays (only
    ``type: array`` and ``items``): every element passes each ``items``, so ``items`` becomes
    their ``allOf``.

    A member closed by ``additionalProperties: false`` admits no property it does not list,
    so the merge keeps only the properties every closed member lists and is closed itself
    (another member's property outside that set can never be present); when a required
    name falls outside it, no object passes and the allOf is left as written.

    A member's ``discriminator`` without a ``oneOf``/``anyOf`` beside it (the base of
    inheritance-style polymorphism: ``Pet`` in ``Cat: allOf [Pet, {...}]``) is no assertion (it
    is not a JSON Schema keyword): it tells a reader which schema extending the base to pick
    when a value is validated against the base itself. Validated against the allOf, the value
    is already being checked by the extending schema, so the merge leaves it out.
    """
    parts = [*schema["allOf"], {k: v for k, v in schema.items() if k != "allOf"}]
    if not all(isinstance(p, dict) for p in parts):
        return None
    parts = [  # a base's discriminator: nothing left to select (see _merged_objects' docstring)
        {k: v for k, v in p.items() if k != "discriminator"}
        if "oneOf" not in p and "anyOf" not in p
        else p
        for p in parts
    ]
    typed = [p for p in parts if p]
    if typed and all(set(p) <= _ARRAY_KEYS and p.get("type") == "array" for p in typed):
        items = [p["items"] for p in parts if "items" in p]
        merged_items = items[0] if len(items) == 1 else {"allOf": items}
        return canon(
            doc, {"type": "array", **({"items": merged_items} if items else {})}, view, stack
        )
    if not all(
        set(p) <= _OBJECT_KEYS | {"additionalProperties"}
        and p.get("type", "object") == "object"
        and p.get("additionalProperties", False) is False
        for p in parts
    ):
        return None
    closed = [set(p.get("properties") or ()) for p in parts if "additionalProperties" in p]
    allowed = set.intersection(*closed) if closed else None
    collected: dict[str, list[Any]] = {}
    for part in parts:
        for name, prop in (part.get("properties") or {}).items():
            if prop not in collected.setdefault(name, []):
                collected[name].append(prop)
    properties = {
        name: props[0] if len(props) == 1 else canon(doc, {"allOf": props}, view, stack)
        for name, props in collected.items()
    }
    required = sorted({name for part in parts for name in part.get("required", [])})
    if allowed is not None:
        if not set(required) <= allowed:
            return None  # no object passes: left as written
        properties = {name: prop for name, prop in properties.items() if name in allowed}
    merged: dict[str, Any] = {"properties": properties}
    if any(p.get("type") == "object" for p in parts):
        merged["type"] = "object"
    if allowed is not None:
        merged["additionalProperties"] = False
    return {**merged, "required": required} if required else merged


def _tagged(member: Any, discriminator: dict[str, Any], raw: Any) -> Any:
    """A discriminated union's ``member`` (canonical) with its tag property fixed to its one tag.

    OpenAPI's discriminator selects the member by the payload's tag: the value of the
    ``propertyName`` property names the member (``mapping``, or the component name where no
    entry maps to it) and only that member validates the value. So a member only ever admits
    values carrying its own tag, and the member with ``const: tag`` on that property (how
    pydantic spells a tagged union's ``Literal``) admits the same values in the union. Applied
    only where exactly one tag selects the member (``raw``, its spelling before canon, names it
    by ``$ref``) and the member lists the property.
    """
    tag = discriminator.get("propertyName")
    ref = raw.get("$ref") if isinstance(raw, dict) else None
    if not isinstance(tag, str) or not isinstance(ref, str) or not isinstance(member, dict):
        return member
    mapping = discriminator.get("mapping") if isinstance(discriminator.get("mapping"), dict) else {}
    name = ref.rsplit("/", 1)[-1]
    values = [v for v, target in mapping.items() if target in (ref, name)]
    if not values and ref.startswith("#/components/schemas/"):
        values = [name]
    prop = (member.get("properties") or {}).get(tag)
    if len(values) != 1 or not isinstance(prop, dict):
        return member
    if prop.get("const", values[0]) != values[0] or values[0] not in prop.get("enum", values):
        return member  # the member rejects its own tag: leave the contradiction visible
    fixed = {k: v for k, v in prop.items() if k != "enum"}
    return {**member, "properties": {**member["properties"], tag: {**fixed, "const": values[0]}}}


def _without_implicit_mapping(discriminator: dict[str, Any]) -> dict[str, Any]:
    """``discriminator`` without the ``mapping`` entries that the implicit mapping implies.

    Without ``mapping``, OpenAPI maps a tag value to the component schema of that name
    ("implicit mapping"), so ``Cat: '#/components/schemas/Cat'`` restates it. Other entries
    (``track: '#/components/schemas/TrackObject'``) say something the implicit mapping does not.
    """
    mapping = {
        tag: ref
        for tag, ref in discriminator["mapping"].items()
        if ref != f"#/components/schemas/{tag}"
    }
    rest = {k: v for k, v in discriminator.items() if k != "mapping"}
    return {**rest, "mapping": mapping} if mapping else rest


_STRING_KEYWORDS = ("minLength", "maxLength", "pattern")
_NUMBER_KEYWORDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
_ARRAY_KEYWORDS = ("minItems", "maxItems", "uniqueItems")
_OBJECT_KEYWORDS = ("minProperties", "maxProperties")
# Validation keywords that cannot apply to a value of the given (single) type.
_INAPPLICABLE: dict[str, tuple[str, ...]] = {
    "string": (*_NUMBER_KEYWORDS, *_ARRAY_KEYWORDS, *_OBJECT_KEYWORDS),
    "integer": (*_STRING_KEYWORDS, *_ARRAY_KEYWORDS, *_OBJECT_KEYWORDS),
    "number": (*_STRING_KEYWORDS, *_ARRAY_KEYWORDS, *_OBJECT_KEYWORDS),
    "boolean": (*_STRING_KEYWORDS, *_NUMBER_KEYWORDS, *_ARRAY_KEYWORDS, *_OBJECT_KEYWORDS),
    "array": (*_STRING_KEYWORDS, *_NUMBER_KEYWORDS, *_OBJECT_KEYWORDS),
    "object": (*_STRING_KEYWORDS, *_NUMBER_KEYWORDS, *_ARRAY_KEYWORDS),
}


def _only_type(member: Any, kind: Any) -> bool:
    """Whether every value ``member`` admits has JSON type ``kind`` (null excluded)."""
    return isinstance(member, dict) and member.get("type") == kind and not member.get("nullable")


def _implied_type(values: Any) -> str | None:
    """The JSON type every value of an ``enum`` has (so ``type`` adds nothing), or None."""
    if not isinstance(values, list) or not values:
        return None
    for name, kind in (("string", str), ("boolean", bool)):
        if all(isinstance(v, kind) for v in values):
            return name
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "integer"
    return None


def _with_nullable(schema: Any, nullable: bool) -> Any:
    if nullable and isinstance(schema, dict) and schema:  # ``{}`` admits null already
        return {**schema, "nullable": True}
    return schema


def _is_null(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("type") == "null" and len(schema) == 1


def _flag(doc: Doc, prop: Any, name: str) -> bool:
    """``readOnly``/``writeOnly`` on a property, beside a ``$ref``/``allOf`` or inside it."""
    if not isinstance(prop, dict):
        return False
    if prop.get(name):
        return True
    if "$ref" in prop:
        return bool(_lookup(doc, prop["$ref"]).get(name))
    return any(
        _flag(doc, m, name) for m in prop.get("allOf", []) if len(prop.get("allOf", [])) == 1
    )


# ---- helpers ---------------------------------------------------------------------------------


def _lookup(doc: Doc, ref: str) -> dict[str, Any]:
    if not ref.startswith("#/"):
        raise ValueError(f"only local $refs are supported: {ref}")
    node: Any = doc
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return dict(node)


def _deref(doc: Doc, node: Any) -> dict[str, Any]:
    while isinstance(node, dict) and "$ref" in node:
        node = _lookup(doc, node["$ref"])
    return dict(node)


def _diff(left: Any, right: Any, path: str = "") -> Iterator[tuple[str, Any, Any]]:
    """``(path, left, right)`` for each place where the two JSON values differ."""
    if isinstance(left, dict) and isinstance(right, dict):
        for key in sorted(left.keys() | right.keys(), key=str):
            sub = f"{path}.{key}" if path else str(key)
            if key not in left:
                yield sub, "<absent>", right[key]
            elif key not in right:
                yield sub, left[key], "<absent>"
            else:
                yield from _diff(left[key], right[key], sub)
    elif isinstance(left, list) and isinstance(right, list) and len(left) == len(right):
        for index, (l_item, r_item) in enumerate(zip(left, right)):
            yield from _diff(l_item, r_item, f"{path}[{index}]")
    elif left != right:
        yield path or "<root>", left, right


def _show(value: Any) -> str:
    text = (
        value
        if isinstance(value, str) and value == "<absent>"
        else json.dumps(value, sort_keys=True)
    )
    return text if len(text) <= 160 else text[:157] + "..."
