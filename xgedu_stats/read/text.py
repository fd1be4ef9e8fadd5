"""Delimited text: deciding the encoding, the delimiter, and splitting records.

Broken records (an unclosed or stray quote, a NUL byte, bytes that do not decode)
become ``Bad`` entries with their line and reason; the rest of the file is still read.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import overload

import numpy as np
import pyarrow as pa

from xgedu_stats.columns import strings_over
from xgedu_stats.encodings import TEXT_ENCODINGS, encoding_names, text_encoding
from xgedu_stats.errors import InputError
from xgedu_stats.messages import shorten
from xgedu_stats.spaces import is_blank

__all__ = [
    "DELIMITERS",
    "MAX_COLUMNS",
    "TEXT_ENCODINGS",
    "Bad",
    "Decoded",
    "Record",
    "as_utf8",
    "csv_fields_up_to",
    "decode",
    "sniff_delimiter",
    "split",
    "text_encoding",
]

# (UTF-32 LE begins with the UTF-16 LE mark: it is looked for first.)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

#: The header is looked for in this many first records that are not blank, by every
#: reader: the careful and the fast CSV paths parse this many in Python, and the header
#: search (``profiles.find_header``) looks at this many of any sheet. One constant, so the
#: two paths cannot disagree on where a header may be.
HEADER_SEARCH_ROWS = 20

#: Candidate delimiters, in the order ties are broken.
DELIMITERS = (",", "\t", ";", "|")

#: Fields a record may have: Excel's column limit. A record with more is rejected (it can
#: be no export's row, and a table of 100,000 columns would take minutes and gigabytes);
#: a file whose header has more cannot be read.
MAX_COLUMNS = 16_384

#: The most a csv field may hold (the csv module's limit is set to the text's length,
#: at most this, while a file is read: a C long on every platform).
_CSV_FIELD_CEILING = 2**31 - 1

REASON_UNDECODABLE = "含有无法按 {encoding} 解码的字节"
REASON_QUOTE = "引号不成对（{detail}）"
REASON_NUL = "含有 NUL 字符"
REASON_TOO_WIDE = "字段数为 {fields}，超过上限 {limit} 列（MAX_COLUMNS）"


@dataclass(frozen=True)
class Decoded:
    """A file's text, the encoding used, and the (1-based) lines that did not decode."""

    text: str
    encoding: str
    bad_lines: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Record:
    """A record: the line it starts on, the line it ends on, its cells."""

    line: int
    end: int
    cells: list[str]


@dataclass(frozen=True)
class Bad:
    """A record that could not be read: its line, why, and its raw text."""

    line: int
    reason: str
    raw: str


def decode(data: bytes, display: str, encoding: str | None = None) -> Decoded:
    """Decode a file's bytes.

    Without a configured encoding: a BOM decides; else UTF-8; else GB18030 (a superset
    of GBK). Never the other way round: GB18030 decodes most UTF-8 into garbage without
    complaint. A file that is mostly valid in one of them is decoded in it, and its few
    undecodable lines are reported as such rather than failing the whole file; which of
    the two is tried first is decided by the first lines holding non-ASCII bytes
    (``_mostly_utf8``), as the fast path decides it (``as_utf8``).

    >>> decode("标题".encode("gbk"), "a.csv").encoding
    'gb18030'
    """
    if encoding:
        if text_encoding(encoding) is None:
            raise InputError(
                f"读取文件 {display} 时指定的编码 {shorten(encoding)} 不是可用的文本编码"
                f"（可用：{encoding_names()}）"
            )
        found = _try(data, encoding)
        if found is None:
            raise InputError(
                f"文件 {display} 大部分内容不能按配置的编码 {encoding} 读取；"
                "请检查配置文件中这个文件的 encoding 设置，或删去它让程序自动识别"
            )
        return found
    for bom, name in _BOMS:
        if data.startswith(bom):
            found = _try(data, name)
            if found is None:
                raise InputError(
                    f"文件 {display} 以 {name} 标记开头，但内容无法按 {name} 解码；请重新导出该文件"
                )
            return found
    for name in ("utf-8", "gb18030") if _mostly_utf8(data) else ("gb18030", "utf-8"):
        found = _try(data, name)
        if found is not None:
            return found
    raise InputError(
        f"文件 {display} 的编码无法识别（既不是 UTF-8，也不是 GBK/GB18030）；"
        '请在配置文件中为该平台设置 encoding = "…"'
    )


