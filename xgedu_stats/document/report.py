"""One ``report`` run: the figures and tables of a counted run, last year's figures, the
templates filled, ready for the writers."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xgedu_stats import tables as tbl
from xgedu_stats.config import ConfigError, read_small_file
from xgedu_stats.document import Document, compared, fill
from xgedu_stats.document import names as nm
from xgedu_stats.document import templates as tp
from xgedu_stats.errors import InputError
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
    doc = json_document(_report(result, layout))
    out = nm.figures_of(doc)
    return nm.with_previous(out, nm.figures_of(previous)) if previous is not None else out


def _report(result: Result, layout: str, extra: tuple[str, ...] = ()) -> tbl.Report:
    """The tables ``aggregate --layout`` prints, and any other a template places."""
    report = tbl.build_report(result, (), (), layout)
    have = {t.name for t in report.tables}
    more = tuple(tbl.TABLES[n](result) for n in extra if n in tbl.TABLES and n not in have)
    return tbl.Report(
        report.period,
        report.totals,
        report.tables + more,
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
    templates, notes = tp.load(layout, folder)
    placed = tuple(dict.fromkeys(b.table for t in templates for b in t.blocks if b.kind == "table"))
    report = _report(result, layout, placed)
    doc = json_document(report)
    current = nm.figures_of(doc)
    found = current
    before: dict[str, nm.Figure] = {}
    if previous is not None:
        before = nm.figures_of(previous)
        found = nm.with_previous(current, before)
    tables = {t.name: t for t in report.tables}
    if previous is not None:
        tables = {n: compared(t, before) for n, t in tables.items()}
    made = fill(templates, found, tables, previous is not None, nm.blank_tables(doc))
    return Made(made, found, (*notes, *made.warnings))


def read_previous(path: Path) -> dict[str, Any]:
    """Last year's ``aggregate --format json`` output."""
    expected = "应为上年 aggregate --format json 写出的 JSON 文件"
    try:
        data = read_small_file(
            path,
            MAX_PREVIOUS_BYTES,
            "--previous 文件",
            expected,
            "MAX_PREVIOUS_BYTES",
            "上年的 JSON 文件不会这么大",
            "--previous",
        )
    except ConfigError as exc:
        raise InputError(str(exc)) from None
    shown = display_path(path)
    try:
        doc = json.loads(data.decode("utf-8-sig"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError) as exc:
        reason = getattr(exc, "msg", None) or "不是 UTF-8 文本"
        raise InputError(
            f"--previous 文件 {shown} 不是可读的 JSON（{reason}）；{expected}"
        ) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("tables"), dict):
        raise InputError(f"--previous 文件 {shown} 中没有统计表（tables）；{expected}")
    return doc


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} 不是数字")


def previous_note(previous: dict[str, Any], result: Result, path: Path) -> str | None:
    """A note when last year's file is not of the year before the period's."""
    year = nm.figures_of({"period": previous.get("period") or {}}).get("year")
    start = result.period.start
    if year is None or year.value is None or start is None:
        return None
    if year.value != start.year - 1:
        return (
            f"--previous 文件 {display_path(path)} 是 {year.value} 年的统计，"
            f"不是 {start.year - 1} 年的：上年和增减按它计算"
        )
    return None
