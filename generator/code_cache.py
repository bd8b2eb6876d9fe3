"""Compiled code that every run makes the same way, kept across runs as Python keeps ``.pyc`` files.

Two kinds, both compiled afresh by every process although their input never changes:

- ``@dataclass`` writes each class's ``__init__``, ``__repr__``, ``__eq__`` (and a frozen
  class's ``__setattr__``/``__delattr__``) as source text and compiles it with ``exec``: for
  the ~90 classes a small spec's run imports, ~25 ms of its ~0.1 s of imports (more in the
  validating child, where pydantic and annotated-types define dozens). The :mod:`dataclasses`
  module gets an ``exec`` that takes the code of a text from the table and compiles only a
  text it has not seen, exactly as ``exec`` does (file ``<string>``, no ``__future__`` flags
  inherited): the methods are the same code.
- Regular expressions that modules compile at import (yaml's reader alone ~5 ms, jinja2's
  lexer, ...): ``re``'s parser and compiler turn a pattern into the arguments of
  ``_sre.compile``, ~15 ms in all. ``re._compiler.compile`` looks them up in the table and
  calls ``_sre.compile`` with them (the same pattern object); a pattern compiled here is
  recorded unless compiling it warned (it is then compiled again, so the warning shows as
  before, and never stored).

Only what is compiled while a module is being imported is stored (a spec's ``pattern`` never
is). The tables are read from ``__pycache__/compiled.<cache tag>.marshal`` beside this package;
its header (the interpreter's bytecode magic number and optimization level) must match, or it
is ignored. What a run compiled is added at exit (:func:`save`, re-reading the file first so
two processes' entries are merged), as Python writes bytecode. Where Python writes none
(``PYTHONDONTWRITEBYTECODE``, a read-only installation) the tables are kept in the content
cache's folder ``compiled`` instead (``output/cache.py``), as compiled templates are
(``render/env.py``): without them every run compiles them all again (~50 ms of a PostHog run,
~6 ms of a no-op). With the content cache off, nothing is written.
"""

from __future__ import annotations

import builtins
import dataclasses
import marshal
import os
import re
import sys
import threading
import warnings
from collections.abc import Callable
from types import CodeType
from typing import Any

_EXEC, _RE = "exec", "re"
_stored: dict[str, dict[Any, Any]] = {_EXEC: {}, _RE: {}}  # as read; each entry loaded on use
_new: dict[str, dict[Any, Any]] = {_EXEC: {}, _RE: {}}  # made by this process, not yet saved
_compiled: dict[str, CodeType] = {}  # dataclass texts loaded or compiled in this process
_used: set[Any] = set()  # patterns this process took from the table or compiled
# Entries per table: past it (edits of a checkout's dataclasses leave old texts behind), a save
# keeps only what the saving process used or made.
_LIMIT = 5000
_installed = False


def _name() -> str:
    return f"compiled.{sys.implementation.cache_tag or 'python'}.marshal"


def path() -> str:
    """Where the tables are kept beside the package: its ``__pycache__`` folder."""
    package = os.path.dirname(os.path.abspath(__file__))
    return os.path.join(package, "__pycache__", _name())


def _beside_package() -> bool:
    """True when the tables go beside the package, as Python's bytecode would: allowed, writable."""
    if sys.dont_write_bytecode:
        return False
    folder = os.path.dirname(path())
    return os.access(folder if os.path.isdir(folder) else os.path.dirname(folder), os.W_OK)


def _in_content_cache() -> str | None:
    """The content cache's copy of the tables; None when that cache is off."""
    from apiforge.output.cache import cache_dir  # imported by every command anyway

    folder = cache_dir("compiled")
    return None if folder is None else os.path.join(folder, _name())


def _target() -> str | None:
    """The file :func:`save` writes (see the module docstring); None when there is none."""
    return path() if _beside_package() else _in_content_cache()


def _load() -> dict[str, dict[Any, Any]]:
    """The tables a run starts with: the package's, and the content cache's where that is kept."""
    tables = _read(path())
    target = _target()
    if target is not None and target != path():
        for kind, table in _read(target).items():
            tables[kind].update(table)
    return tables


def _header() -> bytes:
    from importlib.util import MAGIC_NUMBER  # usually loaded by start-up (site)

    return MAGIC_NUMBER + bytes([sys.flags.optimize])


def _read(file: str) -> dict[str, dict[Any, Any]]:
    """The tables in ``file``; empty when missing, unreadable or made by another interpreter."""
    empty: dict[str, dict[Any, Any]] = {_EXEC: {}, _RE: {}}
    try:
        with open(file, "rb") as handle:
            data = handle.read()
    except OSError:
        return empty
    header = _header()
    if not data.startswith(header):
        return empty
    try:
        tables = marshal.loads(data[len(header) :])
    except (EOFError, ValueError, TypeError):
        return empty
    if not isinstance(tables, dict):
        return empty
    for kind in empty:
        table = tables.get(kind)
        if isinstance(table, dict):
            empty[kind] = table
    return empty


