"""What the README promises a user's clone: its tests pass without ../shared beside it, the
documentation it points at is in the project, and installing it installs no test tools."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from hdhwatch.cli import main

ROOT = Path(__file__).resolve().parents[1]


def tracked_files() -> list[str]:
    """The checkout's files as a clone would have them (committed or about to be)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    result = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )
    return [line for line in result.stdout.splitlines() if (ROOT / line).is_file()]


def test_a_clone_without_shared_beside_it_skips_the_seed_tests_with_the_reason(tmp_path):
    clone = tmp_path / "hdhwatch"  # tmp_path holds no shared/
    for name in tracked_files():
        target = clone / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
         "tests/test_providers.py", "tests/test_relevance.py", "tests/test_deadlines.py",
         "-k", "seed"],
        cwd=clone, capture_output=True, text=True, timeout=300,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 skipped" in result.stdout, result.stdout
    assert "seed.jsonl is not beside this checkout" in result.stdout


def test_the_corpus_format_is_documented_in_the_project():
    doc = ROOT / "docs" / "corpus-format.md"
    assert doc.exists()
    text = doc.read_text(encoding="utf-8")
    for word in ("expected", "relevant", "providers", "deadlines", "shift", "precision",
                 "approx", "bound", "scope", "not_before", "interim", "F1", "timeline"):
        assert word in text, word
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "../shared" not in readme and "docs/corpus-format.md" in readme
    help_text = CliRunner().invoke(main, ["eval", "--help"]).output
    assert "../shared" not in help_text and "docs/corpus-format.md" in help_text


def test_installing_hdhwatch_installs_no_test_tools():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = {re.split(r"[\s\[<>=!~;]", d, maxsplit=1)[0].lower()
             for d in project["dependencies"]}
    assert not names & {"pytest", "pytest-timeout", "hypothesis", "aiosmtpd", "ruff",
                        "import-linter"}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    installs = re.findall(r"pip install[^\n&]*", quick_start)
    assert installs and all(".[test]" not in line for line in installs), installs
    # pip < 23.3 (Python 3.11's own) warns that lxml lacks the extra 'html_clean' that
    # jusText asks for: the quick start's environment gets a current pip.
    assert "python3 -m venv --upgrade-deps .venv" in quick_start


def test_ci_refuses_to_run_without_shared_beside_the_checkout(tmp_path):
    clone = tmp_path / "hdhwatch"
    (clone / ".ci").mkdir(parents=True)
    shutil.copy2(ROOT / ".ci" / "run", clone / ".ci" / "run")
    result = subprocess.run(["bash", str(clone / ".ci" / "run")], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 1
    assert "../shared/corpus/seed.jsonl is missing" in result.stderr
    assert not (clone / ".venv").exists()  # it stopped before installing anything
