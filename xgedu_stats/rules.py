"""The consistency rules (勾稽关系) of the official tables, checked on figures in their JSON
shape — the tool's own before it prints them, or figures from outside (``check``).

Tables (as ``aggregate --format json`` writes them under ``tables``):

- ``applications``: rows top to bottom, ``{"label", "parent", "自然人" … "其他", "总计"}``;
- ``appeals``: ``{"行政复议": {five}, "行政诉讼": {"未经复议直接起诉": {five}, "复议后起诉": {five}}}``;
- ``article20``: ``[{"label": "规章", "本年制发件数", "本年废止件数", "现行有效件数"}, …]``.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from xgedu_stats.config import read_small_file
from xgedu_stats.count import appeals as ap
from xgedu_stats.count import applications as apps
from xgedu_stats.count.registers import label_key
from xgedu_stats.errors import InputError
from xgedu_stats.figures import (
    DOCUMENT_FIGURES,
    FEES_FIGURE,
    MAX_FIGURE,
    ROW_FIGURES,
    bounded,
)
from xgedu_stats.messages import shorten

#: The tables the rules know, by JSON name, with their official titles.
TITLES = {
    "applications": "收到和处理政府信息公开申请情况",
    "appeals": "政府信息公开行政复议、行政诉讼情况",
    "article20": "主动公开政府信息情况（第二十条）",
}
#: How an unreadable table is named: its title and its JSON name (as the file has it).
_A, _B, _C = (f"「{title}」（{name}）" for name, title in TITLES.items())


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
        if self.table == "appeals":  # (one row: the place is a group of columns)
            where = f"「{self.row.replace('/', '·')}」下的「{self.column}」"
        else:
            places = (("行", _PRINTED.get(self.row, self.row)), ("列", self.column))
            where = "、".join(f"「{name}」{what}" for what, name in places if name)
        return f"{TITLES[self.table]}：{where}不符合「{self.rule}」：左边 {self.left}，右边 {self.right}"


#: Table 三's rows as printed where a bare label is ambiguous (总计 row and column).
_PRINTED = {apps.TOTAL: "（七）总计"}


def check(tables: Mapping[str, Any]) -> list[Breach]:
    """Every broken rule among the official tables given (others, and tables without a
    figure — see ``blank`` —, are ignored).

    Figures that are missing, not numbers or negative make the input unreadable
    (``InputError``): a rule is about sums, not about how a figure was typed."""
    out: list[Breach] = []
    given = {k: v for k, v in tables.items() if k in TITLES and not blank(v)}
    if "applications" in given:
        out += _applications(_application_rows(given["applications"]))
    if "appeals" in given:
        out += _appeals(_appeal_groups(given["appeals"]))
    if "article20" in given:
        out += _article20(given["article20"])
    return out


def blank(table: Any) -> bool:
    """Whether a table holds no figure at all: how ``aggregate`` writes a table whose
    register was not read (``[]``, or its rows with every cell empty). (No recursion: a
    hand-made JSON may nest deeper than Python's stack.)"""
    pending = [table]
    while pending:
        value = pending.pop()
        if isinstance(value, dict) and value and all(isinstance(v, dict) for v in value.values()):
            pending.extend(value.values())  # (appeals: groups of groups)
        elif isinstance(value, dict):
            if any(v is not None for k, v in value.items() if k not in _TEXT):
                return False
        elif isinstance(value, list):
            if not all(isinstance(row, dict) for row in value):
                return False
            pending.extend(value)
        elif value is not None:
            return False
    return True


_TEXT = ("label", "parent")


# --- table 三 ---------------------------------------------------------------------------

RULE_BALANCE = "一 + 二 = （七）总计 + 四"
RULE_RESULTS = "（七）总计 = （一）+（二）+（三）+（四）+（五）+（六）"
RULE_GROUP = "所属大项 = 各小项之和"
RULE_ROW_TOTAL = "总计列 = 自然人 + 法人或其他组织五列"


def _application_rows(value: Any) -> dict[str, dict[str, int]]:
    """The rows given, by label (and by group label where a group's own row is given)."""
    if not isinstance(value, list):
        raise InputError(f"{_A} 应为行的列表（每行一个对象，含 label 和七列数字）")
    known = {label_key(line.label): line for line in apps.LINES}
    rows: dict[str, dict[str, int]] = {}
    for i, row in enumerate(value, start=1):
        if not isinstance(row, dict) or not isinstance(row.get("label"), str):
            raise InputError(f"{_A} 第 {i} 行应为含 label（行名，文字）的对象")
        line = known.get(label_key(row["label"]))
        if line is None:
            raise InputError(f"{_A} 第 {i} 行：「{shorten(row['label'])}」不是表三的行")
        label = line.label
        if line.heading and all(row.get(c) is None for c in apps.COLUMNS):
            continue  # (a heading row without figures of its own, as the official table has)
        if label in rows:
            raise InputError(f"{_A} 中「{label}」行出现了两次；请只留一行")
        rows[label] = {
            c: _figure(row.get(c, _MISSING), f"{_A}「{label}」行「{c}」列") for c in apps.COLUMNS
        }
    missing = [line.label for line in apps.DATA_LINES if line.label not in rows]
    if missing:
        raise InputError(f"{_A} 缺少这些行：{'、'.join(missing)}")
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
        raise InputError(f"{_B} 应为对象：行政复议、行政诉讼（未经复议直接起诉、复议后起诉）")
    out = {}
    for case, route in ap.GROUPS:
        cells = value.get(case)
        if route:
            cells = cells.get(route) if isinstance(cells, dict) else None
        name = ap.group_key(case, route)
        if not isinstance(cells, dict):
            raise InputError(f"{_B} 缺少「{name}」")
        out[name] = {
            f: _figure(cells.get(f, _MISSING), f"{_B}「{name}」「{f}」") for f in ap.FIGURES
        }
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
        raise InputError(f"{_C} 应为行的列表（每行一个对象，含 label）")
    figures = ROW_FIGURES
    known = {label_key(label): label for label in figures}
    seen: set[str] = set()
    for i, row in enumerate(value, start=1):
        given = row.get("label") if isinstance(row, dict) else None
        label = known.get(label_key(given)) if isinstance(given, str) else None
        if label is None:
            raise InputError(f"{_C} 第 {i} 行：应为含 label（{'、'.join(figures)}）的对象")
        if label in seen:
            raise InputError(f"{_C} 中「{label}」行出现了两次；请只留一行")
        seen.add(label)
        for f in figures[label]:
            got = row.get(f)
            if got is None:
                continue  # (a figure not filled in: the tool leaves it blank too)
            where = f"{_C}「{label}」行「{f}」列"
            number = _figure(got, where, whole=f != FEES_FIGURE, negative=f == IN_FORCE)
            if number < 0:
                yield Breach("article20", RULE_IN_FORCE, label, f, number, 0)
    missing = [label for label in figures if label not in seen]
    if missing:
        raise InputError(f"{_C} 缺少这些行：{'、'.join(missing)}")


IN_FORCE = DOCUMENT_FIGURES[2]


def _figure(value: Any, where: str, whole: bool = True, negative: bool = False) -> Any:
    """A figure as typed: a whole number of 0 or more (an amount may have decimals; with
    ``negative``, below 0 too, for a rule to catch). Whole numbers written 3.0 or as the
    text "3" are read; anything else is an ``InputError`` saying what was found."""
    number = _number(value)
    kind = "0 或正整数" if whole else "0 或正数"
    if number is None:
        raise InputError(f"{where}应为 {kind}，实为{_shown(value)}")
    if not bounded(number):
        raise InputError(
            f"{where}超出范围（应在 0 到 {MAX_FIGURE} 之间），实为 {shorten(str(number))}"
        )
    if whole and number != number.to_integral_value():
        raise InputError(f"{where}应为 {kind}，实为 {number}")
    if number < 0 and not negative:
        raise InputError(f"{where}应为 {kind}，实为 {number}")
    return int(number) if whole else number


_NUMBER_TEXT = re.compile(r"[+-]?\d{1,30}(?:\.\d{1,30})?")


def _number(value: Any) -> Decimal | None:
    """A figure's number (None when it is not one): numbers, and text that is only a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)) if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        return Decimal(text) if _NUMBER_TEXT.fullmatch(text) else None
    return None


#: A figure's key absent from its JSON object (not the same as a blank figure, null).
_MISSING = object()


def _shown(value: Any) -> str:
    """What a cell that is not a figure holds, for a clerk."""
    if value is _MISSING:
        return "缺（JSON 中没有这一项）"
    if value is None:
        return "空（没有填写；若是 Excel 中的公式，要在 Excel 中保存过才有数值）"
    if isinstance(value, bool):
        return f"逻辑值 {'TRUE' if value else 'FALSE'}"
    if isinstance(value, str):
        return f"文字「{shorten(value)}」"
    if isinstance(value, datetime | date):
        return f"日期 {value.isoformat()[:10]}（这一格设成了日期格式）"
    if isinstance(value, list | dict):
        return "列表" if isinstance(value, list) else "对象"
    return " " + shorten(str(value))  # (NaN, Infinity)


# --- figures from outside -----------------------------------------------------------------

#: The largest file ``check`` reads (a report's tables are a few KiB).
MAX_CHECK_BYTES = 16 * 1024 * 1024


def read_tables(path: Path) -> dict[str, Any]:
    """The official tables in a file to check: JSON (``aggregate --format json``'s output,
    or its ``tables`` object alone) or an .xlsx in the layout ``aggregate --format xlsx``
    writes (told apart by their content, not their names). A file that cannot be read, or
    holds none of them, is an ``InputError``."""
    raw = read_small_file(
        path,
        MAX_CHECK_BYTES,
        "文件",
        "请指定 .json 或 .xlsx 文件",
        "MAX_CHECK_BYTES",
        "不像是统计表；请检查文件",
    )
    if raw.startswith(b"PK\x03\x04"):  # (a zip: a workbook, whatever its name)
        tables = _xlsx_tables(path, raw)
    elif path.suffix.lower() in (".xlsx", ".xlsm") and not raw.lstrip(
        b"\xef\xbb\xbf \t\r\n"
    ).startswith(b"{"):
        raise InputError(f"{path} 不是有效的 .xlsx 文件（请用 Excel 或 WPS 另存为 .xlsx）")
    else:
        tables = _json_tables(path, raw)
    found = {k: v for k, v in tables.items() if k in TITLES}
    if not found:
        raise InputError(
            f"{path} 中没有可检查的表（表二、表三、表四：{'、'.join(TITLES.values())}）；"
            "2018 年格式的统计表没有勾稽关系要检查"
        )
    return found


class RepeatedKey(ValueError):
    """A key written twice in one JSON object (``args[0]``)."""


class NotANumber(ValueError):
    """NaN or Infinity in JSON (``args[0]``), which Python's json takes and JSON has not."""


def strict_json(text: str) -> Any:
    """JSON as figures are typed by hand: a key written twice is a :class:`RepeatedKey`
    (json keeps the last, silently), NaN or Infinity a :class:`NotANumber`, integers of any
    length are read (a Decimal past 18 digits: ``int()`` stops at 4300), decimals as Decimal.
    ``json.JSONDecodeError`` and ``RecursionError`` (nesting) as json raises them.

    >>> strict_json('{"a": 1.50, "b": [2]}')
    {'a': Decimal('1.50'), 'b': [2]}
    """

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            if key in out:
                raise RepeatedKey(key)
            out[key] = value
        return out

    def constant(name: str) -> Any:
        raise NotANumber(name)

    def integer(text: str) -> int | Decimal:
        return int(text) if len(text) <= 18 else Decimal(text)

    return json.loads(
        text,
        parse_float=Decimal,
        parse_int=integer,
        parse_constant=constant,
        object_pairs_hook=pairs,
    )


def _json_tables(path: Path, raw: bytes) -> dict[str, Any]:
    try:
        doc = strict_json(raw.decode("utf-8-sig"))
    except RepeatedKey as exc:
        raise InputError(f"{path} 中同一处有两个「{shorten(exc.args[0])}」；请只留一个") from None
    except NotANumber as exc:
        raise InputError(f"{path} 中有 {exc.args[0]}：统计表中的数应为 0 或正整数") from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path} 不是有效的 JSON 文件：第 {exc.lineno} 行第 {exc.colno} 列附近写法不对"
            "（check 读 aggregate --format json 或 --format xlsx 的输出）"
        ) from None
    except (UnicodeDecodeError, RecursionError):
        raise InputError(f"{path} 不是有效的 JSON 文件（应为 UTF-8 编码、嵌套不太深）") from None
    tables = doc.get("tables", doc) if isinstance(doc, dict) else None
    if not isinstance(tables, dict):
        raise InputError(f"{path} 中没有统计表（应为含 tables 的对象）")
    return tables


