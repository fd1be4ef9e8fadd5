""".xlsx (and .xlsm): the zip's XML parts read as a stream, every part and cell counted.

openpyxl's read-only reader is not used for rows: it fills every missing row one by one
(``<row r="99999999999">`` took hours), builds a whole ``<row>`` element before looking
at it, and raises on a cell it cannot read after the file is open. Here expat streams
each part in chunks; a gap between rows is counted, not filled; a cell that cannot be
read rejects its row (with the reason) and the rest of the sheet is read; a limit
(``limits``) stops the file with one clear line. Values read as openpyxl reads them
(``data_only``): numbers, dates by the cell's number format (openpyxl's own tests of a
format), shared and inline strings, booleans, errors, a formula's cached value.
"""

from __future__ import annotations

import functools
import io
import posixpath
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from xgedu_stats.read.excel_numbers import (
    BUILTIN_FORMATS,
    MAC_EPOCH,
    WINDOWS_EPOCH,
    from_excel,
    from_iso8601,
    is_date_format,
    is_timedelta_format,
)
from xgedu_stats.read.limits import (
    MAX_COLUMNS,
    MAX_COMPRESSION_RATIO,
    MAX_PART_BYTES,
    MAX_ROWS,
    RATIO_FROM_BYTES,
    Budget,
    LimitHit,
    MiB,
    Reading,
    Unreadable,
    check_sheets,
    excel_column,
    shown,
    too_many_columns,
    too_many_rows,
)
from xgedu_stats.read.sheets import Sheet, SheetRows, cell_text, whole_number, xml_parser

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

#: Read a part this many bytes at a time.
CHUNK = 1 << 20
#: Excel allows 64,000 cell formats; more ``<xf>`` than this is not a workbook.
MAX_FORMATS = 65_536

_ROW, _C, _V, _IS, _T, _RPH, _SI, _F = (
    f"{MAIN} {t}" for t in ("row", "c", "v", "is", "t", "rPh", "si", "f")
)
_REF = re.compile(r"\$?([A-Za-z]+)\$?[0-9]+")
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_SURROGATE = re.compile("[\ud800-\udfff]")


def read_xlsx(data: bytes, display: str) -> list[Sheet]:
    """Every worksheet of an .xlsx, rows numbered as Excel shows them.

    >>> from pathlib import Path
    >>> book = Path("tests/fixtures/formats/头条_文章列表.xlsx").read_bytes()
    >>> [(r.line, r.cells[:2]) for r in read_xlsx(book, "头条.xlsx")[0].records[:2]]
    [(1, ['今日头条 文章数据 2018-01-01 至 2018-12-31']), (3, ['标题', 'ID'])]
    """
    reading = Reading(display, "看起来是 .xlsx，但无法打开", "请用 Excel 打开后重新保存")
    budget = Budget()
    with reading:
        book = _Book(zipfile.ZipFile(io.BytesIO(data)), budget)
    reading.open = True
    sheets = []
    for name, part in book.sheets:
        reading.sheet = name
        with reading:
            rows = SheetRows(name, budget, gaps_blank=True)  # (as Excel shows them: empty)
            uncached = _read_sheet(book, part, rows)
            notes = []
            if name in book.hidden:
                notes.append(
                    f"文件 {display} 的工作表「{shown(name)}」在 Excel 中是隐藏的；本工具照常读取隐藏的工作表"
                )
            if uncached.count:
                notes.append(
                    f"文件 {display} 的工作表「{shown(name)}」中有 {uncached.count} 个公式单元格"
                    f"（如 {uncached.first}）没有保存计算结果，按空白读取；"
                    "请用 Excel 或 WPS 打开这个文件后保存一次，再统计"
                )
            sheets.append(rows.sheet(tuple(notes)))
    return sheets


def _unescape(text: str) -> str:
    """Excel writes a control character as ``_xHHHH_`` (and a literal ``_x`` as ``_x005F_x``).

    An escaped UTF-16 surrogate pair becomes its character; a lone surrogate, which no
    text may hold, becomes U+FFFD:

    >>> _unescape("a_x000D_b_x005F_x _xD83D__xDE00_ _xD800_")
    'a\\rb_x 😀 \\ufffd'
    """
    if "_x" not in text:
        return text
    text = _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)
    if _SURROGATE.search(text):
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return text


