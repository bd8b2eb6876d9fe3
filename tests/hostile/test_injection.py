"""Hostile text in every string a spec can carry is escaped at every sink.

The hostile spec (``payloads.py``) and its payload-free twin are generated side by side.
The hostile output must parse, import and build its app without ever running the payload
(no ``PWNED`` file appears), have exactly the statement structure of the twin's output,
call nothing the twin does not, keep every payload as inert data (string tokens and
comments only) that round-trips exactly, and still pass ruff and ``mypy --strict``.
"""

from __future__ import annotations

import ast
import io
import json
import subprocess
import sys
import tokenize
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import payloads
import pytest
from apiforge_testkit import Generated, generate, mypy, mypy_errors_by_package, ruff

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

# Names the generated code may call that no spec text may introduce on its own.
DANGEROUS = {
    "__import__",
    "eval",
    "exec",
    "compile",
    "system",
    "popen",
    "open",
    "getattr",
    "setattr",
    "breakpoint",
}
# Qualified calls that share a dangerous attribute name but compile no code: the routing
# runtime (templates/runtime/server/_runtime/routing.py) builds its path-template patterns with re.
HARMLESS = {("re", "compile")}


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Generated, Generated]]:
    """(hostile, twin), generated into separate directories."""
    root = tmp_path_factory.mktemp("hostile")
    hostile = generate(payloads.write(root / "hostile.json", True), root / "out-hostile", "hostile")
    twin = generate(payloads.write(root / "twin.json", False), root / "out-twin", "twin")
    assert hostile.ok, hostile.report()
    assert twin.ok, twin.report()
    yield hostile, twin


def _python(generated: Generated) -> dict[str, str]:
    """Python files by path (package name as PKG). A client resource module, a server routes
    module and a models module are named after their group (or set of groups), which hostile
    paths name differently: those are keyed by their rank in structure."""
    assert generated.rendered is not None
    prefix = generated.name
    files = {
        path.replace(prefix, "PKG"): text
        for path, text in generated.rendered.files.items()
        if path.endswith(".py") and "/_runtime" not in path
    }
    # Modules named after groups: client/<resource>.py, routes/<group>.py, models/<group>.py
    # and models/_shared_<digest of a set of groups>.py
    fixed = ("__init__.py", "_client.py", "_helpers.py", "_shared.py", "_unused.py", "_root.py")
    for folder in (
        "PKG_client/PKG_client/client/",
        "PKG_server/PKG_server/routes/",
        "PKG_client/PKG_client/models/",
        "PKG_server/PKG_server/models/",
    ):
        named = {
            path
            for path in files
            if path.startswith(folder) and path.removeprefix(folder) not in fixed
        }
        grouped = sorted(
            (files[p] for p in named), key=lambda text: repr(_skeleton(ast.parse(text)))
        )
        files = {path: text for path, text in files.items() if path not in named}
        files.update({f"{folder}<group {n}>": text for n, text in enumerate(grouped)})
    return files


def _skeleton(node: ast.AST) -> list[Any]:
    """The tree of statement kinds (names, strings and expressions left out)."""
    return [
        (type(child).__name__, _skeleton(child))
        for child in ast.iter_child_nodes(node)
        if isinstance(child, ast.stmt)
    ]


def _callees(tree: ast.AST) -> Counter[str]:
    found: Counter[str] = Counter()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            callee = (
                func.id
                if isinstance(func, ast.Name)
                else func.attr
                if isinstance(func, ast.Attribute)
                else "?"
            )
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
                callee = "call" if (func.value.id, func.attr) in HARMLESS else callee
            found[callee if callee in DANGEROUS else "call"] += 1
    return found


def test_every_generated_python_file_parses(pair: tuple[Generated, Generated]) -> None:
    for path, text in _python(pair[0]).items():
        ast.parse(text, filename=path)
        assert "\x00" not in text and "\x1b" not in text and "\u2028" not in text, path


def test_the_code_has_exactly_the_twins_structure(pair: tuple[Generated, Generated]) -> None:
    hostile, twin = _python(pair[0]), _python(pair[1])
    assert hostile.keys() == twin.keys()
    for path in hostile:
        assert _skeleton(ast.parse(hostile[path])) == _skeleton(ast.parse(twin[path])), path


