"""Which rows are one item: one publication per platform, copies matched across platforms.

**Within one platform** rows are one *publication* only when they are the same document:
the same link (a re-export; or the same document id read from the link where the config
says how), or — for rows without a link — the same title key on the same day (a
re-export: the tool cannot tell more). Rows with different links are different
publications whatever their titles and dates, and the same title on different days is
always another publication.

**Across platforms** publications are copies of one item when their title keys are equal
and their days within ``window_days``; an item has at most one copy per platform, and
where several copies could pair, the nearest in date pairs first (ties: the earlier).
Most keys have a handful of rows on distinct platforms: for those the rule is the old
chain (sorted by day, a gap over the window starts a new item), computed for every row
at once. Only chains where one platform has two publications are matched pair by pair.

Everything here is a function of the rows' contents (keys, days, platforms, links, file
names and line numbers), not of their order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from xgedu_stats.columns import chunks, first_group_named, hashed_groups
from xgedu_stats.items.dedupe import key_parts, order_by

#: A chain (one title within the window) with more candidate pairs than this is paired
#: day by day only (the k-th publication of each platform on a day), so that a title
#: repeated thousands of times cannot make the work quadratic; a note names it.
CAREFUL_PAIRS_LIMIT = 1_000_000

#: A link's scheme (http://, https://): the same document whichever it was exported with.
_SCHEME = r"^[A-Za-z][A-Za-z0-9+.\-]*://"
#: What a link may end with that names no other document: slashes, a fragment.
_TAIL = r"/*(?:#.*)?$"


@dataclass(frozen=True)
class Rows:
    """What the identity rule reads of each counted row (numpy arrays of equal length).

    ``key`` orders and identifies title keys (``dedupe.key_codes``); ``link`` is -1 for a
    row without a link, else equal for rows naming one document on one platform
    (``link_codes``); ``file`` orders file names; days are integers (days since 1970).
    """

    platform: np.ndarray
    key: np.ndarray
    day: np.ndarray
    link: np.ndarray
    file: np.ndarray
    line: np.ndarray

    def __len__(self) -> int:
        return len(self.key)


@dataclass(frozen=True)
class Identity:
    """Publications and items of the rows; both numbered from 0.

    ``publication[row]`` and ``item[publication]``; ``first_row[publication]`` is the
    publication's earliest row (day, file, line), whose key and day it is matched by.
    """

    publication: np.ndarray
    first_row: np.ndarray
    item: np.ndarray
    guessed: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    """Per publication: paired by nearest date among several candidates (it was in a
    chain where one platform had two publications of the title)."""
    crowded: tuple[int, ...] = ()
    """First rows of chains with too many candidate pairs, paired day by day only."""
    stranded: tuple[tuple[int, int], ...] = ()
    """(first row of a chain, publications left without a copy on a platform where a
    candidate was within the window): where nearest-date pairing may have guessed wrong."""
    unplaced_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """Rows without a link that could belong to several linked publications of their
    title that day on their platform: each is a publication of its own."""

    @property
    def row_items(self) -> np.ndarray:
        return self.item[self.publication]


def link_codes(
    urls: pd.Series, platform: np.ndarray, document_ids: Sequence[str | None] = ()
) -> np.ndarray:
    """A code per row, equal for rows whose links name one document on one platform;
    -1 for a row without a link.

    Links are compared without their scheme, a fragment or trailing slashes. Where
    ``document_ids[platform]`` is a regex with one group, a link it matches is named by
    that group (for a CMS that lists one document under two columns with two paths).

    >>> link_codes(pd.Series(["http://a.cn/1.html", "https://a.cn/1.html#top", ""]),
    ...            np.array([0, 0, 0])).tolist()
    [0, 0, -1]
    """
    links = chunks(urls)
    # (two literal searches are several times faster than the regex ``[./]``)
    slash_or_dot = [
        pc.or_(pc.match_substring(c, "/"), pc.match_substring(c, ".")) for c in links.chunks
    ]
    is_link = np.concatenate([found.to_numpy(False) for found in slash_or_dot])
    if not is_link.any():
        return np.full(len(links), -1, dtype=np.int64)
    count = int(np.count_nonzero(is_link))
    alike = any(
        pc.sum(pc.starts_with(links, scheme)).as_py() == count for scheme in ("http://", "https://")
    )

    # Each piece's names (a chunk: a block, a file) hashed and let go: no dictionary of
    # every link.
    parts = []  # (each piece's key_parts: number, first and second hash)
    at = 0
    for chunk in links.chunks:
        names = _names(chunk, alike, platform[at : at + len(chunk)], document_ids)
        parts.append(key_parts(pa.chunked_array([names])))
        at += len(chunk)
    number, first, second = (np.concatenate(p) for p in zip(*parts, strict=True))
    codes, _ = hashed_groups(first, second, number)
    width = int(platform.max()) + 1 if len(platform) else 1
    return np.where(is_link, codes * width + platform, -1)


def _names(
    links: pa.Array, alike: bool, platform: np.ndarray, document_ids: Sequence[str | None]
) -> pa.Array:
    """The name of the document each link names: without a scheme (unless every link has
    the same, ``alike``), a fragment or trailing slashes, or by ``document_ids``."""
    names = _without_scheme_and_tail(links, alike)
    for rank, pattern in enumerate(document_ids):
        if not pattern:
            continue
        mine = pa.array(platform == rank)
        found = pc.extract_regex(names, first_group_named(pattern, "id"))
        matched = pc.and_(mine, pc.is_valid(found))
        if pc.any(matched).as_py():
            # An id cannot look like a link without a scheme: it gets a prefix of its own.
            prefix, nothing = pa.scalar("\x00id:", names.type), pa.scalar("", names.type)
            ids = pc.binary_join_element_wise(prefix, found.field("id"), nothing)
            names = pc.if_else(matched, ids, names)
    return names


def _without_scheme_and_tail(links: pa.Array, alike: bool) -> pa.Array:
    """Links without a scheme (unless every link has the same, ``alike``), a fragment or
    trailing slashes, edited only where one of them is there to remove: most exports
    write every link alike, and then none is."""
    touched = pc.or_(pc.ends_with(links, "/"), pc.match_substring(links, "#"))
    if not alike:  # one document may be written with two schemes, or without
        touched = pc.or_(touched, pc.match_substring(links, "://"))
    if not pc.any(touched).as_py():
        return links
    edited = links.filter(touched)
    if not alike:
        edited = pc.replace_substring_regex(edited, _SCHEME, "", max_replacements=1)
    edited = pc.replace_substring_regex(edited, _TAIL, "", max_replacements=1)
    return pc.replace_with_mask(links, touched, edited)


def dense(columns: Sequence[np.ndarray]) -> np.ndarray:
    """Group numbers 0…G-1 for equal tuples of the integer columns, in the tuples' order."""
    n = len(columns[0])
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    order = order_by(list(columns), stable=False)
    starts = np.zeros(n, dtype=bool)
    starts[0] = True
    for col in columns:
        c = col[order]
        starts[1:] |= c[1:] != c[:-1]
    ids = np.empty(n, dtype=np.int64)
    ids[order] = np.cumsum(starts) - 1
    return ids


