"""A write killed at any step (SIGKILL: no exception, no cleanup) is undone by the next run.

Each case runs a real writer in a subprocess (``kill_at.py``: ``apiforge generate`` itself,
or ``write_packages`` on prepared trees) and kills it just before its N-th change to the
output folder, for every N. Then: recovery alone restores the previous output byte for byte
(on a copy), and a normal run on the killed output succeeds and leaves exactly what the
same run leaves when nothing is killed, with no staging folder.
"""

from __future__ import annotations

import os
import pickle
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from test_write_in_place import NEW, OLD, _user_files, snapshot, trees

from apiforge.cli.main import main
from apiforge.output.manifest import STAGING_PREFIX
from apiforge.output.recovery import recover
from apiforge.output.write import write_packages

KILL_AT = Path(__file__).with_name("kill_at.py")
V1 = """\
openapi: 3.0.3
info: {title: Shop, version: "1"}
paths:
  /pets:
    get:
      operationId: listPets
      tags: [pets]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
  /stores:
    get:
      operationId: listStores
      tags: [stores]
      responses: {"200": {description: ok}}
components:
  schemas:
    Pet:
      type: object
      description: A pet.
      properties:
        name: {type: string}
"""
# A changed description: some files of both packages replaced (the ``--trees`` cases add and
# remove files and folders).
V2 = V1.replace("A pet.", "A pet, v2.")


@dataclass(frozen=True)
class Case:
    """A write to kill: how its output starts, the writer's arguments, and how many changes
    (``kill_at.py``) it may make at most: every one of them is a kill point."""

    start: Callable[[Path], None]  # makes the output (tmp/out) the write starts from
    args: tuple[str, ...]  # kill_at.py's arguments after N and the output folder
    most: int


def _generated_v1(tmp: Path) -> None:
    _cli(tmp, "generate", "-q", str(tmp / "shop.yaml"), "-o", str(tmp / "out"))


def _generated_v1_and_notes(tmp: Path) -> None:
    _generated_v1(tmp)
    (tmp / "out/shop_client/notes.txt").write_text("mine\n")  # carried by the staged swap


def _nothing(tmp: Path) -> None:
    pass


def _old_trees(tmp: Path) -> None:
    write_packages(tmp / "out", trees(tmp, OLD))


def _old_trees_and_user_files(tmp: Path) -> None:
    _old_trees(tmp)
    _user_files(tmp / "out")


GENERATE = ("generate", "-q", "shop.yaml", "-o", "out")
CASES = {
    "generate, in place": Case(_generated_v1, GENERATE, 27),
    "generate --force, staged swap": Case(_generated_v1_and_notes, (*GENERATE, "--force"), 14),
    "generate, first output": Case(_nothing, GENERATE, 9),
    "folders added and emptied, in place": Case(_old_trees, ("--trees", "new.pickle"), 25),
    "user files, staged swap": Case(
        _old_trees_and_user_files, ("--trees", "new.pickle", "--force"), 16
    ),
}


def _cli(cwd: Path, *args: str) -> None:
    here = os.getcwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(here)
    assert result.exit_code == 0, result.output


def _prepare(tmp: Path, case: Case) -> dict[str, Any]:
    """The case's starting output in ``tmp/out`` (with the spec at v2 after it); its snapshot."""
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "shop.yaml").write_text(V1)
    case.start(tmp)
    if case.args[0] == "--trees":
        (tmp / "new.pickle").write_bytes(pickle.dumps(trees(tmp, NEW)))
    (tmp / "shop.yaml").write_text(V2)
    return _snapshot(tmp / "out")


def _snapshot(out: Path) -> dict[str, Any]:
    return snapshot(out) if out.exists() else {}


def _run(tmp: Path, case: Case, kill_at: int) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(KILL_AT), str(kill_at), "out", *case.args]
    return subprocess.run(
        command, check=False, cwd=tmp, capture_output=True, text=True, timeout=120
    )


def _rerun(tmp: Path, case: Case) -> None:
    """The same write, normally, in this process."""
    if case.args[0] == "--trees":
        new = pickle.loads((tmp / "new.pickle").read_bytes())
        write_packages(tmp / "out", new, force="--force" in case.args)
        return
    _cli(tmp, *case.args)


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def reference(
    tmp_path_factory: pytest.TempPathFactory, cache: Path
) -> Callable[[str], tuple[dict[str, Any], int]]:
    """Per case: what the write leaves when nothing is killed, and how many changes it made."""
    found: dict[str, tuple[dict[str, Any], int]] = {}

    def get(name: str) -> tuple[dict[str, Any], int]:
        if name not in found:
            tmp = tmp_path_factory.mktemp("reference")
            with pytest.MonkeyPatch.context() as patch:
                patch.setenv("APIFORGE_CACHE_DIR", str(cache))
                _prepare(tmp, CASES[name])
                done = _run(tmp, CASES[name], 0)
            assert done.returncode == 0, done.stderr
            changes = int(done.stderr.strip().rpartition("changes: ")[2])
            found[name] = (snapshot(tmp / "out"), changes)
        return found[name]

    return get


@pytest.mark.parametrize("name", CASES)
def test_every_change_is_a_kill_point(
    name: str, reference: Callable[[str], tuple[dict[str, Any], int]]
) -> None:
    _, changes = reference(name)
    assert 0 < changes <= CASES[name].most, f"raise Case.most of {name!r} to {changes}"


@pytest.mark.parametrize(
    ("name", "kill_at"), [(n, k) for n, case in CASES.items() for k in range(1, case.most + 1)]
)
def test_a_killed_write_is_undone_by_the_next_run(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    cache: Path,
    reference: Callable[[str], tuple[dict[str, Any], int]],
    name: str,
    kill_at: int,
) -> None:
    case = CASES[name]
    expected, changes = reference(name)
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(cache))
    before = _prepare(tmp_path, case)
    done = _run(tmp_path, case, kill_at)
    if kill_at > changes:  # nothing left to kill: the write completed
        assert done.returncode == 0, done.stderr
        assert snapshot(tmp_path / "out") == expected
        return
    assert done.returncode == -signal.SIGKILL, done.stderr
    journals = [p.read_text() for p in (tmp_path / "out").glob(STAGING_PREFIX + "*/journal")]
    copy = tmp_path / "copy"
    if (tmp_path / "out").exists():
        shutil.copytree(tmp_path / "out", copy, symlinks=True)
        assert recover(copy) == []
    recovered = _snapshot(copy)
    if any(journal.endswith("\ndone\n") for journal in journals):
        assert recovered == expected, "the write had completed: its output must stay"
    elif journals:
        assert recovered == before, "recovery did not restore the previous output"
    else:  # killed before the journal was begun, or once it was deleted with the rest
        assert recovered in (before, expected)

    _rerun(tmp_path, case)
    assert snapshot(tmp_path / "out") == expected
    assert not list((tmp_path / "out").glob(STAGING_PREFIX + "*"))
