"""Whether pydantic-core's Rust regex engine compiles a spec's ``pattern``, asked of pydantic-core.

The generated models and server parameters validate ``pattern`` with pydantic-core: its
Rust engine by default, Python's ``re`` where a model says ``regex_engine="python-re"``.
The one judge of what the Rust engine accepts is pydantic-core building a string
validator, so that is what :func:`rust_compiles` does. It loads only pydantic-core's
compiled extension (~5 ms): the ``pydantic_core`` package first imports ``core_schema``
(~90 TypedDicts, ~30 ms) and ``pydantic.TypeAdapter`` much more (~0.15 s, the largest
single cost of a small spec's cold run), and neither is needed to build one validator
from a plain dict schema.
"""

from __future__ import annotations

import functools
import importlib.machinery
import importlib.util
import sys
from types import ModuleType

_EXTENSION = "pydantic_core._pydantic_core"


@functools.cache
def rust_compiles(pattern: str) -> bool:
    """True when pydantic-core's default (Rust) regex engine compiles ``pattern``."""
    core = _core()
    try:
        core.SchemaValidator({"type": "str", "pattern": pattern})
    except core.SchemaError:  # no look-around or back-references, or not a regex at all
        return False
    return True


def _core() -> ModuleType:
    """pydantic-core's compiled extension: the one already imported, else that module alone."""
    loaded = sys.modules.get(_EXTENSION)
    if loaded is not None:
        return loaded
    package = importlib.util.find_spec("pydantic_core")  # finds it without running it
    spec = None
    if package is not None and package.submodule_search_locations is not None:
        spec = importlib.machinery.PathFinder.find_spec(
            _EXTENSION, list(package.submodule_search_locations)
        )
    if spec is None or spec.loader is None:
        # the package as usual where its extension is not a file beside it (~30 ms more)
        import pydantic_core._pydantic_core as core

        return core
    module = importlib.util.module_from_spec(spec)
    # Registered under its own name before it runs, as the import system does: a later
    # ``import pydantic_core`` (its ``from ._pydantic_core import ...``) finds it there and
    # does not initialise the extension a second time.
    sys.modules[_EXTENSION] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[_EXTENSION]
        raise
    return module
