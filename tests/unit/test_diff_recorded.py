"""The spec copy recorded beside generated packages: complete, loadable, and equal to the original."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

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