class _Book:
    """The parts every sheet needs: sheet names and parts, shared strings, date formats."""

    def __init__(self, archive: zipfile.ZipFile, budget: Budget) -> None:
        self.archive, self.budget = archive, budget
        names = set(archive.namelist())
        main = _targets(self, "_rels/.rels", "").get(f"{DOC_RELS}/officeDocument")
        workbook = main[0] if main else "xl/workbook.xml"
        if workbook.endswith(".bin"):
            raise Unreadable(
                "是 Excel 二进制工作簿（.xlsb），本工具读不了", "请用 Excel 另存为 .xlsx 或 CSV"
            )
        if workbook not in names:
            raise Unreadable("缺少工作簿内容（xl/workbook.xml）")
        base = posixpath.dirname(workbook)
        rels_name = posixpath.join(base, "_rels", posixpath.basename(workbook) + ".rels")
        by_id: dict[str, tuple[str, str]] = {}
        rel_types = _targets(self, rels_name, base, by_id)
        self.hidden: set[str] = set()
        listed, self.epoch = _workbook(self, workbook)
        self.sheets: list[tuple[str, str]] = []
        for name, rel in listed:
            kind, target = by_id.get(rel, ("", ""))
            if kind == f"{DOC_RELS}/chartsheet":
                continue  # a chart, not a table
            if target not in names:
                raise Unreadable(f"工作表「{name}」的内容缺失")
            self.sheets.append((name, target))
        if not self.sheets:
            raise Unreadable("其中没有工作表")
        check_sheets(len(self.sheets))
        strings = rel_types.get(f"{DOC_RELS}/sharedStrings", [])
        self.strings = _shared_strings(self, strings[0]) if strings and strings[0] in names else []
        styles = rel_types.get(f"{DOC_RELS}/styles", [])
        self.dates, self.durations = (
            _date_styles(self, styles[0]) if styles and styles[0] in names else (set(), set())
        )

    def date(self, number: float, style: str) -> Any:
        """A number in a date style: the date (or time, or duration) Excel shows."""
        try:
            return from_excel(number, self.epoch, timedelta=style in self.durations)
        except (OverflowError, ValueError):
            return number  # not a date Excel can show: the number, for the reader to judge

    def stream(
        self,
        name: str,
        start: Callable[[str, dict[str, str]], None],
        end: Callable[[str], None] | None = None,
        text: Callable[[str], None] | None = None,
    ) -> None:
        """Parse one part, checking its size as the zip states it and as it inflates."""
        info = self.archive.getinfo(name)
        _check_size(name, info.file_size, info.compress_size)
        parser = xml_parser()
        parser.StartElementHandler = start
        if end is not None:
            parser.EndElementHandler = end
        if text is not None:
            parser.CharacterDataHandler = text
        seen = 0
        with self.archive.open(info) as part:
            while chunk := part.read(CHUNK):
                seen += len(chunk)  # (a zip's stated sizes can lie: count what comes out)
                self.budget.spend_tags(chunk.count(b"<"))
                if seen > info.file_size:  # (so the checks above hold for what is read)
                    raise Unreadable(f"{name} 解压后比 zip 中记载的 {info.file_size:,} 字节长")
                parser.Parse(chunk, False)
        parser.Parse(b"", True)


def _check_size(name: str, size: int, compressed: int) -> None:
    if size > MAX_PART_BYTES:
        raise LimitHit(
            f"中的 {name} 解压后超过 {_bytes(MAX_PART_BYTES)}（每个组成部分的上限）",
            "请在 Excel 中把它另存为 CSV 后再统计",
        )
    if size > RATIO_FROM_BYTES and size > MAX_COMPRESSION_RATIO * max(compressed, 1):
        raise LimitHit(
            f"中的 {name} 压缩了 {size // max(compressed, 1)} 倍以上（上限 {MAX_COMPRESSION_RATIO} 倍），"
            "像是恶意构造的“压缩炸弹”",
            "不是正常导出的文件，请核对来源；确是导出的表格，请在 Excel 中另存为 CSV 后再统计",
        )


def _bytes(size: int) -> str:
    return f"{size // MiB:,} MiB" if size % MiB == 0 else f"{size:,} 字节"


def _targets(
    book: _Book, name: str, base: str, by_id: dict[str, tuple[str, str]] | None = None
) -> dict[str, list[str]]:
    """A relationships part: targets by type (paths inside the zip), and by id into ``by_id``."""
    found: dict[str, list[str]] = {}
    if name not in book.archive.namelist():
        return found

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag == f"{RELS} Relationship" and attrs.get("TargetMode") != "External":
            target = attrs.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.join(base, target)
            path = posixpath.normpath(path)
            found.setdefault(attrs.get("Type", ""), []).append(path)
            if by_id is not None:
                by_id[attrs.get("Id", "")] = (attrs.get("Type", ""), path)

    book.stream(name, start)
    return found


