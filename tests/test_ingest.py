from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest
from conftest import csv_table
from hypothesis import given, settings
from hypothesis import strategies as st

from xgedu_stats.errors import InputError
from xgedu_stats.read import SourceFile, discover, read_grid
from xgedu_stats.read.sheets import cell_text
from xgedu_stats.read.text import Decoded, decode, sniff_delimiter, split

FORMATS = Path(__file__).resolve().parent / "fixtures" / "formats"


# --- encodings ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("标题,日期".encode(), "utf-8"),
        (codecs.BOM_UTF8 + "标题,日期".encode(), "utf-8-sig"),
        ("标题,日期".encode("gbk"), "gb18030"),
        ("𠮷字,日期".encode("gb18030"), "gb18030"),
        ("标题,日期".encode("utf-16"), "utf-16"),
    ],
)
def test_decode_detects_encoding(data: bytes, expected: str) -> None:
    got = decode(data, "a.csv")
    assert got.encoding == expected
    assert got.text.endswith(",日期") and not got.text.startswith("\ufeff")
    assert got.bad_lines == frozenset()


def test_decode_prefers_utf8_over_gb18030() -> None:
    data = "孝感教育".encode()
    data.decode("gb18030")  # also "valid" GB18030, as garbage: UTF-8 must win
    assert decode(data, "a.csv") == Decoded("孝感教育", "utf-8")


def test_decode_with_configured_encoding() -> None:
    assert decode("标题".encode("gbk"), "a.csv", "gbk") == Decoded("标题", "gbk")


def test_a_few_undecodable_lines_are_reported_not_fatal() -> None:
    data = "标题\n甲\n".encode() + "乙\n".encode("gbk") + "丙\n".encode()
    got = decode(data, "a.csv")
    assert (got.encoding, got.bad_lines) == ("utf-8", frozenset({3}))
    assert got.text.splitlines()[3] == "丙"


def test_decode_configured_encoding_that_does_not_fit() -> None:
    with pytest.raises(InputError) as exc:
        decode("标题\n甲乙\n".encode("gbk"), "a.csv", "utf-8")
    assert str(exc.value) == (
        "文件 a.csv 大部分内容不能按配置的编码 utf-8 读取；"
        "请检查配置文件中这个文件的 encoding 设置，或删去它让程序自动识别"
    )


def test_decode_undecodable_bytes() -> None:
    with pytest.raises(InputError) as exc:
        decode(b"title\n\x80\x80\xff\n\xff\xff\n", "a.csv")
    assert str(exc.value) == (
        "文件 a.csv 的编码无法识别（既不是 UTF-8，也不是 GBK/GB18030）；"
        '请在配置文件中为该平台设置 encoding = "…"'
    )


# --- splitting records ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("标题,日期\n甲,2018\n", ","),
        ("标题\t日期\n甲,乙\t2018\n", "\t"),
        ("标题;日期\n甲;2018\n", ";"),
        ("标题|日期|栏目\n甲|2018|x\n", "|"),
        ("标题\n甲\n", ","),
    ],
)
def test_sniff_delimiter(text: str, delimiter: str) -> None:
    assert sniff_delimiter(text) == delimiter


def test_line_numbers_are_physical_lines() -> None:
    table = csv_table('标题,日期\n\n甲,2018-01-01\n"乙\n续",2018-01-02\n丙,2018-01-03\n')
    assert table.header == ("标题", "日期")
    assert table.header_line == 1
    assert table.rows["line"].tolist() == [3, 4, 6]
    assert table.rows["c0"].tolist() == ["甲", "乙\n续", "丙"]
    assert table.blank_lines == 1


def test_unicode_line_separators_inside_a_title_do_not_split_lines() -> None:
    table = csv_table("标题,日期\n甲\u2028乙,2018-01-01\n丙,2018-01-02\n")
    assert table.rows["line"].tolist() == [2, 3]


def test_header_at_an_index_skips_rows_above() -> None:
    table = csv_table("导出时间 2018-12-31\n\n标题,日期,,\n甲,2018-01-01,,\n", header_index=1)
    assert table.header == ("标题", "日期")
    assert (table.header_line, table.skipped_above) == (3, 1)
    assert table.rows["line"].tolist() == [4]


