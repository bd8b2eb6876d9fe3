"""load(): versions, validation severities, and what a LoadedSpec offers later stages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from apiforge.diagnostics import Severity, Sink, SpecLocation
from apiforge.load.load import LoadedSpec, LoadOptions, load

INFO = {"title": "t", "version": "1"}


def run(
    tmp_path: Path, document: Any, name: str = "api.json", **options: Any
) -> tuple[LoadedSpec | None, Sink]:
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else json.dumps(document, indent=1))
    sink = Sink()
    return load(path, sink, LoadOptions(**options)), sink


def found(sink: Sink) -> list[tuple[str, str, str]]:
    return [(d.severity.value, d.code, d.location.pointer) for d in sink]


def test_minimal_documents(tmp_path: Path) -> None:
    for version in ("3.0.0", "3.0.3", "3.0.4", "3.1.0", "3.1.1"):
        loaded, sink = run(tmp_path, {"openapi": version, "info": INFO, "paths": {}})
        assert loaded is not None and list(sink) == [], version
        assert loaded.openapi_version == version


def test_versions_outside_the_validator_list_still_load(tmp_path: Path) -> None:
    loaded, sink = run(tmp_path, {"openapi": "3.0.9", "info": INFO, "paths": {}})
    assert loaded is not None and list(sink) == []


def test_a_number_as_version_is_a_warning(tmp_path: Path) -> None:
    loaded, sink = run(tmp_path, "openapi: 3.1\ninfo: {title: t, version: '1'}\n", name="api.yaml")
    assert loaded is not None and loaded.openapi_version == "3.1"
    assert found(sink) == [("warning", "invalid-spec", "/openapi")]


@pytest.mark.parametrize(
    ("document", "pointer"),
    [
        ({"openapi": "3.2.0", "info": INFO, "paths": {}}, "/openapi"),
        ({"openapi": "4.0.0", "info": INFO, "paths": {}}, "/openapi"),
        ({"swagger": "1.2", "info": INFO}, "/swagger"),
        ({"info": INFO, "paths": {}}, ""),
    ],
)
def test_unsupported_versions(tmp_path: Path, document: dict[str, Any], pointer: str) -> None:
    loaded, sink = run(tmp_path, document)
    assert loaded is None
    assert found(sink) == [("error", "unsupported-version", pointer)]


@pytest.mark.parametrize(
    ("text", "kind"), [("", "empty"), ("- a\n", "a list"), ("hello\n", "a str")]
)
def test_not_a_mapping(tmp_path: Path, text: str, kind: str) -> None:
    loaded, sink = run(tmp_path, text, name="api.yaml")
    assert loaded is None
    assert found(sink) == [("error", "not-a-mapping", "")]
    assert kind in sink.items[0].message


def test_root_file_too_large(tmp_path: Path) -> None:
    loaded, sink = run(tmp_path, {"openapi": "3.0.3", "info": INFO, "paths": {}}, max_file_bytes=10)
    assert loaded is None and found(sink) == [("error", "too-large", "")]


def test_all_problems_are_reported_together(tmp_path: Path) -> None:
    document = {
        "openapi": "3.0.3",
        "info": {"title": "t"},
        "paths": {
            "/a": {
                "get": {
                    "parameters": [{"name": "q", "in": "body"}, {"in": "query"}],
                    "responses": {
                        "200": {"content": {}},
                        "400": {"$ref": "#/components/responses/Missing"},
                    },
                }
            }
        },
    }
    loaded, sink = run(tmp_path, document)
    assert loaded is not None  # a document came out, but with errors
    assert sink.has_errors()
    assert sorted(found(sink)) == [
        ("error", "invalid-spec", "/paths/~1a/get/parameters/0/in"),
        ("error", "invalid-spec", "/paths/~1a/get/parameters/1"),
        ("error", "ref-not-found", "/paths/~1a/get/responses/400/$ref"),
        ("warning", "invalid-spec", "/info"),
        ("warning", "invalid-spec", "/paths/~1a/get/responses/200"),
    ]
    messages = {d.location.pointer: d.message for d in sink}
    assert "missing required field 'name'" in messages["/paths/~1a/get/parameters/1"]
    assert "'query', 'header', 'path' or 'cookie'" in messages["/paths/~1a/get/parameters/0/in"]
    assert all(d.location.line is not None for d in sink)


def test_pedantic_validator_limits_are_warnings(tmp_path: Path) -> None:
    """openapi-pydantic's limits are warnings; a 3.1 boolean schema is valid and reported by nobody."""
    document = {
        "openapi": "3.1.0",
        "info": INFO,
        "paths": {},
        "components": {
            "schemas": {
                "A": {"type": "object", "unevaluatedProperties": False},
                "B": {"type": "array", "items": [{"type": "string"}]},
                "C": {"type": "string", "format": "made-up", "default": "x", "enum": ["y"]},
            }
        },
    }
    loaded, sink = run(tmp_path, document)
    assert loaded is not None
    assert not sink.has_errors()
    assert sorted(found(sink)) == [
        ("warning", "default-not-in-enum", "/components/schemas/C/default"),
        ("warning", "invalid-spec", "/components/schemas/B/items"),
    ]


