"""HTML tables and SpreadsheetML (Excel 2003 XML): what government CMSs save as ".xls".

Both are read as a stream, every cell counted against the file's budget, every index and
span checked against the limits before anything is made. SpreadsheetML by expat; HTML by a
small tokenizer of our own (``_LinearHTML``) that reads each character once: the standard
library's html.parser takes quadratic time on unfinished tags and comments (``'<a ' *
20000``, 60 KB: over a minute), which a hostile or broken export must not cost.
"""

from __future__ import annotations

import html
import re
import xml.parsers.expat

from xgedu_stats.errors import InputError
from xgedu_stats.read.limits import (
    AS_CSV,
    MAX_COLSPAN,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_ROWSPAN,
    Budget,
    LimitHit,
    Reading,
    Unreadable,
    check_sheets,
    shown,
    too_many_columns,
    too_many_rows,
)
from xgedu_stats.read.sheets import Sheet, SheetRows, whole_number, xml_parser

# --- HTML ---------------------------------------------------------------------------------


class _Table:
    """One <table> being read: its rows, the cell open now, the slots rowspans cover."""

    def __init__(self) -> None:
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None
        self.colspan = self.rowspan = 1
        self.covered: dict[int, int] = {}  # column -> the last row a rowspan covers it in
        self.closed = False

    def close_cell(self, budget: Budget) -> None:
        if self.cell is None:
            return
        text = " ".join("".join(self.cell).split())
        self.cell = None
        row, r = self.rows[-1], len(self.rows) - 1
        before = len(row)
        while self.covered.get(len(row), -1) >= r:  # a cell above spans down into this slot
            row.append("")
        column = len(row)
        if column + self.colspan > MAX_COLUMNS:
            raise too_many_columns(f"第 {r + 1} 行")
        budget.spend(column - before + self.colspan)
        row.append(text)
        row.extend([""] * (self.colspan - 1))  # a merged cell's value sits in its first column
        if self.rowspan != 1:
            last = r + self.rowspan - 1 if self.rowspan else MAX_ROWS  # (0: to the table's end)
            for c in range(column, column + self.colspan):
                self.covered[c] = max(self.covered.get(c, -1), last)


def _span(value: str | None, most: int, zero: int) -> int:
    """HTML's rules for colspan/rowspan: leading digits count, out of range is clamped."""
    text = (value or "").strip()
    digits = text[: len(text) - len(text.lstrip("0123456789"))] if text else ""
    if not digits:
        return 1
    number = whole_number(digits) or 0
    return zero if number == 0 else min(number, most)


