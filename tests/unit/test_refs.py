"""$ref handling: local refs stay, external refs are bundled, problems are located."""

from __future__ import annotations

import hashlib
import textwrap
from pathlib import Path
from typing import Any

import pytest

from apiforge.diagnostics import Sink, SpecLocation
from apiforge.load.load import LoadedSpec, LoadOptions, load
from apiforge.load.refs import check_local_refs, in_data


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def spec(
    tmp_path: Path, files: dict[str, str], root: str = "openapi.yaml", **options: Any
) -> tuple[LoadedSpec | None, Sink]:
    write(tmp_path, files)
    sink = Sink()
    return load(tmp_path / root, sink, LoadOptions(**options)), sink


def codes(sink: Sink) -> list[tuple[str, str, int | None, str]]:
    return [(d.code, Path(d.location.file).name, d.location.line, d.location.pointer) for d in sink]


HEADER = """\
openapi: 3.0.3
info: {title: t, version: "1"}
"""


def ok_response(schema_ref: str) -> str:
    return f"""
        responses:
          "200":
            description: ok
            content:
              application/json:
                schema: {{$ref: '{schema_ref}'}}
    """


def test_local_refs_stay_and_recursive_schemas_load(tmp_path: Path) -> None:
    loaded, sink = spec(
        tmp_path,
        {
            "openapi.yaml": HEADER
            + """\
paths: {}
components:
  schemas:
    Node:
      type: object
      properties:
        children: {type: array, items: {$ref: '#/components/schemas/Node'}}
""",
        },
    )
    assert loaded is not None and list(sink) == []
    node = loaded.document["components"]["schemas"]["Node"]
    assert node["properties"]["children"]["items"] == {"$ref": "#/components/schemas/Node"}


MULTI = {
    "openapi.yaml": HEADER
    + """\
paths:
  /pets:
    get:
      parameters:
        - $ref: 'params.yaml#/limit'
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: 'schemas/pet.yaml'}}
        default:
          $ref: 'common.yaml#/components/responses/Problem'
  /pets/{id}:
    $ref: 'paths/pet.yaml'
components:
  schemas:
    Error: {type: string}
""",
    "params.yaml": """\
limit:
  name: limit
  in: query
  schema: {$ref: '#/Limit'}
Limit: {type: integer, maximum: 100}
""",
    "schemas/pet.yaml": """\
type: object
properties:
  owner: {$ref: 'owner.yaml'}
  color: {$ref: '#/$defs/Color'}
  parent: {$ref: '#'}
  error: {$ref: '../openapi.yaml#/components/schemas/Error'}
$defs:
  Color: {type: string, enum: [red, blue]}
""",
    "schemas/owner.yaml": """\
type: object
properties:
  name: {type: string}
""",
    "common.yaml": """\
components:
  responses:
    Problem:
      description: a problem
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Error'}
  schemas:
    Error: {type: object, properties: {code: {type: integer}}}
""",
    "paths/pet.yaml": """\
get:
  responses:
    "200":
      description: one pet
      content:
        application/json:
          schema: {$ref: '../schemas/pet.yaml'}
""",
}


def test_external_schemas_are_hoisted_and_the_rest_inlined(tmp_path: Path) -> None:
    loaded, sink = spec(tmp_path, MULTI)
    assert loaded is not None, codes(sink)
    assert list(sink) == []
    doc = loaded.document
    schemas = doc["components"]["schemas"]
    assert list(schemas) == ["Error", "Limit", "pet", "owner", "Color", "Error2"]
    get = doc["paths"]["/pets"]["get"]
    assert get["parameters"] == [
        {"name": "limit", "in": "query", "schema": {"$ref": "#/components/schemas/Limit"}}
    ]
    items = get["responses"]["200"]["content"]["application/json"]["schema"]["items"]
    assert items == {"$ref": "#/components/schemas/pet"}
    problem = get["responses"]["default"]
    assert problem["description"] == "a problem"
    assert problem["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error2"
    }
    pet = schemas["pet"]["properties"]
    assert pet["owner"] == {"$ref": "#/components/schemas/owner"}
    assert pet["color"] == {"$ref": "#/components/schemas/Color"}
    assert pet["parent"] == {"$ref": "#/components/schemas/pet"}
    assert pet["error"] == {"$ref": "#/components/schemas/Error"}  # back into the root file
    one = doc["paths"]["/pets/{id}"]["get"]["responses"]["200"]["content"]["application/json"]
    assert one["schema"] == {"$ref": "#/components/schemas/pet"}  # same target, same name


