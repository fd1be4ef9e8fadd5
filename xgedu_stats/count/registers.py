"""What every register (登记表) shares: one row per case, a day it began (received, issued)
and maybe a day it ended (closed, concluded, repealed), values that sort it into the
official table's rows, and an id that makes two rows one case.

A case counts for a period when it began by the period's end and had not ended before the
period began; the others are out of period. ``rows_read = rejected + out_of_period +
duplicates + cases``, always.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from xgedu_stats.config import Period, word_key
from xgedu_stats.count.totals import KindTotals
from xgedu_stats.items.normalize import (
    AMBIGUOUS_HINT,
    date_problems,
    dates_column,
    days_outside,
    records_text,
)
from xgedu_stats.read.kinds import Kind

REJECT_COLUMNS = ["file", "line", "reason", "raw"]


@dataclass(frozen=True)
class RegisterTotals(KindTotals):
    """Where every row of a register went:
    ``rows_read = rejected + out_of_period + duplicates + cases``."""

    cases: int


@dataclass(frozen=True)
class Cases:
    """A register's cases that count for a period, and what became of its other rows."""

    cases: pd.DataFrame
    """One row per case: ``began``, ``ended`` (days; NaT when it has not ended), the kind's
    value columns, ``file`` and ``line`` of its first row."""
    totals: RegisterTotals
    rejects: pd.DataFrame
    """``file``, ``line``, ``reason``, ``raw`` (the row as written) and the kind's fields."""
    repeated_ids: dict[str, int]
    """Ids written on more than one row (one case each), with how many rows."""
    conflicts: dict[str, dict[str, tuple[str, ...]]]
    """Ids whose rows fill a field differently (all those rows rejected): for each, the
    fields' labels and the values written."""
    unidentified: int
    """Valid rows without an id (each its own case: copies of it cannot be told)."""
    files: int
    """How many files the rows came from."""


@dataclass(frozen=True)
class Tally:
    """A register's figures for one period (an official table's cells), and the cases and
    rows behind them."""

    counts: pd.DataFrame
    """The table's cells: rows and columns are each register's (its module says which)."""
    cases: pd.DataFrame
    totals: RegisterTotals
    rejects: pd.DataFrame
    repeated_ids: dict[str, int]
    conflicts: dict[str, dict[str, tuple[str, ...]]]
    unidentified: int
    files: int


@dataclass(frozen=True)
class Check:
    """A row check: the rows it rejects and why (checks are applied in order; a row gets the
    reason of the first check that rejects it)."""

    reason: str
    rejects: np.ndarray


def day_column(rows: pd.DataFrame, key: str) -> tuple[np.ndarray, pd.DataFrame]:
    """A date field as days (``datetime64[D]``, NaT when blank or unreadable), and
    ``dates_column``'s frame (``blank``, ``ambiguous``)."""
    parsed = dates_column(rows[key])
    return parsed["date"].to_numpy().astype("datetime64[D]"), parsed


def start_checks(
    rows: pd.DataFrame, key: str, reasons: tuple[str, str, str]
) -> tuple[np.ndarray, Check]:
    """The day each case began, and the check that it is there and readable (``reasons``:
    blank, unreadable, ambiguous)."""
    day, parsed = day_column(rows, key)
    return day, Check("", date_problems(parsed, *reasons))


def end_checks(
    rows: pd.DataFrame, key: str, began: np.ndarray, reasons: tuple[str, str]
) -> tuple[np.ndarray, list[Check]]:
    """The day each case ended (NaT: not ended), and the checks that it is readable and not
    before the day it began (``reasons``: unreadable, before)."""
    day, parsed = day_column(rows, key)
    given = ~parsed["blank"].to_numpy()
    unreadable = given & (parsed["date"].isna().to_numpy() | parsed["ambiguous"].to_numpy())
    return day, [Check(reasons[0], unreadable), Check(reasons[1], day < began)]  # (NaT: False)


def ended_with(outcome: pd.Series, end: pd.Series, reasons: tuple[str, str]) -> tuple[Check, Check]:
    """The checks that a case's outcome and the day it ended are given together
    (``reasons``: an outcome without the day, the day without an outcome)."""
    outcome_blank, end_blank = blank(outcome), blank(end)
    return (
        Check(reasons[0], ~outcome_blank & end_blank),
        Check(reasons[1], outcome_blank & ~end_blank),
    )


def date_reasons(start: str, end: str) -> tuple[tuple[str, str, str], tuple[str, str]]:
    """The reasons a register's two dates are rejected with, by their labels."""
    return (
        (start + "为空", start + "无法识别", start + "有歧义：" + AMBIGUOUS_HINT),
        (end + "无法识别", end + "早于" + start),
    )


