"""``run(config) -> Result``: the one entry point the CLI, the tests and library users share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.api.types import union_categoricals

from xgedu_stats import counters, notes
from xgedu_stats.columns import arrow_strings, chunks, encoded, in_blocks
from xgedu_stats.config import DOC_TYPES, Period, RunConfig, Settings
from xgedu_stats.count.aggregate import category_counts, platform_counts
from xgedu_stats.count.categories import item_categories, row_categories
from xgedu_stats.count.departments import item_departments
from xgedu_stats.count.doc_types import SOURCES, DocTypes, Media, doc_types, media, title_types
from xgedu_stats.count.interactions import Messages
from xgedu_stats.count.totals import KindTotals
from xgedu_stats.count.traffic import Traffic
from xgedu_stats.figures import Figures, check_period
from xgedu_stats.items import decisions
from xgedu_stats.items.dedupe import (
    codes_by_numbers,
    first_copies,
    key_parts,
    merged_groups,
    platform_masks,
    sorted_codes,
)
from xgedu_stats.items.identity import Identity, Rows, identify, link_codes
from xgedu_stats.items.merging import REVIEW, Merged, Pairs, pairs_frame, refine
from xgedu_stats.items.normalize import (
    keys_at,
    normalize,
    out_of_period,
    title_keys,
    unreadable_views,
)
from xgedu_stats.read import decisions as decisions_file
from xgedu_stats.read.kinds import ARTICLES, INTERACTIONS, TRAFFIC
from xgedu_stats.read.sources import FileReport, Progress, load


@dataclass(frozen=True)
class Totals(KindTotals):
    """Where every row read went: ``rows_read = rejected + out_of_period + duplicates + unique_items``."""

    unique_items: int


@dataclass(frozen=True)
class Result:
    """Everything one run found. Frames are tidy; ``tables`` turns them into presentation."""

    period: Period
    settings: Settings
    totals: Totals
    files: tuple[FileReport, ...]
    rows: pd.DataFrame
    """Every row of the period's items (readable; of any date: an item's later copies may
    fall after the period) with ``item_id``, ``exact_id``, its own ``category`` and
    ``title_type`` (its title's 文种, a position in ``DOC_TYPES``; -1 for none); ``file``,
    ``platform`` and ``channel`` are categories. Its title's key is not kept (``copies``
    and ``items.normalize.keys_at`` make it again)."""
    items: pd.DataFrame
    """One row per unique item: ``item_id``, ``title``, ``date``, ``category``, ``platforms``,
    ``doc_type`` and where it came from (``doc_type_source``), ``pictures``."""
    rejects: pd.DataFrame
    categories: pd.DataFrame
    platforms: pd.DataFrame
    doc_types: DocTypes
    media: Media
    warnings: tuple[str, ...]
    kinds: dict[str, tuple[pd.DataFrame, pd.DataFrame]] = field(default_factory=dict)
    """The rows of each other kind of input read (``read.kinds``), and its unreadable records:
    never counted as published items; its tables are made from them."""
    counted: dict[str, Any] = field(default_factory=dict)
    """The figures of each other kind read that has a counter (``counters.COUNTERS``), by
    kind name."""
    fuzzy_pairs: Pairs = field(default_factory=list, repr=False)
    decided_pairs: Pairs = field(default_factory=list, repr=False)
    figures: Figures | None = None
    """The year's typed figures (``RunConfig.figures``), if any."""
    timeline: pd.DataFrame | None = None
    """When asked for (``RunConfig.timeline``): every item found, of any date (not only the
    period's): the ``day`` of its earliest copy, its ``category``, ``department`` and
    ``platforms`` (bit ``rank`` set for each platform with a copy), oldest first — what a
    bulletin counts periods from."""

    @property
    def articles_read(self) -> bool:
        """Whether exports of published items were read (or nothing else was: an empty
        run's figures are the articles' zeros)."""
        return any(f.kind == ARTICLES.name for f in self.files) or not self.kinds

    @property
    def messages(self) -> Messages | None:
        """The online messages of the period (when mailbox exports were given)."""
        return self.counted.get(INTERACTIONS.name)

    @property
    def traffic(self) -> Traffic | None:
        """The site traffic of the period (when traffic exports were given)."""
        return self.counted.get(TRAFFIC.name)


