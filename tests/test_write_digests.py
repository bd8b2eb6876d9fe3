"""The in-place write decides by digests in hand, never by a stale one (output/write_in_place.py).

Which files changed is read off the digests package_trees computed for the new
manifest (a :class:`DigestedTree`) against the manifest's, once the stat record
(output/file_stats.py) proved the files on disk hold the manifest's; afterwards the
record is updated for the written files only. Each test breaks one of those
premises and checks the write still does what hashing everything would.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import pytest

from apiforge.config.targets import Target
from apiforge.output import cache, file_stats, write, write_in_place
from apiforge.output.manifest import MANIFEST_NAME, read_manifest
from apiforge.output.write import WriteRefused, package_trees, write_packages
from apiforge.output.write_in_place import DigestedTree

PACKAGES = ("shop_client", "shop_server")
OLD = {
    "shop_client/README.md": "hi\n",
    "shop_client/shop_client/__init__.py": "A = 1\n",
    "shop_client/shop_client/models/pets.py": "B = 2\n",
    "shop_client/shop_client/models/gone.py": "C = 3\n",
    "shop_server/shop_server/app.py": "D = 4\n",
}
NEW = {
    "shop_client/README.md": "hi\n",
    "shop_client/shop_client/__init__.py": "A = 1\n",
    "shop_client/shop_client/models/pets.py": "B = 5\n",  # same size
    "shop_client/shop_client/models/fresh.py": "E = 5\n",
    "shop_server/shop_server/app.py": "D = 4\n",
}
KEPT = "shop_client/shop_client/__init__.py"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """OLD written, its files older than the racy window, their stats recorded."""
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "out"
    write_packages(folder, trees(tmp_path, OLD))
    old = time.time_ns() - 10 * 10**9
    for path in folder.rglob("*"):
        os.utime(path, ns=(old, old), follow_symlinks=False)
    for package in PACKAGES:  # records the aged stats: the next check stats, not hashes
        manifest = read_manifest(folder / package)
        assert manifest is not None
        file_stats.digests(folder / package, manifest.files, lambda p: sha(p.read_bytes()))
    return folder


def trees(tmp_path: Path, files: dict[str, str]) -> dict[str, dict[str, bytes]]:
    spec = tmp_path / "shop.yaml"
    spec.write_text("openapi: 3.1.0\n")
    target = Target.for_spec(spec, tmp_path / "unused")
    return package_trees(target, files, PACKAGES, {}, "templates-hash")


def on_disk(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".apiforge-" not in p.as_posix()  # the manifests, the spec copies
    }


def expected(files: dict[str, str]) -> dict[str, bytes]:
    return {name: text.encode() for name, text in files.items()}


def in_place(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    taken: list[bool] = []
    real = write_in_place.write_changes

    def spy(*args: object) -> int | None:
        written = real(*args)  # type: ignore[arg-type]
        taken.append(written is not None)
        return written

    monkeypatch.setattr(write, "write_changes", spy)
    return taken


def test_trees_carry_the_manifest_digests(tmp_path: Path) -> None:
    for package, tree in trees(tmp_path, NEW).items():
        assert isinstance(tree, DigestedTree)
        manifest = json.loads(tree[MANIFEST_NAME])
        assert manifest["files"] == {n: sha(d) for n, d in tree.items() if n != MANIFEST_NAME}
        assert all(tree.digest(n) == sha(tree[n]) for n in manifest["files"]), package


def test_an_entry_replaced_after_hashing_is_hashed_again() -> None:
    tree = DigestedTree({"a.py": b"A = 1\n"}, {"a.py": sha(b"A = 1\n")})
    tree["a.py"] = b"A = 2\n"
    assert tree.digest("a.py") == sha(b"A = 2\n")
    # the digest counts for the bytes object it came from, not for equal bytes
    tree = DigestedTree({"a.py": b"A = 1\n"}, {"a.py": "not the digest"})
    tree["a.py"] = bytes(bytearray(b"A = 1\n"))  # equal bytes, another object
    assert tree.digest("a.py") == sha(b"A = 1\n")


def test_a_tree_changed_after_package_trees_is_written(
    out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The new manifest's digest of a replaced entry is stale: the write must not trust it."""
    taken = in_place(monkeypatch)
    new = trees(tmp_path, OLD)
    new["shop_server"]["shop_server/app.py"] = b"D = 9\n"  # same size, other bytes
    write_packages(out, new)
    assert taken == [True]
    assert (out / "shop_server/shop_server/app.py").read_bytes() == b"D = 9\n"


