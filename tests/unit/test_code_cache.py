"""Compiled dataclass methods and regexes kept across runs (code_cache.py): the same, read back, never foreign."""

from __future__ import annotations

import dataclasses
import importlib
import marshal
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from apiforge import code_cache


@pytest.fixture
def table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty table in ``tmp_path``; the hook installed (as the command line does)."""
    code_cache.install()
    file = tmp_path / "__pycache__" / "compiled.marshal"
    monkeypatch.setattr(code_cache, "path", lambda: str(file))
    monkeypatch.setattr(code_cache, "_stored", {"exec": {}, "re": {}})
    monkeypatch.setattr(code_cache, "_compiled", {})
    monkeypatch.setattr(code_cache, "_new", {"exec": {}, "re": {}})
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    return file


_modules = iter(range(10**6))


def _import(source: str) -> Any:
    """``source`` run as a freshly imported module (code_cache stores only what imports make)."""
    folder = Path(code_cache.path()).parent.parent / "modules"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"code_cache_probe_{next(_modules)}"
    (folder / f"{name}.py").write_text(source, encoding="utf-8")
    sys.path.insert(0, str(folder))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(folder))
        sys.modules.pop(name, None)


def _define(name: str = "Point", field_name: str = "x") -> type:
    # a fresh class each call, from a module that has `from __future__ import annotations`
    module = _import(
        "from __future__ import annotations\n"
        "from dataclasses import dataclass, field\n"
        "@dataclass(frozen=True)\n"
        f"class {name}:\n"
        f"    {field_name}: int\n"
        "    tags: list[str] = field(default_factory=list)\n"
    )
    cls: type = getattr(module, name)
    return cls


def _compile_at_import(pattern: str | bytes, flags: int) -> re.Pattern[Any]:
    """``pattern`` compiled by re's compiler while a module is imported (as a module constant is)."""
    module = _import(
        f"from re import _compiler\nPATTERN = _compiler.compile({pattern!r}, {flags})\n"
    )
    compiled: re.Pattern[Any] = module.PATTERN
    return compiled


