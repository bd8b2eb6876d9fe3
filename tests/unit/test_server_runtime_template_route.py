"""The path patterns of the server runtime's :class:`TemplateRoute` (template_route.py).

A segment holding several parameters is matched without backtracking (a long path cannot
hold the event loop), and the raw path's literal text accepts an escaped spelling only
where the escape means the same character.
"""

from __future__ import annotations

import importlib
import multiprocessing
import sys
from pathlib import Path
from typing import Any

from fastapi import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Match

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: shared helpers
from server_runtime_loader import load_server_runtime

load_server_runtime()
template_route = importlib.import_module("apiforge_fake_server._runtime.template_route")
RAW_PATH_PARAMS = template_route.RAW_PATH_PARAMS


async def _endpoint(request: Request) -> Response:
    return JSONResponse({})


def _match(template: str, raw_path: str) -> tuple[Match, dict[str, Any]]:
    """``TemplateRoute(template).matches`` for a GET of ``raw_path`` (its path decoded)."""
    route = template_route.TemplateRoute(template, _endpoint, methods=["GET"])
    scope = {
        "type": "http",
        "method": "GET",
        "path": template_route.unquote(raw_path),
        "raw_path": raw_path.encode("ascii"),
        "root_path": "",
    }
    return route.matches(scope)


def _refused_in_time(template: str, raw_path: str) -> bool:
    """True when :func:`_match` finds no match within 10 s, in a forked process (a regex
    holds the GIL, so a thread could not be abandoned; a pattern that backtracks would take
    hours on these paths)."""
    child = multiprocessing.get_context("fork").Process(
        target=lambda: sys.exit(0 if _match(template, raw_path)[0] is Match.NONE else 1)
    )
    child.start()
    child.join(10)
    if child.exitcode is None:
        child.kill()
        child.join()
        return False
    return child.exitcode == 0


def test_a_long_segment_of_delimiters_is_refused_without_backtracking() -> None:
    """Three parameters joined by ``-`` and 20 000 dashes: no match, promptly (the raw
    path's pattern too: the ``%20`` makes the route read it)."""
    dashes = "-" * 20_000
    for raw_path in (f"/deep/{dashes}/y", f"/deep/{dashes}%20/y", f"/files/{'.' * 20_000}/"):
        template = "/files/{name}.{ext}" if raw_path.startswith("/files") else "/deep/{a}-{b}-{c}/x"
        assert _refused_in_time(template, raw_path), raw_path[:12]


def test_each_parameter_ends_at_the_first_occurrence_of_the_literal_after_it() -> None:
    match, child = _match("/deep/{a}-{b}-{c}/x", "/deep/--x-y-z%20/x")
    assert match is Match.FULL
    assert child["path_params"] == {"a": "-", "b": "x", "c": "y-z "}
    assert child[RAW_PATH_PARAMS] == {"a": "-", "b": "x", "c": "y-z%20"}


def test_an_escaped_delimiter_of_the_template_is_data() -> None:
    """``%3A`` is not the template's ``:`` (RFC 3986: a reserved character's escape is
    data); an unreserved character's escape (``%2E`` for ``.``) is the character."""
    _, child = _match("/pair/{xs}:{ys}", "/pair/a%3Ab:c")
    assert child[RAW_PATH_PARAMS] == {"xs": "a%3Ab", "ys": "c"}
    _, child = _match("/files/{name}.{ext}", "/files/a%20b%2Ec")
    assert child[RAW_PATH_PARAMS] == {"name": "a%20b", "ext": "c"}