#: The labels of a header row that make a sheet one of the tables (its title may be edited).
_HEADERS = {
    "applications": (apps.APPLICANTS[0], apps.APPLICANTS[1]),
    "appeals": (ap.OUTCOMES[0], ap.OUTCOMES[-1]),
    "article20": ("信息内容", DOCUMENT_FIGURES[0]),
}


#: How much of each sheet ``check`` reads: the tables are some 35 rows and 16 columns; a
#: sheet padded to column XFD must not take gigabytes.
_SCAN_ROWS, _SCAN_COLUMNS = 500, 64


def _xlsx_tables(path: Path, raw: bytes) -> dict[str, Any]:
    import io

    from openpyxl import load_workbook

    out: dict[str, Any] = {}
    sheets: dict[str, str] = {}
    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception:  # (zip, XML or openpyxl's own errors: a file that is not a workbook)
        raise InputError(
            f"{path} 不是有效的 .xlsx 文件（请用 Excel 或 WPS 另存为 .xlsx）"
        ) from None
    try:
        for ws in book.worksheets:
            rows = [
                list(r)
                for r in ws.iter_rows(max_row=_SCAN_ROWS, max_col=_SCAN_COLUMNS, values_only=True)
            ]
            for name, at in _tables_in(rows):
                if name in sheets:
                    raise InputError(
                        f"{path} 中工作表「{shorten(sheets[name])}」和「{shorten(ws.title)}」"
                        f"都有「{TITLES[name]}」；请只留一个"
                    )
                sheets[name] = ws.title
                try:
                    out[name] = _SHEETS[name](rows, at)
                except InputError as exc:
                    raise InputError(f"{path} 的工作表「{shorten(ws.title)}」：{exc}") from None
    except InputError:
        raise
    except Exception:  # (a part of the workbook that cannot be read)
        raise InputError(
            f"{path} 中有读不出的部分（请用 Excel 或 WPS 打开后另存为 .xlsx）"
        ) from None
    finally:
        book.close()
    return out


