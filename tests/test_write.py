"""The write stage: path checks, the staged swap, user files, hand edits and failure recovery."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from apiforge.config.targets import Target
from apiforge.output.journal import InterruptedAfterWrite
from apiforge.output.manifest import MANIFEST_NAME, STAGING_PREFIX
from apiforge.output.safe_paths import path_problem
from apiforge.output.write import WriteRefused, package_trees, write_packages


@pytest.fixture
def target(tmp_path: Path) -> Target:
    spec = tmp_path / "shop.yaml"
    spec.write_text("openapi: 3.1.0\n")
    return Target.for_spec(spec, tmp_path / "out", server_package=None)


def trees_for(target: Target, files: dict[str, str]) -> dict[str, dict[str, bytes]]:
    return package_trees(target, files, ("shop_client",), {}, "templates-hash")


def snapshot(root: Path) -> dict[str, bytes | str]:
    """Every entry under root: file bytes, symlink targets, empty directories."""
    found: dict[str, bytes | str] = {}
    for path in sorted(root.rglob("*")):
        key = path.relative_to(root).as_posix()
        if path.is_symlink():
            found[key] = "-> " + os.readlink(path)
        elif path.is_file():
            found[key] = path.read_bytes()
        elif not any(path.iterdir()):
            found[key] = "<empty dir>"
    return found


FILES = {
    "shop_client/pyproject.toml": "[project]\n",
    "shop_client/shop_client/__init__.py": "A = 1\n",
    "shop_client/shop_client/models.py": "B = 2\n",
}


# --- path checks ----------------------------------------------------------------------------


UNSAFE = [
    "",
    "../evil.py",
    "pkg/../../evil.py",
    "/etc/passwd",
    "pkg\\evil.py",
    "pkg/evil\0.py",
    "pkg//a.py",
    "pkg/./a.py",
    "pkg/",
    "C:/x.py",
    "pkg/a:stream",
    "pkg/CON",
    "pkg/con.py",
    "pkg/Nul.txt",
    "pkg/aux",
    "pkg/COM1.py",
    "pkg/lpt9",
    "pkg/trailing.",
    "pkg/trailing ",
    "pkg/new\nline.py",
]


@pytest.mark.parametrize("path", UNSAFE)
def test_unsafe_paths_are_named(path: str) -> None:
    assert path_problem(path) is not None


@pytest.mark.parametrize(
    "path", ["pkg/a.py", "pkg/sub/b.pyi", "pkg/console.py", "pkg/com10.py", "pkg/.hidden"]
)
def test_safe_paths(path: str) -> None:
    assert path_problem(path) is None


@pytest.mark.parametrize("path", UNSAFE)
def test_an_unsafe_path_among_safe_ones_is_named_as_alone(target: Target, path: str) -> None:
    """package_trees checks the paths' characters all at once first; a bad one still gets
    path_problem's own message."""
    with pytest.raises(WriteRefused) as refused:
        trees_for(target, {**FILES, path: "x"})
    expected = path_problem(path)
    assert expected is not None
    messages = [d.message for d in refused.value.diagnostics]
    assert messages[:1] == [f"output path {path!r} {expected}"]


def test_hostile_paths_refuse_before_anything_is_written(target: Target) -> None:
    hostile = {**FILES, "shop_client/../../escape.py": "x", "elsewhere/x.py": "x", "top.py": "x"}
    with pytest.raises(WriteRefused) as refused:
        trees_for(target, hostile)
    messages = [d.message for d in refused.value.diagnostics]
    assert any("'..'" in m for m in messages)
    assert sum("not inside one of the target's packages" in m for m in messages) == 2
    assert all(d.code == "unsafe-output-path" for d in refused.value.diagnostics)
    assert not target.output.exists()


def test_hostile_package_names_and_manifest_path(target: Target) -> None:
    with pytest.raises(WriteRefused):
        package_trees(target, {"../x/a.py": "x"}, ("..",), {}, "h")
    with pytest.raises(WriteRefused) as refused:
        trees_for(target, {f"shop_client/{MANIFEST_NAME}": "{}"})
    assert "would overwrite the manifest" in refused.value.diagnostics[0].message


