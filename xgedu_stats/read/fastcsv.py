"""The fast paths for delimited text.

``regular``: when a file has no NUL and no lone CR, quotes (if any) only around whole
fields that hold no line break, and every line after the header has the header's number
of fields, each line is one record and line numbers are arithmetic: Arrow's CSV reader
reads the bytes after the header as they are, on every core. This is what most exports
look like.

``scan``: otherwise numpy finds records and fields, and Arrow's CSV reader splits them.
A line break ends a record when an even number of quotes comes before it, so a quoted
field may hold line breaks; line numbers come from the newline offsets, and the reader is
given only the well-formed records. Plainly quoted records (whole fields quoted, inner
quotes doubled) are read in bulk; other records with quotes are read one by one by
Python's strict csv reader, and when such a record spans lines (its quotes may pair
wrongly), or a quote is left open, or a CR stands alone, ``scan`` declines and the
careful path in ``text.py`` reads the file. The fast paths read exactly what the careful
path reads (``tests/test_fastcsv.py`` compares them). Both need valid UTF-8 (a GB18030
file is transcoded first).
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from xgedu_stats.columns import strings_over
from xgedu_stats.read import text as _text
from xgedu_stats.read.sheets import Body
from xgedu_stats.read.text import (
    MAX_COLUMNS,
    REASON_NUL,
    REASON_QUOTE,
    REASON_TOO_WIDE,
    Bad,
    Record,
    csv_fields_up_to,
)
from xgedu_stats.spaces import SPACE, SPACE_ONLY, is_blank, starts_with_space

#: Above this many records that may be blank, ``scan`` tests every byte, not each record.
MANY_BLANK_CANDIDATES = 20_000


@dataclass(frozen=True, kw_only=True)
class FastCsvSheet:
    """A delimited file indexed by record, parsed in bulk once the header is known.

    A record is one line, or several when a quoted field holds line breaks.
    """

    data: bytes  # UTF-8, no BOM
    delimiter: str
    starts: np.ndarray  # byte offset where each record starts
    ends: np.ndarray  # byte offset where each record ends (before \r\n or \n)
    lines: np.ndarray  # the (1-based) line each record starts on
    last_lines: np.ndarray  # and the line it ends on
    fields: np.ndarray  # number of fields of each record (-1 where unknown: a bad record)
    blank_mask: np.ndarray
    quoted: dict[int, list[str]]  # record index -> cells, for records csv read one by one
    head: list[Record]
    bad: list[Bad]
    name: str | None = None

    @property
    def blank(self) -> int:
        """Blank lines (a blank record on two lines counts two, as the careful path counts)."""
        spans = self.last_lines - self.lines + 1
        return int(spans[self.blank_mask].sum())

    def text(self, i: int) -> str:
        return _text_at(self.data, self.starts, self.ends, i)

    def cells(self, i: int) -> list[str]:
        if i in self.quoted:
            return self.quoted[i]
        return _split(self.text(i), self.delimiter)

    def record(self, i: int) -> Record:
        return Record(int(self.lines[i]), int(self.last_lines[i]), self.cells(i))

    def body(self, header_index: int) -> Body:
        header = self.head[header_index]
        return self.body_under(header.line, len(header.cells))

    def body_under(self, header_line: int, raw_width: int) -> Body:
        """The records after the header (which starts on ``header_line``): those with exactly
        ``raw_width`` fields as string columns, the other non-blank, non-bad ones one by one."""
        after = np.arange(int(np.searchsorted(self.lines, header_line)) + 1, len(self.starts))
        usable = after[~self.blank_mask[after] & (self.fields[after] >= 0)]
        exact = usable[self.fields[usable] == raw_width]
        if self.quoted:
            plain = exact[~np.isin(exact, np.fromiter(self.quoted, dtype=np.int64))]
        else:
            plain = exact
        # Arrow's reader drops a BOM at the start of what it reads: a first record that
        # begins with one (files joined end to end) is read one by one instead.
        while len(plain) and self.data.startswith(codecs.BOM_UTF8, int(self.starts[plain[0]])):
            plain = plain[1:]
        others = np.setdiff1d(usable, plain, assume_unique=True).tolist()
        frame = self._parse(plain, raw_width)
        frame["line"] = pd.array(self.lines[plain], dtype="int64")
        return Body(frame, [self.record(i) for i in others], self.bad, self.blank)

    def _parse(self, records: np.ndarray, width: int) -> pd.DataFrame:
        names = [f"c{i}" for i in range(width)]
        if len(records) == 0:
            return pd.DataFrame({n: pd.array([], dtype="str") for n in names})
        if records[-1] - records[0] + 1 == len(records):  # one run: the bytes as they are
            start = int(self.starts[records[0]])
            stop = int(self.starts[records[-1] + 1]) if records[-1] + 1 < len(self.starts) else None
            blob = pa.py_buffer(self.data)[start:stop]
        else:
            # Taking the wanted records, each with its own line break, concatenates them
            # into a new, well-formed CSV.
            taken = _records(self.data, self.starts, records)
            size = int(np.frombuffer(taken.buffers()[1], dtype=np.int64)[len(records)])
            blob = taken.buffers()[2].slice(0, size)
        multiline = bool(np.any(self.last_lines[records] > self.lines[records]))
        # A record must fit in a block (Arrow: "straddling object"); most are far smaller.
        longest = int((self.ends[records] - self.starts[records]).max()) + 2
        table = pacsv.read_csv(
            pa.BufferReader(blob),
            read_options=pacsv.ReadOptions(column_names=names, block_size=max(1 << 24, longest)),
            # Records with quote characters get here only when plainly quoted, where
            # Arrow's quoting and Python's strict csv agree.
            parse_options=pacsv.ParseOptions(
                delimiter=self.delimiter, quote_char='"', newlines_in_values=multiline
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.large_string() for n in names},  # as pandas' str
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        return pd.DataFrame({n: pd.array(table.column(n), dtype="str") for n in names})


def _text_at(data: bytes, starts: np.ndarray, ends: np.ndarray, i: int) -> str:
    return data[starts[i] : ends[i]].decode("utf-8")


def scan(data: bytes, delimiter: str, many: int = MANY_BLANK_CANDIDATES) -> FastCsvSheet | None:
    """Index a UTF-8 file by record, or None when that cannot be done from the bytes alone
    (a quote left open, a stray quote on a record of several lines, a lone CR): the
    careful path reads those.

    A line break ends a record when an even number of quotes comes before it, which is
    how csv reads plainly quoted fields that hold line breaks; a record of several lines
    must be plainly quoted, or the pairing of its quotes is not to be trusted.

    Memory is a word a line and a few words a record; delimiters, quotes and NULs are
    counted a block of the file at a time: a file of nothing but commas or quotes costs no
    more than any file of its size.

    ``many``: above this many records that may be blank, test every byte rather than each.
    """
    records = _RecordIndex.of(data)
    if records is None:
        return None
    fields, quoted, nul = _per_record(
        records.buf, records.starts, ord(delimiter), records.has_quotes, b"\x00" in data
    )
    blank_mask = _blank_unquoted(records, delimiter, quoted, many)
    with_quotes = np.flatnonzero(quoted)
    read_alone = _read_quoted(records, delimiter, with_quotes)
    if read_alone is None:
        return None
    plain, quoted_blank, cells, bad = read_alone
    blank_mask[with_quotes[plain]] = quoted_blank
    for i, record_cells in cells.items():
        fields[i] = -1 if record_cells is None else len(record_cells)
        blank_mask[i] = record_cells is not None and is_blank(record_cells)
    bad += _unreadable(records, fields, blank_mask, nul)
    sheet = FastCsvSheet(
        data=data,
        delimiter=delimiter,
        starts=records.starts,
        ends=records.ends,
        lines=records.lines,
        last_lines=records.last_lines,
        fields=fields,
        blank_mask=blank_mask,
        quoted={i: c for i, c in cells.items() if c is not None and fields[i] >= 0},
        head=[],
        bad=sorted(bad, key=lambda b: b.line),
    )
    # (the head is split by the sheet's own ``record``, the one way a record is read)
    heads = np.flatnonzero(~blank_mask & (fields >= 0))[: _text.HEADER_SEARCH_ROWS]
    return replace(sheet, head=[sheet.record(i) for i in heads.tolist()])


@dataclass(frozen=True)
class _RecordIndex:
    """A file's records: where each starts and ends (bytes), and its first and last line."""

    data: bytes
    buf: np.ndarray  # the same bytes as numbers (no copy)
    has_quotes: bool
    starts: np.ndarray
    ends: np.ndarray  # (before \r\n or \n)
    lines: np.ndarray
    last_lines: np.ndarray

    @classmethod
    def of(cls, data: bytes) -> _RecordIndex | None:
        """None for a lone CR or a quote still open at the end of the file."""
        if _lone_cr(data):
            return None
        buf = np.frombuffer(data, dtype=np.uint8)
        has_quotes = b'"' in data
        if has_quotes and data.count(b'"') % 2:
            return None  # a quote still open at the end of the file
        newlines = np.flatnonzero(buf == 10)
        # A line break inside a quoted field (an odd number of quotes before it) is text.
        boundaries = newlines[_quotes_before(buf, newlines) % 2 == 0] if has_quotes else newlines
        starts = np.concatenate(([0], boundaries + 1))
        ends = np.concatenate((boundaries, [len(data)]))
        if data.endswith(b"\n") or not data:
            starts, ends = starts[:-1], ends[:-1]
        if len(newlines) and b"\r" in data:
            ends = ends - ((ends > starts) & (buf[np.maximum(ends - 1, 0)] == 13))
        if has_quotes:
            lines = np.searchsorted(newlines, starts) + 1
            last_lines = np.searchsorted(newlines, ends) + 1
        else:  # every line is a record
            lines = last_lines = np.arange(1, len(starts) + 1)
        return cls(data, buf, has_quotes, starts, ends, lines, last_lines)

    def text(self, i: int) -> str:
        return _text_at(self.data, self.starts, self.ends, i)