def _workbook(book: _Book, name: str) -> tuple[list[tuple[str, str]], datetime]:
    """The sheets listed in the workbook (name, relationship id), and its date epoch; the
    names of hidden sheets go into ``book.hidden``."""
    sheets: list[tuple[str, str]] = []
    epoch = [WINDOWS_EPOCH]

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag == f"{MAIN} sheet":
            sheets.append((attrs.get("name", ""), attrs.get(f"{DOC_RELS} id", "")))
            if attrs.get("state") in ("hidden", "veryHidden"):
                book.hidden.add(attrs.get("name", ""))
        elif tag == f"{MAIN} workbookPr" and attrs.get("date1904") in ("1", "true"):
            epoch[0] = MAC_EPOCH

    book.stream(name, start)
    return sheets, epoch[0]


def _shared_strings(book: _Book, name: str) -> list[str]:
    """Each ``<si>``'s text: its ``<t>`` pieces, not the phonetic guide (``<rPh>``)."""
    strings: list[str] = []
    pieces: list[str] = []
    state = [0, 0]  # (inside a <t> to read, inside <rPh>)

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag == _T:
            state[0] = not state[1]
        elif tag == _RPH:
            state[1] = 1

    def end(tag: str) -> None:
        if tag == _T:
            state[0] = 0
        elif tag == _RPH:
            state[1] = 0
        elif tag == _SI:
            strings.append(_unescape("".join(pieces)))
            pieces.clear()
            book.budget.spend(1)

    def text(data: str) -> None:
        if state[0]:
            pieces.append(data)

    book.stream(name, start, end, text)
    return strings


def _date_styles(book: _Book, name: str) -> tuple[set[str], set[str]]:
    """The cell styles (``s``) whose number format shows a date, and those showing a duration."""
    custom: dict[str, str] = {}
    formats: list[str] = []
    inside = [False]

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag == f"{MAIN} numFmt":
            custom[attrs.get("numFmtId", "")] = attrs.get("formatCode", "")
        elif tag == f"{MAIN} cellXfs":
            inside[0] = True
        elif tag == f"{MAIN} xf" and inside[0]:
            formats.append(attrs.get("numFmtId", "0"))
            if len(formats) > MAX_FORMATS:
                raise Unreadable(f"样式表中的单元格格式超过 {MAX_FORMATS:,} 个")

    def end(tag: str) -> None:
        if tag == f"{MAIN} cellXfs":
            inside[0] = False

    book.stream(name, start, end)
    dates, durations = set(), set()
    for index, number in enumerate(formats):
        code = custom.get(number)
        if code is None:
            code = BUILTIN_FORMATS.get(int(number)) if number.isdigit() else None
        if is_date_format(code):
            dates.add(str(index))
        if is_timedelta_format(code):
            durations.add(str(index))
    return dates, durations


@dataclass
class _Uncached:
    """Formula cells with no stored result (a workbook written by a program that does not
    calculate): how many, and the first one's reference."""

    count: int = 0
    first: str = ""


