"""Which department published each item: from its copies in platform priority order, as
the category is (``categories.item_categories``); an item no copy names one of is
``NO_DEPARTMENT`` (未注明)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from xgedu_stats.count.categories import best_per_item
from xgedu_stats.count.interactions import NO_DEPARTMENT, department_name


def item_departments(rows: pd.DataFrame, count: int) -> pd.Series:
    """Each item's department (items 1…``count``): the first named one of its copies in
    platform priority order; copies of one platform naming different ones: the first by
    name (so the result does not depend on the order of files or rows).

    ``rows`` needs ``item_id``, ``platform_rank`` and ``department``. Names are written as
    messages' departments are (``interactions.department_name``: NFKC, spaces collapsed;
    无, -, （空） name none).

    >>> rows = pd.DataFrame({"item_id": [1, 1, 2, 3], "platform_rank": [1, 0, 0, 0],
    ...                      "department": ["宣传科", "办公室", "（空）", " 宣传科 "]})
    >>> item_departments(rows, 3).tolist()
    ['办公室', '未注明', '宣传科']
    """
    cells = rows["department"].fillna("").astype("str")
    codes, uniques = pd.factorize(cells, sort=False)
    names = np.array([department_name(str(u)) for u in uniques], dtype=object)
    order = sorted({n for n in names if n})
    rank = {n: i for i, n in enumerate(order)}
    name_rank = np.array([rank.get(n, -1) for n in names], dtype=np.int64)
    ranks = name_rank[codes] if len(codes) else np.zeros(0, dtype=np.int64)
    named = ranks >= 0
    ids = rows["item_id"].to_numpy(dtype=np.int64)[named]
    platform = rows["platform_rank"].to_numpy(dtype=np.int64)[named]
    best = best_per_item(ids, platform * max(len(order), 1) + ranks[named], count)
    labels = np.array([*order, NO_DEPARTMENT], dtype=object)
    chosen = np.where(best < 0, len(order), best % max(len(order), 1))
    return pd.Series(
        labels[chosen], index=pd.Index(np.arange(1, count + 1), name="item_id"), dtype="str"
    )
