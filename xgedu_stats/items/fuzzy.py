"""Near-duplicates: copies whose titles were edited when re-posted.

Runs after the exact dedupe, on items (not rows), and only among items whose first
dates are within the window and that have no platform in common: like the exact rule,
it matches copies between platforms, never two items of one platform. Titles are compared with rapidfuzz's ``fuzz.ratio``: the
Indel similarity of the two character sequences, which suits Chinese, where a character
is a word and there are no spaces for token-based scorers to split on.

A pair above the threshold is still refused when the difference is one that changes
*which* item it is rather than how it was written:

- its numbers differ (第3期 / 第4期, 2018 / 2019), after Chinese numerals are read as
  numbers (二〇一八 = 2018, 十二 = 12), so a number written differently still matches;
- it both drops and adds characters (孝南区 / 汉川市, 实验 / 育才, 年终 / 下半年): a swap
  of names or terms, not an edit. One changed character is allowed only in a long title,
  and never when it is one of the characters that tell levels, places and times apart
  (小 / 中, 东 / 西, 寒 / 暑).

Only adding words, or only dropping them (关于, 顺利), and fixing a one-character typo
are merged.
Groups are formed transitively; a group with two members less similar than the lower
bound is doubtful and is not merged: it is listed for a person to decide.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

#: Default similarity (0–100) at which two titles are the same item; chosen on the
#: labelled set in tests/test_fuzzy.py (see the README for the measurements).
DEFAULT_THRESHOLD = 85.0
#: Members of one group less similar than this make the group doubtful.
DOUBT_MARGIN = 15.0
#: A one-character substitution is a typo only in a title at least this long.
TYPO_MIN_LENGTH = 20
#: Characters whose substitution names a different school, level, place or season.
SIGNIFICANT = set("小中大高初幼职东西南北上下前后春夏秋冬寒暑男女正副新旧首末") | set("0123456789")

_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "两": 2}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_RUN = re.compile("[〇零一二两三四五六七八九十百千]+")
_NUMBER = re.compile(r"\d+")


def cn_numbers(text: str) -> str:
    """Chinese numerals as digits: 二〇一八年 -> 2018年, 第十二期 -> 第12期, 一百零五 -> 105.

    >>> cn_numbers("二〇一八年第十二期")
    '2018年第12期'
    """

    def convert(match: re.Match[str]) -> str:
        run = match.group(0)
        if not any(c in _CN_UNITS for c in run):
            return "".join(str(_CN_DIGITS[c]) for c in run)
        total, current = 0, 0
        for c in run:
            if c in _CN_DIGITS:
                current = _CN_DIGITS[c]
            else:
                total += (current or 1) * _CN_UNITS[c]
                current = 0
        return str(total + current)

    return _CN_RUN.sub(convert, text)


def comparable(key: str) -> str:
    """What fuzzy matching compares: the title key with Chinese numerals as digits."""
    return cn_numbers(key)


def allowed(a: str, b: str) -> bool:
    """Whether the difference between two comparable keys is an edit, not another item.

    Words only added, or only dropped (one title is the other with some characters
    left out), are an edit; so is one character changed in a long title, unless it is a
    character that names a different level, place or time. Anything else (a swap of
    words, added *and* dropped words, other numbers) is another item.

    >>> allowed("关于召开2018年全市教育工作会议的通知", "召开2018年全市教育工作会议的通知")
    True
    >>> allowed("孝南区实验小学开展安全教育", "孝南区育才小学开展安全教育")
    False
    """
    if _NUMBER.findall(a) != _NUMBER.findall(b):
        return False
    from rapidfuzz.distance import Indel

    dropped = added = 0
    for op in Indel.opcodes(a, b):
        if op.tag == "delete":
            dropped += op.src_end - op.src_start
        elif op.tag == "insert":
            added += op.dest_end - op.dest_start
    if dropped == 0 or added == 0:
        return True
    if dropped == added == 1 and min(len(a), len(b)) >= TYPO_MIN_LENGTH:
        changed = {x for x in set(a) ^ set(b)}
        return not changed & SIGNIFICANT
    return False


@dataclass(frozen=True)
class Candidate:
    """Two items whose titles are similar, within the window."""

    a: int  # index into the items given
    b: int
    score: float


#: Pairs scored at once (bounds the memory of the pair arrays whatever the input).
PAIRS_AT_ONCE = 1_000_000
#: A day whose titles give more pairs to score than this (after the rules that need no
#: score: other numbers, a platform in common) is not compared, with a note: such a day
#: is generated, not published (a real one has a few hundred pairs at most).
DAY_PAIRS_LIMIT = 2_000_000
#: Pairs to score over all days: past it, the days with the most pairs are not compared
#: (with the same note) until the rest are under it. A real year has some 100,000 (a
#: large office's, 160 items a day on four platforms, some 30,000,000); scoring takes
#: about 0.7 s per million pairs on two cores, and the similar ones found are kept in
#: 12 bytes each until the limits below are applied.
TOTAL_PAIRS_LIMIT = 50_000_000
#: Pairs listed on one day, those on one platform too (they are dropped before scoring,
#: but listing them costs time): a day with more is not compared, with the note.
DAY_LISTED_LIMIT = 20_000_000
#: Similar pairs (scoring at least the lower bound) a day may give: each then costs the
#: rules (``allowed``, some microseconds in Python) and the grouping. A real day has a
#: few dozen; a day with more is not compared, with the note.
DAY_CANDIDATES_LIMIT = 20_000
#: Similar pairs over all days: past it, the days with the most are not compared.
TOTAL_CANDIDATES_LIMIT = 200_000


@dataclass(frozen=True)
class Candidates:
    """Pairs of items (a < b, score), the days too crowded to compare (over a limit of
    their own) and the days left out to keep the whole run under the total limits."""

    a: np.ndarray
    b: np.ndarray
    score: np.ndarray
    crowded_days: tuple[int, ...] = ()
    over_total_days: tuple[int, ...] = ()


def _over(per_day: np.ndarray, day_limit: float, total_limit: float) -> tuple[set[int], set[int]]:
    """The days (offsets into ``per_day``) over ``day_limit``, and then the most crowded
    of the others (ties: the earlier day first) left out until the rest total at most
    ``total_limit``.

    >>> _over(np.array([5, 1, 3, 3, 9]), 8, 6)
    ({4}, {0, 2})
    """
    crowded = {int(d) for d in np.flatnonzero(per_day > day_limit)}
    kept = per_day.copy()
    kept[list(crowded)] = 0
    excess = float(kept.sum()) - total_limit
    left_out: set[int] = set()
    if excess > 0:
        by_size = np.lexsort((np.arange(len(kept)), -kept))
        dropped = np.cumsum(kept[by_size])
        left_out = {int(d) for d in by_size[: int(np.searchsorted(dropped, excess)) + 1]}
    return crowded, left_out


def _cross_counts(masks: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Of the ``counts[i]`` items after item ``i`` (in this order), how many have no
    platform in common with it: the pairs that will be scored. Counted per set of
    platforms (few); with very many sets, every pair is counted.

    >>> _cross_counts(np.array([1, 1, 2, 3]), np.array([3, 2, 1, 0]))
    array([1, 1, 0, 0])
    """
    values, code = np.unique(masks, return_inverse=True)
    if len(values) > 64:
        return counts
    n = len(masks)
    starts, ends = np.arange(n) + 1, np.arange(n) + 1 + counts
    overlapping = np.zeros(n, dtype=np.int64)
    for k, value in enumerate(values):
        prefix = np.concatenate([[0], np.cumsum(code == k)])
        overlapping += np.where(masks & value, prefix[ends] - prefix[starts], 0)
    return counts - overlapping


