"""The peer generators: where they are installed and how each one is invoked.

Every peer lives in its own venv under ``benchmarks/.work/venvs/`` (gitignored),
created on demand from PyPI with the versions measured in ``/work/shared/PEERS.md``.
fastapi-code-generator pins datamodel-code-generator < 0.66 and click < 8.2, hence
one venv per tool. openapi-generator-cli (the PyPI wrapper around the Java jar)
needs ``java`` on PATH; without it the two OAG peers are skipped with a note.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
VENVS = WORK / "venvs"


@dataclass(frozen=True)
class Venv:
    name: str
    requirements: tuple[str, ...]
    needs_java: bool = False

    @property
    def path(self) -> Path:
        return VENVS / self.name

    def bin(self, tool: str) -> Path:
        return self.path / "bin" / tool

    @property
    def marker(self) -> Path:
        return self.path / ".installed"


VENV_SPECS = {
    "opc": Venv("opc", ("openapi-python-client==0.29.1",)),
    "dmcg": Venv("dmcg", ("datamodel-code-generator==0.89.0",)),
    "fcg": Venv("fcg", ("fastapi-code-generator==0.8.1",)),
    "oag": Venv("oag", ("openapi-generator-cli==7.26.0",), needs_java=True),
}


@dataclass(frozen=True)
class Peer:
    """One peer tool run: ``key`` is what ``--only`` accepts."""

    key: str
    label: str
    kind: str  # "client", "models" or "server"
    venv: str
    argv: tuple[str, ...]  # {spec} and {out} are substituted; argv[0] is a tool in the venv's bin/

    def command(self, spec: Path, out: Path) -> list[str]:
        tool = str(VENV_SPECS[self.venv].bin(self.argv[0]))
        rest = [a.format(spec=spec, out=out) for a in self.argv[1:]]
        return [tool, *rest]


PEERS: tuple[Peer, ...] = (
    Peer(
        "opc",
        "OPC client",
        "client",
        "opc",
        (
            "openapi-python-client",
            "generate",
            "--path",
            "{spec}",
            "--output-path",
            "{out}",
            "--overwrite",
        ),
    ),
    Peer(
        "dmcg",
        "DMCG models",
        "models",
        "dmcg",
        (
            "datamodel-codegen",
            "--input",
            "{spec}",
            "--input-file-type",
            "openapi",
            "--output-model-type",
            "pydantic_v2.BaseModel",
            "--output",
            "{out}/models.py",
        ),
    ),
    Peer(
        "fcg",
        "FCG server",
        "server",
        "fcg",
        ("fastapi-codegen", "--input", "{spec}", "--output", "{out}"),
    ),
    Peer(
        "oag-python",
        "OAG python client",
        "client",
        "oag",
        ("openapi-generator-cli", "generate", "-i", "{spec}", "-g", "python", "-o", "{out}"),
    ),
    Peer(
        "oag-fastapi",
        "OAG fastapi server",
        "server",
        "oag",
        (
            "openapi-generator-cli",
            "generate",
            "-i",
            "{spec}",
            "-g",
            "python-fastapi",
            "-o",
            "{out}",
        ),
    ),
)


def java_available() -> bool:
    if shutil.which("java") is None:
        return False
    try:
        return (
            subprocess.run(
                ["java", "-version"], capture_output=True, timeout=60, check=False
            ).returncode
            == 0
        )
    except (OSError, subprocess.TimeoutExpired):
        return False


def ensure_venv(spec: Venv, log=print, timeout: float = 900) -> str | None:
    """Create and fill the venv if needed; return None when usable, else why not."""
    if spec.needs_java and not java_available():
        return "skipped: java is not installed (apt-get install default-jre-headless)"
    if spec.marker.exists() and spec.marker.read_text() == "\n".join(spec.requirements):
        return None
    log(f"  installing {' '.join(spec.requirements)} into {spec.path.relative_to(HERE.parent)} ...")
    if spec.path.exists():
        shutil.rmtree(spec.path)
    VENVS.mkdir(parents=True, exist_ok=True)
    base = getattr(sys, "_base_executable", sys.executable)
    try:
        subprocess.run(
            [base, "-m", "venv", str(spec.path)], check=True, capture_output=True, timeout=300
        )
        pip = [
            str(spec.bin("python")),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ]
        done = subprocess.run(
            [*pip, *spec.requirements], capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return f"install timed out after {timeout:.0f} s"
    except (OSError, subprocess.CalledProcessError) as exc:
        return f"venv creation failed: {exc}"
    if done.returncode != 0:
        lines = [line for line in (done.stderr or done.stdout).splitlines() if line.strip()]
        return "install failed: " + (lines[-1] if lines else f"pip exit {done.returncode}")
    spec.marker.write_text("\n".join(spec.requirements))
    return None


def ensure_all(keys: set[str], log=print) -> dict[str, str | None]:
    """Install the venvs the selected peers need: venv name -> None (ok) or the reason it is unusable."""
    needed = {p.venv for p in PEERS if p.key in keys}
    return {name: ensure_venv(VENV_SPECS[name], log) for name in sorted(needed)}


def versions() -> dict[str, str]:
    """Installed version of each peer package (for the report)."""
    out = {}
    for spec in VENV_SPECS.values():
        if not spec.marker.exists():
            continue
        for req in spec.requirements:
            dist = req.split("==")[0]
            try:
                got = subprocess.run(
                    [
                        str(spec.bin("python")),
                        "-c",
                        f"import importlib.metadata as m; print(m.version({dist!r}))",
                    ],
                    capture_output=True,
                    text=True,
                    timeout=60,
                    check=False,
                )
                out[dist] = got.stdout.strip() or "?"
            except (OSError, subprocess.TimeoutExpired):
                out[dist] = "?"
    return out


if __name__ == "__main__":
    os.chdir(HERE.parent)
    print(ensure_all({p.key for p in PEERS}))
