"""The live round trip's server side: a generic implementation of every generated Protocol.

:func:`implementations` binds an :class:`Implementation` to every group ``create_app``
takes. Each method records what it received (a :class:`Received` in the journal) and
answers a value valid for the operation's first documented 2xx response: a fixed-status
wrapper (``Created(...)``), a plain value, or else ``WithStatus`` of the route's default
status (a ``2XX`` range, a ``default``-only operation), built by ``live_values``.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import inspect
import operator
import pkgutil
import types
import typing
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from live_values import CannotBuild, value_for


@dataclass
class Received:
    """One call an implementation served: its operation, arguments and answer."""

    operation_id: str
    arguments: dict[str, Any]
    reply: Any


class _AllScopes(Collection[str]):
    """A principal's scopes that include every scope (the harness checks data, not access)."""

    def __contains__(self, item: object) -> bool:
        return True

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


@dataclass(frozen=True)
class Principal:
    """The principal every request authenticates as (every scope granted)."""

    subject: str = "live"
    scopes: Collection[str] = dataclasses.field(default_factory=_AllScopes)


class Implementation:
    """A generic implementation of one server Protocol: records each call, answers a valid reply."""

    def __init__(
        self,
        protocol: type,
        namespace: dict[str, Any],
        journal: list[Received],
        routes: dict[str, Any],
    ) -> None:
        self._protocol = protocol
        self._namespace = namespace
        self._journal = journal
        self._routes = routes

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = getattr(self._protocol, name)
        signature = inspect.signature(method)
        returns = typing.get_type_hints(method, self._namespace, include_extras=True)["return"]

        async def serve_call(*args: Any, **kwargs: Any) -> Any:
            bound = signature.bind(None, *args, **kwargs).arguments
            context = bound.pop("context")
            bound.pop("self")
            arguments = {key: await _read_uploads(value) for key, value in bound.items()}
            try:
                reply = _reply_for(returns, self._routes.get(context.operation_id))
            except CannotBuild as error:  # counted as unbuildable by call_operation
                self._journal.append(Received(context.operation_id, arguments, error))
                raise
            self._journal.append(Received(context.operation_id, arguments, reply))
            return reply

        return serve_call


def _reply_for(returns: Any, route: Any = None) -> Any:
    """A value for a Protocol method's return type: the first 2xx status wrapper's, a plain one,
    or else a ``WithStatus`` (a ``2XX`` range, ``default``) of the route's default status."""
    members = typing.get_args(returns) if _is_union(returns) else (returns,)
    wrapped = [m for m in members if isinstance(typing.get_origin(m) or m, type) and _status(m)]
    for member in wrapped:
        status = _status(member)
        if status is not None and 200 <= status < 300:
            body_type = (typing.get_args(member) or (None,))[0]
            body = None if status in (204, 205) else value_for(body_type)
            return (typing.get_origin(member) or member)(body)
    explicit = [m for m in members if _explicit_status(m)]
    plain_members = [m for m in members if m not in wrapped and m not in explicit]
    if plain_members:
        return value_for(functools.reduce(operator.or_, plain_members))
    if explicit and route is not None and 200 <= route.status_code < 300:
        body_type = route.body_type_for(route.status_code)
        body = None if body_type is None else value_for(body_type)
        return (typing.get_origin(explicit[0]) or explicit[0])(route.status_code, body)
    raise CannotBuild(f"no 2xx status among {returns!r}")


def _explicit_status(tp: Any) -> bool:
    """True for ``WithStatus[...]``: a wrapper given its status when made (a range, ``default``)."""
    return isinstance(getattr(typing.get_origin(tp) or tp, "status_code", None), property)


def _is_union(tp: Any) -> bool:
    return typing.get_origin(tp) in (typing.Union, types.UnionType)


def _status(tp: Any) -> int | None:
    code = getattr(typing.get_origin(tp) or tp, "status_code", None)
    return code if isinstance(code, int) else None


async def _read_uploads(value: Any) -> Any:
    """An uploaded file's bytes (an ``UploadFile`` is read before the request ends)."""
    if hasattr(value, "read") and inspect.iscoroutinefunction(value.read):
        return await value.read()
    if isinstance(value, list):
        return [await _read_uploads(item) for item in value]
    return value


def implementations(server_package: ModuleType, journal: list[Received]) -> dict[str, Any]:
    """A generic :class:`Implementation` for every group ``create_app`` binds."""
    interfaces = importlib.import_module(f"{server_package.__name__}.interfaces")
    namespace = vars(interfaces)
    groups = typing.get_type_hints(interfaces.Implementations, namespace)
    routes = server_routes(server_package)
    bound: dict[str, Any] = {}
    for group, hint in groups.items():
        protocol = next(m for m in typing.get_args(hint) if m is not type(None))
        bound[group] = Implementation(protocol, namespace, journal, routes)
    return bound


def server_routes(server_package: ModuleType) -> dict[str, Any]:
    """Each operation's ``rt.Route`` (default status, documented bodies), by operationId."""
    runtime = importlib.import_module(f"{server_package.__name__}.runtime")
    package = importlib.import_module(f"{server_package.__name__}.routes")
    found: dict[str, Any] = {}
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for value in vars(module).values():
            if isinstance(value, runtime.Route):
                found[value.operation_id] = value
    return found