_BRACKETS = str.maketrans(dict.fromkeys("[【〖(", "〔") | dict.fromkeys("]】〗)", "〕"))
REASON_CONFLICT = "同一编号的几行所填不一致（日期、类型或结果不同），无法判断以哪行为准"
REASON_COPY_INVALID = "同一编号的另一行无效，这一件不予统计：改正那一行后重新统计"


def case_key(value: str) -> str:
    """An id as the rows of one case share it: NFKC, without spaces or invisible characters,
    brackets of any shape as 〔〕, case-folded, whole numbers without leading zeros, without
    a closing 号. Other punctuation is part of the id (2023-1-12 is not 2023-11-2). A
    placeholder (/, -, 无, 无编号, 0) is no id ("").

    >>> case_key(" 孝教规[2021]01号 "), case_key("ｋ１"), case_key("2023-1-12") == case_key("2023-11-2")
    ('孝教规〔2021〕1', 'k1', False)
    >>> case_key("/"), case_key("（无）"), case_key("无文号"), case_key("0"), case_key("3.05") == case_key("3.5")
    ('', '', '', '', False)
    """
    text = unicodedata.normalize("NFKC", value)
    text = "".join(c for c in text if unicodedata.category(c)[0] not in "ZC" and not c.isspace())
    text = text.translate(_BRACKETS).casefold()
    core = "".join(c for c in text if c.isalnum())
    if core in _PLACEHOLDERS or not core.strip("0"):  # (无编号, （无）, 0: no id)
        return ""
    return _LEADING_ZEROS.sub("", text.removesuffix("号").removesuffix("號"))


_PLACEHOLDERS = {
    *("无", "暂无", "空", "没有", "略", "待定", "待编", "未编号"),
    *("无编号", "无文号", "无案号", "无号", "na", "none", "null"),
}
#: Zeros before a whole number's digits (02 号 is 2 号; the 05 of 3.05 stays).
_LEADING_ZEROS = re.compile(r"(?<![\d.])0+(?=\d)")


@dataclass(frozen=True)
class Layout:
    """Which fields of a register say what: the id of a case, the day it began and the day
    it ended, and the fields that sort it into its table (compared between its copies)."""

    id: str
    start: str
    end: str
    sorted_by: tuple[str, ...]


#: What a register's module makes of its rows (with copies' blanks filled): each row's
#: ``sorted_by`` fields as official labels ("" when blank), by key, and its row checks.
Sort = Callable[[pd.DataFrame], tuple[dict[str, np.ndarray], list[Check]]]


def read_cases(
    rows: pd.DataFrame,
    malformed: pd.DataFrame,
    kind: Kind,
    period: Period,
    layout: Layout,
    sort: Sort,
) -> Cases:
    """A register's cases for ``period``: its copies read together (``filled``), its days
    checked (blank, unreadable, ambiguous, ended before begun), then ``sort``'s checks,
    then one case per id (``count_cases``)."""
    rows = rows.reset_index(drop=True)
    given = filled(rows, kind, layout)
    start_reasons, end_reasons = date_reasons(
        kind.field(layout.start).label, kind.field(layout.end).label
    )
    began, start = start_checks(given, layout.start, start_reasons)
    ended, end = end_checks(given, layout.end, began, end_reasons)
    values, checks = sort(given)
    return count_cases(
        rows,
        malformed,
        kind,
        period,
        layout,
        (began, ended),
        start.rejects,
        [*end, *checks],
        values,
    )


def filled(rows: pd.DataFrame, kind: Kind, layout: Layout) -> pd.DataFrame:
    """``rows`` with each blank field of a row taken from another row of its id, when the
    copies agree on every counted field they both fill: a case's copies (last year's
    register and this year's) are read together before they are checked, so that a field
    typed on one copy only is the case's. Copies that disagree are left as written
    (``count_cases`` rejects them). Days are compared as days; of the other fields only
    ``layout.sorted_by`` (free text such as 申请内容 may differ between copies)."""
    dates, sorted_by = (layout.start, layout.end), layout.sorted_by
    keys = pd.Series([case_key(str(v)) for v in rows[layout.id].to_numpy(dtype=object)])
    keys.index = rows.index
    shared = (keys != "") & keys.duplicated(keep=False)
    if not shared.any():
        return rows
    fields = [f.key for f in kind.fields if f.key != layout.id]
    part = rows.loc[shared, fields].astype(object).fillna("").astype(str)
    given = part.apply(lambda c: c.str.strip() != "")
    seen = pd.DataFrame(index=part.index)  # (each value as it is compared: days as days)
    usable = given.copy()  # (an unreadable date is not given to another copy)
    for f in fields:
        if f in dates:
            day = dates_column(part[f])["date"]
            seen[f] = day.astype(str).where(day.notna(), part[f])
            usable[f] &= day.notna()
        else:
            seen[f] = part[f].map(word_key).str.casefold()
    seen = seen[[*dates, *sorted_by]].where(given[[*dates, *sorted_by]], None)
    group = keys[shared]
    agree = ~(seen.groupby(group).transform("nunique") > 1).any(axis=1)
    unreadable = (given & ~usable).any(axis=1).groupby(group).transform("any")
    agree &= ~unreadable  # (left as written: that copy is rejected, and the case with it)
    taken = part.where(usable, None).groupby(group, sort=False).transform("first")
    out = rows.copy()
    for f in fields:
        fill = agree & ~given[f] & taken[f].notna()
        out.loc[fill[fill].index, f] = taken.loc[fill, f].astype(str)
    return out


