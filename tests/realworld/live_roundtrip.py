"""Live round trip: every operation of a spec, called through its generated client on its generated server.

For one spec, :func:`run_spec` generates both packages, binds a generic implementation to
every server group (``live_implementation``: each method records what it received and
answers a value valid for the operation's first documented 2xx response, built by
``live_values``), serves the app on uvicorn at 127.0.0.1 (``live_server.serve``) and
calls every operation of the sync client with valid arguments (every parameter and the
body, optional ones included when a value can be built). Each call must succeed, return a
value valid for the method's return type and equal to what the implementation answered,
and the implementation must have received exactly what the client sent. An operation is
counted as ``unbuildable``, with its cause, never dropped, when its required arguments or
its reply cannot be built, or by design: it documents error statuses only
(``no-success``), or none of its security schemes is supported (``unsupported-security``:
the server answers 401, as the generator's warning of that name says).

Whole corpus, on demand (a few minutes on 2 cores)::

    .venv/bin/python -m tests.realworld.live_roundtrip ../shared/specs [--only SUBSTR] [-v]

``tests/realworld/test_live_roundtrip.py`` runs a cheap subset in the normal suite.
"""

from __future__ import annotations

import enum
import importlib
import inspect
import io
import sys
import typing
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pydantic
import pydantic_core

for _folder in (Path(__file__).resolve().parent, Path(__file__).resolve().parents[1]):
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))

from apiforge_testkit import Generated, generate, load
from live_implementation import Principal, Received, implementations
from live_server import serve
from live_values import CannotBuild, adapter, valid, value_for

SECRET = "live-token"
BASIC = ("live-user", "live-password")
# A hang guard, not a speed check: the server builds each reply while the client waits,
# and a pattern hypothesis must match can take many seconds on a loaded machine (20 s
# timed out getsandbox, linode and openbanking operations, and the late call then
# showed up in the next operation's journal).
CALL_TIMEOUT = 120.0


@dataclass
class Outcome:
    """One operation's result: ``passed``, ``failed`` (with a cause) or ``unbuildable``."""

    operation_id: str
    status: str
    cause: str = ""
    detail: str = ""


@dataclass
class SpecResult:
    """Every operation outcome of one spec (``error`` when it did not get as far as calling)."""

    spec: str
    outcomes: list[Outcome] = field(default_factory=list)
    error: str = ""

    def count(self, status: str) -> int:
        """How many operations ended with ``status``."""
        return sum(outcome.status == status for outcome in self.outcomes)


