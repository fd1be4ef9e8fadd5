"""The mark on every file xgedu-stats writes, and finding it again among the inputs.

A rejects or duplicates file written into the export folder must not be read as an export
on the next run. Text files written to disk start with one marker line (a CSV's first cell,
which a spreadsheet keeps when the clerk saves the file again; an HTML comment in markdown);
workbooks carry it in their document properties (``docProps/core.xml``), which are read here
with ``zipfile`` alone. What goes to stdout carries no mark.
"""

from __future__ import annotations

import html
import re
import zipfile
import zlib
from pathlib import Path

from xgedu_stats import __version__

#: How every marker line starts (``init``'s config starts so too: it counts as a mark).
MARKER_PREFIX = "# xgedu-stats"

#: How much of a text file is read to look for the marker line.
MARKER_BYTES = 4096

#: How much of a workbook part (document properties, the first sheet, the shared strings)
#: is read to find a mark: the properties and a sheet's first cell are near the start.
CORE_XML_LIMIT = 64 * 1024

#: The workbook property holding the marker (Excel shows it as 标记 / Tags).
WORKBOOK_PROPERTY = "keywords"

_WHAT = re.compile("写出：(.+?)（")


def marker_line(what: str) -> str:
    """The first line of a text file the tool writes; no ASCII comma or quote in it.

    >>> marker_line("无效行明细").endswith("写出：无效行明细（统计时不作为导出数据读取）")
    True
    """
    return f"{MARKER_PREFIX} {__version__} 写出：{what}（统计时不作为导出数据读取）"


def marked_as(line: str) -> str | None:
    """What a marker line says the file is (``无效行明细`` …), or None if it is no marker.

    Tolerates what a spreadsheet does to the line when the file is saved again: the cell
    quoted, empty cells of the other columns after it, and a markdown comment around it.

    >>> marked_as('"# xgedu-stats 0.1.0 写出：人工判定表（统计时不作为导出数据读取）",,,')
    '人工判定表'
    >>> marked_as("# xgedu-stats 配置文件（TOML 格式）"), marked_as("标题,日期")
    ('配置文件', None)
    """
    text = line.strip().strip("\ufeff")
    if text.startswith("<!--"):
        text = text[4:].removesuffix("-->").strip()
    text = text.rstrip(",;\t| ").strip('"').strip()
    if not (text == MARKER_PREFIX or text.startswith(MARKER_PREFIX + " ")):
        return None
    found = _WHAT.search(text)
    if found:
        return found.group(1)
    return "配置文件" if "配置文件" in text else "文件"


def written_by_tool(path: Path) -> str | None:
    """What the tool wrote ``path`` as, if it did (from its first bytes); else None.

    A file that cannot be opened is not judged here: reading it reports the error.
    """
    head = _head(path)
    if head is None:
        return None
    if head.startswith(b"PK\x03\x04"):
        return _workbook_mark(path)
    return marked_as(_first_line(head))


#: The columns that make a table a decisions file (``decisions.COLUMNS`` holds them all).
DECISIONS_HEADER = frozenset({"平台1", "平台2", "判断"})


def decisions_layout(path: Path) -> bool:
    """Whether a text file is laid out as a decisions file (a header with 平台1, 平台2 and
    判断 on its first or second line): one a clerk wrote or saved again without the mark.
    Such a file is never an export, and reading it as one fails on its platform."""
    head = _head(path)
    if head is None or head.startswith(b"PK\x03\x04"):
        return False
    lines = _text(head).splitlines()[:2]
    return any(
        {cell.strip().strip('"').strip() for cell in re.split("[,\t;]", line)} >= DECISIONS_HEADER
        for line in lines
    )


def _head(path: Path) -> bytes | None:
    """The first ``MARKER_BYTES`` of a file; None when it cannot be opened (reading it as
    an export will say why)."""
    try:
        with open(path, "rb") as stream:
            return stream.read(MARKER_BYTES)
    except OSError:
        return None


def _text(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head[: len(head) // 2 * 2].decode("utf-16", errors="replace")
    body = head.removeprefix(b"\xef\xbb\xbf")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:  # (cut inside a character, or GBK)
        text = body.decode("utf-8", errors="ignore")
        return text if "平台" in text else body.decode("gb18030", errors="replace")


def _first_line(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" is UTF-16
        text = head[: len(head) // 2 * 2].decode("utf-16", errors="replace")
        return text.split("\n", 1)[0]
    line = head.removeprefix(b"\xef\xbb\xbf").split(b"\n", 1)[0]
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:  # saved again as GBK ("CSV" in a Chinese Excel)
        return line.decode("gb18030", errors="replace")


def _workbook_mark(path: Path) -> str | None:
    """The mark of a workbook: in its document properties (an .xlsx the tool wrote), or as
    the text of the first sheet's cell A1 (a CSV the tool wrote, opened in Excel and saved
    again as .xlsx: the marker line is then that cell)."""
    try:
        with zipfile.ZipFile(path) as book:
            core = _part(book, "docProps/core.xml")
            found = re.search(rf"<(?:\w+:)?{WORKBOOK_PROPERTY}\b[^>]*>([^<]*)<", core or "")
            if found and marked_as(html.unescape(found.group(1))) is not None:
                return marked_as(html.unescape(found.group(1)))
            first = _first_cell_text(book)
    except (
        KeyError,
        OSError,
        EOFError,
        RuntimeError,
        ValueError,
        NotImplementedError,
        zipfile.BadZipFile,
        zlib.error,
    ):
        return None  # not a workbook we wrote; reading it will say what is wrong, if anything
    return marked_as(first) if first is not None else None


def _part(book: zipfile.ZipFile, name: str) -> str | None:
    """The first ``CORE_XML_LIMIT`` bytes of a part, as text; None when it is not there."""
    try:
        info = book.getinfo(name)
    except KeyError:
        return None
    with book.open(info) as stream:
        return stream.read(CORE_XML_LIMIT).decode("utf-8", errors="replace")


_CELL = re.compile(r"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_TEXT = re.compile(r"<(?:\w+:)?t\b[^>]*>([^<]*)<", re.S)
_VALUE = re.compile(r"<(?:\w+:)?v>([^<]*)<")


def _first_cell_text(book: zipfile.ZipFile) -> str | None:
    """The text of cell A1 of the first worksheet, read from the first bytes of the sheet
    (and of the shared strings, where Excel keeps a cell's text); None when A1 is empty."""
    sheets = sorted(n for n in book.namelist() if re.fullmatch(r"xl/worksheets/[^/]+\.xml", n))
    if not sheets:
        return None
    name = "xl/worksheets/sheet1.xml" if "xl/worksheets/sheet1.xml" in sheets else sheets[0]
    sheet = _part(book, name) or ""
    cell = _CELL.search(sheet)
    if cell is None or not re.search(r'\br="A1"', cell.group(1)):
        return None
    body = cell.group(2) or ""
    kind = re.search(r'\bt="([^"]*)"', cell.group(1))
    if kind and kind.group(1) == "s":
        index = _VALUE.search(body)
        strings = _part(book, "xl/sharedStrings.xml") or ""
        items = re.findall(r"<(?:\w+:)?si\b.*?</(?:\w+:)?si>", strings, re.S)
        if index is None or not index.group(1).isdigit() or int(index.group(1)) >= len(items):
            return None
        return html.unescape("".join(_TEXT.findall(items[int(index.group(1))])))
    texts = _TEXT.findall(body) or [v for v in _VALUE.findall(body)]
    return html.unescape("".join(texts)) if texts else None
