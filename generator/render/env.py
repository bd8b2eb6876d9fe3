"""The one Jinja environment: strict undefined, no autoescape games, a fixed filter set.

Templates get views (finished strings and booleans) and nothing else: no config,
no utility modules, no spec objects.
"""

from __future__ import annotations

from functools import lru_cache

import jinja2

from generator.resources import templates_dir


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The shared environment (templates are compiled once per process)."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )


def render_template(name: str, **context: object) -> str:
    """Render one template with a view's fields."""
    return environment().get_template(name).render(**context)
