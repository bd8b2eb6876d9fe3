"""Requests/s of the generated PostHog server versus a hand-written FastAPI route.

Both apps serve ``GET /api/projects/{project_id}/dashboards/{id}/`` (dashboards
retrieve) with a bearer token check, returning the same in-memory
``DashboardResponse`` (from ``generated/posthog_server/.../models.py``):

- generated: ``create_app(dashboards=Impl(), authenticate=...)``, where
  ``Impl.retrieve`` returns the model;
- hand-written: one ``@app.get`` route with ``response_model=DashboardResponse``,
  ``response_model_exclude_unset=True``, ``Depends(HTTPBearer())`` and a token
  comparison (the issue's baseline);
- hand-written, same route table: that route inside an app with the generated
  app's 55 other paths as trivial routes, in the same order (FastAPI matches
  routes one by one, so a big API costs more per request whoever wrote it);
- generated, flat: the generated router's routes put on the app directly
  instead of ``app.include_router(...)`` (a prototype of a suggested fix);
- generated, unindexed: ``create_app`` with its route index
  (``posthog_server/_runtime/routing.py``) taken off again, so Starlette scans every route.

Each runs in its own uvicorn process (same settings, one worker, access log off)
on 127.0.0.1. Besides requests/s, each run reads the server process's CPU time
(``/proc/PID/stat``) and reports requests per CPU-second: what the server would serve on
a core of its own, much less disturbed by other processes on a shared machine. The load generator is ``wrk`` when it is on PATH (``apt-get install
wrk``), for a fixed duration; otherwise a built-in asyncio HTTP/1.1 keep-alive
client sending a fixed number of requests over a fixed number of connections.
Every wait and loop is bounded.

``--inprocess`` skips sockets and servers: it calls each app as an ASGI callable in
this process and reports CPU microseconds per request (steadier on a busy machine).
``--profile KIND`` runs those in-process calls of one app under cProfile and prints the
functions that cost most (``solve_dependencies`` calls per request show how deep
FastAPI solves the route's dependencies).

    python benchmarks/runtime_server.py [--duration 5] [--repeats 3] [--connections 32]
    python benchmarks/runtime_server.py --inprocess [--repeats 5] [--requests 3000]
    python benchmarks/runtime_server.py --profile generated [--requests 3000]
    python benchmarks/runtime_server.py serve generated|handwritten PORT   # (internal)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
TOKEN = "phx_bench_token"
PATH = "/api/projects/1/dashboards/42/"


KINDS = ("generated", "handwritten", "handwritten-table", "generated-flat", "generated-unindexed")


def build_app(kind: str) -> Any:
    """One of :data:`KINDS`; see the module docstring."""
    sys.path.insert(0, str(ROOT / "generated" / "posthog_server"))
    sys.path.insert(0, str(HERE))
    from fastapi import Depends, FastAPI, HTTPException
    from fastapi.routing import APIRoute
    from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
    from fixtures import DASHBOARD
    from posthog_server import create_app, create_router, runtime
    from posthog_server.models import DashboardResponse

    model = DashboardResponse.model_validate(DASHBOARD)
    principal = runtime.SimplePrincipal("bench", frozenset({"dashboard:read"}))

    class Dashboards:
        async def retrieve(self, project_id: str, id: int, *, context: Any) -> DashboardResponse:
            return model

    def authenticate(token: str) -> Any:
        return principal if token == TOKEN else None

    if kind in ("generated", "generated-unindexed"):
        app = create_app(dashboards=Dashboards(), authenticate=authenticate)  # type: ignore[arg-type]
        if kind == "generated-unindexed":  # Starlette's own dispatch again: every route scanned
            app.router.middleware_stack = app.router.app
        return app
    router = create_router(dashboards=Dashboards(), authenticate=authenticate)  # type: ignore[arg-type]
    if kind == "generated-flat":
        # Prototype of the suggested fix: the generated routes on the app itself, no include_router.
        app = FastAPI()
        app.router.routes.extend(router.routes)
        runtime.install_error_handlers(app)
        return app

    single = FastAPI()
    bearer = HTTPBearer()

    @single.get(
        "/api/projects/{project_id}/dashboards/{id}/",
        response_model=DashboardResponse,
        response_model_exclude_unset=True,  # the generated server omits unset fields too
    )
    async def dashboards_retrieve(
        project_id: str,
        id: int,
        credentials: HTTPAuthorizationCredentials = Depends(bearer),  # noqa: B008
    ) -> DashboardResponse:
        if credentials.credentials != TOKEN:
            raise HTTPException(status_code=401, detail="invalid token")
        return model

    if kind == "handwritten":
        return single
    # handwritten-table: the same hand-written route, inside a route table as long as the
    # generated one (every other operation a trivial route, same paths, same order).
    real = next(r for r in single.routes if isinstance(r, APIRoute))
    table = FastAPI()
    for route in router.routes:
        if not isinstance(route, APIRoute):
            continue
        if route.path == real.path and "GET" in route.methods:
            table.router.routes.append(real)
        else:
            table.add_api_route(route.path, _stub, methods=sorted(route.methods))
    return table


async def _stub() -> None:
    return None


def serve(kind: str, port: int) -> None:
    import uvicorn

    uvicorn.run(build_app(kind), host="127.0.0.1", port=port, log_level="warning", access_log=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(port: int, timeout: float = 2.0) -> tuple[int, bytes]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{PATH}", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.status, response.read()


def start(kind: str) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, __file__, "serve", kind, str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    for _ in range(300):  # at most ~30 s
        if proc.poll() is not None:
            raise RuntimeError(f"{kind} server exited: {proc.stderr.read().decode()[-500:]}")  # type: ignore[union-attr]
        try:
            status, _ = fetch(port, timeout=0.5)
            if status == 200:
                return proc, port
        except OSError:
            time.sleep(0.1)
    stop(proc)
    raise RuntimeError(f"{kind} server did not answer within 30 s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)


def wrk(port: int, duration: float, connections: int) -> tuple[float, int]:
    """Requests/s and the number of requests of one wrk run."""
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{duration:g}s",
            "-H",
            f"Authorization: Bearer {TOKEN}",
            f"http://127.0.0.1:{port}{PATH}",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=duration + 60,
    ).stdout
    if re.search(r"Non-2xx or 3xx responses: *\d+", out):
        raise RuntimeError("wrk saw non-2xx responses:\n" + out)
    match = re.search(r"Requests/sec:\s*([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    if not match or not total:
        raise RuntimeError("could not read wrk output:\n" + out)
    return float(match.group(1)), int(total.group(1))


async def _client(port: int, requests: int, connections: int) -> float:
    """A minimal HTTP/1.1 keep-alive load generator: ``requests`` in total over ``connections``."""
    raw = (
        f"GET {PATH} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {TOKEN}\r\n\r\n"
    ).encode()
    remaining = [requests]
    errors = [0]

    async def worker() -> None:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 10)
        try:
            while remaining[0] > 0:
                remaining[0] -= 1
                writer.write(raw)
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
                if not head.startswith(b"HTTP/1.1 200"):
                    errors[0] += 1
                length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))  # type: ignore[union-attr]
                await asyncio.wait_for(reader.readexactly(length), 10)
        finally:
            writer.close()

    start_time = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    elapsed = time.perf_counter() - start_time
    if errors[0]:
        raise RuntimeError(f"{errors[0]} non-200 responses")
    return requests / elapsed


USE_WRK = shutil.which("wrk") is not None


def load(port: int, duration: float, connections: int, requests: int) -> tuple[float, int]:
    """Requests/s and the number of requests of one load run."""
    if USE_WRK:
        return wrk(port, duration, connections)
    return asyncio.run(_client(port, requests, connections)), requests


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds used so far by process ``pid`` (None without Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(duration: float, repeats: int, connections: int, requests: int) -> dict[str, Any]:
    servers = {kind: start(kind) for kind in KINDS}
    try:
        bodies = {kind: json.loads(fetch(port)[1]) for kind, (_, port) in servers.items()}
        if any(body != bodies["handwritten"] for body in bodies.values()):
            raise RuntimeError("the servers answer different JSON")
        for _, port in servers.values():  # warm up
            load(port, min(duration, 1.0), connections, min(requests, 500))
        rates: dict[str, list[float]] = {kind: [] for kind in KINDS}
        per_cpu: dict[str, list[float]] = {kind: [] for kind in KINDS}
        for _ in range(repeats):  # interleaved, so drift hits every app alike
            for kind, (proc, port) in servers.items():
                before = cpu_seconds(proc.pid)
                rate, total = load(port, duration, connections, requests)
                after = cpu_seconds(proc.pid)
                rates[kind].append(rate)
                if before is not None and after is not None and after > before:
                    per_cpu[kind].append(total / (after - before))
    finally:
        for proc, _ in servers.values():
            stop(proc)
    rps = {kind: statistics.median(values) for kind, values in rates.items()}
    cpu = {kind: statistics.median(v) for kind, v in per_cpu.items() if len(v) == repeats}
    return {
        "load_generator": "wrk" if USE_WRK else "asyncio keep-alive client",
        "connections": connections,
        "duration_s": duration if USE_WRK else None,
        "requests": None if USE_WRK else requests,
        "rps": rps,
        "generated_rps": rps["generated"],
        "handwritten_rps": rps["handwritten"],
        "ratio": rps["generated"] / rps["handwritten"],
        "ratio_same_table": rps["generated"] / rps["handwritten-table"],
        "ratio_flat": rps["generated-flat"] / rps["handwritten"],
        "ratio_unindexed": rps["generated-unindexed"] / rps["handwritten"],
        "all": rates,
        # Requests per CPU-second of the server process: what one dedicated core would serve.
        # Steadier than req/s when other processes share the machine's cores.
        "requests_per_cpu_s": cpu,
        "cpu_ratio": cpu["generated"] / cpu["handwritten"] if len(cpu) == len(KINDS) else None,
        "cpu_ratio_same_table": (
            cpu["generated"] / cpu["handwritten-table"] if len(cpu) == len(KINDS) else None
        ),
        "cpu_ratio_unindexed": (
            cpu["generated-unindexed"] / cpu["handwritten"] if len(cpu) == len(KINDS) else None
        ),
        "all_per_cpu": per_cpu,
    }


async def _asgi_seconds(app: Any, requests: int) -> float:
    """CPU seconds of this process for ``requests`` sequential in-process ASGI calls of the
    benchmark request (CPU time: other load on a shared machine matters less than for wall time)."""
    template = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": PATH,
        "raw_path": PATH.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"127.0.0.1"), (b"authorization", f"Bearer {TOKEN}".encode())],
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8000),
    }
    statuses: list[int] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    start_time = time.process_time()
    for _ in range(requests):
        await app(dict(template), receive, send)
    elapsed = time.process_time() - start_time
    if set(statuses) != {200} or len(statuses) != requests:
        raise RuntimeError(f"unexpected statuses: {sorted(set(statuses))}")
    return elapsed


def measure_inprocess(repeats: int, requests: int) -> dict[str, Any]:
    """Microseconds per request of every app called in-process, interleaved repeats."""
    apps = {kind: build_app(kind) for kind in KINDS}
    loop = asyncio.new_event_loop()
    try:
        for app in apps.values():  # warm up
            loop.run_until_complete(_asgi_seconds(app, min(requests, 300)))
        micros: dict[str, list[float]] = {kind: [] for kind in KINDS}
        for _ in range(repeats):
            for kind, app in apps.items():
                seconds = loop.run_until_complete(_asgi_seconds(app, requests))
                micros[kind].append(seconds / requests * 1e6)
    finally:
        loop.close()
    us = {kind: statistics.median(values) for kind, values in micros.items()}
    return {
        "mode": "in-process ASGI, CPU time",
        "requests": requests,
        "us_per_request": us,
        # speed ratios (higher is faster), comparable to the req/s ratios of measure()
        "ratio": us["handwritten"] / us["generated"],
        "ratio_same_table": us["handwritten-table"] / us["generated"],
        "ratio_unindexed": us["handwritten"] / us["generated-unindexed"],
        "all": micros,
    }


def profile_inprocess(kind: str, requests: int, top: int = 30) -> str:
    """cProfile statistics (by own time, then cumulative) of ``requests`` in-process calls of one app."""
    import cProfile
    import io
    import pstats

    app = build_app(kind)
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(_asgi_seconds(app, min(requests, 300)))  # warm up
        profiler = cProfile.Profile()
        profiler.enable()
        loop.run_until_complete(_asgi_seconds(app, requests))
        profiler.disable()
    finally:
        loop.close()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return f"{kind}: {requests} requests\n" + out.getvalue()


def main() -> None:
    if len(sys.argv) >= 4 and sys.argv[1] == "serve":
        serve(sys.argv[2], int(sys.argv[3]))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per wrk run")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--requests", type=int, default=5000, help="per run, without wrk")
    parser.add_argument("--load", choices=("auto", "wrk", "asyncio"), default="auto")
    parser.add_argument("--inprocess", action="store_true", help="ASGI calls, no server")
    parser.add_argument("--profile", choices=KINDS, help="cProfile in-process calls of one app")
    args = parser.parse_args()
    if args.profile:
        print(profile_inprocess(args.profile, args.requests))
        return
    if args.inprocess:
        print(json.dumps(measure_inprocess(args.repeats, args.requests)))
        return
    global USE_WRK
    if args.load != "auto":
        USE_WRK = args.load == "wrk"
    print(json.dumps(measure(args.duration, args.repeats, args.connections, args.requests)))


if __name__ == "__main__":
    main()
