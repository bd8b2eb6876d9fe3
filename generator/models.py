"""Stage 4a, models: component schemas -> one pydantic v2 ``models.py`` via datamodel-code-generator.

DMCG is called once, as a library, on a document holding only the component
schemas, already renamed to the naming pass's class names. Options are chosen
so the output passes ``mypy --strict``: field constraints instead of ``constr``,
``X | None`` unions, standard collections, ``populate_by_name`` aliases. readOnly
and writeOnly properties split a schema into ``XRequest``/``XResponse`` models.
Enums come from our own template (``templates/models/Enum.jinja2``). In the client
they are open: an unknown value from a newer server becomes a pseudo-member instead
of an error. The server's copy of the module (``server_source``) closes them: a
request with a value the spec does not list is answered 422.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from generator import cache
from generator.diagnostics import Sink, SpecLocation
from generator.ir.build import ModelSource
from generator.ir.schemas import SCHEMA_REF_PREFIX, component_key, is_nullable, unescape
from generator.naming import ClassName

Role = Literal["request", "response"]
_DMCG_VERSION = "datamodel-code-generator 0.89.0"  # pinned in pyproject.toml; part of the cache key

_CLASS = re.compile(r"^class (\w+)\(", re.MULTILINE)
_OMITTABLE = "x-apiforge-omittable"  # marks an optional property that must not be null
_OPEN_ENUM_HELPER = '''

def _open_enum_member(cls: type[Enum], value: object) -> Any:
    """Accept a value the spec did not list (a newer server's) as a pseudo-member."""
    base: Any = int if issubclass(cls, int) else str if issubclass(cls, str) else object
    if base is object:  # an enum of mixed JSON types: any JSON scalar
        if not isinstance(value, (str, int, float)):
            return None
        member: Any = object.__new__(cls)
    elif isinstance(value, bool) or not isinstance(value, base):
        return None
    else:
        member = base.__new__(cls, value)
    member._name_ = f"UNKNOWN_{value}"
    member._value_ = value
    return member
'''

_CLOSED_ENUM_HELPER = '''

def _open_enum_member(cls: type[Enum], value: object) -> Any:
    """Requests must use the values the spec lists: an unknown one is a validation error."""
    return None
'''

# The server's spelling of an optional property that must not be null: ``_Omittable[X]`` is
# ``X | None`` to mypy and to the implementation (None: the property was omitted), but
# validation rejects an explicit null and the JSON schema has neither a null branch nor
# ``default: null``. The client keeps ``X | None`` (it accepts a server's stray null).
_OMITTABLE_IMPORTS = (
    "from typing import Annotated, Any, TypeVar\n"
    "from pydantic import Field, GetCoreSchemaHandler, GetJsonSchemaHandler\n"
    "from pydantic.config import JsonDict\n"
    "from pydantic.json_schema import JsonSchemaValue\n"
    "from pydantic_core import CoreSchema, PydanticCustomError, core_schema\n"
)
_OMITTABLE_HELPER = '''

def _reject_null(value: Any) -> Any:
    if value is None:
        raise PydanticCustomError("null_forbidden", "Input may be omitted but must not be null")
    return value


class _NotNull:
    """Field metadata: the property may be omitted (it is then None) but not sent as null."""

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_before_validator_function(_reject_null, handler(source))

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        documented = handler(schema)
        branches = documented.get("anyOf")
        if not isinstance(branches, list) or {"type": "null"} not in branches:
            return documented
        kept = [branch for branch in branches if branch != {"type": "null"}]
        rest = {key: value for key, value in documented.items() if key != "anyOf"}
        return {**rest, **kept[0]} if len(kept) == 1 else {**rest, "anyOf": kept}


def _drop_null_default(schema: JsonDict) -> None:
    if "default" in schema and schema["default"] is None:
        del schema["default"]


_T = TypeVar("_T")
_Omittable = Annotated[_T | None, _NotNull(), Field(json_schema_extra=_drop_null_default)]
"""An optional property the spec does not let be null: None means it was omitted."""
'''
_EXTRA_HELPER = '''

class _Extra:
    """The json_schema_extra of an ``_Omittable`` field with extra keys of its own."""

    def __init__(self, extra: JsonDict) -> None:
        self.extra = extra

    def __call__(self, schema: JsonDict) -> None:
        schema.update(self.extra)
        _drop_null_default(schema)
'''


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
    prepare = _Preparer(names, source.schemas, sink)
    document = {
        "openapi": source.openapi_version if source.openapi_version.startswith("3.") else "3.0.3",
        "info": {"title": "models", "version": "0"},
        "paths": {},
        "components": {"schemas": {names[k]: prepare.schema(v, source.locations[k]) for k, v in source.schemas.items()}},
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
    module = _finish(text, server=False)
    classes = frozenset(_CLASS.findall(module))
    missing = [k for k in source.schemas if names[k] not in classes and names[k] + "Request" not in classes and names[k] + "Response" not in classes]
    for key in missing:
        sink.warning("model-missing", f"schema {key!r} produced no class; it is typed as Any", source.locations[key])
    kept = {k: v for k, v in names.items() if k not in missing}
    return ModelsModule(module, classes, kept, _finish(text, server=True))


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
    "field_extra_keys": [_OMITTABLE],  # the Preparer's marker, into the field's json_schema_extra
}
# ruff's safe fixes for what DMCG spells in an outdated way (quoted annotations, typing.Dict,
# unused imports), and its imports sorted at ruff's default line length, which generated
# projects are linted with (a magic trailing comma keeps them wrapped when formatted at 100).
_TIDY_RULES = "I,UP006,UP007,UP035,UP037,UP045,F401,PYI016"
_TIDY_LINE_LENGTH = "88"


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


def _escape_controls(text: str) -> str:
    """Spell control and line-separator characters as escapes (DMCG writes them raw into strings).

    In valid Python such a character can only sit inside a string or a comment,
    where ``\\xNN`` means the same character (regular expressions in raw strings
    read the escape too); raw, it trips linters and some editors' line counting.
    """
    return "".join(_escaped(c) if _is_control(c) else c for c in text)


_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"


def _is_control(char: str) -> bool:
    return char not in "\n\t" and (unicodedata.category(char) in ("Cc", "Zl", "Zp") or char in _INVISIBLE)


def _escaped(char: str) -> str:
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def _finish(text: str, *, server: bool) -> str:
    """The client's (``server=False``) or the server's module from DMCG's text.

    Drops DMCG's own header, spells optional non-nullable fields (the Preparer's marker)
    as ``X | None`` in the client and ``_Omittable[X]`` in the server, and adds the
    helpers the module uses after its imports.
    """
    text = _escape_controls(text)
    # split("\n"), not splitlines(): U+2028, form feeds... inside string literals are no line ends
    lines = [
        _omittable_field(line, server) if _OMITTABLE in line else line
        for line in text.split("\n")
        if not line.startswith("#   filename:") and not line.startswith("# generated by datamodel-codegen")
    ]
    body = "\n".join(lines).strip() + "\n"
    if "import Field as Field_aliased" in body:  # DMCG misses RootModels' Field when it aliases it
        body = _UNALIASED_FIELD.sub(r"\1Field_aliased(", body)
    body = _without_unused_field_import(body)
    imports, helpers = "", ""
    if "_open_enum_member" in body:
        imports += "from typing import Any\n"
        helpers += _CLOSED_ENUM_HELPER if server else _OPEN_ENUM_HELPER
    if "_Omittable[" in body:
        imports += _OMITTABLE_IMPORTS
        helpers += _OMITTABLE_HELPER + (_EXTRA_HELPER if "=_Extra(" in body else "")
    if not helpers:
        return body
    # repeated imports are merged when the file is formatted (ruff's isort rules)
    body = body.replace("from __future__ import annotations\n", "from __future__ import annotations\n" + imports, 1)
    first_class = body.find("\nclass ")
    return body[:first_class] + helpers + body[first_class:]


_UNALIASED_FIELD = re.compile(r"^(    root: .* = )Field\(", re.MULTILINE)
_MARKER = re.compile(r", json_schema_extra=\{'" + _OMITTABLE + r"': True\}")
_MARKER_BESIDE = re.compile(r"'" + _OMITTABLE + r"': True, |, '" + _OMITTABLE + r"': True")  # beside e.g. xml
# DMCG imports ``Field as Field_aliased`` where a field is named ``Field``
_BARE_FIELD = re.compile(r" = Field(_aliased)?\((?P<default>None|\.\.\.)\)$")
_OPTIONAL_FIELD = re.compile(r"^(?P<head>\s+\w+: )(?P<type>.+) \| None = (?P<default>.+)$")


_PYDANTIC_IMPORT = re.compile(r"^from pydantic import (\([^)]*\)|[^\n(]*)\n", re.MULTILINE)


def _without_unused_field_import(body: str) -> str:
    """Drop pydantic's ``Field`` from the imports when only the markers used it.

    The statement is rebuilt as ruff's isort writes it at :data:`_TIDY_LINE_LENGTH`.
    """
    statement = _PYDANTIC_IMPORT.search(body)
    if statement is None:
        return body
    rest = body[: statement.start()] + body[statement.end():]
    names = [name.strip() for name in statement[1].strip("()").split(",") if name.strip()]
    kept = [name for name in names if not (name.startswith("Field") and re.search(rf"\b{name.split()[-1]}\(", rest) is None)]
    if kept == names:
        return body
    line = f"from pydantic import {', '.join(kept)}\n"
    if len(line) > int(_TIDY_LINE_LENGTH) + 1:
        line = "from pydantic import (\n" + "".join(f"    {name},\n" for name in kept) + ")\n"
    return body[: statement.start()] + (line if kept else "") + body[statement.end():]


def _omittable_field(line: str, server: bool) -> str:
    """A field line DMCG wrote for a marked property: without the marker, ``_Omittable`` in the server.

    The client's line is what DMCG writes without the marker. A line that is not
    ``X | None = ...`` (an allOf made the property required) stays as DMCG typed it.
    """
    alone = _MARKER.search(line) is not None
    line = _MARKER_BESIDE.sub("", _MARKER.sub("", line))
    line = _BARE_FIELD.sub(lambda m: " = None" if m["default"] == "None" else "", line)
    match = _OPTIONAL_FIELD.match(line)
    if match is None or not server:
        return line
    default = match["default"]
    if not alone:  # pydantic composes no dict json_schema_extra with _Omittable's callable one
        default = default.replace("json_schema_extra={", "json_schema_extra=_Extra({", 1).removesuffix(")") + "))"
    return f"{match['head']}_Omittable[{match['type']}] = {default}"


_SUBSCHEMA = ("items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames",
              "unevaluatedItems", "unevaluatedProperties", "additionalItems")
_SUBSCHEMA_LISTS = ("allOf", "oneOf", "anyOf", "prefixItems")
_SUBSCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")


# String formats DMCG types as something else than str: a string default would be assigned as is.
_TYPED_FORMATS = frozenset({"date", "date-time", "time", "duration", "uuid", "ipv4", "ipv6", "uri", "byte"})


@dataclass
class _Preparer:
    """Readies component schemas for DMCG: renamed $refs, minus what DMCG mistranslates.

    Walks subschemas only (values such as ``default``, ``example`` and ``enum``
    stay as they are). ``format: email`` would need email-validator, which
    generated packages do not depend on; ``nullable: false`` (the default) makes
    DMCG type an optional field as never None while defaulting it to None; a
    string default of a date, UUID... field would be assigned unconverted (it is
    dropped, with a warning).
    """

    names: dict[str, ClassName]
    components: dict[str, dict[str, Any]]  # by component key: what a $ref's nullability is read from
    sink: Sink

    def schema(self, schema: Any, location: SpecLocation, required_above: list[Any] | None = None) -> Any:
        """``schema`` ready for DMCG; ``required_above``: the required list of the allOf holding it."""
        if not isinstance(schema, dict):
            return schema
        result: dict[str, Any] = {}
        required = [*(required_above or ()), *(schema["required"] if isinstance(schema.get("required"), list) else ())]
        for key, value in schema.items():
            if key == "format" and value in ("email", "idn-email") or key == "nullable" and value is False:
                continue
            if key == "default" and isinstance(value, str) and schema.get("format") in _TYPED_FORMATS:
                self.sink.warning(
                    "default-dropped",
                    f"the default {value!r} of a {schema['format']} value is not converted by the models; "
                    "it is left out (the field defaults to None)",
                    location.child("default"),
                )
                continue
            if key == "$ref" and isinstance(value, str):
                value = _renamed(value, self.names)
            elif key in _SUBSCHEMA:
                value = self.schema(value, location.child(key))
            elif key == "allOf" and isinstance(value, list):  # the members' properties may be required here
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


    def _property(self, schema: Any, required: bool, location: SpecLocation) -> Any:
        """A property's schema, marked when it is optional, has no default and must not be null."""
        prepared = self.schema(schema, location)
        if required or not isinstance(prepared, dict) or prepared.get("default") is not None or self.allows_null(schema):
            return prepared
        return {**prepared, _OMITTABLE: True}

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