def count_cases(
    rows: pd.DataFrame,
    malformed: pd.DataFrame,
    kind: Kind,
    period: Period,
    layout: Layout,
    days: tuple[np.ndarray, np.ndarray],
    start_reason: np.ndarray,
    checks: Sequence[Check],
    values: dict[str, np.ndarray],
) -> Cases:
    """Reject rows by ``start_reason`` then ``checks``; make the rows of one id one case;
    keep the cases of the period.

    ``days``: the day each row began and ended (NaT: blank). ``values``: the kind's
    columns of each row (already sorted into official labels; "" when blank), by field key. The rows of one id are copies of one case (last year's
    register and this year's): each field of the case is the one its copies fill; copies
    that fill a field differently are all rejected, since which is right cannot be told."""
    began, ended = days
    reason = np.asarray(start_reason, dtype=object).copy()
    for check in checks:
        reason = np.where((reason == "") & check.rejects, check.reason, reason)
    raw_ids = np.array(
        [str(v).strip() for v in rows[layout.id].to_numpy(dtype=object)], dtype=object
    )
    keys = np.array([case_key(v) for v in raw_ids], dtype=object)
    # (a case with an invalid copy is not counted from its others: that copy may be the one
    # that closed it)
    spoilt = pd.Series(keys).isin(set(keys[(reason != "") & (keys != "")])).to_numpy()
    reason = np.where((reason == "") & spoilt, REASON_COPY_INVALID, reason)
    fields = pd.DataFrame({layout.start: began, layout.end: ended, **values})
    for key in values:
        fields[key] = fields[key].where(fields[key].ne(""), None)
    reason, conflicts = _conflicts(kind, rows, keys, raw_ids, fields, reason)
    invalid = reason != ""
    rejects = pd.concat(
        [
            rows.loc[invalid].assign(
                reason=reason[invalid],
                raw=records_text(rows.loc[invalid], [f.key for f in kind.fields]),
            ),
            malformed,
        ],
        ignore_index=True,
    ).reindex(columns=[*REJECT_COLUMNS, *(f.key for f in kind.fields)])
    rejects = rejects.sort_values(["file", "line"], kind="stable", ignore_index=True)

    valid = np.flatnonzero(~invalid)
    group = np.where(keys[valid] != "", keys[valid], [f"\0{i}" for i in valid])
    copies = fields.iloc[valid].assign(
        id=raw_ids[valid], file=rows["file"].to_numpy()[valid], line=rows["line"].to_numpy()[valid]
    )
    grouped = copies.groupby(group, sort=False)
    merged = grouped.first()  # (the first copy that fills each field)
    size = grouped.size()
    first_id = grouped["id"].first()
    repeated = {str(first_id[k]): int(n) for k, n in size[size > 1].items()}
    cases = merged.rename(columns={layout.start: "began", layout.end: "ended"}).reset_index(
        drop=True
    )
    cases["began"] = cases["began"].astype("datetime64[s]")
    cases["ended"] = cases["ended"].astype("datetime64[s]")
    for key in values:
        cases[key] = cases[key].fillna("").astype(object)
    relevant = np.ones(len(cases), dtype=bool)
    began_kept = cases["began"].to_numpy(dtype="datetime64[D]")
    ended_kept = cases["ended"].to_numpy(dtype="datetime64[D]")
    if period.end is not None:
        relevant &= began_kept <= np.datetime64(period.end, "D")
    if period.start is not None:
        relevant &= ~(ended_kept < np.datetime64(period.start, "D"))
    cases = cases[relevant].reset_index(drop=True)
    totals = RegisterTotals(
        rows_read=len(rows) + len(malformed),
        rejected=len(rejects),
        out_of_period=len(merged) - len(cases),
        duplicates=len(valid) - len(merged),
        cases=len(cases),
    )
    unidentified = int((keys[valid] == "").sum())
    files = int(rows["file"].nunique())
    return Cases(cases, totals, rejects, repeated, conflicts, unidentified, files)


