"""From a row's channel (栏目) to a report category, and from copies to an item's category."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from xgedu_stats.columns import arrow_strings, on_unique
from xgedu_stats.config import UNCATEGORISED, Category

# A channel path's separators, after NFKC (which makes ＞ a >): 首页/信息公开/规划财务,
# 首页 > 业务工作 > 规划财务, 首页›…, 首页 » …, and 首页\业务工作 as some CMSs print it.
_PATH_SEPARATOR = r"[/>›»\\]"


def last_segment(channels: pd.Series) -> pd.Series:
    """The last segment of a channel path, NFKC-normalised and trimmed.

    >>> last_segment(pd.Series(["首页 > 业务工作 > 规划财务 ", "信息公开/"])).tolist()
    ['规划财务', '信息公开']
    """
    s = channels.astype("str").fillna("").str.normalize("NFKC")
    s = s.str.replace(rf"(?:\s*{_PATH_SEPARATOR}\s*)+$", "", regex=True)
    return s.str.replace(rf"^.*{_PATH_SEPARATOR}", "", regex=True).str.strip()


def row_categories(channels: pd.Series, categories: Sequence[Category]) -> pd.Series:
    """Each row's category by its channel path, or <NA> when it maps to none.

    The category is the one named by the deepest segment of the path that is a
    category's name or alias: 首页 > 业务工作 > 教育资助 > 通知公告 is 教育资助 (通知公告
    names none), and a sub-column under several categories maps to each one's category.
    A categorical column whose categories are the report's, in the report's order.

    >>> from xgedu_stats.config import Settings
    >>> row_categories(pd.Series(["首页 > 教育资助 > 通知公告", "通知公告"]), Settings().categories).tolist()
    ['教育资助', nan]
    """
    names = [c.name for c in categories]
    owners = [(name, i) for i, c in enumerate(categories) for name in (c.name, *c.aliases)]
    keys = _segment_text(pa.array([name for name, _ in owners], pa.string()))
    owner_of_key = np.array([i for _, i in owners], dtype=np.int64)
    dtype = pd.CategoricalDtype(names)

    def deepest(values: pd.Series) -> pd.Series:
        codes = _deepest_match(arrow_strings(values), keys)
        codes = np.where(codes >= 0, owner_of_key[np.maximum(codes, 0)], -1)
        return pd.Series(pd.Categorical.from_codes(codes, dtype=dtype))

    return on_unique(channels, deepest)


def _segment_text(a: pa.Array) -> pa.Array:
    """Segments (or names) as they are compared: NFKC, trimmed."""
    return pc.utf8_trim_whitespace(pc.utf8_normalize(a, "NFKC"))


def _deepest_match(paths: pa.Array, keys: pa.Array) -> np.ndarray:
    """For each path, the index in ``keys`` of its deepest segment found there, or -1."""
    lists = pc.split_pattern_regex(pc.utf8_normalize(paths, "NFKC"), _PATH_SEPARATOR)
    segments = pc.utf8_trim_whitespace(pc.list_flatten(lists))
    parents = pc.list_parent_indices(lists).to_numpy()
    found = pc.fill_null(pc.index_in(segments, value_set=keys), -1).to_numpy()
    hit = np.flatnonzero(found >= 0)
    # Segments are flattened in path order, so a path's deepest hit is its last one.
    deepest = np.full(len(paths), -1, dtype=np.int64)
    np.maximum.at(deepest, parents[hit], hit)
    return np.where(deepest >= 0, found[np.maximum(deepest, 0)], -1)


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
    # The best copy of an item has the smallest (platform, category rank): as one number.
    key = platform * len(names) + ranks[mapped]
    # item ids are 1…N (dedupe.assign_items)
    count = int(rows["item_id"].max()) if len(rows) else 0
    best = best_per_item(ids, key, count)
    chosen = np.where(best < 0, len(categories), best % max(len(names), 1))
    labels = np.array([*names, UNCATEGORISED], dtype=object)
    return pd.Series(
        labels[chosen], index=pd.Index(np.arange(1, count + 1), name="item_id"), dtype="str"
    )


def best_per_item(ids: np.ndarray, key: np.ndarray, count: int) -> np.ndarray:
    """The smallest non-negative ``key`` of each item 1…``count`` (at positions 0…count-1),
    -1 for an item with no row: found in one pass, no sort.

    >>> best_per_item(np.array([1, 1, 3]), np.array([5, 2, 7]), 3).tolist()
    [2, -1, 7]
    """
    none = np.iinfo(np.int64).max
    best = np.full(count + 1, none, dtype=np.int64)
    np.minimum.at(best, ids, key)
    best = best[1:]
    return np.where(best == none, -1, best)
