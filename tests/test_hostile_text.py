"""Hostile and broken text files and configs (issue 9): each ends in seconds, under 1 GiB,
with rows read, rows rejected with their reason, or one clear line — never an internal error.

Files are generated small (or as large as the attack needs) under tmp_path; where the point
is memory or time the command runs in a subprocess under a memory limit (``run_limited``).
"""

from __future__ import annotations

import codecs
import json
import re
import subprocess
from pathlib import Path

import pytest
from conftest import run_limited

from xgedu_stats.config import RunConfig, Settings, settings_from_dict
from xgedu_stats.errors import InputError
from xgedu_stats.pipeline import Result, run
from xgedu_stats.read.text import MAX_COLUMNS

FORMATS = Path(__file__).resolve().parent / "fixtures" / "formats"
HEADER = "标题,发布时间\n"


def cli(tmp_path: Path, data: bytes, *args: str, name: str = "门户.csv"):
    (tmp_path / name).write_bytes(data)
    return run_limited(["aggregate", name, "-q", *args], cwd=tmp_path)


def error_line(result: subprocess.CompletedProcess) -> str:
    """The one error line of a failed run, without its prefix (``Error:`` or ``错误：``)."""
    assert result.returncode == 1, result.stderr[-2000:]
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr[-2000:]
    assert "程序内部错误" not in lines[0]
    found = re.match(r"(?:Error: |错误：)(.*)", lines[0])
    assert found, lines[0]
    return found.group(1)


def totals(result: subprocess.CompletedProcess) -> dict[str, int]:
    """The totals of a run with ``-f json``."""
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)["totals"]


def read(tmp_path: Path, data: bytes, name: str = "门户.csv", **config) -> Result:
    path = tmp_path / name
    path.write_bytes(data)
    settings = settings_from_dict(config) if config else Settings()
    return run(RunConfig((path,), settings=settings))


def counts(result: Result) -> tuple[int, int, int]:
    """(rows read, rejected, unique items), after checking that every row is accounted for."""
    assert result.totals.balanced
    return result.totals.rows_read, result.totals.rejected, result.totals.unique_items


# --- a file that is only a byte-order mark ---------------------------------------------


@pytest.mark.parametrize(
    "bom",
    [
        codecs.BOM_UTF8,
        codecs.BOM_UTF16_LE,
        codecs.BOM_UTF16_BE,
        codecs.BOM_UTF32_LE,
        codecs.BOM_UTF32_BE,
        codecs.BOM_UTF8 + b" \r\n\n",
    ],
)
def test_a_file_of_only_a_byte_order_mark_is_empty(tmp_path: Path, bom: bytes) -> None:
    with pytest.raises(InputError) as exc:
        read(tmp_path, bom)
    assert str(exc.value) == f"文件 {tmp_path / '门户.csv'} 是空的，没有表头"


def test_a_byte_order_mark_alone_is_one_line_from_the_command(tmp_path: Path) -> None:
    assert error_line(cli(tmp_path, codecs.BOM_UTF16_LE)) == "文件 门户.csv 是空的，没有表头"


def test_utf32_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    data = (HEADER + "甲,2018-01-01\n乙,2018-01-02\n").encode("utf-32")
    result = read(tmp_path, data)
    assert counts(result) == (2, 0, 2)
    assert result.files[0].encoding == "utf-32"


def test_a_file_where_every_line_holds_a_nul_says_so(tmp_path: Path) -> None:
    # UTF-16 without a byte-order mark: valid UTF-8, a NUL after every ASCII character.
    with pytest.raises(InputError) as exc:
        read(tmp_path, "title,date\nx,2018-01-01\n".encode("utf-16-le"))
    assert str(exc.value) == (
        f"文件 {tmp_path / '门户.csv'} 中没有一行能读：全部 3 行都无效（第 1 行：含有 NUL 字符）；"
        "它可能不是文本文件，或是没有 BOM 标记的 UTF-16/UTF-32 文本；请用 Excel 打开后另存为 CSV（UTF-8），"
        "或在配置文件中为该平台设置 encoding"
    )


def test_an_encoding_that_is_not_text_is_refused_by_the_reader(tmp_path: Path) -> None:
    # A library user can pass a Platform without the config's check: the reader checks too.
    from xgedu_stats.read.text import decode

    for name in ("rot13", "base64", "zlib_codec", "idna"):
        with pytest.raises(InputError, match=f"指定的编码 {name} 不是可用的文本编码"):
            decode(b"title,date\n", "a.csv", name)


# --- very long fields --------------------------------------------------------------------

BIG = "长" * 140_000  # over the csv module's field limit (131,072 characters)


