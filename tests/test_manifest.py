"""Manifests (format, determinism, the up-to-date check) and the templates fingerprint."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path

import pytest

import apiforge.output.manifest as manifest_module
from apiforge import __version__
from apiforge.config.targets import Target
from apiforge.output.manifest import (
    MANIFEST_NAME,
    Manifest,
    ManifestError,
    build_manifest,
    input_paths,
    options_hash,
    read_manifest,
    staleness,
)
from apiforge.output.write import package_trees, write_packages
from apiforge.resources import templates_dir, templates_hash

TEMPLATES = "t" * 64


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def project(tmp_path: Path) -> Target:
    """A generated target: spec + a referenced file, one client package on disk."""
    (tmp_path / "spec").mkdir()
    spec = tmp_path / "spec" / "shop.yaml"
    spec.write_text("openapi: 3.1.0\n")
    (tmp_path / "spec" / "parts.yaml").write_text("Part: {}\n")
    target = Target.for_spec(spec, tmp_path / "generated", server_package=None)
    files = {"shop_client/shop_client/__init__.py": "A = 1\n", "shop_client/README.md": "hi\n"}
    hashes = {
        str(spec): sha(spec.read_bytes()),
        str(tmp_path / "spec/parts.yaml"): sha(b"Part: {}\n"),
    }
    write_packages(target.output, package_trees(target, files, ("shop_client",), hashes, TEMPLATES))
    return target


def test_manifest_text_is_deterministic_and_round_trips(project: Target) -> None:
    path = project.output / "shop_client" / MANIFEST_NAME
    text = path.read_text()
    data = json.loads(text)
    assert text == json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert data == {
        "apiforge_version": __version__,
        "files": {
            ".apiforge-spec/parts.yaml": sha(b"Part: {}\n"),
            ".apiforge-spec/shop.yaml": sha(b"openapi: 3.1.0\n"),
            "README.md": sha(b"hi\n"),
            "shop_client/__init__.py": sha(b"A = 1\n"),
        },
        "format": 1,
        "inputs": {
            "../../spec/parts.yaml": sha(b"Part: {}\n"),
            "../../spec/shop.yaml": sha(b"openapi: 3.1.0\n"),
        },
        "options": {
            "allow_remote_refs": False,
            "api_key_env": "SHOP_API_KEY",
            "base_url_env": "SHOP_BASE_URL",
            "bump_version": False,
            "client_package": "shop_client",
            "format": True,
            "formatter": "ruff",
            "server_package": None,
            "strict": False,
        },
        "options_hash": options_hash(project),
        "package": "shop_client",
        "spec": "../../spec/shop.yaml",
        "spec_copy": ".apiforge-spec/shop.yaml",
        "templates_hash": TEMPLATES,
    }
    assert Manifest.from_json(text).to_json() == text


def test_manifest_is_independent_of_the_working_directory(
    project: Target, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {"README.md": "hi\n"}
    monkeypatch.chdir(tmp_path / "spec")
    relative = Target.for_spec(Path("shop.yaml"), Path("../generated"), server_package=None)
    first = build_manifest(relative, "shop_client", files, {"shop.yaml": "x"}, TEMPLATES)
    second = build_manifest(project, "shop_client", files, {str(project.spec): "x"}, TEMPLATES)
    assert first == second


def test_input_keys_follow_the_loader_convention(
    project: Target, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The root spec as displayed, $ref'd files relative to the spec's directory, URLs as is."""
    monkeypatch.chdir(tmp_path)
    target = Target.for_spec(Path("spec/shop.yaml"), Path("generated"), server_package=None)
    keys = {"spec/shop.yaml": "a", "parts.yaml": "b", "https://example.com/x.yaml": "c"}
    manifest = build_manifest(target, "shop_client", {}, keys, TEMPLATES)
    assert manifest.inputs == {
        "../../spec/shop.yaml": "a",
        "../../spec/parts.yaml": "b",
        "https://example.com/x.yaml": "c",
    }


def test_spec_is_hashed_when_the_pipeline_left_it_out(project: Target) -> None:
    manifest = build_manifest(project, "shop_client", {}, {}, TEMPLATES)
    assert manifest.inputs == {"../../spec/shop.yaml": sha(b"openapi: 3.1.0\n")}


@pytest.mark.parametrize(
    "text",
    ["not json", "[]", '{"format": 2}', '{"format": 1, "package": "x"}'],
)
def test_malformed_manifests_raise(text: str, tmp_path: Path) -> None:
    (tmp_path / MANIFEST_NAME).write_text(text)
    with pytest.raises(ManifestError):
        read_manifest(tmp_path)


def test_missing_manifest_reads_as_none(tmp_path: Path) -> None:
    assert read_manifest(tmp_path) is None


# --- staleness ------------------------------------------------------------------------------


