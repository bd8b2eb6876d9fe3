"""The write stage's in-place way: the staged swap's result, fewer writes, same all-or-nothing."""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from apiforge.config.targets import Target
from apiforge.output import recovery, write, write_in_place
from apiforge.output.manifest import STAGING_PREFIX
from apiforge.output.write import WriteRefused, package_trees, write_packages

PACKAGES = ("shop_client", "shop_server")
OLD = {
    "shop_client/pyproject.toml": "[project]\n",
    "shop_client/shop_client/__init__.py": "A = 1\n",
    "shop_client/shop_client/models/pets.py": "B = 2\n",
    "shop_client/shop_client/models/gone/old.py": "C = 3\n",
    "shop_server/shop_server/app.py": "D = 4\n",
}
NEW = {
    "shop_client/pyproject.toml": "[project]\n",
    "shop_client/shop_client/__init__.py": "A = 1\n",
    "shop_client/shop_client/models/pets.py": "B = 'changed'\n",
    "shop_client/shop_client/models/fresh/new.py": "E = 5\n",
    "shop_server/shop_server/app.py": "D = 'changed'\n",
}
KEPT = "shop_client/shop_client/__init__.py"


def snapshot(root: Path) -> dict[str, Any]:
    """Every entry under ``root``: bytes and mode of files, symlink targets, empty folders."""
    found: dict[str, Any] = {}
    for path in sorted(root.rglob("*")):
        key = path.relative_to(root).as_posix()
        if path.is_symlink():
            found[key] = "-> " + os.readlink(path)
        elif path.is_file():
            found[key] = (path.read_bytes(), stat.S_IMODE(path.stat().st_mode))
        elif not any(path.iterdir()):
            found[key] = "<empty dir>"
    return found


def trees(tmp_path: Path, files: dict[str, str]) -> dict[str, dict[str, bytes]]:
    spec = tmp_path / "shop.yaml"
    spec.write_text("openapi: 3.1.0\n")
    target = Target.for_spec(spec, tmp_path / "unused")
    return package_trees(target, files, PACKAGES, {}, "templates-hash")


def _user_files(out: Path) -> None:
    package = out / "shop_client"
    (package / "notes.txt").write_text("mine")
    (package / "empty").mkdir()
    (package / "link").symlink_to("notes.txt")
    (package / "shop_client/models/gone/__pycache__").mkdir()  # keeps the emptied folder


def _chmod_kept(out: Path) -> None:
    (out / KEPT).chmod(0o600)


def _kept_becomes_symlink(out: Path) -> None:
    (out / "copy.py").write_bytes((out / KEPT).read_bytes())
    (out / KEPT).unlink()
    (out / KEPT).symlink_to(out / "copy.py")


def _user_file_where_a_new_one_goes(out: Path) -> None:
    (out / "shop_client/shop_client/models/fresh").mkdir()
    (out / "shop_client/shop_client/models/fresh/new.py").write_text("E = 5\n")


def _listed_file_missing(out: Path) -> None:
    (out / KEPT).unlink()


def _symlinked_folder(out: Path) -> None:
    models = out / "shop_client/shop_client/models"
    shutil.copytree(models, out / "models-copy")
    shutil.rmtree(models)
    models.symlink_to(out / "models-copy")


def _hand_edit(out: Path) -> None:
    (out / KEPT).write_text("A = 'mine'\n")


# (what the user did to the output, whether the in-place way may take it)
SCENARIOS: dict[str, tuple[Callable[[Path], None] | None, bool]] = {
    "plain": (None, True),
    "user files": (_user_files, True),
    "chmod of a kept file": (_chmod_kept, True),
    "kept file is a symlink": (_kept_becomes_symlink, True),
    "user file where a new one goes": (_user_file_where_a_new_one_goes, False),
    "listed file missing": (_listed_file_missing, False),
    "symlinked folder": (_symlinked_folder, False),
    "hand edit": (_hand_edit, False),
}


def _outcome(out: Path, new: dict[str, dict[str, bytes]]) -> Any:
    try:
        write_packages(out, new)
    except WriteRefused as refused:
        return [
            (d.code, Path(d.location.file).relative_to(out).as_posix()) for d in refused.diagnostics
        ]
    return snapshot(out)


