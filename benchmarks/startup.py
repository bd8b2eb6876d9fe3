"""Start-up cost of generated packages at scale (issue 15): does it grow with the spec?

For the 4-operation petstore (``petstore-expanded.yaml`` of the shared corpus) and the
synthetic 1,000- and 2,000-operation specs (``synth.py``), in one run:

- client: ``import <pkg>_client`` (fresh interpreter), then the first use of one resource;
- server: ``import <pkg>_server`` + ``create_app()``;
- ``app.openapi()``: first call and second call;
- server: the first request to one operation (its resource group's routes are built then,
  its models imported) and a second one;
- peak RSS of each measuring process; and a baseline interpreter importing only
  ``httpx``, ``pydantic`` and ``fastapi``.

Every figure is the median of ``--runs`` fresh processes, the specs interleaved so that
background load hits them alike. The generated packages are byte-compiled first, as
``pip install`` leaves them (``--source``: not, so every process compiles every module it
imports, as in a checkout run with ``PYTHONDONTWRITEBYTECODE=1``). Ratios are taken against
the petstore in the same run:

    .venv/bin/python benchmarks/startup.py [--runs 5] [--sizes 1000,2000] [--keep DIR] [--source]

Targets: client import ratio (2,000-op / petstore) <= 1.5x, create_app ratio <= 3x,
``app.openapi()`` after its first call < 5 ms.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PETSTORE = (
    REPO.parent
    / "shared"
    / "specs"
    / "oai-examples"
    / "examples"
    / "v3.0"
    / "petstore-expanded.yaml"
)

# Runs in a fresh interpreter: {paths}, {kind}, {package} are filled in. Prints one JSON line.
_PROBE = """
import json, resource, sys, time
sys.path[:0] = {paths!r}
figures = {{}}
start = time.perf_counter()
import httpx, pydantic, fastapi
figures["deps"] = time.perf_counter() - start
if {kind!r} == "client":
    start = time.perf_counter()
    import {package} as package
    figures["import"] = time.perf_counter() - start
    client = package.Client(base_url="http://127.0.0.1:9")
    start = time.perf_counter()
    resource_name = next(n for n in dir(type(client)) if isinstance(getattr(type(client), n), __import__("functools").cached_property))
    getattr(client, resource_name)
    figures["first_resource"] = time.perf_counter() - start
elif {kind!r} == "server":
    start = time.perf_counter()
    import {package} as package
    app = package.create_app()
    figures["create_app"] = time.perf_counter() - start
    start = time.perf_counter()
    document = app.openapi()
    figures["openapi_first"] = time.perf_counter() - start
    start = time.perf_counter()
    again = app.openapi()
    figures["openapi_second"] = time.perf_counter() - start
    assert again is document and document["paths"]
    import asyncio
    route = app.routes[-1]  # the last operation's route: its group is built on this request
    path = "/".join("1" if "{{" in part else part for part in route.path.split("/"))
    async def request():
        sent = []
        async def receive():
            return {{"type": "http.request", "body": b"", "more_body": False}}
        async def send(message):
            sent.append(message)
        scope = {{"type": "http", "method": sorted(route.methods)[0], "path": path, "root_path": "",
                 "query_string": b"", "headers": [], "http_version": "1.1"}}
        await app(scope, receive, send)
        return sent[0]["status"]
    start = time.perf_counter()
    asyncio.run(request())
    figures["first_request"] = time.perf_counter() - start
    start = time.perf_counter()
    asyncio.run(request())
    figures["second_request"] = time.perf_counter() - start
