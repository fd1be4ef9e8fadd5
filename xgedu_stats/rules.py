"""The consistency rules (勾稽关系) of the official tables, checked on figures in their JSON
shape — the tool's own before it prints them, or figures from outside (``check``).

Tables (as ``aggregate --format json`` writes them under ``tables``):

- ``applications``: rows top to bottom, ``{"label", "parent", "自然人" … "其他", "总计"}``;
- ``appeals``: ``{"行政复议": {five}, "行政诉讼": {"未经复议直接起诉": {five}, "复议后起诉": {five}}}``;
- ``article20``: ``[{"label": "规章", "本年制发件数", "本年废止件数", "现行有效件数"}, …]``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from xgedu_stats.config import read_small_file
from xgedu_stats.count import appeals as ap
from xgedu_stats.count import applications as apps
from xgedu_stats.count.registers import label_key
from xgedu_stats.errors import InputError
from xgedu_stats.figures import (
    DECISION_ROWS,
    DECISIONS,
    DOCUMENT_FIGURES,
    DOCUMENT_ROWS,
    FEES,
    FEES_FIGURE,
)

#: The tables the rules know, by JSON name, with their official titles.
TITLES = {
    "applications": "收到和处理政府信息公开申请情况",
    "appeals": "政府信息公开行政复议、行政诉讼情况",
    "article20": "主动公开政府信息情况（第二十条）",
}


@dataclass(frozen=True)
class Breach:
    """A rule that does not hold: which table, rule, row and column, and its two sides."""

    table: str
    rule: str
    row: str
    column: str
    left: int | Decimal
    right: int | Decimal

    def line(self) -> str:
        """One line for a clerk: table, rule, where, and the two sides' values."""
        where = "、".join(
            p
            for p in (
                f"「{self.row}」行" if self.row else "",
                f"「{self.column}」列" if self.column else "",
            )
            if p
        )
        return f"{TITLES[self.table]}：{where}不符合「{self.rule}」：左边 {self.left}，右边 {self.right}"


def check(tables: Mapping[str, Any]) -> list[Breach]:
    """Every broken rule among the official tables given (others are ignored).

    Figures that are missing, not numbers or negative make the input unreadable
    (``InputError``): a rule is about sums, not about how a figure was typed."""
    out: list[Breach] = []
    if "applications" in tables:
        out += _applications(_application_rows(tables["applications"]))
    if "appeals" in tables:
        out += _appeals(_appeal_groups(tables["appeals"]))
    if "article20" in tables:
        out += _article20(tables["article20"])
    return out


# --- table 三 ---------------------------------------------------------------------------

RULE_BALANCE = "一 + 二 = （七）总计 + 四"
RULE_RESULTS = "（七）总计 = （一）+（二）+（三）+（四）+（五）+（六）"
RULE_GROUP = "各小项之和 = 所属大项"
RULE_ROW_TOTAL = "总计列 = 自然人 + 法人或其他组织五列"


def _application_rows(value: Any) -> dict[str, dict[str, int]]:
    """The rows given, by label (and by group label where a group's own row is given)."""
    if not isinstance(value, list):
        raise InputError("applications 应为行的列表（每行一个对象，含 label 和七列数字）")
    known = {label_key(line.label): line for line in apps.LINES}
    rows: dict[str, dict[str, int]] = {}
    for i, row in enumerate(value, start=1):
        if not isinstance(row, dict) or not isinstance(row.get("label"), str):
            raise InputError(f"applications 第 {i} 行应为含 label 的对象")
        line = known.get(label_key(row["label"]))
        if line is None:
            raise InputError(f"applications 第 {i} 行：「{row['label']}」不是表三的行")
        label = line.label
        if line.heading and all(row.get(c) is None for c in apps.COLUMNS):
            continue  # (a heading row without figures of its own, as the official table has)
        rows[label] = {
            c: _figure(row.get(c), f"applications「{label}」行「{c}」列") for c in apps.COLUMNS
        }
    missing = [line.label for line in apps.DATA_LINES if line.label not in rows]
    if missing:
        raise InputError(f"applications 缺少这些行：{'、'.join(missing)}")
    return rows


