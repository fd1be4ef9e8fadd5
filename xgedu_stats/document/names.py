"""Every figure a run computes, by a name a template can use (``categories.孝感教育新闻``,
``totals.unique_items``, ``interactions.合计.reply_rate``), with its unit and how the report
writes it.

The names are made from the JSON that ``aggregate --format json`` writes (period, totals,
each table's data rows), so that last year's JSON file gives last year's figures under the
same names (``--previous``): ``previous.<name>`` and ``change.<name>`` (同比增长 12.3%).
Sums the JSON leaves out (合计, 小计) are added here from its rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Set
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from xgedu_stats.config import DOC_TYPES, MESSAGE_TYPES
from xgedu_stats.count import appeals as ap
from xgedu_stats.count import applications as apps
from xgedu_stats.count.interactions import rate

#: The 文种 of what fits no other (left out of 发布各类政务新闻、规范性文件、资料、公告通知等 N 篇).
OTHER = DOC_TYPES[-1]
#: The column that names each row of a table (the rest are its figures).
_ROW_LABELS = {
    "categories": "category",
    "doc_types": "doc_type",
    "media": "kind",
    "platforms": "label",
    "interactions": "type",
    "interactions_by_department": "department",
    "statistics_2018": "indicator",
    "article20": "label",
    "applications": "label",
}
#: Tables whose labels carry the official numbering (（一） 1. 其中：), left out of names.
_NUMBERED = {"statistics_2018", "article20", "applications"}
#: Columns that describe a row without being a figure.
_NOT_FIGURES = {"group", "parent", "platform", "unit"}
#: What each table and its figures are, for ``--list-figures``.
TABLE_TITLES = {
    "categories": "按类别统计",
    "doc_types": "按文种统计",
    "media": "宣传图片",
    "platforms": "按发布平台统计",
    "interactions": "网上留言",
    "interactions_by_department": "网上留言按部门",
    "traffic": "网站访问量",
    "statistics_2018": "政府信息公开情况统计表（2018 年格式）",
    "article20": "表二 主动公开政府信息情况",
    "applications": "表三 收到和处理政府信息公开申请情况",
    "appeals": "表四 行政复议、行政诉讼情况",
}
_COLUMN_LABELS = {
    "rows": "读入行数",
    "items": "信息条数",
    "only_here": "仅在此平台",
    "received": "收到",
    "replied": "已回复",
    "on_time": "按期回复",
    "late": "超期回复",
    "overdue": "超期未回复",
    "pending": "办理中",
    "reply_rate": "回复率",
    "on_time_rate": "按期率",
    "page_views": "统计期内浏览量",
    "visitors": "统计期内访客数",
    "cumulative_page_views": "累计浏览量",
    "since": "累计起始日期",
    "through": "累计截止日期",
    "rows_read": "读入行数",
    "rejected": "无效行数",
    "out_of_period": "统计期外行数",
    "duplicates": "重复行数",
    "unique_items": "去重后信息条数",
    "messages": "留言件数",
    "counted": "计入行数",
    "days": "天数",
    "cases": "案件或申请件数",
}
_TOTALS_KINDS = {
    "interactions": "网上留言",
    "traffic": "访问统计",
    "applications": "依申请公开登记",
    "appeals": "复议诉讼登记",
    "documents": "规范性文件登记",
}
_UNITS = {
    "rows": "行",
    "rows_read": "行",
    "rejected": "行",
    "out_of_period": "行",
    "duplicates": "行",
    "counted": "行",
    "items": "条",
    "only_here": "条",
    "unique_items": "条",
    "days": "天",
    "page_views": "次",
    "cumulative_page_views": "次",
    "visitors": "人次",
    "reply_rate": "%",
    "on_time_rate": "%",
}
#: The figures of the interactions tables, summed in a 合计 row (rates computed again).
_MESSAGE_COUNTS = ("received", "replied", "on_time", "late", "overdue", "pending")
#: Names that exist whatever was read (blank when their input was not), with what they are
#: and their unit, for the tables and totals that hold no row when their input was not read.
_ALWAYS: dict[str, tuple[str, str]] = {
    "totals.interactions.messages": ("核对·网上留言·留言件数", "件"),
    "totals.traffic.days": ("核对·访问统计·天数", "天"),
    "totals.applications.cases": ("核对·依申请公开登记·案件或申请件数", "件"),
    "totals.appeals.cases": ("核对·复议诉讼登记·案件或申请件数", "件"),
    "traffic.page_views": ("网站访问量·统计期内浏览量", "次"),
    "traffic.visitors": ("网站访问量·统计期内访客数", "人次"),
    "traffic.cumulative_page_views": ("网站访问量·累计浏览量", "次"),
    "traffic.since": ("网站访问量·累计起始日期", ""),
    "traffic.through": ("网站访问量·累计截止日期", ""),
    "media.宣传图片（幅）": ("宣传图片·宣传图片（幅）", "幅"),
    "media.含图片的信息（条）": ("宣传图片·含图片的信息（条）", "条"),
}


def row_label(label: str) -> str:
    """A row's label in a figure's name: without the numbering in front of it.

    >>> row_label("（一）收到申请数"), row_label("1.维持具体行政行为数"), row_label("孝感教育新闻")
    ('收到申请数', '维持具体行政行为数', '孝感教育新闻')
    """
    return _NUMBERING.sub("", str(label)).strip()


#: Numbering in front of an official label (一、 （一） 1. 其中：), left out of its name.
_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.|其中：)")
_SECTION = re.compile(r"^[一二三四五六七八九十]+、")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Figure:
    """One figure: its value (a number, a day, a text, or None when its input was not read),
    its unit (条, 件, % …) and what it is, for ``--list-figures``."""

    name: str
    value: Any
    unit: str = ""
    what: str = ""
    clash: bool = False
    """Two figures have this name (``what`` says which): it stands for neither."""
    missing: str = ""
    """Why it has no value this year (没有读到网上留言的导出文件), when that is known."""


def figures_of(doc: Mapping[str, Any], unread: Set[str] = frozenset()) -> dict[str, Figure]:
    """Every figure of an ``aggregate --format json`` document, by name, in its order; the
    figures of the ``unread`` tables (whose input was not read: the document holds them
    made of nothing) have their names, so that a template is checked every year, and no
    value (``missing`` says why)."""
    out: dict[str, Figure] = {}

    def add(name: str, value: Any, unit: str, what: str) -> None:
        # Two figures of one name (a category called 合计, two platforms of one label, a
        # row written twice by hand) are neither: the name says so instead of picking one.
        if name in out:
            first = out[name]
            what = first.what if first.what == what else f"{first.what}；{what}"
            out[name] = Figure(name, None, first.unit, what, clash=True)
        else:
            out[name] = Figure(name, value, unit, what)

    period = doc.get("period") or {}
    start, end = _day(period.get("from")), _day(period.get("to"))
    add("period.from", start, "", "统计期开始日期")
    add("period.to", end, "", "统计期结束日期")
    year = (start or end).year if (start or end) else None
    add("year", year, "年", "统计年度")
    add("next_year", year + 1 if year is not None else None, "年", "下一年度")
    if year is not None:
        add("previous_year", year - 1, "年", "上一年度")
    for path, value in _flatten(doc.get("totals") or {}):
        kind = _TOTALS_KINDS.get(path[0], "发布信息") if len(path) > 1 else "发布信息"
        key = path[-1]
        add("totals." + ".".join(path), value, _unit(key), f"核对·{kind}·{_label(key)}")
    for table, data in (doc.get("tables") or {}).items():
        for name, value, unit, what in _table_figures(str(table), data):
            add(name, value, unit, what)
    for name, (what, unit) in _ALWAYS.items():
        if name not in out:
            add(name, None, unit, what)
    for name, figure in out.items():
        table = name.split(".")[0]
        if table in unread and not figure.clash:
            out[name] = replace(figure, value=None, missing=NOT_READ.get(table, ""))
    return out


#: A figure of last year's file larger than this is a mistyped one.
MAX_PREVIOUS_FIGURE = 10**12
_NUMBER_TEXT = re.compile(r"^\s*\d+(?:\.\d+)?\s*$")
#: The figures that are days (网站访问量's), and how deep aggregate's objects go at most.
_DAY_KEYS = (" since", " through", ".since", ".through")
_MAX_DEPTH = 8
#: The figures that may have decimals (rates, amounts in 万元): all others are counts.
_FRACTIONS = ("_rate", "（单位：万元）")


def checked(doc: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Last year's JSON with its figures as numbers (``"12"`` read as 12, ``2.0`` as 2), and
    what is wrong with it: a figure that is no number, a negative or an absurd one (a file
    edited by hand). Names and days are left as they are."""
    problems: list[str] = []

    def number(value: Any, where: str) -> Any:
        if value is None or (where.endswith(_DAY_KEYS) and isinstance(value, str)):
            return value
        if isinstance(value, str) and _NUMBER_TEXT.match(value):
            value = Decimal(value.strip())
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            problems.append(f"{where} 不是数字：{str(value)[:30]}")
            return None
        if value != value or value in (float("inf"), float("-inf")):
            problems.append(f"{where} 不是数字：{value}")
            return None
        if value < 0 or value > MAX_PREVIOUS_FIGURE:
            problems.append(f"{where} 是 {value}：{'不能为负数' if value < 0 else '太大'}")
            return None
        if value == int(value):
            return int(value)
        if not where.endswith(_FRACTIONS):
            problems.append(f"{where} 是 {value}：应为整数")
            return None
        return float(value)

    def walk(data: Any, where: str, depth: int = 0) -> Any:
        if isinstance(data, Mapping):
            if depth > _MAX_DEPTH:  # (aggregate's JSON is three deep)
                problems.append(f"{where} 嵌套太深，不是 aggregate 写出的")
                return {}
            return {k: walk(v, f"{where}.{k}", depth + 1) for k, v in data.items()}
        return number(data, where)

    out: dict[str, Any] = {
        "period": doc.get("period") if isinstance(doc.get("period"), Mapping) else {}
    }
    out["totals"] = (
        walk(doc.get("totals"), "totals") if isinstance(doc.get("totals"), Mapping) else {}
    )
    tables: dict[str, Any] = {}
    for table, data in (doc.get("tables") or {}).items():
        label_key = _ROW_LABELS.get(str(table))
        if isinstance(data, Mapping):
            tables[table] = walk(data, f"tables.{table}")
        elif isinstance(data, list):
            rows = []
            seen: dict[Any, int] = {}
            for i, record in enumerate(data, start=1):
                if not isinstance(record, Mapping):
                    problems.append(f"tables.{table} 第 {i} 行不是一行数字（应为 {{…}}）")
                    continue
                # (the official tables repeat labels under their sections: named by both)
                unique = label_key and table not in _NUMBERED
                label = record.get(label_key) if unique else None
                if unique and str(label) in seen:
                    problems.append(
                        f"tables.{table} 第 {i} 行（{label}）与第 {seen[str(label)]} 行是同一行"
                    )
                    continue
                if unique:
                    seen[str(label)] = i
                shown = (
                    f"tables.{table} 第 {i} 行（{record.get(label_key, '')}）"
                    if label_key
                    else f"tables.{table} 第 {i} 行"
                )
                rows.append(
                    {
                        k: v if k == label_key or k in _NOT_FIGURES else number(v, f"{shown}的 {k}")
                        for k, v in record.items()
                    }
                )
            tables[table] = rows
        else:
            problems.append(f"tables.{table} 不是表（应为 [...] 或 {{...}}）")
    out["tables"] = tables
    return out, problems


