"""render/imports.py writes import blocks exactly as ruff's isort rules (its defaults) keep them.

The rules one by one, then a seeded cross-check: a few hundred random blocks that the
pinned ruff (``--select I``, width 88, py310) must find nothing to change in.
"""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

from apiforge.render.imports import Import, import_block, names_from

RUFF = Path(sys.executable).parent / "ruff"


def test_sections_in_order_with_one_blank_line_between() -> None:
    block = import_block(
        [
            Import("..models.pets", "Pet"),
            Import("httpx"),
            Import("typing", "Any"),
            Import("__future__", "annotations"),
            Import("os"),
        ]
    )
    assert block == (
        "from __future__ import annotations\n\n"
        "import os\nfrom typing import Any\n\n"
        "import httpx\n\n"
        "from ..models.pets import Pet"
    )


def test_import_statements_before_from_statements_and_duplicates_once() -> None:
    block = import_block(
        [Import("typing", "Any"), Import("uuid", alias="_uuid"), Import("json"), Import("json")]
    )
    assert block == "import json\nimport uuid as _uuid\nfrom typing import Any"


def test_members_ordered_by_type_then_case_insensitively() -> None:
    names = ["get_args", "Annotated", "TYPE_CHECKING", "Any", "cast", "T_co", "A", "_Private"]
    assert import_block(names_from("typing", names)) == (
        "from typing import TYPE_CHECKING, A, Annotated, Any, T_co, _Private, cast, get_args"
    )


def test_aliased_members_get_their_own_statement() -> None:
    block = import_block(
        [
            Import("typing", "Any"),
            Import("typing", "Any", "_Any"),
            Import("typing", "Annotated", "_Annotated"),
        ]
    )
    assert block == (
        "from typing import Annotated as _Annotated\n"
        "from typing import Any\n"
        "from typing import Any as _Any"
    )


def test_natural_order_of_modules_and_names() -> None:
    block = import_block(
        [Import(".v10", "X"), Import(".v9", "X"), Import(".V2", "X"), Import(".v1", "Pet10")]
        + names_from(".v1", ["Pet9", "Pet"])
    )
    assert block == (
        "from .v1 import Pet, Pet9, Pet10\nfrom .V2 import X\nfrom .v9 import X\nfrom .v10 import X"
    )


def test_relative_imports_furthest_first_and_the_package_before_its_modules() -> None:
    block = import_block(
        [Import(".interfaces", "Api"), Import(".", "_runtime", "rt"), Import("..models.a", "A")]
        + [Import("..", "_runtime", "rt")]
    )
    assert block == (
        "from .. import _runtime as rt\n"
        "from ..models.a import A\n"
        "from . import _runtime as rt\n"
        "from .interfaces import Api"
    )


def test_wrapped_beyond_88_columns_counting_the_indentation() -> None:
    fits = names_from("pydantic", ["AnyUrl", "AwareDatetime", "BaseModel", "ConfigDict", "Field"])
    line = import_block(fits + [Import("pydantic", "RootModel12345")])
    assert len(line) == 88 and "\n" not in line
    assert import_block(fits + [Import("pydantic", "RootModel123456")]).count("\n") == 7
    assert import_block(fits + [Import("pydantic", "RootModel12345")], "    ") == (
        "    from pydantic import (\n"
        "        AnyUrl,\n        AwareDatetime,\n        BaseModel,\n        ConfigDict,\n"
        "        Field,\n        RootModel12345,\n    )"
    )


def test_wide_characters_count_two_columns() -> None:
    names = names_from(".models", ["日本語" * 7, "Pet" * 13])  # 81 characters, 102 columns
    assert (
        import_block(names) == f"from .models import (\n    {'Pet' * 13},\n    {'日本語' * 7},\n)"
    )


def test_exploded_modules_one_name_per_line_even_when_short() -> None:
    assert import_block([Import(".models", "Pet")], exploded={".models"}) == (
        "from .models import (\n    Pet,\n)"
    )
    assert import_block([Import(".models", "Pet", "P")], exploded={".models"}) == (
        "from .models import Pet as P"
    )


def _name(rnd: random.Random) -> str:
    base = rnd.choice(
        ["Pet", "pet", "PET", "P", "p", "_Pet", "_pet", "_PET", "Pet2", "Pet10", "pet_9",
         "Pet09", "HTTPError", "T_co", "XML2", "aB", "Ab", "AB", "ab", "A1", "a10", "a9",
         "TYPE_CHECKING", "Any", "get_args", "v2Thing", "V2thing", "Pet_status", "PetStatus",
         "日本語", "Ünïcode", "ünïcode", "ÉTAT"]
    )  # fmt: skip
    return base + rnd.choice(["", "", "X", "x", "1", "_a", "Long" * rnd.randint(1, 8)])


MODULES = [
    "typing", "uuid", "datetime", "collections.abc", "enum", "json", "builtins", "httpx",
    "pydantic", "pydantic.config", "pydantic_core", "fastapi", "starlette.responses", ".", "..",
    "._helpers", ".models", "..models.pets", "..models._shared_a1", "..models.Pets2",
    "..models.pets10", "..models.pets9", "..models.v01", "..models.v1", "..models.ABC",
]  # fmt: skip


def test_random_blocks_are_what_ruff_keeps(tmp_path: Path) -> None:
    rnd = random.Random(15)
    for i in range(300):
        imports = []
        for _ in range(rnd.randint(1, 14)):
            module = rnd.choice(MODULES)
            if module.startswith(".") or rnd.random() < 0.7:
                imports.append(Import(module, _name(rnd), rnd.choice(["", "", "_" + _name(rnd)])))
            else:
                imports.append(Import(module, alias=rnd.choice(["", "", f"_m{i}"])))
        exploded = {m for m in MODULES if rnd.random() < 0.2}
        if rnd.random() < 0.3:
            body = f"if TYPE_CHECKING:\n{import_block(imports, '    ', exploded)}\n\nX = 1\n"
            text = "from typing import TYPE_CHECKING\n\n" + body
        else:
            text = f"from __future__ import annotations\n\n{import_block(imports, '', exploded)}\n\n\nclass X:\n    pass\n"
        (tmp_path / f"m{i}.py").write_text(text, encoding="utf-8")
    checked = subprocess.run(
        [str(RUFF), "check", "--isolated", "--select", "I", "--target-version", "py310",
         "--no-cache", "--output-format", "concise", "."],
        cwd=tmp_path, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout[:3000]
