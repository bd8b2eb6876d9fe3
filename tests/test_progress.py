"""Progress on big specs (issue 16, item 9): counters on a terminal, one line per stage in a log.

The reporter writes to an injectable stream whose ``isatty`` decides the mode; the
last test runs the real CLI under a pseudo-terminal.
"""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from apiforge.config.targets import Target
from apiforge.diagnostics import Sink
from apiforge.output import format as format_module
from apiforge.pipeline import render
from apiforge.progress import Reporter, advance, counting

ROOT = Path(__file__).resolve().parents[1]
SYNTH = ROOT / "benchmarks" / "synth.py"


class Stream(io.StringIO):
    """A text stream that says whether it is a terminal."""

    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def _frames(text: str) -> list[str]:
    """What a terminal shows in turn: every carriage-return or newline separated frame."""
    return [f.replace("\x1b[K", "") for f in text.replace("\n", "\r").split("\r") if f.strip()]


def test_a_terminal_sees_a_moving_counter_and_each_stage_keeps_its_time() -> None:
    stream = Stream(tty=True)
    reporter = Reporter(stream=stream)
    with reporter.listening():
        assert counting()
        reporter.stage("formatting 400 modules")
        for done in range(401):
            advance(done, 400)
        reporter.stage("writing")
    frames = _frames(stream.getvalue())
    counts = [f.rsplit(" ", 1)[1] for f in frames if "formatting 400 modules ... " in f]
    assert counts[0] == "0/400" and counts[-1] == "400/400"
    assert 50 <= len(counts) <= 101  # redrawn as the percentage moves, not 401 times
    assert any(f.endswith("] formatting 400 modules ...") for f in frames)
    finished = [f for f in frames if "formatting 400 modules (" in f]
    assert len(finished) == 1 and finished[0].endswith("s)")
    assert stream.getvalue().endswith("s)\n")  # the last stage is closed when listening ends


def test_a_log_gets_one_line_per_stage_and_no_counts() -> None:
    stream = Stream(tty=False)
    reporter = Reporter(stream=stream)
    with reporter.listening():
        assert not counting()
        reporter.stage("formatting 400 modules")
        for done in range(401):
            advance(done, 400)
        reporter.stage("writing")
    lines = stream.getvalue().splitlines()
    assert [line.split("] ", 1)[1] for line in lines] == ["formatting 400 modules", "writing"]
    assert "\r" not in stream.getvalue() and "/400" not in stream.getvalue()


def test_quiet_shows_no_counts_and_nothing_listens_outside_a_command() -> None:
    stream = Stream(tty=True)
    with Reporter(quiet=True, stream=stream).listening():
        assert not counting()
        advance(1, 2)
    assert stream.getvalue() == "" and not counting()
    advance(1, 2)  # no listener: a no-op


@pytest.fixture(scope="module")
def big_spec(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic spec of 150 operations: 30 resource modules, ~70 modules to format."""
    spec = tmp_path_factory.mktemp("big") / "big.yaml"
    made = subprocess.run(
        [sys.executable, str(SYNTH), "150"], capture_output=True, text=True, check=True
    )
    spec.write_text(made.stdout, encoding="utf-8")
    return spec


def test_the_pipeline_counts_rendered_and_formatted_modules_on_a_terminal(
    big_spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APIFORGE_CACHE_DIR", "off")  # format every module, in batches
    monkeypatch.setattr(format_module, "_MIN_BATCH", 5)  # batches this small spec too
    stream = Stream(tty=True)
    target = Target.for_spec(big_spec, tmp_path, client_package="big_client")
    with Reporter(stream=stream).listening():
        rendered = render(target, Sink())
    assert rendered is not None
    frames = _frames(stream.getvalue())
    rendering = [f.rsplit(" ", 1)[1] for f in frames if "rendering big_client" in f and "/" in f]
    assert rendering[-1] == "30/30" and len(rendering) > 2, rendering
    formatting = [f.rsplit(" ", 1)[1] for f in frames if "] formatting " in f and "... " in f]
    done = [int(c.split("/")[0]) for c in formatting]
    total = int(formatting[-1].split("/")[1])
    assert done[0] == 0 and done[-1] == total and len(set(done)) > 2, formatting
    assert done == sorted(done)


def test_the_pipeline_output_does_not_depend_on_the_counter(
    big_spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Formatting in batches (a terminal) gives the same files as in one piece (a log)."""
    monkeypatch.setenv("APIFORGE_CACHE_DIR", "off")
    outputs = []
    for tty in (True, False):
        target = Target.for_spec(big_spec, tmp_path, client_package="big_client")
        with Reporter(stream=Stream(tty=tty)).listening():
            rendered = render(target, Sink())
        assert rendered is not None
        outputs.append(rendered.files)
    assert outputs[0] == outputs[1]


def test_the_cli_on_a_pseudo_terminal_shows_counters(big_spec: Path, tmp_path: Path) -> None:
    primary, secondary = pty.openpty()
    env = dict(os.environ, APIFORGE_CACHE_DIR="off")
    command = [
        str(Path(sys.executable).parent / "apiforge"),
        "generate",
        str(big_spec),
        "--output",
        str(tmp_path / "out"),
        "--client-package",
        "big_client",
        "--server-package",
        "big_server",
    ]
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=secondary, env=env) as proc:
        os.close(secondary)
        chunks = []
        while True:
            try:
                chunk = os.read(primary, 4096)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert proc.wait(timeout=300) == 0
    os.close(primary)
    frames = _frames(b"".join(chunks).decode())
    assert any("rendering big_client" in f and f.endswith("/30") for f in frames), frames
    counts = [f.rsplit(" ", 1)[1] for f in frames if "] formatting " in f and "... " in f]
    total = counts[-1].split("/")[1]
    assert counts[0] == f"0/{total}" and counts[-1] == f"{total}/{total}", frames
    assert any("] formatting " in f and f.endswith("s)") for f in frames)
