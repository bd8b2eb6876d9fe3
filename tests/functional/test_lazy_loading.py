"""Generated packages load what a program uses, when it uses it (issue 15).

A client package imports no resource module and no model until a resource attribute
is used; a resource module brings only itself (and the models); a model's validator is
built on its first use, with the same behaviour and errors as one built at import; and
mypy --strict still sees every resource method and model through the lazy attributes.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from apiforge_testkit import Generated, generate, mypy

PET = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {"id": {"type": "integer"}, "name": {"type": "string", "maxLength": 5}},
}
SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "Lazy", "version": "1"},
    "paths": {
        "/pets": {
            "get": {
                "operationId": "pets_list",
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Pet"},
                                }
                            }
                        },
                    }
                },
            },
            "post": {
                "operationId": "pets_create",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}
                    },
                },
                "responses": {
                    "201": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}
                        },
                    }
                },
            },
        },
        "/pets/{pet_id}/toys": {
            "get": {
                "operationId": "pets_toys_list",
                "parameters": [
                    {
                        "name": "pet_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer"},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Toy"},
                                }
                            }
                        },
                    }
                },
            }
        },
        "/stores/{store_id}": {
            "get": {
                "operationId": "stores_retrieve",
                "parameters": [
                    {
                        "name": "store_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Store"}}
                        },
                    }
                },
            }
        },
    },
    "components": {
        "schemas": {
            "Pet": PET,
            "Toy": {
                "type": "object",
                "properties": {
                    "label": {"type": "string"},
                    "pet": {"$ref": "#/components/schemas/Pet"},
                },
            },
            "Store": {
                "type": "object",
                "properties": {
                    "pets": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}},
                    "parent": {"$ref": "#/components/schemas/Store"},
                },
            },
        }
    },
}


@pytest.fixture(scope="module")
def lazy(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    out = tmp_path_factory.mktemp("lazy")
    spec = out / "lazy.json"
    spec.write_text(json.dumps(SPEC))
    generated = generate(spec, out, "lazy")
    assert generated.ok, generated.report()
    return generated


def _run(generated: Generated, code: str) -> str:
    script = (
        f"import sys\nsys.path[:0] = {[str(p) for p in generated.projects]!r}\n"
        + textwrap.dedent(code)
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_module_per_top_level_resource(lazy: Generated) -> None:
    files = {
        p.split("/lazy_client/", 1)[1]
        for p in lazy.rendered.files
        if p.startswith("lazy_client/lazy_client/")
    }  # type: ignore[union-attr]
    assert {
        "client/__init__.py",
        "client/_client.py",
        "client/pets.py",
        "client/stores.py",
    } <= files
    pets, stores = lazy.file("client/client/pets.py"), lazy.file("client/client/stores.py")
    assert (
        "def list(" in pets
        and "class AsyncPetsToysResource" in pets
        and "PETS_TOYS_LIST: rt.Operation" in pets
    )
    assert "def retrieve(" not in pets and "def retrieve(" in stores


def test_importing_the_client_loads_no_resource_and_no_model(lazy: Generated) -> None:
    out = _run(
        lazy,
        """
        import lazy_client
        loaded = lambda: sorted(m for m in sys.modules if m.startswith("lazy_client.") and "_runtime" not in m)
        print(loaded())
        client = lazy_client.Client(base_url="http://test.invalid")
        print(loaded())
        pets = client.pets
        assert client.pets is pets and pets.toys is client.pets.toys
        print(loaded())
        client.stores
        print(loaded())
    """,
    ).splitlines()
    assert out == [
        "['lazy_client.client', 'lazy_client.client._client']",
        "['lazy_client.client', 'lazy_client.client._client']",
        (
            "['lazy_client.client', 'lazy_client.client._client', 'lazy_client.client.pets', "
            "'lazy_client.models', 'lazy_client.models._helpers', "
            "'lazy_client.models._shared_pets_and_stores', 'lazy_client.models.pets']"
        ),
        (
            "['lazy_client.client', 'lazy_client.client._client', 'lazy_client.client.pets', "
            "'lazy_client.client.stores', 'lazy_client.models', 'lazy_client.models._helpers', "
            "'lazy_client.models._shared_pets_and_stores', 'lazy_client.models.pets', "
            "'lazy_client.models.stores']"
        ),
    ]


def test_calling_one_resource_loads_only_the_models_it_references(lazy: Generated) -> None:
    """Toy is only the pets resource's, Store only the stores resource's, Pet both (shared)."""
    out = _run(
        lazy,
        """
        import httpx
        import lazy_client
        loaded = lambda: sorted(m.rsplit(".", 1)[1] for m in sys.modules if m.startswith("lazy_client.models."))
        toy = {"label": "ball", "pet": {"id": 1, "name": "Rex"}}
        transport = httpx.MockTransport(lambda request: httpx.Response(200, json=[toy]))
        with lazy_client.Client(base_url="http://test.invalid", transport=transport) as client:
            toys = client.pets.toys.list(1)
            print(type(toys[0]).__name__, type(toys[0].pet).__name__, type(toys[0]).__module__, loaded())
        from lazy_client.models import Store
        print(Store.__module__, loaded())
        from lazy_server.models import Pet, Toy
        print(Toy.__module__, Pet.__module__)
    """,
    ).splitlines()
    assert out == [
        "Toy Pet lazy_client.models.pets ['_helpers', '_shared_pets_and_stores', 'pets']",
        "lazy_client.models.stores ['_helpers', '_shared_pets_and_stores', 'pets', 'stores']",
        # one module per server group
        "lazy_server.models.pets_toys lazy_server.models._shared_pets_and_pets_toys_and_stores",
    ]


def test_every_model_is_exported_and_star_import_loads_them_all(lazy: Generated) -> None:
    out = _run(
        lazy,
        """
        import lazy_client.models as models
        print(models.__all__, "Pet" in dir(models))
        from lazy_client.models import *
        print(sorted(m for m in sys.modules if m.startswith("lazy_client.models.")))
        try:
            models.Nothing
        except AttributeError as error:
            print(error)
    """,
    ).splitlines()
    assert out == [
        "['Pet', 'Store', 'Toy'] True",
        (
            "['lazy_client.models._helpers', 'lazy_client.models._shared_pets_and_stores', "
            "'lazy_client.models.pets', 'lazy_client.models.stores']"
        ),
        "module 'lazy_client.models' has no attribute 'Nothing'",
    ]


def test_the_async_client_is_lazy_too(lazy: Generated) -> None:
    out = _run(
        lazy,
        """
        import lazy_client
        client = lazy_client.AsyncClient(base_url="http://test.invalid")
        assert "lazy_client.client.stores" not in sys.modules
        print(type(client.stores).__name__, "lazy_client.client.pets" in sys.modules)
    """,
    )
    assert out.split() == ["AsyncStoresResource", "False"]


@pytest.mark.parametrize("kind", ["client", "server"])
def test_models_are_built_on_first_use_and_validate_as_before(lazy: Generated, kind: str) -> None:
    out = _run(
        lazy,
        f"""
        import pydantic
        from lazy_{kind} import models
        found = [getattr(models, name) for name in models.__all__]
        classes = [c for c in found if isinstance(c, type) and issubclass(c, pydantic.BaseModel)]
        assert classes and not any(c.__pydantic_complete__ for c in classes), classes
        Store = next(c for c in classes if c.__name__.startswith("Store"))
        store = Store.model_validate({{"pets": [{{"id": 1, "name": "Rex"}}], "parent": {{"pets": []}}}})
        print(type(store.parent).__name__, store.pets[0].name)
        try:
            Store.model_validate({{"pets": [{{"id": "x", "name": "toolong"}}]}})
        except pydantic.ValidationError as error:
            print(sorted((e["type"], e["loc"]) for e in error.errors()))
        print(Store.__pydantic_complete__)
    """,
    ).splitlines()
    assert out[0].startswith("Store") and out[0].endswith(" Rex")
    assert (
        out[1] == "[('int_parsing', ('pets', 0, 'id')), ('string_too_long', ('pets', 0, 'name'))]"
    )
    assert out[2] == "True"


def test_mypy_strict_sees_every_resource_method_and_model(lazy: Generated, tmp_path: Path) -> None:
    good = tmp_path / "user_good.py"
    good.write_text(
        textwrap.dedent("""
        from lazy_client import AsyncClient, Client
        from lazy_client.models import Pet, Store, Toy


        def names(client: Client) -> list[str]:
            pets: list[Pet] = client.pets.list()
            toys: list[Toy] = client.pets.toys.list(pets[0].id)
            store: Store = client.stores.retrieve("main")
            return [p.name for p in pets] + [t.label or "" for t in toys] + [str(store.parent)]


        async def create(client: AsyncClient) -> Pet:
            return await client.pets.create(Pet(id=1, name="Rex"))
    """)
    )
    bad = tmp_path / "user_bad.py"
    bad.write_text(
        textwrap.dedent("""
        from lazy_client import Client


        def wrong(client: Client) -> int:
            client.stores.nonexistent()
            return client.pets.list()
    """)
    )
    checked = mypy([lazy], tmp_path / ".mypy_cache")  # the packages themselves
    assert checked.returncode == 0, checked.stdout + checked.stderr
    user = _mypy_files(lazy, tmp_path, good)
    assert user.returncode == 0, user.stdout + user.stderr
    wrong = _mypy_files(lazy, tmp_path, bad)
    assert '"StoresResource" has no attribute "nonexistent"' in wrong.stdout, wrong.stdout
    assert 'Incompatible return value type (got "list[Pet]", expected "int")' in wrong.stdout, (
        wrong.stdout
    )


def _mypy_files(
    generated: Generated, tmp_path: Path, script: Path
) -> subprocess.CompletedProcess[str]:
    import os

    env = dict(os.environ, MYPYPATH=os.pathsep.join(str(p) for p in generated.projects))
    return subprocess.run(
        [
            str(Path(sys.executable).parent / "mypy"),
            "--strict",
            "--cache-dir",
            str(tmp_path / ".mypy_cache"),
            "--no-error-summary",
            str(script),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
        env=env,
    )


def test_a_server_builds_a_groups_routes_on_its_first_request(lazy: Generated) -> None:
    """``create_app`` imports no routes module, no interface and no model; a request imports
    its group's routes module (and the models, not the interfaces) and builds that group's
    routes only."""
    out = _run(
        lazy,
        """
        import asyncio, json
        import lazy_server
        loaded = lambda: sorted(
            m for m in sys.modules if m.startswith("lazy_server.") and "_runtime" not in m
        )
        app = lazy_server.create_app()
        print(json.dumps(loaded()))
        built = lambda: sorted({r.path for r in app.routes if "built=True" in repr(r)})

        async def get(path):
            sent = []
            async def receive():
                return {"type": "http.request", "body": b"", "more_body": False}
            async def send(message):
                sent.append(message)
            scope = {"type": "http", "method": "GET", "path": path, "root_path": "",
                     "query_string": b"", "headers": [], "http_version": "1.1"}
            await app(scope, receive, send)
            return sent[0]["status"]

        print(asyncio.run(get("/stores/7")))
        print(json.dumps(loaded()))
        print(json.dumps(built()))
        print(lazy_server.StoresApi.__name__)
        from lazy_server.runtime import build_routes
        build_routes(app.router)
        print(json.dumps(loaded()))
        """,
    )
    lines = out.splitlines()
    assert json.loads(lines[0]) == ["lazy_server.app"]
    status, after, built = lines[1:4]
    assert status == "501"  # no implementation bound
    assert json.loads(after) == [  # not the interfaces: serving needs no Protocol
        "lazy_server.app",
        "lazy_server.models",
        "lazy_server.models._helpers",
        # Pet: the stores and the pets groups use it
        "lazy_server.models._shared_pets_and_pets_toys_and_stores",
        "lazy_server.models.stores",  # Store: only this group's models, not Toy's
        "lazy_server.routes",
        "lazy_server.routes.stores",
    ]
    assert json.loads(built) == ["/stores/{store_id}"]
    assert lines[4] == "StoresApi"  # the package's Protocols load on first use
    assert {"lazy_server.routes.pets", "lazy_server.routes.pets_toys"} <= set(json.loads(lines[5]))


def test_a_one_operation_edit_rewrites_only_the_files_it_touches(tmp_path: Path) -> None:
    """Headers carry the generator version, not the spec's hash: an edit changes only its modules."""
    edited = json.loads(json.dumps(SPEC))
    edited["paths"]["/stores/{store_id}"]["get"]["summary"] = "Find a store"
    before, after = (
        generate(_write(tmp_path / name, spec), tmp_path / name, "lazy").rendered
        for name, spec in (("before", SPEC), ("after", edited))
    )
    assert before is not None and after is not None
    changed = sorted(path for path in before.files if before.files[path] != after.files[path])
    assert changed == [
        "lazy_client/lazy_client/client/stores.py",  # the method's docstring
        "lazy_server/lazy_server/interfaces.py",  # the Protocol method's docstring
        "lazy_server/lazy_server/openapi.json",  # the spec it serves
        "lazy_server/lazy_server/routes/stores.py",  # the route's summary
    ]
    assert all("sha256" not in text.partition("\n")[0] for text in after.files.values())


def _write(folder: Path, spec: dict[str, object]) -> Path:
    folder.mkdir()
    (folder / "lazy.json").write_text(json.dumps(spec))
    return folder / "lazy.json"
