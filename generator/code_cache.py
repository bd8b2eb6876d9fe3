"""The compiled methods of ``@dataclass`` classes, kept across runs as Python keeps ``.pyc`` files.

``@dataclass`` writes each class's ``__init__``, ``__repr__``, ``__eq__`` (and a frozen
class's ``__setattr__``/``__delattr__``) as source text and compiles it with ``exec`` on
every import: for the ~90 classes a small spec's run imports that is ~25 ms of its ~0.1 s of
imports (more in the validating child, where pydantic and annotated-types define dozens).
:func:`install` gives the :mod:`dataclasses` module an ``exec`` that takes the compiled code
of a text from a table and compiles only a text it has not seen, exactly as ``exec`` does
(file ``<string>``, no ``__future__`` flags inherited): the methods are the same code.

The table is read from ``__pycache__/dataclasses.<cache tag>.marshal`` beside this package;
its header (the interpreter's bytecode magic number and optimization level) must match, or it
is ignored. Texts compiled during a run are added to it at exit (:func:`save`, re-reading the
file first so two processes' entries are merged), as Python writes bytecode: not under
``PYTHONDONTWRITEBYTECODE``, and silently not where the folder cannot be written.
"""

from __future__ import annotations

import builtins
import dataclasses
import marshal
import os
import sys
from types import CodeType
from typing import Any

_stored: dict[str, bytes] = {}  # source text -> its marshalled code, as read (each loaded on use)
_compiled: dict[str, CodeType] = {}  # loaded or compiled in this process
_new: dict[str, bytes] = {}  # compiled in this process, not yet saved
_installed = False


def path() -> str:
    """Where the table is kept: this package's ``__pycache__`` folder."""
    package = os.path.dirname(os.path.abspath(__file__))
    tag = sys.implementation.cache_tag or "python"
    return os.path.join(package, "__pycache__", f"dataclasses.{tag}.marshal")


def _header() -> bytes:
    from importlib.util import MAGIC_NUMBER  # usually loaded by start-up (site)

    return MAGIC_NUMBER + bytes([sys.flags.optimize])


def _read() -> dict[str, bytes]:
    """The table on disk (text -> marshalled code); empty when missing, unreadable or foreign."""
    try:
        with open(path(), "rb") as handle:
            data = handle.read()
    except OSError:
        return {}
    header = _header()
    if not data.startswith(header):
        return {}
    try:
        table = marshal.loads(data[len(header) :])
    except (EOFError, ValueError, TypeError):
        return {}
    if not isinstance(table, dict):
        return {}
    return {k: v for k, v in table.items() if isinstance(k, str) and isinstance(v, bytes)}


def _exec(source: Any, /, *args: Any, **kwargs: Any) -> Any:
    """``exec``, with the code of a source text taken from the table when it is there."""
    if type(source) is str:
        source = _code(source)
    return builtins.exec(source, *args, **kwargs)  # noqa: S102 -- dataclasses' own text, never spec text


def _code(source: str) -> CodeType:
    code = _compiled.get(source)
    if code is not None:
        return code
    stored = _stored.get(source)
    try:
        code = marshal.loads(stored) if stored is not None else None
    except (EOFError, ValueError, TypeError):
        code = None
    if not isinstance(code, CodeType):
        # as exec compiles a string in dataclasses.py, which has no __future__ imports
        code = compile(source, "<string>", "exec", dont_inherit=True)
        _new[source] = marshal.dumps(code)
    _compiled[source] = code
    return code


def install() -> None:
    """Serve ``@dataclass``'s compilations from the table from now on (once per process)."""
    global _installed
    if _installed:
        return
    _installed = True
    _stored.update(_read())
    vars(dataclasses)["exec"] = _exec  # a module global shadows the builtin it calls


def save() -> None:
    """Add the texts compiled in this process to the table on disk (see the module docstring)."""
    if not _new or sys.dont_write_bytecode:
        return
    merged = _read()
    merged.update(_new)
    _new.clear()
    target = path()
    temporary = f"{target}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(temporary, "wb") as handle:
            handle.write(_header() + marshal.dumps(merged))
        os.replace(temporary, target)  # readers see the old table or the new one, never half
    except OSError:
        try:
            os.unlink(temporary)
        except OSError:
            pass
