"""The tail of an incremental run takes shortcuts; each test breaks the premise of one.

A reused package part carries the sha256 stored beside its text (``view_reuse``,
``manifest.DigestedText``), so the manifest does not hash it again; the spec copy carries
the digest it was read with. Whatever happened to the output or the generator since the
last run (a file deleted or edited by hand, a template changed), the warm run must write
what a cold run writes, or refuse as a cold run's write would.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from test_incremental_edits import _generate, _reused, _tree, synth

from apiforge import models, resources
from apiforge.config.targets import Target
from apiforge.output.manifest import MANIFEST_NAME, DigestedText, file_bytes
from apiforge.output.write import package_trees


def _add_property(document: dict[str, Any]) -> None:
    """An edit only the models read: the views' parts are reused."""
    schemas = document["components"]["schemas"]
    name = next(n for n in schemas if f"{n}Request" in schemas)
    schemas[name]["properties"][f"added{len(schemas[name]['properties'])}"] = {"type": "string"}


def _write(folder: Path, document: dict[str, Any]) -> None:
    folder.mkdir(exist_ok=True)
    (folder / "api.yaml").write_text(synth.dump(document), encoding="utf-8")


def _cold(tmp_path: Path, document: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Any:
    _write(tmp_path / "cold", document)
    assert _generate(tmp_path / "cold", monkeypatch)[0] == 0
    return _tree(tmp_path / "cold" / "out")


def _manifests_match_the_bytes(out: Path) -> None:
    for manifest in out.glob(f"*/{MANIFEST_NAME}"):
        listed = json.loads(manifest.read_text(encoding="utf-8"))["files"]
        for name, digest in listed.items():
            assert hashlib.sha256((manifest.parent / name).read_bytes()).hexdigest() == digest


@pytest.fixture
def warm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """A generation of the 12-operation synthetic spec, then an edit whose parts are reused."""
    document = synth.generate(12)
    _write(tmp_path / "warm", document)
    assert _generate(tmp_path / "warm", monkeypatch)[0] == 0
    _add_property(document)
    _write(tmp_path / "warm", document)
    code, said = _generate(tmp_path / "warm", monkeypatch)
    assert code == 0 and _reused(said) == ["client", "server"]
    return document


def test_reused_parts_are_listed_with_the_digests_of_their_bytes(
    tmp_path: Path, warm: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    _manifests_match_the_bytes(tmp_path / "warm" / "out")
    assert _tree(tmp_path / "warm" / "out") == _cold(tmp_path, warm, monkeypatch)


@pytest.mark.parametrize("damage", ["deleted", "edited"])
def test_a_damaged_output_file_of_a_reused_part_is_written_again_or_refused(
    tmp_path: Path, warm: dict[str, Any], monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    out = tmp_path / "warm" / "out"
    victim = next(p for p in sorted(out.rglob("*.py")) if "/models/" not in p.as_posix())
    if damage == "deleted":
        victim.unlink()
    else:
        victim.write_text(victim.read_text(encoding="utf-8") + "# mine\n", encoding="utf-8")
    _add_property(warm)
    _write(tmp_path / "warm", warm)
    code, said = _generate(tmp_path / "warm", monkeypatch)
    assert _reused(said) == ["client", "server"]
    if damage == "edited":  # refused as a cold run's write would be, the edit kept
        assert code != 0 and "hand-edited" in said
        assert victim.read_text(encoding="utf-8").endswith("# mine\n")
        code, said = _generate(tmp_path / "warm", monkeypatch, "--force")
    assert code == 0
    _manifests_match_the_bytes(out)
    assert _tree(out) == _cold(tmp_path, warm, monkeypatch)


def test_a_changed_template_renders_the_parts_again(
    tmp_path: Path, warm: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from apiforge.render import client

    real_parts, real_hash = client.client_parts, resources.templates_hash()

    def changed(*args: Any, **kwargs: Any) -> tuple[dict[str, str], dict[str, str]]:
        head, tail = real_parts(*args, **kwargs)
        first = next(iter(tail))
        return head, {**tail, first: tail[first] + "\n# a changed template\n"}

    # the generator's hash covers its templates: a changed one changes every key
    monkeypatch.setattr(client, "client_parts", changed)
    for module in (resources, models):
        monkeypatch.setattr(module, "templates_hash", lambda: "changed " + real_hash)
    _add_property(warm)
    _write(tmp_path / "warm", warm)
    code, said = _generate(tmp_path / "warm", monkeypatch)
    assert code == 0 and "client" not in _reused(said)
    out = tmp_path / "warm" / "out"
    assert any(b"# a changed template" in data for data in _tree(out).values())
    _manifests_match_the_bytes(out)


def test_a_text_changed_after_it_was_digested_is_hashed_again(tmp_path: Path) -> None:
    target = Target(
        spec=tmp_path / "api.yaml",
        output=tmp_path / "out",
        client_package="pkg",
        server_package=None,
    )
    (tmp_path / "api.yaml").write_text("openapi: 3.1.0\n", encoding="utf-8")
    text = "A = 1\n"
    digested = DigestedText.of(text, hashlib.sha256(file_bytes(text)).hexdigest())
    bumped = digested.replace("1", "2")  # as the release step bumps pyproject.toml
    assert type(bumped) is str
    files = {"pkg/a.py": digested, "pkg/b.py": bumped}
    tree = package_trees(target, files, ["pkg"], {}, "templates")["pkg"]
    listed = json.loads(tree[MANIFEST_NAME])["files"]
    assert listed["a.py"] == hashlib.sha256(b"A = 1\n").hexdigest()
    assert listed["b.py"] == hashlib.sha256(b"A = 2\n").hexdigest()
    for name, digest in listed.items():
        assert hashlib.sha256(tree[name]).hexdigest() == digest
