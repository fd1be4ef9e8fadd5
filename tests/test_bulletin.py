"""The twice-monthly bulletin (issue 15): periods, departments, counts per period that add
up to the year, stale columns, cron-ready runs (placeholders, exit codes, lock, log) and
the html page with its charts."""

from __future__ import annotations

import fcntl
import itertools
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import chromium as chromium_driver
import pandas as pd
import pytest
from click.testing import CliRunner, Result
from conftest import SAMPLES
from test_readme import block

from xgedu_stats.cli import cli
from xgedu_stats.config import FreshnessSettings, Period, RunConfig, Settings
from xgedu_stats.count.departments import item_departments
from xgedu_stats.count.timeline import counts_by, freshness
from xgedu_stats.periods import PeriodError, Span, last_half_month

HERE = Path(__file__).resolve().parent


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


# --- periods ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end", "kind"),
    [
        ("2018-03a", date(2018, 3, 1), date(2018, 3, 15), "half"),
        ("2018-03b", date(2018, 3, 16), date(2018, 3, 31), "half"),
        ("2018-3b", date(2018, 3, 16), date(2018, 3, 31), "half"),
        ("2018-04b", date(2018, 4, 16), date(2018, 4, 30), "half"),
        ("2018-02b", date(2018, 2, 16), date(2018, 2, 28), "half"),
        ("2020-02b", date(2020, 2, 16), date(2020, 2, 29), "half"),  # leap year
        ("2100-02b", date(2100, 2, 16), date(2100, 2, 28), "half"),  # not a leap year
        ("2000-02b", date(2000, 2, 16), date(2000, 2, 29), "half"),  # a leap year
        ("2018-12", date(2018, 12, 1), date(2018, 12, 31), "month"),
        ("2018-03-01..2018-03-20", date(2018, 3, 1), date(2018, 3, 20), "days"),
        ("2018-03-01..2018-03-15", date(2018, 3, 1), date(2018, 3, 15), "half"),
        ("2018-02-16..2018-02-28", date(2018, 2, 16), date(2018, 2, 28), "half"),
        ("2018-02-01..2018-02-28", date(2018, 2, 1), date(2018, 2, 28), "month"),
        (" 2018-03-05..2018-03-05 ", date(2018, 3, 5), date(2018, 3, 5), "days"),
    ],
)
def test_periods_are_read(text: str, start: date, end: date, kind: str) -> None:
    assert Span.parse(text) == Span(start, end, kind)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2018, 3, 1), "2018-02b"),  # the 1st: last month's second half
        (date(2018, 3, 15), "2018-02b"),  # the 15th: this first half is not over yet
        (date(2018, 3, 16), "2018-03a"),  # the 16th: this month's first half
        (date(2018, 3, 31), "2018-03a"),
        (date(2019, 1, 1), "2018-12b"),  # across a year
        (date(2020, 3, 1), "2020-02b"),
    ],
)
def test_last_half_month(today: date, expected: str) -> None:
    assert last_half_month(today).name == expected
    assert Span.parse("last-half-month", today=today).name == expected
    assert Span.parse("LAST-HALF-MONTH", today=today).name == expected
    assert last_half_month(today).end < today


def test_last_half_month_of_a_leap_february() -> None:
    span = Span.parse("last-half-month", today=date(2020, 3, 1))
    assert (span.start, span.end) == (date(2020, 2, 16), date(2020, 2, 29))


@pytest.mark.parametrize(
    ("text", "previous"),
    [
        ("2018-03a", "2018-02b"),
        ("2018-03b", "2018-03a"),
        ("2018-01a", "2017-12b"),
        ("2018-03", "2018-02"),
        ("2018-01", "2017-12"),
        ("2018-03-11..2018-03-20", "2018-03-01..2018-03-10"),
    ],
)
def test_the_period_before_is_of_the_same_kind(text: str, previous: str) -> None:
    assert Span.parse(text).previous().name == previous


