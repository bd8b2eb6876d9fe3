"""The media side of a reply: what a request's ``Accept`` admits, a concrete type for a
range, text in its declared charset, a file's content in chunks."""

import codecs
import inspect
from collections.abc import AsyncIterator, Iterator
from typing import Any, Final


def accepts(accept: str | None, media_type: str) -> bool:
    """Whether a request's ``Accept`` header (None or empty: anything) admits ``media_type``."""
    if not accept:
        return True
    essence = media_type.split(";", 1)[0].strip().lower()
    wanted = {essence, essence.split("/", 1)[0] + "/*", "*/*"}
    for entry in accept.lower().split(","):
        kind, *parameters = entry.split(";")
        if kind.strip() in wanted and not any(map(_refuses, parameters)):
            return True
    return False


def _refuses(parameter: str) -> bool:
    """True for an ``Accept`` entry's ``q=0`` (not acceptable)."""
    name, _, value = parameter.partition("=")
    try:
        return name.strip() == "q" and float(value) == 0
    except ValueError:
        return False


def concrete(media_type: str | None, fallback: str) -> str:
    """``media_type`` unless it is missing or a range such as ``*/*`` or ``image/*``."""
    return media_type if media_type and "*" not in media_type else fallback


def _charset(media_type: str) -> str | None:
    """The charset ``media_type`` names, if any."""
    for parameter in media_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        charset = value.strip().strip('"')
        if name.strip().lower() == "charset" and charset:
            return charset
    return None


def encoded(text: str, media_type: str) -> str | bytes:
    """``text`` encoded in the charset ``media_type`` names (none: as is, Starlette's UTF-8).

    Raises ``ValueError`` saying why when the charset cannot encode the text (or Python
    knows no such charset): a reply claiming a charset its bytes are not in is no reply.
    """
    charset = _charset(media_type)
    if charset is None:
        return text
    try:
        return text.encode(charset)
    except LookupError:
        problem = f"its charset {charset!r} is unknown"
    except UnicodeEncodeError as error:
        problem = f"character {error.start} of the text has no {charset!r} encoding"
    raise ValueError(problem)


def chunks(file: Any, media_type: str) -> Iterator[bytes] | AsyncIterator[bytes]:
    """A file's content in chunks, the file closed after; text chunks encoded in the charset
    ``media_type`` names (none: UTF-8). A file with an async ``read`` (``aiofiles``, an
    ``UploadFile``) is read by an async generator, another in Starlette's thread.

    Raises ``ValueError`` at once when Python knows no such charset.
    """
    charset = _charset(media_type) or "utf-8"
    try:
        encoder = codecs.getincrementalencoder(charset)()
    except LookupError:
        raise ValueError(f"its charset {charset!r} is unknown") from None
    if inspect.iscoroutinefunction(getattr(file, "read", None)):
        return _read_async(file, encoder)
    return _read(file, encoder)


async def _read_async(file: Any, encoder: codecs.IncrementalEncoder) -> AsyncIterator[bytes]:
    try:
        while chunk := await file.read(_CHUNK):
            yield encoder.encode(chunk) if isinstance(chunk, str) else bytes(chunk)
        if tail := encoder.encode("", final=True):
            yield tail
    finally:
        closed = file.close() if callable(getattr(file, "close", None)) else None
        if inspect.isawaitable(closed):
            await closed


def _read(file: Any, encoder: codecs.IncrementalEncoder) -> Iterator[bytes]:
    try:
        while chunk := file.read(_CHUNK):
            yield encoder.encode(chunk) if isinstance(chunk, str) else bytes(chunk)
        if tail := encoder.encode("", final=True):
            yield tail
    finally:
        close = getattr(file, "close", None)
        if callable(close):
            close()


_CHUNK: Final = 64 * 1024
