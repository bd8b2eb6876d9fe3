"""Compiled templates kept beside the templates (render/env.py): used, never stale, written where allowed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
import pytest

from apiforge.render.env import _Bytecode
from apiforge.resources import templates_hash


def _env(templates: Path, bytecode: _Bytecode) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        bytecode_cache=bytecode,
        keep_trailing_newline=True,
    )


def _files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.cache")) if folder.is_dir() else []


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "hello.jinja").write_text("hello {{ name }}\n", encoding="utf-8")
    return folder


def test_a_compiled_template_is_read_back_instead_of_compiled(
    templates: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    installed = templates / "__pycache__" / "jinja"
    first = _env(templates, _Bytecode(installed, None, write_installed=True))
    assert first.get_template("hello.jinja").render(name="a") == "hello a\n"
    assert len(_files(installed)) == 1
    second = _env(templates, _Bytecode(installed, None, write_installed=True))

    def no_compile(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("compiled again")

    monkeypatch.setattr(second, "compile", no_compile)
    assert second.get_template("hello.jinja").render(name="b") == "hello b\n"


def test_an_edited_template_is_compiled_again(templates: Path) -> None:
    installed = templates / "__pycache__" / "jinja"
    _env(templates, _Bytecode(installed, None, True)).get_template("hello.jinja")
    (templates / "hello.jinja").write_text("goodbye {{ name }}\n", encoding="utf-8")
    fresh = _env(templates, _Bytecode(installed, None, True))
    assert fresh.get_template("hello.jinja").render(name="c") == "goodbye c\n"


def test_without_bytecode_writing_entries_go_to_the_content_cache_only(
    templates: Path, tmp_path: Path
) -> None:
    installed, content = templates / "__pycache__" / "jinja", tmp_path / "cache" / "jinja"
    _env(templates, _Bytecode(installed, content, write_installed=False)).get_template(
        "hello.jinja"
    )
    assert _files(installed) == [] and len(_files(content)) == 1
    _env(templates, _Bytecode(installed, None, write_installed=False)).get_template("hello.jinja")
    assert _files(installed) == []  # nowhere to write: compiled each run, nothing breaks


def test_a_read_only_installation_falls_back_to_the_content_cache(
    templates: Path, tmp_path: Path
) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file, so no folder can be made under it", encoding="utf-8")
    content = tmp_path / "cache" / "jinja"
    env = _env(templates, _Bytecode(blocked / "jinja", content, write_installed=True))
    assert env.get_template("hello.jinja").render(name="d") == "hello d\n"
    assert len(_files(content)) == 1


def test_compiled_templates_do_not_change_the_templates_hash(templates: Path) -> None:
    before = templates_hash(templates)
    _env(templates, _Bytecode(templates / "__pycache__" / "jinja", None, True)).get_template(
        "hello.jinja"
    )
    assert templates_hash.__wrapped__(templates) == before  # type: ignore[attr-defined]
