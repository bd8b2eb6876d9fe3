"""apiforge: one OpenAPI document in, a pydantic/httpx client and a FastAPI server out.

The library API is :func:`generate`, :func:`check` and :func:`validate` (see
:mod:`apiforge.api`); the ``apiforge`` command and the hatchling build hook call them.
The pipeline is load -> build IR -> name -> models -> render -> format -> write:
:func:`apiforge.pipeline.render` runs it up to formatting and :mod:`apiforge.engine`
writes the result (see ARCHITECTURE.md). The source folder of this package is
``generator/``; it installs and imports as ``apiforge``.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing loads later, with the collector off (cli/start.py)

__version__ = "0.1.0"

_LAZY = {
    "generate": "apiforge.api",
    "check": "apiforge.api",
    "validate": "apiforge.api",
    "resolve": "apiforge.api",
    "GenerateFailed": "apiforge.api",
    "GenerateInterrupted": "apiforge.api",
    "RunResult": "apiforge.api",
    "TargetResult": "apiforge.api",
    "Validation": "apiforge.api",
    "Outcome": "apiforge.engine",
    "Overrides": "apiforge.config.targets",
    "Target": "apiforge.config.targets",
    "Diagnostic": "apiforge.diagnostics",
    "DiagnosticsError": "apiforge.diagnostics",
}

__all__ = [
    "Diagnostic",
    "DiagnosticsError",
    "GenerateFailed",
    "GenerateInterrupted",
    "Outcome",
    "Overrides",
    "RunResult",
    "Target",
    "TargetResult",
    "Validation",
    "__version__",
    "check",
    "generate",
    "resolve",
    "validate",
]

if TYPE_CHECKING:
    from typing import Any

    from apiforge.api import GenerateFailed as GenerateFailed
    from apiforge.api import GenerateInterrupted as GenerateInterrupted
    from apiforge.api import RunResult as RunResult
    from apiforge.api import TargetResult as TargetResult
    from apiforge.api import Validation as Validation
    from apiforge.api import check as check
    from apiforge.api import generate as generate
    from apiforge.api import resolve as resolve
    from apiforge.api import validate as validate
    from apiforge.config.targets import Overrides as Overrides
    from apiforge.config.targets import Target as Target
    from apiforge.diagnostics import Diagnostic as Diagnostic
    from apiforge.diagnostics import DiagnosticsError as DiagnosticsError
    from apiforge.engine import Outcome as Outcome


def __getattr__(name: str) -> Any:
    """The public names, loaded on first use so that ``import apiforge`` stays cheap."""
    if name not in _LAZY:
        raise AttributeError(f"module 'apiforge' has no attribute {name!r}")
    import importlib  # lazy: the public API loads on first use, not with `import apiforge`

    return getattr(importlib.import_module(_LAZY[name]), name)
