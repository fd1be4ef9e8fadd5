"""Site traffic (issue 12): page views and visitors of the period, page views counted since
a day, every row accounted for; hours of a day added up, overlapping exports counted once."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import csv_bytes
from hypothesis import given, settings
from hypothesis import strategies as st

from xgedu_stats.cli import cli
from xgedu_stats.config import Period, TrafficSettings
from xgedu_stats.count.traffic import count_traffic


def days(first: date, last: date, views: str, visitors: str) -> list[list[str]]:
    out, day = [], first
    while day <= last:
        out.append([day.isoformat(), views, visitors])
        day += timedelta(days=1)
    return out


@pytest.fixture
def exports(tmp_path: Path) -> Path:
    """Two traffic exports that overlap on 2018-01-03 (counted by hand below)."""
    folder = tmp_path / "导出"
    folder.mkdir()
    (folder / "门户网站访问统计.csv").write_bytes(
        csv_bytes(
            ["日期", "浏览量", "访客数"],
            [
                *days(date(2017, 12, 30), date(2018, 1, 3), "1,000", "100"),
                ["坏日期", "5", "1"],  # rejected
                ["2018-01-04", "abc", "1"],  # rejected
            ],
        )
    )
    (folder / "流量统计_2.csv").write_bytes(
        csv_bytes(
            ["时间", "PV", "UV"],
            [
                ["2018-01-03 10:00", "600", "50"],  # an export by hour: the day's rows add up
                ["2018-01-03 11:00", "600", "50"],  # 1,200 > 1,000: this export's 01-03
                ["2018-01-05", "2万", "200"],
            ],
        )
    )
    (folder / "门户.csv").write_bytes(csv_bytes(["标题", "发布时间"], [["甲", "2018-03-01"]]))
    return folder


def test_the_period_and_the_cumulative_page_views(exports: Path) -> None:
    args = ["aggregate", str(exports), "--year", "2018", "-f", "json"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["tables"]["traffic"] == [
        {
            "page_views": 1000 + 1000 + 1200 + 20000,
            "visitors": 100 + 100 + 100 + 200,
            "cumulative_page_views": 1000 + 1000 + 1000 + 1000 + 1200 + 20000,
            "since": "2017-12-30",
            "through": "2018-12-31",
        }
    ]
    assert doc["totals"]["traffic"] == {
        "rows_read": 10,
        "rejected": 2,
        "out_of_period": 2,  # 2017-12-30 and 12-31 (still in the cumulative count)
        "duplicates": 1,  # the first export's 01-03
        "counted": 5,
        "days": 4,
    }
    assert doc["totals"]["unique_items"] == 1  # the traffic rows are not published items
    assert "访问统计有 2 行无效" in result.stderr


def test_since_from_the_config_and_a_since_before_the_data(exports: Path, tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("[traffic]\nsince = 2018-01-02\n", encoding="utf-8")
    args = ["aggregate", str(exports), "--year", "2018", "-c", str(config), "-t", "traffic"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "22200  2018-01-02" in result.stdout  # 1,000 + 1,200 + 20,000
    assert result.stdout.rstrip().endswith(
        "核对（访问统计）：读入 10 行 = 无效 2 + 统计期外 2 + 重复 1 + 计入 5 行（4 天）"
    )
    config.write_text('[traffic]\nsince = "2015-09-01"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, args)
    assert (
        "访问统计的导出从 2017-12-30 开始，早于配置的起算日期 [traffic] since （2015-09-01）"
        in (result.stderr)
    )


@pytest.mark.parametrize("value", ['"九月"', "3", '"2015-13-01"'])
def test_a_since_that_is_not_a_date_is_a_config_error(tmp_path: Path, value: str) -> None:
    config = tmp_path / "c.toml"
    config.write_text(f"[traffic]\nsince = {value}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["aggregate", "samples/2018", "-c", str(config)])
    assert result.exit_code != 0 and "traffic.since：应为日期" in result.stderr


def test_rejected_traffic_rows_are_listed_with_the_others(exports: Path, tmp_path: Path) -> None:
    rejects = tmp_path / "r.csv"
    args = ["aggregate", str(exports), "--year", "2018", "--rejects", str(rejects), "-q"]
    assert CliRunner().invoke(cli, args).exit_code == 0
    listed = rejects.read_text(encoding="utf-8-sig")
    assert "访问统计,日期无法识别,,坏日期" in listed
    assert "访问统计,浏览量无法识别,,2018-01-04,,,abc" in listed


day_cell = st.sampled_from(["2018-01-01", "2018-01-02", "2018-01-02 10:00", "2017-12-31", "", "x"])
count_cell = st.sampled_from(["1", "20", "1,000", "", "abc", "3万"])


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["a.csv", "b.csv"]), day_cell, count_cell, count_cell),
        max_size=20,
    )
)
def test_every_traffic_row_is_accounted_for(rows: list) -> None:
    frame = pd.DataFrame(rows, columns=["file", "date", "page_views", "visitors"], dtype=str)
    frame["line"] = range(2, len(rows) + 2)
    bad = pd.DataFrame(columns=["file", "line", "platform", "reason", "raw"])
    got = count_traffic(frame, bad, TrafficSettings(), Period.year(2018))
    t = got.totals
    assert t.rows_read == t.rejected + t.out_of_period + t.duplicates + t.counted
    assert got.page_views <= got.cumulative_page_views


def run_json(*args: str) -> tuple[dict, str]:
    result = CliRunner().invoke(cli, ["aggregate", *args, "-f", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), result.stderr


def test_days_the_exports_lack_are_named(exports: Path) -> None:
    """A trial: an export ending in September gave a year's figures without a word."""
    _, notes = run_json(str(exports), "--from", "2018-01-01", "--to", "2018-01-10")
    # 01-04 (its row rejected) and 01-06 … 01-10
    assert "访问统计的导出缺少统计期内 6 天（共 10 天）的数据（2018-01-04、2018-01-06、" in notes


