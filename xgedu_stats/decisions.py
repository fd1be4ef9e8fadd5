"""A clerk's decisions on doubtful merges, kept in a CSV file that survives re-exports.

Each line names two rows by platform and link (or, without a link, platform, title and
date) and says ``same`` or ``different`` (相同 / 不同). Decisions override the matcher
both ways: ``same`` joins two items whatever their titles; ``different`` keeps them apart,
even when their titles are equal.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from xgedu_stats.config import Platform, read_small_file
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


#: A decisions file larger than this is not one (a year's doubtful pairs make a few hundred KB).
MAX_DECISIONS_BYTES = 64 * 1024 * 1024


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
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:  # Excel's plain "CSV" on a Chinese Windows is GBK
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            raise ConfigError(
                f"人工判定文件 {path} 既不是 UTF-8 也不是 GBK 编码；请用 Excel 另存为“CSV UTF-8”"
            ) from None
    first, _, rest = text.partition("\n")
    skipped = 0
    if marked_as(first) is not None:  # the marker line --write-decisions starts the file with
        text, skipped = rest, 1
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("平台1", "平台2", "判断") if c not in (reader.fieldnames or [])]
    if missing:
        raise ConfigError(
            f"人工判定文件 {path} 缺少列：{'、'.join(missing)}；列应为：{','.join(COLUMNS)}"
        )
    out = []
    for number, row in enumerate(reader, start=2 + skipped):
        raw = (row.get("判断") or "").strip().lower()
        if not raw:
            continue
        verdict = _VERDICTS.get(raw)
        if verdict is None:
            raise ConfigError(
                f"人工判定文件 {path} 第 {number} 行：判断「{raw}」应为 same/different（或 相同/不同）"
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


def resolve_platforms(
    decisions: Sequence[Decision], platforms: Sequence[Platform]
) -> tuple[list[Decision], list[tuple[int, str]]]:
    """The decisions with each side's platform as its code: a clerk may write the code
    (``portal``), the name (孝感市教育局门户网站) or a word a file name would carry (门户网站
    holds 门户). Returns the decisions whose platforms are all known, and (line, name) for
    the others.

    >>> d = Decision(2, Identity("门户网站", "", "甲", "2018-03-01"), Identity("toutiao", "", "甲", ""), "same")
    >>> resolve_platforms([d], [Platform("portal", "孝感市教育局门户网站", names=("门户",)),
    ...                         Platform("toutiao", "今日头条", names=("头条",))])[0][0].left.platform
    'portal'
    """
    from dataclasses import replace

    def key_of(name: str) -> str | None:
        exact = [p.key for p in platforms if name in (p.key, p.label)]
        if exact:
            return exact[0]
        hinted = {p.key for p in platforms for hint in p.hints if hint and hint in name}
        return hinted.pop() if len(hinted) == 1 else None

    known, unknown = [], []
    for d in decisions:
        left, right = key_of(d.left.platform), key_of(d.right.platform)
        if left is None or right is None:
            unknown.append((d.line, d.left.platform if left is None else d.right.platform))
            continue
        known.append(
            replace(
                d,
                left=replace(d.left, platform=left),
                right=replace(d.right, platform=right),
            )
        )
    return known, unknown


def locate(
    rows: pd.DataFrame, decisions: Sequence[Decision], site_names: Sequence[str] = ()
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The positions of the rows each decision names, left and right: platform and link,
    else platform, title (compared as title keys) and date. One pass over the rows for
    all decisions, whatever their number.

    ``rows`` needs a 0…n-1 index and ``platform``, ``url``, ``title_key`` and ``date``.
    """
    from xgedu_stats.normalize import parse_dates, title_keys

    sides = pd.DataFrame(
        [
            (n, side, who.platform, who.url, who.title, who.date)
            for n, d in enumerate(decisions)
            for side, who in enumerate((d.left, d.right))
        ],
        columns=["decision", "side", "platform", "url", "title", "date"],
    ).astype({"platform": "str", "url": "str", "title": "str", "date": "str"})
    found: dict[tuple[int, int], list[int]] = {}
    if len(sides):
        linked = sides[sides["url"] != ""]
        if len(linked):
            near = rows.index[rows["url"].isin(set(linked["url"]))]
            hits = linked.merge(
                rows.loc[near, ["platform", "url"]].rename_axis("row").reset_index(),
                on=["platform", "url"],
            )
            for key, part in hits.groupby(["decision", "side"]):
                found[key] = part["row"].tolist()
        titled = sides[sides["url"] == ""].copy()
        if len(titled):
            titled["title_key"] = title_keys(titled["title"], site_names).to_numpy()
            titled["date"] = parse_dates(titled["date"]).to_numpy()
            near = rows.index[rows["title_key"].isin(set(titled["title_key"]))]
            hits = titled.merge(
                rows.loc[near, ["platform", "title_key", "date"]].rename_axis("row").reset_index(),
                on=["platform", "title_key", "date"],
            )
            for key, part in hits.groupby(["decision", "side"]):
                found[key] = part["row"].tolist()
    return [
        (
            np.array(sorted(found.get((n, 0), [])), dtype=np.int64),
            np.array(sorted(found.get((n, 1), [])), dtype=np.int64),
        )
        for n in range(len(decisions))
    ]
