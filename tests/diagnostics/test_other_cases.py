"""Cases for diagnostic codes that no spec file under ``cases/`` can trigger on its own.

Configuration problems, the write stage's refusals, ``apiforge check``'s findings,
unreadable or undecodable input and problems of the generator's own output. Each case
builds its situation in a temporary directory, runs the stage that reports the code and
returns the diagnostics; ``test_case`` checks that the code is among them, with the file
it names. ``test_codes.py`` counts every key of :data:`CASES` as covered.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from apiforge.cli.build_hook import python_floor
from apiforge.cli.commands.diff import _records
from apiforge.config.project import load_project, resolve_targets
from apiforge.config.targets import ConfigError, NoProjectConfig, Overrides, Target
from apiforge.diagnostics import Diagnostic, Sink
from apiforge.engine import Outcome, compare_package, generate_target, render_target
from apiforge.load.load import load
from apiforge.output.format import format_files
from apiforge.output.journal import Journal
from apiforge.output.manifest import STAGING_PREFIX
from apiforge.output.untracked import untracked_files
from apiforge.output.write import WriteRefused, package_trees, write_packages
from apiforge.pipeline import Rendered, render

Case = Callable[[Path, pytest.MonkeyPatch], list[Diagnostic]]
CASES: dict[str, Case] = {}

SPEC = "openapi: 3.0.3\ninfo: {title: shop, version: '1'}\npaths: {}\n"
FILES = {
    "shop_client/pyproject.toml": "[project]\n",
    "shop_client/shop_client/__init__.py": "A = 1\n",
    "shop_client/shop_client/models.py": "B = 2\n",
}


def case(code: str) -> Callable[[Case], Case]:
    def register(function: Case) -> Case:
        CASES[code] = function
        return function

    return register


class Collecting:
    """A reporter that keeps the diagnostics a command would print."""

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []
        self.reads: set[str] = set()

    def diagnostics(self, items: list[Diagnostic]) -> None:
        self.items.extend(items)

    def stage(self, text: str) -> None:
        pass

    def status(self, text: str) -> None:
        pass

    def status_err(self, text: str) -> None:
        pass

    @contextlib.contextmanager
    def listening(self) -> Iterator[None]:
        yield


def _target(tmp: Path, **overrides: Any) -> Target:
    spec = tmp / "shop.yaml"
    spec.write_text(SPEC)
    return Target.for_spec(spec, tmp / "out", server_package=None, **overrides)


def _trees(target: Target, files: dict[str, str]) -> dict[str, dict[str, bytes]]:
    return package_trees(target, files, ("shop_client",), {}, "templates-hash")


def _refusals(target: Target, files: dict[str, str]) -> list[Diagnostic]:
    with pytest.raises(WriteRefused) as refused:
        write_packages(target.output, _trees(target, files))
    return refused.value.diagnostics


def _config(tmp: Path, body: str) -> list[Diagnostic]:
    path = tmp / "pyproject.toml"
    path.write_text('[project]\nname = "demo"\n\n' + body)
    with pytest.raises(ConfigError) as raised:
        load_project(path, Overrides())
    return raised.value.diagnostics


# ---- configuration -------------------------------------------------------------------------


@case("config-unreadable")
def _config_unreadable(tmp: Path, _: pytest.MonkeyPatch) -> list[Diagnostic]:
    return _config(tmp, "[tool.apiforge\n")


@case("config-invalid")
def _config_invalid(tmp: Path, _: pytest.MonkeyPatch) -> list[Diagnostic]:
    return _config(tmp, '[tool.apiforge]\noutput = 5\n[[tool.apiforge.targets]]\nspec = "s.yaml"\n')


@case("config-unknown-key")
def _config_unknown_key(tmp: Path, _: pytest.MonkeyPatch) -> list[Diagnostic]:
    return _config(
        tmp, '[tool.apiforge]\nouptut = "x"\n[[tool.apiforge.targets]]\nspec = "s.yaml"\n'
    )


@case("config-package-clash")
def _config_package_clash(tmp: Path, _: pytest.MonkeyPatch) -> list[Diagnostic]:
    targets = '[[tool.apiforge.targets]]\nspec = "a.yaml"\nclient-package = "shop"\n' * 2
    return _config(tmp, '[tool.apiforge]\noutput = "out"\n' + targets)


@case("config-spec-missing")
def _config_spec_missing(tmp: Path, monkeypatch: pytest.MonkeyPatch) -> list[Diagnostic]:
    monkeypatch.chdir(tmp)
    Path("pyproject.toml").write_text(
        '[tool.apiforge]\n[[tool.apiforge.targets]]\nspec = "gone.yaml"\n'
    )
    with pytest.raises(ConfigError) as raised:
        resolve_targets(None, Overrides())
    return raised.value.diagnostics


@case("config-missing")
def _config_missing(tmp: Path, monkeypatch: pytest.MonkeyPatch) -> list[Diagnostic]:
    monkeypatch.chdir(tmp)
    with pytest.raises(NoProjectConfig) as raised:
        resolve_targets(None, Overrides())
    return raised.value.diagnostics


# ---- reading input -------------------------------------------------------------------------


def _load(path: Path) -> list[Diagnostic]:
    sink = Sink()
    assert load(path, sink) is None
    return list(sink)


@case("read-failed")
def _read_failed(tmp: Path, _: pytest.MonkeyPatch) -> list[Diagnostic]:
    return _load(tmp / "absent.yaml")


@case("invalid-unicode")
def _invalid_unicode(tmp: Path, _: pytest.MonkeyPatch) -> list[Diagnostic]:
    path = (
        tmp / "surrogate.json"
    )  # JSON can escape half a surrogate pair; YAML refuses it as a syntax error
    path.write_text(
        '{"openapi": "3.0.3", "info": {"title": "half \\ud83d a pair", "version": "1"}, "paths": {}}'
    )
    return _load(path)


@case("bad-encoding")
def _bad_encoding(tmp: Path, _: pytest.MonkeyPatch) -> list[Diagnostic]:
    path = tmp / "latin1.yaml"
    path.write_bytes(SPEC.replace("shop", "caf\xe9").encode("latin-1"))
    return _load(path)


@case("json-syntax")
def _json_syntax(tmp: Path, _: pytest.MonkeyPatch) -> list[Diagnostic]:
    path = tmp / "broken.json"
    path.write_text(
        '{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},\n "paths": {,}}\n'
    )
    return _load(path)


# ---- the generator's own output ------------------------------------------------------------


@case("format-failed")
def _format_failed(tmp: Path, _: pytest.MonkeyPatch) -> list[Diagnostic]:
    sink = Sink()
    format_files({"shop_client/shop_client/broken.py": "def broken(:\n    pass\n"}, sink)
    return list(sink)


@case("invalid-package-name")
def _invalid_package_name(tmp: Path, _: pytest.MonkeyPatch) -> list[Diagnostic]:
    sink = Sink()
    assert render(_target(tmp, client_package="con", format=False), sink) is None
    return list(sink)


@case("no-output")
def _no_output(tmp: Path, _: pytest.MonkeyPatch) -> list[Diagnostic]:
    """A renderer (``run_generate(render=...)``, the build hook) that fails without saying why."""
    reporter = Collecting()
    assert render_target(_target(tmp), lambda target, sink: None, reporter, "shop.yaml") is None  # type: ignore[arg-type]
    return reporter.items


# ---- writing -------------------------------------------------------------------------------


@case("write-failed")
def _write_failed(tmp: Path, _: pytest.MonkeyPatch) -> list[Diagnostic]:
    (tmp / "blocker").write_text("a file where the output directory's parent should be")
    target = Target.for_spec(_target(tmp).spec, tmp / "blocker" / "out", server_package=None)
    reporter = Collecting()
    rendered = Rendered(dict(FILES), ("shop_client",))
    outcome = generate_target(target, lambda t, s: rendered, reporter, force=True)  # type: ignore[arg-type]
    assert outcome is Outcome.FAILED
    return reporter.items


@case("interrupted-write")
def _interrupted_write(tmp: Path, _: pytest.MonkeyPatch) -> list[Diagnostic]:
    """A write killed after replacing a file that was then edited: nothing to put it back over."""
    target = _target(tmp)
    write_packages(target.output, _trees(target, FILES))
    models = target.output / "shop_client/shop_client/models.py"
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=target.output))
    journal = Journal(str(staging), "changes")
    journal.note("put", "shop_client/shop_client/models.py", "0", "1", "0" * 64)
    models.rename(staging / "1")
    models.write_text("# edited after the kill\n")
    journal.close()
    return _refusals(target, FILES)


@case("staging-left")
def _staging_left(tmp: Path, _: pytest.MonkeyPatch) -> list[Diagnostic]:
    """A staging folder of an older apiforge (no journal) that holds files."""
    target = _target(tmp)
    write_packages(target.output, _trees(target, FILES))
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=target.output))
    (staging / "0").write_text("B = 1\n")
    reporter = Collecting()
    generate_target(
        target, lambda t, s: Rendered(dict(FILES), ("shop_client",)), reporter, force=False
    )  # type: ignore[arg-type]
    return reporter.items


@case("unsafe-output-path")
def _unsafe_output_path(tmp: Path, _: pytest.MonkeyPatch) -> list[Diagnostic]:
    target = _target(tmp)
    with pytest.raises(WriteRefused) as refused:
        _trees(target, {**FILES, "shop_client/../escaped.py": "x = 1\n"})
    return refused.value.diagnostics


@case("user-file-conflict")
def _user_file_conflict(tmp: Path, _: pytest.MonkeyPatch) -> list[Diagnostic]:
    target = _target(tmp)
    (target.output / "shop_client/shop_client").mkdir(parents=True)
    (target.output / "shop_client/shop_client/models.py").write_text("# my own models\n")
    return _refusals(target, FILES)


@case("hand-edited")
def _hand_edited(tmp: Path, _: pytest.MonkeyPatch) -> list[Diagnostic]:
    target = _target(tmp)
    write_packages(target.output, _trees(target, FILES))
    (target.output / "shop_client/shop_client/__init__.py").write_text("A = 'mine'\n")
    return _refusals(target, {**FILES, "shop_client/shop_client/__init__.py": "A = 3\n"})


@case("manifest-unreadable")
def _manifest_unreadable(tmp: Path, _: pytest.MonkeyPatch) -> list[Diagnostic]:
    target = _target(tmp)
    write_packages(target.output, _trees(target, FILES))
    (target.output / "shop_client/.apiforge-manifest.json").write_text("{not json")
    return _refusals(target, FILES)


@case("output-not-a-directory")
def _output_not_a_directory(tmp: Path, _: pytest.MonkeyPatch) -> list[Diagnostic]:
    target = _target(tmp)
    target.output.mkdir()
    (target.output / "shop_client").write_text("not a directory")
    return _refusals(target, FILES)


# ---- apiforge check ------------------------------------------------------------------------


def _check(tmp: Path, change: Callable[[Path], None], files: dict[str, str]) -> list[Diagnostic]:
    """Write FILES, change the package on disk, compare it with what ``files`` would write."""
    target = _target(tmp)
    write_packages(target.output, _trees(target, FILES))
    change(target.output / "shop_client")
    problems, _, _ = compare_package(
        target.output / "shop_client", _trees(target, files)["shop_client"]
    )
    return problems


@case("missing-file")
def _missing_file(tmp: Path, _: pytest.MonkeyPatch) -> list[Diagnostic]:
    return _check(tmp, lambda package: (package / "shop_client/models.py").unlink(), FILES)


@case("orphaned-file")
def _orphaned_file(tmp: Path, _: pytest.MonkeyPatch) -> list[Diagnostic]:
    fewer = {k: v for k, v in FILES.items() if not k.endswith("models.py")}
    return _check(tmp, lambda package: None, fewer)


@case("stale-file")
def _stale_file(tmp: Path, _: pytest.MonkeyPatch) -> list[Diagnostic]:
    return _check(
        tmp, lambda package: None, {**FILES, "shop_client/shop_client/models.py": "B = 3\n"}
    )


@case("untracked-file")
def _untracked_file(tmp: Path, _: pytest.MonkeyPatch) -> list[Diagnostic]:
    target = _target(tmp)
    write_packages(target.output, _trees(target, FILES))
    (target.output / "shop_client/shop_client/extra.py").write_text("STALE = True\n")
    return untracked_files(target.output / "shop_client", "shop_client")


@case("requires-python-too-low")
def _requires_python_too_low(tmp: Path, _: pytest.MonkeyPatch) -> list[Diagnostic]:
    pyproject = tmp / "pyproject.toml"
    pyproject.write_text('[project]\nname = "app"\nrequires-python = ">=3.9"\n')
    found = python_floor(">=3.9", pyproject)
    return [found] if found else []


# ---- apiforge diff --against ---------------------------------------------------------------


@case("no-manifest")
def _no_manifest(tmp: Path, _: pytest.MonkeyPatch) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    (tmp / "empty").mkdir()
    _records(tmp / "empty", problems)
    return problems


@case("no-recorded-spec")
def _no_recorded_spec(tmp: Path, _: pytest.MonkeyPatch) -> list[Diagnostic]:
    target = _target(tmp)
    write_packages(target.output, _trees(target, FILES))
    shutil.rmtree(target.output / "shop_client/.apiforge-spec")  # as an older apiforge left it
    problems: list[Diagnostic] = []
    _records(target.output, problems)
    return problems


@pytest.mark.parametrize("code", sorted(CASES))
def test_case(code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))
    work = tmp_path / "work"
    work.mkdir()
    diagnostics = CASES[code](work, monkeypatch)
    found = [d for d in diagnostics if d.code == code]
    assert found, f"expected {code}, got {[(d.code, d.message) for d in diagnostics]}"
    assert all(d.location.file and d.message for d in found), json.dumps(
        [d.as_dict() for d in found]
    )