def test_defaults_outside_enums(tmp_path: Path) -> None:
    schemas = {
        "Bad": {"type": "string", "enum": ["a", "b"], "default": "c"},
        "Typed": {"type": "integer", "enum": [1, 2], "default": True},
        "Good": {"type": "string", "enum": ["a"], "default": "a"},
        "Nullable": {"type": "string", "nullable": True, "enum": ["a"], "default": None},
        "Example": {"type": "object", "example": {"enum": [1], "default": 2}},
    }
    document = {"openapi": "3.0.3", "info": INFO, "paths": {}, "components": {"schemas": schemas}}
    loaded, sink = run(tmp_path, document)
    assert loaded is not None
    assert found(sink) == [
        ("warning", "default-not-in-enum", "/components/schemas/Bad/default"),
        ("warning", "default-not-in-enum", "/components/schemas/Typed/default"),
    ]


def test_wrong_shapes_are_errors(tmp_path: Path) -> None:
    document = {"openapi": "3.0.3", "info": INFO, "paths": {"/a": {"get": []}}}
    _loaded, sink = run(tmp_path, document)
    assert found(sink) == [("error", "invalid-spec", "/paths/~1a/get")]


def test_validation_can_be_skipped(tmp_path: Path) -> None:
    loaded, sink = run(tmp_path, {"openapi": "3.0.3", "paths": []}, validate=False)
    assert loaded is not None and list(sink) == []


def test_locate_and_origin_for_later_stages(tmp_path: Path) -> None:
    document = {"openapi": "3.0.3", "info": INFO, "paths": {"/pets": {"get": {"responses": {}}}}}
    loaded, _ = run(tmp_path, document)
    assert loaded is not None
    where = loaded.origin("/paths/~1pets/get")
    assert where == SpecLocation(str(tmp_path / "api.json"), "/paths/~1pets/get")
    assert loaded.locate(where) == SpecLocation(where.file, where.pointer, 9, 4)
    unknown = SpecLocation("elsewhere.yaml", "/x")
    assert loaded.locate(unknown) == unknown


def test_sink_locator_for_later_stages(tmp_path: Path) -> None:
    loaded, sink = run(tmp_path, {"openapi": "3.0.3", "info": INFO, "paths": {"/p": {}}})
    assert loaded is not None
    sink.relocate(lambda loc: loaded.locate(loaded.origin(loc.pointer)))
    sink.warning(
        "late", "from a later stage", SpecLocation(str(tmp_path / "api.json"), "/paths/~1p")
    )
    assert sink.items[-1].location.line == 8
    assert sink.items[-1].severity is Severity.WARNING
