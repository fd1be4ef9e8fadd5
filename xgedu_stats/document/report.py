"""One ``report`` run: the figures and tables of a counted run, last year's figures, the
templates filled, ready for the writers."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xgedu_stats import official
from xgedu_stats import tables as tbl
from xgedu_stats.config import read_small_file
from xgedu_stats.document import Document, compared, fill
from xgedu_stats.document import names as nm
from xgedu_stats.document import templates as tp
from xgedu_stats.errors import ConfigError, InputError
from xgedu_stats.messages import display_path
from xgedu_stats.pipeline import Result
from xgedu_stats.render.json import document as json_document

#: The largest ``--previous`` file read (an aggregate JSON of a year is a few KB).
MAX_PREVIOUS_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Made:
    document: Document
    figures: dict[str, nm.Figure]
    notes: tuple[str, ...]


def figures(
    result: Result, layout: str, previous: dict[str, Any] | None = None
) -> dict[str, nm.Figure]:
    """Every figure of the run by name (and last year's, when given)."""
    out = nm.figures_of(json_document(_report(result, layout)))
    return nm.with_previous(out, nm.figures_of(previous)) if previous is not None else out


def _report(result: Result, layout: str, extra: tuple[str, ...] = ()) -> tbl.Report:
    """The tables ``aggregate --layout`` prints, the official tables of every layout (their
    figures have names whichever layout the report has), and any a template places."""
    report = tbl.build_report(result, (), (), layout)
    have = {t.name for t in report.tables}
    official_tables = (n for names in official.LAYOUT_TABLES.values() for n in names)
    wanted = dict.fromkeys(
        n for n in (*official_tables, *extra) if n in tbl.TABLES and n not in have
    )
    return tbl.Report(
        report.period,
        report.totals,
        report.tables + tuple(tbl.TABLES[n](result) for n in wanted),
        report.other_lines,
        report.other_totals,
        report.articles,
    )


def make(
    result: Result,
    layout: str,
    folder: Path | None,
    previous: dict[str, Any] | None,
) -> Made:
    """The report of a run: its templates filled with its figures (and last year's)."""
    templates, notes = tp.load(layout, folder)
    placed = tuple(dict.fromkeys(b.table for t in templates for b in t.blocks if b.kind == "table"))
    report = _report(result, layout, placed)
    doc = json_document(report)
    found = nm.figures_of(doc)
    if previous is not None:
        found = nm.with_previous(found, nm.figures_of(previous))
    tables = {t.name: t for t in report.tables}
    if previous is not None:
        tables = {n: compared(t, found) for n, t in tables.items()}
    made = fill(templates, found, tables, previous is not None, nm.blank_tables(doc))
    # What the tool notes on a table it sets (没有读到…, …没有数据), which its caption leaves out.
    titles = [p.table.title for p in made.parts if p.kind == "table" and p.table is not None]
    captions = {p.table.title: p.table.caption for p in made.parts if p.table is not None}
    untold = [t for t in dict.fromkeys(titles) if captions[t] and t != captions[t] and "没有" in t]
    notes += [f"报告中的表 {title}" for title in untold]
    return Made(made, found, (*notes, *made.warnings))


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
        doc = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"上年的统计文件 {shown} 第 {exc.lineno} 行第 {exc.colno} 列不是 JSON 的写法；{expected}"
        ) from None
    except (ValueError, RecursionError):  # (NaN; nesting deeper than Python's stack)
        raise InputError(f"上年的统计文件 {shown} 不是可读的 JSON；{expected}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("tables"), dict):
        raise InputError(f"上年的统计文件 {shown} 中没有统计表（tables）；{expected}")
    doc, problems = nm.checked(doc)
    if problems:
        more = f"等 {len(problems)} 处" if len(problems) > 1 else ""
        raise InputError(f"上年的统计文件 {shown} 中 {problems[0]}{more}；请改正后再运行")
    return doc


def _no_constant(name: str) -> Any:
    raise ValueError(name)  # (NaN, Infinity: no JSON, and no figure)


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