def plain(value: Any) -> Any:
    """``value`` as JSON-like data, for comparing what one side sent with what the other got."""
    if isinstance(value, pydantic.BaseModel):
        return plain(value.model_dump(by_alias=True, exclude_unset=True))
    if hasattr(value, "body") and hasattr(value, "status_code"):  # a server status wrapper
        return plain(value.body)
    if isinstance(value, enum.Enum):
        return plain(value.value)
    if isinstance(value, dict):
        return {plain(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, set | frozenset):
        return sorted((plain(item) for item in value), key=repr)
    if isinstance(value, io.BytesIO):
        return value.getvalue()
    if isinstance(value, bytes | str | int | float | bool) or value is None:
        return value
    return pydantic_core.to_jsonable_python(value)


@dataclass
class _Operation:
    operation_id: str
    method: Callable[..., Any]
    descriptor: Any  # the client's ``rt.Operation``


def client_operations(client_package: ModuleType, client: Any) -> list[_Operation]:
    """Every operation method of the sync client and its resources (not the ``*_all`` page iterators)."""
    import importlib
    import pkgutil

    resources = importlib.import_module(f"{client_package.__name__}.client")
    found: list[_Operation] = []
    for info in pkgutil.iter_modules(resources.__path__):
        module = importlib.import_module(f"{resources.__name__}.{info.name}")
        for cls in vars(module).values():
            if not _is_sync_resource(cls, module):
                continue
            instance = client if cls is type(client) else cls(client)
            for name, function in vars(cls).items():
                code = getattr(function, "__code__", None)
                if code is None or "_call" not in code.co_names:
                    continue
                constants = [vars(module).get(n) for n in code.co_names]
                op = next(c for c in constants if type(c).__name__ == "Operation")
                found.append(_Operation(op.operation_id, getattr(instance, name), op))
    return found


def _is_sync_resource(cls: Any, module: ModuleType) -> bool:
    return (
        isinstance(cls, type)
        and cls.__module__ == module.__name__
        and (cls.__name__.endswith("Resource") or cls.__name__ == "Client")  # root operations
        and not cls.__name__.startswith("Async")
    )


def _arguments(
    method: Callable[..., Any], server_hints: dict[str, Any], skipped: Collection[str] = ()
) -> dict[str, Any]:
    """Values for every parameter of a client method (optional ones when buildable).

    Each value is built from the server route's type for the same argument where there is
    one (it carries the spec's constraints: lengths, patterns, ranges, which the client's
    lenient types leave out), then read as the client's type; else from the client's type.
    ``skipped``: arguments the caller gives (see :func:`_media_type`).
    """
    hints = typing.get_type_hints(method, include_extras=True)
    arguments: dict[str, Any] = {}
    for name, parameter in inspect.signature(method).parameters.items():
        if name == "request_options" or name in skipped:
            continue
        if parameter.default is inspect.Parameter.empty:
            arguments[name] = _argument(hints[name], server_hints.get(name))
            continue
        try:
            value = _argument(hints[name], server_hints.get(name))
        except CannotBuild:
            continue
        if value is not None:
            arguments[name] = value
    return arguments


def _media_type(descriptor: Any) -> str | None:
    """A concrete media type within the body's range (``image/*``), or None when it is none."""
    media = getattr(descriptor.body, "media_type", "").split(";")[0].strip().lower()
    if "*" not in media:
        return None
    kind = media.split("/")[0]
    return "application/octet-stream" if kind == "*" else f"{kind}/x-apiforge-live"


def _argument(client_hint: Any, server_hint: Any) -> Any:
    if server_hint is not None:
        try:
            built = plain(value_for(server_hint))
            return adapter(client_hint).validate_python(built)
        except (CannotBuild, pydantic.ValidationError):
            pass
    return value_for(client_hint)


def route_hints(app: Any, runtime: ModuleType) -> dict[str, dict[str, Any]]:
    """Each route's endpoint argument types (``Annotated`` with the spec's constraints), by operationId."""
    runtime.build_routes(app.router)
    found: dict[str, dict[str, Any]] = {}
    for route in app.router.routes:
        operation_id = getattr(route, "operation_id", None)
        if operation_id:
            try:
                found[operation_id] = typing.get_type_hints(route.endpoint, include_extras=True)
            except Exception:  # noqa: BLE001 -- an annotation that does not resolve: client types then
                found[operation_id] = {}
    return found


def call_operation(
    operation: _Operation,
    journal: list[Received],
    server_hints: dict[str, Any],
    refused: bool = False,
) -> Outcome:
    """Call one operation with built arguments and check what both sides saw (``refused``:
    the server refuses every call, its security schemes being unsupported)."""
    oid = operation.operation_id
    if not operation.descriptor.responses and operation.descriptor.errors:
        return Outcome(oid, "unbuildable", "no-success", "the spec documents error statuses only")
    if refused:
        detail = (
            "no supported security scheme: the server answers 401 (warning unsupported-security)"
        )
        return Outcome(oid, "unbuildable", "unsupported-security", detail)
    media_type = _media_type(operation.descriptor)  # the server sees it, not as an argument
    typed = {"content_type": media_type} if media_type else {}
    try:
        arguments = _arguments(operation.method, server_hints, typed)
    except CannotBuild as error:
        return Outcome(oid, "unbuildable", "arguments", str(error)[:300])
    sent = {name: plain(value) for name, value in arguments.items()}
    before = len(journal)
    try:
        result = operation.method(**arguments, **typed)
    except Exception as error:  # noqa: BLE001 -- every failure is an outcome with its cause
        served = journal[before:]
        if served and isinstance(served[-1].reply, CannotBuild):
            return Outcome(oid, "unbuildable", "reply", str(served[-1].reply)[:300])
        where = "after-serving" if served else "before-serving"
        return Outcome(
            oid, "failed", f"client-raised-{where}", f"{type(error).__name__}: {error}"[:600]
        )
    served = journal[before:]
    if len(served) != 1 or served[0].operation_id != oid:
        return Outcome(oid, "failed", "not-received", repr([s.operation_id for s in served]))
    received = served[0]
    differing = {
        name: (value, plain(received.arguments.get(name, "<absent>")))
        for name, value in sent.items()
        if plain(received.arguments.get(name, "<absent>")) != value
    }
    if differing:
        return Outcome(oid, "failed", "arguments-differ", repr(differing)[:600])
    returns = typing.get_type_hints(operation.method, include_extras=True)["return"]
    if not valid(returns, result):
        return Outcome(oid, "failed", "reply-invalid", f"{result!r} is no {returns!r}"[:600])
    if operation.descriptor.method != "HEAD" and plain(result) != plain(
        received.reply
    ):  # HEAD: no body
        return Outcome(
            oid,
            "failed",
            "reply-differs",
            f"sent {plain(received.reply)!r}, got {plain(result)!r}"[:600],
        )
    return Outcome(oid, "passed")


def _refuses_every_call(hints: dict[str, Any], runtime: ModuleType) -> bool:
    """True when a route's argument carries ``rt.UNSUPPORTED_SECURITY`` (it answers 401)."""
    return any(
        any(meta is runtime.UNSUPPORTED_SECURITY for meta in typing.get_args(hint)[1:])
        for hint in hints.values()
        if typing.get_origin(hint) is typing.Annotated
    )


def credentials(client_package: ModuleType) -> dict[str, Any]:
    """A secret for every security scheme the client knows (the server accepts any)."""
    import importlib

    module = importlib.import_module(f"{client_package.__name__}.client._client")
    schemes = getattr(module, "SECURITY_SCHEMES", {})
    return {name: BASIC if scheme.kind == "basic" else SECRET for name, scheme in schemes.items()}


def run_generated(generated: Generated) -> SpecResult:
    """Serve one generated pair and call every operation of its client (see the module docstring)."""
    result = SpecResult(generated.name)
    client_package, server_package = load(generated)
    journal: list[Received] = []
    app = server_package.create_app(
        **implementations(server_package, journal), authenticate=lambda credential: Principal()
    )
    runtime = importlib.import_module(f"{server_package.__name__}.runtime")
    server_hints = route_hints(app, runtime)
    secrets = credentials(client_package)
    options: dict[str, Any] = {"credentials": secrets} if secrets else {}
    with (
        serve(app) as url,
        client_package.Client(
            base_url=url, max_retries=0, timeout=CALL_TIMEOUT, **options
        ) as client,
    ):
        operations = client_operations(client_package, client)
        for operation in operations:
            hints = server_hints.get(operation.operation_id, {})
            refused = _refuses_every_call(hints, runtime)
            result.outcomes.append(call_operation(operation, journal, hints, refused))
    called = {operation.operation_id for operation in operations}
    result.outcomes.extend(
        Outcome(oid, "failed", "no-client-method", "the server serves it, the client has no method")
        for oid in server_hints
        if oid not in called
    )
    return result


def run_spec(spec: Path, out: Path, name: str) -> SpecResult:
    """Generate ``spec`` under ``out`` as packages ``<name>_client``/``<name>_server`` and run it."""
    generated = generate(spec, out, name)
    if not generated.ok:
        return SpecResult(name, error="generation stopped: " + generated.report().splitlines()[0])
    return run_generated(generated)


if __name__ == "__main__":
    from live_corpus import main

    raise SystemExit(main(sys.argv[1:]))