def publications(rows: Rows) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each row's publication (0…P-1), each publication's first row, and the rows without
    a link that could belong to several linked publications (left each on its own).

    Rows with a link are grouped by it; rows without one by (title key, day). A group
    without links joins the publication with links that has a row of the same title on
    the same day, when there is exactly one such publication (an export without a link
    column overlapping one with it); when there are several, it stays apart.

    Link codes already name a document on a platform, so rows with links need no sort:
    only rows without a link are grouped by sorting.
    """
    n = len(rows)
    unplaced = np.zeros(0, dtype=np.int64)
    if n == 0:
        return unplaced, unplaced, unplaced
    linked = rows.link >= 0
    ids = rows.link.copy()
    if not linked.all():
        plain = ~linked
        offset = int(rows.link.max()) + 1
        ids[plain] = offset + dense([rows.platform[plain], rows.key[plain], rows.day[plain]])
        if linked.any():
            ids, unplaced = _join_plain_to_linked(rows, ids, linked)
    present = np.zeros(int(ids.max()) + 1, dtype=bool)
    present[ids] = True
    pub = (np.cumsum(present) - 1)[ids]
    return pub, _first_rows(pub, rows), unplaced


def _join_plain_to_linked(
    rows: Rows, ids: np.ndarray, linked: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Rows without a link take the id of the one linked publication of their title that
    day on their platform, where there is exactly one; where there are several, they
    stay apart and are returned (positions) to be said."""
    slot = dense([rows.platform, rows.key, rows.day])
    pairs = np.unique(np.stack([slot[linked], ids[linked]]), axis=1)
    per_slot = np.bincount(pairs[0], minlength=int(slot.max()) + 1)
    only = pairs[:, per_slot[pairs[0]] == 1]
    slot_of_link = np.full(int(slot.max()) + 1, -1, dtype=np.int64)
    slot_of_link[only[0]] = only[1]
    joins = ~linked & (slot_of_link[slot] >= 0)
    unplaced = np.flatnonzero(~linked & (per_slot[slot] > 1))
    return np.where(joins, slot_of_link[slot], ids), unplaced


