"""The spec an output was generated from, kept beside it so a later spec can be compared with it.

Each generated package directory records, under :data:`COPY_DIR`, a byte-exact
copy of the spec and of every local file it $refs (laid out relative to their
common directory, so relative $refs still resolve), and its manifest names the
root copy (``spec_copy``). The manifest's hashes alone cannot bring the old spec
back once the file on disk has changed; the copy can, with file:line locations.

Copies are made at write time from the files on disk, and only when every one
still has the hash the generation read (a file edited mid-run is not recorded).
Remote inputs are not copied (their URLs resolve from the copy as before).
This module imports only the standard library: ``generate`` uses it on every write.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from apiforge.output.manifest import MANIFEST_NAME, read_manifest

COPY_DIR = ".apiforge-spec"


@dataclass(frozen=True)
class SpecCopy:
    """The files to write into a package: text keyed by path relative to the package directory."""

    files: dict[str, str]
    root: str  # the key of the root spec in ``files``
    digests: dict[str, str] = field(default_factory=dict)  # same keys: sha256 of the bytes


def spec_copy(spec: Path, inputs: Iterable[tuple[Path | str, str]]) -> SpecCopy | None:
    """Copies of ``spec`` and its local inputs, or None when any changed or is unreadable.

    Args:
        spec: the root spec file.
        inputs: (path read, sha256 it had) for every input of the generation (URLs are skipped).
    """
    local = [(Path(where), digest) for where, digest in inputs if "://" not in str(where)]
    paths = [Path(os.path.abspath(spec)), *(Path(os.path.abspath(p)) for p, _ in local)]
    base = Path(os.path.commonpath([str(p.parent) for p in paths]))
    wanted = {os.path.abspath(spec): ""}  # the root first, read once (checked when listed)
    wanted.update((os.path.abspath(where), digest) for where, digest in local)
    files: dict[str, str] = {}
    digests: dict[str, str] = {}
    for where, digest in wanted.items():
        try:
            data = Path(where).read_bytes()
            text = data.decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        found = hashlib.sha256(data).hexdigest()
        if digest and found != digest:
            return None
        name = f"{COPY_DIR}/{Path(os.path.relpath(where, base)).as_posix()}"
        files[name], digests[name] = text, found
    root = f"{COPY_DIR}/{Path(os.path.relpath(os.path.abspath(spec), base)).as_posix()}"
    return SpecCopy(files, root, digests)


@dataclass(frozen=True)
class Recorded:
    """One generated package and the spec it records.

    Attributes:
        package_dir: the package directory (holding the manifest).
        package: the package name.
        audience: ``"client"`` or ``"server"`` (from the recorded options).
        old_spec: the recorded copy of the spec (None when the manifest names none).
        current_spec: the spec the manifest says the package is generated from, as it is now.
    """

    package_dir: Path
    package: str
    audience: str
    old_spec: Path | None
    current_spec: Path


def recorded_packages(directory: Path) -> Iterator[Recorded]:
    """Every generated package in ``directory`` (a package directory, or an output directory of them).

    Raises:
        apiforge.output.manifest.ManifestError: a manifest is malformed.
    """

    candidates = (
        [directory]
        if (directory / MANIFEST_NAME).is_file()
        else sorted(p for p in directory.iterdir() if (p / MANIFEST_NAME).is_file())
        if directory.is_dir()
        else []
    )
    for package_dir in candidates:
        manifest = read_manifest(package_dir)
        if manifest is None:
            continue
        audience = (
            "server" if manifest.options.get("server_package") == manifest.package else "client"
        )
        copy = package_dir / manifest.spec_copy if manifest.spec_copy else None
        current = Path(os.path.normpath(package_dir / manifest.spec))
        yield Recorded(
            package_dir,
            manifest.package,
            audience,
            copy if copy and copy.is_file() else None,
            current,
        )
