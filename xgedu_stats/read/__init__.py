"""Reading: bytes to raw tables of strings, every row tagged with its file and line.

The stage that touches input files: ``discover`` (which files), this module (what each
file is, its sheets and header), ``profiles`` (what each column means, which platform),
``sources.load`` (all of it over every file), ``decisions`` (the clerk's decisions file).

The first bytes decide what a file is (not its name): ``PK`` an .xlsx, ``D0 CF 11 E0``
a real .xls, ``<`` HTML or SpreadsheetML (what government CMSs save as ".xls"),
anything else delimited text. This stage decides encodings and splits records; it does
not know what a column means (``profiles``) nor what a value means (``items.normalize``).
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from xgedu_stats.columns import arrow_of
from xgedu_stats.encodings import TEXT_ENCODINGS, text_encoding
from xgedu_stats.errors import InputError
from xgedu_stats.markers import decisions_layout, written_by_tool
from xgedu_stats.messages import display_path, os_reason, shorten
from xgedu_stats.read.fastcsv import regular, scan
from xgedu_stats.read.limits import MAX_INPUT_BYTES, MiB
from xgedu_stats.read.markup import markup_kind, read_html, read_spreadsheetml
from xgedu_stats.read.sheets import Sheet, Tabular, read_xls
from xgedu_stats.read.text import (
    REASON_NUL,
    Bad,
    Decoded,
    Record,
    as_utf8,
    decode,
    sniff_delimiter,
    split,
)
from xgedu_stats.read.xlsx import read_xlsx
from xgedu_stats.spaces import SPACE, SPACE_ONLY, is_blank

__all__ = [
    "TEXT_ENCODINGS",
    "TYPE_LABELS",
    "Decoded",
    "Discovery",
    "Grid",
    "RawTable",
    "Sheet",
    "SourceFile",
    "Tabular",
    "decode",
    "discover",
    "read_grid",
    "text_encoding",
    "to_table",
]

#: File name endings read when a folder is given.
TABULAR_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".htm", ".html", ".xml")

#: An input path longer than this (in bytes) is refused before the system is asked (Linux's PATH_MAX).
MAX_PATH_BYTES = 4096

#: The words a summary row starts with; such rows are not data.
SUMMARY_WORDS = ("合计", "总计", "小计", "共计")
_COUNT = "[0-9０-９][0-9０-９,，]*"
#: A summary row's first non-blank cell, its spaces removed: a summary word, perhaps a
#: colon and a count, bare or in brackets (合计、合计：11条、总计 11 条、小计 12、合计（11条）),
#: or 共 and a count (共 1460 条、共3条记录、本页共 3 条). Titles that merely begin alike
#: (共青团…, 总计划…) are data. One pattern for Python's re and for RE2 (the digits are
#: spelt out: the two engines' \d differ).
_UNIT = "[条项篇个件行]"
_TOTAL = rf"共{_COUNT}{_UNIT}(?:记录|数据|信息)?"
SUMMARY_CELL = (
    rf"^(?:(?:{'|'.join(SUMMARY_WORDS)})[:：]?"
    rf"(?:共?{_COUNT}{_UNIT}?|[(（]共?{_COUNT}{_UNIT}?[)）])?"
    rf"|(?:本页|全部|总)?{_TOTAL})$"
)
_SUMMARY_CELL = re.compile(SUMMARY_CELL)
#: A first character every summary cell begins with (after spaces): RE2's cheap first look.
_SUMMARY_START = rf"^{SPACE}*[合总小共本全]"

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
    sheets: tuple[Tabular, ...]
    notes: tuple[str, ...] = ()  # what a person should know about how it was read


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


@dataclass(frozen=True)
class Discovery:
    """The files to read, and a note for each file found but not read (and why)."""

    files: tuple[SourceFile, ...]
    notes: tuple[str, ...]


def discover(paths: Iterable[Path], protected: Mapping[Path, str] | None = None) -> Discovery:
    """Expand files and folders (recursively: csv, tsv, txt, xlsx, xls, html, xml) into files.

    Files the tool wrote (a marker in their first bytes) and the ``protected`` files (the
    config in use, the decisions file: path -> what it is) are never inputs: they are left
    out with a note. A folder that cannot be listed is an error, not a silent gap.

    >>> [f.display for f in discover([Path("samples/2018")]).files][:2]
    ['samples/2018/云上孝感_2018.csv', 'samples/2018/今日头条_2018.csv']
    """
    protected = dict(protected or {})
    found: dict[object, SourceFile] = {}
    notes: list[str] = []
    for given in paths:
        shown = display_path(given)
        size = len(os.fsencode(given))
        if size > MAX_PATH_BYTES:
            raise InputError(
                f"路径太长（{size} 字节，系统上限为 {MAX_PATH_BYTES} 字节）：{shorten(shown, 80)}"
            )
        try:
            mode = given.stat().st_mode
        except (FileNotFoundError, NotADirectoryError):
            raise InputError(f"找不到文件或文件夹：{shown}") from None
        except OSError as exc:
            raise InputError(f"无法访问 {shown}：{os_reason(exc)}") from None
        if stat.S_ISDIR(mode):
            inside = sorted(_walk(given, notes))
            noted = len(notes)
            kept = _keep_inputs(inside, protected, notes)
            if not kept:
                kinds = "、".join(TABULAR_SUFFIXES)
                skipped = notes[noted:]  # (each file left out says why: empty, the tool's own…)
                why = "；" + "；".join(skipped[:3]) if skipped else ""
                why += f"等 {len(skipped)} 个文件" if len(skipped) > 3 else ""
                raise InputError(f"文件夹 {shown} 中没有可读的导出文件（{kinds}）{why}")
        elif stat.S_ISREG(mode):
            kept = _keep_inputs([given], protected, notes)
        else:
            raise InputError(f"{shown} 既不是文件也不是文件夹")
        for p in kept:
            key = _identity(p)
            if key in found:  # a second link to one file (a hard link, a symlink): read once
                if found[key].path != p:
                    first = found[key].display
                    notes.append(f"文件 {display_path(p)} 与 {first} 是同一个文件，只读一次")
                continue
            found[key] = SourceFile(p, display_path(p))
    if not found:
        raise InputError("没有可读的导出文件" + ("：" + "；".join(notes) if notes else ""))
    return Discovery(tuple(found.values()), tuple(dict.fromkeys(notes)))


def _identity(path: Path) -> object:
    """What names one file whatever the path: its device and inode (hard links share them),
    else its real path."""
    try:
        st = path.stat()
    except OSError:
        return os.path.realpath(path)
    return (st.st_dev, st.st_ino) if st.st_ino else os.path.realpath(path)


def _walk(folder: Path, notes: list[str]) -> Iterator[Path]:
    """Every export-like file under ``folder``; a subfolder that cannot be listed is an error.

    (``Path.rglob`` skips such a folder without a word: its rows would silently vanish.)
    Symlinked folders are followed, each real folder once; a symbolic link to nothing gets a
    note in ``notes``.
    """
    seen: set[tuple[int, int]] = set()
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            st = current.stat()
            if st.st_ino:  # (0 where a file system has no inode numbers)
                if (st.st_dev, st.st_ino) in seen:
                    continue
                seen.add((st.st_dev, st.st_ino))
            with os.scandir(current) as listing:
                entries = list(listing)
        except OSError as exc:
            raise InputError(
                f"无法读取文件夹 {display_path(current)}：{os_reason(exc)}；"
                "其中的导出文件无法统计，请检查权限或把它移出输入文件夹"
            ) from None
        for entry in entries:
            path = current / entry.name
            try:
                is_dir = entry.is_dir()
                is_file = not is_dir and entry.is_file()
            except OSError as exc:
                raise InputError(f"无法访问 {display_path(path)}：{os_reason(exc)}") from None
            exported = path.suffix.lower() in TABULAR_SUFFIXES and not entry.name.startswith(
                (".", "~$")
            )
            if is_dir:
                pending.append(path)
            elif is_file and exported:
                yield path
            elif exported and entry.is_symlink() and not os.path.exists(path):
                notes.append(f"文件 {display_path(path)} 是指向不存在的文件的链接，没有读取")
            elif exported:  # a FIFO, a socket, a device (or a link to one)
                notes.append(f"{display_path(path)} 不是普通文件（如管道或设备），没有读取")


def _keep_inputs(paths: list[Path], protected: Mapping[Path, str], notes: list[str]) -> list[Path]:
    """The paths that are exports; each other one gets a note saying what it is."""
    kept = []
    for p in paths:
        what = next((w for kept_path, w in protected.items() if same_file(p, kept_path)), None)
        if what is not None:
            notes.append(f"文件 {display_path(p)} 是{what}，不作为导出数据读取")
            continue
        if _empty(p):
            notes.append(f"文件 {display_path(p)} 是空文件（0 字节），跳过")
            continue
        marked = written_by_tool(p)
        if marked is not None:
            notes.append(
                f"文件 {display_path(p)} 是 xgedu-stats 写出的{marked}，不作为导出数据读取"
            )
            continue
        if decisions_layout(p):
            notes.append(
                f"文件 {display_path(p)} 是人工判定表（表头有 平台1、平台2、判断），不作为导出数据读取；"
                "要使用它，请在配置 [dedupe] decisions 中指定"
            )
            continue
        kept.append(p)
    return kept


def _empty(path: Path) -> bool:
    try:
        return path.stat().st_size == 0
    except OSError:
        return False  # reading it will say what is wrong


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file: the same inode where both exist, else the same real path."""
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return os.path.normcase(os.path.realpath(a)) == os.path.normcase(os.path.realpath(b))


