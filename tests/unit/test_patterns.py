"""render/patterns.py: pydantic-core's own verdict on a pattern, without importing pydantic."""

from __future__ import annotations

import subprocess
import sys
from typing import Annotated

import pytest
from pydantic import Field, TypeAdapter
from pydantic_core import SchemaError

from apiforge.render.model_constraints import regex_engine
from apiforge.render.patterns import rust_compiles

PATTERNS = [
    "^[a-z]+$",
    r"^\d{3}-\d{4}$",
    r"^\p{L}+$",  # Unicode classes: Rust only
    "(?=a)b",  # look-ahead: Python only
    r"(?<!x)y",  # look-behind: Python only
    r"(a)\1",  # back-reference: Python only
    "(?P<year>[0-9]{4})",
    "[",  # neither
    "a{2,1}",
    "",
    r"^[\w.+-]+@[\w-]+\.[\w.-]+$",
]


def _pydantic_says(pattern: str) -> bool:
    try:
        TypeAdapter(Annotated[str, Field(pattern=pattern)])
    except SchemaError:
        return False
    return True


@pytest.mark.parametrize("pattern", PATTERNS)
def test_agrees_with_pydantic(pattern: str) -> None:
    assert rust_compiles(pattern) is _pydantic_says(pattern)


def test_engines() -> None:
    assert regex_engine("^[a-z]+$") == "rust-regex"
    assert regex_engine("(?=a)b") == "python-re"
    assert regex_engine("[") is None


def test_alone_then_pydantic_in_a_fresh_process() -> None:
    """The extension is loaded without pydantic; pydantic imported afterwards still works."""
    script = """
import sys
from apiforge.render.patterns import rust_compiles
assert rust_compiles("^a+$") and not rust_compiles("(?=a)b")
assert "pydantic_core" not in sys.modules and "pydantic" not in sys.modules, sorted(sys.modules)
from typing import Annotated
import pydantic_core
from pydantic import BaseModel, Field
class M(BaseModel):
    x: Annotated[str, Field(pattern="^a+$")]
assert M(x="aa").x == "aa"
try:
    M(x="b")
except pydantic_core.ValidationError:
    print("ok")
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
