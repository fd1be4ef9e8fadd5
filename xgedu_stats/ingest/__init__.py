"""Bytes to raw tables of strings, every row tagged with its file and line.

The first bytes decide what a file is (not its name): ``PK`` an .xlsx, ``D0 CF 11 E0``
a real .xls, ``<`` HTML or SpreadsheetML (what government CMSs save as ".xls"),
anything else delimited text. This stage decides encodings and splits records; it does
not know what a column means (``profiles``) nor what a value means (``normalize``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from xgedu_stats.errors import InputError
from xgedu_stats.ingest.fastcsv import FastCsvSheet, RegularCsvSheet, regular, scan
from xgedu_stats.ingest.sheets import (
    Sheet,
    read_html,
    read_spreadsheetml,
    read_xls,
    read_xlsx,
)
from xgedu_stats.ingest.text import Bad, Decoded, Record, as_utf8, decode, sniff_delimiter, split
from xgedu_stats.spaces import SPACE, SPACE_ONLY, is_blank

__all__ = [
    "TYPE_LABELS",
    "Decoded",
    "Grid",
    "RawTable",
    "Sheet",
    "SourceFile",
    "decode",
    "discover",
    "read_grid",
    "to_table",
]

#: File name endings read when a folder is given.
TABULAR_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".htm", ".html", ".xml")

#: The words a summary row starts with; such rows are not data.
SUMMARY_WORDS = ("合计", "总计", "小计", "共计")
_COUNT = "[0-9０-９][0-9０-９,，]*"
#: A summary row's first non-blank cell, its spaces removed: a summary word, perhaps a
#: colon and a count (合计、合计：11条、总计 11 条、小计 12), or 共 and a count (共 1460 条).
#: Titles that merely begin alike (共青团…, 总计划…) are data. One pattern for Python's re
#: and for RE2 (the digits are spelt out: the two engines' \d differ).
SUMMARY_CELL = (
    rf"^(?:(?:{'|'.join(SUMMARY_WORDS)})[:：]?(?:共?{_COUNT}[条项篇个件]?)?"
    rf"|共{_COUNT}[条项篇个件])$"
)
_SUMMARY_CELL = re.compile(SUMMARY_CELL)
#: A first character every summary cell begins with (after spaces): RE2's cheap first look.
_SUMMARY_START = rf"^{SPACE}*[合总小共]"

TYPE_LABELS = {
    "csv": "CSV 文本",
    "xlsx": "Excel 工作簿（.xlsx）",
    "xls": "旧版 Excel 工作簿（.xls）",
    "html": "网页表格（HTML）",
    "spreadsheetml": "Excel 2003 XML 表格",
}


@dataclass(frozen=True)
class SourceFile:
    """A file to read, and the name it is shown by in messages and outputs."""

    path: Path
    display: str


@dataclass(frozen=True)
class Grid:
    """A file's tables before any header is chosen."""

    source: SourceFile
    type: str
    encoding: str | None
    delimiter: str | None
    sheets: tuple[Sheet, ...]


@dataclass(frozen=True)
class RawTable:
    """One table's records as strings, under a chosen header row.

    ``rows`` has one column per header position, named ``c0``, ``c1`` …, plus ``line``
    (the line in the file, or the row in the sheet, where the record starts).
    ``malformed`` holds records that could not be read: ``line``, ``reason``, ``raw``.
    """

    source: SourceFile
    sheet: str | None
    header: tuple[str, ...]
    header_line: int
    skipped_above: int
    rows: pd.DataFrame
    malformed: pd.DataFrame
    blank_lines: int
    summary_rows: int
    summary_lines: tuple[int, ...] = field(default=())

    @property
    def display(self) -> str:
        """The file, and the sheet when there is one: ``a.xlsx[Sheet1]``."""
        return f"{self.source.display}[{self.sheet}]" if self.sheet else self.source.display


def discover(paths: Iterable[Path]) -> list[SourceFile]:
    """Expand files and folders (recursively: csv, tsv, txt, xlsx, xls, html, xml) into files.

    >>> discover([Path("samples/2018")])  # doctest: +SKIP
    [SourceFile(path=PosixPath('samples/2018/今日头条_2018.csv'), ...), ...]
    """
    found: dict[Path, SourceFile] = {}
    for given in paths:
        if given.is_dir():
            inside = sorted(
                p
                for p in given.rglob("*")
                if p.is_file()
                and p.suffix.lower() in TABULAR_SUFFIXES
                and not p.name.startswith((".", "~$"))
            )
            if not inside:
                kinds = "、".join(TABULAR_SUFFIXES)
                raise InputError(f"文件夹 {given} 中没有可读的导出文件（{kinds}）")
            candidates = inside
        elif given.is_file():
            candidates = [given]
        elif given.exists():
            raise InputError(f"{given} 既不是文件也不是文件夹")
        else:
            raise InputError(f"找不到文件或文件夹：{given}")
        for p in candidates:
            found.setdefault(p.resolve(), SourceFile(p, p.as_posix()))
    return list(found.values())


