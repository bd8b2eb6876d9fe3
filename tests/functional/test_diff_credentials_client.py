"""What ``apiforge diff`` says of the client's credentials is what the generated clients do.

Each case generates the old and the new spec of a credential edit, imports both clients,
and checks the report's symbols against them: the ``Client(...)`` arguments it names are
the constructor's, and the call it calls broken fails with the new client.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from types import ModuleType
from typing import Any

import httpx
import pytest
import yaml
from apiforge_testkit import generate, mock_client, on_path

from apiforge.diff.model import Change
from tests.unit.diff_base import BASIC as _BASIC
from tests.unit.diff_base import KEY as _KEY
from tests.unit.diff_base import add_schemes as _schemes
from tests.unit.diff_base import diff, edited
from tests.unit.diff_base import secure_pets_list as _security

Doc = dict[str, Any]
_BOTH = [{"token": ["pets:read"]}, {"key": []}]
SPECS: dict[str, Callable[[Doc], object]] = {
    "bearer_main": lambda d: _schemes(d, basic=_BASIC),
    "basic_main": lambda d: _schemes(
        d, {"basic": []}, ("/pets/", "get"), ("/pets/", "post"), basic=_BASIC
    ),
    "key_by_name": lambda d: _security(d, _BOTH),
    "key_basic": lambda d: (_security(d, _BOTH), _schemes(d, key=_BASIC)),
    "key_unused": lambda d: _schemes(d, key=_KEY),
    "key_main": lambda d: _schemes(d, {"key": []}, ("/pets/", "get"), ("/pets/", "post"), key=_KEY),
    "key_on_one": lambda d: _schemes(d, {"key": []}, ("/pets/", "get"), key=_KEY),
}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], ModuleType]:
    """The generated client package of ``SPECS[name]`` (generated and imported once)."""
    out = tmp_path_factory.mktemp("diff_credentials")
    made: dict[str, ModuleType] = {}

    def get(name: str) -> ModuleType:
        if name not in made:
            spec = out / f"{name}.yaml"
            spec.write_text(yaml.safe_dump(edited(SPECS[name])), encoding="utf-8")
            generated = generate(spec, out, f"fn_diffcred_{name}")
            assert generated.ok, generated.report()
            with on_path(generated):
                made[name] = importlib.import_module(generated.client)
        return made[name]

    return get


def _change(old: str, new: str, rule: str) -> Change:
    report = diff(edited(SPECS[old]), edited(SPECS[new]))
    (found,) = [c for c in report.for_audience("client") if c.rule == rule]
    return found


def _credential_arguments(package: ModuleType) -> list[str]:
    """The constructor's own credential arguments (``credentials=`` and ``auth=`` aside)."""
    names = inspect.signature(package.Client.__init__).parameters
    return [n for n in ("api_key", "username", "password") if n in names]


def _spelt(symbol: str) -> list[str]:
    """``Client(username=..., password=...)`` -> ``["username", "password"]``."""
    inner = symbol.removeprefix("Client(").removesuffix(")")
    return [part.split("=")[0].strip() for part in inner.split(",") if part.strip()]


def _ok(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"count": 0, "next": None, "results": []})


def test_the_constructor_arguments_the_report_names_are_the_generated_ones(
    client: Callable[[str], ModuleType],
) -> None:
    change = _change("bearer_main", "basic_main", "client-credentials-changed")
    old, new = client("bearer_main"), client("basic_main")
    assert _spelt(change.symbol) == _credential_arguments(old) == ["api_key"]
    assert _spelt(change.new_symbol) == _credential_arguments(new) == ["username", "password"]
    old.Client(api_key="t").close()
    with pytest.raises(TypeError):
        new.Client(api_key="t")


def test_a_scheme_given_by_name_turned_basic_breaks_credentials_not_api_key(
    client: Callable[[str], ModuleType],
) -> None:
    change = _change("key_by_name", "key_basic", "auth-scheme-changed")
    assert change.symbol == "Client(credentials={'key': ...})"
    old, new = client("key_by_name"), client("key_basic")
    assert _credential_arguments(old) == _credential_arguments(new) == ["api_key"]
    old.Client(credentials={"key": "k"}).close()
    with pytest.raises(TypeError):
        new.Client(credentials={"key": "k"})


def test_a_scheme_no_operation_takes_any_more_is_refused_by_name(
    client: Callable[[str], ModuleType],
) -> None:
    change = _change("key_by_name", "key_unused", "credentials-scheme-removed")
    assert change.symbol == "Client(credentials={'key': ...})"
    client("key_by_name").Client(credentials={"key": "k"}).close()
    with pytest.raises(ValueError, match="no security scheme named 'key'"):
        client("key_unused").Client(credentials={"key": "k"})


def test_api_key_giving_another_scheme_leaves_the_old_one_missing(
    client: Callable[[str], ModuleType],
) -> None:
    """``api_key=`` was ``key``'s and is the token's now: ``pets.list`` still takes only ``key``."""
    change = _change("key_main", "key_on_one", "client-credentials-changed")
    assert change.level.value == "breaking" and "MissingCredentialsError" in change.message
    old, new = client("key_main"), client("key_on_one")
    with mock_client(old, _ok, api_key="k") as calls:
        calls.pets.list()
    with mock_client(new, _ok, api_key="k") as calls, pytest.raises(new.MissingCredentialsError):
        calls.pets.list()
