"""The one Jinja environment: strict undefined, no autoescape games, a fixed filter set.

Templates get views (finished strings and booleans) and nothing else: no config,
no utility modules, no spec objects.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2


def templates_dir() -> Path:
    """``templates/`` in a source checkout, or ``generator/templates`` in an installed wheel."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "templates", here.parent / "templates"):
        if (candidate / "client").is_dir():
            return candidate
    raise FileNotFoundError("apiforge templates not found next to the generator package")


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
