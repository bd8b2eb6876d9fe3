"""``apiforge generate`` and ``apiforge check`` through click's CliRunner, with a fake pipeline.

The fake honours the pipeline contract (``render(target, sink) -> Rendered | None``,
pure) so these tests do not depend on the real stages. A "spec" here is a text
file: ``ref: other.txt`` lines pull in another file (like a $ref), ``ERROR`` and
``WARN`` lines report diagnostics, ``EXTRA`` adds a file.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from apiforge.cli.main import main
from apiforge.config.targets import Target
from apiforge.diagnostics import Sink, SpecLocation
from apiforge.output.manifest import MANIFEST_NAME, STAGING_PREFIX
from apiforge.pipeline import Rendered
from apiforge.progress import Reporter

HEAVY = ("jinja2", "black", "datamodel_code_generator", "pydantic", "openapi_pydantic", "yaml")
HEAVY += ("difflib",)  # not heavy, but only check's diffs need it
HEAVY_OURS = ("apiforge.pipeline", "apiforge.config.schema")


class FakePipeline:
    """A render function that counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, target: Target, sink: Sink) -> Rendered | None:
        self.calls += 1
        text = target.spec.read_text(encoding="utf-8")
        hashes = {str(target.spec): hashlib.sha256(target.spec.read_bytes()).hexdigest()}
        for line in text.splitlines():
            if line.startswith("ref: "):
                ref = target.spec.parent / line[5:]
                text += ref.read_text(encoding="utf-8")
                hashes[str(ref)] = hashlib.sha256(ref.read_bytes()).hexdigest()
        where = SpecLocation(str(target.spec), "/info", 1)
        if "ERROR" in text:
            sink.error("fake-error", "the spec says ERROR", where)
        if "WARN" in text:
            sink.warning("fake-warning", "the spec says WARN", where)
        if sink.has_errors(strict=target.strict):
            return None
        files: dict[str, str] = {}
        packages = tuple(p for p in (target.client_package, target.server_package) if p)
        for package in packages:
            files[f"{package}/pyproject.toml"] = f'[project]\nname = "{package}"\n'
            files[f"{package}/{package}/__init__.py"] = f"SPEC = {text!r}\n"
            if "EXTRA" in text:
                files[f"{package}/{package}/extra.py"] = "EXTRA = True\n"
        return Rendered(files, packages, hashes)


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def fake() -> FakePipeline:
    return FakePipeline()


