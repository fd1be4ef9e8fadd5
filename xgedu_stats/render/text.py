"""Plain text for the terminal: tabulate, with Chinese characters aligned (wcwidth)."""

from __future__ import annotations

from typing import IO

from tabulate import tabulate

from xgedu_stats.tables import Report, Table


def table_text(table: Table, tablefmt: str = "simple") -> str:
    headers = [c.label for c in table.columns]
    align = ["right" if c.numeric else "left" for c in table.columns]
    body = [["" if v is None else v for v in r.values] for r in table.rows]
    return tabulate(body, headers=headers, tablefmt=tablefmt, colalign=align, disable_numparse=True)


def render(report: Report, stream: IO[str]) -> None:
    stream.write(report.period_line() + "\n")
    for table in report.tables:
        stream.write(f"\n{table.title}\n{table_text(table)}\n")
    stream.write("\n" + report.conservation_line() + "\n")
