"""The hatchling build hook: configuration, failures, and real wheel builds.

``test_wheel_build_in_process`` drives hatchling's WheelBuilder in this process
(the hook is found through apiforge's ``hatch`` entry point). The slow test
builds and installs a sample project with pip in a fresh venv, the way users do.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from apiforge.cli.build_hook import (
    GENERATED_PYTHON,
    BuildFailed,
    hook_targets,
    python_floor,
    regenerate,
    wheel_packages,
)
from apiforge.config.targets import Target
from apiforge.diagnostics import Sink, SpecLocation
from apiforge.pipeline import Rendered

REPO = Path(__file__).resolve().parents[1]

PETS = """\
openapi: 3.0.3
info: {title: Pets, version: 1.0.0}
servers: [{url: "https://pets.example.com"}]
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
      required: [id, name]
      properties:
        id: {type: integer}
        name: {type: string}
"""

HOOK_ONLY = """\
[tool.hatch.build.hooks.apiforge]
spec = "spec/pets.yaml"
client-package = "pets_client"
server-package = false
"""

TOOL_APIFORGE = """\
[tool.apiforge]
output = "generated"

[[tool.apiforge.targets]]
spec = "spec/pets.yaml"
client-package = "pets_client"
server-package = false

[tool.hatch.build.hooks.apiforge]
"""


def sample_project(root: Path, config: str, requires: str = '"hatchling>=1.24"') -> Path:
    """A project with its own package that uses the generated ``pets_client``."""
    (root / "spec").mkdir(parents=True)
    (root / "spec" / "pets.yaml").write_text(PETS)
    (root / "sample_app").mkdir()
    (root / "sample_app" / "__init__.py").write_text(
        textwrap.dedent(
            """\
            import httpx
            from pets_client import Client


            def pet_name(pet_id: int, transport: httpx.BaseTransport) -> str:
                http = httpx.Client(transport=transport)
                with Client(base_url="https://pets.test", http_client=http) as client:
                    return client.pets.retrieve(pet_id).name
            """
        )
    )
    (root / "pyproject.toml").write_text(
        textwrap.dedent(
            f"""\
            [build-system]
            requires = [{requires}]
            build-backend = "hatchling.build"

            [project]
            name = "sample-app"
            version = "0.1.0"
            dependencies = ["httpx>=0.27,<1", "pydantic>=2.8,<3"]

            [tool.hatch.build.targets.wheel]
            packages = ["sample_app"]

            """
        )
        + config
    )
    return root


# --- configuration --------------------------------------------------------------------------


def test_targets_from_the_hook_table(tmp_path: Path) -> None:
    root = sample_project(tmp_path, HOOK_ONLY)
    options = {"spec": "spec/pets.yaml", "client-package": "pets_client", "server-package": False}
    assert hook_targets(root, options) == [
        Target.for_spec(root / "spec/pets.yaml", root / "generated", server_package=None)
    ]


def test_targets_from_tool_apiforge(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))
    root = sample_project(tmp_path / "p", TOOL_APIFORGE)
    (target,) = hook_targets(root, {})
    assert (target.spec, target.client_package, target.server_package) == (
        root / "spec/pets.yaml",
        "pets_client",
        None,
    )


def test_missing_or_invalid_config_fails_the_build(tmp_path: Path) -> None:
    root = sample_project(tmp_path, "")
    with pytest.raises(BuildFailed, match=r"configure \[tool.apiforge\]"):
        hook_targets(root, {})
    with pytest.raises(BuildFailed, match="unknown key `tool.hatch.build.hooks.apiforge.colour`"):
        hook_targets(root, {"spec": "spec/pets.yaml", "colour": "red"})


def test_an_invalid_value_is_not_reported_as_missing_config(tmp_path: Path) -> None:
    """The hint to configure [tool.apiforge] is for a project without any configuration."""
    root = sample_project(tmp_path, "")
    with pytest.raises(BuildFailed) as failed:
        hook_targets(root, {"spec": "spec/pets.yaml", "strict": "yes"})
    assert str(failed.value).startswith("apiforge: invalid configuration:\n"), failed.value
    assert "`tool.hatch.build.hooks.apiforge.strict`" in str(failed.value)


def test_a_wheel_target_hook_table_is_named_where_it_is(tmp_path: Path) -> None:
    """Problems in ``[tool.hatch.build.targets.wheel.hooks.apiforge]`` name that table and line."""
    config = HOOK_ONLY.replace("[tool.hatch.build.hooks", "[tool.hatch.build.targets.wheel.hooks")
    root = sample_project(tmp_path, config + 'strict = "yes"\n')
    from hatchling.builders.wheel import WheelBuilder  # as test_wheel_build_in_process does

    with pytest.raises(BuildFailed) as failed:
        list(WheelBuilder(str(root)).build(directory=str(tmp_path / "d"), versions=["standard"]))
    line = len((root / "pyproject.toml").read_text().splitlines())
    assert (
        f"pyproject.toml:{line} #/tool/hatch/build/targets/wheel/hooks/apiforge/strict: "
        "error[config-invalid]: `tool.hatch.build.targets.wheel.hooks.apiforge.strict`"
    ) in str(failed.value)


def test_hook_keys_without_a_spec_say_where_they_belong(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hook table with target keys but no `spec` is not read as a target missing `spec`."""
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))
    root = sample_project(tmp_path, TOOL_APIFORGE)
    with pytest.raises(BuildFailed) as failed:
        hook_targets(root, {"formatter": "black", "strict": True})
    assert str(failed.value) == (
        "apiforge: [tool.hatch.build.hooks.apiforge] sets `formatter`, `strict` but no `spec`: "
        "the hook's own keys describe one target and need its `spec`; to build every target of "
        "[tool.apiforge], set these there instead"
    )