def _applications(rows: dict[str, dict[str, int]]) -> Iterator[Breach]:
    groups = [(g, items) for g, _, items in apps.RESULT_GROUPS]
    for column in apps.COLUMNS:
        left = rows[apps.NEW][column] + rows[apps.CARRIED][column]
        right = rows[apps.TOTAL][column] + rows[apps.OPEN][column]
        if left != right:
            yield Breach("applications", RULE_BALANCE, "", column, left, right)
        parts = 0
        for group, items in groups:
            own = sum(rows[i][column] for i in items) if items else rows[group][column]
            if items and group in rows and rows[group][column] != own:
                yield Breach("applications", RULE_GROUP, group, column, rows[group][column], own)
            parts += own
        if rows[apps.TOTAL][column] != parts:
            yield Breach(
                "applications", RULE_RESULTS, apps.TOTAL, column, rows[apps.TOTAL][column], parts
            )
    for label, row in rows.items():  # (a heading with figures: 不予公开 given as a sum)
        parts = sum(row[c] for c in apps.APPLICANTS)
        if row[apps.TOTAL] != parts:
            yield Breach("applications", RULE_ROW_TOTAL, label, apps.TOTAL, row[apps.TOTAL], parts)


# --- table 四 ---------------------------------------------------------------------------

RULE_APPEALS = "总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结"


def _appeal_groups(value: Any) -> dict[str, dict[str, int]]:
    if not isinstance(value, dict):
        raise InputError("appeals 应为对象：行政复议、行政诉讼（未经复议直接起诉、复议后起诉）")
    out = {}
    for case, route in ap.GROUPS:
        cells = value.get(case)
        if route:
            cells = cells.get(route) if isinstance(cells, dict) else None
        name = ap.group_key(case, route)
        if not isinstance(cells, dict):
            raise InputError(f"appeals 缺少「{name}」")
        out[name] = {f: _figure(cells.get(f), f"appeals「{name}」「{f}」") for f in ap.FIGURES}
    return out


def _appeals(groups: dict[str, dict[str, int]]) -> Iterator[Breach]:
    for name, cells in groups.items():
        parts = sum(cells[o] for o in ap.OUTCOMES)
        if cells[ap.TOTAL] != parts:
            yield Breach("appeals", RULE_APPEALS, name, ap.TOTAL, cells[ap.TOTAL], parts)


# --- table 二 ---------------------------------------------------------------------------

RULE_IN_FORCE = "现行有效件数不为负数"


def _article20(value: Any) -> Iterator[Breach]:
    if not isinstance(value, list):
        raise InputError("article20 应为行的列表（每行一个对象，含 label）")
    figures = {
        **dict.fromkeys(DOCUMENT_ROWS, DOCUMENT_FIGURES),
        **dict.fromkeys(DECISION_ROWS, (DECISIONS,)),
        FEES: (FEES_FIGURE,),
    }
    for i, row in enumerate(value, start=1):
        label = row.get("label") if isinstance(row, dict) else None
        if label not in figures:
            raise InputError(f"article20 第 {i} 行：应为含 label（{'、'.join(figures)}）的对象")
        for f in figures[label]:
            got = row.get(f)
            if (
                f == DOCUMENT_FIGURES[2]
                and isinstance(got, int)
                and not isinstance(got, bool)
                and got < 0
            ):
                yield Breach("article20", RULE_IN_FORCE, label, f, got, 0)
                continue
            if got is not None:
                _figure(got, f"article20「{label}」行「{f}」列", whole=f != FEES_FIGURE)


def _figure(value: Any, where: str, whole: bool = True) -> Any:
    """A figure as typed: a whole number of 0 or more (an amount may have decimals)."""
    if isinstance(value, float | Decimal) and whole and value == int(value):
        value = int(value)  # (3.0)
    ok = isinstance(value, int | Decimal | float) and not isinstance(value, bool)
    if ok and whole:
        ok = isinstance(value, int)
    if not ok or value < 0:
        shown = "空" if value is None else repr(value)
        kind = "0 或正整数" if whole else "0 或正数"
        raise InputError(f"{where}应为{kind}，实为 {shown}")
    return value


# --- figures from outside -----------------------------------------------------------------

#: The largest file ``check`` reads (a report's tables are a few KiB).
MAX_CHECK_BYTES = 16 * 1024 * 1024


