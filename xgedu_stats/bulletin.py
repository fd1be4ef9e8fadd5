"""The twice-monthly 监测通报: what was published in a period, by department, category and
platform, beside the period before; which columns went quiet; the last periods per
department; and, when a mailbox export was read, the period's messages.

Made from one run over every row given (``Result.timeline``: an item belongs to the period
of its earliest copy), so the half-months of a year add up to the year's items.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from xgedu_stats import counters
from xgedu_stats import tables as tbl
from xgedu_stats.config import UNCATEGORISED, Period
from xgedu_stats.count.interactions import NO_DEPARTMENT
from xgedu_stats.count.timeline import counts_by, freshness, in_period, platform_counts_by
from xgedu_stats.periods import DAYS, Span
from xgedu_stats.pipeline import Result
from xgedu_stats.presentation import Chart, Column, Report, Row, Table

#: How many periods the trend table and chart show (this one and those before it).
TREND_PERIODS = 6

#: The kinds of input a bulletin counts (files of others, such as registers, are not read).
KINDS = ("articles", "interactions")

FRESH, STALE, NONE_YET = "按时更新", "超期未更新", "无信息"


@dataclass(frozen=True)
class Bulletin:
    """A bulletin: its report (tables, charts, notes) and what a log line records."""

    report: Report
    items: int
    previous: int
    stale: tuple[str, ...]
    """The stale categories (and departments, with ``--by department``), by name."""
    stale_lines: tuple[str, ...]
    """What the stale ones are, as the notes say it (none when nothing is stale)."""
    outdated: tuple[str, ...] = ()
    """A line when the exports end before the period (not updated since)."""
    warnings: tuple[str, ...] = ()
    """Notes for whoever runs it, not in the bulletin (a [freshness] name of nothing)."""

    def figures(self) -> dict[str, Any]:
        """What a log line records of the bulletin's figures."""
        return {"items": self.items, "previous": self.previous, "stale": list(self.stale)}


def make(result: Result, span: Span, by: Sequence[str] = ()) -> Bulletin:
    """The bulletin of ``span`` from a run whose period is ``span``'s, with its timeline
    (``RunConfig(timeline=True)``); ``by`` holding ``department`` adds the departments'
    freshness."""
    timeline = result.timeline
    if timeline is None:
        raise ValueError("a bulletin needs the run's timeline: RunConfig(timeline=True)")
    before = span.previous()
    both = [before.period, span.period]
    categories = counts_by(timeline, "category", both, [c.name for c in result.settings.categories])
    if UNCATEGORISED in categories.index and not categories.loc[UNCATEGORISED].any():
        categories = categories.drop(UNCATEGORISED)
    known = _departments_up_to(timeline, span)
    departments = _named_last(counts_by(timeline, "department", both, also=known))
    keys = [p.key for p in result.settings.platforms]
    platforms = platform_counts_by(timeline, keys, both)
    platforms.index = [result.settings.platform(k).label for k in keys]
    trend_spans = span.back(TREND_PERIODS)
    trend = counts_by(timeline, "department", [s.period for s in trend_spans], also=known)
    trend = _named_last(trend)

    outdated = _outdated(span, timeline)
    stale_by: list[tuple[str, list[str]]] = []
    fresh_tables = []
    watched = [("category", "类别", [c.name for c in result.settings.categories])]
    if "department" in by:
        watched.append(("department", "发布部门", [d for d in known if d != NO_DEPARTMENT]))
    for column, label, names in watched:
        frame = freshness(timeline, column, names, span.end, result.settings.freshness)
        if column == "department":  # (the longest gone first; none at all first of all)
            days = frame["days"].astype("float").fillna(float("inf"))
            frame = frame.iloc[sorted(range(len(frame)), key=lambda i: -days.iloc[i])]
        stale = [str(n) for n in frame.index[frame["stale"].to_numpy()]]
        stale_by.append(("栏目" if column == "category" else "部门", stale))
        fresh_tables.append(_freshness_table(frame, column, label, span))

    tables = [
        _compare_table("bulletin_departments", "各部门发布信息条数", "发布部门", departments, span),
        _compare_table("bulletin_categories", "各类别发布信息条数", "类别", categories, span),
        _compare_table(
            "bulletin_platforms",
            "各平台发布信息条数",
            "平台",
            platforms,
            span,
            total=False,
            note="；一条信息在几个平台发布的，每个平台各计 1 条",
        ),
        _trend_table(trend, trend_spans),
        *fresh_tables,
    ]
    if result.messages is not None:
        tables.append(tbl.interactions_table(result))
    names = [s.name for s in trend_spans]
    charts = (
        Chart("各类别信息条数：本期和上期", "bulletin_categories", "name", ("current", "previous")),
        Chart(
            f"各部门近 {len(names)} 期信息条数（柱高按各部门自己最多的一期）",
            "bulletin_trend",
            "name",
            tuple(names),
            "trend",
        ),
        Chart("各平台信息条数：本期和上期", "bulletin_platforms", "name", ("current", "previous")),
        Chart("本期网上留言（按类型）", "interactions", "type", ("received", "replied")),
    )
    items, previous = int(categories[1].sum()), int(categories[0].sum())
    report = Report(
        result.period,
        result.totals,
        tuple(tables),
        tuple(
            c.balance(result.counted[c.kind.name].totals)
            for c in counters.COUNTERS
            if c.kind.name in result.counted
        ),
        counters.totals_json(result.counted),
        result.articles_read,
        title=f"信息发布监测通报（{span.label}）",
        charts=charts,
        notes=(*outdated, *_stale_lines(stale_by, all_fresh=True), *_coverage(span, timeline)),
    )
    stale_lines = tuple(_stale_lines(stale_by))
    return Bulletin(
        report,
        items,
        previous,
        tuple(n for _, names in stale_by for n in names),
        stale_lines,
        outdated,
        tuple(_unknown_names(result, timeline)),
    )


