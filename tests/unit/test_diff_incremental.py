"""The release step's comparison with a stored snapshot gives the full comparison's report.

Every edit of the rule table (``test_diff_rules``) and random edit sequences (the edits of
``test_diff_properties``) are diffed both ways: :func:`apiforge.diff.engine.compare` over two
fresh snapshots, and :func:`apiforge.diff.incremental.compare_stored` from the stored index of
the old side. Where the incremental comparison takes the edit, its report must equal the full
one change for change (order included), and what it stores for the new side must compare the
next edit as a fresh index does.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from diff_base import PACKAGES, SPEC, Edit, base, edited, op, schema
from diff_base import both_ways as _both_ways
from diff_base import spec_snapshot as _snapshot
from diff_base import stored_index as _stored
from hypothesis import HealthCheck, given, settings
from test_diff_properties import _apply, edits
from test_diff_rules import PAIRS, ROWS

from apiforge.diff import incremental, stored, units
from apiforge.diff.engine import compare
from apiforge.diff.incremental import compare_stored
from apiforge.diff.snapshot import Snapshot
from apiforge.diff.stored import (
    CACHE_KIND,
    REFRESH,
    read_index,
    restore,
    store,
)
from apiforge.output.cache import cache_dir


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))


HANDLED = {
    "operation-removed",
    "operation-added",
    "operation-renamed",
    "endpoint-changed",
    "enum-value-removed",
    "enum-value-added",
    "field-added",
    "field-removed",
    "parameter-removed",
    "parameter-added",
    "parameter-made-required",
    "constraint-narrower",
    "operation-deprecated",
    "auth-added",
    "base-url-changed",
}


@pytest.mark.parametrize("row", ROWS, ids=[r[0] for r in ROWS])
def test_each_rule_table_edit_reports_the_same(row: tuple[str, Edit, Any]) -> None:
    name, edit, *_ = row
    full, incremental = _both_ways(base(), edited(edit))
    if incremental is not None:
        assert incremental == full
    else:
        assert name not in HANDLED, f"{name}: the incremental comparison declined"
    reverse_full, reverse = _both_ways(edited(edit), base())
    if reverse is not None:
        assert reverse == reverse_full


@pytest.mark.parametrize("pair", PAIRS, ids=[p[0] for p in PAIRS])
def test_each_two_sided_edit_reports_the_same(pair: tuple[str, Edit, Edit, Any]) -> None:
    _, first, second, _ = pair
    full, incremental = _both_ways(edited(first), edited(second))
    assert incremental is None or incremental == full


def test_a_schema_edit_compares_only_where_it_reaches() -> None:
    """Adding a field to Pet re-compares Pet and the operations whose $refs read it, nothing else."""

    def add(d: dict[str, Any]) -> None:
        schema(d, "Pet")["properties"]["colour"] = {"type": "string"}

    full, incremental = _both_ways(base(), edited(add))
    assert incremental == full and {c.rule for c in full.changes} == {"field-added"}
    old, new = _snapshot(base()), _snapshot(edited(add))
    table = units.cut(new.document)
    assert table is not None
    changed = {k for k, n in table.items() if units.fingerprint(n) != _fingerprint(old, k)}
    assert changed == {"sPet"}


def _fingerprint(snapshot: Snapshot, unit: str) -> bytes | None:
    table = units.cut(snapshot.document)
    assert table is not None
    return units.fingerprint(table[unit])


def test_a_parameter_schema_ref_reads_the_schema_it_names() -> None:
    """A parameter takes its default and limits from a $ref'd schema: editing that schema
    re-compares the operation (its unit reads the schema's content)."""

    def limit(maximum: int) -> Edit:
        def edit(d: dict[str, Any]) -> None:
            d["components"]["schemas"]["Limit"] = {"type": "integer", "maximum": maximum}
            op(d, "/pets/", "get")["parameters"][0]["schema"] = {
                "$ref": "#/components/schemas/Limit"
            }

        return edit

    full, incremental = _both_ways(edited(limit(100)), edited(limit(10)))
    assert incremental is not None and incremental == full
    assert "parameter-constraint-narrower" in {c.rule for c in full.changes}


def test_edits_the_incremental_comparison_declines() -> None:
    """The rest of the document edited, or a schema removed: the caller compares in full."""

    def security(d: dict[str, Any]) -> None:
        d["security"] = [{"token": ["pets:write"]}]

    def status_gone(d: dict[str, Any]) -> None:
        del d["components"]["schemas"]["Status"]
        del schema(d, "Pet")["properties"]["status"]

    for edit in (security, status_gone):
        assert _both_ways(base(), edited(edit))[1] is None


def test_operations_added_and_removed_are_compared_where_the_edit_reaches() -> None:
    def drop(d: dict[str, Any]) -> None:
        del d["paths"]["/pets/{id}/"]

    def add(d: dict[str, Any]) -> None:
        d["paths"]["/toys/"] = {
            "get": {
                "operationId": "toys_list",
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

    for edit in (drop, add):
        full, incremental = _both_ways(base(), edited(edit))
        assert incremental is not None and incremental == full and full.changes
        back, reverse = _both_ways(edited(edit), base())
        assert reverse is not None and reverse == back


def test_documents_that_differ_only_in_text_give_a_patch() -> None:
    def describe(d: dict[str, Any]) -> None:
        schema(d, "Pet")["description"] = "A pet."

    full, incremental = _both_ways(base(), edited(describe))
    assert incremental == full and full.changes == () and full.documents_differ


def test_the_document_digest_is_the_canonical_json_digest_in_units() -> None:
    """Equal exactly when the canonical JSON is equal: key order does not count, values do."""
    document = base()
    reordered = dict(reversed(list(copy.deepcopy(document).items())))
    assert units.document_digest(document) == units.document_digest(reordered)
    one = edited(lambda d: schema(d, "Pet")["properties"].__setitem__("n", {"maximum": 1}))
    other = edited(lambda d: schema(d, "Pet")["properties"].__setitem__("n", {"maximum": 1.0}))
    assert units.document_digest(one) != units.document_digest(other)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(edits, edits)
def test_random_edit_sequences_report_the_same(
    first: list[tuple[str, int]], second: list[tuple[str, int]]
) -> None:
    old, new = _apply(first), _apply(second)
    full, incremental = _both_ways(old, new)
    assert incremental is None or incremental == full
    # the index stored for ``new`` compares the next edit as a fresh one does
    done = compare_stored(_stored(new, "next"), _snapshot(old), SPEC, PACKAGES, lambda w: w)
    assert done is None or done[0] == compare(_snapshot(new), _snapshot(old), PACKAGES)


def test_an_edit_that_moves_who_uses_a_schema_works_the_usage_out_again() -> None:
    """NewPet refers to Owner now: Owner travels in requests too, and the stored users follow."""

    def owner(d: dict[str, Any]) -> None:
        d["components"]["schemas"]["Owner"] = {
            "type": "object",
            "properties": {"name": {"type": "string"}},
        }
        schema(d, "Pet")["properties"]["owner"] = {"$ref": "#/components/schemas/Owner"}

    def shared(d: dict[str, Any]) -> None:
        owner(d)
        schema(d, "NewPet")["properties"]["owner"] = {"$ref": "#/components/schemas/Owner"}
        schema(d, "Owner")["properties"]["age"] = {"type": "integer"}

    full, incremental = _both_ways(edited(owner), edited(shared))
    assert incremental is not None and incremental == full
    assert {"field-added"} <= {c.rule for c in full.changes}


def test_a_new_api_version_beside_a_schema_edit_is_compared_where_the_edit_reaches() -> None:
    """``info`` is a unit of its own: its edit changes the document, not the operations."""

    def release(d: dict[str, Any]) -> None:
        d["info"]["version"] = "1.3.0"
        d["info"]["title"] = "Shop, now with colours"
        schema(d, "Pet")["properties"]["colour"] = {"type": "string"}

    full, incremental = _both_ways(base(), edited(release))
    assert incremental is not None and incremental == full and full.documents_differ


def _walked(unit: str, node: Any) -> set[str]:
    """The refs of a unit found by walking it (what :func:`units.summary` reads off the text)."""
    found: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            plain = unit.startswith("s") and isinstance(ref, str) and ref.count("/") == 3
            if isinstance(ref, str) and not plain:
                found.add(units.unit_of(ref[1:]) if ref.startswith("#") else units.REST)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def test_refs_read_off_the_json_text_are_the_refs_a_walk_finds() -> None:
    document = base()
    tricky = {
        "description": 'a "$ref": "#/paths/~1x" in prose, and \\"$ref\\": \\"#/x\\"',
        "properties": {
            "$ref": {"type": "string"},  # a property named $ref
            "link": {"$ref": "#/components/schemas/Pet/properties/name"},
            "deep": {"items": [{"$ref": "#/paths/~1pets~1/get/responses"}]},
            "text": {"example": {"$ref": "#/info"}},
            "plain": {"$ref": "#/components/schemas/Pet"},
        },
    }
    document["components"]["schemas"]["Tricky"] = tricky
    table = units.cut(document)
    assert table is not None
    for unit, node in table.items():
        assert set(units.summary(unit, node)[1]) == _walked(unit, node), unit
    assert set(units.summary("sTricky", tricky)[1]) == {"sPet", "p/pets/", "tinfo"}


def test_a_restored_snapshot_loads_an_entry_only_when_a_rule_reads_it() -> None:
    index = _stored(base(), "lazy")
    restored = restore(index, SPEC, lambda w: w)
    assert restored is not None
    ops, schemas = restored.operations, restored.api.schemas
    assert "pets_list" in ops and "nothing" not in ops and "Pet" in schemas
    assert not ops.loaded and not schemas.source.loaded  # type: ignore[attr-defined]
    assert ops["pets_list"].operation_id == "pets_list" and list(ops.loaded) == ["pets_list"]  # type: ignore[attr-defined]


def test_a_pack_gone_from_the_cache_makes_the_caller_compare_in_full() -> None:
    """The cache prunes rows on its own: a missing entry declines, it never misreports."""
    import sqlite3

    index = _stored(base(), "pruned")
    packs = {ref[0] for *_, ref in index.operations}
    folder = cache_dir(CACHE_KIND)
    assert folder is not None and packs
    with sqlite3.connect(folder.parent / "entries.sqlite3") as connection:
        connection.executemany("DELETE FROM entries WHERE key = ?", [(p,) for p in packs])
    new = edited(lambda d: schema(d, "Pet")["properties"].__setitem__("x", {"type": "string"}))
    assert compare_stored(index, _snapshot(new), SPEC, PACKAGES, lambda w: w) is None
    assert restore(index, SPEC, lambda w: w, everything=True) is None


def test_storing_a_snapshot_keeps_the_entries_it_shares_recently_used() -> None:
    """The cache prunes the least recently used rows: a pack an index still names is touched
    when the index it comes from was marked over REFRESH seconds ago."""
    import sqlite3

    _stored(base(), "first")
    index = read_index("first")
    assert index is not None and index.touched > 0  # stamped when stored
    index = replace(index, touched=index.touched - REFRESH - 1)
    folder = cache_dir(CACHE_KIND)
    assert folder is not None
    database = folder.parent / "entries.sqlite3"
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE entries SET used = 0")
    new = edited(lambda d: schema(d, "Pet")["properties"].__setitem__("x", {"type": "string"}))
    done = compare_stored(index, _snapshot(new), SPEC, PACKAGES, lambda w: w)
    assert done is not None
    made, entries = done[1]
    store("second", made, entries)
    named = {ref[0] for *_, ref in made.operations} | {ref[0] for _, _, ref, _ in made.schemas}
    shared = named - entries.keys()
    assert shared
    with sqlite3.connect(database) as connection:
        stale = connection.execute(
            f"SELECT key FROM entries WHERE used = 0 AND key IN ({', '.join('?' * len(shared))})",
            sorted(shared),
        ).fetchall()
    assert stale == []
    second = read_index("second")
    assert second is not None and second.touched > index.touched + REFRESH


def test_a_snapshot_stored_soon_after_its_source_does_not_mark_shared_entries_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Marking reads each shared 128 KB row: the stamp of the index they come from says
    they were marked recently, and the new index carries that stamp on."""
    _stored(base(), "first")
    index = read_index("first")
    assert index is not None and index.touched > 0
    new = edited(lambda d: schema(d, "Pet")["properties"].__setitem__("x", {"type": "string"}))
    done = compare_stored(index, _snapshot(new), SPEC, PACKAGES, lambda w: w)
    assert done is not None
    made, entries = done[1]
    assert made.touched == index.touched
    marked: list[object] = []
    monkeypatch.setattr(stored, "touch_many", lambda *args: marked.append(args))
    store("second", made, entries)
    second = read_index("second")
    assert marked == [] and second is not None and second.touched == index.touched


def test_a_unit_fingerprint_does_not_follow_reference_counts() -> None:
    """Equal nodes fingerprint alike though other objects (an IR, a replayed IR) hold parts of one."""
    node = {"type": "object", "properties": {"x": {"type": "string"}}}
    same = copy.deepcopy(node)
    held = [node["properties"], node["properties"]["x"]]
    assert units.fingerprint(node) == units.fingerprint(same)
    assert held  # kept alive until here


def test_an_edit_with_every_operation_in_place_skips_the_matching(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Operations stored as they are (ids, paths, methods, in order) and named alike: only
    the edited ones are compared, without matching; report and index are the full ones."""

    def matched(*args: object) -> None:
        raise AssertionError("the operations were matched")

    monkeypatch.setattr(incremental, "_matched", matched)
    new = edited(lambda d: schema(d, "Pet")["properties"].__setitem__("x", {"type": "string"}))
    full, report = _both_ways(base(), new)
    assert report is not None and report.changes and report.changes == full.changes

    def narrower(d: dict[str, Any]) -> None:
        op(d, "/pets/", "get")["parameters"][0]["schema"]["maximum"] = 50

    full, report = _both_ways(base(), edited(narrower))
    assert report is not None and report.changes and report.changes == full.changes


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda d: op(d, "/pets/", "get")["parameters"].pop(), id="param-name"),
        pytest.param(
            lambda d: d["paths"].__setitem__("/pets/", d["paths"].pop("/pets/")), id="order"
        ),
        pytest.param(
            lambda d: op(d, "/pets/", "get").__setitem__("operationId", "pets_all"), id="id"
        ),
    ],
)
def test_an_edit_that_moves_or_renames_an_operation_matches_them_all(
    monkeypatch: pytest.MonkeyPatch, edit: Edit
) -> None:
    """A name gone (a parameter's), a new order or id: the operations are matched as the
    full comparison matches them, and the reports agree."""
    calls: list[bool] = []
    real = incremental._matched

    def matched(*args: Any) -> Any:
        calls.append(True)
        return real(*args)

    monkeypatch.setattr(incremental, "_matched", matched)
    full, report = _both_ways(base(), edited(edit))
    assert report is not None and calls and report.changes == full.changes


def test_a_property_added_stores_no_new_names() -> None:
    """The names entry is shared while no Python name moves: a snapshot keeps only the fields
    not named as on the wire, so a plain new property leaves it as it was."""
    index = _stored(base(), "old")
    new = edited(lambda d: schema(d, "Pet")["properties"].__setitem__("x", {"type": "string"}))
    done = compare_stored(index, _snapshot(new), SPEC, PACKAGES, lambda where: where)
    assert done is not None
    made, entries = done[1]
    assert made.names == index.names and made.names not in entries
    renamed = edited(lambda d: schema(d, "Pet")["properties"].__setitem__("class", {}))
    done = compare_stored(index, _snapshot(renamed), SPEC, PACKAGES, lambda where: where)
    assert done is not None and done[1][0].names != index.names  # class_ is stored