def read_grid(source: SourceFile, encoding: str | None = None) -> Grid:
    """Read a file by what its bytes are; input files are only ever opened for reading."""
    try:
        data = source.path.read_bytes()
    except OSError as exc:
        raise InputError(f"无法读取文件 {source.display}：{exc.strerror}") from None
    display = source.display
    if data.startswith(b"PK\x03\x04"):
        return Grid(source, "xlsx", None, None, tuple(read_xlsx(data, display)))
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return Grid(source, "xls", None, None, tuple(read_xls(data, display)))
    if not data or data.isspace():  # (no copy, unlike strip)
        raise InputError(f"文件 {display} 是空的，没有表头")
    encoding = encoding or _declared_charset(data)
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<":
        decoded = decode(data, display, encoding)
        head = decoded.text.lstrip("\ufeff \t\r\n")[:4096].lower()
        if "urn:schemas-microsoft-com:office:spreadsheet" in head and "<workbook" in head:
            sheets = read_spreadsheetml(decoded.text.encode("utf-8"), display)
            return Grid(source, "spreadsheetml", decoded.encoding, None, tuple(sheets))
        if re.search(r"<(html|table|!doctype|body|meta|head)\b", head):
            sheets = read_html(decoded.text, display)
            return Grid(source, "html", decoded.encoding, None, tuple(sheets))
        raise InputError(f"文件 {display} 是 XML 格式，但不是可识别的 Excel 表格或网页表格")
    utf8 = as_utf8(data, encoding)
    if utf8 is not None:
        text, used = utf8
        delimiter = sniff_delimiter(text[:65536].decode("utf-8", errors="ignore"))
        fast = regular(text, delimiter) or scan(text, delimiter)
        if fast is not None:
            return Grid(source, "csv", used, delimiter, (fast,))
    decoded = decode(data, display, encoding)
    delimiter = sniff_delimiter(decoded.text[:65536])
    records, bad, blank = split(decoded, delimiter)
    return Grid(source, "csv", decoded.encoding, delimiter, (Sheet(None, records, bad, blank),))


def _declared_charset(data: bytes) -> str | None:
    """The charset an HTML or XML file declares about itself, if any and if known."""
    import codecs

    head = data[:2048].decode("ascii", errors="ignore").lower()
    if not head.lstrip().startswith("<"):
        return None
    found = re.search(r"""(?:charset|encoding)\s*=\s*["']?([a-z0-9_\-]+)""", head)
    if not found:
        return None
    try:
        name = codecs.lookup(found.group(1)).name
    except LookupError:
        return None
    return "gb18030" if name in ("gbk", "gb2312", "gb18030") else name


def to_table(
    grid: Grid, sheet: Sheet | FastCsvSheet | RegularCsvSheet, header_index: int
) -> RawTable:
    """The sheet's records under the header at ``header_index`` (an index into records).

    Records above the header are skipped (and counted); summary rows (合计, 总计 …) and
    blank rows are not data (and are counted); a record with more non-empty fields than
    the header, or fewer fields, is malformed (a spreadsheet's missing trailing cells are
    empty cells, not missing fields).
    """
    if not sheet.records:
        raise InputError(f"文件 {grid.source.display} 是空的，没有表头")
    header_record = sheet.records[header_index]
    header = list(header_record.cells)
    while header and not header[-1].strip():
        header.pop()
    width = len(header)
    judge = _Judge(width, grid.type != "csv", grid.delimiter or ",")
    if isinstance(sheet, FastCsvSheet | RegularCsvSheet):
        frame, others = sheet.rows(header_record.line, len(header_record.cells))
        frame = judge.frame(frame)
        judge.records(sheet.record(i) for i in others)
        frame = pd.concat([frame, judge.kept_frame()], ignore_index=True)
        rows = frame.sort_values("line", kind="stable", ignore_index=True)
    else:
        judge.records(sheet.records[header_index + 1 :])
        rows = judge.kept_frame()
    bad = [*sheet.bad, *judge.bad]
    malformed = pd.DataFrame(
        sorted((b.line, b.reason, b.raw) for b in bad), columns=["line", "reason", "raw"]
    ).astype({"line": "int64", "reason": "str", "raw": "str"})
    return RawTable(
        source=grid.source,
        sheet=sheet.name if len(grid.sheets) > 1 else None,
        header=tuple(h.strip() for h in header),
        header_line=header_record.line,
        skipped_above=header_index,
        rows=rows,
        malformed=malformed,
        blank_lines=sheet.blank,
        summary_rows=len(judge.summary),
        summary_lines=tuple(sorted(judge.summary)),
    )