def _all_refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [r for v in node.values() for r in _all_refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _all_refs(v)]
    return []


def test_every_ref_of_the_bundle_is_local(tmp_path: Path) -> None:
    loaded, _ = spec(tmp_path, MULTI)
    assert loaded is not None
    assert all(ref.startswith("#/") for ref in _all_refs(loaded.document))


def test_hashes_of_every_file_read_root_first(tmp_path: Path) -> None:
    loaded, _ = spec(tmp_path, MULTI)
    assert loaded is not None
    assert next(iter(loaded.file_hashes)) == str(tmp_path / "openapi.yaml")
    assert set(loaded.file_hashes) == {
        str(tmp_path / "openapi.yaml"),
        "params.yaml",
        "schemas/pet.yaml",
        "schemas/owner.yaml",
        "common.yaml",
        "paths/pet.yaml",
    }
    digest = hashlib.sha256((tmp_path / "params.yaml").read_bytes()).hexdigest()
    assert loaded.file_hashes["params.yaml"] == digest


def test_origin_maps_bundled_pointers_back(tmp_path: Path) -> None:
    loaded, _ = spec(tmp_path, MULTI)
    assert loaded is not None
    owner = loaded.origin("/components/schemas/owner/properties/name")
    assert (Path(owner.file).name, owner.pointer) == ("owner.yaml", "/properties/name")
    assert loaded.locate(owner).line == 3
    param = loaded.origin("/paths/~1pets/get/parameters/0/in")
    assert (Path(param.file).name, param.pointer) == ("params.yaml", "/limit/in")
    assert loaded.locate(param).line == 3
    root = loaded.origin("/paths/~1pets/get")
    assert (root.file, root.pointer) == (str(tmp_path / "openapi.yaml"), "/paths/~1pets/get")
    assert loaded.locate(root) == SpecLocation(root.file, root.pointer, 5, 5)


def test_a_ref_slot_in_components_gives_its_name(tmp_path: Path) -> None:
    loaded, sink = spec(
        tmp_path,
        {
            "openapi.yaml": HEADER
            + """\
paths:
  /a:
    get:
"""
            + textwrap.indent(textwrap.dedent(ok_response("pet.yaml")), "      ")
            + """\
components:
  schemas:
    Pet: {$ref: 'pet.yaml'}
""",
            "pet.yaml": "type: object\n",
        },
    )
    assert loaded is not None and list(sink) == []
    assert loaded.document["components"]["schemas"] == {"Pet": {"type": "object"}}
    response = loaded.document["paths"]["/a"]["get"]["responses"]["200"]
    assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Pet"}


def test_identical_ref_free_schema_reuses_the_name(tmp_path: Path) -> None:
    loaded, sink = spec(
        tmp_path,
        {
            "openapi.yaml": HEADER
            + """\
paths:
  /a:
    get:
"""
            + textwrap.indent(textwrap.dedent(ok_response("other.yaml#/Error")), "      ")
            + """\
components:
  schemas:
    Error: {type: string}
""",
            "other.yaml": "Error: {type: string}\n",
        },
    )
    assert loaded is not None and list(sink) == []
    assert list(loaded.document["components"]["schemas"]) == ["Error"]


def test_refs_inside_examples_are_data(tmp_path: Path) -> None:
    loaded, sink = spec(
        tmp_path,
        {
            "openapi.yaml": HEADER
            + """\
paths: {}
components:
  schemas:
    Doc:
      type: object
      example: {$ref: '#/nowhere'}
      default: {$ref: 'nofile.yaml'}
""",
        },
    )
    assert loaded is not None and list(sink) == []


def test_dangling_local_ref(tmp_path: Path) -> None:
    _, sink = spec(
        tmp_path,
        {
            "openapi.yaml": HEADER
            + "paths:\n  /a:\n    get:"
            + ok_response("#/components/schemas/Nope")
        },
    )
    pointer = "/paths/~1a/get/responses/200/content/application~1json/schema/$ref"
    assert codes(sink) == [("ref-not-found", "openapi.yaml", 11, pointer)]
    assert "the document has no member 'components'" in sink.items[0].message


