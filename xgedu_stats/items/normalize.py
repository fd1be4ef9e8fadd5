"""The canonical schema: titles to dedupe keys, dates to days, counts to integers.

Pure, vectorised functions: a frame of raw strings in, a frame with typed columns
and a rejection reason out. The string work runs on Arrow-backed ``str`` columns,
whose regexes are RE2 (hence ``\\p{P}``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from xgedu_stats.columns import (
    arrow_strings,
    chunks,
    in_parallel,
    on_unique,
    rows_of,
    string_buffers,
)
from xgedu_stats.config import Period
from xgedu_stats.spaces import ASCII_SPACE, SPACE_ONLY, starts_with_space

# A leading tag in 【】 or [] (after NFKC, full-width ［］ are already []).
_LEADING_TAG = r"^\s*(?:【[^】]*】|\[[^\]]*\])\s*"
# Separators that join a trailing site name: " - ", "—", "_", "|" (and runs of them).
_SITE_SEPARATOR = r"\s*(?:-|—|_|\|)+\s*"
# Punctuation, separators, whitespace, invisible format characters (zero-width spaces, BOMs),
# and the ASCII symbols used as punctuation in titles.
_PUNCTUATION = r"[\p{P}\p{Z}\p{Cf}\s|~^`]+"

# A weekday after the date (星期五, 周五, (星期五) after NFKC): allowed and ignored, since
# exports get it wrong.
_WEEKDAY = r"(?:星期[一二三四五六日天]|周[一二三四五六日])"


def _date_pattern(words: bool) -> str:
    """A date, then optionally a weekday, a time of day (24-hour, or 12-hour after
    上午/下午; seconds with a fraction) and an offset from UTC (Z, +0800, +08:00; +08
    after a time). Without ``words``, no weekday and no 上午/下午 (and an empty ``half``):
    the same pattern for any string that holds neither, and faster."""
    weekday = rf"(?:\s*(?:\(\s*{_WEEKDAY}\s*\)|{_WEEKDAY}))?" if words else ""
    before_time = r"\s*T\s*|\s*(?P<half>上午|下午)\s*|\s+" if words else r"\s*T\s*|\s+(?P<half>)"
    return (
        r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
        + weekday
        + rf"(?:(?:{before_time})"
        r"(?P<H>\d{1,2})\s*[:时]\s*(?P<M>\d{1,2})\s*分?"
        r"(?:\s*:?\s*(?P<S>\d{1,2})(?:\.\d+)?\s*秒?)?)?"
        r"(?:\s*(?P<zone>Z|[+-]\d{2}(?::?\d{2})?))?$"
    )


_DATE = _date_pattern(words=True)
_DATE_PLAIN = _date_pattern(words=False)
#: What a string holds when only ``_DATE`` can read it (上午/下午, a weekday).
_DATE_WORDS = r"午|星期|周"
#: The parts of an offset that ``_DATE`` found (read apart: fewer groups are faster).
_ZONE = r"^(?P<sign>[+-])(?P<zh>\d{2}):?(?P<zm>\d{2})?$"
#: Eight digits, ``YYYYMMDD`` (read as ``YYYY-MM-DD``).
_COMPACT = r"^(\d{4})(\d{2})(\d{2})$"
#: Dates whose order of day and month, or whose century, cannot be known: three numbers
#: none of which is a four-digit year in front (3/5/2018, 05/03/2018, 18-3-7, 3.5.18),
#: or a two-digit year in Chinese (18年3月7日); a time may follow.
_AMBIGUOUS = (
    r"^(?:\d{1,2}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*(?:\d{1,2}|\d{4})|\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2})"
    r"(?:[\sT日].*)?$"
)
#: The years a publication date may fall in; others are typing or export errors.
YEAR_MIN, YEAR_MAX = 1900, 2100
#: The offset of China Standard Time from UTC, in minutes: times with an offset are
#: converted to it before their day is taken.
CST_MINUTES = 8 * 60
#: The largest offset from UTC there is (±14:00), in minutes.
_ZONE_MAX_MINUTES = 14 * 60

#: Characters a title may hold and still skip NFKC with its key unchanged: NFKC leaves
#: them alone and they never compose with a neighbour (ASCII, CJK ideographs, CJK
#: punctuation), or NFKC turns them into punctuation that the key drops anyway and that
#: the tag and site-name rules do not look for (（ → (, ， → ,). Most titles hold only
#: these; ``tests/test_normalize.py`` checks each against unicodedata and ``title_keys``.
NFKC_SAFE = "、。〈〉《》「」『』【】〔〕〖〗“”‘’·—" + "（），：；！？…"
_NEEDS_NFKC = (
    r"[^\x{0}-\x{7F}\x{3400}-\x{4DBF}\x{4E00}-\x{9FFF}"
    + "".join(f"\\x{{{ord(c):X}}}" for c in NFKC_SAFE)
    + "]"
)

_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_SERIAL_MIN = (pd.Timestamp("1960-01-01") - _EXCEL_EPOCH).days
_SERIAL_MAX = (pd.Timestamp("2100-01-01") - _EXCEL_EPOCH).days

REASON_NO_TITLE = "标题为空"
REASON_PUNCT_TITLE = "标题只有标点符号"
REASON_NO_DATE = "发布时间为空"
REASON_BAD_DATE = "发布时间无法识别"
REASON_AMBIGUOUS_DATE = (
    "发布时间有歧义：看不出日、月的顺序或年份的世纪，请写成 2018-03-05 这样的年-月-日"
)
#: A row's reasons by code: ``normalize`` gives each row a title code and a date code
#: (indexes into these) and their combination ``title * len(DATE_REASONS) + date``.
TITLE_REASONS = ("", REASON_NO_TITLE, REASON_PUNCT_TITLE)
DATE_REASONS = ("", REASON_NO_DATE, REASON_BAD_DATE, REASON_AMBIGUOUS_DATE)
REASONS = tuple("；".join(r for r in (t, d) if r) for t in TITLE_REASONS for d in DATE_REASONS)


def _trimmed(a: pa.ChunkedArray) -> pa.ChunkedArray:
    """Without surrounding whitespace (``utf8_trim_whitespace``), trimming only the strings
    whose first or last character may be a space; the same chunks (no copy) when none is."""
    return pa.chunked_array([_trimmed_chunk(c) for c in a.chunks], type=a.type)


def _edge_bytes(a: pa.Array) -> tuple[np.ndarray, np.ndarray] | None:
    """The first and last 3 bytes of each string (0 past its ends), or None when all are empty."""
    if len(a) == 0:
        return None
    offsets, data = string_buffers(a)
    if len(data) == 0:
        return None
    starts, ends = offsets[:-1], offsets[1:]

    def at(position: np.ndarray) -> np.ndarray:
        inside = (position >= starts) & (position < ends)
        return np.where(inside, data[np.where(inside, position, 0)], 0)

    head = np.stack([at(starts), at(starts + 1), at(starts + 2)])
    tail = np.stack([at(ends - 3), at(ends - 2), at(ends - 1)])
    return head, tail


def _trimmed_chunk(a: pa.Array) -> pa.Array:
    edges = _edge_bytes(a)
    if edges is None:
        return a
    head, tail = edges
    last_two = (tail[1] == 0xC2) & ((tail[2] == 0x85) | (tail[2] == 0xA0))
    maybe = starts_with_space(head[0], head[1], head[2]) | starts_with_space(
        tail[0], tail[1], tail[2]
    )
    maybe |= ASCII_SPACE[tail[2]] | last_two
    if not maybe.any():
        return a
    mask = pa.array(maybe)
    return pc.replace_with_mask(a, mask, pc.utf8_trim_whitespace(a.filter(mask)))


def keys_at(titles: pd.Series, rows: np.ndarray, site_names: Sequence[str] = ()) -> pd.Series:
    """The title keys (``title_keys``) of the titles at ``rows`` (positions): a row's key
    where the rows no longer carry it (``pipeline.run`` keeps its hashes only)."""
    picked = rows_of(chunks(titles), np.asarray(rows, dtype=np.int64))
    return title_keys(pd.Series(pd.array(picked, dtype="str")), site_names)


def title_keys(titles: pd.Series, site_names: Sequence[str] = ()) -> pd.Series:
    """The dedupe key of each title.

    NFKC; a leading 【…】 or […] tag removed; a trailing site name removed when joined
    by ``-``, ``—``, ``_`` or ``|``; then every punctuation and whitespace character removed.

    >>> title_keys(pd.Series(["【孝感教育】关于２０１８年招生的通知 - 孝感教育"]), ["孝感教育"]).tolist()
    ['关于2018年招生的通知']
    """
    # Two passes: the leading tag and the site name first (anchored; they may follow
    # punctuation, as in "（第3期） - 孝感教育"), then every punctuation character.
    ends = [_LEADING_TAG]
    hint = [r"^\s*[【\[]"]  # cheap tests that find the few titles the anchored rules touch
    if site_names:
        names = "|".join(re.escape(n) for n in sorted(_nfkc_all(site_names), key=len, reverse=True))
        ends.append(f"{_SITE_SEPARATOR}(?:{names})\\s*$")
        hint.append(f"(?:{names})\\s*$")
    pattern = "|".join(f"(?:{r})" for r in ends)

    def keys(part: pa.Array) -> pa.Array:
        needs = pc.match_substring_regex(part, _NEEDS_NFKC)
        some_need = pc.any(needs).as_py()
        if pc.all(needs).as_py():
            part = pc.utf8_normalize(part, "NFKC")
        elif some_need:
            nfkc = pc.utf8_normalize(part.filter(needs), "NFKC")
            part = pc.replace_with_mask(part, needs, nfkc)
        # (one regex per hint: RE2 runs an alternation of anchored tests slower than both)
        touched = pc.match_substring_regex(part, hint[0])
        for other in hint[1:]:
            touched = pc.or_(touched, pc.match_substring_regex(part, other))
        if pc.any(touched).as_py():
            edited = pc.replace_substring_regex(part.filter(touched), pattern, "")
            part = pc.replace_with_mask(part, touched, edited)
        part = pc.replace_substring_regex(part, _PUNCTUATION, "")
        # NFKC again where a combining mark is left: removing a space can bring it next
        # to a letter ("A ́" -> "Á"), which the second pass composes. Marks are never
        # among the characters that skip NFKC, so only those titles can hold one.
        if some_need:
            held = part.filter(needs)
            marks = pc.match_substring_regex(held, r"\p{M}")
            if pc.any(marks).as_py():
                held = pc.if_else(marks, pc.utf8_normalize(held, "NFKC"), held)
                part = pc.replace_with_mask(part, needs, held)
        return part

    # (the pieces as they are: a column of chunks is hashed and encoded chunk by chunk)
    keyed = in_parallel(keys, chunks(titles))
    return pd.Series(pd.array(keyed, dtype="str"), index=titles.index)


def _nfkc_all(values: Sequence[str]) -> list[str]:
    return pd.Series(list(values), dtype="str").str.normalize("NFKC").tolist()


def parse_dates(values: pd.Series) -> pd.Series:
    """Parse publication dates to days (``datetime64``); unreadable values become NaT.

    Accepts ``2018-03-05``, ``2018-03-05 10:20[:00[.000]]``, ``2018/3/5``, ``2018.3.5``,
    ``2018年3月5日 10时20分``, ``20180305``; a time after 上午/下午 (``2018-03-05 下午 3:20``);
    a weekday after the date (``星期一``, ``周一``, ``（星期一）``), which is ignored; a ``T``
    before the time; and Excel serial day numbers (``43164`` or ``43164.43``, counted
    from 1899-12-30) between 1960 and 2100. A time with an offset (``Z``, ``+0800``,
    ``+08:00``) is converted to China Standard Time (UTC+8) before its day is taken; a
    time without one, or a date without a time, is taken as written. Years outside
    1900–2100, offsets beyond ±14:00 and ambiguous forms such as ``3/5/2018`` (see
    ``ambiguous_dates``) are unreadable.

    >>> days = parse_dates(pd.Series(["2018年3月5日 星期一", "2018/02/30", "43164", "2018-03-04T20:00Z"]))
    >>> days.dt.strftime("%Y-%m-%d").tolist()
    ['2018-03-05', nan, '2018-03-05', '2018-03-05']
    """
    return pd.Series(_parse_dates(_prepared(values)), index=values.index)


def ambiguous_dates(values: pd.Series) -> np.ndarray:
    """Which values are written in a form whose day/month order or century cannot be known.

    >>> ambiguous_dates(pd.Series(["3/5/2018", "18-3-7", "2018-3-7", "待定"])).tolist()
    [True, True, False, False]
    """
    return _ambiguous(_prepared(values))


def _prepared(values: pd.Series) -> pa.Array:
    """Date strings as the patterns read them: NFKC (full-width digits, （）), trimmed."""
    return pc.utf8_trim_whitespace(pc.utf8_normalize(arrow_strings(values), "NFKC"))


def _ambiguous(a: pa.Array, among: np.ndarray | None = None) -> np.ndarray:
    """``ambiguous_dates`` over prepared strings, looking only ``among`` them if given."""
    if among is None:
        return pc.match_substring_regex(a, _AMBIGUOUS).to_numpy(zero_copy_only=False)
    return _matching(a, _AMBIGUOUS, pa.array(among)).to_numpy(zero_copy_only=False)


def _matching(a: pa.Array, pattern: str, among: pa.BooleanArray) -> pa.BooleanArray:
    """``match_substring_regex`` where ``among`` is true, false elsewhere: the regex runs
    only on those strings (a cheap test found the few that may match)."""
    if not pc.any(among).as_py():
        return among
    return pc.replace_with_mask(among, among, pc.match_substring_regex(a.filter(among), pattern))


def _parse_dates(a: pa.Array) -> np.ndarray:
    """``parse_dates`` over prepared strings: days as ``datetime64[s]``."""
    compact = _matching(a, _COMPACT, pc.equal(pc.binary_length(a), 8))
    if pc.any(compact).as_py():
        edited = pc.replace_substring_regex(a.filter(compact), _COMPACT, r"\1-\2-\3")
        a = pc.replace_with_mask(a, compact, edited)
    parts = date_parts(a)
    y, m, d, H, M, S, zh, zm = (_ints(parts[k]) for k in ("y", "m", "d", "H", "M", "S", "zh", "zm"))

    def equal(name: str, value: str) -> np.ndarray:
        return pc.equal(parts[name], value).to_numpy(zero_copy_only=False)

    # 上午 12 is midnight, 下午 12 noon, 下午 1–11 add 12 hours; past 12 is no such time.
    twelve_hour = ~equal("half", "")
    afternoon = equal("half", "下午")
    H = np.where(twelve_hour, np.where(H > 12, 99, H % 12 + np.where(afternoon, 12, 0)), H)
    days = _days(y, m, d, H, M, S)

    # An offset moves a time by (8 hours - offset), at most a day either way; a date
    # without a time is a day as written. (An hours-only offset, as in PostgreSQL's
    # "10:20:00+08", must follow a time: "2018-03-05-08" is not a date.)
    timed = ~equal("H", "")
    zone = ~equal("zone", "")
    offset = zh * 60 + zm
    offset = np.where(equal("sign", "-"), -offset, offset)
    zone_ok = (zm < 60) & (np.abs(offset) <= _ZONE_MAX_MINUTES)
    zone_ok &= timed | equal("zone", "Z") | ~equal("zm", "")
    shift = np.where(zone & timed, np.floor_divide(H * 60 + M + CST_MINUTES - offset, 24 * 60), 0)
    days = np.where(zone & ~zone_ok, np.datetime64("NaT"), days + shift.astype("timedelta64[D]"))

    is_serial = pc.match_substring_regex(a, r"^\d{5}(?:\.\d+)?$")
    serial = pc.cast(pc.if_else(is_serial, a, None), pa.float64()).to_numpy(zero_copy_only=False)
    serial_ok = (serial >= _SERIAL_MIN) & (serial < _SERIAL_MAX)
    from_serial = np.datetime64("1899-12-30") + np.floor(np.where(serial_ok, serial, 0)).astype(
        "timedelta64[D]"
    )
    return np.where(serial_ok, from_serial, days).astype("datetime64[s]")


def date_parts(a: pa.Array) -> dict[str, pa.Array]:
    """The groups of ``_DATE`` for each string ("" where absent), by name, and the
    ``sign``, ``zh`` and ``zm`` of its offset (as ``_ZONE``).

    Most strings hold no weekday and no 上午/下午: they are read with the plainer pattern,
    which gives the same groups for them; the rest with the full one (a test compares
    this with ``_DATE`` over every string).
    """
    plain = pc.extract_regex(a, _DATE_PLAIN)
    parts = {f.name: plain.field(i) for i, f in enumerate(plain.type)}
    words = _matching(a, _DATE_WORDS, pc.invert(pc.string_is_ascii(a)))
    if pc.any(words).as_py():
        full = pc.extract_regex(a.filter(words), _DATE)
        for i, f in enumerate(full.type):
            parts[f.name] = pc.replace_with_mask(parts[f.name], words, full.field(i))
    zone = parts["zone"]
    offsets = pc.extract_regex(zone, _ZONE) if pc.any(pc.not_equal(zone, "")).as_py() else None
    for i, name in enumerate(("sign", "zh", "zm")):
        parts[name] = zone if offsets is None else offsets.field(i)
    return parts


def _days(
    y: np.ndarray, m: np.ndarray, d: np.ndarray, H: np.ndarray, M: np.ndarray, S: np.ndarray
) -> np.ndarray:
    """Days from numbered parts (0 where absent); NaT where the date or the time cannot be,
    or the year is outside ``YEAR_MIN``–``YEAR_MAX``."""
    month = ((y - 1970) * 12 + (m - 1)).astype("datetime64[M]")
    first_day = month.astype("datetime64[D]")
    month_days = ((month + 1).astype("datetime64[D]") - first_day).astype(np.int64)
    ok = (y >= YEAR_MIN) & (y <= YEAR_MAX) & (m >= 1) & (m <= 12) & (d >= 1) & (d <= month_days)
    ok &= (H <= 23) & (M <= 59) & (S <= 59)
    return np.where(ok, first_day + (d - 1), np.datetime64("NaT"))


#: What most exports write, read straight from the bytes (``_iso_days``).
_ISO = r"^\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}(?::\d{2})?)?$"


def _iso_days(a: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Which strings are written exactly ``YYYY-MM-DD[ HH:MM[:SS]]``, and their days.

    Every such string has its digits at the same places, so they are read from the
    string buffer by position (no regex captures, no per-value parsing); the days are
    what ``parse_dates`` gives (a test compares the two).
    """
    iso = pc.match_substring_regex(a, _ISO).to_numpy(zero_copy_only=False)
    if not iso.any():
        return iso, np.zeros(0, dtype="datetime64[D]")
    offsets, data = string_buffers(a)
    start = offsets[:-1][iso]
    length = np.diff(offsets)[iso]

    def number(at: int, digits: int, present: np.ndarray | None = None) -> np.ndarray:
        where = start + at if present is None else np.where(present, start + at, start)
        value = np.zeros(len(start), dtype=np.int64)
        for k in range(digits):
            value = value * 10 + (data[where + k].astype(np.int64) - 48)
        return value if present is None else np.where(present, value, 0)

    timed, seconds = length >= 16, length == 19
    days = _days(
        number(0, 4), number(5, 2), number(8, 2),
        number(11, 2, timed), number(14, 2, timed), number(17, 2, seconds),
    )  # fmt: skip
    return iso, days


