"""The client README's example call is a call of one of the API's operations.

It showed the first GET; an API without one got ``result = `` (no call: a syntax error in
the example). Now it falls back to the first operation, with its required body and
keyword arguments spelt ``...``; an API without operations shows ``...``.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

import pytest
from apiforge_testkit import Built


def _use_block(built: Built) -> str:
    assert built.generated.rendered is not None
    client = built.generated.client
    readme = built.generated.rendered.files[f"{client}/README.md"]
    return readme.split("## Use\n", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]


def _parses(block: str) -> ast.Module:
    return ast.parse(block.replace("async with", "with").replace("await ", ""))


def test_without_a_get_the_first_operation_is_shown(built: Callable[[str], Built]) -> None:
    composition = built("composition")
    block = _use_block(composition)
    _parses(block)
    assert "result = client.things.create_thing(...)" in block
    assert "result = await client.things.create_thing(...)" in block
    assert "create_thing(...)" in composition.generated.file("client/__init__.py")


@pytest.mark.parametrize("feature", ["models_only", "enums"])
def test_the_example_is_python(built: Callable[[str], Built], feature: str) -> None:
    _parses(_use_block(built(feature)))