def _blank_unquoted(
    records: _RecordIndex, delimiter: str, quoted: np.ndarray, many: int
) -> np.ndarray:
    """Which records without a quote are blank (nothing but delimiters and spaces)."""
    buf, starts = records.buf, records.starts
    n = len(starts)
    # A blank record starts with a space or the delimiter, or is empty (its span
    # [start, next start) then holds its line break): only those are looked at.
    first = [buf[np.minimum(starts + k, len(buf) - 1)] if n else starts for k in range(3)]
    maybe = starts_with_space(*first) | (first[0] == ord(delimiter))
    del first
    maybe &= ~quoted
    if np.count_nonzero(maybe) > many:  # say an empty first column
        # Test every byte: a line with an ASCII character that is not a space or the
        # delimiter is not blank; only the rest are matched (non-ASCII spaces).
        content = np.ones(256, dtype=bool)
        content[[*b" \t\n\x0b\x0c\r\x1c\x1d\x1e\x1f", ord(delimiter)]] = False
        content[128:] = False
        maybe &= ~np.maximum.reduceat(content[buf], starts)
    blank_mask = np.zeros(n, dtype=bool)
    candidates = np.flatnonzero(maybe)
    blank_mask[candidates] = _matching(records.data, starts, candidates, _blank_record(delimiter))
    return blank_mask