@pytest.mark.parametrize(
    ("text", "label", "short"),
    [
        ("2018-03a", "2018 年 3 月上半月", "3月上"),
        ("2018-03b", "2018 年 3 月下半月", "3月下"),
        ("2018-03", "2018 年 3 月", "3月"),
        ("2018-03-01..2018-03-20", "2018 年 3 月 1 日至 2018 年 3 月 20 日", "2018.3.1–3.20"),
        ("2018-03-01..2018-03-01", "2018 年 3 月 1 日", "2018.3.1"),
        (
            "2017-12-25..2018-01-05",
            "2017 年 12 月 25 日至 2018 年 1 月 5 日",
            "2017.12.25–2018.1.5",
        ),
    ],
)
def test_labels(text: str, label: str, short: str) -> None:
    span = Span.parse(text)
    assert (span.label, span.short) == (label, short)


def test_six_periods_back() -> None:
    names = [s.name for s in Span.parse("2018-03a").back(6)]
    assert names == ["2017-12b", "2018-01a", "2018-01b", "2018-02a", "2018-02b", "2018-03a"]


def test_the_half_months_of_a_year_cover_it_once() -> None:
    halves = Span.parse("2018-12b").back(24)
    assert halves[0].start == date(2018, 1, 1) and halves[-1].end == date(2018, 12, 31)
    assert sum(h.days for h in halves) == 365
    for before, after in itertools.pairwise(halves):
        assert (after.start - before.end).days == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2018-13a", "统计期「2018-13a」的年月不对（月份应为 1–12）"),
        ("2018-02-30..2018-03-01", "没有「2018-02-30」这一天"),
        ("2018-03-20..2018-03-01", "统计期「2018-03-20..2018-03-01」的结束日期早于开始日期"),
        ("2018/03/01..2018/03/15", "「2018/03/01」不是日期：起止日期写成 2018-03-01..2018-03-20"),
        ("三月上半月", "读不懂统计期「三月上半月」"),
        ("2018-03c", "读不懂统计期「2018-03c」"),
    ],
)
def test_periods_that_cannot_be_read(text: str, message: str) -> None:
    with pytest.raises(PeriodError) as caught:
        Span.parse(text)
    assert str(caught.value).startswith(message)


def test_a_bad_period_is_a_usage_error_in_chinese() -> None:
    result = run("bulletin", SAMPLES, "--period", "2018-13a")
    assert result.exit_code == 2
    assert (
        "错误：'--period' 的值无效：统计期「2018-13a」的年月不对（月份应为 1–12）" in result.stderr
    )
    result = run("bulletin", SAMPLES)
    assert result.exit_code == 2 and "--period" in result.stderr


# --- departments and counts per period ----------------------------------------------------


def test_an_item_takes_its_department_from_its_copies_in_priority_order() -> None:
    rows = pd.DataFrame(
        {
            "item_id": [1, 1, 2, 2, 3, 4, 5, 5],
            "platform_rank": [1, 0, 0, 0, 2, 0, 1, 0],
            "department": ["办公室", "", "宣传科", "办公室", "-", "ＡＢＣ科", "办公室", "宣传科"],
        }
    )
    # item 1: the portal's cell is blank, the next platform's names one; item 2: two
    # names on one platform, the first by name (not by row order); 3: none; 4: NFKC;
    # 5: the portal's (rank 0) over another platform's that sorts first by name.
    expected = ["办公室", "办公室", "未注明", "ABC科", "宣传科"]
    assert item_departments(rows, 5).tolist() == expected
    shuffled = rows.iloc[::-1].reset_index(drop=True)
    assert item_departments(shuffled, 5).tolist() == expected


def test_counts_by_and_freshness() -> None:
    timeline = pd.DataFrame(
        {
            "day": pd.to_datetime(["2018-02-20", "2018-03-01", "2018-03-02", "2018-03-20"]),
            "category": ["甲", "甲", "乙", "丙"],
        }
    )
    halves = [Span.parse("2018-02b").period, Span.parse("2018-03a").period]
    counts = counts_by(timeline, "category", halves, ["丁", "乙", "甲"])
    assert counts.to_dict("index") == {"丁": {0: 0, 1: 0}, "乙": {0: 0, 1: 1}, "甲": {0: 1, 1: 1}}
    fresh = freshness(
        timeline,
        "category",
        ["甲", "乙", "丙"],
        date(2018, 3, 15),
        FreshnessSettings(12, (("乙", 5),)),
    )
    assert fresh["latest"].dt.date.tolist()[:2] == [date(2018, 3, 1), date(2018, 3, 2)]
    assert fresh["days"].tolist() == [14, 13, pd.NA]  # (丙's item is after the period's end)
    assert fresh["limit"].tolist() == [12, 5, 12]
    assert fresh["stale"].tolist() == [True, True, True]
    exactly = freshness(timeline, "category", ["甲"], date(2018, 3, 13), FreshnessSettings(12))
    assert exactly["stale"].tolist() == [False]  # (12 days is within a 12-day limit)