def candidate_arrays(
    keys: list[str],
    days: np.ndarray,
    window_days: int,
    cutoff: float,
    classes: np.ndarray | None = None,
    masks: np.ndarray | None = None,
) -> Candidates:
    """Pairs of items within ``window_days`` of each other scoring at least ``cutoff``.

    Only pairs that could merge are scored: the same ``classes`` (the same numbers),
    no platform in common (``masks``), days within the window. They are listed from the
    items sorted by (class, day), never as all pairs, and scored by rapidfuzz pair by
    pair in C++ on every core.
    """
    from rapidfuzz import fuzz, process

    n = len(keys)
    empty = np.zeros(0, dtype=np.int64)
    if n < 2:
        return Candidates(empty, empty, np.zeros(0, dtype=np.float32))
    days = np.asarray(days, dtype=np.int64)
    group = (
        np.zeros(n, dtype=np.int64)
        if classes is None
        else np.unique(classes, return_inverse=True)[1]
    )
    first = int(days.min())
    span = int(days.max()) - first + window_days + 1
    place = group * span + (days - first)
    order = np.argsort(place, kind="stable")
    placed = place[order]
    counts = np.searchsorted(placed, placed + window_days, side="right") - np.arange(n) - 1
    day_of = days[order]
    cross = counts if masks is None else _cross_counts(np.asarray(masks)[order], counts)
    crowded, left_out = _over(
        np.bincount(day_of - first, weights=cross), DAY_PAIRS_LIMIT, TOTAL_PAIRS_LIMIT
    )
    # (pairs on one platform are listed, then dropped: a day with very many is skipped too)
    listed = np.bincount(day_of - first, weights=counts)
    crowded |= {int(d) for d in np.flatnonzero(listed > DAY_LISTED_LIMIT)}
    skipped = np.array(sorted(crowded | left_out), dtype=np.int64) + first
    if len(skipped):
        counts[np.isin(day_of, skipped)] = 0
    texts = np.array(keys, dtype=object)
    # The similar pairs found, 12 bytes each (int32 positions); a day that has found more
    # than DAY_CANDIDATES_LIMIT is scored no further (it will not be compared), so what is
    # kept stays within that limit a day whatever the day holds.
    found_a, found_b, found_s = [], [], []
    found_per_day = np.zeros(span, dtype=np.int64)
    over = np.zeros(span, dtype=bool)
    ends = np.cumsum(counts)
    start = 0
    while start < n:
        # positions start…stop-1 hold at most PAIRS_AT_ONCE pairs (or one position's)
        base = ends[start - 1] if start else 0
        stop = max(int(np.searchsorted(ends, base + PAIRS_AT_ONCE, side="right")), start + 1)
        part = counts[start:stop]
        i = np.repeat(np.arange(start, stop), part)
        j = i + 1 + np.arange(len(i)) - np.repeat(np.cumsum(part) - part, part)
        if over.any():
            live = ~over[day_of[i] - first]
            i, j = i[live], j[live]
        a, b = order[i], order[j]
        if masks is not None:
            keep = (masks[a] & masks[b]) == 0
            a, b, i = a[keep], b[keep], i[keep]
        if len(a):
            scores = process.cpdist(
                texts[a],
                texts[b],
                scorer=fuzz.ratio,
                score_cutoff=cutoff,
                workers=-1,
                dtype=np.float32,
            )
            keep = scores >= cutoff
            found_a.append(np.minimum(a, b)[keep].astype(np.int32))
            found_b.append(np.maximum(a, b)[keep].astype(np.int32))
            found_s.append(scores[keep])
            found_per_day += np.bincount(day_of[i[keep]] - first, minlength=span)
            over |= found_per_day > DAY_CANDIDATES_LIMIT
        start = stop
    a = np.concatenate(found_a) if found_a else empty.astype(np.int32)
    del found_a
    b = np.concatenate(found_b) if found_b else empty.astype(np.int32)
    del found_b
    score = np.concatenate(found_s) if found_s else np.zeros(0, dtype=np.float32)
    del found_s
    # Each similar pair costs Python work later: days with too many are not compared either.
    offset = (days - first).astype(np.int32)
    pair_day = np.minimum(offset[a], offset[b])
    more_crowded, more_left_out = _over(
        np.bincount(pair_day, minlength=span), DAY_CANDIDATES_LIMIT, TOTAL_CANDIDATES_LIMIT
    )
    if more_crowded or more_left_out:
        keep = ~np.isin(pair_day, list(more_crowded | more_left_out))
        a, b, score = a[keep], b[keep], score[keep]
    return Candidates(
        a.astype(np.int64),
        b.astype(np.int64),
        score,
        tuple(sorted(d + first for d in crowded | more_crowded)),
        tuple(sorted(d + first for d in (left_out | more_left_out) - crowded - more_crowded)),
    )


