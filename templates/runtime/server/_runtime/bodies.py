"""Request bodies offered in several media types (read by :class:`BodyReader`), and schema helpers."""

import json
import warnings
from collections.abc import Collection, Mapping, Sequence
from typing import (
    Any,
    Literal,
)

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import TypeAdapter, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from .errors import ApiError
from .param_text import TextReader, text_reader, validate_text

try:  # pydantic >= 2.12 warns about field metadata a type adapter cannot use
    from pydantic.warnings import UnsupportedFieldAttributeWarning
except ImportError:  # pragma: no cover - older pydantic: nothing to silence
    UnsupportedFieldAttributeWarning = None  # type: ignore[assignment,misc]


def build_body_validator(route: APIRoute) -> None:
    """Build the validator of ``route``'s body now, as FastAPI does for a model that is not deferred.

    FastAPI wraps a body's type with the parameter's ``Field(alias=...)`` in a pydantic
    ``TypeAdapter`` and silences pydantic's ``UnsupportedFieldAttributeWarning`` about that
    alias while it builds the adapter. The generated models are deferred
    (``defer_build=True``), so the adapter would be built on its first use instead, outside
    that silence: each body route would warn on its first request and in ``app.openapi()``.
    Validating a value here builds it (the result is not used).
    """
    field = route.body_field
    if field is None or UnsupportedFieldAttributeWarning is None:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UnsupportedFieldAttributeWarning)
        field.validate(None)


