"""Names of the ``models/`` modules several groups share (naming/shared.py, issues 15 and 16.12)."""

from __future__ import annotations

import keyword
from collections import Counter

import pytest

from apiforge.naming import shared
from apiforge.naming.shared import MAX_LENGTH, shared_models_modules

POSTHOG = [
    {"dashboards", "environments_dashboards"},
    {"dashboards_collaborators", "environments_dashboards_collaborators"},
    {"dashboards", "environments_dashboards", "environments_insights"},
    {"dashboards", "environments_dashboards", "environments_session_recordings"},
    {"environments_dashboards", "environments_insights", "environments_exports"},
    {
        "environments_dashboards",
        "environments_insights",
        "environments_exports",
        "environments_groups",
    },
    {f"environments_resource_{n}" for n in range(40)},
    {f"resource_{n}_items" for n in range(40)},
    {"dashboards", "insights", "cohorts", "persons", "dashboards_collaborators"},
    {"", "pets"},
    {"_root", "pets"},
]


def _names(sets: list[set[str]]) -> dict[frozenset[str], str]:
    return {k: str(v) for k, v in shared_models_modules(sets).items()}


def test_a_few_groups_are_spelled_out() -> None:
    names = _names(POSTHOG)
    assert names[frozenset({"dashboards", "environments_dashboards"})] == (
        "_shared_dashboards_and_environments_dashboards"
    )
    assert names[frozenset({"", "pets"})] == "_shared_pets_and_unused"
    assert names[frozenset({"_root", "pets"})] == "_shared_pets_and_root"


def test_many_or_long_groups_are_named_by_their_theme_and_a_digest() -> None:
    names = _names(POSTHOG)
    many = names[frozenset(f"environments_resource_{n}" for n in range(40))]
    assert many.startswith("_shared_environments_resource_") and len(many) <= MAX_LENGTH
    long = names[frozenset({"dashboards_collaborators", "environments_dashboards_collaborators"})]
    assert long.startswith("_shared_dashboards_collaborators_")  # the words both end with
    suffix = names[frozenset(f"resource_{n}_items" for n in range(40))]
    assert suffix.startswith("_shared_resource_")  # a common first word wins over a common last one
    mixed = names[
        frozenset({"dashboards", "insights", "cohorts", "persons", "dashboards_collaborators"})
    ]
    assert mixed.startswith("_shared_dashboards_")  # the word most of them contain


def test_every_name_is_a_short_distinct_private_identifier() -> None:
    names = list(_names(POSTHOG).values())
    assert len(set(names)) == len(names)
    for name in names:
        assert name.isidentifier() and not keyword.iskeyword(name), name
        assert name.startswith("_shared_") and len(name) <= MAX_LENGTH, name
        assert name not in {"_shared", "_helpers", "_unused", "_root"}


def test_a_name_depends_only_on_its_own_set_of_groups() -> None:
    """A spec edit that leaves a module's users alone leaves its name alone."""
    alone = {frozenset(s): _names([s])[frozenset(s)] for s in POSTHOG}
    together = _names(POSTHOG)
    assert together == alone
    assert _names(list(reversed(POSTHOG))) == together


def test_sets_whose_readable_names_clash_are_told_apart_by_digest() -> None:
    clashing = [{"a_and_b", "c"}, {"a", "b_and_c"}]  # both spell _shared_a_and_b_and_c
    names = _names(clashing)
    assert len(set(names.values())) == 2
    assert all(n.startswith("_shared_") and n != "_shared_a_and_b_and_c" for n in names.values())
    assert _names(clashing) == names  # deterministic


def test_a_digest_clash_takes_more_digits_only_for_the_sets_that_clash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(shared, "DIGEST_LENGTH", 1)  # 16 digests for 20 sets: clashes are certain
    many = [{f"x_a{n}", f"x_b{n}", "x_c", "x_d"} for n in range(20)]  # all themed "x"
    names = _names(many)
    assert len(set(names.values())) == len(many)
    alone = {k: _names([set(k)])[k] for k in names}
    counts = Counter(alone.values())
    assert any(counts[n] > 1 for n in alone.values())
    for key, name in names.items():  # a set whose short name clashed with none keeps it
        assert (name == alone[key]) == (counts[alone[key]] == 1), (key, name)
    assert all(len(n) <= MAX_LENGTH for n in names.values())
