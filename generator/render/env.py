"""The one Jinja environment: strict undefined, no autoescape games, a fixed filter set.

Templates get views (finished strings and booleans) and nothing else: no config,
no utility modules, no spec objects.
"""

from __future__ import annotations

from functools import lru_cache

import jinja2

from apiforge.output import cache
from apiforge.render.escape import literal
from apiforge.resources import templates_dir


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The shared environment; compiled templates are kept in the content cache across runs."""
    folder = cache.cache_dir("jinja")
    if folder is not None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            folder = None
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        bytecode_cache=jinja2.FileSystemBytecodeCache(str(folder)) if folder is not None else None,
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
