"""A fresh ``apiforge generate SPEC --force`` imports only what this spec needs (issue 13).

Each import is a fixed cost of every cold run on a small spec, so the modules only some
runs use load where they are used: the JSON reader for JSON text, PyYAML for YAML text,
the Swagger 2.0 converter for 2.0 files, difflib for ``check``'s diffs and for the hint
of a dangling ``$ref``, black when it is the formatter. Each case runs the real pipeline
in a fresh process and lists what it imported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import yaml

SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "Imports", "version": "1"},
    "paths": {
        "/pets/{pet_id}": {
            "get": {
                "operationId": "pets_get",
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
                            "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}
                        },
                    }
                },
            }
        }
    },
    "components": {
        "schemas": {
            "Pet": {
                "type": "object",
                "required": ["id"],
                "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
            }
        }
    },
}

LAZY = (
    "apiforge.load.json_reader",
    "apiforge.load.yaml_reader",
    "apiforge.load.swagger2",
    "yaml",
    "difflib",
    "black",
)

PROBE = textwrap.dedent(
    """
    import json, sys
    from apiforge.cli.main import main
    try:
        main(sys.argv[1:], prog_name="apiforge")
    except SystemExit as exit:
        print(json.dumps([exit.code, sorted(m for m in sys.modules if m in {lazy!r})]))
    """
).format(lazy=LAZY)


def imported(tmp_path: Path, name: str, text: str) -> list[str]:
    """The modules of :data:`LAZY` a fresh process imported to generate ``text`` as ``name``."""
    spec = tmp_path / name
    spec.write_text(text, encoding="utf-8")
    env = {**os.environ, "APIFORGE_CACHE_DIR": str(tmp_path / "cache")}
    args = ["generate", str(spec), "--output", str(tmp_path / "out"), "--force", "--quiet"]
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, check=False
    )
    code, modules = json.loads(done.stdout.splitlines()[-1]) if done.stdout else (None, None)
    assert code == 0, done.stderr
    assert (tmp_path / "out" / "imports_client").is_dir()  # it really generated
    return list(modules)


def test_a_yaml_spec_loads_neither_the_json_reader_nor_difflib(tmp_path: Path) -> None:
    text = yaml.safe_dump(SPEC, default_flow_style=False, sort_keys=False)
    assert not text.startswith("{")  # block YAML: read by the YAML reader, not tried as JSON
    modules = imported(tmp_path, "imports.yaml", text)
    assert modules == ["apiforge.load.yaml_reader", "yaml"]


def test_a_json_spec_loads_no_yaml(tmp_path: Path) -> None:
    modules = imported(tmp_path, "imports.json", json.dumps(SPEC))
    assert modules == ["apiforge.load.json_reader"]


VIEWS = (
    "apiforge.render.client",
    "apiforge.render.client_views",
    "apiforge.render.client_ops",
    "apiforge.render.client_classes",
    "apiforge.render.server",
    "apiforge.render.server_views",
    "apiforge.render.common",
)

REUSE_PROBE = textwrap.dedent(
    """
    import json, sys
    from apiforge.cli.main import main
    from apiforge.render import env
    try:
        main(sys.argv[1:], prog_name="apiforge")
    except SystemExit as exit:
        views = sorted(m for m in sys.modules if m.startswith("apiforge.render.")
                       and not m.startswith("apiforge.render.model_")
                       and m.removeprefix("apiforge.render.") not in {models!r})
        made = env.environment.cache_info().currsize
        templates = sorted(key[1] for key in env.environment().cache.keys()) if made else []
        print(json.dumps([exit.code, views, templates]))
    """
).format(models=("env", "escape", "imports", "patterns"))


def test_a_run_that_reuses_the_views_imports_no_view_and_loads_no_package_template(
    tmp_path: Path,
) -> None:
    document = json.loads(json.dumps(SPEC))
    spec = tmp_path / "imports.yaml"
    env = {**os.environ, "APIFORGE_CACHE_DIR": str(tmp_path / "cache")}
    args = ["generate", str(spec), "--output", str(tmp_path / "out")]  # progress on stderr
    said = []
    for _ in range(2):  # before and after an edit only the models read
        spec.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
        done = subprocess.run(
            [sys.executable, "-c", REUSE_PROBE, *args],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        code, views, templates = json.loads(done.stdout.splitlines()[-1])
        assert code == 0, done.stderr
        marker = " views unchanged: reusing "
        reused = [
            line.split(marker)[0].split()[-1] for line in done.stderr.splitlines() if marker in line
        ]
        said.append((reused, views, templates))
        document["components"]["schemas"]["Pet"]["properties"]["tag"] = {"type": "string"}
    (reused, views, templates), (reused_after, views_after, templates_after) = said
    assert reused == [] and set(VIEWS) <= set(views)  # the probe sees a made run's imports
    assert any(t.startswith(("client/", "server/")) for t in templates)
    assert reused_after == ["client", "server"]
    assert views_after == []
    assert [t for t in templates_after if t.startswith(("client/", "server/"))] == []
