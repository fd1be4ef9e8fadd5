"""Property tests: for any input, every row is accounted for and order changes no figure."""

from __future__ import annotations

import csv
import io
import json
import random
import tempfile
from pathlib import Path

import pandas as pd
from conftest import csv_bytes
from hypothesis import given, settings
from hypothesis import strategies as st

from xgedu_stats.config import Period, RunConfig
from xgedu_stats.items.normalize import title_keys
from xgedu_stats.pipeline import Result, run
from xgedu_stats.render import FORMATS
from xgedu_stats.tables import build_report

SITES = ["孝感教育"]
PLATFORMS = ["门户", "云上", "大楚", "头条"]

title = st.one_of(
    st.sampled_from(
        [
            "关于开学的通知",
            "【孝感教育】关于开学的通知",
            "关于开学的通知 - 孝感教育",
            "会议",
            "",
            "——",
        ]
    ),
    st.text(alphabet="甲乙丙，。 【】-2０", max_size=6),
)
day = st.one_of(
    st.dates(
        min_value=pd.Timestamp("2017-12-20").date(), max_value=pd.Timestamp("2019-01-10").date()
    ).map(lambda d: d.isoformat()),
    st.sampled_from(["", "待定", "2018-02-30", "2018年3月5日", "2018/3/5 10:00"]),
)
channel = st.sampled_from(["", "规划财务", "首页>教育科研", "工作动态", "x/孝感教育新闻"])
row = st.tuples(title, day, channel)
extra = st.lists(st.sampled_from(["多余"]), max_size=1)  # sometimes a row one field too long
files = st.lists(
    st.tuples(st.sampled_from(PLATFORMS), st.lists(st.tuples(row, extra), max_size=25)),
    min_size=1,
    max_size=5,
)


def write(root: Path, spec: list, encoding_seed: int) -> list[Path]:
    rng = random.Random(encoding_seed)
    paths = []
    for i, (platform, rows) in enumerate(spec):
        path = root / f"{platform}_{i}.csv"
        body = [[*r, *x] for r, x in rows]
        path.write_bytes(
            csv_bytes(["标题", "日期", "栏目"], body, rng.choice(["utf-8", "utf-8-sig", "gb18030"]))
        )
        paths.append(path)
    return paths


def figures(result: Result) -> tuple:
    return (
        result.totals,
        result.categories.to_dict("records"),
        result.platforms.to_dict("records"),
    )


@settings(max_examples=40, deadline=None)
@given(files, st.integers(0, 10**6), st.booleans())
def test_every_row_is_accounted_for_and_order_changes_nothing(spec, seed, with_period) -> None:
    period = Period.year(2018) if with_period else Period()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "a").mkdir()
        paths = write(root / "a", spec, seed)
        result = run(RunConfig(tuple(paths), period=period))
        t = result.totals
        assert t.balanced
        # a row with every field empty is a blank line, not a row
        nonblank = sum(any(f.strip() for f in (*r, *x)) for _, rows in spec for r, x in rows)
        assert t.rows_read == nonblank
        assert sum(f.blank_lines for f in result.files) == sum(len(r) for _, r in spec) - nonblank
        assert result.categories["count"].sum() == t.unique_items == len(result.items)
        assert len(result.rejects) == t.rejected

        rng = random.Random(seed)
        shuffled = [(p, rng.sample(rows, len(rows))) for p, rows in spec]
        rng.shuffle(shuffled)
        (root / "b").mkdir()
        again = run(RunConfig(tuple(write(root / "b", shuffled, seed + 1)), period=period))
        assert figures(again) == figures(result)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=30), max_size=20))
def test_title_keys_are_idempotent(titles: list[str]) -> None:
    once = title_keys(pd.Series(titles, dtype="str"), SITES)
    assert title_keys(once, SITES).tolist() == once.tolist()


@settings(max_examples=30, deadline=None)
@given(files)
def test_json_and_csv_round_trip(spec) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        result = run(RunConfig(tuple(write(Path(tmp), spec, 0))))
    report = build_report(result)
    out = io.StringIO()
    FORMATS["json"].render(report, out)
    doc = json.loads(out.getvalue())
    assert doc["tables"]["categories"] == [
        {"group": None if pd.isna(r.group) else r.group, "category": r.category, "count": r.count}
        for r in result.categories.itertuples()
    ]
    out = io.StringIO()
    FORMATS["csv"].render(report, out)
    blocks = out.getvalue().strip("\n").split("\n\n")
    for table, text in zip(report.tables, blocks, strict=True):
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == [c.label for c in table.columns]
        assert rows[1:] == [["" if v is None else str(v) for v in r.values] for r in table.rows]
