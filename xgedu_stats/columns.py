"""Arrow and numpy helpers shared by every stage: the strings behind a column, their
buffers, work done once per distinct value or on every core, and what RE2 (which runs the
tool's regular expressions) makes of a pattern. No stage logic lives here."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

T = TypeVar("T", pd.Series, pd.DataFrame)


def _str(s: pd.Series) -> pd.Series:
    """Arrow-backed strings with missing values as empty strings."""
    return s.astype("str").fillna("")


def arrow_of(column: pd.Series) -> pa.Array | pa.ChunkedArray:
    """The Arrow strings behind a column of ``str`` as they are (no copy; nulls kept)."""
    return pa.array(column.array)


def arrow_strings(s: pd.Series) -> pa.Array:
    """The Arrow array behind a string column (no copy when it is one chunk), nulls as ""."""
    a = chunks(s)
    return a.chunk(0) if a.num_chunks == 1 else a.combine_chunks()


def chunks(s: pd.Series) -> pa.ChunkedArray:
    """The Arrow chunks behind a string column (no copy), nulls as "".

    A column concatenated from several files is several chunks; the kernels below run
    chunk by chunk rather than on a combined copy.
    """
    a = pa.chunked_array(pa.array(_str(s).array))
    if a.num_chunks == 0:
        a = pa.chunked_array([pa.array([], pa.large_string())])
    return pc.fill_null(a, "") if a.null_count else a


def string_buffers(a: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """A string array's offsets (``len(a) + 1``, int64) and bytes, as numpy views (no copy
    of the bytes): string ``i`` is ``data[offsets[i]:offsets[i + 1]]``."""
    width = np.int64 if pa.types.is_large_string(a.type) else np.int32
    offsets = np.frombuffer(a.buffers()[1], dtype=width)[a.offset : a.offset + len(a) + 1]
    data_buffer = a.buffers()[2]
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer else np.zeros(0, np.uint8)
    return offsets.astype(np.int64), data


#: What ``string_hashes`` mixes each word with, by its position in the string: a seed for
#: the word itself, and an odd multiplier for the second hash's weighted sum.
_SEED, _WEIGHT = 0x243F6A8885A308D3, 0x13198A2E03707344


def _mix(z: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser: a bijection of uint64 that spreads every bit over all."""
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def string_hashes(a: pa.ChunkedArray, piece: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Two 64-bit hashes of each string's whole bytes (uint64; nulls as "").

    Each 8-byte word of a string is mixed (a bijection) with its position: the first hash
    is the sum of the mixed words, the second a sum weighted by an odd number per position;
    both are then mixed with the length. Equal strings hash equal. Two different strings
    differing in one word never give the same first hash (the mix is a bijection); in
    several, they give the same pair with a chance of about 2**-128. The hashes are fixed,
    not secret: a file can be made whose titles' first hashes collide (a few seconds'
    search), which ``hashed_groups`` sees by the second; making both collide at once, for
    titles of one length and the same first, middle and last 8 bytes, takes far more.

    Pieces of ``piece`` rows (``BLOCK_ROWS``) at a time: the word arrays stay a few MB.
    """
    piece = piece or BLOCK_ROWS
    out = (np.zeros(len(a), dtype=np.uint64), np.zeros(len(a), dtype=np.uint64))
    done = 0
    for chunk in a.chunks:
        for at in range(0, len(chunk), piece):
            part = pc.fill_null(chunk.slice(at, piece), "")
            for whole, hashed in zip(out, _hashes(part), strict=True):
                whole[done : done + len(part)] = hashed
            done += len(part)
    return out


def _hashes(part: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    offsets, data = string_buffers(part)
    start, end = int(offsets[0]), int(offsets[-1])
    padded = np.zeros(end - start + 8, dtype=np.uint8)  # (the last word reads past the end)
    padded[: end - start] = data[start:end]
    words = np.ndarray((end - start + 1,), dtype="<u8", buffer=padded, strides=(1,))
    at, length = offsets[:-1] - start, np.diff(offsets)
    count = (length + 7) >> 3  # words per string, the last one masked to the string
    sums = [np.zeros(len(part), dtype=np.uint64), np.zeros(len(part), dtype=np.uint64)]
    alive = None  # (all strings, while most have a k-th word; then those that have)
    for k in range(min(int(count.max(initial=0)), _COLUMNS)):
        if alive is None and np.count_nonzero(count > k) * 2 < len(part):
            alive = np.flatnonzero(count > k)
        elif alive is not None:
            alive = alive[count[alive] > k]
        own = length if alive is None else length[alive]
        seed, weight = _position(np.array([k], dtype=np.int64))
        left = np.clip(own - 8 * k, 0, 8)
        begin = (at if alive is None else at[alive]) + 8 * k
        mixed = _mix(words[np.minimum(begin, len(words) - 1)] & _LOW[left] ^ seed)
        if alive is None:
            mixed[left == 0] = 0  # (no k-th word)
            sums[0] += mixed
            sums[1] += mixed * weight
        else:
            sums[0][alive] += mixed
            sums[1][alive] += mixed * weight
    # The words after the first _COLUMNS of long strings (few): many at once, not one by
    # one, _WINDOW words at a time (a 72 MB title is 9 million words).
    long = np.flatnonzero(count > _COLUMNS)
    extra = count[long] - _COLUMNS
    ends = np.cumsum(extra)
    for low in range(0, int(ends[-1]) if len(ends) else 0, _WINDOW):
        high = min(low + _WINDOW, int(ends[-1]))
        first, last = np.searchsorted(ends, [low, high - 1], side="right")
        strings, begin = long[first : last + 1], (ends - extra)[first : last + 1]
        taken = np.minimum(ends[first : last + 1], high) - np.maximum(begin, low)
        owner = np.repeat(strings, taken)
        nth = _COLUMNS + np.arange(low, high) - np.repeat(begin, taken)
        seed, weight = _position(nth)
        left = np.minimum(length[owner] - 8 * nth, 8)
        mixed = _mix(words[at[owner] + 8 * nth] & _LOW[left] ^ seed)
        starts = np.cumsum(taken) - taken
        sums[0][strings] += np.add.reduceat(mixed, starts)
        sums[1][strings] += np.add.reduceat(mixed * weight, starts)
    sizes = length.astype(np.uint64)
    return _mix(sums[0] ^ _mix(sizes)), _mix(sums[1] ^ _mix(sizes ^ np.uint64(_WEIGHT)))


def _position(nth: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """What the ``nth`` words of strings are mixed with (a seed) and weighted by (odd)."""
    nth = nth.astype(np.uint64)
    return _mix(nth + np.uint64(_SEED)), _mix(nth ^ np.uint64(_WEIGHT)) | np.uint64(1)


#: Words of every string taken one position at a time (``_hashes``); the rest of longer
#: strings many at once, at most _WINDOW words (a few times 8 MB of arrays) at a time.
_COLUMNS, _WINDOW = 32, 1 << 20

#: The low k bytes of a little-endian word (k = 0…8).
_LOW = np.array([(1 << (8 * k)) - 1 for k in range(9)], dtype=np.uint64)


def hashed_groups(first: np.ndarray, *confirm: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows grouped by equal ``first`` (a hash of each row's string) and equal ``confirm``
    (other functions of the strings): each row's group, numbered in order of first
    appearance (as ``encoded`` numbers distinct strings), and each group's first row.

    By ``first`` alone (one hash table of numbers), unless a number of ``confirm`` differs
    within such a group (two strings whose first hashes collide): then by all at once.
    """
    group, _ = pd.factorize(first)
    if len(group) == 0:
        return group.astype(np.int64), group.astype(np.int64)
    seen = np.maximum.accumulate(group)
    rep = np.flatnonzero(np.r_[True, group[1:] > seen[:-1]])
    if not any((c != c[rep][group]).any() for c in confirm):
        return group.astype(np.int64), rep
    every = np.stack([first, *confirm], axis=1)
    _, rep, group = np.unique(every, axis=0, return_index=True, return_inverse=True)
    order = np.argsort(rep, kind="stable")  # (groups by their first row)
    rank = np.empty(len(rep), dtype=np.int64)
    rank[order] = np.arange(len(rep))
    return rank[group.ravel()], rep[order].astype(np.int64)


