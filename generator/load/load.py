"""Stage 1, load: read a spec file (and every file it $refs) into one bundled document.

Contract: ``load(path, sink, options) -> LoadedSpec | None``. The returned document
is plain JSON data (dict/list/str/int/float/bool/None, all mapping keys str) in
which every $ref is local (``#/...``): external files are bundled in. Problems go
to the sink with file, line, column and JSON pointer. ``None`` means errors made
the document unusable (it could not be read, parsed, or identified as OpenAPI);
a LoadedSpec may still come with errors in the sink (a dangling $ref, an invalid
field), so callers must check ``sink.has_errors()`` before generating.

Steps: read the root (:mod:`apiforge.load.source`), check the version, bundle
external refs (:mod:`apiforge.load.bundle`), check local refs (:mod:`apiforge.load.refs`),
convert Swagger 2.0 (:mod:`apiforge.load.swagger2`), validate with openapi-pydantic
(:mod:`apiforge.load.validation`; a document validated before replays its reports from
the content cache, see :mod:`apiforge.load.validation_cache`; with ``background_validation``
it runs in a forked child while the caller goes on, :mod:`apiforge.load.validation_background`).
Those two validation modules are the only importers of openapi_pydantic; ``ir/build.py``
reads the validated plain data.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from apiforge.diagnostics import Locator, Severity, Sink, SpecLocation
from apiforge.load import bundle, jsonpointer, refs, validation, validation_background
from apiforge.load.reading import Limits, Reporter, SourceFile
from apiforge.load.source import fetch_url, is_url, read_source

if TYPE_CHECKING:
    from apiforge.load.validation_background import Pending


@dataclass(frozen=True)
class LoadOptions:
    """Limits and permissions for loading; the defaults are safe for untrusted specs."""

    allow_remote_refs: bool = False
    max_file_bytes: int = 64 * 1024 * 1024
    max_depth: int = 256
    max_nodes: int = 10_000_000
    """Most nodes a YAML file may expand to through aliases (alias bombs)."""
    validate: bool = True
    """Check the bundled document with openapi-pydantic."""
    background_validation: bool = False
    """Validate in a forked child where that is safe; the caller must then call
    :meth:`LoadedSpec.finish_validation` before it decides anything from the sink."""


@dataclass
class LoadedSpec:
    """A spec ready for the IR builder.

    Attributes:
        path: the root file.
        document: the bundled document; every $ref in it is local.
        openapi_version: the document's ``openapi`` field (after any Swagger 2.0 conversion).
        file_hashes: sha256 of every file read (root first), keyed by path as displayed.
        origin: maps a pointer in ``document`` to where that node came from (file, pointer).
        locate: fills in line and column of a location in any file read (a pointer into
            that file; map document pointers with ``origin`` first).
        converted_from: ``"2.0"`` when the file was Swagger 2.0, else ``None``.
        marked: every mapping of ``document`` with a key of ``validation.SCHEMA_KEYS``
            (found by ``check_defaults``' pass, for the IR's document checks); None when
            not looked for (``validate=False``).
    """

    path: Path
    document: dict[str, Any]
    openapi_version: str
    file_hashes: dict[str, str] = field(default_factory=dict)
    origin: Callable[[str], SpecLocation] = lambda pointer: SpecLocation("", pointer)
    locate: Locator = lambda location: location
    converted_from: str | None = None
    validation: Pending | None = None
    marked: list[dict[str, Any]] | None = None

    def finish_validation(self) -> bool:
        """Wait for background validation and put its reports in the sink; True on an error.

        After an error the sink holds exactly what loading alone reports (see
        :meth:`apiforge.load.validation_background.Pending.join`).
        """
        return self.validation.join() if self.validation is not None else False


class Origins:
    """Maps pointers of the bundled document to (file, pointer) by longest prefix."""

    def __init__(self, root: str, bundled: dict[str, tuple[str, str]]) -> None:
        self.root = root
        self.bundled = bundled
        self.converted: dict[str, str] = {}

    @staticmethod
    def _longest(mapping: dict[str, Any], pointer: str) -> tuple[Any, str] | None:
        prefix = pointer
        while True:
            if prefix in mapping:
                return mapping[prefix], pointer[len(prefix) :]
            if not prefix:
                return None
            prefix = prefix[: prefix.rfind("/")]

    def lookup(self, pointer: str) -> tuple[str, str]:
        """(file as displayed, pointer in that file) for a pointer of the final document."""
        if self.converted:
            found = self._longest(self.converted, pointer)
            if found is not None:
                pointer = found[0] + found[1]
        return self.before_conversion(pointer)

    def before_conversion(self, pointer: str) -> tuple[str, str]:
        """Like :meth:`lookup`, for a pointer of the bundled Swagger 2.0 document."""
        hit = self._longest(self.bundled, pointer)
        if hit is None:
            return self.root, pointer
        (file, base), rest = hit
        return file, base + rest


_OPENAPI = re.compile(r"3\.([01])(?:\.\d+)?(?:[-+][\w.]+)?")


def _family(document: dict[str, Any], reporter: Reporter, display: str) -> tuple[str, str] | None:
    """(family, version): family is "2.0", "3.0" or "3.1"; reports unsupported versions."""
    if "openapi" in document:
        version = document["openapi"]
        if isinstance(version, (int, float)) and not isinstance(version, bool):
            version = document["openapi"] = str(version)
            reporter.warning(
                "invalid-spec",
                "'openapi' should be a string such as \"3.0.3\"",
                display,
                "/openapi",
            )
        match = _OPENAPI.fullmatch(version) if isinstance(version, str) else None
        if match is not None:
            return f"3.{match.group(1)}", version
        supported = "supported: 3.0.x and 3.1.x; Swagger 2.0 is converted"
        reporter.error(
            "unsupported-version",
            f"OpenAPI version {version!r} is not supported ({supported})",
            display,
            "/openapi",
        )
        return None
    if "swagger" in document:
        version = str(document["swagger"])
        if version in ("2.0", "2"):
            return "2.0", "2.0"
        reporter.error(
            "unsupported-version",
            f"Swagger version {version!r} is not supported (only 2.0 is)",
            display,
            "/swagger",
        )
        return None
    reporter.error(
        "unsupported-version", "no 'openapi' field: this is not an OpenAPI document", display, ""
    )
    return None


class _Files:
    """Every file read for one spec, by location, with display names and hashes."""

    def __init__(
        self, root_display: str, root_location: str, limits: Limits, reporter: Reporter
    ) -> None:
        self.root_display, self.root_dir = root_display, os.path.dirname(root_location)
        self.limits, self.reporter = limits, reporter
        self.sources: dict[str, SourceFile | None] = {}
        self.hashes: dict[str, str] = {}

    def names(self, location: str) -> tuple[str, str]:
        """(name in diagnostics, key in file_hashes) for a location."""
        if is_url(location):
            return location, location
        relative = os.path.relpath(location, self.root_dir)
        shown = os.path.normpath(os.path.join(os.path.dirname(self.root_display), relative))
        return shown, relative

    def open(self, location: str) -> SourceFile | None:
        """Read a file once.

        Raises:
            FileNotFoundError: no local file there; its text says what is there instead.
        """
        if location in self.sources:
            return self.sources[location]
        if not is_url(location):
            self.reporter.sink.reads.add(location)  # a missing file too: creating it is a change
        if not is_url(location) and not os.path.isfile(location):
            raise FileNotFoundError(_not_a_file(location))
        return self.read(location, *self.names(location))

    def read(self, location: str, display: str, hash_key: str) -> SourceFile | None:
        """Read and register a file under its display name and hash key."""
        source = read_source(location, display, self.limits, self.reporter, fetch_url)
        self.sources[location] = source
        if source is not None:
            self.reporter.add(source)
            if hash_key != display:
                self.reporter.files[hash_key] = source
            self.hashes[hash_key] = source.sha256
        return source


def _not_a_file(path: str) -> str:
    """Why a local path cannot be read as a file: missing, a directory, or another kind of entry."""
    if os.path.isdir(path):
        return "a directory, not a file"
    return "not a regular file" if os.path.exists(path) else "file not found"


def load(path: Path, sink: Sink, options: LoadOptions | None = None) -> LoadedSpec | None:
    """Read, bundle and validate the spec at ``path``; report problems to ``sink``.

    Args:
        path: the root document, shown in diagnostics as given.
        sink: receives every diagnostic, with line and column already resolved.
        options: limits and permissions (safe defaults).

    Returns:
        The bundled document, or ``None`` when it could not be read, parsed or
        identified as OpenAPI. Check ``sink.has_errors()`` either way.
    """
    options = options or LoadOptions()
    limits = Limits(options.max_file_bytes, options.max_depth, options.max_nodes)
    reporter = Reporter(sink)
    display = str(path)
    files = _Files(display, os.path.abspath(path), limits, reporter)
    sink.reads.add(os.path.abspath(path))
    root = files.read(os.path.abspath(path), display, display)
    if root is None:
        return None
    document = root.data
    if not isinstance(document, dict):
        kind = "empty" if document is None else f"a {type(document).__name__}"
        reporter.error(
            "not-a-mapping", f"the document must be a mapping (it is {kind})", display, ""
        )
        return None
    identified = _family(document, reporter, display)
    if identified is None:
        return None
    family, version = identified
    holders = root.ref_holders
    origins = Origins(display, {})
    known = root.marked  # check_defaults' result for the document as read
    if bundle.has_external_refs(holders):
        known = None
        home = ("definitions",) if family == "2.0" else ("components", "schemas")
        bundled = bundle.bundle(
            root,
            files.open,
            reporter,
            schema_home=home,
            allow_remote=options.allow_remote_refs,
            name_of=lambda location: files.names(location)[0],
        )
        holders = bundled.holders
        origins = Origins(display, bundled.origins)

    def report_at(severity: Severity, code: str, message: str, pointer: str) -> None:
        reporter.report(severity, code, message, *origins.lookup(pointer))

    refs.check_local_refs(document, holders, lambda c, m, p: report_at(Severity.ERROR, c, m, p))
    # Only an escape (JSON's or YAML's \u, \U) spells a lone surrogate: without one the walk is moot.
    escaped = any(source is None or source.escapes for source in files.sources.values())
    broken = _lone_surrogate(document) if escaped else None
    if broken is not None:
        report_at(
            Severity.ERROR,
            "invalid-unicode",
            "the text escapes a lone surrogate (\\ud800-\\udfff without its "
            "pair), which is no character; write the character itself or its full pair",
            broken,
        )
        return None
    converted_from = None
    if family == "2.0":
        reporter.report(
            Severity.INFO,
            "converted-swagger-2",
            f"{display} is Swagger 2.0; converted to OpenAPI 3.0.3",
            display,
            "/swagger",
        )
        from apiforge.load import swagger2  # only for Swagger 2.0 files (5 ms of imports otherwise)

        document, origins.converted = swagger2.convert(
            document, lambda c, m, p: reporter.warning(c, m, *origins.before_conversion(p))
        )
        family, version, converted_from = "3.0", "3.0.3", "2.0"
        known = None
    pending = None
    marked = None
    if options.validate:
        pending = validation_background.start(
            document, family, report_at, sink, background=options.background_validation
        )
        marked = validation.check_defaults(document, report_at, known)
        pending.load_end = len(sink.items)

    def origin(pointer: str) -> SpecLocation:
        return SpecLocation(*origins.lookup(pointer))

    def locate(location: SpecLocation) -> SpecLocation:
        return reporter.locate(location.file, location.pointer)

    return LoadedSpec(
        Path(path),
        document,
        version,
        files.hashes,
        origin,
        locate,
        converted_from,
        pending,
        marked,
    )


def _lone_surrogate(document: Any) -> str | None:
    """The JSON pointer of the first key or string holding a lone surrogate (JSON's ``\\ud800``), or None.

    A first pass, level by level and without pointers, looks at the non-ASCII text only
    (almost every document has none to report); the pointer walk runs only after a find.
    """
    level: list[Any] = [document]
    found = False
    while level and not found:
        texts: list[str] = []
        deeper: list[Any] = []
        for node in level:
            if isinstance(node, dict):
                texts += [k for k in node if isinstance(k, str) and not k.isascii()]
                for value in node.values():
                    if isinstance(value, (dict, list)):
                        deeper.append(value)
                    elif isinstance(value, str) and not value.isascii():
                        texts.append(value)
            elif isinstance(node, list):
                for value in node:
                    if isinstance(value, (dict, list)):
                        deeper.append(value)
                    elif isinstance(value, str) and not value.isascii():
                        texts.append(value)
            elif isinstance(node, str) and not node.isascii():
                texts.append(node)
        found = any(0xD800 <= ord(c) <= 0xDFFF for text in texts for c in text)
        level = deeper
    return _lone_surrogate_pointer(document) if found else None


def _lone_surrogate_pointer(document: Any) -> str | None:
    stack: list[tuple[str, Any]] = [("", document)]
    while stack:
        pointer, node = stack.pop()
        if isinstance(node, str):
            if not node.isascii() and any(0xD800 <= ord(c) <= 0xDFFF for c in node):
                return pointer
        elif isinstance(node, dict):
            for key, value in node.items():
                child = jsonpointer.join(pointer, key)
                if (
                    isinstance(key, str)
                    and not key.isascii()
                    and any(0xD800 <= ord(c) <= 0xDFFF for c in key)
                ):
                    return child
                stack.append((child, value))
        elif isinstance(node, list):
            stack.extend((f"{pointer}/{index}", value) for index, value in enumerate(node))
    return None
