"""Plain text for the terminal: tabulate, with Chinese characters aligned (wcwidth).

Control characters in cells are escaped (``\\x1b``): a title must not drive the terminal.
"""

from __future__ import annotations

from typing import IO

from tabulate import tabulate

from xgedu_stats.messages import printable
from xgedu_stats.tables import Report, Table


def table_text(table: Table, tablefmt: str = "simple") -> str:
    headers = [printable(c.label) for c in table.columns]
    align = ["right" if c.numeric else "left" for c in table.columns]
    body = [[_cell(v) for v in r.values] for r in table.rows]
    return tabulate(body, headers=headers, tablefmt=tablefmt, colalign=align, disable_numparse=True)


def _cell(value: object) -> object:
    if value is None:
        return ""
    return printable(value) if isinstance(value, str) else value


def render(report: Report, stream: IO[str]) -> None:
    stream.write(report.period_line() + "\n")
    for table in report.tables:
        stream.write(f"\n{table.title}\n{table_text(table)}\n")
    stream.write("\n" + report.conservation_line() + "\n")
