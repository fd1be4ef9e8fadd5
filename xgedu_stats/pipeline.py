"""``run(config) -> Result``: the one entry point the CLI, the tests and library users share."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from xgedu_stats.aggregate import category_counts, platform_counts
from xgedu_stats.categories import item_categories, last_segment, row_categories
from xgedu_stats.config import UNCATEGORISED, Period, RunConfig, Settings
from xgedu_stats.dedupe import assign_items, first_copies, merged_groups, platform_masks
from xgedu_stats.merging import pairs_frame, refine
from xgedu_stats.normalize import normalize, out_of_period
from xgedu_stats.sources import FileReport, Progress, load


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
    """Every counted row (readable, in period) with ``item_id`` and its own ``category``."""
    items: pd.DataFrame
    """One row per unique item: ``item_id``, ``title``, ``date``, ``category``, ``platforms``."""
    rejects: pd.DataFrame
    categories: pd.DataFrame
    platforms: pd.DataFrame
    warnings: tuple[str, ...]
    fuzzy_pairs: list[tuple[int, int, float, str]] = field(default_factory=list, repr=False)

    @cached_property
    def pairs(self) -> pd.DataFrame:
        """Every merge and near miss as pairs of rows, with status and score (``duplicates``)."""
        return pairs_frame(self.rows, self.fuzzy_pairs)

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

    >>> run(RunConfig((Path("samples/2018"),), period=Period.year(2018))).totals  # doctest: +SKIP
    Totals(rows_read=..., rejected=..., out_of_period=..., duplicates=..., unique_items=2438)
    """
    settings = config.settings
    loaded = load(config.paths, settings, progress)
    warnings = list(loaded.warnings)
    rows = normalize(loaded.rows, settings.dedupe.site_names)
    del loaded.rows  # the raw strings are no longer needed; free them before the next copies
    outside = out_of_period(rows, config.period)
    rejected = (rows["reason"] != "") & ~outside
    views_warning = _unreadable_views_warning(rows)
    rejects = pd.concat(
        [rows.iloc[np.flatnonzero(rejected)].assign(raw=""), loaded.malformed],
        ignore_index=True,
    )
    rejects = rejects.reindex(columns=REJECT_COLUMNS).sort_values(["file", "line"])
    rejects = rejects.reset_index(drop=True)
    rows_total, out_of_period_total = len(rows), int(outside.sum())
    keep = ~outside & ~rejected
    counted = rows[COUNTED_COLUMNS]
    if not keep.all():
        counted = counted.iloc[np.flatnonzero(keep)]  # (a boolean .loc is slower here)
    del rows

    keys = [p.key for p in settings.platforms]
    counted = counted.reset_index(drop=True)
    counted = counted.assign(
        platform_rank=_ranks(counted["platform"], keys),
        item_id=assign_items(counted["title_key"], counted["date"], settings.dedupe.window_days),
        category=row_categories(counted["channel"], settings.categories),
    )
    exact, final, fuzzy_pairs, notes = refine(counted, settings.dedupe)
    counted = counted.assign(exact_id=exact, item_id=final)
    warnings += notes
    item_category = item_categories(counted, settings.categories)
    ids = counted["item_id"].to_numpy(dtype=np.int64)
    masks = platform_masks(ids, counted["platform_rank"].to_numpy(), len(item_category))
    items = _items(counted, item_category, masks, tuple(keys))

    unique = len(items)
    totals = Totals(
        rows_read=rows_total + len(loaded.malformed),
        rejected=len(rejects),
        out_of_period=out_of_period_total,
        duplicates=len(counted) - unique,
        unique_items=unique,
    )
    warnings += _uncategorised_warning(counted, items)
    warnings += views_warning
    if totals.rejected:
        warnings.append(
            f"有 {totals.rejected} 行无效（缺标题、发布时间无法识别等），未计入统计；"
            "加 --rejects 文件名.csv 可列出每一行及原因"
        )

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
        fuzzy_pairs=fuzzy_pairs,
    )


def _ranks(platform: pd.Series, keys: list[str]) -> np.ndarray:
    """Each row's platform as its position in ``keys`` (the priority order)."""
    found = pc.index_in(pa.chunked_array(pa.array(platform.array)), value_set=pa.array(keys))
    return found.to_numpy().astype(np.int64)


def _items(
    counted: pd.DataFrame, item_category: pd.Series, masks: np.ndarray, platforms: tuple[str, ...]
) -> pd.DataFrame:
    """One row per item: the title and date of its highest-priority copy, its platforms."""
    first_rows = first_copies(counted, counted["item_id"].to_numpy(dtype=np.int64))
    first = counted[["item_id", "title", "date"]].iloc[first_rows].set_index("item_id")
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
    return [
        f"有 {len(lost)} 条信息的栏目对应不到报告类别，计入「{UNCATEGORISED}」：{shown}{more}；"
        '可在配置文件的 [categories] 中把栏目名加为类别的别名，例如 "教育资助" = ["学生资助"]'
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