def test_paths_differing_only_in_case_are_refused(target: Target) -> None:
    with pytest.raises(WriteRefused) as refused:
        trees_for(target, {"shop_client/a.py": "", "shop_client/A.py": ""})
    assert "differ only in case" in refused.value.diagnostics[0].message


# --- writing --------------------------------------------------------------------------------


def test_first_write_creates_packages_and_manifest(target: Target) -> None:
    write_packages(target.output, trees_for(target, FILES))
    package = target.output / "shop_client"
    assert (package / "shop_client/models.py").read_bytes() == b"B = 2\n"
    assert (package / MANIFEST_NAME).is_file()
    assert [p.name for p in target.output.iterdir()] == ["shop_client"]  # no staging left


def test_rewrite_removes_files_no_longer_generated(target: Target) -> None:
    write_packages(target.output, trees_for(target, FILES))
    smaller = {k: v for k, v in FILES.items() if not k.endswith("models.py")}
    write_packages(target.output, trees_for(target, smaller))
    assert not (target.output / "shop_client/shop_client/models.py").exists()


def test_user_files_are_carried_over(target: Target) -> None:
    write_packages(target.output, trees_for(target, FILES))
    package = target.output / "shop_client"
    (package / "my_notes.txt").write_text("mine")
    (package / "shop_client" / "local.py").write_text("# mine too")
    (package / "empty").mkdir()
    (package / "link").symlink_to("my_notes.txt")
    write_packages(
        target.output, trees_for(target, {**FILES, "shop_client/shop_client/models.py": "C\n"})
    )
    assert (package / "my_notes.txt").read_text() == "mine"
    assert (package / "shop_client/local.py").read_text() == "# mine too"
    assert (package / "empty").is_dir()
    assert os.readlink(package / "link") == "my_notes.txt"
    assert (package / "shop_client/models.py").read_text() == "C\n"


def test_user_file_in_the_way_is_refused_unless_forced(target: Target) -> None:
    package = target.output / "shop_client"
    (package / "shop_client").mkdir(parents=True)
    (package / "shop_client/models.py").write_text("# my own models")
    before = snapshot(target.output)
    with pytest.raises(WriteRefused) as refused:
        write_packages(target.output, trees_for(target, FILES))
    assert refused.value.diagnostics[0].code == "user-file-conflict"
    assert refused.value.diagnostics[0].location.file.endswith("shop_client/shop_client/models.py")
    assert snapshot(target.output) == before
    write_packages(target.output, trees_for(target, FILES), force=True)
    assert (package / "shop_client/models.py").read_text() == "B = 2\n"


def test_unlisted_file_with_the_generated_bytes_is_not_a_conflict(target: Target) -> None:
    """generated/ committed before manifests existed regenerates without --force."""
    for name, text in FILES.items():
        (target.output / name).parent.mkdir(parents=True, exist_ok=True)
        (target.output / name).write_text(text)
    write_packages(target.output, trees_for(target, FILES))
    assert (target.output / "shop_client" / MANIFEST_NAME).is_file()


def test_hand_edited_file_is_refused_unless_forced(target: Target) -> None:
    write_packages(target.output, trees_for(target, FILES))
    edited = target.output / "shop_client/shop_client/__init__.py"
    edited.write_text("A = 'mine'\n")
    before = snapshot(target.output)
    with pytest.raises(WriteRefused) as refused:
        write_packages(
            target.output,
            trees_for(target, {**FILES, "shop_client/shop_client/__init__.py": "A = 3\n"}),
        )
    assert [d.code for d in refused.value.diagnostics] == ["hand-edited"]
    assert refused.value.diagnostics[0].location.file == str(edited)
    assert snapshot(target.output) == before
    write_packages(target.output, trees_for(target, FILES), force=True)
    assert edited.read_text() == "A = 1\n"


def test_unreadable_manifest_is_refused_unless_forced(target: Target) -> None:
    write_packages(target.output, trees_for(target, FILES))
    (target.output / "shop_client" / MANIFEST_NAME).write_text("{not json")
    with pytest.raises(WriteRefused) as refused:
        write_packages(target.output, trees_for(target, FILES))
    assert refused.value.diagnostics[0].code == "manifest-unreadable"
    write_packages(target.output, trees_for(target, FILES), force=True)


