"""generator.render.layout spells literals and expressions exactly as black leaves them."""

from __future__ import annotations

import ast
import random

import black
import pytest
from black.mode import TargetVersion

from generator.render import layout
from generator.render.escape import literal
from generator.render.layout import Bracket, assignment, call, subscript

MODE = black.Mode(target_versions={TargetVersion.PY310}, line_length=layout.LINE_LENGTH)


def black_keeps(source: str) -> bool:
    return black.format_str(source, mode=MODE) == source


@pytest.mark.parametrize("value", [
    "", "plain", "it's", 'say "hi"', "both ' and \"", "two '' one \"", "one ' two \"\"", "back\\slash",
    "back\\'slash", "new\nline", "tab\t", "\x00nul", "été", "春", "\u2028", "'", '"', "\\", "\\\\'",
    0, -3, 1.5, True, False, None,
])
def test_literal_is_the_value_in_blacks_quotes(value: object) -> None:
    spelt = literal(value)
    assert ast.literal_eval(spelt) == value and type(ast.literal_eval(spelt)) is type(value)
    assert black_keeps(f"x = {spelt}\n")


def test_literal_of_random_strings_matches_black() -> None:
    rnd = random.Random(7)
    alphabet = "ab'\"\\\n\t é"
    for _ in range(2000):
        value = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 8)))
        spelt = literal(value)
        assert ast.literal_eval(spelt) == value
        assert black_keeps(f"x = {spelt}\n"), spelt


def test_width_counts_wide_characters_twice() -> None:
    assert layout.width("abc") == 3
    assert layout.width("春a") == 3
    assert layout.width("e\u0301") == 1


def _name(rnd: random.Random, low: int, high: int) -> str:
    return "".join(rnd.choice("ABCDEFGHIJ") for _ in range(rnd.randint(low, high)))


def _operation(rnd: random.Random) -> str:
    """An ``rt.Operation`` constant of random lengths, laid out like client_views lays them out."""
    params = tuple(
        call("rt.Param", literal(_name(rnd, 1, 30).lower()), '"query"', *(["required=True"] if rnd.random() < 0.5 else []))
        for _ in range(rnd.choice([0, 1, 2, 3, 5]))
    )
    outcomes = tuple(call(f'"{200 + i}": rt.Outcome', '"json"', _name(rnd, 3, 70)) for i in range(rnd.choice([0, 1, 2, 3])))
    if rnd.random() < 0.3:
        expr = call("rt.Operation", literal(_name(rnd, 3, 60)), "body=None")
    else:
        expr = call(
            "rt.Operation", literal(_name(rnd, 3, 60).lower()), '"GET"', literal("/" + _name(rnd, 1, 80)),
            Bracket("params=", "(", params, ")", tuple1=True), "body=None", Bracket("responses=", "{", outcomes, "}"),
            Bracket("errors=", "{", (), "}"), "authenticated=True", "deprecated=False",
        )
    target = subscript(_name(rnd, 3, 60) + ": rt.Operation", _name(rnd, 3, 70) + rnd.choice(["", " | None"]))
    return assignment(target, expr) + "\n"


def _attribute(rnd: random.Random) -> str:
    """A sub-resource attribute assigned in ``__init__`` (two levels deep)."""
    statement = assignment("self.x" + _name(rnd, 0, 40).lower(), call(_name(rnd, 5, 80), "client"), depth=2)
    return "class A:\n    def __init__(self, client: int) -> None:\n" + statement + "\n"


@pytest.mark.parametrize("make", [_operation, _attribute])
def test_random_assignments_are_left_alone_by_black(make: object) -> None:
    rnd = random.Random(11)
    for _ in range(300):
        source = make(rnd)  # type: ignore[operator]
        assert black_keeps(source), source


def test_lines_fit_or_explode_with_magic_commas() -> None:
    expr = Bracket("params=", "(", (call("rt.Param", '"a"', '"path"'),), ")", tuple1=True)
    assert layout.lines(expr, 2, ",") == ['        params=(rt.Param("a", "path"),),']
    long = Bracket("x=", "{", tuple(f'"{i}": {"y" * 30}' for i in range(4)), "}")
    assert layout.lines(long, 1) == ["    x={", *(f'        "{i}": {"y" * 30},' for i in range(4)), "    }"]
