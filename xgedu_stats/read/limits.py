"""What a workbook or markup file may make the readers do, and how their failures read.

A small file must not cost gigabytes or hours: a zip part that inflates a thousandfold,
a row numbered 99,999,999,999, a cell that "merges across" two billion columns. The work
each reader does is bounded by the data actually present, under the limits below (the
README lists them). Whatever goes wrong inside a reader (openpyxl's helpers, xlrd, expat,
html.parser, or a limit) leaves it as one ``InputError`` that names the file and sheet.
"""

from __future__ import annotations

from types import TracebackType

from xgedu_stats.errors import InputError

MiB = 1024 * 1024

#: Excel's own limits: no row or column of a real workbook lies beyond them.
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384

#: Cells one file may hold, all sheets (or tables) together, counting the empty cells a
#: gap, a colspan, a rowspan or a MergeAcross puts before or after a value; in an .xlsx
#: also its shared strings.
MAX_CELLS = 5_000_000

#: One input file is read whole into memory: a year's export is a few MB, a million rows
#: about 150 MB. A larger file is not an export (a disk image, a sparse file of NULs).
MAX_INPUT_BYTES = 2 * 1024 * MiB

#: The uncompressed size of one part of an .xlsx (a sheet's XML, the shared strings …).
MAX_PART_BYTES = 512 * MiB

#: An .xlsx part above RATIO_FROM_BYTES may inflate at most this many times its
#: compressed size: real sheets compress 5–20 times, a "zip bomb" of empty rows ~1000.
MAX_COMPRESSION_RATIO = 100
RATIO_FROM_BYTES = 1 * MiB

#: Worksheets (or a page's tables) one file may hold: an export has one to a dozen, and
#: each costs a few milliseconds however small (2,000 took 25 s; 10,000 sheets all pointing
#: at one part, 110 s).
MAX_SHEETS = 1000

#: Markup one file may hold, counted as its '<' (every part an .xlsx reads, each time it is
#: read; a page's text): eight a cell, as many as a full workbook of MAX_CELLS needs. Tags
#: that are not cells cost a parser callback each: 64 MB of '<x/>' took 25 s.
MAX_TAGS = 8 * MAX_CELLS

#: HTML's own limits on a cell's colspan and rowspan (larger values count as these).
MAX_COLSPAN = 1000
MAX_ROWSPAN = 65534

#: Advice for a file too big for the workbook readers: the CSV path has none of these limits.
AS_CSV = "请在 Excel 中把它另存为 CSV 后再统计"


class Unreadable(Exception):
    """A file (or sheet) cannot be read: ``detail`` says why, in Chinese, and ``advice``
    what to do (None: the reader's usual advice for its kind of file)."""

    def __init__(self, detail: str, advice: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.advice = advice


class LimitHit(Unreadable):
    """A limit above was reached."""


def excel_column(index: int) -> str:
    """Column letters for a 1-based index: ``excel_column(16384) == "XFD"``."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def too_many_rows(number: int | str) -> LimitHit:
    return LimitHit(
        f"有行号 {number}，超过 Excel 的最大行数 {MAX_ROWS:,}",
        "这不是 Excel 能写出的表格；请用 Excel 打开后重新保存",
    )


def too_many_columns(where: str) -> LimitHit:
    return LimitHit(
        f"{where}超过 Excel 的最大列数 {MAX_COLUMNS:,}（{excel_column(MAX_COLUMNS)} 列）",
        "这不是 Excel 能写出的表格；请用 Excel 打开后重新保存",
    )


def check_sheets(count: int, what: str = "工作表") -> None:
    """A file holds at most ``MAX_SHEETS`` sheets (or tables): checked before any is read."""
    if count > MAX_SHEETS:
        raise LimitHit(f"中的{what}多于 {MAX_SHEETS:,} 个（一个文件的上限）", AS_CSV)


class Budget:
    """Cells a file may still make (``MAX_CELLS`` in all), spent as a reader makes them;
    and tags it may still hold (``MAX_TAGS``), spent as a reader meets them."""

    def __init__(self) -> None:
        self.left = MAX_CELLS
        self.tags_left = MAX_TAGS

    def spend_tags(self, tags: int) -> None:
        self.tags_left -= tags
        if self.tags_left < 0:
            raise LimitHit(
                f"中的标记（<…>）超过 {MAX_TAGS:,} 个（一个文件的上限；正常的表格每个单元格几个）",
                AS_CSV,
            )

    def spend(self, cells: int) -> None:
        self.left -= cells
        if self.left < 0:
            raise LimitHit(f"中的单元格超过 {MAX_CELLS:,} 个（一个文件各表合计的上限）", AS_CSV)


def shown(text: str | None, limit: int = 40) -> str:
    """A value quoted from a file, in a message: short, printable, on one line."""
    text = "".join(c if c.isprintable() else " " for c in (text or "")[: limit + 1])
    return text if len(text) <= limit else text[:limit] + "…"


def _described(exc: Exception) -> str:
    """What a reader's failure means, in Chinese: the libraries' own words are English."""
    import zipfile
    import zlib
    from xml.parsers.expat import ExpatError

    name = type(exc).__name__
    if isinstance(exc, zipfile.BadZipFile | zlib.error | EOFError):
        return "文件已损坏或不完整"
    if isinstance(exc, ExpatError) or name in ("ParseError", "XMLSyntaxError"):
        return "其中的 XML 格式有误"
    if isinstance(exc, UnicodeError):
        return "含有无法解码的文字"
    if name == "XLRDError" or "xlrd" in type(exc).__module__:
        return "不是可识别的 Excel 97–2003 工作簿，或已损坏"
    if isinstance(exc, KeyError | IndexError | ValueError | TypeError):
        return "内容不符合表格文件的格式"
    return "文件已损坏或格式不对"


class Reading:
    """The one wrapper around every workbook reader: ``with reading:`` around opening a file
    and around reading each sheet (``sheet`` set), so that any failure, at open time or
    while rows are read, becomes one ``InputError`` naming the file and the sheet.

    ``opened``: what a failure to open says (``看起来是 .xlsx，但无法打开``); ``advice``:
    what to do about a file that cannot be read; the library's own failure is described
    in Chinese (``_described``). Set ``open`` once the file is open.
    """

    def __init__(self, display: str, opened: str, advice: str) -> None:
        self.display, self.opened, self.advice = display, opened, advice
        self.sheet: str | None = None
        self.open = False

    def __enter__(self) -> Reading:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool:
        if (
            exc is None
            or isinstance(exc, InputError | MemoryError)
            or not isinstance(exc, Exception)
        ):
            return False  # (MemoryError, KeyboardInterrupt … are not the file's fault)
        raise InputError(self.message(exc)) from None

    def message(self, exc: Exception) -> str:
        where = f"文件 {self.display} "
        if self.sheet is not None:
            where += f"的工作表「{self.sheet}」"
        if isinstance(exc, Unreadable):
            advice = exc.advice or self.advice
            if isinstance(exc, LimitHit):
                return f"{where}{exc.detail}；{advice}"
            if self.open:
                return f"{where}无法读取：{exc.detail}；{advice}"
            return f"{where}{self.opened}（{exc.detail}）；{advice}"
        why = _described(exc)
        if not self.open:
            return f"{where}{self.opened}（{why}）；{self.advice}"
        return f"{where}无法读取（{why}）；{self.advice}"
