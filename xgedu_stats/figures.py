"""The figures of a year that no export or register holds, typed once by a clerk into a
small TOML file (``init --figures 2023`` writes it with every figure 0 and a comment per
row; ``aggregate --figures FILE`` reads it): table 二 of the 2021 national format,
第二十条 items （五）（六）（八）, and items （一） when no documents register is given."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from xgedu_stats.config import TomlLoader, read_small_file, toml_error
from xgedu_stats.errors import ConfigError

#: 第二十条第（一）项: its rows and their three figures.
DOCUMENT_ROWS = ("规章", "行政规范性文件")
DOCUMENT_FIGURES = ("本年制发件数", "本年废止件数", "现行有效件数")
#: 第二十条第（五）（六）项: rows with one figure, 本年处理决定数量.
DECISION_ROWS = ("行政许可", "行政处罚", "行政强制")
DECISIONS = "本年处理决定数量"
#: 第二十条第（八）项: one amount in 万元.
FEES = "行政事业性收费"
FEES_FIGURE = "本年收费金额（单位：万元）"
#: Every row of table 二, top to bottom, with its figures.
ROW_FIGURES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(DOCUMENT_ROWS, DOCUMENT_FIGURES),
    **dict.fromkeys(DECISION_ROWS, (DECISIONS,)),
    FEES: (FEES_FIGURE,),
}

#: A figures file holds a few lines; anything larger is not one.
MAX_FIGURES_BYTES = 64 * 1024
#: The largest figure a clerk may type (a count or 万元): a typo of many digits is caught.
MAX_FIGURE = 10**9

WHAT = "数据文件"


@dataclass(frozen=True)
class Figures:
    """A year's typed figures."""

    year: int
    documents: dict[str, dict[str, int]]
    """规章 and 行政规范性文件 -> ``DOCUMENT_FIGURES`` -> count (the rows given)."""
    decisions: dict[str, int]
    """行政许可, 行政处罚, 行政强制 -> 本年处理决定数量 (the rows given)."""
    fees: Decimal | None
    """行政事业性收费: 本年收费金额 in 万元, as written (None when not given)."""
    path: Path | None = None


def figures_name(year: int) -> str:
    """The name ``init --figures YEAR`` gives the file.

    >>> figures_name(2023)
    '数据-2023.toml'
    """
    return f"数据-{year}.toml"


def template(year: int) -> str:
    """The figures file ``init --figures YEAR`` writes: every figure 0, a comment per row."""
    inline = ", ".join(f'"{f}" = 0' for f in DOCUMENT_FIGURES)
    return f"""# xgedu-stats 数据文件：{year} 年度报告表二（主动公开政府信息情况）中不能从导出文件和登记表算出的数字。
# 填好后在统计时指定：xgedu-stats aggregate 导出文件夹 --year {year} --figures 本文件
# 每项都按本年实际填写；没有的填 0。名称要用英文双引号括起，数字不加引号。
year = {year}

[article20]
# 第二十条第（一）项：规章、行政规范性文件的本年制发件数、本年废止件数、现行有效件数。
# 读到规范性文件登记表（文件名含“规范性文件登记”）时以登记表为准，这两行不用。
"规章" = {{ {inline} }}
"行政规范性文件" = {{ {inline} }}
# 第二十条第（五）项：行政许可的本年处理决定数量
"行政许可" = 0
# 第二十条第（六）项：行政处罚、行政强制的本年处理决定数量
"行政处罚" = 0
"行政强制" = 0
# 第二十条第（八）项：行政事业性收费的本年收费金额（单位：万元），可带小数，如 12.5
"行政事业性收费" = 0
"""


def load_figures(path: Path) -> Figures:
    """Read a figures file (``template``'s layout); a mistake is a ``ConfigError`` naming
    the file, line and key."""
    raw = read_small_file(
        path,
        MAX_FIGURES_BYTES,
        WHAT,
        "请指定 init --figures 写出的 .toml 文件",
        "MAX_FIGURES_BYTES",
        "不像是数据文件；请检查 --figures 指定的文件",
        "（--figures）",
    )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"{WHAT} {path} 不是 UTF-8 编码，请以 UTF-8 保存") from None
    try:
        doc = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(toml_error(path, text, str(exc), WHAT)) from None
    except RecursionError:
        raise ConfigError(f"{WHAT} {path}：数组或表嵌套的层数太多") from None
    ld = TomlLoader(path, text, WHAT)
    ld.unknown(doc, ("year", "article20"), "")
    if "year" not in doc:
        raise ld.fail("year", "缺少 year（这些数字所属的年度，如 year = 2023）")
    year = doc["year"]
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2100:
        raise ld.fail("year", "应为年份，如 2023")
    body = ld.table(doc.get("article20", {}), "article20")
    ld.unknown(body, tuple(ROW_FIGURES), "article20")
    documents = {}
    for row in DOCUMENT_ROWS:
        if row in body:
            cells = ld.table(body[row], f"article20.{row}")
            ld.unknown(cells, DOCUMENT_FIGURES, f"article20.{row}")
            documents[row] = {
                f: _count(ld, cells.get(f, 0), f"article20.{row}.{f}") for f in DOCUMENT_FIGURES
            }
    decisions = {
        row: _count(ld, body[row], f"article20.{row}") for row in DECISION_ROWS if row in body
    }
    fees = _amount(ld, body[FEES], f"article20.{FEES}") if FEES in body else None
    return Figures(year, documents, decisions, fees, path)


def _count(ld: TomlLoader, value: Any, where: str) -> int:
    if isinstance(value, Decimal) and bounded(value) and value == value.to_integral_value():
        value = int(value)  # (3.0)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_FIGURE:
        raise ld.fail(where, f"应为 0 到 {MAX_FIGURE} 之间的整数（件数），不加引号")
    return value


def _amount(ld: TomlLoader, value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise ld.fail(where, "应为数字（万元，可带小数，如 12.5），不加引号")
    amount = Decimal(value)
    if not amount.is_finite() or not 0 <= amount <= MAX_FIGURE:
        raise ld.fail(where, f"应为 0 到 {MAX_FIGURE} 之间的数字（万元）")
    return amount


def bounded(value: Decimal) -> bool:
    """Whether a number is finite and within ±``MAX_FIGURE`` (so that making it an int is
    quick: ``int(Decimal("1e100000000"))`` would take hours)."""
    return value.is_finite() and value.copy_abs() <= MAX_FIGURE  # (abs() rounds: overflows)


def check_period(figures: Figures, start: date | None, end: date | None) -> None:
    """A figures file is one year's: the run must count that calendar year."""
    if start == date(figures.year, 1, 1) and end == date(figures.year, 12, 31):
        return
    raise ConfigError(
        f"{WHAT} {figures.path} 是 {figures.year} 年的（year = {figures.year}），"
        f"而统计期不是 {figures.year} 全年；请加 --year {figures.year}，或换用本年的数据文件"
    )
