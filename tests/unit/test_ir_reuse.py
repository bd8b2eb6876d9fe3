"""Per path item reuse of the IR (``ir/reuse.py``): replayed exactly when nothing it read changed.

Each test builds a document once with a fresh content cache (storing every path item),
edits it, builds it again with that cache and compares with a build without the cache:
the IR, the model source and the diagnostics (in order) must be equal, and the set of
path items replayed must be the one the edit left untouched.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from apiforge.diagnostics import Sink
from apiforge.ir import reuse
from apiforge.ir.build import build

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
import synth  # benchmarks/ is no package: on sys.path above

FILE = "api.yaml"


def _warm(document: dict[str, Any]) -> tuple[Any, list[Any]]:
    sink = Sink()
    store = reuse.Reuse()
    built = build(copy.deepcopy(document), sink, FILE, store)
    store.store()
    return built, sink.items


def _cold(document: dict[str, Any]) -> tuple[Any, list[Any]]:
    sink = Sink()
    return build(copy.deepcopy(document), sink, FILE), sink.items


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))


def _paths(document: dict[str, Any]) -> list[str]:
    return list(document["paths"])


def _regenerated(document: dict[str, Any], edit: Callable[[dict[str, Any]], None]) -> set[str]:
    """Build, edit, build again warm; assert the warm build equals a cold one; the rebuilt items."""
    _warm(document)
    edit(document)
    warm = _warm(document)
    assert warm == _cold(document)
    assert sorted(reuse.LAST.reused + reuse.LAST.built) == sorted(_paths(document))
    return set(reuse.LAST.built)


def _spec() -> dict[str, Any]:
    return synth.generate(12)


def _with_refs_to(document: dict[str, Any], key: str) -> set[str]:
    ref = f"'#/components/schemas/{key}'"
    return {p for p, item in document["paths"].items() if ref in repr(item).replace('"', "'")}


def _some_use(document: dict[str, Any], key: str) -> bool:
    """Whether some path items, not all, refer to component ``key``."""
    return 0 < len(_with_refs_to(document, key)) < len(document["paths"])


def test_an_unchanged_document_replays_every_path_item() -> None:
    document = _spec()
    _warm(document)
    assert reuse.LAST.reused == []
    assert _warm(document) == _cold(document)
    assert reuse.LAST.built == []
    assert reuse.LAST.reused == _paths(document)


def test_a_changed_schema_rebuilds_only_the_path_items_that_refer_to_it() -> None:
    document = _spec()
    key = next(k for k in document["components"]["schemas"] if _some_use(document, k))
    users = _with_refs_to(document, key)

    def edit(doc: dict[str, Any]) -> None:
        doc["components"]["schemas"][key].setdefault("properties", {})["added"] = {"type": "string"}

    assert _regenerated(document, edit) == users


def test_a_schema_becoming_an_array_or_an_enum_rebuilds_its_users() -> None:
    document = _spec()
    schemas = document["components"]["schemas"]
    key = next(k for k in schemas if _some_use(document, k) and "properties" in schemas[k])
    users = _with_refs_to(document, key)

    def to_array(doc: dict[str, Any]) -> None:
        doc["components"]["schemas"][key] = {"type": "array", "items": {"type": "integer"}}

    def to_enum(doc: dict[str, Any]) -> None:
        doc["components"]["schemas"][key] = {"type": "string", "enum": ["a", "b"]}

    assert _regenerated(document, to_array) == users
    assert _regenerated(document, to_enum) == users


def test_a_parameter_default_read_through_a_ref_rebuilds_the_item() -> None:
    document = _spec()
    document["components"]["schemas"]["Limit"] = {"type": "integer", "default": 10}
    first = _paths(document)[0]
    operation = next(iter(v for v in document["paths"][first].values() if isinstance(v, dict)))
    operation.setdefault("parameters", []).append(
        {"name": "page_size", "in": "query", "schema": {"$ref": "#/components/schemas/Limit"}}
    )

    def edit(doc: dict[str, Any]) -> None:
        doc["components"]["schemas"]["Limit"]["default"] = 20

    assert _regenerated(document, edit) == {first}


def test_a_renamed_schema_rebuilds_what_refers_to_it() -> None:
    document = _spec()
    schemas = document["components"]["schemas"]
    key = next(k for k in schemas if _with_refs_to(document, k))

    def edit(doc: dict[str, Any]) -> None:
        import json

        text = json.dumps(doc).replace(
            f'"#/components/schemas/{key}"', '"#/components/schemas/Renamed"'
        )
        renamed = json.loads(text)
        renamed["components"]["schemas"] = {
            ("Renamed" if k == key else k): v for k, v in renamed["components"]["schemas"].items()
        }
        doc.clear()
        doc.update(renamed)

    # the schema keys changed, so every item's state did: all of them are built again
    assert _regenerated(document, edit) == set(_paths(document))


def _inline_body(document: dict[str, Any], path: str, operation_id: str) -> None:
    document["paths"][path] = {
        "post": {
            "operationId": operation_id,
            "requestBody": {
                "content": {
                    "application/json": {
                        "schema": {"type": "object", "properties": {"x": {"type": "string"}}}
                    }
                }
            },
            "responses": {"204": {"description": "done"}},
        }
    }


def test_a_hoisted_name_taken_earlier_rebuilds_every_later_item() -> None:
    document = _spec()
    paths = _paths(document)
    document["paths"] = {"/first": {}, **document["paths"]}
    _inline_body(document, "/later", "shared_name")
    later_items = [*paths, "/later"]

    def edit(doc: dict[str, Any]) -> None:
        # the first item now hoists a different inline schema under the same hint: the
        # later one's hoisted class becomes SharedNameBody2
        _inline_body(doc, "/first", "sharedName")
        doc["paths"]["/first"]["post"]["requestBody"]["content"]["application/json"]["schema"][
            "properties"
        ] = {"y": {"type": "integer"}}

    rebuilt = _regenerated(document, edit)
    assert rebuilt == {"/first", *later_items}
    source = _cold(document)[0][1]
    assert "SharedNameBody2" in source.schemas


def test_an_operation_id_taken_earlier_rebuilds_the_later_duplicate() -> None:
    document = _spec()
    document["paths"] = {"/first": {}, **document["paths"]}
    last = _paths(document)[-1]
    operation = next(v for v in document["paths"][last].values() if isinstance(v, dict))
    taken = operation["operationId"]

    def edit(doc: dict[str, Any]) -> None:
        doc["paths"]["/first"] = {
            "get": {"operationId": taken, "responses": {"204": {"description": "done"}}}
        }

    rebuilt = _regenerated(document, edit)
    assert "/first" in rebuilt and last in rebuilt
    api = _cold(document)[0][0]
    assert f"{taken}_2" in [op.operation_id for op in api.operations]
    assert any(d.code == "duplicate-operation-id" for d in _cold(document)[1])


def test_warnings_of_replayed_items_come_again_in_order() -> None:
    document = _spec()
    for item in document["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict):
                operation.pop("operationId", None)  # a missing-operation-id warning each
    _warm(document)
    warm = _warm(document)
    assert reuse.LAST.built == []
    codes = [d.code for d in warm[1]]
    assert codes.count("missing-operation-id") > 1
    assert warm == _cold(document)


def test_the_rest_of_the_document_or_the_generator_changing_rebuilds_everything(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    document = _spec()

    def edit(doc: dict[str, Any]) -> None:
        doc["security"] = []

    assert _regenerated(document, edit) == set(_paths(document))
    _warm(document)
    assert reuse.LAST.built == []
    from apiforge import resources

    monkeypatch.setattr(resources, "templates_hash", lambda root=None: "another generator")
    _warm(document)
    assert reuse.LAST.reused == []


def test_a_documentation_edit_replays_every_item() -> None:
    document = _spec()

    def edit(doc: dict[str, Any]) -> None:
        doc["info"]["description"] = "edited"

    assert _regenerated(document, edit) == set()


def test_without_a_cache_everything_is_built(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APIFORGE_CACHE_DIR", "off")
    document = _spec()
    _warm(document)
    assert _warm(document) == _cold(document)
    assert reuse.LAST.reused == []
