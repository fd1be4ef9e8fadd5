"""Document types (文种) and pictures of the unique items (issue 12, section 4): from a 文种
column when an export has one, else from the title's 文号 and the config's words; an item
takes them from its copies in platform priority order; every figure counted by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import csv_bytes

from xgedu_stats.cli import cli
from xgedu_stats.config import DOC_TYPES, DocTypeSettings, load_settings
from xgedu_stats.count.doc_types import column_type, title_types
from xgedu_stats.errors import ConfigError


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


def test_words_are_compared_after_nfkc() -> None:
    settings = DocTypeSettings(words=(("资料", ("2018年报",)),))
    assert named(title_types(pd.Series(["２０１８年报（全文）"]), settings)) == ["资料"]


def test_column_values() -> None:
    s = DocTypeSettings()
    assert [DOC_TYPES[column_type(v, s)] for v in ["规范性文件", " 通知 公告", "工作动态"]] == [
        "规范性文件",
        "公告通知",
        "政务新闻",
    ]
    # A value that is no type's: the config words, else 其他; blank is no value.
    assert DOC_TYPES[column_type("紧急通知类", s)] == "公告通知"
    assert DOC_TYPES[column_type("学校动态", s)] == "其他"
    assert column_type("", s) == -1


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
    assert "图片数无法识别（如「abc」）" in err


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
    assert "没有图片数列" in asked.stdout
    table = asked.stdout.split("没有图片数列")[1].split("核对")[0]
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
        ('"新闻" = ["召开"]', "没有这个文种"),
        ('"资料" = [""]', "应为非空的文字"),
        ('"资料" = "名单"', None),  # one word written without brackets is a list of one
        ('"资料" = [1]', "应为非空的文字"),
        ('"资料" = ["' + "长" * 51 + '"]', "每个词应有 1 到 50 个字"),
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
