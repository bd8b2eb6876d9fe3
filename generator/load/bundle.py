"""Bundling: pull every external ``$ref`` (other files, allowed URLs) into the root document.

After :func:`bundle` every reference in the root document is local:

- a reference in a *schema position* (``schema``, ``items``, ``properties/*``,
  ``allOf/*``, ``components/schemas/*`` ...) is hoisted: the target schema is
  copied into the schema home (``components/schemas``, or ``definitions`` for
  Swagger 2.0) under a name taken from the target (its last pointer token, or the
  file stem), the same target always getting the same name and a clash with a
  different schema getting a suffix (``Pet2``); the reference is rewritten to it;
- any other external reference (parameters, responses, path items, examples...)
  is replaced by a deep copy of its target;
- a reference back into the root file becomes a local one.

References inside copied content resolve relative to the file they came from.
Inlining that would never end is a ``ref-cycle``; unreachable targets are
``ref-not-found``; URLs without ``allow_remote_refs`` are ``remote-ref-refused``.
The root document is edited in place; external files are never modified.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urljoin

from apiforge.load import jsonpointer
from apiforge.load.jsonpointer import deep_copy
from apiforge.load.reading import Reporter, SourceFile
from apiforge.load.refs import NAMED_MAPS, describe_missing
from apiforge.load.source import is_url

OpenFile = Callable[[str], "SourceFile | None"]
"""Reads a location once (cached); raises FileNotFoundError, or reports and returns None."""

_DOC, _SCHEMA, _SCHEMA_MAP, _SCHEMA_LIST, _DATA = range(5)
_SUBSCHEMA = frozenset(
    {
        "items",
        "additionalProperties",
        "not",
        "contains",
        "propertyNames",
        "if",
        "then",
        "else",
        "additionalItems",
        "unevaluatedItems",
        "unevaluatedProperties",
        "contentSchema",
    }
)
_SUBSCHEMA_MAP = frozenset(
    {"properties", "patternProperties", "definitions", "$defs", "dependentSchemas"}
)
_SUBSCHEMA_LIST = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
_DOC_DATA = frozenset({"example", "value", "default", "enum"})


Where = Any
"""A lazily built JSON pointer: a ready pointer string, or ``(parent, token)``.

The walk visits every node of the root document; building pointer strings for
all of them would cost more than the walk itself, and they are needed only at
the few places where something is copied or reported.
"""


def _pointer(where: Where) -> str:
    tokens = []
    while where.__class__ is tuple:
        where, token = where
        tokens.append(token)
    return str(where) + "".join("/" + jsonpointer.escape(token) for token in reversed(tokens))


def _last_token(where: Where) -> str | int | None:
    if where.__class__ is tuple:
        token: str | int = where[1]
        return token
    return jsonpointer.unescape(where[where.rfind("/") + 1 :]) if where else None


def _child_context(context: int, key: str | int, value: Any, parent: Where) -> int:
    """The context of ``value``, found under ``key`` in a node of ``context`` at ``parent``."""
    if context == _DATA or (isinstance(key, str) and key.startswith("x-")):
        return _DATA
    if context == _SCHEMA_MAP or context == _SCHEMA_LIST:
        return _SCHEMA
    if context == _SCHEMA:
        if key in _SUBSCHEMA:
            return _SCHEMA_LIST if isinstance(value, list) else _SCHEMA
        if key in _SUBSCHEMA_MAP:
            return _SCHEMA_MAP
        return _SCHEMA_LIST if key in _SUBSCHEMA_LIST else _DATA
    if _last_token(parent) in NAMED_MAPS:
        return _DOC  # ``key`` is a name (a response code, a parameter name...)
    if key == "schema":
        return _SCHEMA
    if key in _DOC_DATA:
        return _DATA
    if key == "definitions" and parent == "":
        return _SCHEMA_MAP
    if key == "schemas" and (parent == "/components" or parent == ("", "components")):
        return _SCHEMA_MAP
    return _DOC


@dataclass
class Bundle:
    """What bundling produced besides the edited document."""

    origins: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Bundled pointer of each copied subtree -> (file shown in diagnostics, pointer there)."""
    holders: list[dict[str, Any]] = field(default_factory=list)
    """Every mapping of the bundled document that holds a ``$ref`` (outside data)."""