def _conflicts(
    kind: Kind,
    rows: pd.DataFrame,
    keys: np.ndarray,
    ids: np.ndarray,
    fields: pd.DataFrame,
    reason: np.ndarray,
) -> tuple[np.ndarray, dict[str, dict[str, tuple[str, ...]]]]:
    """``reason`` with every valid row of an id whose copies fill a field differently
    rejected, and for each such id (as first written) the fields' labels and the values
    as the rows write them."""
    ok = (reason == "") & (keys != "")
    if not ok.any():
        return reason, {}
    at = np.flatnonzero(ok)
    distinct = fields.iloc[at].groupby(keys[at], sort=False).nunique(dropna=True)
    clashing = distinct.index[(distinct > 1).any(axis=1)]
    reason, found = reason.copy(), {}
    for key in clashing:
        copies = at[keys[at] == key]
        found[str(ids[copies[0]])] = {
            kind.field(column).label: tuple(
                dict.fromkeys(
                    as_written(v)
                    for v in rows[column].to_numpy(dtype=object)[copies]
                    if as_written(v)
                )
            )
            for column in fields.columns
            if distinct.at[key, column] > 1
        }
        reason[copies] = REASON_CONFLICT
    return reason, found


def as_written(value: object) -> str:
    """A register's cell as a clerk wrote it: without surrounding spaces, or the midnight an
    Excel date cell is read with.

    >>> as_written(" 2023-01-05 00:00:00"), as_written("予以公开")
    ('2023-01-05', '予以公开')
    """
    return str(value).strip().removesuffix(" 00:00:00")


def tally(found: Cases, counts: pd.DataFrame) -> Tally:
    """The figures ``counts`` made from ``found``, with what they were made from."""
    return Tally(
        counts.astype("int64"),
        found.cases,
        found.totals,
        found.rejects,
        found.repeated_ids,
        found.conflicts,
        found.unidentified,
        found.files,
    )


def lookup(words: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Each spelling, as ``label_key`` makes it, to the name it stands for.

    >>> lookup({"规章": ("规章", "政府规章")})
    {'规章': '规章', '政府规章': '规章'}
    """
    return {label_key(w): name for name, ws in words.items() for w in ws}


def ended_by(cases: pd.DataFrame, period: Period) -> np.ndarray:
    """Which cases had ended by the period's last day."""
    ended = cases["ended"].to_numpy(dtype="datetime64[D]")
    if period.end is None:
        return ~np.isnat(ended)
    return ended <= np.datetime64(period.end, "D")


def began_within(cases: pd.DataFrame, period: Period) -> np.ndarray:
    """Which cases began within the period."""
    return ~days_outside(cases["began"].to_numpy(dtype="datetime64[D]"), period)


def ended_within(cases: pd.DataFrame, period: Period) -> np.ndarray:
    """Which cases ended within the period."""
    ended = cases["ended"].to_numpy(dtype="datetime64[D]")
    return ~np.isnat(ended) & ~days_outside(ended, period)


_NUMBERING = re.compile(
    r"^\s*(?:[（(]\s*[一二三四五六七八九十\d]+\s*[)）]|[一二三四五六七八九十]+\s*[、.．]"
    r"|\d+\s*[、.．)）])\s*"
)
_NOTE = re.compile(r"\s*[（(][^（）()]*[)）]\s*$")


def label_key(value: str) -> str:
    """A value compared with an official label: without its numbering (（三）, 三、, 1.),
    a parenthetical note at its end, width, spaces, quotes and punctuation.

    >>> label_key(" （二）部分公开（区分处理的，只计这一情形，不计其他情形）"), label_key("3.危及“三安全一稳定”")
    ('部分公开', '危及三安全一稳定')
    """
    text = unicodedata.normalize("NFKC", value).strip()
    text = _NUMBERING.sub("", text)
    text = _NOTE.sub("", text)
    return word_key(text)


def per_value(values: pd.Series, sort: Callable[[str], str]) -> np.ndarray:
    """``sort`` applied to each distinct cell once, spread back to every row."""
    text = values.fillna("").astype(str)
    found = {v: sort(v) for v in text.unique()}
    return text.map(found).to_numpy(dtype=object)


def blank(values: pd.Series) -> np.ndarray:
    """Which cells are empty or only spaces."""
    return values.fillna("").astype(str).str.strip().eq("").to_numpy(dtype=bool)
