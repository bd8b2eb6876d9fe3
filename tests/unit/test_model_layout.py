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
    placed = assign(KEYS, {"pets": {"Toy"}, "stores": {"Store"}}, DEPS).placed
    assert placed["Toy"] == "pets"
    assert placed["Store"] == "stores" and placed["Address"] == "stores"


def test_what_several_groups_reach_is_shared_and_so_is_all_it_refers_to() -> None:
    layout = assign(KEYS, {"pets": {"Toy"}, "stores": {"Store"}}, DEPS)
    shared = "_shared_pets_and_stores"
    assert layout.placed["Pet"] == shared  # reached by pets (through Toy) and by stores
    assert layout.placed["Tag"] == shared  # only through Pet: a shared class imports nothing else
    assert layout.users[shared] == ("pets", "stores")


def test_unused_components_go_to_unused_and_what_they_share_is_shared() -> None:
    layout = assign(KEYS, {"pets": {"Toy"}, "used": {"Used"}}, DEPS)
    assert layout.placed["Orphan"] == "_unused" and layout.placed["OrphanPart"] == "_unused"
    assert layout.placed["Lonely"] == "_unused"
    used = "_shared_unused_and_used"  # one group uses it, but so does the unused Orphan
    assert layout.placed["Used"] == used and layout.users[used] == ("", "used")
    assert layout.placed["Pet"] == "_shared_pets_and_unused"  # the unused Store uses it too


def test_each_set_of_groups_gets_its_own_module_where_there_are_several() -> None:
    """Using one group loads exactly the models it reaches: one module per set of users."""
    deps = {**DEPS, "Owner": {"Address"}}
    layout = assign(
        [*KEYS, "Owner"], {"pets": {"Toy"}, "stores": {"Store"}, "owners": {"Owner"}}, deps
    )
    assert layout.placed["Pet"] == "_shared_pets_and_stores"
    assert layout.placed["Address"] == "_shared_owners_and_stores"
    assert layout.users[layout.placed["Address"]] == ("owners", "stores")


def test_no_module_imports_one_used_by_fewer_groups() -> None:
    """What a class refers to is reached by a superset of its groups: no cycle between modules."""
    deps = {**DEPS, "Owner": {"Address"}}
    groups = {"pets": {"Toy"}, "stores": {"Store"}, "used": {"Used"}, "owners": {"Owner"}}
    layout = assign([*KEYS, "Owner"], groups, deps)
    for key, refs in deps.items():
        for ref in refs:
            mine, theirs = layout.users[layout.placed[key]], layout.users[layout.placed[ref]]
            assert set(mine) <= set(theirs), (key, ref)


def test_without_groups_everything_is_unused() -> None:
    assert set(assign(KEYS, {}, DEPS).placed.values()) == {"_unused"}


def test_a_shared_module_keeps_its_name_when_another_set_of_groups_appears() -> None:
    """Adding an operation that makes a second shared set does not rename the first module."""
    before = assign(KEYS, {"pets": {"Toy"}, "stores": {"Store"}}, DEPS).placed
    deps = {**DEPS, "Owner": {"Address"}}
    groups = {"pets": {"Toy"}, "stores": {"Store"}, "owners": {"Owner"}}
    after = assign([*KEYS, "Owner"], groups, deps).placed
    assert before["Pet"] == after["Pet"] == "_shared_pets_and_stores"
