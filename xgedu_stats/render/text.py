"""Plain text for the terminal: tabulate, with Chinese characters aligned (wcwidth).

Control characters in cells are escaped (``\\x1b``): a title must not drive the terminal.
"""

from __future__ import annotations

import re
from html import escape
from typing import IO

from tabulate import tabulate
from wcwidth import wcswidth

from xgedu_stats.messages import printable
from xgedu_stats.tables import Report, Table


def table_cell(value: object, tablefmt: str = "simple") -> object:
    """A cell as one harmless line of a table: a line break inside a name or title would
    start a false row (and end a markdown table), ``|`` would split a markdown cell, ``<``
    and ``&`` would be markup where Markdown becomes HTML, and any other control character
    is escaped (``messages.printable``).

    >>> table_cell("安全\\n后勤"), table_cell("a|b\\r\\nc", "pipe"), table_cell("\\x1b[31m红")
    ('安全 后勤', 'a\\\\|b<br>c', '\\\\x1b[31m红')
    >>> table_cell("<script>&", "pipe")
    '&lt;script&gt;&amp;'
    """
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    lines = [printable(line) for line in value.splitlines()]
    if tablefmt == "pipe":
        return "<br>".join(escape(line, quote=False).replace("|", "\\|") for line in lines)
    return " ".join(lines)


def table_text(table: Table, tablefmt: str = "simple") -> str:
    """The table as text; the labels spanning columns (``Table.header``) centred over their
    columns, or, in a pipe table (one header row), joined to each column's label."""
    labels = table.spanned_labels() if tablefmt == "pipe" else [c.label for c in table.columns]
    headers = [table_cell(label, tablefmt) for label in labels]
    align = ["right" if c.numeric else "left" for c in table.columns]
    body = [[table_cell(v, tablefmt) for v in r.values] for r in table.rows]
    text = tabulate(body, headers=headers, tablefmt=tablefmt, colalign=align, disable_numparse=True)
    if tablefmt != "simple" or not table.header:
        return text
    lines = text.split("\n")
    extents = [(m.start(), m.end()) for m in re.finditer("-+", lines[1])]
    above = [_spanning_line(level, extents) for level in table.header]
    return "\n".join([*above, *lines])


def _spanning_line(level: tuple[tuple[str, int], ...], extents: list[tuple[int, int]]) -> str:
    """One header line: each label centred over the columns it spans (``extents``: each
    column's first and past-last screen position, from tabulate's rule line)."""
    out, at, column = "", 0, 0
    for label, span in level:
        start, end = extents[column][0], extents[column + span - 1][1]
        column += span
        if not label:
            continue
        shown = str(table_cell(label))
        width = wcswidth(shown)
        left = start + max(0, (end - start - width) // 2)
        out += " " * max(0, left - at) + shown
        at = max(at, left) + width
    return out.rstrip()


def render(report: Report, stream: IO[str]) -> None:
    if report.title:
        stream.write(printable(report.title) + "\n")
    stream.write(report.period_line() + "\n")
    for table in report.tables:
        stream.write(f"\n{table.title}\n{table_text(table)}\n")
    if report.notes:
        stream.write("\n" + "\n".join(printable(n) for n in report.notes) + "\n")
    stream.write("\n" + "\n".join(report.conservation_lines()) + "\n")