@pytest.fixture(scope="module")
def year_run():
    """One run over the samples, the year as its period."""
    from xgedu_stats.pipeline import run as pipeline_run

    return pipeline_run(RunConfig((SAMPLES,), Settings(), Period.year(2018), timeline=True))


def test_the_24_half_months_add_up_to_the_year(year_run) -> None:
    from xgedu_stats import bulletin

    halves = Span.parse("2018-12b").back(24)
    counts = [bulletin.make(year_run, h).items for h in halves]
    assert sum(counts) == year_run.totals.unique_items == 2438
    assert all(c > 0 for c in counts)


@pytest.mark.parametrize("name", ["2018-03a", "2018-07a", "2018-12b"])
def test_a_periods_items_are_the_runs_of_that_period(name: str) -> None:
    """The timeline's count of a period is what the pipeline places in it when run for it
    (the conservation line of the bulletin is that run's)."""
    from xgedu_stats import bulletin
    from xgedu_stats.pipeline import run as pipeline_run

    span = Span.parse(name)
    result = pipeline_run(RunConfig((SAMPLES,), Settings(), span.period, timeline=True))
    made = bulletin.make(result, span)
    assert made.items == result.totals.unique_items
    by_category = {r.values[0]: r.values[1] for r in made.report.tables[1].rows}
    assert by_category["合计"] == result.categories["count"].sum()
    assert by_category["孝感教育新闻"] == int(
        result.categories.set_index("category").loc["孝感教育新闻", "count"]
    )


# --- the command ------------------------------------------------------------------------

CONFIG = """
[category_groups]
"全部" = ["孝感教育新闻", "规划财务", "教育督导"]

[freshness]
default_days = 30
"孝感教育新闻" = 7
"""

EXPORT = """标题,栏目,发布时间,发布部门
全市教育工作会议召开,首页 > 孝感教育新闻,2018-03-02,宣传科
春季开学工作部署,首页 > 孝感教育新闻,2018-03-09,宣传科
一季度经费安排,首页 > 规划财务,2018-02-10,规划财务科
督导工作要点,首页 > 教育督导,2018-03-14,
督导工作要点,首页 > 教育督导,2018-03-14,督导室
学期工作总结,首页 > 教育督导,2018-02-20,督导室
"""


@pytest.fixture
def office(tmp_path: Path) -> Path:
    """A folder with one portal export and a config: news 7 days at most, others 30."""
    (tmp_path / "导出").mkdir()
    (tmp_path / "导出" / "门户网站.csv").write_text(EXPORT, encoding="utf-8")
    (tmp_path / "xgedu-stats.toml").write_text(CONFIG, encoding="utf-8")
    return tmp_path


def in_folder(folder: Path, *args: str | Path) -> Result:
    old = Path.cwd()
    os.chdir(folder)
    try:
        return run(*args)
    finally:
        os.chdir(old)


