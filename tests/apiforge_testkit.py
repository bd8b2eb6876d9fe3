"""Test helpers shared by tests/realworld, tests/functional and tests/hostile.

Generate a spec into a directory with package names of the test's choosing (so
many generated packages can live in one interpreter and one mypy run), import
them, and run the pinned ruff and mypy over them the way a user would: ruff from
inside the generated project (its own defaults, not this repository's config),
mypy ``--strict`` once over every package.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from apiforge.config.targets import Target
from apiforge.diagnostics import Diagnostic, Severity, Sink, render_text
from apiforge.pipeline import Rendered, render

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "specs"
BIN = Path(sys.executable).parent


@dataclass
class Generated:
    """One generation: the diagnostics, and where the packages were written (when it succeeded)."""

    name: str
    out: Path
    rendered: Rendered | None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the pipeline produced files."""
        return self.rendered is not None

    @property
    def client(self) -> str:
        return f"{self.name}_client"

    @property
    def server(self) -> str:
        return f"{self.name}_server"

    @property
    def projects(self) -> list[Path]:
        """The generated project directories (each holds pyproject.toml and the package)."""
        return [self.out / self.client, self.out / self.server]

    def file(self, relative: str) -> str:
        """The text of one generated file, e.g. ``client/models.py``."""
        kind, _, rest = relative.partition("/")
        package = self.client if kind == "client" else self.server
        assert self.rendered is not None, self.report()
        return self.rendered.files[f"{package}/{package}/{rest}"]

    def model_files(self, kind: str = "client") -> dict[str, str]:
        """The text of every module of the client's (or server's) ``models/`` folder, by file name."""
        package = self.client if kind == "client" else self.server
        assert self.rendered is not None, self.report()
        prefix = f"{package}/{package}/models/"
        return {
            path.removeprefix(prefix): text
            for path, text in self.rendered.files.items()
            if path.startswith(prefix)
        }

    def codes(self, severity: Severity | None = None) -> list[str]:
        """The codes of the diagnostics (of one severity)."""
        return [d.code for d in self.diagnostics if severity is None or d.severity is severity]

    def report(self) -> str:
        """Every diagnostic, one per line."""
        return render_text(self.diagnostics)


def generate(spec: Path, out: Path, name: str, **overrides: Any) -> Generated:
    """Render ``spec`` with packages ``<name>_client``/``<name>_server`` and write them under ``out``."""
    sink = Sink()
    target = Target.for_spec(
        spec, out, client_package=f"{name}_client", server_package=f"{name}_server", **overrides
    )
    rendered = render(target, sink)
    if rendered is not None:
        for path, text in rendered.files.items():
            destination = out / path
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_text(text, encoding="utf-8")
    return Generated(name, out, rendered, list(sink))


@contextmanager
def on_path(generated: Generated) -> Iterator[None]:
    """Make the generated packages importable for the duration of the block."""
    added = [str(p) for p in generated.projects]
    sys.path[:0] = added
    importlib.invalidate_caches()
    try:
        yield
    finally:
        for entry in added:
            sys.path.remove(entry)


def load(generated: Generated) -> tuple[ModuleType, ModuleType]:
    """Import the generated client and server packages (they stay in ``sys.modules``)."""
    with on_path(generated):
        return importlib.import_module(generated.client), importlib.import_module(generated.server)


IMPORT_CHECK = """
import sys
sys.path[:0] = {paths!r}
import {client} as client
import {server} as server
from {server}.runtime import routes_openapi
app = server.create_app()
schema = app.openapi()  # the embedded spec
assert isinstance(schema.get("paths", {{}}), dict)
routes = routes_openapi(app)  # FastAPI's document of the routes: every model's JSON schema
assert isinstance(routes.get("paths", {{}}), dict)
with client.Client(base_url="http://test.invalid") as c:
    pass
# Resources and models load lazily and models build on first use: load and build them all here.
import importlib, pkgutil, pydantic
for found in pkgutil.iter_modules(importlib.import_module("{client}.client").__path__):
    importlib.import_module("{client}.client." + found.name)
for package in ("{client}", "{server}"):
    models = importlib.import_module(package + ".models")
    for model in (getattr(models, name) for name in models.__all__):
        if isinstance(model, type) and issubclass(model, pydantic.BaseModel):
            model.model_rebuild(force=True)
print(len(schema.get("paths", {{}})))
"""


