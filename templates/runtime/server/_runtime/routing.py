"""Routes built on first use, and route lookup by index, for an apiforge-generated server.

Part of the server runtime package (``<pkg>/_runtime/routing.py``, copied verbatim);
``create_app`` puts :class:`LazyRoute` placeholders on the app's router
(:func:`lazy_routes`) and calls :func:`index_routes` on it.

Routes built on first use
-------------------------
FastAPI builds a route's dependant, parameter fields and response model (pydantic
``TypeAdapter``s, model schemas) when the route is added, which for thousands of
operations costs seconds at start-up. ``create_app`` adds one :class:`LazyRoute` per
operation instead: it knows its path template and endpoint name, and the first time a
request could be for it (or anything asks for another attribute) it imports its resource
group's module and builds the whole group's real routes, then hands everything to its
own. A placeholder of a plain template (``/a/{b}``) answers ``Match.NONE`` without
building for paths of another shape (the real route, a :class:`TemplateRoute` as the group's
router makes it, could not match them: the same reasoning as the index's, below), so a
request builds only the groups of routes of its shape. A group is built at most once, with
no ``await`` in between, so concurrent first requests cannot build it twice.
The runtime's ``build_routes`` swaps every placeholder of a router for its real route
(:meth:`LazyRoute.materialize`): what the round-trip tests and anyone reading
``app.routes`` as ``APIRoute`` objects need.

Starlette finds a request's route by calling every route's ``matches`` in order until one
matches: with a few dozen operations that scan is most of a small request's cost. Most
routes can only match paths of one shape: a number of ``/``-separated segments, some of
them fixed words. :func:`index_routes` puts an ASGI app in front of the router that
indexes the route list once and, per request, hands the router's own ``app`` (the normal
matching loop, redirects, 404/405) a copy of the router whose ``routes`` are only the
routes that could match, in their original order.

Why the answers are the same as without the index
-------------------------------------------------
Every route that could match the request path, or the path with its trailing slashes
toggled (``redirect_slashes``), is a candidate; a route left out answers ``Match.NONE``
to both, so dropping it changes neither the first full or partial match nor the redirect
decision. A route's template can only match a path whose segments line up with its own
(its parameters' convertors - ``str``, ``int``, ``float``, ``uuid`` - match no ``/``), so
candidates are found by the segment count (trailing slashes ignored) and the fixed
segments. A :class:`TemplateRoute` matches the path as the client encoded it, where a
``%2F`` stays within its segment (``raw_route_path``), so that spelling is looked up too.
Anything else is a candidate for every path: mounts, included routers,
``{x:path}`` and custom convertors, route classes with their own ``matches``. Requests
that are not HTTP and paths holding a newline (a regex ``$`` matches before one) use the
full route list. The index is rebuilt whenever the route list changes (routes are told
apart by identity), and the copies whenever one of the router's attributes does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import is_
from typing import Any

from fastapi.routing import APIRoute, APIRouter
from starlette._utils import get_route_path
from starlette.convertors import (
    Convertor,
    FloatConvertor,
    IntegerConvertor,
    StringConvertor,
    UUIDConvertor,
)
from starlette.routing import (
    BaseRoute,
    Match,
    NoMatchFound,
    Route,
    Router,
    compile_path,
)
from starlette.types import Receive, Scope, Send

from .template_route import (
    PERCENT,
    PLACEHOLDER,
    STARLETTE_NAME,
    TemplateRoute,
    raw_route_path,
)

__all__ = ["LazyRoute", "concrete_first", "index_routes", "lazy_routes"]

# Convertors whose regex cannot match "/": a parameter stays within its segment.
_SEGMENT_CONVERTORS = (StringConvertor, IntegerConvertor, FloatConvertor, UUIDConvertor)
_MAX_CACHED = 4096


class _LazyGroup:
    """One resource group's routes, built by ``add`` (which imports the group's module) once."""

    def __init__(self, add: Callable[[APIRouter], None]) -> None:
        self._add = add
        self._routes: list[BaseRoute] | None = None

    def routes(self) -> list[BaseRoute]:
        """The group's real routes, in the order it adds them (built on the first call)."""
        if self._routes is None:
            router = APIRouter(route_class=TemplateRoute)
            self._add(router)
            self._routes = list(router.routes)
        return self._routes