def test_freshly_written_output_is_up_to_date(project: Target) -> None:
    assert staleness(project, TEMPLATES) is None


def test_every_kind_of_change_is_noticed(project: Target, monkeypatch: pytest.MonkeyPatch) -> None:
    assert staleness(project, "other templates") == "templates changed"
    assert staleness(replace(project, strict=True), TEMPLATES) == "options changed"
    assert staleness(replace(project, server_package="shop_server"), TEMPLATES) == "options changed"
    moved = project.spec.with_name("moved.yaml")
    moved.write_bytes(project.spec.read_bytes())
    assert staleness(replace(project, spec=moved), TEMPLATES) == "the spec moved"
    monkeypatch.setattr(manifest_module, "__version__", "9.9.9")
    assert "apiforge version changed" in (staleness(project, TEMPLATES) or "")


def test_input_changes_are_noticed(project: Target) -> None:
    parts = project.spec.parent / "parts.yaml"
    parts.write_text("Part: {type: object}\n")
    assert staleness(project, TEMPLATES) == f"{parts} changed"
    parts.unlink()
    assert staleness(project, TEMPLATES) == f"{parts} changed"


def test_edited_and_missing_files_are_noticed(project: Target) -> None:
    readme = project.output / "shop_client" / "README.md"
    readme.write_text("edited\n")
    assert "README.md was edited or removed" in (staleness(project, TEMPLATES) or "")
    readme.unlink()
    assert "README.md was edited or removed" in (staleness(project, TEMPLATES) or "")


def test_missing_or_broken_manifest_is_stale(project: Target) -> None:
    manifest = project.output / "shop_client" / MANIFEST_NAME
    manifest.write_text("{")
    assert "is unreadable" in (staleness(project, TEMPLATES) or "")
    manifest.unlink()
    assert "has no manifest" in (staleness(project, TEMPLATES) or "")


def test_remote_inputs_are_never_up_to_date(project: Target) -> None:
    files = {"shop_client/a.py": "x"}
    hashes = {"https://example.com/schemas.yaml": "0" * 64}
    write_packages(
        project.output,
        package_trees(project, files, ("shop_client",), hashes, TEMPLATES),
        force=True,
    )
    assert staleness(project, TEMPLATES) == "https://example.com/schemas.yaml is remote"


def test_input_paths_lists_spec_and_references(project: Target) -> None:
    spec_dir = project.spec.parent
    assert input_paths(project) == {spec_dir / "shop.yaml", spec_dir / "parts.yaml"}


# --- templates ------------------------------------------------------------------------------


def test_templates_dir_is_the_checkout_templates() -> None:
    assert templates_dir() == Path(__file__).resolve().parents[1] / "templates"


def test_templates_hash_covers_every_file_but_not_bytecode(tmp_path: Path) -> None:
    (tmp_path / "client").mkdir()
    (tmp_path / "client" / "a.jinja").write_text("{{ x }}")
    first = templates_hash.__wrapped__(tmp_path)
    (tmp_path / "client" / "__pycache__").mkdir()
    (tmp_path / "client" / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"\0")
    assert templates_hash.__wrapped__(tmp_path) == first
    (tmp_path / "client" / ".ruff_cache").mkdir()
    (tmp_path / "client" / ".ruff_cache" / "CACHEDIR.TAG").write_text("tool cache")
    assert templates_hash.__wrapped__(tmp_path) == first
    (tmp_path / "client" / "a.jinja").write_text("{{ y }}")
    assert templates_hash.__wrapped__(tmp_path) != first
    (tmp_path / "client" / "a.jinja").write_text("{{ x }}")
    (tmp_path / "client" / "a.jinja").rename(tmp_path / "client" / "b.jinja")
    assert templates_hash.__wrapped__(tmp_path) != first


@pytest.mark.parametrize(
    "files",
    [
        {},
        {"pkg/__init__.py": "a" * 64},
        {'odd "quoted" \\ name/é.py': "d", "\u2028ü/ß.py": "e\u0000", "B.py": "c", "A.py": "z"},
    ],
)
@pytest.mark.parametrize("option", ["plain", "\0apiforge-manifest-files\0"])
def test_manifest_text_is_json_dumps_of_every_field(files: dict[str, str], option: str) -> None:
    """The files table, spelt apart from the rest for speed, reads exactly as json.dumps spells
    it (also when an option's text holds the placeholder the table stands in for)."""
    manifest = Manifest(
        "pkg", "../s.yaml", {"../s.yaml": "1"}, __version__, TEMPLATES,
        {"text": option, "none": None, "list": [1, 2]}, "oh", files, ".apiforge-spec/s.yaml",
    )  # fmt: skip
    data = {"format": 1, **manifest.__dict__}
    expected = json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert manifest.to_json() == expected
    assert Manifest.from_json(manifest.to_json()) == manifest