def _read_quoted(
    records: _RecordIndex, delimiter: str, with_quotes: np.ndarray
) -> tuple[np.ndarray, np.ndarray, dict[int, list[str] | None], list[Bad]] | None:
    """The records with quotes (``with_quotes``): which are plainly quoted (whole fields
    quoted, inner quotes doubled: Arrow's CSV reader and Python's strict csv read the same
    cells from them, so they are read in bulk) and which of those are blank; the others'
    cells, read by csv one by one (None for a record csv cannot read), and those records'
    reasons. None when such a record spans lines: a stray quote may have paired with the
    wrong one."""
    data, starts, lines = records.data, records.starts, records.lines
    plain = _matching(data, starts, with_quotes, _plain_record(delimiter))
    alone = with_quotes[~plain]  # few: quotes inside unquoted fields, text after a quote
    if np.any(records.last_lines[alone] > lines[alone]):
        return None
    quoted_blank = _matching(data, starts, with_quotes[plain], _blank_record(delimiter))
    cells: dict[int, list[str] | None] = {}
    bad: list[Bad] = []
    with csv_fields_up_to(len(data)):
        for i in alone.tolist():
            text = records.text(i)
            try:
                cells[i] = next(csv.reader([text], delimiter=delimiter, strict=True))
            except csv.Error:
                bad.append(Bad(int(lines[i]), REASON_QUOTE.format(detail="引号后缺少分隔符"), text))
                cells[i] = None
    return plain, quoted_blank, cells, bad


