"""Heavy engines are imported only when used: `import sever` stays light."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("pyspark", "lightgbm", "matplotlib", "playwright", "sklearn")


def test_importing_sever_and_its_verbs_does_not_import_heavy_engines() -> None:
    code = (
        "import sys, sever, sever.lists, sever.entities, sever.cli\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == ""