@pytest.mark.parametrize(
    ("path", "text"),
    [
        # one record a line, whole fields quoted: Arrow reads it (the ``regular`` path)
        ("regular", HEADER + f'"{BIG}",2018-01-01\n甲,2018-01-02\n'),
        # a quote inside a bare field: records are indexed, that one read by csv (``scan``)
        ("scan", HEADER + f'{BIG}"引,2018-01-01\n"{BIG}乙",2018-01-02\n'),
        # the same after line 20 (the first 20 records are split in Python to find the header)
        ("scan, late", HEADER + "".join(f"行{i},2018-02-01\n" for i in range(25)) + f'{BIG}"引,2018-01-01\n"{BIG}乙",2018-01-02\n'),
        # a lone CR: the careful path (Python's csv over decoded text)
        ("careful", HEADER.replace("\n", "\r") + f'"{BIG}",2018-01-01\r\n"{BIG}乙",2018-01-02\n'),
    ],
)  # fmt: skip
def test_a_field_over_128_kib_is_read_on_every_path(tmp_path: Path, path: str, text: str) -> None:
    result = read(tmp_path, text.encode())
    rows = text.count("\n") + text.count("\r") - text.count("\r\n") - 1
    assert counts(result) == (rows, 0, rows), path
    assert result.rows["title"].str.len().max() >= len(BIG)


def test_an_unquoted_field_of_13_mb_is_read(tmp_path: Path) -> None:
    # Arrow's reader fails on a line longer than two of its blocks (4 MiB on this path)
    data = (HEADER + "长" * 4_500_000 + ",2018-01-01\n甲,2018-01-02\n").encode()
    assert totals(cli(tmp_path, data, "-f", "json"))["rows_read"] == 2


def test_a_record_of_40_mb_is_read_when_records_are_indexed() -> None:
    # (quotes inside a bare field: the indexed path, whose blocks are 16 MiB; Arrow fails
    # on a record longer than two blocks). In-process: the point is the block size.
    from xgedu_stats.read import Grid, SourceFile, to_table
    from xgedu_stats.read.fastcsv import scan

    data = (HEADER + "x" * 40_000_000 + ',2018-01-01\n甲"乙"丙,2018-01-02\n').encode()
    sheet = scan(data, ",")
    assert sheet is not None
    source = SourceFile(Path("门户.csv"), "门户.csv")
    table = to_table(Grid(source, "csv", "utf-8", ",", (sheet,)), sheet, 0)
    assert table.rows["c0"].str.len().tolist() == [40_000_000, 5]


# --- too many columns ----------------------------------------------------------------------


def wide(columns: int) -> str:
    return ",".join(["标题", "发布时间", *(f"列{i}" for i in range(columns - 2))]) + "\n"


def wide_error(lines: int) -> str:
    return (
        f"文件 门户.csv 中没有一行能读：全部 {lines} 行都无效"
        "（第 1 行：字段数为 100000，超过上限 16384 列（MAX_COLUMNS））；请核对文件，或重新导出"
    )


def test_a_header_of_100k_columns_and_one_row_is_refused_at_once(tmp_path: Path) -> None:
    row = ",".join(["甲", "2018-01-01", *["x"] * 99_998]) + "\n"
    assert error_line(cli(tmp_path, (wide(100_000) + row).encode())) == wide_error(2)


def test_200_rows_of_100k_columns_are_refused_at_once(tmp_path: Path) -> None:
    row = ",".join(["甲", "2018-01-01", *["x"] * 99_998]) + "\n"
    assert error_line(cli(tmp_path, (wide(100_000) + row * 200).encode())) == wide_error(201)


@pytest.mark.parametrize("newline", ["\n", "\r"])  # the fast paths, and the careful one
def test_a_row_of_100k_fields_under_a_normal_header_is_rejected(
    tmp_path: Path, newline: str
) -> None:
    text = HEADER + "甲,2018-01-01\n" + ",".join(["乙"] * 100_000) + "\n丙,2018-01-03\n"
    result = read(tmp_path, text.replace("\n", newline).encode())
    assert counts(result) == (3, 1, 2)
    assert result.rejects["reason"].tolist() == [
        "字段数为 100000，超过上限 16384 列（MAX_COLUMNS）"
    ]


def test_a_header_at_the_column_limit_is_read(tmp_path: Path) -> None:
    row = ",".join(["甲", "2018-01-01", *[""] * (MAX_COLUMNS - 2)]) + "\n"
    assert totals(cli(tmp_path, (wide(MAX_COLUMNS) + row * 50).encode(), "-f", "json")) == {
        "rows_read": 50,
        "rejected": 0,
        "out_of_period": 0,
        "duplicates": 49,
        "unique_items": 1,
    }


# --- millions of blank lines ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("blank", "lines"),
    [(" \n", 5_000_000), ("\u3000\n", 2_000_000), (",\t\n", 3_000_000), ("\n", 5_000_000)],
    ids=["space", "ideographic space", "delimiters", "empty"],
)
def test_millions_of_blank_lines_take_seconds(tmp_path: Path, blank: str, lines: int) -> None:
    # before the header, after it, between the rows and at the end: a quarter each
    blank *= lines // 4
    text = blank + HEADER + blank + "甲,2018-01-01\n" + blank + "乙,2018-01-02\n" + blank
    assert totals(cli(tmp_path, text.encode(), "-f", "json"))["rows_read"] == 2