def dates_column(values: pd.Series) -> pd.DataFrame:
    """``date`` (as ``parse_dates``), ``blank`` and ``ambiguous`` (as ``ambiguous_dates``)
    for a column of publication dates.

    Values in the common ISO layout are read by position; the rest are parsed once per
    distinct value (a year of dates without times has a few hundred).
    """
    a = arrow_strings(values)
    iso, iso_days = _iso_days(a)
    date = np.full(len(a), np.datetime64("NaT"), dtype="datetime64[s]")
    blank = np.zeros(len(a), dtype=bool)
    ambiguous = np.zeros(len(a), dtype=bool)
    date[iso] = iso_days
    rest = ~iso
    if rest.any():
        others = on_unique(
            pd.Series(pd.array(a.filter(pa.array(rest)), dtype="str")), _dates_or_blank
        )
        date[rest] = others["date"].to_numpy()
        blank[rest] = others["blank"].to_numpy()
        ambiguous[rest] = others["ambiguous"].to_numpy()
    return pd.DataFrame({"date": date, "blank": blank, "ambiguous": ambiguous}, index=values.index)


def _dates_or_blank(values: pd.Series) -> pd.DataFrame:
    """``parse_dates``, whether the cell was blank and whether its form is ambiguous
    (different reasons to reject)."""
    blank = pc.match_substring_regex(arrow_strings(values), SPACE_ONLY)
    prepared = _prepared(values)
    date = _parse_dates(prepared)
    return pd.DataFrame(
        {
            "date": date,
            "blank": blank.to_numpy(zero_copy_only=False),
            "ambiguous": _ambiguous(prepared, among=np.isnat(date)),
        }
    )


