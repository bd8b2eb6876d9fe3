"""Real-world specs: every root document of the shared corpus generates a client and a server
that import, build their app, pass ``mypy --strict`` and the pinned ruff's defaults.

The corpus is found through ``$APIFORGE_SPECS_DIR`` (default ``../shared/specs``; see its
SOURCES.md and ``tests/shared_specs.py``); the tests skip when it is absent (fail in CI). By default a representative subset
runs (3.0, 3.1, Swagger 2.0, multi-file, polymorphism, form and multipart bodies, the
openapi-python-client edge-case baseline, and a few of the wider set); ``APIFORGE_ALL_SPECS=1``
runs every root document SOURCES.md lists (``python -m benchmarks.corpus`` does the same with
one table row per spec and ``--jobs``). Generation
runs with ``socket.connect`` disabled, so a spec that made the generator reach the network
would fail here. A table of the results is printed at the end of the session.
"""

from __future__ import annotations

import os
import re
import socket
from collections import Counter
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any

import pytest
from apiforge_testkit import (
    RESULTS,
    Generated,
    generate,
    import_in_subprocess,
    mypy,
    mypy_errors_by_package,
    ruff,
)
from shared_specs import SPECS_DIR, require_specs

from apiforge.diagnostics import Severity
from benchmarks.corpus import load_exceptions, root_documents

SPECS = SPECS_DIR

# id -> root document (relative to SPECS); ids become package names (rw_<id>_client).
CORPUS = {
    "nullable": "datamodel-code-generator/tests/data/openapi/nullable.yaml",
    "paths_external_ref": "datamodel-code-generator/tests/data/openapi/paths_external_ref/openapi.yaml",
    "body_and_parameters": "fastapi-code-generator/tests/data/openapi/default_template/body_and_parameters.yaml",
    "petstore_separate": "oai-examples/examples/v2.0/yaml/petstore-separate/spec/swagger.yaml",
    "api_with_examples": "oai-examples/examples/v3.0/api-with-examples.yaml",
    "callback_example": "oai-examples/examples/v3.0/callback-example.yaml",
    "link_example": "oai-examples/examples/v3.0/link-example.yaml",
    "petstore_expanded": "oai-examples/examples/v3.0/petstore-expanded.yaml",
    "petstore": "oai-examples/examples/v3.0/petstore.yaml",
    "webhook_example": "oai-examples/examples/v3.1/webhook-example.yaml",
    "strict_schema": "oapi-codegen/internal/test/servers/strict/strict-schema.yaml",
    "bbci": "openapi-directory-2020/APIs/bbci.co.uk/1.0/openapi.yaml",
    "launchdarkly": "openapi-directory-2020/APIs/launchdarkly.com/2.0.5/swagger.yaml",
    "specific_3_1": "openapi-python-client/end_to_end_tests/3.1_specific.openapi.yaml",
    "baseline": "openapi-python-client/end_to_end_tests/baseline_openapi_3.0.json",
    "file_uploads": "readme-oas-examples/3.0/yaml/file-uploads.yaml",
    "parameters_style": "readme-oas-examples/3.0/yaml/parameters-style.yaml",
    "polymorphism": "readme-oas-examples/3.0/yaml/polymorphism.yaml",
    "train_travel": "readme-oas-examples/3.1/yaml/train-travel.yaml",
    "museum": "redocly-museum/openapi.yaml",
    "spotify": "spotify-web-api/fixed-spotify-open-api.yml",
    "twilio": "twilio-oai/spec/json/twilio_studio_v2.json",
}
_ROW = re.compile(r"^\| `(?P<file>[^`]+)` \| [^|]+ \| (?P<ops>\d+) \|")


_NOISE = frozenset(
    {"openapi-directory-2020", "readme-oas-examples", "APIs", "yaml", "swagger", "openapi"}
)


def _spec_id(path: str) -> str:
    """A short package-safe id for a root document that CORPUS does not name."""
    parts = [part for part in PurePosixPath(path).with_suffix("").parts if part not in _NOISE]
    return re.sub(r"[^a-z0-9]+", "_", "_".join(parts).lower()).strip("_")


def _every_spec() -> dict[str, str]:
    """CORPUS plus every other root document SOURCES.md lists, by id."""
    if not (SPECS / "SOURCES.md").exists():
        return dict(CORPUS)
    rows = (
        _ROW.match(line) for line in (SPECS / "SOURCES.md").read_text(encoding="utf-8").splitlines()
    )
    named = set(CORPUS.values())
    return {
        **CORPUS,
        **{_spec_id(row["file"]): row["file"] for row in rows if row and row["file"] not in named},
    }


EVERY = _every_spec()
# Swagger 2.0 + multi-file, 3.0 polymorphism, 3.1, many media types (form, multipart, text),
# multipart/binary uploads, the baseline of edge cases; OR/AND security alternatives, nested
# form encodings, bodies documented on 1xx/204/304 statuses, 3.1 schema keywords and a
# Swagger 2.0 API of the large directory snapshot.
SUBSET = (
    "petstore_separate",
    "polymorphism",
    "train_travel",
    "strict_schema",
    "file_uploads",
    "baseline",
    "3_0_security_multiple",
    "3_0_schema_encoding_style",
    "3_0_http_status_codes",
    "3_1_schema_validation_local",
    "airport_web_appspot_com_v1",
)
# Specs that stop with a diagnostic instead of generating, each with its reason: the same
# list the corpus runner (benchmarks/corpus.py) reads. id -> error code.
EXPECTED_ERRORS: dict[str, str] = {
    spec_id: entry["code"]
    for spec_id, path in EVERY.items()
    if (entry := load_exceptions().get(path)) is not None
}

