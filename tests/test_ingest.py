from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from xgedu_stats.errors import InputError
from xgedu_stats.ingest import SourceFile, decode, discover, read_table, split_records


def source(name: str = "a.csv") -> SourceFile:
    return SourceFile(Path(name), name)


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
    text, used = decode(data, "a.csv")
    assert used == expected
    assert text.endswith(",日期") and not text.startswith("\ufeff")


def test_decode_prefers_utf8_over_gb18030() -> None:
    # These UTF-8 bytes are also valid GB18030 (as garbage): UTF-8 must win.
    data = "孝感教育".encode()
    data.decode("gb18030")
    assert decode(data, "a.csv") == ("孝感教育", "utf-8")


def test_decode_with_configured_encoding() -> None:
    assert decode("标题".encode("gbk"), "a.csv", "gbk") == ("标题", "gbk")


def test_decode_configured_encoding_that_does_not_fit() -> None:
    with pytest.raises(InputError) as exc:
        decode("a\n标题".encode("gbk"), "a.csv", "utf-8")
    assert str(exc.value) == (
        "文件 a.csv 第 2 行不能按配置的编码 utf-8 读取；"
        "请检查配置文件中该平台的 encoding，或删去它让程序自动识别"
    )


def test_decode_undecodable_bytes() -> None:
    with pytest.raises(InputError) as exc:
        decode(b"title\n\x80\x80\xff\n", "a.csv")
    assert str(exc.value) == (
        "文件 a.csv 的编码无法识别（既不是 UTF-8，也不是 GBK/GB18030；第 2 行出错）；"
        '请在配置文件中为该平台设置 encoding = "…"'
    )


def test_split_records_keeps_physical_line_numbers() -> None:
    text = '标题,日期\n\n甲,2018-01-01\n"乙\n续",2018-01-02\n丙,2018-01-03\n'
    table = split_records(text, source(), "utf-8")
    assert table.header == ("标题", "日期")
    assert table.header_line == 1
    assert table.rows["line"].tolist() == [3, 4, 6]
    assert table.rows["c0"].tolist() == ["甲", "乙\n续", "丙"]
    assert table.blank_lines == 1


def test_split_records_header_after_blank_lines_and_trailing_empty_headers() -> None:
    table = split_records("\n\n标题,日期,,\n甲,2018-01-01,,\n", source(), "utf-8")
    assert table.header == ("标题", "日期")
    assert table.header_line == 3
    assert table.rows["line"].tolist() == [4]


def test_split_records_rejects_rows_of_the_wrong_width() -> None:
    text = "标题,日期\n甲,2018-01-01,多余\n乙\n丙,2018-01-03,\n"
    table = split_records(text, source(), "utf-8")
    assert table.rows["c0"].tolist() == ["丙"]  # a trailing empty field is harmless
    assert table.malformed.to_dict("records") == [
        {"line": 2, "reason": "字段数为 3，与表头的 2 列不符", "raw": "甲,2018-01-01,多余"},
        {"line": 3, "reason": "字段数为 1，与表头的 2 列不符", "raw": "乙"},
    ]


def test_split_records_empty_file() -> None:
    with pytest.raises(InputError, match=r"^文件 a\.csv 是空的，没有表头$"):
        split_records("\n \n", source(), "utf-8")


def test_split_records_header_only() -> None:
    table = split_records("标题,日期\n", source(), "utf-8")
    assert len(table.rows) == 0
    assert list(table.rows.columns) == ["c0", "c1", "line"]


def test_read_table_does_not_modify_the_file(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    data = "标题,日期\n甲,2018-01-01\n".encode("gbk")
    path.write_bytes(data)
    table = read_table(SourceFile(path, "a.csv"))
    assert table.encoding == "gb18030"
    assert path.read_bytes() == data


def test_discover_walks_folders_sorted_and_skips_lock_files(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    for name in ["b/2.csv", "a.CSV", "~$a.csv", ".hidden.csv", "notes.txt", "b/1.csv"]:
        (tmp_path / name).write_text("x")
    found = [s.path.relative_to(tmp_path).as_posix() for s in discover([tmp_path])]
    assert found == ["a.CSV", "b/1.csv", "b/2.csv"]


def test_discover_reads_a_file_once_even_if_named_twice(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("x")
    assert len(discover([tmp_path, tmp_path / "a.csv"])) == 1


def test_discover_explicit_file_of_any_suffix(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x")
    assert [s.path.name for s in discover([tmp_path / "a.txt"])] == ["a.txt"]


def test_discover_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(InputError) as exc:
        discover([missing])
    assert str(exc.value) == f"找不到文件或文件夹：{missing}"


def test_discover_folder_without_csv(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        discover([tmp_path])
    assert str(exc.value) == f"文件夹 {tmp_path} 中没有 .csv 文件"