def test_no_call_the_twin_does_not_make(pair: tuple[Generated, Generated]) -> None:
    hostile, twin = _python(pair[0]), _python(pair[1])
    for path in hostile:
        calls = _callees(ast.parse(hostile[path]))
        assert calls == _callees(ast.parse(twin[path])), path
        assert not set(calls) & DANGEROUS, path


def test_payloads_are_only_ever_strings_or_comments(pair: tuple[Generated, Generated]) -> None:
    inert = (tokenize.STRING, tokenize.COMMENT)
    seen_jinja = False
    for path, text in _python(pair[0]).items():
        before: list[str] = ["", ""]
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type in inert:
                seen_jinja = seen_jinja or payloads.JINJA in token.string
                continue
            qualified = before[-1] == "." and (before[-2], token.string) in HARMLESS
            before = [before[-1], token.string]
            # identifiers made from payload text are harmless words; a dangerous name as code is not
            assert qualified or not (token.type == tokenize.NAME and token.string in DANGEROUS), (
                path,
                token,
            )
            assert token.type != tokenize.ERRORTOKEN, (path, token)
    assert seen_jinja, "the Jinja payload should survive as text (it was evaluated or dropped)"


def test_importing_and_serving_never_runs_the_payload(
    pair: tuple[Generated, Generated], tmp_path: Path
) -> None:
    hostile = pair[0]
    paths = [str(p) for p in hostile.projects]
    script = f"""
import json, sys
sys.path[:0] = {paths!r}
import httpx
import hostile_client, hostile_server
import importlib, pkgutil
from hostile_client import client, models
from starlette.testclient import TestClient

app = hostile_server.create_app()
schema = app.openapi()
with TestClient(app) as http:
    assert http.get("/openapi.json").status_code == 200
modules = [importlib.import_module("hostile_client.client." + m.name) for m in pkgutil.iter_modules(client.__path__)]
operations = {{name: getattr(mod, name) for mod in modules for name in dir(mod) if name.isupper() and
               isinstance(getattr(mod, name), hostile_client._runtime.Operation)}}
import enum, pydantic
found = [getattr(models, name) for name in models.__all__]
enums = [m for m in found if isinstance(m, type) and issubclass(m, enum.Enum)]
print(json.dumps({{
    "paths": sorted(op.path for op in operations.values()),
    "operation_ids": sorted(op.operation_id for op in operations.values()),
    "params": sorted(p.name for op in operations.values() for p in op.params),
    "enum_values": sorted(str(member.value) for enum in enums for member in enum),
    "aliases": sorted(f.serialization_alias or name for m in found if isinstance(m, type)
                      and issubclass(m, pydantic.BaseModel) for name, f in m.model_fields.items()),
    "title": schema["info"]["title"],
}}))
"""
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    for directory in (tmp_path, hostile.out, Path.cwd()):
        assert not list(directory.rglob(payloads.MARKER)), directory
    data = json.loads(result.stdout.strip().splitlines()[-1])
    document = payloads.spec(True)
    assert data["paths"] == sorted(document["paths"]) * 2
    assert data["operation_ids"] == sorted([payloads.name(13, True), payloads.name(27, True)])
    assert payloads.name(16, True) in data["params"] and payloads.name(21, True) in data["params"]
    assert {payloads.text(49, True), payloads.text(50, True), payloads.text(43, True)} <= set(
        data["enum_values"]
    )
    assert {payloads.name(33, True), payloads.name(45, True)} <= set(data["aliases"])
    assert data["title"] == payloads.text(4, True)


def test_ruff_and_mypy_accept_the_hostile_output(
    pair: tuple[Generated, Generated], tmp_path: Path
) -> None:
    hostile = pair[0]
    for project in hostile.projects:
        linted = ruff(project)
        assert linted.returncode == 0, linted.stdout
    checked = mypy([hostile], tmp_path / "cache")
    assert not mypy_errors_by_package(checked.stdout) and checked.returncode == 0, checked.stdout[
        -6000:
    ]


def test_packaging_files_stay_inert(pair: tuple[Generated, Generated]) -> None:
    hostile = pair[0]
    assert hostile.rendered is not None
    for path, text in hostile.rendered.files.items():
        if path.endswith("pyproject.toml"):
            project = tomllib.loads(text)["project"]
            assert (
                project["name"] in ("hostile-client", "hostile-server")
                and "\n" not in project["description"]
            )
        if path.endswith("README.md"):
            assert (
                not any(c in text for c in "\x00\x1b\r\u2028")
                and "<script" not in text
                and "-->" not in text.split("\n", 1)[1]
            )
