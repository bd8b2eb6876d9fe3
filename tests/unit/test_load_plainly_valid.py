"""Plain component schemas pass without openapi-pydantic, and only those it accepts.

``schemas_valid`` may answer "not known" for anything; when it answers "valid", the
installed openapi-pydantic must agree, for every field with every kind of value, at the
top and nested, for the fixture and diagnostics specs' schemas and the synthetic spec's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from openapi_pydantic.v3.v3_0 import Reference, Schema
from pydantic import ValidationError

from apiforge.diagnostics import Sink
from apiforge.load.load import LoadOptions, load
from apiforge.load.plainly_valid import FIELD_NAMES, FIELDS, MAX_DEPTH, schemas_valid
from apiforge.load.validation_cache import _schemas_adapter

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "benchmarks"))
import synth  # benchmarks/ is no package: on sys.path above

VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    3,
    2**70,
    1.5,
    0.0,
    float("nan"),
    float("inf"),
    "",
    "s",
    "string",
    "integer",
    "strin",
    [],
    ["a"],
    [1],
    [{"type": "string"}],
    [{"$ref": 3}],
    {},
    {"type": "string"},
    {"type": 3},
    {"$ref": "#/components/schemas/A"},
    {"propertyName": "kind"},
    {"a": {"type": "string"}},
    {"a": {"type": "strin"}},
]
KEYS = sorted(FIELDS | FIELD_NAMES | {"$ref", "ref", "x-extra", "unknown"})


def _accepted(group: dict[str, Any]) -> bool:
    try:
        _schemas_adapter("3.0").validate_python(group)
    except ValidationError:
        return False
    return True


def test_the_fields_are_the_models_fields() -> None:
    aliases = {field.alias or name for name, field in Schema.model_fields.items()}
    assert aliases == FIELDS
    assert {name for name, f in Schema.model_fields.items() if f.alias not in (None, name)} == (
        FIELD_NAMES
    )
    assert {name: f.alias for name, f in Reference.model_fields.items()} == {"ref": "$ref"}
    assert Schema.model_config.get("extra") == Reference.model_config.get("extra") == "allow"


@pytest.mark.parametrize("key", KEYS)
def test_valid_only_when_openapi_pydantic_accepts(key: str) -> None:
    recognised = 0
    for value in VALUES:
        for schema in (
            {key: value},
            {"type": "object", "properties": {"p": {key: value}}},
            {"allOf": [{"$ref": "#/x"}, {key: value, "description": "d"}]},
        ):
            group = {"A": schema}
            if schemas_valid(group, "3.0"):
                recognised += 1
                assert _accepted(group), schema
    assert recognised > 0 or key in ("discriminator", "xml", "externalDocs", *FIELD_NAMES)


def test_rejected_values_are_not_valid() -> None:
    for schema in (
        {"type": "strin"},
        {"type": ["string"]},
        {"required": []},
        {"required": [1]},
        {"maxLength": -1},
        {"minimum": "x"},
        {"multipleOf": 0},
        {"properties": []},
        {"items": [{"type": "string"}]},
        {"properties": {"a": {"description": 3}}},
    ):
        assert not schemas_valid({"A": schema}, "3.0")
        assert not _accepted({"A": schema})


def test_deep_and_3_1_schemas_are_left_to_openapi_pydantic() -> None:
    deep: dict[str, Any] = {"type": "string"}
    for _ in range(MAX_DEPTH // 2):  # two levels each
        deep = {"properties": {"p": {"allOf": [deep]}}}
    assert schemas_valid({"A": deep}, "3.0") and _accepted({"A": deep})  # the deepest passed
    assert not schemas_valid({"A": {"items": deep}}, "3.0")
    assert not schemas_valid({"A": {"type": "string"}}, "3.1")


def _spec_schemas() -> list[tuple[str, dict[str, Any]]]:
    found = []
    folders = (REPO / "tests" / "fixtures" / "specs", REPO / "tests" / "diagnostics" / "cases")
    for path in sorted(p for folder in folders for p in folder.glob("*.yaml")):
        loaded = load(path, Sink(), LoadOptions(validate=False))
        if loaded is None or not loaded.openapi_version.startswith("3.0"):
            continue
        schemas = (loaded.document.get("components") or {}).get("schemas")
        if isinstance(schemas, dict):
            found += [(f"{path.name}:{name}", {name: s}) for name, s in schemas.items()]
    return found


def test_the_specs_schemas_are_valid_only_when_openapi_pydantic_accepts() -> None:
    cases = _spec_schemas()
    recognised = [name for name, group in cases if schemas_valid(group, "3.0")]
    assert len(cases) > 50 and len(recognised) > len(cases) // 2
    for name, group in cases:
        if schemas_valid(group, "3.0"):
            assert _accepted(group), name


def test_the_synthetic_specs_schemas_are_all_plain() -> None:
    schemas = synth.generate(200)["components"]["schemas"]
    assert schemas_valid(schemas, "3.0") and _accepted(schemas)


SCRIPT = """
import json, sys
from apiforge.load.validation_cache import validate_cached
document = json.loads(sys.argv[1])
found = []
validate_cached(document, "3.0", lambda *entry: found.append([str(e) for e in entry]))
print(json.dumps([found, "pydantic" in sys.modules]))
"""


def _validate_in_child(document: dict[str, Any], cache: Path) -> tuple[list[Any], bool]:
    env = dict(os.environ, APIFORGE_CACHE_DIR=str(cache))
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(document)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    found, imported = json.loads(done.stdout)
    return found, imported


def test_an_edited_plain_schema_is_validated_without_importing_pydantic(tmp_path: Path) -> None:
    document = synth.generate(20)
    assert _validate_in_child(document, tmp_path) == ([], True)  # the frame: openapi-pydantic
    schemas = document["components"]["schemas"]
    first = next(iter(schemas.values()))
    first["properties"]["added"] = {"type": "string", "description": "new"}
    assert _validate_in_child(document, tmp_path) == ([], False)
    first["properties"]["added"] = {"type": "strin"}
    found, imported = _validate_in_child(document, tmp_path)
    assert imported and found and "/properties/added/type" in found[0][3]
