"""Stage 4b, model flavours: DMCG's text -> the client's and the server's ``models.py``.

One DMCG run serves both packages. The Preparer (``generator/models.py``) leaves two
markers in the schemas, which DMCG carries into a field's ``json_schema_extra``:

* ``x-apiforge-omittable``: an optional property the spec does not let be null. The
  server spells it ``_Omittable[X]``: ``X | None`` to mypy and to the implementation
  (None: it was omitted), but validation rejects an explicit null (422) and its JSON
  schema has neither a null branch nor ``default: null``;
* ``x-apiforge-format``: a ``format`` pydantic has no type for (int64, float, a custom
  one...). The server types the field ``Annotated[X, _Format("int64")]``: documented,
  and int32/int64 ranges checked;
* ``x-apiforge-one-of``: a ``oneOf`` (without discriminator: pydantic documents a tagged
  union as oneOf itself). The server types it ``Annotated[A | B, _OneOf()]``: documented
  as ``oneOf``, and a value that more than one member accepts (each member validated
  strictly, as JSON) is rejected, as JSON Schema's oneOf says.

DMCG makes the tag property of every member of a discriminated union a required
``Literal``, also where the spec leaves it optional (and the member is used on its own
too). Where it is optional, both flavours give the field its only value as default,
left out of the JSON schema: the property may be omitted, as documented, and the
implementation reads the one value it could have had. Inside the tagged union the tag
stays mandatory (pydantic looks it up in the input), as OpenAPI's Discriminator Object
expects the property to be present.

``format: email`` becomes DMCG's ``EmailStr``, which needs email-validator; the server
spells it ``_Email`` instead (a light check: one ``@``, a dotted domain, no spaces).
A string default of a uuid, date... property is assigned by DMCG as the string; the
Preparer marks it (``x-apiforge-validate-default``, only where pydantic converts it) and
both flavours validate it (``validate_default=True``): the implementation or caller reads
a real UUID or date, and the schema documents the spec's string. A required property's
default, which DMCG drops, is documented (``x-apiforge-default`` becomes the field's
``json_schema_extra`` ``default``); it never applies, as the property must be sent.

The client drops every marker and spells email as ``str``: it stays lenient, so a
server's stray null, out-of-range number or odd address never breaks a caller.
"""

from __future__ import annotations

import re
import unicodedata

OMITTABLE = "x-apiforge-omittable"
FORMAT = "x-apiforge-format"
ONE_OF = "x-apiforge-one-of"
VALIDATE_DEFAULT = "x-apiforge-validate-default"
DEFAULT = "x-apiforge-default"
TIDY_LINE_LENGTH = 88  # the line length DMCG's imports are sorted at (generator/models.py)

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

# Helpers import under private names: a schema may be called ValidationError, Field, Any...
_SCHEMA_IMPORTS = (
    "from typing import Annotated as _Annotated\n"
    "from typing import Any as _Any\n"
    "from pydantic import GetCoreSchemaHandler as _GetCoreSchemaHandler\n"
    "from pydantic import GetJsonSchemaHandler as _GetJsonSchemaHandler\n"
    "from pydantic.json_schema import JsonSchemaValue as _JsonSchemaValue\n"
    "from pydantic_core import CoreSchema as _CoreSchema\n"
    "from pydantic_core import PydanticCustomError as _PydanticCustomError\n"
    "from pydantic_core import core_schema as _core_schema\n"
)
_OMITTABLE_IMPORTS = (
    "from typing import TypeVar as _TypeVar\n"
    "from pydantic import Field as _Field\n"
    "from pydantic.config import JsonDict as _JsonDict\n"
)