def _departments_up_to(timeline: pd.DataFrame, span: Span) -> list[str]:
    """Every department with an item up to the period's end: a department that published
    nothing in the period is listed with its 0."""
    upto = in_period(timeline, Period(None, span.end))
    return sorted(set(timeline["department"][upto].astype("str")))


def _named_last(frame: pd.DataFrame) -> pd.DataFrame:
    """未注明 after the departments that are named."""
    if NO_DEPARTMENT not in frame.index:
        return frame
    order = [d for d in frame.index if d != NO_DEPARTMENT] + [NO_DEPARTMENT]
    return frame.reindex(order)


def _compare_table(
    name: str,
    title: str,
    label: str,
    frame: pd.DataFrame,
    span: Span,
    total: bool = True,
    note: str = "",
) -> Table:
    rows = [
        Row((tbl.not_a_total(str(n), "（名称）"), int(r[1]), int(r[0]), int(r[1] - r[0])))
        for n, r in frame.iterrows()
    ]
    if total:
        now, then = int(frame[1].sum()), int(frame[0].sum())
        rows.append(Row(("合计", now, then, now - then), "total"))
    before = span.previous()
    return Table(
        name,
        f"{title}（本期 {span.label}，上期 {before.label}{note}）",
        (
            Column("name", label),
            Column("current", "本期", True),
            Column("previous", "上期", True),
            Column("change", "增减", True),
        ),
        tuple(rows),
        short=title[:31],
        caption=title,
    )


def _trend_table(frame: pd.DataFrame, spans: Sequence[Span]) -> Table:
    columns = [Column("name", "发布部门")]
    columns += [Column(s.name, s.short, True) for s in spans]
    rows = [
        Row((tbl.not_a_total(str(n), "（名称）"), *(int(v) for v in r)))
        for n, r in frame.iterrows()
    ]
    rows.append(Row(("合计", *(int(frame[i].sum()) for i in range(len(spans)))), "total"))
    title = f"各部门近 {len(spans)} 期发布信息条数"
    return Table(
        "bulletin_trend",
        f"{title}（{_from_to(spans[0], spans[-1])}）",
        tuple(columns),
        tuple(rows),
        short=title,
        caption=title,
    )


def _from_to(first: Span, last: Span) -> str:
    """2017 年 12 月下半月至 2018 年 3 月上半月; days from the first's to the last's for
    ranges of days (their labels are ranges themselves)."""
    if first.kind == DAYS:
        return Span(first.start, last.end, DAYS).label
    return f"{first.label}至 {last.label}"


def _freshness_table(frame: pd.DataFrame, column: str, label: str, span: Span) -> Table:
    rows = []
    for name, r in frame.iterrows():
        latest = None if pd.isna(r["latest"]) else r["latest"].date().isoformat()
        days = None if pd.isna(r["days"]) else int(r["days"])
        state = NONE_YET if latest is None else STALE if r["stale"] else FRESH
        rows.append(Row((str(name), latest, days, int(r["limit"]), state), alert=state != FRESH))
    what = "栏目" if column == "category" else "部门"
    return Table(
        f"freshness_{'departments' if column == 'department' else 'categories'}",
        f"各{what}更新情况（截至 {span.end.isoformat()}；超过期限未发布新信息的为{STALE}）",
        (
            Column("name", label),
            Column("latest", "最近一条"),
            Column("days", "距期末天数", True),
            Column("limit", "期限（天）", True),
            Column("state", "状态"),
        ),
        tuple(rows),
        short=f"各{what}更新情况",
        caption=f"各{what}更新情况",
    )


def _outdated(span: Span, timeline: pd.DataFrame) -> tuple[str, ...]:
    """A line when the exports end before the period starts (not updated since)."""
    if not len(timeline):
        return ("没有读到任何发布信息：本期各项为 0，各栏目都显示超期",)
    first, last = timeline["day"].min().date(), timeline["day"].max().date()
    if first > span.end:
        return (
            f"所给导出中最早的一条信息是 {first.isoformat()}，在本期结束之后：本期不在导出的日期"
            "范围内（本期各项为 0，各栏目都显示超期）",
        )
    if last >= span.start:
        return ()
    return (
        f"所给导出中最新的一条信息是 {last.isoformat()}，在本期开始之前：导出文件可能没有更新"
        "（本期各项为 0，各栏目都显示超期）",
    )


def _coverage(span: Span, timeline: pd.DataFrame) -> list[str]:
    """A line when the exports start after the period before does."""
    if not len(timeline):
        return []
    first = timeline["day"].min().date()
    before = span.previous()
    if first <= before.start or first > span.end:  # (after the end: _outdated says it)
        return []
    return [
        f"所给导出最早的一条信息是 {first.isoformat()}：上期（{before.label}）及更早的条数可能不全"
    ]


def _unknown_names(result: Result, timeline: pd.DataFrame) -> list[str]:
    known = {c.name for c in result.settings.categories} | set(timeline["department"])
    unknown = result.settings.freshness.names(known)
    if not unknown:
        return []
    return [f"配置文件 [freshness] 中的「{'」「'.join(unknown)}」不是任何类别或发布部门"]


def _stale_lines(stale: list[tuple[str, list[str]]], all_fresh: bool = False) -> list[str]:
    """One line per kind of column with stale ones; ``all_fresh``: a line saying so when
    none is."""
    out = [
        f"{STALE}的{what}（{len(names)} 个）：{'、'.join(names)}" for what, names in stale if names
    ]
    if all_fresh and not out:
        out.append(f"各{'、'.join(w for w, _ in stale)}均在期限内更新")
    return out