def _ints(parts: pa.Array) -> np.ndarray:
    """Digits as int64, with 0 where the group did not match (or the row did not)."""
    return pc.fill_null(
        pc.cast(pc.if_else(pc.equal(parts, ""), None, parts), pa.int64()), 0
    ).to_numpy()


#: The largest count read (a trillion): a larger "view count" is a mistake, not a figure.
MAX_COUNT = 10**12


def parse_counts(values: pd.Series) -> pd.DataFrame:
    """Counts such as views: ``1,234``, ``1，234``, ``1.2万``, ``10万+``.

    Returns ``value`` (Int64, <NA> when unreadable or empty) and ``approx`` (True for
    ``+`` figures such as ``10万+``, which are lower bounds).

    A count above ``MAX_COUNT`` is unreadable too (twenty digits overflowed to a negative).

    >>> parse_counts(pd.Series(["1,234", "1.2万", "10万+", "", "abc"]))["value"].tolist()
    [1234, 12000, 100000, <NA>, <NA>]
    >>> parse_counts(pd.Series(["9" * 20, "9" * 400, "20000亿"]))["value"].tolist()
    [<NA>, <NA>, <NA>]
    """
    a = pc.utf8_normalize(arrow_strings(values), "NFKC")
    a = pc.replace_substring_regex(a, r"[,\s]", "")
    parts = pc.extract_regex(a, r"^(?P<n>\d+(?:\.\d+)?)(?P<unit>万|亿)?(?P<plus>\+)?$")
    number = pc.cast(
        pc.if_else(pc.equal(parts.field("n"), ""), None, parts.field("n")), pa.float64()
    )
    number = number.to_numpy(zero_copy_only=False)
    unit = parts.field("unit").to_numpy(zero_copy_only=False)
    scale = np.where(unit == "万", 10_000.0, np.where(unit == "亿", 100_000_000.0, 1.0))
    with np.errstate(invalid="ignore", over="ignore"):  # (400 digits: inf, inf - inf)
        exact = number * scale
        value = np.round(exact)
        whole = (np.abs(exact - value) < 1e-6) & (value <= MAX_COUNT)
    plus = parts.field("plus").to_numpy(zero_copy_only=False)
    return pd.DataFrame(
        {
            "value": pd.array(np.where(whole, value, np.nan), dtype="Float64").astype("Int64"),
            "approx": plus == "+",
        },
        index=values.index,
    )