#: Why a table has no figures, by table.
NOT_READ = {
    "categories": "没有读到发布信息的导出文件",
    "platforms": "没有读到发布信息的导出文件",
    "doc_types": "没有读到发布信息的导出文件",
    "media": "导出文件中没有图片数，也没有文种为图片、图集的信息",
    "interactions": "没有读到网上留言的导出文件",
    "interactions_by_department": "没有读到网上留言的导出文件",
    "traffic": "没有读到访问统计的导出文件",
    "applications": "没有读到依申请公开登记表",
    "appeals": "没有读到复议诉讼登记表",
}


def _shape(table: str, data: Any) -> Any:
    """A table's data with every row it can have: tables 三 and 四 when no register was
    read (their names are known, their figures blank), and a row of zeros for each type
    of message none of came (the JSON leaves it out)."""
    if table == "applications" and not data:
        return [
            {"label": line.label, **dict.fromkeys(apps.COLUMNS)}
            for line in apps.LINES
            if not line.heading
        ]
    if table == "appeals" and not data:
        cells = dict.fromkeys(ap.FIGURES)
        return {ap.REVIEW: cells, ap.LAWSUIT: {ap.DIRECT: cells, ap.AFTER_REVIEW: cells}}
    if table == "interactions" and isinstance(data, list):
        have = {r.get("type") for r in data if isinstance(r, dict)}
        zeros = dict.fromkeys(_MESSAGE_COUNTS, 0) | {"reply_rate": None, "on_time_rate": None}
        return [*data, *({"type": t, **zeros} for t in MESSAGE_TYPES if t not in have)]
    return data