REJECT_COLUMNS = ["file", "line", "platform", "reason", "title", "date_raw", "channel", "url"]
REJECT_COLUMNS += ["views_raw", "raw"]
COUNTED_COLUMNS = ["file", "line", "platform", "title", "date", "channel", "url"]
COUNTED_COLUMNS += ["views", "views_approx", "doc_type", "images", "department", "title_type"]
#: Columns the same on every row of a table: categories of the counted rows (``channel``
#: is one too, of a few hundred values).
SOURCE_COLUMNS = ["file", "platform"]
#: What ``key_codes`` is made from (``dedupe.key_parts`` of each title's key), found in the
#: normalising pass: the keys themselves are not kept (``normalize.keys_at`` finds a
#: row's again from its title).
KEY_PARTS = ["key_number", "key_hash", "key_check"]


def run(config: RunConfig, progress: Progress | None = None) -> Result:
    """Read, deduplicate and count every export under ``config.paths``.

    Items are found over every row given, whatever its date; an item then belongs to the
    period of its earliest copy, so that the months of a year add up to the year.

    >>> from pathlib import Path
    >>> run(RunConfig((Path("samples/2018"),), period=Period.year(2018))).totals
    Totals(rows_read=5097, rejected=6, out_of_period=67, duplicates=2586, unique_items=2438)
    """
    settings = config.settings
    if config.figures is not None:
        check_period(config.figures, config.period.start, config.period.end)
    decided, unknown_platforms, contradicting = _decisions(settings)
    screen = _Screen(settings, config.period)
    loaded = load(config.paths, settings, progress, config.kinds, prepare=screen)
    readable, screened = screen.sourced(loaded.take_rows()), screen.done(loaded.malformed)
    found = _find_items(readable, settings, decided)
    del readable
    found_notes = [
        *notes.decisions_applied(found.merged),
        *notes.fuzzy_skipped(found.merged),
        *notes.decisions_file(unknown_platforms, contradicting, settings.platforms),
        *notes.identity(found.counted, found.codes, found.identity),
    ]
    placed = _place(found, settings, config.period, config.timeline)
    found_notes += notes.empty_period(len(placed.item_category), found.codes.day, config.period)
    del found  # (every row of every date: the period's rows are a copy when some fall outside)
    counted = _count(placed, loaded.files, settings)
    others = counters.count_all(loaded.kinds, config)
    warnings = (
        *loaded.warnings,
        *notes.other_kinds(loaded.files, loaded.kinds),
        *found_notes,
        *notes.uncategorised(placed.counted, counted.items),
        *notes.unreadable_views(*screened.unreadable_views),
        *notes.doc_type_words(settings.doc_types),
        *notes.doc_type_values(counted.doc_types.unknown_values),
        *notes.unreadable_images(*counted.media.unreadable),
        *(
            n
            for c in counters.COUNTERS
            if c.kind.name in others
            for n in c.notes(others[c.kind.name])
        ),
    )
    return Result(
        period=config.period,
        settings=settings,
        totals=_totals(screened, placed),
        files=loaded.files,
        rows=placed.counted,
        items=counted.items,
        rejects=screened.rejects,
        categories=counted.categories,
        platforms=counted.platforms,
        doc_types=counted.doc_types,
        media=counted.media,
        warnings=warnings,
        kinds=loaded.kinds,
        counted=others,
        fuzzy_pairs=placed.fuzzy_pairs,
        decided_pairs=placed.decided_pairs,
        figures=config.figures,
        timeline=placed.timeline,
    )


