"""Online messages to figures: how many were received, answered, on time, late, overdue or
still pending, by type — the sentence 受理网上咨询…均在规定期限内答复办结，网上回复率 100%.

A letter exported twice (the same id; without an id, the same title, received time and
type) is one message, answered when the earliest of its copies says so. Its deadline is
the N-th working day after the day it was received (the day itself never counts), by the
official calendar with its 调休 working weekends (``chinese-calendar``), or N calendar days.
Its status is judged on one day (``--as-of``, the period's last day by default):
received = on_time + late + overdue + pending, always.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from xgedu_stats.config import MESSAGE_TYPES, Deadline, InteractionSettings, Period, word_key
from xgedu_stats.count.totals import KindTotals
from xgedu_stats.items.normalize import (
    AMBIGUOUS_HINT,
    date_problems,
    dates_column,
    days_outside,
    records_text,
)
from xgedu_stats.read.kinds import INTERACTIONS

#: The values a type column holds, by the type they count as (compared without spaces).
TYPE_WORDS: dict[str, tuple[str, ...]] = {
    "咨询": ("咨询", "询问", "问题咨询"),
    "建议": ("建议", "意见建议", "意见"),
    "投诉": ("投诉", "举报", "投诉举报"),
    "求助": ("求助",),
    "表扬": ("表扬", "感谢"),
    "其他": ("其他", "其它"),
}
_TYPE_OF = {word: name for name, words in TYPE_WORDS.items() for word in words}

STATUSES = ("on_time", "late", "overdue", "pending")
COUNT_COLUMNS = ("received", "replied", *STATUSES)

REASON_NO_RECEIVED = "收到时间为空"
REASON_BAD_RECEIVED = "收到时间无法识别"
REASON_AMBIGUOUS_RECEIVED = "收到时间有歧义：" + AMBIGUOUS_HINT
REASON_BAD_REPLIED = "回复时间无法识别"
REASON_REPLIED_BEFORE = "回复日期早于收到日期"

REJECT_COLUMNS = ["file", "line", "reason", "title", "received", "replied", "raw"]


@dataclass(frozen=True)
class MessageTotals(KindTotals):
    """Where every row of a mailbox export went:
    ``rows_read = rejected + out_of_period + duplicates + messages``."""

    messages: int


@dataclass(frozen=True)
class Messages:
    """The period's messages and their figures."""

    counts: pd.DataFrame
    """One row per type that occurs (``MESSAGE_TYPES`` order): ``type`` and ``COUNT_COLUMNS``."""
    by_department: pd.DataFrame
    """One row per department that answered (most letters first; ``NO_DEPARTMENT`` last):
    ``department`` and ``COUNT_COLUMNS``."""
    messages: pd.DataFrame
    """One row per message: ``type``, ``received``, ``replied`` (day or NaT), ``due``,
    ``status``, ``department``, ``id``, ``title``, ``file``, ``line`` (its first copy)."""
    totals: MessageTotals
    rejects: pd.DataFrame
    judged_on: date
    unknown_types: dict[str, int]
    """Type values that are none of ``TYPE_WORDS`` (counted as 其他), with their rows."""
    received_after: int = 0
    """Letters of the period received after ``judged_on``: not counted (out of period)."""


def message_type(value: str) -> str | None:
    """The type a cell names, or None for a value that names none (blank is 其他).

    >>> message_type(" 投诉举报 "), message_type(""), message_type("来信")
    ('投诉', '其他', None)
    """
    compact = "".join(value.split())
    return "其他" if not compact else _TYPE_OF.get(compact)