_OMITTABLE_HELPER = '''

def _reject_null(value: _Any) -> _Any:
    if value is None:
        raise _PydanticCustomError("null_forbidden", "Input may be omitted but must not be null")
    return value


class _NotNull:
    """_Field metadata: the property may be omitted (it is then None) but not sent as null."""

    def __get_pydantic_core_schema__(self, source: _Any, handler: _GetCoreSchemaHandler) -> _CoreSchema:
        return _core_schema.no_info_before_validator_function(_reject_null, handler(source))

    def __get_pydantic_json_schema__(self, schema: _CoreSchema, handler: _GetJsonSchemaHandler) -> _JsonSchemaValue:
        documented = handler(schema)
        branches = documented.get("anyOf")
        if not isinstance(branches, list) or {"type": "null"} not in branches:
            return documented
        kept = [branch for branch in branches if branch != {"type": "null"}]
        rest = {key: value for key, value in documented.items() if key != "anyOf"}
        return {**rest, **kept[0]} if len(kept) == 1 else {**rest, "anyOf": kept}


def _drop_null_default(schema: _JsonDict) -> None:
    if "default" in schema and schema["default"] is None:
        del schema["default"]


_T = _TypeVar("_T")
_Omittable = _Annotated[_T | None, _NotNull(), _Field(json_schema_extra=_drop_null_default)]
"""An optional property the spec does not let be null: None means it was omitted."""
'''

_EXTRA_HELPER = '''

class _Extra:
    """The json_schema_extra of an ``_Omittable`` field with extra keys of its own."""

    def __init__(self, extra: _JsonDict) -> None:
        self.extra = extra

    def __call__(self, schema: _JsonDict) -> None:
        schema.update(self.extra)
        _drop_null_default(schema)
'''

_FORMAT_HELPER = '''

_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


class _Format:
    """Type metadata: the spec's ``format``, documented (and an int32/int64 range checked)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get_pydantic_core_schema__(self, source: _Any, handler: _GetCoreSchemaHandler) -> _CoreSchema:
        schema = handler(source)
        if self.name not in _RANGES:
            return schema
        low, high = _RANGES[self.name]

        def check(value: _Any) -> _Any:
            if isinstance(value, int) and not low <= value <= high:
                raise _PydanticCustomError("int_format", "Input should fit in {format}", {"format": self.name})
            return value

        return _core_schema.no_info_after_validator_function(check, schema)

    def __get_pydantic_json_schema__(self, schema: _CoreSchema, handler: _GetJsonSchemaHandler) -> _JsonSchemaValue:
        return {**handler(schema), "format": self.name}
'''

_ONE_OF_IMPORTS = (
    "import json as _json\n"
    "from typing import get_args as _get_args\n"
    "from pydantic import TypeAdapter as _TypeAdapter\n"
    "from pydantic import ValidationError as _ValidationError\n"
)
_ONE_OF_HELPER = '''

_JSON = (dict, list, str, int, float, bool)


class _OneOf:
    """Type metadata: the spec's oneOf, a union whose value must match exactly one member."""

    def __get_pydantic_core_schema__(self, source: _Any, handler: _GetCoreSchemaHandler) -> _CoreSchema:
        members = [member for member in _get_args(source) if member is not type(None)]
        adapters: list[_TypeAdapter[_Any]] = []

        def check(value: _Any, validate: _core_schema.ValidatorFunctionWrapHandler) -> _Any:
            result = validate(value)
            if isinstance(value, _JSON):
                adapters[:] = adapters or [_TypeAdapter(member) for member in members]
                text = _json.dumps(value)
                if sum(_accepts(adapter, text) for adapter in adapters) > 1:
                    raise _PydanticCustomError("one_of", "Input should match exactly one schema of the oneOf")
            return result

        return _core_schema.no_info_wrap_validator_function(check, handler(source))

    def __get_pydantic_json_schema__(self, schema: _CoreSchema, handler: _GetJsonSchemaHandler) -> _JsonSchemaValue:
        documented = handler(schema)
        return {("oneOf" if key == "anyOf" else key): value for key, value in documented.items()}


def _accepts(adapter: _TypeAdapter[_Any], text: str) -> bool:
    try:
        adapter.validate_json(text, strict=True)
    except _ValidationError:
        return False
    return True
'''