def _tables_in(rows: list[list[Any]]) -> list[tuple[str, int]]:
    """The tables on a sheet, by their header rows (wherever they are; several may share a
    sheet), with the index of each header row."""
    found = []
    for name, labels in _HEADERS.items():
        at = next(
            (
                i
                for i, r in enumerate(rows)
                if set(labels) <= {str(v).strip() for v in r if v is not None}
            ),
            None,
        )
        if at is not None:
            found.append((name, at))
    return found


def _sheet_applications(rows: list[list[Any]], at: int) -> list[dict[str, Any]]:
    columns = {str(v).strip(): i for i, v in enumerate(rows[at]) if v is not None}
    missing = [c for c in apps.COLUMNS if c not in columns]
    if missing:
        raise InputError(f"表三的表头中没有这些列：{'、'.join(missing)}")
    label_at = max(columns[apps.COLUMNS[0]] - 1, 0)  # (the labels: left of 自然人)
    out = []
    for r in rows[at + 1 :]:
        label = _at(r, label_at)
        if label is None or not str(label).strip():
            continue
        out.append({"label": str(label), **{c: _at(r, columns.get(c)) for c in apps.COLUMNS}})
        if label_key(str(label)) == label_key(apps.OPEN):
            break  # (its last row: what follows is another table or a note)
    return out