def test_stale_columns_are_listed_and_fail_the_run_when_asked(office: Path) -> None:
    # news: latest 03-09, 6 days before 03-15 (limit 7: fresh); 规划财务: 02-10, 33 days
    # (limit 30: stale); 教育督导: 03-14.
    out = "通报/通报-{from}-{to}.md"
    result = in_folder(office, "bulletin", "导出", "--period", "2018-03a", "-o", out)
    assert result.exit_code == 0, result.output
    assert "注意：超期未更新的栏目（1 个）：规划财务" in result.stderr
    text = (office / "通报" / "通报-2018-03-01-2018-03-15.md").read_text(encoding="utf-8")
    assert "| 规划财务 | 2018-02-10 | 33 | 30 | 超期未更新 |" in " ".join(text.split())
    assert "| 孝感教育新闻 | 2018-03-09 | 6 | 7 | 按时更新 |" in " ".join(text.split())
    assert "- 超期未更新的栏目（1 个）：规划财务" in text

    result = in_folder(
        office, "bulletin", "导出", "--period", "2018-03a", "-o", out, "--fail-on-stale", "-q"
    )
    assert result.exit_code == 3
    assert result.stderr == "错误：超期未更新的栏目（1 个）：规划财务\n"  # (-q: only that)
    assert (office / "通报" / "通报-2018-03-01-2018-03-15.md").exists()

    # with --by department the departments are watched too
    result = in_folder(
        office, "bulletin", "导出", "--period", "2018-03a", "--by", "department", "-f", "json"
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    states = {r["name"]: r["state"] for r in doc["tables"]["freshness_departments"]}
    assert states == {"宣传科": "按时更新", "督导室": "按时更新", "规划财务科": "超期未更新"}
    assert doc["notes"][:2] == [
        "超期未更新的栏目（1 个）：规划财务",
        "超期未更新的部门（1 个）：规划财务科",
    ]


def test_the_tables_of_a_small_bulletin(office: Path) -> None:
    result = in_folder(office, "bulletin", "导出", "--period", "2018-03a", "-f", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    departments = {
        r["name"]: (r["current"], r["previous"]) for r in doc["tables"]["bulletin_departments"]
    }
    # 督导工作要点: one item of two rows; its department from the row that names one.
    # 规划财务科's item (02-10) is two periods back: listed with its zeros (a department that
    # published nothing is who a bulletin names)
    assert departments == {"宣传科": (2, 0), "督导室": (1, 1), "规划财务科": (0, 0)}
    assert list(departments) == ["宣传科", "督导室", "规划财务科"]
    categories = {r["name"]: r["current"] for r in doc["tables"]["bulletin_categories"]}
    assert categories == {"孝感教育新闻": 2, "规划财务": 0, "教育督导": 1}
    assert doc["totals"]["unique_items"] == 3 and doc["totals"]["duplicates"] == 1
    trend = doc["tables"]["bulletin_trend"]
    assert list(trend[0]) == [
        "name",
        "2017-12b",
        "2018-01a",
        "2018-01b",
        "2018-02a",
        "2018-02b",
        "2018-03a",
    ]
    assert not any("所给导出最早" in n for n in doc["notes"])  # (02-10: before 02b)
    result = in_folder(office, "bulletin", "导出", "--period", "2018-02b", "-f", "json")
    assert json.loads(result.stdout)["notes"][-1] == (
        "所给导出最早的一条信息是 2018-02-10：上期（2018 年 2 月上半月）及更早的条数可能不全"
    )


def test_names_in_freshness_that_match_nothing_are_said(office: Path) -> None:
    (office / "xgedu-stats.toml").write_text(CONFIG + '"孝感新闻" = 3\n', encoding="utf-8")
    result = in_folder(office, "bulletin", "导出", "--period", "2018-03a")
    assert result.exit_code == 0
    said = "配置文件 [freshness] 中的「孝感新闻」不是任何类别或发布部门"
    assert f"注意：{said}" in result.stderr and said not in result.stdout  # (not for readers)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "天数应在 1 到 3660 之间"),
        ('"7"', "应为天数（1 到 3660 的整数）"),
        ("7.5", "应为天数（1 到 3660 的整数）"),
    ],
)
def test_freshness_limits_are_checked(office: Path, value: str, message: str) -> None:
    (office / "xgedu-stats.toml").write_text(f'[freshness]\n"规划财务" = {value}\n', "utf-8")
    result = in_folder(office, "bulletin", "导出", "--period", "2018-03a")
    assert result.exit_code == 1
    assert f"第 2 行，freshness.规划财务：{message}" in result.stderr


def test_placeholders(office: Path) -> None:
    out = "{period}/{{注意}}通报-{from}至{to}.html"
    result = in_folder(office, "bulletin", "导出", "--period", "2018-03", "-o", out, "-q")
    assert result.exit_code == 0, result.output
    assert (office / "2018-03" / "{注意}通报-2018-03-01至2018-03-31.html").is_file()
    result = in_folder(office, "bulletin", "导出", "--period", "2018-03", "-o", "通报-{date}.md")
    assert result.exit_code == 2
    assert "-o 通报-{date}.md：不认识 {date}；文件名中可用 {from}、{to}、{period}" in result.stderr
    result = in_folder(office, "bulletin", "导出", "--period", "2018-03", "-o", "通报-{from.md")
    assert result.exit_code == 2 and "大括号的写法不对" in result.stderr