def test_a_broken_spec_fails_the_build_with_its_diagnostics(tmp_path: Path) -> None:
    spec = tmp_path / "pets.yaml"
    spec.write_text("broken")

    def failing(target: Target, sink: Sink) -> Rendered | None:
        sink.error("bad-thing", "this spec is broken", SpecLocation(str(target.spec), "/paths", 3))
        return None

    target = Target.for_spec(spec, tmp_path / "out")
    with pytest.raises(BuildFailed) as failed:
        regenerate([target], failing)
    assert f"{spec}:3 #/paths: error[bad-thing]: this spec is broken" in str(failed.value)
    assert not (tmp_path / "out").exists()


def test_wheel_packages_maps_generated_packages(tmp_path: Path) -> None:
    target = Target.for_spec(tmp_path / "pets.yaml", tmp_path / "gen")
    (tmp_path / "gen/pets_client/pets_client").mkdir(parents=True)
    (tmp_path / "gen/pets_client/pets_client/__init__.py").write_text("")
    assert wheel_packages([target]) == {
        str(tmp_path / "gen/pets_client/pets_client"): "pets_client"
    }


def test_regenerate_is_a_no_op_when_up_to_date(tmp_path: Path) -> None:
    spec = tmp_path / "pets.yaml"
    spec.write_text("pets")
    calls: list[str] = []

    def render(target: Target, sink: Sink) -> Rendered | None:
        calls.append(target.spec.name)
        digest = hashlib.sha256(spec.read_bytes()).hexdigest()
        return Rendered(
            {"pets_client/pets_client/__init__.py": ""}, ("pets_client",), {str(spec): digest}
        )

    target = Target.for_spec(spec, tmp_path / "out", server_package=None)
    regenerate([target], render)
    regenerate([target], render)
    assert calls == ["pets.yaml"]


# --- real builds ----------------------------------------------------------------------------


