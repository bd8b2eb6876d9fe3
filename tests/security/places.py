"""Every string-bearing place of an OpenAPI 3.0/3.1 document (and its JSON Schemas) that apiforge reads.

:func:`spec` builds one document whose every string comes from ``fill(place)``, where
``place`` names the slot (``"schema.description"``). The canary test fills each slot
with a payload around a unique canary; the fuzz test fills them with generated text.
Three kinds of slot exist, because the spec grammar constrains some strings:

* ``text``: free text (descriptions, titles, summaries, enum values, defaults, examples...);
* ``name``: a name apiforge turns into an identifier (schema, property, parameter and
  header names, operationIds, tags, scheme names...); it must be non-empty and unique;
* ``segment``: text inside a URL path or a path parameter name (no ``{}/?#``);
* ``token``: a header parameter's name, an HTTP token (letters, digits and
  ``!#$%&'*+-.^_`|~``): apiforge leaves out a header no request can carry;
* ``url`` and ``email``: a URL or an address (FastAPI's document validates them).

A place missing here is a place the canary test does not prove: add every string
apiforge starts to read (``generator/ir``, ``generator/models.py``) to this list.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Fill = Callable[[str, str], str]  # (place, kind) -> the string to put there


def spec(fill: Fill, version: str) -> dict[str, Any]:
    """The document (``version`` is ``"3.0.3"`` or ``"3.1.0"``); every string comes from ``fill``."""
    v31 = version.startswith("3.1")

    def t(place: str) -> str:
        return fill(place, "text")

    def n(place: str) -> str:
        return fill(place, "name")

    def seg(place: str) -> str:
        return fill(place, "segment")

    def tok(place: str) -> str:
        return fill(place, "token")

    def url(place: str) -> str:
        return fill(place, "url")

    record, kind, pet, cat, dog, described = (
        n(f"schema.name.{x}") for x in ("record", "kind", "pet", "cat", "dog", "enum")
    )
    tag_prop, scheme, oauth, scope = (
        n("discriminator.propertyName"),
        n("securityScheme.name"),
        n("securityScheme.oauth.name"),
        n("oauth.scope"),
    )
    path_param = seg("parameter.path.name")
    # A $ref is a URI fragment: "%" must be percent-encoded, or "%41" in a name would decode to "A".
    ref = lambda key: {
        "$ref": "#/components/schemas/"
        + key.replace("~", "~0").replace("/", "~1").replace("%", "%25")
    }
    nullable = {"type": ["string", "null"]} if v31 else {"type": "string", "nullable": True}
    const = {"const": t("schema.const")} if v31 else {"enum": [t("schema.const")]}
    examples = (
        {"examples": [t("schema.examples.0")]} if v31 else {"example": t("schema.examples.0")}
    )
    header_value = {
        "description": t("header.description"),
        "schema": {"type": "string", "example": t("header.example")},
    }
    document: dict[str, Any] = {
        "openapi": version,
        "info": {
            "title": t("info.title"),
            "version": t("info.version"),
            "description": t("info.description"),
            "termsOfService": url("info.termsOfService"),
            "contact": {
                "name": t("info.contact.name"),
                "url": url("info.contact.url"),
                "email": fill("info.contact.email", "email"),
            },
            "license": {"name": t("info.license.name"), "url": url("info.license.url")},
            **({"summary": t("info.summary")} if v31 else {}),
        },
        "externalDocs": {
            "url": url("externalDocs.url"),
            "description": t("externalDocs.description"),
        },
        "servers": [
            {
                "url": "https://api.example.com/"
                + seg("server.url")
                + "/{"
                + seg("server.variable.name")
                + "}",
                "description": t("server.description"),
                "variables": {
                    seg("server.variable.name"): {
                        "default": seg("server.variable.default"),
                        "enum": [seg("server.variable.default"), seg("server.variable.enum")],
                        "description": t("server.variable.description"),
                    }
                },
            }
        ],
        "tags": [
            {
                "name": n("tag.name"),
                "description": t("tag.description"),
                "externalDocs": {"url": url("tag.externalDocs.url")},
            }
        ],
        "security": [{scheme: []}],
        "paths": {
            "/" + seg("path.segment") + "/{" + path_param + "}": {
                "summary": t("pathItem.summary"),
                "description": t("pathItem.description"),
                "parameters": [
                    {
                        "name": path_param,
                        "in": "path",
                        "required": True,
                        "description": t("parameter.path.description"),
                        "schema": {
                            "type": "string",
                            "pattern": "^[a-z" + seg("parameter.path.pattern") + "]+$",
                        },
                    }
                ],
                "get": {
                    "operationId": n("operation.get.operationId"),
                    "tags": [n("tag.name")],
                    "summary": t("operation.summary"),
                    "description": t("operation.description"),
                    "externalDocs": {"url": url("operation.externalDocs.url")},
                    "parameters": [
                        {
                            "name": n("parameter.query.name"),
                            "in": "query",
                            "description": t("parameter.query.description"),
                            "example": t("parameter.query.example"),
                            "schema": {
                                "type": "string",
                                "default": t("parameter.query.default"),
                                "format": t("parameter.query.format"),
                                "maxLength": 999,
                                "pattern": "(?s).*|" + seg("parameter.query.pattern"),
                            },
                        },
                        {
                            "name": tok("parameter.header.name"),
                            "in": "header",
                            "description": t("parameter.header.description"),
                            "examples": {
                                n("parameter.examples.name"): {
                                    "summary": t("parameter.examples.summary"),
                                    "description": t("parameter.examples.description"),
                                    "value": t("parameter.examples.value"),
                                }
                            },
                            "schema": {
                                "type": "string",
                                "enum": [
                                    t("parameter.header.enum.0"),
                                    t("parameter.header.enum.1"),
                                ],
                            },
                        },
                        {"name": n("parameter.cookie.name"), "in": "cookie", "schema": ref(kind)},
                        {
                            "name": n("parameter.deep.name"),
                            "in": "query",
                            "style": "deepObject",
                            "explode": True,
                            "schema": {
                                "type": "object",
                                "properties": {n("parameter.deep.property"): {"type": "string"}},
                            },
                        },
                    ],
                    "security": [{oauth: [scope]}],
                    "responses": {
                        "200": {
                            "description": t("response.description"),
                            "headers": {n("header.name"): header_value},
                            "links": {
                                n("link.name"): {
                                    "operationId": n("operation.get.operationId"),
                                    "description": t("link.description"),
                                }
                            },
                            "content": {
                                "application/json": {
                                    "schema": ref(record),
                                    "example": {"k": t("mediaType.example")},
                                    "examples": {
                                        n("mediaType.examples.name"): {
                                            "value": t("mediaType.examples.value")
                                        }
                                    },
                                },
                                "application/vnd." + seg("mediaType.name") + "+json": {
                                    "schema": ref(pet)
                                },
                            },
                        },
                        "default": {
                            "description": t("response.default.description"),
                            "content": {"application/json": {"schema": ref(described)}},
                        },
                    },
                },
                "post": {
                    "operationId": n("operation.post.operationId"),
                    "summary": t("operation.post.summary"),
                    "x-codegen-request-body-name": n("x-codegen-request-body-name"),
                    "requestBody": {
                        "required": True,
                        "description": t("requestBody.description"),
                        "content": {
                            "application/json": {"schema": ref(record)},
                            "multipart/form-data": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        n("form.property"): {
                                            "type": "string",
                                            "description": t("form.property.description"),
                                        }
                                    },
                                },
                                "encoding": {n("form.property"): {"contentType": "text/plain"}},
                            },
                        },
                    },
                    "callbacks": {
                        n("callback.name"): {
                            "{$request.body#/" + seg("callback.expression") + "}": {
                                "post": {
                                    "responses": {
                                        "200": {"description": t("callback.response.description")}
                                    }
                                }
                            }
                        }
                    },
                    "responses": {
                        "201": {
                            "description": t("response.201.description"),
                            "content": {"application/json": {"schema": ref(pet)}},
                        }
                    },
                },
            },
        },
        "components": {
            "schemas": {
                record: {
                    "type": "object",
                    "title": t("schema.title"),
                    "description": t("schema.description"),
                    "required": [n("property.required.name")],
                    "externalDocs": {"url": url("schema.externalDocs.url")},
                    "properties": {
                        n("property.required.name"): {
                            "type": "string",
                            "description": t("property.description"),
                            "title": t("property.title"),
                            "default": t("property.default"),
                            "example": t("property.example"),
                            "pattern": "^" + seg("property.pattern") + ".*",
                            "format": t("property.format"),
                            "maxLength": 50,
                        },
                        n("property.readOnly.name"): {
                            "type": "string",
                            "readOnly": True,
                            "description": t("property.readOnly.description"),
                        },
                        n("property.writeOnly.name"): {
                            "type": "string",
                            "writeOnly": True,
                            "description": t("property.writeOnly.description"),
                        },
                        n("property.nullable.name"): {
                            **nullable,
                            "description": t("property.nullable.description"),
                            **examples,
                        },
                        n("property.const.name"): {
                            "type": "string",
                            **const,
                            "description": t("property.const.description"),
                        },
                        n("property.enum.name"): {
                            "type": "string",
                            "enum": [t("property.enum.0"), t("property.enum.1")],
                            "default": t("property.enum.0"),
                            "description": t("property.enum.description"),
                        },
                        n("property.object.name"): {
                            "type": "object",
                            "description": t("property.object.description"),
                            "properties": {
                                n("property.nested.name"): {
                                    "type": "integer",
                                    "description": t("property.nested.description"),
                                    "default": 3,
                                    "format": "int64",
                                }
                            },
                            "additionalProperties": {
                                "type": "string",
                                "description": t("additionalProperties.description"),
                            },
                        },
                        n("property.array.name"): {
                            "type": "array",
                            "description": t("property.array.description"),
                            "items": {
                                "type": "string",
                                "description": t("items.description"),
                                "enum": [t("items.enum.0")],
                            },
                        },
                        n("property.ref.name"): ref(kind),
                        n("property.map.name"): {
                            "type": "object",
                            "additionalProperties": ref(described),
                        },
                    },
                },
                kind: {  # the reproduction: a oneOf of consts, one description each
                    "type": "string",
                    "description": t("enum.oneOf.description"),
                    "default": t("enum.oneOf.const.0"),
                    "oneOf": [
                        {
                            "title": n("enum.oneOf.title.0"),
                            "const": t("enum.oneOf.const.0"),
                            "description": t("enum.oneOf.member.description.0"),
                        },
                        {
                            "title": n("enum.oneOf.title.1"),
                            "const": t("enum.oneOf.const.1"),
                            "description": t("enum.oneOf.member.description.1"),
                        },
                    ]
                    if v31
                    else [
                        {
                            "title": n("enum.oneOf.title.0"),
                            "enum": [t("enum.oneOf.const.0")],
                            "description": t("enum.oneOf.member.description.0"),
                        },
                        {
                            "title": n("enum.oneOf.title.1"),
                            "enum": [t("enum.oneOf.const.1")],
                            "description": t("enum.oneOf.member.description.1"),
                        },
                    ],
                },
                described: {
                    "type": "string",
                    "description": t("enum.description"),
                    "title": t("enum.title"),
                    "enum": [t("enum.value.0"), t("enum.value.1")],
                    "x-enum-varnames": [n("x-enum-varnames.0"), n("x-enum-varnames.1")],
                    "x-enum-descriptions": [t("x-enum-descriptions.0"), t("x-enum-descriptions.1")],
                },
                pet: {
                    "description": t("discriminator.union.description"),
                    "oneOf": [ref(cat), ref(dog)],
                    "discriminator": {
                        "propertyName": tag_prop,
                        "mapping": {
                            n("discriminator.mapping.cat"): ref(cat)["$ref"],
                            n("discriminator.mapping.dog"): ref(dog)["$ref"],
                        },
                    },
                },
                cat: {
                    "type": "object",
                    "required": [tag_prop],
                    "description": t("discriminator.member.description"),
                    "properties": {
                        tag_prop: {"type": "string"},
                        n("cat.property"): {
                            "type": "boolean",
                            "description": t("cat.property.description"),
                        },
                    },
                },
                dog: {
                    "type": "object",
                    "required": [tag_prop],
                    "properties": {tag_prop: {"type": "string"}},
                },
                n("schema.name.extended"): {
                    "allOf": [
                        ref(record),
                        {
                            "type": "object",
                            "description": t("allOf.member.description"),
                            "properties": {n("allOf.property"): {"type": "string"}},
                        },
                    ],
                    "description": t("allOf.description"),
                },
            },
            "securitySchemes": {
                scheme: {
                    "type": "apiKey",
                    "in": "header",
                    "name": n("securityScheme.apiKey.header"),
                    "description": t("securityScheme.description"),
                },
                oauth: {
                    "type": "oauth2",
                    "description": t("securityScheme.oauth.description"),
                    "flows": {
                        "clientCredentials": {
                            "tokenUrl": url("oauth.tokenUrl"),
                            "refreshUrl": url("oauth.refreshUrl"),
                            "scopes": {scope: t("oauth.scope.description")},
                        }
                    },
                },
                n("securityScheme.bearer.name"): {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": t("securityScheme.bearerFormat"),
                },
                n("securityScheme.oidc.name"): {
                    "type": "openIdConnect",
                    "openIdConnectUrl": url("securityScheme.openIdConnectUrl"),
                },
            },
        },
    }
    if v31:
        document["webhooks"] = {
            n("webhook.name"): {
                "post": {
                    "summary": t("webhook.summary"),
                    "responses": {"200": {"description": t("webhook.response.description")}},
                }
            }
        }
    return document
