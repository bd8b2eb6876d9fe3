"""The spec copy recorded beside generated packages: complete, loadable, and equal to the original."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from shared_specs import SPECS_DIR, require_specs

from apiforge.diagnostics import Sink
from apiforge.diff.engine import diff_files
from apiforge.diff.recorded import COPY_DIR, spec_copy

SEPARATE = SPECS_DIR / "oai-examples" / "examples" / "v2.0" / "yaml" / "petstore-separate"


def _inputs(root: Path) -> list[tuple[Path, str]]:
    files = [
        root / "spec" / n for n in ("swagger.yaml", "Pet.yaml", "NewPet.yaml", "parameters.yaml")
    ]
    files.append(root / "common" / "Error.yaml")
    return [(p, hashlib.sha256(p.read_bytes()).hexdigest()) for p in files]


def test_a_multi_file_spec_is_copied_so_its_refs_still_resolve(tmp_path: Path) -> None:
    require_specs()
    root = tmp_path / "src"
    shutil.copytree(SEPARATE, root)
    copy = spec_copy(root / "spec" / "swagger.yaml", _inputs(root))
    assert copy is not None
    assert copy.root == f"{COPY_DIR}/spec/swagger.yaml"  # laid out from the common directory
    assert (
        f"{COPY_DIR}/common/Error.yaml" in copy.files
    )  # ../common/Error.yaml resolves from the copy
    package = tmp_path / "package"
    for name, text in copy.files.items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(text, encoding="utf-8")
    report = diff_files(
        package / copy.root, root / "spec" / "swagger.yaml", Sink()
    )  # Swagger 2.0 too
    assert report.changes == () and not report.documents_differ


def test_no_copy_when_an_input_changed_since_it_was_read(tmp_path: Path) -> None:
    require_specs()
    root = tmp_path / "src"
    shutil.copytree(SEPARATE, root)
    inputs = _inputs(root)
    (root / "spec" / "Pet.yaml").write_text("type: object\n", encoding="utf-8")
    assert spec_copy(root / "spec" / "swagger.yaml", inputs) is None
    assert spec_copy(tmp_path / "missing.yaml", []) is None


def test_a_copy_reads_each_file_once_and_knows_its_digest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The root is listed among the inputs too: it is read (and checked) once, and every
    file's sha256 is that of the bytes recorded (the snapshot's cache key is made of them)."""
    require_specs()
    root = tmp_path / "src"
    shutil.copytree(SEPARATE, root)
    spec = root / "spec" / "swagger.yaml"
    inputs = _inputs(root)
    assert inputs[0][0] == spec
    reads: list[Path] = []
    real = Path.read_bytes

    def counted(self: Path) -> bytes:
        reads.append(self)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", counted)
    copy = spec_copy(spec, inputs)
    assert copy is not None
    assert sorted(reads) == sorted({*reads}) and len(reads) == len(copy.files) == 5
    assert copy.digests == {
        name: hashlib.sha256(text.encode("utf-8")).hexdigest() for name, text in copy.files.items()
    }


@pytest.mark.parametrize(
    ("recorded", "now", "same"),
    [
        (b"a: 1\nb: 2\n", "a: 1\nb: 2\n", True),
        (b"a: 1\nb: 3\n", "a: 1\nb: 2\n", False),
        (b"a: 1\r\nb: 2\r\n", "a: 1\r\nb: 2\r\n", False),  # read_text turned \r\n into \n
        (b"a: 1\r\nb: 2\r", "a: 1\nb: 2\n", True),
    ],
)
def test_the_recorded_copy_compares_as_its_text_read_always_did(
    tmp_path: Path, recorded: bytes, now: str, same: bool
) -> None:
    """Whether the spec is unchanged since the copy (then nothing is compared) is decided as
    when the copy was read with ``read_text`` (universal newlines); its digests are of the bytes."""
    from apiforge.diff.recorded import SpecCopy
    from apiforge.diff.release_step import _read_copy

    (tmp_path / COPY_DIR).mkdir()
    (tmp_path / COPY_DIR / "spec.yaml").write_bytes(recorded)
    name = f"{COPY_DIR}/spec.yaml"
    digests, found = _read_copy(tmp_path, SpecCopy({name: now}, name))
    assert found is same
    assert digests == {name: hashlib.sha256(recorded).hexdigest()}
    assert _read_copy(tmp_path, None)[1] is False
    (tmp_path / COPY_DIR / "spec.yaml").write_bytes(b"\xff")
    with pytest.raises(UnicodeDecodeError):
        _read_copy(tmp_path, None)
