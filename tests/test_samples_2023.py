"""samples/2023 (issue 13): made-up registers of two years whose tables 二, 三 and 四 for 2023
were counted by hand from ``scripts/make_samples_2023.py`` — asserted cell by cell — and the
samples are what their generator writes. samples/2018's registers give the 2018 report's 0."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES

from xgedu_stats.config import Period, RunConfig
from xgedu_stats.figures import load_figures
from xgedu_stats.pipeline import Result, run
from xgedu_stats.tables import build_report

SAMPLES_2023 = ROOT / "samples" / "2023"
COLUMNS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]

#: Table 三 for 2023, by hand: (label, the seven figures). Rows not listed are all 0.
HAND_COUNTED = {
    "本年新收政府信息公开申请数量": [24, 6, 1, 1, 4, 1, 37],
    "上年结转政府信息公开申请数量": [1, 1, 0, 0, 1, 0, 3],
    "予以公开": [9, 3, 1, 0, 1, 0, 14],
    "部分公开": [3, 0, 0, 1, 0, 0, 4],
    "属于国家秘密": [1, 1, 0, 0, 0, 0, 2],
    "保护第三方合法权益": [0, 1, 0, 0, 0, 0, 1],
    "属于三类内部事务信息": [1, 0, 0, 0, 0, 0, 1],
    "属于行政执法案卷": [0, 0, 0, 0, 1, 0, 1],
    "本机关不掌握相关政府信息": [4, 1, 0, 0, 0, 0, 5],
    "没有现成信息需要另行制作": [1, 0, 0, 0, 0, 0, 1],
    "补正后申请内容仍不明确": [0, 0, 0, 0, 0, 1, 1],
    "信访举报投诉类申请": [2, 0, 0, 0, 0, 0, 2],
    "重复申请": [1, 0, 0, 0, 0, 0, 1],
    "要求提供公开出版物": [0, 0, 0, 0, 1, 0, 1],
    "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请": [1, 0, 0, 0, 0, 0, 1],
    "其他": [0, 1, 0, 0, 1, 0, 2],
    "总计": [23, 7, 1, 1, 4, 1, 37],
    "结转下年度继续办理": [2, 0, 0, 0, 1, 0, 3],
}


@pytest.fixture(scope="module")
def year_2023() -> Result:
    figures = load_figures(SAMPLES_2023 / "数据-2023.toml")
    return run(RunConfig((SAMPLES_2023,), period=Period.year(2023), figures=figures))


def test_table_three_cell_by_cell(year_2023: Result) -> None:
    tables = {t.name: t for t in build_report(year_2023).tables}
    rows = tables["applications"].json()
    assert len(rows) == 25
    for r in rows:
        assert [r[c] for c in COLUMNS] == HAND_COUNTED.get(r["label"], [0] * 7), r["label"]


def test_table_four_and_article_20(year_2023: Result) -> None:
    tables = {t.name: t.json() for t in build_report(year_2023).tables}
    assert list(tables) == ["article20", "applications", "appeals"]  # (no article exports)
    names = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]

    def five(*v: int) -> dict[str, int]:
        return dict(zip(names, v, strict=True))

    assert tables["appeals"] == {
        "行政复议": five(1, 1, 0, 1, 3),
        "行政诉讼": {"未经复议直接起诉": five(1, 0, 0, 1, 2), "复议后起诉": five(0, 0, 1, 0, 1)},
    }
    assert tables["article20"] == [
        {"label": "规章", "本年制发件数": 0, "本年废止件数": 0, "现行有效件数": 0},
        {"label": "行政规范性文件", "本年制发件数": 2, "本年废止件数": 1, "现行有效件数": 3},
        {"label": "行政许可", "本年处理决定数量": 56},
        {"label": "行政处罚", "本年处理决定数量": 0},
        {"label": "行政强制", "本年处理决定数量": 0},
        {"label": "行政事业性收费", "本年收费金额（单位：万元）": 0},
    ]
    totals = {k: year_2023.counted[k].totals for k in ("applications", "appeals", "documents")}
    assert [(t.rows_read, t.out_of_period, t.cases) for t in totals.values()] == [
        (41, 1, 40),
        (7, 1, 6),
        (5, 1, 4),
    ]


def test_the_2018_registers_give_the_reports_zero() -> None:
    result = run(RunConfig((SAMPLES,), period=Period.year(2018)))
    tables = {t.name: t for t in build_report(result).tables}
    assert "statistics_2018" in tables and "applications" not in tables  # (the 2018 layout)
    figures = {r.values[0]: r.values[2] for r in tables["statistics_2018"].rows}
    assert figures["（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）"] == 2438
    assert figures["（一）收到申请数"] == 0 and figures["四、行政复议数量"] == 0
    assert figures["五、行政诉讼数量"] == 0
    assert any("依申请公开登记中没有统计期内的申请" in w for w in result.warnings)


def test_the_2018_form_of_2023_says_where_pending_cases_are(year_2023: Result) -> None:
    (table,) = build_report(year_2023, ("statistics_2018",)).tables
    figures = {r.values[0]: r.values[2] for r in table.rows}
    assert figures["四、行政复议数量"] == 3 and figures["3.其他情形数"] == 1  # (of 五)
    assert "含尚未审结的 2 件，不计入其下 1–3 项" in table.title
    # (samples/2023 has registers only: the published items' figures are blank, not 0)
    assert figures["（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）"] is None
    assert figures["2.政府网站公开政府信息数"] is None and figures["制发规范性文件总数"] == 2


def test_the_samples_are_what_the_generator_writes(tmp_path: Path) -> None:
    script = ROOT / "scripts" / "make_samples_2023.py"
    subprocess.run([sys.executable, str(script), str(tmp_path)], check=True)
    made = sorted(p.name for p in tmp_path.iterdir())
    assert made == sorted(p.name for p in SAMPLES_2023.iterdir())
    for name in made:
        assert (tmp_path / name).read_bytes() == (SAMPLES_2023 / name).read_bytes(), name
