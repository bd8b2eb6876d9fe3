"""Import the server runtime (templates/runtime/server/_runtime) the way generated code sees it.

Shared by the server runtime unit tests: the runtime is loaded as
``apiforge_fake_server._runtime`` so its relative imports work without generating a package.
"""

from __future__ import annotations

import importlib.util
import sys
import types
from pathlib import Path

FAKE_PACKAGE = "apiforge_fake_server"
RUNTIME_DIR = Path(__file__).resolve().parents[2] / "templates" / "runtime" / "server" / "_runtime"


def load_server_runtime() -> types.ModuleType:
    """Import the runtime as ``apiforge_fake_server._runtime``, as generated code would."""
    name = f"{FAKE_PACKAGE}._runtime"
    if name in sys.modules:
        return sys.modules[name]
    if FAKE_PACKAGE not in sys.modules:
        parent = types.ModuleType(FAKE_PACKAGE)
        parent.__path__ = []
        sys.modules[FAKE_PACKAGE] = parent
    spec = importlib.util.spec_from_file_location(
        name, RUNTIME_DIR / "__init__.py", submodule_search_locations=[str(RUNTIME_DIR)]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
