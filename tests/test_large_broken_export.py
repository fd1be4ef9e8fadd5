"""As a new user: a 100,000-row export with 1% broken rows of assorted kinds.

The rejects file must list exactly those rows, and every other row must be counted.
"""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

from click.testing import CliRunner

from xgedu_stats.cli import cli

ROWS = 100_000
KINDS = ["extra", "short", "nul", "quote", "undecodable", "no_title", "bad_date"]


def make_export(path: Path) -> set[int]:
    """Write the export; return the lines of the broken rows."""
    rng = random.Random(7)
    broken: set[int] = set()
    lines = ["序号,标题,栏目,发布时间,点击量".encode()]
    for n in range(1, ROWS + 1):
        line = n + 1
        title = f"孝感市第{n}中学开展安全教育活动"
        day = f"2018-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} 10:00:00"
        cells = [str(n), title, "首页>教育新闻", day, f"{rng.randint(1, 9999):,}"]
        kind = rng.choice(KINDS) if rng.random() < 0.01 else None
        if kind == "no_title":
            cells[1] = ""
        elif kind == "bad_date":
            cells[3] = "2018-02-30"
        out = io.StringIO()
        csv.writer(out, lineterminator="").writerow(cells)
        text = out.getvalue()
        if kind == "extra":
            text += ",多余"
        elif kind == "short":
            text = f"{n},{title}"
        elif kind == "nul":
            text = text.replace("中学", "中\x00学")
        elif kind == "quote":
            text = f'{n},"{title}"x,首页,{day},1'
        data = text.encode()
        if kind == "undecodable":
            data = data.replace("中学".encode(), "中学".encode("gbk"))
        lines.append(data)
        if kind:
            broken.add(line)
    path.write_bytes(b"\r\n".join(lines) + b"\r\n")
    return broken


def test_rejects_file_lists_exactly_the_broken_rows(tmp_path: Path) -> None:
    export = tmp_path / "门户网站_2018.csv"
    broken = make_export(export)
    assert 900 < len(broken) < 1100
    rejects = tmp_path / "rejects.csv"
    result = CliRunner().invoke(
        cli, ["aggregate", str(export), "--year", "2018", "--rejects", str(rejects), "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    marker, table = rejects.read_text(encoding="utf-8-sig").split("\n", 1)
    assert marker.startswith("# xgedu-stats ")  # (tests/test_own_files.py)
    rows = list(csv.DictReader(io.StringIO(table)))
    assert {int(r["行号"]) for r in rows} == broken
    assert len(rows) == len(broken)
    import json

    totals = json.loads(result.stdout)["totals"]
    assert totals == {
        "rows_read": ROWS,
        "rejected": len(broken),
        "out_of_period": 0,
        "duplicates": 0,
        "unique_items": ROWS - len(broken),
    }
