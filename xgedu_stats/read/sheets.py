"""What every table reader shares, and real .xls (xlrd).

The readers (here, ``xlsx`` for .xlsx, ``markup`` for HTML and SpreadsheetML) return
:class:`Sheet` objects whose records carry the row number a person sees in Excel (or the
row of the HTML table), and cells as text. Every reader builds its rows through
:class:`SheetRows`, spends the file's cell budget as it makes cells, and runs inside
``limits.Reading``, so a file cannot cost more than the limits in ``limits`` and a
failure is one clear line naming the file and sheet.
"""

from __future__ import annotations

import math
import xml.parsers.expat
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from xgedu_stats.errors import InputError
from xgedu_stats.read import text as _text
from xgedu_stats.read.limits import (
    AS_CSV,
    MAX_ROWS,
    Budget,
    LimitHit,
    Reading,
    Unreadable,
    check_sheets,
)
from xgedu_stats.read.text import REASON_NUL, Bad, Record

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Body:
    """What lies under a chosen header row.

    ``bulk``: records with as many fields as the header record, read in bulk as string
    columns ``c0``… and ``line`` (None when a reader has none in bulk); ``others``: every
    other record, to be judged one by one; the sheet's bad records and blank lines.
    """

    bulk: pd.DataFrame | None
    others: Sequence[Record]
    bad: Sequence[Bad]
    blank: int


class Tabular(Protocol):
    """What ``to_table`` reads: every table reader's sheet (a worksheet, an HTML table, a
    CSV read carefully, by record index, or as regular lines) has this shape.

    ``head``: the first ``HEADER_SEARCH_ROWS`` records that are neither blank nor bad,
    where the header is looked for; ``body(i)``: what lies under ``head[i]``.
    """

    @property
    def name(self) -> str | None: ...

    @property
    def head(self) -> Sequence[Record]: ...

    @property
    def bad(self) -> Sequence[Bad]:
        """Records known to be unreadable before a header is chosen (a fast sheet may find
        more while reading its body: ``Body.bad`` is the whole list)."""
        ...

    def body(self, header_index: int) -> Body: ...


@dataclass(frozen=True, kw_only=True)
class Sheet:
    """One table of a file: a worksheet, an HTML table, or the whole of a CSV read carefully,
    with every record in ``records``.

    ``notes``: what a person should know about how it was read (a table never closed).
    """

    name: str | None
    records: list[Record]
    bad: list[Bad] = field(default_factory=list)
    blank: int = 0
    notes: tuple[str, ...] = ()

    @property
    def head(self) -> list[Record]:
        return self.records[: _text.HEADER_SEARCH_ROWS]

    def body(self, header_index: int) -> Body:
        return Body(None, self.records[header_index + 1 :], self.bad, self.blank)


