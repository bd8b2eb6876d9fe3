"""[tool.apiforge]: validation, resolution into Targets, overrides and the validation cache."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import apiforge.config.project as config_module
from apiforge.config.project import find_pyproject, load_project, resolve_targets
from apiforge.config.schema import ConfigFile, TargetConfig, resolve_hook_table
from apiforge.config.targets import ConfigError, NoProjectConfig, Overrides, Target, near_path


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))


def pyproject(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "pyproject.toml"
    path.write_text('[project]\nname = "demo"\n\n' + textwrap.dedent(body))
    return path


def errors(
    path: Path, overrides: Overrides | None = None
) -> list[tuple[str, str, int | None, str]]:
    with pytest.raises(ConfigError) as raised:
        load_project(path, overrides or Overrides())
    return [
        (d.code, d.location.pointer, d.location.line, d.message) for d in raised.value.diagnostics
    ]


FULL = """\
[tool.apiforge]
output = "out"

[[tool.apiforge.targets]]
spec = "spec/posthog.yaml"
client-package = "posthog_client"
server-package = false
api-key-env = "POSTHOG_PERSONAL_API_KEY"
base-url-env = "POSTHOG_BASE_URL"
strict = true

[[tool.apiforge.targets]]
spec = "spec/pets.yaml"
output = "pets-out"
allow-remote-refs = true
format = false
"""


def test_targets_resolve_with_defaults(tmp_path: Path) -> None:
    path = pyproject(tmp_path, FULL)
    first, second = load_project(path, Overrides())
    assert first == Target(
        spec=tmp_path / "spec/posthog.yaml",
        output=tmp_path / "out",
        client_package="posthog_client",
        server_package=None,
        api_key_env="POSTHOG_PERSONAL_API_KEY",
        base_url_env="POSTHOG_BASE_URL",
        strict=True,
    )
    assert second == Target.for_spec(
        tmp_path / "spec/pets.yaml",
        tmp_path / "pets-out",
        allow_remote_refs=True,
        format=False,
    )


def test_overrides_win(tmp_path: Path) -> None:
    path = pyproject(tmp_path, FULL)
    overrides = Overrides(output=tmp_path / "x", strict=True, allow_remote_refs=True)
    for target in load_project(path, overrides):
        assert (target.output, target.strict, target.allow_remote_refs) == (
            tmp_path / "x",
            True,
            True,
        )


def test_unknown_keys_are_named_with_file_key_and_line(tmp_path: Path) -> None:
    path = pyproject(
        tmp_path,
        """\
        [tool.apiforge]
        outptu = "x"

        [[tool.apiforge.targets]]
        spec = "a.yaml"

        [[tool.apiforge.targets]]
        spec = "b.yaml"
        client_package = "b"
        """,
    )
    found = errors(path)
    assert found == [
        (
            "config-unknown-key",
            "/tool/apiforge/outptu",
            5,
            "unknown key `tool.apiforge.outptu` (did you mean `output`?)",
        ),
        (
            "config-unknown-key",
            "/tool/apiforge/targets/1/client_package",
            12,
            "unknown key `tool.apiforge.targets[1].client_package` (did you mean `client-package`?)",
        ),
    ]
    with pytest.raises(ConfigError) as raised:
        load_project(path, Overrides())
    shown = str(near_path(path, Path.cwd()))  # as people type it from here (absolute when far)
    assert raised.value.diagnostics[0].location.file == shown
    assert shown + ":5 #/tool/apiforge/outptu: error[config-unknown-key]" in str(raised.value)


@pytest.mark.parametrize(
    ("key", "hint"),
    [
        ("strict", "(`strict` is set per target: put it in each [[tool.apiforge.targets]] entry)"),
        ("client-pakage", "(`client-package` is set per target: put it in each"),
        ("formater", "(did you mean `formatter`?)"),
        ("colour", ""),
    ],
)
def test_a_target_key_in_the_top_table_says_where_it_belongs(
    tmp_path: Path, key: str, hint: str
) -> None:
    body = f'[tool.apiforge]\n{key} = true\n\n[[tool.apiforge.targets]]\nspec = "a.yaml"\n'
    [(code, pointer, line, message)] = errors(pyproject(tmp_path, body))
    assert (code, pointer, line) == ("config-unknown-key", f"/tool/apiforge/{key}", 5)
    assert message.startswith(f"unknown key `tool.apiforge.{key}`")
    assert hint in message
    assert message.count("(") == (1 if hint else 0)
    assert f"did you mean `{key}`" not in message


@pytest.mark.parametrize(
    ("body", "pointer", "fragment"),
    [
        ("[tool.apiforge]\ntargets = []\n", "/tool/apiforge/targets", "at least 1"),
        ("[tool.apiforge]\ntargets = 5\n", "/tool/apiforge/targets", "valid list"),
        ("[tool.apiforge]\ntargets = true\n", "/tool/apiforge/targets", "valid list"),
        ("[[tool.apiforge.targets]]\nspec = 3\n", "/tool/apiforge/targets/0/spec", "string"),
        (
            '[[tool.apiforge.targets]]\nspec = "a"\nstrict = "yes"\n',
            "/tool/apiforge/targets/0/strict",
            "boolean",
        ),
        (
            '[[tool.apiforge.targets]]\nspec = "a"\nclient-package = "my-client"\n',
            "/tool/apiforge/targets/0/client-package",
            "not a valid Python package name",
        ),
        (
            '[[tool.apiforge.targets]]\nspec = "a"\nserver-package = "fastapi"\n',
            "/tool/apiforge/targets/0/server-package",
            "a dependency of the generated code: one would hide or overwrite the other",
        ),
        (
            '[[tool.apiforge.targets]]\nspec = "a"\nclient-package = true\n',
            "/tool/apiforge/targets/0/client-package",
            "",
        ),
        (
            '[[tool.apiforge.targets]]\nspec = "a"\napi-key-env = "A B"\n',
            "/tool/apiforge/targets/0/api-key-env",
            "environment variable",
        ),
        (
            '[[tool.apiforge.targets]]\nspec = "a"\nclient-package = false\nserver-package = false\n',
            "/tool/apiforge/targets/0",
            "nothing to generate",
        ),
        (
            '[[tool.apiforge.targets]]\nspec = "https://example.com/api.yaml"\n',
            "/tool/apiforge/targets/0/spec",
            "is a URL: apiforge reads a spec from a local file, it does not download one",
        ),
        (
            '[[tool.apiforge.targets]]\nspec = "a.yaml"\n[[tool.apiforge.targets]]\nspec = "b/a.yaml"\n',
            "/tool/apiforge/targets/1",
            "both generate `a_client`",
        ),
    ],
)
def test_invalid_values(tmp_path: Path, body: str, pointer: str, fragment: str) -> None:
    found = errors(pyproject(tmp_path, body))
    assert any(p == pointer and fragment in m for _c, p, _l, m in found), found


def test_tool_apiforge_must_be_a_table(tmp_path: Path) -> None:
    path = pyproject(tmp_path, '[tool]\napiforge = "x"\n')
    with pytest.raises(ConfigError, match="must be a table"):
        find_pyproject(tmp_path)
    assert path.exists()


@pytest.mark.parametrize(
    ("body", "line", "column", "message"),
    [
        ("[tool.apiforge\n", 4, 15, "Expected ']' at the end of a table declaration"),
        ('[tool.apiforge]\noutput = "x\n', 5, 12, "Illegal character '\\n'"),
        ("[tool.apiforge]\ntargets = [\n", 5, None, "Invalid value at the end of the file"),
    ],
)
def test_invalid_toml_is_reported_at_its_line(
    tmp_path: Path, body: str, line: int, column: int | None, message: str
) -> None:
    path = pyproject(tmp_path, body)
    with pytest.raises(ConfigError) as raised:
        find_pyproject(tmp_path)
    [diagnostic] = raised.value.diagnostics
    assert diagnostic.code == "config-unreadable"
    assert (diagnostic.location.file, diagnostic.location.line) == (str(path), line)
    assert (diagnostic.location.column, diagnostic.message) == (column, message)


@pytest.mark.parametrize(
    ("body", "pointer", "line"),
    [
        ('[tool.apiforge]\noutput = "o"\ntargets = ["a"]\n', "/tool/apiforge/targets/0", 6),
        (
            '[tool.apiforge]\ntargets = [{ spec = "a" }, 3]\n',
            "/tool/apiforge/targets/1",
            5,
        ),
        (
            (
                '[[tool.apiforge.targets]]\nspec = "a.yaml"\n\n'
                '[[tool.apiforge.targets]]\nspec = "b/a.yaml"\n'
            ),
            "/tool/apiforge/targets/1",
            7,
        ),
    ],
)
def test_errors_in_targets_name_their_line(
    tmp_path: Path, body: str, pointer: str, line: int
) -> None:
    found = errors(pyproject(tmp_path, body))
    assert found
    assert all((p, l) == (pointer, line) for _c, p, l, _m in found), found
    assert not any("TargetConfig" in m for _c, _p, _l, m in found), found


def test_a_tool_apiforge_that_is_no_table_names_its_line(tmp_path: Path) -> None:
    pyproject(tmp_path, '[tool]\napiforge = "x"\n')
    with pytest.raises(ConfigError) as raised:
        find_pyproject(tmp_path)
    [diagnostic] = raised.value.diagnostics
    assert (diagnostic.location.pointer, diagnostic.location.line) == ("/tool/apiforge", 5)


def test_find_pyproject_skips_projects_without_apiforge(tmp_path: Path) -> None:
    root = pyproject(tmp_path, FULL)
    inner = tmp_path / "sub" / "pkg"
    inner.mkdir(parents=True)
    (tmp_path / "sub" / "pyproject.toml").write_text('[project]\nname = "other"\n')
    assert find_pyproject(inner) == root


def test_resolve_targets_for_a_spec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (target,) = resolve_targets(Path("pets.yaml"), Overrides(client_package=False, api_key_env="K"))
    assert target == Target.for_spec(
        Path("pets.yaml"), Path("generated"), client_package=None, api_key_env="K"
    )
    with pytest.raises(ValueError, match="--no-client"):
        resolve_targets(None, Overrides(client_package=False))
    with pytest.raises(NoProjectConfig):
        resolve_targets(None, Overrides())


def test_project_targets_are_relative_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pyproject(tmp_path, FULL)
    (tmp_path / "spec").mkdir()
    (tmp_path / "spec" / "posthog.yaml").touch()  # a project's specs exist
    (tmp_path / "spec" / "pets.yaml").touch()
    (tmp_path / "docs").mkdir()
    monkeypatch.chdir(tmp_path / "docs")
    first, _ = resolve_targets(None, Overrides(output=Path("here")))
    assert (first.spec, first.output) == (Path("../spec/posthog.yaml"), Path("here"))


def test_validated_tables_are_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = pyproject(tmp_path, FULL)
    first = load_project(path, Overrides())

    def no_pydantic(*args: object) -> None:
        raise AssertionError("the cached table was validated again")

    import apiforge.config.schema

    monkeypatch.setattr(apiforge.config.schema, "resolve_table", no_pydantic)
    assert load_project(path, Overrides()) == first
    path.write_text(path.read_text().replace('output = "out"', 'output = "out2"'))
    with pytest.raises(AssertionError):
        load_project(path, Overrides())
    with pytest.raises(AssertionError):
        load_project(pyproject(tmp_path, FULL), Overrides(strict=True))


def test_a_corrupt_cache_is_ignored(tmp_path: Path) -> None:
    path = pyproject(tmp_path, FULL)
    expected = load_project(path, Overrides())
    for cached in (tmp_path / "cache" / "config").iterdir():
        cached.write_text('{"key": 1}')
    assert load_project(path, Overrides()) == expected


def test_hook_table(tmp_path: Path) -> None:
    path = pyproject(tmp_path, "")
    target = resolve_hook_table({"spec": "api.yaml", "server-package": False}, path, Overrides())
    assert target == Target.for_spec(
        tmp_path / "api.yaml", tmp_path / "generated", server_package=None
    )
    with pytest.raises(ConfigError) as raised:
        resolve_hook_table({"spec": "api.yaml", "color": 1}, path, Overrides())
    assert raised.value.diagnostics[0].location.pointer == "/tool/hatch/build/hooks/apiforge/color"


def test_every_config_field_is_documented() -> None:
    for model in (ConfigFile, TargetConfig):
        for name, field in model.model_fields.items():
            assert field.description, f"{model.__name__}.{name} has no description"
    assert config_module.ConfigFile is ConfigFile


def test_for_spec_defaults() -> None:
    target = Target.for_spec(Path("specs/2fa-API.yaml"), Path("out"))
    assert (target.client_package, target.server_package) == (
        "api_2fa_api_client",
        "api_2fa_api_server",
    )
    assert (target.api_key_env, target.base_url_env) == (
        "API_2FA_API_API_KEY",
        "API_2FA_API_BASE_URL",
    )


def test_formatter_defaults_to_ruff_and_is_set_per_project_or_target(tmp_path: Path) -> None:
    assert [t.formatter for t in load_project(pyproject(tmp_path, FULL), Overrides())] == [
        "ruff",
        "ruff",
    ]
    body = FULL.replace('output = "out"\n', 'output = "out"\nformatter = "black"\n', 1)
    path = pyproject(tmp_path, body + 'formatter = "ruff"\n')  # the last target overrides it
    assert [t.formatter for t in load_project(path, Overrides())] == ["black", "ruff"]
    overridden = load_project(path, Overrides(formatter="black"))
    assert [t.formatter for t in overridden] == ["black", "black"]


def test_an_unknown_formatter_is_a_config_error(tmp_path: Path) -> None:
    path = pyproject(
        tmp_path, FULL.replace('output = "out"\n', 'output = "out"\nformatter = "yapf"\n', 1)
    )
    [(code, pointer, line, message)] = errors(path)
    assert (code, pointer, line) == ("config-invalid", "/tool/apiforge/formatter", 6)
    assert "'ruff' or 'black'" in message
