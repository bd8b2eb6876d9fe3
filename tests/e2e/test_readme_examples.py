"""The README's examples do what they say, against the fake PostHog on uvicorn (issue 16)."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

from posthog_client import Client, NotFoundError

from examples.posthog_fake import ALL_SCOPES_TOKEN

if TYPE_CHECKING:
    from conftest import PostHogHarness

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")


def _python_block(heading: str) -> str:
    section = README.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


def test_the_error_example_prints_something(posthog: PostHogHarness) -> None:
    """The README's ``try``/``except NotFoundError`` lines, run as written, print the error."""
    block = _python_block("Using the generated client").splitlines()
    start = next(i for i, line in enumerate(block) if line.strip() == "try:")
    end = next(i for i, line in enumerate(block) if "print(error" in line)
    snippet = textwrap.dedent("\n".join(block[start : end + 1]))
    printed = io.StringIO()
    client = Client(base_url=posthog.base_url, api_key=ALL_SCOPES_TOKEN)
    with client, contextlib.redirect_stdout(printed):
        exec(snippet, {"client": client, "NotFoundError": NotFoundError})  # noqa: S102
    text = printed.getvalue()
    assert text.startswith("404 Not Found from GET ") and '"detail"' in text and "None" not in text


def test_the_server_example_type_checks(tmp_path: Path) -> None:
    """The README's server example, as written, passes mypy --strict against generated/."""
    module = tmp_path / "my_service.py"
    module.write_text(_python_block("Implementing the generated server"))
    env = dict(
        os.environ,
        MYPYPATH=os.pathsep.join(
            str(REPO / "generated" / p) for p in ("posthog_server", "posthog_client")
        ),
    )
    checked = subprocess.run(
        [
            str(Path(sys.executable).parent / "mypy"),
            "--strict",
            "--cache-dir",
            str(tmp_path / "cache"),
            str(module),
        ],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=600,
    )
    assert checked.returncode == 0, checked.stdout


def test_the_readme_says_how_to_install_the_generated_client_and_watch() -> None:
    assert "pip install ./generated/posthog_client" in README
    quick_start = README.split("## Quick start\n", 1)[1].split("\n## ", 1)[0]
    assert "'.[watch]'" in quick_start


def test_the_fake_help_has_no_markup() -> None:
    ran = subprocess.run(
        [sys.executable, "-m", "examples.posthog_fake", "--help"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    assert (
        "``" not in ran.stdout
        and ":func:" not in ran.stdout
        and "fake of the PostHog API" in ran.stdout
    )
