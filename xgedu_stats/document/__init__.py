"""The annual report as a document: the section templates (``templates``) filled with the
figures of the run (``names``) and set around its tables; written as Word (``word``) or
Markdown (``markdown``).

A :class:`Document` is title, headings, paragraphs and tables, each a finished text or a
:class:`~xgedu_stats.presentation.Table`: the writers only lay it out.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass, replace

from xgedu_stats.document import names as nm
from xgedu_stats.document.templates import Placeholder, Template, TemplateError
from xgedu_stats.presentation import Column, Row, Table

#: What a figure without a value this year is written as (and a warning says where).
NO_DATA = "【无数据】"
_NO_DATA_NOTE = f"本次没有数据（没有读到它的导出文件或登记表），报告中写为“{NO_DATA}”"


@dataclass(frozen=True)
class Part:
    """``title``, ``heading`` (``level`` 1: 一、 2: （一）), ``paragraph`` or ``table`` (its
    caption in ``text``: empty when the heading above says it)."""

    kind: str
    text: str = ""
    level: int = 0
    table: Table | None = None


@dataclass(frozen=True)
class Document:
    parts: tuple[Part, ...]
    warnings: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return next((p.text for p in self.parts if p.kind == "title"), "")


def fill(
    templates: list[Template],
    figures: Mapping[str, nm.Figure],
    tables: Mapping[str, Table],
    previous: bool = False,
    blank: Set[str] = frozenset(),
) -> Document:
    """The templates with their figures written in and their tables set; an unknown name
    or way of writing is a :class:`TemplateError` naming the template and the line (a name
    in one of the ``blank`` tables, which this run has no figures of, is written as
    :data:`NO_DATA`, with a warning)."""
    parts: list[Part] = []
    warnings: list[str] = []
    for template in templates:
        for block in template.blocks:
            if block.kind == "table":
                table = tables.get(block.table)
                if table is None:
                    known = "、".join(f"tables.{t}（{w}）" for t, w in nm.TABLE_TITLES.items())
                    raise TemplateError(
                        f"模板 {template.origin} 第 {block.line} 行：没有名为“tables.{block.table}”"
                        f"的表；可用的表：{known}"
                    )
                caption = table.caption or table.title
                if parts and parts[-1].kind == "heading" and _same(parts[-1].text, caption):
                    caption = ""  # (三、收到和处理政府信息公开申请情况 says it already)
                parts.append(Part("table", caption, table=table))
                continue
            text = "".join(
                p if isinstance(p, str) else _write(p, template, figures, previous, blank, warnings)
                for p in block.parts
            )
            parts.append(Part(block.kind, text, block.level))
    return Document(tuple(parts), tuple(warnings))


def _same(heading: str, caption: str) -> bool:
    return nm.row_label(heading) == caption


def _write(
    p: Placeholder,
    template: Template,
    figures: Mapping[str, nm.Figure],
    previous: bool,
    blank: Set[str],
    warnings: list[str],
) -> str:
    where = f"模板 {template.origin} 第 {p.line} 行"
    figure = figures.get(p.name)
    table = p.name.split(".")[0]
    if figure is None and table in blank:
        warnings.append(f"{where}：{p.name}（{nm.TABLE_TITLES[table]}）{_NO_DATA_NOTE}")
        return NO_DATA
    if figure is None:
        hint = "report --list-figures 列出全部名称"
        if p.name.startswith(("previous.", "change.")) and not previous:
            hint = "上年的数字要加 --previous 上年的 JSON 文件（aggregate --format json 写出）"
        elif p.name.startswith("tables."):
            hint = "表要单独写在一行"
        raise TemplateError(f"{where}：没有名为“{p.name}”的数字（{hint}）")
    if p.spec not in nm.SPECS or (
        p.spec and not nm.is_number(figure.value) and figure.value is not None
    ):
        known = "、".join(f"{s}（{w}）" for s, w in nm.SPECS.items() if s)
        raise TemplateError(
            f"{where}：“{p.name}:{p.spec}”的写法“{p.spec}”不能用于这个数字；可用：{known}"
        )
    text = nm.written(figure, p.spec)
    if text is None:
        warnings.append(f"{where}：{p.name}（{figure.what}）{_NO_DATA_NOTE}")
        return NO_DATA
    return text


def compared(table: Table, before: Mapping[str, nm.Figure]) -> Table:
    """The categories or interactions table with 上年 and 增减 columns (last year's figure of
    each row under the same name)."""
    if table.name == "categories":
        keys, labels, main = ("previous", "change"), ("上年", "增减"), "count"

        def name(row: Row, record: dict) -> str:
            if row.kind == "total":
                return "categories.合计"
            if row.kind == "subtotal":
                return f"categories.小计.{record['group']}"
            return f"categories.{nm.row_label(record['category'])}"
    elif table.name == "interactions":
        keys, labels, main = ("previous", "change"), ("上年收到", "增减"), "received"

        def name(row: Row, record: dict) -> str:
            return f"interactions.{nm.row_label(record['type'])}.received"
    else:
        return table
    column_keys = [c.key for c in table.columns]
    at = column_keys.index(main) + 1
    rows = []
    for row in table.rows:
        record = dict(zip(column_keys, row.values, strict=True))
        old = before.get(name(row, record))
        old_value = old.value if old is not None and nm.is_number(old.value) else None
        added = (old_value, nm.difference(record[main], old_value))
        rows.append(replace(row, values=(*row.values[:at], *added, *row.values[at:])))
    columns = (
        *table.columns[:at],
        *(Column(k, label, True) for k, label in zip(keys, labels, strict=True)),
        *table.columns[at:],
    )
    return replace(table, columns=columns, rows=tuple(rows), header=())
