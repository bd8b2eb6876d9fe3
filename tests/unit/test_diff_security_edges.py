"""Security edits the diff once missed or misjudged: an operation's only scheme dropped or
added beside ``{}``, the main scheme moved while no operation is stranded, unsupported
schemes replaced, reorderings that change nothing for the client, tightened scopes."""

from __future__ import annotations

from typing import Any

from diff_base import Alternatives, diff, secured

from apiforge.diff.model import Change

_OAUTH = {
    "type": "oauth2",
    "flows": {
        "clientCredentials": {
            "tokenUrl": "https://auth.test/token",
            "scopes": {"read": "r", "write": "w", "admin": "a"},
        }
    },
}
_DIGEST = {"type": "http", "scheme": "digest"}


def _found(old: dict[str, Any], new: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(c.rule, c.audience, c.level.value) for c in diff(old, new).changes}


def _only(old: dict[str, Any], new: dict[str, Any], rule: str) -> Change:
    (change,) = [c for c in diff(old, new).changes if c.rule == rule]
    return change


def _x(alternatives: Alternatives, **schemes: dict[str, Any]) -> dict[str, Any]:
    """``/x`` with ``alternatives``, ``/y`` taking ``a`` (the main scheme stays ``a``)."""
    return secured({"/x": alternatives, "/y": [{"a": []}]}, **schemes)


def test_the_only_scheme_added_beside_an_empty_alternative_is_reported() -> None:
    """The client now sends X-A to /x; the server passes a principal instead of None."""
    assert _found(_x([{}]), _x([{"a": []}, {}])) == {
        ("auth-alternative-added", "client", "compatible"),
        ("auth-alternative-added", "server", "possibly breaking"),
    }


def test_the_only_scheme_dropped_beside_an_empty_alternative_is_reported() -> None:
    """Calls to /x are now served unauthenticated: the context carries no principal."""
    assert _found(_x([{"a": []}, {}]), _x([{}])) == {
        ("auth-alternative-removed", "client", "possibly breaking"),
        ("auth-alternative-removed", "server", "possibly breaking"),
    }


def test_a_main_scheme_move_that_strands_no_operation_is_not_breaking() -> None:
    """``b`` becomes the main scheme; /y and /z still accept a call carrying only ``b``."""
    both = [{"a": []}, {"b": []}]
    old = secured({"/x": [{"a": []}], "/y": both, "/z": both})
    new = secured({"/x": [{"b": []}], "/y": both, "/z": both})
    change = _only(old, new, "client-credentials-changed")
    assert change.level.value == "possibly breaking"  # an API key then, a bearer token now
    assert "MissingCredentialsError" not in change.message


def test_a_main_scheme_move_names_the_operations_it_strands() -> None:
    old = secured({"/x": [{"a": []}], "/y": [{"a": []}], "/z": [{"a": []}, {"b": []}]})
    new = secured({"/x": [{"b": []}], "/y": [{"a": []}], "/z": [{"b": []}]})
    change = _only(old, new, "client-credentials-changed")
    assert change.level.value == "breaking"
    assert "MissingCredentialsError" in change.message and "(y)" in change.message


def test_an_unsupported_scheme_replaced_by_a_required_one_may_break_clients() -> None:
    """A caller who passed digest credentials through http_client= now gets 401."""
    old = _x([{"d": []}], d=_DIGEST)
    assert ("auth-unsupported-removed", "client", "possibly breaking") in _found(
        old, _x([{"a": []}], d=_DIGEST)
    )
    assert ("auth-unsupported-removed", "client", "compatible") in _found(
        old, _x([{"a": []}, {}], d=_DIGEST)
    )


def test_an_alternative_named_again_later_changes_no_order() -> None:
    assert _found(_x([{"a": []}, {"b": []}]), _x([{"a": []}, {"b": []}, {"a": []}])) == set()


def test_scopes_merged_into_a_wider_set_are_not_accepted_more() -> None:
    old = _x([{"o": ["read"]}, {"o": ["admin"]}], o=_OAUTH)
    new = _x([{"o": ["read", "write"]}], o=_OAUTH)
    found = _found(old, new)
    assert not {rule for rule, *_ in found if rule == "auth-scopes-alternative-added"}
    assert ("auth-scopes-alternative-removed", "client", "possibly breaking") in found


def test_a_scheme_of_a_kind_no_longer_supported_is_said_to_be_still_declared() -> None:
    old = secured({"/x": [{"a": []}], "/y": [{"b": []}], "/z": [{"b": []}]})
    new = secured({"/x": [{"a": []}], "/y": [{"b": []}], "/z": [{"b": []}]}, a=_DIGEST)
    change = _only(old, new, "credentials-scheme-removed")
    assert "no longer supported" in change.message
    assert "no longer declared" not in change.message
