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


def date_reasons(start: str, end: str) -> tuple[tuple[str, str, str], tuple[str, str]]:
    """The reasons a register's two dates are rejected with, by their labels."""
    return (
        (start + "为空", start + "无法识别", start + "有歧义：" + AMBIGUOUS_HINT),
        (end + "无法识别", end + "早于" + start),
    )


def count_cases(
    rows: pd.DataFrame,
    malformed: pd.DataFrame,
    kind: Kind,
    period: Period,
    began: np.ndarray,
    ended: np.ndarray,
    start_reason: np.ndarray,
    checks: Sequence[Check],
    values: dict[str, np.ndarray],
    id_key: str,
) -> Cases:
    """Reject rows by ``start_reason`` then ``checks``; make rows with one id one case (the
    first row); keep the cases of the period.

    ``values``: the kind's columns of each row (already sorted into official labels), kept
    per case. ``began``/``ended``: the days of each row."""
    reason = np.asarray(start_reason, dtype=object).copy()
    for check in checks:
        reason = np.where((reason == "") & check.rejects, check.reason, reason)
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
    ids = rows[id_key].to_numpy(dtype=object)[valid]
    keys = np.array([word_key(str(v)).casefold() for v in ids], dtype=object)
    first = np.ones(len(valid), dtype=bool)
    repeated: dict[str, int] = {}
    given = keys != ""
    if given.any():
        seen = pd.Series(keys[given]).duplicated(keep="first").to_numpy()
        first[np.flatnonzero(given)[seen]] = False
        counts = pd.Series(keys[given]).value_counts()
        shown = pd.Series([str(v).strip() for v in ids[given]]).groupby(keys[given]).first()
        repeated = {str(shown[k]): int(n) for k, n in counts.items() if n > 1}
    kept = valid[first]
    began_kept, ended_kept = began[kept], ended[kept]
    cases = pd.DataFrame(
        {
            "began": began_kept,
            "ended": ended_kept,
            **{k: v[kept] for k, v in values.items()},
            "id": [str(v).strip() for v in rows[id_key].to_numpy(dtype=object)[kept]],
            "file": rows["file"].to_numpy()[kept],
            "line": rows["line"].to_numpy()[kept],
        }
    )
    relevant = np.ones(len(cases), dtype=bool)
    if period.end is not None:
        relevant &= began_kept <= np.datetime64(period.end, "D")
    if period.start is not None:
        relevant &= ~(ended_kept < np.datetime64(period.start, "D"))
    cases = cases[relevant].reset_index(drop=True)
    totals = RegisterTotals(
        rows_read=len(rows) + len(malformed),
        rejected=len(rejects),
        out_of_period=len(kept) - len(cases),
        duplicates=len(valid) - len(kept),
        cases=len(cases),
    )
    return Cases(cases, totals, rejects, repeated)


def tally(found: Cases, counts: pd.DataFrame) -> Tally:
    """The figures ``counts`` made from ``found``, with what they were made from."""
    return Tally(
        counts.astype("int64"), found.cases, found.totals, found.rejects, found.repeated_ids
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
