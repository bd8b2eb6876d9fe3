"""Reused views are stored formatted (``view_reuse.Reuse``): a reused run formats only the models.

A run that reuses the client's and the server's parts must neither see their unformatted
text nor look their modules up in the format cache; text formatted by other settings
(black, another ruff line length) is never reused; a module the formatter cannot format
still fails every run that renders it, and leaves the output as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_incremental_edits import _generate, _reused, _tree, synth

from apiforge.output import cache
from apiforge.output import format as fmt


def _add_property(document: dict[str, Any]) -> None:
    """An edit only the models read: the views' parts are reused."""
    schemas = document["components"]["schemas"]
    name = next(n for n in schemas if f"{n}Request" in schemas)
    schemas[name]["properties"][f"added{len(schemas[name]['properties'])}"] = {"type": "string"}


class Spy:
    """What ``format_files`` was given and which format-cache keys were asked for."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.formatted: list[str] = []
        self.looked_up: list[str] = []
        real_format, real_read = fmt.format_files, cache.read_many

        def format_files(files: dict[str, str], *args: Any, **kwargs: Any) -> dict[str, str]:
            self.formatted += [path for path in files if path.endswith(".py")]
            return real_format(files, *args, **kwargs)

        def read_many(folder: Path | None, keys: list[str]) -> dict[str, str]:
            if folder is not None and folder.name == "format":
                self.looked_up += keys
            return real_read(folder, keys)

        monkeypatch.setattr(fmt, "format_files", format_files)
        monkeypatch.setattr(cache, "read_many", read_many)


def _warm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *options: str) -> dict[str, Any]:
    document = synth.generate(12)
    warm = tmp_path / "warm"
    warm.mkdir()
    (warm / "api.yaml").write_text(synth.dump(document), encoding="utf-8")
    assert _generate(warm, monkeypatch, *options)[0] == 0
    return document


def _cold(
    tmp_path: Path,
    name: str,
    document: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    *options: str,
) -> dict[str, bytes]:
    cold = tmp_path / name
    cold.mkdir()
    (cold / "api.yaml").write_text(synth.dump(document), encoding="utf-8")
    assert _generate(cold, monkeypatch, *options)[0] == 0
    return _tree(cold / "out")


def test_a_reused_run_formats_and_looks_up_only_the_models(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = _warm(tmp_path, monkeypatch)
    _add_property(document)
    (tmp_path / "warm" / "api.yaml").write_text(synth.dump(document), encoding="utf-8")
    spy = Spy(monkeypatch)
    code, said = _generate(tmp_path / "warm", monkeypatch)
    assert code == 0
    assert _reused(said) == ["client", "server"]
    after = _tree(tmp_path / "warm" / "out")
    modules = [p for p in after if p.endswith(".py") and "/_runtime/" not in p]
    models = [p for p in modules if "/models/" in p]
    assert models and len(models) < len(modules)
    assert sorted(spy.formatted) == sorted(models)  # no view module's text reached the formatter
    assert 0 < len(spy.looked_up) <= len(models)  # nor the format cache
    monkeypatch.undo()
    assert after == _cold(tmp_path, "cold", document, monkeypatch)


def test_black_or_another_ruff_setting_never_reuses_ruff_formatted_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = _warm(tmp_path, monkeypatch)
    for step, options in enumerate([("--formatter", "black"), ()]):
        _add_property(document)
        (tmp_path / "warm" / "api.yaml").write_text(synth.dump(document), encoding="utf-8")
        if not options:  # ruff again, but with another line length
            monkeypatch.setattr(fmt, "LINE_LENGTH", 88)
        code, said = _generate(tmp_path / "warm", monkeypatch, *options)
        assert code == 0
        assert _reused(said) == [], options
        after = _tree(tmp_path / "warm" / "out")
        assert after == _cold(tmp_path, f"cold{step}", document, monkeypatch, *options)
        _add_property(document)  # the same settings again: now reused, still as cold
        (tmp_path / "warm" / "api.yaml").write_text(synth.dump(document), encoding="utf-8")
        code, said = _generate(tmp_path / "warm", monkeypatch, *options)
        assert code == 0
        assert _reused(said) == ["client", "server"], options
        after = _tree(tmp_path / "warm" / "out")
        assert after == _cold(tmp_path, f"again{step}", document, monkeypatch, *options)


def test_a_view_module_the_formatter_cannot_format_fails_every_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from apiforge.render import client

    document = _warm(tmp_path, monkeypatch)
    before = _tree(tmp_path / "warm" / "out")
    real = client.client_parts

    def broken(*args: Any, **kwargs: Any) -> tuple[dict[str, str], dict[str, str]]:
        head, tail = real(*args, **kwargs)
        first = next(iter(tail))
        return head, {**tail, first: tail[first] + "\ndef broken(:\n"}

    monkeypatch.setattr(client, "client_parts", broken)
    document["paths"]["/ping"] = {
        "get": {"operationId": "ping", "responses": {"204": {"description": "pong"}}}
    }  # an edit the views read: they are made again
    (tmp_path / "warm" / "api.yaml").write_text(synth.dump(document), encoding="utf-8")
    for _ in range(2):  # the failed run stored nothing the second one could reuse
        code, said = _generate(tmp_path / "warm", monkeypatch)
        assert code != 0 and "format-failed" in said
        assert _reused(said) == []
        assert _tree(tmp_path / "warm" / "out") == before
