"""``run(config) -> Result``: the one entry point the CLI, the tests and library users share."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from xgedu_stats.config import UNCATEGORISED, Period, RunConfig, Settings
from xgedu_stats.count.aggregate import category_counts, platform_counts
from xgedu_stats.count.categories import item_categories, last_segment, row_categories
from xgedu_stats.items import decisions
from xgedu_stats.items.dedupe import (
    first_copies,
    key_codes,
    merged_groups,
    platform_masks,
    sorted_codes,
)
from xgedu_stats.items.identity import Identity, Rows, identify, link_codes
from xgedu_stats.items.merging import pairs_frame, refine
from xgedu_stats.items.normalize import normalize, out_of_period
from xgedu_stats.read import decisions as decisions_file
from xgedu_stats.read import kinds
from xgedu_stats.read.sources import FileReport, Progress, load


@dataclass(frozen=True)
class Totals:
    """Where every row read went: ``rows_read = rejected + out_of_period + duplicates + unique_items``."""

    rows_read: int
    rejected: int
    out_of_period: int
    duplicates: int
    unique_items: int

    @property
    def balanced(self) -> bool:
        return self.rows_read == (
            self.rejected + self.out_of_period + self.duplicates + self.unique_items
        )


@dataclass(frozen=True)
class Result:
    """Everything one run found. Frames are tidy; ``tables`` turns them into presentation."""

    period: Period
    settings: Settings
    totals: Totals
    files: tuple[FileReport, ...]
    rows: pd.DataFrame
    """Every row of the period's items (readable; of any date: an item's later copies may
    fall after the period) with ``item_id``, ``exact_id`` and its own ``category``."""
    items: pd.DataFrame
    """One row per unique item: ``item_id``, ``title``, ``date``, ``category``, ``platforms``."""
    rejects: pd.DataFrame
    categories: pd.DataFrame
    platforms: pd.DataFrame
    warnings: tuple[str, ...]
    kinds: dict[str, tuple[pd.DataFrame, pd.DataFrame]] = field(default_factory=dict)
    """The rows of each other kind of input read (``read.kinds``), and its unreadable records:
    never counted as published items; its tables are made from them."""
    fuzzy_pairs: list[tuple[int, int, float, str]] = field(default_factory=list, repr=False)
    decided_pairs: list[tuple[int, int, float, str]] = field(default_factory=list, repr=False)

    @cached_property
    def pairs(self) -> pd.DataFrame:
        """Every merge and near miss as pairs of rows, with status and score (``duplicates``)."""
        return pairs_frame(self.rows, self.fuzzy_pairs, self.decided_pairs)

    @cached_property
    def duplicates(self) -> pd.DataFrame:
        """Every row of every item with more than one copy (built when first asked for)."""
        return merged_groups(self.rows)


REJECT_COLUMNS = ["file", "line", "platform", "reason", "title", "date_raw", "channel", "url"]
REJECT_COLUMNS += ["views_raw", "raw"]
COUNTED_COLUMNS = ["file", "line", "platform", "title", "title_key", "date", "channel", "url"]
COUNTED_COLUMNS += ["views", "views_approx"]


def run(config: RunConfig, progress: Progress | None = None) -> Result:
    """Read, deduplicate and count every export under ``config.paths``.

    Items are found over every row given, whatever its date; an item then belongs to the
    period of its earliest copy, so that the months of a year add up to the year.

    >>> from pathlib import Path
    >>> run(RunConfig((Path("samples/2018"),), period=Period.year(2018))).totals
    Totals(rows_read=5097, rejected=6, out_of_period=67, duplicates=2586, unique_items=2438)
    """
    settings = config.settings
    decided = decisions_file.load(settings.dedupe.decisions) if settings.dedupe.decisions else []
    decided, unknown_platforms = decisions.resolve_platforms(decided, settings.platforms)
    contradicting = decisions.contradictions(decided)
    loaded = load(config.paths, settings, progress)
    warnings = list(loaded.warnings)
    for name, (kind_rows, kind_bad) in loaded.kinds.items():
        files = len({f.file for f in loaded.files if f.kind == name})
        label = kinds.find(name).label
        warnings.append(
            f"{files} 个文件是{label}（{len(kind_rows) + len(kind_bad)} 行），"
            "单独统计，不计入发布信息条数"
        )
    rows = normalize(loaded.rows, settings.dedupe.site_names)
    del loaded.rows  # the raw strings are no longer needed; free them before the next copies
    # A row that cannot be read is outside the period when its own date is: not read further.
    outside = out_of_period(rows, config.period).to_numpy()
    invalid = (rows["reason"] != "").to_numpy()
    views_warning = _unreadable_views_warning(rows)
    rejects = pd.concat(
        [rows.iloc[np.flatnonzero(invalid & ~outside)].assign(raw=""), loaded.malformed],
        ignore_index=True,
    )
    rejects = rejects.reindex(columns=REJECT_COLUMNS).sort_values(["file", "line"])
    rejects = rejects.reset_index(drop=True)
    invalid_outside = int(np.count_nonzero(invalid & outside))
    counted = rows[COUNTED_COLUMNS]
    if invalid.any():
        counted = counted.iloc[np.flatnonzero(~invalid)]  # (a boolean .loc is slower here)
    del rows
    counted = counted.reset_index(drop=True)

    keys = [p.key for p in settings.platforms]
    ranks = _ranks(counted["platform"], keys)
    codes = Rows(
        platform=ranks,
        key=key_codes(counted["title_key"]),
        day=counted["date"].to_numpy(dtype="datetime64[D]").astype(np.int64),
        link=link_codes(counted["url"], ranks, [p.document_id for p in settings.platforms]),
        file=sorted_codes(counted["file"]),
        line=counted["line"].to_numpy(dtype=np.int64),
    )
    counted = counted.assign(platform_rank=ranks)
    located = decisions.locate(counted, decided, settings.dedupe.site_names)
    apart = [sides for d, sides in zip(decided, located, strict=True) if d.verdict == "different"]
    identity = identify(codes, settings.dedupe.window_days, apart)
    merged = refine(counted, codes, identity, decided, located, settings.dedupe)
    warnings += merged.warnings
    if unknown_platforms:
        shown = "、".join(f"第 {line} 行「{name}」" for line, name in unknown_platforms[:5])
        named = "、".join(f"{p.key}（{p.label}）" for p in settings.platforms)
        warnings.append(
            f"人工判定文件中有 {len(unknown_platforms)} 行的平台对不上任何平台，已忽略：{shown}；"
            f"平台可写代码或名称：{named}"
        )
    if contradicting:
        shown = "、".join(f"第 {a} 行与第 {b} 行" for a, b in contradicting[:5])
        more = f"等 {len(contradicting)} 处" if len(contradicting) > 5 else ""
        warnings.append(
            f"人工判定文件中{shown}{more}对同一对行的判断相反（一个相同、一个不同），"
            "按“不同”处理；请改正其中一行"
        )
    warnings += _identity_warnings(counted, codes, identity)

    # Categories from every copy, whatever its date; then only the period's items.
    counted = counted.assign(
        item_id=merged.final,
        exact_id=merged.exact,
        guessed=identity.guessed[identity.publication],
        category=row_categories(counted["channel"], settings.categories),
    )
    all_categories = item_categories(counted, settings.categories)
    first, last = _period_items(merged.final, codes.day, config.period)
    keep = np.flatnonzero((merged.final >= first) & (merged.final <= last))
    out_of_period_rows = len(counted) - len(keep)
    if len(keep) < len(counted):
        counted = counted.iloc[keep].reset_index(drop=True)
    counted["item_id"] = counted["item_id"].to_numpy() - (first - 1)
    exact_ids, counted["exact_id"] = np.unique(counted["exact_id"].to_numpy(), return_inverse=True)
    counted["exact_id"] = counted["exact_id"].to_numpy() + 1
    fuzzy_pairs = _pairs_within(merged.pairs, exact_ids)
    decided_pairs = _rows_within(merged.decided, keep, out_of_period_rows > 0)
    item_category = all_categories.iloc[first - 1 : last].set_axis(
        pd.Index(np.arange(1, last - first + 2), name="item_id")
    )
    ids = counted["item_id"].to_numpy(dtype=np.int64)
    masks = platform_masks(ids, counted["platform_rank"].to_numpy(), len(item_category))
    items = _items(counted, item_category, masks, tuple(keys))

    unique = len(items)
    totals = Totals(
        rows_read=len(invalid) + len(loaded.malformed),
        rejected=len(rejects),
        out_of_period=invalid_outside + out_of_period_rows,
        duplicates=len(counted) - unique,
        unique_items=unique,
    )
    warnings += _uncategorised_warning(counted, items)
    if unique == 0 and len(codes.day) and not config.period.is_open:
        first_day, last_day = (
            np.datetime64(int(d), "D") for d in (codes.day.min(), codes.day.max())
        )
        warnings.append(
            f"统计期内没有信息：读入的信息都在统计期外（发布日期从 {first_day} 到 {last_day}）；"
            "请检查 --year 或 --from/--to"
        )
    warnings += views_warning

    rows_read = pd.Series([f.rows for f in loaded.files], index=[f.platform for f in loaded.files])
    rows_read = rows_read.groupby(level=0).sum()
    return Result(
        period=config.period,
        settings=settings,
        totals=totals,
        files=loaded.files,
        rows=counted,
        items=items,
        rejects=rejects,
        categories=category_counts(items["category"], settings.categories),
        platforms=platform_counts(rows_read, masks, settings.platforms),
        warnings=tuple(warnings),
        kinds=loaded.kinds,
        fuzzy_pairs=fuzzy_pairs,
        decided_pairs=decided_pairs,
    )


def _period_items(final: np.ndarray, day: np.ndarray, period: Period) -> tuple[int, int]:
    """The ids (first, last) of the items whose earliest copy is in the period: ids are
    numbered by first day, so they are a run."""
    count = int(final.max()) if len(final) else 0
    if count == 0:
        return 1, 0
    first_day = np.full(count + 1, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first_day, final, day)
    first_day = first_day[1:]
    start = period.start and np.datetime64(period.start, "D").astype(np.int64)
    end = period.end and np.datetime64(period.end, "D").astype(np.int64)
    lo = int(np.searchsorted(first_day, start, side="left")) if start is not None else 0
    hi = int(np.searchsorted(first_day, end, side="right")) if end is not None else count
    return lo + 1, hi


def _pairs_within(pairs: list[tuple[int, int, float, str]], kept: np.ndarray) -> list:
    """The fuzzy pairs between exact items that are both kept, renumbered to the kept ones."""
    if not pairs:
        return []
    position = {int(old) - 1: new for new, old in enumerate(kept)}
    return [
        (position[a], position[b], score, status)
        for a, b, score, status in pairs
        if a in position and b in position
    ]


def _rows_within(pairs: list, kept: np.ndarray, subset: bool) -> list:
    """Pairs of rows whose rows are both kept, renumbered to the kept rows."""
    if not subset:
        return list(pairs)
    position = {int(old): new for new, old in enumerate(kept)}
    return [
        (position[a], position[b], score, status)
        for a, b, score, status in pairs
        if a in position and b in position
    ]


def _identity_warnings(counted: pd.DataFrame, codes: Rows, identity: Identity) -> list[str]:
    """Links that hold rows of different titles (counted once, by the link), and titles
    repeated so often that their copies were paired day by day only."""
    out = []
    linked = codes.link >= 0
    first_key = codes.key[identity.first_row][identity.publication]
    differ = linked & (codes.key != first_key)
    if differ.any():
        pubs = np.unique(identity.publication[differ])
        example = counted["url"].iloc[int(identity.first_row[pubs[0]])]
        out.append(
            f"有 {len(pubs)} 个链接对应的各行标题不同（如 {example}），按链接算作同一条信息；"
            "可用 duplicates 命令逐一核对"
        )
    for row in identity.crowded[:3]:
        when = counted["date"].iloc[row].strftime("%Y-%m-%d")
        out.append(
            f"标题「{counted['title'].iloc[row]}」（{when} 起）在几天内出现的次数太多，"
            "各平台的副本只按同一天的先后配对"
        )
    if identity.stranded:
        row = identity.stranded[0][0]
        left = sum(c for _, c in identity.stranded)
        more = f"等 {len(identity.stranded)} 个标题" if len(identity.stranded) > 1 else ""
        when = counted["date"].iloc[row].strftime("%Y-%m-%d")
        out.append(
            f"标题「{counted['title'].iloc[row]}」（{when} 起）{more}在几个平台上都有多篇，"
            f"副本按日期最近配对，有 {left} 篇没有配上别的平台的副本、单独计为一条；"
            "如果是隔天转载，请用 duplicates 核对，把配对写入人工判定文件"
        )
    unplaced = identity.unplaced_rows
    if len(unplaced):
        example = counted["title"].iloc[int(unplaced[0])]
        out.append(
            f"有 {len(unplaced)} 行没有链接，而同一平台同一天有不止一篇同标题、有链接的稿件"
            f"（如「{example}」），无法判断是哪一篇，各自单独计为一条；可用人工判定文件指明"
        )
    return out


def _ranks(platform: pd.Series, keys: list[str]) -> np.ndarray:
    """Each row's platform as its position in ``keys`` (the priority order)."""
    found = pc.index_in(pa.chunked_array(pa.array(platform.array)), value_set=pa.array(keys))
    return found.to_numpy().astype(np.int64)