def test_rows_of_the_wrong_width_are_malformed() -> None:
    table = csv_table("标题,日期\n甲,2018-01-01,多余\n乙\n丙,2018-01-03,\n")
    assert table.rows["c0"].tolist() == ["丙"]  # a trailing empty field is harmless
    assert table.malformed.to_dict("records") == [
        {"line": 2, "reason": "字段数为 3，与表头的 2 列不符", "raw": "甲,2018-01-01,多余"},
        {"line": 3, "reason": "字段数为 1，与表头的 2 列不符", "raw": "乙"},
    ]


def test_summary_rows_are_counted_not_read() -> None:
    table = csv_table("序号,标题,日期\n1,甲,2018-01-01\n合计,,\n 总 计 ：,,\n")
    assert table.rows["c1"].tolist() == ["甲"]
    assert (table.summary_rows, table.summary_lines) == (2, (3, 4))


def test_quote_errors_reject_one_line_and_reading_resumes() -> None:
    text = '标题,日期\n"甲,2018-01-01\n乙,2018-01-02\n"丙"x,2018-01-03\n丁,2018-01-04\n戊,"2018\n'
    records, bad, _ = split(Decoded(text, "utf-8"), ",")
    assert [r.cells[0] for r in records] == ["标题", "乙", "丁"]
    assert [(b.line, b.reason) for b in bad] == [
        (2, "引号不成对（引号后缺少分隔符）"),
        (4, "引号不成对（引号后缺少分隔符）"),
        (6, "引号不成对（文件在引号内结束）"),
    ]
    assert bad[0].raw == '"甲,2018-01-01'


def test_nul_and_undecodable_lines_are_bad_records() -> None:
    decoded = Decoded("标题,日期\n甲\x00,2018\n乙,2018\n\ufffd,2018\n", "utf-8", frozenset({4}))
    records, bad, _ = split(decoded, ",")
    assert [r.cells[0] for r in records] == ["标题", "乙"]
    assert [(b.line, b.reason, b.raw) for b in bad] == [
        (2, "含有 NUL 字符", "甲\\0,2018"),
        (4, "含有无法按 utf-8 解码的字节", "\ufffd,2018"),
    ]


def test_header_only() -> None:
    table = csv_table("标题,日期\n")
    assert len(table.rows) == 0
    assert list(table.rows.columns) == ["c0", "c1", "line"]


# --- file types by content ---------------------------------------------------------------


def grid(name: str):
    return read_grid(SourceFile(FORMATS / name, name))


@pytest.mark.parametrize(
    ("name", "kind", "encoding", "sheets"),
    [
        ("头条_文章列表.xlsx", "xlsx", None, ["文章列表", "说明"]),
        ("门户网站导出.xls", "html", "gb18030", [None]),
        ("云上孝感.xls", "spreadsheetml", "utf-8", ["Sheet1"]),
        ("大楚网.xls", "xls", None, ["新闻"]),
        ("门户网站_制表符.txt", "csv", "gb18030", [None]),
        ("门户网站_损坏.csv", "csv", "utf-8", [None]),
    ],
)
def test_file_type_by_content(name: str, kind: str, encoding: str | None, sheets: list) -> None:
    g = grid(name)
    assert (g.type, g.encoding, [s.name for s in g.sheets]) == (kind, encoding, sheets)


def test_xlsx_cells_are_text_as_a_person_sees_them() -> None:
    sheet = grid("头条_文章列表.xlsx").sheets[0]
    assert sheet.records[0].cells == ["今日头条 文章数据 2018-01-01 至 2018-12-31"]
    header, first = sheet.records[1], sheet.records[2]
    assert (header.line, first.line) == (3, 4)
    assert first.cells[1] == "6600000000000000000"  # a text ID stays text
    assert first.cells[3] == "2018-08-20 09:00:00"
    assert sheet.blank == 2


def test_html_colspan_and_spaces_in_headers() -> None:
    sheet = grid("门户网站导出.xls").sheets[0]
    assert sheet.records[0].cells == ["孝感市教育局 信息发布统计"]
    assert sheet.records[1].cells == ["序号", "标 题", "栏目", "发布时间", "点击量"]


def test_spreadsheetml_index_skips() -> None:
    sheet = grid("云上孝感.xls").sheets[0]
    assert [r.line for r in sheet.records] == [1, 3, 4, 5, 6, 7, 8]
    assert sheet.records[1].cells[2:] == ["", "2018-08-20T09:00:00.000"]


