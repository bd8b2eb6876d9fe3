"""apiforge's own build hook: an editable install that imports the generator/ folder as `apiforge`.

The wheel ships generator/ as ``apiforge/`` and templates/ as ``apiforge/templates/``
(``force-include`` in pyproject.toml). Hatchling's editable installs cannot rename a
folder, so for editable builds this hook replaces those copies with two files: a
module holding a meta-path finder that maps ``apiforge`` to this checkout's
generator/ folder, and a ``.pth`` file that installs it at interpreter start-up. No
top-level ``generator`` module is installed either way.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

FINDER = '''\
"""Editable install of apiforge: ``import apiforge`` loads {source}."""

import importlib.machinery
import sys

_ROOT = {source!r}


class ApiforgeFinder(importlib.machinery.PathFinder):
    """Finds ``apiforge`` (and its submodules, through the package's path) in the checkout."""

    @classmethod
    def find_spec(cls, fullname, path=None, target=None):
        if fullname != "apiforge":
            return None
        return importlib.util.spec_from_file_location(
            "apiforge", _ROOT + "/__init__.py", submodule_search_locations=[_ROOT]
        )


if not any(getattr(f, "__name__", "") == "ApiforgeFinder" for f in sys.meta_path):
    import importlib.util

    sys.meta_path.append(ApiforgeFinder)  # last: an apiforge earlier on sys.path wins
'''


class EditableAsApiforge(BuildHookInterface):  # type: ignore[type-arg]
    """For ``pip install -e .``: a finder instead of copies of generator/ and templates/."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Replace the forced copies with the finder when the build is editable."""
        if self.target_name != "wheel" or version != "editable":
            return
        source = str((Path(self.root) / "generator").resolve())
        folder = Path(tempfile.mkdtemp(prefix="apiforge-editable-"))
        (folder / "_apiforge_editable.py").write_text(FINDER.format(source=source))
        (folder / "_apiforge_editable.pth").write_text("import _apiforge_editable\n")
        build_data["force_include_editable"] = {
            str(folder / "_apiforge_editable.py"): "_apiforge_editable.py",
            str(folder / "_apiforge_editable.pth"): "_apiforge_editable.pth",
        }