def _unreadable(
    records: _RecordIndex, fields: np.ndarray, blank_mask: np.ndarray, nul: np.ndarray
) -> list[Bad]:
    """Records with a NUL, and records with more than ``MAX_COLUMNS`` fields: bad, each with
    its reason; their ``fields`` become -1."""
    bad = []
    for i in np.flatnonzero(nul & (fields >= 0)).tolist():
        text = records.text(i).replace("\x00", "\\0")
        bad.append(Bad(int(records.lines[i]), REASON_NUL, text))
        fields[i] = -1
    for i in np.flatnonzero((fields > MAX_COLUMNS) & ~blank_mask).tolist():
        reason = REASON_TOO_WIDE.format(fields=int(fields[i]), limit=MAX_COLUMNS)
        bad.append(Bad(int(records.lines[i]), reason, records.text(i)))
        fields[i] = -1
    return bad


#: Bytes looked at in one step when counting per record (bounds the positions held at once).
_CHUNK = 1 << 22


def _quotes_before(buf: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """How many quotes come before each of the (sorted) positions, a block at a time."""
    counts = np.zeros(len(positions), dtype=np.int64)
    carried = 0
    for low in range(0, len(buf), _CHUNK):
        quotes = np.flatnonzero(buf[low : low + _CHUNK] == 34) + low
        inside = slice(*np.searchsorted(positions, [low, low + _CHUNK]))
        counts[inside] = carried + np.searchsorted(quotes, positions[inside])
        carried += len(quotes)
    return counts


def _per_record(
    buf: np.ndarray, starts: np.ndarray, delimiter: int, has_quotes: bool, has_nul: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per record: its fields (delimiters outside quotes, plus one: exact for plainly
    quoted records, the others are read by csv), whether it holds a quote, and whether a
    NUL; the positions of at most ``_CHUNK`` bytes are held at a time.

    A record starts outside quotes, so a delimiter is inside a quoted field when an odd
    number of the file's quotes come before it.
    """
    n = len(starts)
    fields = np.ones(n, dtype=np.int64)
    quoted = np.zeros(n, dtype=bool)
    nul = np.zeros(n, dtype=bool)

    def record(at: np.ndarray) -> np.ndarray:
        return np.searchsorted(starts, at, side="right") - 1

    carried = 0
    for low in range(0, len(buf), _CHUNK):
        block = buf[low : low + _CHUNK]
        at = np.flatnonzero(block == delimiter) + low
        if has_quotes:
            quotes = np.flatnonzero(block == 34) + low
            quoted[record(quotes)] = True
            at = at[(carried + np.searchsorted(quotes, at)) % 2 == 0]
            carried += len(quotes)
        if len(at):
            which = record(at)
            first = int(which[0])
            fields[first : int(which[-1]) + 1] += np.bincount(which - first)
        if has_nul:
            nul[record(np.flatnonzero(block == 0) + low)] = True
    return fields, quoted, nul


def _records(data: bytes, starts: np.ndarray, which: np.ndarray) -> pa.Array:
    """The given records (each with its line break) as Arrow strings."""
    return strings_over(data, starts).take(pa.array(which, type=pa.int64()))


def _matching(data: bytes, starts: np.ndarray, which: np.ndarray, pattern: str) -> np.ndarray:
    """Which of the given records match an RE2 pattern."""
    if len(which) == 0:
        return np.zeros(0, dtype=bool)
    if len(which) * 4 > len(starts):  # most of the file: match it all in place, not a copy
        found = pc.match_substring_regex(strings_over(data, starts), pattern)
        return found.to_numpy(zero_copy_only=False)[which]
    found = pc.match_substring_regex(_records(data, starts, which), pattern)
    return found.to_numpy(zero_copy_only=False)


def _split(text: str, delimiter: str) -> list[str]:
    """A plain record's cells: quoted fields (``_plain_record``) as csv reads them."""
    if '"' in text:
        with csv_fields_up_to(len(text)):
            return next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    return text.split(delimiter)


def _lone_cr(data: bytes) -> bool:
    """Whether a CR stands without its LF: csv and editors end a line there, Arrow does not."""
    carriage_returns = data.count(b"\r")
    return bool(carriage_returns) and carriage_returns != data.count(b"\r\n")


def _delimiter_pattern(delimiter: str) -> str:
    return {"\t": r"\t", "|": r"\|"}.get(delimiter, delimiter)


def _plain_record(delimiter: str, whole_file: bool = False) -> str:
    """A record whose fields are bare (no quote character) or wholly quoted, quotes doubled
    (a quoted field may hold line breaks); or, with ``whole_file``, a text made only of
    such records, each on one line."""
    d = _delimiter_pattern(delimiter)
    if whole_file:
        field = rf'(?:"(?:[^"\r\n]|"")*"|[^"{d}\r\n]*)'
        record = rf"{field}(?:{d}{field})*"
        return rf"\A(?:{record}\r?\n)*(?:{record})?\z"
    field = rf'(?:"(?:[^"]|"")*"|[^"{d}\r\n]*)'
    return rf"^{field}(?:{d}{field})*\r?\n?$"


def _blank_record(delimiter: str) -> str:
    """A plainly quoted record that holds nothing but spaces (``"", " "``)."""
    d = _delimiter_pattern(delimiter)
    field = rf'(?:{SPACE}*|"{SPACE}*")'
    return rf"^{field}(?:{d}{field})*\r?\n?$"


def _every_line_plain(data: bytes, delimiter: str) -> bool:
    """Whether every line of the file is plainly quoted (or has no quotes): one pass of
    RE2 over the whole file, without a line index."""
    found = pc.match_substring_regex(strings_over(data), _plain_record(delimiter, whole_file=True))
    return bool(found[0].as_py())


@dataclass(frozen=True, kw_only=True)
class RegularCsvSheet:
    """A file whose every line is one plain record: read by Arrow without a line index.

    Built by ``regular`` from the first lines only. ``body`` reads everything after the
    header in one go (an empty line is a row of empty cells: blank); should a line there
    have another number of fields, the file is indexed by ``scan`` after all and read as
    ``FastCsvSheet`` reads it.
    """

    data: bytes  # UTF-8, no BOM
    delimiter: str
    record_ends: list[int]  # byte offset just after each head record's line break
    content_end: int  # where the empty lines at the very end of the file begin
    trailing_blank: int  # how many there are
    head: list[Record]
    name: str | None = None
    bad: tuple[Bad, ...] = ()

    def body(self, header_index: int) -> Body:
        header = self.head[header_index]
        read = self._read(header_index, len(header.cells))
        if read is None:
            scanned = scan(self.data, self.delimiter)
            assert scanned is not None  # plain lines: every record is one line
            return scanned.body_under(header.line, len(header.cells))
        frame, blank_after = read
        blank_before = header.line - 1 - header_index  # every head line is a record or blank
        return Body(frame, [], [], blank_before + blank_after + self.trailing_blank)

    def _read(self, header_index: int, width: int) -> tuple[pd.DataFrame, int] | None:
        """The lines after the header as columns, and how many of them were blank; None
        when a line has another number of fields."""
        header_line = self.head[header_index].line
        names = [f"c{i}" for i in range(width)]
        start = min(self.record_ends[header_index], self.content_end)
        # Every line after the header, up to the empty ones at the end, is one row.
        expected = self.data.count(b"\n", start, self.content_end) + 1
        if self.data.startswith(codecs.BOM_UTF8, start):
            return None  # (Arrow's reader would drop it: ``scan`` reads such a line alone)
        if start == self.content_end:
            empty = pd.DataFrame({n: pd.array([], dtype="str") for n in names})
            return empty.assign(line=pd.array([], dtype="int64")), 0
        try:
            table = pacsv.read_csv(
                pa.BufferReader(pa.py_buffer(self.data).slice(start, self.content_end - start)),
                read_options=pacsv.ReadOptions(column_names=names, block_size=1 << 22),
                parse_options=pacsv.ParseOptions(
                    delimiter=self.delimiter,
                    quote_char='"',
                    ignore_empty_lines=False,  # an empty line is a blank row and keeps its number
                    # Another number of fields: stop at once (``scan`` reads such files);
                    # a Python call for each such line could take minutes.
                    invalid_row_handler=lambda _row: "error",
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types={n: pa.large_string() for n in names},  # as pandas' str
                    strings_can_be_null=False,
                    check_utf8=False,  # ``as_utf8`` has checked the whole file
                ),
            )
        except pa.ArrowInvalid:  # that, or a line longer than two blocks ("straddling")
            return None  # (``scan`` knows every record's length and sizes its blocks)
        if table.num_rows != expected:
            return None
        line = np.arange(header_line + 1, header_line + 1 + table.num_rows, dtype=np.int64)
        columns = [table.column(n) for n in names]
        # Blank rows (nothing but spaces between the delimiters) are counted, not read.
        blank = pc.match_substring_regex(columns[0], SPACE_ONLY)
        if pc.any(blank).as_py():
            for column in columns[1:]:
                blank = pc.and_(blank, pc.match_substring_regex(column, SPACE_ONLY))
        blank_after = pc.sum(blank).as_py() or 0
        if blank_after:
            keep = pc.invert(blank)
            columns = [c.filter(keep) for c in columns]
            line = line[keep.to_numpy()]
        frame = pd.DataFrame(
            {n: pd.array(c, dtype="str") for n, c in zip(names, columns, strict=True)}
        )
        frame["line"] = pd.array(line, dtype="int64")
        return frame, blank_after


def regular(data: bytes, delimiter: str) -> RegularCsvSheet | None:
    """The file as a ``RegularCsvSheet`` if it can be one, judged from its bytes; else None.

    Each test is one fast pass over the file (``memchr``, or RE2 when there are quotes),
    without a copy; the first lines are split here, to look for the header in.
    """
    end = _content_end(data)
    if end == 0 or data.find(b"\x00") >= 0:
        return None
    if data.find(b'"') >= 0 and not _every_line_plain(data, delimiter):
        return None  # a quote inside a bare field or after a closing one; a record on two lines
    if _lone_cr(data):
        return None
    trailing_blank = max(data.count(b"\n", end) - 1, 0)
    head = _head(data, end, delimiter)
    if head is None:
        return None
    record_ends, records = head
    return RegularCsvSheet(
        data=data,
        delimiter=delimiter,
        record_ends=record_ends,
        content_end=end,
        trailing_blank=trailing_blank,
        head=records,
    )


def _content_end(data: bytes) -> int:
    """Where the line breaks at the very end of the file begin (a step back at a time)."""
    buf = np.frombuffer(data, dtype=np.uint8)
    end = len(buf)
    step = 1 << 12
    while end:
        tail = buf[max(end - step, 0) : end]
        content = np.flatnonzero((tail != 10) & (tail != 13))
        if len(content):
            return end - len(tail) + int(content[-1]) + 1
        end -= len(tail)
        step *= 2
    return 0


#: The block ``_head`` starts with, and the most it grows to while lines are shorter.
_HEAD_BLOCK = 1 << 16
_HEAD_BLOCK_MAX = 1 << 22


def _head(data: bytes, end: int, delimiter: str) -> tuple[list[int], list[Record]] | None:
    """The first ``HEADER_SEARCH_ROWS`` lines that are not blank, split, with the offset just
    after each one's line break (every line before the last of them that is not one of
    them is blank).

    Lines are found and judged blank a block at a time (numpy and RE2, not a Python call a
    line), so millions of blank lines before a header, or instead of one, cost little time
    and no memory beyond a block's. None when one of those lines may have more than
    ``MAX_COLUMNS`` fields: ``scan`` counts them exactly.
    """
    buf = np.frombuffer(data, dtype=np.uint8)
    pattern = _blank_record(delimiter)
    record_ends: list[int] = []
    records: list[Record] = []
    position, first_line, size = 0, 0, _HEAD_BLOCK
    while position < end and len(records) < _text.HEADER_SEARCH_ROWS:
        stop = min(position + size, end)
        breaks = np.flatnonzero(buf[position:stop] == 10) + position
        if stop == end:  # the last line ends at the first line break after ``end``, if any
            last = data.find(b"\n", end)
            breaks = np.append(breaks, len(data) - 1 if last < 0 else last)
        elif len(breaks) == 0:
            size *= 2  # a line longer than the block
            continue
        size = min(size * 2, max(size, _HEAD_BLOCK_MAX))
        line_ends = breaks + 1
        starts = np.concatenate(([position], line_ends[:-1]))
        spans = strings_over(memoryview(data)[: line_ends[-1]], starts)  # (no copy)
        blank = pc.match_substring_regex(spans, pattern).to_numpy(zero_copy_only=False)
        for i in np.flatnonzero(~blank)[: _text.HEADER_SEARCH_ROWS - len(records)]:
            begin, after = int(starts[i]), int(line_ends[i])
            if data.count(delimiter.encode(), begin, after) >= MAX_COLUMNS:
                return None
            text = data[begin:after].decode("utf-8").rstrip("\r\n")
            line = first_line + int(i) + 1
            records.append(Record(line, line, _split(text, delimiter)))
            record_ends.append(after)
        first_line += len(line_ends)
        position = int(line_ends[-1])
    return record_ends, records