class LazyRoute(BaseRoute):
    """A placeholder for one generated route, built with its group on first use.

    ``path`` and ``name`` are known up front; ``matches``, ``handle`` and ``url_path_for``
    answer exactly as the real route (see the module docstring), and any other attribute
    (``endpoint``, ``methods``, ``dependant``...) is read from the built route.
    """

    _built: BaseRoute | None = None
    _shape: list[str | None] | None = None  # segments of a plain template; see segments()
    _shaped: bool = False

    def __init__(self, group: _LazyGroup, position: int, path: str, name: str) -> None:
        self._group = group
        self._position = position
        self.path = path
        self.name = name

    @property
    def route(self) -> BaseRoute:
        """The real route (the group is built on the first access)."""
        built = self._built
        if built is None:
            built = self._built = self._group.routes()[self._position]
            real_path = getattr(built, "path", None)
            if real_path != self.path:
                raise RuntimeError(f"route table out of step: {self.path!r} != {real_path!r}")
        return built

    def materialize(self) -> BaseRoute:
        """The real route, to put in this placeholder's place (see the runtime's ``build_routes``)."""
        return self.route

    def segments(self) -> list[str | None] | None:
        """The template's segments (None: a parameter) when a path of another shape cannot
        match it (``{identifier}`` placeholders, each alone in its segment); else None."""
        if not self._shaped:
            self._shape = _plain_segments(self.path)
            self._shaped = True
        return self._shape

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        """The real route's answer; ``Match.NONE`` without building when it cannot match."""
        if scope["type"] != "http":
            return Match.NONE, {}
        shape = self.segments()
        path = get_route_path(scope)
        if shape is not None and "\n" not in path and not _fits(shape, path):
            raw = scope.get("raw_path")  # "%2F" within a segment: see TemplateRoute
            if not (isinstance(raw, bytes) and PERCENT in raw):
                return Match.NONE, {}
            encoded = raw_route_path(scope)
            if encoded is None or not _fits(shape, encoded):
                return Match.NONE, {}
        return self.route.matches(scope)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handled by the real route."""
        await self.route.handle(scope, receive, send)

    def url_path_for(self, name: str, /, **path_params: Any) -> Any:
        """The real route's URL for ``name``; only this route's name can match."""
        if name != self.name:
            raise NoMatchFound(name, path_params)
        return self.route.url_path_for(name, **path_params)

    def __getattr__(self, attribute: str) -> Any:
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        return getattr(self.route, attribute)

    def __repr__(self) -> str:
        return f"LazyRoute(path={self.path!r}, name={self.name!r}, built={self._built is not None})"


def lazy_routes(
    groups: Sequence[tuple[int, Callable[[APIRouter], None]]],
    paths: Sequence[str],
    names: Sequence[str],
) -> list[BaseRoute]:
    """One :class:`LazyRoute` per route, in order.

    Args:
        groups: per resource group, how many routes it adds and a function adding them,
            in the order of ``paths``, to a router.
        paths: every route's path template, group after group.
        names: every route's endpoint name, in the same order.
    """
    if sum(size for size, _ in groups) != len(paths) or len(paths) != len(names):
        raise ValueError("the route table and its groups do not line up")
    routes: list[BaseRoute] = []
    for size, add in groups:
        group = _LazyGroup(add)
        start = len(routes)
        routes += [LazyRoute(group, n, paths[start + n], names[start + n]) for n in range(size)]
    return routes


def concrete_first(routes: Sequence[BaseRoute]) -> list[BaseRoute]:
    """``routes`` in order, except that each moves before the first route whose template
    also matches every path of its own but is less concrete (OpenAPI: "concrete paths are
    matched before their templated counterparts"): ``/nodes/deleted`` before ``/nodes/{id}``
    whatever the spec's order. Routes that do not overlap keep their order.
    """
    ordered: list[BaseRoute] = []
    seen: dict[tuple[str | None, ...], list[int]] = {}  # template segments -> route ids
    masks: dict[int, set[int]] = {}  # segment count -> the parameter positions seen (bits)
    for route in routes:
        path = getattr(route, "path", None)
        shape = tuple(_plain_segments(path) or ()) if isinstance(path, str) else ()
        own = sum(1 << i for i, word in enumerate(shape) if word is None)
        shadowing = {  # routes whose template is this one with some words made parameters
            key
            for mask in masks.get(len(shape), ())
            if mask & own == own and mask != own
            for key in seen.get(_general(shape, mask), ())
        }
        if shadowing:
            ordered.insert(next(i for i, r in enumerate(ordered) if id(r) in shadowing), route)
        else:
            ordered.append(route)
        if shape:
            seen.setdefault(shape, []).append(id(route))
            masks.setdefault(len(shape), set()).add(own)
    return ordered


def _general(shape: tuple[str | None, ...], mask: int) -> tuple[str | None, ...]:
    """``shape`` with the segments ``mask``'s bits name made parameters."""
    return tuple(None if mask >> i & 1 else word for i, word in enumerate(shape))


def _fits(shape: list[str | None], path: str) -> bool:
    """Whether ``path`` (trailing slashes ignored) has the segments of ``shape``: the same
    number, and the same word wherever ``shape`` has one."""
    parts = path.rstrip("/").split("/")
    return len(parts) == len(shape) and all(
        word is None or word == part for word, part in zip(shape, parts)
    )


def _plain_segments(path: str) -> list[str | None] | None:
    """Segments of ``path`` without trailing slashes (None: a parameter) when Starlette's
    own ``{identifier}`` matching applies and each parameter stays within its segment."""
    pieces = PLACEHOLDER.split(path)
    names = pieces[1::2]
    if not path.startswith("/") or len(set(names)) < len(names):
        return None
    if any("/" not in literal for literal in pieces[2:-1:2]):
        return None
    if not all(STARLETTE_NAME.fullmatch(name) for name in names):
        return None
    return [None if "{" in part else part for part in path.rstrip("/").split("/")]


_PLAIN_MATCHES = (Route.matches, APIRoute.matches, TemplateRoute.matches)


def index_routes(router: Router) -> bool:
    """Make ``router`` look routes up by index; False (nothing changed) if it cannot.

    The router must still dispatch through its own ``app`` (no router-level middleware).
    """
    if router.__dict__.get("middleware_stack") != router.app:
        return False
    router.middleware_stack = IndexedDispatch(router)
    return True


class IndexedDispatch:
    """The ASGI app in front of ``router.app``: the same loop over the candidate routes only."""

    def __init__(self, router: Router) -> None:
        self.router = router
        self._routes: list[BaseRoute] = []  # what the index was built from
        self._index = _Index(self._routes)
        self._settings: dict[str, Any] = {}  # the router's attributes the subsets copy
        self._subsets: dict[int, Router] = {}  # candidate mask -> router over those routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        router = self.router
        path = scope.get("path")
        if scope["type"] != "http" or not isinstance(path, str) or "\n" in path:
            await router.app(scope, receive, send)
            return
        routes = router.routes
        if len(routes) != len(self._routes) or not all(map(is_, routes, self._routes)):
            self._routes = list(routes)
            self._index = _Index(self._routes)
            self._subsets.clear()
        if router.__dict__ != self._settings:
            self._settings = dict(router.__dict__)
            self._subsets.clear()
        mask = self._index.mask(path)
        root_path = scope.get("root_path")
        if root_path and isinstance(root_path, str) and path.startswith(root_path):
            mask |= self._index.mask(path[len(root_path) :])
        raw = raw_route_path(scope)
        if raw is not None:
            mask |= self._index.mask(raw)
        subset = self._subsets.get(mask)
        if subset is None:
            subset = self._subset(mask)
        if "router" not in scope:
            scope["router"] = router
        await subset.app(scope, receive, send)

    def _subset(self, mask: int) -> Router:
        """A copy of the router (its current attributes) whose routes are those in ``mask``."""
        if len(self._subsets) >= _MAX_CACHED:
            self._subsets.clear()
        subset = object.__new__(type(self.router))
        subset.__dict__.update(self._settings)
        subset.routes = [route for n, route in enumerate(self._routes) if mask >> n & 1]
        self._subsets[mask] = subset
        return subset


class _Bucket:
    """The routes of one segment count: which fixed word each has at each position."""

    def __init__(self) -> None:
        self.mask = 0
        self.words: dict[int, dict[str, int]] = {}  # position -> word -> routes with it there
        self.params: dict[int, int] = {}  # position -> routes with a parameter there

    def add(self, bit: int, segments: Sequence[str | None]) -> None:
        """Add the route ``bit`` with these segments (None: a parameter segment)."""
        self.mask |= bit
        for position, word in enumerate(segments):
            if word is None:
                self.params[position] = self.params.get(position, 0) | bit
            else:
                words = self.words.setdefault(position, {})
                words[word] = words.get(word, 0) | bit

    def checks(self) -> tuple[tuple[int, dict[str, int], int], ...]:
        """Per position with a fixed word: (position, word -> routes, routes with a parameter)."""
        return tuple(
            (position, words, self.params.get(position, 0))
            for position, words in sorted(self.words.items())
        )


class _Index:
    """Candidate routes by segment count and fixed segments, as bit masks over ``routes``."""

    def __init__(self, routes: Sequence[BaseRoute]) -> None:
        self.anywhere = 0  # routes that are candidates for every path
        buckets: dict[int, _Bucket] = {}
        for number, route in enumerate(routes):
            segments = _segments(route)
            if segments is None:
                self.anywhere |= 1 << number
            else:
                buckets.setdefault(len(segments), _Bucket()).add(1 << number, segments)
        self._buckets = {count: (b.mask, b.checks()) for count, b in buckets.items()}

    def mask(self, path: str) -> int:
        """The routes that could match ``path`` or ``path`` with trailing slashes toggled."""
        segments = path.rstrip("/").split("/")
        bucket = self._buckets.get(len(segments))
        if bucket is None:
            return self.anywhere
        mask, checks = bucket
        for position, words, params in checks:
            mask &= words.get(segments[position], 0) | params
            if not mask:
                break
        return mask | self.anywhere


def _segments(route: BaseRoute) -> list[str | None] | None:
    """The route's path segments without trailing slashes (None: a parameter), or None if
    the route could match paths of other shapes."""
    if type(route).matches is LazyRoute.matches:
        assert isinstance(route, LazyRoute)
        return route.segments()
    if not isinstance(route, Route) or type(route).matches not in _PLAIN_MATCHES:
        return None
    path = route.path
    if isinstance(route, TemplateRoute) and route.spec_names:
        return None  # matched by a pattern of its own
    if not path.startswith("/") or route.path_regex.pattern != compile_path(path)[0].pattern:
        return None
    if not all(_within_segment(c) for c in route.param_convertors.values()):
        return None
    return [None if "{" in part else part for part in path.rstrip("/").split("/")]


def _within_segment(convertor: Convertor[Any]) -> bool:
    """Whether the convertor's regex is one of Starlette's that never match ``/``."""
    kind = type(convertor)
    return kind in _SEGMENT_CONVERTORS and convertor.regex == kind.regex