def pairs(result: Result) -> pd.DataFrame:
    """Every merge and near miss of the run as pairs of rows, with status and score."""
    return pairs_frame(result.rows, result.fuzzy_pairs, result.decided_pairs)


def for_review(listed: pd.DataFrame) -> pd.DataFrame:
    """The pairs a person should look at (``merging.REVIEW``) among ``pairs(result)``."""
    return listed[listed["status"].isin(REVIEW)]


def copies(result: Result) -> pd.DataFrame:
    """Every row of every item with more than one copy, with its title's key
    (``title_key``: what it was compared by)."""
    found = merged_groups(result.rows)
    sites = result.settings.dedupe.site_names
    return found.assign(title_key=title_keys(found["title"], sites).to_numpy())


def _decisions(
    settings: Settings,
) -> tuple[list[decisions_file.Decision], list[tuple[int, str]], list[tuple[int, int]]]:
    """The clerk's decisions (read first: a broken file stops the run before the exports
    are read), with each platform as its code; lines naming unknown platforms; lines that
    contradict each other."""
    if not settings.dedupe.decisions:
        return [], [], []
    decided, unknown = decisions.resolve_platforms(
        decisions_file.load(settings.dedupe.decisions), settings.platforms
    )
    return decided, unknown, decisions.contradictions(decided)


@dataclass(frozen=True)
class _Screened:
    """What became of the rows read that are not counted: rejected (with their reasons)."""

    rejects: pd.DataFrame
    rows_read: int
    invalid_outside: int
    """Unreadable rows whose own date is outside the period: not read further."""
    unreadable_views: tuple[int, list[str]]
    """Rows whose views cell is not a count, and a few of those cells."""


class _Screen:
    """Tables of articles, as ``load`` reads them (``prepare``), to their readable rows
    (``COUNTED_COLUMNS``), normalised block by block on every core and each title read once,
    for its key and its 文种; what became of the others is gathered for ``done``.

    A few tables at a time, so that the raw strings of every file are never alive at once."""

    def __init__(self, settings: Settings, period: Period) -> None:
        self.settings, self.period = settings, period
        self.rejects: list[pd.DataFrame] = []
        self.rows_read = self.invalid_outside = self.bad_views = 0
        self.examples: list[str] = []
        self.sources: list[tuple[str, str, int]] = []
        """Each table's file and platform, and how many of its rows are kept (in order)."""
        self.channels: list[pd.Categorical] = []
        """The kept rows' channels of each call, as categories."""

    def _normal(self, block: pd.DataFrame) -> pd.DataFrame:
        out = normalize(block, self.settings.dedupe.site_names)
        by_title = title_types(out["title"], self.settings.doc_types, out["title_key"])
        parts = key_parts(chunks(out.pop("title_key")))
        return out.assign(
            title_type=by_title.astype(np.int8), **dict(zip(KEY_PARTS, parts, strict=True))
        )

    def __call__(self, raw: pd.DataFrame) -> pd.DataFrame:
        rows = in_blocks(self._normal, raw)
        # A row that cannot be read is outside the period when its own date is: not read further.
        outside = out_of_period(rows, self.period).to_numpy()
        invalid = (rows["reason"] != "").to_numpy()
        bad_views = unreadable_views(rows)
        self.rows_read += len(rows)
        self.invalid_outside += int(np.count_nonzero(invalid & outside))
        self.bad_views += int(bad_views.sum())
        if len(self.examples) < 3:  # (the first few distinct cells, in the order read)
            cells = rows.loc[bad_views, "views_raw"].drop_duplicates().head(3).tolist()
            self.examples = list(dict.fromkeys(self.examples + cells))[:3]
        self.rejects.append(rows.iloc[np.flatnonzero(invalid & ~outside)].assign(raw=""))
        counted = rows[COUNTED_COLUMNS + KEY_PARTS]
        if invalid.any():
            counted = counted.iloc[np.flatnonzero(~invalid)]  # (a boolean .loc is slower here)
        files, platforms, channels = (counted.pop(c) for c in (*SOURCE_COLUMNS, "channel"))
        if len(counted):
            self.sources += _runs(files, platforms)
            distinct, at = encoded(channels)
            self.channels.append(
                pd.Categorical.from_codes(at, pd.Index(pd.array(distinct, dtype="str")))
            )
        return counted

    def sourced(self, counted: pd.DataFrame) -> pd.DataFrame:
        """The kept rows of every table (in the order screened) with their ``file``,
        ``platform`` and ``channel`` as categories: a code a row, not the name again on
        every row (at a million rows, 47 MB of file names and 39 MB of channels)."""
        counts = [n for _, _, n in self.sources]

        def column(names: list[str]) -> pd.Categorical:
            categories = sorted(set(names))  # (in code point order, as Arrow sorts UTF-8)
            at = np.array([categories.index(n) for n in names], dtype=np.int64)
            return pd.Categorical.from_codes(
                np.repeat(at, counts), pd.Index(categories, dtype="str")
            )

        counted.insert(0, "file", column([f for f, _, _ in self.sources]))
        counted.insert(2, "platform", column([p for _, p, _ in self.sources]))
        empty = pd.Categorical([], pd.Index([], dtype="str"))
        channels = union_categoricals(self.channels) if self.channels else empty
        counted.insert(COUNTED_COLUMNS.index("channel"), "channel", channels)
        return counted

    def done(self, malformed: pd.DataFrame) -> _Screened:
        """What became of every row read that is not counted (``malformed``: the records
        that could not be read as rows)."""
        rejects = pd.concat([*self.rejects, malformed], ignore_index=True)
        rejects = rejects.reindex(columns=REJECT_COLUMNS).sort_values(["file", "line"])
        return _Screened(
            rejects=rejects.reset_index(drop=True),
            rows_read=self.rows_read + len(malformed),
            invalid_outside=self.invalid_outside,
            unreadable_views=(self.bad_views, self.examples),
        )


