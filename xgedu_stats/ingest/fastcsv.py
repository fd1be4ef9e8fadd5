"""The fast path for delimited text: numpy finds lines and fields, Arrow's CSV reader splits them.

It applies when no record spans lines (every line holds an even number of quote
characters) and the bytes are valid UTF-8 (a GB18030 file is transcoded first). Then each
record is exactly one physical line, so line numbers come from the newline offsets, and
the reader can be given only the well-formed lines. Lines with quotes (few: titles with
commas) are checked one by one with Python's strict csv reader, so the fast path rejects
exactly what the careful path in ``text.py`` rejects.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from xgedu_stats.ingest.text import REASON_NUL, REASON_QUOTE, Bad, Record

#: Records parsed in Python to look for the header.
HEAD_RECORDS = 20


@dataclass
class FastCsvSheet:
    """A delimited file indexed by line, parsed in bulk once the header is known."""

    data: bytes  # UTF-8, no BOM
    delimiter: str
    starts: np.ndarray  # byte offset where each line starts
    ends: np.ndarray  # byte offset where each line ends (before \r\n or \n)
    fields: np.ndarray  # number of fields on each line (-1 where unknown: a bad line)
    blank_mask: np.ndarray
    quoted: dict[int, list[str]]  # line index -> cells, for lines with quote characters
    records: list[Record]
    bad: list[Bad]
    name: str | None = None

    @property
    def blank(self) -> int:
        return int(self.blank_mask.sum())

    def line_text(self, i: int) -> str:
        return self.data[self.starts[i] : self.ends[i]].decode("utf-8")

    def cells(self, i: int) -> list[str]:
        if i in self.quoted:
            return self.quoted[i]
        return self.line_text(i).split(self.delimiter)

    def rows(self, header_line: int, raw_width: int) -> tuple[pd.DataFrame, list[int], list[int]]:
        """Lines after the header with exactly ``raw_width`` fields, as string columns.

        Returns (columns c0… and line, the indices of other non-blank, non-bad lines after
        the header, for the caller to judge one by one).
        """
        after = np.arange(header_line + 1, len(self.starts))
        usable = after[~self.blank_mask[after] & (self.fields[after] >= 0)]
        exact = usable[self.fields[usable] == raw_width]
        if self.quoted:
            plain = exact[~np.isin(exact, np.fromiter(self.quoted, dtype=np.int64))]
        else:
            plain = exact
        others = np.setdiff1d(usable, plain, assume_unique=True).tolist()
        frame = self._parse(plain, raw_width)
        frame["line"] = pd.array(plain + 1, dtype="int64")
        return frame, others, plain.tolist()

    def _parse(self, lines: np.ndarray, width: int) -> pd.DataFrame:
        names = [f"c{i}" for i in range(width)]
        if len(lines) == 0:
            return pd.DataFrame({n: pd.array([], dtype="str") for n in names})
        bounds = np.append(self.starts, len(self.data)).astype(np.int64)
        if lines[-1] - lines[0] + 1 == len(lines):  # one run of lines: the bytes as they are
            start, stop = int(bounds[lines[0]]), int(bounds[lines[-1] + 1])
            blob = pa.py_buffer(self.data).slice(start, stop - start)
        else:
            # Each line with its own line break, as an Arrow array over the file's bytes (no
            # copy); taking the wanted lines concatenates them into a new, well-formed CSV.
            every = pa.LargeBinaryArray.from_buffers(
                pa.large_binary(),
                len(self.starts),
                [None, pa.py_buffer(bounds), pa.py_buffer(self.data)],
            )
            taken = every.take(pa.array(lines))
            first, last = taken.buffers()[1], taken.buffers()[2]
            size = int(np.frombuffer(first, dtype=np.int64)[len(lines)])
            blob = last.slice(0, size)
        table = pacsv.read_csv(
            pa.BufferReader(blob),
            read_options=pacsv.ReadOptions(column_names=names, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=self.delimiter, quote_char=False),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        return pd.DataFrame({n: pd.array(table.column(n), dtype="str") for n in names})


def scan(data: bytes, delimiter: str) -> FastCsvSheet | None:
    """Index a UTF-8 file by line, or None when a record may span lines (use the careful path)."""
    buf = np.frombuffer(data, dtype=np.uint8)
    newlines = np.flatnonzero(buf == 10)
    starts = np.concatenate(([0], newlines + 1))
    ends = np.concatenate((newlines, [len(data)]))
    if len(data) and data.endswith(b"\n"):
        starts, ends = starts[:-1], ends[:-1]
    if b"\r" in data:
        cr = (ends > starts) & (buf[np.maximum(ends - 1, 0)] == 13)
        if np.count_nonzero(buf == 13) != np.count_nonzero(cr):
            return None  # a lone \r ends a line for csv and editors: not this path
        ends = ends - cr
    n = len(starts)

    def per_line(positions: np.ndarray) -> np.ndarray:
        return np.bincount(np.searchsorted(starts, positions, side="right") - 1, minlength=n)

    quotes = per_line(np.flatnonzero(buf == 34))
    if np.any(quotes % 2):
        return None
    fields = per_line(np.flatnonzero(buf == ord(delimiter))) + 1
    # A line is blank when it holds nothing but delimiters and spaces; every line's span
    # [start, next start) is non-empty (it holds at least its line break or one byte).
    content = np.ones(256, dtype=bool)
    content[list(f"{delimiter} \t\r\n".encode())] = False
    blank_mask = ~np.maximum.reduceat(content[buf], starts) if n else np.zeros(0, dtype=bool)
    # Lines with no ASCII content may still be blank: full-width or no-break spaces only.
    ascii_content = content.copy()
    ascii_content[128:] = False
    unicode_only = (
        ~blank_mask & ~np.maximum.reduceat(ascii_content[buf], starts) if n else blank_mask
    )
    nul = per_line(np.flatnonzero(buf == 0)) > 0 if b"\x00" in data else np.zeros(n, dtype=bool)

    sheet = FastCsvSheet(data, delimiter, starts, ends, fields, blank_mask, {}, [], [])
    for i in np.flatnonzero(unicode_only & (quotes == 0)):
        blank_mask[i] = not any(c.strip() for c in sheet.line_text(i).split(delimiter))
    for i in np.flatnonzero(quotes > 0):
        text = sheet.line_text(i)
        try:
            cells = next(csv.reader([text], delimiter=delimiter, strict=True))
        except csv.Error:
            sheet.bad.append(Bad(int(i) + 1, REASON_QUOTE.format(detail="引号后缺少分隔符"), text))
            fields[i] = -1
            continue
        sheet.quoted[int(i)] = cells
        fields[i] = len(cells)
        blank_mask[i] = not any(c.strip() for c in cells)
    for i in np.flatnonzero(nul):
        if fields[i] >= 0:
            sheet.bad.append(Bad(int(i) + 1, REASON_NUL, sheet.line_text(i).replace("\x00", "\\0")))
            fields[i] = -1
    sheet.bad.sort(key=lambda b: b.line)
    for i in np.flatnonzero(~blank_mask & (fields >= 0))[:HEAD_RECORDS]:
        sheet.records.append(Record(int(i) + 1, int(i) + 1, sheet.cells(int(i))))
    return sheet