def _table_figures(table: str, data: Any) -> Iterator[tuple[str, Any, str, str]]:
    title = TABLE_TITLES.get(table, table)
    data = _shape(table, data)
    if isinstance(data, dict):  # (table 四: figures under column groups)
        for path, value in _flatten(data):
            yield f"{table}." + ".".join(path), value, "件", f"{title}·" + "·".join(path)
        return
    if not isinstance(data, list):
        return
    records = [r for r in data if isinstance(r, dict)]
    label_key = _ROW_LABELS.get(table)
    labels = _row_names(table, records, label_key)
    unit_of = _table_unit(table)
    for record, label in zip(records, labels, strict=True):
        figures = [k for k in record if k != label_key and k not in _NOT_FIGURES]
        for key in figures:
            value = record[key]
            unit = str(record.get("unit") or "") or unit_of(key, label)
            if label is None:  # (one row, no label: 网站访问量)
                yield f"{table}.{key}", _value(value), unit, f"{title}·{_label(key)}"
            elif len(figures) == 1:
                yield f"{table}.{label}", _value(value), unit, f"{title}·{label}"
            else:
                what = f"{title}·{label}·{_label(key)}"
                yield f"{table}.{label}.{key}", _value(value), unit, what
    yield from _sums(table, title, records, unit_of)


