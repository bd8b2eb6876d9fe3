"""An edit of an allOf member reaches every model that merges it.

The models render an allOf-composed schema as one class holding every member's fields, so
a field edited in ``NewPet`` is edited in ``Pet`` (allOf ``NewPet``) and in ``Dog`` (allOf
``Pet``) too: each class is reported once, weighed by the directions its own data travels in.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from diff_base import diff, edited, schema
from test_diff_rules import _pet_all_of


def _with_dog(d: dict[str, Any]) -> None:
    _pet_all_of(d)
    d["components"]["schemas"]["Dog"] = {
        "allOf": [
            {"$ref": "#/components/schemas/Pet"},
            {"type": "object", "properties": {"barks": {"type": "boolean"}}},
        ]
    }


def _name_shorter(d: dict[str, Any]) -> None:
    _with_dog(d)
    schema(d, "NewPet")["properties"]["name"]["maxLength"] = 40


def test_a_members_field_edit_is_reported_under_every_class_that_merges_it() -> None:
    report = diff(edited(_with_dog), edited(_name_shorter))
    found = Counter((c.symbol, c.audience, c.rule, c.level.value) for c in report.changes)
    assert found == Counter(
        {
            # NewPet is the create body, and reaches responses through Pet
            ("models.NewPet.name", "client", "constraint-narrower", "possibly breaking"): 1,
            ("models.NewPet.name", "server", "constraint-narrower", "possibly breaking"): 1,
            # Pet travels in responses only: the server produces it
            ("models.Pet.name", "client", "constraint-narrower", "compatible"): 1,
            ("models.Pet.name", "server", "constraint-narrower", "possibly breaking"): 1,
            # Dog is used by no operation: no data travels in it
            ("models.Dog.name", "client", "constraint-narrower", "compatible"): 1,
            ("models.Dog.name", "server", "constraint-narrower", "compatible"): 1,
        }
    )


def test_a_member_field_the_composed_model_overrides_does_not_reach_it() -> None:
    """Pet's own ``name`` wins over its member's: Pet's model keeps its field."""

    def own_name(d: dict[str, Any]) -> None:
        _pet_all_of(d)
        schema(d, "Pet")["allOf"][1]["properties"]["name"] = {"type": "string"}

    def edit(d: dict[str, Any]) -> None:
        own_name(d)
        schema(d, "NewPet")["properties"]["name"]["type"] = "integer"

    symbols = {c.symbol for c in diff(edited(own_name), edited(edit)).changes}
    assert symbols == {"models.NewPet.name"}