def test_millions_of_blank_lines_on_the_careful_path_take_seconds(tmp_path: Path) -> None:
    # (a lone CR anywhere sends the file to Python's csv, line by line)
    blank = " \n" * 1_250_000
    text = blank + HEADER + blank + "甲,2018-01-01\r" + blank + "乙,2018-01-02\n" + blank
    assert totals(cli(tmp_path, text.encode(), "-f", "json"))["rows_read"] == 2


def test_millions_of_blank_lines_and_no_header(tmp_path: Path) -> None:
    assert error_line(cli(tmp_path, b" \n" * 5_000_000)) == "文件 门户.csv 是空的，没有表头"


# --- what an error quotes ---------------------------------------------------------------------


def test_a_50_mb_header_line_is_quoted_briefly(tmp_path: Path) -> None:
    header = ",".join([f"{i}" + "x" * 5000 for i in range(10_000)])
    message = error_line(cli(tmp_path, (header + "\n甲,乙\n").encode()))
    shown = "、".join((f"{i}" + "x" * 5000)[:30] + "…" for i in range(20))
    assert message.startswith(f"文件 门户.csv 中找不到标题列；表头为：{shown}等 10000 项；")
    assert len(message) < 1200


# --- summary rows -------------------------------------------------------------------------------

SUMMARIES = ["合计：11条,,", "总计 11 条,,", "小计,12,34", "共 1460 条,,", ",合计,", " 总 计 ：,,"]
TITLES = ["共青团孝感市委召开会议", "总计划下达", "合计划算", "小计算器比赛"]


@pytest.mark.parametrize("newline", ["\n", "\r"])  # the fast paths, and the careful one
def test_summary_rows_are_not_data_and_titles_like_them_are(tmp_path: Path, newline: str) -> None:
    rows = [f"{t},2018-01-0{i + 1}," for i, t in enumerate(TITLES)]
    text = "标题,发布时间,栏目\n" + "\n".join(rows + SUMMARIES) + "\n"
    result = read(tmp_path, text.replace("\n", newline).encode())
    assert counts(result) == (len(TITLES), 0, len(TITLES))
    assert sorted(result.rows["title"]) == sorted(TITLES)
    assert result.files[0].summary_rows == len(SUMMARIES)


# --- sheet applies to workbooks only -------------------------------------------------------------


def test_a_platform_sheet_setting_does_not_break_its_csv_files(tmp_path: Path) -> None:
    config = {"platforms": {"portal": {"sheet": "文章列表"}}}
    result = read(tmp_path, (HEADER + "甲,2018-01-01\n").encode(), **config)
    assert counts(result) == (1, 0, 1)


def test_a_platform_sheet_setting_still_picks_the_workbook_sheet(tmp_path: Path) -> None:
    data = (FORMATS / "头条_文章列表.xlsx").read_bytes()
    chosen = read(tmp_path, data, "头条.xlsx", platforms={"toutiao": {"sheet": "文章列表"}})
    assert [f.file for f in chosen.files] == [f"{tmp_path / '头条.xlsx'}[文章列表]"]
    with pytest.raises(InputError) as exc:
        read(tmp_path, data, "头条.xlsx", platforms={"toutiao": {"sheet": "无此表"}})
    assert str(exc.value) == (
        f"文件 {tmp_path / '头条.xlsx'} 中没有配置的工作表「无此表」"
        "（[platforms.toutiao] sheet）；工作表有：文章列表、说明"
    )


# --- names with | and line breaks in tables ---------------------------------------------------

NAMES_CONFIG = """
[category_groups]
"重点|工作" = ["教育|新闻", "安全\\n后勤"]
"""
NAMES_CSV = '标题,发布时间,栏目\n甲,2018-01-01,教育|新闻\n乙,2018-01-02,"安全\n后勤"\n'


def aggregate(tmp_path: Path, *args: str) -> str:
    from click.testing import CliRunner

    from xgedu_stats.cli import cli

    (tmp_path / "c.toml").write_text(NAMES_CONFIG, encoding="utf-8")
    (tmp_path / "门户.csv").write_text(NAMES_CSV, encoding="utf-8")
    done = CliRunner().invoke(
        cli, ["aggregate", str(tmp_path / "门户.csv"), "-c", str(tmp_path / "c.toml"), *args]
    )
    assert done.exit_code == 0, done.output
    return done.stdout


def test_a_name_with_a_pipe_or_a_line_break_keeps_the_markdown_table_whole(
    tmp_path: Path,
) -> None:
    out = aggregate(tmp_path, "-f", "markdown", "-t", "categories")
    table = [ln for ln in out.splitlines() if ln.startswith("|")]
    rows = [[c.strip() for c in re.split(r"(?<!\\)\|", ln)[1:-1]] for ln in table]
    assert [len(r) for r in rows] == [3] * 6  # header, rule, two categories, 小计, 合计
    assert rows[2:4] == [["重点\\|工作", "教育\\|新闻", "1"], ["重点\\|工作", "安全<br>后勤", "1"]]


def test_a_name_with_a_line_break_is_one_line_of_the_text_table(tmp_path: Path) -> None:
    out = aggregate(tmp_path, "-t", "categories")
    rows = [ln.split() for ln in out.splitlines()]
    assert ["重点|工作", "安全", "后勤", "1"] in rows
    assert ["后勤"] not in rows
