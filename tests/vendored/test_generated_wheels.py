"""A generated project builds into a wheel (hatchling, in-process) whatever its package is
called, and the wheel carries every file of the package, ``py.typed`` and the server's
``openapi.json`` included.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from hatchling.builders.wheel import WheelBuilder
from packaging.utils import canonicalize_name

from apiforge.api import generate
from apiforge.config.targets import Overrides
from apiforge.output.manifest import MANIFEST_NAME

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "specs"


@pytest.mark.parametrize(
    ("client", "server", "client_dist", "server_dist"),
    [
        ("pets_client", "pets_server", "pets-client", "pets-server"),
        ("_acme_pets_", "acme__server", "acme-pets", "acme-server"),
        ("café", "日本", "cafe", "api-server"),
    ],
)
def test_every_package_name_builds_a_wheel_of_every_file(
    tmp_path: Path, client: str, server: str, client_dist: str, server_dist: str
) -> None:
    out = tmp_path / "generated"
    overrides = Overrides(output=out, client_package=client, server_package=server)
    generate(FIXTURES / "binary.yaml", overrides=overrides)
    for package, dist in ((client, client_dist), (server, server_dist)):
        (wheel,) = WheelBuilder(str(out / package)).build(
            directory=str(tmp_path / "dist"), versions=["standard"]
        )
        assert Path(wheel).name.startswith(canonicalize_name(dist).replace("-", "_") + "-")
        files = json.loads((out / package / MANIFEST_NAME).read_text(encoding="utf-8"))["files"]
        shipped = {name for name in files if name.startswith(package + "/")}
        assert f"{package}/py.typed" in shipped
        in_wheel = {n for n in zipfile.ZipFile(wheel).namelist() if ".dist-info/" not in n}
        assert in_wheel == shipped
