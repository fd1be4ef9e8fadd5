"""How each kind of input other than articles is counted, registered in one place
(``COUNTERS``): the function that makes its figures from its rows, the sentences about them
(its 核对 line, its notes, its rejected rows), how its rejects join the rejects table, and
how ``inspect`` judges one of its files.

A new kind (a register of applications, of appeals) is a module in ``read.kinds`` (its
fields), one in ``count`` (its figures) and an entry here; its tables go in ``tables``. The
pipeline, the rejects table, the 核对 lines, the JSON totals, the CLI's notes and ``inspect``
loop over ``COUNTERS`` and never name a kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Protocol

import pandas as pd

from xgedu_stats import notes
from xgedu_stats.config import Deadline, InteractionSettings, Period, RunConfig, TrafficSettings
from xgedu_stats.count.appeals import count_appeals
from xgedu_stats.count.applications import count_applications
from xgedu_stats.count.documents import count_documents
from xgedu_stats.count.interactions import CalendarNotCovered, Messages, count_messages
from xgedu_stats.count.totals import KindTotals
from xgedu_stats.count.traffic import Traffic, count_traffic
from xgedu_stats.errors import InputError
from xgedu_stats.read.kinds import APPEALS, APPLICATIONS, DOCUMENTS, INTERACTIONS, TRAFFIC, Kind


class Counted(Protocol):
    """What a counter makes: figures with ``totals`` and ``rejects``."""

    @property
    def totals(self) -> KindTotals: ...

    @property
    def rejects(self) -> pd.DataFrame: ...


@dataclass(frozen=True)
class Span:
    """How ``inspect`` sums up one file of a kind: its rejected rows' reasons and the first
    and last day of its data."""

    reasons: pd.Series
    first: str | None = None
    last: str | None = None


@dataclass(frozen=True)
class Counter:
    """A kind's counting, and every sentence about it."""

    kind: Kind
    count: Callable[[pd.DataFrame, pd.DataFrame, RunConfig], Any]
    """From the kind's rows and unreadable records, for one run: its figures (``Counted``)."""
    balance: Callable[[Any], str]
    """The 核对 line of its totals."""
    rejected: str
    """What its rejected rows are, after "有 N 行无效" (the CLI's note)."""
    notes: Callable[[Any], list[str]] = lambda counted: []
    """Warnings about its figures."""
    reject_columns: dict[str, str] = field(default_factory=dict)
    """Its rejects' columns that go under the articles' (``date_raw``, ``views_raw``); none
    (a register): its fields go, labelled, in the raw row's column."""
    span: Callable[[pd.DataFrame, pd.DataFrame], Span] | None = None
    """How ``inspect`` judges one file (its rows and unreadable records)."""


def _count_messages(rows: pd.DataFrame, bad: pd.DataFrame, config: RunConfig) -> Messages:
    try:
        return count_messages(
            rows, bad, config.settings.interactions, config.period, config.judged_on
        )
    except CalendarNotCovered as exc:
        raise InputError(notes.calendar_not_covered(exc.day, exc.version)) from None


def _messages_span(rows: pd.DataFrame, bad: pd.DataFrame) -> Span:
    # (calendar days: no holiday calendar is needed to say how a file reads)
    plain = InteractionSettings(Deadline(1, working=False))
    got = count_messages(rows, bad, plain, Period(), date.today())
    received = got.messages["received"].dropna()
    if not len(received):
        return Span(got.rejects["reason"].astype("str"))
    return Span(got.rejects["reason"].astype("str"), *_days(received.min(), received.max()))


def _traffic_span(rows: pd.DataFrame, bad: pd.DataFrame) -> Span:
    got = count_traffic(rows, bad, TrafficSettings(), Period())
    if not len(got.days):
        return Span(got.rejects["reason"].astype("str"))
    day = got.days["day"]
    return Span(got.rejects["reason"].astype("str"), *_days(day.min(), day.max()))


def _register_span(
    count: Callable[[pd.DataFrame, pd.DataFrame, Period], Any],
) -> Callable[[pd.DataFrame, pd.DataFrame], Span]:
    """How ``inspect`` judges a register: its rejected rows, and the first and last day a
    case began (received, issued)."""

    def span(rows: pd.DataFrame, bad: pd.DataFrame) -> Span:
        got = count(rows, bad, Period())
        reasons = got.rejects["reason"].astype("str")
        began = got.cases["began"].dropna()
        return Span(reasons, *_days(began.min(), began.max())) if len(began) else Span(reasons)

    return span


