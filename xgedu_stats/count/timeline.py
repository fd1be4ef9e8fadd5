"""Counts per period from a run's timeline (``Result.timeline``: every item of every date,
placed on the day of its earliest copy): items per category, department or platform in
each period, and how long each category or department has gone without a new item.

An item is counted in exactly one period (the one its earliest copy falls in), so periods
that cover a year add up to the year's items.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd

from xgedu_stats.config import FreshnessSettings, Period


def in_period(timeline: pd.DataFrame, period: Period) -> np.ndarray:
    """Which items of the timeline belong to the period (a boolean mask)."""
    day = timeline["day"].to_numpy(dtype="datetime64[D]")
    mask = np.ones(len(day), dtype=bool)
    if period.start is not None:
        mask &= day >= np.datetime64(period.start, "D")
    if period.end is not None:
        mask &= day <= np.datetime64(period.end, "D")
    return mask


def counts_by(
    timeline: pd.DataFrame,
    column: str,
    periods: Sequence[Period],
    order: Sequence[str] = (),
    also: Sequence[str] = (),
) -> pd.DataFrame:
    """Items per value of ``column`` (rows) in each period (columns 0…n-1): the values in
    ``order`` first (even with no item), then the others that have items in any of the
    periods or are in ``also`` (0 where none), most items in the last period first, ties
    by name.

    >>> t = pd.DataFrame({"day": pd.to_datetime(["2018-03-01", "2018-03-20", "2018-03-21"]),
    ...                   "category": ["甲", "乙", "乙"]})
    >>> counts_by(t, "category", [Period(date(2018, 3, 1), date(2018, 3, 15)),
    ...                           Period(date(2018, 3, 16), date(2018, 3, 31))]).to_dict("index")
    {'乙': {0: 0, 1: 2}, '甲': {0: 1, 1: 0}}
    """
    values = timeline[column].astype("str")
    columns = {}
    for i, period in enumerate(periods):
        columns[i] = values[in_period(timeline, period)].value_counts()
    frame = pd.DataFrame(columns).fillna(0).astype("int64")
    frame = frame.reindex(columns=range(len(periods)), fill_value=0)
    others = [v for v in dict.fromkeys([*frame.index, *also]) if v not in order]
    last = frame[len(periods) - 1] if len(periods) else pd.Series(0, index=frame.index)
    others.sort(key=lambda v: (-int(last.get(v, 0)), v))
    return frame.reindex([*order, *others], fill_value=0).rename_axis(column)


def platform_counts_by(
    timeline: pd.DataFrame, platforms: Sequence[str], periods: Sequence[Period]
) -> pd.DataFrame:
    """Items with a copy on each platform (rows, in ``platforms``' order — its position is
    the bit of ``platforms`` masks) in each period (columns 0…n-1)."""
    masks = timeline["platforms"].to_numpy(dtype=np.int64)
    within = [in_period(timeline, p) for p in periods]
    rows = {}
    for rank, key in enumerate(platforms):
        on = (masks >> rank) & 1 == 1
        rows[key] = [int(np.count_nonzero(on & w)) for w in within]
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(range(len(periods))))


def freshness(
    timeline: pd.DataFrame,
    column: str,
    names: Sequence[str],
    end: date,
    settings: FreshnessSettings,
) -> pd.DataFrame:
    """For each name (a category or a department): the day of its latest item up to
    ``end``, the days from then to ``end``, its limit and whether it is stale (more days
    than its limit, or no item at all up to ``end``).

    >>> t = pd.DataFrame({"day": pd.to_datetime(["2018-01-01", "2018-03-01", "2018-04-01"]),
    ...                   "category": ["甲", "甲", "乙"]})
    >>> f = freshness(t, "category", ["甲", "乙", "丙"], date(2018, 3, 31), FreshnessSettings(20))
    >>> f[["days", "stale"]].to_dict("index")
    {'甲': {'days': 30, 'stale': True}, '乙': {'days': None, 'stale': True}, '丙': {'days': None, 'stale': True}}
    """
    upto = timeline[in_period(timeline, Period(None, end))]
    latest = upto.groupby(upto[column].astype("str"))["day"].max()
    latest = latest.reindex(list(names))
    days = (pd.Timestamp(end) - latest).dt.days.astype("Int64")
    limits = pd.Series([settings.limit(n) for n in names], index=latest.index, dtype="int64")
    return pd.DataFrame(
        {
            "latest": latest,
            "days": days,
            "limit": limits,
            "stale": (days.isna() | (days > limits)).astype(bool),
        }
    ).rename_axis(column)