class BodyReader:
    """A FastAPI dependency reading a request body offered in several media types.

    The request's ``Content-Type`` picks the entry of ``types`` (exactly, or through a
    range such as ``image/*``); a media type the operation does not list answers 415.
    JSON is validated into the entry's type (a JSON string too), form and multipart
    fields are collected (files as ``bytes``; a urlencoded body's nested fields as its
    ``encoding`` says, see ``forms.py``; a multipart body other than form-data's parts as
    ``related.py`` names them) and validated, other media types' ``str``
    entries get the decoded text (validated when the type constrains it:
    ``Annotated[str, Field(max_length=...)]``, for ``text/*``) and ``bytes`` entries the
    raw body. A validation failure answers 422 naming
    ``body.<field>``. The route documents the body with :attr:`openapi`
    (``openapi_extra={"requestBody": reader.openapi}``).

    :param types: media type -> the type its body is validated into.
    :param required: answer 422 for an empty body (else the implementation gets ``None``);
        an empty urlencoded body is then a form of no fields, validated as such.
    :param encoding: the urlencoded body's Encoding Object, ``(field, style, explode)``.
    :param json_fields: the urlencoded body's fields sent as JSON text (their Encoding
        Object names a JSON ``contentType``), decoded before they are validated.
    """

    def __init__(
        self,
        types: Mapping[str, Any],
        *,
        required: bool = False,
        encoding: Sequence[tuple[str, str, bool]] = (),
        json_fields: Collection[str] = (),
    ) -> None:
        self._entries = [(media_essence(media), type_) for media, type_ in types.items()]
        self._texts: set[str] = set()  # media types read as decoded text
        self._adapters: dict[str, TypeAdapter[Any]] = {}
        self._lists: dict[str, frozenset[str]] = {}
        self._objects: dict[str, frozenset[str]] = {}
        self._object_lists: dict[str, frozenset[str]] = {}  # arrays of objects: a JSON part each
        self._declared: dict[str, dict[str, None]] = {}
        self._nulls: dict[str, dict[str, None]] = {}  # what a form leaves out for null
        self._readers: dict[str, TextReader | None] = {}  # a form's text: param_text.py
        self._encoding = {name: (style, explode) for name, style, explode in encoding}
        self._json_fields = frozenset(json_fields)
        content: dict[str, Any] = {}
        for media, type_ in types.items():
            essence = media_essence(media)
            text = not _is_json(essence) and (type_ is str or essence.startswith("text/"))
            if text:
                self._texts.add(essence)
            if type_ is bytes:
                schema: dict[str, Any] = {"type": "string", "format": "binary"}
            elif type_ is str and text:
                schema = {"type": "string"}
            else:
                self._adapters[essence] = TypeAdapter(type_)
                schema = _inline_refs(self._adapters[essence].json_schema(mode="validation"))
                self._lists[essence] = frozenset(_properties_of_type(schema, "array"))
                self._objects[essence] = frozenset(_properties_of_type(schema, "object"))
                self._object_lists[essence] = frozenset(_object_lists(schema))
                self._declared[essence] = dict.fromkeys(schema.get("properties") or ())  # ordered
                self._nulls[essence] = dict.fromkeys(_required_nullable(schema))
                if essence.startswith("multipart/"):  # a part holding an object is JSON
                    self._readers[essence] = text_reader(schema, self._objects[essence])
                elif essence == "application/x-www-form-urlencoded":
                    self._readers[essence] = text_reader(schema, self._json_fields)
            content[media] = {"schema": schema}
        self._required = required
        self.openapi: dict[str, Any] = {"required": required, "content": content}

    async def __call__(self, request: Request) -> Any:
        """Read, decode and validate the body of ``request``."""
        raw = await request.body()
        content_type = request.headers.get("content-type", "")
        essence = media_essence(content_type)
        # A required urlencoded body may be empty: a form of no fields, validated as such.
        form = self._required and essence == "application/x-www-form-urlencoded"
        if not raw and not form:
            if not self._required:
                return None
            missing = {"type": "missing", "loc": ("body",), "msg": "Field required", "input": None}
            raise RequestValidationError([missing])
        match = next((e for e in self._entries if _media_matches(e[0], essence)), None)
        if match is None:
            accepted = ", ".join(media for media, _ in self._entries)
            raise ApiError(
                415, f"unsupported media type {essence or '(none)'}; expected one of {accepted}"
            )
        media, type_ = match
        if type_ is bytes:
            return raw
        adapter = self._adapters.get(media)
        text: str | None = None
        if media in self._texts:
            text = _decode(raw, content_type)
        if adapter is None:
            return text
        try:
            if text is not None:
                return adapter.validate_python(text, by_alias=True, by_name=False)
            if essence == "application/x-www-form-urlencoded":
                # Its own module (see forms.py), imported on first use.
                from .forms import decode_urlencoded

                as_json = self._json_fields
                fields = decode_urlencoded(
                    raw,
                    self._encoding,
                    self._lists[media] - as_json,
                    self._objects[media] - as_json,
                    self._declared[media],
                )
                for name in as_json.intersection(fields):
                    fields[name] = _json_part(fields[name])
            elif essence.startswith("multipart/"):
                fields = await self._parts(request, raw, content_type, media)
            else:
                return adapter.validate_json(raw, by_alias=True, by_name=False)
            # A form spells no null: a required field that admits it is null when left out.
            fields = {**self._nulls[media], **fields}
            return validate_text(adapter, fields, self._readers.get(media))
        except ValidationError as error:
            await request.close()  # a multipart form's files: no operation will read them
            errors = [{**e, "loc": ("body", *e["loc"])} for e in error.errors(include_url=False)]
            raise RequestValidationError(errors) from None

    async def _parts(
        self, request: Request, raw: bytes, content_type: str, media: str
    ) -> dict[str, Any]:
        """The fields of a multipart body, a part holding an object (or an array's item
        holding one) decoded from JSON, multipart's default for objects."""
        lists = self._lists[media]
        if media_essence(content_type) == "multipart/form-data":
            fields = await self._fields(request, lists)
        else:  # related, mixed...: Starlette reads form-data only (see related.py)
            from .related import related_fields

            declared = list(self._declared[media])  # a synchronous parse: off the event loop
            fields = await run_in_threadpool(related_fields, raw, content_type, declared, lists)
        objects, object_lists = self._objects[media], self._object_lists[media]
        for key, value in fields.items():
            if key in object_lists and isinstance(value, list):
                fields[key] = [_json_part(item) for item in value]
            elif key in objects:
                fields[key] = _json_part(value)
        return fields

    @staticmethod
    async def _fields(request: Request, lists: Collection[str]) -> dict[str, Any]:
        """The fields of a multipart body, each file part read into ``bytes``.

        The form stays open for the operation (``context.request.form()`` returns it, its
        undeclared parts included); ``Binder.call`` closes its spooled temporary files once
        the operation answered, as the reader does on a refused body.
        """
        form = await request.form()
        fields: dict[str, Any] = {}
        for key in dict.fromkeys(form.keys()):
            values = [
                await _read_part(value) if isinstance(value, UploadFile) else value
                for value in form.getlist(key)
            ]
            fields[key] = values if key in lists or len(values) > 1 else values[0]
        return fields


