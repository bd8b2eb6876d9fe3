"""How the views' projection is spelt for its digest (``view_reuse._spelling``).

Every field of every dataclass the views are given is in the spelling (changing any one
moves the digest), and the digest is the same in any process, whatever its hash seed.
"""

from __future__ import annotations

import dataclasses
import datetime
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from test_view_reuse import _form_body, _inputs

from apiforge import view_reuse
from apiforge.view_reuse import ViewInputs

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
import synth  # benchmarks/ is no package: on sys.path above


def _sample() -> ViewInputs:
    """A projection with every kind of node: pages, enums, bodies, a form body, security."""
    document = synth.generate(12)
    _form_body(document)
    return _inputs(document)[0]


def _digest(inputs: ViewInputs) -> tuple[str, str]:
    return view_reuse._spelling(inputs.api, inputs.names, inputs.models)


def _instances(value: Any, found: dict[type, list[Any]]) -> None:
    """Every dataclass instance under ``value``, by class, in walk order."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        found.setdefault(type(value), []).append(value)
        for f in dataclasses.fields(value):
            _instances(getattr(value, f.name), found)
    elif isinstance(value, (tuple, list)):
        for item in value:
            _instances(item, found)
    elif isinstance(value, dict):
        for key, item in value.items():
            _instances(key, found)
            _instances(item, found)


def _changed(value: Any, annotation: str, found: dict[type, list[Any]]) -> Any:
    """A value of the same field that differs from ``value``."""
    if value is None:
        for cls, instances in found.items():
            if cls.__name__ in annotation:
                return instances[0]
        return 7 if "int" in annotation else True if "bool" in annotation else "~"
    if dataclasses.is_dataclass(value):
        return next(other for other in found[type(value)] if other != value)
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value + 1
    if isinstance(value, str):
        return value + "~"
    if isinstance(value, frozenset):
        return value | {"~"}
    if isinstance(value, tuple):
        return value[:-1] if value else ("~",)
    if isinstance(value, dict):
        return dict(list(value.items())[:-1]) if value else {"~": "~"}
    raise AssertionError(f"no change for {value!r}")


def test_every_field_the_views_are_given_moves_the_digest() -> None:
    inputs = _sample()
    kind, before = _digest(inputs)
    assert kind == "marshal 2"
    found: dict[type, list[Any]] = {}
    _instances((inputs.api, inputs.names, inputs.models), found)
    assert set(found) == set(view_reuse._SCALARS)  # every class the views are given is spelt
    tried = []
    for cls, instances in found.items():
        spelt = set(view_reuse._SCALARS[cls]) | set(view_reuse._NESTED.get(cls, ()))
        assert spelt == {f.name for f in dataclasses.fields(cls)}, cls
        for f in dataclasses.fields(cls):
            # an instance where the field holds something, when there is one
            holder = next((i for i in instances if getattr(i, f.name) not in (None, (), {})), None)
            holder = holder if holder is not None else instances[0]
            old = getattr(holder, f.name)
            object.__setattr__(holder, f.name, _changed(old, str(f.type), found))
            try:
                assert _digest(inputs) != (kind, before), f"{cls.__name__}.{f.name}"
            finally:
                object.__setattr__(holder, f.name, old)
            tried.append(f"{cls.__name__}.{f.name}")
        assert _digest(inputs) == (kind, before)
    assert len(tried) > 60


def test_a_value_marshal_cannot_write_is_spelt_by_repr() -> None:
    inputs = _sample()
    key = next(k for k, s in inputs.api.schemas.items() if s.kind == "enum")
    schema = inputs.api.schemas[key]
    day = datetime.date(2024, 1, 2)
    object.__setattr__(schema, "enum_values", (day,))
    kind, first = _digest(inputs)
    assert kind == "repr"
    object.__setattr__(schema, "enum_values", (day + datetime.timedelta(days=1),))
    assert _digest(inputs) == (kind, _digest(inputs)[1]) and _digest(inputs)[1] != first


_CHILD = """
import sys
sys.path[:0] = [{tests!r}, {bench!r}]
from test_view_reuse_spelling import _sample
print(_sample().spelt)
"""


def test_the_digest_is_the_same_in_processes_with_other_hash_seeds() -> None:
    code = _CHILD.format(tests=str(Path(__file__).parent), bench=str(ROOT / "benchmarks"))
    digests = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "APIFORGE_CACHE_DIR": "off"}
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        digests.add(done.stdout.strip())
    assert len(digests) == 1
    assert digests == {_sample().spelt}
