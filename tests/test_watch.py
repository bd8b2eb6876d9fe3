"""``apiforge watch``: debouncing, which targets a change touches, and surviving bad edits.

Most tests feed change events directly; one short test uses a real watcher.
"""

from __future__ import annotations

import gc
import hashlib
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from apiforge.cli.commands.watch import Debouncer, WatchSession, debounced, run_loop, run_watch
from apiforge.config.targets import Overrides, Target
from apiforge.diagnostics import Sink, SpecLocation
from apiforge.engine import Outcome, generate_target
from apiforge.output.manifest import input_paths
from apiforge.pipeline import Rendered
from apiforge.progress import Reporter

A, B, C = Path("/w/a.yaml"), Path("/w/b.yaml"), Path("/x/c.yaml")


def fake_render(target: Target, sink: Sink) -> Rendered | None:
    """One file echoing the spec (and ``ref:`` files); ``ERROR`` in the text is an error."""
    text = target.spec.read_text()
    hashes = {str(target.spec): hashlib.sha256(target.spec.read_bytes()).hexdigest()}
    for line in text.splitlines():
        if line.startswith("ref: "):
            ref = target.spec.parent / line[5:]
            text += ref.read_text()
            hashes[str(ref)] = hashlib.sha256(ref.read_bytes()).hexdigest()
    if "ERROR" in text:
        sink.error("fake-error", "the spec says ERROR", SpecLocation(str(target.spec)))
        return None
    package = target.client_package or "x"
    return Rendered({f"{package}/spec.txt": text}, (package,), hashes)


# --- debouncing -----------------------------------------------------------------------------


def test_debouncer_waits_for_a_quiet_period() -> None:
    debouncer = Debouncer(quiet=0.3)
    assert debouncer.feed(0.0, {A}) is None
    assert debouncer.feed(0.2, {B}) is None  # a second save inside the window
    assert debouncer.feed(0.4, set()) is None  # tick: only 0.2 s since the last change
    assert debouncer.feed(0.5, set()) == {A, B}
    assert debouncer.feed(2.0, set()) is None  # nothing pending


def test_debounced_groups_bursts() -> None:
    events = [
        (0.00, {A}),
        (0.05, {A}),
        (0.10, {B}),
        (0.20, set()),
        (0.45, set()),  # quiet since 0.10: first batch
        (1.00, {C}),
        (1.10, set()),
        (1.40, set()),  # second batch
        (1.50, set()),
    ]
    assert list(debounced(events, quiet=0.3)) == [{A, B}, {C}]


# --- which targets a change touches ---------------------------------------------------------


def make_session(outcomes: dict[Path, Outcome]) -> tuple[WatchSession, list[Path]]:
    """Two targets: t1 reads a.yaml and b.yaml, t2 reads c.yaml."""
    t1 = Target.for_spec(A, Path("out"))
    t2 = Target.for_spec(C, Path("out"))
    calls: list[Path] = []

    def regenerate(target: Target) -> Outcome:
        calls.append(target.spec)
        return outcomes.get(target.spec, Outcome.WRITTEN)

    def inputs_of(target: Target) -> set[Path]:
        return {A, B} if target is t1 else {C}

    return WatchSession([t1, t2], regenerate, inputs_of), calls


def test_start_regenerates_everything_then_only_what_changed() -> None:
    session, calls = make_session({})
    session.start()
    assert calls == [A, C]
    assert session.watched() == {A, B, C}
    assert session.directories() == {Path("/w"), Path("/x")}
    calls.clear()
    assert [t.spec for t in session.handle({A, B})] == [A]  # two files, one run
    assert calls == [A]
    calls.clear()
    assert session.handle({Path("/w/unrelated.txt")}) == []
    assert calls == []


def test_a_failed_target_reruns_only_when_its_own_files_change() -> None:
    """A log file or a swap file next to a broken spec must not re-run it (issue 16)."""
    session, calls = make_session({C: Outcome.FAILED})
    session.start()
    calls.clear()
    for unrelated in ("/x/watch.log", "/x/.c.yaml.swp", "/x/c.yaml~"):
        assert session.handle({Path(unrelated)}) == []
    assert calls == []
    session.handle({C})
    assert calls == [C]


