"""The figures from each kind of real export, and from all of them together."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from xgedu_stats.cli import cli
from xgedu_stats.config import RunConfig, settings_from_dict
from xgedu_stats.errors import InputError
from xgedu_stats.pipeline import Result, Totals, run

FORMATS = Path(__file__).resolve().parent / "fixtures" / "formats"
TITLES = {
    "关于做好2018年秋季学期开学工作的通知",
    "孝南区实验小学开展防溺水安全教育",
    "2018年度学生资助资金发放公示",
    "市教育局召开全市教育工作会议",
    "全市中小学生运动会开幕",
    "关于2018年教师资格认定的公告",
}


def run_file(name: str, **config: object) -> Result:
    return run(RunConfig((FORMATS / name,), settings_from_dict(config)))


@pytest.mark.parametrize(
    ("name", "platform", "header_line", "blank", "summary"),
    [
        ("头条_文章列表.xlsx", "toutiao", 3, 2, 1),
        ("门户网站导出.xls", "portal", 2, 0, 1),
        ("云上孝感.xls", "yunshang", 1, 0, 0),
        ("大楚网.xls", "dachu", 1, 0, 0),
        ("门户网站_制表符.txt", "portal", 1, 1, 1),
    ],
)
def test_each_format_reads_all_six_items(
    name: str, platform: str, header_line: int, blank: int, summary: int
) -> None:
    result = run_file(name)
    assert result.totals == Totals(6, 0, 0, 0, 6)
    assert set(result.items["title"]) == TITLES
    (report,) = result.files
    assert (report.platform, report.header_line, report.blank_lines, report.summary_rows) == (
        platform,
        header_line,
        blank,
        summary,
    )
    assert result.items["date"].dt.year.eq(2018).all()


def test_xlsx_values() -> None:
    result = run_file("头条_文章列表.xlsx")
    rows = result.rows.sort_values("line")
    assert rows["views"].tolist()[:5] == [12000, 100000, 1234, 88, 1024]
    assert rows["views"].isna().tolist()[5]
    assert rows["views_approx"].tolist() == [False, True, False, False, False, False]
    assert result.files[0].file.endswith("头条_文章列表.xlsx[文章列表]")
    assert result.warnings[0].endswith("的工作表「说明」中没有标题列和发布时间列，已跳过")
    assert result.warnings[2] == "有 1 行的阅读量无法识别（如「abc」），已留空；不影响条数统计"


def test_configured_sheet() -> None:
    result = run_file("头条_文章列表.xlsx", platforms={"toutiao": {"sheet": "文章列表"}})
    assert result.totals.unique_items == 6
    assert not any("说明" in w for w in result.warnings)
    with pytest.raises(InputError) as exc:
        run_file("头条_文章列表.xlsx", platforms={"toutiao": {"sheet": "Sheet1"}})
    assert str(exc.value).endswith(
        "中没有配置的工作表「Sheet1」（[platforms.toutiao] sheet）；工作表有：文章列表、说明"
    )


def test_broken_csv_rows_are_each_rejected_and_the_rest_read() -> None:
    result = run_file("门户网站_损坏.csv")
    assert result.totals == Totals(11, 8, 0, 0, 3)
    assert result.rejects[["line", "reason"]].values.tolist() == [
        [3, "字段数为 4，与表头的 3 列不符"],
        [4, "字段数为 2，与表头的 3 列不符"],
        [5, "引号不成对（引号后缺少分隔符）"],
        [7, "引号不成对（引号后缺少分隔符）"],
        [8, "含有 NUL 字符"],
        [9, "引号不成对（引号后缺少分隔符）"],
        [11, "含有无法按 utf-8 解码的字节"],
        [12, "引号不成对（文件在引号内结束）"],
    ]
    assert sorted(result.rows["line"]) == [2, 6, 10]


def test_all_formats_together() -> None:
    result = run(RunConfig((FORMATS,)))
    assert result.totals == Totals(41, 8, 0, 26, 7)
    counts = {r.category: r.count for r in result.categories.itertuples() if r.count}
    assert counts == {
        "孝感教育新闻": 2,
        "基础教育": 1,
        "人事老干语委": 1,
        "体育卫生": 1,
        "教育资助": 1,
        "安全后勤": 1,
    }
    p = result.platforms.set_index("platform")["rows"].to_dict()
    assert p == {"portal": 23, "yunshang": 6, "dachu": 6, "toutiao": 6}


def test_formulas_without_a_stored_result_are_named(tmp_path: Path) -> None:
    """A workbook written by a program that does not calculate (openpyxl, many exporters) has
    formulas with no cached value: read as blank, never silently (helper-15's A10)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "文章"
    sheet.append(["标题", "发布时间", "阅读量"])
    sheet.append(["甲", "2018-03-01", "=1+2"])
    sheet.append(["乙", "2018-03-02", 5])
    sheet.append(['="丙"', "2018-03-03", "=A2"])
    path = tmp_path / "门户.xlsx"
    book.save(path)
    result = CliRunner().invoke(cli, ["aggregate", str(path), "-f", "json"])
    assert result.exit_code == 0, result.output
    assert (
        "工作表「文章」中有 3 个公式单元格（如 C2）没有保存计算结果，按空白读取；"
        "请用 Excel 或 WPS 打开这个文件后保存一次，再统计"
    ) in result.stderr
    totals = json.loads(result.stdout)["totals"]
    assert (totals["unique_items"], totals["rejected"]) == (2, 1)  # (丙's title is a formula)