def test_package_path_that_is_a_file_is_refused(target: Target) -> None:
    target.output.mkdir()
    (target.output / "shop_client").write_text("not a dir")
    with pytest.raises(WriteRefused) as refused:
        write_packages(target.output, trees_for(target, FILES), force=True)
    assert refused.value.diagnostics[0].code == "output-not-a-directory"


# --- failures leave the previous output intact ----------------------------------------------


@pytest.mark.parametrize("error", [OSError("disk full"), KeyboardInterrupt()])
def test_failure_while_building_leaves_output_intact(
    target: Target, monkeypatch: pytest.MonkeyPatch, error: BaseException
) -> None:
    write_packages(target.output, trees_for(target, FILES))
    (target.output / "shop_client/my_notes.txt").write_text("mine")
    before = snapshot(target.output)

    def broken_copy(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(shutil, "copy2", broken_copy)
    with pytest.raises(type(error)):  # forced: staged (the in-place way copies no user file)
        write_packages(
            target.output, trees_for(target, {**FILES, "shop_client/new.py": "x"}), force=True
        )
    assert snapshot(target.output) == before
    assert not any(p.name.startswith(STAGING_PREFIX) for p in target.output.iterdir())


@pytest.mark.parametrize("error", [OSError("rename failed"), KeyboardInterrupt()])
def test_failure_while_swapping_restores_every_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException
) -> None:
    spec = tmp_path / "shop.yaml"
    spec.write_text("x")
    both = Target.for_spec(spec, tmp_path / "out")
    files = {
        "shop_client/a.py": "client 1\n",
        "shop_server/a.py": "server 1\n",
    }
    packages = ("shop_client", "shop_server")
    write_packages(both.output, package_trees(both, files, packages, {}, "h"))
    before = snapshot(both.output)
    renames: list[tuple[str, str]] = []
    real_rename = os.rename

    def flaky_rename(src: str | Path, dst: str | Path) -> None:
        renames.append((str(src), str(dst)))
        if len(renames) == 4:  # client aside, client in, server aside, then fail
            raise error
        real_rename(src, dst)

    monkeypatch.setattr(os, "rename", flaky_rename)
    new_files = {"shop_client/a.py": "client 2\n", "shop_server/a.py": "server 2\n"}
    with pytest.raises(type(error)):  # forced: the staged swap (test_write_in_place.py: the other)
        write_packages(both.output, package_trees(both, new_files, packages, {}, "h"), force=True)
    monkeypatch.setattr(os, "rename", real_rename)
    assert snapshot(both.output) == before


def test_failure_before_the_first_write_removes_the_new_output_dir(
    target: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_open(*args: object, **kwargs: object) -> None:
        raise OSError("no space")

    monkeypatch.setattr("builtins.open", broken_open)
    with pytest.raises(OSError):
        write_packages(target.output, trees_for(target, FILES))
    assert not target.output.exists()


@pytest.mark.parametrize("force", [False, True])  # the in-place way, and the staged swap
def test_ctrl_c_after_the_write_is_complete_leaves_no_staging_folder(
    target: Target, monkeypatch: pytest.MonkeyPatch, force: bool
) -> None:
    """The interrupt goes through, but only after the old copy in the staging folder is gone."""
    write_packages(target.output, trees_for(target, FILES))
    new = {**FILES, "shop_client/shop_client/models.py": "B = 3\n"}
    real_unlink, calls = os.unlink, []

    def interrupted_once(path: str | Path, *args: object, **kwargs: object) -> None:
        if not calls and Path(path).parent.name.startswith(STAGING_PREFIX):
            calls.append(path)
            raise KeyboardInterrupt
        real_unlink(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "unlink", interrupted_once)
    with pytest.raises(InterruptedAfterWrite) as interrupted:  # a KeyboardInterrupt
        write_packages(target.output, trees_for(target, new), force=force)
    monkeypatch.undo()
    assert calls  # the interrupt came while cleaning up
    assert interrupted.value.written == 1  # and says the write happened
    assert not any(p.name.startswith(STAGING_PREFIX) for p in target.output.iterdir())
    assert (target.output / "shop_client/shop_client/models.py").read_text() == "B = 3\n"
