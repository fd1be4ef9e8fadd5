"""The fast CSV path must read exactly what the careful path reads, row for row."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xgedu_stats.read import Grid, Sheet, SourceFile, to_table
from xgedu_stats.read.fastcsv import MANY_BLANK_CANDIDATES, regular, scan
from xgedu_stats.read.text import as_utf8, decode, split
from xgedu_stats.spaces import SPACE_ONLY, starts_with_space

SOURCE = SourceFile(Path("门户.csv"), "门户.csv")
# Cells and lines are written with "{d}" for the delimiter, so that each delimiter meets
# the same traps (the delimiter inside a field, a field of only the delimiter …).
cell = st.sampled_from(
    ["标题", "甲", "乙 丙", "", " ", "合计", "2018-03-01", '"引"号', "a{d}b", "\x00", "　", "\x0b",
     '他说"好"', '"', "a{d}b{d}c", " {d}", '""', "甲\n乙", " \n", "合计\n", "合计：11条", "共 3 条",
     "共青团", "总计划", "a,b;c|d\te", "𠮷"]
)  # fmt: skip
# A cell as written: bare (a delimiter, quote or line break then breaks the record), or
# quoted with its quotes doubled, as exporters write them (a record on several lines).
written = st.one_of(
    cell.map(lambda c: f'"{c}"' if "{d}" in c else c),
    cell.map(lambda c: '"' + c.replace('"', '""') + '"'),
)
line = st.one_of(
    st.lists(written, min_size=1, max_size=5).map("{d}".join),
    st.sampled_from(
        [
            '"未闭合',
            '"a"x{d}b',
            "",
            "{d}{d}{d}",
            "标题{d}日期{d}栏目",
            '""{d}""',
            '" "{d}""',
            'a"b{d}c',
        ]
    ),
)
#: Each delimiter the tool sniffs, and the two encodings exports come in.
DELIMITER = st.sampled_from([",", "\t", ";", "|"])
ENCODING = st.sampled_from(["utf-8", "gb18030"])


def file_bytes(lines: list[str], delimiter: str, newline: str, encoding: str, end: str) -> bytes:
    """A header and ``lines`` ("{d}" standing for the delimiter), as bytes in ``encoding``."""
    text = newline.join(["标题{d}日期{d}栏目", *lines]) + end.replace("\n", newline)
    return text.replace("{d}", delimiter).encode(encoding)


def careful(data: bytes, delimiter: str = ","):
    decoded = decode(data, "门户.csv")
    records, bad, blank = split(decoded, delimiter)
    sheet = Sheet(name=None, records=records, bad=bad, blank=blank)
    return Grid(SOURCE, "csv", decoded.encoding, delimiter, (sheet,)), sheet


def fast_sheets(data: bytes, delimiter: str, many: int = MANY_BLANK_CANDIDATES) -> list:
    """The fast paths' sheets for ``data``, as ``read_grid`` makes them (GB18030 transcoded);
    None where a path declines the file."""
    utf8 = as_utf8(data)
    assert utf8 is not None
    return [scan(utf8[0], delimiter, many=many), regular(utf8[0], delimiter)]


def fast_table(sheet, header: int = 0):
    """The table a fast path's sheet gives under the header at ``header``."""
    return to_table(Grid(SOURCE, "csv", "utf-8", sheet.delimiter, (sheet,)), sheet, header)


def assert_same_as_careful(sheet, data: bytes) -> None:
    """A fast path reads ``data`` exactly as the careful path does, whatever the header."""
    slow_grid, slow_sheet = careful(data, sheet.delimiter)
    fast_grid = Grid(SOURCE, "csv", "utf-8", sheet.delimiter, (sheet,))
    assert [r.cells for r in sheet.head] == [r.cells for r in slow_sheet.records[:20]]
    for fast, slow in zip(tables(fast_grid, sheet), tables(slow_grid, slow_sheet), strict=True):
        assert fast[0:2] == slow[0:2]
        pd.testing.assert_frame_equal(fast[2], slow[2])
        pd.testing.assert_frame_equal(fast[3], slow[3])
        assert fast[4:] == slow[4:]