def test_a_since_after_the_period_is_named(exports: Path, tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("[traffic]\nsince = 2019-03-01\n", encoding="utf-8")
    doc, notes = run_json(str(exports), "--year", "2018", "-c", str(config))
    assert doc["tables"]["traffic"][0]["cumulative_page_views"] == 0
    assert "配置的起算日期 [traffic] since（2019-03-01）晚于统计期末（2018-12-31）" in notes


def test_baidu_headers_dashes_and_no_visitors_column(tmp_path: Path) -> None:
    folder = tmp_path / "导出"
    folder.mkdir()
    (folder / "百度统计_访问统计.csv").write_bytes(
        csv_bytes(
            ["日期", "浏览量(PV)", "访客数(UV)"],
            [["2018-01-01", "100", "--"], ["2018-01-02", "200", "20"]],
        )
    )
    doc, _ = run_json(str(folder), "--from", "2018-01-01", "--to", "2018-01-02")
    assert doc["tables"]["traffic"][0]["page_views"] == 300  # the -- row is not rejected
    assert doc["tables"]["traffic"][0]["visitors"] == 20
    (folder / "百度统计_访问统计.csv").write_bytes(
        csv_bytes(["日期", "PV"], [["2018-01-01", "100"]])
    )
    doc, _ = run_json(str(folder), "--from", "2018-01-01", "--to", "2018-01-01")
    assert doc["tables"]["traffic"][0]["visitors"] is None  # no column: no figure, not 0


def test_a_date_written_twice_in_one_export_is_added_and_named(tmp_path: Path) -> None:
    folder = tmp_path / "导出"
    folder.mkdir()
    (folder / "流量统计.csv").write_bytes(
        csv_bytes(
            ["日期", "浏览量"],
            [["2018-01-01", "100"], ["2018-01-02", "200"], ["2018-01-02", "250"]],
        )
    )
    doc, notes = run_json(str(folder), "--from", "2018-01-01", "--to", "2018-01-02")
    assert doc["tables"]["traffic"][0]["page_views"] == 550
    assert "中有 1 个日期各写了多行（如 2018-01-02 2 行），已相加" in notes


def test_rows_of_days_outside_a_half_year_are_out_of_it(exports: Path) -> None:
    """A trial: the overlap's dropped rows on days outside the period counted as 重复."""
    doc, _ = run_json(str(exports), "--from", "2018-01-04", "--to", "2018-06-30")
    t = doc["totals"]["traffic"]
    assert (t["out_of_period"], t["duplicates"], t["counted"]) == (7, 0, 1)


def test_inspect_judges_a_traffic_export_as_aggregate_does(exports: Path) -> None:
    result = CliRunner().invoke(cli, ["inspect", str(exports / "门户网站访问统计.csv")])
    assert "无效 2（日期无法识别 1、浏览量无法识别 1）" in result.stdout
    assert "日期：2017-12-30 至 2018-01-03" in result.stdout


def test_latin_words_name_a_kind_only_as_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A trial: a folder named notraffic made a 今日头条 export traffic; and a folder given as
    "." had no name, so its files could not be told apart."""
    for folder in ("notraffic", "访问统计"):
        (tmp_path / folder).mkdir()
    (tmp_path / "notraffic" / "今日头条.csv").write_bytes(
        csv_bytes(["标题", "发布时间"], [["甲", "2018-03-01"]])
    )
    (tmp_path / "访问统计" / "2018.csv").write_bytes(
        csv_bytes(["日期", "浏览量"], [["2018-03-01", "5"]])
    )
    doc, _ = run_json(str(tmp_path / "notraffic"))
    assert doc["totals"]["unique_items"] == 1
    monkeypatch.chdir(tmp_path / "访问统计")
    doc, _ = run_json(".")
    assert doc["tables"]["traffic"][0]["page_views"] == 5


def test_the_traffic_table_without_a_traffic_export_has_no_figures() -> None:
    articles = "samples/2018/门户网站_2018上半年.csv"  # (the samples hold a traffic export)
    doc, _ = run_json(articles, "--year", "2018", "-t", "traffic")
    assert doc["tables"]["traffic"] == [] and "traffic" not in doc["totals"]
    text = CliRunner().invoke(cli, ["aggregate", articles, "-t", "traffic"]).stdout
    assert "网站访问量（没有读到访问统计的导出文件）" in text