def as_utf8(data: bytes, encoding: str | None = None) -> tuple[bytes, str] | None:
    """The file as valid UTF-8 bytes without a BOM, and the encoding it was in; None when
    some of it does not decode (the careful path in ``decode`` then reports those lines).
    """
    if encoding is None:
        for bom, name in _BOMS:
            if data.startswith(bom):
                encoding = name
                break
    if encoding is not None:
        name = text_encoding(encoding)
        if name is None:
            return None  # (``decode`` says why)
        if name in ("utf-8", "utf-8-sig"):
            body = data.removeprefix(codecs.BOM_UTF8)
            return (body, encoding) if _valid_utf8(body) else None
        try:
            return data.decode(encoding).removeprefix("\ufeff").encode("utf-8"), encoding
        except UnicodeDecodeError:
            return None
    if _valid_utf8(data):
        return data, "utf-8"
    if _mostly_utf8(data):
        return None  # UTF-8 with lines that do not decode (GB18030 might, into garbage)
    try:
        return data.decode("gb18030").encode("utf-8"), "gb18030"
    except UnicodeDecodeError:
        return None


#: How many lines holding non-ASCII bytes (the first ones) decide whether a file that is
#: not wholly UTF-8 is mostly UTF-8 (with a few bad lines) or GB18030.
ENCODING_SAMPLE_LINES = 1000


def _mostly_utf8(data: bytes) -> bool:
    """Whether at least half of the first ``ENCODING_SAMPLE_LINES`` lines (split at line
    feeds) that hold non-ASCII bytes are valid UTF-8; True when none does. For a file with
    no more such lines than that, this is ``_try``'s own test for UTF-8.
    """
    buf = np.frombuffer(data, dtype=np.uint8)
    good = seen = position = 0
    block = 1 << 12
    while position < len(buf) and seen < ENCODING_SAMPLE_LINES:
        high = np.flatnonzero(buf[position : position + block] >= 0x80)
        if len(high) == 0:
            position += block
            block = min(block * 2, 1 << 24)
            continue
        at = position + int(high[0])
        start = data.rfind(b"\n", 0, at) + 1
        end = data.find(b"\n", at)
        end = len(data) if end < 0 else end
        try:
            data[start:end].decode("utf-8")
            good += 1
        except UnicodeDecodeError:
            pass
        seen += 1
        position = end + 1
    return good * 2 >= seen


def _valid_utf8(data: bytes) -> bool:
    """Whether the bytes are UTF-8, checked by Arrow over the bytes in place (no copy)."""
    try:
        strings_over(data).validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _try(data: bytes, encoding: str) -> Decoded | None:
    """Decode strictly; failing that, line by line if at most half the non-ASCII lines fail."""
    try:
        return Decoded(data.decode(encoding).removeprefix("\ufeff"), encoding)
    except UnicodeDecodeError:
        pass
    if (text_encoding(encoding) or "").startswith(("utf-16", "utf-32")):
        return None  # lines are not byte-aligned on b"\n" in UTF-16 and UTF-32
    bad: set[int] = set()
    non_ascii = 0
    parts: list[str] = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.isascii():
            non_ascii += 1
        try:
            parts.append(raw.decode(encoding))
        except UnicodeDecodeError:
            bad.add(number)
            parts.append(raw.decode(encoding, errors="replace"))
    if len(bad) * 2 > non_ascii:
        return None
    return Decoded("\n".join(parts).removeprefix("\ufeff"), encoding, frozenset(bad))


