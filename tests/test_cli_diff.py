"""``apiforge diff``, ``check --breaking`` and ``generate``'s change summary and version bump, end to end.

A small project (pyproject.toml + the pet-shop spec) is generated with the real
pipeline (formatting off, for speed), then its spec is edited the way people do.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent / "unit"))
from diff_base import base

from apiforge.cli.main import main
from apiforge.output import cache

PYPROJECT = """\
[tool.apiforge]
output = "generated"

[[tool.apiforge.targets]]
spec = "shop.yaml"
client-package = "shop_client"
server-package = "shop_server"
format = false
bump-version = true
"""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def write_spec(document: dict[str, Any], name: str = "shop.yaml") -> Path:
    path = Path(name)
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("APIFORGE_CACHE_DIR", "off")
    Path("pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    write_spec(base())
    code, _, err = run("generate")
    assert code == 0, err
    return tmp_path


def _without_retrieve() -> dict[str, Any]:
    document = base()
    del document["paths"]["/pets/{id}/"]
    return document


def test_diff_two_files_text_json_and_fail_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    old, new = write_spec(base(), "old.yaml"), write_spec(_without_retrieve(), "new.yaml")
    code, out, _ = run("diff", str(old), str(new))
    assert code == 0
    assert "client.pets.retrieve(...): operation GET /pets/{id}/ removed [operation-removed]" in out
    assert "old: old.yaml:" in out and "#/paths/~1pets~1{id}~1/get" in out
    # the packages `apiforge generate new.yaml` makes: named after the title "Shop", not the file
    assert "shop_client: major" in out and "shop_server: minor" in out
    assert "new_client" not in out
    code, out, err = run("diff", str(old), str(new), "--format", "json", "--fail-on", "breaking")
    assert code == 1 and "--fail-on breaking" in err
    report = json.loads(out)["reports"][0]  # stdout holds the JSON document alone
    client = next(p for p in report["packages"] if p["audience"] == "client")
    assert client["bump"] == "major"
    assert client["changes"][0]["symbol"] == "client.pets.retrieve(...)"
    assert client["changes"][0]["old"]["line"] is not None
    assert run("diff", str(old), str(old), "--fail-on", "any")[0] == 0


def test_recorded_spec_against_the_edited_one(project: Path) -> None:
    manifest = json.loads(Path("generated/shop_client/.apiforge-manifest.json").read_text())
    assert manifest["spec_copy"] == ".apiforge-spec/shop.yaml"
    assert (
        Path("generated/shop_client/.apiforge-spec/shop.yaml").read_text()
        == Path("shop.yaml").read_text()
    )
    assert run("check", "--breaking")[0] == 0
    write_spec(_without_retrieve())
    code, out, _ = run("diff", "--against", "generated")
    assert code == 0 and "client.pets.retrieve(...)" in out
    assert "generated/shop_client/.apiforge-spec/shop.yaml:" in out  # the old side's file:line
    assert "shop_client: major (1.2.3 -> 2.0.0)" in out
    code, out, _ = run("diff")  # every configured target against what its output records
    assert code == 0 and "[operation-removed]" in out
    code, out, _ = run("check", "--breaking")
    assert code == 1 and "[operation-removed]" in out
    code, out, _ = run("check", "--breaking", "--format", "json")
    reports = json.loads(out)["reports"]
    assert code == 1 and len(reports) == 1  # client and server record one spec: one report
    assert {p["package"] for p in reports[0]["packages"]} == {"shop_client", "shop_server"}


def test_generate_summarises_bumps_and_writes_a_changelog(project: Path) -> None:
    assert 'version = "1.2.3"' in Path("generated/shop_client/pyproject.toml").read_text()
    write_spec(_without_retrieve())
    code, out, err = run("generate")
    assert code == 0, err
    assert "shop.yaml: shop_client: 1 breaking; shop_server: 1 compatible" in out
    assert "run apiforge diff for details" in out
    assert 'version = "2.0.0"' in Path("generated/shop_client/pyproject.toml").read_text()
    assert 'version = "1.3.0"' in Path("generated/shop_server/pyproject.toml").read_text()
    changelog = Path("generated/shop_client/CHANGELOG.md").read_text()
    assert changelog.startswith("# Changelog\n\n## 2.0.0\n")
    assert "- `client.pets.retrieve(...)`: operation GET /pets/{id}/ removed" in changelog
    assert run("check")[0] == 0  # check reproduces the bumped version and the changelog

    grown = _without_retrieve()
    grown["components"]["schemas"]["Pet"]["properties"]["age"] = {"type": "integer"}
    write_spec(grown)
    assert run("generate")[0] == 0
    assert 'version = "2.1.0"' in Path("generated/shop_client/pyproject.toml").read_text()
    changelog = Path("generated/shop_client/CHANGELOG.md").read_text()
    assert changelog.index("## 2.1.0") < changelog.index("## 2.0.0")
    assert run("check")[0] == 0
    assert run("check", "--breaking")[0] == 0  # the output records the spec it was made from


def test_a_manifest_without_a_copy_is_reported(project: Path) -> None:
    manifest_path = Path("generated/shop_client/.apiforge-manifest.json")
    manifest = json.loads(manifest_path.read_text())
    manifest["spec_copy"] = ""
    manifest_path.write_text(json.dumps(manifest))
    code, _, err = run("diff", "--against", "generated/shop_client")
    assert code == 2 and "no-recorded-spec" in err and "generate --force" in err


def test_a_spec_that_does_not_load_exits_2_not_1(project: Path) -> None:
    """CI tells a broken spec (2) from a breaking change (1), whatever --fail-on says."""
    broken = Path("broken.yaml")
    broken.write_text("openapi: 3.0.0\ninfo: {title: x\n", encoding="utf-8")
    for fail_on in ("never", "breaking", "any"):
        code, _, err = run("diff", "shop.yaml", str(broken), "--fail-on", fail_on)
        assert code == 2 and "yaml-syntax" in err
    code, out, _ = run("diff", "shop.yaml", str(broken), "--format", "json")
    assert code == 2 and json.loads(out)["diagnostics"][0]["code"] == "yaml-syntax"
    write_spec(_without_retrieve())
    assert run("check", "--breaking")[0] == 1  # a breaking change: still 1
    Path("shop.yaml").write_text(broken.read_text(), encoding="utf-8")
    code, _, err = run("check", "--breaking")
    assert code == 2 and "yaml-syntax" in err
    Path("pyproject.toml").write_text("[tool.apiforge]\ntargets = 3\n", encoding="utf-8")
    assert run("check", "--breaking")[0] == 2  # an invalid configuration
    assert run("diff", "--fail-on", "any")[0] == 2
    assert run("diff", "--help")[1].count("Exit codes:") == 1


def test_diff_of_a_misconfigured_project_names_the_config_line(project: Path) -> None:
    """Not a usage error asking for OLD NEW: the configuration's problems, as check prints them."""
    Path("pyproject.toml").write_text(PYPROJECT.replace("shop.yaml", "gone.yaml"))
    for command in (["diff"], ["check", "--breaking"]):
        code, _, err = run(*command)
        assert code == 2, err
        assert "pyproject.toml:5 #/tool/apiforge/targets/0/spec: error[config-spec-missing]" in err
        assert "pass OLD NEW" not in err


