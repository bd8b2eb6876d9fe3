"""The route class of an apiforge-generated server: any RFC 6570 level-1 path template the spec gives.

Part of the server runtime package (``<pkg>/_runtime/template_route.py``, copied verbatim);
every generated route is a :class:`TemplateRoute` (the group routers' ``route_class``).
"""

from __future__ import annotations

import re
from typing import Any

from fastapi.routing import APIRoute
from starlette.convertors import StringConvertor
from starlette.routing import Match
from starlette.types import Scope

from .bodies import build_body_validator

__all__ = ["PLACEHOLDER", "STARLETTE_NAME", "TemplateRoute"]

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")  # a path template's {name}
STARLETTE_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")  # a name Starlette's templates accept


class TemplateRoute(APIRoute):
    """An APIRoute matching any RFC 6570 level-1 path template the spec gives.

    Starlette only recognises ``{identifier}`` placeholders and matches each greedily. A
    route whose template spells another name (``{item-id}``) or holds several parameters
    in one segment (``/compare/{base}...{head}``, ``/v{version}-{id}``) is matched with its
    own pattern: numbered placeholders, and every parameter followed by another one in the
    same segment ends at the first occurrence of the literal text between them (so
    ``v7-x-1`` is version ``7``, id ``x-1``). The values are handed on under the spec's
    names, so FastAPI (reading ``Path(alias=...)``) and ``app.openapi()`` keep the spec's
    path and names. A name used twice (``/{id}/copy/{id}``) must match the same text twice.
    """

    def __init__(self, path: str, endpoint: Any, **kwargs: Any) -> None:
        pieces = PLACEHOLDER.split(path)  # literal, name, literal, name, ..., literal
        names = pieces[1::2]
        repeated = len(set(names)) < len(names)
        if repeated:  # Starlette refuses a name used twice: hand it a template without repeats
            unique = [pieces[0]]
            for index, name in enumerate(names):
                unique += ["{" + (name if names.index(name) == index else f"repeat_{index}") + "}"]
                unique += [pieces[2 * index + 2]]
            super().__init__("".join(unique), endpoint, **kwargs)
            self.path = self.path_format = path  # documented as the spec spells it
        else:
            super().__init__(path, endpoint, **kwargs)
        build_body_validator(self)
        self.spec_names: dict[str, str] = {}
        crowded = any("/" not in literal for literal in pieces[2:-1:2])
        if not repeated and not crowded and all(STARLETTE_NAME.fullmatch(n) for n in names):
            return
        pattern = "^" + re.escape(pieces[0])
        tokens: dict[str, str] = {}
        for index, name in enumerate(names):
            following = pieces[2 * index + 2]
            if name in tokens:  # the same variable again: the same text (RFC 6570)
                pattern += f"(?P={tokens[name]})" + re.escape(following)
                continue
            token = tokens[name] = f"apiforge_param_{index}"
            self.spec_names[token] = name
            lazy = "?" if index + 1 < len(names) and "/" not in following else ""
            pattern += f"(?P<{token}>[^/]+{lazy})" + re.escape(following)
        self.path_regex = re.compile(pattern + "$")
        self.param_convertors = {token: StringConvertor() for token in self.spec_names}

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        """Starlette's match, with numbered parameters renamed to the spec's names."""
        match, child = super().matches(scope)
        if self.spec_names and match is not Match.NONE:
            names = self.spec_names
            child["path_params"] = {
                names.get(key, key): value for key, value in child["path_params"].items()
            }
        return match, child
