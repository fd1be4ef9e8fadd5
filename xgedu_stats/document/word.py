"""The report as a Word file, in the usual layout of official documents (GB/T 9704):

- A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm;
- title in 方正小标宋简体 二号, centred; headings 一、 in 黑体 三号, （一） in 楷体_GB2312 三号;
- body in 仿宋_GB2312 三号, first line indented two characters, fixed 28.95 pt line spacing;
- page numbers at the bottom as — 1 —, in 宋体 四号: odd pages right, even pages left;
- tables as Word tables: the official labels, merged header cells where the layout has them,
  numbers right-aligned, header rows repeated on each page.

Fonts are set for East Asian text as Word reads it (``w:eastAsia``), and the font table
names a font that ships with Windows for each (``w:altName``: 仿宋_GB2312 → 仿宋), which
Word uses when the first is not installed. No Word or LibreOffice is needed to write it.
"""

from __future__ import annotations

import io
from typing import IO, Any

from xgedu_stats.document import Document, Part
from xgedu_stats.presentation import Table
from xgedu_stats.render.xlsx import cell_value

#: Each font used and the font shipped with Windows that Word takes in its place.
FONTS = {
    "方正小标宋简体": "宋体",
    "黑体": "SimHei",
    "楷体_GB2312": "楷体",
    "仿宋_GB2312": "仿宋",
    "宋体": "SimSun",
}
TITLE_FONT, HEADING_FONT, SUBHEADING_FONT, BODY_FONT, PAGE_FONT = FONTS
#: Sizes in points: 二号 22, 三号 16, 四号 14, 五号 10.5.
TITLE_SIZE, HEADING_SIZE, PAGE_SIZE, TABLE_SIZE = 22, 16, 14, 10.5
#: A table of more columns than this is set in 小五 (9 pt): table 四 has fifteen.
WIDE_TABLE, WIDE_TABLE_SIZE = 10, 9
#: The space left and right of a table cell's text, in twentieths of a point (1 mm).
CELL_MARGIN = 57
LINE_SPACING = 28.95
#: Page and margins in millimetres.
PAGE = (210, 297)
MARGINS = {"top": 37, "bottom": 35, "left": 28, "right": 26}

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def render(document: Document, stream: IO[bytes], marker: str | None = None) -> None:
    from docx import Document as new_document

    from xgedu_stats import __version__

    doc = new_document()
    doc.core_properties.author = f"xgedu-stats {__version__}"
    doc.core_properties.title = _clean(document.title)
    if marker is not None:
        doc.core_properties.keywords = marker
    _page(doc)
    _styles(doc)
    _font_table(doc)
    _page_numbers(doc)
    body = doc.paragraphs[0] if doc.paragraphs else None
    from docx.oxml.ns import qn

    end = doc.element.body.find(qn("w:sectPr"))
    after_table = False
    for part in document.parts:
        if part.kind == "table" and part.table is not None:
            _table(doc, end, part.table, part.text)
        else:
            _paragraph(doc, end, part, after_table)
        after_table = part.kind == "table"
    if body is not None and not body.text:  # (the template's empty first paragraph)
        body._element.getparent().remove(body._element)
    buffer = io.BytesIO()
    doc.save(buffer)
    stream.write(buffer.getbuffer())


def _page(doc: Any) -> None:
    from docx.shared import Mm

    section = doc.sections[0]
    section.page_width, section.page_height = Mm(PAGE[0]), Mm(PAGE[1])
    section.top_margin, section.bottom_margin = Mm(MARGINS["top"]), Mm(MARGINS["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS["left"]), Mm(MARGINS["right"])
    section.footer_distance = Mm(28 - 7 - 3)  # (the page number 7 mm below the text block)


def _fonts(element: Any, font: str) -> None:
    """``font`` for every script of a run or style, the theme's fonts removed (they win
    over the named ones in Word)."""
    from docx.oxml.ns import qn

    fonts = element.get_or_add_rPr().get_or_add_rFonts()
    for theme in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{theme}"), None)
    latin = "Times New Roman"
    for script, name in (("ascii", latin), ("hAnsi", latin), ("eastAsia", font), ("cs", latin)):
        fonts.set(qn(f"w:{script}"), name)


def _styles(doc: Any) -> None:
    from docx.enum.text import WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Pt

    styles = doc.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    if defaults is not None:  # (Chinese text, so that Word lays out and checks it as such)
        for lang in defaults.iter(qn("w:lang")):
            lang.set(qn("w:eastAsia"), "zh-CN")
        for fonts in defaults.iter(qn("w:rFonts")):
            for theme in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
                fonts.attrib.pop(qn(f"w:{theme}"), None)
            fonts.set(qn("w:eastAsia"), BODY_FONT)
            fonts.set(qn("w:ascii"), "Times New Roman")
            fonts.set(qn("w:hAnsi"), "Times New Roman")
    settings = doc.settings.element  # (the template's East Asian language is Japanese)
    for lang in settings.iter(qn("w:themeFontLang")):
        lang.set(qn("w:eastAsia"), "zh-CN")
    normal = styles["Normal"]
    _fonts(normal.element, BODY_FONT)
    normal.font.size = Pt(HEADING_SIZE)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_SPACING)
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.widow_control = False


def _font_table(doc: Any) -> None:
    """Each font in the font table with the Windows font Word takes when it is missing."""
    part = next(
        (r.target_part for r in doc.part.rels.values() if r.reltype.endswith("/fontTable")), None
    )
    if part is None or not hasattr(part, "_blob"):
        return
    text = part.blob.decode("utf-8")
    entries = "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
        '<w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>'
        for name, alt in FONTS.items()
        if f'w:name="{name}"' not in text
    )
    part._blob = text.replace("</w:fonts>", entries + "</w:fonts>").encode("utf-8")


