from __future__ import annotations

import pandas as pd
import pytest

from xgedu_stats.categories import item_categories, last_segment, row_categories
from xgedu_stats.config import Category, Settings, settings_from_dict


@pytest.mark.parametrize(
    ("channel", "segment"),
    [
        ("规划财务", "规划财务"),
        ("首页/业务工作/规划财务", "规划财务"),
        ("首页 > 业务工作 > 规划财务", "规划财务"),
        ("首页›业务工作›规划财务", "规划财务"),
        ("首页＞业务工作＞规划财务", "规划财务"),
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


def test_the_middle_of_a_path_does_not_count() -> None:
    got = row_categories(pd.Series(["规划财务/通知公告"]), Settings().categories)
    assert got.isna().all()


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
