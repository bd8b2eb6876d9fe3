"""Schemas the rules read alone (allOf merges, plain types) are read in the spec's own version.

``diff/described.py`` builds a throwaway document around one schema; it takes the spec's
``openapi`` version, since the IR spells some schemas per version (a nullable reference
is hoisted as ``allOf: [$ref]`` + ``nullable`` in 3.0 and ``anyOf: [$ref, null]`` in 3.1).
No schema of the corpus reads differently today (checked over its component schemas);
these tests hold the reading to the full build's in both versions.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from diff_base import base, edited, schema, snapshot

from apiforge.diff import described
from apiforge.diff.indexing import full_index
from apiforge.diff.stored import restore

_NULLABLE_REF = {
    "3.0.3": {"allOf": [{"$ref": "#/components/schemas/Status"}], "nullable": True},
    "3.1.0": {"anyOf": [{"$ref": "#/components/schemas/Status"}, {"type": "null"}]},
}
_NULLABLE_OBJECT = {
    "3.0.3": {"type": "object", "properties": {"x": {"type": "string"}}, "nullable": True},
    "3.1.0": {"type": ["object", "null"], "properties": {"x": {"type": "string"}}},
}


def _spec(version: str) -> dict[str, Any]:
    """Pet's fields also as ``Both`` (allOf Pet's copy), with a nullable reference and a
    nullable inline object each, spelt as ``version`` spells them."""

    def edit(d: dict[str, Any]) -> None:
        d["openapi"] = version
        props = schema(d, "Pet")["properties"]
        props["maybe"] = copy.deepcopy(_NULLABLE_REF[version])
        props["inner"] = copy.deepcopy(_NULLABLE_OBJECT[version])
        d["components"]["schemas"]["Copy"] = copy.deepcopy(schema(d, "Pet"))
        d["components"]["schemas"]["Both"] = {"allOf": [{"$ref": "#/components/schemas/Copy"}]}

    return edited(edit, base())


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_an_allof_model_reads_its_fields_as_the_full_build_does(version: str) -> None:
    side = snapshot(_spec(version), "shop.yaml")
    assert side.openapi == version
    found = described.merged(side, "Both")
    assert found is not None
    types = {p.name: (p.type.kind, p.type.nullable, p.required) for p in found[0].properties}
    built = {
        p.name: (p.type.kind, p.type.nullable, p.required)
        for p in side.api.schemas["Copy"].properties
    }
    assert types == built and types["maybe"][0] == "model"


def test_a_stored_snapshot_keeps_the_specs_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path))
    made = full_index(snapshot(_spec("3.1.0"), "shop.yaml"))
    assert made is not None
    from apiforge.diff.stored import store

    store("key", *made)
    restored = restore(made[0], "shop.yaml", lambda where: where)
    assert restored is not None and restored.openapi == "3.1.0"
