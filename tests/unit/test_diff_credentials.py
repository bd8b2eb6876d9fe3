"""What the diff says of the client's credential arguments, from full and stored snapshots.

The generated ``Client`` takes the main security scheme's credential as its own arguments
(``api_key=``, or ``username=``/``password=``) and any used scheme's by name
(``credentials=``). A spec edit that makes another scheme the main one changes those
arguments for every caller; the release step compares with a stored index that restores
no operation, so the index keeps which scheme is the main one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from diff_base import BASIC, KEY, base, both_ways, diff, edited, stored_index
from diff_base import add_schemes as _schemes
from diff_base import secure_pets_list as _security

from apiforge.diff.stored import restore


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))


def _basic_declared(d: dict[str, Any]) -> None:
    _schemes(d, basic=BASIC)


def _basic_on_two(d: dict[str, Any]) -> None:
    """Two of the three operations take HTTP basic: it is the main scheme now."""
    _schemes(d, {"basic": []}, ("/pets/", "get"), ("/pets/", "post"), basic=BASIC)


def test_operations_taking_another_scheme_change_the_constructor_in_both_comparisons() -> None:
    full, stored = both_ways(edited(_basic_declared), edited(_basic_on_two))
    assert stored is not None, "the release step compares this edit from the stored index"
    assert stored == full
    (change,) = [c for c in full.changes if c.rule == "client-credentials-changed"]
    assert (change.symbol, change.new_symbol) == (
        "Client(api_key=...)",
        "Client(username=..., password=...)",
    )
    assert change.level.value == "breaking"
    assert "takes username=/password= instead of api_key=" in change.message


def test_the_stored_index_keeps_which_scheme_is_main() -> None:
    index = stored_index(edited(_basic_on_two), "key")
    restored = restore(index, "spec.yaml", lambda where: where)
    assert restored is not None and restored.api.operations == ()  # no operation restored...
    assert (restored.api.main_scheme, restored.api.used_schemes) == ("basic", ("token", "basic"))


def test_a_basic_alternative_declared_first_becomes_the_main_scheme() -> None:
    def basic_first(d: dict[str, Any]) -> None:
        d["components"]["securitySchemes"] = {
            "basic": BASIC,
            "token": {"type": "http", "scheme": "bearer"},
        }
        d["security"] = [{"basic": []}, {"token": ["pets:read"]}]

    client = diff(base(), edited(basic_first)).for_audience("client")
    assert client[0].rule == "client-credentials-changed"
    assert client[0].new_symbol == "Client(username=..., password=...)"


def test_a_scheme_other_than_the_main_one_turned_basic_names_credentials() -> None:
    """``key`` is given through ``credentials=``; ``api_key=`` keeps the bearer token's."""
    both = [{"token": ["pets:read"]}, {"key": []}]
    old = edited(lambda d: _security(d, both))
    new = edited(
        lambda d: (_security(d, both), d["components"]["securitySchemes"].update(key=BASIC))
    )
    (change,) = diff(old, new).for_audience("client")
    assert change.symbol == "Client(credentials={'key': ...})"
    assert "api_key" not in change.message
    assert "a TypeError at Client() for code passing a string" in change.message


def test_the_old_main_scheme_still_taken_breaks_api_key_callers() -> None:
    """``api_key=`` gave ``key``'s credential; now the token's, and ``pets_list`` takes only ``key``."""
    old = edited(lambda d: _schemes(d, {"key": []}, ("/pets/", "get"), ("/pets/", "post"), key=KEY))
    new = edited(lambda d: _schemes(d, {"key": []}, ("/pets/", "get"), key=KEY))
    full, stored = both_ways(old, new)
    assert stored == full
    (change,) = [c for c in full.changes if c.rule == "client-credentials-changed"]
    assert change.symbol == change.new_symbol == "Client(api_key=...)"
    assert "MissingCredentialsError" in change.message and change.level.value == "breaking"


def test_a_scheme_no_operation_takes_any_more_breaks_credentials_naming_it() -> None:
    old = edited(lambda d: _security(d, [{"token": ["pets:read"]}, {"key": []}]))
    new = edited(lambda d: _schemes(d, key=KEY))  # declared, taken by none
    (change,) = [c for c in diff(old, new).changes if c.rule == "credentials-scheme-removed"]
    assert change.symbol == "Client(credentials={'key': ...})"
    assert "ValueError" in change.message and "no operation takes it now" in change.message


def test_the_main_scheme_turned_basic_names_both_constructors() -> None:
    new = edited(lambda d: d["components"]["securitySchemes"].update(token=BASIC))
    (change,) = diff(base(), new).for_audience("client")
    assert (change.rule, change.symbol, change.new_symbol) == (
        "auth-scheme-changed",
        "Client(api_key=...)",
        "Client(username=..., password=...)",
    )


def test_scopes_of_alternatives_naming_one_scheme_are_compared_as_sets() -> None:
    """``read`` or ``admin`` -> ``read``: ``admin`` is no longer enough; ``read`` always was."""
    either = [{"token": ["pets:read"]}, {"token": ["pets:admin"]}]
    report = diff(
        edited(lambda d: _security(d, either)),
        edited(lambda d: _security(d, [{"token": ["pets:read"]}])),
    )
    (change,) = report.for_audience("client")
    assert change.rule == "auth-scopes-alternative-removed"
    assert change.message.startswith("no longer accepts token with scopes pets:admin:")
    assert "pets:read" not in change.message
