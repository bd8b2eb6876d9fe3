"""The per-module cache of the models (model_cache.py, issue 13's incremental target).

After a one-schema change only the modules whose components reach the changed one are
built and rendered again; the text is the same as without the cache; a module's warnings
are reported again when it comes from the cache.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from apiforge.diagnostics import Sink
from apiforge.ir.build import build
from apiforge.ir.shapes import build_shapes
from apiforge.load.load import LoadOptions, load
from apiforge.model_cache import value_digest
from apiforge.models import ModelsModule, render_models
from apiforge.naming.names import resolve_names
from apiforge.output import cache


def _op(op_id: str, schema: str) -> dict[str, Any]:
    ref = {"$ref": f"#/components/schemas/{schema}"}
    return {
        "get": {
            "operationId": op_id,
            "responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema": ref}}}
            },
        }
    }


SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Cache", "version": "1"},
    "paths": {
        "/pets": _op("pets_list", "Pet"),
        "/stores": _op("stores_list", "Store"),
        "/owners": _op("owners_list", "Owner"),
    },
    "components": {
        "schemas": {
            "Tag": {"type": "object", "properties": {"label": {"type": "string"}}},
            "Pet": {"type": "object", "properties": {"tag": {"$ref": "#/components/schemas/Tag"}}},
            "Store": {
                "type": "object",
                "properties": {
                    "tag": {"$ref": "#/components/schemas/Tag"},
                    "opened": {"type": "string", "format": "date", "default": "not a date"},
                },
            },
            "Owner": {"type": "object", "properties": {"name": {"type": "string"}}},
        }
    },
}


def _render(tmp: Path, spec: dict[str, Any]) -> tuple[ModelsModule, Sink]:
    path = tmp / "cache.json"
    path.write_text(json.dumps(spec))
    sink = Sink()
    loaded = load(path, sink, LoadOptions())
    assert loaded is not None
    api, source = build(loaded.document, sink, str(path))
    shapes = build_shapes(source.schemas, source.locations, sink)
    return render_models(shapes, resolve_names(api, shapes), sink, api), sink


def _entries(folder: Path) -> set[str]:
    return cache.keys(folder / "models")


def test_a_one_schema_change_renders_only_the_modules_that_reach_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))
    first, _ = _render(tmp_path, SPEC)
    shared = "_shared_pets_and_stores"
    assert first.homes == {"Tag": shared, "Pet": "pets", "Store": "stores", "Owner": "owners"}
    before = _entries(tmp_path / "cache")
    assert len(before) == 8  # 4 modules in each flavour
    edited = copy.deepcopy(SPEC)
    edited["components"]["schemas"]["Owner"]["properties"]["age"] = {"type": "integer"}
    second, _ = _render(tmp_path, edited)
    assert len(_entries(tmp_path / "cache") - before) == 2  # models/owners.py, client and server
    changed = {p for p in first.client_files if first.client_files[p] != second.client_files[p]}
    assert changed == {"models/owners.py"}
    edited["components"]["schemas"]["Tag"]["properties"]["colour"] = {"type": "string"}
    _render(tmp_path, edited)
    # a property of Tag changes Tag's class only: Pet and Store read its name, not its fields
    assert len(_entries(tmp_path / "cache") - before) == 2 + 2


def test_a_change_that_referring_classes_read_renders_them_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))
    base = copy.deepcopy(SPEC)
    base["components"]["schemas"]["Pet"]["required"] = ["tag"]
    primed, _ = _render(tmp_path, base)
    edited = copy.deepcopy(base)
    edited["components"]["schemas"]["Tag"]["nullable"] = True  # Pet.tag becomes Tag | None
    cached, _ = _render(tmp_path, edited)
    assert "tag: Tag | None" in cached.client_files["models/pets.py"]
    assert primed.client_files["models/pets.py"] != cached.client_files["models/pets.py"]
    monkeypatch.setenv("APIFORGE_CACHE_DIR", "off")
    fresh, _ = _render(tmp_path, edited)
    assert cached.client_files == fresh.client_files
    assert cached.server_files == fresh.server_files


def test_cached_modules_equal_fresh_ones_and_repeat_their_warnings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APIFORGE_CACHE_DIR", "off")
    fresh, fresh_sink = _render(tmp_path, SPEC)
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))
    _render(tmp_path, SPEC)
    cached, cached_sink = _render(tmp_path, SPEC)
    assert cached.client_files == fresh.client_files
    assert cached.server_files == fresh.server_files
    warnings = [(d.code, d.location.pointer, d.location.line) for d in cached_sink.warnings]
    assert warnings == [(d.code, d.location.pointer, d.location.line) for d in fresh_sink.warnings]
    assert ("default-dropped", "/components/schemas/Store/properties/opened/default") in {
        (code, pointer) for code, pointer, _ in warnings
    }


def test_value_digest_is_the_same_for_equal_values_however_they_are_built() -> None:
    shared = ["-name"[1:]]  # made at run time: not interned, unlike the literal "name"
    built = {"properties": {"name": {"type": "string"}}, "required": shared, "also": shared}
    literal = {"properties": {"name": {"type": "string"}}, "required": ["name"], "also": ["name"]}
    assert value_digest(built) == value_digest(copy.deepcopy(built)) == value_digest(literal)


@pytest.mark.parametrize(
    "other",
    [[True], [1.0], ["1"], (1,), [1, None], {"1": 1}, {1: 1}],
)
def test_value_digest_tells_apart_what_json_text_may_not(other: Any) -> None:
    assert value_digest([1]) != value_digest(other)
    assert value_digest({"a": 1, "b": 2}) != value_digest({"b": 2, "a": 1})  # order is read


def test_value_digest_spells_what_marshal_cannot_encode_as_json() -> None:
    import datetime

    day = datetime.date(2024, 1, 2)
    assert value_digest({"default": day}) == value_digest({"default": datetime.date(2024, 1, 2)})
    assert value_digest({"default": day}) != value_digest({"default": "2024-01-02"})


def test_the_init_module_is_cached_by_each_class_s_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``models/__init__.py`` is made from the class -> module map alone: a property edit
    reuses it, a class moving to another module makes it again; both equal a fresh one."""
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))
    first, _ = _render(tmp_path, SPEC)
    assert len(cache.keys(tmp_path / "cache" / "models-init")) == 1  # both flavours alike
    edited = copy.deepcopy(SPEC)
    edited["components"]["schemas"]["Owner"]["properties"]["age"] = {"type": "integer"}
    _render(tmp_path, edited)
    assert len(cache.keys(tmp_path / "cache" / "models-init")) == 1
    edited["paths"]["/owners"] = _op("owners_list", "Tag")  # Tag: three users; Owner: none
    cached, _ = _render(tmp_path, edited)
    assert len(cache.keys(tmp_path / "cache" / "models-init")) == 2
    monkeypatch.setenv("APIFORGE_CACHE_DIR", "off")
    fresh, _ = _render(tmp_path, edited)
    assert cached.client_files["models/__init__.py"] == fresh.client_files["models/__init__.py"]
    assert cached.server_files["models/__init__.py"] == fresh.server_files["models/__init__.py"]
    assert cached.homes != first.homes
    assert cached.client_files["models/__init__.py"] != first.client_files["models/__init__.py"]


