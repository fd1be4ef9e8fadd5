from __future__ import annotations

import pandas as pd
import pytest

from xgedu_stats.config import Category, Settings, settings_from_dict
from xgedu_stats.count.categories import item_categories, last_segment, row_categories


def names(categories: pd.Series) -> list[str | None]:
    """A categorical column as names, None where it maps to no category."""
    return [None if pd.isna(c) else c for c in categories.tolist()]


@pytest.mark.parametrize(
    ("channel", "segment"),
    [
        ("规划财务", "规划财务"),
        ("首页/业务工作/规划财务", "规划财务"),
        ("首页 > 业务工作 > 规划财务", "规划财务"),
        ("首页›业务工作›规划财务", "规划财务"),
        ("首页＞业务工作＞规划财务", "规划财务"),
        ("首页 » 业务工作 » 规划财务", "规划财务"),
        ("首页\\业务工作\\规划财务", "规划财务"),
        ("首页/业务工作/规划财务/", "规划财务"),
        (" 规划财务 ", "规划财务"),
        ("", ""),
    ],
)
def test_last_segment(channel: str, segment: str) -> None:
    assert last_segment(pd.Series([channel])).tolist() == [segment]


def test_row_categories_by_name_and_alias() -> None:
    settings = settings_from_dict(
        {"categories": {"教育资助": ["学生资助"], "安全后勤": "安全管理"}}
    )
    got = row_categories(
        pd.Series(
            ["首页>学生资助", "安全管理", "教育资助", "首页>规划财务>", "工作动态", "财务", ""]
        ),
        settings.categories,
    )
    assert got.tolist()[:4] == ["教育资助", "安全后勤", "教育资助", "规划财务"]
    assert got.isna().tolist() == [False] * 4 + [True] * 3


@pytest.mark.parametrize(
    ("channel", "category"),
    [
        # the deepest segment that names a category decides; 通知公告 names none
        ("首页 > 业务工作 > 教育资助 > 通知公告", "教育资助"),
        ("首页 > 业务工作 > 规划财务 > 通知公告", "规划财务"),
        ("规划财务/通知公告", "规划财务"),
        ("首页 > 业务工作 > 教育资助 > 通知公告 > 2018年", "教育资助"),
        # two segments name categories: the deeper wins
        ("首页 > 孝感教育新闻 > 教育资助", "教育资助"),
        ("首页 > 教育资助 > 孝感教育新闻 > 通知公告", "孝感教育新闻"),
        # every separator, full-width ones after NFKC, spaces around segments
        ("首页/教育资助/通知公告", "教育资助"),
        ("首页›教育资助›通知公告", "教育资助"),
        ("首页＞教育资助＞通知公告", "教育资助"),
        ("首页／教育资助／通知公告", "教育资助"),
        ("首页＼教育资助＼通知公告", "教育资助"),
        ("首页 » 教育资助 » 通知公告", "教育资助"),
        ("首页\\教育资助\\通知公告", "教育资助"),
        ("首页 > 教育资助 > 通知公告 >", "教育资助"),
        ("首页 >　教育资助　> 通知公告", "教育资助"),
        # aliases at any depth, and deeper than a category's own name
        ("学生资助", "教育资助"),
        ("首页 > 学生资助 > 通知公告", "教育资助"),
        ("首页 > 规划财务 > 学生资助", "教育资助"),
        ("首页 > 学生资助 > 规划财务", "规划财务"),
        ("首页 > 业务工作 > 安全管理 > 通知公告 > 学校安全", "安全后勤"),
        # a name inside a segment is not the segment
        ("首页 > 教育资助工作 > 通知公告", None),
        ("首页 > 业务工作 > 通知公告", None),
        ("", None),
    ],
)
def test_the_deepest_segment_naming_a_category_decides(channel: str, category: str | None) -> None:
    settings = settings_from_dict(
        {"categories": {"教育资助": ["学生资助"], "安全后勤": "安全管理"}}
    )
    assert names(row_categories(pd.Series([channel]), settings.categories)) == [category]


def test_one_sub_column_under_several_categories_maps_to_each() -> None:
    channels = pd.Series(
        [
            "首页 > 业务工作 > 教育资助 > 通知公告",
            "首页 > 业务工作 > 规划财务 > 通知公告",
            "首页 > 业务工作 > 教育资助 > 通知公告",
            "首页 > 通知公告",
        ]
    )
    got = row_categories(channels, Settings().categories)
    assert names(got) == ["教育资助", "规划财务", "教育资助", None]
    assert list(got.cat.categories) == [c.name for c in Settings().categories]


def test_item_category_follows_platform_priority() -> None:
    cats = [Category("孝感教育新闻", "重点工作"), Category("规划财务", "业务工作")]
    rows = pd.DataFrame(
        {
            "item_id": [1, 1, 2, 2, 3, 3],
            "platform_rank": [1, 0, 3, 1, 0, 2],
            "category": ["孝感教育新闻", "规划财务", "孝感教育新闻", None, None, None],
        }
    )
    assert item_categories(rows, cats).tolist() == ["规划财务", "孝感教育新闻", "未分类"]


def test_item_category_ties_go_to_the_first_listed_category() -> None:
    cats = [Category("孝感教育新闻", "重点工作"), Category("规划财务", "业务工作")]
    rows = pd.DataFrame(
        {"item_id": [1, 1], "platform_rank": [0, 0], "category": ["规划财务", "孝感教育新闻"]}
    )
    assert item_categories(rows, cats).tolist() == ["孝感教育新闻"]
