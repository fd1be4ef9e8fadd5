"""``xgedu-stats report`` (issue 14): the whole annual report from one run, as Word and
Markdown, its prose from templates a clerk edits, its figures and tables from the data.

The Word file is read back with python-docx: every figure of the 2018 report where the
report has it, the page and fonts of GB/T 9704, the tables cell by cell against
``aggregate --format json``. The Markdown is a golden file."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import REPORT_2018, ROOT, SAMPLES

from xgedu_stats.cli import cli
from xgedu_stats.document import NO_DATA
from xgedu_stats.document import names as nm
from xgedu_stats.document import templates as tp

docx = pytest.importorskip("docx")
from docx.shared import Mm, Pt  # noqa: E402

SAMPLES_2023 = ROOT / "samples" / "2023"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def made_2018(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """samples/2018's report, as .docx and .md from one run, and the run's JSON."""
    out = tmp_path_factory.mktemp("report2018")
    done = invoke(
        "report", SAMPLES, "--year", "2018", "-o", out / "报告.docx", "-o", out / "报告.md"
    )
    assert done.exit_code == 0, done.output
    done = invoke("aggregate", SAMPLES, "--year", "2018", "-f", "json", "-o", out / "统计.json")
    assert done.exit_code == 0, done.output
    return out


@pytest.fixture(scope="module")
def made_2023(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report2023")
    args = ("--year", "2023", "--figures", SAMPLES_2023 / "数据-2023.toml")
    done = invoke("report", SAMPLES_2023, *args, "-o", out / "报告.docx")
    assert done.exit_code == 0, done.output
    done = invoke("aggregate", SAMPLES_2023, *args, "-f", "json", "-o", out / "统计.json")
    assert done.exit_code == 0, done.output
    return out


def paragraphs(path: Path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs]


def east_asian(element) -> str | None:
    fonts = element.find(f"{W}rPr/{W}rFonts")
    return None if fonts is None else fonts.get(f"{W}eastAsia")


def cells(table) -> list[list[str]]:
    """A Word table's text, a merged cell once per grid cell it covers."""
    return [[c.text for c in row.cells] for row in table.rows]


# --- the 2018 report --------------------------------------------------------------------


def test_markdown_is_the_golden_file(made_2018: Path, golden) -> None:
    golden("report-2018.md", (made_2018 / "报告.md").read_text(encoding="utf-8"))


def test_every_figure_of_the_2018_report_is_where_the_report_has_it(made_2018: Path) -> None:
    text = paragraphs(made_2018 / "报告.docx")
    assert text[0] == "孝感市教育局 2018 年政府信息公开工作年度报告"
    assert "统计时间为 2018 年 1 月 1 日至 2018 年 12 月 31 日" in text[1]
    (items,) = [p for p in text if p.startswith("3. 创新机制")]
    assert "主动公开政府信息 2438 条" in items
    # The sixteen categories in the report's order, each with its figure.
    listed = "、".join(f"{name}信息 {n} 条" for name, n in REPORT_2018.items())
    assert (
        listed.replace("信息公开栏目信息 232 条、", "信息公开栏目信息 232 条；业务工作：") in items
    )
    (publicity,) = [p for p in text if p.startswith("4. 强化举措")]
    for figure in (
        "公告通知等 745 篇",  # (740 余篇)
        "宣传图片 104 幅",  # (100 余幅)
        "投诉 259 件",  # (259 余件)
        "答复办结 259 件",
        "网上回复率 100.0%",
        "自 2015 年 9 月 1 日网站整改",
        "已达 53.8 万人次",  # (突破 50 万人次)
    ):
        assert figure in publicity
    assert "2018年，我局收到政府信息公开申请 0 件，办结 0 件。" in text
    assert "2018年，我局因政府信息公开被申请行政复议 0 件，被提起行政诉讼 0 件。" in text
    assert any(p.startswith("2019年，市教育局将针对存在问题") for p in text)
    headings = [p for p in text if p[:2] in ("一、", "二、", "三、", "四、", "五、", "六、")]
    assert headings == [
        "一、概述",
        "二、主动公开政府信息情况",
        "三、政府信息依申请公开办理情况",
        "四、政府信息公开的收费及减免情况",
        "五、因政府信息公开申请行政复议、提起行政诉讼的情况",
        "六、政府信息公开存在问题及改进措施",
    ]
    assert "（一）存在问题" in text and "（二）改进措施" in text
    assert not any("{" in p or "}" in p or NO_DATA in p for p in text)