def test_a_second_run_into_a_locked_folder_fails_at_once(office: Path) -> None:
    folder = office / "通报"
    folder.mkdir()
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # (as a run in progress holds it)
        result = in_folder(
            office,
            "bulletin",
            "导出",
            "--period",
            "2018-03a",
            "-o",
            "通报/通报.md",
            "--log",
            "run.log",
        )
    finally:
        os.close(fd)
    assert result.exit_code == 1
    assert result.stderr.endswith(
        "错误：另一个 xgedu-stats bulletin 正在向文件夹 通报 写通报，本次没有写任何文件；"
        "请等它结束后再运行（同一文件夹同时只能有一个在写）\n"
    )
    assert list(folder.iterdir()) == []
    logged = json.loads((office / "run.log").read_text(encoding="utf-8"))
    assert logged["outcome"] == "error" and "另一个 xgedu-stats bulletin" in logged["error"]
    # released: the next run writes
    result = in_folder(office, "bulletin", "导出", "--period", "2018-03a", "-o", "通报/通报.md")
    assert result.exit_code == 0 and (folder / "通报.md").is_file()


def test_the_log_has_one_line_per_run(office: Path) -> None:
    args = [
        "bulletin",
        "导出",
        "--period",
        "2018-03a",
        "-o",
        "b/{period}.md",
        "--log",
        "日志/run.log",
    ]
    assert in_folder(office, *args).exit_code == 0
    assert in_folder(office, *args, "--fail-on-stale").exit_code == 3
    assert (
        in_folder(
            office, "bulletin", "没有", "--period", "2018-03a", "--log", "日志/run.log"
        ).exit_code
        == 1
    )
    lines = (office / "日志" / "run.log").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3
    first, second, third = map(json.loads, lines)
    assert set(first) == {
        "time",
        "period",
        "from",
        "to",
        "inputs",
        "outputs",
        "items",
        "previous",
        "stale",
        "outcome",
    }
    assert (
        first["period"] == "2018-03a"
        and first["from"] == "2018-03-01"
        and first["to"] == "2018-03-15"
    )
    assert first["inputs"] == ["导出"] and first["outputs"] == ["b/2018-03a.md"]
    assert (first["items"], first["previous"], first["stale"]) == (3, 1, ["规划财务"])
    assert first["outcome"] == second["outcome"] == "stale"
    assert third["outcome"] == "error" and "没有" in third["error"]
    assert date.fromisoformat(first["time"][:10])


# --- the samples: the README's loop, html, xlsx ------------------------------------------------


def test_the_readme_loop_adds_up_to_the_year(tmp_path: Path) -> None:
    """The README's loop of 24 half-months, run as it is written, then their figures
    summed against ``aggregate --year 2018``."""
    script = block("bulletin-loop").replace("samples/2018", str(SAMPLES))
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=tmp_path, env=env, check=True)
    files = sorted((tmp_path / "通报").glob("*.json"))
    assert len(files) == 24
    total = sum(json.loads(f.read_text(encoding="utf-8"))["totals"]["unique_items"] for f in files)
    year = run("aggregate", SAMPLES, "--year", "2018", "-f", "json")
    assert total == json.loads(year.stdout)["totals"]["unique_items"] == 2438
    assert len(sorted((tmp_path / "通报").glob("*.html"))) == 24


def test_xlsx_has_native_charts(tmp_path: Path) -> None:
    import openpyxl

    out = tmp_path / "通报.xlsx"
    result = run("bulletin", SAMPLES, "--period", "2018-03a", "-o", out)
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[-1] == "图表数据" and book["图表数据"].sheet_state == "hidden"
    charted = {ws.title: len(ws._charts) for ws in book.worksheets if ws._charts}
    assert charted == {
        "各类别发布信息条数": 1,
        "各平台发布信息条数": 1,
        "各部门近 6 期发布信息条数": 1,
        "网上留言": 1,
    }
    data = [list(r) for r in book["图表数据"].iter_rows(values_only=True)]
    assert data[0][:3] == ["各类别信息条数：本期和上期", None, None]
    assert data[1][:3] == [None, "本期", "上期"] and data[2][:3] == ["孝感教育新闻", 64, 65]


