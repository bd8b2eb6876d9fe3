"""Incremental regeneration: ``apiforge generate`` after one schema of a synthetic spec changed.

The spec is copied into a scratch folder and generated once with the content cache
a cold run filled (not measured). Each measured run then changes one schema (run
``i`` adds the property ``added_i`` to the ``i``-th resource schema of the
original, so every run is a real change against the run before) and times
``apiforge generate SPEC --output DIR`` without ``--force``, process start
included, with that same cache.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import measure
import synth


def edited(operations: int, index: int) -> str:
    """The synthetic spec of ``operations`` with one schema changed (a property added)."""
    document: dict[str, Any] = synth.generate(operations)
    schemas = document["components"]["schemas"]
    resources = [name for name in schemas if f"{name}Request" in schemas]  # Pet has PetRequest
    chosen = schemas[resources[index % len(resources)]]
    chosen["properties"][f"added_{index}"] = {
        "type": "string",
        "description": "Added by the benchmark.",
    }
    return synth.dump(document)


def measure_incremental(
    command: list[str],
    operations: int,
    env: dict[str, str],
    runs: int,
    timeout: float,
    scratch: Path,
) -> measure.Summary:
    """``runs`` timings of regenerating after a one-schema change (see the module docstring)."""
    folder = scratch / "incremental"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    spec = folder / f"synthetic-{operations}.yaml"
    spec.write_text(synth.dump(synth.generate(operations)), encoding="utf-8")
    out = folder / "out"
    argv = [*command, "generate", str(spec), "--output", str(out), "--quiet"]
    primed = measure.run(argv, cwd=folder, env=env, timeout=timeout)
    if not primed.ok:
        return measure.Summary([primed])
    summary = measure.Summary()
    for i in range(runs):
        spec.write_text(edited(operations, i), encoding="utf-8")
        result = measure.run(argv, cwd=folder, env=env, timeout=timeout)
        summary.runs.append(result)
        if not result.ok:
            break
    return summary
