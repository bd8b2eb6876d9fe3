"""``base-url-changed`` reads the URL the generated client's ``DEFAULT_BASE_URL`` holds."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest
from apiforge_testkit import generate
from diff_base import base

from apiforge.diff.servers import default_base_url


def _default_base_url(source: str) -> Any:
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "DEFAULT_BASE_URL":
            return ast.literal_eval(node.value)
    raise AssertionError("no DEFAULT_BASE_URL")


@pytest.mark.parametrize(
    "servers",
    [None, [{"url": "/api/{v}", "variables": {"v": {"default": "v2"}}}]],
    ids=["none", "relative-with-variable"],
)
def test_the_rule_reads_the_clients_default_base_url(
    tmp_path: Path, servers: list[dict[str, Any]] | None
) -> None:
    document = base()
    if servers is not None:
        document["servers"] = servers
    spec = tmp_path / "shop.json"
    spec.write_text(json.dumps(document), encoding="utf-8")
    generated = generate(spec, tmp_path / "out", "shop")
    assert generated.rendered is not None and generated.rendered.snapshot is not None
    client = generated.file("client/client/_client.py")
    api = generated.rendered.snapshot().api
    assert default_base_url(api) == _default_base_url(client)
