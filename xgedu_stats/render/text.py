"""Plain text for the terminal: tabulate, with Chinese characters aligned (wcwidth).

Control characters in cells are escaped (``\\x1b``): a title must not drive the terminal.
"""

from __future__ import annotations

from typing import IO

from tabulate import tabulate

from xgedu_stats.messages import printable
from xgedu_stats.tables import Report, Table


def table_cell(value: object, tablefmt: str = "simple") -> object:
    """A cell as one harmless line of a table: a line break inside a name or title would
    start a false row (and end a markdown table), ``|`` would split a markdown cell, and
    any other control character is escaped (``messages.printable``).

    >>> table_cell("安全\\n后勤"), table_cell("a|b\\r\\nc", "pipe"), table_cell("\\x1b[31m红")
    ('安全 后勤', 'a\\\\|b<br>c', '\\\\x1b[31m红')
    """
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    lines = [printable(line) for line in value.splitlines()]
    if tablefmt == "pipe":
        return "<br>".join(line.replace("|", "\\|") for line in lines)
    return " ".join(lines)


def table_text(table: Table, tablefmt: str = "simple") -> str:
    headers = [table_cell(c.label, tablefmt) for c in table.columns]
    align = ["right" if c.numeric else "left" for c in table.columns]
    body = [[table_cell(v, tablefmt) for v in r.values] for r in table.rows]
    return tabulate(body, headers=headers, tablefmt=tablefmt, colalign=align, disable_numparse=True)


def render(report: Report, stream: IO[str]) -> None:
    stream.write(report.period_line() + "\n")
    for table in report.tables:
        stream.write(f"\n{table.title}\n{table_text(table)}\n")
    stream.write("\n" + "\n".join(report.conservation_lines()) + "\n")
