"""A spec document cut into units, so that two versions can be compared unit by unit.

A unit is one path item (``p`` + its path), one component schema (``s`` + its key),
one documentation member (``t`` + ``info``, ``servers``...: see :data:`DOCUMENTATION`)
or the rest of the document (``r``: everything else, with those maps emptied).
Each unit has a fingerprint (a digest of its ``marshal`` encoding: equal fingerprints
mean equal values; unequal ones only may differ), a canonical digest (of its sorted
JSON, as the document digest has always been) and the units whose content its IR may
read through ``$ref``s (see :func:`refs`).
Equal canonical digests of every unit mean equal documents, so the document digest
is worked out from the units' and a one-unit edit re-digests one unit.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from apiforge.ir.nested import component_key
from apiforge.load import jsonpointer
from apiforge.load.refs import target_pointer
from apiforge.load.spellings import spelling

REST = "r"
_SCHEMAS = "/components/schemas/"
# Top-level members the IR keeps only as the API's title, servers and tags, which no
# operation or schema reads (a rule reads the servers, kept whole in the stored index):
# each is a unit of its own (``t`` + its name), so a new ``info.version`` edits no unit
# that the IR of an operation or schema depends on.
DOCUMENTATION = ("info", "servers", "tags", "externalDocs")


def cut(document: dict[str, Any]) -> dict[str, Any] | None:
    """Unit key -> its node, in document order (rest first); None when a key is not a string."""
    found: dict[str, Any] = {}
    rest = dict(document)
    found[REST] = rest
    for name in DOCUMENTATION:
        if name in document:
            found["t" + name] = rest.pop(name)
    paths = document.get("paths")
    if isinstance(paths, dict):
        rest["paths"] = {}
        for path, item in paths.items():
            if not isinstance(path, str):
                return None
            found["p" + path] = item
    components = document.get("components")
    schemas = components.get("schemas") if isinstance(components, dict) else None
    if isinstance(components, dict) and isinstance(schemas, dict):
        rest["components"] = {**components, "schemas": {}}
        for key, schema in schemas.items():
            if not isinstance(key, str):
                return None
            found["s" + key] = schema
    return found


def fingerprint(node: Any) -> bytes | None:
    """A digest of ``node``'s marshal encoding; None when it holds a value marshal cannot encode.

    Version 2 has no back-references: newer versions mark an object shared when its
    reference count is above one, so equal nodes would encode differently in a process
    where other objects (an IR built from the nodes, or one replayed from the cache) hold them.
    The encoding is the one :mod:`~apiforge.load.spellings` kept when an earlier stage made it.
    """
    spelt = spelling(node)
    return None if spelt is None else hashlib.blake2b(spelt, digest_size=16).digest()


def canonical(node: Any) -> bytes:
    """A digest of ``node``'s canonical JSON (sorted keys; other values spelt by str)."""
    return summary("", node)[0]


def summary(unit: str, node: Any) -> tuple[bytes, tuple[str, ...]]:
    """(:func:`canonical`, :func:`refs`) of ``unit`` holding ``node``, from one JSON text."""
    text = json.dumps(node, sort_keys=True, default=str)
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    # In JSON text, '"$ref": "' opens exactly a "$ref" member whose value is a string
    # (a quote inside a string is escaped), so the refs are read off the text.
    plain_ok = unit.startswith("s")
    found: set[str] = set()
    start = text.find(_REF)
    while start >= 0:
        ref, end = _DECODER.raw_decode(text, start + len(_REF) - 1)  # from the quote
        if not (plain_ok and component_key(ref) is not None):
            found.add(unit_of(target_pointer(ref)) if ref.startswith("#") else REST)
        start = text.find(_REF, end)
    return digest, tuple(sorted(found))


_REF = '"$ref": "'
_DECODER = json.JSONDecoder()


def combined(digests: dict[str, bytes]) -> str:
    """The document digest from every unit's canonical digest."""
    joined = b"".join(  # one update: the digest of the parts fed one by one
        key.encode("utf-8", "surrogatepass") + b"\0" + digests[key] for key in sorted(digests)
    )
    return hashlib.sha256(joined).hexdigest()


def summaries(document: dict[str, Any]) -> dict[str, tuple[bytes, tuple[str, ...]]] | None:
    """:func:`summary` of every unit of ``document`` (None when it cannot be cut)."""
    units = cut(document)
    return None if units is None else {k: summary(k, n) for k, n in units.items()}


def document_digest(document: dict[str, Any]) -> str:
    """The digest of a whole document: equal exactly when the canonical JSON is equal."""
    found = summaries(document)
    if found is None:
        return canonical(document).hex()
    return combined({key: digest for key, (digest, _) in found.items()})


def unit_of(pointer: str) -> str:
    """The unit holding the node at JSON ``pointer``."""
    if pointer.startswith(_SCHEMAS):
        key = pointer[len(_SCHEMAS) :].split("/", 1)[0]
        return "s" + jsonpointer.unescape(key)
    if pointer.startswith("/paths/"):
        return "p" + jsonpointer.unescape(pointer[len("/paths/") :].split("/", 1)[0])
    top = pointer[1:].split("/", 1)[0]
    return "t" + top if top in DOCUMENTATION else REST


def refs(unit: str, node: Any) -> tuple[str, ...]:
    """The units whose content the IR of ``unit`` (holding ``node``) may read, sorted.

    Every ``$ref`` of a path item or of the rest counts (a parameter reads the default
    and limits of the schema it refers to). A component schema reads nothing of another
    through a plain ``#/components/schemas/X``: the IR keeps that as the name ``X``
    (the usage of schemas is checked on its own), so only other ``$ref``s count.
    """
    return summary(unit, node)[1]


def reaching(changed: set[str], graph: dict[str, tuple[str, ...]]) -> set[str]:
    """``changed`` and every unit whose ``$ref``s lead to one of them, at any depth."""
    back: dict[str, list[str]] = {}
    for unit, targets in graph.items():
        for target in targets:
            back.setdefault(target, []).append(unit)
    seen = set(changed)
    stack = list(changed)
    while stack:
        for unit in back.get(stack.pop(), ()):
            if unit not in seen:
                seen.add(unit)
                stack.append(unit)
    return seen
