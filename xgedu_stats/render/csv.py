"""CSV: a header row of Chinese labels, then the rows; several tables are separated by a blank line.

Text cells that a spreadsheet would run as a formula (starting with = + - @) are
prefixed with an apostrophe; so is a cell that already starts with apostrophes before one
of those, so that reading a file back (``decisions.load``) can take exactly one off.
"""

from __future__ import annotations

import csv
from typing import IO, Any

from xgedu_stats.tables import Report, Table

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Neutralise a text cell a spreadsheet would evaluate.

    >>> safe_cell("=1+2"), safe_cell("'=1"), safe_cell("'a"), safe_cell(5), safe_cell(None)
    ("'=1+2", "''=1", "'a", 5, '')
    """
    if value is None:
        return ""
    if isinstance(value, str) and value.lstrip("'").startswith(_FORMULA_START):
        return "'" + value
    return value


def write_table(table: Table, stream: IO[str]) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerows(table.header_cells())
    writer.writerow([c.label for c in table.columns])
    writer.writerows([safe_cell(v) for v in r.values] for r in table.rows)


def render(report: Report, stream: IO[str]) -> None:
    for i, table in enumerate(report.tables):
        if i:
            stream.write("\n")
        write_table(table, stream)