def tables(grid: Grid, sheet) -> list:
    out = []
    for header in range(min(3, len(sheet.head))):
        t = to_table(grid, sheet, header)
        rows = t.rows.sort_values("line", ignore_index=True).astype(str)
        out.append((t.header, t.header_line, rows, t.malformed, t.blank_lines, t.summary_lines))
    return out


@settings(max_examples=500, deadline=None)
@given(
    st.lists(line, min_size=1, max_size=30),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
    DELIMITER,
    ENCODING,
)
def test_fast_and_careful_paths_agree(
    lines: list[str], newline: str, many: bool, delimiter: str, encoding: str
) -> None:
    data = file_bytes(lines, delimiter, newline, encoding, "\n")
    # (``many=0``: scan tests every byte for blank lines, as when many lines may be blank)
    for sheet in fast_sheets(data, delimiter, many=0 if many else MANY_BLANK_CANDIDATES):
        if sheet is not None:  # (None: a quote left open, or a line not plain: not this path)
            assert_same_as_careful(sheet, data)


# Lines with bare or wholly quoted fields: what most exports look like, and what ``regular`` reads.
plain_cell = st.sampled_from(
    ["标题", "甲", "乙 丙", "", " ", "合计", "2018-03-01", "　", "\x0b", "计", "小计 12", "共青团"]
)
quoted_cell = st.sampled_from(['"甲"', '"a{d}b"', '"他说""好"""', '""', '" "', '"合计"'])
plain_line = st.one_of(
    st.lists(st.one_of(plain_cell, quoted_cell), min_size=1, max_size=4).map("{d}".join),
    st.sampled_from(["", "{d}{d}", "标题{d}日期{d}栏目", "  ", '""{d}""']),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(plain_line, min_size=1, max_size=30),
    st.sampled_from(["\n", "\r\n"]),
    st.sampled_from(["", "\n", "\n\n"]),
    DELIMITER,
    ENCODING,
)
def test_regular_and_careful_paths_agree(
    lines: list[str], newline: str, end: str, delimiter: str, encoding: str
) -> None:
    data = file_bytes(lines, delimiter, newline, encoding, end)
    sheet = fast_sheets(data, delimiter)[1]
    if sheet is not None:  # (None only for a NUL, a lone CR or a quote that is not plain)
        assert_same_as_careful(sheet, data)