def test_page_margins_and_fonts_follow_gb_t_9704(made_2018: Path) -> None:
    doc = docx.Document(str(made_2018 / "报告.docx"))
    section = doc.sections[0]

    def mm(length) -> float:  # (Word keeps lengths in twentieths of a point)
        return round(length / Mm(1), 1)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert (mm(section.top_margin), mm(section.bottom_margin)) == (37, 35)
    assert (mm(section.left_margin), mm(section.right_margin)) == (28, 26)
    normal = doc.styles["Normal"]
    assert east_asian(normal.element) == "仿宋_GB2312"
    assert normal.font.size == Pt(16)
    assert normal.paragraph_format.line_spacing == Pt(28.95)
    by_text = {p.text: p for p in doc.paragraphs}

    def font(text: str) -> tuple[str | None, object]:
        run = by_text[text].runs[0]
        return east_asian(run._r), run.font.size

    assert font("孝感市教育局 2018 年政府信息公开工作年度报告") == ("方正小标宋简体", Pt(22))
    assert by_text["孝感市教育局 2018 年政府信息公开工作年度报告"].alignment == 1  # centred
    assert font("一、概述") == ("黑体", Pt(16))
    assert font("（一）存在问题") == ("楷体_GB2312", Pt(16))
    body = next(p for p in doc.paragraphs if p.text.startswith("为进一步加强"))
    assert east_asian(body.runs[0]._r) == "仿宋_GB2312"
    assert body.paragraph_format.first_line_indent == Pt(32)  # two characters of 三号
    # The font table gives each a font that ships with Windows, which Word takes instead.
    with_alt = {
        f.get(f"{W}name"): f.find(f"{W}altName").get(f"{W}val")
        for f in _font_table(made_2018 / "报告.docx")
        if f.find(f"{W}altName") is not None
    }
    assert with_alt["仿宋_GB2312"] == "仿宋" and with_alt["楷体_GB2312"] == "楷体"
    assert with_alt["方正小标宋简体"] == "宋体"
    # Page numbers — 1 —: a PAGE field between dashes, odd pages right and even pages left.
    assert doc.settings.odd_and_even_pages_header_footer
    for footer in (section.footer, section.even_page_footer):
        xml = footer.paragraphs[0]._p.xml
        assert "PAGE" in xml and footer.paragraphs[0].text == "— 1 —"
    assert section.footer.paragraphs[0].alignment == 2  # right
    assert section.even_page_footer.paragraphs[0].alignment == 0  # left


def _font_table(path: Path):
    import zipfile

    from lxml import etree

    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read("word/fontTable.xml"))


def test_tables_match_the_json_output(made_2018: Path) -> None:
    doc = docx.Document(str(made_2018 / "报告.docx"))
    data = json.loads((made_2018 / "统计.json").read_text(encoding="utf-8"))["tables"]
    categories, interactions, statistics = doc.tables
    rows = cells(categories)
    assert rows[0] == ["分组", "类别", "条数"]
    body = [r for r in rows[1:] if r[1] not in ("小计", "")]
    assert [(r[1], int(r[2])) for r in body] == [
        (r["category"], r["count"]) for r in data["categories"]
    ]
    assert rows[-1] == ["合计", "", "2438"]
    assert [r[0] for r in cells(interactions)[1:]] == ["咨询", "建议", "投诉", "合计"]
    assert [int(r[1]) for r in cells(interactions)[1:4]] == [
        r["received"] for r in data["interactions"]
    ]
    figures = {r[0]: r[2] for r in cells(statistics)[1:]}
    for record in data["statistics_2018"]:
        count = record["count"]
        assert figures[record["indicator"]] == ("" if count is None else str(count))
    # numbers right-aligned; header rows repeated on each page
    assert categories.rows[1].cells[2].paragraphs[0].alignment == 2
    assert categories.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None


def test_the_2021_tables_with_merged_header_cells(made_2023: Path) -> None:
    doc = docx.Document(str(made_2023 / "报告.docx"))
    data = json.loads((made_2023 / "统计.json").read_text(encoding="utf-8"))["tables"]
    text = [p.text for p in doc.paragraphs]
    headings = [p for p in text if p[:2] in ("一、", "二、", "三、", "四、", "五、", "六、")]
    assert headings == [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ]
    assert any("全年新收政府信息公开申请 37 件，上年结转 3 件；本年度办结 37 件" in p for p in text)
    article20, applications, appeals = doc.tables
    # Table 三: 申请人情况 over the seven columns, 法人或其他组织 over five, 自然人 and 总计
    # reaching up to 申请人情况; the header rows repeat on each page.
    rows = cells(applications)
    assert rows[0][1:] == ["申请人情况"] * 7
    assert rows[1][1:] == ["自然人", *["法人或其他组织"] * 5, "总计"]
    assert rows[2][1:] == [
        "自然人",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
        "总计",
    ]
    assert rows[0][0] == rows[2][0]  # (the corner spans the three header rows)
    for r in range(3):
        assert applications.rows[r]._tr.find(f"{W}trPr/{W}tblHeader") is not None
    by_label = {nm.row_label(r[0]): r[1:] for r in rows[3:]}
    for record in data["applications"]:
        label = record["label"]
        shown = by_label.get(label) or next(
            v for k, v in by_label.items() if k.startswith(label + "（")
        )
        assert [int(v) for v in shown] == [record[c] for c in rows[2][1:]]
    # Table 四: fifteen figures under 行政复议 and 行政诉讼's two groups.
    rows = cells(appeals)
    assert rows[0] == ["行政复议"] * 5 + ["行政诉讼"] * 10
    assert rows[1][5:] == ["未经复议直接起诉"] * 5 + ["复议后起诉"] * 5
    review = data["appeals"]["行政复议"]
    assert [int(v) for v in rows[3][:5]] == list(review.values())
    assert cells(article20)[2][1:5] == ["行政规范性文件", "2", "1", "3"]


# --- figures and templates --------------------------------------------------------------


def test_list_figures_names_every_figure_with_its_value() -> None:
    done = invoke("report", SAMPLES, "--year", "2018", "--list-figures", "-q")
    assert done.exit_code == 0, done.output
    lines = {line.split()[0]: line.split()[1:] for line in done.output.splitlines() if line}
    assert lines["categories.孝感教育新闻"][:2] == ["1578", "条"]
    assert lines["totals.unique_items"][:2] == ["2438", "条"]
    assert lines["interactions.合计.reply_rate"][:2] == ["100.0%", "%"]
    assert lines["statistics_2018.行政诉讼数量.维持具体行政行为数"][:2] == ["0", "件"]
    assert "{tables.categories}" in lines


