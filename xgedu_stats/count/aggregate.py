"""Group-bys to tidy integer count frames, in the report's order."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from xgedu_stats.config import UNCATEGORISED, Category, Platform


def category_counts(item_category: pd.Series, categories: Sequence[Category]) -> pd.DataFrame:
    """Items per category: ``category``, ``group``, ``count``, every category in report order.

    未分类 comes last, and only when some item has no category.

    >>> category_counts(pd.Series(["规划财务", "规划财务"]), [Category("规划财务", "业务工作")])
      category group  count
    0     规划财务  业务工作      2
    """
    counts = item_category.value_counts()
    frame = pd.DataFrame(
        {
            "category": [c.name for c in categories],
            "group": [c.group for c in categories],
            "count": [int(counts.get(c.name, 0)) for c in categories],
        }
    )
    unmapped = int(counts.get(UNCATEGORISED, 0))
    if unmapped:
        extra = pd.DataFrame({"category": [UNCATEGORISED], "group": [None], "count": [unmapped]})
        frame = pd.concat([frame, extra], ignore_index=True)
    return frame.astype({"category": "str", "group": "str", "count": "int64"})


def platform_counts(
    rows_read: pd.Series, masks: np.ndarray, platforms: Sequence[Platform]
) -> pd.DataFrame:
    """Per platform: rows read from its files, distinct items on it, and items only there.

    ``rows_read`` is indexed by platform key; ``masks`` has one number per item, bit ``i``
    set when the item has a copy on ``platforms[i]`` (``dedupe.platform_masks``).
    """
    keys = [p.key for p in platforms]
    bits = np.left_shift(1, np.arange(len(keys), dtype=np.int64))
    return pd.DataFrame(
        {
            "platform": keys,
            "label": [p.label for p in platforms],
            "rows": [int(rows_read.get(k, 0)) for k in keys],
            "items": [int(np.count_nonzero(masks & b)) for b in bits],
            "only_here": [int(np.count_nonzero(masks == b)) for b in bits],
        }
    ).astype({"platform": "str", "label": "str"})
