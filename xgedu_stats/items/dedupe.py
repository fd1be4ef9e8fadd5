"""Which rows are the same item: equal normalised titles, dates within a window.

Rows are sorted by (title key, date); a new item starts where the key changes or the
gap to the previous row's date exceeds the window. Chains therefore merge (A~B, B~C
makes one item even if A and C are further apart), and the result does not depend on
the order of rows or files.

Item ids are numbered by first date, then by title key in a fixed order (``key_codes``:
a number mixed from the key's length and bytes, the whole key only where two numbers
tie): a function of the keys alone, so the same items get the same ids whatever the
order of files and rows.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from xgedu_stats.columns import (
    chunks,
    encoded,
    hashed_groups,
    rows_of,
    string_buffers,
    string_hashes,
)


def assign_items(title_keys: pd.Series, dates: pd.Series, window_days: int) -> pd.Series:
    """Give every row an item id, numbered 1… by each item's first date, then its key
    (in the fixed order of ``key_codes``).

    >>> keys = pd.Series(["a", "a", "a"])
    >>> days = pd.to_datetime(pd.Series(["2018-01-01", "2018-01-03", "2018-03-01"]))
    >>> assign_items(keys, days, 3).tolist()
    [1, 1, 2]
    """
    n = len(title_keys)
    if n == 0:
        return pd.Series([], index=title_keys.index, dtype="int64")
    codes = key_codes(title_keys)
    day = dates.to_numpy(dtype="datetime64[D]").astype("int64")
    order = order_by([codes, day], stable=False)
    c, d = codes[order], day[order]
    starts = np.ones(n, dtype=bool)
    starts[1:] = (c[1:] != c[:-1]) | (d[1:] - d[:-1] > window_days)
    group_sorted = np.cumsum(starts) - 1
    group = np.empty(n, dtype="int64")
    group[order] = group_sorted
    # Renumber by (first date, key) so ids read in time order and are stable.
    first_day = d[starts]
    first_code = c[starts]
    rank = np.empty(len(first_day), dtype="int64")
    rank[order_by([first_day, first_code], stable=False)] = np.arange(1, len(first_day) + 1)
    return pd.Series(rank[group], index=title_keys.index, dtype="int64")


def key_codes(values: pd.Series) -> np.ndarray:
    """Integer codes, equal for equal strings, ordered by a fixed function of the strings.

    The order is by a number mixed from each string's length and its first, middle and
    last 8 bytes (``key_numbers``), and only where two strings give the same number by
    the strings themselves: numbers are compared, not text, which is what makes it several
    times cheaper than ``sorted_codes`` on a million distinct titles. It is not
    alphabetical, and need not be: it only has to be the same whatever the order of the
    rows.

    Rows are grouped by hashes of the whole string (``columns.string_hashes``) and that
    number (``columns.hashed_groups``), without a dictionary of the strings: the codes are
    those the strings give (``codes_by_strings``).
    """
    a = chunks(values)
    return codes_by_numbers(lambda rows: rows_of(a, rows), *key_parts(a))


def key_parts(a: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What ``key_codes`` makes its codes from, row by row (so that it can be found block
    by block, side by side): each string's ``key_numbers`` and ``string_hashes``."""
    return (key_numbers(a), *string_hashes(a))


def codes_by_numbers(
    strings: Callable[[np.ndarray], pa.Array],
    number: np.ndarray,
    first: np.ndarray,
    second: np.ndarray,
) -> np.ndarray:
    """``key_codes`` from each row's ``key_numbers`` and ``string_hashes`` (``first``,
    ``second``); ``strings(rows)`` gives the strings of some rows (positions), asked only
    for those whose numbers tie (rare)."""
    group, rep = hashed_groups(first, second, number)
    return _ranked(number[rep], lambda rows: strings(rep[rows]))[group]


def _ranked(number: np.ndarray, strings: Callable[[np.ndarray], pa.Array]) -> np.ndarray:
    """The rank of each distinct string by its number, ties (rare) by the strings
    themselves (``strings(positions)``)."""
    n = len(number)
    order = np.argsort(number, kind="stable")
    tie = np.zeros(n, dtype=bool)
    tie[1:] = number[order][1:] == number[order][:-1]
    if tie.any():  # runs of equal numbers: sort those strings as strings
        tied = np.flatnonzero(tie | np.r_[tie[1:], False])
        run = np.cumsum(~tie)[tied]
        within = pc.sort_indices(
            pa.table({"run": run, "key": strings(order[tied])}),
            sort_keys=[("run", "ascending"), ("key", "ascending")],
        ).to_numpy()
        order[tied] = order[tied][within]
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    return rank


def key_numbers(a: pa.ChunkedArray) -> np.ndarray:
    """Each string's number of ``key_codes``' order, mixed from its length and its first,
    middle and last 8 bytes (uint64; nulls as "")."""
    numbers = [_numbers(pc.fill_null(c, "")) for c in a.chunks]
    return np.concatenate(numbers) if numbers else np.zeros(0, dtype=np.uint64)


