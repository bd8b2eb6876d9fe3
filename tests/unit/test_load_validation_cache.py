"""A spec validated once is not validated again: its reports come from the content cache.

Each load runs in a fresh interpreter so the test can see whether openapi-pydantic
was imported at all (importing it is most of what validation costs).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
WRONG_TYPES = REPO / "tests" / "diagnostics" / "cases" / "wrong_types.yaml"

PROBE = """
import json, sys
from pathlib import Path
from apiforge.diagnostics import Sink
from apiforge.load.load import load
sink = Sink()
load(Path(sys.argv[1]), sink)
print(json.dumps({
    "diagnostics": [[d.severity.value, d.code, d.message, d.location.pointer, d.location.line] for d in sink],
    "validator_imported": "openapi_pydantic" in sys.modules,
}))
"""


def probe(spec: Path, cache: str) -> dict[str, object]:
    env = {**os.environ, "APIFORGE_CACHE_DIR": cache}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(spec)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        cwd=REPO,
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_the_second_load_replays_the_reports_without_the_validator(tmp_path: Path) -> None:
    cache = str(tmp_path / "cache")
    first = probe(WRONG_TYPES, cache)
    second = probe(WRONG_TYPES, cache)
    assert first["validator_imported"] is True
    assert second["validator_imported"] is False
    assert second["diagnostics"] == first["diagnostics"]
    assert [d[:2] for d in first["diagnostics"]] == [["error", "invalid-spec"]] * 2  # type: ignore[index,union-attr]


def test_a_changed_spec_is_validated_again(tmp_path: Path) -> None:
    cache = str(tmp_path / "cache")
    spec = tmp_path / "api.yaml"
    spec.write_text(WRONG_TYPES.read_text(encoding="utf-8"), encoding="utf-8")
    probe(spec, cache)
    spec.write_text(
        spec.read_text(encoding="utf-8").replace("in: body", "in: query"), encoding="utf-8"
    )
    changed = probe(spec, cache)
    assert changed["validator_imported"] is True
    assert [d[3] for d in changed["diagnostics"]] == ["/paths/~1pets/post"]  # type: ignore[union-attr]


def test_without_a_cache_every_load_validates(tmp_path: Path) -> None:
    assert probe(WRONG_TYPES, "off")["validator_imported"] is True
    assert probe(WRONG_TYPES, "off")["validator_imported"] is True


def test_a_parts_key_follows_its_content_not_how_it_was_built() -> None:
    import copy
    import marshal

    from apiforge.load.validation_cache import _content

    text = "a string long enough not to be interned by accident " * 3
    built: dict[str, object] = {"k": [text, text, 1.5, True, None, {"n": -0.0}]}
    again = json.loads(json.dumps(built))  # other objects, equal data
    shared = marshal.loads(marshal.dumps(built))  # interned and shared as marshal made them
    assert _content(built) == _content(again) == _content(shared) == _content(copy.deepcopy(built))
    for other in (
        {"k": [text, text, 1.5, 1, None, {"n": -0.0}]},
        {"k": [text, text, 1.5, True, None, {"n": 0.0}]},
        {"k": [text, text, 1.5, True, None, {"n": -0.0}], "x": 1},
    ):
        assert _content(other) != _content(built)
    assert _content({"when": object()}).startswith("json ")  # what marshal cannot write