def read_grid(source: SourceFile, encoding: str | None = None) -> Grid:
    """Read a file by what its bytes are; input files are only ever opened for reading."""
    display = source.display
    try:
        with open(source.path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            data = b""
            if size <= MAX_INPUT_BYTES:
                # (read(n) allocates n bytes at once: ask for the size the file has, then
                # for what it may have grown by since, in pieces)
                pieces = [f.read(size)]
                while (piece := f.read(MiB)) and size <= MAX_INPUT_BYTES:
                    pieces.append(piece)
                    size += len(piece)
                data = pieces[0] if len(pieces) == 1 else b"".join(pieces)
    except OSError as exc:
        raise InputError(f"无法读取文件 {display}：{os_reason(exc)}") from None
    if max(size, len(data)) > MAX_INPUT_BYTES:
        raise InputError(
            f"文件 {display} 大于 {MAX_INPUT_BYTES // 1024**3} GiB（MAX_INPUT_BYTES），"
            "不像是一个导出文件；请检查是否放错了文件，或按月份分开导出"
        )
    if data.startswith(b"PK\x03\x04"):
        sheets = tuple(read_xlsx(data, display))
        notes = tuple(note for sheet in sheets for note in sheet.notes)
        return Grid(source, "xlsx", None, None, sheets, notes)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return Grid(source, "xls", None, None, tuple(read_xls(data, display)))
    if not data or data.isspace():  # (no copy, unlike strip)
        raise InputError(f"文件 {display} 是空的，没有表头")
    if encoding is None and data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        encoding = _utf32(data, display)  # (before UTF-16: FF FE also starts UTF-32-LE's BOM)
    if _starts_markup(data, encoding):
        decoded = _decode_markup(data, display, encoding)
        kind = markup_kind(decoded.text)
        if kind == "spreadsheetml":
            sheets = read_spreadsheetml(decoded.text, display)
        elif kind == "html":
            sheets = read_html(decoded.text, display)
        else:
            raise InputError(f"文件 {display} 是 XML 格式，但不是可识别的 Excel 表格或网页表格")
        notes = tuple(note for sheet in sheets for note in sheet.notes)
        grid = Grid(source, kind, decoded.encoding, None, tuple(sheets), notes)
    else:
        grid = _delimited(source, data, encoding)
    _something_readable(grid)
    return grid


def _decode_markup(data: bytes, display: str, encoding: str | None) -> Decoded:
    """Decode HTML or XML: the configured encoding; else a BOM; else what the file declares
    (``<meta charset>``, ``<?xml encoding?>``) if that decodes it; else as any text file."""
    if encoding is not None or data.startswith(_BOMS):
        return decode(data, display, encoding)
    declared = _declared_charset(data)
    if declared is not None:
        try:
            return decode(data, display, declared)
        except InputError:
            pass  # the file's own declaration is wrong: detect, as for a file without one
    return decode(data, display)


#: Byte order marks: they decide a file's encoding before anything it declares.
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _delimited(source: SourceFile, data: bytes, encoding: str | None) -> Grid:
    utf8 = as_utf8(data, encoding)
    if utf8 is not None:
        text, used = utf8
        delimiter = sniff_delimiter(text[:65536].decode("utf-8", errors="ignore"))
        fast = regular(text, delimiter) or scan(text, delimiter)
        if fast is not None:
            return Grid(source, "csv", used, delimiter, (fast,))
    decoded = decode(data, source.display, encoding)
    delimiter = sniff_delimiter(decoded.text[:65536])
    records, bad, blank = split(decoded, delimiter)
    return Grid(
        source,
        "csv",
        decoded.encoding,
        delimiter,
        (Sheet(name=None, records=records, bad=bad, blank=blank),),
    )


def _utf32(data: bytes, display: str) -> str:
    try:
        data.decode("utf-32")
    except UnicodeDecodeError:
        raise InputError(
            f"文件 {display} 以 UTF-32 标记开头，但内容无法按 UTF-32 解码；请重新导出该文件"
        ) from None
    return "utf-32"


#: Leading bytes before a "<" that still make a file markup (a UTF-8 BOM, spaces).
_MARKUP_START = re.compile(rb"[\xef\xbb\xbf \t\r\n]*<")


def _starts_markup(data: bytes, encoding: str | None) -> bool:
    """Whether the file's text starts with "<" (HTML or XML), in any of its encodings."""
    wide = encoding if encoding and encoding.startswith(("utf-16", "utf-32")) else None
    if wide is None and data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        wide = "utf-16"
    if wide is None:
        return _MARKUP_START.match(data) is not None
    head = data[:4096].decode(wide, errors="ignore")
    return head.lstrip("\ufeff \t\r\n")[:1] == "<"


def _something_readable(grid: Grid) -> None:
    """A file whose every record is bad says so (not that it is empty), with the first reason."""
    sheets = grid.sheets
    if any(s.head for s in sheets) or not any(s.bad for s in sheets):
        return
    bad = [b for s in sheets for b in s.bad]
    first = min(bad, key=lambda b: b.line)
    hint = "请核对文件，或重新导出"
    if first.reason == REASON_NUL:
        hint = (
            "它可能不是文本文件，或是没有 BOM 标记的 UTF-16/UTF-32 文本；"
            "请用 Excel 打开后另存为 CSV（UTF-8），或在配置文件中为该平台设置 encoding"
        )
    raise InputError(
        f"文件 {grid.source.display} 中没有一行能读：全部 {len(bad)} 行都无效"
        f"（第 {first.line} 行：{first.reason}）；{hint}"
    )


def _declared_charset(data: bytes) -> str | None:
    """The charset an HTML or XML file declares about itself, if it is a text encoding."""
    head = data[:2048].decode("ascii", errors="ignore").lower()
    if not head.lstrip().startswith("<"):
        return None
    found = re.search(r"""(?:charset|encoding)\s*=\s*["']?([a-z0-9_\-]+)""", head)
    if not found:
        return None
    name = text_encoding(found.group(1))
    return "gb18030" if name in ("gbk", "gb2312", "gb18030") else name


def to_table(grid: Grid, sheet: Tabular, header_index: int) -> RawTable:
    """The sheet's records under the header at ``header_index`` (an index into its head).

    Records above the header are skipped (and counted); summary rows (合计, 总计 …) and
    blank rows are not data (and are counted); a record with more non-empty fields than
    the header, or fewer fields, is malformed (a spreadsheet's missing trailing cells are
    empty cells, not missing fields).
    """
    if not sheet.head:
        raise InputError(f"文件 {grid.source.display} 是空的，没有表头")
    header_record = sheet.head[header_index]
    header = list(header_record.cells)
    while header and not header[-1].strip():
        header.pop()
    body = sheet.body(header_index)
    judge = _Judge(len(header), grid.type != "csv", grid.delimiter or ",")
    bulk = None if body.bulk is None else judge.frame(body.bulk)
    judge.records(body.others)
    rows = judge.kept_frame()
    if bulk is not None:  # (the records one by one fall between those read in bulk)
        rows = pd.concat([bulk, rows], ignore_index=True)
        rows = rows.sort_values("line", kind="stable", ignore_index=True)
    bad = [*body.bad, *judge.bad]
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
        blank_lines=body.blank,
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
        summary = _summary_rows([arrow_of(frame[name]) for name in names])
        if summary.any():
            self.summary += frame["line"].to_numpy()[summary].tolist()
            frame = frame.iloc[np.flatnonzero(~summary)]
        extra = np.zeros(len(frame), dtype=bool)
        for name in names[self.width :]:
            blank = pc.match_substring_regex(arrow_of(frame[name]), SPACE_ONLY)
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
