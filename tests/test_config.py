from __future__ import annotations

import re
import warnings
from dataclasses import replace
from pathlib import Path

import pytest

from xgedu_stats.config import (
    OUTPUT_FORMATS,
    REPORT_TABLES,
    Category,
    Settings,
    load_settings,
)
from xgedu_stats.errors import ConfigError

EXAMPLE = Path(__file__).resolve().parent.parent / "xgedu_stats" / "example-config.toml"


def load(tmp_path: Path, text: str) -> Settings:
    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    return load_settings(path)


def error(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as exc:
        load(tmp_path, text)
    return str(exc.value).replace(str(tmp_path / "c.toml"), "c.toml")


def test_example_config_is_the_defaults() -> None:
    assert replace(load_settings(EXAMPLE), source=None) == Settings()


def test_registries_match_the_cli_choices() -> None:
    from xgedu_stats.render import FORMATS
    from xgedu_stats.tables import TABLES

    assert tuple(TABLES) == REPORT_TABLES
    assert tuple(FORMATS) == OUTPUT_FORMATS


def test_empty_config_is_the_defaults(tmp_path: Path) -> None:
    assert replace(load(tmp_path, ""), source=None) == Settings()


def test_platform_settings_merge_over_defaults(tmp_path: Path) -> None:
    s = load(
        tmp_path,
        """
[platforms.portal]
files = ["门户*.csv"]
encoding = "GBK"
[platforms.portal.columns]
title = "稿件标题"
[platforms.gkpt]
names = ["公开平台"]
""",
    )
    portal = s.platform("portal")
    assert (portal.label, portal.names, portal.files, portal.encoding) == (
        "孝感市教育局门户网站",
        ("门户",),
        ("门户*.csv",),
        "GBK",
    )
    assert portal.column_map == {"title": "稿件标题"}
    assert s.platform("gkpt").label == "gkpt"
    assert [p.key for p in s.platforms] == ["portal", "yunshang", "dachu", "toutiao", "gkpt"]


def test_priority_orders_platforms(tmp_path: Path) -> None:
    s = load(tmp_path, '[dedupe]\npriority = ["toutiao", "portal"]\n')
    assert [p.key for p in s.platforms] == ["toutiao", "portal", "yunshang", "dachu"]


def test_category_groups_replace_the_list_and_aliases_attach(tmp_path: Path) -> None:
    s = load(
        tmp_path,
        """
[category_groups]
"新闻" = ["教育新闻"]
"业务" = ["资助", "安全"]
[categories]
"资助" = ["学生资助", "资助"]
""",
    )
    assert s.categories == (
        Category("教育新闻", "新闻"),
        Category("资助", "业务", ("学生资助",)),
        Category("安全", "业务"),
    )
    assert s.groups == ("新闻", "业务")


def test_unknown_top_level_key(tmp_path: Path) -> None:
    assert error(tmp_path, "window_days = 3\n") == (
        "配置文件 c.toml：第 1 行，window_days：未知的设置项（可用：platforms、categories、category_groups、dedupe、interactions、traffic、doc_types、sources、statistics_2018、freshness）"
    )


def test_unknown_platform_key_names_its_line(tmp_path: Path) -> None:
    text = '[dedupe]\nwindow_days = 2\n\n[platforms.portal]\nlabel = "门户"\nlable = "x"\n'
    assert error(tmp_path, text) == (
        "配置文件 c.toml：第 6 行，platforms.portal.lable：未知的设置项（可用：label、names、files、columns、encoding、sheet、document_id）"
    )


def test_wrong_type(tmp_path: Path) -> None:
    assert error(tmp_path, '[dedupe]\nwindow_days = "3"\n') == (
        "配置文件 c.toml：第 2 行，dedupe.window_days：应为 0 到 366 之间的整数（天）"
    )
    assert error(tmp_path, "[platforms.portal]\nnames = 3\n") == (
        '配置文件 c.toml：第 2 行，platforms.portal.names：应为文字列表，例如 ["甲", "乙"]'
    )


def test_alias_under_two_categories(tmp_path: Path) -> None:
    text = '[categories]\n"教育资助" = ["学生资助"]\n"基础教育" = ["学生资助"]\n'
    assert error(tmp_path, text) == (
        "配置文件 c.toml：第 3 行，categories.基础教育：栏目名「学生资助」已属于类别「教育资助」，一个栏目只能对应一个类别"
    )


def test_alias_that_is_another_category(tmp_path: Path) -> None:
    assert "已属于类别「规划财务」" in error(tmp_path, '[categories]\n"教育资助" = ["规划财务"]\n')


def test_alias_for_unknown_category(tmp_path: Path) -> None:
    assert error(tmp_path, '[categories]\n"学生资助" = ["资助"]\n').startswith(
        "配置文件 c.toml：第 2 行，categories.学生资助：没有这个类别（类别有：孝感教育新闻、"
    )


def test_duplicate_category_in_groups(tmp_path: Path) -> None:
    text = '[category_groups]\n"甲" = ["新闻"]\n"乙" = ["新闻"]\n'
    assert (
        error(tmp_path, text)
        == "配置文件 c.toml：第 3 行，category_groups.乙：类别「新闻」重复或为保留名称"
    )


def test_priority_names_unknown_platform(tmp_path: Path) -> None:
    assert error(tmp_path, '[dedupe]\npriority = ["portal", "weibo"]\n') == (
        "配置文件 c.toml：第 2 行，dedupe.priority：没有代码为 weibo 的平台（已知：portal、yunshang、dachu、toutiao）"
    )


def test_bad_platform_key(tmp_path: Path) -> None:
    assert error(tmp_path, '[platforms."门户"]\nlabel = "x"\n') == (
        "配置文件 c.toml：第 1 行，platforms.门户：平台代码只能由英文字母、数字、- 和 _ 组成，并以字母开头"
    )


ENCODINGS = "utf-8、utf-8-sig、gb18030、gbk、gb2312、big5、utf-16 等"


# Codecs that codecs.lookup knows but that are not text encodings, and one it does not know.
@pytest.mark.parametrize(
    "name", ["gbk2", "rot13", "base64", "zlib_codec", "idna", "unicode_escape", "hex", "bz2"]
)
def test_an_encoding_must_be_a_text_encoding(tmp_path: Path, name: str) -> None:
    assert error(tmp_path, f'[platforms.portal]\nencoding = "{name}"\n') == (
        f"配置文件 c.toml：第 2 行，platforms.portal.encoding：{name} 不是可用的文本编码"
        f"（可用：{ENCODINGS}）"
    )


@pytest.mark.parametrize(("name", "codec"), [("GBK", "gbk"), ("cp936", "gbk"), ("UTF8", "utf-8")])
def test_text_encodings_are_accepted_by_any_of_their_names(
    tmp_path: Path, name: str, codec: str
) -> None:
    from xgedu_stats.encodings import text_encoding

    assert (
        load(tmp_path, f'[platforms.portal]\nencoding = "{name}"\n').platform("portal").encoding
        == name
    )
    assert text_encoding(name) == codec


def test_every_listed_encoding_is_a_text_encoding() -> None:
    import codecs

    from xgedu_stats.encodings import TEXT_ENCODINGS, text_encoding

    for name in TEXT_ENCODINGS:
        assert text_encoding(name) == codecs.lookup(name).name
        assert "甲乙".encode(name, errors="replace").decode(name)  # a str codec, both ways


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[dedupe\n", "第 1 行第 8 列写法不对（段名后面缺少 ]）：[dedupe"),
        (
            '[doc_types]\n资料 = ["名单"]\n',
            '第 2 行第 1 列写法不对（无法识别这一行）：资料 = ["名单"]；'
            '中文名称要用英文双引号括起；可改为："资料" = ["名单"]',
        ),
        (
            '[doc_types]\n"资料" = [“名单”]\n',
            '引号要用英文的双引号 "，不能用中文引号',
        ),
        ('[doc_types]\n"资料" = ["名单"，"名录"]\n', "列表中用英文逗号 , 分隔"),
        ('[doc_types]\n"资料" ＝ ["名单"]\n', "（名称后面应是 =）"),
        (
            "[dedupe]\nwindow_days = 3\nwindow_days = 4\n",
            "第 3 行第 16 列写法不对（同一个设置项写了两次）：window_days = 4；"
            "请删去其中一处，或把两处的值合在一起",
        ),
        ('[doc_types]\n"资料" = ["名单"\n', "（列表缺少 ]"),
        ("[doc_types]\n“资料” = [“名单”]\n", '可改为："资料" = ["名单"]'),
        ("[doc_types]\n资料 = [名单、名录]\n", '可改为："资料" = ["名单", "名录"]'),
        ('[doc_types]\n"资料"：["名单"]\n', '可改为："资料" = ["名单"]'),
        ('[doc_types]\n"资料" = ["名单"]。\n', '可改为："资料" = ["名单"]'),
        ("[traffic]\nsince = 2015年9月1日\n", "可改为：since = 2015-09-01"),
        ("[dedupe]\nwindow_days = ３\n", "可改为：window_days = 3"),
    ],
)
def test_toml_mistakes_are_explained_in_chinese(tmp_path: Path, text: str, expected: str) -> None:
    """What a clerk typing with a Chinese input method gets wrong, with where and how to fix it
    (tomllib's own message is English)."""
    message = error(tmp_path, text)
    assert message.startswith("配置文件 c.toml：")
    assert expected in message
    english = message.replace("c.toml", "")
    for key in ("window_days", "dedupe", "since"):
        english = english.replace(key, "")
    assert not re.search(r"[A-Za-z]{4,}", english)


