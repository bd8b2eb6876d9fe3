"""A small pet-shop spec for the diff tests, and helpers to diff edited copies of it."""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Callable
from typing import Any

from apiforge.diagnostics import Sink
from apiforge.diff.engine import compare
from apiforge.diff.model import Report
from apiforge.diff.snapshot import Snapshot, from_document

Edit = Callable[[dict[str, Any]], None]


def base() -> dict[str, Any]:
    """Pets: a paginated list, create, retrieve and a status enum; bearer auth with scopes."""
    pet_ref = {"$ref": "#/components/schemas/Pet"}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Shop", "version": "1.2.3"},
        "security": [{"token": ["pets:read"]}],
        "paths": {
            "/pets/": {
                "get": {
                    "operationId": "pets_list",
                    "parameters": [
                        {
                            "name": "limit",
                            "in": "query",
                            "schema": {"type": "integer", "maximum": 100},
                        },
                        {"name": "tag", "in": "query", "schema": {"type": "string"}},
                    ],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/PetPage"}
                                }
                            },
                        }
                    },
                },
                "post": {
                    "operationId": "pets_create",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/NewPet"}}
                        },
                    },
                    "responses": {
                        "201": {
                            "description": "made",
                            "content": {"application/json": {"schema": pet_ref}},
                        },
                        "409": {"description": "clash"},
                    },
                },
            },
            "/pets/{id}/": {
                "get": {
                    "operationId": "pets_retrieve",
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": pet_ref}},
                        }
                    },
                },
            },
        },
        "components": {
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Pet": {
                    "type": "object",
                    "required": ["id", "name"],
                    "properties": {
                        "id": {"type": "integer"},
                        "name": {"type": "string", "maxLength": 50},
                        "tag": {"type": "string"},
                        "status": {"$ref": "#/components/schemas/Status"},
                    },
                },
                "NewPet": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        "name": {"type": "string", "maxLength": 50},
                        "tag": {"type": "string"},
                    },
                },
                "PetPage": {
                    "type": "object",
                    "properties": {
                        "count": {"type": "integer"},
                        "next": {"type": "string", "nullable": True},
                        "results": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}},
                    },
                },
                "Status": {"type": "string", "enum": ["available", "sold"]},
            },
        },
    }


def snapshot(document: dict[str, Any], display: str) -> Snapshot:
    """The document through IR and names (a fresh copy: the builder may keep references)."""
    return from_document(copy.deepcopy(document), display, Sink())


def edited(edit: Edit, document: dict[str, Any] | None = None) -> dict[str, Any]:
    """A copy of ``document`` (the base spec by default) with ``edit`` applied."""
    result = copy.deepcopy(document if document is not None else base())
    edit(result)
    return result


def diff(old: dict[str, Any], new: dict[str, Any]) -> Report:
    """The report from ``old`` to ``new`` for a client and a server package."""
    return compare(
        snapshot(old, "old.yaml"),
        snapshot(new, "new.yaml"),
        {"shop_client": "client", "shop_server": "server"},
    )


def op(document: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    """The operation object at ``path`` and ``method``."""
    found: dict[str, Any] = document["paths"][path][method]
    return found


def schema(document: dict[str, Any], name: str) -> dict[str, Any]:
    """A component schema."""
    found: dict[str, Any] = document["components"]["schemas"][name]
    return found


_PAIRS = (
    ("-removed", "-added"),
    ("-narrower", "-wider"),
    ("-made-required", "-made-optional"),
    ("-deprecated", "-undeprecated"),
)


def mirror(rule: str) -> str:
    """The rule that reports the inverse edit."""
    rule = rule.replace("-added-required", "-added")
    for one, other in _PAIRS:
        if rule.endswith(one):
            return rule[: -len(one)] + other
        if rule.endswith(other):
            return rule[: -len(other)] + one
    return rule


def canonical(report: Report, mirrored: bool) -> Counter[tuple[str, str, str | None, str | None]]:
    """(rule, audience, old pointer, new pointer) counts; ``mirrored`` reads a report of the inverse edit."""
    found: Counter[tuple[str, str, str | None, str | None]] = Counter()
    for change in report.changes:
        old = change.old.pointer if change.old else None
        new = change.new.pointer if change.new else None
        rule = change.rule.replace("-added-required", "-added")
        found[
            (mirror(rule), change.audience, new, old)
            if mirrored
            else (rule, change.audience, old, new)
        ] += 1
    return found


Alternatives = list[dict[str, list[str]]]
SCHEME_A = {"type": "apiKey", "in": "header", "name": "X-A"}
SCHEME_B = {"type": "http", "scheme": "bearer"}


def secured(operations: dict[str, Alternatives], **schemes: dict[str, Any]) -> dict[str, Any]:
    """A spec of GET operations (``/x`` -> ``x``), each with its ``security`` alternatives;
    schemes ``a`` (an API key in header X-A) and ``b`` (a bearer token) beside ``schemes``."""
    ok = {
        "200": {
            "description": "ok",
            "content": {"application/json": {"schema": {"type": "string"}}},
        }
    }
    paths = {
        path: {"get": {"operationId": path.strip("/"), "security": alternatives, "responses": ok}}
        for path, alternatives in operations.items()
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "T", "version": "1"},
        "paths": paths,
        "components": {"securitySchemes": {"a": SCHEME_A, "b": SCHEME_B, **schemes}},
    }
