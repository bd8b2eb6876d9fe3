"""Every diagnostic code the generator can emit has a case that triggers it.

The codes are read from ``generator/`` itself: the string literals passed to a reporting
call (``sink.error("ref-cycle", ...)``, ``Diagnostic("write-failed", ...)``, ...) or
assigned to a variable named ``code``. A case is either a spec under ``cases/`` (its
``# expect:`` lines, checked by ``test_diagnostics.py``) or an entry of
``test_other_cases.CASES`` (checked by ``test_other_cases.py``). A new code without a
case fails here; so does a code-shaped literal outside those calls that is not listed
in ``NOT_CODES`` (a new reporting helper must be added to ``REPORTERS``).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from test_diagnostics import CASES, expected_codes
from test_other_cases import CASES as OTHER_CASES

from apiforge.warning_codes import OUTPUT_CODES, WARNING_CODES

GENERATOR = Path(__file__).resolve().parents[2] / "generator"
CODE = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)+")
# Functions and classes whose string arguments include a diagnostic code.
REPORTERS = frozenset(
    {
        "error",
        "warning",
        "report",
        "at",
        "note",
        "warn",
        "_report",
        "Diagnostic",
        "_problem",
        "_refusal",
        "config_diagnostic",
        "_Stop",
        "report_at",
    }
)
# Code-shaped literals in generator/ that are not diagnostic codes, and what they are.
NOT_CODES = {
    "apiforge-black": "the formatter worker's process name (format.py)",
    "possibly-breaking": "a level of apiforge diff's --fail-on (cli.py)",
    "rust-regex": "a pydantic regex engine (render/model_types.py)",
    "python-re": "a pydantic regex engine (render/model_types.py)",
    "date-time": "a string format",
    "idn-email": "a string format",
    "phone-number": "a string format DMCG warns about",
    "request-response": "a DMCG option value",
    "openapi-pydantic": "a distribution name",
    "api-client": "a generated client's distribution name when its package has no ASCII letter",
    "api-server": "a generated server's distribution name when its package has no ASCII letter",
    "client-parameter-clash": "a retired warning code ignore-warnings still accepts (warning_codes.py)",
    "content-type": "a header parameter name OpenAPI 3.x ignores (ir/headers.py)",
    "content-length": "a header HTTP sets itself (ir/headers.py)",
    "transfer-encoding": "a header HTTP sets itself (ir/headers.py)",
    "keep-alive": "a header HTTP sets itself (ir/headers.py)",
    "proxy-connection": "a header HTTP sets itself (ir/headers.py)",
    "yaml-units": "a content cache kind (load/yaml_chunks.py)",
    "file-stats": "a content cache kind (output/file_stats.py)",
    "models-init": "a content cache kind (models.py)",
    "models-helpers": "a content cache kind (models.py)",
    "models-layout": "a content cache kind (model_cache.py)",
    "models-refs": "a content cache kind (model_cache.py)",
    "enable-by-default": "a hatch build-hook option",
    "include-in-wheel": "a hatch build-hook option",
    "require-runtime-dependencies": "a hatch build-hook option",
    "require-runtime-features": "a hatch build-hook option",
    "requires-python": "a pyproject.toml [project] key the build hook reads (cli/build_hook.py)",
}


def _callee(call: ast.Call) -> str:
    func = call.func
    return (
        func.attr
        if isinstance(func, ast.Attribute)
        else func.id
        if isinstance(func, ast.Name)
        else ""
    )


def _literals(node: ast.AST) -> list[str]:
    return [
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]


def emitted_codes() -> dict[str, str]:
    """Every code reported somewhere in generator/, with the first module that reports it."""
    found: dict[str, str] = {}
    for path in sorted(GENERATOR.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _callee(node) in REPORTERS:
                values = [v for arg in node.args[:2] for v in _literals(arg)]
            elif isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "code" for t in node.targets
            ):
                values = _literals(node.value)
            else:
                continue
            for value in values:
                if CODE.fullmatch(value):
                    found.setdefault(value, path.relative_to(GENERATOR.parent).as_posix())
    return found


def covered_codes() -> set[str]:
    return {code for case in CASES.glob("*.yaml") for code in expected_codes(case)} | set(
        OTHER_CASES
    )


def test_the_scan_finds_codes_of_every_stage() -> None:
    codes = emitted_codes()
    for code in (
        "yaml-syntax",
        "ref-cycle",
        "invalid-spec",
        "no-responses",
        "default-dropped",
        "server-raw-body",
        "format-failed",
        "write-failed",
        "orphaned-file",
        "config-invalid",
    ):
        assert code in codes


def test_every_code_has_a_case() -> None:
    missing = {
        code: where for code, where in emitted_codes().items() if code not in covered_codes()
    }
    assert not missing, (
        f"diagnostic codes without a case (add one under tests/diagnostics): {missing}"
    )


def test_every_case_is_for_a_code_the_generator_emits() -> None:
    unknown = covered_codes() - set(emitted_codes())
    assert not unknown, f"cases for codes the generator no longer emits: {sorted(unknown)}"


def test_code_shaped_literals_are_codes_or_listed() -> None:
    codes = set(emitted_codes())
    stray: dict[str, str] = {}
    for path in sorted(GENERATOR.rglob("*.py")):
        if path.parent.name == "diff":
            continue  # generator/diff/ spells change kinds (its rules), tested by tests/unit/test_diff_rules.py
        for value in _literals(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                CODE.fullmatch(value)
                and not value.startswith(("x-", "utf-"))
                and value not in codes | set(NOT_CODES)
            ):
                stray.setdefault(value, path.relative_to(GENERATOR.parent).as_posix())
    assert not stray, (
        f"code-shaped strings reported by no known reporter (extend REPORTERS or NOT_CODES): {stray}"
    )


def test_the_codes_a_user_can_ignore_are_the_warnings_a_spec_causes() -> None:
    """``warning_codes.WARNING_CODES`` (what ``ignore-warnings`` accepts) is complete and exact."""
    cases = {
        code for case in CASES.glob("*.yaml") for code in expected_codes(case, ("warning", "info"))
    }
    assert set(WARNING_CODES) == cases, (
        f"add to generator/warning_codes.py: {sorted(cases - set(WARNING_CODES))}; "
        f"no spec case warns with: {sorted(set(WARNING_CODES) - cases)}"
    )


def test_the_docs_list_every_code_a_user_can_ignore() -> None:
    docs = GENERATOR.parent / "docs" / "diagnostics.md"
    rows = [
        line for line in docs.read_text(encoding="utf-8").splitlines() if line.startswith("| `")
    ]
    listed = {}
    for row in rows:
        code, meaning = (cell.strip() for cell in row.strip("|").split("|", 1))
        listed[code.strip("`")] = meaning.strip()
    assert listed == {**WARNING_CODES, **OUTPUT_CODES}