def rows_of(a: pa.ChunkedArray, rows: np.ndarray) -> pa.Array:
    """The values at ``rows`` (positions in ``a``), taken chunk by chunk: no copy of the
    chunks combined, whatever Arrow's ``take`` of a chunked array does."""
    if a.num_chunks == 1:
        return a.chunk(0).take(rows)
    ends = np.cumsum([len(c) for c in a.chunks])
    chunk = np.searchsorted(ends, rows, side="right")
    starts = ends - [len(c) for c in a.chunks]
    out = [a.chunk(i).take(rows[chunk == i] - starts[i]) for i in np.unique(chunk).tolist()]
    taken = pa.concat_arrays(out) if out else pa.array([], a.type)
    # (back in the order asked: the rows grouped by chunk, stably)
    return taken.take(np.argsort(np.argsort(chunk, kind="stable"), kind="stable"))


def encoded(values: pd.Series | pa.ChunkedArray) -> tuple[pa.Array, np.ndarray]:
    """The distinct strings of a column (nulls as "") in order of first appearance, and each
    row's position among them (int64); of a column of categories, the categories used (in
    their order) and codes.

    Chunk by chunk: the chunks share one dictionary, so a column of many chunks (files,
    blocks) is not first copied into one.
    """
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
        # (its categories used, in their order, with "" for a missing value)
        used = values.cat.remove_unused_categories()
        names = used.cat.categories.astype("str").tolist()
        codes = used.cat.codes.to_numpy().astype(np.int64)
        if (codes < 0).any():
            if "" not in names:
                names.append("")
            codes[codes < 0] = names.index("")
        return pa.array(names, pa.large_string()), codes
    strings = values if isinstance(values, pa.ChunkedArray) else chunks(values)
    a = pc.dictionary_encode(pc.fill_null(strings, "") if strings.null_count else strings)
    if a.num_chunks == 0:  # (what an empty column's one empty chunk encodes to)
        return pa.array([], pa.large_string()), np.zeros(0, dtype=np.int64)
    indices = np.concatenate([c.indices.to_numpy() for c in a.chunks]).astype(np.int64)
    return max((c.dictionary for c in a.chunks), key=len), indices


