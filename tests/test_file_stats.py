"""The edited-file check re-hashes only files whose stat changed (output/file_stats.py)."""

from __future__ import annotations

import hashlib
import marshal
import os
import time
from pathlib import Path

import pytest

import apiforge.output.manifest as manifest_module
from apiforge.config.targets import Target
from apiforge.output import cache, file_stats
from apiforge.output.manifest import edited_files, read_manifest, staleness
from apiforge.output.write import package_trees, write_packages

TEMPLATES = "t" * 64
FILES = {"shop_client/shop_client/__init__.py": "A = 1\n", "shop_client/README.md": "hi\n"}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Target:
    """A generated client package whose files are older than the racy window."""
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))
    spec = tmp_path / "shop.yaml"
    spec.write_text("openapi: 3.1.0\n")
    target = Target.for_spec(spec, tmp_path / "generated", server_package=None)
    hashes = {str(spec): hashlib.sha256(spec.read_bytes()).hexdigest()}
    write_packages(target.output, package_trees(target, FILES, ("shop_client",), hashes, TEMPLATES))
    old = time.time_ns() - 10 * 10**9
    for path in package(target).rglob("*"):
        os.utime(path, ns=(old, old))
    return target


def package(target: Target) -> Path:
    return target.output / "shop_client"


class Spy:
    """Counts the files the manifest module hashes."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.paths: list[Path] = []
        real = manifest_module.sha256_file

        def spy(path: Path) -> str | None:
            self.paths.append(path)
            return real(path)

        monkeypatch.setattr(manifest_module, "sha256_file", spy)

    def generated(self, target: Target) -> list[str]:
        """The hashed files inside the package (the spec is an input, hashed every time)."""
        here = package(target)
        paths = [Path(os.path.normpath(p)) for p in self.paths]
        return sorted(p.relative_to(here).as_posix() for p in paths if here in p.parents)


def check(target: Target) -> tuple[list[str], list[str]]:
    manifest = read_manifest(package(target))
    assert manifest is not None
    return edited_files(manifest, package(target))


def test_no_op_hashes_no_generated_file(project: Target, monkeypatch: pytest.MonkeyPatch) -> None:
    first = Spy(monkeypatch)
    assert staleness(project, TEMPLATES) is None  # hashes everything once, records the stats
    listed = sorted(read_manifest(package(project)).files)  # type: ignore[union-attr]
    assert first.generated(project) == listed
    second = Spy(monkeypatch)
    assert staleness(project, TEMPLATES) is None
    assert second.generated(project) == []
    assert [Path(os.path.normpath(p)) for p in second.paths] == [project.spec]  # the input


def test_same_size_edit_with_the_old_mtime_is_detected(
    project: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    readme = package(project) / "README.md"
    assert staleness(project, TEMPLATES) is None
    before = os.stat(readme)
    readme.write_text("ho\n")  # same size
    os.utime(readme, ns=(before.st_atime_ns, before.st_mtime_ns))  # as if within the same tick
    assert check(project) == (["README.md"], [])
    assert "README.md was edited or removed" in (staleness(project, TEMPLATES) or "")


def test_racy_entry_is_hashed_even_when_the_stat_matches(
    project: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worst case: an edit in the tick the record was taken leaves the stat unchanged."""
    readme = package(project) / "README.md"
    readme.write_text("ho\n")
    stale = hashlib.sha256(b"hi\n").hexdigest()
    mtime = os.stat(readme).st_mtime_ns
    record = {"README.md": (file_stats.identity(os.stat(readme)), stale)}
    folder, key = cache.cache_dir(file_stats.KIND), os.path.abspath(package(project))
    cache.write(folder, key, file_stats.dump(mtime, record))  # recorded in the file's tick
    assert check(project) == (["README.md"], [])
    # control: the same entry taken long after the file's mtime is trusted as it stands
    cache.write(folder, key, file_stats.dump(mtime + 2 * file_stats.RACY_SLACK_NS, record))
    spy = Spy(monkeypatch)
    assert check(project) == ([], [])
    assert "README.md" not in spy.generated(project)