def test_aggregate_writes_the_html_page(tmp_path: Path) -> None:
    out = tmp_path / "统计.html"
    result = run("aggregate", SAMPLES, "--year", "2018", "-o", out)
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!-- # xgedu-stats ")  # (never read back as an export)
    assert "<h2>主动公开信息按类别统计（不同渠道和方式公开的相同信息计 1 条）</h2>" in page
    assert page.count("<svg") == 3  # categories, platforms, messages
    assert "<script" not in page and " src=" not in page and " href=" not in page
    assert "Content-Security-Policy" in page
    export = tmp_path / "门户网站_2018上半年.csv"
    export.write_bytes((SAMPLES / export.name).read_bytes())
    alone = run("aggregate", export, "-f", "json")
    beside = run("aggregate", tmp_path, "-f", "json")  # (the page is skipped, with a note)
    assert beside.exit_code == 0 and "统计表，不作为导出数据读取" in beside.stderr
    assert json.loads(beside.stdout)["totals"] == json.loads(alone.stdout)["totals"]


CHROMIUM = chromium_driver.find()


def test_the_page_in_chromium_makes_no_request_and_logs_no_error(tmp_path: Path) -> None:
    """Loaded in headless Chromium at a phone's width and a desktop's: no request besides
    the page, no console error; screenshots kept in the test's folder. Skipped without
    Chromium, except where XGEDU_REQUIRE_CHROMIUM is set (CI installs it)."""
    if CHROMIUM is None:
        if os.environ.get("XGEDU_REQUIRE_CHROMIUM"):
            pytest.fail("Chromium is required here (XGEDU_REQUIRE_CHROMIUM) but not installed")
        pytest.skip("Chromium is not installed")
    page = tmp_path / "通报.html"
    result = run("bulletin", SAMPLES, "--period", "2018-03a", "--by", "department", "-o", page)
    assert result.exit_code == 0, result.output
    assert CHROMIUM is not None
    with chromium_driver.Browser(CHROMIUM) as browser:
        loaded = browser.load(page, widths=(390, 1280))
        assert loaded.requests == [] and loaded.errors == []
        for width, shot in loaded.shots.items():
            assert shot.startswith(b"\x89PNG")
            assert int.from_bytes(shot[16:20], "big") == width
            (tmp_path / f"通报-{width}.png").write_bytes(shot)
        # the phone's page does not scroll sideways (a wide table scrolls in its own box)
        width = browser.scroll_width(page, 390)
        assert width <= 390
        # and the check can fail: a page that asks for a file is caught
        bad = tmp_path / "bad.html"
        bad.write_text(
            page.read_text(encoding="utf-8").replace(
                "<main>", '<main><img src="http://example.com/a.png">'
            ),
            encoding="utf-8",
        )
        caught = browser.load(bad)  # (Chromium tells of a request the policy blocks in a
        # console error, and sometimes as a request too)
        assert any("http://example.com/a.png" in x for x in caught.errors)
        assert caught.requests in ([], ["http://example.com/a.png"])


