"""The manifest: what produced a generated package, and the hash of every file in it.

Contract: each generated package directory holds ``.apiforge-manifest.json``
(:data:`MANIFEST_NAME`). :func:`build_manifest` makes one from a target and its
rendering; :func:`staleness` compares a target with the manifests on disk and
returns None when nothing changed, so ``generate`` and ``check`` can skip the
pipeline. Paths in a manifest are POSIX and relative to the manifest's own
directory, so a committed or vendored package checks the same on any machine.

The file is deterministic: sorted keys, two-space indent, a final newline, no
timestamps. Format (version 1)::

    {
      "apiforge_version": "0.1.0",
      "files": {"posthog_client/__init__.py": "<sha256>", ...},
      "format": 1,
      "inputs": {"../../spec/posthog.yaml": "<sha256>", ...},
      "options": {"api_key_env": "...", "client_package": "...", ...},
      "options_hash": "<sha256 of the canonical JSON of options>",
      "package": "posthog_client",
      "spec": "../../spec/posthog.yaml",
      "spec_copy": ".apiforge-spec/posthog.yaml",
      "templates_hash": "<apiforge.resources.templates_hash()>"
    }

``spec_copy`` names the package's copy of the spec it was generated from (see
:mod:`apiforge.diff.recorded`; ``apiforge diff --against`` compares with it);
empty when none was recorded. Older manifests without the field still read.

``inputs`` holds the spec and every file it $refs (a URL when remote refs are
allowed; a remote input is never considered up to date). This module uses only
the standard library: it runs on the no-op path.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from apiforge import __version__
from apiforge.config.targets import Target
from apiforge.output import file_stats

MANIFEST_NAME = ".apiforge-manifest.json"
STAGING_PREFIX = ".apiforge-staging-"  # the writers' scratch folders in the output folder
FORMAT = 1


class ManifestError(Exception):
    """A manifest exists but cannot be read or does not have the expected shape."""


@dataclass(frozen=True)
class Manifest:
    """One package's record; see the module docstring for the JSON form."""

    package: str
    spec: str
    inputs: dict[str, str]
    apiforge_version: str
    templates_hash: str
    options: dict[str, Any]
    options_hash: str
    files: dict[str, str]
    spec_copy: str = ""

    def to_json(self) -> str:
        """The deterministic file text."""
        # the fields as they are (no deep copy, as ``asdict`` makes: ~1 ms per 1,000 files)
        data = {"format": FORMAT, **{f.name: getattr(self, f.name) for f in fields(self)}}
        data["files"] = _FILES_MARK
        text = json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
        mark = json.dumps(_FILES_MARK)
        if text.count(mark) != 1:  # an option's text holds the mark: the slow way
            data["files"] = self.files
            return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
        return text.replace(mark, _files_block(self.files))

    @staticmethod
    def from_json(text: str) -> Manifest:
        """Parse a manifest.

        Raises:
            ManifestError: not JSON, an unknown format, or a field of the wrong type.
        """
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ManifestError(f"not valid JSON: {exc}") from None
        if not isinstance(data, dict) or data.pop("format", None) != FORMAT:
            raise ManifestError(f"not an apiforge manifest of format {FORMAT}")
        try:
            manifest = Manifest(**data)
        except TypeError as exc:
            raise ManifestError(str(exc)) from None
        for name in ("inputs", "files"):
            table = getattr(manifest, name)
            if not isinstance(table, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in table.items()
            ):
                raise ManifestError(f"`{name}` must map paths to sha256 strings")
        return manifest


# Stands for the ``files`` table while the rest is dumped: with an indent, json.dumps
# encodes in Python (~2.5 ms per 1,000 files); the table is one level of strings.
_FILES_MARK = "\0apiforge-manifest-files\0"


