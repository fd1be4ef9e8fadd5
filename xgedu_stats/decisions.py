"""A clerk's decisions on doubtful merges, kept in a CSV file that survives re-exports.

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

import pandas as pd

from xgedu_stats.errors import ConfigError
from xgedu_stats.markers import marked_as

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


def load(path: Path) -> list[Decision]:
    """Read a decisions file; rows with an empty verdict are undecided and skipped."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"找不到去重决定文件：{path}（配置 [dedupe] decisions）") from None
    except UnicodeDecodeError:
        raise ConfigError(
            f"去重决定文件 {path} 不是 UTF-8 编码；请用 Excel 另存为“CSV UTF-8”"
        ) from None
    first, _, rest = text.partition("\n")
    skipped = 0
    if marked_as(first) is not None:  # the marker line --write-decisions starts the file with
        text, skipped = rest, 1
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("平台1", "平台2", "判断") if c not in (reader.fieldnames or [])]
    if missing:
        raise ConfigError(
            f"去重决定文件 {path} 缺少列：{'、'.join(missing)}；列应为：{','.join(COLUMNS)}"
        )
    out = []
    for number, row in enumerate(reader, start=2 + skipped):
        raw = (row.get("判断") or "").strip().lower()
        if not raw:
            continue
        verdict = _VERDICTS.get(raw)
        if verdict is None:
            raise ConfigError(
                f"去重决定文件 {path} 第 {number} 行：判断「{raw}」应为 same/different（或 相同/不同）"
            )
        sides = [
            Identity(
                (row.get(f"平台{i}") or "").strip(),
                (row.get(f"链接{i}") or "").strip(),
                (row.get(f"标题{i}") or "").strip(),
                (row.get(f"日期{i}") or "").strip(),
            )
            for i in (1, 2)
        ]
        out.append(Decision(number, sides[0], sides[1], verdict))
    return out


def locate(rows: pd.DataFrame, who: Identity, site_names: tuple[str, ...] = ()) -> pd.Index:
    """The positions of the rows a decision names: platform + link, else platform + title + date."""
    mask = rows["platform"] == who.platform
    if who.url:
        mask &= rows["url"] == who.url
    else:
        from xgedu_stats.normalize import title_keys

        key = title_keys(pd.Series([who.title]), site_names).iloc[0]
        mask &= rows["title_key"] == key
        mask &= rows["date"].dt.strftime("%Y-%m-%d") == who.date
    return rows.index[mask]