def _page_numbers(doc: Any) -> None:
    """— 1 — at the bottom: odd pages on the right, even pages on the left, one character in."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p.alignment = align
        fmt = p.paragraph_format
        fmt.first_line_indent = Pt(0)
        fmt.line_spacing = 1.0
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            fmt.right_indent = Pt(PAGE_SIZE)
        else:
            fmt.left_indent = Pt(PAGE_SIZE)
        _run(p, "— ", PAGE_FONT, PAGE_SIZE)
        _field(p, "PAGE", PAGE_FONT, PAGE_SIZE)
        _run(p, " —", PAGE_FONT, PAGE_SIZE)


def _field(paragraph: Any, code: str, font: str, size: float) -> None:
    """A field (the page number) as Word writes one: begin, code, separate, result, end."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for kind, text in (
        ("begin", None),
        (None, f" {code} "),
        ("separate", None),
        (None, "1"),
        ("end", None),
    ):
        run = _run(paragraph, "", font, size)
        if kind is not None:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text.strip() == code:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text


def _run(paragraph: Any, text: str, font: str, size: float, bold: bool = False) -> Any:
    from docx.shared import Pt

    run = paragraph.add_run(_clean(text))
    _fonts(run._r, font)
    run.font.size = Pt(size)
    if bold:
        run.bold = True
    return run


def _paragraph(doc: Any, end: Any, part: Part, after_table: bool = False) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = _new_paragraph(doc, end)
    fmt = p.paragraph_format
    if part.kind == "title":
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt.line_spacing = Pt(36)
        fmt.space_after = Pt(LINE_SPACING)
        _run(p, part.text, TITLE_FONT, TITLE_SIZE)
        return
    _indent(p, 2)
    if after_table:  # (a table is no paragraph: the text under it keeps its distance)
        fmt.space_before = Pt(LINE_SPACING / 2)
    if part.kind == "heading":
        fmt.keep_with_next = True
        _outline(p, part.level)
        font = HEADING_FONT if part.level <= 1 else SUBHEADING_FONT
        _run(p, part.text, font, HEADING_SIZE)
        return
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _run(p, part.text, BODY_FONT, HEADING_SIZE)


def _new_paragraph(doc: Any, end: Any) -> Any:
    """A paragraph at the end of the body, before its section properties ``end``, found
    once a document. (python-docx's ``add_paragraph`` looks through the whole body for
    them each time: 32,000 paragraphs took two minutes.)"""
    from docx.oxml import OxmlElement
    from docx.text.paragraph import Paragraph

    p = OxmlElement("w:p")
    if end is not None:
        end.addprevious(p)
    else:
        doc.element.body.append(p)
    return Paragraph(p, doc._body)


def _outline(paragraph: Any, level: int) -> None:
    """The heading's level in Word's navigation pane and table of contents (一、 is 1)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    outline = OxmlElement("w:outlineLvl")
    outline.set(qn("w:val"), str(level - 1))
    # (in the schema's order: Word refuses a file whose elements are out of it)
    after = ("w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
    paragraph._p.get_or_add_pPr().insert_element_before(outline, *after)


def _indent(paragraph: Any, chars: int) -> None:
    """A first-line indent of ``chars`` characters, as Word's own 首行缩进 writes it."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    paragraph.paragraph_format.first_line_indent = Pt(HEADING_SIZE * chars)
    ind = paragraph._p.get_or_add_pPr().find(qn("w:ind"))
    if ind is not None:
        ind.set(qn("w:firstLineChars"), str(chars * 100))


