"""The validating child's cheaper imports: one openapi-pydantic family, no importlib.metadata."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from apiforge.load.validation_cache import _distribution

BROKEN = {
    "openapi": "3.0.3",
    "info": {"title": "t"},  # no version
    "paths": {"/a": {"get": {"responses": {"200": {"description": 1}}}}},
    "components": {"schemas": {"A": {"type": "object", "properties": {"x": {"type": 3}}}}},
}

SCRIPT = """
import json, sys
from apiforge.load import validation_background
if sys.argv[1] == "alone":
    validation_background._one_family_only()
from apiforge.load.validation import validate
found = []
validate(json.loads(sys.argv[2]), sys.argv[3], lambda *entry: found.append([str(e) for e in entry]))
loaded = sorted(m for m in sys.modules if m.startswith("openapi_pydantic.v3.v3_"))
print(json.dumps([found, sorted({m.split(".")[2] for m in loaded})]))
"""


def _validate(how: str, family: str) -> tuple[list[list[str]], list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, how, json.dumps(BROKEN), family],
        capture_output=True,
        text=True,
        check=True,
    )
    found, families = json.loads(done.stdout)
    return found, families


@pytest.mark.parametrize("family", ["3.0", "3.1"])
def test_one_family_reports_what_both_report(family: str) -> None:
    alone, loaded = _validate("alone", family)
    both, loaded_both = _validate("as-usual", family)
    assert alone == both and alone  # the same errors, at the same pointers
    assert loaded == ["v3_0" if family == "3.0" else "v3_1"]
    assert loaded_both == ["v3_0", "v3_1"]


@pytest.mark.parametrize(
    ("module", "distribution"), [("pydantic", "pydantic"), ("openapi_pydantic", "openapi-pydantic")]
)
def test_distribution_names_the_installed_version(module: str, distribution: str) -> None:
    assert _distribution(module) == f"{module}-{version(distribution)}.dist-info"


CHILD = """
import json, sys
from apiforge.diagnostics import Sink
from apiforge.load import validation_background
found = []
pending = validation_background.start(
    json.loads(sys.argv[1]), "3.0", lambda *e: found.append([str(x) for x in e]), Sink(),
    background=True,
)
pending.join()
# the child validated: this process never imported openapi-pydantic (no in-process retry)
print(json.dumps([found, "openapi_pydantic" in sys.modules]))
"""


@pytest.mark.skipif(sys.platform != "linux", reason="the child is forked on Linux only")
def test_the_child_validates_through_the_cache(tmp_path: object) -> None:
    """The real path: a forked child, the content cache on; it must not fail and be retried."""
    env = {**os.environ, "APIFORGE_CACHE_DIR": str(tmp_path)}
    for _ in range(2):  # empty cache, then the entries the first run stored
        done = subprocess.run(
            [sys.executable, "-c", CHILD, json.dumps(BROKEN)],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
        found, imported = json.loads(done.stdout)
        assert found == _validate("as-usual", "3.0")[0]
        assert imported is False


WARM = """
import json, sys
from apiforge.load import validation_background
from apiforge.output import cache
if sys.argv[1] == "warm":
    cache.write(cache.cache_dir("validation"), "some-part", "[]")
validation_background._one_family_only()
validation_background._import_validation()
families = sorted(m for m in sys.modules if m.startswith("openapi_pydantic.v3.v3_"))
print(json.dumps([families, "pydantic._internal._generate_schema" in sys.modules]))
"""


@pytest.mark.parametrize(("cache_state", "machinery"), [("cold", True), ("warm", False)])
def test_the_prewarmed_child_imports_pydantic_before_the_document_and_only_for_a_cold_cache(
    tmp_path: Path, cache_state: str, machinery: bool
) -> None:
    """No family before the document names it; pydantic's schema machinery only on a cold cache."""
    env = {**os.environ, "APIFORGE_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-c", WARM, cache_state],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    families, imported = json.loads(done.stdout)
    assert families == []
    assert imported is machinery


PREWARMED = """
import json, sys
from apiforge.diagnostics import Sink
from apiforge.load import validation_background
validation_background.prewarm()
found = []
pending = validation_background.start(
    json.loads(sys.argv[1]), sys.argv[2], lambda *e: found.append([str(x) for x in e]), Sink(),
    background=True,
)
pending.join()
print(json.dumps([found, "openapi_pydantic" in sys.modules]))
"""


@pytest.mark.skipif(sys.platform != "linux", reason="the child is forked on Linux only")
@pytest.mark.parametrize("family", ["3.0", "3.1"])
def test_a_prewarmed_child_validates_the_family_its_document_names(
    tmp_path: Path, family: str
) -> None:
    env = {**os.environ, "APIFORGE_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-c", PREWARMED, json.dumps(BROKEN), family],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    found, imported = json.loads(done.stdout)
    assert found == _validate("as-usual", family)[0] and found
    assert imported is False  # the child validated; no retry in this process


NO_LOADER = """
import json, sys
from apiforge.load import validation_background
validation_background._one_family_only()
validation_background._no_plugin_loader()
from apiforge.load.validation import validate
found = []
validate(json.loads(sys.argv[1]), "3.0", lambda *entry: found.append([str(e) for e in entry]))
print(json.dumps([found, "importlib.metadata" in sys.modules]))
"""


def test_the_child_validates_without_pydantics_plugin_loader() -> None:
    """The child's stand-in loader: the same reports, and importlib.metadata is never imported."""
    env = {**os.environ, "PYDANTIC_DISABLE_PLUGINS": "__all__"}  # as the child sets it
    done = subprocess.run(
        [sys.executable, "-c", NO_LOADER, json.dumps(BROKEN)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    found, metadata = json.loads(done.stdout)
    assert found == _validate("as-usual", "3.0")[0] and found
    assert metadata is False


def test_pydantics_loader_finds_no_plugins_when_the_child_disables_them() -> None:
    """What the stand-in answers is what pydantic's own loader answers in the child."""
    script = "from pydantic.plugin._loader import get_plugins; print(repr(tuple(get_plugins())))"
    env = {**os.environ, "PYDANTIC_DISABLE_PLUGINS": "__all__"}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env
    )
    assert done.stdout.strip() == "()"
