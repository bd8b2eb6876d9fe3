"""Where each component's classes live in ``models/`` (render/model_layout.py, issue 15)."""

from __future__ import annotations

from apiforge.render.model_layout import assign

KEYS = ["Pet", "Tag", "Toy", "Store", "Address", "Orphan", "OrphanPart", "Used", "Lonely"]
DEPS = {
    "Pet": {"Tag"},
    "Toy": {"Pet"},
    "Store": {"Address", "Pet"},
    "Orphan": {"OrphanPart", "Used"},
}


def test_a_component_one_group_reaches_lives_in_that_groups_module() -> None:
    placed = assign(KEYS, {"pets": {"Toy"}, "stores": {"Store"}}, DEPS)
    assert placed["Toy"] == "pets"
    assert placed["Store"] == "stores" and placed["Address"] == "stores"


def test_what_several_groups_reach_is_shared_and_so_is_all_it_refers_to() -> None:
    placed = assign(KEYS, {"pets": {"Toy"}, "stores": {"Store"}}, DEPS)
    assert placed["Pet"] == "_shared"  # reached by pets (through Toy) and by stores
    assert placed["Tag"] == "_shared"  # only through Pet: a shared class imports nothing else


def test_unused_components_and_what_they_refer_to_are_shared() -> None:
    placed = assign(KEYS, {"pets": {"Toy"}, "used": {"Used"}}, DEPS)
    assert placed["Orphan"] == "_shared" and placed["OrphanPart"] == "_shared"
    assert placed["Lonely"] == "_shared"
    assert placed["Used"] == "_shared"  # one group uses it, but so does the unused Orphan


def test_no_module_imports_a_group_module_but_its_own() -> None:
    """The shared module is closed under references: no cycle between modules is possible."""
    groups = {"pets": {"Toy"}, "stores": {"Store"}, "used": {"Used"}}
    placed = assign(KEYS, groups, DEPS)
    for key, refs in DEPS.items():
        for ref in refs:
            assert placed[ref] in ("_shared", placed[key]), (key, ref)
    assert all(
        placed[ref] == "_shared" for key in DEPS if placed[key] == "_shared" for ref in DEPS[key]
    )


def test_without_groups_everything_is_shared() -> None:
    assert set(assign(KEYS, {}, DEPS).values()) == {"_shared"}