@contextmanager
def csv_fields_up_to(size: int) -> Iterator[None]:
    """Let the csv module read fields of up to ``size`` characters while inside.

    Its default limit (128 KiB) would fail a record that Arrow's reader reads: both readers
    must read the same records. A field cannot be longer than the text it is in.
    """
    old = csv.field_size_limit()
    csv.field_size_limit(min(max(old, size), _CSV_FIELD_CEILING))
    try:
        yield
    finally:
        csv.field_size_limit(old)


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines most consistently into the most fields.

    >>> sniff_delimiter("标题\\t日期\\n甲\\t2018-01-01\\n")
    '\\t'
    """
    lines = [ln for ln in text.splitlines()[:50] if ln.strip()][:20]
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        counts = [len(r) for r in csv.reader(lines, delimiter=delimiter)]
        if not counts:
            continue
        modal = max(set(counts), key=counts.count)
        if modal < 2:
            continue
        score = (counts.count(modal), modal)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def split(decoded: Decoded, delimiter: str) -> tuple[list[Record], list[Bad], int]:
    """Split text into records, keeping line numbers; returns (records, bad, blank lines).

    A record whose quotes do not pair up is reported bad on its first line and reading
    resumes on the next line, so one stray quote cannot swallow the rest of the file.
    """
    with csv_fields_up_to(len(decoded.text)):
        return _split_lines(decoded, delimiter)


def _split_lines(decoded: Decoded, delimiter: str) -> tuple[list[Record], list[Bad], int]:
    # Lines end at \n, \r\n or \r only, as an editor counts them (not at U+2028 & co.).
    lines = _Lines(decoded.text)
    after_blanks = lines.after_blanks(delimiter)
    records: list[Record] = []
    bad: list[Bad] = []
    blank = [0]
    start = 0  # index into lines where the reader (re)starts
    while start < len(lines):
        resume = None
        for record in _records(lines, start, delimiter, after_blanks, blank):
            if isinstance(record, Bad):
                bad.append(record)
                resume = record.line  # 1-based line == index of the next line
                break
            if is_blank(record.cells):
                blank[0] += record.end - record.line + 1
                continue
            reason = _record_problem(record, decoded)
            if reason:
                bad.append(Bad(record.line, reason, _raw(lines, record)))
            else:
                records.append(record)
        if resume is None:
            break
        start = resume
    return records, bad, blank[0]


class _Lines(Sequence[str]):
    """The lines of a text, each with its line break, as ``io.StringIO(text, newline="")``
    splits them (at LF, CRLF or a lone CR), decoded one at a time from the text's UTF-8:
    a list of millions of short strings would cost far more than the text.
    """

    def __init__(self, text: str) -> None:
        self.data = text.encode("utf-8", "surrogatepass")
        buf = np.frombuffer(self.data, dtype=np.uint8)
        ends = np.flatnonzero(buf == 10)  # each line's last byte
        if b"\r" in self.data:
            cr = np.flatnonzero(buf == 13)
            alone = cr[buf[np.minimum(cr + 1, len(buf) - 1)] != 10]  # (a CR ending the text too)
            if len(alone):  # (two sorted runs: a stable sort merges them in one pass)
                ends = np.sort(np.concatenate((ends, alone)), kind="stable")
        bounds = np.concatenate(([0], ends + 1))
        if bounds[-1] != len(self.data):  # the last line has no line break
            bounds = np.append(bounds, len(self.data))
        self.bounds = bounds  # line i is data[bounds[i]:bounds[i + 1]]

    def __len__(self) -> int:
        return len(self.bounds) - 1

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> list[str]: ...
    def __getitem__(self, i: int | slice) -> str | list[str]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        start, stop = self.bounds[i], self.bounds[i + 1]
        return self.data[start:stop].decode("utf-8", "surrogatepass")

    def after_blanks(self, delimiter: str) -> np.ndarray:
        """For each line, the first line from it on that is not blank (nothing but spaces
        and delimiters: read by csv, a blank record of one line), or the number of lines.

        Found in bulk (RE2), so that millions of blank lines are skipped, not read one by one.
        """
        import pyarrow.compute as pc

        from xgedu_stats.spaces import SPACE

        d = {"\t": r"\t", "|": r"\|"}.get(delimiter, delimiter)
        spans = strings_over(self.data, self.bounds[:-1])
        blank = pc.match_substring_regex(spans, rf"^(?:{SPACE}|{d})*$")
        n = len(self)
        at = np.where(blank.to_numpy(zero_copy_only=False), n, np.arange(n))
        return np.minimum.accumulate(at[::-1])[::-1]


def _records(
    lines: Sequence[str], start: int, delimiter: str, after_blanks: np.ndarray, blank: list[int]
) -> Iterator[Record | Bad]:
    """Records from line index ``start`` on; a run of blank lines between records is
    skipped and counted in ``blank[0]`` (within a quoted field, a blank line is text)."""
    n = len(lines)
    first = last = start  # the lines the record being read starts and ends on (indices)
    between = True  # whether csv is about to start a record

    def feed() -> Iterator[str]:
        nonlocal first, last, between
        i = start
        while i < n:
            if between:
                skip_to = int(after_blanks[i])
                blank[0] += skip_to - i
                i, first, between = skip_to, skip_to, False
                if i == n:
                    return
            last = i
            yield lines[i]
            i += 1

    reader = csv.reader(feed(), delimiter=delimiter, strict=True)
    while True:
        between = True
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            detail = "文件在引号内结束" if "end of data" in str(exc) else "引号后缺少分隔符"
            yield Bad(first + 1, REASON_QUOTE.format(detail=detail), lines[first].rstrip("\r\n"))
            return
        yield Record(first + 1, last + 1, cells)


def _record_problem(record: Record, decoded: Decoded) -> str:
    if decoded.bad_lines and any(
        n in decoded.bad_lines for n in range(record.line, record.end + 1)
    ):
        return REASON_UNDECODABLE.format(encoding=decoded.encoding)
    if any("\x00" in cell for cell in record.cells):
        return REASON_NUL
    if len(record.cells) > MAX_COLUMNS:
        return REASON_TOO_WIDE.format(fields=len(record.cells), limit=MAX_COLUMNS)
    return ""


def _raw(lines: Sequence[str], record: Record) -> str:
    return "".join(lines[record.line - 1 : record.end]).rstrip("\r\n").replace("\x00", "\\0")