def test_missing_config(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as exc:
        load_settings(tmp_path / "none.toml")
    assert str(exc.value) == f"找不到配置文件：{tmp_path / 'none.toml'}"


def test_config_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_bytes('[categories]\n"教育资助" = ["学生资助"]\n'.encode("gbk"))
    with pytest.raises(ConfigError, match="不是 UTF-8 编码"):
        load_settings(path)


def test_at_most_sixty_platforms() -> None:
    from xgedu_stats.config import settings_from_dict

    doc = {"platforms": {f"p{i}": {"label": f"平台{i}"} for i in range(56)}}
    assert len(settings_from_dict(doc).platforms) == 60  # 56 and the 4 built in
    doc["platforms"]["extra"] = {"label": "又一个"}
    with pytest.raises(ConfigError, match="平台最多 60 个（现有 61 个）"):
        settings_from_dict(doc)


# --- hostile config files --------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "a = " + "[" * 5000 + "]" * 5000 + "\n",
        "a = " + "{b = " * 5000 + "1" + "}" * 5000 + "\n",
    ],
)
def test_deeply_nested_toml_is_a_config_error(tmp_path: Path, text: str) -> None:
    assert error(tmp_path, text) == (
        "配置文件 c.toml 不是有效的配置：数组或表嵌套的层数太多；请用 xgedu-stats init 重新生成"
    )


