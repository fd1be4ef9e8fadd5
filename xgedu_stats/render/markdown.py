"""Markdown pipe tables, to paste into a document."""

from __future__ import annotations

from typing import IO

from xgedu_stats.render.text import table_text
from xgedu_stats.tables import Report


def render(report: Report, stream: IO[str]) -> None:
    stream.write(report.period_line() + "\n")
    for table in report.tables:
        stream.write(f"\n### {table.title}\n\n{table_text(table, 'pipe')}\n")
    stream.write("\n" + "\n\n".join(report.conservation_lines()) + "\n")
