"""Where the end-to-end suite finds things, and the one-time ``sys.path`` setup.

The generated client and server are not installed: importing this module puts their
project directories (and the repository root, for ``examples``) first on ``sys.path``,
so the tests import exactly the committed ``generated/`` tree. Set
``APIFORGE_E2E_GENERATED=/some/dir`` to run the suite against another output tree
(say, a fresh ``apiforge generate`` into a scratch directory) before committing it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GENERATED = Path(os.environ.get("APIFORGE_E2E_GENERATED") or ROOT / "generated")
GENERATED_CLIENT = GENERATED / "posthog_client"
GENERATED_SERVER = GENERATED / "posthog_server"
SPEC = ROOT / "spec" / "posthog.yaml"

PAGE_SIZE = 4
"""The fake's page size in the HTTP tests: small, so a handful of objects spans pages."""

for _path in (GENERATED_SERVER, GENERATED_CLIENT, ROOT, ROOT / "tests"):  # tests/: shared helpers
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))
