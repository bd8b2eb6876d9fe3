"""Reading the parts of a multipart body other than form-data (``multipart/related``, ``mixed``...).

Part of the server runtime package (``<pkg>/_runtime/related.py``, copied verbatim); the
body reader (:class:`BodyReader` of ``bodies.py``) imports it on first use and calls
:func:`related_fields`. Starlette parses ``multipart/form-data`` only.

Each part is a field of the body's model, named by its ``Content-Disposition`` ``name``
(what the generated client sends, and form-data's way), else by its ``Content-ID``
(``<value>``, RFC 2387's way) when that is a field the model declares, else by its
position: the n-th part named neither way holds the model's n-th field (a standard
``<root@example.org>`` identifies a part, it names no field).
A part with a filename or a ``Content-Type`` that is neither text nor JSON is a file
(``bytes``); the others are text, as form-data fields are (a part without a type is text).

A body of more than :data:`MAX_PARTS` parts (Starlette's limit on a form's fields) is
refused with a 400 before it is parsed; the body reader calls this module in a worker
thread, the parse being synchronous.
"""

from __future__ import annotations

import email
import email.policy
from collections.abc import Collection, Sequence
from email.message import EmailMessage, MIMEPart
from typing import Any, Final, NoReturn

from .errors import ApiError

__all__ = ["MAX_PARTS", "related_fields"]

MAX_PARTS: Final = 1000


def related_fields(
    raw: bytes, content_type: str, declared: Sequence[str], lists: Collection[str]
) -> dict[str, Any]:
    """The fields of a multipart body of ``content_type`` (its boundary included):
    ``declared`` names the model's fields in order, ``lists`` those holding arrays (their
    parts gathered in a list); a body that is no multipart message has none.

    Raises :class:`ApiError` (400) for a body of more than :data:`MAX_PARTS` parts."""
    head = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1", "replace")
    boundary = email.message_from_bytes(head, policy=email.policy.HTTP).get_boundary()
    if boundary and raw.count(b"--" + boundary.encode("latin-1", "replace")) > MAX_PARTS + 1:
        _refuse()  # each delimiter starts a part, the last one closes the body
    message = email.message_from_bytes(head + raw, policy=email.policy.HTTP)
    if not isinstance(message, EmailMessage) or not message.is_multipart():
        return {}
    parts = list(message.iter_parts())
    if len(parts) > MAX_PARTS:
        _refuse()
    fields: dict[str, Any] = {}
    unnamed = 0  # parts named neither way so far
    for part in parts:
        name = _name(part, declared)
        if name is None:
            name = declared[unnamed] if unnamed < len(declared) else None
            unnamed += 1
        if name is None:
            continue  # an extra unnamed part
        value = _value(part)
        if name not in fields:
            fields[name] = [value] if name in lists else value
        elif isinstance(fields[name], list):  # a part's value is never a list
            fields[name].append(value)
        else:
            fields[name] = [fields[name], value]
    return fields


def _refuse() -> NoReturn:
    raise ApiError(400, f"Too many parts. Maximum number of parts is {MAX_PARTS}.")


def _name(part: MIMEPart, declared: Sequence[str]) -> str | None:
    """The field ``part`` names (see the module docstring), or None: its position decides."""
    name = part.get_param("name", header="content-disposition")
    if isinstance(name, str) and name:
        return name
    content_id = str(part.get("Content-ID") or "").strip().removeprefix("<").removesuffix(">")
    return content_id if content_id in declared else None


def _value(part: MIMEPart) -> bytes | str:
    """A file part's bytes, or a text (or JSON) part's text, as its charset says (UTF-8
    when Python cannot decode it with replacement)."""
    payload = part.get_payload(decode=True)
    content = payload if isinstance(payload, bytes) else b""
    kind = part.get_content_type()
    if part.get_filename() is not None or not kind.startswith("text/") and not _is_json(kind):
        return content
    charset = part.get_content_charset() or "utf-8"
    try:
        return content.decode(charset, errors="replace")
    except (LookupError, ValueError):  # no charset Python knows, or idna's (strict only)
        return content.decode("utf-8", errors="replace")


def _is_json(essence: str) -> bool:
    return essence.endswith(("/json", "+json"))