def test_real_xls_dates() -> None:
    sheet = grid("大楚网.xls").sheets[0]
    assert sheet.records[1].cells[2] == "2018-08-20 09:00:00"  # a date cell
    assert sheet.records[2].cells[2] == "43252.416666666664"  # a bare serial number


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"PK\x03\x04broken",
            "看起来是 .xlsx，但无法打开（文件已损坏或不完整）；请用 Excel 打开后重新保存",
        ),
        (b"\xd0\xcf\x11\xe0broken", "看起来是旧版 Excel（.xls），但无法打开"),
        (b"<html><body><p>no table</p></body></html>", "是网页（HTML）格式，但其中没有表格"),
        (
            b"<?xml version='1.0'?><note>x</note>",
            "是 XML 格式，但不是可识别的 Excel 表格或网页表格",
        ),
        (b"  \n", "是空的，没有表头"),
    ],
)
def test_unreadable_files_say_what_they_look_like(
    tmp_path: Path, data: bytes, message: str
) -> None:
    path = tmp_path / "a.xls"
    path.write_bytes(data)
    with pytest.raises(InputError) as exc:
        read_grid(SourceFile(path, "a.xls"))
    assert str(exc.value).startswith(f"文件 a.xls {message}") or message in str(exc.value)


def test_reading_never_modifies_the_file() -> None:
    for path in sorted(FORMATS.iterdir()):
        before = (path.read_bytes(), path.stat().st_mtime_ns)
        read_grid(SourceFile(path, path.name))
        assert (path.read_bytes(), path.stat().st_mtime_ns) == before


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, ""), (True, "TRUE"), (12.0, "12"), (0.5, "0.5"), (float("nan"), "nan"), ("x", "x")],
)
def test_cell_text(value: object, text: str) -> None:
    assert cell_text(value) == text


# --- discovery ------------------------------------------------------------------------------


