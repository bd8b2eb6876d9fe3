"""Properties of the diff: a spec against itself reports nothing; B -> A mirrors A -> B.

Hypothesis picks one to three realistic edits of the pet-shop spec (drop an
operation or a parameter, flip ``required``, retype, tighten a limit, add or
drop a field or enum value, drop a body, change auth...). Diffing the edited
spec back to the original must give the mirror image of the forward report:
every "removed" an "added", every "narrower" a "wider", locations swapped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from diff_base import base, canonical, diff, edited, mirror, op, schema
from hypothesis import given, settings
from hypothesis import strategies as st

Doc = dict[str, Any]

_OPS = (("/pets/", "get"), ("/pets/", "post"), ("/pets/{id}/", "get"))


def _drop_operation(d: Doc, n: int) -> None:
    path, method = _OPS[n % 3]
    d["paths"][path].pop(method, None)


def _rename_operation(d: Doc, n: int) -> None:
    path, method = _OPS[n % 3]
    if method in d["paths"][path]:
        d["paths"][path][method]["operationId"] = f"renamed_{n}"


def _query(d: Doc) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = (
        op(d, "/pets/", "get").setdefault("parameters", []) if "get" in d["paths"]["/pets/"] else []
    )
    return found


def _drop_parameter(d: Doc, n: int) -> None:
    params = _query(d)
    if params:
        params.pop(n % len(params))


def _flip_parameter_required(d: Doc, n: int) -> None:
    params = _query(d)
    if params:
        param = params[n % len(params)]
        param["required"] = not param.get("required", False)


def _retype_parameter(d: Doc, n: int) -> None:
    params = _query(d)
    if params:
        params[n % len(params)]["schema"] = {
            "type": ("string", "number", "integer", "boolean")[n % 4]
        }


def _add_parameter(d: Doc, n: int) -> None:
    if "get" in d["paths"]["/pets/"]:
        _query(d).append(
            {
                "name": f"extra{n % 3}",
                "in": "query",
                "required": n % 2 == 0,
                "schema": {"type": "string"},
            }
        )


def _limit_name(d: Doc, n: int) -> None:
    properties = schema(d, ("NewPet", "Pet")[n % 2])["properties"]
    if "name" in properties:
        properties["name"]["maxLength"] = 1 + n % 80


def _drop_field(d: Doc, n: int) -> None:
    target = schema(d, ("NewPet", "Pet")[n % 2])
    names = sorted(target["properties"])
    if not names:
        return
    name = names[n % len(names)]
    del target["properties"][name]
    if name in target.get("required", []):
        target["required"].remove(name)


def _add_field(d: Doc, n: int) -> None:
    target = schema(d, ("NewPet", "Pet")[n % 2])
    target["properties"][f"f{n % 4}"] = {"type": ("string", "integer")[n % 2]}
    if n % 3 == 0:
        target.setdefault("required", []).append(f"f{n % 4}")


def _flip_field_required(d: Doc, n: int) -> None:
    target = schema(d, ("NewPet", "Pet")[n % 2])
    if not target["properties"]:
        return
    name = sorted(target["properties"])[n % len(target["properties"])]
    required = target.setdefault("required", [])
    if name in required:
        required.remove(name)
    else:
        required.append(name)


def _nullable_field(d: Doc, n: int) -> None:
    target = schema(d, ("NewPet", "Pet")[n % 2])
    if not target["properties"]:
        return
    name = sorted(target["properties"])[n % len(target["properties"])]
    if "$ref" not in target["properties"][name]:
        target["properties"][name]["nullable"] = True


def _enum_values(d: Doc, n: int) -> None:
    values = schema(d, "Status")["enum"]
    if n % 2 and len(values) > 1:
        values.pop(n % len(values))
    else:
        values.append(f"v{n % 5}") if f"v{n % 5}" not in values else None


def _drop_body(d: Doc, n: int) -> None:
    if "post" in d["paths"]["/pets/"]:
        op(d, "/pets/", "post").pop("requestBody", None)


def _deprecate(d: Doc, n: int) -> None:
    path, method = _OPS[n % 3]
    if method in d["paths"][path]:
        d["paths"][path][method]["deprecated"] = True


def _auth(d: Doc, n: int) -> None:
    path, method = _OPS[n % 3]
    if method in d["paths"][path]:
        d["paths"][path][method]["security"] = (
            [] if n % 2 else [{"token": ["pets:read", f"s{n % 3}"]}]
        )


EDITS: dict[str, Callable[[Doc, int], None]] = {
    f.__name__: f
    for f in (
        _drop_operation,
        _rename_operation,
        _drop_parameter,
        _flip_parameter_required,
        _retype_parameter,
        _add_parameter,
        _limit_name,
        _drop_field,
        _add_field,
        _flip_field_required,
        _nullable_field,
        _enum_values,
        _drop_body,
        _deprecate,
        _auth,
    )
}

edits = st.lists(
    st.tuples(st.sampled_from(sorted(EDITS)), st.integers(0, 1000)), min_size=1, max_size=3
)


def _apply(steps: list[tuple[str, int]]) -> Doc:
    def edit(d: Doc) -> None:
        for name, n in steps:
            EDITS[name](d, n)

    return edited(edit)


@settings(max_examples=60, deadline=None)
@given(edits)
def test_a_spec_diffed_with_itself_reports_nothing(steps: list[tuple[str, int]]) -> None:
    changed = _apply(steps)
    assert diff(changed, changed).changes == ()
    assert not diff(changed, changed).documents_differ


@settings(max_examples=60, deadline=None)
@given(edits)
def test_an_edit_and_its_inverse_give_mirrored_reports(steps: list[tuple[str, int]]) -> None:
    original, changed = base(), _apply(steps)
    forward, backward = diff(original, changed), diff(changed, original)
    assert canonical(forward, mirrored=False) == canonical(backward, mirrored=True)


def test_mirror_table() -> None:
    assert mirror("field-added-required") == "field-removed"
    assert mirror("constraint-narrower") == "constraint-wider"
    assert mirror("parameter-made-optional") == "parameter-made-required"
    assert mirror("operation-renamed") == "operation-renamed"
