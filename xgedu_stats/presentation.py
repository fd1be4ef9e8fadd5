"""The presentation model: a report of tables with titles, Chinese column labels and rows
(data, subtotals, totals, headings). Renderers see only these; they never touch a DataFrame.
``tables`` and ``official`` make them from a run's figures."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from xgedu_stats.config import Period
from xgedu_stats.pipeline import Totals


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    numeric: bool = False
    decimals: int = 0
    """Decimal places a number is shown with (a rate: 1, so that 80 shows as 80.0)."""


@dataclass(frozen=True)
class Row:
    """One table row; ``kind`` is ``data``, ``subtotal``, ``total`` or ``heading`` (a label
    with no figures of its own, such as 三、本年度办理结果)."""

    values: tuple[Any, ...]
    kind: str = "data"
    alert: bool = False
    """A row a reader should see (a stale column): formats that can, mark it."""


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    short: str = ""
    """A short title (a worksheet's name holds 31 characters): the title when empty."""
    header: tuple[tuple[tuple[str, int], ...], ...] = ()
    """Rows of labels above the column labels, top first, each as (label, columns it spans)
    covering every column: the official tables' two-level headers (法人或其他组织 over five)."""
    caption: str = ""
    """The table's official title without the tool's notes on it, for a document: the
    title when empty."""
    data: Any = None
    """The table in JSON when its shape is not its records (the official tables')."""

    def records(self) -> list[dict[str, Any]]:
        """Data rows only, as dicts keyed by column key (no subtotal or total rows)."""
        keys = [c.key for c in self.columns]
        return [dict(zip(keys, r.values, strict=True)) for r in self.rows if r.kind == "data"]

    def json(self) -> Any:
        """The table as JSON: ``data`` when given, else its records."""
        return self.records() if self.data is None else self.data

    def header_cells(self) -> list[list[str]]:
        """The rows of ``header`` as cells: each label in the first column it spans."""
        out = []
        for level in self.header:
            cells: list[str] = []
            for label, span in level:
                cells += [label] + [""] * (span - 1)
            out.append(cells)
        return out

    def spanned_labels(self) -> list[str]:
        """Each column's label under the labels spanning it (法人或其他组织·商业企业), for
        formats with one header row."""
        above: list[list[str]] = [[] for _ in self.columns]
        for level in self.header:
            at = 0
            for label, span in level:
                for i in range(at, at + span):
                    if label:
                        above[i].append(label)
                at += span
        return ["·".join([*a, c.label]) for a, c in zip(above, self.columns, strict=True)]


@dataclass(frozen=True)
class Chart:
    """A bar chart of a table's data rows (never its 小计 or 合计): one bar per row and
    series, labelled by the ``label`` column; ``values`` are the columns drawn, one series
    each. ``style``: ``bars`` (horizontal bars, a few series side by side) or ``trend``
    (a row's series as a small column chart: the periods of one department)."""

    title: str
    table: str
    label: str
    values: tuple[str, ...]
    style: str = "bars"

    def data(self, table: Table) -> tuple[list[str], list[str], list[list[int]]]:
        """The bars' labels, the series' names and, per row, its values (0 for none)."""
        keys = [c.key for c in table.columns]
        at = keys.index(self.label)
        columns = [keys.index(v) for v in self.values]
        names = [table.columns[i].label for i in columns]
        rows = [r for r in table.rows if r.kind == "data"]
        labels = ["" if r.values[at] is None else str(r.values[at]) for r in rows]
        values = [[int(r.values[i] or 0) for i in columns] for r in rows]
        return labels, names, values


@dataclass(frozen=True)
class Report:
    period: Period
    totals: Totals
    tables: tuple[Table, ...]
    other_lines: tuple[str, ...] = ()
    """The 核对 line of each other kind of input read (``counters.COUNTERS``)."""
    other_totals: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Where the rows of each other kind went, by kind name (``totals.interactions`` …)."""
    articles: bool = True
    """Whether exports of published items were read (else no 核对 line of theirs)."""
    title: str = ""
    """A heading for the formats that show one (a page, a bulletin): none when empty."""
    charts: tuple[Chart, ...] = ()
    """Charts of its tables, for the formats that draw them (html, xlsx)."""
    notes: tuple[str, ...] = ()
    """Lines after the tables (a bulletin's stale columns), before the 核对 lines."""

    def period_line(self) -> str:
        p = self.period
        if p.is_open:
            return "统计期：全部日期（未指定 --year 或 --from/--to）"
        start = p.start.isoformat() if p.start else "最早"
        end = p.end.isoformat() if p.end else "最新"
        return f"统计期：{start} 至 {end}"

    def conservation_line(self) -> str:
        t = self.totals
        return (
            f"核对：读入 {t.rows_read} 行 = 无效 {t.rejected} + 统计期外 {t.out_of_period}"
            f" + 重复 {t.duplicates} + 去重后信息 {t.unique_items} 条"
        )

    def conservation_lines(self) -> list[str]:
        """The 核对 line of published items, and one for each other kind read."""
        return [*([self.conservation_line()] if self.articles else []), *self.other_lines]

    def json_totals(self) -> dict[str, Any]:
        return {**asdict(self.totals), **self.other_totals}
