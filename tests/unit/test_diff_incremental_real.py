"""The incremental comparison on a real spec: seeded edits of PostHog (``spec/posthog.yaml``).

Each edit is diffed in full and from the stored index of the unedited spec; where the
incremental comparison takes the edit, the two reports must be equal change for change.
"""

from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

import pytest

from apiforge.diagnostics import Sink
from apiforge.diff.engine import compare
from apiforge.diff.incremental import compare_stored
from apiforge.diff.indexing import full_index
from apiforge.diff.model import Audience
from apiforge.diff.snapshot import Snapshot, from_document
from apiforge.diff.stored import store
from apiforge.load.load import LoadOptions, load

POSTHOG = Path(__file__).resolve().parents[2] / "spec" / "posthog.yaml"
PACKAGES: dict[str, Audience] = {"posthog_client": "client", "posthog_server": "server"}
Doc = dict[str, Any]


@pytest.fixture(scope="module")
def document() -> Doc:
    loaded = load(POSTHOG, Sink(), LoadOptions())
    assert loaded is not None
    return loaded.document


def _snapshot(document: Doc) -> Snapshot:
    return from_document(copy.deepcopy(document), "posthog.yaml", Sink())


def _objects(d: Doc) -> list[dict[str, Any]]:
    schemas = d["components"]["schemas"]
    return [s for _, s in sorted(schemas.items()) if isinstance(s.get("properties"), dict)]


def _operations(d: Doc) -> list[tuple[str, str]]:
    return [(p, m) for p, item in d["paths"].items() for m in item if m in ("get", "post")]


def _edit(d: Doc, rng: random.Random) -> str:
    kind = rng.choice(["add-field", "drop-field", "require", "enum", "drop-op", "param", "doc"])
    if kind in ("add-field", "drop-field", "require", "doc"):
        target = rng.choice(_objects(d))
        props = target["properties"]
        if kind == "add-field":
            props[f"added_{rng.randrange(99)}"] = {"type": "string"}
        elif kind == "drop-field" and props:
            del props[rng.choice(sorted(props))]
        elif kind == "require" and props:
            target.setdefault("required", []).append(rng.choice(sorted(props)))
        else:
            target["description"] = "Edited."
    elif kind == "enum":
        enums = [s for s in d["components"]["schemas"].values() if isinstance(s.get("enum"), list)]
        rng.choice(enums)["enum"].append("added")
    elif kind == "drop-op":
        path, method = rng.choice(_operations(d))
        del d["paths"][path][method]
    else:
        path, method = rng.choice(_operations(d))
        d["paths"][path][method].setdefault("parameters", []).append(
            {
                "name": "added",
                "in": "query",
                "required": rng.random() < 0.5,
                "schema": {"type": "string"},
            }
        )
    return kind


@pytest.mark.parametrize("seed", range(6))
def test_seeded_edits_of_posthog_report_the_same(
    seed: int, document: Doc, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))
    rng = random.Random(seed)
    old = _snapshot(document)
    made = full_index(old)
    assert made is not None
    store("old", *made)
    edited = copy.deepcopy(document)
    kinds = [_edit(edited, rng) for _ in range(1 + seed % 3)]
    full = compare(_snapshot(document), _snapshot(edited), PACKAGES)
    done = compare_stored(made[0], _snapshot(edited), "posthog.yaml", PACKAGES, lambda w: w)
    assert done is not None, kinds  # every edit here stays within what it handles
    assert done[0] == full, kinds