def count_messages(
    rows: pd.DataFrame,
    malformed: pd.DataFrame,
    settings: InteractionSettings,
    period: Period,
    judged_on: date,
) -> Messages:
    """The figures of the messages received in ``period``, judged on ``judged_on``.

    ``rows``: every row read from mailbox exports (``file``, ``line`` and the fields of
    ``read.kinds.INTERACTIONS`` as strings); ``malformed``: their unreadable records.
    """
    rows = rows.reset_index(drop=True)
    received = dates_column(rows["received"])
    replied = dates_column(rows["replied"])
    day = received["date"].to_numpy().astype("datetime64[D]")
    reply_day = replied["date"].to_numpy().astype("datetime64[D]")
    reason = np.full(len(rows), "", dtype=object)
    reply_given = ~replied["blank"].to_numpy() & ~_no_reply(rows["replied"])
    reason[reply_given & replied["date"].isna().to_numpy()] = REASON_BAD_REPLIED
    reason[reply_given & replied["ambiguous"].to_numpy()] = REASON_BAD_REPLIED
    reason[reply_day < day] = REASON_REPLIED_BEFORE  # (NaT compares False)
    unusable = date_problems(
        received, REASON_NO_RECEIVED, REASON_BAD_RECEIVED, REASON_AMBIGUOUS_RECEIVED
    )
    reason = np.where(unusable != "", unusable, reason)
    outside = days_outside(day, period)
    invalid = reason != ""
    rejects = pd.concat(
        [
            rows.loc[invalid & ~outside, ["file", "line", "title", "received", "replied"]].assign(
                reason=reason[invalid & ~outside],
                raw=records_text(
                    rows.loc[invalid & ~outside], [f.key for f in INTERACTIONS.fields]
                ),
            ),
            malformed,
        ],
        ignore_index=True,
    ).reindex(columns=REJECT_COLUMNS)
    rejects = rejects.sort_values(["file", "line"], kind="stable", ignore_index=True)

    valid = np.flatnonzero(~invalid)
    kept = rows.iloc[valid].reset_index(drop=True)
    message = _message_ids(kept, received["date"].to_numpy()[valid])
    types = [message_type(v) for v in kept["type"].tolist()]
    unknown = pd.Series([v.strip() for v, t in zip(kept["type"], types, strict=True) if t is None])
    unknown_types = {str(k): int(n) for k, n in unknown.value_counts().items()}
    frame = pd.DataFrame(
        {
            "message": message,
            "type": [t or "其他" for t in types],
            "received": day[valid],
            "replied": reply_day[valid],
            "department": _departments(kept["department"]),
            "id": kept["id"].str.strip(),
            "title": kept["title"].str.strip(),
            "file": kept["file"],
            "line": kept["line"],
        }
    )
    messages = _merged(frame)
    received_on = messages["received"].to_numpy()
    in_period = ~days_outside(received_on, period)
    # Letters received after the day they are judged on did not exist yet on that day.
    not_yet = in_period & (received_on > np.datetime64(judged_on, "D"))
    in_period &= ~not_yet
    copies = np.bincount(message, minlength=len(messages))
    out_of_period_rows = int(copies[~in_period].sum()) + int(np.count_nonzero(invalid & outside))
    messages = messages[in_period].reset_index(drop=True)
    messages["due"] = _due_days(messages, settings)
    messages["status"] = _statuses(messages, judged_on)
    counted_rows = int(copies[in_period].sum())
    totals = MessageTotals(
        rows_read=len(rows) + len(malformed),
        rejected=len(rejects),
        out_of_period=out_of_period_rows,
        duplicates=counted_rows - len(messages),
        messages=len(messages),
    )
    departments = messages["department"].where(messages["department"] != "", NO_DEPARTMENT)
    return Messages(
        counts=_counts(messages["type"], messages["status"], MESSAGE_TYPES, "type"),
        by_department=_counts(departments, messages["status"], _by_size(departments), "department"),
        messages=messages,
        totals=totals,
        rejects=rejects,
        judged_on=judged_on,
        unknown_types=unknown_types,
        received_after=int(np.count_nonzero(not_yet)),
    )


#: What a reply cell says when there is no reply yet (compared without spaces).
NO_REPLY = ("未回复", "未答复", "待回复", "待答复", "暂无", "无", "未办结", "办理中", "处理中")


def _no_reply(values: pd.Series) -> np.ndarray:
    """Reply cells that say there is no reply (``NO_REPLY``, or only dashes)."""
    compact = values.map(lambda v: "".join(v.split()))
    dashes = compact.str.fullmatch(r"[-—–－_/／\\]+")
    return (compact.isin(NO_REPLY) | dashes).to_numpy(dtype=bool)


