"""Fuzz every string place of ``places.py`` with generated text: the output stays valid and inert.

Each example draws a few texts built from the pieces that break quoting (a final quote or
backslash, ``\"\"\"`` and ``'''``, CR/LF, U+2028, NUL, lone surrogates, a 10,000-character
line, Jinja delimiters) mixed with arbitrary text, and spreads them over every place,
each behind a unique canary. A valid spec must generate (a lone surrogate is the one
input refused, with ``invalid-unicode``); every module must parse and hold each canary
only as data or in a minted name (``structure.misplaced``); each ``pyproject.toml`` must
parse. Generation runs without the formatter to keep examples cheap: an unformatted
module that parses is exactly what the formatter would have accepted.
"""

from __future__ import annotations

import ast
import json
import string
import sys
from pathlib import Path

import places
import structure
from apiforge_testkit import generate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apiforge.diagnostics import Severity, Sink
from apiforge.ir.build import build
from apiforge.load.load import load
from apiforge.naming.names import resolve_names

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

PIECES = [
    '"',
    "'",
    '"""',
    "'''",
    "\\",
    "\n",
    "\r",
    "\r\n",
    "\u2028",
    "\u2029",
    "\x85",
    "\x00",
    "\x0c",
    "\x1b",
    "{{",
    "}}",
    "{%",
    "%}",
    "{#",
    "#}",
    "#",
    "--",
    "*/",
    "<!--",
    "]]",
    "`",
    "$(",
    "\t",
    " ",
]
LONG = "x" * 10_000
SURROGATE = "\ud800"
PIECES.append(SURROGATE)  # one piece in thirty: most examples stay valid specs
SEGMENT_UNSAFE = set("{}/?#% \\") | {chr(c) for c in range(0x20)} | {"\x7f"}
TOKEN = frozenset(string.ascii_letters + string.digits + "!#$%&'*+-.^_`|~")  # RFC 9110 5.6.2

core = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(max_size=6)),
    max_size=8,
).map("".join)
cores = st.tuples(core, core, st.one_of(core, st.just(LONG + '"'), st.just("\\" + LONG + "\\")))


def fill_with(texts: tuple[str, ...]) -> tuple[places.Fill, dict[str, str]]:
    canaries: dict[str, str] = {}

    def fill(place: str, kind: str) -> str:
        c = canaries.setdefault(place, f"fzz{len(canaries):03d}q")
        text = texts[len(canaries) % len(texts)]
        if kind == "email":
            return f"{c}@example.com"
        if kind == "token":  # a header name: what an HTTP token holds of the text
            return c + "".join(ch for ch in text if ch in TOKEN)[:200]
        if kind in ("segment", "url"):
            clean = "".join(ch for ch in text if ch not in SEGMENT_UNSAFE and ch.isprintable())[
                :200
            ]
            return ("https://example.com/" if kind == "url" else "") + c + clean
        return c + text

    return fill, canaries


@settings(
    max_examples=12,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(texts=cores, version=st.sampled_from(["3.0.3", "3.1.0"]))
def test_generated_text_never_breaks_or_enters_the_code(
    texts: tuple[str, ...], version: str, tmp_path_factory: object
) -> None:
    root = Path(tmp_path_factory.mktemp("fuzz"))
    fill, canaries = fill_with(texts)
    document = places.spec(fill, version)
    spec = root / "fuzz.json"
    spec.write_text(json.dumps(document), encoding="utf-8")
    generated = generate(spec, root / "out", "fuzz", format=False)
    errors = generated.codes(Severity.ERROR)
    if any(SURROGATE in text for text in texts):
        assert errors == ["invalid-unicode"], generated.report()
        return
    assert generated.ok and not errors, generated.report()
    sink = Sink()
    loaded = load(spec, sink)
    assert loaded is not None
    api, _ = build(loaded.document, sink, str(spec))
    names = resolve_names(api)
    minted = (
        {n.lower() for n in names.schemas.values()}
        | {
            n.lower()
            for op in names.operations.values()
            for n in (op.method, op.function, op.constant, *op.resource, *op.params.values())
        }
        | {
            n.lower()
            for g in names.groups.values()
            for n in (g.resource_class, g.interface, g.base, g.keyword)
        }
    )
    spec_names = {n for n in minted if "fzz" in n}
    assert generated.rendered is not None
    files = generated.rendered.files
    members: set[str] = set()
    for path, text in files.items():
        if "/models/" in path and path.endswith(".py"):
            members |= {
                m.lower() for m in structure.class_body_targets(ast.parse(text, filename=path))
            }
    problems = []
    for path, text in files.items():
        if path.endswith(".py"):
            found = structure.misplaced(
                text, canaries.values(), lambda i: i in members or any(n in i for n in spec_names)
            )
            problems += [f"{path}: {p}" for p in found]
        elif path.endswith(".toml"):
            tomllib.loads(text)
    assert not problems, "\n".join(problems)


def test_a_lone_surrogate_is_refused_at_load(tmp_path: Path) -> None:
    """JSON can escape half a surrogate pair, which is no character: an error naming where, no output."""
    document = places.spec(fill_with(("plain",))[0], "3.1.0")
    document["components"]["schemas"][next(iter(document["components"]["schemas"]))][
        "description"
    ] = "half \ud83d a pair"
    spec = tmp_path / "surrogate.json"
    spec.write_text(json.dumps(document), encoding="utf-8")
    generated = generate(spec, tmp_path / "out", "surrogate", format=False)
    assert not generated.ok and generated.codes(Severity.ERROR) == ["invalid-unicode"], (
        generated.report()
    )
    error = generated.diagnostics[-1]
    assert error.location.pointer.endswith("/description") and error.location.line is not None, (
        generated.report()
    )
    assert not (tmp_path / "out").exists()


def test_a_percent_in_a_name_survives_the_ref(tmp_path: Path) -> None:
    """A `$ref` is a URI fragment, so "%41" in a schema name is spelt "%2541" there (RFC 6901 §6).

    The fuzzer once drew "%00" into a name and, before places.spec encoded "%", the
    reference decoded to another name: an intermittent ``ref-not-found``.
    """
    fill = fill_with(("%41b%00",))[0]
    spec = tmp_path / "percent.json"
    spec.write_text(json.dumps(places.spec(fill, "3.1.0")), encoding="utf-8")
    generated = generate(spec, tmp_path / "out", "percent", format=False)
    assert generated.ok and not generated.codes(Severity.ERROR), generated.report()