_EMAIL_HELPER = '''

def _check_email(value: str) -> str:
    local, _, domain = value.rpartition("@")
    labels = domain.split(".")
    if not local or len(labels) < 2 or not all(labels) or any(c.isspace() for c in value):
        raise _PydanticCustomError("email", "Input should be an email address")
    return value


_Email = _Annotated[str, _AfterValidator(_check_email), _Format("email")]
'''


_TAG_IMPORTS = "from pydantic import Field as _Field\nfrom pydantic.config import JsonDict as _JsonDict\n"
_TAG_HELPER = '''

def _undocumented_default(schema: _JsonDict) -> None:
    """An optional discriminator tag: filled in with its only value, documented without it."""
    schema.pop("default", None)
'''


def finish(text: str, *, server: bool, optional_tags: frozenset[tuple[str, str]] = frozenset()) -> str:
    """The client's (``server=False``) or the server's module from DMCG's text.

    Drops DMCG's own header, spells the marked fields and email addresses as the
    module docstring says, and adds the helpers the module uses after its imports.
    """
    text = _escape_controls(text)
    # split("\n"), not splitlines(): U+2028, form feeds... inside string literals are no line ends
    lines = [
        _marked_field(line, server) if "'x-apiforge-" in line else line
        for line in text.split("\n")
        if not line.startswith("#   filename:") and not line.startswith("# generated by datamodel-codegen")
    ]
    body = _optional_tag_fields("\n".join(lines).strip() + "\n", optional_tags)
    if "import Field as Field_aliased" in body:  # DMCG misses RootModels' Field when it aliases it
        body = _UNALIASED_FIELD.sub(r"\1Field_aliased(", body)
    body = _without_unused_imports(body)  # EmailStr first: it is respelled below
    body = _EMAIL_STR.sub("_Email" if server else "str", body)
    imports, helpers = "", ""
    if "_open_enum_member" in body:
        imports += "from typing import Any\n"
        helpers += _CLOSED_ENUM_HELPER if server else _OPEN_ENUM_HELPER
    omittable, formats, one_of = "_Omittable[" in body, "_Format(" in body or "_Email" in body, "_OneOf()" in body
    if omittable or formats or one_of:
        imports += _SCHEMA_IMPORTS
    if omittable:
        imports += _OMITTABLE_IMPORTS
        helpers += _OMITTABLE_HELPER + (_EXTRA_HELPER if "=_Extra(" in body else "")
    if formats:
        helpers += _FORMAT_HELPER + (_EMAIL_HELPER if "_Email" in body else "")
        imports += "from pydantic import AfterValidator as _AfterValidator\n" if "_Email" in body else ""
    if one_of:
        imports += _ONE_OF_IMPORTS
        helpers += _ONE_OF_HELPER
    if "json_schema_extra=_undocumented_default" in body:
        imports += _TAG_IMPORTS
        helpers += _TAG_HELPER
    if not helpers:
        return body
    # repeated imports are merged when the file is formatted (ruff's isort rules)
    body = body.replace("from __future__ import annotations\n", "from __future__ import annotations\n" + imports, 1)
    first_class = body.find("\nclass ")
    return body[:first_class] + helpers + body[first_class:]


_CLASS_HEAD = re.compile(r"^class (\w+)\(", re.MULTILINE)
_TAG_FIELD = r"^(    {name}: )(Literal\[(?P<value>[^\[\],]+)\])$"


def _optional_tag_fields(body: str, tags: frozenset[tuple[str, str]]) -> str:
    """Each listed ``class: tag`` field DMCG wrote as a bare required ``Literal[X]``, defaulted to X."""
    if not tags:
        return body
    heads = list(_CLASS_HEAD.finditer(body))
    pieces, start = [], 0
    for index, head in enumerate(heads):
        names = [tag for cls, tag in tags if cls == head[1] and tag.isidentifier()]
        if not names:
            continue
        end = heads[index + 1].start() if index + 1 < len(heads) else len(body)
        block = body[head.start():end]
        for name in names:
            block = re.sub(
                _TAG_FIELD.format(name=re.escape(name)),
                r"\1\2 = _Field(\g<value>, json_schema_extra=_undocumented_default)",
                block,
                count=1,
                flags=re.MULTILINE,
            )
        pieces += [body[start:head.start()], block]
        start = end
    return "".join(pieces) + body[start:]