def _reload(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a new process sees: the table on disk, nothing compiled yet."""
    monkeypatch.setattr(code_cache, "_stored", code_cache._load())
    monkeypatch.setattr(code_cache, "_compiled", {})
    monkeypatch.setattr(code_cache, "_new", {"exec": {}, "re": {}})


def test_methods_behave_as_dataclasses_makes_them(table: Path) -> None:
    cls = _define()
    point = cls(1)
    assert repr(point) == "Point(x=1, tags=[])"
    assert point == cls(1) and point != cls(2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        point.x = 3  # type: ignore[attr-defined]
    # compiled without the caller's __future__ flags, as exec in dataclasses.py compiles
    assert cls.__init__.__annotations__ == {"x": "int", "tags": "list[str]", "return": None}
    assert code_cache._new["exec"]  # the texts were compiled here


def test_a_saved_table_serves_the_next_process_the_same_code(
    table: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _define()
    compiled = dict(code_cache._compiled)
    code_cache.save()
    assert table.is_file() and not code_cache._new["exec"]
    _reload(monkeypatch)

    def no_compile(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("compiled again")

    monkeypatch.setattr(code_cache, "compile", no_compile, raising=False)
    cls = _define()
    assert cls(2) == cls(2) and repr(cls(2)) == "Point(x=2, tags=[])"
    assert not code_cache._new["exec"]
    for text, code in code_cache._compiled.items():
        assert code == compiled[text] == compile(text, "<string>", "exec", dont_inherit=True)


def test_saving_merges_with_what_another_process_saved(
    table: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _define(field_name="first")
    code_cache.save()
    # this process read the table before that
    monkeypatch.setattr(code_cache, "_stored", {"exec": {}, "re": {}})
    _define(field_name="second")
    code_cache.save()
    texts = set(code_cache._load()["exec"])
    assert any("first" in text for text in texts) and any("second" in text for text in texts)


@pytest.mark.parametrize(
    "content",
    [b"", b"not a table", b"\0\0\0\0\0" + marshal.dumps({"exec": {"x": b"y"}})],
    ids=["empty", "garbage", "another-interpreter"],
)
def test_a_foreign_or_broken_table_is_ignored(
    table: Path, monkeypatch: pytest.MonkeyPatch, content: bytes
) -> None:
    table.parent.mkdir(parents=True)
    table.write_bytes(content)
    _reload(monkeypatch)
    assert code_cache._stored == {"exec": {}, "re": {}}
    cls = _define()
    assert cls(1) == cls(1)


def test_a_broken_entry_is_compiled_again(table: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _define()
    code_cache.save()
    _reload(monkeypatch)
    broken = dict.fromkeys(code_cache._stored["exec"], b"\xff")
    monkeypatch.setattr(code_cache, "_stored", {"exec": broken, "re": {}})
    assert repr(_define()(4)) == "Point(x=4, tags=[])"
    assert code_cache._new["exec"]


def test_without_bytecode_writing_the_tables_are_kept_in_the_content_cache(
    table: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """As compiled templates are (render/env.py); a new process reads them from there."""
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    _define()
    compiled = dict(code_cache._compiled)
    code_cache.save()
    assert not table.exists()
    kept = tmp_path / "cache" / "compiled" / code_cache._name()
    assert kept.is_file() and set(code_cache._read(str(kept))["exec"]) == set(compiled)
    _reload(monkeypatch)
    assert set(code_cache._stored["exec"]) == set(compiled)


def test_a_read_only_installation_keeps_them_in_the_content_cache_too(
    table: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(code_cache, "_beside_package", lambda: False)  # os.access says no
    _define()
    code_cache.save()
    assert not table.exists()
    assert (tmp_path / "cache" / "compiled" / code_cache._name()).is_file()


def test_nothing_is_written_with_the_content_cache_off_or_no_writable_folder(
    table: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _define()
    monkeypatch.setenv("APIFORGE_CACHE_DIR", "off")
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    code_cache.save()
    assert not table.exists() and not list(tmp_path.glob("**/compiled*"))
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    blocked = tmp_path / "blocked"
    blocked.write_text("a file, so no folder can be made under it", encoding="utf-8")
    monkeypatch.setattr(code_cache, "path", lambda: str(blocked / "t.marshal"))
    monkeypatch.setattr(code_cache, "_beside_package", lambda: True)  # as if writable
    code_cache.save()  # silently nothing
    assert list(tmp_path.glob("**/*.tmp")) == []


# Patterns no other test compiled (re keeps its own per-process cache of compiled patterns).
_PATTERNS = [
    (r"(?P<word>[a-z]+)-(\d+)-code-cache", 0),
    (r"[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD]-code-cache", int(re.IGNORECASE)),
    (rb"(?i)bytes-(?P<n>\d+)-code-cache", 0),
]


def test_a_stored_pattern_is_the_pattern_re_compiles(
    table: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = {key: _compile_at_import(*key) for key in _PATTERNS}
    assert set(code_cache._new["re"]) >= set(_PATTERNS)
    code_cache.save()
    _reload(monkeypatch)
    monkeypatch.setattr(code_cache, "_new", {"exec": {}, "re": {}})
    for key, pattern in fresh.items():
        again = _compile_at_import(*key)
        assert again == pattern and again.groupindex == pattern.groupindex
        assert again.flags == pattern.flags and again.groups == pattern.groups
    assert not code_cache._new["re"]  # all served from the table
    assert re.compile(_PATTERNS[0][0]).match("abc-12-code-cache")["word"] == "abc"


def test_a_pattern_that_warns_is_never_stored_and_warns_each_time(table: Path) -> None:
    with pytest.warns(FutureWarning):
        _compile_at_import("[[:alpha:]]-code-cache", 0)  # "Possible nested set"
    assert ("[[:alpha:]]-code-cache", 0) not in code_cache._new["re"]


def test_what_is_compiled_outside_an_import_is_served_but_never_stored(table: Path) -> None:
    from re import _compiler  # type: ignore[attr-defined]

    pattern = _compiler.compile("spec-pattern-(x|y)-code-cache", 0)  # as a spec's pattern is
    assert pattern.match("spec-pattern-x-code-cache")
    namespace: dict[str, Any] = {}
    exec(  # noqa: S102 -- test input
        "from dataclasses import dataclass\n@dataclass\nclass Made:\n    at_run_time: int\n",
        namespace,
    )
    assert namespace["Made"](1).at_run_time == 1
    assert not code_cache._new["re"] and not code_cache._new["exec"]


def test_the_command_line_installs_it_before_its_first_dataclass() -> None:
    probe = (
        "import atexit, dataclasses, re, sys\n"
        "def check():\n"
        "    from apiforge import code_cache\n"
        "    assert vars(dataclasses)['exec'] is code_cache._exec\n"
        "    assert not hasattr(re, '_compiler') or re._compiler.compile.__name__ == 'compile_pattern'\n"
        # apiforge.diagnostics is imported by the command line, after the hook
        "    assert any('def __init__(self,code:_type_code,' in t for t in code_cache._compiled)\n"
        "    print('installed', flush=True)\n"
        "atexit.register(check)\n"
        "sys.argv = ['apiforge', '--version']\n"
        "from apiforge.cli.start import run\n"
        "run()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "installed", done.stderr


@pytest.mark.parametrize("module", ["apiforge.cli.main", "apiforge.cli.build_hook", "apiforge.api"])
def test_importing_the_library_or_the_build_hook_installs_nothing(module: str) -> None:
    probe = (
        f"import dataclasses, re, {module}\n"
        "assert 'exec' not in vars(dataclasses)\n"
        "assert getattr(re, '_compiler', re).compile.__name__ == 'compile'\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


def test_a_table_past_its_limit_keeps_only_what_the_saving_process_used(
    table: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _define(field_name="kept")
    _compile_at_import("kept-(a|b)-code-cache", 0)
    code_cache.save()
    stale = {f"# an old text {i}": marshal.dumps(compile("", "<string>", "exec")) for i in range(3)}
    old = {(f"old-{i}-code-cache", 0): ("x", 32, [1], 0, {}, ()) for i in range(3)}
    tables = code_cache._load()
    tables["exec"].update(stale)
    tables["re"].update(old)
    table.write_bytes(code_cache._header() + marshal.dumps(tables))
    monkeypatch.setattr(code_cache, "_LIMIT", 3)
    _compile_at_import("new-(c|d)-code-cache", 0)
    _define(field_name="new")
    code_cache.save()
    saved = code_cache._load()
    assert not set(stale) & set(saved["exec"]) and not set(old) & set(saved["re"])
    assert any("new" in text for text in saved["exec"])
    assert {("kept-(a|b)-code-cache", 0), ("new-(c|d)-code-cache", 0)} <= set(saved["re"])