def _register_line(label: str, what: str, unit: str) -> Callable[[Any], str]:
    def line(t: Any) -> str:
        return (
            f"核对（{label}）：读入 {t.rows_read} 行 = 无效 {t.rejected}"
            f" + 统计期外 {t.out_of_period} + 重复编号 {t.duplicates} + {what} {t.cases} {unit}"
        )

    return line


def _register(
    kind: Kind,
    count: Callable[[pd.DataFrame, pd.DataFrame, Period], Any],
    what: str,
    table: str,
    unit: str,
    rejected: str,
    example: str = "",
) -> Counter:
    """The counter of a register (``count.registers``): counted for the run's period."""
    return Counter(
        kind=kind,
        count=lambda rows, bad, config: count(rows, bad, config.period),
        balance=_register_line(kind.label, what, unit),
        rejected=rejected,
        notes=notes.register(kind.label, what, table, unit, example),
        span=_register_span(count),
    )


def _days(first: Any, last: Any) -> tuple[str, str]:
    return str(first)[:10], str(last)[:10]


def _messages_line(t: Any) -> str:
    return (
        f"核对（网上留言）：读入 {t.rows_read} 行 = 无效 {t.rejected}"
        f" + 统计期外 {t.out_of_period} + 重复 {t.duplicates} + 留言 {t.messages} 件"
    )


def _traffic_line(t: Any) -> str:
    return (
        f"核对（访问统计）：读入 {t.rows_read} 行 = 无效 {t.rejected}"
        f" + 统计期外 {t.out_of_period} + 重复 {t.duplicates} + 计入 {t.counted} 行（{t.days} 天）"
    )


COUNTERS: tuple[Counter, ...] = (
    Counter(
        kind=INTERACTIONS,
        count=_count_messages,
        balance=_messages_line,
        rejected="收到时间为空或无法识别、回复早于收到等",
        notes=notes.message_types,
        reject_columns={"received": "date_raw"},
        span=_messages_span,
    ),
    Counter(
        kind=TRAFFIC,
        count=lambda rows, bad, config: count_traffic(
            rows, bad, config.settings.traffic, config.period
        ),
        balance=_traffic_line,
        rejected="日期或浏览量为空、无法识别等",
        notes=notes.traffic,
        reject_columns={"date": "date_raw", "page_views": "views_raw"},
        span=_traffic_span,
    ),
    _register(
        APPLICATIONS,
        count_applications,
        "申请",
        "表三（收到和处理政府信息公开申请情况）",
        "件",
        "收到日期、申请人类型或办理结果为空或无法识别等",
        "上年登记时未办结、本年登记时已办结",
    ),
    _register(
        APPEALS,
        count_appeals,
        "案件",
        "表四（政府信息公开行政复议、行政诉讼情况）",
        "件",
        "收到日期、类型或结果为空或无法识别等",
        "上年登记时未审结、本年登记时已审结",
    ),
    _register(
        DOCUMENTS,
        count_documents,
        "文件",
        "第二十条第（一）项（规章、行政规范性文件）",
        "件",
        "印发日期或文件类型为空或无法识别等",
        "上年登记时现行有效、本年登记时已废止",
    ),
)


def counter(kind: str) -> Counter | None:
    """The counter of a kind, if it has one."""
    return next((c for c in COUNTERS if c.kind.name == kind), None)


def count_all(kinds: dict[str, tuple[pd.DataFrame, pd.DataFrame]], config: RunConfig) -> dict:
    """The figures of every kind read that has a counter, by kind name, in ``COUNTERS`` order."""
    return {
        c.kind.name: c.count(*kinds[c.kind.name], config) for c in COUNTERS if c.kind.name in kinds
    }


def totals_json(counted: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each kind's totals as JSON (``totals.interactions`` …)."""
    return {name: asdict(found.totals) for name, found in counted.items()}


__all__ = ["COUNTERS", "Counted", "Counter", "Messages", "Span", "Traffic", "count_all", "counter"]
