"""The views' projection (``view_reuse.py``): what it keeps, and when its digest moves.

The digest must stay for an edit only the models read (a property added, a description)
and move for any edit that changes what a view reads: an operation, a name, a class, a
kind, enum values, a page's ``next``/``results``, a form body's fields.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from apiforge.diagnostics import Sink
from apiforge.ir.build import build
from apiforge.ir.model import page_results
from apiforge.ir.shapes import build_shapes
from apiforge.models import render_models
from apiforge.naming.names import resolve_names
from apiforge.view_reuse import ViewInputs, form_models, project

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
import synth  # benchmarks/ is no package: on sys.path above

Edit = Callable[[dict[str, Any]], None]


@pytest.fixture(autouse=True)
def _no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APIFORGE_CACHE_DIR", "off")


def _inputs(document: dict[str, Any]) -> tuple[ViewInputs, Any]:
    sink = Sink()
    api, source = build(copy.deepcopy(document), sink, "api.yaml")
    shapes = build_shapes(source.schemas, source.locations, sink)
    names = resolve_names(api, shapes)
    return project(api, names, render_models(shapes, names, sink, api)), api


def _resource(document: dict[str, Any]) -> str:
    schemas = document["components"]["schemas"]
    return next(n for n in schemas if f"{n}Request" in schemas)


def _page(document: dict[str, Any]) -> str:
    return next(n for n in document["components"]["schemas"] if n.startswith("Paginated"))


def _add_property(document: dict[str, Any]) -> None:
    schema = document["components"]["schemas"][_resource(document)]
    schema["properties"]["added"] = {"type": "string", "format": "email"}


def _describe(document: dict[str, Any]) -> None:
    schema = document["components"]["schemas"][_resource(document)]
    schema["description"] = "Described later."


def _drop_required(document: dict[str, Any]) -> None:
    schema = document["components"]["schemas"][_resource(document)]
    schema.pop("required", None)


def _add_operation(document: dict[str, Any]) -> None:
    document["paths"]["/ping"] = {
        "get": {"operationId": "ping", "responses": {"204": {"description": "pong"}}}
    }


def _rename_operation(document: dict[str, Any]) -> None:
    first = next(iter(document["paths"].values()))
    operation = next(v for v in first.values() if isinstance(v, dict))
    operation["operationId"] += "_renamed"


def _to_enum(document: dict[str, Any]) -> None:
    document["components"]["schemas"][_resource(document)] = {"type": "string", "enum": ["a"]}


def _enum_values(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    enum = next(n for n, s in schemas.items() if "enum" in s)
    schemas[enum]["enum"] = [*schemas[enum]["enum"], "added"]


def _unpaginate(document: dict[str, Any]) -> None:
    document["components"]["schemas"][_page(document)]["properties"].pop("next")


def _paginate_resource(document: dict[str, Any]) -> None:
    schema = document["components"]["schemas"][_resource(document)]
    schema["properties"]["next"] = {"type": "string", "nullable": True}
    schema["properties"]["results"] = {"type": "array", "items": {"type": "integer"}}


def _new_class(document: dict[str, Any]) -> None:
    schema = document["components"]["schemas"][_resource(document)]
    schema["properties"]["mode"] = {"type": "string", "enum": ["fast", "slow"]}


def _form_body(document: dict[str, Any]) -> None:
    document["components"]["schemas"]["Upload"] = {
        "type": "object",
        "properties": {"name": {"type": "string"}},
    }
    document["paths"]["/upload"] = {
        "post": {
            "operationId": "upload",
            "requestBody": {
                "content": {
                    "application/x-www-form-urlencoded": {
                        "schema": {"$ref": "#/components/schemas/Upload"}
                    }
                }
            },
            "responses": {"204": {"description": "done"}},
        }
    }


def _form_field(document: dict[str, Any]) -> None:
    document["components"]["schemas"]["Upload"]["properties"]["size"] = {"type": "integer"}


@pytest.mark.parametrize("edit", [_add_property, _describe, _drop_required])
def test_an_edit_only_the_models_read_keeps_the_digest(edit: Edit) -> None:
    document = synth.generate(12)
    before = _inputs(document)[0].spelt
    edit(document)
    assert _inputs(document)[0].spelt == before


@pytest.mark.parametrize(
    "edit",
    [
        _add_operation,
        _rename_operation,
        _to_enum,
        _enum_values,
        _unpaginate,
        _paginate_resource,
        _new_class,
    ],
)
def test_an_edit_a_view_reads_moves_the_digest(edit: Edit) -> None:
    document = synth.generate(12)
    before = _inputs(document)[0].spelt
    edit(document)
    assert _inputs(document)[0].spelt != before


def test_a_form_body_keeps_every_field_and_a_field_edit_moves_the_digest() -> None:
    document = synth.generate(12)
    _form_body(document)
    inputs = _inputs(document)[0]
    assert [p.name for p in inputs.api.schemas["Upload"].properties] == ["name"]
    before = inputs.spelt
    _form_field(document)
    assert _inputs(document)[0].spelt != before


def test_the_projection_keeps_what_views_read_and_drops_the_rest() -> None:
    document = synth.generate(12)
    _describe(document)
    inputs, api = _inputs(document)
    key = _resource(document)
    assert api.schemas[key].description and not inputs.api.schemas[key].description
    assert len(api.schemas[key].properties) > 2
    assert inputs.api.schemas[key].properties == ()
    page = _page(document)
    assert {p.name for p in inputs.api.schemas[page].properties} == {"next", "results"}
    assert inputs.api.operations == api.operations
    assert inputs.names.fields == {} and inputs.names.schemas == {}
    assert inputs.models.client_files == {} and inputs.models.server_files == {}
    for op in api.operations:
        assert page_results(inputs.api, op) == page_results(api, op)
    assert any(page_results(api, op) is not None for op in api.operations)


def test_the_projected_schemas_are_those_replace_makes() -> None:
    """project() copies a schema's fields instead of calling replace(): equal while Schema
    runs nothing at construction."""
    import dataclasses

    from apiforge.ir.model import PAGE_PROPERTIES, Schema

    assert not hasattr(Schema, "__post_init__") and not hasattr(Schema, "__slots__")
    document = synth.generate(12)
    _form_body(document)
    _describe(document)
    inputs, api = _inputs(document)
    forms = form_models(api)
    assert forms
    for key, schema in api.schemas.items():
        kept = tuple(p for p in schema.properties if key in forms or p.name in PAGE_PROPERTIES)
        expected = dataclasses.replace(schema, properties=kept, description="")
        assert inputs.api.schemas[key] == expected
        assert type(inputs.api.schemas[key]) is Schema