async def _read_part(part: UploadFile) -> bytes:
    """A file part's bytes, rewound: the operation may read the part again."""
    content = await part.read()
    await part.seek(0)
    return content


def _decode(raw: bytes, content_type: str) -> str:
    """A text body as its ``charset`` says (UTF-8 when it names none, or none Python can
    decode with replacement)."""
    _, _, charset = content_type.partition("charset=")
    try:
        return raw.decode(charset.split(";")[0].strip().strip('"') or "utf-8", errors="replace")
    except (LookupError, ValueError):  # no charset Python knows, or idna's (strict only)
        return raw.decode("utf-8", errors="replace")


def media_essence(media_type: str) -> str:
    """A media type without its parameters, in lower case."""
    return media_type.split(";", 1)[0].strip().lower()


def _is_json(essence: str) -> bool:
    """True for a JSON media type (``application/json``, ``application/problem+json``...)."""
    return essence.endswith(("/json", "+json"))


def _media_matches(listed: str, essence: str) -> bool:
    """True when the request's media type ``essence`` is ``listed`` or within its range
    (``image/*``; ``application/*+json`` takes ``application/json`` too, as the client does)."""
    if listed in (essence, "*/*"):
        return True
    kind, _, subtype = listed.partition("/")
    sent_kind, _, sent_subtype = essence.partition("/")
    if kind != sent_kind:
        return False
    if subtype == "*":
        return True
    suffix = subtype[2:] if subtype.startswith("*+") else None  # application/*+json: json too
    return suffix is not None and (sent_subtype == suffix or sent_subtype.endswith("+" + suffix))


def _properties_of_type(schema: Mapping[str, Any], kind: str) -> list[str]:
    """Properties of an object schema that hold ``kind`` (``array``: one form value per item;
    ``object``: a JSON multipart part)."""
    found = []
    for name, prop in (schema.get("properties") or {}).items():
        members = [prop, *prop.get("anyOf", [])] if isinstance(prop, dict) else []
        if any(isinstance(m, dict) and m.get("type") == kind for m in members):
            found.append(name)
    return found


def _required_nullable(schema: Mapping[str, Any]) -> list[str]:
    """The required properties of an object schema that admit null: a form or multipart
    body cannot spell null, so a client leaves them out (read as null)."""
    properties = schema.get("properties") or {}
    found = []
    for name in schema.get("required") or ():
        prop = properties.get(name)
        members = [prop, *prop.get("anyOf", [])] if isinstance(prop, dict) else []
        if any(isinstance(m, dict) and m.get("type") == "null" for m in members):
            found.append(name)
    return found


def _object_lists(schema: Mapping[str, Any]) -> list[str]:
    """Properties of an object schema that hold an array of objects (a multipart body sends
    each item as a JSON part)."""
    found = []
    for name, prop in (schema.get("properties") or {}).items():
        members = [prop, *prop.get("anyOf", [])] if isinstance(prop, dict) else []
        items = [
            m.get("items") for m in members if isinstance(m, dict) and m.get("type") == "array"
        ]
        if any(isinstance(i, dict) and _shape(i) == "object" for i in items):
            found.append(name)
    return found


def _json_part(value: Any) -> Any:
    """A multipart part holding an object: its JSON text (or bytes) decoded; anything else as is."""
    try:
        return json.loads(value) if isinstance(value, (str, bytes)) else value
    except ValueError:
        return value  # pydantic reports it against the field


def _pair(text: str) -> tuple[str, str]:
    key, _, value = text.partition("=")
    return key, value


def _shape(schema: Mapping[str, Any]) -> Literal["scalar", "array", "object"]:
    kind = schema.get("type")
    if kind == "array":
        return "array"
    if kind == "object" or "properties" in schema or "additionalProperties" in schema:
        return "object"
    return "scalar"


def _inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with its ``$defs`` references replaced by the definitions (recursion stops at ``{}``)."""
    definitions: Mapping[str, Any] = schema.pop("$defs", {})

    def resolve(node: Any, seen: frozenset[str]) -> Any:
        if isinstance(node, list):
            return [resolve(item, seen) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            key = ref.removeprefix("#/$defs/")
            if key in seen or key not in definitions:
                return {}
            siblings = {k: v for k, v in node.items() if k != "$ref"}
            return resolve({**definitions[key], **siblings}, seen | {key})
        return {k: resolve(v, seen) for k, v in node.items()}

    resolved: dict[str, Any] = resolve(schema, frozenset())
    return resolved