def import_in_subprocess(generated: Generated) -> subprocess.CompletedProcess[str]:
    """Import both packages in a fresh interpreter, build the app and its OpenAPI document."""
    code = IMPORT_CHECK.format(
        paths=[str(p) for p in generated.projects], client=generated.client, server=generated.server
    )
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=300
    )


def ruff(project: Path) -> subprocess.CompletedProcess[str]:
    """The pinned ruff with its defaults, run from inside a generated project."""
    return subprocess.run(
        [str(BIN / "ruff"), "check", "--no-cache", "--output-format", "concise", "."],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def mypy(generations: Iterable[Generated], cache: Path) -> subprocess.CompletedProcess[str]:
    """One ``mypy --strict`` run over every package of ``generations`` (names must be unique)."""
    projects = [p for g in generations for p in g.projects]
    cache.parent.mkdir(parents=True, exist_ok=True)
    args = [arg for p in projects for arg in ("-p", p.name)]
    env = dict(os.environ, MYPYPATH=os.pathsep.join(str(p) for p in projects))
    return subprocess.run(
        [str(BIN / "mypy"), "--strict", "--cache-dir", str(cache), "--no-error-summary", *args],
        cwd=cache.parent,
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=1800,
    )


def mypy_errors_by_package(output: str) -> dict[str, list[str]]:
    """mypy's error lines keyed by the generated package they are in."""
    found: dict[str, list[str]] = {}
    for line in output.splitlines():
        if ": error:" not in line:
            continue
        parts = Path(line.split(":", 1)[0]).parts
        package = next((part for part in parts if part.endswith(("_client", "_server"))), "?")
        found.setdefault(package, []).append(line)
    return found


RESULTS: dict[str, dict[str, Any]] = {}
"""Per-spec outcomes recorded by tests/realworld, printed as a table at the end of the session."""


@dataclass
class Built:
    """A generated fixture with its client and server packages imported."""

    generated: Generated
    client: ModuleType
    server: ModuleType

    def models(self, kind: str = "client") -> ModuleType:
        """The ``models`` module of the client or the server package."""
        return importlib.import_module(
            f"{getattr(self.generated, kind)}.models"
        )  # the client loads it lazily

    @property
    def runtime(self) -> ModuleType:
        """The server package's public runtime (status wrappers, RequestContext...)."""
        return importlib.import_module(f"{self.generated.server}.runtime")


def build(out: Path, spec_text: str, file_name: str, name: str, **overrides: Any) -> Built:
    """``spec_text`` written to ``out/file_name``, generated as ``name`` (see :func:`generate`),
    checked to have generated and imported: the module fixture of most functional tests."""
    spec = out / file_name
    spec.write_text(spec_text, encoding="utf-8")
    generated = generate(spec, out, name, **overrides)
    assert generated.ok, generated.report()
    client, server = load(generated)
    return Built(generated, client, server)


def mock_client(package: ModuleType, handler: Callable[[Any], Any], **kwargs: Any) -> Any:
    """A generated synchronous ``Client`` whose requests go to ``handler`` (an httpx.MockTransport)."""
    import httpx

    return package.Client(
        base_url="http://api.test", transport=httpx.MockTransport(handler), max_retries=0, **kwargs
    )


def server_client(package: ModuleType, **implementations: Any) -> Any:
    """starlette's TestClient around the generated app bound to ``implementations``."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette prefers httpx2 for its TestClient
        from starlette.testclient import TestClient

    return TestClient(package.create_app(**implementations), raise_server_exceptions=True)
