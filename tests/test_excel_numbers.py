"""The reader's copy of openpyxl's date and number-format helpers (``read.excel_numbers``,
so that reading a workbook does not import openpyxl) agrees with openpyxl."""

from __future__ import annotations

import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.styles import numbers
from openpyxl.utils import datetime as op_datetime

from xgedu_stats.read import excel_numbers as mine

FORMAT_PIECES = ["yyyy", "mm", "dd", "h", ":", "ss", "0.00", '"d"', "[$-804]", "[h]", "[mm]",
                 "\\d", "_m", ";", "@", "#,##0", "AM/PM", "[Red]", ".0", "e", "E+00", " "]  # fmt: skip


def test_the_builtin_formats_are_openpyxls() -> None:
    assert mine.BUILTIN_FORMATS == numbers.BUILTIN_FORMATS


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(FORMAT_PIECES), max_size=8).map("".join))
def test_date_and_duration_formats_as_openpyxl_tells_them(fmt: str) -> None:
    assert mine.is_date_format(fmt) == numbers.is_date_format(fmt)
    assert mine.is_timedelta_format(fmt) == numbers.is_timedelta_format(fmt)


@settings(max_examples=500, deadline=None)
@given(
    st.floats(min_value=0, max_value=2_958_465, allow_nan=False),
    st.sampled_from([mine.WINDOWS_EPOCH, mine.MAC_EPOCH]),
    st.booleans(),
)
def test_serial_numbers_as_openpyxl_reads_them(value: float, epoch: object, duration: bool) -> None:
    theirs_epoch = (
        op_datetime.WINDOWS_EPOCH if epoch == mine.WINDOWS_EPOCH else op_datetime.CALENDAR_MAC_1904
    )
    try:
        theirs = op_datetime.from_excel(value, theirs_epoch, timedelta=duration)
    except (OverflowError, ValueError) as exc:
        theirs = type(exc)
    try:
        ours = mine.from_excel(value, epoch, timedelta=duration)  # type: ignore[arg-type]
    except (OverflowError, ValueError) as exc:
        ours = type(exc)
    assert ours == theirs


@given(
    st.one_of(
        st.sampled_from(["2018-03-05", "2018-03-05T10:20:00Z", "10:20:30.5", "PT3H2M1.5S", "x"]),
        st.from_regex(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?)?Z?", fullmatch=True),
    )
)
def test_iso_dates_as_openpyxl_reads_them(text: str) -> None:
    def read(fn: object) -> object:
        try:
            return fn(text)  # type: ignore[operator]
        except ValueError as exc:
            return type(exc)

    assert read(mine.from_iso8601) == read(op_datetime.from_ISO8601)


def test_reading_a_workbook_imports_no_openpyxl() -> None:
    code = (
        "import sys; from pathlib import Path; from xgedu_stats.read import SourceFile, read_grid;"
        "p = Path('samples/2018/局长信箱_2018年1-7月.xlsx'); read_grid(SourceFile(p, p.name));"
        "print('openpyxl' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
