"""Which rows are the same item: equal normalised titles, dates within a window.

Rows are sorted by (title key, date); a new item starts where the key changes or the
gap to the previous row's date exceeds the window. Chains therefore merge (A~B, B~C
makes one item even if A and C are further apart), and the result does not depend on
the order of rows or files.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def assign_items(title_keys: pd.Series, dates: pd.Series, window_days: int) -> pd.Series:
    """Give every row an item id, numbered 1… by each item's first date, then its key.

    >>> keys = pd.Series(["a", "a", "a"])
    >>> days = pd.to_datetime(pd.Series(["2018-01-01", "2018-01-03", "2018-03-01"]))
    >>> assign_items(keys, days, 3).tolist()
    [1, 1, 2]
    """
    n = len(title_keys)
    if n == 0:
        return pd.Series([], index=title_keys.index, dtype="int64")
    codes, _ = pd.factorize(title_keys, sort=True)
    day = dates.to_numpy(dtype="datetime64[D]").astype("int64")
    order = np.lexsort((day, codes))
    c, d = codes[order], day[order]
    starts = np.ones(n, dtype=bool)
    starts[1:] = (c[1:] != c[:-1]) | (d[1:] - d[:-1] > window_days)
    group_sorted = np.cumsum(starts) - 1
    group = np.empty(n, dtype="int64")
    group[order] = group_sorted
    # Renumber by (first date, key) so ids read in time order and are stable.
    first_day = d[starts]
    first_code = c[starts]
    rank = np.empty(len(first_day), dtype="int64")
    rank[np.lexsort((first_code, first_day))] = np.arange(1, len(first_day) + 1)
    return pd.Series(rank[group], index=title_keys.index, dtype="int64")


def merged_groups(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows of every item that has more than one copy, for a clerk to check.

    ``rows`` needs ``item_id``, ``date``, ``platform_rank``, ``file`` and ``line``.
    """
    sizes = rows.groupby("item_id")["item_id"].transform("size")
    merged = rows.loc[sizes > 1]
    return merged.sort_values(["item_id", "date", "platform_rank", "file", "line"]).reset_index(
        drop=True
    )
