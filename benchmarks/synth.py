"""A deterministic synthetic OpenAPI 3.0 spec of any size, shaped like real REST APIs.

Each resource gets five operations (list, create, retrieve, partial update,
delete) under a nested project path, and about 7.5 schemas: the resource, its
create and patch request bodies, a paginated list wrapper (count/next/previous/
results), a status enum, a nested settings object, a read-only stats object
and, for every other resource, an owner object; properties $ref earlier
resources, arrays of refs, nullable fields, formats, enums and a nested object
two levels deep. That is
about 1.5 schemas per operation, like PostHog's or Stripe's specs. The same
(operations, seed) always gives byte-identical output.

    python benchmarks/synth.py 1000 > spec.yaml
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

import yaml

_WORDS = [
    "account",
    "action",
    "annotation",
    "app",
    "batch",
    "cohort",
    "comment",
    "dashboard",
    "dataset",
    "deployment",
    "domain",
    "event",
    "experiment",
    "export",
    "feature",
    "flag",
    "funnel",
    "group",
    "hook",
    "insight",
    "integration",
    "invite",
    "job",
    "key",
    "label",
    "member",
    "metric",
    "note",
    "notebook",
    "order",
    "organization",
    "payment",
    "person",
    "pipeline",
    "plugin",
    "policy",
    "project",
    "query",
    "recording",
    "report",
    "role",
    "rule",
    "schedule",
    "secret",
    "segment",
    "session",
    "source",
    "subscription",
    "survey",
    "tag",
    "task",
    "team",
    "template",
    "ticket",
    "token",
    "trend",
    "user",
    "variant",
    "webhook",
    "widget",
    "workflow",
]
_STATUSES = ("active", "archived", "draft", "pending", "failed", "deleted", "paused", "scheduled")
_SCALARS: tuple[dict[str, Any], ...] = (
    {"type": "string"},
    {"type": "string", "maxLength": 400},
    {"type": "string", "format": "date-time"},
    {"type": "string", "format": "uuid"},
    {"type": "string", "format": "uri"},
    {"type": "integer"},
    {"type": "integer", "minimum": 0},
    {"type": "number", "format": "double"},
    {"type": "boolean"},
    {"type": "string", "nullable": True},
    {"type": "object", "additionalProperties": True},
    {"type": "array", "items": {"type": "string"}},
)
_FIELDS = [
    "name",
    "description",
    "created_at",
    "updated_at",
    "short_id",
    "url",
    "count",
    "value",
    "enabled",
    "deleted",
    "tags",
    "filters",
    "config",
    "order",
    "position",
    "color",
    "icon",
    "version",
    "priority",
    "notes",
    "summary",
    "kind",
    "source",
    "target_url",
    "timezone",
    "locale",
    "quota",
    "limit",
    "threshold",
    "rollout_percentage",
    "is_public",
    "pinned",
]


def _camel(words: list[str]) -> str:
    return "".join(w.capitalize() for w in words)


def _resource_names(count: int, rng: random.Random) -> list[tuple[str, str]]:
    """(snake, Camel) names, unique, deterministic."""
    names: list[tuple[str, str]] = []
    seen: set[str] = set()
    i = 0
    while len(names) < count:
        a, b = rng.choice(_WORDS), rng.choice(_WORDS)
        parts = [a] if a == b or i % 3 == 0 else [a, b]
        snake = "_".join(parts)
        if snake in seen:
            snake = f"{snake}_{i}"
            parts = [*parts, str(i)]
        seen.add(snake)
        names.append((snake, _camel(parts)))
        i += 1
    return names


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def generate(operations: int, seed: int = 7) -> dict[str, Any]:
    rng = random.Random(seed)
    n_resources = max(1, -(-operations // 5))
    resources = _resource_names(n_resources, rng)
    schemas: dict[str, Any] = {}
    paths: dict[str, Any] = {}
    schemas["ErrorDetail"] = {
        "type": "object",
        "required": ["type", "detail"],
        "properties": {
            "type": {
                "type": "string",
                "enum": ["validation_error", "authentication_error", "server_error"],
            },
            "code": {"type": "string", "nullable": True},
            "detail": {"type": "string"},
            "attr": {"type": "string", "nullable": True},
        },
    }
    errors = {
        "400": {
            "description": "Bad request",
            "content": {"application/json": {"schema": _ref("ErrorDetail")}},
        },
        "404": {
            "description": "Not found",
            "content": {"application/json": {"schema": _ref("ErrorDetail")}},
        },
    }
    made = 0
    for index, (snake, camel) in enumerate(resources):
        status_enum = f"{camel}StatusEnum"
        settings = f"{camel}Settings"
        schemas[status_enum] = {"type": "string", "enum": rng.sample(_STATUSES, rng.randint(2, 6))}
        schemas[settings] = {
            "type": "object",
            "properties": {
                "mode": {"type": "string", "enum": ["auto", "manual", "off"]},
                "retries": {"type": "integer", "minimum": 0, "maximum": 10},
                "window": {
                    "type": "object",
                    "properties": {
                        "start": {"type": "string", "format": "date-time"},
                        "end": {"type": "string", "format": "date-time", "nullable": True},
                        "days": {"type": "array", "items": {"type": "integer"}},
                    },
                },
            },
        }
        stats = f"{camel}Stats"
        schemas[stats] = {
            "type": "object",
            "properties": {
                "views": {"type": "integer"},
                "last_viewed_at": {"type": "string", "format": "date-time", "nullable": True},
                "breakdown": {"type": "object", "additionalProperties": {"type": "integer"}},
            },
        }
        props: dict[str, Any] = {
            "id": {"type": "integer", "readOnly": True},
            "status": _ref(status_enum),
            "settings": _ref(settings),
            "stats": {"allOf": [_ref(stats)], "readOnly": True},
        }
        for field in rng.sample(_FIELDS, rng.randint(4, 10)):
            props[field] = dict(rng.choice(_SCALARS))
        if index % 2 == 0:
            owner = f"{camel}Owner"
            schemas[owner] = {
                "type": "object",
                "required": ["id"],
                "properties": {
                    "id": {"type": "integer"},
                    "email": {"type": "string", "format": "email"},
                    "role": {"type": "string", "enum": ["admin", "member", "viewer"]},
                },
            }
            props["owner"] = {"allOf": [_ref(owner)], "nullable": True}
        if index > 0:
            other = resources[rng.randrange(index)][1]
            props[f"related_{rng.choice(_FIELDS)}"] = {
                "type": "array",
                "items": _ref(other),
                "readOnly": True,
            }
            if rng.random() < 0.5:
                other2 = resources[rng.randrange(index)][1]
                props["parent"] = {"allOf": [_ref(other2)], "nullable": True, "readOnly": True}
        required = ["id", "name"] if "name" in props else ["id"]
        schemas[camel] = {"type": "object", "required": required, "properties": props}
        writable = {k: v for k, v in props.items() if not v.get("readOnly")}
        request: dict[str, Any] = {"type": "object", "properties": writable}
        if [r for r in required if r in writable]:
            request["required"] = [r for r in required if r in writable]
        schemas[f"{camel}Request"] = request
        schemas[f"Patched{camel}Request"] = {"type": "object", "properties": writable}
        schemas[f"Paginated{camel}List"] = {
            "type": "object",
            "required": ["count", "results"],
            "properties": {
                "count": {"type": "integer", "example": 123},
                "next": {"type": "string", "format": "uri", "nullable": True},
                "previous": {"type": "string", "format": "uri", "nullable": True},
                "results": {"type": "array", "items": _ref(camel)},
            },
        }
        base = f"/api/projects/{{project_id}}/{snake}s/"
        project = {
            "name": "project_id",
            "in": "path",
            "required": True,
            "schema": {"type": "string"},
        }
        ident = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
        body = lambda schema: {
            "required": True,
            "content": {"application/json": {"schema": _ref(schema)}},
        }
        ok = lambda schema, code="200": {
            code: {"description": "OK", "content": {"application/json": {"schema": _ref(schema)}}}
        }
        tag = [snake.split("_")[0]]
        ops = {
            (base, "get"): {
                "operationId": f"{snake}_list",
                "tags": tag,
                "summary": f"List {snake.replace('_', ' ')}s",
                "parameters": [
                    project,
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "default": 100}},
                    {"name": "offset", "in": "query", "schema": {"type": "integer"}},
                    {"name": "search", "in": "query", "schema": {"type": "string"}},
                    {"name": "status", "in": "query", "schema": _ref(status_enum)},
                ],
                "responses": {**ok(f"Paginated{camel}List"), **errors},
            },
            (base, "post"): {
                "operationId": f"{snake}_create",
                "tags": tag,
                "parameters": [project],
                "requestBody": body(f"{camel}Request"),
                "responses": {**ok(camel, "201"), **errors},
            },
            (base + "{id}/", "get"): {
                "operationId": f"{snake}_retrieve",
                "tags": tag,
                "parameters": [project, ident],
                "responses": {**ok(camel), **errors},
            },
            (base + "{id}/", "patch"): {
                "operationId": f"{snake}_partial_update",
                "tags": tag,
                "parameters": [project, ident],
                "requestBody": {
                    "content": {"application/json": {"schema": _ref(f"Patched{camel}Request")}}
                },
                "responses": {**ok(camel), **errors},
            },
            (base + "{id}/", "delete"): {
                "operationId": f"{snake}_destroy",
                "tags": tag,
                "parameters": [project, ident],
                "responses": {"204": {"description": "No content"}, **errors},
            },
        }
        for (path, method), op in ops.items():
            if made >= operations:
                break
            paths.setdefault(path, {})[method] = op
            made += 1
    return {
        "openapi": "3.0.3",
        "info": {"title": f"Synthetic API ({operations} operations)", "version": "1.0.0"},
        "servers": [{"url": "https://api.example.com"}],
        "security": [{"bearerAuth": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas,
        },
    }


def dump(document: dict[str, Any]) -> str:
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(document, Dumper=dumper, sort_keys=False, width=120, allow_unicode=True)


def write(operations: int, folder: Path, seed: int = 7) -> Path:
    """Write ``synthetic-<ops>.yaml`` into ``folder`` (only when its content changed)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"synthetic-{operations}.yaml"
    text = dump(generate(operations, seed))
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


if __name__ == "__main__":
    sys.stdout.write(dump(generate(int(sys.argv[1]) if len(sys.argv) > 1 else 250)))
