"""Round trip over the shared corpus: each generated server's ``app.openapi()`` against its spec.

Every root document of the corpus (the 22 of ``test_realworld.CORPUS``) is generated as a
server package (unformatted: formatting cannot change the app), imported, built with
``create_app()`` and its OpenAPI document compared with the loaded spec (bundled, and
converted to 3.0 where it was Swagger 2.0) by ``openapi_compare.differences``, the same
comparer the PostHog round trip uses.

The target is zero differences. Differences that come from known generator gaps are
listed in ``KNOWN_GAPS`` with the change that would remove them; every other difference
fails ``test_round_trip``, and a gap that no longer shows up anywhere fails
``test_known_gap_still_exists`` (delete its entry: the ratchet only turns one way).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openapi_compare import Gap, differences
from test_realworld import CORPUS, SPECS

from generator.config import Target
from generator.diagnostics import Sink
from generator.load import LoadOptions, load
from generator.pipeline import render

pytestmark = pytest.mark.skipif(not (SPECS / "SOURCES.md").exists(), reason=f"no spec corpus at {SPECS}")




KNOWN_GAPS: tuple[Gap, ...] = (
    Gap(
        "unsatisfiable-array-enum-parameter",
        r"parameter query 'mixin': schema\.(enum: spec \[\"live\", \"promotions\"\]|type: spec \"array\")",
        "bbci's `mixin` says `type: array` with a string `enum` beside `items`: no array equals a "
        "string, so no value but absence is valid. DMCG reads the schema as the union "
        "`list[str] | Enum(live, promotions)` and the app documents that anyOf, not the spec's "
        "literal (unsatisfiable) schema.",
    ),
    Gap(
        "schema-format",
        r"content\.(?:(?!\.properties\.|\.items)[^ ])+\.format: spec (<absent>|\"byte\"|\"base64\"), "
        r"app \"binary\"$",
        "server_views: a body the server reads or writes as raw bytes is documented as binary, also "
        "where the spec has base64 text (`byte`) or a multipart/form schema of its own.",
    ),
    Gap(
        "one-of",
        r"\.(oneOf|anyOf)(\[\d+\])?: spec",
        "models document and enforce oneOf (`_OneOf`); left: union query parameters (server_views "
        "declares them as raw text), and oneOfs DMCG collapses, which the spec's own meaning makes "
        "odd: `oneOf: [A, A]` or `[{}, {}]` admits no value at all (each value passes both members), "
        "and a oneOf nested in a oneOf is flattened (not the same: a value passing all three inner "
        "schemas passes the nested form only).",
    ),
    Gap(
        "untyped-object-schema",
        r"\.type: spec <absent>, app \"object\"$",
        "not removable honestly: a schema with properties but no `type` also admits every non-object "
        "(JSON Schema), while the model that reads it accepts objects only; the app documents the "
        "`type: object` it enforces.",
    ),
    Gap(
        "form-and-raw-body-shape",
        r"content\.(multipart/[\w-]+|application/x-www-form-urlencoded)\.(properties|type|required"
        r"|additionalProperties): spec",
        "server_views: form, multipart and raw-bytes bodies are documented as the parameters or bytes "
        "the server reads, not with the spec's object schema (its properties and required names).",
    ),
    Gap(
        "one-of-same-member",
        r"content\.application/json\.(properties|required|additionalProperties): spec <absent>, app",
        "not removable honestly: baseline's `oneOf: [AModel, AModel]` admits no value (each value "
        "passing one member passes both), while DMCG reads it as AModel, which the app documents "
        "(flat, beside the one-of gap's `oneOf` line); a model that accepts nothing is no useful "
        "reading of the spec.",
    ),
    Gap(
        "discriminator-mapping",
        r"\.discriminator\.mapping: spec <absent>, app \{\"episode\": \"#/components/schemas/EpisodeObject\", "
        r"\"track\": \"#/components/schemas/TrackObject\"\}$",
        "not removable: Spotify's discriminator has no mapping, so OpenAPI's implicit one selects by "
        "component name (`TrackObject`), while the members' own `type` enums only admit `track`/"
        "`episode`; the spec admits no tagged value at all. The app maps the tags the members "
        "declare, which is the document that validates (identity mappings compare equal).",
    ),
    Gap(
        "prefix-items",
        r"\.(prefixItems|items\.type|items\.anyOf): spec",
        "models: 3.1 prefixItems (tuples) are read as plain lists by DMCG (the item types are lost). "
        "A typed tuple alone is not the same: prefixItems sets no minimum length; the honest type is "
        "a union of the tuples of each allowed length (a typed tail needs `*tuple[X, ...]`, Python "
        "3.11 syntax, or a custom core schema), documented back as one prefixItems schema.",
    ),
    Gap(
        "unevaluated-properties",
        r"\.unevaluatedProperties: spec",
        "models: 3.1 unevaluatedProperties is neither enforced nor documented (DMCG ignores it; "
        "warning unsupported-schema-keyword). Closing each anyOf member is not the same: "
        "unevaluatedProperties counts the properties of every member that passes.",
    ),
    Gap(
        "schema-keywords",
        r"\.(items|nullable): spec",
        "models: a 3.0 `items` written as a list (a tuple, invalid in 3.0) is read as one item "
        "schema; server_views: nullable parameters.",
    ),
    Gap(
        "request-body-raw-media",
        r"request body: content\.(?![\w.+-]*json)[\w.+-]+/[\w.+*-]+\.(format|type|properties): spec",
        "server_bodies: a body media type the server has no reader for (XML, an image said to be "
        "`format: byte`, a multipart type other than form-data, which Starlette does not parse) "
        "reaches the implementation as raw bytes and is documented as binary, not with the spec's "
        "schema.",
    ),
)


def _round_trip(name: str, out: Path) -> list[str]:
    spec = SPECS / CORPUS[name]
    loaded = load(spec, Sink(), LoadOptions())
    assert loaded is not None, f"{name}: the spec does not load"
    package = f"rt_{name}_server"
    target = Target.for_spec(spec, out, client_package=None, server_package=package, format=False)
    rendered = render(target, Sink())
    assert rendered is not None, f"{name}: generation stopped"
    for path, text in rendered.files.items():
        destination = out / path
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(text, encoding="utf-8")
    sys.path.insert(0, str(out / package))
    try:
        module = importlib.import_module(package)
        app_document: dict[str, Any] = module.create_app().openapi()
    finally:
        sys.path.remove(str(out / package))
    return differences(loaded.document, app_document)


@pytest.fixture(scope="module")
def found(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, list[str]]]:
    """Every corpus spec's differences (generated once for the module)."""
    out = tmp_path_factory.mktemp("roundtrip")
    yield {name: _round_trip(name, out) for name in CORPUS}


@pytest.mark.parametrize("name", list(CORPUS))
def test_round_trip(name: str, found: dict[str, list[str]]) -> None:
    lines = found[name]
    unexpected = [line for line in lines if not any(gap.explains(line) for gap in KNOWN_GAPS)]
    assert not unexpected, (
        f"{len(unexpected)} unexpected difference(s) between {CORPUS[name]} and app.openapi():\n"
        + "\n".join(unexpected)
        + f"\n\n(and {len(lines) - len(unexpected)} explained by KNOWN_GAPS)"
    )


@pytest.mark.parametrize("gap", KNOWN_GAPS, ids=lambda gap: gap.name)
def test_known_gap_still_exists(gap: Gap, found: dict[str, list[str]]) -> None:
    assert any(gap.explains(line) for lines in found.values() for line in lines), (
        f"gap {gap.name!r} no longer shows in the corpus: remove it from KNOWN_GAPS"
    )
