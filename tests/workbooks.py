"""Tiny workbooks and markup files written by hand, valid or hostile, for the reader tests.

An .xlsx here is the few parts a reader needs, written as text, so that a test can put
anything into a sheet's XML (a row numbered 99999999999, a cell ``ZZZZ2``) that no
library would write.
"""

from __future__ import annotations

import html
import io
import zipfile
from collections.abc import Iterable, Sequence

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
SS = "urn:schemas-microsoft-com:office:spreadsheet"

HEADER = ["标题", "发布时间", "栏目"]
ROWS = [
    ["关于开学的通知", "2018-03-01", "规划财务"],
    ["全市中小学生运动会开幕", "2018-10-16", "体育卫生"],
    ["2018年度学生资助资金发放公示", "2018-11-05", "教育资助"],
]


def column(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def inline_row(number: int, cells: Sequence[str]) -> str:
    """A ``<row>`` of inline strings, with cell references."""
    return (
        f'<row r="{number}">'
        + "".join(
            f'<c r="{column(i)}{number}" t="inlineStr"><is><t>{html.escape(c)}</t></is></c>'
            for i, c in enumerate(cells, start=1)
        )
        + "</row>"
    )


def sheet_data(rows: Sequence[Sequence[str]] = (HEADER, *ROWS), extra: str = "") -> str:
    """``<sheetData>`` content: the rows (numbered from 1) as inline strings, then ``extra``."""
    return "".join(inline_row(n, r) for n, r in enumerate(rows, start=1)) + extra


def xlsx_parts(
    data: str = "",
    shared: Sequence[str] | None = None,
    styles: str | None = None,
    prolog: str = "",
    sheet_name: str = "文章",
) -> dict[str, bytes]:
    """The parts of a one-sheet workbook whose ``<sheetData>`` holds ``data`` (raw XML)."""
    rels = [f'<Relationship Id="rId1" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>']
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{PKG_RELS}"><Relationship Id="rId1" '
            f'Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}"><sheets>'
            f'<sheet name="{sheet_name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/worksheets/sheet1.xml": (
            f'{prolog}<worksheet xmlns="{MAIN}"><sheetData>{data}</sheetData></worksheet>'
        ),
    }
    if shared is not None:
        rels.append(
            f'<Relationship Id="rId2" Type="{DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
        )
        parts["xl/sharedStrings.xml"] = (
            f'<sst xmlns="{MAIN}">'
            + "".join(f"<si><t>{html.escape(s)}</t></si>" for s in shared)
            + "</sst>"
        )
    if styles is not None:
        rels.append(f'<Relationship Id="rId3" Type="{DOC_RELS}/styles" Target="styles.xml"/>')
        parts["xl/styles.xml"] = f'<styleSheet xmlns="{MAIN}">{styles}</styleSheet>'
    parts["xl/_rels/workbook.xml.rels"] = (
        f'<Relationships xmlns="{PKG_RELS}">{"".join(rels)}</Relationships>'
    )
    return {name: text.encode("utf-8") for name, text in parts.items()}


def zip_bytes(parts: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def xlsx(data: str | None = None, **kwargs: object) -> bytes:
    """A one-sheet .xlsx; its sheet holds ``data`` (default: the header and three rows)."""
    return zip_bytes(xlsx_parts(sheet_data() if data is None else data, **kwargs))  # type: ignore[arg-type]


def xlsx_streamed(head: str, body: Iterable[bytes], tail: str) -> bytes:
    """A one-sheet .xlsx whose sheet XML is written in pieces (a part too big to hold)."""
    parts = xlsx_parts("@")
    before, after = parts.pop("xl/worksheets/sheet1.xml").split(b"@")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(before + head.encode())
            for piece in body:
                sheet.write(piece)
            sheet.write(tail.encode() + after)
    return buffer.getvalue()


def html_table(rows: Sequence[Sequence[str]] = (HEADER, *ROWS), close: bool = True) -> str:
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>\n" for r in rows
    )
    end = "</table></body></html>\n" if close else ""
    return f'<html><head><meta charset="utf-8"></head><body><table>\n{body}{end}'


def spreadsheetml(rows_xml: str | None = None, prolog: str = "") -> str:
    """An Excel 2003 XML workbook of one sheet; ``rows_xml`` replaces its rows."""
    if rows_xml is None:
        rows_xml = "".join(
            "<Row>"
            + "".join(f'<Cell><Data ss:Type="String">{html.escape(c)}</Data></Cell>' for c in r)
            + "</Row>"
            for r in (HEADER, *ROWS)
        )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{prolog}'
        f'<Workbook xmlns="{SS}" xmlns:ss="{SS}"><Worksheet ss:Name="Sheet1"><Table>'
        f"{rows_xml}</Table></Worksheet></Workbook>\n"
    )
