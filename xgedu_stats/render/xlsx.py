"""Excel workbook: one sheet a table, with its title, bold header, subtotal and total rows.

Text is always stored as text, never as a formula: a cell that starts with ``=`` cannot run.
Control characters that a workbook cannot hold (XML 1.0 forbids them) are written escaped,
``\\x1b``, instead of failing the whole file. The marker goes into the document properties
(``keywords``, which Excel shows as 标记), where the tool finds it without opening the sheets.
"""

from __future__ import annotations

import io
import re
from typing import IO, Any

from xgedu_stats.markers import WORKBOOK_PROPERTY
from xgedu_stats.messages import printable
from xgedu_stats.render.charts import MAX_BARS
from xgedu_stats.tables import Report, Table

#: What XML 1.0 cannot hold: C0 controls but tab, LF, CR (openpyxl's ILLEGAL_CHARACTERS_RE,
#: which it refuses), and the non-characters U+FFFE and U+FFFF and lone surrogates (which it
#: writes, making a workbook that Excel and openpyxl cannot open).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    return f"\\u{ord(ch):04x}" if ch >= "\ud800" else printable(ch)


def cell_value(value: Any) -> Any:
    r"""A value a workbook can hold: text with illegal control characters escaped.

    >>> cell_value("a\x1b[31mb"), cell_value("a\tb"), cell_value("x\uffffy"), cell_value(3)
    ('a\\x1b[31mb', 'a\tb', 'x\\uffffy', 3)
    """
    if isinstance(value, str) and _ILLEGAL.search(value):
        return _ILLEGAL.sub(_escape, value)
    return value


def _sheet_name(table: Table, used: set[str]) -> str:
    name = (table.short or table.title or table.name)[:28]
    for ch in "[]:*?/\\":
        name = name.replace(ch, " ")
    base, n = name, 2
    while name in used:
        name, n = f"{base[:25]}({n})", n + 1
    used.add(name)
    return name


def render(report: Report, stream: IO[bytes], marker: str | None = None) -> None:
    """Write the workbook: openpyxl's write-only mode, one pass over the rows (an ordinary
    worksheet looked every earlier row up again for each row added: 300,000 rows did not
    finish in 25 minutes)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from xgedu_stats import __version__

    book = Workbook(write_only=True)
    book.properties.creator = f"xgedu-stats {__version__}"
    if marker is not None:
        setattr(book.properties, WORKBOOK_PROPERTY, marker)
    bold = Font(bold=True)
    used: set[str] = set()

    def cell(ws: Any, value: Any, strong: bool = False, decimals: int = 0) -> Any:
        out = WriteOnlyCell(ws, value=cell_value(value))
        if isinstance(out.value, str):
            out.data_type = "s"  # never a formula
        elif decimals and isinstance(out.value, float):
            out.number_format = "0." + "0" * decimals  # (80.0 shows as 80.0, not 80)
        if strong:
            out.font = bold
        return out

    sheets: dict[str, Any] = {}
    try:
        for table in report.tables:
            ws = book.create_sheet(_sheet_name(table, used))
            sheets[table.name] = (ws, table)
            for i, column in enumerate(table.columns, start=1):  # (before any row is written)
                width = max(
                    [len(str(column.label))] + [len(str(r.values[i - 1] or "")) for r in table.rows]
                )
                ws.column_dimensions[get_column_letter(i)].width = min(60, 2 * width + 2)
            ws.append([cell(ws, table.title, True)])
            for r, level in enumerate(table.header_cells(), start=2):
                ws.append([cell(ws, label, True) for label in level])
                at = 1
                for label, span in table.header[r - 2]:
                    if label and span > 1:  # (a write-only sheet takes merges as ranges)
                        first, last = get_column_letter(at), get_column_letter(at + span - 1)
                        ws.merged_cells.add(f"{first}{r}:{last}{r}")
                    at += span
            ws.append([cell(ws, c.label, True) for c in table.columns])
            for row in table.rows:
                strong = row.kind != "data"
                ws.append(
                    [
                        cell(ws, v, strong, c.decimals)
                        for v, c in zip(row.values, table.columns, strict=True)
                    ]
                )
        summary = book.create_sheet("核对")
        summary.append([cell(summary, report.period_line())])
        for line in [*report.notes, *report.conservation_lines()]:
            summary.append([cell(summary, line)])
        _charts(book, report, sheets, cell)
        # Zipped in memory, then written at once: a disk that fills up mid-save left openpyxl's
        # generators and zipfile half-closed, and each printed a traceback when collected.
        buffer = io.BytesIO()
        book.save(buffer)
    except BaseException:
        _abandon(book)
        raise
    stream.write(buffer.getbuffer())


#: The hidden worksheet holding the rows each chart draws (a table's data rows without its
#: 小计 rows between them: a chart's range must be one block).
CHART_SHEET = "图表数据"


def _charts(book: Any, report: Report, sheets: dict[str, Any], cell: Any) -> None:
    """Native Excel bar charts beside their tables, drawn from ``CHART_SHEET``."""
    from openpyxl.chart import BarChart, Reference
    from openpyxl.utils import get_column_letter

    data = None
    at = 0
    for chart in report.charts:
        if chart.table not in sheets:
            continue
        ws, table = sheets[chart.table]
        labels, names, values = chart.data(table)
        cut = f"（表中前 {MAX_BARS} 行）" if len(labels) > MAX_BARS else ""
        labels, values = labels[:MAX_BARS], values[:MAX_BARS]  # (as the page's charts)
        if not labels:
            continue
        if data is None:
            data = book.create_sheet(CHART_SHEET)
            data.sheet_state = "hidden"
        data.append([cell(data, chart.title + cut, True)])
        data.append([cell(data, ""), *(cell(data, n, True) for n in names)])
        for label, row in zip(labels, values, strict=True):
            data.append([cell(data, label), *row])
        first, last = at + 2, at + 2 + len(labels)
        at = last + 1
        data.append([])
        bars = BarChart()
        bars.type = "col" if chart.style == "trend" else "bar"
        bars.title = chart.title + cut
        bars.add_data(
            Reference(data, min_col=2, max_col=1 + len(names), min_row=first, max_row=last),
            titles_from_data=True,
        )
        bars.set_categories(Reference(data, min_col=1, min_row=first + 1, max_row=last))
        if bars.type == "bar":
            bars.y_axis.scaling.orientation = "minMax"
            bars.x_axis.scaling.orientation = (
                "maxMin"  # (the first row at the top, as in the table)
            )
        bars.height = max(7.5, 0.5 * len(labels) * max(1, len(names) // 2) + 3)
        bars.width = 18
        if len(names) == 1:
            bars.legend = None
        ws.add_chart(bars, f"{get_column_letter(len(table.columns) + 2)}2")


def _abandon(book: Any) -> None:
    """Close a failed workbook's sheet writers now. Left to the garbage collector, each
    tried to finish its XML into a temporary file on a full disk and printed a traceback
    ("Exception ignored in …") when the program ended."""
    for ws in book.worksheets:
        writer = getattr(ws, "_writer", None)
        for stream in (getattr(ws, "_rows", None), getattr(writer, "xf", None)):
            try:
                if stream is not None:
                    stream.close()
            except Exception:  # (the disk is still full: this is what we came to silence)
                pass
