"""output/cache.py: entries in one SQLite file per cache folder, shared by processes."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from apiforge.output import cache


@pytest.fixture
def base(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_round_trip_by_kind(base: Path) -> None:
    fmt, models = cache.cache_dir("format"), cache.cache_dir("models")
    assert fmt == base / "format"
    cache.write(fmt, "k1", "text é")
    cache.write(models, "k1", b"\x00bytes")
    assert cache.read(fmt, "k1") == "text é"
    assert cache.read_bytes(models, "k1") == b"\x00bytes"
    assert cache.read(fmt, "k2") is None
    assert cache.keys(fmt) == {"k1"} and cache.keys(models) == {"k1"}
    cache.write(fmt, "k1", "replaced")
    assert cache.read(fmt, "k1") == "replaced"
    # one database file holds every kind; no file per entry
    files = {p.name for p in base.iterdir() if p.is_file()}
    assert files <= {cache.DATABASE, f"{cache.DATABASE}-wal", f"{cache.DATABASE}-shm"}


def test_read_many_gives_the_stored_keys_of_one_kind(base: Path) -> None:
    fmt, models = cache.cache_dir("format"), cache.cache_dir("models")
    for i in range(1200):  # more than one query's worth of keys
        cache.write(models, f"k{i}", f"v{i}")
    cache.write(fmt, "k5", "other kind")
    cache.write(models, "bad", b"\xff")  # not UTF-8: left out, as read leaves it out
    wanted = [f"k{i}" for i in range(0, 1300, 3)] + ["bad", "missing"]
    found = cache.read_many(models, wanted)
    assert found == {f"k{i}": f"v{i}" for i in range(0, 1200, 3)}
    assert cache.read_many(cache.cache_dir("nothing"), ["k1"]) == {}
    assert cache.read_many(None, ["k1"]) == {}


def test_reading_creates_nothing(base: Path) -> None:
    assert cache.read(cache.cache_dir("format"), "k") is None
    assert cache.keys(cache.cache_dir("format")) == set()
    assert not base.exists()


def test_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APIFORGE_CACHE_DIR", "off")
    folder = cache.cache_dir("format")
    assert folder is None
    cache.write(folder, "k", "v")
    assert cache.read(folder, "k") is None


def test_a_damaged_database_is_set_aside(base: Path) -> None:
    base.mkdir()
    (base / cache.DATABASE).write_bytes(b"not a database" * 100)
    folder = cache.cache_dir("format")
    assert cache.read(folder, "k") is None  # reading changes nothing
    assert (base / cache.DATABASE).read_bytes().startswith(b"not a database")
    cache.write(folder, "k", "v")  # writing sets it aside and starts a new database
    assert cache.read(folder, "k") == "v"
    assert (base / f"{cache.DATABASE}.damaged").read_bytes().startswith(b"not a database")


def test_an_unwritable_location_only_costs_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "file" / "cache"))
    folder = cache.cache_dir("format")
    cache.write(folder, "k", "v")
    assert cache.read(folder, "k") is None


def test_another_folder_switches_databases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("a", "b", "a"):
        monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / name))
        cache.write(cache.cache_dir("format"), name, name)
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "a"))
    assert cache.keys(cache.cache_dir("format")) == {"a"}
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "b"))
    assert cache.keys(cache.cache_dir("format")) == {"b"}


def test_a_forked_child_and_its_parent_share_the_cache(base: Path) -> None:
    """The child opens its own connection (none crosses the fork); both write at once."""
    folder = cache.cache_dir("format")
    cache.write(folder, "parent-before", "p")  # the parent's connection is open at the fork
    assert cache._open is not None
    inherited = cache._open[2]
    pid = os.fork()
    if pid == 0:  # the child: write many entries while the parent does too, then exit
        status = 1
        try:
            for i in range(200):
                cache.write(folder, f"child-{i}", str(i))
            kept = any(c is inherited for c in cache._inherited)  # never closed in the child
            status = 0 if cache.read(folder, "parent-before") == "p" and kept else 1
        finally:
            os._exit(status)
    for i in range(200):
        cache.write(folder, f"parent-{i}", str(i))
    _, status = os.waitpid(pid, 0)
    assert status == 0
    assert len(cache.keys(folder)) == 401
    assert cache.read(folder, "child-199") == "199"


def test_threads_share_the_cache(base: Path) -> None:
    """A library caller may generate from several threads: each reads what the others wrote."""
    folder = cache.cache_dir("format")
    cache.write(folder, "main", "m")
    seen: list[str | None] = []

    def work(n: int) -> None:
        for i in range(50):
            cache.write(folder, f"t{n}-{i}", str(i))
        seen.append(cache.read(folder, "main"))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == ["m"] * 4
    assert len(cache.keys(folder)) == 201


def _clock(monkeypatch: pytest.MonkeyPatch, start: int) -> list[int]:
    """A settable clock for the cache's last-use stamps."""
    now = [start]
    monkeypatch.setattr(cache, "_now", lambda: now[0])
    return now


def _filled(monkeypatch: pytest.MonkeyPatch, limit_mb: str, count: int) -> list[int]:
    """A cache under a ``limit_mb`` limit holding ``count`` entries of 100 KB, one per second."""
    now = _clock(monkeypatch, 1_000_000)
    monkeypatch.setenv(cache.LIMIT_VARIABLE, limit_mb)
    for i in range(count):
        now[0] += 1
        cache.write(cache.cache_dir("format"), f"k{i}", os.urandom(100_000))
    return now