def _table(doc: Any, end: Any, table: Table, caption: str) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    if caption:
        p = _new_paragraph(doc, end)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.keep_with_next = True
        p.paragraph_format.space_before = Pt(6)
        _run(p, caption, HEADING_FONT, PAGE_SIZE)

    n_header = len(table.header) + 1
    columns = len(table.columns)
    grid = doc.add_table(rows=n_header + len(table.rows), cols=columns)
    grid.style = doc.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    _cell_margins(grid, CELL_MARGIN)
    size = TABLE_SIZE if columns <= WIDE_TABLE else WIDE_TABLE_SIZE
    widths = _widths(table)
    grid.autofit = False
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = width  # (the grid LibreOffice lays out by; Word reads each cell's)
    for row in grid.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
    for top, left, bottom, right, label in header_boxes(table):
        cell = grid.cell(top, left)
        if (bottom, right) != (top, left):
            cell = cell.merge(grid.cell(bottom, right))
        _cell_text(cell, label, size, bold=True, align="center")
    for r in range(n_header):
        _repeat_header(grid.rows[r])
    body_rows = grid.rows[n_header:]  # (grid.cell() lists every cell of the table each call)
    for grid_row, row in zip(body_rows, table.rows, strict=True):
        strong = row.kind != "data"
        cells = grid_row.cells
        for i, (value, column) in enumerate(zip(row.values, table.columns, strict=True)):
            text = _number(value, column.decimals)
            align = "right" if column.numeric else "left"
            _cell_text(cells[i], text, size, bold=strong, align=align)


def header_boxes(table: Table) -> list[tuple[int, int, int, int, str]]:
    """The header's cells as boxes (top row, left column, bottom row, right column, label):
    a label spanning columns is one box; a column's label reaches up through the empty
    cells above it, so that 自然人 stands beside 法人或其他组织 and under 申请人情况.

    >>> from xgedu_stats.presentation import Column
    >>> t = Table("t", "", (Column("a", "甲"), Column("b", "乙"), Column("c", "丙")), (),
    ...           header=((("", 1), ("组", 2)),))
    >>> header_boxes(t)
    [(0, 1, 0, 2, '组'), (0, 0, 1, 0, '甲'), (1, 1, 1, 1, '乙'), (1, 2, 1, 2, '丙')]
    """
    filled = [[False] * len(table.columns) for _ in table.header]
    boxes = []
    for r, level in enumerate(table.header):
        at = 0
        for label, span in level:
            if label:
                boxes.append((r, at, r, at + span - 1, label))
                for i in range(at, at + span):
                    filled[r][i] = True
            at += span
    last = len(table.header)
    for i, column in enumerate(table.columns):
        top = last
        while top > 0 and not filled[top - 1][i]:
            top -= 1
        boxes.append((top, i, last, i, column.label))
    return boxes


def _widths(table: Table) -> list[Any]:
    """Column widths over the text block, in proportion to what each column holds (Chinese
    characters count double): figures on one line and their labels in at most three, text
    columns at most 40 wide (longer text wraps)."""
    from docx.shared import Mm
    from wcwidth import wcswidth

    def width(text: Any) -> int:
        return max(0, wcswidth(_clean(str(text if text is not None else ""))))

    wanted = []
    for i, column in enumerate(table.columns):
        longest = max([width(_number(r.values[i], column.decimals)) for r in table.rows] + [0])
        label = width(column.label)
        if column.numeric:  # (its label in at most three lines; a number on one)
            wanted.append(max(longest + 3, (label + 2) // 3, 6))
        else:  # (a long label wraps rather than squeeze the figures)
            wanted.append(min(max(longest, label, 8), 40))
    total = sum(wanted)
    text_width = PAGE[0] - MARGINS["left"] - MARGINS["right"]
    return [Mm(text_width * w / total) for w in wanted]


def _number(value: Any, decimals: int) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and decimals:
        return f"{value:.{decimals}f}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _cell_text(cell: Any, text: str, size: float, bold: bool = False, align: str = "left") -> None:
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    p = cell.paragraphs[0]
    for run in list(p.runs):
        run._r.getparent().remove(run._r)
    p.alignment = {
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
    }[align]
    fmt = p.paragraph_format
    fmt.first_line_indent = 0
    fmt.line_spacing = 1.0
    _run(p, text, BODY_FONT, size, bold)


def _cell_margins(grid: Any, twips: int) -> None:
    """Narrower cell margins than Word's 1.9 mm, so that figures keep to one line."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), str(twips))
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    after = ("w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")
    grid._tbl.tblPr.insert_element_before(margins, *after)  # (in the schema's order)


def _repeat_header(row: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    pr = row._tr.get_or_add_trPr()
    mark = OxmlElement("w:tblHeader")
    mark.set(qn("w:val"), "true")
    pr.append(mark)


def _clean(text: str) -> str:
    """Text a Word file can hold (control characters written escaped, as in workbooks)."""
    return str(cell_value(text))