def test_touched_unchanged_file_is_not_edited(
    project: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    readme = package(project) / "README.md"
    assert staleness(project, TEMPLATES) is None
    os.utime(readme)  # touch
    spy = Spy(monkeypatch)
    assert check(project) == ([], [])
    assert spy.generated(project) == ["README.md"]
    assert staleness(project, TEMPLATES) is None


def test_deleted_file_is_missing(project: Target) -> None:
    assert staleness(project, TEMPLATES) is None
    (package(project) / "README.md").unlink()
    assert check(project) == ([], ["README.md"])
    assert "README.md was edited or removed" in (staleness(project, TEMPLATES) or "")
    key = os.path.abspath(package(project))
    _, record = file_stats.load(cache.read_bytes(cache.cache_dir(file_stats.KIND), key))
    assert "README.md" not in record


def test_cache_off_hashes_every_file(project: Target, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APIFORGE_CACHE_DIR", "off")
    listed = sorted(read_manifest(package(project)).files)  # type: ignore[union-attr]
    for _ in range(2):
        spy = Spy(monkeypatch)
        assert staleness(project, TEMPLATES) is None
        assert spy.generated(project) == listed
    readme = package(project) / "README.md"
    before = os.stat(readme)
    readme.write_text("ho\n")
    os.utime(readme, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert check(project) == (["README.md"], [])


@pytest.mark.parametrize(
    "damage",
    [
        b"\xff not json",
        b"[]",
        b'{"format": 1, "recorded_ns": 1, "files": {"README.md": [1]}}',
        b'{"format": 1, "recorded_ns": "x", "files": {}}',  # format 1 (JSON) reads as none
        marshal.dumps((1, 1, None, {})),
        marshal.dumps((file_stats.FORMAT, "x", None, {})),
        marshal.dumps((file_stats.FORMAT, 1, None, {"README.md": ((1, 2, 3, 4), "ab")})),
        marshal.dumps((file_stats.FORMAT, 1, None, {"README.md": ((1, 2, 3, 4, "5"), "ab")})),
        marshal.dumps((file_stats.FORMAT, 1, (1, "x"), {})),
        marshal.dumps((file_stats.FORMAT, 1, None, {"README.md": ((1, 2, 3, 4, 5), 6)})),
        marshal.dumps((file_stats.FORMAT, 1, None, {"README.md": ((1, 2, 3, 4, 5), "ab")}))[:-3],
    ],
)
def test_damaged_entry_is_ignored_and_replaced(
    project: Target, monkeypatch: pytest.MonkeyPatch, damage: bytes
) -> None:
    folder, key = cache.cache_dir(file_stats.KIND), os.path.abspath(package(project))
    cache.write(folder, key, damage)
    assert file_stats.load(damage) == (0, {})
    readme = package(project) / "README.md"
    readme.write_text("ho\n")
    assert check(project) == (["README.md"], [])
    recorded_ns, record = file_stats.load(cache.read_bytes(folder, key))
    assert recorded_ns > 0 and set(record) == set(read_manifest(package(project)).files)  # type: ignore[union-attr]


def ticked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Writes stamp as if the file system's clock ticked right after their last write: one
    ns past the newest file of the output when the real stamp shares its tick."""
    real = file_stats.stamp_in

    def stamp_in(folder: Path) -> file_stats.Stamp | None:
        found = real(folder)
        assert found is not None
        files = [p for p in folder.parent.rglob("*") if p.is_file() and folder not in p.parents]
        return max(found[0], max(os.stat(p).st_mtime_ns for p in files) + 1), found[1]

    monkeypatch.setattr(file_stats, "stamp_in", stamp_in)


@pytest.mark.parametrize("clock", ["ticked", "real"])
def test_a_write_records_what_it_wrote(
    project: Target, monkeypatch: pytest.MonkeyPatch, clock: str
) -> None:
    """After a regeneration that changed one file, the next check stats every file, hashing
    none: the write stamps once it has written. Only a file written in the stamp's tick
    is hashed once more (with the real clock, the write may end in that tick).
    """
    if clock == "ticked":
        ticked(monkeypatch)
    hashes = {str(project.spec): hashlib.sha256(project.spec.read_bytes()).hexdigest()}
    changed = {**FILES, "shop_client/README.md": "changed\n"}
    trees = package_trees(project, changed, ("shop_client",), hashes, TEMPLATES)
    write_packages(project.output, trees)
    folder, key = cache.cache_dir(file_stats.KIND), os.path.abspath(package(project))
    _, stamp, _ = file_stats.load_entry(cache.read_bytes(folder, key))
    readme = os.stat(package(project) / "README.md").st_mtime_ns
    assert stamp is not None and readme <= stamp[0]  # stamped after the write
    spy = Spy(monkeypatch)
    assert check(project) == ([], [])
    assert spy.generated(project) == (["README.md"] if readme == stamp[0] else [])
    # and an edit right after the write is still found
    init = package(project) / "shop_client" / "__init__.py"
    init.write_text("A = 2\n")
    assert check(project) == (["shop_client/__init__.py"], [])


def test_a_write_with_the_cache_off_records_nothing(
    project: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APIFORGE_CACHE_DIR", "off")
    hashes = {str(project.spec): hashlib.sha256(project.spec.read_bytes()).hexdigest()}
    trees = package_trees(project, FILES, ("shop_client",), hashes, TEMPLATES)
    write_packages(project.output, trees)
    spy = Spy(monkeypatch)
    assert check(project) == ([], [])
    assert spy.generated(project) == sorted(read_manifest(package(project)).files)  # type: ignore[union-attr]


def _stamped(project: Target, stamp_ns: int, dev: int, recorded_ns: int | None = None) -> Path:
    """README.md's record entry as the write's stamp (``stamp_ns`` on ``dev``) left it."""
    readme = package(project) / "README.md"
    found = os.stat(readme)
    record = {"README.md": (file_stats.identity(found), hashlib.sha256(b"hi\n").hexdigest())}
    folder, key = cache.cache_dir(file_stats.KIND), os.path.abspath(package(project))
    recorded = time.time_ns() if recorded_ns is None else recorded_ns
    cache.write(folder, key, file_stats.dump(recorded, record, (stamp_ns, dev)))
    return readme


def test_stamped_record_trusts_a_file_older_than_the_stamp_without_slack(
    project: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Recorded just now (inside the slack), but the file's mtime precedes the stamp's tick."""
    readme = package(project) / "README.md"
    mtime = time.time_ns() - 10**6  # younger than the slack
    os.utime(readme, ns=(mtime, mtime))
    _stamped(project, mtime + 1, os.stat(readme).st_dev)
    spy = Spy(monkeypatch)
    assert check(project) == ([], [])
    assert "README.md" not in spy.generated(project)


@pytest.mark.parametrize("where", ["in the stamp's tick", "on another device"])
def test_stamped_record_hashes_a_same_stat_edit_it_cannot_rule_out(
    project: Target, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """An edit that kept the stat: caught when the mtime is not older than the stamp, or
    when the stamp was taken on another file system (the slack rule then applies)."""
    readme = package(project) / "README.md"
    mtime = time.time_ns() - 10**6
    readme.write_text("ho\n")  # same size; the record below still says "hi\n"
    os.utime(readme, ns=(mtime, mtime))
    dev = os.stat(readme).st_dev
    _stamped(project, *((mtime, dev) if where == "in the stamp's tick" else (mtime + 1, dev + 1)))
    assert check(project) == (["README.md"], [])


def test_writes_stamp_their_records(project: Target) -> None:
    """Both ways of writing leave a stamp from the output's file system, older than none of
    the files they stat'ed, and a check without one keeps it."""
    folder, key = cache.cache_dir(file_stats.KIND), os.path.abspath(package(project))
    _, staged, _ = file_stats.load_entry(cache.read_bytes(folder, key))  # the staged write's
    assert staged is not None and staged[1] == os.stat(package(project)).st_dev
    files = {**FILES, "shop_client/shop_client/__init__.py": "A = 2\n"}
    time.sleep(0.05)  # a later tick of the file system's clock
    write_packages(project.output, package_trees(project, files, ("shop_client",), {}, TEMPLATES))
    _, stamp, record = file_stats.load_entry(cache.read_bytes(folder, key))  # in place
    assert stamp is not None and staged[0] < stamp[0] <= time.time_ns()
    written = record["shop_client/__init__.py"][0]
    assert written[1] <= stamp[0]  # stamped after the write: trusted unless in its tick
    assert check(project) == ([], [])
    assert file_stats.load_entry(cache.read_bytes(folder, key))[1] == stamp


def _checked(stamp: file_stats.Stamp, **mtimes: tuple[int, int]) -> file_stats.Checked:
    """A check's result: one entry per name with its (mtime_ns, dev), every digest "d"."""
    record = {n: ((3, mtime, 1, dev, mtime), "d") for n, (mtime, dev) in mtimes.items()}
    return file_stats.Checked({n: "d" for n in record}, 5, stamp, record, False)


def test_the_stamp_after_a_write_vouches_only_for_what_the_stamp_before_it_did(
    tmp_path: Path,
) -> None:
    """An identity the check took in its stamp's tick is dropped (hashed next time, as before)
    when the later stamp replaces it: a change in that tick would keep the identity and be
    older than the later stamp. Older files, and those on another device, are kept."""
    checked = _checked((100, 7), old=(99, 7), racy=(100, 7), newer=(150, 7), elsewhere=(150, 8))
    after = file_stats.after_write(tmp_path, checked, {}, ["old"], (200, 7))
    assert after.stamp == (200, 7)
    assert sorted(after.record) == ["elsewhere"]
    kept = file_stats.after_write(tmp_path, checked, {}, [], (200, 8))  # another device
    assert kept.stamp == (100, 7) and kept.record == checked.record


def test_a_file_written_after_the_stamp_is_trusted_once_the_slack_has_passed(
    project: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A check that is not a write keeps the old stamp: the files the last write wrote (newer
    than it) are trusted by the slack rule, not hashed on every no-op run."""
    readme = package(project) / "README.md"
    mtime = os.stat(readme).st_mtime_ns
    later = mtime + 2 * file_stats.RACY_SLACK_NS
    _stamped(project, mtime - 1, os.stat(readme).st_dev, recorded_ns=later)
    spy = Spy(monkeypatch)
    assert check(project) == ([], [])
    assert "README.md" not in spy.generated(project)