class _Judge:
    """What each record under a header of ``width`` fields is: a row, a summary row, or bad."""

    def __init__(self, width: int, spreadsheet: bool, delimiter: str) -> None:
        self.width, self.spreadsheet, self.delimiter = width, spreadsheet, delimiter
        self.kept: list[list[str]] = []
        self.lines: list[int] = []
        self.bad: list[Bad] = []
        self.summary: list[int] = []

    def records(self, records: Iterable[Record]) -> None:
        width = self.width
        for record in records:
            cells = record.cells
            if len(cells) > width and is_blank(cells[width:]):
                cells = cells[:width]
            if _is_summary(cells):
                self.summary.append(record.line)
                continue
            if len(cells) < width and self.spreadsheet:
                cells = cells + [""] * (width - len(cells))  # trailing empty cells are not written
            if len(cells) != width:
                reason = f"字段数为 {len(cells)}，与表头的 {width} 列不符"
                self.bad.append(Bad(record.line, reason, self.delimiter.join(cells)))
                continue
            self.kept.append(cells)
            self.lines.append(record.line)

    def kept_frame(self) -> pd.DataFrame:
        columns = list(zip(*self.kept, strict=True)) if self.kept else [()] * self.width
        rows = pd.DataFrame({f"c{i}": pd.array(c, dtype="str") for i, c in enumerate(columns)})
        rows["line"] = pd.array(self.lines, dtype="int64")
        return rows

    def frame(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The same judgement, vectorised, for a frame of records that all have the raw width.

        In the order ``records`` judges: summary rows first, then fields beyond the header.
        """
        names = [c for c in frame.columns if c != "line"]
        summary = _summary_rows([_strings(frame[name]) for name in names])
        if summary.any():
            self.summary += frame["line"].to_numpy()[summary].tolist()
            frame = frame.iloc[np.flatnonzero(~summary)]
        extra = np.zeros(len(frame), dtype=bool)
        for name in names[self.width :]:
            blank = pc.match_substring_regex(_strings(frame[name]), SPACE_ONLY)
            extra |= ~blank.to_numpy(zero_copy_only=False)
        kept = [*names[: self.width], "line"]
        if not extra.any():
            return frame[kept].reset_index(drop=True)
        wrong = frame.iloc[np.flatnonzero(extra)]
        for line, cells in zip(wrong["line"], wrong[names].values.tolist(), strict=True):
            reason = f"字段数为 {len(names)}，与表头的 {self.width} 列不符"
            self.bad.append(Bad(int(line), reason, self.delimiter.join(cells)))
        # (by position: a boolean .loc over Arrow columns is several times slower)
        return frame.iloc[np.flatnonzero(~extra)][kept].reset_index(drop=True)


def _strings(column: pd.Series) -> pa.Array | pa.ChunkedArray:
    """The Arrow strings behind a column of ``str`` (no copy)."""
    return pa.array(column.array)


def _is_summary(cells: list[str]) -> bool:
    """Whether a record is a summary row (``SUMMARY_CELL``); ``_summary_rows`` in bulk."""
    first = next((c for c in cells if c.strip()), "")
    return _SUMMARY_CELL.match("".join(first.split())) is not None


def _summary_rows(columns: list[pa.Array | pa.ChunkedArray]) -> np.ndarray:
    """``_is_summary`` over whole columns in RE2: which rows are summary rows."""
    lead = columns[0]  # the first cell that is not blank
    blank = pc.match_substring_regex(lead, SPACE_ONLY)
    for column in columns[1:]:
        if not pc.any(blank).as_py():
            break
        lead = pc.if_else(blank, column, lead)
        blank = pc.match_substring_regex(lead, SPACE_ONLY)
    maybe = pc.match_substring_regex(lead, _SUMMARY_START).to_numpy(zero_copy_only=False)
    found = np.zeros(len(maybe), dtype=bool)
    if maybe.any():
        at = np.flatnonzero(maybe)
        compact = pc.replace_substring_regex(pc.take(lead, pa.array(at)), SPACE, "")
        found[at] = pc.match_substring_regex(compact, SUMMARY_CELL).to_numpy(zero_copy_only=False)
    return found
