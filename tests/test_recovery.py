"""Recovery of interrupted writes: what it undoes, what it keeps, what it never touches.

The kill at every step is in ``test_write_killed.py``; here are the states a kill alone does
not make: a file changed after the kill, a writer still running, a journal that is not
ours, staging folders without a journal.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_write_in_place import NEW, OLD, snapshot, trees
from test_write_killed import CASES, _prepare, _run

from apiforge.cli.main import main
from apiforge.output.journal import Journal, parse
from apiforge.output.manifest import STAGING_PREFIX
from apiforge.output.recovery import recover
from apiforge.output.write import WriteRefused, write_packages

PETS = "shop_client/shop_client/models/pets.py"


def _stagings(out: Path) -> list[Path]:
    return sorted(out.glob(STAGING_PREFIX + "*"))


def _killed_after_replacing_pets(out: Path) -> tuple[Journal, Path]:
    """The state a write killed right after replacing pets.py leaves (its journal still open)."""
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))
    journal = Journal(str(staging), "changes")
    digest = hashlib.sha256(b"B = 'new'\n").hexdigest()
    journal.note("put", PETS, "0", "1", digest)
    (staging / "0").write_bytes(b"B = 'new'\n")
    os.rename(out / PETS, staging / "1")
    os.rename(staging / "0", out / PETS)
    return journal, staging


def test_a_killed_step_is_undone_once_its_writer_is_gone(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_packages(out, trees(tmp_path, OLD))
    before = snapshot(out)
    journal, staging = _killed_after_replacing_pets(out)
    assert recover(out) == []  # the writer still holds its journal: left alone
    assert (out / PETS).read_bytes() == b"B = 'new'\n" and staging.exists()
    journal.close()  # as when its process dies
    assert recover(out) == []
    assert snapshot(out) == before


def test_a_file_changed_after_the_kill_is_kept_and_the_write_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_packages(out, trees(tmp_path, OLD))
    old = (out / PETS).read_bytes()
    journal, staging = _killed_after_replacing_pets(out)
    journal.close()
    (out / PETS).write_text("mine\n")
    found = recover(out)
    assert [d.code for d in found] == ["interrupted-write"]
    assert (out / PETS).read_text() == "mine\n"
    assert (staging / "1").read_bytes() == old  # the previous version, kept
    with pytest.raises(WriteRefused) as refused:
        write_packages(out, trees(tmp_path, NEW))
    assert [d.code for d in refused.value.diagnostics] == ["interrupted-write"]
    assert (out / PETS).read_text() == "mine\n"


def test_a_journal_naming_a_path_outside_the_output_is_not_followed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_packages(out, trees(tmp_path, OLD))
    outside = tmp_path / "precious.txt"
    outside.write_text("keep me\n")
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))
    (staging / "1").write_text("not yours\n")
    digest = hashlib.sha256(b"keep me\n").hexdigest()
    (staging / "journal").write_text(
        f"apiforge journal\t1\tchanges\t0\nput\t../precious.txt\t0\t\t{digest}\n"
    )
    found = recover(out)
    assert [d.code for d in found] == ["staging-left"]
    assert outside.read_text() == "keep me\n" and (staging / "1").exists()


def test_a_staging_folder_without_a_journal_is_kept_unless_it_holds_nothing(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    write_packages(out, trees(tmp_path, OLD))
    old_writer = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))
    (old_writer / "3").write_text("maybe the only copy of something\n")
    (old_writer / "probe").touch()
    started = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))
    (started / "probe").touch()  # killed before its journal existed: nothing in it
    found = recover(out)
    assert [(d.code, d.location.file) for d in found] == [("staging-left", str(old_writer))]
    assert _stagings(out) == [old_writer]
    write_packages(out, trees(tmp_path, NEW))  # a warning, not a refusal
    assert (old_writer / "3").read_text() == "maybe the only copy of something\n"


def test_a_line_cut_short_is_a_step_not_taken() -> None:
    recorded = parse(b"apiforge journal\t1\tswap\t1\naside\tshop_client\nin\tshop_")
    assert recorded is not None
    assert (recorded.kind, recorded.created, recorded.done) == ("swap", True, False)
    assert recorded.steps == [("aside", "shop_client")]
    assert parse(b"something else\n") is None


def test_check_compares_the_restored_output_not_a_half_written_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = CASES["generate, in place"]
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))
    before = _prepare(tmp_path, case)
    assert _run(tmp_path, case, 6).returncode < 0  # killed mid-write: some files new, some old
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "shop.yaml", "-o", "out"])
    assert result.exit_code == 1, result.output  # the spec changed since the last generation
    assert "hand-edited" not in result.output and "stale-file" in result.output
    assert snapshot(tmp_path / "out") == before
    assert _stagings(tmp_path / "out") == []
