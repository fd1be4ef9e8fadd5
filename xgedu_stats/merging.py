"""Exact items to final items: a clerk's decisions, then near-duplicates (``--fuzzy``).

Glue between the frames of the pipeline and the pure matching in ``fuzzy``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from xgedu_stats import decisions as dec
from xgedu_stats import fuzzy
from xgedu_stats.config import DedupeSettings
from xgedu_stats.dedupe import first_copies, key_codes, order_by

STATUS_LABELS = {
    "exact": "标题归一后相同",
    fuzzy.MERGED: "相似，已合并",
    fuzzy.DOUBTFUL: "存疑，未合并",
    fuzzy.BELOW: "接近，未合并",
    fuzzy.REFUSED: "名称或数字不同，未合并",
    fuzzy.SAME: "人工判定：相同",
    fuzzy.DIFFERENT: "人工判定：不同",
}
SIDE = ["platform", "file", "line", "title", "date", "url"]


Pairs = list[tuple[int, int, float, str]]


def refine(
    counted: pd.DataFrame, settings: DedupeSettings
) -> tuple[np.ndarray, np.ndarray, Pairs, list[str]]:
    """Exact ids after decisions, final item ids (1…N), the fuzzy pairs considered, warnings.

    ``counted`` has a 0…n-1 index, exact ``item_id`` (1…N), ``title_key``, ``date``,
    ``platform``, ``platform_rank``, ``file``, ``line``, ``title`` and ``url``.
    """
    exact = counted["item_id"].to_numpy(dtype=np.int64).copy()
    warnings: list[str] = []
    same: list[tuple[int, int]] = []
    apart: list[tuple[int, int]] = []
    if settings.decisions is not None:
        for d in dec.load(settings.decisions):
            left = dec.locate(counted, d.left, settings.site_names)
            right = dec.locate(counted, d.right, settings.site_names)
            if not len(left) or not len(right):
                warnings.append(f"去重决定文件第 {d.line} 行所指的信息不在本次读入的数据中，已忽略")
                continue
            if d.verdict == "different" and exact[left[0]] == exact[right[0]]:
                exact[right] = exact.max() + 1  # split an exact item
            # rows, not items: item ids change when they are renumbered below
            (same if d.verdict == "same" else apart).append((int(left[0]), int(right[0])))
    if not settings.fuzzy and not same and not apart:
        return exact, exact, [], warnings

    exact = _renumber(counted, exact)
    same = [(int(exact[x]) - 1, int(exact[y]) - 1) for x, y in same]
    apart = [(int(exact[x]) - 1, int(exact[y]) - 1) for x, y in apart]
    reps = first_copies(counted, exact)
    keys = counted["title_key"].to_numpy(dtype=object)[reps].tolist()
    days = counted["date"].to_numpy(dtype="datetime64[D]").astype(np.int64)[reps]
    result = fuzzy.merge(
        keys,
        days,
        settings.window_days,
        settings.fuzzy_threshold,
        same=same,
        different=apart,
        fuzzy=settings.fuzzy,
    )
    final = _renumber(counted, result.group[exact - 1] + 1)
    return exact, final, result.pairs, warnings


def _renumber(counted: pd.DataFrame, groups: np.ndarray) -> np.ndarray:
    """Ids 1…N by each group's first date, then its smallest key (``dedupe.key_codes``
    order, as the exact ids): stable whatever the row order."""
    if len(groups) == 0:
        return groups.astype(np.int64)
    key = key_codes(counted["title_key"])
    day = counted["date"].to_numpy(dtype="datetime64[D]").astype(np.int64)
    order = order_by([groups, day, key])
    g = groups[order]
    first = order[np.r_[True, g[1:] != g[:-1]]]  # each group's first (date, key) row
    ranked = first[order_by([day[first], key[first], groups[first]])]
    rank = pd.Series(np.arange(1, len(ranked) + 1), index=groups[ranked])
    return rank.reindex(groups).to_numpy(dtype=np.int64)


def pairs_frame(counted: pd.DataFrame, fuzzy_pairs: Pairs) -> pd.DataFrame:
    """One line per pair: exact copies against their item's first copy, then fuzzy pairs.

    ``counted`` has ``exact_id`` and ``item_id`` (final) besides the columns ``refine`` needs.
    """
    exact = counted["exact_id"].to_numpy(dtype=np.int64)
    final = counted["item_id"].to_numpy(dtype=np.int64)
    reps = first_copies(counted, exact)
    rep_of_row = reps[exact - 1]
    others = np.flatnonzero(rep_of_row != np.arange(len(exact)))
    left = np.concatenate([rep_of_row[others], reps[[a for a, _, _, _ in fuzzy_pairs]]])
    right = np.concatenate([others, reps[[b for _, b, _, _ in fuzzy_pairs]]])
    status = ["exact"] * len(others) + [s for _, _, _, s in fuzzy_pairs]
    score = [100.0] * len(others) + [round(x, 1) for _, _, x, _ in fuzzy_pairs]
    left = left.astype(np.int64)
    right = right.astype(np.int64)
    out = pd.DataFrame(
        {
            "status": status,
            "score": score,
            "item_1": final[left] if len(left) else [],
            "item_2": final[right] if len(right) else [],
        }
    )
    for i, pos in ((1, left), (2, right)):
        side = counted.iloc[pos][SIDE].reset_index(drop=True)
        side.columns = [f"{c}_{i}" for c in SIDE]
        out = pd.concat([out, side], axis=1)
    order = {s: i for i, s in enumerate(STATUS_LABELS)}
    out["_order"] = out["status"].map(order)
    out = out.sort_values(
        ["_order", "item_1", "score"], ascending=[True, True, False], kind="stable"
    )
    return out.drop(columns="_order").reset_index(drop=True)
