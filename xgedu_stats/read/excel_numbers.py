"""Excel's dates and number formats, as openpyxl reads them, without importing openpyxl.

Importing ``openpyxl.utils.datetime`` imports the whole package (about a third of a second
here), which a run that only reads workbooks does not need: the reader (``read.xlsx``) uses
these few functions. They follow openpyxl 3.1 (MIT licence) line for line;
``tests/test_excel_numbers.py`` checks that they agree with it.
"""

from __future__ import annotations

import datetime
import re

WINDOWS_EPOCH = datetime.datetime(1899, 12, 30)
MAC_EPOCH = datetime.datetime(1904, 1, 1)
SECS_PER_DAY = 86400

#: The built-in number formats whose id a style may name without writing the format.
BUILTIN_FORMATS = {
    0: "General",
    1: "0",
    2: "0.00",
    3: "#,##0",
    4: "#,##0.00",
    5: '"$"#,##0_);("$"#,##0)',
    6: '"$"#,##0_);[Red]("$"#,##0)',
    7: '"$"#,##0.00_);("$"#,##0.00)',
    8: '"$"#,##0.00_);[Red]("$"#,##0.00)',
    9: "0%",
    10: "0.00%",
    11: "0.00E+00",
    12: "# ?/?",
    13: "# ??/??",
    14: "mm-dd-yy",
    15: "d-mmm-yy",
    16: "d-mmm",
    17: "mmm-yy",
    18: "h:mm AM/PM",
    19: "h:mm:ss AM/PM",
    20: "h:mm",
    21: "h:mm:ss",
    22: "m/d/yy h:mm",
    37: "#,##0_);(#,##0)",
    38: "#,##0_);[Red](#,##0)",
    39: "#,##0.00_);(#,##0.00)",
    40: "#,##0.00_);[Red](#,##0.00)",
    41: '_(* #,##0_);_(* \\(#,##0\\);_(* "-"_);_(@_)',
    42: '_("$"* #,##0_);_("$"* \\(#,##0\\);_("$"* "-"_);_(@_)',
    43: '_(* #,##0.00_);_(* \\(#,##0.00\\);_(* "-"??_);_(@_)',
    44: '_("$"* #,##0.00_)_("$"* \\(#,##0.00\\)_("$"* "-"??_)_(@_)',
    45: "mm:ss",
    46: "[h]:mm:ss",
    47: "mmss.0",
    48: "##0.0E+0",
    49: "@",
}

_LITERAL_GROUP = r'".*?"'  # anything in quotes
_LOCALE_GROUP = r"\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]"  # in brackets, but for hours, minutes, seconds
_STRIP_RE = re.compile(f"{_LITERAL_GROUP}|{_LOCALE_GROUP}")
_TIMEDELTA_RE = re.compile(r"\[hh?\](:mm(:ss(\.0*)?)?)?|\[mm?\](:ss(\.0*)?)?|\[ss?\](\.0*)?", re.I)
_ISO_REGEX = re.compile(
    r"""
(?P<date>(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2}))?T?
(?P<time>(?P<hour>\d{2}):(?P<minute>\d{2})(:(?P<second>\d{2})(?P<microsecond>\.\d{1,3})?)?)?Z?""",
    re.VERBOSE,
)
_ISO_DURATION = re.compile(
    r"PT((?P<hours>\d+)H)?((?P<minutes>\d+)M)?((?P<seconds>\d+(\.\d{1,3})?)S)?"
)


def is_date_format(fmt: str | None) -> bool:
    """Whether a number format shows a date or time.

    >>> is_date_format("yyyy-mm-dd"), is_date_format('0.00"d"'), is_date_format("[$-804]0")
    (True, False, False)
    """
    if fmt is None:
        return False
    fmt = _STRIP_RE.sub("", fmt.split(";")[0])  # (the first section; no literals or locales)
    return re.search(r"(?<![_\\])[dmhysDMHYS]", fmt) is not None


def is_timedelta_format(fmt: str | None) -> bool:
    """Whether a number format shows a duration (``[h]:mm:ss``)."""
    if fmt is None:
        return False
    return _TIMEDELTA_RE.search(fmt.split(";")[0]) is not None


def from_excel(
    value: float, epoch: datetime.datetime = WINDOWS_EPOCH, timedelta: bool = False
) -> datetime.datetime | datetime.time | datetime.timedelta:
    """An Excel serial number as the date, time or duration it shows.

    >>> from_excel(43164.5)
    datetime.datetime(2018, 3, 5, 12, 0)
    """
    if timedelta:
        td = datetime.timedelta(days=value)
        if td.microseconds:  # (to the millisecond)
            td = datetime.timedelta(
                seconds=td.total_seconds() // 1, microseconds=round(td.microseconds, -3)
            )
        return td
    day, fraction = divmod(value, 1)
    diff = datetime.timedelta(milliseconds=round(fraction * SECS_PER_DAY * 1000))
    if 0 <= value < 1 and diff.days == 0:
        mins, seconds = divmod(diff.seconds, 60)
        hours, mins = divmod(mins, 60)
        return datetime.time(hours, mins, seconds, diff.microseconds)
    if 0 < value < 60 and epoch == WINDOWS_EPOCH:
        day += 1  # (Excel's 1900-02-29)
    return epoch + datetime.timedelta(days=day) + diff


def from_iso8601(
    text: str,
) -> datetime.datetime | datetime.date | datetime.time | datetime.timedelta | None:
    """An ISO 8601 date, time, date and time, or ``PT…`` duration (a ``t="d"`` cell).

    >>> from_iso8601("2018-03-05T10:20:00Z")
    datetime.datetime(2018, 3, 5, 10, 20)
    """
    if not text:
        return None
    match = _ISO_REGEX.match(text)
    if match and any(match.groups()):
        parts = match.groupdict(0)
        for key in ("year", "month", "day", "hour", "minute", "second"):
            if parts[key]:
                parts[key] = int(parts[key])
        if parts["microsecond"]:
            parts["microsecond"] = int(float(parts["microsecond"]) * 1_000_000)
        if not parts["date"]:
            return datetime.time(
                parts["hour"], parts["minute"], parts["second"], parts["microsecond"]
            )
        if not parts["time"]:
            return datetime.date(parts["year"], parts["month"], parts["day"])
        del parts["time"], parts["date"]
        return datetime.datetime(**parts)
    match = _ISO_DURATION.match(text)
    if match and any(match.groups()):
        found = {k: float(v) for k, v in match.groupdict(0).items() if v}
        return datetime.timedelta(**found)
    raise ValueError(f"Invalid datetime value {text}")