def _sheet_appeals(rows: list[list[Any]], at: int) -> dict[str, Any]:
    first = next(
        i for i, v in enumerate(rows[at]) if v is not None and str(v).strip() == ap.OUTCOMES[0]
    )
    below = (r[first:] for r in rows[at + 1 :])
    values = next((r for r in below if any(v is not None for v in r)), [])
    n = len(ap.FIGURES)
    groups = {}
    for g, (case, route) in enumerate(ap.GROUPS):
        groups[(case, route)] = {f: _at(values, g * n + i) for i, f in enumerate(ap.FIGURES)}
    return {
        ap.REVIEW: groups[(ap.REVIEW, "")],
        ap.LAWSUIT: {r: groups[(ap.LAWSUIT, r)] for r in (ap.DIRECT, ap.AFTER_REVIEW)},
    }


def _sheet_article20(rows: list[list[Any]], at: int) -> list[dict[str, Any]]:
    columns = {str(v).strip(): i for i, v in enumerate(rows[at]) if v is not None}
    label_at = columns["信息内容"]
    known = {label_key(label) for label in ROW_FIGURES}
    out = []
    for r in rows[at + 1 :]:
        label = _at(r, label_at)
        if label is None:
            continue
        if label_key(str(label)) not in known and len(out) == len(known):
            break  # (all its rows read: what follows is another table or a note)
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