def _exec(source: Any, /, *args: Any, **kwargs: Any) -> Any:
    """``exec``, with the code of a source text taken from the table when it is there."""
    if type(source) is str:
        source = _code(source)
    return builtins.exec(source, *args, **kwargs)  # noqa: S102 -- dataclasses' own text, never spec text


def _code(source: str) -> CodeType:
    code = _compiled.get(source)
    if code is not None:
        return code
    stored = _stored[_EXEC].get(source)
    try:
        code = marshal.loads(stored) if isinstance(stored, bytes) else None
    except (EOFError, ValueError, TypeError):
        code = None
    if not isinstance(code, CodeType):
        # as exec compiles a string in dataclasses.py, which has no __future__ imports
        code = compile(source, "<string>", "exec", dont_inherit=True)
        if _importing():
            _new[_EXEC][source] = marshal.dumps(code)
    _compiled[source] = code
    return code


def _importing() -> bool:
    """True while a module is being imported: only what modules make is stored, never a spec's.

    (A spec's ``pattern`` is compiled at run time, outside any import.)
    """
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib"):
            return True
        frame = frame.f_back  # type: ignore[assignment]
    return False


class _Recording:
    """``_sre`` as ``re._compiler`` sees it: the arguments of each ``compile`` are kept (per thread)."""

    def __init__(self, sre: Any) -> None:
        self.sre = sre
        self.last = threading.local()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.sre, name)

    def compile(self, *args: Any) -> Any:
        self.last.args = args
        return self.sre.compile(*args)

    def take(self) -> tuple[Any, ...] | None:
        args: tuple[Any, ...] | None = getattr(self.last, "args", None)
        self.last.args = None
        return args


def _pattern_compiler(original: Callable[..., Any], recording: _Recording) -> Callable[..., Any]:
    """``re._compiler.compile`` served from the table (see the module docstring)."""
    sre = recording.sre

    def compile_pattern(p: Any, flags: int = 0) -> Any:
        if type(p) not in (str, bytes) or type(flags) is not int or flags & re.DEBUG:
            return original(p, flags)
        key = (p, flags)
        args = _stored[_RE].get(key)
        if isinstance(args, tuple):
            try:
                compiled = sre.compile(*args)
            except (TypeError, ValueError, OverflowError, RuntimeError):
                pass  # a damaged entry: compiled as usual
            else:
                _used.add(key)
                return compiled
        if threading.current_thread() is not threading.main_thread() or not _importing():
            return original(p, flags)  # catch_warnings below is for one thread at a time
        recording.take()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            compiled = original(p, flags)
        args = recording.take()
        if caught:
            return original(p, flags)  # again, so that its warnings show as usual
        if args is not None:  # the code's opcodes are int subclasses, which marshal refuses
            _new[_RE][key] = tuple([int(c) for c in a] if type(a) is list else a for a in args)
            _used.add(key)
        return compiled

    return compile_pattern


def _install_patterns() -> None:
    compiler = getattr(re, "_compiler", None)  # Python 3.11+
    sre = getattr(compiler, "_sre", None)
    if compiler is None or sre is None or not callable(getattr(compiler, "compile", None)):
        return
    recording = _Recording(sre)
    original = compiler.compile
    compiler._sre = recording
    compiler.compile = _pattern_compiler(original, recording)


def install() -> None:
    """Serve ``@dataclass``'s and ``re``'s compilations from the tables from now on (once)."""
    global _installed
    if _installed:
        return
    _installed = True
    _stored.update(_load())
    vars(dataclasses)["exec"] = _exec  # a module global shadows the builtin it calls
    _install_patterns()


def save() -> None:
    """Add what this process compiled to the tables on disk (see the module docstring)."""
    if not any(_new.values()):
        return
    target = _target()
    if target is None:
        return
    merged = _read(target)
    for kind, table in _new.items():
        merged[kind].update(table)
        table.clear()
    if len(merged[_EXEC]) > _LIMIT:
        merged[_EXEC] = {t: v for t, v in merged[_EXEC].items() if t in _compiled}
    if len(merged[_RE]) > _LIMIT:
        merged[_RE] = {k: v for k, v in merged[_RE].items() if k in _used}
    temporary = f"{target}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(temporary, "wb") as handle:
            handle.write(_header() + marshal.dumps(merged))
        os.replace(temporary, target)  # readers see the old tables or the new ones, never half
    except (OSError, ValueError):  # ValueError: an argument marshal cannot write
        try:
            os.unlink(temporary)
        except OSError:
            pass