def normalize(rows: pd.DataFrame, site_names: Sequence[str] = ()) -> pd.DataFrame:
    """Add ``title_key``, typed ``date``, ``views`` and ``views_approx``, and a ``reason``.

    ``reason`` is "" for a readable row. Views that cannot be read leave the field empty;
    they never reject a row (only the title and the date are required).

    Input: canonical rows (``file``, ``line``, ``platform``, ``title``, ``date``,
    ``channel``, ``url``, ``views`` as strings). The raw ``date`` and ``views`` stay as
    ``date_raw`` and ``views_raw`` so a rejected row can be shown as it was.
    """
    out = rows.rename(columns={"date": "date_raw", "views": "views_raw"})
    title = _trimmed(chunks(out["title"]))
    out["title"] = pd.array(title, dtype="str")
    out["title_key"] = title_keys(out["title"], site_names)
    out["channel"] = pd.array(_trimmed(chunks(out["channel"])), dtype="str")
    out["url"] = pd.array(_trimmed(chunks(out["url"])), dtype="str")
    department = out["department"] if "department" in out else pd.Series("", index=out.index)
    out["department"] = pd.array(_trimmed(chunks(department.astype("str"))), dtype="str")
    dates = dates_column(out["date_raw"])
    out["date"] = dates["date"]
    counts = on_unique(out["views_raw"], parse_counts)
    out["views"] = counts["value"]
    out["views_approx"] = counts["approx"]

    # Reasons as codes first (cheap), as text only through the categories.
    date_code = np.select(
        [dates["blank"].to_numpy(), dates["ambiguous"].to_numpy(), out["date"].isna().to_numpy()],
        [
            DATE_REASONS.index(REASON_NO_DATE),
            DATE_REASONS.index(REASON_AMBIGUOUS_DATE),
            DATE_REASONS.index(REASON_BAD_DATE),
        ],
        0,
    )
    title_code = np.select(
        [pc.equal(title, "").to_numpy(), (out["title_key"] == "").to_numpy()],
        [TITLE_REASONS.index(REASON_NO_TITLE), TITLE_REASONS.index(REASON_PUNCT_TITLE)],
        0,
    )
    out["reason"] = pd.Categorical.from_codes(
        title_code * len(DATE_REASONS) + date_code, list(REASONS)
    )
    return out


