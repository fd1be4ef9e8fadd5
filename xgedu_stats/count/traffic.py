"""Site traffic to figures: the period's page views and visitors, and the page views
counted since a day (门户网站点击率已突破 50 万人次, counted since the site's relaunch).

The rows of one day in one export are added up (an export by hour, or by page); a day
found in two exports (they overlap) is counted once, from the export with more page views
that day (an export made during the day has less of it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from xgedu_stats.config import Period, TrafficSettings
from xgedu_stats.count.totals import KindTotals
from xgedu_stats.items.normalize import (
    AMBIGUOUS_HINT,
    date_problems,
    dates_column,
    days_outside,
    parse_counts,
    records_text,
)

REASON_NO_DATE = "日期为空"
REASON_BAD_DATE = "日期无法识别"
REASON_AMBIGUOUS_DATE = "日期有歧义：" + AMBIGUOUS_HINT
REASON_NO_VIEWS = "浏览量为空"
REASON_BAD_VIEWS = "浏览量无法识别"
REASON_BAD_VISITORS = "访客数无法识别"

REJECT_COLUMNS = ["file", "line", "reason", "date", "page_views", "visitors", "raw"]


@dataclass(frozen=True)
class TrafficTotals(KindTotals):
    """Where every row of the traffic exports went:
    ``rows_read = rejected + out_of_period + duplicates + counted``."""

    counted: int
    days: int
    """The period's days with figures (the counted rows are of these days)."""


@dataclass(frozen=True)
class Traffic:
    page_views: int
    visitors: int | None
    """Summed over the days; None when no export has a visitors column."""
    cumulative_page_views: int
    since: date | None
    """The first day of the cumulative count: ``[traffic] since``, or the first day read."""
    through: date | None
    """Its last day: the period's last day, or the last day read."""
    days: pd.DataFrame
    """One row per day read (any date): ``day``, ``page_views``, ``visitors``, ``file``."""
    totals: TrafficTotals
    rejects: pd.DataFrame
    gaps: Gaps


@dataclass(frozen=True)
class Gaps:
    """What the figures lack: facts for the notes."""

    since_before_data: date | None = None
    """The first day read, when ``[traffic] since`` is earlier: days without figures."""
    since_after_period: bool = False
    """``[traffic] since`` is after the period's end: nothing to add up."""
    missing_days: tuple[date, ...] = ()
    """Days of the period (within the days read, or all of it) without figures."""
    period_days: int = 0
    repeated: tuple[str, int, str, int] | None = None
    """A file with several rows of one date written alike (no time): (file, days, an
    example date, its rows) — added up, as exports by hour are, but perhaps a repeat."""


#: What a count cell says when it has no figure (compared without spaces).
NO_FIGURE = r"[-—–－]+|无|暂无|N/?A"


