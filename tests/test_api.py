"""The library API: ``apiforge.generate``, ``apiforge.check``, ``apiforge.validate``.

Results come back as objects and failures as :class:`apiforge.DiagnosticsError` with
the diagnostics; nothing is printed and nothing exits. The build hook and the
command line are front ends over these calls (the hook never imports the CLI).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import apiforge
from apiforge import DiagnosticsError, GenerateFailed, Outcome, Overrides

PETS = """\
openapi: 3.0.3
info: {title: Pets, version: 1.0.0}
paths:
  /pets/{pet_id}:
    get:
      operationId: pets_retrieve
      parameters:
        - {name: pet_id, in: path, required: true, schema: {type: integer}}
      responses:
        "200":
          description: A pet.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
components:
  schemas:
    Pet:
      type: object
      required: [id]
      properties:
        id: {type: integer}
"""


@pytest.fixture
def spec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # no project pyproject.toml above: the spec's defaults apply
    path = tmp_path / "pets.yaml"
    path.write_text(PETS, encoding="utf-8")
    return path


def test_generate_writes_then_is_a_no_op_and_prints_nothing(
    spec: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    out = spec.parent / "out"
    first = apiforge.generate(spec, overrides=Overrides(output=out))
    assert [r.outcome for r in first.targets] == [Outcome.WRITTEN]
    assert first.written == (first.targets[0].target,)
    assert (out / "pets_client" / "pets_client" / "__init__.py").is_file()
    assert (out / "pets_server" / "pets_server" / "__init__.py").is_file()
    again = apiforge.generate(spec, overrides=Overrides(output=out))
    assert [r.outcome for r in again.targets] == [Outcome.UP_TO_DATE]
    assert capfd.readouterr() == ("", "")


def test_check_reports_a_hand_edit_with_its_diff(
    spec: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    out = spec.parent / "out"
    apiforge.generate(spec, overrides=Overrides(output=out))
    assert apiforge.check(spec, overrides=Overrides(output=out)).targets[0].outcome is (
        Outcome.UP_TO_DATE
    )
    edited = out / "pets_client" / "pets_client" / "models" / "__init__.py"
    edited.write_text(edited.read_text(encoding="utf-8") + "# mine\n", encoding="utf-8")
    with pytest.raises(DiagnosticsError, match="1 of 1 target") as failed:
        apiforge.check(spec, overrides=Overrides(output=out))
    assert [d.code for d in failed.value.diagnostics] == ["hand-edited"]
    seen: list[str] = []
    result = apiforge.check(
        spec, overrides=Overrides(output=out), on_diff=seen.append, raise_on_difference=False
    )
    (only,) = result.targets
    assert only.outcome is Outcome.DIFFERS and only.diffs == tuple(seen)
    assert "+# mine" not in only.diffs[0] and "-# mine" in only.diffs[0]
    assert capfd.readouterr() == ("", "")


def test_check_of_a_spec_that_does_not_generate_says_so(spec: Path) -> None:
    """A broken spec is not a stale output: the summary says the target failed to generate."""
    out = spec.parent / "out"
    apiforge.generate(spec, overrides=Overrides(output=out))
    spec.write_text(PETS.replace("#/components/schemas/Pet", "#/components/schemas/Pat"))
    with pytest.raises(DiagnosticsError) as failed:
        apiforge.check(spec, overrides=Overrides(output=out))
    assert str(failed.value) == "apiforge check: 1 of 1 target(s) failed to generate"
    assert "ref-not-found" in {d.code for d in failed.value.diagnostics}
    result = apiforge.check(spec, overrides=Overrides(output=out), raise_on_difference=False)
    assert [r.outcome for r in result.targets] == [Outcome.FAILED]


def test_generate_failure_raises_with_diagnostics_and_writes_nothing(spec: Path) -> None:
    spec.write_text(PETS.replace("#/components/schemas/Pet", "#/components/schemas/Pat"))
    out = spec.parent / "out"
    with pytest.raises(GenerateFailed) as failed:
        apiforge.generate(spec, overrides=Overrides(output=out))
    assert str(failed.value) == "apiforge: 1 of 1 target(s) failed"
    assert [t.spec for t in failed.value.failed] == [spec]
    assert any(d.severity.value == "error" for d in failed.value.diagnostics)
    assert not out.exists()


def test_one_name_for_client_and_server_is_refused(spec: Path) -> None:
    (target,) = apiforge.resolve(spec, Overrides(output=spec.parent / "out"))
    from dataclasses import replace

    same = replace(target, server_package=target.client_package)
    with pytest.raises(ValueError, match="cannot both be named"):
        apiforge.generate(targets=[same])


def test_a_spec_url_is_refused_with_what_to_do() -> None:
    with pytest.raises(ValueError, match="is a URL: apiforge reads a spec from a local file"):
        apiforge.generate("https://example.com/api.yaml")
    with pytest.raises(ValueError, match="is a URL"):
        apiforge.validate("http://example.com/api.yaml")


def test_validate_returns_facts_or_raises_with_diagnostics(
    spec: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    result = apiforge.validate(spec)
    assert (result.openapi_version, result.operations, result.schemas) == ("3.0.3", 1, 1)
    assert result.diagnostics == () and result.warnings == 0
    spec.write_text(PETS.replace("type: integer}}", "type: integr}}"))
    with pytest.raises(DiagnosticsError) as failed:
        apiforge.validate(spec)
    assert failed.value.diagnostics and str(failed.value).startswith(f"{spec}: ")
    assert capfd.readouterr() == ("", "")
    assert not list(spec.parent.glob("*_client"))


def _modules_after(code: str) -> set[str]:
    probe = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(json.loads(done.stdout))


def test_import_apiforge_is_cheap_and_the_api_loads_on_use() -> None:
    assert not {"apiforge.api", "apiforge.engine", "click"} & _modules_after("import apiforge")
    loaded = _modules_after("import apiforge; apiforge.generate")
    assert "apiforge.api" in loaded and "apiforge.pipeline" not in loaded


def test_the_build_hook_uses_the_library_not_the_cli() -> None:
    loaded = _modules_after("import apiforge.cli.build_hook")
    assert "apiforge.api" in loaded
    assert not {m for m in loaded if m == "apiforge.cli.main" or ".commands" in m}


def test_the_readme_library_example_runs_as_written(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## As a library\n", 1)[1].split("\n## ", 1)[0]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    (tmp_path / "spec").mkdir()
    (tmp_path / "spec" / "pets.yaml").write_text(PETS, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.apiforge]\noutput = "out"\n\n[[tool.apiforge.targets]]\nspec = "spec/pets.yaml"\n',
        encoding="utf-8",
    )
    ran = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert (ran.returncode, ran.stdout) == (0, "['written']\n"), ran.stderr
    assert (tmp_path / "out" / "pets_client" / "pets_client" / "__init__.py").is_file()


def test_the_readme_names_the_attributes_a_diagnostic_has() -> None:
    """Every `.name` the README lists for ``DiagnosticsError.diagnostics`` exists on one."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    sentence = readme.split("A failure raises `apiforge.DiagnosticsError` (", 1)[1].split(");", 1)[
        0
    ]
    first, *names = [part.split("`", 1)[0].removesuffix("()") for part in sentence.split("`.")[1:]]
    assert first == "diagnostics"
    assert {"code", "location", "file", "line", "pointer"} <= set(names)
    with pytest.raises(DiagnosticsError) as failed:
        apiforge.validate(Path(__file__).parent / "diagnostics" / "cases" / "type_typo.yaml")
    diagnostic = failed.value.diagnostics[0]
    for name in names:
        assert hasattr(diagnostic, name) or hasattr(diagnostic.location, name), name


def test_no_project_config_is_not_called_invalid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """apiforge.check() with no [tool.apiforge] anywhere says what is missing, not "invalid"."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DiagnosticsError) as failed:
        apiforge.check()
    assert str(failed.value) == (
        "apiforge: no pyproject.toml with a [tool.apiforge] table here or in any parent; "
        "pass a SPEC"
    )
    assert [d.code for d in failed.value.diagnostics] == ["config-missing"]