def _row_names(table: str, records: list[dict], label_key: str | None) -> list[str | None]:
    """Each row's name: its label without its numbering; a label the table has twice
    (1.维持具体行政行为数 under 四 and under 五) under its section's (行政复议数量.维持…)."""
    if label_key is None:
        return [None] * len(records)
    raw = [str(r.get(label_key, "")) for r in records]
    # (official labels only: a category is named as the office named it)
    stripped = [row_label(s) for s in raw] if table in _NUMBERED else raw
    seen: dict[str, int] = {}
    for s in stripped:
        seen[s] = seen.get(s, 0) + 1
    out: list[str | None] = []
    section = ""
    for r, s in zip(raw, stripped, strict=True):
        if _SECTION.match(r):
            section = s
        out.append(f"{section}.{s}" if seen[s] > 1 and section and section != s else s)
    return out


def _table_unit(table: str) -> Any:
    def unit(key: str, label: str | None) -> str:
        if table in ("categories", "doc_types"):
            return "条"
        if table == "media":
            return "幅" if label and "幅" in label else "条"
        if "金额" in key:
            return "万元"
        if table in ("article20", "applications", "interactions", "interactions_by_department"):
            return _UNITS.get(key, "件")
        return _UNITS.get(key, "")

    return unit


def _sums(table: str, title: str, records: list[dict], unit_of: Any) -> Iterator[tuple]:
    """The 合计 and 小计 rows the JSON leaves out."""
    if table in ("categories", "doc_types"):
        counts = [int(r.get("count") or 0) for r in records]
        yield f"{table}.合计", sum(counts), "条", f"{title}·合计（各行之和）"
        if table == "doc_types":  # (发布各类政务新闻、规范性文件、资料、公告通知等 745 篇)
            named = sum(
                n for r, n in zip(records, counts, strict=True) if r.get("doc_type") != OTHER
            )
            yield "doc_types.合计（不含其他）", named, "条", f"{title}·除“{OTHER}”以外各文种之和"
        if table == "categories":
            groups: dict[str, int] = {}
            for r, n in zip(records, counts, strict=True):
                if r.get("group"):
                    groups[str(r["group"])] = groups.get(str(r["group"]), 0) + n
            for group, n in groups.items():
                yield f"categories.小计.{group}", n, "条", f"{title}·{group}·小计"
    elif table in ("interactions", "interactions_by_department"):  # (read, none: 0)
        total = {k: sum(int(r.get(k) or 0) for r in records) for k in _MESSAGE_COUNTS}
        total["reply_rate"] = rate(total["replied"], total["received"])
        total["on_time_rate"] = rate(total["on_time"], total["received"])
        for key, value in total.items():
            yield f"{table}.合计.{key}", value, unit_of(key, None), f"{title}·合计·{_label(key)}"