def test_a_config_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    from xgedu_stats.config import MAX_CONFIG_BYTES

    text = "# " + "x" * MAX_CONFIG_BYTES + "\n"
    assert error(tmp_path, text) == (
        "配置文件 c.toml 超过 1 MiB（MAX_CONFIG_BYTES），不像是配置文件；请检查 --config 指定的文件"
    )
    assert replace(load(tmp_path, "# " + "x" * 1000 + "\n"), source=None) == Settings()


def test_a_device_is_not_read_as_a_config() -> None:
    with pytest.raises(ConfigError) as exc:
        load_settings(Path("/dev/zero"))  # (read whole, it would never end)
    assert str(exc.value) == (
        "配置文件 /dev/zero 不是普通文件（而是设备、管道等）；请指定一个 .toml 文件"
    )


def test_a_fifo_is_not_opened_as_a_config(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "c.toml"
    os.mkfifo(fifo)  # opening it for reading would wait for a writer forever
    with pytest.raises(ConfigError, match="不是普通文件"):
        load_settings(fifo)


def test_a_folder_is_not_a_config(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as exc:
        load_settings(tmp_path)
    assert str(exc.value) == f"配置文件 {tmp_path} 是一个文件夹；请指定一个 .toml 文件"


def test_a_long_key_is_quoted_short(tmp_path: Path) -> None:
    message = error(tmp_path, f"{'k' * 100_000} = 1\n")
    assert message.startswith("配置文件 c.toml：第 1 行，" + "k" * 30 + "…：未知的设置项")
    assert len(message) < 200


# --- document_id, site_names, category groups: what RE2 and the tables can take ----------


def document_id_error(tmp_path: Path, pattern: str) -> str:
    toml = f"[platforms.portal]\ndocument_id = '{pattern}'\n"
    return error(tmp_path, toml).removeprefix("配置文件 c.toml：第 2 行，platforms.portal.")


def test_a_document_id_pattern_is_read(tmp_path: Path) -> None:
    toml = "[platforms.portal]\ndocument_id = '[(]?_([[:digit:]]+)\\.html$'\n"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # (Python's "possible nested set" not shown to a clerk)
        settings = load(tmp_path, toml)
    assert settings.platforms[0].document_id == r"[(]?_([[:digit:]]+)\.html$"


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        (r"(?>a)_(\d+)", "invalid perl operator: (?>"),
        (r"_(\d+)\Z", r"invalid escape sequence: \Z"),
        (r"_(\d{1,1001})", "invalid repetition size: {1,10…"),
        (r"_(\d++)", "bad repetition operator: ++"),
        (r"(?P<n>\d+)(?P=n)", "invalid perl operator: (?P"),
    ],
)
def test_a_document_id_pattern_re2_cannot_apply_is_a_config_error(
    tmp_path: Path, pattern: str, reason: str
) -> None:
    """Issue 9 attack: Python's re accepted these, RE2 refused them mid-run (internal error)."""
    assert document_id_error(tmp_path, pattern) == (
        f"document_id：这种正则写法无法使用（{reason}）：只支持常见写法，"
        r"不支持 (?>…)、(?P=…)、\Z、++ 等，重复次数最多 1000"
    )


