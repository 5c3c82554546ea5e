"""The stages keep their layering (contracts in pyproject.toml, ``[tool.importlinter]``).

Each stage imports only the stages below it, and no two modules of one package
import each other, however indirectly: import-linter checks every import,
including those inside functions.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