def read_tables(path: Path) -> dict[str, Any]:
    """The official tables in a file to check: JSON (``aggregate --format json``'s output,
    or its ``tables`` object alone) or an .xlsx in the layout ``aggregate --format xlsx``
    writes. A file that cannot be read, or holds none of them, is an ``InputError``."""
    raw = read_small_file(
        path,
        MAX_CHECK_BYTES,
        "文件",
        "请指定 .json 或 .xlsx 文件",
        "MAX_CHECK_BYTES",
        "不像是统计表；请检查文件",
    )
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        tables = _xlsx_tables(path, raw)
    else:
        try:
            doc = json.loads(raw.decode("utf-8-sig"), parse_float=Decimal)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"{path} 不是有效的 JSON 文件：第 {exc.lineno} 行第 {exc.colno} 列附近写法不对"
            ) from None
        except (UnicodeDecodeError, RecursionError):
            raise InputError(
                f"{path} 不是有效的 JSON 文件（应为 UTF-8 编码、嵌套不太深）"
            ) from None
        tables = doc.get("tables", doc) if isinstance(doc, dict) else None
        if not isinstance(tables, dict):
            raise InputError(f"{path} 中没有统计表（应为含 tables 的对象）")
    found = {k: v for k, v in tables.items() if k in TITLES}
    if not found:
        raise InputError(f"{path} 中没有可检查的表（{'、'.join(TITLES)}，即表二、表三、表四）")
    return found


def _xlsx_tables(path: Path, raw: bytes) -> dict[str, Any]:
    import io
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError(f"{path} 不是有效的 .xlsx 文件（{exc}）") from None
    out: dict[str, Any] = {}
    for ws in book.worksheets:
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        title = str(rows[0][0] or "") if rows and rows[0] else ""
        name = next((n for n, t in TITLES.items() if title.startswith(t)), None)
        if name is not None:
            out[name] = _SHEETS[name](rows)
    book.close()
    return out


def _labels_row(rows: list[list[Any]], label: str) -> int:
    at = next(
        (i for i, r in enumerate(rows) if label in [str(v).strip() for v in r if v is not None]),
        None,
    )
    if at is None:
        raise InputError(f"表中找不到「{label}」所在的表头行")
    return at


def _sheet_applications(rows: list[list[Any]]) -> list[dict[str, Any]]:
    at = _labels_row(rows, apps.COLUMNS[0])
    columns = {str(v).strip(): i for i, v in enumerate(rows[at]) if v is not None}
    out = []
    for r in rows[at + 1 :]:
        if not r or r[0] is None or not str(r[0]).strip():
            continue
        out.append({"label": str(r[0]), **{c: _at(r, columns.get(c)) for c in apps.COLUMNS}})
    return out


def _sheet_appeals(rows: list[list[Any]]) -> dict[str, Any]:
    at = _labels_row(rows, ap.OUTCOMES[0])
    values = rows[at + 1] if at + 1 < len(rows) else []
    n = len(ap.FIGURES)
    groups = {}
    for g, (case, route) in enumerate(ap.GROUPS):
        groups[(case, route)] = {f: _at(values, g * n + i) for i, f in enumerate(ap.FIGURES)}
    return {
        ap.REVIEW: groups[(ap.REVIEW, "")],
        ap.LAWSUIT: {r: groups[(ap.LAWSUIT, r)] for r in (ap.DIRECT, ap.AFTER_REVIEW)},
    }


def _sheet_article20(rows: list[list[Any]]) -> list[dict[str, Any]]:
    at = _labels_row(rows, "信息内容")
    columns = {str(v).strip(): i for i, v in enumerate(rows[at]) if v is not None}
    label_at = columns["信息内容"]
    out = []
    for r in rows[at + 1 :]:
        label = _at(r, label_at)
        if label is None:
            continue
        cells = {f: _at(r, i) for f, i in columns.items() if f not in ("信息内容", "项目")}
        out.append(
            {"label": str(label).strip(), **{f: v for f, v in cells.items() if v is not None}}
        )
    return out


def _at(row: list[Any], i: int | None) -> Any:
    return row[i] if i is not None and i < len(row) else None


_SHEETS = {
    "applications": _sheet_applications,
    "appeals": _sheet_appeals,
    "article20": _sheet_article20,
}
