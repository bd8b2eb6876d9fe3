"""Edits that attack reuse, regenerated warm (content cache and output of the previous run)
and cold: byte-identical trees and the same diagnostics, and the views reused exactly when
nothing they read changed (``view_reuse.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_incremental_edits import _generate, _object, _rename_schema, _reused, _tree, synth

# Edits that attack any reuse of what an edit seems not to touch (a cached module, a
# replayed IR): each changes what an untouched-looking definition reads (a name hoisted or
# an id taken before it, a schema that a composition elsewhere merges, a kind), so a reuse
# that missed it would differ from a cold run.


def _compose(document: dict[str, Any]) -> None:
    """A schema merging another by allOf, a union of two, and an operation returning each."""
    schemas = document["components"]["schemas"]
    name = _object(document)[0]
    other = next(n for n, s in schemas.items() if n != name and "properties" in s)
    schemas["Merged"] = {
        "allOf": [
            {"$ref": f"#/components/schemas/{name}"},
            {"type": "object", "properties": {"extra": {"type": "string"}}},
        ]
    }
    schemas["Either"] = {
        "oneOf": [
            {"$ref": f"#/components/schemas/{name}"},
            {"$ref": f"#/components/schemas/{other}"},
        ]
    }
    for label in ("Merged", "Either"):
        document["paths"][f"/composed/{label.lower()}"] = {
            "get": {
                "operationId": f"get_{label.lower()}",
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": f"#/components/schemas/{label}"}
                            }
                        },
                    }
                },
            }
        }


def _add_property(document: dict[str, Any]) -> None:
    """A property added to the first resource's schema (as benchmarks/incremental.py does)."""
    schemas = document["components"]["schemas"]
    name = next(n for n, s in schemas.items() if f"{n}Request" in schemas and "properties" in s)
    properties = schemas[name]["properties"]
    properties[f"added_{len(properties)}"] = {"type": "string"}


def _add_email(document: dict[str, Any]) -> None:
    """A property whose format needs a helper the models did not use before (_Email)."""
    schemas = document["components"]["schemas"]
    name = next(n for n, s in schemas.items() if f"{n}Request" in schemas and "properties" in s)
    schemas[name]["properties"]["contact"] = {"type": "string", "format": "email"}


def _paginate(document: dict[str, Any]) -> None:
    """The resource schema (returned by a GET) gains ``next`` and ``results``: a page now."""
    schemas = document["components"]["schemas"]
    name = next(n for n, s in schemas.items() if f"{n}Request" in schemas and "properties" in s)
    schemas[name]["properties"]["next"] = {"type": "string", "nullable": True}
    schemas[name]["properties"]["results"] = {"type": "array", "items": {"type": "string"}}


def _to_array(document: dict[str, Any]) -> None:
    name = _object(document)[0]
    document["components"]["schemas"][name] = {"type": "array", "items": {"type": "string"}}


