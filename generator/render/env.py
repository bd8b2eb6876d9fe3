"""The one Jinja environment: strict undefined, no autoescape games, a fixed filter set.

Templates get views (finished strings and booleans) and nothing else: no config,
no utility modules, no spec objects.
"""

from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path

import jinja2

from apiforge.output import cache
from apiforge.render.escape import literal
from apiforge.resources import templates_dir


class _Bytecode(jinja2.FileSystemBytecodeCache):
    """Compiled templates, kept beside the templates like Python's ``__pycache__``.

    Templates are apiforge's code, as its modules are: their compiled form is read from
    ``templates/__pycache__/jinja`` (compiling them is ~0.06 s of a run), so a run with an
    empty content cache does not compile them again. Entries are written there as Python
    writes bytecode: on first use, unless ``PYTHONDONTWRITEBYTECODE`` is set or the
    installation is read-only (``python -m apiforge.render.env`` writes them regardless,
    as ``compileall`` does); then they go to the content cache (``cache.py``), when it is
    on. Jinja checks each entry against the template's source and its own version, so an
    entry is never stale.
    """

    def __init__(self, installed: Path, content: Path | None, write_installed: bool) -> None:
        super().__init__(str(installed))
        self.content = None if content is None else jinja2.FileSystemBytecodeCache(str(content))
        self.write_installed = write_installed

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except OSError:
            pass  # unreadable: try the content cache, else compile
        if bucket.code is None and self.content is not None:
            try:
                self.content.load_bytecode(bucket)
            except OSError:
                pass

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if self.write_installed:
            try:
                os.makedirs(self.directory, exist_ok=True)
                super().dump_bytecode(bucket)
                return
            except OSError:
                pass  # a read-only installation: the content cache instead
        if self.content is not None:
            try:
                os.makedirs(self.content.directory, exist_ok=True)
                self.content.dump_bytecode(bucket)
            except OSError:
                pass


def _bytecode(write_installed: bool) -> _Bytecode:
    return _Bytecode(
        templates_dir() / "__pycache__" / "jinja", cache.cache_dir("jinja"), write_installed
    )


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The shared environment; compiled templates are kept across runs (:class:`_Bytecode`)."""
    return _environment(_bytecode(write_installed=not sys.dont_write_bytecode))


def _environment(bytecode: _Bytecode) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        bytecode_cache=bytecode,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters = {name: env.filters[name] for name in FILTERS if name in env.filters}
    env.filters["literal"] = literal  # the only way a template quotes a value (render/escape.py)
    return env


# The filters templates may use: layout only, and ``literal``. Escaping is render/escape.py's job.
FILTERS = ("indent", "join", "literal")


def render_template(name: str, **context: object) -> str:
    """Render one template with a view's fields."""
    return environment().get_template(name).render(**context)


def precompile() -> int:
    """Compile every template into the installation (as ``compileall`` does for modules); the count."""
    env = _environment(_bytecode(write_installed=True))
    names = [n for n in env.list_templates() if "__pycache__" not in n and not n.endswith(".py")]
    for name in names:
        env.get_template(name)
    return len(names)


if __name__ == "__main__":
    print(f"compiled {precompile()} templates into {templates_dir() / '__pycache__' / 'jinja'}")