def test_dangling_file_ref_and_pointer(tmp_path: Path) -> None:
    loaded, sink = spec(
        tmp_path,
        {
            "openapi.yaml": HEADER
            + """\
paths:
  /a:
    parameters:
      - $ref: 'missing.yaml'
      - $ref: 'params.yaml#/nope'
""",
            "params.yaml": "limit: {name: limit, in: query}\n",
        },
    )
    assert loaded is not None
    assert codes(sink) == [
        ("ref-not-found", "openapi.yaml", 6, "/paths/~1a/parameters/0/$ref"),
        ("ref-not-found", "openapi.yaml", 7, "/paths/~1a/parameters/1/$ref"),
    ]


def test_a_dangling_local_ref_in_another_file_is_reported_once(tmp_path: Path) -> None:
    """It was reported by the bundler, then again by the document's check of its refs."""
    loaded, sink = spec(
        tmp_path,
        {
            "openapi.yaml": HEADER
            + "paths:\n  /a:\n    get:\n"
            + textwrap.indent(ok_response("other.yaml#/Pet"), "      "),
            "other.yaml": "Pet:\n  properties:\n    name: {$ref: '#/Missing'}\n",
        },
    )
    assert loaded is not None
    assert codes(sink) == [("ref-not-found", "other.yaml", 3, "/Pet/properties/name/$ref")]


def test_a_ref_to_a_directory_says_so(tmp_path: Path) -> None:
    (tmp_path / "schemas").mkdir()
    loaded, sink = spec(
        tmp_path,
        {"openapi.yaml": HEADER + "paths:\n  /a:\n    parameters:\n      - $ref: 'schemas'\n"},
    )
    assert loaded is not None
    assert codes(sink) == [("ref-not-found", "openapi.yaml", 6, "/paths/~1a/parameters/0/$ref")]
    assert "$ref 'schemas': a directory, not a file" in sink.items[0].message


def test_pure_ref_cycle(tmp_path: Path) -> None:
    _, sink = spec(
        tmp_path,
        {
            "openapi.yaml": HEADER
            + """\
paths: {}
components:
  schemas:
    A: {$ref: '#/components/schemas/B'}
    B: {$ref: '#/components/schemas/C'}
    C: {$ref: '#/components/schemas/A'}
    D: {$ref: '#/components/schemas/A'}
""",
        },
    )
    assert codes(sink) == [("ref-cycle", "openapi.yaml", 6, "/components/schemas/A/$ref")]
    assert "A -> #/components/schemas/B -> #/components/schemas/C -> #/components/schemas/A" in (
        sink.items[0].message
    )


def test_cycle_across_files_is_reported_in_the_file(tmp_path: Path) -> None:
    _, sink = spec(
        tmp_path,
        {
            "openapi.yaml": HEADER + "paths:\n  /a:\n    parameters:\n      - $ref: 'a.yaml'\n",
            "a.yaml": "$ref: 'b.yaml'\n",
            "b.yaml": "$ref: 'a.yaml'\n",
        },
    )
    assert codes(sink) == [("ref-cycle", "b.yaml", 1, "/$ref")]


def test_schema_cycle_across_files(tmp_path: Path) -> None:
    _, sink = spec(
        tmp_path,
        {
            "openapi.yaml": HEADER + "paths:\n  /a:\n    get:" + ok_response("a.yaml"),
            "a.yaml": "$ref: 'b.yaml'\n",
            "b.yaml": "$ref: 'a.yaml'\n",
        },
    )
    assert codes(sink) == [("ref-cycle", "a.yaml", 1, "/$ref")]


def test_remote_refs_are_refused_by_default(tmp_path: Path) -> None:
    _, sink = spec(
        tmp_path,
        {
            "openapi.yaml": HEADER
            + "paths:\n  /a:\n    get:"
            + ok_response("https://example.com/s.yaml")
        },
    )
    pointer = "/paths/~1a/get/responses/200/content/application~1json/schema/$ref"
    assert codes(sink) == [("remote-ref-refused", "openapi.yaml", 11, pointer)]


