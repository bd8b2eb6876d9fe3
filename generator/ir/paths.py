"""Path templates as OpenAPI spells them (RFC 6570 level 1): literal text and ``{name}`` expressions.

A segment may hold any number of expressions with literal text around them
(``/compare/{base}...{head}``, ``/files/{name}.{ext}``). Builders ask here for the
names a path template uses instead of splitting it at ``/``.
"""

from __future__ import annotations

import functools


@functools.lru_cache(maxsize=4096)  # a pure function of the text, asked several times per path
def template_parts(path: str) -> tuple[tuple[str, str | None], ...]:
    """``path`` as ``(literal, name or None)`` pairs: ``"/a/{id}.json"`` -> ``(("/a/", "id"), (".json", None))``.

    A ``{`` without its ``}`` (or a ``}`` without its ``{``) is literal text; see :func:`template_problem`.
    """
    parts: list[tuple[str, str | None]] = []
    literal_start = start = 0
    while (opening := path.find("{", start)) != -1:
        closing = path.find("}", opening + 1)
        nested = path.find("{", opening + 1)
        if closing == -1:
            break
        if nested != -1 and nested < closing:
            start = nested
            continue
        parts.append((path[literal_start:opening], path[opening + 1 : closing]))
        literal_start = start = closing + 1
    parts.append((path[literal_start:], None))
    return tuple(parts)


@functools.lru_cache(maxsize=4096)  # as template_parts: asked per operation of a path
def template_names(path: str) -> tuple[str, ...]:
    """The expression names of ``path``, in order (a name used twice is listed twice)."""
    return tuple(name for _, name in template_parts(path) if name is not None)


def template_problem(path: str) -> str | None:
    """Why ``path`` is not a valid template (unbalanced or empty braces), or None.

    A name may appear twice (``/{id}/x/{id}``): both places hold the same value.
    """
    literals = "".join(text for text, _ in template_parts(path))
    if "{" in literals or "}" in literals:
        return "has a '{' or '}' that does not delimit a parameter name"
    names = template_names(path)
    if any(not name for name in names):
        return "has an empty '{}'"
    return None