def _items(
    counted: pd.DataFrame, item_category: pd.Series, masks: np.ndarray, platforms: tuple[str, ...]
) -> pd.DataFrame:
    """One row per item: the title of its highest-priority copy, the date of its earliest
    copy (the one that places it in a period), its platforms."""
    ids = counted["item_id"].to_numpy(dtype=np.int64)
    first_rows = first_copies(counted, ids)
    first = counted[["item_id", "title"]].iloc[first_rows].set_index("item_id")
    seconds = counted["date"].to_numpy(dtype="datetime64[s]").astype(np.int64)
    earliest = np.full(len(first_rows) + 1, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(earliest, ids, seconds)
    first["date"] = earliest[1:].astype("datetime64[s]")
    # Platforms as text, once per distinct mask (few).
    distinct = np.flatnonzero(np.bincount(masks)) if len(masks) else masks
    names = np.full(int(distinct.max()) + 1 if len(distinct) else 0, "", dtype=object)
    for m in distinct:
        names[m] = ",".join(k for i, k in enumerate(platforms) if m >> i & 1)
    items = pd.DataFrame(
        {
            "title": first["title"],
            "date": first["date"],
            "category": item_category,
            "platforms": pd.array(names[masks], dtype="str"),
        }
    )
    return items.rename_axis("item_id").reset_index()


def _uncategorised_warning(counted: pd.DataFrame, items: pd.DataFrame) -> list[str]:
    lost = set(items.loc[items["category"] == UNCATEGORISED, "item_id"])
    if not lost:
        return []
    channels = last_segment(counted.loc[counted["item_id"].isin(lost), "channel"])
    counts = channels.replace("", "（无栏目）").value_counts()
    shown = "、".join(f"「{c}」{n} 行" for c, n in counts.head(10).items())
    more = f" 等 {len(counts)} 个栏目" if len(counts) > 10 else ""
    named = [c for c in counts.index if c != "（无栏目）"]
    advice = (
        '可在配置文件的 [categories] 中把栏目名加为类别的别名，例如 "教育资助" = ["学生资助"]'
        if named
        else ""
    )
    if len(named) < len(counts):  # (an alias cannot help a row without a channel)
        advice += ("；" if advice else "") + (
            "「（无栏目）」是各个副本都没有栏目的信息（如只在今日头条发布的），别名帮不上；"
            "请核对这些导出是否带有栏目列"
        )
    return [
        f"有 {len(lost)} 条信息的栏目对应不到报告类别，计入「{UNCATEGORISED}」：{shown}{more}；"
        + advice
    ]


def unreadable_views(rows: pd.DataFrame) -> pd.Series:
    """Rows whose views cell has text that is not a count."""
    return rows["views"].isna() & (rows["views_raw"].fillna("").str.strip() != "")


def _unreadable_views_warning(rows: pd.DataFrame) -> list[str]:
    bad = unreadable_views(rows)
    if not bad.any():
        return []
    examples = "、".join(f"「{v}」" for v in rows.loc[bad, "views_raw"].drop_duplicates().head(3))
    return [f"有 {int(bad.sum())} 行的阅读量无法识别（如{examples}），已留空；不影响条数统计"]
