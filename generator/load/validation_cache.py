"""Validation results kept in the content cache in parts, so one edited schema re-validates a few.

The document is validated as a frame (everything but ``components.schemas``) and as
:data:`BUCKETS` groups of component schemas (a schema's group follows from its name),
each part remembered under a digest of its content, the family and the validating
code. openapi-pydantic declares no validator that looks across parts, so the errors
are those of one whole-document validation, at the same pointers; they are replayed
in the order that validation reports them (the frame's fields before ``components``,
the schemas in document order, then the rest of the frame). A document seen before
costs no import of openapi-pydantic; after one schema changed, only its group is
validated again, and without openapi-pydantic when its schemas are plain ones
(:mod:`apiforge.load.plainly_valid`).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import marshal
from pathlib import Path
from typing import Any

from apiforge import __version__
from apiforge.diagnostics import Severity
from apiforge.load import jsonpointer, plainly_valid, validation
from apiforge.load.spellings import mapping_spelling, spelling
from apiforge.load.validation import Report, report_model_errors, validate
from apiforge.output import cache

Entry = tuple[Severity, str, str, str]
BUCKETS = 64
_BEFORE_COMPONENTS = frozenset(
    {"", "openapi", "info", "jsonSchemaDialect", "servers", "paths", "webhooks"}
)


def validate_cached(document: dict[str, Any], family: str, report: Report) -> None:
    """:func:`validate`, remembered in the content cache: a document seen before costs no import.

    Importing openapi-pydantic (building its pydantic models) is most of what
    validation costs. The cache key covers the document's exact content, the
    family, apiforge and the validating code, and the openapi-pydantic and pydantic
    versions; the entry is the list of reports, replayed in order (empty when the
    document validated clean).
    """
    folder = cache.cache_dir("validation")
    if folder is None:
        validate(document, family, report)
        return
    if validate_parts(document, family, _code_identity(), report):
        return
    key = cache.digest(
        _code_identity(), family, json.dumps(document, ensure_ascii=False, default=str)
    )
    cached = cache.read(folder, key)
    if cached is not None:
        try:
            entries = [(Severity(s), c, m, p) for s, c, m, p in json.loads(cached)]
        except (ValueError, TypeError):
            entries = None
        if entries is not None:
            for entry in entries:
                report(*entry)
            return
    recorded: list[tuple[Severity, str, str, str]] = []

    def record(severity: Severity, code: str, message: str, pointer: str) -> None:
        recorded.append((severity, code, message, pointer))
        report(severity, code, message, pointer)

    validate(document, family, record)
    cache.write(folder, key, json.dumps([[s.value, c, m, p] for s, c, m, p in recorded]))


def _code_identity() -> str:
    """Everything besides the document that validation results depend on."""
    files = (validation.__file__, jsonpointer.__file__, plainly_valid.__file__, __file__)
    sources = "".join(Path(f).read_text(encoding="utf-8") for f in files)
    installed = f"{_distribution('openapi_pydantic')} {_distribution('pydantic')}"
    return f"apiforge {__version__} {installed}\0{sources}"


def _distribution(module: str) -> str:
    """The installed distribution of ``module``: its ``<name>-<version>.dist-info`` folder's name.

    Looked up beside the package, without importlib.metadata: importing that is ~30 ms
    (email, zipfile, csv), and nothing else imports it in the validating child, cache miss
    or not (its stand-in for pydantic's plugin loader: ``validation_background``).
    """
    found = importlib.util.find_spec(module)  # finds it without running it
    if found is not None and found.origin:
        names = [p.name for p in Path(found.origin).parent.parent.glob(f"{module}-*.dist-info")]
        if len(names) == 1:
            return names[0]
    # any other layout (an egg, a zip): ask the package metadata, as before
    from importlib.metadata import version

    return f"{module} {version(module)}"


def validate_parts(document: dict[str, Any], family: str, identity: str, report: Any) -> bool:
    """Validate ``document`` part by part through the cache; False when it has no schemas to split off."""
    entries = _parts(document, family, identity, plain_only=False)
    if entries is None:
        return False
    for entry in entries:
        report(*entry)
    return True


def cached_parts(document: dict[str, Any], family: str) -> list[Entry] | None:
    """What :func:`validate_cached` reports, when every part is decided without
    openapi-pydantic: from the cache, or (a group of schemas) by
    :func:`apiforge.load.plainly_valid.schemas_valid`; else None, having only stored the
    groups it decided. A one-schema edit usually leaves nothing else to do, so the parent
    need not hand the document to a validating child (:mod:`validation_background`)."""
    if cache.cache_dir("validation") is None:
        return None
    return _parts(document, family, _code_identity(), plain_only=True)


def _parts(
    document: dict[str, Any], family: str, identity: str, *, plain_only: bool
) -> list[Entry] | None:
    """The reports of the frame and the groups of component schemas, in the order one
    whole-document validation reports them, each part from the cache or validated and
    stored; None when the document has no schemas to split off, or (``plain_only``) when a
    part would need openapi-pydantic."""
    components = document.get("components")
    schemas = components.get("schemas") if isinstance(components, dict) else None
    folder = cache.cache_dir("validation")
    if folder is None or not isinstance(schemas, dict) or not schemas:
        return None
    assert isinstance(components, dict)
    frame = {**document, "components": {**components, "schemas": {}}}
    frame_key = cache.digest(identity, family, "frame", _frame_content(frame))
    frame_entries = _replayed(cache.read(folder, frame_key))
    if frame_entries is None:
        if plain_only:
            return None
        frame_entries = _validated(
            folder, frame_key, lambda record: validate(frame, family, record)
        )
    groups: dict[int, dict[str, Any]] = {}
    for name, schema in schemas.items():
        groups.setdefault(_bucket(name), {})[name] = schema
    numbered = sorted(groups.items())
    keys = [
        cache.digest(identity, family, "schemas", str(number), _group_content(group))
        for number, group in numbered
    ]
    known = cache.read_many(folder, keys)  # one query, not one per group
    schema_entries: list[Entry] = []
    for key, (_, group) in zip(keys, numbered):
        entries = _replayed(known.get(key))
        if entries is None:
            if plain_only and not plainly_valid.schemas_valid(group, family):
                return None
            entries = _validated(
                folder, key, lambda record, g=group: validate_schemas(document, g, family, record)
            )
        schema_entries += entries
    order = {name: i for i, name in enumerate(schemas)}
    schema_entries.sort(
        key=lambda e: order.get(_schema_name(e[3]), 0)
    )  # stable: in-schema order stays
    before = [e for e in frame_entries if _first_token(e[3]) in _BEFORE_COMPONENTS]
    after = [e for e in frame_entries if _first_token(e[3]) not in _BEFORE_COMPONENTS]
    return [*before, *schema_entries, *after]


def validate_schemas(
    document: dict[str, Any], group: dict[str, Any], family: str, report: Any
) -> None:
    """The errors whole-document validation reports for these component schemas."""
    if plainly_valid.schemas_valid(group, family):
        return  # what openapi-pydantic answers for them: nothing, without importing it
    from pydantic import ValidationError  # pydantic loads only when a part is no plain case

    try:
        _schemas_adapter(family).validate_python(group)
    except ValidationError as exc:
        errors = [
            {**e, "loc": ("components", "schemas", *e["loc"])}
            for e in exc.errors(include_url=False)
        ]
        report_model_errors(document, errors, family, report)


@functools.cache
def _schemas_adapter(family: str) -> Any:
    """A validator of ``components.schemas`` exactly as the family's Components model declares it."""
    # pydantic and openapi-pydantic load only when a part misses the cache
    from pydantic import TypeAdapter

    if family == "3.1":
        from openapi_pydantic.v3.v3_1 import Components  # the family's model only
    else:
        from openapi_pydantic.v3.v3_0 import Components  # type: ignore[assignment]
    annotation: Any = Components.model_fields["schemas"].annotation
    return TypeAdapter(annotation)


def _replayed(text: str | None) -> list[Entry] | None:
    """The reports a part's cache entry holds, else None."""
    if text is not None:
        try:
            return [(Severity(s), c, m, p) for s, c, m, p in json.loads(text)]
        except (ValueError, TypeError):
            pass
    return None


def _validated(folder: Any, key: str, run: Any) -> list[Entry]:
    """The reports of ``run(record)``, stored under ``key`` for the next run."""
    recorded: list[Entry] = []
    run(
        lambda severity, code, message, pointer: recorded.append((severity, code, message, pointer))
    )
    cache.write(folder, key, json.dumps([[s.value, c, m, p] for s, c, m, p in recorded]))
    return recorded


def _bucket(name: str) -> int:
    return (
        int.from_bytes(hashlib.sha256(name.encode("utf-8", "surrogatepass")).digest()[:4], "big")
        % BUCKETS
    )


def _schema_name(pointer: str) -> str:
    tokens = jsonpointer.split(pointer)
    return tokens[2] if len(tokens) > 2 else ""


def _first_token(pointer: str) -> str:
    tokens = jsonpointer.split(pointer)
    return tokens[0] if tokens else ""


# The levels below these top-level keys whose entries (path items, each component) other
# stages spell too (``output.spec_json``, ``ir.shapes``): their kept spellings are reused.
_NESTED = {"paths": 0, "webhooks": 0, "components": 1}


def _frame_content(frame: dict[str, Any]) -> str:
    """:func:`_content` of the frame, from the spellings kept for its definitions."""
    spelt = mapping_spelling(
        (key, _nested(value, _NESTED.get(key, -1))) for key, value in frame.items()
    )
    return _content(frame) if spelt is None else _digest(spelt)


def _group_content(group: dict[str, Any]) -> str:
    """:func:`_content` of a group of component schemas, from their kept spellings."""
    spelt = mapping_spelling((name, spelling(schema)) for name, schema in group.items())
    return _content(group) if spelt is None else _digest(spelt)


def _nested(value: Any, below: int) -> bytes | None:
    """``value``'s spelling, made from its entries' ``below`` levels further down."""
    if below < 0 or type(value) is not dict:
        return spelling(value)
    return mapping_spelling((key, _nested(item, below - 1)) for key, item in value.items())


def _content(value: Any) -> str:
    """A digest of a part's content: equal parts, equal digests; different ones, different.

    Of its marshal bytes in version 2 (~3x quicker than its JSON): that version writes
    neither references to objects seen before nor whether a string is interned, so equal
    plain data gives equal bytes, however it was built. Data marshal cannot write goes by
    its JSON, as before.
    """
    try:
        data = marshal.dumps(value, 2)
    except ValueError:
        return "json " + json.dumps(value, ensure_ascii=False, default=str)
    return _digest(data)


def _digest(data: bytes) -> str:
    return "marshal " + hashlib.sha256(data).hexdigest()
