"""Every fixture spec generates a client and a server that import, build, pass ruff, mypy --strict
and pyright (its default mode, as VS Code's Pylance shows errors).

The fixtures (``tests/fixtures/specs/<feature>.yaml``) are also snapshot-tested by
tests/golden; this checks what a snapshot cannot: that the output is valid, typed code.
Each fixture's expected warnings are listed here, so a new degradation is noticed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from apiforge_testkit import (
    FIXTURES,
    Generated,
    generate,
    import_in_subprocess,
    mypy,
    mypy_errors_by_package,
    ruff,
)
from typecheckers import pyright

from apiforge.diagnostics import Severity

SPECS = sorted(FIXTURES.glob("*.yaml"))
# feature -> warnings by code (everything not listed must generate without any diagnostic)
EXPECTED_WARNINGS: dict[str, dict[str, int]] = {
    "duplicate_operation_ids": {"missing-operation-id": 3, "duplicate-operation-id": 1},
    "openapi_31": {"webhooks-ignored": 1, "prefix-items-loose": 1},
    # swagger2: its conversion is information (info[converted-swagger-2]), not a warning
    "unsupported": {
        "unsupported-schema-keyword": 1,
        "unsupported-security": 1,
        "unsupported-media-type": 2,
        "callbacks-ignored": 1,
    },
}


@pytest.fixture(scope="module")
def generations(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Generated]]:
    out = tmp_path_factory.mktemp("fixtures")
    yield {spec.stem: generate(spec, out, f"fx_{spec.stem}") for spec in SPECS}


@pytest.mark.parametrize("feature", [s.stem for s in SPECS])
def test_generates_with_exactly_the_expected_warnings(
    feature: str, generations: dict[str, Generated]
) -> None:
    generated = generations[feature]
    assert generated.ok, generated.report()
    assert not generated.codes(Severity.ERROR)
    assert dict(Counter(generated.codes(Severity.WARNING))) == EXPECTED_WARNINGS.get(feature, {}), (
        generated.report()
    )


@pytest.mark.parametrize("feature", [s.stem for s in SPECS])
def test_imports_builds_the_app_and_passes_ruff(
    feature: str, generations: dict[str, Generated]
) -> None:
    generated = generations[feature]
    result = import_in_subprocess(generated)
    assert result.returncode == 0, result.stderr[-4000:]
    for project in generated.projects:
        linted = ruff(project)
        assert linted.returncode == 0, linted.stdout


def test_mypy_strict_passes_on_every_fixture(
    generations: dict[str, Generated], tmp_path_factory: pytest.TempPathFactory
) -> None:
    result = mypy(generations.values(), tmp_path_factory.mktemp("mypy") / "cache")
    errors = mypy_errors_by_package(result.stdout)
    assert not errors and result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]


def test_pyright_passes_on_every_fixture(
    generations: dict[str, Generated], tmp_path_factory: pytest.TempPathFactory
) -> None:
    projects = [p for generated in generations.values() for p in generated.projects]
    errors = pyright(projects, tmp_path_factory.mktemp("pyright"))
    assert not errors, "\n".join(map(str, errors[:50]))


def test_strict_mode_turns_warnings_into_errors(tmp_path_factory: pytest.TempPathFactory) -> None:
    out = tmp_path_factory.mktemp("strict")
    generated = generate(FIXTURES / "unsupported.yaml", out, "strict_unsupported", strict=True)
    assert not generated.ok
    assert "unsupported-media-type" in generated.codes() and not list(out.iterdir())
    clean = generate(FIXTURES / "enums.yaml", out, "strict_clean", strict=True)
    assert clean.ok, clean.report()
