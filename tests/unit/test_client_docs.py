"""Client docstrings say what the spec knows, and nothing in place of it (issue 16, item 12).

A parameter the spec does not describe is documented by its values, default,
constraints or wire name, or left out of ``Args`` (no "A path parameter."
placeholder); a resource says what it is from the tag named like it.
"""

from __future__ import annotations

import ast

import pytest

from apiforge.config.targets import Target
from apiforge.diagnostics import Sink
from apiforge.pipeline import Rendered, render

SPEC = r'''
openapi: 3.0.3
info: {title: Shop, version: "1"}
tags:
  - name: orders
    description: |-
      Orders placed by customers, """quoted""" and \back\slashed.

      A second paragraph the docstrings leave out.
  - name: misc
    description: Not named like any resource.
paths:
  /orders/{order_id}/:
    get:
      operationId: orders_retrieve
      tags: [orders]
      parameters:
        - {name: order_id, in: path, required: true, schema: {type: integer}}
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 100}}
        - {name: code, in: query, schema: {type: string, maxLength: 8, pattern: "^[A-Z]+$"}}
        - {name: email, in: query, schema: {type: string, format: email}}
      responses:
        "204": {description: Done.}
  /orders/{order_id}/lines/{line_id}/:
    delete:
      operationId: orders_lines_destroy
      tags: [orders, misc]
      parameters:
        - {name: order_id, in: path, required: true, schema: {type: integer}}
        - {name: line_id, in: path, required: true, schema: {type: integer}}
      responses:
        "204": {description: Done.}
'''


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    spec = tmp_path_factory.mktemp("docs") / "shop.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    sink = Sink()
    result = render(Target.for_spec(spec, spec.parent), sink)
    assert result is not None, [d.render() for d in sink]
    return result


def _docs(source: str) -> dict[str, str]:
    """Every docstring of a module by the qualified name of its owner ("" for the module)."""
    tree = ast.parse(source)
    found = {"": ast.get_docstring(tree) or ""}
    for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
        found[cls.name] = ast.get_docstring(cls) or ""
        for fn in cls.body:
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found[f"{cls.name}.{fn.name}"] = ast.get_docstring(fn) or ""
    return found


def test_parameters_without_a_description_say_what_the_schema_says(rendered: Rendered) -> None:
    docs = _docs(rendered.files["shop_client/shop_client/client/orders.py"])
    retrieve = docs["OrdersResource.retrieve"]
    assert "limit: At least 1, at most 100." in retrieve
    assert 'code: At most 8 characters, matching "^[A-Z]+$".' in retrieve
    assert 'email: Format "email".' in retrieve
    assert "order_id" not in retrieve  # nothing to say: no placeholder line
    assert "A path parameter" not in retrieve and "A query parameter" not in retrieve


def test_a_method_with_nothing_to_document_has_no_args_section(rendered: Rendered) -> None:
    docs = _docs(rendered.files["shop_client/shop_client/client/orders.py"])
    assert docs["OrdersLinesResource.destroy"] == "orders_lines_destroy"
    assert docs["AsyncOrdersLinesResource.destroy"] == "orders_lines_destroy"


def test_a_resource_says_what_it_is_from_its_tag(rendered: Rendered) -> None:
    module = rendered.files["shop_client/shop_client/client/orders.py"]
    docs = _docs(module)
    what = '``client.orders``: Orders placed by customers, """quoted""" and \\back\\slashed.'
    assert docs[""].startswith(what)
    assert docs["OrdersResource"].startswith(what)
    assert "Operations: retrieve; sub-resources: lines." in docs["OrdersResource"]
    assert "second paragraph" not in module
    # the sub-resource's operations carry the tag too, but it is named like the parent only
    assert docs["OrdersLinesResource"] == "``client.orders.lines``: destroy."
    client = _docs(rendered.files["shop_client/shop_client/client/_client.py"])
    for owner in ("Client.orders", "AsyncClient.orders"):
        said = " ".join(client[owner].split())
        assert said.startswith(what) and said.endswith("Loaded on first use (module ``orders``).")
    assert "Operations under" not in rendered.files["shop_client/shop_client/client/_client.py"]