def _first_rows(pub: np.ndarray, rows: Rows) -> np.ndarray:
    """Each publication's earliest row by (day, file, line), one pass and no sort where
    the three fit in one number."""
    count = int(pub.max()) + 1
    lines = int(rows.line.max()) + 1
    files = int(rows.file.max()) + 1
    day = rows.day - rows.day.min()
    if (int(day.max()) + 1) * files * lines >= 2**62:  # (billions of lines): sort instead
        order = order_by([pub, rows.day, rows.file, rows.line])
        sorted_pub = pub[order]
        starts = np.r_[True, sorted_pub[1:] != sorted_pub[:-1]]
        first = np.empty(count, dtype=np.int64)
        first[sorted_pub[starts]] = order[starts]
        return first
    packed = (day * files + rows.file) * lines + rows.line
    best = np.full(count, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(best, pub, packed)
    position = np.flatnonzero(packed == best[pub])
    first = np.empty(count, dtype=np.int64)
    first[pub[position][::-1]] = position[::-1]  # (the smallest position on a tie)
    return first


@dataclass(frozen=True)
class Matched:
    """Items of publications (numbered 0…), which were paired among several candidates,
    and the chains (their first publication) paired day by day only or left stranded."""

    item: np.ndarray
    guessed: np.ndarray
    crowded: list[int]
    stranded: list[tuple[int, int]]


def match(
    platform: np.ndarray,
    key: np.ndarray,
    day: np.ndarray,
    tie: np.ndarray,
    window_days: int,
    apart: Sequence[tuple[int, int]] = (),
) -> Matched:
    """Items of publications: the chain rule, and nearest-date pairing where needed.

    ``platform``, ``key``, ``day`` and ``tie`` (a content-derived order for ties) describe
    each publication; ``apart`` holds pairs of publications that may never be one item.
    """
    n = len(key)
    if n == 0:
        none = np.zeros(0, dtype=np.int64)
        return Matched(none, none.astype(bool), [], [])
    order = order_by([key, day, tie], stable=False)
    k, d = key[order], day[order]
    starts = np.ones(n, dtype=bool)
    starts[1:] = (k[1:] != k[:-1]) | (d[1:] - d[:-1] > window_days)
    chain_sorted = np.cumsum(starts) - 1
    chain = np.empty(n, dtype=np.int64)
    chain[order] = chain_sorted
    chains = int(chain_sorted[-1]) + 1

    # A chain needs pairing when one platform has two publications in it (its platforms,
    # as bits, are fewer than its members), or when it holds a pair held apart.
    chain_starts = np.flatnonzero(starts)
    bits = np.left_shift(np.int64(1), platform[order].astype(np.int64))
    held = np.bitwise_or.reduceat(bits, chain_starts)
    sizes = np.diff(np.r_[chain_starts, n])
    careful = np.bitwise_count(held).astype(np.int64) < sizes
    for a, b in apart:
        if chain[a] == chain[b]:
            careful[chain[a]] = True

    item = chain.copy()
    guessed = careful[chain]
    if not careful.any():
        return Matched(item, guessed, [], [])
    next_item = chains
    by_day_only: list[int] = []
    stranded: list[tuple[int, int]] = []
    chain_ends = np.r_[chain_starts[1:], n]
    apart_of: dict[int, set[int]] = {}
    for a, b in apart:
        apart_of.setdefault(a, set()).add(b)
        apart_of.setdefault(b, set()).add(a)
    for c in np.flatnonzero(careful):
        members = order[chain_starts[c] : chain_ends[c]]  # by day, then tie
        groups, exact, left = _pair(platform[members], day[members], window_days, members, apart_of)
        if not exact:
            by_day_only.append(int(members[0]))
        if left:
            stranded.append((int(members[0]), left))
        # group 0 keeps the chain's number; the others take new ones
        numbers = np.where(groups == 0, c, next_item + groups - 1)
        next_item += int(groups.max())
        item[members] = numbers
    return Matched(item, guessed, by_day_only, stranded)


def _pair(
    platform: np.ndarray,
    day: np.ndarray,
    window_days: int,
    members: np.ndarray,
    apart_of: dict[int, set[int]],
) -> tuple[np.ndarray, bool, int]:
    """Group the publications of one chain (sorted by day, then tie): nearest first.

    Candidate pairs are publications on different platforms within the window, taken by
    (gap in days, the earlier day, then their order); a pair joins two groups unless
    that would put two publications of one platform, or two held apart, in one group.
    Returns a group number (0…) per publication, in order of first appearance; whether
    the pairing was complete (False: too many pairs, paired within days only); and how
    many publications were left without a copy on a platform where they had a candidate
    (not counting those a clerk named in a 不同 decision: reviewed).
    """
    m = len(day)
    reach = np.searchsorted(day, day + window_days, side="right")
    counts = reach - np.arange(m) - 1
    total = int(counts.sum())
    exact = total <= CAREFUL_PAIRS_LIMIT
    if not exact:  # the k-th publication of each platform on a day are one item
        slot = dense([day, platform])
        by_slot = np.argsort(slot, kind="stable")  # within a slot, in chain order
        sorted_slot = slot[by_slot]
        within = np.empty(m, dtype=np.int64)
        within[by_slot] = np.arange(m) - np.searchsorted(sorted_slot, sorted_slot)
        return _first_appearance(dense([day, within])), False, 0
    i = np.repeat(np.arange(m), counts)
    j = i + 1 + np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    keep = platform[i] != platform[j]
    i, j = i[keep], j[keep]
    edges = np.lexsort((j, i, day[i], day[j] - day[i]))
    parent = list(range(m))
    mask = [1 << int(p) for p in platform]
    position = {int(p): q for q, p in enumerate(members)}
    held = [{position[x] for x in apart_of.get(int(p), ()) if x in position} for p in members]
    group_members = [[q] for q in range(m)]

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for e in edges.tolist():
        a, b = find(int(i[e])), find(int(j[e]))
        if a == b or mask[a] & mask[b]:
            continue
        if held[a] and any(find(x) == b for x in held[a]):
            continue
        if len(group_members[a]) < len(group_members[b]):
            a, b = b, a
        parent[b] = a
        mask[a] |= mask[b]
        held[a] |= held[b]
        group_members[a] += group_members[b]
    roots = np.array([find(q) for q in range(m)], dtype=np.int64)
    # A publication had a candidate on a platform its group ended without: a guess.
    wanted = np.zeros(m, dtype=np.int64)
    if apart_of:  # (a pair a clerk held apart is no candidate)
        free = [
            int(members[y]) not in apart_of.get(int(members[x]), ())
            for x, y in zip(i.tolist(), j.tolist(), strict=True)
        ]
        i, j = i[np.array(free, dtype=bool)], j[np.array(free, dtype=bool)]
    bits = np.left_shift(np.int64(1), platform.astype(np.int64))
    np.bitwise_or.at(wanted, i, bits[j])
    np.bitwise_or.at(wanted, j, bits[i])
    got = np.array(mask, dtype=np.int64)[roots]
    # (a publication a clerk has named in a 不同 decision was reviewed: no guess to report)
    reviewed = np.array([int(p) in apart_of for p in members], dtype=bool)
    left = int(np.count_nonzero(((wanted & ~got) != 0) & ~reviewed))
    return _first_appearance(roots), True, left


def _first_appearance(groups: np.ndarray) -> np.ndarray:
    """Renumber groups 0… in the order they first appear."""
    _, first, inverse = np.unique(groups, return_index=True, return_inverse=True)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    return rank[inverse]


def distinct(rows: np.ndarray, of: np.ndarray, seen: dict[int, np.ndarray]) -> np.ndarray:
    """The distinct values ``of[rows]``, computed once per array object (``seen``, by
    ``id``): ``decisions.locate`` gives decisions that name the same rows one array."""
    key = id(rows)
    if key not in seen:
        seen[key] = np.unique(of[rows])
    return seen[key]


def apart_pairs(
    apart: Sequence[tuple[np.ndarray, np.ndarray]], of: np.ndarray
) -> list[tuple[int, int]]:
    """The distinct pairs (a < b) of values ``of[row]`` held apart: every left row's
    against every right row's, for each (left rows, right rows) in ``apart``.

    Works on the distinct values, not the rows: a link shared by thousands of rows is
    one publication, and one line of a decisions file naming two such links is one pair.

    >>> apart_pairs([(np.array([0, 1]), np.array([2, 3]))], np.array([5, 5, 7, 7]))
    [(5, 7)]
    """
    seen: dict[int, np.ndarray] = {}
    pairs: set[tuple[int, int]] = set()
    for left, right in apart:
        for a in distinct(left, of, seen).tolist():
            for b in distinct(right, of, seen).tolist():
                if a != b:
                    pairs.add((min(a, b), max(a, b)))
    return sorted(pairs)


def identify(
    rows: Rows, window_days: int, apart: Sequence[tuple[np.ndarray, np.ndarray]] = ()
) -> Identity:
    """Publications and items of ``rows``; ``apart`` holds (left rows, right rows) a
    clerk said are different: no left row's publication is ever one item with a right
    row's."""
    pub, first, unplaced = publications(rows)
    if len(pub) == 0:
        return Identity(pub, first, pub)
    tie = (
        rows.file[first] * (int(rows.line.max()) + 1) + rows.line[first]
    )  # (a file is one platform's)
    held = apart_pairs(apart, pub)
    matched = match(rows.platform[first], rows.key[first], rows.day[first], tie, window_days, held)
    return Identity(
        pub,
        first,
        matched.item,
        guessed=matched.guessed,
        crowded=tuple(int(first[p]) for p in matched.crowded),
        stranded=tuple((int(first[p]), count) for p, count in matched.stranded),
        unplaced_rows=unplaced,
    )