_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:._-]*)")
_ATTRIBUTE = re.compile(r"""([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
#: Elements whose content is not markup (html.parser's CDATA_CONTENT_ELEMENTS): skipped;
#: and elements whose content is text only (RCDATA): read as text, tags and all.
_RAW_TEXT = ("script", "style")
_TEXT_ONLY = ("textarea", "title")
_ENDS = {n: re.compile(rf"</{n}(?:[\s/][^>]*)?>", re.I) for n in (*_RAW_TEXT, *_TEXT_ONLY)}
#: Attributes read of one tag (tables need two: colspan and rowspan).
MAX_ATTRIBUTES = 64


class _Next:
    """Where a pattern next occurs at or after a position, searching each stretch of text
    once: a search from ``p`` that found ``f`` answers every later call from ``p``…``f``,
    and one that found nothing answers every later call."""

    def __init__(self, text: str, pattern: str) -> None:
        self.text, self.pattern = text, re.compile(pattern)
        self.since, self.found, self.none_from = -1, -1, len(text) + 1

    def __call__(self, position: int) -> int:
        if position >= self.none_from:
            return -1
        if self.since <= position <= self.found:
            return self.found
        match = self.pattern.search(self.text, position)
        if match is None:
            self.none_from = position
            return -1
        self.since, self.found = position, match.start()
        return self.found


class _LinearHTML:
    """A tokenizer for what tables need (start and end tags with their attributes, text),
    calling ``handle_starttag``, ``handle_endtag`` and ``handle_data`` as html.parser does,
    in time linear in the text: every search starts after the last one ended.

    Comments (``<!-->`` and ``<!--->`` are empty ones), declarations (``<!DOCTYPE>``,
    ``<![CDATA[``) and processing instructions are skipped; a ``<`` that starts no tag is
    text; a ``>`` inside a quoted attribute value does not end its tag; a tag left open at
    the end is dropped; character references are converted in text and attribute values;
    the content of ``<script>`` and ``<style>`` is skipped, that of ``<textarea>`` and
    ``<title>`` is text.
    """

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None: ...

    def handle_endtag(self, tag: str) -> None: ...

    def handle_data(self, data: str) -> None: ...

    def feed(self, text: str) -> None:
        n = len(text)
        pos = 0
        edge = _Next(text, "[>\"']")  # what ends a tag, or starts a quoted value in it
        quotes = {q: _Next(text, q) for q in "\"'"}
        closer = _Next(text, ">")
        while pos < n:
            lt = text.find("<", pos)
            if lt < 0:
                self._text(text[pos:])
                break
            if lt > pos:
                self._text(text[pos:lt])
            if text.startswith("<!--", lt):
                if text.startswith(("<!-->", "<!--->"), lt):  # (HTML's abrupt empty comments)
                    pos = lt + (5 if text.startswith("<!-->", lt) else 6)
                    continue
                end = text.find("-->", lt + 4)
                pos = n if end < 0 else end + 3
                continue
            tag = _TAG.match(text, lt)
            start = tag.end() if tag else lt + 1
            if tag is None and not text.startswith(("<!", "<?"), lt):
                self._text("<")  # a '<' that starts nothing: text
                pos = lt + 1
                continue
            if tag is None:  # a declaration or a processing instruction: to the next '>'
                end = closer(start)
                if end < 0:
                    break
                pos = end + 1
                continue
            end = self._tag_end(start, edge, quotes, closer)
            if end < 0:
                break  # a tag left open at the end of the file
            name = tag.group(2).lower()
            pos = end + 1
            if tag.group(1):
                self.handle_endtag(name)
                continue
            self.handle_starttag(name, _attributes(text, start, end))
            if name in _ENDS:
                found = _ENDS[name].search(text, pos)
                stop = n if found is None else found.start()
                if name in _TEXT_ONLY:
                    self._text(text[pos:stop])
                pos = n if found is None else found.end()
                if found is not None and name in _TEXT_ONLY:
                    self.handle_endtag(name)

    @staticmethod
    def _tag_end(start: int, edge: _Next, quotes: dict[str, _Next], closer: _Next) -> int:
        """Where the tag whose attributes begin at ``start`` ends: the first '>' outside
        quotes; with a quote never closed, the first '>' (as if it were not a quote)."""
        at = start
        while True:
            found = edge(at)
            if found < 0:
                return -1
            mark = edge.text[found]
            if mark == ">":
                return found
            closing = quotes[mark](found + 1)
            if closing < 0:
                return closer(start)
            at = closing + 1

    def _text(self, data: str) -> None:
        self.handle_data(html.unescape(data) if "&" in data else data)

    def close(self) -> None:
        pass


def _attributes(text: str, start: int, end: int) -> list[tuple[str, str | None]]:
    """The first ``MAX_ATTRIBUTES`` attributes of a tag (``text[start:end]``)."""
    out: list[tuple[str, str | None]] = []
    for m in _ATTRIBUTE.finditer(text, start, end):
        value = next((v for v in m.group(2, 3, 4) if v is not None), None)
        out.append((m.group(1).lower(), html.unescape(value) if value else value))
        if len(out) == MAX_ATTRIBUTES:
            break
    return out


class _Tables(_LinearHTML):
    """Every <table>'s rows of cell texts; a colspan or rowspan leaves empty cells in the
    slots it covers, so the columns below a merged header cell stay in line."""

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.tables: list[_Table] = []  # in the order they end (an inner table first)
        self._stack: list[_Table] = []
        self.started = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.started += 1
            check_sheets(self.started, "表格")  # (empty ones too: each costs a little)
            self._stack.append(_Table())
            return
        if not self._stack:
            return
        table = self._stack[-1]
        if tag == "tr":
            table.close_cell(self.budget)
            table.rows.append([])
            if len(table.rows) > MAX_ROWS:
                raise LimitHit(f"中的表格超过 {MAX_ROWS:,} 行", AS_CSV)
        elif tag in ("td", "th"):
            table.close_cell(self.budget)
            if not table.rows:
                table.rows.append([])
            table.cell = []
            given = dict(attrs)
            table.colspan = _span(given.get("colspan"), MAX_COLSPAN, 1)
            table.rowspan = _span(given.get("rowspan"), MAX_ROWSPAN, 0)
        elif tag == "br" and table.cell is not None:
            table.cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if not self._stack:
            return
        if tag in ("td", "th"):
            self._stack[-1].close_cell(self.budget)
        elif tag == "table":
            table = self._stack.pop()
            table.close_cell(self.budget)
            table.closed = True
            self.tables.append(table)

    def handle_data(self, data: str) -> None:
        if self._stack and self._stack[-1].cell is not None:
            self._stack[-1].cell.append(data)

    def close(self) -> None:
        super().close()
        while self._stack:  # a file that ends inside a table: what was read of it still counts
            table = self._stack.pop()
            table.close_cell(self.budget)
            self.tables.append(table)


def read_html(text: str, display: str) -> list[Sheet]:
    """Every table with some text in it, one sheet each (named 表格1, 表格2 … when several)."""
    budget = Budget()
    reading = Reading(display, "是网页（HTML）格式，但无法读取", "请重新导出该文件")
    reading.open = True
    with reading:
        budget.spend_tags(text.count("<"))
        parser = _Tables(budget)
        parser.feed(text)
        parser.close()
    tables = [t for t in parser.tables if any(any(c.strip() for c in row) for row in t.rows)]
    if not tables:
        raise InputError(f"文件 {display} 是网页（HTML）格式，但其中没有表格")
    named = len(tables) > 1
    with reading:
        check_sheets(len(tables), "表格")
    sheets = []
    for i, table in enumerate(tables, start=1):
        name = f"表格{i}" if named else None
        reading.sheet = name
        with reading:
            rows = SheetRows(name, budget)
            for number, cells in enumerate(table.rows, start=1):
                rows.add(number, cells)
            notes = () if table.closed else (_unclosed(display, name, len(table.rows)),)
            sheets.append(rows.sheet(notes))
    return sheets


def _unclosed(display: str, name: str | None, rows: int) -> str:
    where = f"文件 {display} 的「{name}」" if name else f"文件 {display} 中的表格"
    return (
        f"{where}没有结束标记 </table>，文件可能不完整（被截断）；已照常读取其中的 {rows} 行，"
        f"最后一行（第 {rows} 行）可能不全，请核对或重新导出"
    )


# --- SpreadsheetML (Excel 2003 XML) -------------------------------------------------------

_SS = "urn:schemas-microsoft-com:office:spreadsheet"
_WORKSHEET, _ROW, _CELL, _DATA = (f"{_SS} {t}" for t in ("Worksheet", "Row", "Cell", "Data"))
_INDEX, _MERGE, _NAME, _TYPE = (f"{_SS} {a}" for a in ("Index", "MergeAcross", "Name", "Type"))

#: Feed expat this many characters at a time.
_CHUNK = 1 << 20


class _Workbook2003:
    """Streams Workbook/Worksheet/Table/Row/Cell/Data, honouring ss:Index and ss:MergeAcross."""

    def __init__(self, reading: Reading, budget: Budget) -> None:
        self.reading, self.budget = reading, budget
        self.sheets: list[Sheet] = []
        self.rows: SheetRows | None = None
        self.depth = 0
        self.number = 0  # the current row's number
        self.cells: list[str] | None = None  # the current row's cells (None: not in a row)
        self.problem: str | None = None
        self.column = 0  # the column after the last cell placed (merges included)
        self.cell_at = 0  # the depth of the open <Cell> (0: none)
        self.data_at = 0  # the depth of the <Data> being read (0: none)
        self.boolean = False  # whether the cell's <Data> is ss:Type="Boolean"
        self.index = self.merge = 0
        self.pieces: list[str] = []

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        self.depth += 1
        if tag == _CELL and self.cells is not None:
            self.cell_at, self.pieces = self.depth, []
            self.index = self._position(attrs.get(_INDEX), "ss:Index", self.column + 1, 1)
            self.merge = self._position(attrs.get(_MERGE), "ss:MergeAcross", 0, 0)
            if self.index + self.merge > MAX_COLUMNS:
                at = f"ss:Index={self.index}" if self.merge == 0 else f"ss:MergeAcross={self.merge}"
                raise too_many_columns(f"第 {self.number} 行的单元格（{at}）")
        elif tag == _DATA and self.cell_at and self.depth == self.cell_at + 1:
            self.data_at = self.depth
            self.boolean = attrs.get(_TYPE) == "Boolean"
        elif tag == _ROW and self.rows is not None:
            given = attrs.get(_INDEX)
            number = self.number + 1 if given is None else whole_number(given)
            if not number:
                raise Unreadable(
                    f"第 {self.rows.count + 1} 个 <Row> 的 ss:Index「{shown(given)}」不是正整数"
                )
            if number > MAX_ROWS:
                raise too_many_rows(number if given is None else given.strip())
            self.number, self.cells, self.problem, self.column = number, [], None, 0
        elif tag == _WORKSHEET:
            check_sheets(len(self.sheets) + 1)
            name = attrs.get(_NAME)
            self.reading.sheet = name
            self.rows, self.number = SheetRows(name, self.budget), 0

    def _position(self, given: str | None, attribute: str, default: int, least: int) -> int:
        if given is None:
            return default
        number = whole_number(given)
        if number is None or number < least:
            if self.problem is None:
                kind = "正整数" if least else "整数"
                self.problem = (
                    f"第 {self.column + 1} 列单元格的 {attribute}「{shown(given)}」不是{kind}"
                )
            return default
        return number

    def end(self, tag: str) -> None:
        if tag == _DATA and self.depth == self.data_at:
            self.data_at = 0
        elif tag == _CELL and self.depth == self.cell_at and self.cells is not None:
            self.cell_at = 0
            cells, at = self.cells, self.index - 1
            end = at + 1 + self.merge
            if end > len(cells):
                self.budget.spend(end - len(cells))
                cells.extend([""] * (end - len(cells)))
            cells[at] = "".join(self.pieces)
            if self.boolean:  # (a logical value reads as Excel shows it, not as 1 or 0)
                cells[at] = {"1": "TRUE", "0": "FALSE"}.get(cells[at].strip(), cells[at])
                self.boolean = False
            self.column = end
        elif tag == _ROW and self.cells is not None and self.rows is not None:
            self.rows.add(self.number, self.cells, self.problem)
            self.cells = None
        elif tag == _WORKSHEET and self.rows is not None:
            self.sheets.append(self.rows.sheet())
            self.rows, self.cells = None, None
            self.reading.sheet = None
        self.depth -= 1

    def text(self, data: str) -> None:
        if self.data_at:
            self.pieces.append(data)


def read_spreadsheetml(text: str, display: str) -> list[Sheet]:
    """Excel 2003 XML, from its decoded text (expat is told it is text, whatever the file's
    own declaration says)."""
    reading = Reading(
        display, "是 Excel 2003 XML 格式，但无法读取", "请重新导出该文件，或用 Excel 另存为 .xlsx"
    )
    reading.open = True
    book = _Workbook2003(reading, Budget())
    parser = xml_parser()
    parser.StartElementHandler = book.start
    parser.EndElementHandler = book.end
    parser.CharacterDataHandler = book.text
    with reading:
        book.budget.spend_tags(text.count("<"))
        try:
            for at in range(0, len(text), _CHUNK):
                parser.Parse(text[at : at + _CHUNK], False)
            parser.Parse("", True)
        except xml.parsers.expat.ExpatError as exc:
            raise InputError(
                f"文件 {display} 是 Excel 2003 XML 格式，但内容不完整（{exc}）；请重新导出"
            ) from None
    if not book.sheets:
        raise InputError(f"文件 {display} 是 XML 格式，但不是可识别的 Excel 表格")
    return book.sheets


# --- which markup -------------------------------------------------------------------------

_PROLOG_SPACE = re.compile(r"[\ufeff \t\r\n]*")
_ROOT = re.compile(r"<([A-Za-z_][\w.:-]*)")
_DOCTYPE_END = re.compile(r"[\[>]")
_SUBSET_END = re.compile(r"\]\s*>")
_HTML = re.compile(r"<(html|table|!doctype|body|meta|head)\b")


def markup_kind(text: str) -> str | None:
    """``"spreadsheetml"``, ``"html"`` or None, for text that starts with "<".

    SpreadsheetML is a ``Workbook`` root element (any prefix) in Excel's namespace, found
    after whatever prolog comes first (a DOCTYPE, comments: of any length). HTML is an
    HTML-looking tag near the start.

    >>> markup_kind('<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">')
    'spreadsheetml'
    """
    at = _root_at(text)
    if at >= 0:
        root = _ROOT.match(text, at)
        if root and root.group(1).rpartition(":")[2].lower() == "workbook":
            end = text.find(">", at, at + 65536)
            if _SS in text[at : end if end >= 0 else at + 65536]:
                return "spreadsheetml"
    head = text[_PROLOG_SPACE.match(text).end() :][:4096].lower()
    return "html" if _HTML.search(head) else None


def _root_at(text: str) -> int:
    """Where the first element starts, after the XML declaration, processing instructions,
    comments and a DOCTYPE (with its internal subset); -1 if the text ends first."""
    at = 0
    while True:
        at = _PROLOG_SPACE.match(text, at).end()
        if text.startswith("<?", at):
            end, step = text.find("?>", at + 2), 2
        elif text.startswith("<!--", at):
            end, step = text.find("-->", at + 4), 3
        elif text[at : at + 9].upper() == "<!DOCTYPE":
            mark = _DOCTYPE_END.search(text, at)
            if mark and mark.group() == "[":
                mark = _SUBSET_END.search(text, mark.end())
            end, step = (mark.start(), len(mark.group())) if mark else (-1, 0)
        else:
            return at if text.startswith("<", at) else -1
        if end < 0:
            return -1
        at = end + step