def _message_ids(rows: pd.DataFrame, received: np.ndarray) -> np.ndarray:
    """One number per message, 0…: rows with the same id are one message when each was
    received within ``ID_WINDOW_DAYS`` of the one before (two systems may log a letter a
    day apart; one that numbers letters afresh each year reuses ids). Rows without an
    id are copies of one message when their title, received time and type are the same
    (the time compared as the day read and the numbers after it: ``10:00`` and ``10时0分``
    agree) — at most one copy per file: within one export, such rows are letters of their
    own (three 咨询 received the same day, in an export without titles), matched in order
    with those of another export."""
    ids = rows["id"].str.strip()
    clock = rows["received"].map(_time_of_day).to_numpy(dtype=object)
    has_id = (ids != "").to_numpy()
    day = received.astype("datetime64[D]").astype(str).astype(object)
    title = rows["title"].str.strip()
    kind = rows["type"].map(lambda v: "".join(v.split()))
    letter = (
        "row\x00"
        + title.to_numpy(dtype=object)
        + "\x00"
        + day
        + clock
        + "\x00"
        + kind.to_numpy(dtype=object)
    )
    # (the k-th such row of a file is a copy of the k-th of another file)
    nth = pd.Series(letter).groupby([letter, rows["file"].to_numpy()]).cumcount().to_numpy()
    key = np.where(
        has_id,
        "id\x00" + _id_letters(ids, received).astype(str).astype(object),
        letter + "\x00" + nth.astype(str).astype(object),
    )
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    # Numbered by first appearance, so that messages keep the order of the exports.
    order = np.argsort(first, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank[inverse.reshape(-1)]


#: Rows of one id received this many days apart or fewer are one letter.
ID_WINDOW_DAYS = 3


def _id_letters(ids: pd.Series, received: np.ndarray) -> np.ndarray:
    """Per row, a number equal for rows of one letter by id (``_message_ids``)."""
    day = received.astype("datetime64[D]").astype(np.int64)
    frame = pd.DataFrame({"id": ids.to_numpy(), "day": day}).sort_values(["id", "day"])
    new = (frame["id"] != frame["id"].shift()) | (frame["day"].diff() > ID_WINDOW_DAYS)
    letter = np.empty(len(frame), dtype=np.int64)
    letter[frame.index.to_numpy()] = new.cumsum().to_numpy()
    return letter


def _time_of_day(text: str) -> str:
    """The numbers after a date's first three (its time of day), trailing zeros dropped.

    >>> _time_of_day("2018-03-02 10:00:00"), _time_of_day("2018年3月2日 10时0分"), _time_of_day("2018/3/2")
    (' 10', ' 10', '')
    """
    numbers = [int(n) for n in re.findall(r"\d+", text)[3:]]
    while numbers and numbers[-1] == 0:
        numbers.pop()
    return "".join(f" {n}" for n in numbers)


def _merged(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per message: the earliest day received and replied among its copies, the
    first type that is not 其他 (else 其他), the first department and title given."""
    groups = frame.groupby("message", sort=True)
    named = frame["type"].where(frame["type"] != "其他")
    department = frame["department"].where(frame["department"] != "")
    out = pd.DataFrame(
        {
            "type": named.groupby(frame["message"]).first().reindex(groups.size().index),
            "received": groups["received"].min(),
            "replied": groups["replied"].min(),
            "department": department.groupby(frame["message"]).first(),
            "id": groups["id"].first(),
            "title": groups["title"].first(),
            "file": groups["file"].first(),
            "line": groups["line"].first(),
        }
    )
    out["type"] = out["type"].fillna("其他")
    out["department"] = out["department"].fillna("")
    return out.reset_index(drop=True)


def _due_days(messages: pd.DataFrame, settings: InteractionSettings) -> np.ndarray:
    """Each message's last day to reply on time (one calendar walk per distinct day and
    deadline: a year has a few hundred)."""
    due = np.full(len(messages), np.datetime64("NaT"), dtype="datetime64[D]")
    keys = pd.DataFrame(
        {"day": messages["received"], "deadline": messages["type"].map(settings.deadline_for)}
    )
    for (day, deadline), at in keys.groupby(["day", "deadline"], sort=False).indices.items():
        due[at] = np.datetime64(due_day(pd.Timestamp(day).date(), deadline), "D")
    return due


def due_day(
    received: date, deadline: Deadline, workday: Callable[[date], bool] | None = None
) -> date:
    """The last day of a reply on time: the ``deadline.days``-th working (or calendar) day
    after the day received, which never counts.

    >>> due_day(date(2018, 2, 13), Deadline(5))  # before the Spring Festival: 02-15 … 02-21 off
    datetime.date(2018, 2, 26)
    >>> due_day(date(2018, 3, 30), Deadline(15, working=False))
    datetime.date(2018, 4, 14)
    """
    if not deadline.working:
        return received + timedelta(days=deadline.days)
    is_workday = workday or _official_workday
    day, left = received, deadline.days
    while left:
        day += timedelta(days=1)
        left -= is_workday(day)
    return day


def _official_workday(day: date) -> bool:
    """Whether the official calendar makes ``day`` a working day (调休 Saturdays and Sundays
    included), from the ``chinese-calendar`` package."""
    import chinese_calendar

    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        raise CalendarNotCovered(day, getattr(chinese_calendar, "__version__", "")) from None


class CalendarNotCovered(Exception):
    """A working-day deadline reaches a year the installed ``chinese-calendar`` does not know."""

    def __init__(self, day: date, version: str) -> None:
        super().__init__(day, version)
        self.day, self.version = day, version


def _statuses(messages: pd.DataFrame, judged_on: date) -> np.ndarray:
    as_of = np.datetime64(judged_on, "D")
    replied_day = messages["replied"].to_numpy(dtype="datetime64[D]")
    due = messages["due"].to_numpy(dtype="datetime64[D]")
    replied = replied_day <= as_of  # (NaT: not replied)
    return np.select(
        [replied & (replied_day <= due), replied, due < as_of],
        ["on_time", "late", "overdue"],
        "pending",
    )


#: The department of a letter whose exports name none.
NO_DEPARTMENT = "未注明"
#: What a department cell says when it names none (compared as ``word_key`` makes them).
_NO_DEPARTMENT_WORDS = frozenset(("", "无", "空", "暂无", "未知", "null", "none"))


def _departments(cells: pd.Series) -> pd.Series:
    """Each letter's department (``department_name``), names that differ only in spaces or
    punctuation (基础 教育科) written as the first of them."""
    names = cells.map(department_name)
    keys = names.map(word_key)
    first = names.groupby(keys.to_numpy(), sort=False).transform("first")
    return first.where(names != "", "")


def department_name(cell: str) -> str:
    """A department as tables show it: NFKC (ＡＢＣ科 is ABC科), no invisible characters,
    spaces inside collapsed; "" for a cell that names none (无, -, （空）).

    >>> [department_name(v) for v in [" ＡＢＣ科 ", "办公\u200b室", "（空）", "-", "合计"]]
    ['ABC科', '办公室', '', '', '合计']
    """
    text = unicodedata.normalize("NFKC", cell)
    text = " ".join("".join(c for c in text if unicodedata.category(c) != "Cf").split())
    if word_key(text).casefold() in _NO_DEPARTMENT_WORDS:
        return ""
    return text


def _by_size(departments: pd.Series) -> list[str]:
    """Departments by letters received, most first, ties by name; ``NO_DEPARTMENT`` last."""
    sizes = departments.value_counts()
    named = sorted((d for d in sizes.index if d != NO_DEPARTMENT), key=lambda d: (-sizes[d], d))
    return [*named, *([NO_DEPARTMENT] if NO_DEPARTMENT in sizes.index else [])]


def _counts(keys: pd.Series, statuses: pd.Series, order: Sequence[str], name: str) -> pd.DataFrame:
    """Per key that occurs, in ``order``: received, replied and each status."""
    status = pd.Categorical(statuses, categories=STATUSES)
    by_status = pd.crosstab(keys.to_numpy(), status, dropna=False)
    by_status = by_status.reindex(columns=list(STATUSES), fill_value=0)
    present = [t for t in order if t in by_status.index]
    by_status = by_status.reindex(present, fill_value=0)
    out = pd.DataFrame(
        {
            name: present,
            "received": by_status.sum(axis=1).to_numpy(dtype=np.int64),
            "replied": (by_status["on_time"] + by_status["late"]).to_numpy(dtype=np.int64),
            **{s: by_status[s].to_numpy(dtype=np.int64) for s in STATUSES},
        }
    )
    return out


def rate(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in percent, one decimal, halves rounded up; None when whole is 0.

    >>> rate(1, 8), rate(259, 259), rate(0, 0)
    (12.5, 100.0, None)
    """
    if whole == 0:
        return None
    exact = Decimal(part * 100) / Decimal(whole)
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