def test_cron_bare_environment(tmp_path: Path) -> None:
    """The README's crontab line under ``env -i`` (no locale, no PATH, no HOME): the dated
    file of the last half-month is written."""
    (line,) = [x for x in block("crontab").splitlines() if x.startswith("0 6 1,16 * *")]
    command = line.split(None, 5)[5]
    exe = Path(sys.executable).parent / "xgedu-stats"
    command = command.replace("/opt/xgedu/venv/bin/xgedu-stats", str(exe))
    command = command.replace("/srv/xgedu", str(tmp_path)).replace("导出/", str(SAMPLES) + "/")
    (tmp_path / "通报").mkdir()
    done = subprocess.run(["env", "-i", "/bin/sh", "-c", command], capture_output=True)
    assert done.returncode in (0, 3), done.stderr.decode()
    span = last_half_month(date.today())
    written = tmp_path / "通报" / f"通报-{span.start.isoformat()}-{span.end.isoformat()}.html"
    assert written.is_file(), sorted(p.name for p in (tmp_path / "通报").iterdir())
    log = (tmp_path / "通报" / "运行日志.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(log[-1])["period"] == span.name


def test_the_samples_bulletin_as_markdown(golden) -> None:
    """The whole bulletin of 2018-03a on the samples (tests/golden/bulletin-2018-03a.md)."""
    result = run(
        "bulletin", SAMPLES, "--period", "2018-03a", "--by", "department", "-f", "markdown"
    )
    assert result.exit_code == 0, result.output
    golden("bulletin-2018-03a.md", result.stdout)


# --- what the attacks found -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("log", "message"),
    [
        ("导出/门户网站.csv", "--log 导出/门户网站.csv 已存在，但不是 xgedu-stats 的运行日志"),
        (
            "导出/运行日志.csv",
            "--log 导出/运行日志.csv 在输入文件夹 导出 中，下次统计会把它当作导出文件读取",
        ),
        ("导出/运行日志.txt", "--log 导出/运行日志.txt 在输入文件夹 导出 中"),
        ("xgedu-stats.toml", "--log xgedu-stats.toml 已存在，但不是 xgedu-stats 的运行日志"),
        ("b/x.md", "--log b/x.md 是输出文件（-o），不能往里面写日志"),
        ("导出", "'--log' 的值无效：'导出' 是文件夹，这里应是文件。"),
    ],
)
def test_a_log_that_would_harm_a_file_is_refused(office: Path, log: str, message: str) -> None:
    before = {p: p.read_bytes() for p in office.rglob("*") if p.is_file()}
    result = in_folder(
        office, "bulletin", "导出", "--period", "2018-03a", "-o", "b/x.md", "--log", log
    )
    assert result.exit_code in (1, 2), result.output
    assert message in result.stderr
    assert {p: p.read_bytes() for p in before} == before  # (nothing appended to anything)
    assert not (office / "b" / "x.md").exists()


def test_a_log_under_a_file_is_said_so(office: Path) -> None:
    (office / "pd").write_text("x", encoding="utf-8")
    result = in_folder(office, "bulletin", "导出", "--period", "2018-03a", "--log", "pd/log.jsonl")
    assert result.exit_code == 1
    assert result.stderr.endswith("错误：无法创建文件夹 pd：pd 是文件，不是文件夹\n")


@pytest.mark.parametrize(
    "name", ["{from:d}.md", "{from!r}.md", "{from:>20}.md", "{period.x}.md", "{0}.md"]
)
def test_placeholders_take_no_format(office: Path, name: str) -> None:
    result = in_folder(office, "bulletin", "导出", "--period", "2018-03a", "-o", name)
    assert result.exit_code == 2
    assert "：不认识 {" in result.stderr and "文件名中可用 {from}、{to}、{period}" in result.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1899-12b", "统计期「1899-12b」的年份应在 1900 到 2100 之间"),
        ("1900-01-01..9999-12-31", "「9999-12-31」的年份应在 1900 到 2100 之间"),
        ("x" * 500, "读不懂统计期「" + "x" * 40 + "…」"),
    ],
)
def test_periods_out_of_range(text: str, message: str) -> None:
    with pytest.raises(PeriodError) as caught:
        Span.parse(text)
    assert str(caught.value).startswith(message)


def test_the_longest_range_runs() -> None:
    span = Span.parse("1900-01-01..2100-12-31")
    assert span.back(6)[0].start.year > 1  # (six ranges as long back: no overflow)


@pytest.mark.parametrize(
    ("period", "said"),
    [
        ("2018-05a", "所给导出中最新的一条信息是 2018-03-14，在本期开始之前：导出文件可能没有更新"),
        (
            "2017-05a",
            "所给导出中最早的一条信息是 2018-02-10，在本期结束之后：本期不在导出的日期范围内",
        ),
    ],
)
def test_a_period_outside_the_exports_is_said(office: Path, period: str, said: str) -> None:
    result = in_folder(office, "bulletin", "导出", "--period", period, "-o", "b.md")
    assert result.exit_code == 0
    assert f"注意：{said}" in result.stderr
    assert said in (office / "b.md").read_text(encoding="utf-8")
    result = in_folder(office, "bulletin", "导出", "--period", period, "--fail-on-stale", "-q")
    assert result.exit_code == 3
    assert result.stderr.startswith(f"错误：{said}")


