"""One spec edit per rule, with the exact classification each audience must see.

Each row edits the small pet-shop spec of ``diff_base`` (or, for an ``inverse``
row, diffs the edited spec back to the base) and lists every (rule, audience,
level) the report must hold: nothing missing and nothing extra.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from diff_base import BASIC as _BASIC
from diff_base import KEY as _KEY
from diff_base import Edit, base, diff, edited, op, schema
from diff_base import add_schemes as _schemes
from diff_base import secure_pets_list as _security

from apiforge.diff.model import Level

B, P, C = "breaking", "possibly breaking", "compatible"


def _pop(node: dict[str, Any], key: str) -> None:
    del node[key]


def _things(d: dict[str, Any], first: str = "a", second: str = "b") -> None:
    param = [
        {"name": n, "in": "path", "required": True, "schema": {"type": "string"}} for n in "ab"
    ]
    d["paths"][f"/things/{{{first}}}/{{{second}}}/"] = {
        "get": {
            "operationId": "things_retrieve",
            "parameters": param,
            "responses": {"204": {"description": "none"}},
        }
    }


def _owners(d: dict[str, Any]) -> None:
    d["paths"]["/owners/"] = {
        "get": {
            "operationId": "owners_list",
            "responses": {
                "200": {
                    "description": "ok",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Owner"}}
                    },
                }
            },
        }
    }
    d["components"]["schemas"]["Owner"] = {
        "type": "object",
        "properties": {"name": {"type": "string"}},
    }


def _owner_field_and_model(d: dict[str, Any]) -> None:
    """Pet gets a field ``Owner`` and the spec a model ``Owner``: the field becomes ``Owner_``."""
    schema(d, "Pet")["properties"]["Owner"] = {"type": "string"}
    _owners(d)


def _orphan(d: dict[str, Any]) -> None:
    """A model no operation uses: ``models/_unused.py`` exports it."""
    d["components"]["schemas"]["Orphan"] = {
        "type": "object",
        "properties": {"x": {"type": "string"}},
    }


def _pet_both_ways(d: dict[str, Any], required: tuple[str, str] | None = None) -> None:
    """Pet is the create body too, and split (``created`` is readOnly); ``required``: a
    required field with that flag (or none) joins it."""
    schema(d, "Pet")["properties"]["created"] = {"type": "string", "readOnly": True}
    body = op(d, "/pets/", "post")["requestBody"]["content"]["application/json"]
    body["schema"] = {"$ref": "#/components/schemas/Pet"}
    if required is not None:
        name, flag = required
        schema(d, "Pet")["properties"][name] = {"type": "string", **({flag: True} if flag else {})}
        schema(d, "Pet")["required"].append(name)


def _lowercase_pet_first(d: dict[str, Any]) -> None:
    schemas = d["components"]["schemas"]
    rest = list(schemas.items())
    schemas.clear()
    schemas["pet"] = {"type": "object", "properties": {"x": {"type": "string"}}}
    schemas.update(rest)
    op(d, "/pets/{id}/", "get")["responses"]["404"] = {
        "description": "x",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/pet"}}},
    }


def _composed(d: dict[str, Any], extra: bool = False) -> None:
    members = [{"$ref": "#/components/schemas/NewPet"}] + (
        [{"$ref": "#/components/schemas/Pet"}] if extra else []
    )
    d["components"]["schemas"]["Either"] = {"oneOf": members}
    op(d, "/pets/", "post")["responses"]["202"] = {
        "description": "queued",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Either"}}},
    }


def _default(value: int) -> Edit:
    return lambda d: op(d, "/pets/", "get")["parameters"][0]["schema"].__setitem__("default", value)


def _required_field(name: str) -> Edit:
    def edit(d: dict[str, Any]) -> None:
        schema(d, name)["properties"]["age"] = {"type": "integer"}
        schema(d, name)["required"].append("age")

    return edit


def _no_body_and_no_model(d: dict[str, Any]) -> None:
    del op(d, "/pets/", "post")["requestBody"]
    del d["components"]["schemas"]["NewPet"]


def _media_form(d: dict[str, Any]) -> None:
    body = op(d, "/pets/", "post")["requestBody"]
    body["content"] = {"application/x-www-form-urlencoded": body["content"]["application/json"]}


def _media(d: dict[str, Any], **schemas: dict[str, Any]) -> None:
    """``pets_create``'s body in these media types (``form``, ``json``, ``text``), in order."""
    spelt = {
        "json": "application/json",
        "form": "application/x-www-form-urlencoded",
        "text": "text/plain",
    }
    content = {spelt[kind]: {"schema": schema} for kind, schema in schemas.items()}
    op(d, "/pets/", "post")["requestBody"]["content"] = content


_NEW_PET = {"$ref": "#/components/schemas/NewPet"}
_BYTES = {"type": "string", "format": "binary"}


def _photo(*media_types: str) -> Edit:
    """``pets_create``'s body is a file in ``media_types`` (a range, ``image/*``, gets the client
    method a ``content_type=`` argument)."""
    return lambda d: op(d, "/pets/", "post")["requestBody"].__setitem__(
        "content", {media: {"schema": _BYTES} for media in media_types}
    )


_TAGGED = {"type": "object", "properties": {"tags": {"type": "array", "items": {"type": "string"}}}}


def _form_encoding(encoding: dict[str, Any]) -> Edit:
    def edit(d: dict[str, Any]) -> None:
        _media(d, form=_TAGGED | {"properties": _TAGGED["properties"] | {"n": {"type": "integer"}}})
        if encoding:
            op(d, "/pets/", "post")["requestBody"]["content"]["application/x-www-form-urlencoded"][
                "encoding"
            ] = encoding

    return edit


def _reserved_ids(d: dict[str, Any]) -> None:
    _ids(d, explode=False)
    op(d, "/pets/", "get")["parameters"][-1]["allowReserved"] = True


def _move(old_key: str, new_key: str) -> Edit:
    """Component ``old_key`` moves, unchanged, to ``new_key`` (its place in order kept), and
    every $ref follows it."""

    def follow(node: Any) -> Any:
        if isinstance(node, dict):
            if node.get("$ref") == f"#/components/schemas/{old_key}":
                return {"$ref": f"#/components/schemas/{new_key}"}
            return {k: follow(v) for k, v in node.items()}
        if isinstance(node, list):
            return [follow(v) for v in node]
        return node

    def edit(d: dict[str, Any]) -> None:
        moved = follow(d)
        schemas = moved["components"]["schemas"]
        moved["components"]["schemas"] = {
            (new_key if k == old_key else k): v for k, v in schemas.items()
        }
        d.clear()
        d.update(moved)

    return edit


def _field_default(model: str, name: str, value: Any) -> Edit:
    return lambda d: schema(d, model)["properties"][name].__setitem__("default", value)


def _code(**alias: Any) -> Edit:
    """NewPet (a request body) has a field of the plain-type component ``Code``."""

    def edit(d: dict[str, Any]) -> None:
        d["components"]["schemas"]["Code"] = alias
        schema(d, "NewPet")["properties"]["code"] = {"$ref": "#/components/schemas/Code"}

    return edit


def _pet_all_of(d: dict[str, Any]) -> None:
    """Pet is written as allOf NewPet and its own fields: the same model, merged."""
    d["components"]["schemas"]["Pet"] = {
        "allOf": [
            {"$ref": "#/components/schemas/NewPet"},
            {
                "type": "object",
                "required": ["id"],
                "properties": {
                    "id": {"type": "integer"},
                    "status": {"$ref": "#/components/schemas/Status"},
                },
            },
        ]
    }


