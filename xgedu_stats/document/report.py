"""One ``report`` run: the figures and tables of a counted run, last year's figures, the
templates filled, ready for the writers."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from xgedu_stats import counters, rules
from xgedu_stats import tables as tbl
from xgedu_stats.config import read_small_file
from xgedu_stats.document import Document, compared, fill
from xgedu_stats.document import names as nm
from xgedu_stats.document import templates as tp
from xgedu_stats.errors import ConfigError, InputError
from xgedu_stats.messages import display_path
from xgedu_stats.pipeline import Result
from xgedu_stats.presentation import Table
from xgedu_stats.render.json import document as json_document

#: The largest ``--previous`` file read (an aggregate JSON of a year is a few KB).
MAX_PREVIOUS_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Made:
    """The filled report and what to tell the clerk about it."""

    document: Document
    notes: tuple[str, ...]


def figures(
    result: Result, previous: dict[str, Any] | None = None, tables: dict[str, Table] | None = None
) -> tuple[dict[str, nm.Figure], set[str]]:
    """Every figure of the run by name (and last year's, when given), from every table of
    the run (``tables``, else made here); and the tables whose input was not read (their
    figures have names and no value)."""
    tables = tables if tables is not None else all_tables(result)
    unread = {n for n in tables if not tbl.read_for(result, n)}
    totals = counters.totals_json(result.counted)
    every = tuple(tables.values())
    report = tbl.Report(result.period, result.totals, every, (), totals, result.articles_read)
    found = nm.figures_of(json_document(report), unread)
    if previous is not None:
        found = nm.with_previous(found, nm.figures_of(previous))
    return found, unread


def all_tables(result: Result) -> dict[str, Table]:
    """Every table of the run: the figures have names whatever tables a report places."""
    return {name: make_table(result) for name, make_table in tbl.TABLES.items()}


def make(
    result: Result,
    templates: list[tp.Template],
    previous: dict[str, Any] | None,
) -> Made:
    """The report of a run: its templates filled with its figures (and last year's), and
    its tables set where the templates place them."""
    tables = all_tables(result)
    found, blank = figures(result, previous, tables)
    notes: list[str] = []
    for name in blank:  # (a table whose input was not read is set without rows, with a note)
        table = tables[name]
        tables[name] = replace(table, rows=(), data=None)
    if previous is not None:
        tables = {n: compared(t, found) for n, t in tables.items()}
    made = fill(templates, found, tables, previous is not None)
    # What the tool notes on a table it sets (没有读到…, …没有数据), which its caption leaves out.
    placed = {p.table.name: p.table for p in made.parts if p.table is not None}
    for name, table in placed.items():
        if name in blank:
            notes.append(
                f"报告中的表“{table.caption or table.title}”：{nm.NOT_READ[name]}，表中没有数字"
            )
        elif table.caption and table.title != table.caption and "没有" in table.title:
            notes.append(f"报告中的表 {table.title}")
    return Made(made, (*notes, *made.warnings))


def read_previous(path: Path) -> dict[str, Any]:
    """Last year's ``aggregate --format json`` output."""
    expected = "应为上年 aggregate --format json 写出的 JSON 文件"
    try:
        data = read_small_file(
            path,
            MAX_PREVIOUS_BYTES,
            "上年的统计文件",
            expected,
            "MAX_PREVIOUS_BYTES",
            "上年的 JSON 文件不会这么大",
            "（--previous）",
        )
    except ConfigError as exc:
        raise InputError(str(exc)) from None
    shown = display_path(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"上年的统计文件 {shown} 不是 UTF-8 编码的文本；{expected}") from None
    try:
        doc = rules.strict_json(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"上年的统计文件 {shown} 第 {exc.lineno} 行第 {exc.colno} 列不是 JSON 的写法；{expected}"
        ) from None
    except rules.RepeatedKey as exc:
        raise InputError(
            f"上年的统计文件 {shown} 中“{exc.args[0]}”写了两次，不知道用哪一个；请删去一个"
        ) from None
    except (rules.NotANumber, RecursionError):  # (NaN; nesting deeper than Python's stack)
        raise InputError(f"上年的统计文件 {shown} 不是可读的 JSON；{expected}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("tables"), dict):
        raise InputError(f"上年的统计文件 {shown} 中没有统计表（tables）；{expected}")
    doc, problems = nm.checked(doc)
    if problems:
        more = f"等 {len(problems)} 处" if len(problems) > 1 else ""
        raise InputError(f"上年的统计文件 {shown} 中 {problems[0]}{more}；请改正后再运行")
    return doc


def previous_note(previous: dict[str, Any], result: Result, path: Path) -> str | None:
    """A note when last year's file is not of the year before the period's."""
    year = nm.figures_of({"period": previous.get("period") or {}}).get("year")
    start = result.period.start
    if year is None or year.value is None or start is None:
        return None
    if year.value != start.year - 1:
        return (
            f"上年的统计文件 {display_path(path)} 是 {year.value} 年的统计，"
            f"不是 {start.year - 1} 年的：上年和增减按它计算"
        )
    return None
