"""From the identity rule's items to final items: a clerk's decisions, then near-duplicates
(``--fuzzy``); and the pairs that show a clerk every merge.

Glue between the frames of the pipeline, the identity rule (``identity``) and the pure
matching in ``fuzzy``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from xgedu_stats.config import DedupeSettings
from xgedu_stats.items import fuzzy
from xgedu_stats.items.dedupe import first_copies, platform_masks
from xgedu_stats.items.identity import Identity, Rows, apart_pairs, distinct
from xgedu_stats.read.decisions import Decision

STATUS_LABELS = {
    "exact": "标题归一后相同",
    "nearest": "同题多篇，按日期最近配对（请核对）",
    "same_link": "同一平台链接相同（重复导出）",
    "same_day": "同一平台同日同题、无链接（重复导出）",
    fuzzy.MERGED: "相似，已合并",
    fuzzy.DOUBTFUL: "存疑，未合并",
    fuzzy.BELOW: "接近，未合并",
    fuzzy.REFUSED: "名称或数字不同，未合并",
    fuzzy.SAME: "人工判定：相同",
    fuzzy.DIFFERENT: "人工判定：不同",
}
SIDE = ["platform", "file", "line", "title", "date", "url"]
#: The pairs a person should look at: copies paired by nearest date among several
#: candidates, doubtful groups, near misses (``duplicates --doubtful``, ``--write-decisions``).
REVIEW = ("nearest", fuzzy.DOUBTFUL, fuzzy.BELOW)


Pairs = list[tuple[int, int, float, str]]


@dataclass(frozen=True)
class Merged:
    """Item ids per row, 1…N: ``exact`` by the identity rule, ``final`` after decisions and
    ``--fuzzy``; the fuzzy pairs considered (between exact items, 0-based); warnings; and
    the decisions applied, by the rows they name."""

    exact: np.ndarray
    final: np.ndarray
    pairs: Pairs
    warnings: tuple[str, ...]
    decided: Pairs = ()  # type: ignore[assignment]
    """Each decision whose rows were found: (row, row, similarity, same/different)."""


def number(groups: np.ndarray, count: int, rows: Rows) -> np.ndarray:
    """Ids 1…``count`` for groups 0…count-1 (one per row), ordered by each group's first
    day, then its title key there, then file and line: a function of the contents alone.

    >>> rows = Rows(*(np.array(v) for v in ([0, 0, 0], [5, 3, 3], [2, 2, 1], [-1] * 3,
    ...                                     [0, 0, 0], [1, 2, 3])))
    >>> number(np.array([0, 1, 1]), 2, rows).tolist()
    [2, 1, 1]
    """
    if len(groups) == 0:
        return groups.astype(np.int64)
    day = rows.day - rows.day.min()
    primary = day * (int(rows.key.max()) + 1) + rows.key
    none = np.iinfo(np.int64).max
    best = np.full(count, none, dtype=np.int64)
    np.minimum.at(best, groups, primary)
    at_best = primary == best[groups]
    secondary = rows.file * (int(rows.line.max()) + 1) + rows.line
    second = np.full(count, none, dtype=np.int64)
    np.minimum.at(second, groups[at_best], secondary[at_best])
    rank = np.empty(count, dtype=np.int64)
    rank[np.lexsort((second, best))] = np.arange(1, count + 1)
    return rank[groups]


def refine(
    counted: pd.DataFrame,
    rows: Rows,
    identity: Identity,
    decisions: Sequence[Decision],
    located: Sequence[tuple[np.ndarray, np.ndarray]],
    settings: DedupeSettings,
) -> Merged:
    """Exact items (the identity rule, ``different`` decisions already applied), then the
    ``same`` decisions and, with ``--fuzzy``, similar titles on other platforms.

    ``counted`` has a 0…n-1 index, ``title_key``, ``date``, ``platform_rank``, ``file``
    and ``line``; ``located`` gives the rows each decision names (``decisions.locate``).
    """
    items = identity.row_items
    count = int(identity.item.max()) + 1 if len(identity.item) else 0
    exact = number(items, count, rows)
    warnings: list[str] = []
    missing = [
        d.line
        for d, (left, right) in zip(decisions, located, strict=True)
        if not (len(left) and len(right))
    ]
    if missing:
        shown = (
            "、".join(str(n) for n in missing[:10]) + " 行" + ("等" if len(missing) > 10 else "")
        )
        warnings.append(
            f"人工判定文件中有 {len(missing)} 行所指的信息不在本次读入的数据中，已忽略（第 {shown}）"
        )
    # Decisions work on the distinct items (and publications) their rows belong to, each
    # array of rows once: a link shared by thousands of rows costs its rows once.
    same: set[tuple[int, int]] = set()
    apart: list[tuple[np.ndarray, np.ndarray]] = []
    inseparable: list[int] = []
    items_of, pubs_of = {}, {}
    for d, (left, right) in zip(decisions, located, strict=True):
        if not (len(left) and len(right)):
            continue
        if d.verdict == "same":
            joined = np.union1d(distinct(left, exact, items_of), distinct(right, exact, items_of))
            same.update((int(joined[0]) - 1, int(x) - 1) for x in joined[1:])
        else:
            pubs = distinct(left, identity.publication, pubs_of)
            if np.isin(pubs, distinct(right, identity.publication, pubs_of)).any():
                inseparable.append(d.line)
            apart.append((left, right))
    if inseparable:
        shown = "、".join(str(n) for n in inseparable[:10])
        warnings.append(
            f"人工判定文件第 {shown} 行判为不同的两行是同一平台上的同一篇"
            "（链接相同，或没有链接而标题和日期相同），无法分开"
        )
    # (two rows of one publication are one item: that pair is the one left out)
    held = apart_pairs(apart, exact - 1)
    same_pairs = sorted(same)
    decided = _decided_pairs(counted, decisions, located)
    if not settings.fuzzy and not same_pairs:
        return Merged(exact, exact, [], tuple(warnings), decided)

    reps = first_copies(counted, exact)
    keys = counted["title_key"].to_numpy(dtype=object)[reps].tolist()
    days = rows.day[reps]
    masks = platform_masks(exact, rows.platform, count)
    result = fuzzy.merge(
        keys,
        days,
        settings.window_days,
        settings.fuzzy_threshold,
        same=same_pairs,
        different=held,
        fuzzy=settings.fuzzy,
        masks=masks.tolist(),
    )
    if result.crowded_days:
        warnings.append(
            f"{_days(result.crowded_days)} 发布的标题中相似的太多（一天要比较的配对超过 "
            f"{fuzzy.DAY_PAIRS_LIMIT:,} 对，或相似的配对超过 {fuzzy.DAY_CANDIDATES_LIMIT:,} 对），"
            "这些天没有做相似比较；标题相同的副本照常合并"
        )
    if result.over_total_days:
        warnings.append(
            f"{_days(result.over_total_days)} 发布的标题中相似的最多，而全部要比较的配对超过 "
            f"{fuzzy.TOTAL_PAIRS_LIMIT:,} 对（或相似的配对超过 {fuzzy.TOTAL_CANDIDATES_LIMIT:,} 对），"
            "这些天没有做相似比较；标题相同的副本照常合并"
        )
    finals, groups = np.unique(result.group[exact - 1], return_inverse=True)
    final = number(groups.astype(np.int64), len(finals), rows)
    return Merged(exact, final, result.pairs, tuple(warnings), decided)


def _days(days: Sequence[int]) -> str:
    """Days (since 1970) as dates, the first five and how many in all.

    >>> _days([17532, 17533])
    '2018-01-01、2018-01-02'
    """
    shown = "、".join(str(np.datetime64(d, "D")) for d in days[:5])
    return shown + (f" 等 {len(days)} 天" if len(days) > 5 else "")


def _decided_pairs(
    counted: pd.DataFrame,
    decisions: Sequence[Decision],
    located: Sequence[tuple[np.ndarray, np.ndarray]],
) -> Pairs:
    """Each decision applied, as the first rows it names on each side, with the similarity
    of their titles (what a clerk saw when deciding)."""
    from rapidfuzz import fuzz

    keys = counted["title_key"]
    out: Pairs = []
    for d, (left, right) in zip(decisions, located, strict=True):
        if len(left) and len(right):
            a, b = int(left[0]), int(right[0])
            score = fuzz.ratio(fuzzy.comparable(keys.iloc[a]), fuzzy.comparable(keys.iloc[b]))
            out.append(
                (
                    a,
                    b,
                    round(float(score), 1),
                    fuzzy.SAME if d.verdict == "same" else fuzzy.DIFFERENT,
                )
            )
    return out


def pairs_frame(counted: pd.DataFrame, fuzzy_pairs: Pairs, decided: Pairs = ()) -> pd.DataFrame:
    """One line per pair: each copy against the one before it in date order, fuzzy pairs
    (between exact items, shown by their first copies), and decisions (by the rows they name).

    A copy on the same platform as the copy before it is a re-export (the same link, or the
    same title on the same day without a link); on another platform, a copy with an equal
    title within the window.
    ``counted`` has ``exact_id`` and ``item_id`` (final) besides ``platform``,
    ``platform_rank``, ``date``, ``file``, ``line``, ``title``, ``url`` and ``guessed``
    (the row's copies were paired by nearest date among several candidates).
    """
    exact = counted["exact_id"].to_numpy(dtype=np.int64)
    final = counted["item_id"].to_numpy(dtype=np.int64)
    reps = first_copies(counted, exact)
    rank = counted["platform_rank"].to_numpy()
    # Each copy against the copy before it in date order: the pairs that matched, each
    # within the window (copies 3 + 3 days apart are one item through the middle one, and
    # are listed so, not as a pair 6 days apart).
    day = counted["date"].to_numpy(dtype="datetime64[s]").astype(np.int64)
    order = np.lexsort((np.arange(len(exact)), rank, day, exact))
    follows = exact[order][1:] == exact[order][:-1]
    others, before = order[1:][follows], order[:-1][follows]
    has_link = (counted["url"] != "").to_numpy()
    one_platform = rank[others] == rank[before]
    linked = has_link[others] & has_link[before]
    guessed = counted["guessed"].to_numpy(dtype=bool)[others]
    across = np.where(guessed, "nearest", "exact")
    kind = np.where(one_platform, np.where(linked, "same_link", "same_day"), across)
    left = np.concatenate(
        [before, reps[[a for a, _, _, _ in fuzzy_pairs]], [a for a, _, _, _ in decided]]
    )
    right = np.concatenate(
        [others, reps[[b for _, b, _, _ in fuzzy_pairs]], [b for _, b, _, _ in decided]]
    )
    status = kind.tolist() + [s for _, _, _, s in fuzzy_pairs] + [s for _, _, _, s in decided]
    score = [100.0] * len(others) + [round(x, 1) for _, _, x, _ in (*fuzzy_pairs, *decided)]
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