def _own(d: dict[str, Any]) -> dict[str, Any]:
    """The properties of Pet's inline allOf member (see :func:`_pet_all_of`)."""
    found: dict[str, Any] = schema(d, "Pet")["allOf"][1]["properties"]
    return found


def _status_to_object(d: dict[str, Any]) -> None:
    d["components"]["schemas"]["Status"] = {
        "type": "object",
        "properties": {"code": {"type": "string"}},
    }


def _destroy(d: dict[str, Any]) -> None:
    d["paths"]["/pets/{id}/"]["delete"] = {
        "operationId": "pets_destroy",
        "parameters": [
            {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
        ],
        "responses": {"204": {"description": "gone"}},
    }


def _both(level_client: str, level_server: str, *rules: str) -> set[tuple[str, str, str]]:
    return {(rule, "client", level_client) for rule in rules} | {
        (rule, "server", level_server) for rule in rules
    }


def _servers(*urls: str, version: str = "v1") -> Edit:
    """The document's servers: ``urls`` (a ``{version}`` variable defaulting to ``version``)."""
    spelt = [
        {"url": url, "description": f"#{n}", "variables": {"version": {"default": version}}}
        for n, url in enumerate(urls)
    ]
    return lambda d: d.__setitem__("servers", spelt)


def _extra(model: str, values: Any) -> Edit:
    """``model``'s ``additionalProperties`` (the type of its extra keys' values)."""
    return lambda d: schema(d, model).__setitem__("additionalProperties", values)


def _bag(values: dict[str, Any]) -> Edit:
    """NewPet (a request body) has a field of the map component ``Bag``."""

    def edit(d: dict[str, Any]) -> None:
        d["components"]["schemas"]["Bag"] = {"type": "object", "additionalProperties": values}
        schema(d, "NewPet")["properties"]["bag"] = {"$ref": "#/components/schemas/Bag"}

    return edit


def _pet_as(media_type: str, body: dict[str, Any] | None = None) -> Edit:
    """``pets_retrieve``'s 200 body in ``media_type`` (its Pet schema, or ``body``)."""

    def edit(d: dict[str, Any]) -> None:
        response = op(d, "/pets/{id}/", "get")["responses"]["200"]
        found = body if body is not None else response["content"]["application/json"]["schema"]
        response["content"] = {media_type: {"schema": found}}

    return edit


def _pet_text(schema_: dict[str, Any] | None) -> Edit:
    """``pets_retrieve``'s 200 also documents ``text/plain`` (``schema_``, or none)."""

    def edit(d: dict[str, Any]) -> None:
        content = op(d, "/pets/{id}/", "get")["responses"]["200"]["content"]
        content["text/plain"] = {} if schema_ is None else {"schema": schema_}

    return edit


Row = tuple[str, Edit, set[tuple[str, str, str]]]
ROWS: list[Row] = [
    (
        "response-text-alternative-added: a text/plain string beside Pet: returns Pet | str",
        _pet_text({"type": "string"}),
        _both(B, C, "response-text-alternative-added"),
    ),
    (
        "response-text-alternative-added: text/plain without a schema counts too",
        _pet_text(None),
        _both(B, C, "response-text-alternative-added"),
    ),
    (
        "text/plain repeating Pet's schema (ASP.NET) is no text alternative: no change",
        _pet_text({"$ref": "#/components/schemas/Pet"}),
        set(),
    ),
    (
        "response-media-type-changed JSON -> text: Pet is returned as str now",
        _pet_as("text/plain"),
        _both(B, B, "response-media-type-changed"),
    ),
    (
        "response-media-type-changed JSON -> XML: Pet is returned as bytes now",
        _pet_as("application/xml"),
        _both(B, B, "response-media-type-changed"),
    ),
    (
        "response-media-type-changed JSON -> */*: read and sent as JSON either way",
        _pet_as("*/*"),
        _both(C, C, "response-media-type-changed"),
    ),
    (
        "field-deprecated",
        lambda d: schema(d, "Pet")["properties"]["tag"].__setitem__("deprecated", True),
        _both(C, C, "field-deprecated"),
    ),
    (
        "field-deprecated beside a $ref (allOf wrapper)",
        lambda d: schema(d, "Pet")["properties"].__setitem__(
            "status", {"allOf": [{"$ref": "#/components/schemas/Status"}], "deprecated": True}
        ),
        _both(C, C, "field-deprecated"),
    ),
    (
        "parameter-deprecated",
        lambda d: op(d, "/pets/", "get")["parameters"][1].__setitem__("deprecated", True),
        _both(C, C, "parameter-deprecated"),
    ),
    (
        "field-type-wider: a $ref'd field made nullable (3.0: allOf [$ref] + nullable)",
        lambda d: schema(d, "Pet")["properties"].__setitem__(
            "status", {"allOf": [{"$ref": "#/components/schemas/Status"}], "nullable": True}
        ),
        {("field-type-wider", "client", B), ("field-type-wider", "server", C)},
    ),
    (
        "additional-properties-type-narrower (Pet travels in responses)",
        _extra("Pet", {"type": "integer"}),
        {
            ("additional-properties-type-narrower", "client", C),
            ("additional-properties-type-narrower", "server", B),
        },
    ),
    (
        "base-url-changed",  # from the client's http://localhost
        _servers("https://shop.example/{version}"),
        {("base-url-changed", "client", P)},
    ),
    (
        "operation-removed",
        lambda d: _pop(d["paths"]["/pets/{id}/"], "get"),
        _both(B, C, "operation-removed"),
    ),
    ("operation-added", _destroy, _both(C, P, "operation-added")),
    (
        "operation-renamed",
        lambda d: op(d, "/pets/{id}/", "get").__setitem__("operationId", "pets_fetch"),
        _both(B, B, "operation-renamed"),
    ),
    (
        "endpoint-changed",
        lambda d: d["paths"].__setitem__("/animals/{id}/", d["paths"].pop("/pets/{id}/")),
        _both(B, B, "operation-renamed")
        | _both(B, C, "endpoint-changed")
        | _both(C, C, "resource-added")
        | {("implementation-keyword-renamed", "server", B)},
    ),
    (
        "operation-deprecated",
        lambda d: op(d, "/pets/", "get").__setitem__("deprecated", True),
        _both(C, C, "operation-deprecated"),
    ),
    (
        "resource-added",
        _owners,
        _both(C, P, "operation-added") | _both(C, C, "resource-added", "model-added"),
    ),
    (
        "parameter-removed",
        lambda d: op(d, "/pets/", "get")["parameters"].pop(1),
        _both(B, B, "parameter-removed"),
    ),
    (
        "parameter-added",
        lambda d: op(d, "/pets/", "get")["parameters"].append(
            {"name": "sort", "in": "query", "schema": {"type": "string"}}
        ),
        _both(C, B, "parameter-added"),
    ),
    (
        "parameter-added-required",
        lambda d: op(d, "/pets/", "get")["parameters"].append(
            {"name": "owner", "in": "query", "required": True, "schema": {"type": "string"}}
        ),
        _both(B, B, "parameter-added-required"),
    ),
    (
        "parameter-renamed",
        lambda d: op(d, "/pets/", "get")["parameters"][1].__setitem__("name", "label"),
        _both(B, B, "parameter-renamed"),
    ),
    (
        "parameter-moved",
        lambda d: op(d, "/pets/", "get")["parameters"][1].__setitem__("in", "header"),
        _both(B, C, "parameter-moved"),
    ),
    (
        "parameter-made-required",
        lambda d: op(d, "/pets/", "get")["parameters"][1].__setitem__("required", True),
        _both(B, C, "parameter-made-required"),
    ),
    (
        "parameter-type-wider",
        lambda d: op(d, "/pets/{id}/", "get")["parameters"][0]["schema"].__setitem__(
            "type", "number"
        ),
        _both(C, B, "parameter-type-wider"),
    ),
    (
        "parameter-type-wider: a required parameter made nullable takes None now",
        lambda d: op(d, "/pets/{id}/", "get")["parameters"][0]["schema"].__setitem__(
            "nullable", True
        ),
        _both(C, B, "parameter-type-wider"),
    ),
    (
        # ``tag: str | None = None`` either way: no type changes, on either side
        "no change: an optional parameter made nullable",
        lambda d: op(d, "/pets/", "get")["parameters"][1]["schema"].__setitem__("nullable", True),
        set(),
    ),
    (
        "parameter-type-changed",
        lambda d: op(d, "/pets/{id}/", "get")["parameters"][0]["schema"].__setitem__(
            "type", "string"
        ),
        _both(B, B, "parameter-type-changed"),
    ),
    (
        "parameter-constraint-narrower",
        lambda d: op(d, "/pets/", "get")["parameters"][1]["schema"].__setitem__("maxLength", 10),
        _both(P, C, "parameter-constraint-narrower"),
    ),
    (
        "parameter-constraint-wider",
        lambda d: _pop(op(d, "/pets/", "get")["parameters"][0]["schema"], "maximum"),
        _both(C, P, "parameter-constraint-wider"),
    ),
    (
        "request-body-removed",
        lambda d: _pop(op(d, "/pets/", "post"), "requestBody"),
        _both(B, B, "request-body-removed"),
    ),
    (
        "request-body-made-optional",
        lambda d: op(d, "/pets/", "post")["requestBody"].__setitem__("required", False),
        _both(C, B, "request-body-made-optional"),
    ),
    (
        # clients generated from the old spec send JSON, which the route now answers with 415
        "request-media-type-changed",
        _media_form,
        _both(B, P, "request-media-type-changed"),
    ),
    (
        "request-body-type-changed",
        lambda d: op(d, "/pets/", "post")["requestBody"]["content"]["application/json"].__setitem__(
            "schema", {"$ref": "#/components/schemas/Pet"}
        ),
        _both(B, B, "request-body-type-changed"),
    ),
    (
        "success-status-changed",
        lambda d: op(d, "/pets/", "post")["responses"].__setitem__(
            "200", op(d, "/pets/", "post")["responses"].pop("201")
        ),
        _both(P, P, "success-status-changed"),
    ),
    (
        "response-body-removed",
        lambda d: _pop(op(d, "/pets/{id}/", "get")["responses"]["200"], "content"),
        _both(B, C, "response-body-removed"),
    ),
    (
        "response-body-type-changed",
        lambda d: op(d, "/pets/{id}/", "get")["responses"]["200"]["content"][
            "application/json"
        ].__setitem__("schema", {"$ref": "#/components/schemas/NewPet"}),
        _both(B, B, "response-body-type-changed"),
    ),
    (
        "error-response-added",
        lambda d: op(d, "/pets/{id}/", "get")["responses"].__setitem__(
            "404", {"description": "none"}
        ),
        _both(C, C, "error-response-added"),
    ),
    (
        "error-response-removed",
        lambda d: _pop(op(d, "/pets/", "post")["responses"], "409"),
        _both(C, P, "error-response-removed"),
    ),
    (
        "auth-removed",
        lambda d: op(d, "/pets/", "get").__setitem__("security", []),
        _both(C, P, "auth-removed"),
    ),
    (
        "auth-scopes-added",
        lambda d: op(d, "/pets/", "post").__setitem__(
            "security", [{"token": ["pets:read", "pets:write"]}]
        ),
        _both(P, C, "auth-scopes-added"),
    ),
    (
        "auth-scheme-changed",
        lambda d: d["components"]["securitySchemes"].__setitem__(
            "token", {"type": "apiKey", "in": "header", "name": "X-Key"}
        ),
        _both(P, P, "auth-scheme-changed"),
    ),
    (
        # Client(api_key=...) is now Client(username=..., password=...)
        "auth-scheme-changed bearer -> basic: the client's credential arguments change",
        lambda d: d["components"]["securitySchemes"].__setitem__(
            "token", {"type": "http", "scheme": "basic"}
        ),
        _both(B, P, "auth-scheme-changed"),
    ),
    (
        "pagination-removed",
        lambda d: _pop(schema(d, "PetPage")["properties"], "next"),
        {("pagination-removed", "client", B)} | _both(B, B, "field-removed"),
    ),
    ("model-removed", _no_body_and_no_model, _both(B, B, "request-body-removed", "model-removed")),
    (
        "model-renamed",
        _lowercase_pet_first,
        _both(B, B, "model-renamed") | _both(C, C, "model-added", "error-response-added"),
    ),
    (
        # the same model under another class name: imports of Pet fail, and nothing else
        # (not a model removed plus one added, nor every type that refers to it retyped)
        "model-renamed: a schema moved to another key",
        _move("Pet", "Animal"),
        _both(B, B, "model-renamed"),
    ),
    ("a schema moved to a key of the same class name: no change", _move("Status", "status"), set()),
    (
        "field-default-added",
        _field_default("NewPet", "tag", "x"),
        _both(P, C, "field-default-added"),
    ),
    (
        "field-default-added in a response model",
        _field_default("Pet", "tag", "y"),
        _both(P, C, "field-default-added"),
    ),
    (
        # pet.tag is a datetime now: str methods on it fail, and so does passing a str to mypy
        "field-type-changed: a string field gets a format spelt as another Python type",
        lambda d: schema(d, "Pet")["properties"]["tag"].__setitem__("format", "date-time"),
        _both(B, B, "field-type-changed"),
    ),
    (
        "field-type-narrower: a format that stays a str (the server's models check it)",
        lambda d: schema(d, "NewPet")["properties"]["tag"].__setitem__("format", "email"),
        _both(B, C, "field-type-narrower"),
    ),
    (
        "parameter-type-changed: a format spelt as uuid.UUID",
        lambda d: op(d, "/pets/", "get")["parameters"][1]["schema"].__setitem__("format", "uuid"),
        _both(B, B, "parameter-type-changed"),
    ),
    (
        "parameter-type-narrower: a format a parameter still spells as str",
        lambda d: op(d, "/pets/", "get")["parameters"][1]["schema"].__setitem__("format", "uri"),
        _both(B, C, "parameter-type-narrower"),
    ),
    ("model-kind-changed", _status_to_object, _both(B, B, "model-kind-changed")),
    (
        "field-removed",
        lambda d: _pop(schema(d, "Pet")["properties"], "tag"),
        _both(B, B, "field-removed"),
    ),
    (
        "field-added",
        lambda d: schema(d, "Pet")["properties"].__setitem__("age", {"type": "integer"}),
        _both(C, C, "field-added"),
    ),
    (
        "field-added-required request",
        _required_field("NewPet"),
        _both(B, C, "field-added-required"),
    ),
    ("field-added-required response", _required_field("Pet"), _both(C, B, "field-added-required")),
    (
        "field-made-required request",
        lambda d: schema(d, "NewPet")["required"].append("tag"),
        _both(B, C, "field-made-required"),
    ),
    (
        "field-made-required with a default",
        lambda d: (
            schema(d, "NewPet")["required"].append("tag"),
            schema(d, "NewPet")["properties"]["tag"].__setitem__("default", "x"),
        ),
        # callers leaving it out sent no tag (None for the implementation), now "x"
        _both(C, C, "field-made-required") | _both(P, C, "field-default-added"),
    ),
    (
        "field-added-required with a default",
        lambda d: (
            schema(d, "NewPet")["properties"].__setitem__("age", {"type": "integer", "default": 1}),
            schema(d, "NewPet")["required"].append("age"),
        ),
        _both(C, C, "field-added-required"),
    ),
    (
        "field-made-optional response",
        lambda d: schema(d, "Pet")["required"].remove("name"),
        _both(B, C, "field-made-optional"),
    ),
    (
        "field-type-wider response",
        lambda d: schema(d, "Pet")["properties"]["id"].__setitem__("type", "number"),
        _both(B, C, "field-type-wider"),
    ),
    (
        "field-type-changed request string -> object",
        lambda d: schema(d, "NewPet")["properties"].__setitem__("tag", {"type": "object"}),
        _both(B, B, "field-type-changed"),
    ),
    (
        "field-nullable request",
        lambda d: schema(d, "NewPet")["properties"]["tag"].__setitem__("nullable", True),
        _both(C, B, "field-type-wider"),
    ),
    (
        "constraint-narrower request",
        lambda d: schema(d, "NewPet")["properties"]["name"].__setitem__("maxLength", 20),
        _both(P, C, "constraint-narrower"),
    ),
    (
        "constraint-wider response",
        lambda d: _pop(schema(d, "Pet")["properties"]["name"], "maxLength"),
        _both(P, C, "constraint-wider"),
    ),
    (
        "constraint-narrower additionalProperties false request",
        lambda d: schema(d, "NewPet").__setitem__("additionalProperties", False),
        _both(P, C, "constraint-narrower"),
    ),
    (
        "constraint-narrower integer format response",
        lambda d: schema(d, "Pet")["properties"]["id"].__setitem__("format", "int32"),
        _both(C, P, "constraint-narrower"),
    ),
    (
        "enum-value-added response",
        lambda d: schema(d, "Status")["enum"].append("pending"),
        _both(C, C, "enum-value-added"),
    ),
    (
        "enum-value-removed",
        lambda d: schema(d, "Status")["enum"].remove("sold"),
        _both(B, B, "enum-value-removed"),
    ),
    (
        # Pet splits into PetRequest and PetResponse, and PetPage (which refers to it) too
        "model-renamed readOnly splits a response model",
        lambda d: schema(d, "Pet")["properties"]["id"].__setitem__("readOnly", True),
        _both(B, B, "model-renamed"),
    ),
    (
        "model-renamed writeOnly splits a request model",
        lambda d: schema(d, "NewPet")["properties"]["tag"].__setitem__("writeOnly", True),
        _both(B, B, "model-renamed"),
    ),
    (
        "client-credentials-removed: no operation takes credentials (api_key= etc. go)",
        lambda d: d.__setitem__("security", []),
        _both(C, P, "auth-removed") | {("client-credentials-removed", "client", B)},
    ),
    (
        "client-credentials-changed: a basic alternative declared first ties and becomes main",
        lambda d: (
            d["components"].__setitem__(
                "securitySchemes", {"basic": _BASIC, **d["components"]["securitySchemes"]}
            ),
            d.__setitem__("security", [{"basic": []}, {"token": ["pets:read"]}]),
        ),
        _both(C, P, "auth-alternative-added")
        | {("client-credentials-changed", "client", B), ("credentials-scheme-added", "client", C)},
    ),
    (
        "auth-unsupported-added: only a scheme the generator does not support (HTTP digest)",
        lambda d: _only_digest(d, "/pets/{id}/"),
        _both(P, P, "auth-unsupported-added"),
    ),
    (
        "auth-scheme-changed bearer -> oauth2: the client sends the token alike",
        lambda d: d["components"]["securitySchemes"].__setitem__("token", _OAUTH2),
        {("auth-scheme-changed", "server", P)},
    ),
]

# Rows whose old side is not the base spec: (name, old edit, new edit, expected).
PAIRS: list[tuple[str, Edit, Edit, set[tuple[str, str, str]]]] = [
    (
        "response-text-alternative-removed: Pet | str returns Pet again",
        _pet_text({"type": "string"}),
        lambda d: None,
        _both(C, B, "response-text-alternative-removed"),
    ),
    (
        "response-media-type-changed, a JSON string now under */*: the client also takes text",
        _pet_as("application/json", {"type": "string"}),
        _pet_as("*/*", {"type": "string"}),
        _both(C, C, "response-media-type-changed"),
    ),
    (
        "response-media-type-changed, a */* string now JSON only: a text reply fails the client",
        _pet_as("*/*", {"type": "string"}),
        _pet_as("application/json", {"type": "string"}),
        {
            ("response-media-type-changed", "client", P),
            ("response-media-type-changed", "server", C),
        },
    ),
    (
        "field-undeprecated",
        lambda d: schema(d, "Pet")["properties"]["tag"].__setitem__("deprecated", True),
        lambda d: None,
        _both(C, C, "field-undeprecated"),
    ),
    (
        "parameter-undeprecated",
        lambda d: op(d, "/pets/", "get")["parameters"][1].__setitem__("deprecated", True),
        lambda d: None,
        _both(C, C, "parameter-undeprecated"),
    ),
    (
        "operation-undeprecated",
        lambda d: op(d, "/pets/", "get").__setitem__("deprecated", True),
        lambda d: None,
        _both(C, C, "operation-undeprecated"),
    ),
    (
        "response-media-type-changed, a JSON string read as text: still a str",
        _pet_as("application/json", {"type": "string"}),
        _pet_as("text/plain", {"type": "string"}),
        _both(P, P, "response-media-type-changed"),
    ),
    (
        "field-type-wider: a $ref'd field made nullable (3.1: anyOf [$ref, null])",
        lambda d: d.__setitem__("openapi", "3.1.0"),
        lambda d: (
            d.__setitem__("openapi", "3.1.0"),
            schema(d, "Pet")["properties"].__setitem__(
                "status", {"anyOf": [{"$ref": "#/components/schemas/Status"}, {"type": "null"}]}
            ),
        ),
        {("field-type-wider", "client", B), ("field-type-wider", "server", C)},
    ),
    (
        "additional-properties-type-changed beside properties",
        _extra("Pet", {"type": "string"}),
        _extra("Pet", {"$ref": "#/components/schemas/Status"}),
        _both(B, B, "additional-properties-type-changed"),
    ),
    (
        "additional-properties-type-wider of a map alone (NewPet travels in requests)",
        _bag({"type": "integer"}),
        _bag({"type": "number"}),
        {
            ("additional-properties-type-wider", "client", C),
            ("additional-properties-type-wider", "server", B),
        },
    ),
    (
        "base-url-changed through a server variable's default",
        _servers("https://shop.example/{version}"),
        _servers("https://shop.example/{version}", version="v2"),
        {("base-url-changed", "client", P)},
    ),
    (
        "another server after the first, or descriptions: the default base URL stays",
        _servers("https://shop.example/{version}"),
        _servers("https://shop.example/v1", "https://staging.shop.example/v1"),
        set(),
    ),
    (
        "positional-order-changed",
        _things,
        lambda d: _things(d, "b", "a"),
        _both(B, B, "positional-order-changed"),
    ),
    (
        "parameter-default-changed",
        _default(20),
        _default(50),
        {("parameter-default-changed", "client", P), ("parameter-default-changed", "server", C)},
    ),
    (
        "parameter-default-added",
        lambda d: None,
        _default(20),
        {("parameter-default-added", "client", P), ("parameter-default-added", "server", C)},
    ),
    (
        "parameter-default-removed",
        _default(20),
        lambda d: None,
        _both(P, P, "parameter-default-removed"),
    ),
    (
        "model-composition-changed",
        _composed,
        lambda d: _composed(d, extra=True),
        _both(P, P, "model-composition-changed"),
    ),
    (
        "error-response-removed whose body was exc.parsed",
        lambda d: _error_body(d, "409", "Pet"),
        lambda d: _pop(op(d, "/pets/", "post")["responses"], "409"),
        _both(B, P, "error-response-removed"),
    ),
    (
        "error-response-removed, read by its range as the same model",
        lambda d: (_error_body(d, "409", "Pet"), _error_body(d, "4XX", "Pet")),
        lambda d: (_pop(op(d, "/pets/", "post")["responses"], "409"), _error_body(d, "4XX", "Pet")),
        _both(C, P, "error-response-removed"),
    ),
    (
        "error-response-added where default read it as another model",
        lambda d: _error_body(d, "default", "Pet"),
        lambda d: (_error_body(d, "default", "Pet"), _error_body(d, "422", "NewPet")),
        _both(B, C, "error-response-added"),
    ),
    (
        "error-response-removed: default, whose body was exc.parsed",
        lambda d: _error_body(d, "default", "Pet"),
        lambda d: None,
        _both(B, P, "error-response-removed"),
    ),
    (
        "auth-alternative-removed: one of two ways to authenticate (not the first)",
        lambda d: _security(d, [{"token": ["pets:read"]}, {"key": []}]),
        lambda d: _security(d, [{"token": ["pets:read"]}]),
        # no operation takes ``key`` now: Client(credentials={"key": ...}) raises ValueError
        _both(P, C, "auth-alternative-removed") | {("credentials-scheme-removed", "client", B)},
    ),
    (
        "auth-alternative-added",
        lambda d: _security(d, [{"token": ["pets:read"]}]),
        lambda d: _security(d, [{"token": ["pets:read"]}, {"key": []}]),
        _both(C, P, "auth-alternative-added") | {("credentials-scheme-added", "client", C)},
    ),
    (
        "auth-removed: credentials made optional by an empty alternative",
        lambda d: _security(d, [{"token": ["pets:read"]}]),
        lambda d: _security(d, [{"token": ["pets:read"]}, {}]),
        _both(C, P, "auth-removed"),
    ),
    (
        "auth-scopes-removed in a second alternative",
        lambda d: _security(d, [{"key": []}, {"token": ["pets:read", "pets:write"]}]),
        lambda d: _security(d, [{"key": []}, {"token": ["pets:read"]}]),
        _both(C, P, "auth-scopes-removed"),
    ),
    (
        "request-media-type-changed JSON -> text: the implementation gets a str, not NewPet",
        lambda d: _media(d, json=_NEW_PET),
        lambda d: _media(d, text=_NEW_PET),
        _both(B, B, "request-media-type-changed"),
    ),
    (
        "request-media-type-changed, the old one still accepted",
        lambda d: _media(d, form=_NEW_PET),
        lambda d: _media(d, form=_NEW_PET, json=_NEW_PET),
        _both(C, P, "request-media-type-changed"),
    ),
    (
        "request-media-type-removed: one the client never sent",
        lambda d: _media(d, json=_NEW_PET, form=_NEW_PET),
        lambda d: _media(d, json=_NEW_PET),
        _both(C, P, "request-media-type-removed"),
    ),
    (
        "request-media-type-added, a type the body already had",
        lambda d: _media(d, json=_NEW_PET),
        lambda d: _media(d, json=_NEW_PET, form=_NEW_PET),
        _both(C, C, "request-media-type-added"),
    ),
    (
        "request-media-type-added, of another type: the implementation's body may be a str",
        lambda d: _media(d, json=_NEW_PET),
        lambda d: _media(d, json=_NEW_PET, text={"type": "string"}),
        _both(C, B, "request-media-type-added"),
    ),
    (
        "request-content-type-argument-added: image/png -> image/*, no usual type: TypeError",
        _photo("image/png"),
        _photo("image/*"),
        _both(B, P, "request-media-type-changed")
        | {("request-content-type-argument-added", "client", C)},
    ),
    (
        "request-media-type-changed application/xml -> application/*: sends octet-stream",
        _photo("application/xml"),
        _photo("application/*"),
        _both(P, P, "request-media-type-changed")
        | {("request-content-type-argument-added", "client", C)},
    ),
    (
        "request-media-type-changed text/plain -> text/*: still sent as text/plain",
        _photo("text/plain"),
        _photo("text/*"),
        _both(C, P, "request-media-type-changed")
        | {("request-content-type-argument-added", "client", C)},
    ),
    (
        "request-content-type-argument-removed: image/* -> image/png, image/jpeg now 415",
        _photo("image/*"),
        _photo("image/png"),
        _both(B, P, "request-media-type-changed")
        | {("request-content-type-argument-removed", "client", B)},
    ),
    (
        "request-media-type-changed to another JSON type: a route of one JSON type reads any",
        _photo("application/json"),
        _photo("application/merge-patch+json"),
        _both(C, P, "request-media-type-changed"),
    ),
    (
        "request-content-type-argument-renamed: a parameter named content_type takes the name",
        _photo("image/*"),
        lambda d: (
            _photo("image/*")(d),
            op(d, "/pets/", "post").__setitem__(
                "parameters",
                [{"name": "content_type", "in": "query", "schema": {"type": "string"}}],
            ),
        ),
        _both(C, B, "parameter-added") | {("request-content-type-argument-renamed", "client", B)},
    ),
    (
        "request-media-type-changed image/* -> */*: every old body is still taken, same call",
        _photo("image/*"),
        _photo("*/*"),
        _both(C, P, "request-media-type-changed"),
    ),
    (
        "request-media-type-changed image/* -> image/png + image/jpeg: image/gif now 415",
        _photo("image/*"),
        _photo("image/png", "image/jpeg"),
        _both(B, P, "request-media-type-changed")
        | {("request-content-type-argument-removed", "client", B)},
    ),
    (
        "request-media-type-added image/*, beside JSON: image/png, no longer listed, still taken",
        _photo("application/json", "image/png"),
        _photo("application/json", "image/*"),
        _both(C, C, "request-media-type-added"),
    ),
    (
        "request-body-type-changed in a media type only the server reads",
        lambda d: _media(d, json=_NEW_PET, form=_NEW_PET),
        lambda d: _media(d, json=_NEW_PET, form={"$ref": "#/components/schemas/Pet"}),
        {("request-body-type-changed", "server", B)},
    ),
    (
        "request-encoding-changed: an array form field no longer exploded",
        _form_encoding({}),
        _form_encoding({"tags": {"explode": False}, "n": {"style": "spaceDelimited"}}),
        _both(B, C, "request-encoding-changed"),
    ),
    (
        "parameter-allow-reserved-changed: a scalar reads alike either way",
        lambda d: None,
        lambda d: op(d, "/pets/", "get")["parameters"][1].__setitem__("allowReserved", True),
        _both(C, C, "parameter-allow-reserved-changed"),
    ),
    (
        "parameter-allow-reserved-changed: a comma-separated array's items may split",
        lambda d: _ids(d, explode=False),
        _reserved_ids,
        _both(P, C, "parameter-allow-reserved-changed"),
    ),
    (
        "field-default-changed",
        _field_default("NewPet", "tag", "x"),
        _field_default("NewPet", "tag", "y"),
        _both(P, C, "field-default-changed"),
    ),
    (
        "field-default-removed: the implementation may now receive None",
        _field_default("NewPet", "tag", "x"),
        lambda d: None,
        _both(P, P, "field-default-removed"),
    ),
    (
        "a field's default null is no default",
        lambda d: None,
        _field_default("NewPet", "tag", None),
        set(),
    ),
    (
        # class Code(RootModel[str]) is now RootModel[int]
        "model-type-changed: a plain-type component's type",
        _code(type="string"),
        _code(type="integer"),
        _both(B, B, "model-type-changed"),
    ),
    (
        "model-type-wider: integer to number, in a request",
        _code(type="integer"),
        _code(type="number"),
        _both(C, B, "model-type-wider"),
    ),
    (
        "model-type-changed: an array alias's items",
        _code(type="array", items={"type": "string"}),
        _code(type="array", items={"$ref": "#/components/schemas/Status"}),
        _both(B, B, "model-type-changed"),
    ),
    (
        "model-type-wider: a plain-type component made nullable, in a request",
        _code(type="string"),
        _code(type="string", nullable=True),
        _both(C, B, "model-type-wider"),
    ),
    (
        # the operations returning Pet now say Pet | None, and PetPage.results list[Pet | None]
        "response-body-type-wider: an object component made nullable",
        lambda d: None,
        lambda d: schema(d, "Pet").__setitem__("nullable", True),
        _both(B, C, "response-body-type-wider", "model-made-nullable"),
    ),
    (
        # Pet.status (required) is Status | None now; Pet travels in responses only
        "model-made-nullable: an enum component admits null itself",
        lambda d: schema(d, "Pet")["required"].append("status"),
        lambda d: (schema(d, "Pet")["required"].append("status"), _nullable_status(d)),
        _both(B, C, "model-made-nullable"),
    ),
    (
        # Pet.status is optional: _Omittable[Status] was Status | None already, and stays so
        "model-made-nullable: only optional fields refer to it, whose types do not change",
        lambda d: None,
        lambda d: _nullable_status(d),
        _both(C, C, "model-made-nullable"),
    ),
    (
        "model-made-non-nullable",
        lambda d: (schema(d, "Pet")["required"].append("status"), _nullable_status(d)),
        lambda d: schema(d, "Pet")["required"].append("status"),
        _both(C, B, "model-made-non-nullable"),
    ),
    (
        "a plain-type component's description: no change",
        _code(type="string"),
        _code(type="string", description="a code"),
        set(),
    ),
    (
        "an object rewritten as the allOf of the same fields: no change",
        lambda d: None,
        _pet_all_of,
        set(),
    ),
    (
        "field-type-changed in an allOf model's own member",
        _pet_all_of,
        lambda d: (_pet_all_of(d), _own(d)["id"].__setitem__("type", "string")),
        _both(B, B, "field-type-changed"),
    ),
    (
        "constraint-narrower in a $ref'd allOf member: under the member and the model merging it",
        _pet_all_of,
        lambda d: (
            _pet_all_of(d),
            schema(d, "NewPet")["properties"]["name"].__setitem__("maxLength", 40),
        ),
        {
            ("constraint-narrower", "client", P),  # NewPet: a request body, and in Pet's responses
            ("constraint-narrower", "server", P),
            ("constraint-narrower", "client", C),  # Pet: responses only
        },
    ),
    (
        "field-removed from an allOf model's own member",
        _pet_all_of,
        lambda d: (_pet_all_of(d), _own(d).pop("status")),
        _both(B, B, "field-removed"),
    ),
    (
        "field-added through an allOf model's new $ref member",
        _pet_all_of,
        lambda d: (
            _pet_all_of(d),
            schema(d, "Pet")["allOf"].append({"$ref": "#/components/schemas/Orphan"}),
            _orphan(d),
        ),
        _both(C, C, "field-added", "model-added"),
    ),
    (
        "constraint-narrower in an allOf model's own member (a response: the server produces it)",
        _pet_all_of,
        lambda d: (_pet_all_of(d), _own(d)["id"].__setitem__("minimum", 1)),
        _both(C, P, "constraint-narrower"),
    ),
    (
        "auth-added (inverse of auth-removed)",
        lambda d: op(d, "/pets/", "get").__setitem__("security", []),
        lambda d: None,
        _both(P, C, "auth-added"),
    ),
    (
        "request-body-added",
        lambda d: _pop(op(d, "/pets/", "post"), "requestBody"),
        lambda d: None,
        _both(B, B, "request-body-added"),
    ),
    (
        "response-body-added",
        lambda d: _pop(op(d, "/pets/{id}/", "get")["responses"]["200"], "content"),
        lambda d: None,
        _both(C, B, "response-body-added"),
    ),
    (
        "pagination-added",
        lambda d: _pop(schema(d, "PetPage")["properties"], "next"),
        lambda d: None,
        {("pagination-added", "client", C)} | _both(C, C, "field-added"),
    ),
    (
        "resource-removed",
        _owners,
        lambda d: None,
        _both(B, C, "operation-removed") | _both(B, B, "resource-removed", "model-removed"),
    ),
    (
        "constraint-wider additionalProperties false dropped response",
        lambda d: schema(d, "Pet").__setitem__("additionalProperties", False),
        lambda d: None,
        _both(P, C, "constraint-wider"),
    ),
    (
        "constraint-wider integer format int32 -> int64 request",
        lambda d: schema(d, "NewPet")["properties"].__setitem__(
            "age", {"type": "integer", "format": "int32"}
        ),
        lambda d: schema(d, "NewPet")["properties"].__setitem__(
            "age", {"type": "integer", "format": "int64"}
        ),
        _both(C, P, "constraint-wider"),
    ),
    (
        "field-type-changed map value response",
        lambda d: _labels(d, "string"),
        lambda d: _labels(d, "integer"),
        _both(B, B, "field-type-changed"),
    ),
    (
        "constraint-narrower request array items maxLength",
        lambda d: _tags(d, 10),
        lambda d: _tags(d, 5),
        _both(P, C, "constraint-narrower"),
    ),
    (
        "response-body-type-changed on an error status",
        lambda d: _not_found(d, "Pet"),
        lambda d: _not_found(d, "NewPet"),
        _both(B, B, "response-body-type-changed"),
    ),
    (
        "response-body-added on an error status",
        lambda d: op(d, "/pets/{id}/", "get")["responses"].__setitem__(
            "404", {"description": "none"}
        ),
        lambda d: _not_found(d, "Pet"),
        _both(C, B, "response-body-added"),
    ),
    (
        "model-removed used by no operation (the package exports it all the same)",
        _orphan,
        lambda d: None,
        _both(B, B, "model-removed"),
    ),
    ("model-added used by no operation", lambda d: None, _orphan, _both(C, C, "model-added")),
    (
        "field-removed from a model used by no operation",
        _orphan,
        lambda d: (_orphan(d), _pop(schema(d, "Orphan")["properties"], "x")),
        _both(B, B, "field-removed"),
    ),
    (
        "no change: a header's name in another case (HTTP header names ignore case)",
        lambda d: _header(d, "X-Request-Id"),
        lambda d: _header(d, "x-request-id"),
        set(),
    ),
    (
        "field-added-required readOnly: responses carry it, requests leave it out",
        _pet_both_ways,
        lambda d: _pet_both_ways(d, ("updated", "readOnly")),
        {("field-added-required", "client", C), ("field-added-required", "server", B)},
    ),
    (
        "field-added-required writeOnly: requests carry it, responses leave it out",
        _pet_both_ways,
        lambda d: _pet_both_ways(d, ("secret", "writeOnly")),
        {("field-added-required", "client", B), ("field-added-required", "server", C)},
    ),
    (
        "field-access-changed readOnly set: the request class loses the field",
        _pet_both_ways,
        lambda d: (
            _pet_both_ways(d),
            schema(d, "Pet")["properties"]["tag"].__setitem__("readOnly", True),
        ),
        _both(B, B, "field-access-changed"),
    ),
    (
        "field-access-changed readOnly dropped from a required field: callers must send it",
        lambda d: _pet_both_ways(d, ("updated", "readOnly")),
        lambda d: _pet_both_ways(d, ("updated", "")),
        {("field-access-changed", "client", B), ("field-access-changed", "server", C)},
    ),
    (
        # the inverse of field-removed from it: reported too, compatible (no data flows)
        "field-added-required to a model used by no operation",
        _orphan,
        lambda d: (
            _orphan(d),
            schema(d, "Orphan")["properties"].__setitem__("y", {"type": "string"}),
            schema(d, "Orphan").__setitem__("required", ["y"]),
        ),
        _both(C, C, "field-added-required"),
    ),
    (
        "enum-member-renamed by x-enum-varnames",
        lambda d: schema(d, "Status").__setitem__("x-enum-varnames", ["AVAILABLE", "SOLD"]),
        lambda d: schema(d, "Status").__setitem__("x-enum-varnames", ["IN_STOCK", "SOLD"]),
        _both(B, B, "enum-member-renamed"),
    ),
    (
        "field-renamed when a new model takes its capitalised name",
        lambda d: schema(d, "Pet")["properties"].__setitem__("Owner", {"type": "string"}),
        _owner_field_and_model,
        _both(B, B, "field-renamed")
        | _both(C, P, "operation-added")
        | _both(C, C, "resource-added", "model-added"),
    ),
    (
        "parameter-style-changed explode",
        lambda d: _ids(d, explode=True),
        lambda d: _ids(d, explode=False),
        _both(B, C, "parameter-style-changed"),
    ),
    (
        "parameter-style-changed style",
        lambda d: _ids(d),
        lambda d: _ids(d, style="pipeDelimited"),
        _both(B, C, "parameter-style-changed"),
    ),
    (
        "no change: explode spelt out as its default",
        lambda d: _ids(d),
        lambda d: _ids(d, True),
        set(),
    ),
    (
        "no change: a scalar's explode",
        lambda d: op(d, "/pets/", "get")["parameters"][1].__setitem__("explode", True),
        lambda d: op(d, "/pets/", "get")["parameters"][1].__setitem__("explode", False),
        set(),
    ),
    (
        "request-body-constraint-narrower inline maxItems",
        lambda d: _pet_list_body(d, 10),
        lambda d: _pet_list_body(d, 5),
        _both(P, C, "request-body-constraint-narrower"),
    ),
    (
        "request-body-constraint-wider inline maxItems dropped",
        lambda d: _pet_list_body(d, 10),
        lambda d: _pet_list_body(d, None),
        _both(C, P, "request-body-constraint-wider"),
    ),
    (
        "enum-value-added request",
        lambda d: _inline_size(d, ["s"]),
        lambda d: _inline_size(d, ["s", "m"]),
        {("enum-value-added", "client", C), ("enum-value-added", "server", P)},
    ),
    (
        "client-credentials-added (inverse of client-credentials-removed)",
        lambda d: d.__setitem__("security", []),
        lambda d: None,
        _both(P, C, "auth-added") | {("client-credentials-added", "client", C)},
    ),
    (
        "auth-unsupported-removed (inverse of auth-unsupported-added)",
        lambda d: _only_digest(d, "/pets/{id}/"),
        lambda d: None,
        _both(P, P, "auth-unsupported-removed"),
    ),
    (
        "client-credentials-changed: more operations take HTTP basic than the bearer token",
        lambda d: _schemes(d, basic=_BASIC),
        lambda d: _schemes(d, {"basic": []}, ("/pets/", "get"), ("/pets/", "post"), basic=_BASIC),
        _both(P, P, "auth-scheme-changed")
        | {("client-credentials-changed", "client", B), ("credentials-scheme-added", "client", C)},
    ),
    (
        "client-credentials-changed: api_key= gives another scheme's, the old main's is still used",
        lambda d: _schemes(d, {"key": []}, ("/pets/", "get"), ("/pets/", "post"), key=_KEY),
        lambda d: _schemes(d, {"key": []}, ("/pets/", "get"), key=_KEY),
        _both(P, P, "auth-scheme-changed") | {("client-credentials-changed", "client", B)},
    ),
    (
        "client-credentials-changed: the main scheme renamed, sent alike",
        lambda d: None,
        lambda d: _rename_token(d),
        _both(P, P, "auth-scheme-changed")
        | {
            ("client-credentials-changed", "client", C),
            ("credentials-scheme-removed", "client", B),
            ("credentials-scheme-added", "client", C),
        },
    ),
    (
        "auth-scheme-changed: a scheme credentials= takes (not the main one) turns HTTP basic",
        lambda d: _security(d, [{"token": ["pets:read"]}, {"key": []}]),
        lambda d: (
            _security(d, [{"token": ["pets:read"]}, {"key": []}]),
            d["components"]["securitySchemes"].__setitem__("key", _BASIC),
        ),
        _both(B, P, "auth-scheme-changed"),
    ),
    (
        "auth-order-changed: the same ways to authenticate, tried in another order",
        lambda d: _security(d, [{"token": ["pets:read"]}, {"key": []}]),
        lambda d: _security(d, [{"key": []}, {"token": ["pets:read"]}]),
        _both(C, P, "auth-order-changed"),
    ),
    (
        "auth-order-changed: the schemes of one way, for the server only (the client sends both)",
        lambda d: _security(d, [{"token": ["pets:read"], "key": []}]),
        lambda d: _security(d, [{"key": [], "token": ["pets:read"]}]),
        {("auth-order-changed", "server", P)},
    ),
    (
        "auth-order-changed is not the empty alternative moving (neither package tries it)",
        lambda d: _security(d, [{}, {"token": ["pets:read"]}]),
        lambda d: _security(d, [{"token": ["pets:read"]}, {}]),
        set(),
    ),
    (
        "auth-scopes-alternative-added: the same scheme accepted with other scopes too",
        lambda d: _security(d, [{"token": ["pets:read"]}]),
        lambda d: _security(d, [{"token": ["pets:read"]}, {"token": ["pets:admin"]}]),
        _both(C, P, "auth-scopes-alternative-added"),
    ),
    (
        "auth-scopes-alternative-removed: one of two sets of scopes the scheme was accepted with",
        lambda d: _security(d, [{"token": ["pets:read"]}, {"token": ["pets:admin"]}]),
        lambda d: _security(d, [{"token": ["pets:admin"]}]),
        _both(P, C, "auth-scopes-alternative-removed"),
    ),
    (
        "auth-scheme-changed on a scheme no operation takes: neither package reads it",
        lambda d: _schemes(d, key=_KEY),
        lambda d: _schemes(d, key=_BASIC),
        set(),
    ),
]

_OAUTH2 = {
    "type": "oauth2",
    "flows": {"clientCredentials": {"tokenUrl": "https://auth.test/token", "scopes": {}}},
}


def _only_digest(d: dict[str, Any], path: str) -> None:
    """``path``'s GET takes only HTTP digest, which the generator does not support."""
    _schemes(d, {"digest": []}, (path, "get"), digest={"type": "http", "scheme": "digest"})


def _rename_token(d: dict[str, Any]) -> None:
    """The bearer scheme ``token`` is now called ``bearer`` (every requirement follows)."""
    d["components"]["securitySchemes"] = {"bearer": d["components"]["securitySchemes"]["token"]}
    d["security"] = [{"bearer": ["pets:read"]}]


def _ids(d: dict[str, Any], explode: bool | None = None, style: str | None = None) -> None:
    param: dict[str, Any] = {
        "name": "ids",
        "in": "query",
        "schema": {"type": "array", "items": {"type": "integer"}},
    }
    if explode is not None:
        param["explode"] = explode
    if style is not None:
        param["style"] = style
    op(d, "/pets/", "get")["parameters"].append(param)


def _pet_list_body(d: dict[str, Any], most: int | None) -> None:
    """The create body becomes an inline array of NewPet, at most ``most`` long."""
    body: dict[str, Any] = {"type": "array", "items": {"$ref": "#/components/schemas/NewPet"}}
    if most is not None:
        body["maxItems"] = most
    op(d, "/pets/", "post")["requestBody"]["content"]["application/json"]["schema"] = body


def _labels(d: dict[str, Any], value_type: str) -> None:
    schema(d, "Pet")["properties"]["labels"] = {
        "type": "object",
        "additionalProperties": {"type": value_type},
    }


def _tags(d: dict[str, Any], longest: int) -> None:
    schema(d, "NewPet")["properties"]["tags"] = {
        "type": "array",
        "items": {"type": "string", "maxLength": longest},
    }


def _not_found(d: dict[str, Any], model: str) -> None:
    """``pets_retrieve`` documents a 404 whose body is ``model`` (``exc.parsed`` for callers)."""
    op(d, "/pets/{id}/", "get")["responses"]["404"] = {
        "description": "none",
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{model}"}}},
    }


def _nullable_status(d: dict[str, Any]) -> None:
    schema(d, "Status")["nullable"] = True


def _header(d: dict[str, Any], name: str) -> None:
    op(d, "/pets/", "get")["parameters"].append(
        {"name": name, "in": "header", "schema": {"type": "string"}}
    )


def _inline_size(d: dict[str, Any], values: list[str]) -> None:
    schema(d, "NewPet")["properties"]["size"] = {"type": "string", "enum": values}


def _error_body(d: dict[str, Any], status: str, model: str) -> None:
    """``pets_create`` documents error ``status`` with a body of component ``model``."""
    ref = {"$ref": f"#/components/schemas/{model}"}
    op(d, "/pets/", "post")["responses"][status] = {
        "description": "error",
        "content": {"application/json": {"schema": ref}},
    }


def _found(old: dict[str, Any], new: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(c.rule, c.audience, c.level.value) for c in diff(old, new).changes}


@pytest.mark.parametrize(
    "edit, expected", [(e, x) for _, e, x in ROWS], ids=[name for name, *_ in ROWS]
)
def test_one_edit_per_rule(edit: Edit, expected: set[tuple[str, str, str]]) -> None:
    assert _found(base(), edited(edit)) == expected


@pytest.mark.parametrize(
    "old_edit, new_edit, expected",
    [(o, n, x) for _, o, n, x in PAIRS],
    ids=[name for name, *_ in PAIRS],
)
def test_edits_between_two_variants(
    old_edit: Edit, new_edit: Edit, expected: set[tuple[str, str, str]]
) -> None:
    assert _found(edited(old_edit), edited(new_edit)) == expected


def test_every_change_names_symbols_and_locations() -> None:
    report = diff(base(), edited(lambda d: op(d, "/pets/", "get")["parameters"].pop(1)))
    client = report.for_audience("client")[0]
    assert client.symbol == "client.pets.list(tag=...)"
    assert client.old is not None and client.old.pointer == "/paths/~1pets~1/get/parameters/1"
    assert report.for_audience("server")[0].symbol == "PetsApi.list(tag=...)"


def test_semver_advice_per_package() -> None:
    from apiforge.diff.model import Bump

    removed = diff(base(), edited(lambda d: _pop(d["paths"]["/pets/{id}/"], "get")))
    assert (removed.bump("client"), removed.bump("server")) == (Bump.MAJOR, Bump.MINOR)
    described = diff(base(), edited(lambda d: d["info"].__setitem__("description", "Pets!")))
    assert described.changes == () and described.bump("client") is Bump.PATCH
    assert diff(base(), base()).bump("server") is Bump.NONE
    assert removed.worst() is Level.BREAKING


def test_typed_formats_are_the_ones_the_generator_spells_as_other_types() -> None:
    from apiforge.diff.flow import MODEL_FORMATS, OPERATION_FORMATS
    from apiforge.render.model_constraints import STRING_FORMATS
    from apiforge.render.types import _FORMATS

    assert set(STRING_FORMATS) - {"binary"} == MODEL_FORMATS
    assert set(_FORMATS) == OPERATION_FORMATS


def _documented_rules() -> list[str]:
    """The rule ids of docs/diff-rules.md's table: ``a-b-c`` / ``-d`` is ``a-b-c`` and ``a-b-d``;
    ``x-*`` stands for every rule starting with ``x-``."""
    doc = Path(__file__).resolve().parents[2] / "docs" / "diff-rules.md"
    found: list[str] = []
    for line in doc.read_text(encoding="utf-8").splitlines():
        if not line.startswith("| `"):
            continue
        first = ""
        for cell_part in line.split("|")[1].split(","):
            for spelt in cell_part.split("/"):
                rule = spelt.strip().strip("`")
                if rule.startswith("-") and first:
                    rule = first.rsplit("-", 1)[0] + rule
                elif rule:
                    first = rule
                found.append(rule)
    return found


def test_every_rule_the_table_exercises_is_documented() -> None:
    """Each rule id the rows above expect has its row in docs/diff-rules.md."""
    documented = _documented_rules()
    expected = {rule for _, _, found in ROWS for rule, _, _ in found}
    expected |= {rule for *_, found in PAIRS for rule, _, _ in found}
    missing = [
        rule
        for rule in sorted(expected)
        if rule not in documented
        and not any(d.endswith("*") and rule.startswith(d[:-1]) for d in documented)
    ]
    assert not missing, f"rules without a row in docs/diff-rules.md: {missing}"


def test_a_range_becoming_a_type_names_the_argument_that_goes() -> None:
    """``image/*`` -> ``image/png``: the call is not unchanged; it loses ``content_type=``."""
    report = diff(edited(_photo("image/*")), edited(_photo("image/png")))
    messages = {c.rule: (c.symbol, c.message) for c in report.for_audience("client")}
    symbol, message = messages["request-content-type-argument-removed"]
    assert symbol == "client.pets.create(content_type=...)"
    assert "TypeError" in message
    assert "unchanged" not in messages["request-media-type-changed"][1]


def test_no_message_repeats_its_symbol() -> None:
    """Reports print ``symbol: message``: a message starting with the symbol says it twice."""
    found = [
        change
        for _, edit, _ in ROWS
        for change in diff(base(), edited(edit)).changes
        if change.message.startswith(change.symbol)
    ]
    assert not found, [(c.rule, c.message) for c in found]


def test_a_split_model_moved_to_another_key_says_it_moved() -> None:
    """``Pet`` (a *Request and a *Response class) moved to ``Animal``: it splits on both sides."""
    old = edited(_pet_both_ways)
    new = edited(lambda d: (_pet_both_ways(d), _move("Pet", "Animal")(d)))
    (change,) = diff(old, new).for_audience("client")
    assert change.rule == "model-renamed"
    assert change.symbol == "models.PetRequest / models.PetResponse"
    assert change.message == (
        "now models.AnimalRequest / models.AnimalResponse (its schema moved to the key "
        "'Animal'): imports of the old name fail"
    )


def test_a_scheme_made_basic_names_the_arguments_callers_pass() -> None:
    basic = {"type": "http", "scheme": "basic"}
    old = edited(lambda d: d["components"]["securitySchemes"].__setitem__("token", basic))
    (change,) = diff(old, base()).for_audience("client")
    assert change.symbol == "Client(username=..., password=...)"
    assert "Client() takes api_key= instead of username=/password=" in change.message