def count_traffic(
    rows: pd.DataFrame, malformed: pd.DataFrame, settings: TrafficSettings, period: Period
) -> Traffic:
    """The figures of ``rows`` (``file``, ``line``, ``date``, ``page_views``, ``visitors`` as
    strings) for ``period``; ``malformed``: their unreadable records."""
    rows = rows.reset_index(drop=True)
    dates = dates_column(rows["date"])
    views = parse_counts(rows["page_views"])["value"]
    visitor_cells = rows["visitors"].str.strip()
    no_visitors = (visitor_cells == "") | visitor_cells.str.fullmatch(NO_FIGURE, case=False)
    visitors = parse_counts(rows["visitors"])["value"]
    reason = np.full(len(rows), "", dtype=object)
    reason[(visitors.isna() & ~no_visitors).to_numpy()] = REASON_BAD_VISITORS
    reason[views.isna().to_numpy()] = REASON_BAD_VIEWS
    reason[(rows["page_views"].str.strip() == "").to_numpy()] = REASON_NO_VIEWS
    unusable = date_problems(dates, REASON_NO_DATE, REASON_BAD_DATE, REASON_AMBIGUOUS_DATE)
    reason = np.where(unusable != "", unusable, reason)
    invalid = reason != ""
    shown = rows.loc[invalid, ["file", "line", "date", "page_views", "visitors"]]
    rejects = pd.concat(
        [
            shown.assign(
                reason=reason[invalid], raw=records_text(shown, ["date", "page_views", "visitors"])
            ),
            malformed,
        ],
        ignore_index=True,
    ).reindex(columns=REJECT_COLUMNS)
    rejects = rejects.sort_values(["file", "line"], kind="stable", ignore_index=True)

    valid = ~invalid
    frame = pd.DataFrame(
        {
            "day": dates["date"].to_numpy().astype("datetime64[D]")[valid],
            "file": rows["file"].to_numpy()[valid],
            "page_views": views.to_numpy(dtype="int64", na_value=0)[valid],
            "visitors": visitors.to_numpy(dtype="int64", na_value=0)[valid],
            "written": rows["date"].str.strip().to_numpy()[valid],
            "rows": 1,
        }
    )
    repeated = _repeated(frame)
    per_file = frame.drop(columns="written").groupby(["day", "file"], as_index=False).sum()
    # A day in two exports: the export with more page views that day (then the first named).
    per_file = per_file.sort_values(["day", "page_views", "file"], ascending=[True, False, True])
    days = per_file.drop_duplicates("day").reset_index(drop=True)
    day = days["day"].to_numpy()
    outside = days_outside(day, period)
    inside = days[~outside]
    # (a row of a day outside the period is out of it, kept or not: as an article's)
    all_outside = days_outside(per_file["day"].to_numpy(), period)
    first_read = pd.Timestamp(day.min()).date() if len(day) else None
    since = settings.since or first_read
    through = period.end or (pd.Timestamp(day.max()).date() if len(day) else None)
    cumulative = 0
    if since is not None and through is not None:
        span = (day >= np.datetime64(since, "D")) & (day <= np.datetime64(through, "D"))
        cumulative = int(days.loc[span, "page_views"].sum())
    counted = int(inside["rows"].sum())
    totals = TrafficTotals(
        rows_read=len(rows) + len(malformed),
        rejected=len(rejects),
        out_of_period=int(per_file.loc[all_outside, "rows"].sum()),
        duplicates=int(per_file.loc[~all_outside, "rows"].sum()) - counted,
        counted=counted,
        days=len(inside),
    )
    has_visitors = bool((~no_visitors).any())
    return Traffic(
        page_views=int(inside["page_views"].sum()),
        visitors=int(inside["visitors"].sum()) if has_visitors else None,
        cumulative_page_views=cumulative,
        since=since,
        through=through,
        days=days.drop(columns="rows"),
        totals=totals,
        rejects=rejects,
        gaps=_gaps(day, settings, period, since, through, first_read, repeated),
    )


def _repeated(frame: pd.DataFrame) -> tuple[str, int, str, int] | None:
    """The first file with several rows of one date written alike, if any."""
    counts = frame.groupby(["file", "written"], sort=True)["rows"].sum()
    many = counts[counts > 1]
    if many.empty:
        return None
    file = many.index[0][0]
    mine = many.loc[file]
    return str(file), len(mine), str(mine.index[0]), int(mine.iloc[0])


def _gaps(
    day: np.ndarray,
    settings: TrafficSettings,
    period: Period,
    since: date | None,
    through: date | None,
    first_read: date | None,
    repeated: tuple[str, int, str, int] | None,
) -> Gaps:
    """The period's days without figures (between its ends, or the days read when it is
    open), and a since the data cannot support."""
    missing: tuple[date, ...] = ()
    period_days = 0
    if len(day):
        start = period.start or first_read
        end = period.end or pd.Timestamp(day.max()).date()
        if start is not None and end is not None and start <= end:
            wanted = np.arange(np.datetime64(start, "D"), np.datetime64(end, "D") + 1)
            period_days = len(wanted)
            gap = np.setdiff1d(wanted, day)
            missing = tuple(pd.Timestamp(d).date() for d in gap)
    return Gaps(
        since_before_data=first_read
        if settings.since is not None and first_read is not None and settings.since < first_read
        else None,
        since_after_period=since is not None and through is not None and since > through,
        missing_days=missing,
        period_days=period_days,
        repeated=repeated,
    )
