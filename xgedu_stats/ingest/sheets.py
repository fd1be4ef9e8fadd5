"""Spreadsheets and markup: .xlsx (openpyxl), real .xls (xlrd), HTML tables, SpreadsheetML.

Each reader returns :class:`Sheet` objects whose records carry the row number a person
sees in Excel (or the row of the HTML table), and cells as text.
"""

from __future__ import annotations

import io
import math
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from html.parser import HTMLParser
from typing import Any

from xgedu_stats.errors import InputError
from xgedu_stats.ingest.text import Bad, Record


@dataclass(frozen=True)
class Sheet:
    """One table of a file: a worksheet, an HTML table, or the whole of a CSV."""

    name: str | None
    records: list[Record]
    bad: list[Bad] = field(default_factory=list)
    blank: int = 0


def cell_text(value: Any) -> str:
    """A cell as the text a person sees: whole numbers without ``.0``, dates in ISO form.

    >>> cell_text(6600000000000000001), cell_text(12.0), cell_text(datetime(2018, 3, 5, 10, 20))
    ('6600000000000000001', '12', '2018-03-05 10:20:00')
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
            return str(int(value))
        return repr(value)
    return str(value)


def sheet_from_rows(name: str | None, rows: Iterable[tuple[int, Sequence[Any]]]) -> Sheet:
    """Build a sheet from (row number, values), counting blank rows."""
    records: list[Record] = []
    blank = 0
    for number, values in rows:
        cells = [cell_text(v) for v in values]
        while cells and not cells[-1].strip():
            cells.pop()
        if not cells:
            blank += 1
            continue
        records.append(Record(number, number, cells))
    return Sheet(name, records, blank=blank)


def read_xlsx(data: bytes, display: str) -> list[Sheet]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise InputError(
            f"文件 {display} 看起来是 .xlsx，但无法打开（{type(exc).__name__}）；请用 Excel 打开后重新保存"
        ) from None
    try:
        sheets = []
        for ws in book.worksheets:
            ws.reset_dimensions()  # some exporters write a wrong <dimension>
            rows = ws.iter_rows(values_only=True)
            sheets.append(sheet_from_rows(ws.title, enumerate(rows, start=1)))
        return sheets
    finally:
        book.close()


def read_xls(data: bytes, display: str) -> list[Sheet]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data)
    except Exception as exc:
        raise InputError(
            f"文件 {display} 看起来是旧版 Excel（.xls），但无法打开（{exc}）；请用 Excel 另存为 .xlsx"
        ) from None

    def value(cell: Any) -> Any:
        if cell.ctype == xlrd.XL_CELL_DATE:
            try:
                return xlrd.xldate_as_datetime(cell.value, book.datemode)
            except (ValueError, OverflowError):
                return cell.value
        return cell.value

    return [
        sheet_from_rows(sh.name, ((r + 1, [value(c) for c in sh.row(r)]) for r in range(sh.nrows)))
        for sh in book.sheets()
    ]


class _Tables(HTMLParser):
    """Collects every <table>'s rows of cell texts; colspan cells repeat as empty cells."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self._stack: list[list[list[str]]] = []
        self._cell: list[str] | None = None
        self._span = 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._stack.append([])
        elif not self._stack:
            return
        elif tag == "tr":
            self._close_cell()
            self._stack[-1].append([])
        elif tag in ("td", "th"):
            self._close_cell()
            if not self._stack[-1]:
                self._stack[-1].append([])
            self._cell = []
            span = dict(attrs).get("colspan") or "1"
            self._span = int(span) if span.isdigit() and 0 < int(span) < 1000 else 1
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self._close_cell()
        elif tag == "table" and self._stack:
            self._close_cell()
            self.tables.append(self._stack.pop())

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def _close_cell(self) -> None:
        if self._cell is not None and self._stack and self._stack[-1]:
            text = " ".join("".join(self._cell).split())
            self._stack[-1][-1].extend([text] + [""] * (self._span - 1))
        self._cell = None
        self._span = 1


def read_html(text: str, display: str) -> list[Sheet]:
    parser = _Tables()
    parser.feed(text)
    parser.close()
    tables = [t for t in parser.tables if any(any(c.strip() for c in row) for row in t)]
    if not tables:
        raise InputError(f"文件 {display} 是网页（HTML）格式，但其中没有表格")
    named = len(tables) > 1
    return [
        sheet_from_rows(f"表格{i}" if named else None, enumerate(rows, start=1))
        for i, rows in enumerate(tables, start=1)
    ]


_SS = "{urn:schemas-microsoft-com:office:spreadsheet}"


def read_spreadsheetml(data: bytes, display: str) -> list[Sheet]:
    """Excel 2003 XML: Workbook/Worksheet/Table/Row/Cell/Data, honouring ss:Index skips."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise InputError(
            f"文件 {display} 是 Excel 2003 XML 格式，但内容不完整（{exc}）；请重新导出"
        ) from None
    sheets = []
    for ws in root.iter(f"{_SS}Worksheet"):
        rows: list[tuple[int, list[str]]] = []
        number = 0
        for row in ws.iter(f"{_SS}Row"):
            number = int(row.get(f"{_SS}Index", number + 1))
            cells: list[str] = []
            for cell in row.iter(f"{_SS}Cell"):
                index = int(cell.get(f"{_SS}Index", len(cells) + 1))
                cells.extend([""] * (index - 1 - len(cells)))
                data_el = cell.find(f"{_SS}Data")
                cells.append("".join(data_el.itertext()) if data_el is not None else "")
                cells.extend([""] * int(cell.get(f"{_SS}MergeAcross", 0)))
            rows.append((number, cells))
        sheets.append(sheet_from_rows(ws.get(f"{_SS}Name"), rows))
    if not sheets:
        raise InputError(f"文件 {display} 是 XML 格式，但不是可识别的 Excel 表格")
    return sheets
