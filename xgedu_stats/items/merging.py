"""From the identity rule's items to final items: a clerk's decisions, then near-duplicates
(``--fuzzy``); and the pairs that show a clerk every merge.

Glue between the frames of the pipeline, the identity rule (``identity``) and the pure
matching in ``fuzzy``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from xgedu_stats.config import DedupeSettings
from xgedu_stats.items import fuzzy
from xgedu_stats.items.dedupe import first_copies, platform_masks
from xgedu_stats.items.identity import Identity, Rows, apart_pairs, distinct
from xgedu_stats.items.normalize import keys_at
from xgedu_stats.read.decisions import Decision

#: Every status a pair can have, in the order ``duplicates`` lists them (labels: ``tables``).
STATUSES = (
    "exact",
    "nearest",
    "same_link",
    "same_day",
    fuzzy.MERGED,
    fuzzy.DOUBTFUL,
    fuzzy.BELOW,
    fuzzy.REFUSED,
    fuzzy.SAME,
    fuzzy.DIFFERENT,
)
SIDE = ["platform", "file", "line", "title", "date", "url"]
#: The pairs a person should look at: copies paired by nearest date among several
#: candidates, doubtful groups, near misses (``duplicates --doubtful``, ``--write-decisions``).
REVIEW = ("nearest", fuzzy.DOUBTFUL, fuzzy.BELOW)


Pairs = list[tuple[int, int, float, str]]


@dataclass(frozen=True, kw_only=True)
class Merged:
    """Item ids per row, 1…N: ``exact`` by the identity rule, ``final`` after decisions and
    ``--fuzzy``; the fuzzy pairs considered (between exact items, 0-based); the decisions
    applied, by the rows they name; and what could not be done."""

    exact: np.ndarray
    final: np.ndarray
    pairs: Pairs = field(default_factory=list)
    decided: Pairs = field(default_factory=list)
    """Each decision whose rows were found: (row, row, similarity, same/different)."""
    not_found: tuple[int, ...] = ()
    """Lines of decisions that name rows not read."""
    inseparable: tuple[int, ...] = ()
    """Lines of 不同 decisions whose two sides are one publication."""
    crowded_days: tuple[int, ...] = ()
    """Days left out of ``--fuzzy``: too many pairs on the day."""
    over_total_days: tuple[int, ...] = ()
    """Days left out of ``--fuzzy``: too many pairs in all."""


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

    ``counted`` has a 0…n-1 index, ``title``, ``date``, ``platform_rank``, ``file``
    and ``line``; ``located`` gives the rows each decision names (``decisions.locate``).
    """
    items = identity.row_items
    count = int(identity.item.max()) + 1 if len(identity.item) else 0
    exact = number(items, count, rows)
    not_found = tuple(
        d.line
        for d, (left, right) in zip(decisions, located, strict=True)
        if not (len(left) and len(right))
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
    # (two rows of one publication are one item: that pair is the one left out)
    held = apart_pairs(apart, exact - 1)
    same_pairs = sorted(same)
    decided = _decided_pairs(counted, decisions, located, settings.site_names)
    if not settings.fuzzy and not same_pairs:
        return Merged(
            exact=exact,
            final=exact,
            decided=decided,
            not_found=not_found,
            inseparable=tuple(inseparable),
        )

    reps = first_copies(counted, exact)
    keys = keys_at(counted["title"], reps, settings.site_names).tolist()
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
    finals, groups = np.unique(result.group[exact - 1], return_inverse=True)
    final = number(groups.astype(np.int64), len(finals), rows)
    return Merged(
        exact=exact,
        final=final,
        pairs=result.pairs,
        decided=decided,
        not_found=not_found,
        inseparable=tuple(inseparable),
        crowded_days=tuple(result.crowded_days),
        over_total_days=tuple(result.over_total_days),
    )


def _decided_pairs(
    counted: pd.DataFrame,
    decisions: Sequence[Decision],
    located: Sequence[tuple[np.ndarray, np.ndarray]],
    site_names: Sequence[str],
) -> Pairs:
    """Each decision applied, as the first rows it names on each side, with the similarity
    of their titles' keys (what a clerk saw when deciding)."""
    from rapidfuzz import fuzz

    applied = [
        (int(left[0]), int(right[0]), d.verdict)
        for d, (left, right) in zip(decisions, located, strict=True)
        if len(left) and len(right)
    ]
    # (the keys of every row named, made again at once: not once a decision)
    named = np.array([row for a, b, _ in applied for row in (a, b)], dtype=np.int64)
    keys = dict(zip(named.tolist(), keys_at(counted["title"], named, site_names), strict=True))
    return [
        (
            a,
            b,
            round(float(fuzz.ratio(fuzzy.comparable(keys[a]), fuzzy.comparable(keys[b]))), 1),
            fuzzy.SAME if verdict == "same" else fuzzy.DIFFERENT,
        )
        for a, b, verdict in applied
    ]


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
    order = {s: i for i, s in enumerate(STATUSES)}
    out["_order"] = out["status"].map(order)
    out = out.sort_values(
        ["_order", "item_1", "score"], ascending=[True, True, False], kind="stable"
    )
    return out.drop(columns="_order").reset_index(drop=True)
