"""What a hostile spec or configuration cannot do: write outside the output directory,
reach the network, or exhaust memory and time. Everything goes through ``pipeline.render``.
"""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path, PurePosixPath
from typing import Any

import payloads
import pytest
from apiforge_testkit import generate

from apiforge.config.targets import Target
from apiforge.diagnostics import Severity, Sink
from apiforge.pipeline import render

PETSTORE = {
    "openapi": "3.0.3",
    "info": {"title": "../../etc/passwd", "version": "1"},
    "paths": {
        "/../../{name}": {
            "get": {
                "operationId": "../../escape",
                "tags": ["../x"],
                "parameters": [
                    {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/..~1..~1evil"}
                            }
                        },
                    }
                },
            }
        }
    },
    "components": {
        "schemas": {"../../evil": {"type": "object", "properties": {"../p": {"type": "string"}}}}
    },
}


def _write(tmp_path: Path, name: str, document: dict[str, Any] | str) -> Path:
    path = tmp_path / name
    path.write_text(
        document if isinstance(document, str) else json.dumps(document), encoding="utf-8"
    )
    return path


def _render(spec: Path, out: Path, **overrides: Any) -> tuple[Any, Sink]:
    sink = Sink()
    values: dict[str, Any] = {"client_package": "safe_client", "server_package": "safe_server"}
    values.update(overrides)
    return render(Target.for_spec(spec, out, **values), sink), sink


def _assert_contained(files: dict[str, str], packages: tuple[str, ...]) -> None:
    for key in files:
        path = PurePosixPath(key)
        assert (
            not path.is_absolute()
            and ".." not in path.parts
            and "\x00" not in key
            and "\\" not in key
        ), key
        assert path.parts[0] in packages, key


@pytest.mark.parametrize(
    "package", ["../evil", "/tmp/evil", "a/b", "evil\x00", "..", "con", "NUL", "class", "x-y"]
)
def test_a_package_name_that_is_no_identifier_stops_generation(
    package: str, tmp_path: Path
) -> None:
    spec = _write(tmp_path, "petstore.json", PETSTORE)
    rendered, sink = _render(spec, tmp_path / "out", client_package=package)
    assert rendered is None
    assert "invalid-package-name" in [d.code for d in sink.errors], [d.render() for d in sink]
    rendered, sink = _render(spec, tmp_path / "out", server_package=package)
    assert rendered is None and "invalid-package-name" in [d.code for d in sink.errors]


def test_names_full_of_dot_dot_only_name_things_inside_the_packages(tmp_path: Path) -> None:
    rendered, sink = _render(_write(tmp_path, "petstore.json", PETSTORE), tmp_path / "out")
    assert rendered is not None, [d.render() for d in sink]
    _assert_contained(rendered.files, rendered.packages)
    rendered, sink = _render(payloads.write(tmp_path / "hostile.json", True), tmp_path / "out")
    assert rendered is not None, [d.render() for d in sink]
    _assert_contained(rendered.files, rendered.packages)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every attempt to connect, recorded and refused."""
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args)
        raise OSError("network disabled by the test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


def test_a_remote_ref_without_permission_is_a_diagnostic_and_no_connection(
    tmp_path: Path, no_network: list[Any]
) -> None:
    document = json.loads(json.dumps(PETSTORE))
    response = document["paths"]["/../../{name}"]["get"]["responses"]["200"]
    response["content"]["application/json"]["schema"] = {
        "$ref": "https://example.com/schemas.yaml#/Pet"
    }
    rendered, sink = _render(_write(tmp_path, "remote.json", document), tmp_path / "out")
    assert rendered is None
    errors = sink.errors
    assert errors and all(e.location.pointer for e in errors), [d.render() for d in sink]
    assert any("https://example.com/schemas.yaml" in e.message for e in errors)
    assert no_network == []


def test_an_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lines = [
        "openapi: 3.0.3",
        'info: {title: Bomb, version: "1"}',
        "paths: {}",
        "x-bomb:",
        '  l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    ]
    lines += [f"  l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, 12)]
    spec = _write(tmp_path, "bomb.yaml", "\n".join(lines) + "\n")
    start = time.monotonic()
    rendered, sink = _render(spec, tmp_path / "out")
    assert rendered is None and sink.errors, [d.render() for d in sink]
    assert time.monotonic() - start < 30


@pytest.mark.parametrize("depth", [1000, 100_000])
def test_deep_nesting_is_refused_with_a_diagnostic(depth: int, tmp_path: Path) -> None:
    schema = '{"type": "array", "items": ' * depth + '{"type": "string"}' + "}" * depth
    text = (
        '{"openapi": "3.0.3", "info": {"title": "Deep", "version": "1"}, "paths": {}, "components": {"schemas": {"D": '
        + schema
        + "}}}"
    )
    rendered, sink = _render(_write(tmp_path, "deep.json", text), tmp_path / "out")
    assert (
        rendered is None
        and sink.errors
        and all(d.severity is Severity.ERROR or d.code for d in sink)
    )


def test_nesting_within_the_limits_still_generates(tmp_path: Path) -> None:
    depth = 60
    nested = '{"type": "object", "properties": {"p": ' * depth + '{"type": "string"}' + "}}" * depth
    document = json.loads(json.dumps(PETSTORE))
    document["components"]["schemas"]["../../evil"] = json.loads(nested)
    generated = generate(_write(tmp_path, "nested.json", document), tmp_path / "out", "nested")
    assert generated.ok, generated.report()


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    spec = tmp_path / "huge.json"
    with spec.open("wb") as handle:  # sparse: costs no disk and no time
        handle.truncate(65 * 1024 * 1024)
    start = time.monotonic()
    rendered, sink = _render(spec, tmp_path / "out")
    assert rendered is None and sink.errors, [d.render() for d in sink]
    assert time.monotonic() - start < 10
    assert os.path.getsize(spec) == 65 * 1024 * 1024


def test_a_python_yaml_tag_is_ignored_not_constructed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    spec = _write(
        tmp_path,
        "tag.yaml",
        'openapi: 3.0.3\ninfo: {title: !!python/object/apply:os.system ["touch PWNED"], version: "1"}\npaths: {}\n',
    )
    _, sink = _render(spec, tmp_path / "out")
    assert "yaml-tag" in [d.code for d in sink], [d.render() for d in sink]
    assert not (tmp_path / "PWNED").exists()


def test_diagnostics_print_no_control_characters(tmp_path: Path) -> None:
    from apiforge.diagnostics import render_text

    document = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {
            "schemas": {
                "A\x1b[2J\x1b[31mFAKE\r": {
                    "type": "object",
                    "properties": {"x": {"not": {"type": "string"}}},
                }
            }
        },
    }
    _, sink = _render(_write(tmp_path, "esc.json", document), tmp_path / "out")
    text = render_text(sink)
    assert sink.items and not any(c in text for c in "\x1b\r\x00")