def test_generate_compares_without_loading_either_spec_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The summary reuses the pipeline's IR and the cached snapshot of the recorded spec."""
    from apiforge.diff import snapshot
    from apiforge.load import load

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))
    Path("pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    write_spec(base())
    assert run("generate")[0] == 0
    loads: list[Path] = []
    real_load = load.load

    def counted(path: Path, *args: Any, **kwargs: Any) -> Any:
        loads.append(path)
        return real_load(path, *args, **kwargs)

    def refused(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the old spec was loaded again")

    monkeypatch.setattr(load, "load", counted)
    monkeypatch.setattr(snapshot, "load_snapshot", refused)
    write_spec(_without_retrieve())
    code, out, err = run("generate")
    assert code == 0, err
    assert len(loads) == 1  # the pipeline's own load of the new spec, nothing else
    assert "shop.yaml: shop_client: 1 breaking; shop_server: 1 compatible" in out
    assert 'version = "2.0.0"' in Path("generated/shop_client/pyproject.toml").read_text()


def test_generate_falls_back_to_the_recorded_copy_when_the_cache_misses(project: Path) -> None:
    """With the cache off, the recorded copy is loaded and the summary is the same."""
    write_spec(_without_retrieve())
    code, out, err = run("generate")
    assert code == 0, err
    assert "shop.yaml: shop_client: 1 breaking; shop_server: 1 compatible" in out


def test_a_damaged_snapshot_in_the_cache_falls_back_to_the_recorded_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))
    Path("pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    write_spec(base())
    assert run("generate")[0] == 0
    folder = tmp_path / "cache" / "diff-snapshots"
    entries = cache.keys(folder)
    assert entries
    for entry in entries:
        cache.write(folder, entry, b"not a pickle")
    write_spec(_without_retrieve())
    code, out, err = run("generate")
    assert code == 0, err
    assert "shop.yaml: shop_client: 1 breaking; shop_server: 1 compatible" in out


def _first(edit: str) -> dict[str, Any]:
    """The spec generated first: the base one (an HTTP basic scheme declared, for ``credentials``)."""
    document = base()
    if edit == "credentials":
        document["components"]["securitySchemes"]["basic"] = {"type": "http", "scheme": "basic"}
    return document


def _edited(edit: str) -> dict[str, Any]:
    document = _first(edit)
    schemas = document["components"]["schemas"]
    if edit == "credentials":  # two of three operations take basic: Client(username=, password=)
        for method in ("get", "post"):
            document["paths"]["/pets/"][method]["security"] = [{"basic": []}]
    elif edit == "field":
        schemas["Pet"]["properties"]["colour"] = {"type": "string"}
    elif edit == "enum":
        schemas["Status"]["enum"].remove("sold")
    else:
        get = document["paths"]["/pets/"]["get"]
        get["parameters"].append(
            {"name": "owner", "in": "query", "required": True, "schema": {"type": "string"}}
        )
    return document


def _two_generations(
    monkeypatch: pytest.MonkeyPatch, folder: Path, cache_dir: str, edit: str
) -> dict[str, str]:
    """Summary line, versions and CHANGELOGs after generating the base spec, then an edited one."""
    folder.mkdir()
    monkeypatch.chdir(folder)
    monkeypatch.setenv("APIFORGE_CACHE_DIR", cache_dir)
    Path("pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    write_spec(_first(edit))
    assert run("generate")[0] == 0
    write_spec(_edited(edit))
    code, out, err = run("generate")
    assert code == 0, err
    found = {"summary": out.splitlines()[-1]}
    for package in ("shop_client", "shop_server"):
        for name in ("pyproject.toml", "CHANGELOG.md"):
            found[f"{package}/{name}"] = Path("generated", package, name).read_text()
    return found


@pytest.mark.parametrize("edit", ["field", "enum", "parameter", "credentials"])
def test_generate_with_the_cache_reports_what_it_reports_without(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: str
) -> None:
    """The comparison with the stored snapshot (only where the edit reaches) gives the summary,
    versions and CHANGELOG entries that loading the recorded copy gives."""
    from apiforge.diff import incremental

    taken: list[bool] = []
    real = incremental.compare_stored

    def spied(*args: Any, **kwargs: Any) -> Any:
        done = real(*args, **kwargs)
        taken.append(done is not None)
        return done

    monkeypatch.setattr(incremental, "compare_stored", spied)
    cached = _two_generations(monkeypatch, tmp_path / "cached", str(tmp_path / "cache"), edit)
    assert taken == [True]
    assert cached == _two_generations(monkeypatch, tmp_path / "loaded", "off", edit)
    assert "CHANGELOG" not in cached["summary"] and cached["shop_client/CHANGELOG.md"]
    if edit == "credentials":  # the stored snapshot knows the old main scheme: no operation does
        assert "shop_client: 1 breaking" in cached["summary"]
        assert "`Client(api_key=...)`" in cached["shop_client/CHANGELOG.md"]


def test_generate_records_the_spec_copy_the_release_step_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writer records the copy the comparison read and checked, without reading the
    spec again; the copy holds the spec's exact bytes, so the next run finds its snapshot."""
    from apiforge.output import write

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))
    Path("pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    write_spec(base())
    assert run("generate")[0] == 0

    def refused(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the writer read the spec again")

    monkeypatch.setattr(write, "spec_copy", refused)
    write_spec(_without_retrieve())
    code, out, err = run("generate")
    assert code == 0, err
    assert "shop.yaml: shop_client: 1 breaking; shop_server: 1 compatible" in out
    spec = next(Path().glob("*.yaml")).read_bytes()
    for package in ("shop_client", "shop_server"):
        copies = list(Path("generated", package, ".apiforge-spec").rglob("*.yaml"))
        assert [p.read_bytes() for p in copies] == [spec]


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_check_help_says_what_check_does(project: Path) -> None:
    write_spec(_without_retrieve())
    before = _tree(Path("generated"))
    code, out, _ = run("check", "--bump-version", "--format", "json")
    assert code == 1 and isinstance(json.loads(out), list)
    assert _tree(Path("generated")) == before  # --bump-version: no CHANGELOG.md written
    code, out, _ = run("check", "--breaking", "--format", "json")
    assert code == 1 and isinstance(json.loads(out), dict)

    helped = " ".join(run("check", "--help")[1].split())
    bump = helped[helped.index("--bump-version") : helped.index("--quiet")]
    assert "write a CHANGELOG" not in bump and "writes nothing" in bump
    assert "with --breaking, the report as one JSON object" in helped
