"""Stage 1, load: read a spec file (and every file it $refs) into one bundled document.

Contract: ``load(path, sink, options) -> LoadedSpec | None``. The returned document
is plain JSON data (dict/list/str/int/float/bool/None, all mapping keys str) in
which every $ref is local (``#/...``): external files are bundled in. Problems go
to the sink with file, line, column and JSON pointer; ``None`` means errors made
the document unusable. This module and ``ir/build.py`` are the only importers of
openapi_pydantic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.diagnostics import Locator, Sink, SpecLocation


@dataclass(frozen=True)
class LoadOptions:
    """Limits and permissions for loading; the defaults are safe for untrusted specs."""

    allow_remote_refs: bool = False
    max_file_bytes: int = 64 * 1024 * 1024
    max_depth: int = 256
    max_nodes: int = 10_000_000


@dataclass
class LoadedSpec:
    """A spec ready for the IR builder.

    Attributes:
        path: the root file.
        document: the bundled document; every $ref in it is local.
        openapi_version: the document's ``openapi`` field (after any Swagger 2.0 conversion).
        file_hashes: sha256 of every file read (root first), keyed by path as displayed.
        origin: maps a pointer in ``document`` to where that node came from (file, pointer).
        locate: fills in line and column of a location (in any file read).
    """

    path: Path
    document: dict[str, Any]
    openapi_version: str
    file_hashes: dict[str, str] = field(default_factory=dict)
    origin: Callable[[str], SpecLocation] = lambda pointer: SpecLocation("", pointer)
    locate: Locator = lambda location: location


def load(path: Path, sink: Sink, options: LoadOptions | None = None) -> LoadedSpec | None:
    """Read, bundle and validate the spec at ``path``; report problems to ``sink``."""
    raise NotImplementedError("loader is being written (issue 2)")