def test_freshness_names_are_compared_as_words(office: Path) -> None:
    export = office / "导出" / "门户网站.csv"
    export.write_text(EXPORT.replace("督导室", "学生资助中心(办)"), encoding="utf-8")
    config = CONFIG + '"学生资助中心（办）" = 1\n'
    (office / "xgedu-stats.toml").write_text(config, encoding="utf-8")
    result = in_folder(
        office, "bulletin", "导出", "--period", "2018-03a", "--by", "department", "-f", "json"
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["tables"]["freshness_departments"]
    assert {r["name"]: r["limit"] for r in rows}["学生资助中心(办)"] == 1
    assert "不是任何类别或发布部门" not in result.stderr
    (office / "xgedu-stats.toml").write_text(config + '"学生资助中心 (办)" = 2\n', "utf-8")
    result = in_folder(office, "bulletin", "导出", "--period", "2018-03a")
    assert (
        result.exit_code == 1
        and "与「学生资助中心（办）」是同一个名称，只能写一次" in result.stderr
    )


def test_hostile_department_names(office: Path) -> None:
    hostile = ["合计", "<script>alert(1)</script>", "控制\x07字符\x1b[31m红", "a&b"]
    lines = [
        f"标题{i},首页 > 孝感教育新闻,2018-03-0{i + 1},{name}" for i, name in enumerate(hostile)
    ]
    (office / "导出" / "门户网站.csv").write_text(
        "标题,栏目,发布时间,发布部门\n" + "\n".join(lines) + "\n", encoding="utf-8"
    )
    for fmt in ("html", "markdown", "json"):
        result = in_folder(office, "bulletin", "导出", "--period", "2018-03a", "-f", fmt)
        assert result.exit_code == 0, result.output
        out = result.stdout
        if fmt == "json":
            names = [r["name"] for r in json.loads(out)["tables"]["bulletin_departments"]]
            assert "合计（名称）" in names and "合计" not in names
            continue
        assert "<script>" not in out and "\x07" not in out and "\x1b" not in out
        assert "&lt;script&gt;" in out and "\\x07" in out


def test_a_log_that_is_a_link_to_an_export_is_refused(office: Path) -> None:
    export = office / "导出" / "门户网站.csv"
    before = export.read_bytes()
    os.link(export, office / "hard.log")
    (office / "soft.jsonl").symlink_to(export)
    (office / "dangling.jsonl").symlink_to(office / "导出" / "新.csv")
    for log in ("hard.log", "soft.jsonl"):
        result = in_folder(office, "bulletin", "导出", "--period", "2018-03a", "--log", log)
        assert result.exit_code == 2
        assert f"--log {log} 已存在，但不是 xgedu-stats 的运行日志" in result.stderr
    result = in_folder(
        office, "bulletin", "导出", "--period", "2018-03a", "--log", "dangling.jsonl"
    )
    assert result.exit_code == 2 and "在输入文件夹 导出 中" in result.stderr
    assert export.read_bytes() == before and not (office / "导出" / "新.csv").exists()


def test_a_log_named_as_an_output_another_way_is_refused(office: Path) -> None:
    result = in_folder(
        office, "bulletin", "导出", "--period", "2018-03a", "-o", "out/a.md",
        "--log", str(office / "out" / ".." / "out" / "a.md"),
    )  # fmt: skip
    assert result.exit_code == 2 and "是输出文件（-o），不能往里面写日志" in result.stderr
    assert not (office / "out" / "a.md").exists()


def test_the_log_takes_placeholders(office: Path) -> None:
    args = ["bulletin", "导出", "--period", "2018-03a", "--log", "日志/{period}.jsonl", "-q"]
    assert in_folder(office, *args).exit_code == 0
    assert json.loads((office / "日志" / "2018-03a.jsonl").read_text("utf-8"))["items"] == 3


def test_a_folder_that_cannot_be_locked(office: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    def refuse(fd: int, how: int) -> None:
        raise OSError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(fcntl, "flock", refuse)
    result = in_folder(office, "bulletin", "导出", "--period", "2018-03a", "-o", "b/x.md")
    assert result.exit_code == 1
    assert "错误：无法锁定文件夹 b（防止两次运行同时写）：" in result.stderr
    assert not (office / "b" / "x.md").exists()

    def no_locks(fd: int, how: int) -> None:  # (a network share without flock)
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(fcntl, "flock", no_locks)
    result = in_folder(office, "bulletin", "导出", "--period", "2018-03a", "-o", "b/x.md")
    assert result.exit_code == 0 and (office / "b" / "x.md").is_file()