def _fresh(tmp: Path, spec: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> ModelsModule:
    """The models of ``spec`` rendered without any cache (then the cache is used again)."""
    folder = __import__("os").environ["APIFORGE_CACHE_DIR"]
    monkeypatch.setenv("APIFORGE_CACHE_DIR", "off")
    try:
        return _render(tmp, spec)[0]
    finally:
        monkeypatch.setenv("APIFORGE_CACHE_DIR", folder)


def _layouts(tmp: Path) -> int:
    return len(cache.keys(tmp / "cache" / "models-layout"))


def test_the_layout_is_reused_by_a_property_edit_and_made_again_when_it_moves_a_class(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stored layout is keyed by every component's references, each group's components
    and the components' order: each edit below moves a class (or reorders them), and would
    keep the old homes if the key missed what it changes; a plain property reuses it."""
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))
    first, _ = _render(tmp_path, SPEC)
    stored = _layouts(tmp_path)
    assert stored >= 1
    edited = copy.deepcopy(SPEC)
    edited["components"]["schemas"]["Owner"]["properties"]["age"] = {"type": "integer"}
    assert _render(tmp_path, edited)[0].homes == first.homes
    assert _layouts(tmp_path) == stored  # nothing the layout reads changed
    schemas = edited["components"]["schemas"]

    def add_reference() -> None:  # Tag is reached by owners too (its module's name changes)
        schemas["Owner"]["properties"]["tag"] = {"$ref": "#/components/schemas/Tag"}

    def add_response() -> None:  # stores returns Owner as well: Owner becomes shared
        edited["paths"]["/stores"]["get"]["responses"]["201"] = {
            "description": "made",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Owner"}}},
        }

    def reorder() -> None:  # the same components in another order
        edited["components"]["schemas"] = dict(reversed(list(schemas.items())))

    homes = first.homes
    for edit in (add_reference, add_response, reorder):
        edit()
        cached, _ = _render(tmp_path, edited)
        fresh = _fresh(tmp_path, edited, monkeypatch)
        assert _layouts(tmp_path) > stored, edit.__name__  # made again, not reused
        stored = _layouts(tmp_path)
        assert list(cached.homes.items()) == list(fresh.homes.items()), edit.__name__
        assert list(cached.server_homes.items()) == list(fresh.server_homes.items())
        assert cached.client_files == fresh.client_files, edit.__name__
        assert cached.server_files == fresh.server_files, edit.__name__
        assert list(cached.homes.items()) != list(homes.items()), edit.__name__
        homes = cached.homes
    assert cached.homes["Tag"] == "_shared_owners_and_pets_and_stores"
    assert cached.homes["Owner"] == "_shared_owners_and_stores"


def test_the_helpers_module_is_cached_by_the_helpers_used_and_the_flavour(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``models/_helpers.py`` is made from the helpers the modules use and the flavour: an
    edit that uses no other helper reuses both, one that does makes them again; each equals
    a fresh one."""
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))
    helpers = "models/_helpers.py"

    def entries() -> int:
        return len(cache.keys(tmp_path / "cache" / "models-helpers"))

    first, _ = _render(tmp_path, SPEC)
    made = entries()
    assert made >= 1
    edited = copy.deepcopy(SPEC)
    edited["components"]["schemas"]["Owner"]["properties"]["age"] = {"type": "integer"}
    _render(tmp_path, edited)
    assert entries() == made
    edited["components"]["schemas"]["Owner"]["properties"]["mail"] = {
        "type": "string",
        "format": "email",
    }
    cached, _ = _render(tmp_path, edited)
    assert entries() > made
    fresh = _fresh(tmp_path, edited, monkeypatch)
    assert cached.client_files.get(helpers) == fresh.client_files.get(helpers)
    assert cached.server_files[helpers] == fresh.server_files[helpers]
    assert cached.server_files[helpers] != first.server_files[helpers]


def test_the_helpers_module_of_each_flavour_is_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from apiforge.models import _helpers_module
    from apiforge.render.env import render_template
    from apiforge.render.model_modules import helpers_view

    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))
    used = {"_Format", "_OneOf", "_open_enum_member"}
    for server in (True, False, True):
        view = helpers_view(used, server)
        assert view is not None
        fresh = render_template("models/_helpers.py.jinja", **vars(view))
        assert _helpers_module("generator", used, server) == fresh
