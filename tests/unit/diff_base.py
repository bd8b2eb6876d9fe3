"""A small pet-shop spec for the diff tests, helpers to diff edited copies of it (in full and
from a stored index), and the security helpers the credential and auth tests share."""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Callable
from typing import Any

from apiforge.diagnostics import Sink
from apiforge.diff.engine import compare
from apiforge.diff.incremental import compare_stored
from apiforge.diff.indexing import full_index
from apiforge.diff.model import Audience, Report
from apiforge.diff.snapshot import Snapshot, from_document
from apiforge.diff.stored import CACHE_KIND, Index, decode_uses, restore, store
from apiforge.output.cache import cache_dir, read_bytes

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


PACKAGES: dict[str, Audience] = {"shop_client": "client", "shop_server": "server"}
SPEC = "spec.yaml"


def spec_snapshot(document: dict[str, Any]) -> Snapshot:
    """The document as the release step reads it (``spec.yaml``)."""
    return from_document(copy.deepcopy(document), SPEC, Sink())


def stored_index(document: dict[str, Any], key: str) -> Index:
    """The document's diff index, stored under ``key``."""
    made = full_index(spec_snapshot(document))
    assert made is not None
    store(key, *made)
    return made[0]


def both_ways(old: dict[str, Any], new: dict[str, Any]) -> tuple[Report, Report | None]:
    """(full report, incremental report or None when the incremental comparison declines)."""
    full = compare(spec_snapshot(old), spec_snapshot(new), PACKAGES)
    index = stored_index(old, "old")
    done = compare_stored(index, spec_snapshot(new), SPEC, PACKAGES, lambda where: where)
    if done is None:
        return full, None
    report, (made, entries) = done
    store("made", made, entries)
    fresh = full_index(spec_snapshot(new))
    assert fresh is not None
    store("fresh", *fresh)
    same_index(made, fresh[0])
    again = full_index(spec_snapshot(new), index)  # the units the old index holds are reused
    assert again is not None and again[0].units == fresh[0].units
    return full, report


def _entry(key: str) -> bytes:
    data = read_bytes(cache_dir(CACHE_KIND), key)
    assert data is not None
    return data


def same_index(made: Index, fresh: Index) -> None:
    """What the incremental comparison stores for the new side equals a fresh index of it."""
    assert made.units == fresh.units
    assert [o[:3] for o in made.operations] == [o[:3] for o in fresh.operations]
    assert [(k, u, r) for k, u, _, r in made.schemas] == [(k, u, r) for k, u, _, r in fresh.schemas]
    ids = [o[0] for o in fresh.operations]
    made_usage, made_users = decode_uses(_entry(made.uses), ids)
    fresh_usage, fresh_users = decode_uses(_entry(fresh.uses), ids)
    assert (made_usage, dict(made_users)) == (fresh_usage, dict(fresh_users))
    assert made.digest == fresh.digest
    a, b = restore(made, SPEC, lambda w: w, True), restore(fresh, SPEC, lambda w: w, True)
    assert a is not None and b is not None
    assert a.api.operations == b.api.operations
    assert dict(a.api.schemas) == dict(b.api.schemas) and dict(a.schemas) == dict(b.schemas)
    assert a.names == b.names and a.api.security_schemes == b.api.security_schemes
    assert (a.api.used_schemes, a.api.main_scheme) == (b.api.used_schemes, b.api.main_scheme)


BASIC = {"type": "http", "scheme": "basic"}
KEY = {"type": "apiKey", "in": "header", "name": "X-Key"}


def add_schemes(
    d: dict[str, Any],
    requirement: dict[str, list[str]] | None = None,
    *operations: tuple[str, str],
    **declared: dict[str, Any],
) -> None:
    """Security schemes ``declared`` beside ``token``; ``operations`` authenticated by ``requirement``."""
    d["components"]["securitySchemes"].update(declared)
    for path, method in operations:
        op(d, path, method)["security"] = [requirement]


def secure_pets_list(d: dict[str, Any], alternatives: list[dict[str, list[str]]]) -> None:
    """``pets_list`` is authenticated by ``alternatives``; an API key scheme ``key`` exists."""
    d["components"]["securitySchemes"]["key"] = {"type": "apiKey", "in": "header", "name": "X-Key"}
    op(d, "/pets/", "get")["security"] = alternatives
