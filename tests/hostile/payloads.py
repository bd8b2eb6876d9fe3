"""A spec that carries hostile text in every string it can hold, and its payload-free twin.

Every slot gets a distinct payload (so names stay distinct) built from the same core:
quotes of every kind, triple quotes, backslashes, line ends (LF, CR, U+2028, U+2029), NUL,
ESC, Jinja syntax, a comment opener and a Python expression that would create a file
named ``PWNED`` if it ever ran. The twin has the same structure with plain text, so the
generated code of both must have the same shape.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

MARKER = "PWNED"
JINJA = "{{ 7*7 }}"
CORE = (
    '"""\'\'\'\\\\\\"\n\r\x00\u2028\u2029\x1b'
    + JINJA
    + "{% raw %}{##}#__import__('os').system('touch "
    + MARKER
    + "') */ --> ${IFS}`id`"
)


def text(i: int, hostile: bool) -> str:
    """Prose (titles, descriptions, defaults, examples, enum values)."""
    return f"x{i}{CORE}" if hostile else f"plain text {i}"


def name(i: int, hostile: bool) -> str:
    """A name (schema, property, parameter, operation, tag, security scheme)."""
    return f"n{i}{CORE}../" if hostile else f"plain name {i}"


def segment(i: int, hostile: bool) -> str:
    """A literal path segment (no braces, no slash: it must stay one segment)."""
    return f"s{i}\"'\\`$(touch {MARKER})%00..;" if hostile else f"plain-{i}"


def media(i: int, hostile: bool) -> str:
    """A media type."""
    return f'application/x-m{i}+"\'\\"""' if hostile else f"application/x-plain{i}"


def _ref(key: str) -> dict[str, str]:
    return {"$ref": "#/components/schemas/" + key.replace("~", "~0").replace("/", "~1")}


def spec(hostile: bool) -> dict[str, Any]:
    """The document."""
    t, n = (lambda i: text(i, hostile)), (lambda i: name(i, hostile))
    record, error, choice, scheme = n(1), n(2), n(3), n(22)
    return {
        "openapi": "3.0.3",
        "info": {"title": t(4), "description": t(5), "version": t(6)},
        "servers": [{"url": "https://api.example.com/" + segment(7, hostile), "description": t(8)}],
        "tags": [{"name": n(9), "description": t(10)}],
        "paths": {
            "/things/" + segment(11, hostile) + "/{id}": {
                "parameters": [
                    {
                        "name": "id",
                        "in": "path",
                        "required": True,
                        "description": t(12),
                        "schema": {"type": "string"},
                    },
                ],
                "get": {
                    "operationId": n(13),
                    "summary": t(14),
                    "description": t(15),
                    "tags": [n(9)],
                    "parameters": [
                        {
                            "name": n(16),
                            "in": "query",
                            "description": t(17),
                            "schema": {"type": "string", "default": t(18), "example": t(19)},
                        },
                        {
                            "name": n(20),
                            "in": "header",
                            "schema": {"type": "integer", "default": 3},
                        },
                        {"name": n(21), "in": "cookie", "schema": _ref(choice)},
                    ],
                    "security": [{scheme: []}],
                    "responses": {
                        "200": {
                            "description": t(23),
                            "content": {
                                "application/json": {
                                    "schema": _ref(record),
                                    "example": {"k": t(24)},
                                },
                                media(25, hostile): {"schema": {"type": "string"}},
                            },
                        },
                        "404": {
                            "description": t(26),
                            "content": {"application/json": {"schema": _ref(error)}},
                        },
                    },
                },
                "post": {
                    "operationId": n(27),
                    "summary": t(53),
                    "requestBody": {
                        "required": True,
                        "description": t(28),
                        "content": {
                            media(54, hostile): {"schema": {"type": "string", "format": "binary"}},
                            "application/json": {"schema": _ref(record)},
                        },
                    },
                    "responses": {"201": {"description": t(29)}},
                },
            },
        },
        "components": {
            "schemas": {
                record: {
                    "type": "object",
                    "title": t(31),
                    "description": t(32),
                    "required": [n(33)],
                    "properties": {
                        n(33): {
                            "type": "string",
                            "description": t(34),
                            "default": t(35),
                            "example": t(36),
                        },
                        n(37): {"type": "integer", "default": 5, "examples": [t(38)]},
                        n(39): _ref(choice),
                        n(40): {
                            "type": "object",
                            "description": t(41),
                            "properties": {n(42): {"type": "string", "enum": [t(43), t(44)]}},
                        },
                        n(45): {"type": "string", "format": n(46), "pattern": t(55)},
                    },
                },
                error: {
                    "type": "object",
                    "properties": {"message": {"type": "string", "description": t(47)}},
                },
                choice: {
                    "type": "string",
                    "description": t(48),
                    "enum": [t(49), t(50), "plain"],
                    "default": "plain",
                },
            },
            "securitySchemes": {
                scheme: {"type": "apiKey", "in": "header", "name": n(51), "description": t(52)}
            },
        },
    }


def write(path: Path, hostile: bool) -> Path:
    """Write the document as JSON (YAML cannot carry NUL) and return its path."""
    path.write_text(json.dumps(spec(hostile)), encoding="utf-8")
    return path
