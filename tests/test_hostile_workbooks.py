"""Hostile and broken workbooks and markup (issue 9): each is a tiny generated file, run
through the command line in a subprocess under 1 GiB (``run_limited``). Each ends in
seconds with its rows read, some rows rejected with their reason, or one clear line —
never an internal error, and the file is never modified.
"""

from __future__ import annotations

import io
import json
import re
import struct
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import run_limited
from workbooks import (
    DOC_RELS,
    HEADER,
    MAIN,
    ROWS,
    html_table,
    inline_row,
    sheet_data,
    spreadsheetml,
    xlsx,
    xlsx_parts,
    xlsx_streamed,
    zip_bytes,
)

from xgedu_stats.config import RunConfig
from xgedu_stats.errors import InputError
from xgedu_stats.pipeline import run
from xgedu_stats.read import SourceFile, read_grid, text_encoding
from xgedu_stats.read import limits as ingest_limits

#: One error line on stderr (another engineer turns ``Error:`` into ``错误：``).
ERROR_LINE = re.compile(r"(?:Error: |错误：)([^\n]+)\n")
#: A hostile file must end well within this (tests never assert timings; this is a fuse).
SECONDS = 30


def cli(tmp_path: Path, name: str, content: bytes, *args: str) -> subprocess.CompletedProcess:
    """``aggregate NAME -f json`` on a file holding ``content``, limited; the file is unchanged."""
    path = tmp_path / name
    path.write_bytes(content)
    result = run_limited(["aggregate", name, "-f", "json", *args], cwd=tmp_path, seconds=SECONDS)
    assert path.read_bytes() == content
    assert "程序内部错误" not in result.stderr
    assert "Traceback" not in result.stderr
    return result


def error_of(result: subprocess.CompletedProcess) -> str:
    """The one line a failed run printed (and nothing else on stderr)."""
    assert result.returncode == 1, result.stderr
    found = ERROR_LINE.fullmatch(result.stderr)
    assert found, result.stderr
    return found.group(1)


def totals_of(result: subprocess.CompletedProcess) -> dict[str, int]:
    """The totals of a run that read the file, checked to account for every row."""
    assert result.returncode == 0, result.stderr
    totals = json.loads(result.stdout)["totals"]
    parts = ("rejected", "out_of_period", "duplicates", "unique_items")
    assert totals["rows_read"] == sum(totals[p] for p in parts)
    return totals


def read(tmp_path: Path, name: str, content: bytes):
    """The library's reading of a file, in-process (for what the command line does not show)."""
    path = tmp_path / name
    path.write_bytes(content)
    return run(RunConfig((path,)))


# --- .xlsx: size -------------------------------------------------------------------------


def test_xlsx_zip_bomb_of_empty_rows_is_refused_by_its_ratio(tmp_path: Path) -> None:
    chunk = b"<row/>" * 100_000
    content = xlsx_streamed(inline_row(1, HEADER), (chunk for _ in range(170)), "")  # 100 MB
    assert len(content) < 400_000
    message = error_of(cli(tmp_path, "门户_bomb.xlsx", content))
    assert message.startswith(
        "文件 门户_bomb.xlsx 的工作表「文章」中的 xl/worksheets/sheet1.xml 压缩了 "
    )
    assert (
        "倍以上（上限 100 倍），像是恶意构造的“压缩炸弹”；不是正常导出的文件，请核对来源" in message
    )


def test_xlsx_part_whose_zip_header_understates_its_size(tmp_path: Path) -> None:
    """A zip may state any size: the part is read no further than stated, and a part that
    is longer than stated fails its check instead of being read on."""
    content = xlsx(sheet_data(extra="".join(inline_row(n, ROWS[0]) for n in range(5, 3000))))
    stated = 1000
    patched = bytearray(content)
    name = b"xl/worksheets/sheet1.xml"
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = 0
        while (at := patched.find(signature, at)) >= 0:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if patched[name_at : name_at + len(name)] == name:
                struct.pack_into("<I", patched, at + offset, stated)
            at += 4
    message = error_of(cli(tmp_path, "门户_lies.xlsx", bytes(patched)))
    assert message.startswith("文件 门户_lies.xlsx 的工作表「文章」无法读取（")
    assert message.endswith("）；请用 Excel 打开后重新保存")