def _runs(files: pd.Series, platforms: pd.Series) -> list[tuple[str, str, int]]:
    """The file and platform of each run of rows (a table's rows are one), and its length."""
    names, file_at = encoded(files)
    keys, platform_at = encoded(platforms)
    starts = np.flatnonzero(
        np.r_[True, (file_at[1:] != file_at[:-1]) | (platform_at[1:] != platform_at[:-1])]
    )
    lengths = np.diff(np.r_[starts, len(files)])
    return [
        (names[file_at[s]].as_py(), keys[platform_at[s]].as_py(), int(n))
        for s, n in zip(starts, lengths, strict=True)
    ]


@dataclass(frozen=True)
class _Found:
    """Every readable row with its item (``item_id`` final, ``exact_id`` by the identity
    rule), whatever its date; the codes and identity it was matched by."""

    counted: pd.DataFrame
    codes: Rows
    identity: Identity
    merged: Merged


def _find_items(
    counted: pd.DataFrame, settings: Settings, decided: list[decisions_file.Decision]
) -> _Found:
    keys, title = [p.key for p in settings.platforms], counted["title"]
    ranks = _ranks(counted["platform"], keys)
    sites = settings.dedupe.site_names
    parts = [counted[c].to_numpy() for c in KEY_PARTS]
    codes = Rows(
        platform=ranks,
        key=codes_by_numbers(lambda rows: arrow_strings(keys_at(title, rows, sites)), *parts),
        day=counted["date"].to_numpy(dtype="datetime64[D]").astype(np.int64),
        link=link_codes(counted["url"], ranks, [p.document_id for p in settings.platforms]),
        file=sorted_codes(counted["file"]),
        line=counted["line"].to_numpy(dtype=np.int64),
    )
    counted = counted.assign(platform_rank=ranks)
    located = decisions.locate(counted, decided, sites)
    apart = [sides for d, sides in zip(decided, located, strict=True) if d.verdict == "different"]
    identity = identify(codes, settings.dedupe.window_days, apart)
    merged = refine(counted, codes, identity, decided, located, settings.dedupe)
    counted = counted.drop(columns=KEY_PARTS).assign(
        item_id=merged.final,
        exact_id=merged.exact,
        guessed=identity.guessed[identity.publication],
        category=row_categories(counted["channel"], settings.categories),
    )
    return _Found(counted, codes, identity, merged)


