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
from xgedu_stats.ingest.text import csv_fields_up_to
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

    Each way of naming rows is looked up once, and decisions that name rows the same way
    share one array (the same object): a link shared by thousands of rows and named by
    thousands of decisions costs its rows once, not once per decision.

    ``rows`` needs a 0…n-1 index and ``platform``, ``url``, ``title_key`` and ``date``.
    """
    from xgedu_stats.normalize import parse_dates, title_keys

    # Each side as the key it is looked up by: (platform, link) or (platform, "", title, date).
    names: dict[tuple[str, ...], int] = {}
    sides = [
        tuple(
            names.setdefault(
                (who.platform, who.url) if who.url else (who.platform, "", who.title, who.date),
                len(names),
            )
            for who in (d.left, d.right)
        )
        for d in decisions
    ]
    found: dict[int, np.ndarray] = {}
    linked = [(n, k[0], k[1]) for k, n in names.items() if k[1]]
    if linked:
        wanted = pd.DataFrame(linked, columns=["name", "platform", "url"]).astype(
            {"platform": "str", "url": "str"}
        )
        near = rows.index[rows["url"].isin(set(wanted["url"]))]
        hits = wanted.merge(
            rows.loc[near, ["platform", "url"]].rename_axis("row").reset_index(),
            on=["platform", "url"],
        )
        found |= _rows_by_name(hits)
    titled = [(n, k[0], k[2], k[3]) for k, n in names.items() if not k[1]]
    if titled:
        wanted = pd.DataFrame(titled, columns=["name", "platform", "title", "date"]).astype(
            {"platform": "str", "title": "str", "date": "str"}
        )
        wanted["title_key"] = title_keys(wanted["title"], site_names).to_numpy()
        wanted["date"] = parse_dates(wanted["date"]).to_numpy()
        # titles written differently may have one key: each key is looked up once
        on = ["platform", "title_key", "date"]
        first = wanted.groupby(on, dropna=False, sort=False)["name"].transform("first")
        lookup = wanted.loc[first == wanted["name"], ["name", *on]]
        near = rows.index[rows["title_key"].isin(set(lookup["title_key"]))]
        hits = lookup.merge(rows.loc[near, on].rename_axis("row").reset_index(), on=on)
        by_first = _rows_by_name(hits)
        for name, head in zip(wanted["name"], first, strict=True):
            if int(head) in by_first:
                found[int(name)] = by_first[int(head)]
    none = np.zeros(0, dtype=np.int64)
    return [(found.get(left, none), found.get(right, none)) for left, right in sides]


def _rows_by_name(hits: pd.DataFrame) -> dict[int, np.ndarray]:
    """The sorted rows found for each name (``name`` and ``row`` columns of ``hits``)."""
    hits = hits.sort_values(["name", "row"], kind="stable")
    name = hits["name"].to_numpy(dtype=np.int64)
    row = hits["row"].to_numpy(dtype=np.int64)
    if not len(name):
        return {}
    starts = np.flatnonzero(np.r_[True, name[1:] != name[:-1]])
    parts = np.split(row, starts[1:])
    return {int(name[s]): part for s, part in zip(starts, parts, strict=True)}
