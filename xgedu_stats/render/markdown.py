"""Markdown pipe tables, to paste into a document."""

from __future__ import annotations

from typing import IO

from xgedu_stats.render.text import table_cell, table_text
from xgedu_stats.tables import Report


def render(report: Report, stream: IO[str]) -> None:
    if report.title:
        stream.write(f"## {table_cell(report.title, 'pipe')}\n\n")
    stream.write(report.period_line() + "\n")
    for table in report.tables:
        stream.write(f"\n### {table.title}\n\n{table_text(table, 'pipe')}\n")
    if report.notes:
        stream.write("\n" + "\n".join(f"- {table_cell(n, 'pipe')}" for n in report.notes) + "\n")
    stream.write("\n" + "\n\n".join(report.conservation_lines()) + "\n")