@dataclass(frozen=True)
class _Placed:
    """The rows of the items whose earliest copy is in the period, items renumbered 1…N."""

    counted: pd.DataFrame
    item_category: pd.Series
    outside: int
    """Readable rows of items outside the period."""
    fuzzy_pairs: Pairs
    decided_pairs: Pairs
    timeline: pd.DataFrame | None


def _place(found: _Found, settings: Settings, period: Period, timeline: bool) -> _Placed:
    counted, final = found.counted, found.merged.final
    # Categories from every copy, whatever its date; then only the period's items.
    all_categories = item_categories(counted, settings.categories)
    first_day = _first_days(final, found.codes.day)
    first, last = _period_items(first_day, period)
    keep = np.flatnonzero((final >= first) & (final <= last))
    outside = len(counted) - len(keep)
    if outside:
        counted = counted.iloc[keep].reset_index(drop=True)
    exact_ids, exact = np.unique(counted["exact_id"].to_numpy(), return_inverse=True)
    counted = counted.assign(
        item_id=counted["item_id"].to_numpy() - (first - 1), exact_id=exact + 1
    )
    item_category = all_categories.iloc[first - 1 : last].set_axis(
        pd.Index(np.arange(1, last - first + 2), name="item_id")
    )
    return _Placed(
        counted=counted,
        item_category=item_category,
        outside=outside,
        # (fuzzy pairs are between exact items, numbered from 1; decisions between rows)
        fuzzy_pairs=_renumbered(found.merged.pairs, exact_ids, base=1),
        decided_pairs=_renumbered(found.merged.decided, keep) if outside else found.merged.decided,
        timeline=_timeline(found.counted, first_day, all_categories) if timeline else None,
    )


def _timeline(counted: pd.DataFrame, first_day: np.ndarray, categories: pd.Series) -> pd.DataFrame:
    """Every item of every date: its first day, category, department and platforms."""
    count = len(first_day)
    ids = counted["item_id"].to_numpy(dtype=np.int64)
    return pd.DataFrame(
        {
            "day": first_day.astype("datetime64[D]").astype("datetime64[s]"),
            "category": categories.to_numpy(),
            "department": item_departments(counted, count).to_numpy(),
            "platforms": platform_masks(ids, counted["platform_rank"].to_numpy(), count),
        },
        index=pd.Index(np.arange(1, count + 1), name="item_id"),
    )


@dataclass(frozen=True)
class _Counted:
    items: pd.DataFrame
    categories: pd.DataFrame
    platforms: pd.DataFrame
    doc_types: DocTypes
    media: Media


def _count(placed: _Placed, files: tuple[FileReport, ...], settings: Settings) -> _Counted:
    counted = placed.counted
    ids = counted["item_id"].to_numpy(dtype=np.int64)
    ranks = counted["platform_rank"].to_numpy()
    masks = platform_masks(ids, ranks, len(placed.item_category))
    keys = tuple(p.key for p in settings.platforms)
    items = _items(counted, placed.item_category, masks, keys)
    item_type, type_source, by_type = doc_types(counted, len(items), settings.doc_types)
    pictures = media(counted, len(items))
    items = items.assign(
        doc_type=_spread(DOC_TYPES, item_type),
        doc_type_source=_spread(SOURCES, type_source),
        pictures=pd.array(
            pd.Series(pictures.per_item).where(pictures.known).to_numpy(), dtype="Int64"
        ),
    )
    rows_read = pd.Series([f.rows for f in files], index=[f.platform for f in files])
    return _Counted(
        items=items,
        categories=category_counts(items["category"], settings.categories),
        platforms=platform_counts(rows_read.groupby(level=0).sum(), masks, settings.platforms),
        doc_types=by_type,
        media=pictures,
    )


