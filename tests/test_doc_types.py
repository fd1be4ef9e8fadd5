"""Document types (文种) and pictures of the unique items (issue 12, section 4): from a 文种
column when an export has one, else from the title's 文号 and the config's words; an item
takes them from its copies in platform priority order; every figure counted by hand."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import csv_bytes

from xgedu_stats.cli import cli
from xgedu_stats.config import DOC_TYPES, DocTypeSettings, load_settings, word_key
from xgedu_stats.count.doc_types import UNKNOWN, column_type, title_types
from xgedu_stats.errors import ConfigError
from xgedu_stats.read import SourceFile, read_grid


def named(codes) -> list[str | None]:
    return [DOC_TYPES[c] if c >= 0 else None for c in codes]


@pytest.mark.parametrize(
    "title",
    [
        "关于印发《学籍管理办法》的通知（孝教发〔2018〕3号）",
        "鄂教基[2018]12号 关于做好招生工作的通知",
        "孝政办发（2018）第5号",
        "孝教办发［2018］ 27 号",  # full-width brackets, spaces
        "孝教发【2019】101号文件解读",
        "孝教发〔2018〕3號",
    ],
)
def test_a_title_with_a_document_number_is_a_normative_document(title: str) -> None:
    assert named(title_types(pd.Series([title]), DocTypeSettings())) == ["规范性文件"]


@pytest.mark.parametrize(
    "title",
    ["2018年第3号公告", "第〔2018〕号", "孝感市2018年3号线路", "关于2018年12月工作的说明"],
)
def test_numbers_that_are_not_a_document_number(title: str) -> None:
    assert named(title_types(pd.Series([title]), DocTypeSettings())) != ["规范性文件"]


def test_title_words_in_the_config_order() -> None:
    titles = pd.Series(
        [
            "关于印发考试管理办法的通知",  # 办法 (规范性文件) is looked for before 通知
            "关于召开全市教育工作会议的通知",
            "2018年民办学校名单",
            "市教育局召开全市教育工作会议",
            "某校开展读书活动",
        ]
    )
    assert named(title_types(titles, DocTypeSettings())) == [
        "规范性文件",
        "公告通知",
        "资料",
        "政务新闻",
        None,
    ]
    news_first = DocTypeSettings(words=(("政务新闻", ("召开",)), ("公告通知", ("通知",))))
    assert named(title_types(titles, news_first)) == [
        "公告通知",
        "政务新闻",
        None,
        "政务新闻",
        None,
    ]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("【公示】拟表彰人员名单", "公告通知"),  # (名单 is 资料's, but 公示 comes first)
        ("［通知］开学安排", "公告通知"),  # full-width brackets
        ("【公\u3000示】拟表彰人员", "公告通知"),  # an ideographic space in the tag
        ("【通\u200b知】开学安排", "公告通知"),
        ("【孝感教育】关于开学的通知", "公告通知"),
        ("【孝感教育】某校开展读书活动", None),
    ],
)
def test_a_leading_tag_counts_among_the_words(title: str, expected: str | None) -> None:
    assert named(title_types(pd.Series([title]), DocTypeSettings())) == [expected]


def test_words_are_compared_after_nfkc() -> None:
    settings = DocTypeSettings(words=(("资料", ("2018年报",)),))
    assert named(title_types(pd.Series(["２０１８年报（全文）"]), settings)) == ["资料"]


def test_column_values() -> None:
    s = DocTypeSettings()

    def typed(value: str) -> str:
        return DOC_TYPES[column_type(word_key(value), s)]

    assert [typed(v) for v in ["规范性文件", " 通知 公告", "工作动态", "图集"]] == [
        "规范性文件",
        "公告通知",
        "政务新闻",
        "其他",
    ]
    # Invisible characters and punctuation do not count; a type's full name held in a value
    # names it before any config word does (市教育局 is a 政务新闻 word).
    assert typed("政务\u200b新闻") == "政务新闻"
    assert typed("规范性文件（市教育局）") == "规范性文件"
    assert typed("非规范性文件") != "规范性文件"
    assert typed("市教育局文件") == "政务新闻"  # (no full name held: the config's word)
    assert typed("紧急通知类") == "公告通知"
    # A value that names no type types nothing (its row's title is looked at); blank is none.
    assert column_type(word_key("学校动态"), s) == UNKNOWN
    assert column_type(word_key("\u200b "), s) == -1


@pytest.fixture
def exports(tmp_path: Path) -> Path:
    """Two platforms; the portal's export has 文种 and 图片数 columns, 云上's 图片数量 only.

    Items (counted by hand):
    1. 关于召开会议的通知 — portal 文种 资料 (the column beats 云上's title, 公告通知); 图片 3
    2. 市教育局召开工作会议 — only on 云上: by its title, 政务新闻
    3. 某校开展读书活动 — portal 文种 blank, no word: 其他; 图片数 "abc" (unreadable); its
       copy on 云上 ends with the site name 孝感市教育局, which is no 政务新闻 word there
    4. 学校动态一则 — portal 文种 学校动态 (no type): 其他, and named in a warning; 图片数 0
    5. 某校图集 — portal 文种 图集, no 图片数: one picture
    6. 孝教发〔2018〕3号 — portal 文种 blank: 规范性文件 by its 文号; 图片 2 on the portal
       (云上's copy has none: the portal, first in priority, gives it)
    """
    folder = tmp_path / "导出"
    folder.mkdir()
    (folder / "门户.csv").write_bytes(
        csv_bytes(
            ["标题", "发布时间", "文种", "图片数"],
            [
                ["关于召开会议的通知", "2018-03-01", "资料", "3"],
                ["某校开展读书活动", "2018-03-02", "", "abc"],
                ["学校动态一则", "2018-03-03", "学校动态", "0"],
                ["某校图集", "2018-03-04", "图集", ""],
                ["孝教发〔2018〕3号", "2018-03-05", "", "2"],
            ],
        )
    )
    (folder / "云上.csv").write_bytes(
        csv_bytes(
            ["标题", "发布时间", "图片数量"],
            [
                ["关于召开会议的通知", "2018-03-01", "5"],  # the portal's 3 comes first
                ["市教育局召开工作会议", "2018-03-01", ""],
                ["某校开展读书活动_孝感市教育局", "2018-03-02", ""],
                ["孝教发〔2018〕3号", "2018-03-06", ""],
            ],
        )
    )
    return folder


def run_json(*args: str) -> tuple[dict, str]:
    result = CliRunner().invoke(cli, ["aggregate", *args, "-f", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), result.stderr


def test_types_and_pictures_of_the_items(exports: Path) -> None:
    doc, err = run_json(str(exports), "--year", "2018")
    counts = {r["doc_type"]: r["count"] for r in doc["tables"]["doc_types"]}
    assert counts == {"政务新闻": 1, "规范性文件": 1, "资料": 1, "公告通知": 0, "其他": 3}
    assert list(doc["tables"]["doc_types"][0]) == ["doc_type", "count"]
    media = doc["tables"]["media"]
    assert media == [
        {"kind": "宣传图片（幅）", "count": 3 + 1 + 2},
        {"kind": "含图片的信息（条）", "count": 3},
    ]
    assert "「学校动态」1 行" in err
    assert "图片数无法识别（如「abc」；" in err


def test_an_item_takes_its_type_from_the_first_platform_that_gives_one(
    exports: Path, tmp_path: Path
) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[dedupe]\npriority = ["yunshang", "portal"]\n', encoding="utf-8")
    doc, _ = run_json(str(exports), "--year", "2018", "-c", str(config))
    counts = {r["doc_type"]: r["count"] for r in doc["tables"]["doc_types"]}
    # Item 1 now takes 云上's title (公告通知) over the portal's column (资料).
    assert counts["公告通知"] == 1
    assert counts["资料"] == 0


def test_config_words_replace_the_built_in_ones(exports: Path, tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[doc_types]\n"资料" = ["读书"]\n', encoding="utf-8")
    doc, _ = run_json(str(exports), "--year", "2018", "-c", str(config))
    counts = {r["doc_type"]: r["count"] for r in doc["tables"]["doc_types"]}
    # 读书 makes item 3 资料; 市教育局 is no longer a 政务新闻 word (item 2: 其他).
    assert counts == {"政务新闻": 0, "规范性文件": 1, "资料": 2, "公告通知": 0, "其他": 3}


def test_the_media_table_waits_for_picture_figures(tmp_path: Path) -> None:
    folder = tmp_path / "导出"
    folder.mkdir()
    (folder / "门户.csv").write_bytes(csv_bytes(["标题", "发布时间"], [["甲", "2018-03-01"]]))
    doc, _ = run_json(str(folder), "--year", "2018")
    assert "media" not in doc["tables"]
    assert "doc_types" in doc["tables"]
    asked = CliRunner().invoke(cli, ["aggregate", str(folder), "--year", "2018", "-t", "media"])
    assert asked.exit_code == 0
    assert "没有可读的图片数" in asked.stdout
    table = asked.stdout.split("没有可读的图片数")[1].split("核对")[0]
    assert not any(ch.isdigit() for ch in table)  # no figures, not zeros


def test_text_output_has_a_total_row(exports: Path) -> None:
    out = CliRunner().invoke(cli, ["aggregate", str(exports), "--year", "2018", "-t", "doc_types"])
    assert out.exit_code == 0
    lines = [ln.split() for ln in out.stdout.splitlines()]
    assert ["合计", "6"] in lines


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('"其他" = ["杂项"]', "其他 是没有任何词符合时的文种"),
        ('"新闻" = ["召开"]', "没有「新闻」这个文种"),
        ('"资料 " = ["名单"]', "「资料 」前后有空格"),
        ('"资料" = ["名单"]\n"公告通知" = ["名单"]', "「名单」已写在文种「资料」中"),
        ('"资料" = ["【】"]', "去掉标点和空格后什么也不剩"),
        ('"公告通知" = ["通知,公告"]', "中有逗号或顿号：每个词单独加引号"),
        ('"资料" = [""]', "应为非空的文字"),
        ('"资料" = "名单"', None),  # one word written without brackets is a list of one
        ('"资料" = [1]', "应为非空的文字"),
        ('"资料" = ["' + "长" * 51 + '"]', "太长：每个词最多 50 个字"),
        ('"资料" = [' + ", ".join(f'"词{i}"' for i in range(201)) + "]", "最多 200 个"),
    ],
)
def test_config_errors(tmp_path: Path, text: str, message: str | None) -> None:
    config = tmp_path / "c.toml"
    config.write_text("[doc_types]\n" + text + "\n", encoding="utf-8")
    if message is None:
        assert load_settings(config).doc_types.words == (("资料", ("名单",)),)
        return
    with pytest.raises(ConfigError, match=message):
        load_settings(config)


def test_cells_of_an_old_xls_read_as_excel_shows_them() -> None:
    """xlrd gives an error cell's code and a logical cell's 1/0 as numbers: #DIV/0! was 7
    pictures, #N/A 42, TRUE 1 (a workbook made by a hostile-file trial, tests/fixtures/cells)."""
    fixture = Path(__file__).parent / "fixtures" / "cells" / "门户_旧版.xls"
    (sheet,) = read_grid(SourceFile(fixture, fixture.name)).sheets
    images = {r.cells[0]: r.cells[5] for r in sheet.records[1:] if len(r.cells) > 5}
    assert images["测试1：图片数为bool TRUE"] == "TRUE"
    assert images["测试2：图片数为bool FALSE"] == "FALSE"
    assert images["测试3：图片数为#DIV/0!"] == "#DIV/0!"
    assert images["测试4：图片数为42"] == "#N/A"
    assert images["测试7：图片数为number 3"] == "3"
    doc, err = run_json(str(fixture), "-t", "media")
    assert doc["tables"]["media"][0]["count"] == 3  # only the number 3 is a count
    assert "图片数无法识别" in err


def test_a_logical_cell_of_spreadsheetml_reads_true(tmp_path: Path) -> None:
    xml = (
        '<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="S"><Table>'
        '<Row><Cell><Data ss:Type="String">标题</Data></Cell><Cell><Data ss:Type="String">'
        '发布时间</Data></Cell><Cell><Data ss:Type="String">图片数</Data></Cell></Row>'
        '<Row><Cell><Data ss:Type="String">甲</Data></Cell><Cell><Data ss:Type="String">'
        '2018-03-01</Data></Cell><Cell><Data ss:Type="Boolean">1</Data></Cell></Row>'
        "</Table></Worksheet></Workbook>"
    )
    path = tmp_path / "门户.xls"
    path.write_text(xml, encoding="utf-8")
    (sheet,) = read_grid(SourceFile(path, path.name)).sheets
    assert sheet.records[1].cells[2] == "TRUE"


def test_a_value_that_names_no_type_does_not_win(tmp_path: Path) -> None:
    """学校动态 on the portal names no type: 云上's 政务新闻 decides the first item; the
    second item's own title (…通知) decides it. The warning counts 学校动态 written three
    ways (spaces, a zero-width space) as one value."""
    folder = tmp_path / "导出"
    folder.mkdir()
    (folder / "门户.csv").write_bytes(
        csv_bytes(
            ["标题", "发布时间", "文种"],
            [
                ["某校读书月启动", "2018-03-01", "学校动态"],
                ["关于开学的通知", "2018-03-02", " 学校动态 "],
                ["某校运动会", "2018-03-03", "学校\u200b动态"],
            ],
        )
    )
    (folder / "云上.csv").write_bytes(
        csv_bytes(["标题", "发布时间", "文种"], [["某校读书月启动", "2018-03-01", "政务新闻"]])
    )
    doc, err = run_json(str(folder), "--year", "2018")
    counts = {r["doc_type"]: r["count"] for r in doc["tables"]["doc_types"]}
    assert counts == {"政务新闻": 1, "规范性文件": 0, "资料": 0, "公告通知": 1, "其他": 1}
    assert "「学校动态」3 行" in err


def test_an_images_column_without_counts_gives_no_figures(tmp_path: Path) -> None:
    (tmp_path / "门户.csv").write_bytes(
        csv_bytes(
            ["标题", "发布时间", "图片数"], [["甲", "2018-03-01", ""], ["乙", "2018-03-02", " "]]
        )
    )
    doc, _ = run_json(str(tmp_path / "门户.csv"))
    assert "media" not in doc["tables"]


def test_picture_counts_are_whole_and_plausible(tmp_path: Path) -> None:
    rows = [
        ["甲", "2018-03-01", "2张"],
        ["乙", "2018-03-02", "10万+"],
        ["丙", "2018-03-03", "43164"],
    ]
    (tmp_path / "门户.csv").write_bytes(csv_bytes(["标题", "发布时间", "图片数"], rows))
    doc, err = run_json(str(tmp_path / "门户.csv"))
    assert doc["tables"]["media"][0]["count"] == 2
    assert "有 2 行的图片数无法识别（如「10万+」、「43164」；" in err


def test_items_file_traces_every_figure_to_its_items(exports: Path, tmp_path: Path) -> None:
    """--items lists each unique item with its type, where the type came from, and its
    pictures: the doc_types and media tables are their sums."""
    listed = tmp_path / "信息明细.csv"
    args = ["aggregate", str(exports), "--year", "2018", "--items", str(listed), "-f", "json"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    rows = list(
        csv.DictReader(io.StringIO(listed.read_text(encoding="utf-8-sig").split("\n", 1)[1]))
    )
    by_title = {r["标题"]: r for r in rows}
    assert (by_title["关于召开会议的通知"]["文种"], by_title["关于召开会议的通知"]["文种依据"]) == (
        "资料",
        "文种列",
    )
    assert by_title["市教育局召开工作会议"]["文种依据"] == "标题"
    assert by_title["某校开展读书活动"]["文种依据"] == "无（计入其他）"
    assert by_title["孝教发〔2018〕3号"]["平台"] == "portal,yunshang"
    doc = json.loads(result.stdout)
    for row in doc["tables"]["doc_types"]:
        assert row["count"] == sum(r["文种"] == row["doc_type"] for r in rows)
    assert doc["tables"]["media"][0]["count"] == sum(int(r["图片数"] or 0) for r in rows)
    # An unreadable count ("abc") is no count: blank, not 0 as a count of 0 is.
    assert (by_title["某校开展读书活动"]["图片数"], by_title["学校动态一则"]["图片数"]) == ("", "0")
    assert by_title["某校图集"]["图片数"] == "1"  # (a 图集 without a count)


def test_a_config_that_gives_a_type_no_words_says_so(exports: Path, tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[doc_types]\n"资料" = ["名单"]\n"公告通知" = []\n', encoding="utf-8")
    _, err = run_json(str(exports), "--year", "2018", "-c", str(config))
    assert "[doc_types] 中没有政务新闻、规范性文件、公告通知的词：标题不会被判为这几类" in err
    _, plain = run_json(str(exports), "--year", "2018")
    assert "[doc_types] 中没有" not in plain