def cell_text(value: Any) -> str:
    """A cell as the text a person sees: whole numbers without ``.0``, dates in ISO form.

    >>> cell_text(6600000000000000001), cell_text(12.0), cell_text(datetime(2018, 3, 5, 10, 20))
    ('6600000000000000001', '12', '2018-03-05 10:20:00')
    >>> cell_text(1.2345678901234567e19)  # (a number Excel stores: 15 digits kept, as it shows)
    '12345678901234600000'
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            if abs(value) >= 1e15:  # (as Excel shows it: 15 significant digits, then zeros)
                return str(int(Decimal(f"{value:.15g}")))
            return str(int(value))
        return repr(value)
    return str(value)


class SheetRows:
    """A sheet's rows as a reader finds them: ``add(row number, cells)``, then ``sheet()``.

    Rows with nothing in them are counted as blank, and so, with ``gaps_blank``, are rows
    never written (a gap in the numbers: counted, never made one by one, however far the
    numbers jump). A row holding a NUL, or a cell the reader could not read (``problem``),
    is a bad row with its reason.
    """

    def __init__(self, name: str | None, budget: Budget, gaps_blank: bool = False) -> None:
        self.name, self.budget, self.gaps_blank = name, budget, gaps_blank
        self.records: list[Record] = []
        self.bad: list[Bad] = []
        self.blank = 0
        self.count = 0  # rows added
        self.last = 0  # the highest row number seen

    def add(self, number: int, cells: list[str], problem: str | None = None) -> None:
        self.count += 1
        if self.count > MAX_ROWS:
            raise LimitHit(f"的行数超过 Excel 的最大行数 {MAX_ROWS:,}", AS_CSV)
        if number > self.last:
            if self.gaps_blank:
                self.blank += number - self.last - 1
            self.last = number
        while cells and not cells[-1].strip():
            cells.pop()
        if problem is None and "\x00" in "".join(cells):
            problem = REASON_NUL
        if problem is not None:
            self.bad.append(Bad(number, problem, ",".join(cells).replace("\x00", "\\0")))
        elif cells:
            self.records.append(Record(number, number, cells))
        else:
            self.blank += 1

    def sheet(self, notes: tuple[str, ...] = ()) -> Sheet:
        return Sheet(
            name=self.name, records=self.records, bad=self.bad, blank=self.blank, notes=notes
        )


def whole_number(text: str) -> int | None:
    """An index or a count as a file writes it (``"12"``); None unless it is a whole number.

    Absurdly long numbers come back as 10**10, above every limit (and cheap to compare).
    """
    text = text.strip()
    if not (text.isascii() and text.isdigit()):
        return None
    digits = text.lstrip("0")
    return 10**10 if len(digits) > 10 else int(digits or "0")


def xml_parser() -> Any:
    """An expat parser (namespaces as ``"uri name"``) that refuses entity declarations.

    No spreadsheet declares entities; refusing them stops "billion laughs" expansion and
    external entities (XXE) before expat's own amplification limit is needed. Expat never
    fetches anything by itself.
    """
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")

    def refuse(*_: object) -> None:
        raise Unreadable("其中声明了 XML 实体（<!ENTITY>），表格软件不会写出这样的文件")

    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.buffer_text = True
    parser.buffer_size = 1 << 16
    return parser


# --- real .xls ----------------------------------------------------------------------------


def read_xls(data: bytes, display: str) -> list[Sheet]:
    import xlrd

    reading = Reading(display, "看起来是旧版 Excel（.xls），但无法打开", "请用 Excel 另存为 .xlsx")
    budget = Budget()
    with reading:
        # ragged_rows: a row is as long as its last cell, not padded to the widest row
        book = xlrd.open_workbook(file_contents=data, ragged_rows=True, on_demand=True)
        names = book.sheet_names()
        check_sheets(len(names))
    reading.open = True
    sheets = []
    for index, name in enumerate(names):
        reading.sheet = name
        with reading:
            sh = book.sheet_by_index(index)
            budget.spend(sum(sh.row_len(r) for r in range(sh.nrows)))
            rows = SheetRows(name, budget)
            for r in range(sh.nrows):
                values = [
                    _xls_value(t, v, book.datemode)
                    for t, v in zip(sh.row_types(r), sh.row_values(r), strict=True)
                ]
                rows.add(r + 1, [cell_text(v) for v in values])
            sheets.append(rows.sheet())
            book.unload_sheet(index)
    if not sheets:
        raise InputError(f"文件 {display} 是旧版 Excel（.xls），但其中没有工作表")
    return sheets


def _xls_value(kind: int, value: Any, datemode: int) -> Any:
    """A cell of an old .xls as the value Excel shows: a date, TRUE or FALSE, an error as
    its text (#DIV/0!; xlrd gives its code, a number)."""
    import xlrd

    if kind == xlrd.XL_CELL_DATE:
        return _xls_date(value, datemode)
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(value)
    if kind == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(value, "#ERROR")
    return value


def _xls_date(value: float, datemode: int) -> Any:
    import xlrd

    try:
        return xlrd.xldate_as_datetime(value, datemode)
    except (ValueError, OverflowError):
        return value