def test_discover_walks_folders_sorted_and_skips_lock_files(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    for name in ["b/2.csv", "a.CSV", "~$a.xlsx", ".hidden.csv", "notes.doc", "b/1.xls", "c.html"]:
        (tmp_path / name).write_text("x")
    found = [s.path.relative_to(tmp_path).as_posix() for s in discover([tmp_path]).files]
    assert found == ["a.CSV", "b/1.xls", "b/2.csv", "c.html"]


def test_discover_reads_a_file_once_even_if_named_twice(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("x")
    assert len(discover([tmp_path, tmp_path / "a.csv"]).files) == 1


def test_discover_reads_hard_and_symbolic_links_to_one_file_once(tmp_path: Path) -> None:
    """Issue 9 attack: a hard link in the export folder was read twice (rows_read doubled)."""
    (tmp_path / "a.csv").write_text("x")
    os.link(tmp_path / "a.csv", tmp_path / "b.csv")
    (tmp_path / "c.csv").symlink_to(tmp_path / "a.csv")
    found = discover([tmp_path])
    assert [s.path.name for s in found.files] == ["a.csv"]
    assert found.notes == (
        f"文件 {tmp_path}/b.csv 与 {tmp_path}/a.csv 是同一个文件，只读一次",
        f"文件 {tmp_path}/c.csv 与 {tmp_path}/a.csv 是同一个文件，只读一次",
    )


def test_discover_notes_a_link_to_nothing(tmp_path: Path) -> None:
    """A dangling symbolic link was skipped without a word."""
    (tmp_path / "a.csv").write_text("x")
    (tmp_path / "门户.csv").symlink_to(tmp_path / "gone.csv")
    found = discover([tmp_path])
    assert [s.path.name for s in found.files] == ["a.csv"]
    assert found.notes == (f"文件 {tmp_path}/门户.csv 是指向不存在的文件的链接，没有读取",)


def test_discover_notes_a_fifo_in_a_folder(tmp_path: Path) -> None:
    """Issue 9 attack: a FIFO inside an input folder was skipped without a word."""
    (tmp_path / "a.csv").write_text("x")
    os.mkfifo(tmp_path / "门户_f.csv")
    found = discover([tmp_path])
    assert [s.path.name for s in found.files] == ["a.csv"]
    assert found.notes == (f"{tmp_path}/门户_f.csv 不是普通文件（如管道或设备），没有读取",)


def test_discover_explicit_file_of_any_suffix(tmp_path: Path) -> None:
    (tmp_path / "a.dat").write_text("x")
    assert [s.path.name for s in discover([tmp_path / "a.dat"]).files] == ["a.dat"]


def test_discover_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(InputError) as exc:
        discover([missing])
    assert str(exc.value) == f"找不到文件或文件夹：{missing}"


def test_discover_folder_without_exports(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        discover([tmp_path])
    assert str(exc.value).startswith(f"文件夹 {tmp_path} 中没有可读的导出文件（.csv、.tsv、")


# --- summary rows: the rule per record and in bulk -------------------------------------------

summary_cell = st.sampled_from(
    ["合计", "合计：11条", "总计 11 条", " 小 计 ", "小计 12", "共 1460 条", "共计：１２", "总计 1,460 条",
     "合计:11", "共青团孝感市委", "总计划", "合计划算", "共1460", "合计11条其中", "共", "计", "", " ",
     "　", "12", "甲", "小计\n", "合\u3000计", "合计（11条）", "合计(3)", "共3条记录", "本页共 3 条",
     "本页面", "共享单车", "全部共 5 条"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=1, max_value=4).flatmap(
        lambda raw: st.tuples(
            st.just(raw),
            st.integers(min_value=1, max_value=raw),
            st.lists(st.lists(summary_cell, min_size=raw, max_size=raw), min_size=1, max_size=12),
        )
    )
)
def test_summary_rows_in_bulk_are_the_rule_per_record(case: tuple) -> None:
    """``_Judge.frame`` (RE2 over columns) judges as ``_Judge.records`` (one by one)."""
    import pandas as pd

    from xgedu_stats.read import _Judge
    from xgedu_stats.read.text import Record

    raw, width, rows = case
    rows = [r for r in rows if any(c.strip() for c in r)]  # (blank rows never get here)
    frame = pd.DataFrame({f"c{i}": pd.array([r[i] for r in rows], dtype="str") for i in range(raw)})
    frame["line"] = pd.array(range(2, len(rows) + 2), dtype="int64")
    bulk, one_by_one = _Judge(width, False, ","), _Judge(width, False, ",")
    kept = bulk.frame(frame)
    one_by_one.records(Record(n, n, r) for n, r in enumerate(rows, start=2))
    assert bulk.summary == one_by_one.summary
    assert bulk.bad == one_by_one.bad
    pd.testing.assert_frame_equal(kept, one_by_one.kept_frame())


@pytest.mark.parametrize(
    ("cell", "summary"),
    [("合计：11条", True), ("总计 11 条", True), ("小计", True), ("共 1460 条", True),
     ("合计（11条）", True), ("共3条记录", True), ("本页共 3 条", True),
     ("共青团孝感市委召开会议", False), ("总计划下达", False), ("合计划算", False),
     ("本页面更新", False), ("共享单车进校园", False)],
)  # fmt: skip
def test_summary_cells(cell: str, summary: bool) -> None:
    from xgedu_stats.read import _is_summary

    assert _is_summary(["", cell, "12"]) is summary


def test_a_utf8_file_with_a_gbk_line_is_utf8_on_every_path(tmp_path: Path) -> None:
    # Its UTF-8 lines happen to be valid GB18030 too (as garbage): the one GBK line is
    # rejected, the rest read as UTF-8, whichever reader reads the file.
    from xgedu_stats.read import to_table

    head = "标题,发布时间\n".encode()
    head.decode("gb18030")  # (valid, as garbage)
    for lone_cr in (b"", b"\r"):  # the fast path, and the careful one
        path = tmp_path / "门户.csv"
        path.write_bytes(
            head + "甲乙,2018-01-01\n".encode("gbk") + "丙丁,2018-01-02\n".encode() + lone_cr
        )
        g = read_grid(SourceFile(path, "门户.csv"))
        table = to_table(g, g.sheets[0], 0)
        assert (g.encoding, table.header) == ("utf-8", ("标题", "发布时间"))
        assert table.rows["c0"].tolist() == ["丙丁"]
        assert table.malformed[["line", "reason"]].values.tolist() == [
            [2, "含有无法按 utf-8 解码的字节"]
        ]


@settings(max_examples=300, deadline=None)
@given(
    st.text(st.sampled_from(["\r", "\n", "\t", " ", ",", "甲", "\u3000", "\u2028", "\x0b", "a"]))
)
def test_lines_are_split_as_an_editor_splits_them(text: str) -> None:
    """The careful path's lines (decoded one at a time) are io.StringIO's, and a line is
    skipped as blank exactly when csv would read it as a blank record of one line."""
    import csv
    import io

    from xgedu_stats.read.text import _Lines

    expected = list(io.StringIO(text, newline=""))
    lines = _Lines(text)
    assert (len(lines), lines[:]) == (len(expected), expected)
    after = lines.after_blanks(",")
    blank = [not any(c.strip() for c in next(csv.reader([ln]), [])) for ln in expected]
    assert [after[i] > i for i in range(len(expected))] == blank
