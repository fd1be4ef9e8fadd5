"""Excel workbook: one sheet a table, with its title, bold header, subtotal and total rows.

Text is always stored as text, never as a formula: a cell that starts with ``=`` cannot run.
Control characters that a workbook cannot hold (XML 1.0 forbids them) are written escaped,
``\\x1b``, instead of failing the whole file. The marker goes into the document properties
(``keywords``, which Excel shows as 标记), where the tool finds it without opening the sheets.
"""

from __future__ import annotations

import re
from typing import IO, Any

from xgedu_stats.markers import WORKBOOK_PROPERTY
from xgedu_stats.messages import printable
from xgedu_stats.tables import Report, Table

#: What openpyxl refuses to write (its ILLEGAL_CHARACTERS_RE): C0 controls but tab, LF, CR.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def cell_value(value: Any) -> Any:
    r"""A value a workbook can hold: text with illegal control characters escaped.

    >>> cell_value("a\x1b[31mb"), cell_value("a\tb"), cell_value(3)
    ('a\\x1b[31mb', 'a\tb', 3)
    """
    if isinstance(value, str) and _ILLEGAL.search(value):
        return _ILLEGAL.sub(lambda m: printable(m.group()), value)
    return value


def _sheet_name(table: Table, used: set[str]) -> str:
    name = (table.title or table.name)[:28]
    for ch in "[]:*?/\\":
        name = name.replace(ch, " ")
    base, n = name, 2
    while name in used:
        name, n = f"{base[:25]}({n})", n + 1
    used.add(name)
    return name


def render(report: Report, stream: IO[bytes], marker: str | None = None) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from xgedu_stats import __version__

    book = Workbook()
    book.remove(book.active)
    book.properties.creator = f"xgedu-stats {__version__}"
    if marker is not None:
        setattr(book.properties, WORKBOOK_PROPERTY, marker)
    bold = Font(bold=True)
    used: set[str] = set()
    for table in report.tables:
        ws = book.create_sheet(_sheet_name(table, used))
        ws.append([cell_value(table.title)])
        ws["A1"].font = bold
        ws.append([cell_value(c.label) for c in table.columns])
        for cell in ws[2]:
            cell.font = bold
        for row in table.rows:
            ws.append([cell_value(v) for v in row.values])
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula
                if row.kind != "data":
                    cell.font = bold
        for i, column in enumerate(table.columns, start=1):
            width = max(
                [len(str(column.label))] + [len(str(r.values[i - 1] or "")) for r in table.rows]
            )
            ws.column_dimensions[ws.cell(row=2, column=i).column_letter].width = min(
                60, 2 * width + 2
            )
    summary = book.create_sheet("核对")
    summary.append([cell_value(report.period_line())])
    summary.append([cell_value(report.conservation_line())])
    book.save(stream)