@pytest.mark.parametrize(
    ("names", "count", "longest"),
    [(["长" * 51], 1, 51), ([f"站{i}" for i in range(101)], 101, 4)],
)
def test_site_names_are_bounded(tmp_path: Path, names: list[str], count: int, longest: int) -> None:
    """Issue 9 attack: one 300,000-character name or 20,000 names: RE2's "pattern too large"."""
    listed = ", ".join(f'"{n}"' for n in names)
    assert error(tmp_path, f"[dedupe]\nsite_names = [{listed}]\n") == (
        "配置文件 c.toml：第 2 行，dedupe.site_names：网站名称最多 100 个，每个最多 50 个字"
        f"（现有 {count} 个，最长 {longest} 个字）"
    )
    most = ", ".join(f'"{"长" * 48}{i:02}"' for i in range(100))
    assert len(load(tmp_path, f"[dedupe]\nsite_names = [{most}]\n").dedupe.site_names) == 100


def test_an_empty_category_group(tmp_path: Path) -> None:
    """Issue 9 attack: ``"A" = []`` was an internal error (IndexError) when the table was made."""
    assert error(tmp_path, '[category_groups]\n"A" = []\n"B" = ["x"]\n') == (
        "配置文件 c.toml：第 2 行，category_groups.A：分组中至少需要一个类别"
    )
