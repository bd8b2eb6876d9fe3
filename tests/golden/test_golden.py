"""Golden trees: the committed output must be exactly what the current generator makes.

- ``generated/`` for every target of the project's ``[tool.apiforge]`` (spec/posthog.yaml);
- ``tests/snapshots/<fixture>/`` for every fixture spec in ``tests/fixtures/specs/``.

Refresh with ``make snapshots`` (``APIFORGE_UPDATE_SNAPSHOTS=1 pytest tests/golden``).
"""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from apiforge.config.project import load_project
from apiforge.config.targets import Overrides, Target
from apiforge.diagnostics import Sink, render_text
from apiforge.pipeline import render

MANIFEST = ".apiforge-manifest.json"


def updating() -> bool:
    """True when the run should rewrite snapshots instead of comparing."""
    return os.environ.get("APIFORGE_UPDATE_SNAPSHOTS") == "1"


def committed_files(root: Path, packages: tuple[str, ...]) -> dict[str, str]:
    """Every committed file of ``packages`` under ``root`` (manifests excluded: write.py makes them)."""
    found: dict[str, str] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*")):
            relative = path.relative_to(root / package).parts
            if path.is_file() and not any(
                p.startswith(".") or p == "__pycache__" for p in relative
            ):
                found[path.relative_to(root).as_posix()] = path.read_text(encoding="utf-8")
    return found


def diff_trees(expected: dict[str, str], actual: dict[str, str], limit: int = 200) -> str:
    """A unified diff of two ``{path: text}`` trees; empty when they are equal."""
    lines: list[str] = []
    for path in sorted(expected.keys() | actual.keys()):
        old, new = expected.get(path), actual.get(path)
        if old == new:
            continue
        if old is None:
            lines.append(f"+++ new file {path}")
            continue
        if new is None:
            lines.append(f"--- missing file {path}")
            continue
        lines.extend(
            difflib.unified_diff(
                old.splitlines(),
                new.splitlines(),
                f"committed/{path}",
                f"generated/{path}",
                lineterm="",
                n=2,
            )
        )
    if len(lines) > limit:
        lines = lines[:limit] + [f"... {len(lines) - limit} more diff lines"]
    return "\n".join(lines)


def write_tree(root: Path, packages: tuple[str, ...], files: dict[str, str]) -> None:
    """Replace ``packages`` under ``root`` with ``files`` (snapshot refresh)."""
    for package in packages:
        shutil.rmtree(root / package, ignore_errors=True)
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


REPO = Path(__file__).resolve().parents[2]
FIXTURES = sorted((REPO / "tests" / "fixtures" / "specs").glob("*.yaml"))
SNAPSHOTS = REPO / "tests" / "snapshots"


def _render(target: Target) -> dict[str, str]:
    sink = Sink()
    rendered = render(target, sink)
    assert rendered is not None, render_text(sink)
    return rendered.files


def test_generated_matches_the_generator() -> None:
    """generated/ is committed; it must not differ from what the generator makes now."""
    for target in load_project(REPO / "pyproject.toml", Overrides()):
        files = _render(target)
        packages = tuple(p for p in (target.client_package, target.server_package) if p)
        if updating():  # through the real writer, so the manifests are refreshed too
            subprocess.run(
                [sys.executable, "-m", "apiforge", "generate", "--force", "--quiet"],
                cwd=REPO,
                check=True,
            )
            continue
        diff = diff_trees(committed_files(target.output, packages), files)
        assert not diff, f"generated/ is stale; run `make generate` (or `make snapshots`):\n{diff}"


@pytest.mark.parametrize("spec", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_fixture_snapshot(spec: Path) -> None:
    """Each fixture spec's full client and server output is locked."""
    name = spec.stem
    target = Target.for_spec(
        spec, SNAPSHOTS / name, client_package=f"{name}_client", server_package=f"{name}_server"
    )
    # The runtimes are copied verbatim and checked on their own (tests/unit/test_runtime_files.py):
    # fixture snapshots lock only what the generator renders.
    files = {path: text for path, text in _render(target).items() if not _is_runtime(path)}
    packages = (f"{name}_client", f"{name}_server")
    if updating():
        write_tree(target.output, packages, files)
        return
    committed = {
        p: t for p, t in committed_files(target.output, packages).items() if not _is_runtime(p)
    }
    diff = diff_trees(committed, files)
    assert not diff, (
        f"snapshot of {spec.name} differs; refresh with `make snapshots` if intended:\n{diff}"
    )


def _is_runtime(path: str) -> bool:
    """The verbatim runtime modules (the ``_runtime/`` package of a client or a server)."""
    return "_runtime" in path.split("/")


def test_output_is_deterministic_across_hash_seeds(tmp_path: Path) -> None:
    """Two processes with different PYTHONHASHSEEDs render byte-identical output.

    The content cache is off in both, so every stage (models and formatting included) runs.
    """
    script = (
        "import json, sys; from pathlib import Path\n"
        "from apiforge.config.targets import Target; from apiforge.diagnostics import Sink; from apiforge.pipeline import render\n"
        "r = render(Target.for_spec(Path(sys.argv[1]), Path('out')), Sink())\n"
        "print(json.dumps(r.files, sort_keys=True))\n"
    )
    runs = [  # side by side: each renders everything (no cache), which takes a while
        subprocess.Popen(
            [sys.executable, "-c", script, str(REPO / "spec" / "posthog.yaml")],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
            env={**os.environ, "PYTHONHASHSEED": seed, "APIFORGE_CACHE_DIR": "off"},
        )
        for seed in ("1", "2")
    ]
    outputs = []
    try:
        for run in runs:
            out, err = run.communicate(timeout=300)
            assert run.returncode == 0, err
            outputs.append(out)
    finally:
        for run in runs:
            if run.poll() is None:
                run.kill()
                run.communicate()
    assert outputs[0] == outputs[1]
