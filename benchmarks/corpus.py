"""Corpus runner: every root document of a directory of specs, end to end.

``python -m benchmarks.corpus DIR [--jobs N] [--only SUBSTR] [--no-mypy]``

For every root document under DIR (a YAML/JSON file whose top level says ``openapi`` or
``swagger`` and that no other file ``$ref``s) it generates a client and a server package,
imports every module of both in a fresh interpreter, builds ``create_app()``, calls
``app.openapi()``, runs the pinned ruff (its defaults, from inside each generated project)
and ``mypy --strict``, then prints one row per spec and the totals, with the first error of
each failure. Specs that are expected to stop with a diagnostic (a broken spec, not a
generator gap) are listed, each with its reason, in ``tests/realworld/corpus_exceptions.toml``;
the real-world tests read the same file. Exit status: 0 when every spec passes or stops as
that list expects, 1 otherwise.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[1]
EXCEPTIONS_FILE = REPO / "tests" / "realworld" / "corpus_exceptions.toml"
SPEC_SUFFIXES = (".yaml", ".yml", ".json")
_ROOT_KEY = re.compile(
    r"^['\"]?(?:openapi|swagger)['\"]?\s*:", re.MULTILINE
)  # an unindented YAML key
_REF = re.compile(r"""["']?\$ref["']?\s*:\s*["']?([^"'#\s,}]+)""")
STAGES = ("generate", "import", "ruff", "mypy")


@dataclass
class Row:
    """The outcome of one spec: each stage "ok", "FAIL", "stop" (expected) or "-" (not reached)."""

    spec: str
    stages: dict[str, str] = field(default_factory=lambda: dict.fromkeys(STAGES, "-"))
    error: str = ""
    seconds: float = 0.0
    warnings: int = 0

    @property
    def passed(self) -> bool:
        """True when every stage passed or the spec stopped as the exceptions list expects."""
        return self.stages["generate"] == "stop" or all(
            v in ("ok", "skip") for v in self.stages.values()
        )


def root_documents(directory: Path) -> list[Path]:
    """The spec files under ``directory`` that say openapi/swagger and that no other file $refs."""
    candidates = sorted(
        p for p in directory.rglob("*") if p.suffix in SPEC_SUFFIXES and p.is_file()
    )
    referenced: set[Path] = set()
    texts: dict[Path, str] = {}
    for path in candidates:
        text = path.read_text(encoding="utf-8", errors="replace")
        texts[path] = text
        for target in _REF.findall(text):
            if "://" not in target:
                referenced.add((path.parent / target).resolve())
    return [p for p in candidates if p.resolve() not in referenced and _is_description(p, texts[p])]


def _is_description(path: Path, text: str) -> bool:
    """Whether the file's top level names an OpenAPI or Swagger version."""
    if path.suffix == ".json":
        try:
            document = json.loads(text)
        except ValueError:
            return False
        return isinstance(document, dict) and ("openapi" in document or "swagger" in document)
    return _ROOT_KEY.search(text) is not None


def load_exceptions(path: Path = EXCEPTIONS_FILE) -> dict[str, dict[str, str]]:
    """The expected stops: spec path (relative to the corpus) -> {"code": ..., "reason": ...}."""
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        return dict(tomllib.load(handle).get("spec", {}))


def package_name(relative: str) -> str:
    """A short unique package stem for a spec path."""
    stem = re.sub(
        r"[^a-z0-9]+", "_", Path(relative).parent.name.lower() + "_" + Path(relative).stem.lower()
    )
    return "c_" + stem.strip("_")[:24] + "_" + hashlib.sha256(relative.encode()).hexdigest()[:6]


def _first(text: str, marker: str = "") -> str:
    """The first meaningful line of a tool's output (the one holding ``marker`` when given)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines:
        if marker and marker in line:
            return line
    errors = [line for line in lines if "Error" in line or "error" in line]
    return (errors[-1] if errors else lines[-1] if lines else "")[:300]


def check_spec(
    spec: Path, relative: str, work: Path, expected: dict[str, str] | None, run_mypy: bool
) -> Row:
    """Run every stage for one spec; the row says where it stopped and why."""
    sys.path.insert(0, str(REPO / "tests"))
    from apiforge_testkit import generate, import_in_subprocess, mypy, ruff

    from apiforge.diagnostics import Severity

    row = Row(relative)
    started = time.perf_counter()
    out = work / package_name(relative)
    try:
        generated = generate(spec, out, package_name(relative))
    except Exception as error:  # noqa: BLE001 - a crash is a row, not the end of the run
        row.stages["generate"], row.error = "FAIL", f"crash: {type(error).__name__}: {error}"[:300]
        return row
    row.warnings = len(generated.codes(Severity.WARNING))
    errors = [d for d in generated.diagnostics if d.severity is Severity.ERROR]
    if not generated.ok:
        codes = [d.code for d in errors]
        if expected and expected.get("code") in codes:
            row.stages["generate"], row.error = "stop", f"expected: {expected['code']}"
        else:
            row.stages["generate"] = "FAIL"
            row.error = (
                errors[0].render().splitlines()[0][:300] if errors else "no output, no error"
            )
        row.seconds = time.perf_counter() - started
        return row
    row.stages["generate"] = "ok"
    if expected:
        row.error = f"expected {expected.get('code')} but it generated"
        row.stages["generate"] = "FAIL"
    imported = import_in_subprocess(generated)
    row.stages["import"] = "ok" if imported.returncode == 0 else "FAIL"
    if imported.returncode != 0:
        row.error = row.error or _first(imported.stderr)
    ruff_failures = [
        r.stdout + r.stderr for p in generated.projects if (r := ruff(p)).returncode != 0
    ]
    row.stages["ruff"] = "FAIL" if ruff_failures else "ok"
    if ruff_failures:
        row.error = row.error or _first(ruff_failures[0], ":")
    if run_mypy:
        # One cache per worker process: the libraries' stubs are analysed once, not per spec.
        checked = mypy([generated], work / f".mypy-{os.getpid()}" / "cache")
        failed = checked.returncode != 0
        row.stages["mypy"] = "FAIL" if failed else "ok"
        if failed:
            row.error = row.error or _first(checked.stdout + checked.stderr, ": error:")
    else:
        row.stages["mypy"] = "skip"
    row.seconds = time.perf_counter() - started
    return row


def _run(args: tuple[Path, str, Path, dict[str, str] | None, bool]) -> Row:
    return check_spec(*args)


def run(directory: Path, jobs: int, only: str | None, run_mypy: bool) -> Iterator[Row]:
    """Check every root document of ``directory``, yielding rows as they finish."""
    exceptions = load_exceptions()
    specs = [p for p in root_documents(directory) if not only or only in str(p)]
    work = Path(tempfile.mkdtemp(prefix="apiforge-corpus-"))
    tasks = [(p, p.relative_to(directory).as_posix(), work, None, run_mypy) for p in specs]
    tasks = [(p, rel, w, exceptions.get(rel), m) for p, rel, w, _, m in tasks]
    os.environ.setdefault("APIFORGE_CACHE_DIR", "off")
    if jobs <= 1:
        for task in tasks:
            yield _run(task)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(_run, task) for task in tasks]
        for future in as_completed(futures):
            yield future.result()


def format_row(row: Row, width: int) -> str:
    """One table line."""
    cells = " ".join(f"{row.stages[s]:<8}" for s in STAGES)
    return f"{row.spec:<{width}} {cells} {row.warnings:>5} {row.seconds:>6.1f}s  {row.error}"


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run the corpus, print the table and the totals."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.corpus", description=__doc__.splitlines()[0]
    )
    parser.add_argument("directory", type=Path)
    parser.add_argument("--jobs", type=int, default=1, help="specs checked in parallel (default 1)")
    parser.add_argument("--only", help="only specs whose path contains this text")
    parser.add_argument("--no-mypy", action="store_true", help="skip mypy --strict (much faster)")
    options = parser.parse_args(argv)
    directory = options.directory.resolve()
    rows: list[Row] = []
    width = 60
    print(
        f"{'spec':<{width}} "
        + " ".join(f"{s:<8}" for s in STAGES)
        + f" {'warn':>5} {'time':>7}  first error"
    )
    for row in run(directory, options.jobs, options.only, not options.no_mypy):
        rows.append(row)
        print(format_row(row, width), flush=True)
    passed = sum(row.passed for row in rows)
    stopped = sum(row.stages["generate"] == "stop" for row in rows)
    print()
    print(
        f"{len(rows)} specs: {passed - stopped} pass, {stopped} stop as expected, {len(rows) - passed} fail"
    )
    for stage in STAGES:
        failed = [row.spec for row in rows if row.stages[stage] == "FAIL"]
        print(f"  {stage:<8} failures: {len(failed)}")
    for row in sorted(rows, key=lambda r: r.spec):
        if not row.passed:
            print(f"FAIL {row.spec}: {row.error}")
    return 0 if passed == len(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