def _files_block(files: dict[str, str]) -> str:
    """``files`` as ``json.dumps(..., sort_keys=True, indent=2)`` spells it one level deep."""
    if not files:
        return "{}"
    encode = json.JSONEncoder(ensure_ascii=False).encode  # one string, in C
    rows = [f"    {encode(name)}: {encode(digest)}" for name, digest in sorted(files.items())]
    return "{\n" + ",\n".join(rows) + "\n  }"


def file_bytes(text: str) -> bytes:
    """The exact bytes a generated text is written as (UTF-8, newlines untouched)."""
    return text.encode("utf-8")


class DigestedText(str):
    """A generated text that carries the sha256 of its :func:`file_bytes`, hashed when it was
    stored (``view_reuse``: a reused package part), so the manifest need not hash it again.

    Any change to the text (a slice, a concatenation, a replace) gives a plain ``str``,
    which :func:`text_sha256` hashes.
    """

    sha256: str

    @classmethod
    def of(cls, text: str, sha256: str) -> DigestedText:
        """``text`` with its digest (``sha256_hex(file_bytes(text))``, computed by the caller)."""
        made = cls(text)
        made.sha256 = sha256
        return made


def text_sha256(text: str, data: bytes) -> str:
    """Hex sha256 of ``data``, the :func:`file_bytes` of ``text``: the digest ``text``
    carries when it is a :class:`DigestedText`, else hashed."""
    if type(text) is DigestedText:
        return text.sha256
    return sha256_hex(data)


def sha256_hex(data: bytes) -> str:
    """Hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str | None:
    """Hex sha256 of a file's bytes, or None when it is missing or unreadable."""
    try:
        return sha256_hex(path.read_bytes())
    except OSError:
        return None


def is_remote(key: str) -> bool:
    """True for an input recorded as a URL (a remote $ref)."""
    return "://" in key


def target_options(target: Target) -> dict[str, Any]:
    """Every target field except where it reads from and writes to, and the warnings it ignores
    (they change no output, so ignoring one more regenerates nothing)."""
    options = asdict(target)
    del options["spec"], options["output"], options["ignore_warnings"]
    return options


def options_hash(target: Target) -> str:
    """sha256 of the canonical JSON of :func:`target_options`."""
    blob = json.dumps(target_options(target), sort_keys=True, default=str)
    return sha256_hex(blob.encode("utf-8"))


def package_dirs(target: Target) -> tuple[str, ...]:
    """The package directories a target owns under ``target.output``."""
    return tuple(p for p in (target.client_package, target.server_package) if p)


def relative_to(path: str | Path, directory: Path) -> str:
    """``path`` (relative paths are relative to the working directory) as seen from ``directory``."""
    if isinstance(path, str) and is_remote(path):
        return path
    absolute = os.path.abspath(path)
    try:
        return Path(os.path.relpath(absolute, os.path.abspath(directory))).as_posix()
    except ValueError:  # another drive on Windows
        return Path(absolute).as_posix()


def input_location(key: str, target: Target) -> str | Path:
    """Where a key of ``Rendered.input_hashes`` points.

    The loader keys the root spec as ``str(target.spec)`` and every file it
    $refs relative to the root spec's directory (``schemas/pet.yaml``); URLs
    and absolute paths stand for themselves. A relative key that names no file
    next to the spec but one relative to the working directory is taken as that.
    """
    if is_remote(key) or os.path.isabs(key) or key == str(target.spec):
        return key
    beside_spec = target.spec.parent / key
    if not beside_spec.exists() and Path(key).exists():
        return key
    return beside_spec


