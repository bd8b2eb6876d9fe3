"""Version arithmetic, the pyproject/CHANGELOG edits, and safe rendering of spec text in reports."""

from __future__ import annotations

import pytest

from apiforge.diagnostics import SpecLocation
from apiforge.diff.model import Bump, Change, Level, Report
from apiforge.diff.release import (
    add_changelog_entry,
    next_version,
    project_version,
    set_project_version,
)
from apiforge.diff.render import changelog_entry, render_text
from apiforge.render.escape import markdown_code, markdown_escaped


@pytest.mark.parametrize(
    "version, bump, expected",
    [
        ("1.4.2", Bump.MAJOR, "2.0.0"),
        ("1.4.2", Bump.MINOR, "1.5.0"),
        ("1.4.2", Bump.PATCH, "1.4.3"),
        ("1.4.2", Bump.NONE, "1.4.2"),
        ("0.3.1", Bump.MAJOR, "0.4.0"),  # below 1.0 the minor number is the breaking one
        ("0.3.1", Bump.MINOR, "0.3.2"),
        ("2", Bump.MINOR, "2.1.0"),
        ("v1.0rc1", Bump.PATCH, "1.0.1"),
        ("latest", Bump.MAJOR, "0.1.0"),
    ],
)
def test_next_version(version: str, bump: Bump, expected: str) -> None:
    assert next_version(version, bump) == expected


def test_set_project_version_touches_only_the_project_table() -> None:
    text = '[tool.x]\nversion = "9"\n\n[project]\nname = "a"\nversion = "1.0.0"\n\n[other]\nversion = "7"\n'
    changed = set_project_version(text, "2.0.0")
    assert project_version(changed) == "2.0.0"
    assert changed.replace('version = "2.0.0"', 'version = "1.0.0"') == text
    with pytest.raises(ValueError):
        set_project_version("[project]\nname = 'a'\n", "1.0.0")


def test_changelog_entries_stack_newest_first() -> None:
    first = add_changelog_entry(None, "## 1.1.0\n\n- one\n")
    second = add_changelog_entry(first, "## 2.0.0\n\n- two\n")
    assert second == "# Changelog\n\n## 2.0.0\n\n- two\n\n## 1.1.0\n\n- one\n"


HOSTILE = "x\x1b[31m`<img src=x>`_*[link](http://e)"


def _report() -> Report:
    change = Change(
        "field-removed",
        "client",
        Level.BREAKING,
        f"field {HOSTILE!s} removed",
        f"models.Pet.{HOSTILE}",
        SpecLocation("old.yaml", "/a", 3),
        None,
    )
    return Report("old.yaml", "new.yaml", (change,), {"pets_client": "client"})


def test_text_report_is_terminal_safe() -> None:
    text = render_text(_report())
    assert "\x1b" not in text and "\\x1b" in text
    assert "old: old.yaml:3 #/a" in text and "new: -" in text  # an addition-only side


def test_changelog_entry_keeps_spec_text_inert() -> None:
    entry = changelog_entry(_report(), "client", "2.0.0")
    line = entry.splitlines()[-1]
    assert "\x1b" not in entry
    symbol, _, message = line.partition("`: ")
    assert (
        symbol.startswith("- `models.Pet.x") and symbol.count("`") == 1
    )  # one code span: HTML inert
    assert (
        "\\<img" in message and "\\[link\\]" in message and "<img" not in message.replace("\\<", "")
    )


def test_markdown_helpers() -> None:
    assert markdown_code("a`b\nc") == "`ab c`"
    assert markdown_escaped("list_all(<x>)") == "list\\_all(\\<x\\>)"