def _read_sheet(book: _Book, part: str, rows: SheetRows) -> _Uncached:
    """Stream one worksheet's ``<row>`` and ``<c>`` elements into ``rows``; returns its
    formula cells without a stored result (read as blank).

    The callbacks run once per element of a sheet that may hold millions: they keep their
    state in local variables and do the common case (a number, a shared string, the next
    column) inline; anything else goes to ``_value`` and ``_placed``.
    """
    strings, dates = book.strings, book.dates
    columns = _columns()
    number = column = 0  # the current row's number; the current cell's column (1-based)
    cells: list[str] = []
    problem: str | None = None  # why the current row cannot be read
    in_row = reading = inline = phonetic = False  # inside <row>, the <v>/<t> to read, <is>, <rPh>
    ref = kind = style = ""
    pieces: list[str] = []
    formula = valued = False  # the current cell has an <f>, a <v>
    uncached = _Uncached()

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal number, column, cells, problem, in_row, reading, inline, phonetic
        nonlocal ref, kind, style, pieces, formula, valued
        if tag == _C:
            if not in_row:
                return
            ref, kind, style = attrs.get("r", ""), attrs.get("t", "n"), attrs.get("s", "")
            pieces, formula, valued = [], False, False
            if not ref:
                column += 1
                ref = f"{excel_column(column)}{number}"
            else:
                letters = ref.rstrip("0123456789")
                found = columns.get(letters) if len(letters) < len(ref) else None
                if found is None:
                    found, why = _placed(ref, column)
                    if problem is None:
                        problem = why
                column = found
            if column > MAX_COLUMNS:
                raise too_many_columns(f"第 {number} 行的单元格")
        elif tag == _V:
            reading = valued = in_row
        elif tag == _F:
            formula = True
        elif tag == _ROW:
            given = attrs.get("r")
            found = number + 1 if given is None else whole_number(given)
            if not found:
                raise Unreadable(f"第 {rows.count + 1} 个 <row> 的行号「{shown(given)}」不是正整数")
            if found > MAX_ROWS:
                raise too_many_rows(found if given is None else shown(given.strip()))
            number, cells, problem, column, in_row = found, [], None, 0, True
        elif tag == _T:
            reading = inline and not phonetic
        elif tag == _IS:
            inline = True
        elif tag == _RPH:
            phonetic = True

    def end(tag: str) -> None:
        nonlocal reading, inline, phonetic, in_row, problem
        if tag == _C:
            if not in_row:
                return
            raw = "".join(pieces)
            # (no <v>, or an empty one that is no string's: the result was never stored)
            if formula and not (valued and (raw or kind == "str")):
                uncached.count += 1
                uncached.first = uncached.first or ref
            short = len(raw) < 16 and raw.isascii() and raw.isdigit()
            if short and kind == "s" and int(raw) < len(strings):
                value = strings[int(raw)]
            elif short and kind == "n" and style not in dates:
                value = str(int(raw))
            else:
                value, why = _value(book, raw, kind, style, ref)
                if why is not None and problem is None:
                    problem = why
            at = column - 1
            if at == len(cells):
                cells.append(value)
            elif at > len(cells):
                cells.extend([""] * (at - len(cells)))
                cells.append(value)
            else:
                cells[at] = value
        elif tag in (_V, _T):
            reading = False
        elif tag == _ROW and in_row:  # (not again for a <row> that held another)
            in_row = False
            rows.budget.spend(len(cells))  # (at most MAX_COLUMNS made before this)
            rows.add(number, cells, problem)
        elif tag == _IS:
            inline = False
        elif tag == _RPH:
            phonetic = False

    def text(data: str) -> None:
        if reading:
            pieces.append(data)

    book.stream(part, start, end, text)
    return uncached


def _placed(ref: str, column: int) -> tuple[int, str | None]:
    """The column of a reference like ``$b$7`` (unusual but readable), or the next column
    and why the row cannot be read (``ZZZZ2``, ``7B``)."""
    found = _REF.fullmatch(ref)
    letters = found.group(1).upper() if found else ""
    if not found:
        return column + 1, f"单元格引用「{shown(ref)}」无效"
    at = _column(letters) if len(letters) <= 3 else MAX_COLUMNS + 1
    if at > MAX_COLUMNS:
        return column + 1, f"单元格 {shown(ref)} 超出 Excel 的最大列 {excel_column(MAX_COLUMNS)}"
    return at, None


def _value(book: _Book, raw: str, kind: str, style: str, ref: str) -> tuple[str, str | None]:
    """A cell's text as a person sees it, and why it cannot be read (None: it can)."""
    if kind == "inlineStr" or kind == "str":
        return _unescape(raw), None
    if not raw:
        return "", None
    value: Any
    try:
        if kind == "n":
            value = float(raw) if "." in raw or "e" in raw or "E" in raw else int(raw)
            if style in book.dates:
                value = book.date(value, style)
        elif kind == "s":
            index = int(raw)
            if index < 0:
                raise IndexError(index)
            value = book.strings[index]
        elif kind == "b":
            value = bool(int(raw))
        elif kind == "d":
            value = from_iso8601(raw)
        else:  # "e" (#N/A …) and anything else: the text as written
            return raw, None
    except (ValueError, IndexError, OverflowError):
        at, said = shown(ref), shown(raw)
        why = {
            "n": f"单元格 {at} 标为数字，内容却是「{said}」",
            "s": f"单元格 {at} 引用的共享字符串「{said}」不存在（共 {len(book.strings)} 个）",
            "b": f"单元格 {at} 标为逻辑值，内容却是「{said}」",
            "d": f"单元格 {at} 标为日期，内容却是「{said}」",
        }[kind]
        return raw, why
    return cell_text(value), None


@functools.cache
def _columns() -> dict[str, int]:
    """Every column's letters, A to XFD, and its number."""
    return {excel_column(i): i for i in range(1, MAX_COLUMNS + 1)}


def _column(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number