def test_loop_survives_a_bad_edit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "shop.yaml"
    spec.write_text("v1\nref: parts.yaml\n")
    (tmp_path / "parts.yaml").write_text("parts 1\n")
    target = Target.for_spec(spec, tmp_path / "out", server_package=None)
    output = tmp_path / "out" / "shop_client" / "spec.txt"
    reporter = Reporter(quiet=True)

    def regenerate(t: Target) -> Outcome:
        return generate_target(t, fake_render, reporter, force=False)

    session = WatchSession([target], regenerate, input_paths)

    def batches() -> Iterator[set[Path]]:  # each step edits a file, then reports it changed
        spec.write_text("ERROR\nref: parts.yaml\n")
        yield {spec}
        assert output.read_text() == "v1\nref: parts.yaml\nparts 1\n"  # untouched
        spec.write_text("v2\nref: parts.yaml\n")
        yield {spec}
        (tmp_path / "parts.yaml").write_text("parts 2\n")
        yield {tmp_path / "parts.yaml"}

    run_loop(session, batches())
    assert output.read_text() == "v2\nref: parts.yaml\nparts 2\n"
    assert "error[fake-error]: the spec says ERROR" in capsys.readouterr().err


# --- one real watcher -----------------------------------------------------------------------


def test_real_watch_regenerates_on_save(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("watchfiles")
    monkeypatch.chdir(tmp_path)
    spec = tmp_path / "shop.yaml"
    spec.write_text("v1\n")
    stop = threading.Event()
    failures: list[BaseException] = []

    def watch() -> None:
        try:
            run_watch(
                Path("shop.yaml"),
                Overrides(server_package=False),
                debounce_ms=50,
                quiet=True,
                render=fake_render,
                stop_event=stop,
            )
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    output = tmp_path / "generated" / "shop_client" / "spec.txt"
    try:
        deadline = time.monotonic() + 10
        while (
            not (output.exists() and output.read_text() == "v1\n") and time.monotonic() < deadline
        ):
            time.sleep(0.05)
        assert output.read_text() == "v1\n"
        # Save the way editors do (write, then rename), again until seen: the
        # watcher may not be listening yet right after the first generation.
        deadline = time.monotonic() + 10
        while output.read_text() != "v2\n" and time.monotonic() < deadline:
            temporary = tmp_path / "shop.yaml.tmp"
            temporary.write_text("v2\n")
            temporary.replace(spec)
            time.sleep(0.5)
        assert output.read_text() == "v2\n"
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive() and not failures


def recording_render(target: Target, sink: Sink) -> Rendered | None:
    """``fake_render`` that records what it read, as the loader does; a missing ref is an error."""
    sink.reads.add(str(target.spec.absolute()))
    for line in target.spec.read_text().splitlines():
        if line.startswith("ref: "):
            ref = target.spec.parent / line[5:]
            sink.reads.add(str(ref.absolute()))
            if not ref.exists():
                sink.error(
                    "ref-not-found", f"{ref.name}: file not found", SpecLocation(str(target.spec))
                )
                return None
    return fake_render(target, sink)


def test_real_watch_ignores_its_own_log_and_sees_a_missing_ref_appear(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``apiforge watch > watch.log`` beside a broken spec runs once, not forever; creating
    the file the spec refers to (which no manifest lists yet) regenerates it."""
    pytest.importorskip("watchfiles")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "shop.yaml").write_text("v1\nref: parts.yaml\n")
    calls: list[float] = []

    def counting(target: Target, sink: Sink) -> Rendered | None:
        calls.append(time.monotonic())
        return recording_render(target, sink)

    stop = threading.Event()
    failures: list[BaseException] = []

    def watch() -> None:
        try:
            run_watch(
                Path("shop.yaml"),
                Overrides(server_package=False),
                debounce_ms=50,
                quiet=True,
                render=counting,
                stop_event=stop,
            )
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    output = tmp_path / "generated" / "shop_client" / "spec.txt"
    try:
        deadline = time.monotonic() + 10
        while not calls and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # the watcher is listening
        assert len(calls) == 1
        for n in range(10):  # what a redirected log and an editor do in the same folder
            (tmp_path / "watch.log").write_text(f"error {n}\n" * (n + 1))
            (tmp_path / ".shop.yaml.swp").write_text(str(n))
            time.sleep(0.1)
        time.sleep(0.5)
        assert len(calls) == 1 and not output.exists()
        deadline = time.monotonic() + 10
        while not output.exists() and time.monotonic() < deadline:
            (tmp_path / "parts.yaml").write_text("parts 1\n")
            time.sleep(0.5)
        assert output.read_text() == "v1\nref: parts.yaml\nparts 1\n"
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive() and not failures


def test_real_watch_reloads_the_config_when_it_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("watchfiles")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "shop.yaml").write_text("v1\n")
    config = '[tool.apiforge]\n[[tool.apiforge.targets]]\nspec = "shop.yaml"\nclient-package = "{}"\nserver-package = false\n'
    (tmp_path / "pyproject.toml").write_text(config.format("one"))
    stop = threading.Event()
    thread = threading.Thread(
        target=run_watch,
        args=(None, Overrides()),
        kwargs={"debounce_ms": 50, "quiet": True, "render": fake_render, "stop_event": stop},
        daemon=True,
    )
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not (tmp_path / "generated/one/spec.txt").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert (tmp_path / "generated/one/spec.txt").exists()
        deadline = time.monotonic() + 10
        while not (tmp_path / "generated/two/spec.txt").exists() and time.monotonic() < deadline:
            (tmp_path / "pyproject.toml").write_text(config.format("two"))
            time.sleep(0.5)
        assert (tmp_path / "generated/two/spec.txt").read_text() == "v1\n"
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()


def test_real_watch_survives_an_invalid_config_edit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """A typo in pyproject.toml is reported and the watch goes on until the config is fixed."""
    pytest.importorskip("watchfiles")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "shop.yaml").write_text("v1\n")
    config = '[tool.apiforge]\n[[tool.apiforge.targets]]\nspec = "shop.yaml"\n{}\nserver-package = false\n'
    (tmp_path / "pyproject.toml").write_text(config.format('client-package = "one"'))
    stop = threading.Event()
    thread = threading.Thread(
        target=run_watch,
        args=(None, Overrides()),
        kwargs={"debounce_ms": 50, "quiet": True, "render": fake_render, "stop_event": stop},
        daemon=True,
    )
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not (tmp_path / "generated/one/spec.txt").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert (tmp_path / "generated/one/spec.txt").exists()
        deadline = time.monotonic() + 10
        while "client-pakage" not in capfd.readouterr().err and time.monotonic() < deadline:
            (tmp_path / "pyproject.toml").write_text(config.format('client-pakage = "two"'))
            time.sleep(0.5)
        assert thread.is_alive()
        deadline = time.monotonic() + 10
        while not (tmp_path / "generated/two/spec.txt").exists() and time.monotonic() < deadline:
            (tmp_path / "pyproject.toml").write_text(config.format('client-package = "two"'))
            time.sleep(0.5)
        assert (tmp_path / "generated/two/spec.txt").read_text() == "v1\n"
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()


def test_a_watch_regeneration_runs_with_the_collector_off_and_restores_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As ``generate`` does: no cyclic-collector pass during a run; it is back on after."""
    pytest.importorskip("watchfiles")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "shop.yaml").write_text("v1\n")
    stop = threading.Event()
    seen: list[bool] = []

    def render(target: Target, sink: Sink) -> Rendered | None:
        seen.append(gc.isenabled())
        stop.set()  # the first regeneration is enough
        return fake_render(target, sink)

    assert gc.isenabled()
    thread = threading.Thread(
        target=run_watch,
        args=(Path("shop.yaml"), Overrides(server_package=False)),
        kwargs={"debounce_ms": 50, "quiet": True, "render": render, "stop_event": stop},
        daemon=True,
    )
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert seen == [False]
    assert gc.isenabled()
