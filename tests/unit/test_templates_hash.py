"""templates_hash re-reads only the files whose stat changed, and still sees every change."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from apiforge import resources

HOUR_NS = 3600 * 10**9


def _hash(root: Path) -> str:
    return resources.templates_hash.__wrapped__(root)  # type: ignore[attr-defined]


def _reference(root: Path) -> str:
    """Every file read and hashed, in the documented order."""
    digest = hashlib.sha256()
    for relative in resources.package_files(root):
        digest.update(relative.encode("utf-8") + b"\0")
        digest.update(hashlib.sha256((root / relative).read_bytes()).digest())
    return digest.hexdigest()


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "templates"
    (folder / "models").mkdir(parents=True)
    (folder / "client.py.jinja").write_text("{{ a }}\n", encoding="utf-8")
    (folder / "models" / "module.py.jinja").write_text("{{ b }}\n", encoding="utf-8")
    for path in folder.rglob("*.jinja"):
        _age(path)
    return folder


def _age(path: Path) -> None:
    """Last changed an hour ago (an installed template), as far as its mtime tells."""
    old = path.stat().st_mtime_ns - HOUR_NS
    os.utime(path, ns=(old, old))


def _no_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(path: Path) -> str:
        raise AssertionError(f"{path} was read again")

    monkeypatch.setattr(resources, "_file_digest", refuse)


def test_the_hash_is_every_file_hashed_and_a_second_run_reads_none(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _hash(root)
    assert first == _reference(root)
    _no_reading(monkeypatch)
    assert _hash(root) == first


def test_a_change_that_keeps_size_and_mtime_is_still_seen(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _hash(root)
    template = root / "models" / "module.py.jinja"
    before = template.stat()
    template.write_text("{{ c }}\n", encoding="utf-8")  # same size
    os.utime(template, ns=(before.st_atime_ns, before.st_mtime_ns))  # same mtime; ctime moves
    assert _hash(root) == _reference(root)


def test_a_new_or_removed_file_changes_it(root: Path) -> None:
    first = _hash(root)
    extra = root / "models" / "extra.py.jinja"
    extra.write_text("{{ d }}\n", encoding="utf-8")
    _age(extra)
    added = _hash(root)
    assert added == _reference(root) != first
    extra.unlink()
    assert _hash(root) == first


def test_without_the_cache_every_file_is_read(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APIFORGE_CACHE_DIR", "off")
    assert _hash(root) == _reference(root)
    _no_reading(monkeypatch)
    with pytest.raises(AssertionError, match="read again"):
        _hash(root)