def _to_enum(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    name = next(n for n, s in schemas.items() if "properties" in s)
    schemas[name] = {"type": "string", "enum": ["one", "two"]}


def _inline_body(path: str, operation_id: str, field: str) -> dict[str, Any]:
    schema = {"type": "object", "properties": {field: {"type": "string"}}}
    return {
        "post": {
            "operationId": operation_id,
            "requestBody": {"content": {"application/json": {"schema": schema}}},
            "responses": {"204": {"description": "done"}},
        }
    }


def _hoisted_collision(document: dict[str, Any]) -> None:
    """An inline body hoisted first under the name a later item's inline body had."""
    paths = document["paths"]
    if "/later/inline" not in paths:
        paths["/later/inline"] = _inline_body("/later/inline", "make_thing", "later")
    document["paths"] = {"/first/inline": _inline_body("/", "makeThing", "first"), **paths}


def _duplicate_operation_id(document: dict[str, Any]) -> None:
    """The first path gets an operation whose id a later one already has."""
    paths = document["paths"]
    last = paths[list(paths)[-1]]
    taken = next(o["operationId"] for o in last.values() if isinstance(o, dict))
    first = paths[next(iter(paths))]
    first["head"] = {"operationId": taken, "responses": {"204": {"description": "done"}}}


def _create_body(document: dict[str, Any]) -> str:
    """The component the first create operation sends (``<Resource>Request``)."""
    schemas = document["components"]["schemas"]
    return next(n for n in schemas if n.endswith("Request") and not n.startswith("Patched"))


def _binary_field(document: dict[str, Any]) -> None:
    """The create body (JSON) gains a binary property: ``bytes``, its maxLength checked."""
    properties = document["components"]["schemas"][_create_body(document)]["properties"]
    properties["upload"] = {"type": "string", "format": "binary", "maxLength": 64}


def _multipart_body(document: dict[str, Any]) -> None:
    """The create operation sends its body as multipart/form-data instead: the binary field
    takes files (``_File``), though no schema changed."""
    ref = {"$ref": f"#/components/schemas/{_create_body(document)}"}
    for item in document["paths"].values():
        for operation in item.values():
            body = operation.get("requestBody", {}) if isinstance(operation, dict) else {}
            content = body.get("content", {})
            if content.get("application/json", {}).get("schema") == ref:
                content["multipart/form-data"] = content.pop("application/json")
                return


def _string_alias_field(document: dict[str, Any]) -> None:
    """The (multipart) create body gains a property referring to a new string alias."""
    document["components"]["schemas"]["Blob"] = {"type": "string"}
    properties = document["components"]["schemas"][_create_body(document)]["properties"]
    properties["attachment"] = {"$ref": "#/components/schemas/Blob"}


def _alias_turns_binary(document: dict[str, Any]) -> None:
    """The alias becomes ``format: binary``: the create body's field referring to it takes
    files (``_File``), though that body's schema did not change."""
    document["components"]["schemas"]["Blob"]["format"] = "binary"


def _json_binary_field(document: dict[str, Any]) -> None:
    """A model only JSON bodies use gains a binary property: ``bytes``."""
    schemas = document["components"]["schemas"]
    name = next(n for n, s in schemas.items() if "properties" in s and n != _create_body(document))
    schemas[name]["properties"]["scan"] = {"type": "string", "format": "binary"}
    document["x-scanned"] = name


def _multipart_alias_body(document: dict[str, Any]) -> None:
    """A new operation sends an alias of that model as multipart: the model's binary field
    takes files, though neither its schema nor any body naming it directly changed."""
    name = document.pop("x-scanned")
    document["components"]["schemas"]["ScanUpload"] = {"$ref": f"#/components/schemas/{name}"}
    body = {"schema": {"$ref": "#/components/schemas/ScanUpload"}}
    document["paths"]["/scans/upload"] = {
        "post": {
            "operationId": "upload_scan",
            "requestBody": {"required": True, "content": {"multipart/form-data": body}},
            "responses": {"204": {"description": "stored"}},
        }
    }


def _diagnostics(output: str) -> list[str]:
    """The warnings and errors of a run's output, in order."""
    return [line for line in output.splitlines() if "warning[" in line or "error[" in line]


ATTACKS = [
    _compose,
    _add_property,
    _add_email,
    _paginate,
    _to_array,
    _hoisted_collision,
    _duplicate_operation_id,
    _to_enum,
    _rename_schema,
    _add_property,
    _binary_field,
    _multipart_body,
    _string_alias_field,
    _alias_turns_binary,
    _json_binary_field,
    _multipart_alias_body,
]


# Whether the views' files are reused (view_reuse.py): only when nothing a view
# reads changed (a property added to a schema, even one needing a new helper).
VIEWS_REUSED = {
    _add_property: True,
    _add_email: True,
    _binary_field: True,
    _alias_turns_binary: True,
    _json_binary_field: True,
}


def test_edits_that_attack_reuse_regenerated_warm_equal_cold_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = synth.generate(12)
    warm = tmp_path / "warm"
    warm.mkdir()
    (warm / "api.yaml").write_text(synth.dump(document), encoding="utf-8")
    assert _generate(warm, monkeypatch)[0] == 0
    for step, edit in enumerate(ATTACKS):
        edit(document)
        text = synth.dump(document)
        cold = tmp_path / f"cold{step}"
        cold.mkdir()
        (warm / "api.yaml").write_text(text, encoding="utf-8")
        code, said = _generate(warm, monkeypatch)
        assert code == 0, edit.__name__
        reused = _reused(said)
        (cold / "api.yaml").write_text(text, encoding="utf-8")
        cold_code, cold_said = _generate(cold, monkeypatch)
        assert cold_code == 0, edit.__name__
        after, fresh = _tree(warm / "out"), _tree(cold / "out")
        assert after.keys() == fresh.keys(), edit.__name__
        assert [p for p in after if after[p] != fresh[p]] == [], edit.__name__
        assert _diagnostics(said) == _diagnostics(cold_said), edit.__name__
        expected = ["client", "server"] if VIEWS_REUSED.get(edit) else []
        assert reused == expected, edit.__name__


def test_a_config_or_generator_change_between_runs_regenerates_as_cold(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from apiforge import resources

    document = synth.generate(12)
    warm = tmp_path / "warm"
    warm.mkdir()
    (warm / "api.yaml").write_text(synth.dump(document), encoding="utf-8")
    assert _generate(warm, monkeypatch)[0] == 0
    _add_property(document)
    text = synth.dump(document)
    config = ("--client-package", "renamed_client", "--api-key-env", "RENAMED_KEY")
    for folder in (warm, tmp_path / "cold"):
        folder.mkdir(exist_ok=True)
        (folder / "api.yaml").write_text(text, encoding="utf-8")
        assert _generate(folder, monkeypatch, *config)[0] == 0
    after, fresh = _tree(warm / "out"), _tree(tmp_path / "cold" / "out")
    assert any(p.startswith("renamed_client/") for p in after)
    assert [p for p in fresh if after.get(p) != fresh[p]] == []
    real = resources.templates_hash
    monkeypatch.setattr(resources, "templates_hash", lambda root=None: real(root) + "-next")
    _add_property(document)
    text = synth.dump(document)
    for folder in (warm, tmp_path / "cold2"):
        folder.mkdir(exist_ok=True)
        (folder / "api.yaml").write_text(text, encoding="utf-8")
        assert _generate(folder, monkeypatch, *config)[0] == 0
    after, fresh = _tree(warm / "out"), _tree(tmp_path / "cold2" / "out")
    assert [p for p in fresh if after.get(p) != fresh[p]] == []