def indexing(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the files ``scan`` indexes from now on."""
    from xgedu_stats.read import fastcsv

    calls: list[int] = []
    real = fastcsv.scan
    monkeypatch.setattr(fastcsv, "scan", lambda *a, **k: calls.append(1) or real(*a, **k))
    return calls


def test_a_regular_file_is_read_without_a_line_index(monkeypatch: pytest.MonkeyPatch) -> None:
    data = "标题,日期\n甲,2018-01-01\n,\n合计,2\n乙,2018-01-02\n\n".encode()
    sheet = regular(data, ",")
    assert sheet is not None
    scanned = indexing(monkeypatch)
    table = fast_table(sheet)
    assert not scanned
    assert table.rows["line"].tolist() == [2, 5]
    assert (table.blank_lines, table.summary_lines) == (2, (4,))


def test_a_line_of_another_width_hands_the_file_to_the_line_index(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = "标题,日期\n甲,2018-01-01\n乙,2018-01-02,多\n丙\n".encode()
    sheet = regular(data, ",")
    assert sheet is not None
    scanned = indexing(monkeypatch)
    table = fast_table(sheet)
    assert scanned
    assert table.rows["line"].tolist() == [2]
    assert table.malformed["line"].tolist() == [3, 4]


def test_an_empty_line_after_the_header_is_a_blank_row(monkeypatch: pytest.MonkeyPatch) -> None:
    data = "\n标题,日期\n甲,2018-01-01\n\n乙,2018-01-02\n\n".encode()
    sheet = regular(data, ",")
    assert sheet is not None
    scanned = indexing(monkeypatch)
    table = fast_table(sheet)
    assert not scanned
    assert table.rows["line"].tolist() == [3, 5]
    assert table.blank_lines == 3


@pytest.mark.parametrize(
    "data",
    [
        b'a,b\n"x"y,z\n',  # text after a closing quote
        b'a,b\nx"y,z\n',  # a quote inside a bare field
        b'a,b\n"x\ny",z\n',  # a record on two lines
        b"a,b\rx,y\n",
        b"a,b\r\nx,y\ry,z\r\n",
        b"a,b\nx\x00,y\n",
        b"\n\r\n",
    ],
)
def test_irregular_bytes_are_not_read_as_regular(data: bytes) -> None:
    assert regular(data, ",") is None


def test_space_only_matches_python_isspace_for_every_code_point() -> None:
    import pyarrow as pa
    import pyarrow.compute as pc

    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    matched = pc.match_substring_regex(pa.array(chars), SPACE_ONLY).to_pylist()
    assert [c for c, m in zip(chars, matched, strict=True) if m != c.isspace()] == []


def test_a_quoted_field_on_several_lines_is_one_record() -> None:
    data = '标题,日期\n"甲\n乙",2018-01-01\n丙,2018-01-02\n" \n",\n'.encode()
    assert regular(data, ",") is None  # one record a line: not this file
    sheet = scan(data, ",")
    assert sheet is not None
    table = fast_table(sheet)
    assert table.rows["line"].tolist() == [2, 4]
    assert table.rows["c0"].tolist() == ["甲\n乙", "丙"]
    assert table.blank_lines == 2  # the blank record on lines 5 and 6
    slow_grid, slow_sheet = careful(data)
    slow = to_table(slow_grid, slow_sheet, 0)
    assert (slow.rows["line"].tolist(), slow.blank_lines) == ([2, 4], 2)


def test_a_stray_quote_across_lines_is_left_to_the_careful_path() -> None:
    assert scan('标题,日期\n甲"乙,2018-01-01\n丙,"2018-01-02\n'.encode(), ",") is None


def test_starts_with_space_is_str_isspace_for_every_code_point() -> None:
    import numpy as np

    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    heads = np.array([list((c + "  ").encode()[:3]) for c in chars], dtype=np.uint8)
    found = starts_with_space(heads[:, 0], heads[:, 1], heads[:, 2])
    assert [c for c, f in zip(chars, found, strict=True) if f != c.isspace()] == []


@pytest.mark.parametrize(
    "text",
    [
        "标题,日期\n\ufeff甲,2018-01-01\n",
        '标题,日期\n甲"乙"丙,2018\n\ufeff甲,2018-01-01\n乙,2018\n',
    ],
)
def test_a_bom_at_the_start_of_a_row_is_kept_as_the_careful_path_keeps_it(text: str) -> None:
    # (files joined end to end; Arrow's reader drops a BOM where its input begins)
    data = text.encode()
    for sheet in fast_sheets(data, ","):
        if sheet is not None:
            assert_same_as_careful(sheet, data)
            assert "\ufeff甲" in fast_table(sheet).rows["c0"].tolist()


@pytest.mark.parametrize("last", ["乙,2018-03-02", '乙"丙,2018-03-02'])  # fast path; careful path
def test_one_header_search_limit_for_every_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, last: str
) -> None:
    """Issue 10: the fast path parsed its own 20 records (HEAD_RECORDS) and the header search
    looked at its own 20 (HEADER_SEARCH_ROWS): raised to 30, a header on line 23 was found on
    the careful path and not on the fast one. One constant now."""
    from xgedu_stats.config import RunConfig
    from xgedu_stats.pipeline import run
    from xgedu_stats.read import text

    lines = [f"说明第{i}行" for i in range(22)] + ["标题,日期", "甲,2018-03-01", last]
    path = tmp_path / "门户.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(text, "HEADER_SEARCH_ROWS", 30)
    got = run(RunConfig((path,)))
    assert (got.totals.unique_items, got.files[0].header_line) == (2, 23)