class _Groups:
    """Union-find with pairs that may never end up in one group, and the platforms each
    group has a copy on: a similar title never joins two items of one platform."""

    def __init__(
        self, n: int, apart: Iterable[tuple[int, int]] = (), masks: Sequence[int] | None = None
    ) -> None:
        self.parent = list(range(n))
        self.mask = list(masks) if masks is not None else [0] * n
        self.apart: dict[int, set[int]] = {}
        for a, b in apart:
            self.apart.setdefault(a, set()).add(b)
            self.apart.setdefault(b, set()).add(a)

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int, decided: bool = False) -> bool:
        """Join the groups of ``a`` and ``b``; refused when a pair held apart would end up
        in one group or, unless a clerk ``decided`` it, when both have a copy on one platform."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if not decided and self.mask[ra] & self.mask[rb]:
            return False
        if any(self.find(x) == rb for x in self.apart.get(ra, ())):
            return False
        self.parent[rb] = ra
        self.mask[ra] |= self.mask[rb]
        if rb in self.apart:
            self.apart.setdefault(ra, set()).update(self.apart.pop(rb))
        return True


@dataclass(frozen=True)
class Merge:
    """The outcome: a group number per item, every pair considered with its status, and
    the days that were too crowded to compare."""

    group: np.ndarray
    pairs: list[tuple[int, int, float, str]]  # a, b, score, status
    crowded_days: tuple[int, ...] = ()
    """Days (since 1970) with too many pairs to compare (``DAY_PAIRS_LIMIT``,
    ``DAY_CANDIDATES_LIMIT``)."""
    over_total_days: tuple[int, ...] = ()
    """The most crowded days, not compared to keep under ``TOTAL_PAIRS_LIMIT`` and
    ``TOTAL_CANDIDATES_LIMIT``."""


MERGED, DOUBTFUL, BELOW, REFUSED = "merged", "doubtful", "below", "refused"
SAME, DIFFERENT = "same", "different"


def merge(
    keys: list[str],
    days: np.ndarray,
    window_days: int,
    threshold: float = DEFAULT_THRESHOLD,
    same: Iterable[tuple[int, int]] = (),
    different: Iterable[tuple[int, int]] = (),
    fuzzy: bool = True,
    masks: Sequence[int] | None = None,
) -> Merge:
    """Group items: decisions first (``same`` joins, ``different`` keeps apart), then
    similar pairs, strongest first; doubtful groups are left unmerged. The pairs returned
    are the matcher's (merged, doubtful, near, refused); decisions are listed by the caller,
    with the rows they name.

    ``masks``: the platforms each item has a copy on (bit ``i`` for platform ``i``); a
    similar pair only joins items with no platform in common.
    """
    from rapidfuzz import fuzz, process

    n = len(keys)
    different = [(a, b) for a, b in different]
    same = [(a, b) for a, b in same if a != b]
    comparable_keys = [comparable(k) for k in keys]
    lower = max(0.0, threshold - DOUBT_MARGIN)
    crowded: tuple[int, ...] = ()
    over_total: tuple[int, ...] = ()
    if fuzzy and n:
        # Different numbers never merge, nor two items of one platform: those pairs are
        # dropped as they are scored, before any per-pair work.
        numbers = np.array([hash(tuple(_NUMBER.findall(k))) for k in comparable_keys])
        platforms = None if masks is None else np.asarray(masks, dtype=np.int64)
        found_arrays = candidate_arrays(
            comparable_keys, days, window_days, lower, numbers, platforms
        )
        a, b, score = found_arrays.a, found_arrays.b, found_arrays.score
        crowded = found_arrays.crowded_days
        over_total = found_arrays.over_total_days
        order = np.lexsort((b, a, -score))
        found = [
            Candidate(int(x), int(y), float(z))
            for x, y, z in zip(a[order], b[order], score[order], strict=True)
        ]
    else:
        found = []

    pairs: list[tuple[int, int, float, str]] = []
    trial = _Groups(n, different, masks)
    for x, y in same:
        trial.union(x, y, decided=True)
    edges, refused = [], []
    for c in found:
        if c.score < threshold:
            continue
        if not allowed(comparable_keys[c.a], comparable_keys[c.b]):
            refused.append(c)
            continue
        if trial.union(c.a, c.b):
            edges.append(c)

    # A group is doubtful when two of its members are less alike than the lower bound, one
    # of them joined by similarity: two members joined only by a clerk's decisions are
    # not compared (a chain of thousands of `same` lines made this quadratic). A group
    # has fewer similar edges than platforms (they never join two items of one platform),
    # so this is at most 2 x 59 rows of scores per group, computed in C++.
    ends: dict[int, set[int]] = {}
    for c in edges:
        ends.setdefault(trial.find(c.a), set()).update((c.a, c.b))
    members: dict[int, list[int]] = {root: [] for root in ends}
    for x in range(n):
        root = trial.find(x)
        if root in members:
            members[root].append(x)
    doubtful_roots = set()
    for root, group in members.items():
        if len(group) <= 2:
            continue
        group_keys = [comparable_keys[x] for x in group]
        for x in sorted(ends[root]):
            scores = process.cdist(
                [comparable_keys[x]], group_keys, scorer=fuzz.ratio, workers=-1, dtype=np.float32
            )
            if (scores < lower).any():
                doubtful_roots.add(root)
                break

    final = _Groups(n, different, masks)
    for a, b in same:
        final.union(a, b, decided=True)
    for c in edges:
        if trial.find(c.a) in doubtful_roots:
            pairs.append((c.a, c.b, c.score, DOUBTFUL))
        else:
            final.union(c.a, c.b)
            pairs.append((c.a, c.b, c.score, MERGED))
    # Pairs not merged, unless a decision joined them after all: near misses a person may
    # want to join, and pairs refused for their names or numbers.
    for c in refused:
        if final.find(c.a) != final.find(c.b):
            pairs.append((c.a, c.b, c.score, REFUSED))
    for c in found:
        if (
            c.score < threshold
            and final.find(c.a) != final.find(c.b)
            and allowed(comparable_keys[c.a], comparable_keys[c.b])
        ):
            pairs.append((c.a, c.b, c.score, BELOW))
    group = np.array([final.find(x) for x in range(n)], dtype=np.int64)
    return Merge(group, pairs, crowded, over_total)