def test_wheel_build_in_process(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Hatchling finds the hook by its entry point; the wheel carries the generated client.

    The sample sets no requires-python: the wheel installs on Pythons the generated client
    cannot run on, which the build log says; once it is set to the client's, it does not.
    """
    from hatchling.builders.wheel import WheelBuilder

    root = sample_project(tmp_path / "sample", HOOK_ONLY)
    (wheel,) = WheelBuilder(str(root)).build(
        directory=str(tmp_path / "dist"), versions=["standard"]
    )
    names = zipfile.ZipFile(wheel).namelist()
    assert "sample_app/__init__.py" in names
    assert "pets_client/__init__.py" in names and "pets_client/client/_client.py" in names
    assert (root / "generated/pets_client/.apiforge-manifest.json").is_file()
    assert "warning[requires-python-too-low]: requires-python is not set" in capsys.readouterr().err
    pyproject = root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace("[project]\n", '[project]\nrequires-python = ">=3.10"\n')
    )
    list(WheelBuilder(str(root)).build(directory=str(tmp_path / "d2"), versions=["standard"]))
    assert "requires-python" not in capsys.readouterr().err


@pytest.mark.parametrize(
    "requires, oldest",
    [
        (">=3.8", "3.8"),
        (">=3.9.10", "3.9.10"),
        ("~=3.9", "3.9"),
        ("<3.10", "2.7"),
        (">=3.10", None),
        (">=3.12,<4", None),
        ("==3.10.*", None),
    ],
)
def test_a_requires_python_admitting_older_pythons_is_warned_about(
    tmp_path: Path, requires: str, oldest: str | None
) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(f'[project]\nname = "app"\nrequires-python = "{requires}"\n')
    found = python_floor(requires, pyproject)
    if oldest is None:
        assert found is None
        return
    assert found is not None and found.code == "requires-python-too-low"
    assert (found.location.pointer, found.location.line) == ("/project/requires-python", 3)
    assert f"admits Python {oldest}, but the generated packages need Python 3.10+" in found.message


def test_the_hooks_python_floor_is_the_generated_packages_requires_python() -> None:
    for package in ("posthog_client", "posthog_server"):
        text = (REPO / "generated" / package / "pyproject.toml").read_text(encoding="utf-8")
        assert f'requires-python = ">={GENERATED_PYTHON}"' in text.splitlines()


def test_a_file_the_wheel_ships_but_no_manifest_names_is_warned_about(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from hatchling.builders.wheel import WheelBuilder

    root = sample_project(tmp_path / "sample", HOOK_ONLY)
    list(WheelBuilder(str(root)).build(directory=str(tmp_path / "d0"), versions=["standard"]))
    assert "untracked-file" not in capsys.readouterr().err
    package = root / "generated/pets_client/pets_client"
    (package / "extra.py").write_text("STALE = True\n")
    (package / "__pycache__").mkdir()
    (package / "__pycache__/extra.cpython-312.pyc").write_bytes(b"")
    (wheel,) = WheelBuilder(str(root)).build(
        directory=str(tmp_path / "dist"), versions=["standard"]
    )
    assert "pets_client/extra.py" in zipfile.ZipFile(wheel).namelist()
    err = capsys.readouterr().err
    assert "generated/pets_client/pets_client/extra.py: warning[untracked-file]: " in err
    assert "ships in the wheel" in err and "__pycache__" not in err


@pytest.mark.slow
def test_pip_install_builds_and_the_client_works(tmp_path: Path) -> None:
    """``pip install`` of a project using the hook in a fresh venv; then call the client."""
    requires = f'"hatchling>=1.24", "apiforge @ {REPO.as_uri()}"'
    root = sample_project(tmp_path / "sample", TOOL_APIFORGE, requires=requires)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    env = {**os.environ, "APIFORGE_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("PYTHONPATH", None)
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", str(root)],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
        check=False,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    script = textwrap.dedent(
        """\
        import httpx
        from sample_app import pet_name

        def handler(request):
            assert request.url.path == "/pets/7", request.url
            return httpx.Response(200, json={"id": 7, "name": "Rex"})

        print(pet_name(7, httpx.MockTransport(handler)))
        """
    )
    ran = subprocess.run(
        [str(python), "-c", script],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=False,
    )
    assert ran.stdout.strip() == "Rex", ran.stderr


@pytest.mark.slow
def test_pip_install_fails_on_a_broken_spec(tmp_path: Path) -> None:
    requires = f'"hatchling>=1.24", "apiforge @ {REPO.as_uri()}"'
    root = sample_project(tmp_path / "sample", TOOL_APIFORGE, requires=requires)
    (root / "spec" / "pets.yaml").write_text(PETS.replace("type: integer}", "type: 12}"))
    env = {**os.environ, "APIFORGE_CACHE_DIR": str(tmp_path / "cache")}
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-w",
            str(tmp_path / "dist"),
            str(root),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
        check=False,
    )
    assert built.returncode != 0
    assert "BuildFailed" in built.stdout + built.stderr
    assert "spec/pets.yaml" in built.stdout + built.stderr


# --- getting apiforge before it is on a package index (docs/build-hook.md) ------------------


def _doc_commands(heading: str) -> list[str]:
    """The shell commands of the ``sh`` blocks under ``heading`` in docs/build-hook.md."""
    text = (REPO / "docs" / "build-hook.md").read_text(encoding="utf-8")
    section = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    blocks = [block.split("```", 1)[0] for block in section.split("```sh\n")[1:]]
    return [
        line.split("  #", 1)[0].strip()
        for block in blocks
        for line in block.splitlines()
        if line.strip()
    ]


@pytest.mark.slow
def test_offline_build_with_only_a_wheelhouse(tmp_path: Path) -> None:
    """docs/build-hook.md's wheel route, command for command: build a wheel of apiforge, fill a
    wheelhouse, then build a project using the hook with pip --no-index (no network, no
    machine-wide pip config): the wheel carries the generated client, which works."""
    from apiforge import __version__

    commands = _doc_commands("Getting apiforge")
    build, wheelhouse, offline = (
        next(c for c in commands if c.startswith("python -m build")),
        next(c for c in commands if c.startswith("pip wheel --wheel-dir")),
        next(c for c in commands if c.startswith("pip wheel --no-index")),
    )
    assert build == "python -m build --wheel --outdir wheels/ path/to/apiforge"
    root = sample_project(
        tmp_path / "sample", TOOL_APIFORGE, requires=f'"hatchling>=1.24", "apiforge=={__version__}"'
    )
    env = {**os.environ, "APIFORGE_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("PYTHONPATH", None)

    def sh(command: str, **extra: str) -> None:
        """Run a documented ``python ...`` or ``pip ...`` command with this interpreter."""
        args = command.replace("path/to/apiforge", str(REPO)).replace("0.1.0", __version__).split()
        args = [a.strip('"') for a in args]
        argv = (
            [sys.executable, "-m", "pip", *args[1:]]
            if args[0] == "pip"
            else [sys.executable, *args[1:]]
        )
        ran = subprocess.run(
            argv,
            cwd=root,
            env={**env, **extra},
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        assert ran.returncode == 0, f"{command}\n{ran.stdout}\n{ran.stderr}"

    sh(build)
    assert (root / "wheels" / f"apiforge-{__version__}-py3-none-any.whl").is_file()
    sh(wheelhouse)
    # Offline: no index, no pip configuration of this machine (its find-links, its indexes).
    sh(offline, PIP_CONFIG_FILE=os.devnull, PIP_NO_INDEX="1")
    (wheel,) = (root / "dist").glob("sample_app-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "sample_app/__init__.py" in names and "pets_client/client/_client.py" in names
    script = textwrap.dedent(
        """\
        import httpx
        from sample_app import pet_name

        def handler(request):
            return httpx.Response(200, json={"id": 7, "name": "Rex"})

        print(pet_name(7, httpx.MockTransport(handler)))
        """
    )
    ran = subprocess.run(
        [sys.executable, "-c", script],
        env={**env, "PYTHONPATH": str(wheel)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.stdout.strip() == "Rex", ran.stderr


def test_docs_never_install_apiforge_from_an_index_alone() -> None:
    """apiforge is on no package index: every doc that installs it says from where."""
    for doc in [REPO / "README.md", *(REPO / "docs").glob("*.md"), REPO / ".pre-commit-hooks.yaml"]:
        for line in doc.read_text(encoding="utf-8").splitlines():
            if "pip install" in line and "apiforge==" in line:
                assert "--find-links" in line, f"{doc.name}: {line}"


def test_the_same_name_for_client_and_server_fails_the_build(tmp_path: Path) -> None:
    with pytest.raises(BuildFailed, match="both 'pets'"):
        hook_targets(
            tmp_path, {"spec": "spec/pets.yaml", "client-package": "pets", "server-package": "pets"}
        )


def test_a_missing_requires_python_is_warned_about_at_the_project_table(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[build-system]\nrequires = []\n\n[project]\nname = "app"\n')
    found = python_floor("", pyproject)
    assert found is not None
    assert (found.location.pointer, found.location.line) == ("/project", 4)
    assert found.message.startswith("requires-python is not set")
