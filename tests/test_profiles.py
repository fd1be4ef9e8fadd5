from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import csv_table

from xgedu_stats.config import Platform, Settings, settings_from_dict
from xgedu_stats.errors import ConfigError, InputError
from xgedu_stats.read import SourceFile
from xgedu_stats.read.kinds import ARTICLES
from xgedu_stats.read.profiles import assign, canonical_rows, header_key, map_columns


def src(path: str) -> SourceFile:
    return SourceFile(Path(path), path)


def mapping_for(header: str, settings: Settings | None = None, path: str = "门户.csv"):
    settings = settings or Settings()
    table = csv_table(header + "\n", path)
    return map_columns(table, assign(src(path), settings)), table


# --- which platform -----------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "platform", "reason"),
    [
        ("exports/portal-2018.csv", "portal", "文件名含「portal」"),
        ("exports/PORTAL.csv", "portal", "文件名含「portal」"),
        ("exports/门户网站.csv", "portal", "文件名含「门户」"),
        ("exports/云上孝感导出.csv", "yunshang", "文件名含「云上」"),
        ("exports/腾讯大楚网.csv", "dachu", "文件名含「大楚」"),
        ("exports/toutiao_articles.csv", "toutiao", "文件名含「toutiao」"),
        ("今日头条/2018.csv", "toutiao", "文件夹名含「头条」"),
        ("yunshang/export (3).csv", "yunshang", "文件夹名含「yunshang」"),
    ],
)
def test_assign_by_name(path: str, platform: str, reason: str) -> None:
    a = assign(src(path), Settings())
    assert (a.platform.key, a.reason) == (platform, reason)
    assert a.kind is ARTICLES


def test_file_name_wins_over_folder_name() -> None:
    assert assign(src("门户/头条转载.csv"), Settings()).platform.key == "toutiao"


def test_config_glob_wins_over_name() -> None:
    settings = settings_from_dict({"platforms": {"dachu": {"files": ["*门户*转载*.csv"]}}})
    a = assign(src("x/门户转载.csv"), settings)
    assert (a.platform.key, a.reason) == ("dachu", "配置 files = '*门户*转载*.csv'")


def test_config_glob_with_folder() -> None:
    settings = settings_from_dict({"platforms": {"yunshang": {"files": ["cloud/*.csv"]}}})
    assert assign(src("data/cloud/x.csv"), settings).platform.key == "yunshang"


def test_config_adds_a_platform() -> None:
    settings = settings_from_dict(
        {"platforms": {"gkpt": {"label": "政府信息公开平台", "names": ["公开平台"]}}}
    )
    a = assign(src("公开平台2018.csv"), settings)
    assert (a.platform.key, a.platform.label) == ("gkpt", "政府信息公开平台")


def test_unknown_platform_error() -> None:
    with pytest.raises(InputError) as exc:
        assign(src("data/export.csv"), Settings())
    assert str(exc.value) == (
        "无法确定文件 data/export.csv 属于哪个平台：文件名和所在文件夹名都不含平台名"
        "（portal/门户、yunshang/云上、dachu/大楚、toutiao/头条）；请重命名文件或文件夹，"
        '或在配置文件中设置 [platforms.平台代码] files = ["export.csv"]；'
        "它若是网上留言（信箱、留言、互动、诉求）或访问统计（访问统计、流量统计）"
        "或依申请公开登记（依申请、申请登记、申请台账、公开申请）"
        "或复议诉讼登记（复议、诉讼）或规范性文件登记（规范性文件登记、文件登记、发文登记、文件台账）的导出，请在文件名中写明，"
        '或在配置文件中设置 [sources.名称] kind = "interactions"（或 traffic、applications、appeals、documents）和 files；'
        "它若不是导出文件，请移出输入文件夹"
    )


def test_ambiguous_file_name_error() -> None:
    with pytest.raises(InputError) as exc:
        assign(src("门户与头条.csv"), Settings())
    assert str(exc.value) == (
        "无法确定文件 门户与头条.csv 属于哪个平台：文件名「门户与头条.csv」同时含有门户（portal）、头条（toutiao）；"
        '请重命名，或在配置文件中设置 [platforms.portal] files = ["…"]'
    )


def test_ambiguous_globs_error() -> None:
    settings = settings_from_dict(
        {"platforms": {"portal": {"files": ["*.csv"]}, "dachu": {"files": ["a*"]}}}
    )
    with pytest.raises(InputError, match="同时匹配了多个平台的 files 设置（portal、dachu）"):
        assign(src("a.csv"), settings)