def test_only_changed_files_are_written_and_the_result_is_the_new_tree(
    out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = in_place(monkeypatch)
    inodes = {n: os.stat(out / n).st_ino for n in OLD}
    write_packages(out, trees(tmp_path, NEW))
    assert taken == [True]
    assert on_disk(out) == expected(NEW)
    same = [n for n in OLD if NEW.get(n) == OLD[n]]
    assert {n: os.stat(out / n).st_ino for n in same} == {n: inodes[n] for n in same}
    assert (
        os.stat(out / "shop_client/shop_client/models/pets.py").st_ino
        != inodes["shop_client/shop_client/models/pets.py"]
    )


def test_same_size_and_mtime_edit_on_disk_is_refused(
    out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hand edit that keeps the size and the mtime (a trusted record's stat) is still seen."""
    taken = in_place(monkeypatch)
    path = out / KEPT
    before = os.stat(path)
    path.write_bytes(b"A = 7\n")  # same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    with pytest.raises(WriteRefused) as refused:
        write_packages(out, trees(tmp_path, NEW))
    assert taken == [False]
    assert [(d.code, Path(d.location.file)) for d in refused.value.diagnostics] == [
        ("hand-edited", out / KEPT)
    ]
    assert path.read_bytes() == b"A = 7\n"


def test_manifest_edited_by_hand_is_refused_as_the_staged_swap_refuses(
    out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A manifest that claims the new bytes for a file still holding the old ones."""
    manifest_path = out / "shop_client" / MANIFEST_NAME
    data = json.loads(manifest_path.read_text())
    name = "shop_client/models/pets.py"
    data["files"][name] = sha(NEW[f"shop_client/{name}"].encode())
    manifest_path.write_text(json.dumps(data, sort_keys=True, indent=2) + "\n")
    before = on_disk(out)
    taken = in_place(monkeypatch)
    with pytest.raises(WriteRefused) as refused:
        write_packages(out, trees(tmp_path, NEW))
    assert taken == [False]
    assert [d.code for d in refused.value.diagnostics] == ["hand-edited"]
    assert on_disk(out) == before
    write_packages(out, trees(tmp_path, NEW), force=True)
    assert on_disk(out) == expected(NEW)


def test_the_stat_record_after_an_in_place_write_matches_the_files(
    out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Written files get their new stat and digest, removed ones go, the rest stay trusted."""
    hashed: list[Path] = []

    def counting(path: Path) -> str | None:
        hashed.append(path)
        return sha(path.read_bytes())

    monkeypatch.setattr(write_in_place, "sha256_file", counting)
    write_packages(out, trees(tmp_path, NEW))
    assert hashed == []  # every old file's stat was trusted: nothing read back
    for package in PACKAGES:
        manifest = read_manifest(out / package)
        assert manifest is not None
        key = os.path.abspath(out / package)
        _, record = file_stats.load(cache.read_bytes(cache.cache_dir(file_stats.KIND), key))
        assert record.keys() == manifest.files.keys()
        for name, (identity, digest) in record.items():
            assert identity == file_stats.identity(os.stat(out / package / name)), name
            assert digest == manifest.files[name] == sha((out / package / name).read_bytes())
    # the write stamped once it had written: the next one hashes none of the files this one
    # wrote, unless it wrote them in the stamp's tick (racy), and none of the untouched ones
    key = os.path.abspath(out / "shop_client")
    _, stamp, _ = file_stats.load_entry(cache.read_bytes(cache.cache_dir(file_stats.KIND), key))
    assert stamp is not None
    written = {"shop_client/models/pets.py", "shop_client/models/fresh.py"}
    mtimes = {name: os.stat(out / "shop_client" / name).st_mtime_ns for name in written}
    assert all(mtime <= stamp[0] for mtime in mtimes.values())
    write_packages(out, trees(tmp_path, NEW))
    racy = {name for name, mtime in mtimes.items() if mtime == stamp[0]}
    assert {p.relative_to(out / "shop_client").as_posix() for p in hashed} == racy


def test_without_a_cache_kept_files_stay_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With ``APIFORGE_CACHE_DIR=off`` every file is hashed, and still only changed ones written."""
    monkeypatch.setenv("APIFORGE_CACHE_DIR", "off")
    folder = tmp_path / "out"
    write_packages(folder, trees(tmp_path, OLD))
    inodes = {n: os.stat(folder / n).st_ino for n in OLD}
    taken = in_place(monkeypatch)
    write_packages(folder, trees(tmp_path, NEW))
    assert taken == [True]
    assert on_disk(folder) == expected(NEW)
    same = [n for n in OLD if NEW.get(n) == OLD[n]]
    assert {n: os.stat(folder / n).st_ino for n in same} == {n: inodes[n] for n in same}