def build_manifest(
    target: Target,
    package: str,
    files: Mapping[str, str],
    input_hashes: Mapping[str, str],
    templates_hash: str,
    spec_copy: str = "",
    digests: Mapping[str, str] | None = None,
) -> Manifest:
    """The manifest of one package.

    Args:
        target: what was generated.
        package: the package directory under ``target.output``.
        files: the rendered files of this package, keyed relative to the package directory.
        input_hashes: sha256 of the spec and everything it $refs (``Rendered.input_hashes``,
            keyed as :func:`input_location` explains); the spec is hashed here when the
            pipeline left it out.
        templates_hash: :func:`apiforge.resources.templates_hash`.
        spec_copy: the package-relative path of the recorded spec copy ("" for none).
        digests: the sha256 of each file's bytes (:func:`file_bytes`) when the caller has
            them; else each file is hashed here.
    """
    here = target.output / package
    inputs = {
        relative_to(input_location(key, target), here): digest
        for key, digest in input_hashes.items()
    }
    spec = relative_to(target.spec, here)
    if spec not in inputs:
        inputs[spec] = sha256_file(target.spec) or ""
    return Manifest(
        package=package,
        spec=spec,
        inputs=dict(sorted(inputs.items())),
        apiforge_version=__version__,
        templates_hash=templates_hash,
        options=target_options(target),
        options_hash=options_hash(target),
        files={
            name: digests[name] if digests is not None else sha256_hex(file_bytes(files[name]))
            for name in sorted(files)
        },
        spec_copy=spec_copy,
    )


def read_manifest(package_dir: Path) -> Manifest | None:
    """The manifest in ``package_dir``, or None when there is none.

    Raises:
        ManifestError: it exists but is unreadable or malformed.
    """
    try:
        text = (package_dir / MANIFEST_NAME).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(str(exc)) from None
    return Manifest.from_json(text)


def edited_files(manifest: Manifest, package_dir: Path) -> tuple[list[str], list[str]]:
    """Listed files whose bytes differ from the record, and listed files that are missing.

    Only files whose stat changed since they were last hashed are read (:mod:`.file_stats`).
    """
    edited: list[str] = []
    missing: list[str] = []
    found = file_stats.digests(package_dir, manifest.files, sha256_file)
    for name, digest in manifest.files.items():
        actual = found[name]
        if actual is None:
            missing.append(name)
        elif actual != digest:
            edited.append(name)
    return edited, missing


def staleness(target: Target, templates_hash: str) -> str | None:
    """Why ``target`` must be regenerated, or None when its output is up to date.

    Up to date means: every package has a manifest recording this apiforge
    version, these templates, these options and this spec; every input still
    has its recorded hash; and every listed file still has its recorded hash.
    """
    for package in package_dirs(target):
        here = target.output / package
        try:
            manifest = read_manifest(here)
        except ManifestError as exc:
            return f"{here / MANIFEST_NAME} is unreadable ({exc})"
        if manifest is None:
            return f"{here} has no manifest"
        reason = _manifest_staleness(target, manifest, here, templates_hash)
        if reason:
            return reason
    return None


def _manifest_staleness(
    target: Target, manifest: Manifest, here: Path, templates: str
) -> str | None:
    if manifest.apiforge_version != __version__:
        return f"apiforge version changed ({manifest.apiforge_version} -> {__version__})"
    if manifest.templates_hash != templates:
        return "templates changed"
    if manifest.options_hash != options_hash(target) or manifest.package != here.name:
        return "options changed"
    if manifest.spec != relative_to(target.spec, here):
        return "the spec moved"
    for name, digest in manifest.inputs.items():
        if is_remote(name):
            return f"{name} is remote"
        if sha256_file(here / name) != digest:
            return f"{os.path.normpath(here / name)} changed"
    edited, missing = edited_files(manifest, here)
    if edited or missing:
        return f"{here / (edited or missing)[0]} was edited or removed"
    return None


def input_paths(target: Target) -> set[Path]:
    """The spec and every local file the manifests on disk list as inputs (absolute paths)."""
    found = {Path(os.path.abspath(target.spec))}
    for package in package_dirs(target):
        here = target.output / package
        try:
            manifest = read_manifest(here)
        except ManifestError:
            continue
        if manifest is not None:
            found |= {Path(os.path.abspath(here / n)) for n in manifest.inputs if not is_remote(n)}
    return found
