"""The periods of a bulletin: half-months (``2018-03a`` days 1–15, ``2018-03b`` the 16th to
the month's end), months (``2018-03``), any range of days (``2018-03-01..2018-03-20``) and
``last-half-month`` (the last complete half-month before a day: for cron). Each knows the
period before it of the same kind, so a bulletin compares like with like.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from xgedu_stats.config import Period
from xgedu_stats.messages import shorten

HALF, MONTH, DAYS = "half", "month", "days"

_HALF = re.compile(r"(\d{4})-(\d{1,2})([ab])")
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_DAY = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")

#: The words ``--period`` takes besides dates.
LAST_HALF_MONTH = "last-half-month"
#: The years a period may be in (as ``--year``'s).
FIRST_YEAR, LAST_YEAR = 1900, 2100


class PeriodError(ValueError):
    """A period that cannot be read; its message is the Chinese line a clerk sees."""


@dataclass(frozen=True)
class Span:
    """A bulletin's period: its first and last day and its kind (``half``, ``month`` or
    ``days``).

    >>> Span.parse("2018-02b")
    Span(start=datetime.date(2018, 2, 16), end=datetime.date(2018, 2, 28), kind='half')
    """

    start: date
    end: date
    kind: str

    @classmethod
    def parse(cls, text: str, today: date | None = None) -> Span:
        """Read ``--period``; ``today`` is the day ``last-half-month`` is counted back from."""
        value = text.strip()
        text = shorten(value, 40)  # (as messages quote it)
        if value.casefold() == LAST_HALF_MONTH:
            return last_half_month(today or date.today())
        if ".." in value:
            first, _, last = value.partition("..")
            start, end = _day(first), _day(last)
            if end < start:
                raise PeriodError(f"统计期「{text}」的结束日期早于开始日期")
            return cls.of_days(start, end)
        if found := _HALF.fullmatch(value):
            year, month = _year_month(found.group(1), found.group(2), text)
            return half(year, month, found.group(3) == "b")
        if found := _MONTH.fullmatch(value):
            year, month = _year_month(found.group(1), found.group(2), text)
            return cls(date(year, month, 1), _month_end(year, month), MONTH)
        raise PeriodError(
            f"读不懂统计期「{text}」：可写 2018-03a（上半月：1–15 日）、2018-03b（下半月：16 日至月末）、"
            f"2018-03（整月）、2018-03-01..2018-03-20（起止日期）或 {LAST_HALF_MONTH}（今天之前最近的完整半月）"
        )

    @classmethod
    def of_days(cls, start: date, end: date) -> Span:
        """A range of days; one that is exactly a half-month or a month is of that kind."""
        if start.day == 1 and end == _month_end(start.year, start.month):
            return cls(start, end, MONTH)
        for b in (False, True):
            h = half(start.year, start.month, b)
            if (h.start, h.end) == (start, end):
                return h
        return cls(start, end, DAYS)

    @property
    def period(self) -> Period:
        return Period(self.start, self.end)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Span:
        """The period just before, of the same kind (a range: as many days, ending the day
        before).

        >>> Span.parse("2018-03a").previous().name, Span.parse("2018-01").previous().name
        ('2018-02b', '2017-12')
        """
        if self.kind == HALF:
            if self.start.day == 16:
                return half(self.start.year, self.start.month, False)
            before = self.start - timedelta(days=1)
            return half(before.year, before.month, True)
        if self.kind == MONTH:
            before = self.start - timedelta(days=1)
            return Span(before.replace(day=1), before, MONTH)
        end = self.start - timedelta(days=1)
        return Span(end - timedelta(days=self.days - 1), end, DAYS)

    def back(self, count: int) -> list[Span]:
        """This period and the ``count - 1`` before it, oldest first."""
        out = [self]
        while len(out) < count:
            out.append(out[-1].previous())
        return out[::-1]

    @property
    def name(self) -> str:
        """As ``--period`` takes it: ``2018-03a``, ``2018-03``, ``2018-03-01..2018-03-20``."""
        if self.kind == HALF:
            return f"{self.start:%Y-%m}{'a' if self.start.day == 1 else 'b'}"
        if self.kind == MONTH:
            return f"{self.start:%Y-%m}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def label(self) -> str:
        """As a bulletin's title says it: 2018 年 3 月上半月."""
        if self.kind == HALF:
            part = "上半月" if self.start.day == 1 else "下半月"
            return f"{self.start.year} 年 {self.start.month} 月{part}"
        if self.kind == MONTH:
            return f"{self.start.year} 年 {self.start.month} 月"
        if self.start == self.end:
            return _written(self.start)
        return f"{_written(self.start)}至 {_written(self.end)}"

    @property
    def short(self) -> str:
        """As a column or a chart's bar says it: 3月上, 3月, 2018.3.1–3.20 (a range of days
        with its year: ranges a year long would otherwise all read 1.1–12.31)."""
        if self.kind == HALF:
            return f"{self.start.month}月{'上' if self.start.day == 1 else '下'}"
        if self.kind == MONTH:
            return f"{self.start.month}月"
        s, e = self.start, self.end
        if s == e:
            return f"{s.year}.{s.month}.{s.day}"
        end = f"{e.year}." if e.year != s.year else ""
        return f"{s.year}.{s.month}.{s.day}–{end}{e.month}.{e.day}"

    def placeholders(self) -> dict[str, str]:
        """What ``{from}``, ``{to}`` and ``{period}`` stand for in an output path."""
        return {"from": self.start.isoformat(), "to": self.end.isoformat(), "period": self.name}


def half(year: int, month: int, second: bool) -> Span:
    """The first (days 1–15) or second (16th to the month's end) half of a month."""
    if second:
        return Span(date(year, month, 16), _month_end(year, month), HALF)
    return Span(date(year, month, 1), date(year, month, 15), HALF)


def last_half_month(today: date) -> Span:
    """The last half-month that ended before ``today``.

    >>> [last_half_month(date(2018, 3, d)).name for d in (1, 15, 16, 31)]
    ['2018-02b', '2018-02b', '2018-03a', '2018-03a']
    """
    if today.day >= 16:
        return half(today.year, today.month, False)
    before = today.replace(day=1) - timedelta(days=1)
    return half(before.year, before.month, True)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _year_month(year: str, month: str, text: str) -> tuple[int, int]:
    y, m = int(year), int(month)
    if not FIRST_YEAR <= y <= LAST_YEAR:
        raise PeriodError(f"统计期「{text}」的年份应在 {FIRST_YEAR} 到 {LAST_YEAR} 之间")
    if not 1 <= m <= 12:
        raise PeriodError(f"统计期「{text}」的年月不对（月份应为 1–12）")
    return y, m


def _day(text: str) -> date:
    value = text.strip()
    if not _DAY.fullmatch(value):
        raise PeriodError(f"「{shorten(value, 40)}」不是日期：起止日期写成 2018-03-01..2018-03-20")
    try:
        day = date(*map(int, value.split("-")))
    except ValueError:
        raise PeriodError(f"没有「{value}」这一天") from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise PeriodError(f"「{value}」的年份应在 {FIRST_YEAR} 到 {LAST_YEAR} 之间")
    return day


def _written(day: date) -> str:
    return f"{day.year} 年 {day.month} 月 {day.day} 日"