figures["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(figures))
"""


def _generate(spec: Path, out: Path, name: str) -> list[Path]:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "apiforge",
            "generate",
            str(spec),
            "--output",
            str(out),
            "--force",
            "--quiet",
            "--client-package",
            f"{name}_client",
            "--server-package",
            f"{name}_server",
        ],
        cwd=REPO,
        check=True,
        env=_env(),
    )
    return [out / f"{name}_client", out / f"{name}_server"]


def _env() -> dict[str, str]:
    import os

    return dict(os.environ, PYTHONPATH=str(REPO), APIFORGE_CACHE_DIR="off")


def _probe(paths: list[Path], kind: str, package: str) -> dict[str, float]:
    code = _PROBE.format(paths=[str(p) for p in paths], kind=kind, package=package)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=900
    )
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="1000,2000")
    parser.add_argument("--keep", type=Path, help="generate into (and keep) this folder")
    parser.add_argument(
        "--source", action="store_true", help="do not byte-compile the generated packages"
    )
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="apiforge-startup-"))
    work.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(HERE))
    import yaml
    from synth import generate as synth

    inputs: dict[str, Path] = {"petstore": PETSTORE}
    for size in [int(s) for s in args.sizes.split(",") if s]:
        spec = work / f"synthetic-{size}.yaml"
        spec.write_text(yaml.safe_dump(synth(size), sort_keys=False))
        inputs[f"synthetic-{size}"] = spec
    packages = {}
    for label, spec in inputs.items():
        name = "b_" + label.replace("-", "_")
        print(f"generating {label} ...", file=sys.stderr)
        packages[label] = (name, _generate(spec, work / label, name))
        if not args.source:  # as pip install leaves a package: its modules byte-compiled
            for path in packages[label][1]:
                subprocess.run([sys.executable, "-m", "compileall", "-q", str(path)], check=True)
    samples: dict[str, dict[str, list[float]]] = {label: {} for label in inputs}
    for run in range(args.runs):
        print(f"run {run + 1}/{args.runs} ...", file=sys.stderr)
        for label, (name, paths) in packages.items():
            for kind in ("client", "server"):
                for key, value in _probe(paths, kind, f"{name}_{kind}").items():
                    samples[label].setdefault(
                        f"{kind}_{key}" if key in ("peak_mb", "deps") else key, []
                    ).append(value)
    medians = {
        label: {k: statistics.median(v) for k, v in figures.items()}
        for label, figures in samples.items()
    }
    _report(medians)
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)


def _report(medians: dict[str, dict[str, float]]) -> None:
    rows = [
        ("httpx+pydantic+fastapi alone", "client_deps", 1000, "ms"),
        ("client: import", "import", 1000, "ms"),
        ("client: first resource access", "first_resource", 1000, "ms"),
        ("client: peak RSS", "client_peak_mb", 1, "MB"),
        ("server: import + create_app()", "create_app", 1000, "ms"),
        ("server: app.openapi() first", "openapi_first", 1000, "ms"),
        ("server: app.openapi() second", "openapi_second", 1000, "ms"),
        ("server: first request (builds its group)", "first_request", 1000, "ms"),
        ("server: second request", "second_request", 1000, "ms"),
        ("server: peak RSS", "server_peak_mb", 1, "MB"),
    ]
    labels = list(medians)
    print("| measure | " + " | ".join(labels) + " |")
    print("|---|" + "---:|" * len(labels))
    for title, key, scale, unit in rows:
        cells = [
            f"{medians[label][key] * scale:,.{3 if key == 'openapi_second' else 1 if key == 'second_request' else 0}f} {unit}"
            for label in labels
        ]
        print(f"| {title} | " + " | ".join(cells) + " |")
    base = medians["petstore"]
    big = labels[-1]
    client_ratio = medians[big]["import"] / base["import"]
    app_ratio = medians[big]["create_app"] / base["create_app"]
    second = max(m["openapi_second"] for m in medians.values()) * 1000
    print()
    print(
        f"client import ratio {big}/petstore: {client_ratio:.2f}x (target <= 1.5x) "
        f"{'PASS' if client_ratio <= 1.5 else 'FAIL'}"
    )
    print(
        f"create_app ratio {big}/petstore: {app_ratio:.2f}x (target <= 3x) {'PASS' if app_ratio <= 3 else 'FAIL'}"
    )
    print(
        f"app.openapi() second call, worst: {second:.3f} ms (target < 5 ms) {'PASS' if second < 5 else 'FAIL'}"
    )


if __name__ == "__main__":
    main()