def test_remote_refs_when_allowed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fetched: list[str] = []

    def fake_fetch(url: str, limit: int) -> bytes:
        fetched.append(url)
        return {
            "https://example.com/api/s.yaml": b"type: object\nproperties: {t: {$ref: 'tag.yaml'}}\n",
            "https://example.com/api/tag.yaml": b"type: string\n",
        }[url]

    monkeypatch.setattr("apiforge.load.load.fetch_url", fake_fetch)
    loaded, sink = spec(
        tmp_path,
        {
            "openapi.yaml": HEADER
            + "paths:\n  /a:\n    get:"
            + ok_response("https://example.com/api/s.yaml")
        },
        allow_remote_refs=True,
    )
    assert loaded is not None and list(sink) == []
    assert fetched == ["https://example.com/api/s.yaml", "https://example.com/api/tag.yaml"]
    assert loaded.document["components"]["schemas"]["s"]["properties"]["t"] == {
        "$ref": "#/components/schemas/tag"
    }
    assert "https://example.com/api/tag.yaml" in loaded.file_hashes


def test_check_local_refs_reports_each_dangling_holder() -> None:
    bad = {"$ref": "#/b/c"}
    document = {"a": [bad, {"$ref": "#/a"}], "b": {}}
    found: list[tuple[str, str]] = []
    check_local_refs(document, [bad, document["a"][1]], lambda c, m, p: found.append((c, p)))
    assert found == [("ref-not-found", "/a/0/$ref")]


def test_component_schema_refs_resolve_as_pointers_do() -> None:
    """A plain ``#/components/schemas/<name>`` is looked up directly; escaped, percent-encoded,
    missing and deeper names are resolved (and reported) as JSON pointers."""
    holders = [
        {"$ref": "#/components/schemas/A"},  # a pure cycle with B
        {"$ref": "#/components/schemas/a~1b"},  # the schema "a/b"
        {"$ref": "#/components/schemas/with%20space"},
        {"$ref": "#/components/schemas/C/properties/x"},
        {"$ref": "#/components/schemas/Missing"},
        {"$ref": "#/components/schemas/a~1c"},  # no schema "a/c"
    ]
    schemas: dict[str, Any] = {
        "A": {"$ref": "#/components/schemas/B"},
        "B": holders[0],
        "a/b": {"type": "string"},
        "with space": {"type": "integer"},
        "C": {"properties": {"x": {"type": "string"}}},
    }
    document = {"components": {"schemas": schemas}, "paths": {"/p": holders[1:]}}
    holders.insert(0, schemas["A"])
    found: list[tuple[str, str, str]] = []
    check_local_refs(document, holders, lambda c, m, p: found.append((c, m, p)))
    assert [(c, p) for c, _, p in found] == [
        ("ref-not-found", "/paths/~1p/3/$ref"),
        ("ref-not-found", "/paths/~1p/4/$ref"),
        ("ref-cycle", "/components/schemas/A/$ref"),
    ]
    assert "has no member 'Missing'" in found[0][1]
    assert "has no member 'a/c'" in found[1][1]
    for components in ([], {"schemas": []}):  # not mappings: every ref dangles, as before
        found.clear()
        holder = {"$ref": "#/components/schemas/A"}
        elsewhere = {"components": components, "paths": {"/q": holder}}
        check_local_refs(elsewhere, [holder], lambda c, m, p: found.append((c, m, p)))
        assert [(c, p) for c, _, p in found] == [("ref-not-found", "/paths/~1q/$ref")]


@pytest.mark.parametrize(
    ("pointer", "expected"),
    [
        ("/components/schemas/A/example/$ref", True),
        ("/components/schemas/A/properties/example/$ref", False),
        ("/components/examples/E/value/$ref", True),
        ("/components/schemas/A/examples/0", True),
        ("/paths/~1a/get/responses/default/$ref", False),
        ("/x-extra/$ref", True),
    ],
)
def test_in_data(pointer: str, expected: bool) -> None:
    assert in_data(pointer) is expected


def test_bundling_without_schemas_leaves_components_alone(tmp_path: Path) -> None:
    loaded, sink = spec(
        tmp_path,
        {
            "openapi.yaml": HEADER
            + "paths:\n  /a:\n    parameters:\n      - $ref: 'p.yaml'\ncomponents: {}\n",
            "p.yaml": "{name: q, in: query}\n",
        },
    )
    assert loaded is not None and list(sink) == []
    assert loaded.document["components"] == {}
    assert loaded.document["paths"]["/a"]["parameters"] == [{"name": "q", "in": "query"}]