def on_unique(values: pd.Series, parse: Callable[[pd.Series], T]) -> T:
    """Apply a vectorised parser to the distinct values only, then spread the result back.

    Dates, channels and counts repeat a lot: a million rows hold a few thousand distinct
    date strings, so parsing each once is most of the saving.
    """
    distinct, indices = encoded(values)
    parsed = parse(pd.Series(pd.array(distinct, dtype="str")))
    spread = parsed.take(indices)
    spread.index = values.index
    return spread


#: Rows in a block of ``in_blocks``: a block's strings are a few MB, and Arrow's kernels
#: still run long enough on each that the threads' overhead does not show.
BLOCK_ROWS = 65_536

_worker = threading.local()


def in_blocks(
    fn: Callable[[pd.DataFrame], pd.DataFrame], frame: pd.DataFrame, rows: int | None = None
) -> pd.DataFrame:
    """``fn`` over blocks of ``rows`` rows of ``frame`` on every core, joined in order: for a
    ``fn`` that works row by row, the frame ``fn(frame)`` gives (same index).

    Arrow's kernels and RE2 release the GIL, so the blocks' string work runs side by side;
    ``in_parallel`` inside a block runs in its own thread.
    """
    rows = rows or BLOCK_ROWS
    workers = _cores(-(-len(frame) // rows))
    if workers <= 1:
        return fn(frame)
    blocks = [frame.iloc[i : i + rows] for i in range(0, len(frame), rows)]
    with ThreadPoolExecutor(workers, initializer=_busy) as pool:
        return pd.concat(list(pool.map(fn, blocks)))


def _busy() -> None:
    _worker.busy = True


def _cores(tasks: int) -> int:
    """Threads for ``tasks`` pieces of work: one per core, at most one a task; one inside a
    thread of ``in_blocks`` (already one of several)."""
    return 1 if getattr(_worker, "busy", False) else min(os.cpu_count() or 1, tasks)


def in_parallel(
    fn: Callable[[pa.Array], pa.Array], a: pa.ChunkedArray, piece: int = 100_000
) -> pa.ChunkedArray:
    """Run an Arrow kernel over pieces of ``a`` on every core (Arrow releases the GIL).

    The pieces are the chunks (one or more a file), long ones sliced (no copy). Inside a
    block of ``in_blocks`` (already one of several threads), in this thread.
    """
    pieces = [c.slice(i, piece) for c in a.chunks for i in range(0, len(c), piece)] or a.chunks
    workers = _cores(len(pieces))
    if workers <= 1:
        return pa.chunked_array([fn(c) for c in pieces], type=a.type)
    with ThreadPoolExecutor(workers) as pool:
        return pa.chunked_array(list(pool.map(fn, pieces)), type=a.type)


def strings_over(
    data: bytes | memoryview, starts: Sequence[int] | None = None
) -> pa.LargeStringArray:
    """Arrow strings over the bytes in place (no copy): string ``i`` runs from ``starts[i]``
    to the next start (or the end); without ``starts``, the whole of ``data`` as one."""
    bounds = np.append(np.asarray([0] if starts is None else starts, dtype=np.int64), len(data))
    return pa.LargeStringArray.from_buffers(
        len(bounds) - 1, pa.py_buffer(bounds), pa.py_buffer(data)
    )


def first_group_named(pattern: str, name: str) -> str:
    r"""The pattern with its first capturing group named ``name`` (RE2 extracts named groups).

    >>> [first_group_named(p, "id") for p in (r"[(]x_(\d+)", r"(?:a)(?P<n>\d+)", "\\(b(c)")]
    ['[(]x_(?P<id>\\d+)', '(?:a)(?P<id>\\d+)', '\\(b(?P<id>c)']
    """
    out, i, escaped, in_class = [], 0, False, False
    while i < len(pattern):
        c = pattern[i]
        if escaped:
            escaped = False
        elif c == "\\":
            escaped = True
        elif in_class:
            # (a ']' first in a class, or after '[^', is a character of it)
            in_class = c != "]" or pattern[i - 1] == "[" or pattern[i - 2 : i] == "[^"
        elif c == "[":
            in_class = True
        elif c == "(" and not pattern.startswith("(?", i):
            return "".join(out) + f"(?P<{name}>" + pattern[i + 1 :]
        elif (
            c == "("
            and pattern.startswith(("(?P<", "(?<"), i)
            and not pattern.startswith(("(?<=", "(?<!"), i)
        ):  # a named group: renamed
            close = pattern.index(">", i)
            return "".join(out) + f"(?P<{name}>" + pattern[close + 1 :]
        out.append(c)
        i += 1
    return f"(?P<{name}>{pattern})"


def regex_error(pattern: str) -> str | None:
    r"""Why RE2 (Arrow's regular expressions, which the tool applies) refuses a pattern, or None.

    >>> regex_error(r"_(\d+)\.html$") is None, regex_error(r"(?>a)(\d+)")
    (True, 'invalid perl operator: (?>')
    """
    try:
        pc.extract_regex(pa.array([""], pa.string()), first_group_named(pattern, "id"))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        return str(exc).removeprefix("Invalid regular expression: ")
    return None