def _numbers(strings: pa.Array) -> np.ndarray:
    offsets, data = string_buffers(strings)
    starts, length = offsets[:-1], np.diff(offsets)
    words = _Words(data)
    mixed = np.uint64(0x9E3779B97F4A7C15) * length.astype(np.uint64)
    for at, constant in (
        (starts, 0xBF58476D1CE4E5B9),
        (starts + np.maximum(length // 2 - 4, 0), 0x94D049BB133111EB),
        (starts + np.maximum(length - 8, 0), 0xD6E8FEB86659FD93),
    ):
        word = words.at(at, np.minimum(length, 8))
        mixed = (mixed ^ word) * np.uint64(constant)  # wraps around: a hash, not a sum
        mixed ^= mixed >> np.uint64(31)
    return mixed


class _Words:
    """Up to 8 bytes of a buffer from any offset, as one big-endian number (one gather)."""

    _MASKS = np.array(
        [0] + [((1 << (8 * k)) - 1) << (64 - 8 * k) for k in range(1, 9)], dtype=np.uint64
    )

    def __init__(self, data: np.ndarray) -> None:
        # Element i of these views is bytes i…i+7: overlapping, unaligned, big-endian. The
        # last 7 offsets would read past the end: they read a zero-padded copy instead.
        self._full = max(len(data) - 7, 0)
        self._view = np.ndarray((self._full,), dtype=">u8", buffer=data, strides=(1,))
        end = np.zeros(15, dtype=np.uint8)
        end[: len(data) - self._full] = data[self._full :]
        self._end = np.ndarray((8,), dtype=">u8", buffer=end, strides=(1,))

    def at(self, offsets: np.ndarray, count: np.ndarray) -> np.ndarray:
        """``count`` (0…8) bytes from each offset, zero-padded on the right."""
        words = self._end[np.clip(offsets - self._full, 0, 7)]
        if self._full:
            near_end = offsets >= self._full
            words = np.where(near_end, words, self._view[np.where(near_end, 0, offsets)])
        return words.astype(np.uint64) & self._MASKS[count]


def codes_by_strings(a: pa.ChunkedArray) -> np.ndarray:
    """``key_codes`` from the distinct strings (a dictionary of them), not their hashes:
    the careful path, which the tests hold the hashed one to."""
    distinct, indices = encoded(a)
    return _ranked(_numbers(distinct), distinct.take)[indices]


def sorted_codes(values: pd.Series) -> np.ndarray:
    """Integer codes that sort like the strings (Arrow hashing, then a sort of the distinct;
    the categories, of a column of categories)."""
    distinct, indices = encoded(values)
    order = pc.array_sort_indices(distinct).to_numpy()
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank[indices]


def row_order(rows: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """Positions that sort ``rows`` by ``keys`` (numbers, dates or strings), stably."""
    columns = _integers(rows, keys)
    return order_by(columns) if columns else np.arange(len(rows))


def _integers(rows: pd.DataFrame, keys: list[str]) -> list[np.ndarray]:
    """The columns as int64 that order the same way (strings by ``sorted_codes``)."""
    return [
        sorted_codes(rows[k])
        if rows[k].dtype in ("str", object) or isinstance(rows[k].dtype, pd.CategoricalDtype)
        else rows[k].to_numpy().astype("int64")
        for k in keys
    ]


def order_by(columns: list[np.ndarray], stable: bool = True) -> np.ndarray:
    """Positions that sort by the integer ``columns``, the first the most significant.

    Neighbouring columns whose ranges multiply to under 2**62 become one number
    (``_packed``), so there are fewer keys to sort by (``lexsort`` costs one sort per
    key); often one.
    """
    if len(columns[0]) == 0:
        return np.arange(0)
    merged = _packed(columns)
    if len(merged) == 1:
        return np.argsort(merged[0], kind="stable" if stable else None)
    return np.lexsort(merged[::-1])


def _packed(columns: list[np.ndarray]) -> list[np.ndarray]:
    """The columns as few numbers that order the same way: neighbours whose ranges
    multiply to under 2**62 merged into one (most significant first)."""
    merged = [columns[0] - columns[0].min()]
    span = int(merged[0].max()) + 1
    for col in columns[1:]:
        low, high = int(col.min()), int(col.max())
        if span * (high - low + 1) < 2**62:
            merged[-1] = merged[-1] * (high - low + 1) + (col - low)
            span *= high - low + 1
        else:
            merged.append(col - low)
            span = high - low + 1
    return merged


def first_copies(rows: pd.DataFrame, ids: np.ndarray) -> np.ndarray:
    """Position of each item's first copy (platform priority, date, file, line); ids 1…N.

    ``rows`` needs ``platform_rank``, ``date``, ``file`` and ``line``. When the four fit
    in one number (they do unless a file has billions of lines), each item's smallest is
    found by ``np.minimum.at`` in one pass, with no sort.
    """
    if len(ids) == 0:
        return np.arange(0)
    packed = _packed(_integers(rows, ["platform_rank", "date", "file", "line"]))
    if len(packed) > 1:
        order = order_by([ids, *packed])
        sorted_ids = ids[order]
        return order[np.r_[True, sorted_ids[1:] != sorted_ids[:-1]]]
    key = packed[0]
    best = np.full(int(ids.max()) + 1, np.iinfo(np.int64).max)
    np.minimum.at(best, ids, key)
    position = np.flatnonzero(key == best[ids])
    first = np.empty(len(best), dtype=np.int64)
    first[ids[position][::-1]] = position[::-1]  # (the smallest position on a tie)
    return first[1:]


def platform_masks(ids: np.ndarray, ranks: np.ndarray, items: int) -> np.ndarray:
    """For items 1…``items``: which platforms (bit ``rank``) have a copy of each."""
    masks = np.zeros(items + 1, dtype=np.int64)
    for rank in np.unique(ranks):
        on = np.zeros(items + 1, dtype=bool)
        on[ids[ranks == rank]] = True
        masks |= on.astype(np.int64) << int(rank)
    return masks[1:]


def merged_groups(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows of every item that has more than one copy, for a clerk to check.

    ``rows`` needs ``item_id``, ``date``, ``platform_rank``, ``file`` and ``line``; item
    ids are 1…N.
    """
    ids = rows["item_id"].to_numpy()
    sizes = np.bincount(ids)[ids]
    merged = rows.loc[sizes > 1]
    order = row_order(merged, ["item_id", "date", "platform_rank", "file", "line"])
    return merged.iloc[order].reset_index(drop=True)
