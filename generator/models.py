"""Stage 4a, models: component schemas -> one pydantic v2 ``models.py`` via datamodel-code-generator.

DMCG is called once, as a library, on a document holding only the component
schemas, already renamed to the naming pass's class names. Options are chosen
so the output passes ``mypy --strict``: field constraints instead of ``constr``,
``X | None`` unions, standard collections, ``populate_by_name`` aliases. readOnly
and writeOnly properties split a schema into ``XRequest``/``XResponse`` models.
Enums come from our own template (``templates/models/Enum.jinja2``). In the client
they are open: an unknown value from a newer server becomes a pseudo-member instead
of an error. The server's copy of the module (``server_source``) closes them: a
request with a value the spec does not list is answered 422. The server's copy is
also as strict as the spec in what pydantic does not spell by itself (optional but
never null, formats, oneOf): the Preparer marks those schemas and
``generator/model_flavours.py`` turns DMCG's one text into both modules.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from generator import cache
from generator.diagnostics import Sink, SpecLocation
from generator.ir.build import ModelSource
from generator.ir.schemas import SCHEMA_REF_PREFIX, component_key, is_nullable, unescape
from generator.model_flavours import (
    DEFAULT,
    FORMAT,
    OMITTABLE,
    ONE_OF,
    TIDY_LINE_LENGTH,
    VALIDATE_DEFAULT,
    finish,
)
from generator.model_prose import Prose, ProseInCode
from generator.naming import ClassName

Role = Literal["request", "response"]
_DMCG_VERSION = "datamodel-code-generator 0.89.0"  # pinned in pyproject.toml; part of the cache key

_CLASS = re.compile(r"^class (\w+)\(", re.MULTILINE)


@dataclass(frozen=True)
class ModelsModule:
    """The rendered models module and how each component maps to its classes."""

    source: str  # the client's: open enums
    classes: frozenset[str]
    names: dict[str, ClassName]  # component key -> base class name
    server_source: str = ""  # the server's: closed enums (an unknown value in a request is a 422)

    def class_for(self, key: str, role: Role) -> str:
        """The class to use for a component in a request body or a response."""
        base = self.names[key]
        variant = base + ("Request" if role == "request" else "Response")
        if variant in self.classes and base not in self.classes:
            return variant
        return base


def render_models(source: ModelSource, names: dict[str, ClassName], templates: Path, sink: Sink) -> ModelsModule | None:
    """Render every component schema into one module; None (with a diagnostic) if DMCG fails."""
    prepare = _Preparer(names, source.schemas, sink, Prose.for_schemas(source.schemas))
    document = {
        "openapi": source.openapi_version if source.openapi_version.startswith("3.") else "3.0.3",
        "info": {"title": "models", "version": "0"},
        "paths": {},
        "components": {"schemas": {names[k]: prepare.formatted(prepare.schema(v, source.locations[k])) for k, v in source.schemas.items()}},
    }
    if not source.schemas:
        return ModelsModule(_EMPTY, frozenset(), dict(names), _EMPTY)
    enum_template = (templates / "models" / "Enum.jinja2").read_text(encoding="utf-8")
    options = json.dumps(_OPTIONS, sort_keys=True) + _TIDY_RULES + _TIDY_LINE_LENGTH
    key = cache.digest(_DMCG_VERSION, options, enum_template, json.dumps(document, sort_keys=True, default=str))
    folder = cache.cache_dir("models")
    text = cache.read(folder, key)
    if text is None:
        text = _generate(document, templates, source, sink)
        if text is None:
            return None
        cache.write(folder, key, text)
    tags = _optional_tags(source.schemas, names)
    module = finish(text, server=False, optional_tags=tags)
    classes = frozenset(_CLASS.findall(module))
    missing = [k for k in source.schemas if names[k] not in classes and names[k] + "Request" not in classes and names[k] + "Response" not in classes]
    for key in missing:
        sink.warning("model-missing", f"schema {key!r} produced no class; it is typed as Any", source.locations[key])
    kept = {k: v for k, v in names.items() if k not in missing}
    try:
        client, server = prepare.prose.restore(module), prepare.prose.restore(finish(text, server=True, optional_tags=tags))
    except ProseInCode as bug:
        sink.error("models-failed", f"{bug}. This is a bug in apiforge: please report it, with the spec, "
                   "on the repository's issue tracker", SpecLocation(next(iter(source.locations.values())).file, "/components/schemas"))
        return None
    return ModelsModule(client, classes, kept, server)


def _optional_tags(schemas: dict[str, dict[str, Any]], names: dict[str, ClassName]) -> frozenset[tuple[str, str]]:
    """``(class name, property)`` of each discriminator tag that its component leaves optional.

    DMCG makes the tag of every discriminated member a required ``Literal``, also where the
    member is used on its own; model_flavours gives those it lists here their only value as
    an undocumented default (see there). Members are the components a discriminated
    ``oneOf``/``anyOf`` or a ``mapping`` names by ``$ref``; the tag must be one of the
    component's own properties.
    """
    found: set[tuple[str, str]] = set()

    def visit(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                visit(item)
            return
        if not isinstance(node, dict):
            return
        discriminator = node.get("discriminator")
        if isinstance(discriminator, dict) and isinstance(tag := discriminator.get("propertyName"), str):
            refs = [m.get("$ref") for k in ("oneOf", "anyOf") if isinstance(node.get(k), list) for m in node[k] if isinstance(m, dict)]
            if isinstance(discriminator.get("mapping"), dict):
                refs += list(discriminator["mapping"].values())
            for ref in refs:
                key = component_key(ref) if isinstance(ref, str) else None
                member = schemas.get(key) if key is not None else None
                if (key in names and isinstance(member, dict) and tag in (member.get("properties") or {})
                        and tag not in (member.get("required") or [])):
                    found.update((names[key] + suffix, tag) for suffix in ("", "Request", "Response"))
        for value in node.values():
            visit(value)

    visit(list(schemas.values()))
    return frozenset(found)


# Every DMCG option we set; part of the cache key. Chosen for mypy --strict output:
# field constraints instead of ``constr``, ``X | None``, standard collections, and
# discriminator tags spelt ``Literal[Enum.member]`` (a subtype of the parent's enum field).
_OPTIONS: dict[str, Any] = {
    "target_python_version": "3.10",
    "field_constraints": True,
    "set_default_enum_member": True,
    "use_subclass_enum": True,
    "strict_nullable": True,
    "use_union_operator": True,
    "use_standard_collections": True,
    "allow_population_by_field_name": True,
    "use_schema_description": True,
    "use_field_description": True,
    "use_enum_values_in_discriminator": True,
    "disable_timestamp": True,
    "formatters": [],
    "read_only_write_only_model_type": "request-response",
    "field_extra_keys": [DEFAULT, FORMAT, OMITTABLE, ONE_OF, VALIDATE_DEFAULT],  # the Preparer's markers, into the field's json_schema_extra
}
# ruff's safe fixes for what DMCG spells in an outdated way (quoted annotations, typing.Dict,
# unused imports), and its imports sorted at ruff's default line length, which generated
# projects are linted with (a magic trailing comma keeps them wrapped when formatted at 100).
_TIDY_RULES = "I,UP006,UP007,UP035,UP037,UP045,F401,PYI016"
_TIDY_LINE_LENGTH = str(TIDY_LINE_LENGTH)


def _generate(document: dict[str, Any], templates: Path, source: ModelSource, sink: Sink) -> str | None:
    """Call datamodel-code-generator once for every schema; None (with a diagnostic) when it fails."""
    import warnings

    from datamodel_code_generator import InputFileType, generate
    from datamodel_code_generator.enums import DataModelType

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "format of 'phone-number' not understood": a str, as it should be
            text = generate(
                document,
                input_file_type=InputFileType.OpenAPI,
                output_model_type=DataModelType.PydanticV2BaseModel,
                custom_template_dir=templates / "models",
                **{**_OPTIONS, "field_extra_keys": set(_OPTIONS["field_extra_keys"])},
            )
    except Exception as exc:  # noqa: BLE001 -- DMCG raises many kinds; all mean the same thing to the user
        file = next(iter(source.locations.values())).file if source.locations else ""
        message = " ".join(str(exc).split())[:500]
        sink.error("models-failed", f"datamodel-code-generator could not render the schemas: {message}", SpecLocation(file, "/components/schemas"))
        return None
    return _tidy(text) if isinstance(text, str) else None


def _tidy(text: str) -> str:
    """Apply :data:`_TIDY_RULES` with the pinned ruff (one process, stdin to stdout)."""
    import subprocess

    from ruff.__main__ import find_ruff_bin  # type: ignore[import-untyped]

    result = subprocess.run(
        [find_ruff_bin(), "check", "--isolated", "--select", _TIDY_RULES, "--fix", "--exit-zero", "--quiet",
         "--target-version", "py310", "--line-length", _TIDY_LINE_LENGTH, "--stdin-filename", "models.py", "-"],
        input=text, capture_output=True, text=True, check=False,
    )
    return result.stdout if result.returncode == 0 and result.stdout.strip() else text


_EMPTY = "from __future__ import annotations\n"


_SUBSCHEMA = ("items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames",
              "unevaluatedItems", "unevaluatedProperties", "additionalItems")
_SUBSCHEMA_LISTS = ("allOf", "oneOf", "anyOf", "prefixItems")
_SUBSCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")


# String formats DMCG types as something else than str: a string default would be assigned as is.
_TYPED_FORMATS = frozenset({"date", "date-time", "time", "duration", "uuid", "ipv4", "ipv6", "uri", "byte"})


def _converts(value: str, fmt: str) -> bool:
    """Whether pydantic converts the string ``value`` to the type DMCG gives ``fmt`` (no type known: False)."""
    import datetime
    import ipaddress
    import uuid

    from pydantic import AwareDatetime, TypeAdapter, ValidationError

    types: dict[str, Any] = {"date": datetime.date, "date-time": AwareDatetime, "time": datetime.time,
                             "duration": datetime.timedelta, "uuid": uuid.UUID, "ipv4": ipaddress.IPv4Address,
                             "ipv6": ipaddress.IPv6Address}
    if fmt not in types:
        return False
    try:
        TypeAdapter(types[fmt]).validate_python(value)
    except ValidationError:
        return False
    return True


# Formats DMCG types as a pydantic type that documents them itself (EmailStr: see model_flavours).
_PYDANTIC_FORMATS = frozenset({*_TYPED_FORMATS, "email", "binary", "password"})
_SIMPLE_FORMAT = re.compile(r"^[\w.-]+$")


@dataclass
class _Preparer:
    """Readies component schemas for DMCG: renamed $refs, minus what DMCG mistranslates.

    Walks subschemas only (values such as ``default``, ``example`` and ``enum``
    stay as they are). ``nullable: false`` (the default) makes DMCG type an
    optional field as never None while defaulting it to None; a string default of
    a date, UUID... field is assigned as is, so it is marked to be validated (one
    that does not convert is dropped, with a warning). A property gets the markers ``generator/model_flavours.py`` reads:
    optional and never null, a ``format`` pydantic has no type for, a string
    default pydantic converts (a UUID's...), a required property's default.
    """

    names: dict[str, ClassName]
    components: dict[str, dict[str, Any]]  # by component key: what a $ref's nullability is read from
    sink: Sink
    prose: Prose  # descriptions go to DMCG as tokens (generator/model_prose.py)

    def schema(self, schema: Any, location: SpecLocation, required_above: list[Any] | None = None) -> Any:
        """``schema`` ready for DMCG; ``required_above``: the required list of the allOf holding it."""
        if not isinstance(schema, dict):
            return schema
        result: dict[str, Any] = {}
        required = [*(required_above or ()), *(schema["required"] if isinstance(schema.get("required"), list) else ())]
        for key, value in schema.items():
            if key == "format" and value == "idn-email" or key == "nullable" and value is False:
                continue
            if key == "default" and isinstance(value, str) and schema.get("format") in _TYPED_FORMATS:
                if _converts(value, schema["format"]):  # DMCG assigns the string: pydantic converts it
                    result[VALIDATE_DEFAULT] = True
                else:
                    self.sink.warning(
                        "default-dropped",
                        f"the default {value!r} is not a valid {schema['format']} value the models can "
                        "convert; it is left out (the field defaults to None)",
                        location.child("default"),
                    )
                    continue
            if key == "description" and isinstance(value, str):
                if not value.strip():
                    continue
                value = self.prose.hide(value)
            elif key == "x-enum-descriptions" and isinstance(value, list):
                value = [self.prose.hide(v) if isinstance(v, str) and v.strip() else v for v in value]
            elif key == "$ref" and isinstance(value, str):
                value = _renamed(value, self.names)
            elif key in _SUBSCHEMA:
                value = self.schema(value, location.child(key))
            elif key == "allOf" and isinstance(value, list):  # the members' properties may be required here
                value = self._within_closed(value, location.child(key))
                value = [self.schema(item, location.child(key, i), required) for i, item in enumerate(value)]
            elif key in _SUBSCHEMA_LISTS and isinstance(value, list):
                value = [self.schema(item, location.child(key, i)) for i, item in enumerate(value)]
            elif key == "properties" and isinstance(value, dict):
                value = {name: self._property(item, name in required, location.child(key, name)) for name, item in value.items()}
            elif key in _SUBSCHEMA_MAPS and isinstance(value, dict):
                value = {name: self.schema(item, location.child(key, name)) for name, item in value.items()}
            elif key == "discriminator" and isinstance(value, dict) and isinstance(value.get("mapping"), dict):
                mapping = {k: _mapped(v, self.names) for k, v in value["mapping"].items()}
                value = {**value, "mapping": mapping}
            result[key] = value
        return result

    def _within_closed(self, members: list[Any], location: SpecLocation) -> list[Any]:
        """allOf ``members`` without the properties a member closed by ``additionalProperties: false`` forbids.

        DMCG merges the members into one model that accepts every member's properties; the
        spec rejects a property the closed member does not list, so it is left out (with a
        warning: no value can have it). A property some member requires stays (no object
        passes then; the model keeps what the spec says).
        """
        closed = [set(m.get("properties") or ()) for m in map(self._resolved, members)
                  if isinstance(m, dict) and m.get("additionalProperties") is False]
        if not closed:
            return members
        allowed = set.intersection(*closed)
        result = []
        for index, member in enumerate(members):
            props = member.get("properties") if isinstance(member, dict) and "$ref" not in member else None
            if not isinstance(props, dict) or member.get("additionalProperties") is False:
                result.append(member)
                continue
            needed = set(member["required"]) if isinstance(member.get("required"), list) else set()
            dropped = [name for name in props if name not in allowed and name not in needed]
            for name in dropped:
                self.sink.warning(
                    "property-never-allowed",
                    f"property {name!r} can never be present: another allOf member is closed by "
                    "additionalProperties: false without it; the model leaves it out",
                    location.child(index, "properties", name),
                )
            result.append({**member, "properties": {k: v for k, v in props.items() if k not in dropped}})
        return result

    def _resolved(self, schema: Any) -> Any:
        """``schema``, or what its ``$ref`` or one-member allOf wraps, followed through (None when unknown)."""
        seen: set[str] = set()
        while isinstance(schema, dict):
            wrapped = schema.get("allOf")
            if isinstance(wrapped, list) and len(wrapped) == 1 and not {"properties", "additionalProperties"} & schema.keys():
                schema = wrapped[0]  # an allOf wrapper: the one member
                continue
            if not isinstance(schema.get("$ref"), str):
                break
            key = component_key(schema["$ref"])
            if key is None or key in seen:
                return None
            seen.add(key)
            schema = self.components.get(key)
        return schema

    def _property(self, schema: Any, required: bool, location: SpecLocation) -> Any:
        """A property's schema, marked when it is optional, has no default and must not be null."""
        prepared = self.schema(schema, location)
        if not isinstance(prepared, dict):
            return prepared
        prepared = self.formatted(prepared)
        if required and "default" in prepared:  # DMCG drops it: documented only (it never applies)
            rest = {k: v for k, v in prepared.items() if k not in ("default", VALIDATE_DEFAULT)}
            return {**rest, DEFAULT: prepared["default"]}
        if required or prepared.get("default") is not None or self.allows_null(schema):
            return prepared
        return {**prepared, OMITTABLE: True}

    @staticmethod
    def formatted(schema: dict[str, Any]) -> dict[str, Any]:
        """``schema`` marked with its format when pydantic has no type that documents it, and its oneOf."""
        fmt = schema.get("format")
        if isinstance(fmt, str) and fmt not in _PYDANTIC_FORMATS and _SIMPLE_FORMAT.match(fmt):
            schema = {**schema, FORMAT: fmt}
        members = schema.get("oneOf")
        if isinstance(members, list) and "discriminator" not in schema and sum(not _null_only(m) for m in members) > 1:
            schema = {**schema, ONE_OF: True}
        return schema

    def allows_null(self, schema: Any, seen: tuple[str, ...] = ()) -> bool:
        """Whether ``schema`` lets a value be null (an untyped schema or an unknown $ref may)."""
        if not isinstance(schema, dict):
            return schema is not False
        if is_nullable(schema) or schema.get("type") == "null" or ("const" in schema and schema["const"] is None):
            return True
        if isinstance(schema.get("enum"), list) and None in schema["enum"]:
            return True
        if "type" in schema:  # a type without null: no subschema can add it
            return False
        if isinstance(schema.get("$ref"), str):
            key = component_key(schema["$ref"])
            if key is None or key in seen or key not in self.components:
                return True
            return self.allows_null(self.components[key], (*seen, key))
        members = {k: v for k in ("anyOf", "oneOf", "allOf") if isinstance(v := schema.get(k), list) and v}
        if any(self.allows_null(m, seen) for k in ("anyOf", "oneOf") for m in members.get(k, ())):
            return True
        if "allOf" in members:
            return all(self.allows_null(m, seen) for m in members["allOf"])
        return not any(k in schema for k in _TYPED)


# Keywords that restrict a schema's type; a schema with none of them (``{}``) accepts null.
_TYPED = ("type", "properties", "items", "enum", "const", "anyOf", "oneOf", "additionalProperties")


def _null_only(schema: Any) -> bool:
    return isinstance(schema, dict) and (schema.get("type") == "null" or schema.get("enum") == [None])


def _mapped(target: Any, names: dict[str, ClassName]) -> Any:
    """A discriminator mapping value (a $ref, or a bare component name) pointed at the renamed component."""
    if isinstance(target, str) and not target.startswith("#") and target in names:
        return SCHEMA_REF_PREFIX + names[target]
    return _renamed(target, names) if isinstance(target, str) else target


def _renamed(ref: str, names: dict[str, ClassName]) -> str:
    """A component $ref pointed at the component's class name."""
    if not ref.startswith(SCHEMA_REF_PREFIX):
        return ref
    head, _, tail = ref[len(SCHEMA_REF_PREFIX):].partition("/")
    target = names.get(unescape(head))
    return ref if target is None else SCHEMA_REF_PREFIX + target + ("/" + tail if tail else "")
