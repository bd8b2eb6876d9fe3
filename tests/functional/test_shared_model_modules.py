"""The PostHog packages' ``models/``: readable shared modules, every class exported lazily (issue 15)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from apiforge.naming.shared import MAX_LENGTH

ROOT = Path(__file__).resolve().parents[2]

_PROBE = """
import importlib, json, sys
pkg = sys.argv[1]
models = importlib.import_module(pkg + ".models")
found = {}
for name in json.loads(sys.argv[2]):
    module = importlib.import_module(f"{pkg}.models.{name}")
    for attr, value in vars(module).items():
        if isinstance(value, type) and value.__module__ == module.__name__ and attr[:1] != "_":
            found[attr] = [name, attr in models.__all__, getattr(models, attr) is value]
print(json.dumps(found))
"""


@pytest.mark.parametrize("pkg", ["posthog_client", "posthog_server"])
def test_every_class_of_every_models_module_is_exported_by_the_lazy_init(pkg: str) -> None:
    folder = ROOT / "generated" / pkg / pkg / "models"
    modules = sorted(p.stem for p in folder.glob("*.py") if p.stem not in {"__init__", "_helpers"})
    shared = [m for m in modules if m.startswith("_shared_")]
    assert shared, "the PostHog spec has models several groups share"
    for name in shared:
        assert name.isidentifier() and len(name) <= MAX_LENGTH, name
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, pkg, json.dumps(modules)],
        cwd=folder.parent.parent,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = json.loads(out)
    assert len(found) > 20
    assert {attr: flags for attr, flags in found.items() if flags[1:] != [True, True]} == {}
    assert {flags[0] for flags in found.values()} >= set(shared)