ALL = os.environ.get("APIFORGE_ALL_SPECS") == "1"
SELECTED = tuple(EVERY) if ALL else SUBSET

pytestmark = pytest.mark.usefixtures("spec_corpus")


def _documented_ops() -> dict[str, int]:
    """Operations per root document, as SOURCES.md lists them."""
    rows = (
        _ROW.match(line) for line in (SPECS / "SOURCES.md").read_text(encoding="utf-8").splitlines()
    )
    return {row["file"]: int(row["ops"]) for row in rows if row}


def _no_network(*args: Any, **kwargs: Any) -> None:
    raise AssertionError(f"generation tried to open a network connection: {args!r}")


@pytest.fixture(scope="module")
def generations(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Generated]]:
    """Every selected spec generated (with the network disabled) into one directory."""
    require_specs()
    out = tmp_path_factory.mktemp("realworld")
    results: dict[str, Generated] = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", _no_network)
        patch.setattr(socket.socket, "connect_ex", _no_network)
        patch.setattr(socket, "create_connection", _no_network)
        for name in SELECTED:
            results[name] = generate(SPECS / EVERY[name], out, f"rw_{name}")
    for name, generated in results.items():
        row = RESULTS.setdefault(name, {})
        row["generate"] = "ok" if generated.ok else "stopped"
        if generated.ok:
            row["ops"] = sum(
                text.count("rt.Operation[")
                for path, text in generated.rendered.files.items()
                if f"/{generated.client}/client/" in path
            )
            row["models"] = len(
                re.findall(
                    r"^class \w+",
                    "\n".join(generated.model_files("client").values()),
                    re.MULTILINE,
                )
            )
        warnings = Counter(generated.codes(Severity.WARNING))
        row["notes"] = ", ".join(f"{code}×{n}" for code, n in sorted(warnings.items()))
    yield results


@pytest.fixture(scope="module")
def mypy_output(
    generations: dict[str, Generated], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, list[str]]:
    """mypy --strict once over every generated package, errors keyed by package."""
    done = [g for g in generations.values() if g.ok]
    result = mypy(done, tmp_path_factory.mktemp("mypy") / "cache")
    errors = mypy_errors_by_package(result.stdout)
    assert result.returncode == 0 or errors, result.stdout + result.stderr
    return errors


def test_the_corpus_is_the_documented_one() -> None:
    """The root documents the corpus runner finds are exactly those SOURCES.md lists."""
    found = {p.relative_to(SPECS).as_posix() for p in root_documents(SPECS)}
    assert found == set(_documented_ops()) == set(EVERY.values())
    assert set(SUBSET) <= set(EVERY)
    assert set(load_exceptions()) <= found, (
        "corpus_exceptions.toml names a spec that is not in the corpus"
    )


@pytest.mark.parametrize("name", SELECTED)
def test_generates_or_stops_with_a_located_diagnostic(
    name: str, generations: dict[str, Generated]
) -> None:
    generated = generations[name]
    for diagnostic in generated.diagnostics:
        assert diagnostic.code and diagnostic.location.file, diagnostic.render()
        assert "Traceback" not in diagnostic.message, diagnostic.render()
    if name in EXPECTED_ERRORS:
        assert not generated.ok and EXPECTED_ERRORS[name] in generated.codes(Severity.ERROR), (
            generated.report()
        )
        return
    assert generated.ok, generated.report()
    assert RESULTS[name]["ops"] == _documented_ops()[EVERY[name]]


@pytest.mark.parametrize("name", SELECTED)
def test_packages_import_and_the_app_builds(name: str, generations: dict[str, Generated]) -> None:
    generated = generations[name]
    if not generated.ok:
        pytest.skip("generation stopped")
    result = import_in_subprocess(generated)
    RESULTS[name]["import"] = "ok" if result.returncode == 0 else "FAILED"
    assert result.returncode == 0, result.stderr[-4000:]


@pytest.mark.parametrize("name", SELECTED)
def test_ruff_defaults_pass(name: str, generations: dict[str, Generated]) -> None:
    generated = generations[name]
    if not generated.ok:
        pytest.skip("generation stopped")
    failures = [(p.name, r.stdout) for p in generated.projects if (r := ruff(p)).returncode != 0]
    RESULTS[name]["ruff"] = "FAILED" if failures else "ok"
    assert not failures, failures


@pytest.mark.parametrize("name", SELECTED)
def test_mypy_strict_passes(
    name: str, generations: dict[str, Generated], mypy_output: dict[str, list[str]]
) -> None:
    generated = generations[name]
    if not generated.ok:
        pytest.skip("generation stopped")
    errors = mypy_output.get(generated.client, []) + mypy_output.get(generated.server, [])
    RESULTS[name]["mypy"] = "FAILED" if errors else "ok"
    assert not errors, "\n".join(errors[:50])