def run(fake: Callable[[Target, Sink], Rendered | None], *args: str) -> tuple[int, str, str]:
    """Invoke the CLI with the fake pipeline; (exit code, stdout, stderr)."""
    result = CliRunner().invoke(main, list(args), obj={"render": fake}, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def write_spec(text: str, name: str = "shop.txt") -> Path:
    path = Path(name)
    path.write_text(text, encoding="utf-8")
    return path


# --- generate SPEC --------------------------------------------------------------------------


def test_generate_spec_writes_packages_and_manifests(fake: FakePipeline) -> None:
    write_spec("title: Shop\n")
    code, out, _ = run(fake, "generate", "shop.txt")
    assert code == 0
    # two packages of two rendered files and a copy of the spec each
    assert "shop.txt: wrote 6 files to generated/shop_client, generated/shop_server (" in out
    assert "has no manifest" in out
    assert (
        Path("generated/shop_client/shop_client/__init__.py").read_text()
        == "SPEC = 'title: Shop\\n'\n"
    )
    manifest = json.loads(Path("generated/shop_client", MANIFEST_NAME).read_text())
    assert manifest["package"] == "shop_client"
    assert manifest["spec"] == "../../shop.txt"
    assert set(manifest["files"]) == {
        "pyproject.toml",
        "shop_client/__init__.py",
        ".apiforge-spec/shop.txt",
    }
    assert manifest["spec_copy"] == ".apiforge-spec/shop.txt"


def test_second_run_is_a_no_op(fake: FakePipeline) -> None:
    write_spec("title: Shop\n")
    run(fake, "generate", "shop.txt")
    before = snapshot(Path("generated"))
    code, out, _ = run(fake, "generate", "shop.txt")
    assert (code, out) == (0, "shop.txt: up to date\n")
    assert fake.calls == 1
    assert snapshot(Path("generated")) == before


def test_force_regenerates(fake: FakePipeline) -> None:
    write_spec("title: Shop\n")
    run(fake, "generate", "shop.txt")
    code, out, _ = run(fake, "generate", "--force", "shop.txt")
    assert code == 0 and "wrote" in out and fake.calls == 2


def test_spec_change_and_referenced_file_change_regenerate(fake: FakePipeline) -> None:
    write_spec("title: Shop\nref: parts.txt\n")
    Path("parts.txt").write_text("part 1\n")
    run(fake, "generate", "shop.txt")
    Path("parts.txt").write_text("part 2\n")
    code, out, _ = run(fake, "generate", "shop.txt")
    assert code == 0 and "wrote" in out
    assert "part 2" in Path("generated/shop_server/shop_server/__init__.py").read_text()
    write_spec("title: Shop!\nref: parts.txt\n")
    assert "wrote" in run(fake, "generate", "shop.txt")[1]
    assert fake.calls == 3


def test_the_count_written_is_of_files_that_changed(fake: FakePipeline) -> None:
    write_spec("title: Shop\n")
    run(fake, "generate", "shop.txt")
    Path("generated/shop_client/pyproject.toml").unlink()
    code, out, err = run(fake, "generate", "shop.txt")  # restored by rebuilding the package
    assert code == 0 and "shop.txt: wrote 1 of 6 files (the rest unchanged) to " in out, err
    assert Path("generated/shop_client/pyproject.toml").is_file()
    write_spec("title: Shop!\n")
    code, out, _ = run(fake, "generate", "shop.txt")  # in place: each __init__.py and spec copy
    assert code == 0 and "shop.txt: wrote 4 of 6 files (the rest unchanged) to " in out, out
    Path("generated/shop_server/pyproject.toml").unlink()
    code, out, _ = run(fake, "generate", "--force", "shop.txt")  # --force rebuilds, rewrites 1
    assert code == 0 and "shop.txt: wrote 1 of 6 files (the rest unchanged) to " in out, out


def test_the_progress_line_counts_the_files_the_status_line_counts(fake: FakePipeline) -> None:
    """``writing N files`` once counted the rendered texts only (spec copies aside), so a
    first run said ``writing 4`` and then ``wrote 6``."""
    write_spec("title: Shop\n")
    code, out, err = run(fake, "generate", "shop.txt")
    assert code == 0 and "shop.txt: writing 6 files" in out + err, out + err
    assert "shop.txt: wrote 6 files to " in out, out


def test_a_folder_emptied_by_hand_is_filled_again(fake: FakePipeline) -> None:
    write_spec("title: Shop\n")
    run(fake, "generate", "shop.txt")
    Path("generated/shop_client/shop_client/__init__.py").unlink()  # the folder's only file
    code, out, err = run(fake, "generate", "shop.txt")
    assert code == 0 and "shop.txt: wrote 1 of 6 files (the rest unchanged) to " in out, err
    assert Path("generated/shop_client/shop_client/__init__.py").is_file()
    assert run(fake, "check", "shop.txt")[0] == 0


def test_output_and_package_flags(fake: FakePipeline) -> None:
    write_spec("title: Shop\n")
    code, _, _ = run(
        fake, "generate", "shop.txt", "-o", "out", "--no-server", "--client-package", "shopx"
    )
    assert code == 0
    assert sorted(p.name for p in Path("out").iterdir()) == ["shopx"]


def test_stale_generated_files_are_removed(fake: FakePipeline) -> None:
    write_spec("EXTRA\n")
    run(fake, "generate", "shop.txt")
    assert Path("generated/shop_client/shop_client/extra.py").exists()
    write_spec("no more\n")
    run(fake, "generate", "shop.txt")
    assert not Path("generated/shop_client/shop_client/extra.py").exists()


def test_bad_spec_exits_1_and_leaves_output_intact(fake: FakePipeline) -> None:
    write_spec("title: Shop\n")
    run(fake, "generate", "shop.txt")
    Path("generated/shop_client/my_notes.txt").write_text("mine")
    before = snapshot(Path("generated"))
    write_spec("ERROR\n")
    code, _out, err = run(fake, "generate", "shop.txt")
    assert code == 1
    assert "shop.txt:1 #/info: error[fake-error]: the spec says ERROR" in err
    assert "1 of 1 target(s) failed" in err
    assert snapshot(Path("generated")) == before


def test_user_files_survive_regeneration(fake: FakePipeline) -> None:
    write_spec("title: Shop\n")
    run(fake, "generate", "shop.txt")
    Path("generated/shop_client/my_notes.txt").write_text("mine")
    write_spec("title: Changed\n")
    assert run(fake, "generate", "shop.txt")[0] == 0
    assert Path("generated/shop_client/my_notes.txt").read_text() == "mine"


def test_hand_edited_file_stops_generate_unless_forced(fake: FakePipeline) -> None:
    write_spec("title: Shop\n")
    run(fake, "generate", "shop.txt")
    edited = Path("generated/shop_client/shop_client/__init__.py")
    edited.write_text("# my edit\n")
    write_spec("title: Changed\n")
    code, _, err = run(fake, "generate", "shop.txt")
    assert code == 1
    assert "generated/shop_client/shop_client/__init__.py" in err and "hand-edited" in err
    assert edited.read_text() == "# my edit\n"
    assert run(fake, "generate", "--force", "shop.txt")[0] == 0
    assert "Changed" in edited.read_text()


def test_warnings_pass_unless_strict(fake: FakePipeline) -> None:
    write_spec("WARN\n")
    code, _, err = run(fake, "generate", "shop.txt")
    assert code == 0 and "warning[fake-warning]" in err
    write_spec("WARN again\n")
    code, _, err = run(fake, "generate", "--strict", "shop.txt")
    assert code == 1
    # The line says what failed the run: the warning, made an error by --strict.
    assert "error[fake-warning]: the spec says WARN (a warning; --strict makes it an error)" in err
    assert "shop.txt: --strict: 1 warning(s) failed the run (fake-warning)" in err


def test_json_diagnostics(fake: FakePipeline) -> None:
    write_spec("ERROR\nWARN\n")
    code, out, err = run(fake, "generate", "--format", "json", "shop.txt")
    assert code == 1 and '"code"' not in err  # the JSON goes to stdout, alone: `... | jq` works
    items = json.loads(out)
    assert [(d["code"], d["severity"], d["line"]) for d in items] == [
        ("fake-error", "error", 1),
        ("fake-warning", "warning", 1),
    ]


def test_quiet_prints_nothing_on_success(fake: FakePipeline) -> None:
    write_spec("title: Shop\n")
    assert run(fake, "generate", "-q", "shop.txt") == (0, "", "")


def test_package_flags_need_a_spec(fake: FakePipeline) -> None:
    code, _, err = run(fake, "generate", "--client-package", "x")
    assert code == 2 and "--client-package need(s) a SPEC" in err


@pytest.mark.parametrize("command", ["generate", "check", "watch", "validate", "diff"])
def test_a_spec_url_is_a_usage_error_that_says_what_to_do(fake: FakePipeline, command: str) -> None:
    code, _, err = run(fake, command, "https://example.com/api.yaml")
    assert code == 2 and "is a URL: apiforge reads a spec from a local file" in err
    assert "curl -o api.yaml https://example.com/api.yaml" in err


def test_no_spec_and_no_config_is_a_usage_error(fake: FakePipeline) -> None:
    code, _, err = run(fake, "generate")
    assert code == 2 and "no pyproject.toml with a [tool.apiforge] table" in err


def test_conflicting_package_flags(fake: FakePipeline) -> None:
    write_spec("x\n")
    assert run(fake, "generate", "shop.txt", "--no-client", "--client-package", "a")[0] == 2


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--no-client", "--no-server"], "--no-client and --no-server leave nothing to generate"),
        (["--client-package", "my-client"], "'my-client' is not a valid Python package name"),
        (["--server-package", "class"], "'class' is not a valid Python package name"),
        (["--client-package", "json"], "'json' is a standard library module"),
        (["--server-package", "httpx"], "'httpx' is a dependency of the generated code"),
        (["--api-key-env", "A B"], "'A B' is not a valid environment variable name"),
        (["--base-url-env", "1X"], "'1X' is not a valid environment variable name"),
    ],
)
@pytest.mark.parametrize("command", ["generate", "check"])  # watch shares the options
def test_flags_the_config_would_reject_are_usage_errors(
    fake: FakePipeline, command: str, flags: list[str], message: str
) -> None:
    """The same values `[tool.apiforge]` rejects: exit 2 naming the flag, nothing generated."""
    write_spec("title: Shop\n")
    code, _, err = run(fake, command, "shop.txt", *flags)
    assert (code, fake.calls) == (2, 0)
    assert message in err
    assert not Path("generated").exists()


