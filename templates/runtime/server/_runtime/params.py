"""Parameters FastAPI cannot decode: styles, objects, names shared with a path parameter."""

from collections.abc import Callable, Collection
from typing import (
    Any,
    Final,
    Literal,
)

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import (
    TypeAdapter,
    ValidationError,
)

from .bodies import _inline_refs, _pair, _shape
from .deep_object import deep_object
from .param_text import is_structured, split_outside_json, text_reader, validate_text
from .raw_values import (
    bare_delimited,
    cookie_pairs,
    raw_query_values,
    unquote_escapes,
    unquote_query,
)
from .template_route import RAW_PATH_PARAMS

_ABSENT: Final = object()
_DELIMITERS: Final = {"form": ",", "simple": ",", "spaceDelimited": " ", "pipeDelimited": "|"}


class StyledParameter:
    """A FastAPI dependency that reads one parameter by its OpenAPI ``style``/``explode``.

    FastAPI decodes scalars and exploded query arrays itself; everything else (a
    comma-separated ``explode: false`` array, a ``deepObject``, a ``label`` or
    ``matrix`` path segment, an object in a header...) goes through one of these,
    declared once per parameter by the generated ``app.py``::

        _TAGS = StyledParameter(list[str], "query", "tags", style="form", explode=False)

        async def route(tags: Annotated[list[str] | None, Depends(_TAGS)] = None): ...

    The raw text is split as the style says and validated with pydantic against
    ``type_`` (a text spelling a number or a boolean where ``type_`` admits one is read
    as that value first: ``param_text.py``), so the implementation receives a typed
    value; a bad or missing value answers 422 naming ``<location>.<name>`` like any
    other parameter. FastAPI
    cannot describe a style, so the route documents the parameter itself:
    ``openapi_extra={"parameters": [_TAGS.openapi]}`` with the schema pydantic
    derives from ``type_`` (the one it validates against).

    :param type_: the decoded type (``list[int]``, a model, an enum...).
    :param location: ``path``, ``query``, ``header`` or ``cookie``.
    :param name: the parameter's name on the wire.
    :param style: the OpenAPI style (``form``, ``simple``, ``label``, ``matrix``,
        ``spaceDelimited``, ``pipeDelimited``, ``deepObject``).
    :param explode: the OpenAPI explode flag.
    :param required: answer 422 when the parameter is absent.
    :param default: a JSON value used when the parameter is absent (validated too).
    :param reserved: the operation's other query (or cookie) parameters and the cookies
        security schemes read: an exploded ``form`` object without declared properties
        (one query parameter, or cookie, per property) leaves them alone.

    Every cookie parameter is read by one of these (FastAPI's ``Cookie()`` hands over the
    ``a%20b`` the client sends for ``a b``): percent-decoded, split on bare commas first.
    """

    def __init__(
        self,
        type_: Any,
        location: Literal["path", "query", "header", "cookie"],
        name: str,
        *,
        style: str,
        explode: bool,
        required: bool = False,
        default: Any = _ABSENT,
        description: str = "",
        deprecated: bool = False,
        reserved: Collection[str] = (),
    ) -> None:
        self._adapter: TypeAdapter[Any] = TypeAdapter(type_)
        self._location = location
        self._name = name
        self._style = style
        self._explode = explode
        self._required = required
        self._default = default
        self._reserved = frozenset(reserved)
        schema = _inline_refs(self._adapter.json_schema(mode="validation"))
        if default is not _ABSENT:
            schema["default"] = default
        self._shape = _shape(schema)
        self._reader = text_reader(schema)
        self._json_items = _has_json_items(schema, self._shape)
        self._properties = tuple(schema.get("properties") or ())
        self.openapi: dict[str, Any] = {
            "name": name,
            "in": location,
            "required": required,
            "style": style,
            "explode": explode,
            "schema": schema,
        }
        if description:
            self.openapi["description"] = description
        if deprecated:
            self.openapi["deprecated"] = True

    async def __call__(self, request: Request) -> Any:
        """Read, split and validate the parameter from ``request``."""
        raw = self._read(request)
        reader = self._reader
        if raw is _ABSENT:
            reader = None  # a default is JSON data already, not text
            if self._default is not _ABSENT:
                raw = self._default
            elif self._required:
                missing = {
                    "type": "missing",
                    "loc": (self._location, self._name),
                    "msg": "Field required",
                }
                raise RequestValidationError([{**missing, "input": None}])
            else:
                return None
        try:
            return validate_text(self._adapter, raw, reader)
        except ValidationError as error:
            where = (self._location, self._name)
            errors = [{**e, "loc": (*where, *e["loc"])} for e in error.errors(include_url=False)]
            raise RequestValidationError(errors) from None

    def _read(self, request: Request) -> Any:
        if self._location == "query":
            return self._from_query(request)
        if self._location == "header":
            values = request.headers.getlist(self._name)
            return self._split_text(",".join(values), ",") if values else _ABSENT
        if self._location == "cookie":
            return self._from_cookies(cookie_pairs(request))
        raw = request.scope.get(RAW_PATH_PARAMS, {}).get(self._name)
        if isinstance(raw, str):  # as sent: split on bare delimiters before decoding
            return self._from_path(raw, unquote_escapes)
        text = request.path_params.get(self._name)
        return _ABSENT if not isinstance(text, str) else self._from_path(text, None)

    def _from_query(self, request: Request) -> Any:
        query = request.query_params
        if self._style == "deepObject":
            return deep_object(query.multi_items(), self._name, self.openapi["schema"]) or _ABSENT
        if self._shape == "object" and self._explode:
            keys = self._properties or [k for k in query if k not in self._reserved]
            found = {k: query[k] for k in keys if k in query}
            return found or _ABSENT
        values = query.getlist(self._name)
        if not values:
            return _ABSENT
        if self._shape == "array" and self._explode:
            return values
        delimiter = _DELIMITERS.get(self._style, ",")
        raw = raw_query_values(request, self._name)
        if len(raw) == len(values):  # split as sent: an escaped delimiter or space is data
            text, bare = bare_delimited(raw[-1], delimiter)
            return self._split_text(text, bare, unquote_query, blanks=" +")
        return self._split_text(values[-1], delimiter)

    def _from_cookies(self, pairs: list[tuple[str, str]]) -> Any:
        """The parameter from the request's cookies (``(name, raw value)``, in order).

        Each value is split on its bare delimiters before its percent-escapes are decoded
        (the client escapes an item's own ``,``, as it escapes ``;`` and spaces); of a
        name sent twice the last counts, as in ``request.cookies``.
        """
        if self._shape == "object" and self._explode:  # one cookie per property
            wanted = self._properties
            found = {
                name: unquote_escapes(value)
                for name, value in pairs
                if (name in wanted if wanted else name not in self._reserved)
            }
            return found or _ABSENT
        values = [value for name, value in pairs if name == self._name]
        if not values:
            return _ABSENT
        if self._shape == "array" and self._explode:  # one cookie per item
            return [unquote_escapes(value) for value in values]
        return self._split_text(values[-1], ",", unquote_escapes, blanks=" ")

    def _from_path(self, text: str, decode: Callable[[str], str] | None) -> Any:
        """The parameter from its path segment ``text`` (``decode``: its percent-escapes,
        None when ``text`` is decoded already)."""
        blanks = None if decode is None else " "
        if self._style == "label":
            text = text.removeprefix(".")
            return self._split_text(text, "." if self._explode else ",", decode, blanks=blanks)
        if self._style == "matrix":
            plain = decode or str
            pairs = [_pair(p) for p in text.split(";") if p]
            if self._shape == "object" and self._explode:
                return {plain(key): plain(value) for key, value in pairs}
            values = [value for key, value in pairs if plain(key) == self._name]
            if self._shape == "array" and self._explode:
                return [plain(value) for value in values]
            return self._split_text(values[-1] if values else "", ",", decode, blanks=blanks)
        return self._split_text(text, ",", decode, blanks=blanks)

    def _split_text(
        self,
        text: str,
        delimiter: str,
        decode: Callable[[str], str] | None = None,
        *,
        blanks: str | None = None,
    ) -> Any:
        """One value, a list or an object from ``text``, as the parameter's shape says.

        ``decode``: applied to each piece once split (a raw value is split before its
        percent-escapes are decoded, so an escaped delimiter stays in its item; an array
        of objects or arrays, sent as JSON items, is decoded whole and split outside
        them). Around a comma, spaces are stripped from an item: ``blanks`` (the
        characters spelling a bare space in raw text: a query's ``+`` too) before
        decoding, so an escaped space is data, as the client escapes an item's own; once
        decoded where ``blanks`` is None (text without escapes: a header).
        """
        if self._shape == "scalar":
            return decode(text) if decode is not None else text
        if self._json_items and decode is not None:
            text, decode, blanks = decode(text), None, None  # %7B%22: JSON shows its nesting
        strip = delimiter == ","

        def item(piece: str) -> str:
            if strip and blanks is not None:
                piece = piece.strip(blanks)
            value = decode(piece) if decode is not None else piece
            return value.strip() if strip and blanks is None else value

        split = split_outside_json if self._json_items else str.split
        pieces = split(text, delimiter) if text else []
        if self._shape == "object" and self._explode:  # k=v<sep>k=v
            return {item(k): item(v) for k, v in (_pair(p) for p in pieces if p)}
        parts = [item(piece) for piece in pieces]
        if self._shape == "array":
            return parts
        return dict(zip(parts[0::2], parts[1::2]))  # k,v,k,v


def _has_json_items(schema: Any, shape: str) -> bool:
    """True when an array's items or an object's properties travel as JSON (some admit
    only objects and arrays): the value then splits outside JSON."""
    if shape == "object":
        members = [*(schema.get("properties") or {}).values(), schema.get("additionalProperties")]
        return any(map(is_structured, members))
    return shape == "array" and is_structured(schema.get("items"))