class _Bundler:
    def __init__(
        self,
        root: SourceFile,
        open_file: OpenFile,
        reporter: Reporter,
        home: tuple[str, ...],
        allow_remote: bool,
        name_of: Callable[[str], str],
    ) -> None:
        self.root, self.open_file, self.reporter = root, open_file, reporter
        self.name_of = name_of
        self.home_pointer = jsonpointer.from_tokens(home)
        self.allow_remote = allow_remote
        self.result = Bundle()
        self.names: dict[tuple[str, str], str] = {}
        self.raw: dict[str, Any] = {}
        self.inlining: list[tuple[str, str]] = []
        self.created: list[tuple[dict[str, Any], str]] = []  # containers added for the home
        # $ref holders already reported unresolvable, by id (alive in the document): a later
        # visit of the subtree they sit in must not list them as the bundle's own holders
        self.unresolved: set[int] = set()
        home_node: Any = root.data
        for token in home:
            if isinstance(home_node, dict) and token not in home_node:
                self.created.append((home_node, token))
            home_node = home_node.setdefault(token, {}) if isinstance(home_node, dict) else {}
        self.schemas: dict[str, Any] = home_node if isinstance(home_node, dict) else {}
        self.reserved: dict[tuple[str, str], str] = {}
        for name, schema in self.schemas.items():
            if (
                isinstance(schema, dict)
                and list(schema) == ["$ref"]
                and isinstance(schema["$ref"], str)
            ):
                key = self._key(root, schema["$ref"])
                if key is not None and key[0] != root.location:
                    self.reserved.setdefault(key, name)

    # -- resolving ---------------------------------------------------------------

    def _key(self, base: SourceFile, ref: str) -> tuple[str, str] | None:
        """(location, pointer) that ``ref`` names, relative to ``base``; None if malformed."""
        uri, _, fragment = ref.partition("#")
        pointer = unquote(fragment)
        if pointer and not pointer.startswith("/"):
            return None
        if not uri:
            return base.location, pointer
        if is_url(uri) or is_url(base.location):
            return urljoin(base.location, uri), pointer
        path = unquote(uri.removeprefix("file://"))
        return os.path.normpath(os.path.join(os.path.dirname(base.location), path)), pointer

    def _resolve(
        self, base: SourceFile, ref: str, where: tuple[str, str]
    ) -> tuple[SourceFile, str, Any] | None:
        key = self._key(base, ref)
        if key is None:
            self.reporter.error(
                "ref-not-found",
                f"$ref {ref!r}: only JSON-pointer fragments ('#/...') are supported",
                *where,
            )
            return None
        location, pointer = key
        if is_url(location) and not self.allow_remote:
            self.reporter.error(
                "remote-ref-refused",
                f"$ref {ref!r} needs the network; pass --allow-remote-refs to fetch it",
                *where,
            )
            return None
        try:
            target = self.root if location == self.root.location else self.open_file(location)
        except FileNotFoundError as exc:  # its text says why: missing, or a directory
            self.reporter.error(
                "ref-not-found", f"$ref {ref!r}: {exc} ({self.name_of(location)})", *where
            )
            return None
        if target is None:
            return None
        try:
            return target, pointer, jsonpointer.resolve(target.data, pointer)
        except LookupError:
            why = describe_missing(target.data, pointer)
            self.reporter.error(
                "ref-not-found",
                f"$ref {ref!r} points to nothing in {target.display}: {why}",
                *where,
            )
            return None

    # -- walking -----------------------------------------------------------------

    def visit(
        self, node: Any, context: int, dst: Where, file: SourceFile, src: Where, copy: bool
    ) -> Any:
        """Process ``node`` (at ``dst`` in the bundle, ``src`` in ``file``); returns its replacement.

        With ``copy`` the result is always a new container (content from other files).
        """
        if context == _DATA:
            return deep_copy(node) if copy else node
        if isinstance(node, list):
            items = [
                self.visit(
                    item,
                    _child_context(context, index, item, dst),
                    (dst, index),
                    file,
                    (src, index) if copy else (dst, index),
                    copy,
                )
                if isinstance(item, (dict, list))
                else item
                for index, item in enumerate(node)
            ]
            if copy:
                return items
            node[:] = items
            return node
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and (copy or not ref.startswith("#")):
            return self._reference(node, ref, context, dst, file, src)
        result = {} if copy else node
        for key, value in list(node.items()):
            if isinstance(value, (dict, list)):
                child = (dst, key)
                value = self.visit(
                    value,
                    _child_context(context, key, value, dst),
                    child,
                    file,
                    (src, key) if copy else child,
                    copy,
                )
            result[key] = value
        if isinstance(ref, str) and id(node) not in self.unresolved:
            self.result.holders.append(result)
        if context == _SCHEMA and isinstance(result.get("discriminator"), dict):
            self._discriminator(result["discriminator"], file, (src, "discriminator"))
        return result

    def _reference(
        self, node: dict[str, Any], ref: str, context: int, dst: Where, file: SourceFile, src: Where
    ) -> Any:
        where = (file.display, jsonpointer.join(_pointer(src), "$ref"))
        found = self._resolve(file, ref, where)
        if found is None:
            self.unresolved.add(id(node))
            return node
        target, pointer, value = found
        if target is self.root:
            local = {**node, "$ref": "#" + pointer}
            self.result.holders.append(local)
            return local
        if context == _SCHEMA:
            name = self._hoist(target, pointer, value)
            if _pointer(dst) == jsonpointer.join(self.home_pointer, name):
                return self.schemas[name]
            local = {**node, "$ref": "#" + jsonpointer.join(self.home_pointer, name)}
            self.result.holders.append(local)
            return local
        key = (target.location, pointer)
        if key in self.inlining:
            loop = [*self.inlining[self.inlining.index(key) :], key]
            chain = " -> ".join(f"{self.name_of(loc)}#{ptr}" for loc, ptr in loop)
            self.reporter.error("ref-cycle", f"$ref cycle while inlining: {chain}", *where)
            return node
        self.inlining.append(key)
        try:
            copied = self.visit(value, context, dst, target, pointer, True)
        finally:
            self.inlining.pop()
        self.result.origins[_pointer(dst)] = (target.display, pointer)
        siblings = {k: v for k, v in node.items() if k != "$ref"}
        if siblings and isinstance(copied, dict):
            copied.update(deep_copy(siblings))
        return copied

    def _hoist(self, target: SourceFile, pointer: str, value: Any) -> str:
        """The schema-home name of an external schema, copying it there on first use."""
        key = (target.location, pointer)
        name = self.names.get(key)
        if name is not None:
            return name
        reserved = self.reserved.get(key)
        name, reuse = (reserved, False) if reserved else self._fresh_name(target, pointer, value)
        self.names[key] = name
        if reuse:
            return name
        self.raw[name] = value
        self.schemas[name] = {}  # holds the name while the content is copied
        home = jsonpointer.join(self.home_pointer, name)
        self.schemas[name] = self.visit(value, _SCHEMA, home, target, pointer, True)
        self.result.origins[home] = (target.display, pointer)
        return name

    def _fresh_name(self, target: SourceFile, pointer: str, value: Any) -> tuple[str, bool]:
        """A free name for a new schema, or (name, True) for an identical ref-free one."""
        stem = os.path.splitext(os.path.basename(target.location.split("?")[0]))[0] or "Schema"
        tokens = jsonpointer.split(pointer)
        base = tokens[-1] if tokens else stem
        if base.isdigit():
            base = f"{stem}_{base}"
        base = re.sub(r"[^A-Za-z0-9._-]", "_", base) or "Schema"
        name, suffix = base, 1
        while name in self.schemas:
            if self.raw.get(name, self.schemas[name]) == value and not _has_ref(value):
                return name, True
            suffix += 1
            name = f"{base}{suffix}"
        return name, False

    def _discriminator(self, discriminator: dict[str, Any], file: SourceFile, src: Where) -> None:
        """Rewrite discriminator mapping values that name external schema files."""
        mapping = discriminator.get("mapping")
        if not isinstance(mapping, dict):
            return
        for tag, ref in mapping.items():
            if not isinstance(ref, str) or (
                "#" not in ref and not ref.endswith((".yaml", ".yml", ".json"))
            ):
                continue
            if file is self.root and ref.startswith("#"):
                continue
            where = (file.display, jsonpointer.join(_pointer(src), "mapping", tag))
            found = self._resolve(file, ref, where)
            if found is not None:
                target, pointer, value = found
                name = (
                    pointer
                    if target is self.root
                    else jsonpointer.join(self.home_pointer, self._hoist(target, pointer, value))
                )
                mapping[tag] = "#" + name


