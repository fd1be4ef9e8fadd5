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


def encoded(values: pd.Series) -> tuple[pa.Array, np.ndarray]:
    """The distinct strings of a column (nulls as "") in order of first appearance, and each
    row's position among them (int64).

    Chunk by chunk: the chunks share one dictionary, so a column of many chunks (files,
    blocks) is not first copied into one.
    """
    a = pc.dictionary_encode(chunks(values))
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
