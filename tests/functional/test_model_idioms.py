"""Everyday pydantic idioms on the server's models, and a default that is not one of its enum's values.

An omitted optional property is None in the implementation, and ``model_dump()`` leaves it
out, so rebuilding a model from another's dump (``Todo(**body.model_dump())``,
``model_validate``, ``model_copy``) never sends the explicit null such a property refuses.
A schema whose ``default`` is not one of its ``enum`` values gets no default in the models
(the load stage warns ``default-not-in-enum``): the field stays optional and type-checks.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
from apiforge_testkit import Built, build, mypy

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Todos, version: "1.0"}
    paths:
      /todos:
        post:
          operationId: createTodo
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: '#/components/schemas/Todo'}
          responses:
            "200":
              description: The todo.
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/Todo'}
    components:
      schemas:
        Level:
          type: string
          enum: [low, high]
          default: medium
        Todo:
          type: object
          required: [title]
          properties:
            title: {type: string}
            done: {type: boolean}
            note: {type: string}
            owner: {type: string, nullable: true}
            level: {$ref: '#/components/schemas/Level'}
            size: {type: string, enum: [s, m], default: xl}
    """
)


@pytest.fixture(scope="module")
def todos(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("idioms"), SPEC, "todos.yaml", "fn_idioms")


def _todo(built: Built, **values: Any) -> Any:
    return built.models("server").Todo.model_validate({"title": "t", **values})


def test_model_dump_leaves_out_omitted_optional_properties(todos: Built) -> None:
    body = _todo(todos, owner=None)
    assert body.note is None and body.done is None  # omitted: None to the implementation
    assert body.model_dump() == {
        "title": "t",
        "owner": None,
    }  # owner is nullable: its null is a value
    assert body.model_dump(mode="json") == body.model_dump()
    assert _todo(todos, done=True, note="n").model_dump()["note"] == "n"


def test_a_model_rebuilt_from_another_ones_dump(todos: Built) -> None:
    models = todos.models("server")
    body = _todo(todos, done=False)
    assert models.Todo(**body.model_dump()) == body
    assert models.Todo.model_validate(body.model_dump()) == body
    assert models.Todo.model_validate_json(body.model_dump_json()) == body


def test_model_copy_with_an_update(todos: Built) -> None:
    body = _todo(todos)
    done = body.model_copy(update={"done": True})
    assert done.done is True and done.model_dump() == {**body.model_dump(), "done": True}
    assert type(done).model_validate(done.model_dump()) == done


def test_an_explicit_null_is_still_refused(todos: Built) -> None:
    with pytest.raises(ValueError):
        _todo(todos, note=None)


def test_a_default_outside_the_enum_is_left_out_with_the_load_warning(todos: Built) -> None:
    codes = todos.generated.codes()
    assert codes.count("default-not-in-enum") == 2, codes
    for flavour in ("client", "server"):
        todo = todos.models(flavour).Todo
        assert (
            todo.model_fields["level"].default is None and todo.model_fields["size"].default is None
        )
        assert todo.model_validate({"title": "t"}).level is None
        assert todo.model_validate({"title": "t", "size": "m"}).size.value == "m"


def test_the_models_pass_mypy(todos: Built, tmp_path: Path) -> None:
    result = mypy([todos.generated], tmp_path / "mypy" / "cache")
    assert result.returncode == 0, result.stdout + result.stderr