def _has_ref(value: Any) -> bool:
    if isinstance(value, dict):
        return "$ref" in value or any(_has_ref(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_ref(v) for v in value)
    return False


def has_external_refs(holders: list[dict[str, Any]]) -> bool:
    """True when some ``$ref`` does not start with ``#``."""
    return any(not holder["$ref"].startswith("#") for holder in holders)


def bundle(
    root: SourceFile,
    open_file: OpenFile,
    reporter: Reporter,
    *,
    schema_home: tuple[str, ...] = ("components", "schemas"),
    allow_remote: bool = False,
    name_of: Callable[[str], str] = str,
) -> Bundle:
    """Make every $ref in ``root.data`` local (see the module docstring); edits it in place.

    Args:
        root: the root file; its data is edited in place.
        open_file: reads a location once (see :data:`OpenFile`).
        reporter: where problems go.
        schema_home: where hoisted schemas live.
        allow_remote: fetch http(s) references instead of refusing them.
        name_of: how a location is shown in messages.
    """
    bundler = _Bundler(root, open_file, reporter, schema_home, allow_remote, name_of)
    bundler.visit(root.data, _DOC, "", root, "", False)
    for parent, token in reversed(bundler.created):
        if parent.get(token) == {}:
            del parent[token]  # created for schemas that never came
    return bundler.result
