"""The official statistical tables, in their official labels, numbering and layout:

- the 2021 national format (国办公开办函〔2021〕30号): table 二 第二十条 (``article20``), table 三
  (``applications``) and table 四 (``appeals``), filled from the registers and the figures
  file, each checked against its consistency rules (``rules``) before it is printed;
- the 政府信息公开情况统计表 of the 2018 reports (``statistics_2018``), section 一 from the
  published items and the later sections the registers cover.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from xgedu_stats import rules
from xgedu_stats.config import CHANNEL_TYPES, LAYOUT_2021_FROM, Period
from xgedu_stats.count import appeals as ap
from xgedu_stats.count import applications as apps
from xgedu_stats.count import documents as docs
from xgedu_stats.errors import XgeduError
from xgedu_stats.figures import (
    DECISION_ROWS,
    DECISIONS,
    DOCUMENT_FIGURES,
    DOCUMENT_ROWS,
    FEES,
    FEES_FIGURE,
)
from xgedu_stats.pipeline import Result
from xgedu_stats.presentation import Column, Row, Table
from xgedu_stats.read.kinds import APPEALS, APPLICATIONS, DOCUMENTS

#: The corner of table 三, as the official table prints it.
APPLICATIONS_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


def layout_for(period: Period) -> str:
    """The official layout of a period's report: 2021 from the 2021 reporting year on.

    >>> layout_for(Period.year(2018)), layout_for(Period.year(2023)), layout_for(Period())
    ('2018', '2021', '2021')
    """
    year = (period.start or period.end).year if (period.start or period.end) else None
    return "2018" if year is not None and year < LAYOUT_2021_FROM else "2021"


def _checked(name: str, data: Any) -> Any:
    """The figures of an official table, once every rule holds (they always should: a
    broken rule here is a fault of the tool, not of the registers)."""
    broken = rules.check({name: data})
    if broken:
        raise XgeduError(
            "程序内部错误：统计出的表不符合勾稽关系（"
            + "；".join(b.line() for b in broken[:3])
            + "）；请把登记表和命令反馈给维护者"
        )
    return data


def applications_table(result: Result) -> Table:
    """Table 三: 收到和处理政府信息公开申请情况."""
    found = result.counted.get(APPLICATIONS.name)
    columns = (
        Column("label", APPLICATIONS_CORNER),
        *(Column(c, c, True) for c in apps.COLUMNS),
    )
    header = (
        (("", 1), ("申请人情况", len(apps.COLUMNS))),
        (("", 2), (apps.LEGAL_PERSONS, len(apps.APPLICANTS) - 1), ("", 1)),
    )
    title = "收到和处理政府信息公开申请情况"
    if found is None:
        return Table(
            "applications",
            title + "（没有读到依申请公开登记表）",
            columns,
            (),
            header=header,
            caption=title,
        )
    counts = found.counts
    rows = []
    data = []
    for line in apps.LINES:
        if line.heading:
            rows.append(Row((line.printed, *([None] * len(apps.COLUMNS))), "heading"))
            continue
        figures = [int(counts.at[line.label, c]) for c in apps.COLUMNS]
        rows.append(Row((line.printed, *figures), "total" if line.label == apps.TOTAL else "data"))
        data.append(
            {
                "label": line.label,
                "parent": line.parent,
                **dict(zip(apps.COLUMNS, figures, strict=True)),
            }
        )
    return Table(
        "applications",
        title,
        columns,
        tuple(rows),
        short="依申请公开情况",
        header=header,
        data=_checked("applications", data),
    )


def appeals_table(result: Result) -> Table:
    """Table 四: 政府信息公开行政复议、行政诉讼情况, one row of fifteen figures."""
    found = result.counted.get(APPEALS.name)
    columns = tuple(
        Column(f"{ap.group_key(case, route)}/{f}", f, True)
        for case, route in ap.GROUPS
        for f in ap.FIGURES
    )
    n = len(ap.FIGURES)
    header = (
        ((ap.REVIEW, n), (ap.LAWSUIT, 2 * n)),
        (("", n), (ap.DIRECT, n), (ap.AFTER_REVIEW, n)),
    )
    title = "政府信息公开行政复议、行政诉讼情况"
    if found is None:
        return Table(
            "appeals",
            title + "（没有读到复议诉讼登记表）",
            columns,
            (),
            header=header,
            caption=title,
        )
    counts = found.counts
    figures = {
        ap.group_key(c, r): {f: int(counts.at[ap.group_key(c, r), f]) for f in ap.FIGURES}
        for c, r in ap.GROUPS
    }
    data = {
        ap.REVIEW: figures[ap.REVIEW],
        ap.LAWSUIT: {r: figures[ap.group_key(ap.LAWSUIT, r)] for r in (ap.DIRECT, ap.AFTER_REVIEW)},
    }
    row = Row(tuple(v for cells in figures.values() for v in cells.values()))
    return Table(
        "appeals",
        title,
        columns,
        (row,),
        short="复议诉讼情况",
        header=header,
        data=_checked("appeals", data),
    )


#: The items of 第二十条 in table 二, their rows and their figures.
ARTICLE20_ITEMS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("第二十条第（一）项", DOCUMENT_ROWS, DOCUMENT_FIGURES),
    ("第二十条第（五）项", DECISION_ROWS[:1], (DECISIONS,)),
    ("第二十条第（六）项", DECISION_ROWS[1:], (DECISIONS,)),
    ("第二十条第（八）项", (FEES,), (FEES_FIGURE,)),
)


def article20_table(result: Result) -> Table:
    """Table 二: 主动公开政府信息情况 — the four items of 第二十条 as one table, each row's
    figures in its own columns (blank where the official table has no cell)."""
    found = result.counted.get(DOCUMENTS.name)
    typed = result.figures
    figures: dict[str, dict[str, int | Decimal | None]] = {}
    for row in DOCUMENT_ROWS:
        if found is not None:
            figures[row] = {f: int(found.counts.at[row, f]) for f in docs.FIGURES}
        elif typed is not None and row in typed.documents:
            figures[row] = dict(typed.documents[row])
        else:
            figures[row] = dict.fromkeys(DOCUMENT_FIGURES)
    for row in DECISION_ROWS:
        figures[row] = {DECISIONS: typed.decisions.get(row) if typed else None}
    figures[FEES] = {FEES_FIGURE: typed.fees if typed else None}
    all_figures = [*DOCUMENT_FIGURES, DECISIONS, FEES_FIGURE]
    columns = (
        Column("item", "项目"),
        Column("label", "信息内容"),
        *(Column(f, f, True, decimals=4 if f == FEES_FIGURE else 0) for f in all_figures),
    )
    rows = []
    for item, labels, _ in ARTICLE20_ITEMS:
        for label in labels:
            rows.append(Row((item, label, *(_cell(figures[label].get(f)) for f in all_figures))))
    data = [
        {"label": label, **{f: _cell(v) for f, v in figures[label].items()}}
        for _, labels, _ in ARTICLE20_ITEMS
        for label in labels
    ]
    missing = [label for label, cells in figures.items() if all(v is None for v in cells.values())]
    title = "主动公开政府信息情况（第二十条）"
    if found is not None and typed is not None and typed.documents:
        title += "（规章、行政规范性文件按规范性文件登记表统计，数据文件中的这两行未用）"
    if missing:
        title += (
            "（"
            + "、".join(missing)
            + " 没有数据：用 init --figures 年份 写出数据文件，填好后加 --figures）"
        )
    return Table(
        "article20",
        title,
        columns,
        tuple(rows),
        short="主动公开情况（第二十条）",
        caption="主动公开政府信息情况",
        data=_checked("article20", data),
    )


def _cell(value: int | Decimal | None) -> int | float | None:
    """A figure as JSON and the renderers take it (an amount in 万元 as a number)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def statistics_2018_table(result: Result) -> Table:
    """The 2018 政府信息公开情况统计表: 统计指标 | 单位 | 统计数 — section 一 from the published
    items, and the sections the registers fill (依申请公开情况, 行政复议数量, 行政诉讼数量)."""
    rows: list[Row] = []

    def heading(label: str) -> None:
        rows.append(Row((label, None, None), "heading"))

    def figure(label: str, unit: str, value: int | None) -> None:
        rows.append(Row((label, unit, value)))

    read = result.articles_read  # (else the published items' figures are blank, not 0)
    heading("一、主动公开情况")
    figure(
        "（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）",
        "条",
        result.totals.unique_items if read else None,
    )
    by_type = dict(
        zip(result.doc_types.counts["doc_type"], result.doc_types.counts["count"], strict=True)
    )
    figure("其中：主动公开规范性文件数", "条", int(by_type.get("规范性文件", 0)) if read else None)
    documents = result.counted.get(DOCUMENTS.name)
    issued: int | None = None
    if documents is not None:
        issued = int(documents.counts[docs.ISSUED].sum())
    elif result.figures is not None and result.figures.documents:
        issued = sum(cells[DOCUMENT_FIGURES[0]] for cells in result.figures.documents.values())
    figure("制发规范性文件总数", "件", issued)
    heading("（二）通过不同渠道和方式公开政府信息的情况")
    by_channel = channel_counts(result)
    for n, name in enumerate(CHANNEL_TYPES, start=1):
        figure(f"{n}.{name}公开政府信息数", "条", by_channel[name] if read else None)
    applications = result.counted.get(APPLICATIONS.name)
    heading("三、依申请公开情况")
    received = closed = None
    if applications is not None:
        received = int(applications.counts.at[apps.NEW, apps.TOTAL])
        closed = int(applications.counts.at[apps.TOTAL, apps.TOTAL])
    figure("（一）收到申请数", "件", received)
    figure("（二）申请办结数", "件", closed)
    appeals = result.counted.get(APPEALS.name)
    pending = 0  # (counted in 数量, in none of its three items: the 2018 form has no row)
    for number, case in (("四", ap.REVIEW), ("五", ap.LAWSUIT)):
        outcomes: dict[str, int | None] = dict.fromkeys((*ap.OUTCOMES, ap.TOTAL))
        if appeals is not None:
            part = appeals.counts[appeals.counts.index.str.startswith(case)]
            outcomes = {f: int(part[f].sum()) for f in (*ap.OUTCOMES, ap.TOTAL)}
            pending += outcomes["尚未审结"] or 0
        figure(f"{number}、{case}数量", "件", outcomes[ap.TOTAL])
        figure("1.维持具体行政行为数", "件", outcomes["结果维持"])
        figure("2.被依法纠错数", "件", outcomes["结果纠正"])
        figure("3.其他情形数", "件", outcomes["其他结果"])
    title = "政府信息公开情况统计表（2018 年及以前的格式；第二、六至九部分不由本工具统计）"
    if pending:
        title += f"（行政复议、行政诉讼数量含尚未审结的 {pending} 件，不计入其下 1–3 项）"
    return Table(
        "statistics_2018",
        title,
        (Column("indicator", "统计指标"), Column("unit", "单位"), Column("count", "统计数", True)),
        tuple(rows),
        short="政府信息公开情况统计表",
        caption="政府信息公开情况统计表",
    )