def out_of_period(frame: pd.DataFrame, period: Period) -> pd.Series:
    """True for rows whose (readable) date falls outside the period.

    A row outside the period is counted as such even if its title is empty: it is not
    read further.
    """
    mask = pd.Series(False, index=frame.index)
    if period.start is not None:
        mask |= frame["date"] < pd.Timestamp(period.start)
    if period.end is not None:
        mask |= frame["date"] > pd.Timestamp(period.end)
    return mask & frame["date"].notna()


def unreadable_views(rows: pd.DataFrame) -> pd.Series:
    """Rows whose views cell has text that is not a count (left blank, the row kept)."""
    return rows["views"].isna() & (rows["views_raw"].fillna("").str.strip() != "")


#: Why a date written like ``3/5/2018`` cannot be read, after the name of its field.
AMBIGUOUS_HINT = "看不出日、月的顺序或年份的世纪，请写成 2018-03-05 这样的年-月-日"


def date_problems(dates: pd.DataFrame, blank: str, unreadable: str, ambiguous: str) -> np.ndarray:
    """Per row of ``dates_column``'s frame, why its date cannot be used ("" when it can)."""
    reason = np.full(len(dates), "", dtype=object)
    reason[dates["date"].isna().to_numpy()] = unreadable
    reason[dates["ambiguous"].to_numpy()] = ambiguous
    reason[dates["blank"].to_numpy()] = blank
    return reason


def days_outside(day: np.ndarray, period: Period) -> np.ndarray:
    """Which days (``datetime64[D]``; NaT never) fall outside the period."""
    out = np.zeros(len(day), dtype=bool)
    if period.start is not None:
        out |= day < np.datetime64(period.start, "D")
    if period.end is not None:
        out |= day > np.datetime64(period.end, "D")
    return out


def records_text(rows: pd.DataFrame, fields: Sequence[str]) -> list[str]:
    """Each row's ``fields`` as one CSV line: a rejected row as a clerk looks for it in the file.

    >>> records_text(pd.DataFrame({"a": ["甲,乙"], "b": ["1"]}), ["a", "b"])
    ['"甲,乙",1']
    """
    out = []
    for values in rows[list(fields)].itertuples(index=False, name=None):
        line = io.StringIO()
        csv.writer(line, lineterminator="").writerow(values)
        out.append(line.getvalue())
    return out