_UNALIASED_FIELD = re.compile(r"^(    root: .* = )Field\(", re.MULTILINE)
_EMAIL_STR = re.compile(r"(?<![\w.'\"])EmailStr\b(?!['\"])")
_MARKERS = re.compile(r"'x-apiforge-(?:omittable': True|one-of': True|validate-default': True|format': '[\w.-]+')")
_FORMAT_VALUE = re.compile(r"'x-apiforge-format': '(?P<name>[\w.-]+)'")
# DMCG imports ``Field as Field_aliased`` where a field is named ``Field``
_BARE_FIELD = re.compile(r" = Field(_aliased)?\((?P<default>None|\.\.\.)\)$")
_FIELD = re.compile(r"^(?P<head>\s+\w+: )(?P<type>.+?)(?P<optional> \| None)?(?P<default> = .+)?$")


def _marked_field(line: str, server: bool) -> str:
    """A field line DMCG wrote for a marked property, without the markers; respelled in the server.

    The client's line is what DMCG writes without the markers. The optional marker
    only applies to an ``X | None`` field (an allOf may have made the property required).
    """
    omittable = f"'{OMITTABLE}': True" in line
    one_of = f"'{ONE_OF}': True" in line
    validate = f"'{VALIDATE_DEFAULT}': True" in line
    fmt = _FORMAT_VALUE.search(line)
    line = _MARKERS.sub("", line).replace(f"'{DEFAULT}': ", "'default': ", 1)
    line = line.replace("{, ", "{").replace(", , ", ", ").replace(", }", "}")
    line = line.replace(", json_schema_extra={}", "")
    line = _BARE_FIELD.sub(lambda m: " = None" if m["default"] == "None" else "", line)
    if validate and line.endswith(")") and " = Field" in line:
        line = line[:-1] + ", validate_default=True)"
    match = _FIELD.match(line)
    if match is None or not server:
        return line
    kind, default = match["type"], match["default"] or ""
    if fmt is not None and " | " not in kind:
        kind = f"_Annotated[{kind}, _Format({fmt['name']!r})]"
    if one_of and " | " in kind:
        kind = f"_Annotated[{kind}, _OneOf()]"
    if omittable and match["optional"]:
        if "json_schema_extra={" in default:  # pydantic composes no dict json_schema_extra with a callable
            default = default.replace("json_schema_extra={", "json_schema_extra=_Extra({", 1).removesuffix(")") + "))"
        return f"{match['head']}_Omittable[{kind}]{default}"
    return f"{match['head']}{kind}{match['optional'] or ''}{default}"


_PYDANTIC_IMPORT = re.compile(r"^from pydantic import (\([^)]*\)|[^\n(]*)\n", re.MULTILINE)


def _without_unused_imports(body: str) -> str:
    """Drop ``EmailStr`` (respelled) and ``Field`` (when only markers used it) from pydantic's imports.

    The statement is rebuilt as ruff's isort writes it at :data:`TIDY_LINE_LENGTH`.
    """
    statement = _PYDANTIC_IMPORT.search(body)
    if statement is None:
        return body
    rest = body[: statement.start()] + body[statement.end():]
    names = [name.strip() for name in statement[1].strip("()").split(",") if name.strip()]
    kept = [n for n in names if n != "EmailStr" and not (n.split()[0] == "Field" and re.search(rf"\b{n.split()[-1]}\(", rest) is None)]
    if kept == names:
        return body
    line = f"from pydantic import {', '.join(kept)}\n"
    if len(line) > TIDY_LINE_LENGTH + 1:
        line = "from pydantic import (\n" + "".join(f"    {name},\n" for name in kept) + ")\n"
    return body[: statement.start()] + (line if kept else "") + body[statement.end():]


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