def _flatten(data: Mapping[str, Any], path: tuple[str, ...] = ()) -> Iterator[tuple]:
    for key, value in data.items():
        if isinstance(value, Mapping):
            yield from _flatten(value, (*path, str(key)))
        else:
            yield (*path, str(key)), _value(value)


def _value(value: Any) -> Any:
    if isinstance(value, str) and _DAY.match(value):
        return _day(value)
    return value


def _day(text: Any) -> date | None:
    try:
        return date.fromisoformat(str(text)) if text else None
    except ValueError:
        return None


def _label(key: str) -> str:
    return _COLUMN_LABELS.get(key, key)


def _unit(key: str) -> str:
    """The unit of a figure of ``totals`` (rows, items, cases …)."""
    return "件" if key in ("cases", "messages") else _UNITS.get(key, "")


# --- how the report writes a figure --------------------------------------------------

#: What a template may write after a figure's name (``{traffic.cumulative_page_views:万}``).
SPECS = {"": "照报告的写法", "万": "以万为单位，一位小数（53.8 万）"}


def written(figure: Figure, spec: str = "") -> str | None:
    """The figure as the report writes it: whole numbers as they are, rates with one
    decimal and %, days as 2018 年 1 月 1 日, ``万`` in tens of thousands; None when the
    figure has no value this year.

    >>> written(Figure("a", 2438)), written(Figure("r", 100.0, "%")), written(Figure("d", date(2018, 1, 1)))
    ('2438', '100.0%', '2018 年 1 月 1 日')
    >>> written(Figure("v", 538208), "万"), written(Figure("v", 500000), "万")
    ('53.8 万', '50 万')
    """
    value = figure.value
    if value is None:
        return None
    if isinstance(value, date):
        return f"{value.year} 年 {value.month} 月 {value.day} 日"
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return str(value)
    if spec == "万":
        tenth = (Decimal(str(value)) / 10000).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        return f"{_plain(tenth)} 万"
    if figure.unit == "%":
        return f"{Decimal(str(value)).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"
    return _plain(Decimal(str(value)))