def channel_counts(result: Result) -> dict[str, int]:
    """Unique items per channel type (an item once per type it appeared on), each platform
    being of the type ``[statistics_2018] channels`` gives it (else 其他方式)."""
    settings = result.settings.statistics_2018
    out = dict.fromkeys(CHANNEL_TYPES, 0)
    for listed, n in result.items["platforms"].value_counts().items():
        for t in {settings.channel_of(p) for p in str(listed).split(",") if p}:
            out[t] += int(n)
    return out


OFFICIAL_TABLES: dict[str, Callable[[Result], Table]] = {
    "statistics_2018": statistics_2018_table,
    "article20": article20_table,
    "applications": applications_table,
    "appeals": appeals_table,
}
#: The official tables of each layout, in the order the report has them.
LAYOUT_TABLES = {"2018": ("statistics_2018",), "2021": ("article20", "applications", "appeals")}
#: What makes each official table print by default (a register or the figures file read).
GIVEN: dict[str, Callable[[Result], bool]] = {
    "statistics_2018": lambda r: (
        any(k.name in r.counted for k in (APPLICATIONS, APPEALS, DOCUMENTS))
        or r.figures is not None
    ),
    "article20": lambda r: DOCUMENTS.name in r.counted or r.figures is not None,
    "applications": lambda r: APPLICATIONS.name in r.counted,
    "appeals": lambda r: APPEALS.name in r.counted,
}