# --- which column ---------------------------------------------------------------


SYNONYMS = [(spec.key, name) for spec in ARTICLES.fields for name in spec.synonyms]


@pytest.mark.parametrize(("field", "name"), SYNONYMS)
def test_every_header_synonym(field: str, name: str) -> None:
    others = {"title": "标题", "date": "发布时间"}
    header = [name] + [h for f, h in others.items() if f != field]
    mapping, _ = mapping_for(",".join(header))
    assert mapping.fields[field] == 0


@pytest.mark.parametrize(
    "header", [" 标 题 ,日期", "\ufeff标题,日期", "TITLE,Publish_Date", "ＴＩＴＬＥ,date"]
)
def test_headers_are_trimmed_and_case_folded(header: str) -> None:
    mapping, _ = mapping_for(header)
    assert mapping.fields == {"title": 0, "date": 1}


def test_header_key() -> None:
    assert header_key(" 标 题\ufeff") == "标题"
    assert header_key("DOCTITLE") == "doctitle"


def test_ignored_headers_are_listed() -> None:
    mapping, _ = mapping_for("序号,标题,ID,发布时间,展现量")
    assert mapping.fields == {"title": 1, "date": 3}
    assert mapping.ignored == ("序号", "ID", "展现量")


def test_configured_column_overrides_synonyms() -> None:
    settings = settings_from_dict({"platforms": {"portal": {"columns": {"title": "稿件标题"}}}})
    mapping, _ = mapping_for("标题,稿件标题,日期", settings)
    assert mapping.fields == {"title": 1, "date": 2}


def test_configured_column_absent() -> None:
    settings = settings_from_dict({"platforms": {"portal": {"columns": {"title": "稿件标题"}}}})
    with pytest.raises(InputError) as exc:
        mapping_for("标题,日期", settings)
    assert str(exc.value) == (
        "文件 门户.csv 中没有配置的标题列「稿件标题」（[platforms.portal.columns] title）；表头为：标题、日期"
    )


def test_configured_column_with_unknown_field() -> None:
    settings = settings_from_dict({"platforms": {"portal": {"columns": {"titel": "稿件标题"}}}})
    with pytest.raises(ConfigError) as exc:
        mapping_for("标题,日期", settings)
    assert str(exc.value) == (
        "配置 [platforms.portal.columns] 中的 titel 不是可用的字段（可用：title、date、channel、url、views、doc_type、images、department）"
    )


def test_missing_title_column() -> None:
    with pytest.raises(InputError) as exc:
        mapping_for("名称,日期")
    assert str(exc.value) == (
        "文件 门户.csv 中找不到标题列；表头为：名称、日期；"
        "可识别的列名：标题、文章标题、作品标题、新闻标题、title、DOCTITLE；"
        '也可在配置文件中设置 [platforms.portal.columns] title = "列名"'
    )


def test_missing_date_column() -> None:
    with pytest.raises(
        InputError, match=r"^文件 门户\.csv 中找不到发布时间列；表头为：标题、栏目；"
    ):
        mapping_for("标题,栏目")


def test_two_headers_for_one_field() -> None:
    with pytest.raises(InputError) as exc:
        mapping_for("标题,发布日期,时间")
    assert str(exc.value) == (
        "文件 门户.csv 中有多列都可能是发布时间：「发布日期」、「时间」；请在配置文件中指定，"
        '例如 [platforms.portal.columns] date = "发布日期"'
    )


def test_canonical_rows_fill_missing_optional_fields() -> None:
    table = csv_table("标题,日期\n甲,2018-01-01\n")
    a = assign(src("门户.csv"), Settings())
    rows = canonical_rows(table, a, map_columns(table, a))
    expected = (
        pd.DataFrame(
            {
                "file": ["门户.csv"],
                "line": [2],
                "platform": ["portal"],
                "title": ["甲"],
                "date": ["2018-01-01"],
                "channel": [""],
                "url": [""],
                "views": [""],
                "doc_type": [""],
                "images": [""],
                "department": [""],
            }
        )
        .astype("str")
        .astype({"line": "int64"})
    )
    pd.testing.assert_frame_equal(rows, expected)


def test_platform_hints() -> None:
    assert Platform("gkpt", "公开平台", names=("公开",)).hints == ("gkpt", "公开")