def test_report_needs_an_output_or_list_figures() -> None:
    done = invoke("report", SAMPLES, "--year", "2018")
    assert done.exit_code == 2 and "请用 -o 指定报告文件" in done.output
    done = invoke("report", SAMPLES, "--year", "2018", "-o", "报告.txt")
    assert (
        done.exit_code == 2 and "report 能写的格式为 markdown（.md）、docx（.docx）" in done.output
    )


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder with the built-in templates written by ``init --report``."""
    monkeypatch.chdir(tmp_path)
    done = invoke("init", "--report")
    assert done.exit_code == 0, done.output
    return tmp_path / "报告模板" / "2018"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_init_report_writes_the_templates_and_report_uses_them(folder: Path) -> None:
    written = sorted(p.relative_to(folder.parent).as_posix() for p in folder.parent.rglob("*.md"))
    assert written == sorted(
        f"{layout}/{name}.md" for layout, names in tp.LAYOUT_SECTIONS.items() for name in names
    )
    again = invoke("init", "--report")
    assert again.exit_code == 1 and "已存在" in again.output
    _edit(folder / "1-概述.md", "扎实推进", "切实推进")
    with (folder / "2-主动公开.md").open("a", encoding="utf-8") as f:
        f.write("\n门户网站共有 {platforms.孝感市教育局门户网站.items} 条信息。\n")
    done = invoke("report", SAMPLES, "--year", "2018", "-o", "报告.md")
    assert done.exit_code == 0, done.output
    assert "使用模板文件夹 报告模板" in done.output
    text = Path("报告.md").read_text(encoding="utf-8")
    assert "切实推进市教育局" in text and "扎实推进" not in text
    assert "门户网站共有 2084 条信息。" in text
    assert invoke("init", "--report", "--force").exit_code == 0
    assert "扎实推进" in (folder / "1-概述.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "{categories.孝感教育新问}",
            "第 3 行：没有名为“categories.孝感教育新问”的数字（是不是 categories.孝感教育新闻？"
            "report --list-figures 列出全部名称）",
        ),
        (
            "{catgories.合计}",
            "第 3 行：没有名为“catgories.合计”的数字（是不是 categories.合计？",
        ),
        (
            "{change.interactions.合计.reply_rate}",
            "没有名为“change.interactions.合计.reply_rate”的数字（上年的数字要加 --previous",
        ),
        (
            "{change.categories.合计}",
            "第 3 行：没有名为“change.categories.合计”的数字（上年的数字要加 --previous",
        ),
        ("共 {categories.合计 条", "第 3 行：“{”没有配对的“}”"),
        ("共 } 条", "第 3 行：“}”没有配对的“{”"),
        (
            "{categories.合计:千}",
            "第 3 行：不认识“categories.合计:千”中的写法“千”；可用的写法：万",
        ),
        ("{year:万}", "不能写成“万”：以万为单位只用于条数、件数、次数等，不用于比率、年份、日期"),
        (
            "{interactions.合计.reply_rate:万}",
            "不能写成“万”：以万为单位只用于条数、件数、次数等，不用于比率、年份、日期",
        ),
        ("{traffic.cumulative_page_views:万}", None),
        ("{ tables.categories }", None),
        ("{tables.categories:万}", "放表要把 {tables.表名} 单独写在一行，不加“:写法”"),
        ("<!-- 说明\n{year}", "第 3 行：说明“<!--”没有结束的“-->”"),
        ("甲\x0c乙\u2028丙\x1c丁\n{nosuch}", "第 4 行：没有名为“nosuch”的数字"),
        (
            "{period.from:万}",
            "不能写成“万”：以万为单位只用于条数、件数、次数等，不用于比率、年份、日期",
        ),
        ("{tables.分类}", "第 3 行：没有名为“tables.分类”的表"),
        ("{}", "第 3 行：{} 中没有写数字的名称"),
    ],
)
def test_a_template_error_is_one_line_naming_file_and_line(
    folder: Path, line: str, expected: str | None
) -> None:
    path = folder / "1-概述.md"
    path.write_text("## 一、概述\n\n" + line + "\n", encoding="utf-8")
    done = invoke("report", SAMPLES, "--year", "2018", "-o", "报告.md", "-q")
    if expected is None:
        assert done.exit_code == 0, done.output
        return
    assert done.exit_code == 1, done.output
    assert done.output.count("\n") == 1 and "Traceback" not in done.output
    assert done.output.startswith(f"错误：模板 {Path('报告模板/2018/1-概述.md')} ")
    assert expected in done.output
    assert not Path("报告.md").exists()


def test_a_template_that_is_no_section_of_the_layout_is_an_error(folder: Path) -> None:
    (folder / "概况.md").write_text("## 概况\n", encoding="utf-8")
    (folder / "附录.MD").write_text("## 附录\n", encoding="utf-8")
    done = invoke("report", SAMPLES, "--year", "2018", "-o", "报告.md", "-q")
    assert done.exit_code == 1 and done.output.count("\n") == 1
    assert f"{Path('报告模板/2018/概况.md')}、{Path('报告模板/2018/附录.MD')}" in done.output
    assert (
        "附录.MD：2018 格式的报告没有这样的部分；模板文件名应为 0-标题和导语.md、1-概述.md"
        in done.output
    )


def test_a_missing_template_uses_the_built_in_one_and_says_so(folder: Path) -> None:
    (folder / "4-收费及减免.md").unlink()
    (folder / "7-附表.md").write_text("", encoding="utf-8")  # (an emptied part is left out)
    done = invoke("report", SAMPLES, "--year", "2018", "-o", "报告.md")
    assert done.exit_code == 0, done.output
    assert "中没有 4-收费及减免.md：这些部分用内置模板" in done.output
    text = Path("报告.md").read_text(encoding="utf-8")
    assert "## 四、政府信息公开的收费及减免情况" in text
    assert "附表" not in text and "政府信息公开情况统计表" not in text


def test_a_figure_without_data_is_marked_and_named(folder: Path) -> None:
    # samples/2023 holds no mailbox export: its figures are blank, not 0, and not an error.
    _edit(folder.parent / "2021" / "1-总体情况.md", "受理网上咨询", "受理网上咨询")
    done = invoke("report", SAMPLES_2023, "--year", "2023", "-o", "报告.md")
    assert done.exit_code == 0, done.output
    assert (
        "1-总体情况.md 第 19 行：interactions.合计.received（网上留言·合计·收到）本次没有读到网上留言的导出文件，报告中写为“【无数据】”"
        in done.output
    )
    assert f"受理网上咨询、建议和投诉 {NO_DATA} 件" in Path("报告.md").read_text(encoding="utf-8")


def test_template_syntax() -> None:
    t = tp.parse(
        "t",
        "t.md",
        "<!-- a note\nover two lines -->\n# 标题 {year}\n\n第一行\n第二行 {{字面}}\n\n"
        "<!-- 注 --> word\nnext\n\n  {tables.categories}  \n### （一）小标题\n",
    )
    kinds = [(b.kind, b.level) for b in t.blocks]
    assert kinds == [("title", 1), ("paragraph", 0), ("paragraph", 0), ("table", 0), ("heading", 2)]
    assert t.blocks[0].parts[1] == tp.Placeholder("year", "", 3, "year")
    assert t.blocks[1].parts == ("第一行第二行 {字面}",)
    assert t.blocks[2].parts == ("word next",)
    assert t.blocks[3].table == "categories"


# --- last year's figures ----------------------------------------------------------------


def test_previous_adds_last_year_and_the_change(made_2018: Path, folder: Path) -> None:
    last = json.loads((made_2018 / "统计.json").read_text(encoding="utf-8"))
    last["period"] = {"from": "2017-01-01", "to": "2017-12-31"}
    for r in last["tables"]["categories"]:
        r["count"] = r["count"] - 10 if r["category"] == "孝感教育新闻" else r["count"]
    last["tables"]["interactions"][0]["received"] = 150
    Path("2017.json").write_text(json.dumps(last, ensure_ascii=False), encoding="utf-8")
    with (folder / "2-主动公开.md").open("a", encoding="utf-8") as f:
        f.write(
            "\n上年 {previous.categories.合计} 条，{change.categories.合计}；"
            "新闻{change.categories.孝感教育新闻}，教育工会{change.categories.教育工会}，"
            "留言{change.interactions.合计.received}。\n"
        )
    done = invoke(
        "report",
        SAMPLES,
        "--year",
        "2018",
        "--previous",
        "2017.json",
        "-o",
        "报告.docx",
        "-o",
        "报告.md",
    )
    assert done.exit_code == 0, done.output
    text = Path("报告.md").read_text(encoding="utf-8")
    assert (
        "上年 2428 条，同比增长 0.4%；新闻同比增长 0.6%，教育工会与上年持平，留言同比减少 3.4%。"
        in text
    )
    doc = docx.Document("报告.docx")
    rows = cells(doc.tables[0])
    assert rows[0] == ["分组", "类别", "条数", "上年", "增减"]
    assert rows[1] == ["重点工作", "孝感教育新闻", "1578", "1568", "+10"]
    assert rows[-1] == ["合计", "", "2438", "2428", "+10"]
    assert cells(doc.tables[1])[1][:4] == ["咨询", "141", "150", "-9"]


def test_previous_of_another_year_or_not_json(made_2018: Path, tmp_path: Path) -> None:
    done = invoke(
        "report", SAMPLES, "--year", "2018", "--previous", made_2018 / "统计.json", "--list-figures"
    )
    assert done.exit_code == 0
    assert "是 2018 年的统计，不是 2017 年的" in done.output
    bad = tmp_path / "坏.json"
    for content in ("{not json", '["tables"]', "NaN"):
        bad.write_text(content, encoding="utf-8")
        done = invoke("report", SAMPLES, "--year", "2018", "--previous", bad, "--list-figures")
        assert done.exit_code == 1 and "Traceback" not in done.output, done.output
        assert "应为上年 aggregate --format json 写出的 JSON 文件" in done.output


def test_written_forms() -> None:
    assert nm.written(nm.Figure("x", None)) is None
    assert nm.written(nm.Figure("x", 0.25, "万元")) == "0.25"
    assert nm.written(nm.Figure("x", 12.5, "%")) == "12.5%"
    assert nm.written(nm.Figure("x", 5000), "万") == "0.5 万"
    assert nm.change_text(1, 3) == "同比减少 66.7%"


def test_control_characters_in_a_template_do_not_break_the_word_file(folder: Path) -> None:
    (folder / "1-概述.md").write_text("## 一、概述\n\n响\x07铃\x1b[31m红\n", encoding="utf-8")
    done = invoke("report", SAMPLES, "--year", "2018", "-o", "报告.docx", "-o", "报告.md", "-q")
    assert done.exit_code == 0, done.output
    assert "响\\x07铃\\x1b[31m红" in paragraphs(Path("报告.docx"))
    assert "响\\x07铃\\x1b[31m红" in Path("报告.md").read_text(encoding="utf-8")


# --- how it looks: LibreOffice ----------------------------------------------------------


@pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftoppm")),
    reason="LibreOffice (soffice) and pdftoppm are not installed",
)
def test_libreoffice_opens_it_and_renders_its_pages(made_2018: Path, tmp_path: Path) -> None:
    env = {**os.environ, "HOME": str(tmp_path)}  # (LibreOffice's profile in a fresh folder)
    subprocess.run(
        [
            "soffice",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(made_2018 / "报告.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        env=env,
    )
    pdf = tmp_path / "报告.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "A4" in info
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert 5 <= pages <= 12
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "2", str(pdf), str(tmp_path / "页")],
        check=True,
        timeout=60,
    )
    assert len(list(tmp_path.glob("页*.png"))) == 2
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "孝感教育新闻信息 1578 条" in text.replace("\n", "")


def test_a_template_that_is_no_text_file(folder: Path) -> None:
    path = folder / "1-概述.md"
    path.write_bytes("## 一、概述\n\n内容".encode("utf-16"))
    done = invoke("report", SAMPLES, "--year", "2018", "-o", "报告.md", "-q")
    assert (
        done.exit_code == 1
        and "是 UTF-16（记事本的“Unicode”）编码的；请用记事本“另存为”" in done.output
    )
    path.write_bytes(b"## \xff\xfe\x00\x81")
    done = invoke("report", SAMPLES, "--year", "2018", "-o", "报告.md", "-q")
    assert done.exit_code == 1 and "不是文本文件（应为 UTF-8 或 GBK 编码的文本）" in done.output
    path.write_bytes("## 一、概述\n\n用 GBK 写的模板。\n".encode("gbk"))
    done = invoke("report", SAMPLES, "--year", "2018", "-o", "报告.md", "-q")
    assert done.exit_code == 0, done.output
    assert "用 GBK 写的模板。" in Path("报告.md").read_text(encoding="utf-8")
    path.unlink()
    os.mkfifo(path)  # (opened for reading, a FIFO waits for a writer for ever)
    done = invoke("report", SAMPLES, "--year", "2018", "-o", "报告.md", "-q")
    assert done.exit_code == 1 and "不是普通文件" in done.output


def test_last_years_figure_of_a_table_not_read_this_year(made_2018: Path, folder: Path) -> None:
    # samples/2023 has no exports of published items; last year's file has categories.
    _edit(
        folder.parent / "2021" / "1-总体情况.md",
        "全年主动公开",
        "上年 {previous.categories.合计} 条，全年主动公开",
    )
    args = ("report", SAMPLES_2023, "--year", "2023", "-o", "报告.md")
    done = invoke(*args, "--previous", made_2018 / "统计.json")
    assert done.exit_code == 0, done.output
    assert "上年 2438 条，全年主动公开政府信息 【无数据】 条" in Path("报告.md").read_text(
        encoding="utf-8"
    )
    done = invoke(*args)  # (without --previous the name is an error that says what to add)
    assert done.exit_code == 1 and "上年的数字要加 --previous" in done.output


def test_every_template_mistake_is_listed_at_once(folder: Path) -> None:
    (folder / "1-概述.md").write_text(
        "## 一、概述\n\n{categories.孝感教育新问}\n", encoding="utf-8"
    )
    (folder / "3-依申请公开.md").write_text("## 三、\n\n共 {year 年\n\n} 件\n", encoding="utf-8")
    (folder / "5-复议诉讼.md").write_text("## 五、\n\n{tables.分类}\n｛year｝\n", encoding="utf-8")
    # The templates are read before the count: their mistakes of writing come at once.
    done = invoke("report", SAMPLES, "--year", "2018", "-o", "报告.md", "-q")
    assert done.exit_code == 1
    lines = done.output.splitlines()
    where = [line.split("：")[1].split(" 行")[0] for line in lines]
    assert where == [
        f"模板 {Path('报告模板/2018/3-依申请公开.md')} 第 3",
        f"模板 {Path('报告模板/2018/3-依申请公开.md')} 第 5",
        f"模板 {Path('报告模板/2018/5-复议诉讼.md')} 第 3",
    ]
    # Then every name no figure has, after the count.
    (folder / "3-依申请公开.md").write_text("## 三、\n\n{year} {nosuch} 年\n", encoding="utf-8")
    (folder / "5-复议诉讼.md").write_text("## 五、\n", encoding="utf-8")
    done = invoke("report", SAMPLES, "--year", "2018", "-o", "报告.md", "-q")
    assert done.exit_code == 1
    lines = done.output.splitlines()
    assert len(lines) == 2 and all(line.startswith("错误：模板 报告模板") for line in lines)
    assert "1-概述.md 第 3 行" in lines[0] and "3-依申请公开.md 第 3 行" in lines[1]
    assert not Path("报告.md").exists()


def test_full_width_braces_are_noted(folder: Path) -> None:
    (folder / "1-概述.md").write_text("## 一、概述\n\n共｛year｝年\n", encoding="utf-8")
    done = invoke("report", SAMPLES, "--year", "2018", "-o", "报告.md")
    assert done.exit_code == 0
    assert (
        "1-概述.md 第 3 行有全角的花括号“｛”或“｝”：照原样写进报告；要填数字，请改用半角的 { }"
        in done.output
    )


def test_a_report_needs_a_period() -> None:
    done = invoke("report", SAMPLES, "-o", "报告.docx")
    assert done.exit_code == 2 and "请指定报告的统计期：加 --year 年份" in done.output


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda d: d["tables"]["categories"][2].update(count="abc"),
            "tables.categories 第 3 行（规划财务）的 count 不是数字：abc",
        ),
        (lambda d: d["tables"]["categories"][2].update(count=-5), "的 count 是 -5：不能为负数"),
        (lambda d: d["tables"]["categories"][2].update(count=True), "的 count 不是数字：True"),
        (lambda d: d["tables"]["categories"][2].update(count=10**20), "：太大"),
        (lambda d: d["tables"]["categories"][2].update(count=1.5), "的 count 是 1.5：应为整数"),
        (lambda d: d["totals"].update(unique_items=[1]), "totals.unique_items 不是数字"),
        (lambda d: d["tables"].update(categories="x"), "tables.categories 不是表"),
        (lambda d: d["tables"]["categories"].append(7), "tables.categories 第 17 行不是一行数字"),
        (
            lambda d: d["tables"]["categories"][0].update(count="2018-01-01"),
            "的 count 不是数字：2018-01-01",
        ),
        (
            lambda d: d["totals"].update(deep=json.loads('{"a":' * 300 + "1" + "}" * 300)),
            "嵌套太深",
        ),
        (
            lambda d: d["tables"]["categories"].append(dict(d["tables"]["categories"][0])),
            "第 17 行（孝感教育新闻）与第 1 行是同一行",
        ),
    ],
)
def test_a_hand_edited_previous_file_is_checked(
    made_2018: Path, tmp_path: Path, edit, expected: str
) -> None:
    last = json.loads((made_2018 / "统计.json").read_text(encoding="utf-8"))
    edit(last)
    path = tmp_path / "2017.json"
    path.write_text(json.dumps(last, ensure_ascii=False), encoding="utf-8")
    done = invoke("report", SAMPLES, "--year", "2018", "--previous", path, "--list-figures", "-q")
    assert done.exit_code == 1 and "Traceback" not in done.output, done.output
    assert f"错误：上年的统计文件 {path} 中 " in done.output and expected in done.output


def test_figures_typed_as_text_in_the_previous_file_are_numbers(
    made_2018: Path, tmp_path: Path
) -> None:
    last = json.loads((made_2018 / "统计.json").read_text(encoding="utf-8"))
    last["period"] = {"from": "2017-01-01", "to": "2017-12-31"}
    last["tables"]["categories"][2]["count"] = "20"  # (规划财务, as check reads it: 20)
    last["tables"]["categories"][3]["count"] = 30.0  # (教育督导)
    del last["tables"]["interactions"][2]  # (no 投诉 last year: the JSON has no row for it)
    path = tmp_path / "2017.json"
    path.write_text(json.dumps(last, ensure_ascii=False), encoding="utf-8")
    done = invoke(
        "report", SAMPLES, "--year", "2018", "--previous", path, "-o", tmp_path / "r.docx", "-q"
    )
    assert done.exit_code == 0, done.output
    doc = docx.Document(str(tmp_path / "r.docx"))
    rows = {r[1]: r for r in cells(doc.tables[0])}
    assert rows["规划财务"][2:] == ["28", "20", "+8"] and rows["教育督导"][2:] == ["32", "30", "+2"]
    assert cells(doc.tables[0])[-1][2:] == ["2438", str(2438 - 8 - 2), "+10"]
    messages = {r[0]: r for r in cells(doc.tables[1])}
    assert messages["投诉"][1:4] == ["59", "0", "+59"]
    assert messages["合计"][1:4] == ["259", "200", "+59"]


def test_previous_json_that_is_no_json(tmp_path: Path) -> None:
    bad = tmp_path / "坏.json"
    cases = {
        b'{"tables": {}\n  "x"': "第 2 行第 3 列不是 JSON 的写法",
        b"\xff\xfe{": "不是 UTF-8 编码的文本",
    }
    cases[b"[" * 100000 + b"]" * 100000] = "不是可读的 JSON"
    for content, expected in cases.items():
        bad.write_bytes(content)
        done = invoke(
            "report", SAMPLES, "--year", "2018", "--previous", bad, "--list-figures", "-q"
        )
        assert done.exit_code == 1 and expected in done.output, done.output
    done = invoke(
        "report", SAMPLES, "--year", "2018", "--previous", tmp_path / "无.json", "--list-figures"
    )
    assert done.exit_code == 1
    assert f"错误：找不到上年的统计文件：{tmp_path / '无.json'}（--previous）" in done.output


def test_word_headings_are_in_the_navigation_pane_and_chinese(made_2018: Path) -> None:
    doc = docx.Document(str(made_2018 / "报告.docx"))
    levels = {}
    for p in doc.paragraphs:
        outline = p._p.find(f"{W}pPr/{W}outlineLvl")
        if outline is not None:
            levels[p.text] = int(outline.get(f"{W}val"))
    assert (
        levels["一、概述"] == 0 and levels["（一）存在问题"] == 1 and len(levels) == 9
    )  # (六 parts, two under 六, 附表)
    lang = doc.settings.element.find(f"{W}themeFontLang")
    assert lang.get(f"{W}eastAsia") == "zh-CN"


def test_a_table_without_its_figures_is_noted(tmp_path: Path) -> None:
    done = invoke("report", SAMPLES, "--year", "2018", "--layout", "2021", "-o", tmp_path / "r.md")
    assert done.exit_code == 0
    assert (
        "注意：报告中的表 主动公开政府信息情况（第二十条）（规章、行政规范性文件、行政许可"
        in done.output
    )
    assert "注意：报告中的表 收到和处理政府信息公开申请情况" not in done.output  # (read: 0)


def test_a_figure_is_the_same_whether_or_not_its_table_is_placed(folder: Path) -> None:
    path = folder.parent / "2021" / "6-其他需要报告的事项.md"
    path.write_text(
        "## 六、\n\n申请 {statistics_2018.收到申请数} 件，共 {categories.合计} 条。\n",
        encoding="utf-8",
    )
    args = ("report", SAMPLES_2023, "--year", "2023", "-o", "报告.md")
    done = invoke(*args)
    assert done.exit_code == 0, done.output
    assert f"申请 37 件，共 {NO_DATA} 条。" in Path("报告.md").read_text(encoding="utf-8")
    with path.open("a", encoding="utf-8") as f:
        f.write("\n{tables.categories}\n\n{tables.statistics_2018}\n")
    done = invoke(*args)
    assert done.exit_code == 0, done.output
    text = Path("报告.md").read_text(encoding="utf-8")
    assert f"申请 37 件，共 {NO_DATA} 条。" in text  # (not 0 because the table is placed)
    assert (
        "报告中的表“主动公开信息按类别统计（不同渠道和方式公开的相同信息计 1 条）”：没有读到发布信息的导出文件"
        in done.output
    )
    assert "| 重点工作 |" not in text  # (the table is set without rows, not with zeros)


def test_messages_read_but_none_in_the_period_are_0(folder: Path) -> None:
    # samples/2018's mailbox holds no letter of 2020: the figures are 0, not missing.
    (folder.parent / "2018" / "1-概述.md").write_text(
        "## 一、\n\n留言 {interactions.合计.received} 件，回复率 {interactions.合计.reply_rate}。\n",
        encoding="utf-8",
    )
    done = invoke("report", SAMPLES, "--year", "2020", "--layout", "2018", "-o", "报告.md")
    assert done.exit_code == 0, done.output
    assert f"留言 0 件，回复率 {NO_DATA}。" in Path("报告.md").read_text(encoding="utf-8")
    # Its three letters of 2017 are none of them a 投诉: the type has its name, and 0.
    (folder.parent / "2018" / "1-概述.md").write_text(
        "## 一、\n\n投诉 {interactions.投诉.received} 件，求助 {interactions.求助.received} 件。\n",
        encoding="utf-8",
    )
    done = invoke("report", SAMPLES, "--year", "2017", "-o", "报告.md")
    assert done.exit_code == 0, done.output
    assert "投诉 0 件，求助 0 件。" in Path("报告.md").read_text(encoding="utf-8")


def test_two_figures_of_one_name_are_refused(folder: Path, tmp_path: Path) -> None:
    config = tmp_path / "配置.toml"
    config.write_text(
        '[category_groups]\n"重点工作" = ["合计", "信息公开栏目"]\n"业务工作" = ["体育卫生"]\n'
        '[categories]\n"合计" = ["孝感教育新闻"]\n',
        encoding="utf-8",
    )
    (folder / "1-概述.md").write_text("## 一、\n\n共 {categories.合计} 条。\n", encoding="utf-8")
    done = invoke("report", SAMPLES, "--year", "2018", "-c", config, "-o", "报告.md", "-q")
    assert done.exit_code == 1, done.output
    assert (
        "“categories.合计”是两个数字的名称（按类别统计·合计；按类别统计·合计（各行之和）），不知道用哪一个"
        in done.output
    )
    listed = invoke(
        "report", SAMPLES, "--year", "2018", "-c", config, "--list-figures", "-q"
    ).output
    assert "categories.合计" in listed and "（两个数字同名，不能用）" in listed


def test_outputs_never_overwrite_a_template_nor_go_into_their_folder(folder: Path) -> None:
    before = (folder / "2-主动公开.md").read_text(encoding="utf-8")
    done = invoke("report", SAMPLES, "--year", "2018", "-o", folder / "2-主动公开.md")
    assert done.exit_code == 1 and "是报告的模板，不能覆盖" in done.output
    assert (folder / "2-主动公开.md").read_text(encoding="utf-8") == before
    done = invoke("report", SAMPLES, "--year", "2018", "-o", folder / "报告.md")
    assert done.exit_code == 1 and "在模板文件夹 报告模板 中，下次会被当作模板读取" in done.output
    (folder / "1-概述.MD").write_text("## 一、\n", encoding="utf-8")
    done = invoke("report", SAMPLES, "--year", "2018", "-o", "报告.md")
    assert done.exit_code == 1 and "是同一部分的模板；请删去其中一个" in done.output


def test_all_templates_emptied_is_an_error(folder: Path) -> None:
    for path in folder.glob("*.md"):
        path.write_text("<!-- 空 -->\n", encoding="utf-8")
    done = invoke("report", SAMPLES, "--year", "2018", "-o", "报告.md", "-q")
    assert done.exit_code == 1 and "所有模板都是空的：报告没有内容" in done.output


def test_too_many_tables(folder: Path) -> None:
    (folder / "1-概述.md").write_text("## 一、\n\n" + "{tables.media}\n" * 31, encoding="utf-8")
    done = invoke("report", SAMPLES, "--year", "2018", "-o", "报告.md", "-q")
    assert (
        done.exit_code == 1 and "一共放了 34 张表，超过 30 张（MAX_PLACED_TABLES）" in done.output
    )


def test_a_paragraph_starting_with_a_hash_stays_text_in_markdown(folder: Path) -> None:
    (folder / "1-概述.md").write_text("## 一、\n\n#标题似的一段\n\n#### 四级\n", encoding="utf-8")
    done = invoke("report", SAMPLES, "--year", "2018", "-o", "报告.md", "-o", "报告.docx", "-q")
    assert done.exit_code == 0, done.output
    text = Path("报告.md").read_text(encoding="utf-8")
    assert "\n\\#标题似的一段\n" in text and "\n\\#### 四级\n" in text
    assert "#### 四级" in paragraphs(Path("报告.docx"))


def test_a_key_written_twice_in_the_previous_file(tmp_path: Path) -> None:
    bad = tmp_path / "2017.json"
    bad.write_text('{"tables": {}, "totals": {"rows_read": 1, "rows_read": 2}}', encoding="utf-8")
    done = invoke("report", SAMPLES, "--year", "2018", "--previous", bad, "--list-figures", "-q")
    assert done.exit_code == 1 and "中“rows_read”写了两次，不知道用哪一个" in done.output


def test_a_report_needs_both_ends_of_its_period(tmp_path: Path) -> None:
    for ends in (("--from", "2018-01-01"), ("--to", "2018-12-31")):
        done = invoke("report", SAMPLES, *ends, "-o", tmp_path / "报告.md")
        assert done.exit_code == 2 and "或同时写 --from 和 --to" in done.output


@pytest.mark.parametrize("command", ["report", "aggregate"])
def test_the_figures_file_is_never_overwritten(tmp_path: Path, command: str) -> None:
    figures = tmp_path / "数据.md"
    figures.write_bytes((SAMPLES_2023 / "数据-2023.toml").read_bytes())
    done = invoke(command, SAMPLES_2023, "--year", "2023", "--figures", figures, "-o", figures)
    assert done.exit_code == 1 and "是本年的数据文件（--figures），不能覆盖" in done.output
    assert figures.read_bytes() == (SAMPLES_2023 / "数据-2023.toml").read_bytes()


def test_last_years_column_adds_up_under_this_years_groups(made_2018: Path, tmp_path: Path) -> None:
    last = json.loads((made_2018 / "统计.json").read_text(encoding="utf-8"))
    last["tables"]["categories"][1]["group"] = (
        "业务工作"  # (信息公开栏目, in the other group last year)
    )
    last["tables"]["categories"][2]["category"] = "规划财务（旧名）"  # (renamed since)
    path = tmp_path / "2017.json"
    path.write_text(json.dumps(last, ensure_ascii=False), encoding="utf-8")
    done = invoke(
        "report", SAMPLES, "--year", "2018", "--previous", path, "-o", tmp_path / "r.docx", "-q"
    )
    assert done.exit_code == 0, done.output
    rows = cells(docx.Document(str(tmp_path / "r.docx")).tables[0])
    subtotals = [r for r in rows if r[1] == "小计"]
    assert subtotals[0][2:4] == ["1810", "1810"]  # (孝感教育新闻 + 信息公开栏目, as grouped now)
    assert subtotals[1][2:4] == ["628", ""]  # (规划财务 has no last year's figure)
    assert rows[-1][2:4] == ["2438", "2438"]  # (last year's total, as last year counted it)


def test_a_type_of_message_none_came_of_this_year(made_2018: Path, tmp_path: Path) -> None:
    # samples/2018's mailbox holds three letters of 2017, none of them a 投诉.
    done = invoke(
        "report",
        SAMPLES,
        "--year",
        "2017",
        "--layout",
        "2018",
        "--previous",
        made_2018 / "统计.json",
        "-o",
        tmp_path / "r.docx",
        "-q",
    )
    assert done.exit_code == 0, done.output
    rows = {r[0]: r for r in cells(docx.Document(str(tmp_path / "r.docx")).tables[1])[1:]}
    assert rows["投诉"][1:4] == ["0", "59", "-59"]
    assert int(rows["合计"][2]) == sum(int(r[2]) for t, r in rows.items() if t != "合计")


def test_names_are_checked_in_a_year_without_their_input(folder: Path) -> None:
    # samples/2023 has no export of published items nor of messages: the names are known.
    path = folder.parent / "2021" / "6-其他需要报告的事项.md"
    for line, expected in (
        ("{categories.孝感教育新问}", "是不是 categories.孝感教育新闻？"),
        ("{interactions.合计.recieved}", "是不是 interactions.合计.received、"),
        ("{traffic.since:万}", "不能写成“万”"),
        ("{applications.本年新收政府信息公开申请数量.总计:万}", None),
    ):
        path.write_text("## 六、\n\n" + line + "\n", encoding="utf-8")
        done = invoke("report", SAMPLES_2023, "--year", "2023", "-o", "报告.md", "-q")
        if expected is None:
            assert done.exit_code == 0, done.output
        else:
            assert done.exit_code == 1 and expected in done.output, done.output


def test_figures_are_listed_while_a_template_is_broken(folder: Path) -> None:
    (folder / "1-概述.md").write_text("## 一、\n\n共 {year 年\n", encoding="utf-8")
    done = invoke("report", SAMPLES, "--year", "2018", "--list-figures", "-q")
    assert done.exit_code == 0, done.output
    assert "categories.孝感教育新闻" in done.output
