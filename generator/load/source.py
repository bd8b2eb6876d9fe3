"""Reading one spec file (or URL): limits, hashing, decoding, and line lookup on demand.

:func:`read_source` turns a location (an absolute path or an http(s) URL) into a
:class:`SourceFile`: the parsed plain data, the mappings that hold a ``$ref``, the
sha256 of the bytes, and a :class:`Positions` finder that computes the line and
column of a JSON pointer only when a diagnostic asks for one (the happy path
never builds a line index). Problems are reported through a :class:`Reporter`,
which locates each diagnostic as it is recorded.
"""

from __future__ import annotations

import codecs
import hashlib
import os
from collections.abc import Callable

from apiforge.diagnostics import Severity, Sink, SpecLocation
from apiforge.load.reading import Limits, Parsed, Positions, Reporter, SourceFile


def is_url(location: str) -> bool:
    """True for http(s) URLs."""
    return location.startswith(("http://", "https://"))


Fetch = Callable[[str, int], bytes]


def fetch_url(url: str, limit: int) -> bytes:
    """GET ``url`` and return at most ``limit + 1`` bytes (callers check the limit)."""
    import urllib.request  # only when remote refs are allowed and used

    request = urllib.request.Request(url, headers={"User-Agent": "apiforge"})
    with urllib.request.urlopen(request, timeout=30) as response:
        data: bytes = response.read(limit + 1)
    return data


def read_source(
    location: str, display: str, limits: Limits, reporter: Reporter, fetch: Fetch = fetch_url
) -> SourceFile | None:
    """Read, hash, decode and parse one file or URL; ``None`` (after reporting) on failure."""
    raw = _read_bytes(location, display, limits, reporter, fetch)
    if raw is None:
        return None
    sha256 = hashlib.sha256(raw).hexdigest()
    text = _decode(raw)
    if isinstance(text, UnicodeDecodeError):
        line, column = _position(raw, text)
        reporter.at(
            Severity.ERROR,
            "bad-encoding",
            f"the file is not UTF-8 (or UTF-16/32 with a BOM): byte 0x{raw[text.start]:02x} "
            f"here is not valid {text.encoding}",
            SpecLocation(display, "", line, column),
        )
        return None
    parsed, positions = _parse(text, location, display, limits, reporter)
    if parsed is None:
        return None
    escapes = "\\u" in text or "\\U" in text
    return SourceFile(
        location,
        display,
        sha256,
        parsed.data,
        parsed.ref_holders,
        positions,
        escapes,
        parsed.marked,
    )


def _read_bytes(
    location: str, display: str, limits: Limits, reporter: Reporter, fetch: Fetch
) -> bytes | None:
    where = SpecLocation(display, "")
    try:
        if is_url(location):
            raw = fetch(location, limits.max_file_bytes)
            size = len(raw)
        else:
            size = os.stat(location).st_size
            raw = b""
            if size <= limits.max_file_bytes:
                with open(location, "rb") as handle:
                    raw = handle.read(limits.max_file_bytes + 1)
                size = len(raw)
    except OSError as exc:
        reason = exc.strerror or str(exc)  # the path is the location's: not twice, absolute
        reporter.at(Severity.ERROR, "read-failed", f"cannot read the file: {reason}", where)
        return None
    if size > limits.max_file_bytes:
        reporter.at(
            Severity.ERROR,
            "too-large",
            f"the file is {size:,} bytes, over the limit of {limits.max_file_bytes:,} "
            "(LoadOptions.max_file_bytes)",
            where,
        )
        return None
    return raw


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _decode(raw: bytes) -> str | UnicodeDecodeError:
    encoding = next((name for bom, name in _BOMS if raw.startswith(bom)), "utf-8")
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        return exc


def _position(raw: bytes, error: UnicodeDecodeError) -> tuple[int, int]:
    """The 1-based line and character column of the first byte ``error`` could not decode."""
    before = raw[: error.start].decode(error.encoding, errors="replace")
    line_start = before.rfind("\n") + 1
    return before.count("\n") + 1, len(before) - line_start + 1


def _parse(
    text: str, location: str, display: str, limits: Limits, reporter: Reporter
) -> tuple[Parsed | None, Positions]:
    path = location.split("?", 1)[0].split("#", 1)[0].lower()
    named_json = path.endswith(".json")
    if named_json or text.lstrip()[:1] == "{":
        from apiforge.load import json_reader  # as PyYAML below: only when JSON may be read

        if named_json:
            return json_reader.parse_json(text, display, limits, reporter)
        quiet = Reporter(Sink())
        parsed, positions = json_reader.parse_json(text, display, limits, quiet)
        if parsed is not None or any(d.code != "json-syntax" for d in quiet.sink.items):
            reporter.sink.items.extend(quiet.sink.items)
            return parsed, positions
    # PyYAML loads only when a YAML file is read
    from apiforge.load import yaml_chunks, yaml_reader, yaml_unit_positions

    chunked = yaml_chunks.parse_chunked(text, location, limits)
    if chunked is None:
        parsed, whole = yaml_reader.parse_yaml(text, display, limits, reporter)
    else:  # the same data and holders, most of it from the content cache
        parsed, whole = chunked
    if parsed is None:
        return None, whole
    return parsed, yaml_unit_positions.UnitPositions(text, parsed.data, whole)
