"""ruff check and ruff format are part of the test suite, so CI enforces them."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from conftest import ROOT

RUFF = shutil.which("ruff")


@pytest.mark.skipif(
    RUFF is None, reason="ruff is installed by the test extra: pip install -e '.[test]'"
)
@pytest.mark.parametrize("args", [["check", "."], ["format", "--check", "."]])
def test_ruff(args: list[str]) -> None:
    done = subprocess.run([RUFF, *args], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
