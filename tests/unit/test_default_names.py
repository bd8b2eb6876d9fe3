"""Default package and variable names: from ``info.title``, else from the file name."""

from __future__ import annotations

from pathlib import Path

import pytest

from apiforge.config.defaults import _json_title, default_stem, read_title
from apiforge.config.targets import Target
from apiforge.naming.schemas import package_stem


@pytest.mark.parametrize(
    ("title", "stem"),
    [
        ("PostHog API", "posthog"),
        ("The Todo REST API", "todo"),
        ("Swagger Petstore", "swagger_petstore"),
        ("Größe-Service", "grosse_service"),
        ("3D Models API", "api_3d_models"),
        ("OpenAPI", ""),
        ("API", ""),
        ("名前", ""),
    ],
)
def test_package_stem(title: str, stem: str) -> None:
    assert package_stem(title) == stem


def test_read_title_reads_only_the_top_level_info(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text(
        "openapi: 3.0.3\n"
        "x-meta: [{title: not this}]\n"
        "info:\n  contact: {name: x, title: nor this}\n  version: '1'\n  title: Todo API\n"
        "paths: {}\n"
    )
    assert read_title(spec) == "Todo API"
    assert default_stem(spec) == "todo"
    target = Target.for_spec(spec, tmp_path, stem=default_stem(spec))
    assert (target.client_package, target.server_package) == ("todo_client", "todo_server")
    assert (target.api_key_env, target.base_url_env) == ("TODO_API_KEY", "TODO_BASE_URL")


def test_read_title_without_title_or_with_a_broken_file(tmp_path: Path) -> None:
    spec = tmp_path / "shop.yaml"
    spec.write_text("openapi: 3.0.3\ninfo: {version: '1'}\npaths: [\n")
    assert read_title(spec) is None
    assert Target.for_spec(spec, tmp_path, stem=default_stem(spec)).client_package == "shop_client"
    spec.write_text(": : :\n")
    assert read_title(spec) is None


def test_a_json_title_is_read_without_yaml(tmp_path: Path) -> None:
    spec = tmp_path / "shop.json"
    spec.write_text('{"openapi": "3.0.3", "info": {"title": "Pet Shop \\u00e9", "version": "1"}}')
    assert _json_title(spec, spec.read_bytes()) == (True, "Pet Shop é")
    assert read_title(spec) == "Pet Shop é"
    spec.write_text('{"openapi": "3.0.3", "info": {"version": "1"}}')
    assert _json_title(spec, spec.read_bytes()) == (True, None)
    assert read_title(spec) is None
    for text in ('{"info": {"title": null}}', '{"info": {"title": 5}}', "[1]", "{"):
        spec.write_text(text)  # not a string title, or not JSON: the YAML reader decides
        assert _json_title(spec, spec.read_bytes()) == (False, None)
    assert default_stem(spec) == ""


def test_the_json_title_is_the_yaml_title_across_the_corpus(spec_corpus: Path) -> None:
    """Every small .json file of the corpus and of tests/: the json module's title is the YAML reader's."""
    checked = 0
    files = [*spec_corpus.rglob("*.json"), *Path(__file__).parents[1].rglob("*.json")]
    for spec in sorted(files):
        known, title = _json_title(spec, spec.read_bytes())
        if known:
            assert title == read_title(spec), spec
            checked += 1
    assert checked >= 2
