"""A clerk's decisions on doubtful merges, kept in a CSV file that survives re-exports:
reading the file (``items.decisions`` applies what it says).

Each line names two rows by platform and link (or, without a link, platform, title and
date) and says ``same`` or ``different`` (相同 / 不同). Decisions override the matcher
both ways: ``same`` joins two items whatever their titles; ``different`` keeps them apart,
even when their titles are equal.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from xgedu_stats.config import read_small_file
from xgedu_stats.encodings import small_text
from xgedu_stats.errors import ConfigError
from xgedu_stats.markers import marked_as
from xgedu_stats.read.text import csv_fields_up_to

COLUMNS = ["平台1", "链接1", "标题1", "日期1", "平台2", "链接2", "标题2", "日期2", "相似度", "判断"]
_VERDICTS = {
    "same": "same",
    "相同": "same",
    "是": "same",
    "y": "same",
    "different": "different",
    "不同": "different",
    "否": "different",
    "n": "different",
}


@dataclass(frozen=True)
class Identity:
    """How a row is found again in a later export."""

    platform: str
    url: str
    title: str
    date: str


@dataclass(frozen=True)
class Decision:
    line: int
    left: Identity
    right: Identity
    verdict: str  # "same" or "different"


#: A decisions file larger than this is not one (a year's doubtful pairs make a few hundred KB).
MAX_DECISIONS_BYTES = 64 * 1024 * 1024
#: Nor one with more lines than this (a year's doubtful pairs are a few thousand).
MAX_DECISIONS_LINES = 100_000
#: What ``--write-decisions`` puts before a cell a spreadsheet would run as a formula
#: (render/csv.py ``safe_cell``), taken off again when the file is read back.
_QUOTE = "'"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _unquoted(cell: str | None) -> str:
    """A cell as it was before ``--write-decisions`` neutralised it, without the spaces
    around it: ``'-abc`` is ``-abc`` again, ``''=x`` is ``'=x``.

    >>> _unquoted("'=HYPERLINK(1)"), _unquoted("'abc"), _unquoted(" -a ")
    ('=HYPERLINK(1)', "'abc", '-a')
    """
    cell = cell or ""
    if cell.startswith(_QUOTE) and cell.lstrip(_QUOTE).startswith(_FORMULA_START):
        cell = cell[1:]
    return cell.strip()


def load(path: Path) -> list[Decision]:
    """Read a decisions file; rows with an empty verdict are undecided and skipped."""
    raw = read_small_file(
        path,
        MAX_DECISIONS_BYTES,
        "人工判定文件",
        "请在配置 [dedupe] decisions 中指定 duplicates --write-decisions 写出的 .csv 文件",
        "MAX_DECISIONS_BYTES",
        "不像是人工判定文件；请检查配置 [dedupe] decisions",
        setting="（配置 [dedupe] decisions）",
    )
    text = small_text(raw)  # (Excel's plain "CSV" on a Chinese Windows is GBK)
    if text is None:
        raise ConfigError(
            f"人工判定文件 {path} 既不是 UTF-8 也不是 GBK 编码；请用 Excel 另存为“CSV UTF-8”"
        )
    first, _, rest = text.partition("\n")
    skipped = 0
    if marked_as(first) is not None:  # the marker line --write-decisions starts the file with
        text, skipped = rest, 1
    with csv_fields_up_to(len(text)):  # a field may be as long as the file (< 64 MiB)
        return _parse(path, text, skipped)


def _parse(path: Path, text: str, skipped: int) -> list[Decision]:
    """The decisions in the text of a decisions file, each once (the first line that
    says it), in the order of the file."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("平台1", "平台2", "判断") if c not in (reader.fieldnames or [])]
    if missing:
        raise ConfigError(
            f"人工判定文件 {path} 缺少列：{'、'.join(missing)}；列应为：{','.join(COLUMNS)}"
        )
    out: dict[tuple[Identity, Identity, str], Decision] = {}
    for count, row in enumerate(reader, start=1):
        if count > MAX_DECISIONS_LINES:
            raise ConfigError(
                f"人工判定文件 {path} 超过 {MAX_DECISIONS_LINES:,} 行（MAX_DECISIONS_LINES），"
                "不像是人工判定文件；请检查配置 [dedupe] decisions"
            )
        number = count + 1 + skipped
        raw = (row.get("判断") or "").strip().lower()
        if not raw:
            continue
        verdict = _VERDICTS.get(raw)
        if verdict is None:
            raise ConfigError(
                f"人工判定文件 {path} 第 {number} 行：判断「{raw}」应为 same/different（或 相同/不同）"
            )
        left, right = (
            Identity(
                _unquoted(row.get(f"平台{i}")),
                _unquoted(row.get(f"链接{i}")),
                _unquoted(row.get(f"标题{i}")),
                _unquoted(row.get(f"日期{i}")),
            )
            for i in (1, 2)
        )
        # The same line many times over is one decision: applying it once is enough.
        out.setdefault((left, right, verdict), Decision(number, left, right, verdict))
    return list(out.values())
