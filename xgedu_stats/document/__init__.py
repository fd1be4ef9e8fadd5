"""The annual report as a document: the section templates (``templates``) filled with the
figures of the run (``names``) and set around its tables; written as Word (``word``) or
Markdown (``markdown``).

A :class:`Document` is title, headings, paragraphs and tables, each a finished text or a
:class:`~xgedu_stats.presentation.Table`: the writers only lay it out.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, replace

from xgedu_stats.config import MESSAGE_TYPES
from xgedu_stats.document import names as nm
from xgedu_stats.document.templates import Placeholder, Template, TemplateError
from xgedu_stats.presentation import Column, Row, Table

#: The names a misspelt one is compared with at most, for a suggestion.
_MAX_COMPARED = 20_000
#: What a figure without a value this year is written as (and a warning says where).
NO_DATA = "【无数据】"
_NO_PREVIOUS_NOTE = f"上年或本年没有这个数字（--previous 的文件中没有它，或本次没有读到它的数据），报告中写为“{NO_DATA}”"


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
) -> Document:
    """The templates with their figures written in and their tables set. Every unknown
    name or way of writing in them is found before one :class:`TemplateError` lists them,
    each naming the template and the line; a figure without a value this year is written
    as :data:`NO_DATA`, with a warning."""
    parts: list[Part] = []
    warnings: list[str] = [w for t in templates for w in t.warnings]
    errors: list[str] = [e for t in templates for e in t.errors]
    for template in templates:
        for block in template.blocks:
            if block.kind == "table":
                table = tables.get(block.table)
                if table is None:
                    known = "、".join(f"tables.{t}（{w}）" for t, w in nm.TABLE_TITLES.items())
                    errors.append(
                        f"模板 {template.origin} 第 {block.line} 行：没有名为“tables.{block.table}”"
                        f"的表；可用的表：{known}"
                    )
                    continue
                caption = table.caption or table.title
                if parts and parts[-1].kind == "heading" and _same(parts[-1].text, caption):
                    caption = ""  # (三、收到和处理政府信息公开申请情况 says it already)
                parts.append(Part("table", caption, table=table))
                continue
            written = []
            for p in block.parts:
                if isinstance(p, str):
                    written.append(p)
                    continue
                try:
                    written.append(_write(p, template, figures, previous, warnings))
                except TemplateError as exc:
                    errors.append(str(exc))
            parts.append(Part(block.kind, "".join(written), block.level))
    if errors:
        raise TemplateError(*errors)
    return Document(tuple(parts), tuple(warnings))


def _same(heading: str, caption: str) -> bool:
    return nm.row_label(heading) == caption


def _write(
    p: Placeholder,
    template: Template,
    figures: Mapping[str, nm.Figure],
    previous: bool,
    warnings: list[str],
) -> str:
    where = f"模板 {template.origin} 第 {p.line} 行"
    if p.spec and p.raw in figures:  # (a name holding a colon, written whole)
        p = replace(p, name=p.raw, spec="")
    figure = figures.get(p.name)
    if figure is None:
        raise TemplateError(
            f"{where}：没有名为“{p.name}”的数字（{_hint(p.name, figures, previous)}）"
        )
    if figure.clash:
        raise TemplateError(
            f"{where}：“{p.name}”是两个数字的名称（{figure.what}），不知道用哪一个；"
            "请在配置文件中给其中的类别或平台换个名字（不要用“合计”“小计”，名字中不要有“.”）"
        )
    if p.spec not in nm.SPECS:
        known = "、".join(f"{s}（{w}）" for s, w in nm.SPECS.items() if s)
        raise TemplateError(
            f"{where}：不认识“{p.name}:{p.spec}”中的写法“{p.spec}”；可用的写法：{known}"
        )
    if p.spec and not nm.countable(figure):
        raise TemplateError(
            f"{where}：“{p.name}”不能写成“{p.spec}”：以万为单位只用于条数、件数、次数等，"
            "不用于比率、年份、日期"
        )
    text = nm.written(figure, p.spec)
    if text is None:
        if p.name.startswith(("previous.", "change.")):
            why = _NO_PREVIOUS_NOTE
        else:
            why = f"本次{figure.missing or '没有这个数字'}，报告中写为“{NO_DATA}”"
        warnings.append(f"{where}：{p.name}（{figure.what}）{why}")
        return NO_DATA
    return text


def _hint(name: str, figures: Mapping[str, nm.Figure], previous: bool) -> str:
    """What to do about an unknown name: the names nearest it, or why it has none."""
    if name.startswith(("previous.", "change.")) and not previous:
        return "上年的数字要加 --previous 上年的 JSON 文件（aggregate --format json 写出）"
    if name.startswith("change.") and f"previous.{name.removeprefix('change.')}" in figures:
        return "比率没有同比增减，可写 previous.… 得到上年的比率"
    if name.startswith("tables."):
        return "放表要把 {tables.表名} 单独写在一行，不加“:写法”"
    head, _, last = name.rpartition(".")
    siblings = {n.rpartition(".")[2]: n for n in figures if n.rpartition(".")[0] == head}
    near = []
    if len(siblings) <= _MAX_COMPARED:  # (difflib takes a second for 250,000 names)
        near = [siblings[m] for m in difflib.get_close_matches(last, list(siblings), 3, 0.6)]
    if not near and len(figures) <= _MAX_COMPARED:
        near = difflib.get_close_matches(name, list(figures), n=3, cutoff=0.9)
    if near:
        return f"是不是 {'、'.join(near)}？report --list-figures 列出全部名称"
    return "report --list-figures 列出全部名称"


def compared(table: Table, figures: Mapping[str, nm.Figure]) -> Table:
    """The categories or interactions table with 上年 and 增减 columns: each row's
    ``previous.<name>`` (:func:`names.with_previous`). A 小计 is the sum of its rows' 上年
    (the groups as this year's config has them); 合计 is last year's total; a type of
    message none of came this year but some last year gets its row."""
    if table.name == "categories":
        labels, main = ("上年", "增减"), "count"
    elif table.name == "interactions" and table.rows:
        labels, main = ("上年收到", "增减"), "received"
        table = _with_last_years_types(table, figures)
    else:
        return table
    keys = [c.key for c in table.columns]
    at = keys.index(main) + 1
    rows: list[Row] = []
    group: list[object] = []
    for row in table.rows:
        record = dict(zip(keys, row.values, strict=True))
        if table.name == "interactions":
            name = f"interactions.{record['type']}.received"
        elif row.kind == "total":
            name = "categories.合计"
        else:
            name = f"categories.{record['category']}"
        old = figures.get("previous." + name)
        before = old.value if old is not None and nm.is_number(old.value) else None
        if row.kind == "subtotal":
            before = None if None in group else sum(group)  # type: ignore[arg-type]
            group = []
        elif row.kind == "data":
            group.append(before)
        added = (before, nm.difference(record[main], before))
        rows.append(replace(row, values=(*row.values[:at], *added, *row.values[at:])))
    columns = (
        *table.columns[:at],
        *(Column(k, label, True) for k, label in zip(("previous", "change"), labels, strict=True)),
        *table.columns[at:],
    )
    return replace(table, columns=columns, rows=tuple(rows), header=())


def _with_last_years_types(table: Table, figures: Mapping[str, nm.Figure]) -> Table:
    """The messages table with a row of zeros for each type that had messages last year
    and none this year (before the 合计 row)."""
    have = {r.values[0] for r in table.rows}
    more = []
    for t in MESSAGE_TYPES:
        old = figures.get(f"previous.interactions.{t}.received")
        if t not in have and old is not None and nm.is_number(old.value) and old.value:
            zeros = (0,) * (len(table.columns) - 3)
            more.append(Row((t, *zeros, None, None)))
    if not more:
        return table
    rows = [r for r in table.rows if r.kind == "data"]
    total = [r for r in table.rows if r.kind != "data"]
    return replace(table, rows=(*rows, *more, *total))