def _interrupted_while_cleaning_up(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Ctrl-C at the first file a write deletes from its staging folder (past its commit point)."""
    real_unlink, calls = os.unlink, []

    def interrupted_once(path: str | Path, *args: object, **kwargs: object) -> None:
        if not calls and Path(path).parent.name.startswith(STAGING_PREFIX):
            calls.append(str(path))
            raise KeyboardInterrupt
        real_unlink(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "unlink", interrupted_once)
    return calls


@pytest.mark.parametrize("force", [False, True])  # the in-place write, and the staged swap
def test_ctrl_c_once_the_output_is_complete_says_so_and_exits_130(
    fake: FakePipeline, monkeypatch: pytest.MonkeyPatch, force: bool
) -> None:
    write_spec("title: Shop\n")
    assert run(fake, "generate", "shop.txt")[0] == 0
    write_spec("title: Shop 2\n")
    calls = _interrupted_while_cleaning_up(monkeypatch)
    code, out, err = run(fake, "generate", "shop.txt", *(["--force"] if force else []))
    assert calls
    assert code == 130  # interrupted as asked; progress lines above, and no Aborted!
    assert err.endswith(" files\napiforge: interrupted, but the output is complete (shop.txt)\n")
    assert out.startswith("shop.txt: wrote ")
    assert "Shop 2" in Path("generated/shop_client/shop_client/__init__.py").read_text()


# --- generate with [tool.apiforge] ----------------------------------------------------------

PYPROJECT = """\
[project]
name = "demo"

[tool.apiforge]
output = "gen"

[[tool.apiforge.targets]]
spec = "specs/shop.txt"
server-package = false

[[tool.apiforge.targets]]
spec = "specs/pets.txt"
client-package = "pets"
"""


def make_project(pyproject: str = PYPROJECT) -> None:
    Path("pyproject.toml").write_text(pyproject)
    Path("specs").mkdir()
    Path("specs/shop.txt").write_text("shop\n")
    Path("specs/pets.txt").write_text("pets\n")


def test_project_targets_from_a_subdirectory(
    fake: FakePipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_project()
    Path("sub").mkdir()
    monkeypatch.chdir("sub")
    code, out, _ = run(fake, "generate")
    assert code == 0, out
    assert sorted(p.name for p in Path("../gen").iterdir()) == [
        "pets",
        "pets_server",
        "shop_client",
    ]
    code, out, _ = run(fake, "generate")
    assert out == "../specs/shop.txt: up to date\n../specs/pets.txt: up to date\n"
    assert fake.calls == 2


def test_project_output_override_and_unknown_key(fake: FakePipeline) -> None:
    make_project()
    assert run(fake, "generate", "--output", "elsewhere")[0] == 0
    assert Path("elsewhere/shop_client").is_dir()
    Path("pyproject.toml").write_text(
        PYPROJECT.replace("server-package = false", "clientpackage = 1")
    )
    code, _, err = run(fake, "generate")
    assert code == 1
    assert "pyproject.toml:9 #/tool/apiforge/targets/0/clientpackage" in err
    assert (
        "unknown key `tool.apiforge.targets[0].clientpackage` (did you mean `client-package`?)"
        in err
    )


def test_config_diagnostics_name_the_file_as_seen_from_here(
    fake: FakePipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``pyproject.toml:9``, or ``../pyproject.toml:9`` from below, never the absolute path."""
    make_project(PYPROJECT.replace("server-package = false", "clientpackage = 1"))
    code, _, err = run(fake, "generate")
    assert code == 1
    assert err.startswith("pyproject.toml:9 #/tool/apiforge/targets/0/clientpackage: "), err
    Path("sub").mkdir()
    monkeypatch.chdir("sub")
    code, _, err = run(fake, "check")
    assert code == 1
    assert err.startswith("../pyproject.toml:9 #/tool/apiforge/targets/0/clientpackage: "), err
    assert str(Path.cwd().parent) not in err


@pytest.mark.parametrize("command", ["generate", "check", "watch"])
def test_a_pyproject_that_does_not_read_is_a_diagnostic_near_here(
    fake: FakePipeline, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    """A TOML syntax error: located, relative to here, exit 1 (watch raised a traceback)."""
    make_project(PYPROJECT + "[tool.apiforge\n")
    Path("sub").mkdir()
    monkeypatch.chdir("sub")
    code, _, err = run(fake, command)
    assert (code, fake.calls) == (1, 0)
    assert err.startswith("../pyproject.toml:14:15: error[config-unreadable]: "), err


@pytest.mark.parametrize("command", ["generate", "check"])
def test_a_missing_spec_is_reported_where_the_config_names_it(
    fake: FakePipeline, command: str
) -> None:
    make_project()
    Path("specs/pets.txt").unlink()
    code, _, err = run(fake, command)
    assert (code, fake.calls) == (1, 0)
    assert (
        "pyproject.toml:12 #/tool/apiforge/targets/1/spec: error[config-spec-missing]: "
        "the spec specs/pets.txt does not exist (paths here are relative to pyproject.toml's "
        "folder)"
    ) in err.splitlines()


def test_ctrl_c_between_targets_names_the_complete_and_the_rest(
    fake: FakePipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_project()
    assert run(fake, "generate")[0] == 0
    Path("specs/shop.txt").write_text("shop 2\n")
    Path("specs/pets.txt").write_text("pets 2\n")
    calls = _interrupted_while_cleaning_up(monkeypatch)
    code, _, err = run(fake, "generate")
    assert calls and code == 1
    assert err.endswith(
        "apiforge: interrupted: complete: specs/shop.txt; not generated: specs/pets.txt\n\nAborted!\n"
    )


# --- check ----------------------------------------------------------------------------------


def test_check_up_to_date_does_not_render(fake: FakePipeline) -> None:
    write_spec("title: Shop\n")
    run(fake, "generate", "shop.txt")
    assert run(fake, "check", "shop.txt") == (0, "shop.txt: up to date\n", "")
    assert fake.calls == 1


def test_check_reports_a_stale_file_with_a_diff(fake: FakePipeline) -> None:
    write_spec("title: Shop\n")
    run(fake, "generate", "shop.txt")
    before = snapshot(Path("generated"))
    write_spec("title: Changed\n")
    code, out, err = run(fake, "check", "shop.txt")
    assert code == 1
    assert "--- a/generated/shop_client/shop_client/__init__.py" in out
    assert "+++ b/generated/shop_client/shop_client/__init__.py" in out
    assert "-SPEC = 'title: Shop\\n'" in out and "+SPEC = 'title: Changed\\n'" in out
    assert "error[stale-file]" in err and "differ from a fresh generation" in err
    assert snapshot(Path("generated")) == before


def test_check_reports_hand_edits_and_missing_files(fake: FakePipeline) -> None:
    write_spec("title: Shop\n")
    run(fake, "generate", "shop.txt")
    Path("generated/shop_client/shop_client/__init__.py").write_text("edited\n")
    Path("generated/shop_server/pyproject.toml").unlink()
    code, out, err = run(fake, "check", "--format", "json", "shop.txt")
    assert code == 1
    assert "-edited" in err and "--- /dev/null" in err  # the diff too goes to stderr
    codes = {(d["code"], d["file"]) for d in json.loads(out)}
    assert codes == {
        ("hand-edited", "generated/shop_client/shop_client/__init__.py"),
        ("missing-file", "generated/shop_server/pyproject.toml"),
    }


def test_check_accepts_an_outdated_manifest_when_files_match(fake: FakePipeline) -> None:
    write_spec("title: Shop\n")
    run(fake, "generate", "shop.txt")
    manifest = Path("generated/shop_client", MANIFEST_NAME)
    data = json.loads(manifest.read_text())
    data["templates_hash"] = "0" * 64
    manifest.write_text(json.dumps(data))
    code, out, _ = run(fake, "check", "shop.txt")
    assert code == 0 and "manifest outdated" in out


@pytest.mark.parametrize("text", ["{broken", "{}", "[1]"])
def test_check_fails_on_a_manifest_generate_refuses(fake: FakePipeline, text: str) -> None:
    """A damaged manifest stops `generate` (exit 1), so `check` in CI must not pass it."""
    write_spec("title: Shop\n")
    run(fake, "generate", "shop.txt")
    Path("generated/shop_client", MANIFEST_NAME).write_text(text)
    code, _, err = run(fake, "generate", "shop.txt")
    assert code == 1 and "error[manifest-unreadable]" in err
    code, out, err = run(fake, "check", "shop.txt")
    assert code == 1, out
    assert (
        f"generated/shop_client/{MANIFEST_NAME}: error[manifest-unreadable]: unreadable manifest ("
        in err
    )
    assert "run apiforge generate --force" in err and "manifest outdated" not in out


def test_check_failing_render_exits_1(fake: FakePipeline) -> None:
    write_spec("title: Shop\n")
    run(fake, "generate", "shop.txt")
    write_spec("ERROR\n")
    code, _, err = run(fake, "check", "shop.txt")
    assert code == 1 and "fake-error" in err


# --- the no-op path stays light -------------------------------------------------------------

PROBE = textwrap.dedent(
    """
    import sys
    from apiforge.cli.main import main
    try:
        main(sys.argv[1:], prog_name="apiforge")
    except SystemExit as exit:
        heavy = sorted(m for m in sys.modules if m.split(".")[0] in {heavy!r} or m in {ours!r})
        print("HEAVY", heavy, "EXIT", exit.code)
    """
).format(heavy=HEAVY, ours=HEAVY_OURS)


def probe(*args: str) -> str:
    env = {**os.environ, "APIFORGE_CACHE_DIR": str(Path("cache").absolute())}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, check=False
    )
    assert "HEAVY" in done.stdout, done.stderr
    return done.stdout


def test_no_op_generate_and_check_import_nothing_heavy(fake: FakePipeline) -> None:
    write_spec("title: Shop\n")
    run(fake, "generate", "shop.txt")
    for command in ("generate", "check"):
        out = probe(command, "shop.txt")
        assert "shop.txt: up to date" in out
        assert "HEAVY [] EXIT 0" in out


def test_no_op_project_generate_imports_nothing_heavy(fake: FakePipeline) -> None:
    make_project()
    run(fake, "generate")  # validates the table once (pydantic) and caches the result
    out = probe("generate")
    assert "specs/pets.txt: up to date" in out
    assert "HEAVY [] EXIT 0" in out


# --- progress -------------------------------------------------------------------------------


def test_progress_lines_only_on_a_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """One line per stage in a log; on a terminal the running stage's line is rewritten."""
    log = Reporter()
    log.stage("loading")
    log.stage("models: 3 schemas")
    log.finish()
    lines = capsys.readouterr().err.splitlines()
    assert [line.split("] ", 1)[1] for line in lines] == ["loading", "models: 3 schemas"]
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    tty = Reporter()
    tty.stage("rendering")
    tty.stage("formatting 5 modules")
    tty.finish()
    Reporter(quiet=True).stage("quiet")
    err = capsys.readouterr().err
    assert "\r\x1b[K" in err and "rendering ..." in err and "quiet" not in err
    assert "] rendering (" in err and err.endswith("s)\n")  # each finished stage keeps its time


def test_the_reason_for_regenerating_is_shown(fake: FakePipeline) -> None:
    write_spec("title: Shop\n")
    run(fake, "generate", "shop.txt")
    write_spec("title: Changed\n")
    assert "(shop.txt changed)" in run(fake, "generate", "shop.txt")[1]
    assert "(--force)" in run(fake, "generate", "--force", "shop.txt")[1]


def test_switching_the_formatter_regenerates(fake: FakePipeline) -> None:
    seen: list[str] = []
    recording = FakePipeline()

    def render(target: Target, sink: Sink) -> Rendered | None:
        seen.append(target.formatter)
        return recording(target, sink)

    write_spec("title: Shop\n")
    assert "wrote" in run(render, "generate", "shop.txt")[1]
    assert run(render, "generate", "shop.txt")[1] == "shop.txt: up to date\n"
    assert "wrote" in run(render, "generate", "--formatter", "black", "shop.txt")[1]
    assert (
        run(render, "generate", "--formatter", "black", "shop.txt")[1] == "shop.txt: up to date\n"
    )
    assert seen == ["ruff", "black"]
    code, _, err = run(fake, "generate", "--formatter", "yapf", "shop.txt")
    assert code == 2 and "'yapf' is not one of 'ruff', 'black'" in err


# --- with the real pipeline -----------------------------------------------------------------

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
              schema: {$ref: "schemas/pet.yaml"}
"""


def test_real_pipeline_round_trip_with_an_external_ref() -> None:
    """The manifest finds the $ref'd file where the loader read it: an edit there regenerates."""
    Path("spec/schemas").mkdir(parents=True)
    Path("spec/pets.yaml").write_text(PETS)
    pet = Path("spec/schemas/pet.yaml")
    pet.write_text("type: object\nproperties:\n  name: {type: string}\n")
    runner = CliRunner()
    first = runner.invoke(main, ["generate", "--no-server", "spec/pets.yaml"])
    assert first.exit_code == 0, first.output
    assert runner.invoke(main, ["generate", "--no-server", "spec/pets.yaml"]).stdout == (
        "spec/pets.yaml: up to date\n"
    )
    pet.write_text("type: object\nproperties:\n  name: {type: string}\n  tag: {type: string}\n")
    changed = runner.invoke(main, ["generate", "--no-server", "spec/pets.yaml"])
    assert "(spec/schemas/pet.yaml changed)" in changed.stdout
    models = Path("generated/pets_client/pets_client/models")
    assert any("tag" in path.read_text() for path in models.glob("*.py"))
    assert runner.invoke(main, ["check", "--no-server", "spec/pets.yaml"]).exit_code == 0


# --- what a new user trips over (issue 16) ----------------------------------------------------


def test_the_same_name_for_client_and_server_is_a_usage_error(fake: FakePipeline) -> None:
    write_spec("title: Shop\n")
    code, _, err = run(
        fake, "generate", "--client-package", "shop", "--server-package", "shop", "shop.txt"
    )
    assert code == 2 and "cannot both be named 'shop'" in err
    assert not Path("generated").exists() and fake.calls == 0


def test_default_names_come_from_the_title(fake: FakePipeline) -> None:
    """``openapi.yaml`` titled "Todo API" gives todo_client and $TODO_API_KEY; flags still win."""
    write_spec(
        "openapi: 3.0.3\ninfo:\n  version: '1'\n  title: Todo API\npaths: {}\n", "openapi.yaml"
    )
    code, out, _ = run(fake, "generate", "openapi.yaml")
    assert code == 0 and "generated/todo_client, generated/todo_server" in out
    manifest = json.loads(Path("generated/todo_client", MANIFEST_NAME).read_text())
    assert manifest["options"]["api_key_env"] == "TODO_API_KEY"
    assert manifest["options"]["base_url_env"] == "TODO_BASE_URL"
    code, out, _ = run(fake, "generate", "--client-package", "mine", "--no-server", "openapi.yaml")
    assert code == 0 and "generated/mine" in out


def test_default_names_fall_back_to_the_file_name(fake: FakePipeline) -> None:
    write_spec('{"openapi": "3.0.3", "info": {"title": "OpenAPI", "version": "1"}}', "pets.json")
    code, out, _ = run(fake, "generate", "pets.json")
    assert code == 0 and "generated/pets_client, generated/pets_server" in out


def test_config_targets_without_names_take_them_from_the_title(fake: FakePipeline) -> None:
    """The same defaults as for a SPEC; a new title gives new names (the config cache notices)."""
    spec = "openapi: 3.0.3\ninfo: {title: %s, version: '1'}\npaths: {}\n"
    write_spec(spec % "Todo API", "openapi.yaml")
    make_project('[tool.apiforge]\n[[tool.apiforge.targets]]\nspec = "openapi.yaml"\n')
    code, out, _ = run(fake, "generate")
    assert code == 0 and "generated/todo_client, generated/todo_server" in out
    write_spec(spec % "Shop API", "openapi.yaml")
    code, out, _ = run(fake, "generate")
    assert code == 0 and "generated/shop_client, generated/shop_server" in out


# --- an output folder that cannot be written ------------------------------------------------


@pytest.mark.parametrize("output", ["blocker", "blocker/out"])
def test_a_file_where_the_output_folder_should_be_is_named(fake: FakePipeline, output: str) -> None:
    """The config's `output` is a file (or lies under one): exit 1 naming that file, nothing changed."""
    write_spec("title: Shop\n")
    Path("blocker").write_text("not a folder\n")
    Path("pyproject.toml").write_text(
        f'[tool.apiforge]\noutput = "{output}"\n\n[[tool.apiforge.targets]]\nspec = "shop.txt"\n'
    )
    before = sorted(os.listdir())
    code, _, err = run(fake, "generate")
    assert code == 1
    assert "blocker: error[write-failed]: writing failed: this is a file, not a folder;" in err
    assert Path("blocker").read_text() == "not a folder\n"
    assert sorted(os.listdir()) == sorted({*before, "cache"})


def test_a_failure_in_the_staging_folder_names_the_output_folder(tmp_path: Path) -> None:
    """A read-only output folder fails creating the staging folder, which never existed."""
    from apiforge.engine import write_failure
    from apiforge.output.manifest import STAGING_PREFIX

    output = tmp_path / "generated"
    output.mkdir()
    error = OSError(30, "Read-only file system", str(output / f"{STAGING_PREFIX}x1y2"))
    diagnostic = write_failure(output, error)
    assert diagnostic.location.file == str(output)
    assert diagnostic.message == (
        "writing failed: Read-only file system; the output was left as it was"
    )
    inside = output / "shop_client"
    inside.mkdir()
    denied = write_failure(output, PermissionError(13, "Permission denied", str(inside)))
    assert denied.location.file == str(inside)
