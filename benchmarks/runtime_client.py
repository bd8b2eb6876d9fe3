"""Per-call overhead of the generated PostHog client over a bare httpx call.

Both sides use the same ``httpx.Client`` on an in-process ``httpx.MockTransport``
that returns a canned JSON page (3 dashboards) with no network. The bare call is
``http.get(url, params=...)`` + ``response.json()``; the generated call is
``client.dashboards.list("1", limit=3)`` (path and query encoding, auth header,
retry bookkeeping, status mapping, pydantic validation into
``PaginatedDashboardBasicListResponse``). The bare call gets its query string
pre-built in the URL (httpx's own ``params=`` merging alone costs ~100 µs, more
than the whole generated layer), so the overhead is measured against the
cheapest httpx call there is. Overhead = generated - bare, per call;
each timing is the median of ``repeats`` timeit runs of ``number`` calls, in process
CPU time by default (``--timer wall`` for elapsed time, which on a shared machine also
counts the time spent waiting for a core). The four
variants run interleaved, so the ``*_paired_us`` overheads (the median over repeats of
generated - bare within one repeat) are the steadiest on a loaded machine.

    python benchmarks/runtime_client.py [--number 2000] [--repeats 7]   # prints JSON
    python benchmarks/runtime_client.py --client-dir /tmp/old/posthog_client  # another copy
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import timeit
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CLIENT_DIR = ROOT / "generated" / "posthog_client"
sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx
from fixtures import DASHBOARD_BYTES, PAGE_BYTES

BASE = "https://us.posthog.com"


def handler(request: httpx.Request) -> httpx.Response:
    body = PAGE_BYTES if request.url.path.endswith("/dashboards/") else DASHBOARD_BYTES
    return httpx.Response(200, content=body, headers={"content-type": "application/json"})


TIMERS = {"cpu": time.process_time, "wall": time.perf_counter}


def measure(number: int, repeats: int, timer: str = "cpu") -> dict[str, Any]:
    from posthog_client import Client

    http = httpx.Client(transport=httpx.MockTransport(handler), base_url=BASE)
    client = Client(base_url=BASE, api_key="phx_test", http_client=http)

    def bare_list() -> object:
        response = http.get(
            "/api/projects/1/dashboards/?limit=3", headers={"Authorization": "Bearer phx_test"}
        )
        response.raise_for_status()
        return response.json()

    def generated_list() -> object:
        return client.dashboards.list("1", limit=3)

    def bare_retrieve() -> object:
        response = http.get(
            "/api/projects/1/dashboards/42/", headers={"Authorization": "Bearer phx_test"}
        )
        response.raise_for_status()
        return response.json()

    def generated_retrieve() -> object:
        return client.dashboards.retrieve("1", 42)

    result = generated_list()
    assert len(result.results) == 3, result  # type: ignore[attr-defined]
    assert generated_retrieve().id == 42  # type: ignore[attr-defined]
    functions = {
        "bare_list": bare_list,
        "generated_list": generated_list,
        "bare_retrieve": bare_retrieve,
        "generated_retrieve": generated_retrieve,
    }
    timers = {name: timeit.Timer(fn, timer=TIMERS[timer]) for name, fn in functions.items()}
    for t in timers.values():
        t.timeit(number=max(1, number // 10))  # warm up
    times: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(repeats):  # interleaved, so background load hits every variant alike
        for name, t in timers.items():
            times[name].append(t.timeit(number=number))
    out: dict[str, Any] = {
        name + "_us": statistics.median(t) / number * 1e6 for name, t in times.items()
    }
    out["overhead_list_us"] = out["generated_list_us"] - out["bare_list_us"]
    out["overhead_retrieve_us"] = out["generated_retrieve_us"] - out["bare_retrieve_us"]
    for kind in ("list", "retrieve"):
        paired = [g - b for g, b in zip(times[f"generated_{kind}"], times[f"bare_{kind}"])]
        out[f"overhead_{kind}_paired_us"] = statistics.median(paired) / number * 1e6
    out["number"] = number
    out["repeats"] = repeats
    out["timer"] = timer
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--number", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument(
        "--client-dir",
        type=Path,
        default=DEFAULT_CLIENT_DIR,
        help="the directory holding the posthog_client package (default: generated/)",
    )
    parser.add_argument(
        "--timer",
        choices=sorted(TIMERS),
        default="cpu",
        help="cpu: process CPU time, blind to time spent waiting for a core on a shared "
        "machine (the default); wall: elapsed time",
    )
    args = parser.parse_args()
    sys.path.insert(0, str(args.client_dir.resolve()))
    print(json.dumps(measure(args.number, args.repeats, args.timer)))


if __name__ == "__main__":
    main()