def test_xlsx_part_longer_than_its_zip_header_states(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Python's zipfile stops at the stated size; should a reader of zips not, the stream
    is counted as it inflates."""
    real_open = zipfile.ZipFile.open

    def longer(self: zipfile.ZipFile, name: object, *args: object, **kwargs: object):
        part = real_open(self, name, *args, **kwargs)  # type: ignore[arg-type]
        if part.name != "xl/worksheets/sheet1.xml":
            return part
        return io.BytesIO(part.read() + b"<row/>" * 1000)

    path = tmp_path / "门户.xlsx"
    path.write_bytes(xlsx())
    monkeypatch.setattr(zipfile.ZipFile, "open", longer)
    with pytest.raises(InputError) as caught:
        read_grid(SourceFile(path, "门户.xlsx"))
    size = len(xlsx_parts(sheet_data())["xl/worksheets/sheet1.xml"])
    assert str(caught.value) == (
        f"文件 门户.xlsx 的工作表「文章」无法读取：xl/worksheets/sheet1.xml 解压后比 zip 中记载的 "
        f"{size:,} 字节长；请用 Excel 打开后重新保存"
    )


def test_xlsx_part_over_the_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("xgedu_stats.read.xlsx.MAX_PART_BYTES", 2000)
    content = xlsx(sheet_data(extra="".join(inline_row(n, ROWS[0]) for n in range(5, 30))))
    path = tmp_path / "门户.xlsx"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        read_grid(SourceFile(path, "门户.xlsx"))
    assert str(caught.value) == (
        "文件 门户.xlsx 的工作表「文章」中的 xl/worksheets/sheet1.xml 解压后超过 2,000 字节"
        "（每个组成部分的上限）；请在 Excel 中把它另存为 CSV 后再统计"
    )


# --- .xlsx: rows and columns -------------------------------------------------------------


def test_xlsx_row_number_past_excels_last_row(tmp_path: Path) -> None:
    content = xlsx(sheet_data(extra=inline_row(99999999999, ROWS[0])))
    assert len(content) < 2000
    assert error_of(cli(tmp_path, "门户.xlsx", content)) == (
        "文件 门户.xlsx 的工作表「文章」有行号 99999999999，超过 Excel 的最大行数 1,048,576；"
        "这不是 Excel 能写出的表格；请用 Excel 打开后重新保存"
    )


def test_xlsx_far_jump_to_excels_last_row_is_counted_not_made(tmp_path: Path) -> None:
    content = xlsx(
        sheet_data(extra=inline_row(1_048_576, ["最后一行的通知", "2018-05-01", "规划财务"]))
    )
    assert totals_of(cli(tmp_path, "门户.xlsx", content))["unique_items"] == 4
    (grid_sheet,) = read_grid(SourceFile(tmp_path / "门户.xlsx", "门户.xlsx")).sheets
    assert grid_sheet.records[-1].line == 1_048_576
    assert grid_sheet.blank == 1_048_576 - 5


def test_xlsx_rows_without_numbers_past_excels_last_row(tmp_path: Path) -> None:
    content = xlsx(sheet_data(extra=f'<row r="1048575"/>{"<row/>" * 3}'))
    assert "超过 Excel 的最大行数 1,048,576" in error_of(cli(tmp_path, "门户.xlsx", content))


def test_xlsx_too_many_cells(tmp_path: Path) -> None:
    """A value in the last column on each of 400 rows: 6.5 million cells from 60 KB."""
    far = "".join(
        f'<row r="{n}"><c r="XFD{n}" t="inlineStr"><is><t>x</t></is></c></row>'
        for n in range(5, 405)
    )
    content = xlsx(sheet_data(extra=far))
    assert error_of(cli(tmp_path, "门户.xlsx", content)) == (
        "文件 门户.xlsx 的工作表「文章」中的单元格超过 5,000,000 个（一个文件各表合计的上限）；"
        "请在 Excel 中把它另存为 CSV 后再统计"
    )


def test_xlsx_row_wider_than_excel(tmp_path: Path) -> None:
    cells = "<c/>" * 16_385
    content = xlsx(sheet_data(extra=f'<row r="5">{cells}</row>'))
    assert error_of(cli(tmp_path, "门户.xlsx", content)) == (
        "文件 门户.xlsx 的工作表「文章」第 5 行的单元格超过 Excel 的最大列数 16,384（XFD 列）；"
        "这不是 Excel 能写出的表格；请用 Excel 打开后重新保存"
    )


def test_xlsx_row_number_that_is_not_a_number(tmp_path: Path) -> None:
    content = xlsx(sheet_data(extra='<row r="abc"/>'))
    assert error_of(cli(tmp_path, "门户.xlsx", content)) == (
        "文件 门户.xlsx 的工作表「文章」无法读取：第 5 个 <row> 的行号「abc」不是正整数；"
        "请用 Excel 打开后重新保存"
    )


# --- .xlsx: cells that cannot be read reject their row -----------------------------------

BAD_CELLS = [
    ('<c r="B5"><v>abc</v></c>', "单元格 B5 标为数字，内容却是「abc」"),
    ('<c r="B5" t="s"><v>99</v></c>', "单元格 B5 引用的共享字符串「99」不存在（共 1 个）"),
    ('<c r="B5" t="s"><v>-1</v></c>', "单元格 B5 引用的共享字符串「-1」不存在（共 1 个）"),
    ('<c r="ZZZZ5" t="inlineStr"><is><t>x</t></is></c>', "单元格 ZZZZ5 超出 Excel 的最大列 XFD"),
    ('<c r="XFE5" t="inlineStr"><is><t>x</t></is></c>', "单元格 XFE5 超出 Excel 的最大列 XFD"),
    ('<c r="5B" t="inlineStr"><is><t>x</t></is></c>', "单元格引用「5B」无效"),
    ('<c r="B5" t="b"><v>maybe</v></c>', "单元格 B5 标为逻辑值，内容却是「maybe」"),
    (
        '<c r="B5" t="d"><v>2018-13-45Tnonsense</v></c>',
        "单元格 B5 标为日期，内容却是「2018-13-45Tnonsense」",
    ),
    (f'<c r="B5"><v>{"9" * 5000}</v></c>', "单元格 B5 标为数字，内容却是「" + "9" * 40 + "…」"),
]


def bad_row(cell: str, number: int = 5) -> str:
    return f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>坏行</t></is></c>{cell}</row>'


@pytest.mark.parametrize(("cell", "reason"), BAD_CELLS)
def test_xlsx_cell_that_cannot_be_read_rejects_its_row(
    tmp_path: Path, cell: str, reason: str
) -> None:
    result = read(tmp_path, "门户.xlsx", xlsx(sheet_data(extra=bad_row(cell)), shared=["共享"]))
    assert result.rejects[["line", "reason"]].values.tolist() == [[5, reason]]
    assert result.totals.unique_items == 3


def test_xlsx_cells_that_cannot_be_read_through_the_command_line(tmp_path: Path) -> None:
    rows = "".join(
        bad_row(cell.replace("5", str(n)), n) for n, (cell, _) in enumerate(BAD_CELLS, start=5)
    )
    assert totals_of(cli(tmp_path, "门户.xlsx", xlsx(sheet_data(extra=rows), shared=["共享"]))) == {
        "rows_read": 3 + len(BAD_CELLS), "rejected": len(BAD_CELLS), "out_of_period": 0,
        "duplicates": 0, "unique_items": 3,
    }  # fmt: skip


def test_xlsx_row_inside_a_row_is_one_row(tmp_path: Path) -> None:
    nested = '<row r="5">' + inline_row(6, ["套在行里的行", "2018-03-01", "规划财务"]) + "</row>"
    result = read(tmp_path, "门户.xlsx", xlsx(sheet_data(extra=nested)))
    assert (result.totals.rows_read, result.totals.unique_items) == (4, 4)


def test_xlsx_escaped_surrogates_are_text_not_an_internal_error(tmp_path: Path) -> None:
    """Issue 9 attack: ``_xD800_`` in a cell was an internal error (UnicodeEncodeError)."""
    rows = [
        HEADER,
        ["通知_xD800_一", "2018-03-01", "规划财务"],
        ["笑脸_xD83D__xDE00_", "2018-03-02", "x"],
    ]
    content = xlsx(sheet_data(rows) + inline_row(4, ["_xDFFF_", "2018-03-03", "x"]))
    assert totals_of(cli(tmp_path, "门户.xlsx", content))["unique_items"] == 3
    titles = read(tmp_path, "门户.xlsx", content).rows["title"].tolist()
    assert sorted(titles) == ["笑脸😀", "通知\ufffd一", "\ufffd"]


def test_xlsx_values_as_a_person_sees_them(tmp_path: Path) -> None:
    """Shared and inline strings, numbers, dates by their style, booleans, errors, escapes."""
    styles = (
        '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts>'
        '<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>'
        '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/></cellXfs>'
    )
    row = (
        '<row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2" s="1"><v>43164.5</v></c>'
        '<c r="C2" t="s"><v>0</v></c><c r="D2"><v>6600000000000000001</v></c>'
        '<c r="E2" t="b"><v>1</v></c><c r="F2" t="e"><v>#N/A</v></c><c r="G2" s="2"><v>43164</v></c>'
        '<c r="H2" t="inlineStr"><is><r><t>富</t></r><r><t>文本</t></r><rPh><t>ふりがな</t></rPh></is></c>'
        '<c r="J2"><v>12.0</v></c><c><v>0.5</v></c><c r="$l$2" t="str"><f>A1</f><v>a_x000D_b</v></c></row>'
    )
    content = xlsx(
        inline_row(1, HEADER) + row, shared=["规划财务", "关于开学的通知"], styles=styles
    )
    path = tmp_path / "门户.xlsx"
    path.write_bytes(content)
    (sheet,) = read_grid(SourceFile(path, "门户.xlsx")).sheets
    assert sheet.records[1].cells == [
        "关于开学的通知", "2018-03-05 12:00:00", "规划财务", "6600000000000000001", "TRUE",
        "#N/A", "2018-03-05 00:00:00", "富文本", "", "12", "0.5", "a\rb",
    ]  # fmt: skip


def test_xlsb_says_what_it_is(tmp_path: Path) -> None:
    parts = xlsx_parts(sheet_data())
    parts["_rels/.rels"] = parts["_rels/.rels"].replace(b"xl/workbook.xml", b"xl/workbook.bin")
    parts["xl/workbook.bin"] = b"\x83\x01\x00"
    path = tmp_path / "门户.xlsb"
    path.write_bytes(zip_bytes(parts))
    with pytest.raises(InputError) as caught:
        read_grid(SourceFile(path, "门户.xlsb"))
    assert str(caught.value) == (
        "文件 门户.xlsb 看起来是 .xlsx，但无法打开（是 Excel 二进制工作簿（.xlsb），本工具读不了）；"
        "请用 Excel 另存为 .xlsx 或 CSV"
    )


def test_xlsx_without_worksheets_or_with_a_missing_part(tmp_path: Path) -> None:
    parts = xlsx_parts(sheet_data())
    del parts["xl/worksheets/sheet1.xml"]
    message = error_of(cli(tmp_path, "门户.xlsx", zip_bytes(parts)))
    assert message == (
        "文件 门户.xlsx 看起来是 .xlsx，但无法打开（工作表「文章」的内容缺失）；请用 Excel 打开后重新保存"
    )
    parts["xl/workbook.xml"] = f'<workbook xmlns="{MAIN}"><sheets/></workbook>'.encode()
    assert error_of(cli(tmp_path, "门户.xlsx", zip_bytes(parts))) == (
        "文件 门户.xlsx 看起来是 .xlsx，但无法打开（其中没有工作表）；请用 Excel 打开后重新保存"
    )


# --- XML entities: billion laughs and XXE stay stopped ----------------------------------

LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
    '<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">'
    '<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">'
    '<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">'
    '<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">'
    '<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">'
    '<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>'
)
XXE = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
ENTITY_REFUSED = "其中声明了 XML 实体（<!ENTITY>），表格软件不会写出这样的文件"


@pytest.mark.parametrize(("prolog", "entity"), [(LAUGHS, "&lol9;"), (XXE, "&xxe;")])
def test_xml_entities_are_refused_in_xlsx(tmp_path: Path, prolog: str, entity: str) -> None:
    data = sheet_data(
        extra=f'<row r="5"><c r="A5" t="inlineStr"><is><t>{entity}</t></is></c></row>'
    )
    content = xlsx(data, prolog=prolog)
    assert error_of(cli(tmp_path, "门户.xlsx", content)) == (
        f"文件 门户.xlsx 的工作表「文章」无法读取：{ENTITY_REFUSED}；请用 Excel 打开后重新保存"
    )


@pytest.mark.parametrize(("prolog", "entity"), [(LAUGHS, "&lol9;"), (XXE, "&xxe;")])
def test_xml_entities_are_refused_in_spreadsheetml(
    tmp_path: Path, prolog: str, entity: str
) -> None:
    rows = f'<Row><Cell><Data ss:Type="String">{entity}</Data></Cell></Row>'
    content = spreadsheetml(rows, prolog=prolog)
    assert error_of(cli(tmp_path, "门户.xls", content.encode())) == (
        f"文件 门户.xls 无法读取：{ENTITY_REFUSED}；请重新导出该文件，或用 Excel 另存为 .xlsx"
    )


@pytest.mark.parametrize(("prolog", "entity"), [(LAUGHS, "&lol9;"), (XXE, "&xxe;")])
def test_xml_entities_stay_text_in_html(tmp_path: Path, prolog: str, entity: str) -> None:
    page = prolog + html_table([HEADER, [entity, "2018-03-01", "规划财务"]])
    result = read(tmp_path, "门户.html", page.encode())
    assert result.items["title"].tolist() == [entity]


# --- SpreadsheetML ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attributes", "where"),
    [
        ('ss:Index="50000000"', "ss:Index=50000000"),
        ('ss:Index="2000000000"', "ss:Index=2000000000"),
        ('ss:MergeAcross="50000000"', "ss:MergeAcross=50000000"),
        ('ss:MergeAcross="2000000000"', "ss:MergeAcross=2000000000"),
        ('ss:Index="16384" ss:MergeAcross="1"', "ss:MergeAcross=1"),
    ],
)
def test_spreadsheetml_cell_past_excels_last_column(
    tmp_path: Path, attributes: str, where: str
) -> None:
    rows = f'<Row><Cell {attributes}><Data ss:Type="String">x</Data></Cell></Row>'
    content = spreadsheetml(rows).encode()
    assert len(content) < 400
    assert error_of(cli(tmp_path, "门户.xls", content)) == (
        f"文件 门户.xls 的工作表「Sheet1」第 1 行的单元格（{where}）超过 Excel 的最大列数 16,384（XFD 列）；"
        "这不是 Excel 能写出的表格；请用 Excel 打开后重新保存"
    )


def test_spreadsheetml_row_past_excels_last_row(tmp_path: Path) -> None:
    content = spreadsheetml('<Row ss:Index="2000000000"/>').encode()
    assert error_of(cli(tmp_path, "门户.xls", content)) == (
        "文件 门户.xls 的工作表「Sheet1」有行号 2000000000，超过 Excel 的最大行数 1,048,576；"
        "这不是 Excel 能写出的表格；请用 Excel 打开后重新保存"
    )


def test_spreadsheetml_index_that_is_not_a_number(tmp_path: Path) -> None:
    def cell(text: str, attributes: str = "") -> str:
        return f'<Cell {attributes}><Data ss:Type="String">{text}</Data></Cell>'

    bad = cell("坏行") + cell("2018-03-01", 'ss:Index="abc"')
    rows = "".join("<Row>" + "".join(cell(c) for c in r) + "</Row>" for r in (HEADER, *ROWS))
    rows += f"<Row>{bad}</Row>"
    result = read(tmp_path, "门户.xls", spreadsheetml(rows).encode())
    assert result.rejects[["line", "reason"]].values.tolist() == [
        [5, "第 2 列单元格的 ss:Index「abc」不是正整数"]
    ]
    assert totals_of(cli(tmp_path, "门户.xls", spreadsheetml(rows).encode()))["rejected"] == 1
    bad_row = spreadsheetml('<Row ss:Index="abc"/>').encode()
    assert error_of(cli(tmp_path, "门户.xls", bad_row)) == (
        "文件 门户.xls 的工作表「Sheet1」无法读取：第 1 个 <Row> 的 ss:Index「abc」不是正整数；"
        "请重新导出该文件，或用 Excel 另存为 .xlsx"
    )


def test_spreadsheetml_after_a_long_doctype_is_not_taken_for_html(tmp_path: Path) -> None:
    doctype = f"<!DOCTYPE Workbook [<!-- {'导出说明 ' * 2000} -->]>\n"
    content = spreadsheetml(prolog=doctype).encode()
    assert len(doctype) > 4096
    assert totals_of(cli(tmp_path, "门户.xls", content))["unique_items"] == 3
    grid = read_grid(SourceFile(tmp_path / "门户.xls", "门户.xls"))
    assert grid.type == "spreadsheetml"


def test_spreadsheetml_with_a_prefixed_root(tmp_path: Path) -> None:
    content = (
        spreadsheetml().replace("<Workbook", "<ss:Workbook").replace("</Workbook", "</ss:Workbook")
    )
    assert read(tmp_path, "门户.xls", content.encode()).totals.unique_items == 3


# --- HTML ---------------------------------------------------------------------------------


@pytest.mark.parametrize("charset", ["base64", "idna", "rot13", "zlib", "hex", "uu_codec"])
def test_html_declaring_a_codec_that_is_not_a_text_encoding(tmp_path: Path, charset: str) -> None:
    page = html_table().replace('charset="utf-8"', f'charset="{charset}"').encode()
    if charset in ("base64", "idna"):
        assert totals_of(cli(tmp_path, "门户.html", page))["unique_items"] == 3
    (tmp_path / "门户.html").write_bytes(page)
    grid = read_grid(SourceFile(tmp_path / "门户.html", "门户.html"))
    assert (grid.type, grid.encoding) == ("html", "utf-8")


def test_text_encodings_allow_list() -> None:
    import codecs

    from xgedu_stats.read import TEXT_ENCODINGS

    assert all(codecs.lookup(name).name == name for name in TEXT_ENCODINGS)
    assert [text_encoding(n) for n in ("GBK", "cp936", "utf8", "latin-1", "GB2312")] == [
        "gbk", "gbk", "utf-8", "iso8859-1", "gb2312",
    ]  # fmt: skip
    for name in ("base64", "idna", "rot13", "zlib", "hex", "bz2", "punycode", "nonsense", "a\x00b"):
        assert text_encoding(name) is None


def test_html_cell_holding_a_nul_rejects_its_row(tmp_path: Path) -> None:
    page = html_table([HEADER, *ROWS, ["坏\x00行", "2018-03-01", "规划财务"]])
    result = read(tmp_path, "门户.html", page.encode())
    assert result.rejects[["line", "reason", "raw"]].values.tolist() == [
        [5, "含有 NUL 字符", "坏\\0行,2018-03-01,规划财务"]
    ]
    assert totals_of(cli(tmp_path, "门户.html", page.encode())) == {
        "rows_read": 4, "rejected": 1, "out_of_period": 0, "duplicates": 0, "unique_items": 3,
    }  # fmt: skip


def test_html_charset_declared_wrongly_or_overruled_by_a_bom(tmp_path: Path) -> None:
    page = html_table()
    for content in (
        page.encode("gb18030"),  # declares utf-8, is GB18030
        page.encode("utf-16"),  # declares utf-8, starts with a UTF-16 BOM
        page.replace("utf-8", "gbk").encode("utf-8-sig"),  # declares gbk, starts with a UTF-8 BOM
    ):
        path = tmp_path / "门户.html"
        path.write_bytes(content)
        assert [r.cells for r in read_grid(SourceFile(path, "门户.html")).sheets[0].records] == [
            HEADER,
            *ROWS,
        ]


def test_truncated_html_reads_the_rows_there_and_says_so(tmp_path: Path) -> None:
    page = html_table(close=False) + "<tr><td>截断的标"
    result = cli(tmp_path, "门户.html", page.encode())
    assert totals_of(result)["rows_read"] == 4
    assert (
        "文件 门户.html 中的表格没有结束标记 </table>，文件可能不完整（被截断）；已照常读取其中的 5 行，"
        "最后一行（第 5 行）可能不全，请核对或重新导出"
    ) in result.stderr


@pytest.mark.parametrize(
    ("span", "follow"),
    [
        ('colspan="1000"', '<td colspan="1000">x</td>' * 16),
        ('colspan="99999999999"', '<td colspan="99999999999">x</td>' * 16),  # (counts as 1000)
        ('colspan="1000" rowspan="65534"', "<td>y</td>"),  # each row below fills 16,000 slots
    ],
)
def test_html_spans_are_bounded_by_the_cell_limit(tmp_path: Path, span: str, follow: str) -> None:
    rows = "<tr>" + f"<td {span}>x</td>" * 16 + "</tr>\n" + f"<tr>{follow}</tr>\n" * 400
    page = html_table().replace("</table>", rows + "</table>")
    assert len(page) < 300_000
    assert error_of(cli(tmp_path, "门户.html", page.encode())) == (
        "文件 门户.html 中的单元格超过 5,000,000 个（一个文件各表合计的上限）；"
        "请在 Excel 中把它另存为 CSV 后再统计"
    )


def test_html_rowspan_keeps_the_columns_below_in_line(tmp_path: Path) -> None:
    page = (
        "<table><tr><th>栏目</th><th>标题</th><th>发布时间</th></tr>"
        '<tr><td rowspan="2">规划财务</td><td>甲通知</td><td>2018-03-01</td></tr>'
        "<tr><td>乙通知</td><td>2018-03-02</td></tr>"
        '<tr><td>体育卫生</td><td colspan="2" rowspan="0">丙通知</td></tr>'
        "<tr><td>丁通知</td></tr></table>"
    )
    path = tmp_path / "门户.html"
    path.write_text(page, encoding="utf-8")
    (sheet,) = read_grid(SourceFile(path, "门户.html")).sheets
    assert [r.cells for r in sheet.records] == [
        ["栏目", "标题", "发布时间"],
        ["规划财务", "甲通知", "2018-03-01"],
        ["", "乙通知", "2018-03-02"],
        ["体育卫生", "丙通知"],
        ["丁通知"],
    ]


def test_html_odd_declarations_are_skipped(tmp_path: Path) -> None:
    """html.parser raised on a few malformed declarations; the tokenizer skips them."""
    page = html_table().replace("<body>", "<body><![foo[ x ]]><!bogus><?php echo 1; ?>")
    assert totals_of(cli(tmp_path, "门户.html", page.encode()))["unique_items"] == 3


@pytest.mark.parametrize(
    "junk",
    ["<!--" * 50_000, "<a " * 50_000, "<a" * 200_000, "<![CDATA[" * 200_000, "</a" * 200_000,
     "<?" * 200_000, "<a href='" * 50_000, '<td colspan="' * 50_000],
)  # fmt: skip
def test_html_with_thousands_of_unfinished_tags_is_read_in_seconds(
    tmp_path: Path, junk: str
) -> None:
    """Issue 9 attack: html.parser took 16 s to minutes on 100 KB of '<a' (quadratic)."""
    from conftest import run_limited

    (tmp_path / "门户.html").write_text(html_table() + junk, encoding="utf-8")
    done = run_limited(["aggregate", ".", "-f", "json", "-q"], tmp_path, seconds=20)
    assert done.returncode == 0, done.stderr
    assert '"unique_items": 3' in done.stdout


# --- text that is not what it looks like -------------------------------------------------


def test_a_file_larger_than_any_export_is_refused_unread(tmp_path: Path) -> None:
    """Issue 9 attack: a sparse file of 100 GB (or 3 GB of NULs) was read into memory."""
    from conftest import run_limited

    with open(tmp_path / "门户.csv", "wb") as f:
        f.truncate(ingest_limits.MAX_INPUT_BYTES + 1)  # (sparse: no disk used)
    done = run_limited(["aggregate", ".", "-q"], tmp_path, memory_mib=1024)
    assert (done.returncode, done.stderr) == (
        1,
        "错误：文件 门户.csv 大于 2 GiB（MAX_INPUT_BYTES），不像是一个导出文件；"
        "请检查是否放错了文件，或按月份分开导出\n",
    )


def test_a_file_that_cannot_be_opened_says_why_in_chinese(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        read_grid(SourceFile(tmp_path, "门户.csv"))  # (a folder: EISDIR)
    assert str(exc.value) == "无法读取文件 门户.csv：是文件夹"


def test_utf32_file_with_a_bom_is_read(tmp_path: Path) -> None:
    text = "\n".join(",".join(r) for r in (HEADER, *ROWS)) + "\n"
    for encoding in ("utf-32", "utf-32-be"):
        content = (
            ("\ufeff" + text).encode(encoding) if encoding.endswith("be") else text.encode(encoding)
        )
        assert totals_of(cli(tmp_path, "门户.csv", content))["unique_items"] == 3
    page = html_table().encode("utf-32")
    assert totals_of(cli(tmp_path, "门户.html", page))["unique_items"] == 3


def test_file_whose_every_line_holds_a_nul(tmp_path: Path) -> None:
    text = "\n".join(",".join(r) for r in (HEADER, *ROWS)) + "\n"
    content = text.encode("utf-16-le")  # UTF-16 without its BOM: a NUL in every field
    assert error_of(cli(tmp_path, "门户.csv", content)) == (
        "文件 门户.csv 中没有一行能读：全部 5 行都无效（第 1 行：含有 NUL 字符）；"
        "它可能不是文本文件，或是没有 BOM 标记的 UTF-16/UTF-32 文本；请用 Excel 打开后另存为 CSV（UTF-8），"
        "或在配置文件中为该平台设置 encoding"
    )


# --- real .xls ----------------------------------------------------------------------------


def test_xls_counts_its_cells_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest_limits, "MAX_CELLS", 10)
    formats = Path(__file__).resolve().parent / "fixtures" / "formats"
    with pytest.raises(InputError) as caught:
        read_grid(SourceFile(formats / "大楚网.xls", "大楚网.xls"))
    assert str(caught.value) == (
        "文件 大楚网.xls 的工作表「新闻」中的单元格超过 10 个（一个文件各表合计的上限）；"
        "请在 Excel 中把它另存为 CSV 后再统计"
    )


def test_every_reader_spends_the_cell_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ingest_limits, "MAX_CELLS", 10)
    files = {
        "a.xlsx": xlsx(),
        "b.xlsx": xlsx(sheet_data([]), shared=["x"] * 11),
        "c.html": html_table().encode(),
        "d.xls": spreadsheetml().encode(),
    }
    for name, content in files.items():
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(InputError) as caught:
            read_grid(SourceFile(path, name))
        assert "中的单元格超过 10 个（一个文件各表合计的上限）" in str(caught.value), name


def test_chartsheets_are_not_tables(tmp_path: Path) -> None:
    parts = xlsx_parts(sheet_data())
    parts["xl/workbook.xml"] = (
        f'<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}"><sheets><sheet name="图" sheetId="2" r:id="rId9"/>'
        '<sheet name="文章" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ).encode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    parts["xl/_rels/workbook.xml.rels"] = rels.replace(
        "</Relationships>",
        f'<Relationship Id="rId9" Type="{DOC_RELS}/chartsheet" Target="chartsheets/sheet1.xml"/></Relationships>',
    ).encode()
    path = tmp_path / "门户.xlsx"
    path.write_bytes(zip_bytes(parts, zipfile.ZIP_STORED))
    assert [s.name for s in read_grid(SourceFile(path, "门户.xlsx")).sheets] == ["文章"]


# --- how many sheets, how much markup ------------------------------------------------------


def many_sheets(count: int, junk: str = "") -> bytes:
    """An .xlsx of ``count`` sheets that all point at one part (each read again)."""
    parts = xlsx_parts(sheet_data())
    listed = "".join(f'<sheet name="S{i}" sheetId="{i}" r:id="rId1"/>' for i in range(1, count + 1))
    parts["xl/workbook.xml"] = re.sub(
        rb"<sheets>.*</sheets>", f"<sheets>{listed}</sheets>".encode(), parts["xl/workbook.xml"]
    )
    sheet = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(
        b"<sheetData>", junk.encode() + b"<sheetData>"
    )
    return zip_bytes(parts)


@pytest.mark.parametrize(
    ("name", "content", "what"),
    [
        ("门户.xlsx", many_sheets(4), "工作表"),
        ("门户.xml", spreadsheetml().encode(), "工作表"),
        ("门户.html", (html_table() * 4).encode(), "表格"),
    ],
)
def test_a_file_of_more_sheets_than_any_export_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, content: bytes, what: str
) -> None:
    """Issue 9 attack: 2,000 one-row sheets or tables took 25 s; 10,000 sheets pointing at
    one part, 110 s."""
    if name.endswith(".xml"):  # (four worksheets)
        body = content.decode()
        start, end = body.index("<Worksheet"), body.index("</Worksheet>") + len("</Worksheet>")
        content = (body[:start] + body[start:end] * 4 + body[end:]).encode()
    monkeypatch.setattr(ingest_limits, "MAX_SHEETS", 3)
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        read_grid(SourceFile(path, name))
    assert f"文件 {name} 中的{what}多于 3 个（一个文件的上限）；" in str(caught.value)
    monkeypatch.setattr(ingest_limits, "MAX_SHEETS", 4)
    assert len(read_grid(SourceFile(path, name)).sheets) == 4


def test_an_old_xls_of_more_sheets_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    fixture = Path(__file__).resolve().parent / "fixtures" / "formats"
    path = fixture / "云上孝感.xls"
    monkeypatch.setattr(ingest_limits, "MAX_SHEETS", 0)
    with pytest.raises(InputError) as caught:
        read_grid(SourceFile(path, path.name))
    assert "中的工作表多于 0 个（一个文件的上限）" in str(caught.value)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("门户.xlsx", many_sheets(3, "<x/>" * 300)),  # (the part read three times)
        ("门户.html", (html_table() + "<x/>" * 1000).encode()),
        ("门户.xml", spreadsheetml().replace("<Table>", "<Table>" + "<x/>" * 1000).encode()),
    ],
)
def test_markup_beyond_any_export_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, content: bytes
) -> None:
    """Issue 9 attack: 64 MB of ``<x/>`` outside the rows took 25 s, and 1,000 sheets each
    reading that part again would take ten minutes: the tags are a budget too."""
    monkeypatch.setattr(ingest_limits, "MAX_TAGS", 1000)
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        read_grid(SourceFile(path, name))
    assert "中的标记（<…>）超过 1,000 个（一个文件的上限；正常的表格每个单元格几个）" in str(
        caught.value
    )


def test_tables_without_a_header_are_one_note(tmp_path: Path) -> None:
    """Issue 9 attack: a page of 5,000 layout tables printed 5,000 notes."""
    page = html_table().replace("<table>", "<table><tr><td>导航</td></tr></table>" * 3 + "<table>")
    result = read(tmp_path, "门户.html", page.encode())
    assert result.totals.unique_items == 3
    (note,) = [w for w in result.warnings if "没有标题列" in w]
    assert note.replace(str(tmp_path) + "/", "") == (
        "文件 门户.html 中有 3 个工作表（表格）没有标题列和发布时间列，已跳过：表格1、表格2、表格3"
    )


def test_a_hidden_sheet_is_read_and_said(tmp_path: Path) -> None:
    """A sheet the clerk cannot see in Excel still counts: the run says so."""
    parts = xlsx_parts(sheet_data())
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        b'r:id="rId1"', b'r:id="rId1" state="hidden"'
    )
    result = read(tmp_path, "门户.xlsx", zip_bytes(parts))
    assert result.totals.unique_items == 3
    assert any(
        w.endswith("门户.xlsx 的工作表「文章」在 Excel 中是隐藏的；本工具照常读取隐藏的工作表")
        for w in result.warnings
    )


def test_html_a_quoted_gt_does_not_end_its_tag(tmp_path: Path) -> None:
    """Issue 9 attack: the first '>' ended a tag, so a title="…>…" attribute spilled into
    the cell (the title read as 安全检查的通知">关于开展…, counted apart from its copy)."""
    page = html_table([HEADER, ["X", "2018-03-01", "规划财务"]]).replace(
        "<td>X</td>",
        '<td><a href="show.jsp?id=1" title="关于开展>安全检查的通知">关于开展安全检查的通知</a></td>',
    )
    page = page.replace("<td>2018-03-01</td>", "<td data-x='>'>2018-03-01</td>")
    got = read(tmp_path, "门户.html", page.encode())
    assert got.rows[["title", "date"]].astype(str).values.tolist() == [
        ["关于开展安全检查的通知", "2018-03-01"]
    ]


def test_html_what_the_tokenizer_skips_and_keeps(tmp_path: Path) -> None:
    """Empty comments (<!-->, <!--->) hid the rows up to the next -->; </script foo> did not
    end a script; a textarea's text is text."""
    rows = html_table([HEADER, ["甲", "2018-03-01", "x"], ["乙", "2018-03-02", "x"]])
    page = rows.replace("<table>", "<!--><!---><script>1</script foo>" + "<table>")
    page = page.replace("<td>乙</td>", "<td><textarea>乙<b>丙</b></textarea></td>")
    got = read(tmp_path, "门户.html", page.encode())
    assert got.rows["title"].tolist() == ["甲", "乙<b>丙</b>"]


def test_html_attributes_beyond_a_tables_needs_are_not_read() -> None:
    """Issue 9 attack: 15,000,000 attributes in one tag took 99 s and 1.8 GiB."""
    from xgedu_stats.read.markup import MAX_ATTRIBUTES, _attributes

    tag = 'colspan="2" ' + "a=1 " * 10_000
    got = _attributes(tag, 0, len(tag))
    assert len(got) == MAX_ATTRIBUTES and got[0] == ("colspan", "2")


def test_html_tables_are_counted_as_they_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 9 attack: 8,000,000 empty <table>s (56 MB) ran 104 s into an internal error;
    empty ones were not counted, and the count was checked after the whole page."""
    monkeypatch.setattr(ingest_limits, "MAX_SHEETS", 5)
    page = "<table>" * 6 + html_table()
    with pytest.raises(InputError) as caught:
        read(tmp_path, "门户.html", page.encode())
    assert "中的表格多于 5 个（一个文件的上限）" in str(caught.value)
