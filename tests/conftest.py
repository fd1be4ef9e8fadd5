from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples" / "2018"
GOLDEN = Path(__file__).resolve().parent / "golden"

# The sixteen figures of section 二.3 of the 2018 report, in its order.
REPORT_2018 = {
    "孝感教育新闻": 1578,
    "信息公开栏目": 232,
    "规划财务": 28,
    "教育督导": 32,
    "基础教育": 26,
    "职成教育": 33,
    "教育科研": 132,
    "人事老干语委": 32,
    "教育技术": 50,
    "教育党建": 28,
    "体育卫生": 81,
    "招生考试": 43,
    "行政审批": 33,
    "教育资助": 56,
    "安全后勤": 28,
    "教育工会": 26,
}


def csv_table(text: str, path: str = "门户.csv", header_index: int = 0):
    """A RawTable from CSV text, as ingest makes it from a file."""
    from xgedu_stats.read import Grid, Sheet, SourceFile, to_table
    from xgedu_stats.read.text import Decoded, split

    records, bad, blank = split(Decoded(text, "utf-8"), ",")
    sheet = Sheet(name=None, records=records, bad=bad, blank=blank)
    grid = Grid(SourceFile(Path(path), path), "csv", "utf-8", ",", (sheet,))
    return to_table(grid, sheet, header_index)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite tests/golden/ from current output"
    )


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """Compare text with tests/golden/NAME, or rewrite it under --update-golden."""
    update = request.config.getoption("--update-golden")

    def check(name: str, actual: str) -> None:
        path = GOLDEN / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8")
        assert path.exists(), f"missing golden file {path}; run pytest --update-golden"
        assert actual == path.read_text(encoding="utf-8")

    return check


def csv_bytes(
    header: Sequence[str], rows: Sequence[Sequence[str]], encoding: str = "utf-8"
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """Write a CSV under tmp_path: write_csv("门户/a.csv", header, rows, encoding="gbk")."""

    def write(
        name: str, header: Sequence[str], rows: Sequence[Sequence[str]], encoding: str = "utf-8"
    ) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(csv_bytes(header, rows, encoding))
        return path

    return write


#: What a run on a small hostile file may use at most: address space and wall time.
LIMIT_MIB = 1024
LIMIT_SECONDS = 60


def run_limited(
    args: Sequence[str], cwd: Path, memory_mib: int = LIMIT_MIB, seconds: float = LIMIT_SECONDS
):
    """Run ``xgedu-stats ARGS`` in a subprocess under a memory limit (RLIMIT_AS) and a timeout.

    A regression that makes a small file take gigabytes then fails the test (MemoryError,
    or the process killed) instead of exhausting the machine; one that takes minutes fails
    on the timeout.
    """
    import resource
    import subprocess
    import sys

    limit = memory_mib * 1024 * 1024

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return subprocess.run(
        [sys.executable, "-m", "xgedu_stats", *args],
        cwd=cwd,
        preexec_fn=limited,
        capture_output=True,
        text=True,
        timeout=seconds,
    )