def _spread(names: Sequence[str], at: np.ndarray) -> pd.arrays.ArrowStringArray:
    """``names[at]`` as a column of ``str``, spread by Arrow (no Python string a row)."""
    return pd.array(pa.array(names, pa.large_string()).take(at), dtype="str")


def _totals(screened: _Screened, placed: _Placed) -> Totals:
    unique = len(placed.item_category)
    return Totals(
        rows_read=screened.rows_read,
        rejected=len(screened.rejects),
        out_of_period=screened.invalid_outside + placed.outside,
        duplicates=len(placed.counted) - unique,
        unique_items=unique,
    )


def _first_days(final: np.ndarray, day: np.ndarray) -> np.ndarray:
    """The day (days since 1970) of each item's earliest copy, items 1…N at 0…N-1."""
    count = int(final.max()) if len(final) else 0
    first_day = np.full(count + 1, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first_day, final, day)
    return first_day[1:]


def _period_items(first_day: np.ndarray, period: Period) -> tuple[int, int]:
    """The ids (first, last) of the items whose earliest copy is in the period: ids are
    numbered by first day, so they are a run."""
    count = len(first_day)
    if count == 0:
        return 1, 0
    start = period.start and np.datetime64(period.start, "D").astype(np.int64)
    end = period.end and np.datetime64(period.end, "D").astype(np.int64)
    lo = int(np.searchsorted(first_day, start, side="left")) if start is not None else 0
    hi = int(np.searchsorted(first_day, end, side="right")) if end is not None else count
    return lo + 1, hi


def _renumbered(listed: Pairs, kept: np.ndarray, base: int = 0) -> Pairs:
    """The pairs whose two sides are both kept, each side renumbered to its position among
    the kept (``kept`` holds old numbers ``base``-based, sorted)."""
    if not listed:
        return []  # (no dictionary of every kept number)
    position = {int(old) - base: new for new, old in enumerate(kept)}
    return [
        (position[a], position[b], score, status)
        for a, b, score, status in listed
        if a in position and b in position
    ]


def _ranks(platform: pd.Series, keys: list[str]) -> np.ndarray:
    """Each row's platform (categories) as its position in ``keys`` (the priority order)."""
    names = platform.cat.categories
    ranks = np.array([keys.index(n) if n in keys else -1 for n in names], dtype=np.int64)
    return ranks[platform.cat.codes.to_numpy()]


def _items(
    counted: pd.DataFrame, item_category: pd.Series, masks: np.ndarray, platforms: tuple[str, ...]
) -> pd.DataFrame:
    """One row per item: the title of its highest-priority copy, the date of its earliest
    copy (the one that places it in a period), its platforms."""
    ids = counted["item_id"].to_numpy(dtype=np.int64)
    first_rows = first_copies(counted, ids)  # (of items 1…N, in order)
    seconds = counted["date"].to_numpy(dtype="datetime64[s]").astype(np.int64)
    earliest = np.full(len(first_rows) + 1, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(earliest, ids, seconds)
    # Platforms as text, once per distinct mask (few), spread by Arrow (no str per item).
    distinct = np.flatnonzero(np.bincount(masks)) if len(masks) else masks
    names = [""] * (int(distinct.max()) + 1 if len(distinct) else 0)
    for m in distinct:
        names[m] = ",".join(k for i, k in enumerate(platforms) if m >> i & 1)
    items = pd.DataFrame(
        {
            "item_id": np.arange(1, len(first_rows) + 1),
            "title": counted["title"].array.take(first_rows),
            "date": earliest[1:].astype("datetime64[s]"),
            "category": item_category.array,
            "platforms": _spread(names, masks),
        }
    )
    return items