@pytest.mark.parametrize("name", SCENARIOS)
def test_in_place_leaves_what_the_staged_swap_leaves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    change, in_place = SCENARIOS[name]
    old, new = trees(tmp_path, OLD), trees(tmp_path, NEW)
    outs = [tmp_path / "in_place", tmp_path / "staged"]
    for out in outs:
        write_packages(out, old)
        if change is not None:
            change(out)
    kept_inode = os.lstat(outs[0] / KEPT).st_ino if name == "plain" else 0
    taken: list[bool] = []
    real = write_in_place.write_changes

    def spy(*args: Any) -> int | None:
        written = real(*args)
        taken.append(written is not None)
        return written

    monkeypatch.setattr(write, "write_changes", spy)
    result = _outcome(outs[0], new)
    assert taken == [in_place]
    monkeypatch.setattr(write, "write_changes", lambda *args: None)  # the staged swap only
    assert result == _outcome(outs[1], new)
    if name == "plain":
        assert os.lstat(outs[0] / KEPT).st_ino == kept_inode  # untouched, not rewritten
        assert not (outs[0] / "shop_client/shop_client/models/gone").exists()


def test_nothing_changed_rewrites_only_the_manifests(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_packages(out, trees(tmp_path, OLD))
    inodes = {p: p.stat().st_ino for p in out.rglob("*.py")}
    write_packages(out, trees(tmp_path, OLD))
    assert {p: p.stat().st_ino for p in out.rglob("*.py")} == inodes


class _Failing:
    """``os`` (and ``open``) as write_in_place sees them; the ``fail_at``-th change fails."""

    def __init__(self, fail_at: int, error: BaseException) -> None:
        self.calls, self.fail_at, self.error = 0, fail_at, error

    def __getattr__(self, name: str) -> Any:
        real = getattr(os, name)
        return self.counted(real) if name in ("rename", "mkdir", "rmdir", "open") else real

    def counted(self, real: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            if self.calls == self.fail_at:
                raise self.error
            return real(*args, **kwargs)

        return call


@pytest.mark.parametrize("error", [OSError("disk full"), KeyboardInterrupt()])
def test_a_failure_at_any_step_restores_the_previous_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException
) -> None:
    out = tmp_path / "out"
    write_packages(out, trees(tmp_path, OLD))
    _user_files(out)
    before = snapshot(out)
    new = trees(tmp_path, NEW)
    fail_at = 1
    while True:
        failing = _Failing(fail_at, error)
        monkeypatch.setattr(write_in_place, "os", failing)
        monkeypatch.setattr(write_in_place, "open", failing.counted(open), raising=False)
        try:
            write_packages(out, new)
        except type(error):
            assert snapshot(out) == before, f"after a failure at step {fail_at}"
            assert not any(p.name.startswith(STAGING_PREFIX) for p in out.iterdir())
            fail_at += 1
            continue
        break
    assert fail_at > 10  # every step of this change was tried
    monkeypatch.undo()
    staged = tmp_path / "staged"
    write_packages(staged, trees(tmp_path, OLD))
    _user_files(staged)
    write_packages(staged, new, force=True)
    assert snapshot(out) == snapshot(staged)


def test_what_cannot_be_put_back_stays_in_the_staging_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    write_packages(out, trees(tmp_path, OLD))
    original = (out / "shop_client/shop_client/models/pets.py").read_bytes()
    renames: list[str] = []

    class Flaky:
        def __getattr__(self, name: str) -> Any:
            return getattr(os, name)

        @staticmethod
        def rename(src: str, dst: str) -> None:
            renames.append(src)
            if len(renames) in (3, 4):  # pets.py in (after new.py in, pets.py aside), then back
                raise OSError("disk gone")
            os.rename(src, dst)

        replace = rename

    monkeypatch.setattr(write_in_place, "os", Flaky())
    monkeypatch.setattr(recovery, "os", Flaky())  # the undo
    with pytest.raises(OSError):
        write_packages(out, trees(tmp_path, NEW))
    monkeypatch.undo()
    kept = [p for p in out.glob(STAGING_PREFIX + "*/*") if p.read_bytes() == original]
    assert kept, "the replaced file's old bytes were deleted"
