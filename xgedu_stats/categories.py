"""From a row's channel (栏目) to a report category, and from copies to an item's category."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from xgedu_stats.config import UNCATEGORISED, Category
from xgedu_stats.normalize import on_unique

# A channel path's separators: 首页/信息公开/规划财务, 首页 > 业务工作 > 规划财务, 首页›…
_PATH_SEPARATOR = r"[/>›]"


def last_segment(channels: pd.Series) -> pd.Series:
    """The last segment of a channel path, NFKC-normalised and trimmed.

    >>> last_segment(pd.Series(["首页 > 业务工作 > 规划财务 ", "信息公开/"])).tolist()
    ['规划财务', '信息公开']
    """
    s = channels.astype("str").fillna("").str.normalize("NFKC")
    s = s.str.replace(rf"(?:\s*{_PATH_SEPARATOR}\s*)+$", "", regex=True)
    return s.str.replace(rf"^.*{_PATH_SEPARATOR}", "", regex=True).str.strip()


def row_categories(channels: pd.Series, categories: Sequence[Category]) -> pd.Series:
    """Each row's category by its channel's last segment, or <NA> when it maps to none.

    A categorical column whose categories are the report's, in the report's order.
    """
    lookup: dict[str, str] = {}
    for cat in categories:
        for name in (cat.name, *cat.aliases):
            key = pd.Series([name], dtype="str").str.normalize("NFKC").iloc[0].strip()
            lookup[key] = cat.name
    dtype = pd.CategoricalDtype([c.name for c in categories])
    return on_unique(channels, lambda c: last_segment(c).map(lookup).astype(dtype))


def item_categories(rows: pd.DataFrame, categories: Sequence[Category]) -> pd.Series:
    """Each item's category: from its copies in platform priority order; else 未分类.

    ``rows`` needs ``item_id``, ``platform_rank`` and ``category`` (<NA> where unmapped).
    Ties within one platform go to the category listed first in the report.

    >>> rows = pd.DataFrame({"item_id": [1, 1, 2], "platform_rank": [1, 0, 0],
    ...                      "category": ["规划财务", "基础教育", None]})
    >>> item_categories(rows, [Category("基础教育", "业务工作"), Category("规划财务", "业务工作")]).tolist()
    ['基础教育', '未分类']
    """
    names = [c.name for c in categories]
    column = rows["category"]
    if isinstance(column.dtype, pd.CategoricalDtype) and list(column.cat.categories) == names:
        ranks = column.cat.codes.to_numpy().astype("int64")  # as ``row_categories`` gives
    else:
        ranks = pd.Categorical(column, categories=names).codes.astype("int64")
    mapped = ranks >= 0
    ids = rows["item_id"].to_numpy(dtype="int64")[mapped]
    platform = rows["platform_rank"].to_numpy(dtype="int64")[mapped]
    # The best copy of an item has the smallest (platform, category rank): as one number,
    # found for every item in one pass (no sort).
    key = platform * len(names) + ranks[mapped]
    # item ids are 1…N (dedupe.assign_items)
    count = int(rows["item_id"].max()) if len(rows) else 0
    none = np.iinfo(np.int64).max
    best = np.full(count + 1, none, dtype="int64")
    np.minimum.at(best, ids, key)
    best = best[1:]
    chosen = np.where(best == none, len(categories), best % max(len(names), 1))
    labels = np.array([*names, UNCATEGORISED], dtype=object)
    return pd.Series(
        labels[chosen], index=pd.Index(np.arange(1, count + 1), name="item_id"), dtype="str"
    )
