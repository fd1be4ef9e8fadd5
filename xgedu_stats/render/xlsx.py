"""Excel workbook: one sheet a table, with its title, bold header, subtotal and total rows.

Text is always stored as text, never as a formula: a cell that starts with ``=`` cannot run.
"""

from __future__ import annotations

from typing import IO

from xgedu_stats.tables import Report, Table


def _sheet_name(table: Table, used: set[str]) -> str:
    name = (table.title or table.name)[:28]
    for ch in "[]:*?/\\":
        name = name.replace(ch, " ")
    base, n = name, 2
    while name in used:
        name, n = f"{base[:25]}({n})", n + 1
    used.add(name)
    return name


def render(report: Report, stream: IO[bytes]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    used: set[str] = set()
    for table in report.tables:
        ws = book.create_sheet(_sheet_name(table, used))
        ws.append([table.title])
        ws["A1"].font = bold
        ws.append([c.label for c in table.columns])
        for cell in ws[2]:
            cell.font = bold
        for row in table.rows:
            ws.append(list(row.values))
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
    summary.append([report.period_line()])
    summary.append([report.conservation_line()])
    book.save(stream)
