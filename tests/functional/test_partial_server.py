"""A partial server: subclass a group's generated ``...Base`` and implement only some methods.

The user's module must pass ``mypy --strict`` (as ``create_app(todos=Todos())`` with a plain
class implementing half the Protocol does not), and over real HTTP (uvicorn on 127.0.0.1)
the implemented operations answer and the others answer 501 naming the operation. The
generated server README's example is checked the same way: it must type-check as written.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from apiforge_testkit import BIN, generate, load

TODOS = """\
openapi: 3.0.3
info: {title: Todo API, version: "1"}
paths:
  /todos:
    get:
      operationId: todos_list
      parameters:
        - {name: done, in: query, schema: {type: boolean}}
      responses:
        "200":
          description: Every todo.
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Todo"}}
    post:
      operationId: todos_create
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Todo"}
      responses:
        "201":
          description: Created.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Todo"}
  /todos/{todo_id}:
    get:
      operationId: todos_retrieve
      parameters:
        - {name: todo_id, in: path, required: true, schema: {type: integer}}
      responses:
        "200":
          description: One todo.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Todo"}
    delete:
      operationId: todos_destroy
      parameters:
        - {name: todo_id, in: path, required: true, schema: {type: integer}}
      responses:
        "204": {description: Deleted.}
components:
  schemas:
    Todo:
      type: object
      required: [title]
      properties:
        id: {type: integer}
        title: {type: string}
        done: {type: boolean}
"""

USER_CODE = '''\
"""A user's partial implementation: two of the four operations."""

from __future__ import annotations

from todo_server import TodosBase, create_app, runtime as rt
from todo_server.models import Todo


class Todos(TodosBase):
    def __init__(self) -> None:
        self.items: list[Todo] = []

    async def list(self, *, done: bool | None, context: rt.RequestContext) -> list[Todo]:
        return [t for t in self.items if done is None or t.done == done]

    async def create(self, *, body: Todo, context: rt.RequestContext) -> Todo:
        created = body.model_copy(update={"id": len(self.items) + 1})
        self.items.append(created)
        return created


app = create_app(todos=Todos())
'''


@pytest.fixture(scope="module")
def todo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("partial")
    spec = out / "todos.yaml"
    spec.write_text(TODOS)
    generated = generate(spec, out, "todo")
    assert generated.ok, generated.report()
    (out / "my_todos.py").write_text(USER_CODE)
    return out


def _method_names(todo: Path) -> set[str]:
    generated_text = (todo / "todo_server/todo_server/interfaces.py").read_text()
    return {
        line.split("(")[0].split()[-1]
        for line in generated_text.splitlines()
        if "async def" in line
    }


def _mypy(todo: Path, module: Path) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ, MYPYPATH=os.pathsep.join([str(todo / "todo_server"), str(todo / "todo_client")])
    )
    return subprocess.run(
        [str(BIN / "mypy"), "--strict", "--cache-dir", str(todo / ".mypy_cache"), str(module)],
        cwd=todo,
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=600,
    )


@pytest.mark.slow
def test_a_partial_implementation_is_mypy_clean(todo: Path) -> None:
    assert _method_names(todo) == {"list", "create", "retrieve", "destroy"}
    checked = _mypy(todo, todo / "my_todos.py")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # The Protocol still demands every method of a class that does not subclass the base.
    strict = todo / "strict_todos.py"
    strict.write_text(USER_CODE.replace("class Todos(TodosBase):", "class Todos:"))
    checked = _mypy(todo, strict)
    assert (
        checked.returncode == 1
        and 'incompatible type "Todos"; expected "TodosApi | None"' in checked.stdout
    )


@pytest.mark.slow
def test_the_server_readme_example_type_checks(todo: Path) -> None:
    readme = (todo / "todo_server/README.md").read_text()
    example = readme.split("```python\n", 1)[1].split("```", 1)[0]
    assert "*args" not in example and "**kwargs" not in example
    module = todo / "readme_example.py"
    module.write_text(example)
    checked = _mypy(todo, module)
    assert checked.returncode == 0, example + checked.stdout


def _mypy_package(project: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    """``mypy --strict -p <package>`` over one generated project (its routes included)."""
    return subprocess.run(
        [str(BIN / "mypy"), "--strict", "--cache-dir", str(cache), "-p", project.name],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        env=dict(os.environ, MYPYPATH=str(project)),
        timeout=600,
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("wrong", "expected"),
    [
        # a path parameter of another type than the route passes
        (
            ("    async def retrieve(\n        self,\n        todo_id: int,",),
            'Argument 1 to "retrieve" of "TodosApi" has incompatible type "int"; expected "str"',
        ),
        # a keyword the route does not pass, and one it passes that the method lacks
        (
            ("        done: bool | None,",),
            'Unexpected keyword argument "done" for "list" of "TodosApi"',
        ),
    ],
    ids=["parameter-type", "parameter-name"],
)
def test_routes_call_the_typed_implementation(
    todo: Path, tmp_path: Path, wrong: tuple[str], expected: str
) -> None:
    """Routes call the group's Protocol directly: a method whose signature disagrees with
    what its route passes is a mypy error in the generated routes module, not a 500."""
    project = tmp_path / "todo_server"
    shutil.copytree(todo / "todo_server", project)
    checked = _mypy_package(project, tmp_path / ".mypy_cache")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    interfaces = project / "todo_server" / "interfaces.py"
    text = interfaces.read_text()
    (original,) = wrong
    replacement = original.replace("todo_id: int", "todo_id: str").replace("done:", "finished:")
    assert text.count(original) == 2  # the Protocol and its 501-answering base class
    interfaces.write_text(text.replace(original, replacement))
    checked = _mypy_package(project, tmp_path / ".mypy_cache")
    assert checked.returncode == 1, checked.stdout
    errors = [line for line in checked.stdout.splitlines() if ": error:" in line]
    assert errors and all(line.startswith("todo_server/routes/todos.py:") for line in errors), (
        errors
    )
    assert any(expected in line for line in errors), errors


@contextmanager
def _uvicorn(app: Any) -> Iterator[str]:
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        assert server.started, "uvicorn did not start"
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def test_a_partial_implementation_runs_and_answers_501_for_the_rest(todo: Path) -> None:
    load(generate(todo / "todos.yaml", todo, "todo"))
    sys.path.insert(0, str(todo))
    try:
        import my_todos
    finally:
        sys.path.remove(str(todo))
    with _uvicorn(my_todos.app) as base_url, httpx.Client(base_url=base_url) as http:
        created = http.post("/todos", json={"title": "write tests"})
        assert created.status_code == 201 and created.json() == {"id": 1, "title": "write tests"}
        assert http.get("/todos").json() == [{"id": 1, "title": "write tests"}]
        missing = http.get("/todos/1")
        assert missing.status_code == 501 and missing.json()["operation_id"] == "todos_retrieve"
        assert http.delete("/todos/1").status_code == 501
    # The base class itself is importable and instantiable: nothing is abstract.
    server = sys.modules["todo_server"]
    assert textwrap.dedent(server.TodosBase.__doc__ or "").startswith("``TodosApi`` answering 501")
    assert server.TodosBase() is not None
