"""Applying a clerk's decisions (read by ``read.decisions``): platforms named as a clerk
writes them resolved to the config's, and the rows each decision names located in one pass.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from xgedu_stats.config import Platform
from xgedu_stats.read.decisions import Decision, Identity


def contradictions(decisions: Sequence[Decision]) -> list[tuple[int, int]]:
    """(line, line) of decisions that name the same two rows, one 相同 and one 不同 (in
    either order of the two): a 不同 wins, as it keeps apart what may be apart.

    >>> from xgedu_stats.read.decisions import Identity
    >>> a, b = Identity("portal", "http://a.cn/1", "", ""), Identity("toutiao", "", "甲", "2018-03-01")
    >>> contradictions([Decision(2, a, b, "same"), Decision(5, b, a, "different")])
    [(2, 5)]
    """
    first: dict[tuple[frozenset[Identity], str], int] = {}
    for d in decisions:
        first.setdefault((frozenset((d.left, d.right)), d.verdict), d.line)
    return sorted(
        (min(line, first[(pair, "different")]), max(line, first[(pair, "different")]))
        for (pair, verdict), line in first.items()
        if verdict == "same" and (pair, "different") in first
    )


def resolve_platforms(
    decisions: Sequence[Decision], platforms: Sequence[Platform]
) -> tuple[list[Decision], list[tuple[int, str]]]:
    """The decisions with each side's platform as its code: a clerk may write the code
    (``portal``), the name (孝感市教育局门户网站) or a word a file name would carry (门户网站
    holds 门户). Returns the decisions whose platforms are all known, and (line, name) for
    the others.

    >>> from xgedu_stats.read.decisions import Identity
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

    ``rows`` needs a 0…n-1 index and ``platform``, ``url``, ``title``, ``date`` and
    ``key_hash`` (the first of ``columns.string_hashes`` of each title's key): rows are
    found by the hash, then compared by the keys themselves (made again from the titles).
    """
    from xgedu_stats.columns import chunks, string_hashes
    from xgedu_stats.items.normalize import keys_at, parse_dates, title_keys

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
        hashes = string_hashes(chunks(lookup["title_key"]))[0]
        near = np.flatnonzero(np.isin(rows["key_hash"].to_numpy(), hashes))
        candidates = rows.iloc[near][["platform", "date"]].assign(
            title_key=keys_at(rows["title"], near, site_names).to_numpy(), row=near
        )
        hits = lookup.merge(candidates[["row", *on]], on=on)
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