def _fresh_process() -> None:
    """Forget which databases this process has checked against the limit (a new run)."""
    cache._limited = None


def test_the_least_recently_used_entries_go_above_the_limit(
    base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = _filled(monkeypatch, "1", 15)  # 1.5 MB under a 1 MB limit
    folder = cache.cache_dir("format")
    connection = cache._open[2] if cache._open else None
    assert connection is not None and cache.live_bytes(connection) > cache.limit_bytes()
    _fresh_process()
    now[0] += 1
    cache.write(folder, "new", b"n")  # the first write of a run prunes
    kept = cache.keys(folder)
    assert "new" in kept and "k14" in kept and "k0" not in kept
    assert cache.live_bytes(connection) <= cache.limit_bytes()
    # the most recent entries up to three quarters of the limit stay
    assert sum(1 for key in kept if key.startswith("k")) == 7


def test_a_read_keeps_an_entry(base: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    now = _filled(monkeypatch, "1", 15)
    folder = cache.cache_dir("format")
    now[0] += 2 * 86_400  # a day later the oldest entry is read again: it counts as new
    assert cache.read_bytes(folder, "k0") is not None
    _fresh_process()
    cache.write(folder, "new", b"n")
    kept = cache.keys(folder)
    assert "k0" in kept and "k1" not in kept


def test_a_read_of_many_keeps_those_entries(base: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    now = _clock(monkeypatch, 1_000_000)
    folder = cache.cache_dir("format")

    def used(key: str) -> int:
        sql = "SELECT used FROM entries WHERE kind = ? AND key = ?"
        return int(cache._rows(folder, sql, key)[0][0])

    cache.write(folder, "old", "v")
    cache.write(folder, "other", "w")
    now[0] += 3600  # within a day: reading writes nothing
    assert cache.read_many(folder, ["old"]) == {"old": "v"}
    assert used("old") == 1_000_000
    now[0] += 2 * 86_400  # a day later a read counts as a use again
    assert cache.read_many(folder, ["old", "missing"]) == {"old": "v"}
    assert used("old") == now[0] and used("other") == 1_000_000


def test_a_read_within_a_day_writes_nothing(base: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    now = _clock(monkeypatch, 1_000_000)
    folder = cache.cache_dir("format")
    cache.write(folder, "k", "v")
    now[0] += 3600
    assert cache.read(folder, "k") == "v"
    assert cache._rows(folder, "SELECT used FROM entries WHERE kind = ?") == [(1_000_000,)]


def test_the_freed_pages_go_back_to_the_disk(base: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _filled(monkeypatch, "2", 40)
    folder = cache.cache_dir("format")
    connection = cache._open[2] if cache._open else None
    assert connection is not None
    (before,) = connection.execute("PRAGMA page_count").fetchone()
    _fresh_process()
    cache.write(folder, "new", b"n")
    (after,) = connection.execute("PRAGMA page_count").fetchone()
    assert after < before / 1.5


def test_an_older_layout_is_replaced(base: Path) -> None:
    import sqlite3

    base.mkdir()
    old = sqlite3.connect(base / cache.DATABASE)
    old.execute(
        "CREATE TABLE entries (kind TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL,"
        " PRIMARY KEY (kind, key)) WITHOUT ROWID"
    )
    old.execute("INSERT INTO entries VALUES ('format', 'k', ?)", (b"x" * 500_000,))
    old.commit()
    old.close()
    size = (base / cache.DATABASE).stat().st_size
    folder = cache.cache_dir("format")
    assert cache.read(folder, "k") is None  # the old entries are gone, not misread
    cache.write(folder, "k", "v")
    assert cache.read(folder, "k") == "v"
    assert (base / cache.DATABASE).stat().st_size < size / 10  # and their space with them


def test_an_unreadable_limit_means_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.LIMIT_VARIABLE, "lots")
    assert cache.limit_bytes() == 512 * 1024 * 1024
    monkeypatch.setenv(cache.LIMIT_VARIABLE, "0.5")
    assert cache.limit_bytes() == 512 * 1024


def test_the_wal_is_cut_back_after_a_large_commit(base: Path) -> None:
    """A commit over the auto-checkpoint's pages grows the WAL; the next one cuts it back."""
    folder = cache.cache_dir("format")
    cache.write_many(folder, {f"k{i}": os.urandom(100_000) for i in range(60)})  # ~6 MB
    wal = base / f"{cache.DATABASE}-wal"
    assert wal.stat().st_size > cache._WAL_LIMIT
    cache.write(folder, "small", b"x")
    assert wal.stat().st_size <= cache._WAL_LIMIT
    assert cache.read_bytes(folder, "k59") is not None and cache.read(folder, "small") == "x"


def test_a_value_that_is_not_bytes_reads_as_missing(base: Path) -> None:
    """Every write stores bytes; a row holding anything else (a damaged file) is a miss."""
    folder = cache.cache_dir("format")
    cache.write(folder, "good", b"g")
    cache.write(folder, "bad", b"b")
    connection = cache._connect(base, create=False)
    assert connection is not None
    connection.execute("UPDATE entries SET value = 'text' WHERE key = 'bad'")
    assert cache.read_many_bytes(folder, ["good", "bad"]) == {"good": b"g"}
    assert cache.read(folder, "bad") is None