def _plain(number: Decimal) -> str:
    """A number without a trailing .0 or exponent: 53.8, 50, 0.25."""
    text = format(number.normalize(), "f")
    return text


def countable(figure: Figure) -> bool:
    """Whether a figure may be written in 万: a count or an amount, which have a unit of
    their own (not a rate, a year, a day or a text; one with no value this year may, as it
    may have one next year)."""
    if figure.unit in ("%", "年", "") or figure.clash:
        return False
    return figure.value is None or is_number(figure.value)


def is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def with_previous(current: dict[str, Figure], previous: dict[str, Figure]) -> dict[str, Figure]:
    """``current`` and, for each number of either year, ``previous.<name>`` (last year's,
    blank when last year's file has no such figure) and, but for rates, ``change.<name>``
    (同比增长 12.3% …; blank when either year has no value)."""
    out = dict(current)
    for name, figure in current.items():
        if name in _YEARS or not (figure.value is None or is_number(figure.value)):
            continue
        before = previous.get(name)
        value = before.value if before is not None and is_number(before.value) else None
        if before is None and _counted_in(name, previous):
            value = 0  # (a type of message none of came last year has no row in its JSON)
        clash = before is not None and before.clash  # (a row 合计 typed into last year's file)
        what = f"上年·{before.what if clash else figure.what}"
        out[f"previous.{name}"] = Figure(f"previous.{name}", value, figure.unit, what, clash)
        if figure.unit != "%":  # (a rate's change in percent of a percent says nothing)
            text = change_text(figure.value, value)
            out[f"change.{name}"] = Figure(f"change.{name}", text, "", f"同比·{figure.what}")
    for name, before in previous.items():  # (last year's figures of what this year lacks)
        if name not in current and name not in _YEARS and is_number(before.value):
            out[f"previous.{name}"] = Figure(
                f"previous.{name}", before.value, before.unit, f"上年·{before.what}"
            )
            if before.unit != "%":
                out[f"change.{name}"] = Figure(f"change.{name}", None, "", f"同比·{before.what}")
    return out


def _counted_in(name: str, figures: Mapping[str, Figure]) -> bool:
    """Whether ``name`` is a row the messages tables leave out when it has no message, in
    a year whose messages were counted (its 合计 row has figures)."""
    table = name.split(".")[0]
    if table not in ("interactions", "interactions_by_department") or ".合计." in name:
        return False
    total = figures.get(f"{table}.合计.received")
    return total is not None and total.value is not None and not name.endswith("_rate")


#: Names of years, which have no last year's value.
_YEARS = ("year", "next_year", "previous_year")


def change_text(now: Any, before: Any) -> str | None:
    """This year against last year as a report says it.

    >>> change_text(2438, 2170), change_text(90, 100), change_text(5, 5), change_text(3, 0)
    ('同比增长 12.4%', '同比减少 10.0%', '与上年持平', '同比增加 3')
    >>> change_text(0, 0), change_text(3, None)
    ('与上年持平', None)
    """
    if now is None or before is None:
        return None
    now, before = Decimal(str(now)), Decimal(str(before))
    if now == before:
        return "与上年持平"
    if before == 0:
        return f"同比增加 {_plain(now)}"
    percent = ((now - before) * 100 / before).copy_abs().quantize(Decimal("0.1"), ROUND_HALF_UP)
    return f"同比{'增长' if now > before else '减少'} {percent}%"


def difference(now: Any, before: Any) -> str | None:
    """增减 as a table shows it: +12, -5, 0; blank when either is missing.

    >>> difference(12, 10), difference(3, 8), difference(4, 4), difference(4, None)
    ('+2', '-5', '0', None)
    """
    if not is_number(now) or not is_number(before):
        return None
    d = Decimal(str(now)) - Decimal(str(before))
    return ("+" if d > 0 else "") + _plain(d)
