"""``inspect``: how each file was understood, for a clerk setting up a new export."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from xgedu_stats import counters
from xgedu_stats.config import Settings
from xgedu_stats.count.categories import row_categories
from xgedu_stats.items.normalize import normalize, unreadable_views
from xgedu_stats.read.kinds import find
from xgedu_stats.read.sources import FileReport, load


@dataclass(frozen=True)
class Inspection:
    """One table's reading: the file report plus what its values look like."""

    report: FileReport
    platform_label: str
    rejected: dict[str, int]
    first_date: str | None
    last_date: str | None
    unreadable_views: int
    sample: pd.DataFrame
    """The first rows after normalisation: line, title, title_key, date, channel, category, views."""


SAMPLE_COLUMNS = ["line", "title", "title_key", "date", "channel", "category", "views"]


def inspect_files(
    paths: Iterable[Path], settings: Settings, sample_rows: int = 5
) -> tuple[list[Inspection], tuple[str, ...]]:
    """Read every file as ``aggregate`` would and describe each table; returns (inspections, warnings).

    >>> inspect_files([Path("samples/2018")], Settings())[0][0].report.encoding
    'utf-8-sig'
    """
    loaded = load(paths, settings)
    rows = normalize(loaded.rows, settings.dedupe.site_names)
    rows["category"] = row_categories(rows["channel"], settings.categories)
    rows["views_bad"] = unreadable_views(rows)
    by_file = dict(tuple(rows.groupby("file", sort=False)))
    bad_by_file = dict(tuple(loaded.malformed.groupby("file", sort=False)))
    out = []
    for report in loaded.files:
        if report.kind != "articles":
            out.append(_other_kind(report, *loaded.kinds[report.kind], sample_rows))
            continue
        part = by_file.get(report.file, rows.iloc[0:0])
        bad = bad_by_file.get(report.file, loaded.malformed.iloc[0:0])
        reasons = pd.concat(
            [part.loc[part["reason"] != "", "reason"].astype("str"), bad["reason"].astype("str")]
        )
        dates = part["date"].dropna()
        sample = part.loc[part["reason"] == "", SAMPLE_COLUMNS].head(sample_rows)
        sample = sample.assign(date=sample["date"].dt.strftime("%Y-%m-%d"))
        out.append(
            Inspection(
                report=report,
                platform_label=settings.platform(report.platform).label,
                rejected={str(k): int(v) for k, v in reasons.value_counts().items()},
                first_date=dates.min().strftime("%Y-%m-%d") if len(dates) else None,
                last_date=dates.max().strftime("%Y-%m-%d") if len(dates) else None,
                unreadable_views=int(part["views_bad"].sum()),
                sample=sample.reset_index(drop=True),
            )
        )
    return out, loaded.warnings


def _other_kind(
    report: FileReport, rows: pd.DataFrame, bad: pd.DataFrame, sample_rows: int
) -> Inspection:
    """A file of another kind (``read.kinds``): how it was read, its own fields as read;
    for a kind with a counter, its rows judged as ``aggregate`` judges them (rejects, dates)."""
    part = rows[rows["file"] == report.file]
    own_bad = bad[bad["file"] == report.file]
    found = counters.counter(report.kind)
    span = (
        found.span(part, own_bad)
        if found is not None and found.span is not None
        else counters.Span(own_bad["reason"].astype("str"))
    )
    reasons, first, last = span.reasons, span.first, span.last
    return Inspection(
        report=report,
        platform_label=find(report.kind).label,
        rejected={str(k): int(v) for k, v in reasons.value_counts().items()},
        first_date=first,
        last_date=last,
        unreadable_views=0,
        sample=part.head(sample_rows).reset_index(drop=True),
    )
