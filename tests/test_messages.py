"""Messages never carry raw control characters: a file name cannot forge a second line, a
title cannot drive the terminal, a name that is not UTF-8 is shown escaped, not a crash."""

from __future__ import annotations

import csv
import io
import os
import sys
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import csv_bytes

from xgedu_stats.cli import cli
from xgedu_stats.messages import display_path, os_reason, printable

HEADER = ["标题", "日期", "栏目"]
ESC_TITLE = "\x1b[2J\x1b[31m关于开展安全教育的通知\x07"

posix_names = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file names")


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_printable_leaves_no_control_character_over_every_code_point() -> None:
    every = "".join(map(chr, range(0x110000)))
    shown = printable(every)
    unsafe = {"Cc", "Cs", "Zl", "Zp"}
    assert not [c for c in shown if unicodedata.category(c) in unsafe]
    assert not set(shown) & set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    # everything else is kept as it is: Chinese, punctuation, spaces
    assert printable("孝感 教育　新闻【通知】") == "孝感 教育　新闻【通知】"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("a\nError: b", "a\\nError: b"),
        ("a\r\tb", "a\\r\\tb"),
        ("\x1b[31m", "\\x1b[31m"),
        ("\x00\x7f\x85", "\\x00\\x7f\\x85"),
        ("\u2028\u202e", "\\u2028\\u202e"),
        ("门户\udcff.csv", "门户\\xff.csv"),  # a byte that is not UTF-8, as os.fsdecode gives it
    ],
)
def test_printable(text: str, shown: str) -> None:
    assert printable(text) == shown


def test_os_reason_is_chinese() -> None:
    assert os_reason(OSError(28, "No space left on device")) == "磁盘空间不足"
    assert os_reason(OSError(5, "Input/output error")) == "读写出错（磁盘或网络故障）"
    assert os_reason(OSError(16, "x")) == "正被占用"
    assert os_reason(OSError(71, "Protocol error")).startswith("系统错误 ")


# --- file names -----------------------------------------------------------------------------


@posix_names
def test_a_file_name_cannot_forge_a_second_error_line(tmp_path: Path) -> None:
    folder = tmp_path / "x\nError: injected"
    folder.mkdir()
    result = invoke("aggregate", folder)
    assert result.exit_code == 1
    assert result.stderr == (
        f"错误：文件夹 {tmp_path}/x\\nError: injected 中没有可读的导出文件"
        "（.csv、.tsv、.txt、.xlsx、.xlsm、.xls、.htm、.html、.xml）\n"
    )


@posix_names
def test_notes_are_one_line_each(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "门户.csv").write_bytes(csv_bytes(HEADER, [["甲", "2018-01-01", "x"]]))
    own = folder / "r\n注意：伪造.csv"
    assert invoke("aggregate", folder, "--rejects", own, "-q").exit_code == 0
    result = invoke("aggregate", folder, "-f", "json")
    assert result.exit_code == 0
    assert (
        f"注意：文件 {folder}/r\\n注意：伪造.csv 是 xgedu-stats 写出的无效行明细，不作为导出数据读取\n"
        in (result.stderr)
    )
    assert all(line.startswith("注意：") for line in result.stderr.splitlines())


@posix_names
@pytest.mark.skipif(sys.platform == "darwin", reason="macOS file names must be UTF-8")
def test_a_file_name_that_is_not_utf8(tmp_path: Path) -> None:
    """The file is read; its name is shown with the byte escaped, in messages and in outputs."""
    name = os.fsdecode(b"\xc3\x9f\xff\xe9\x97\xa8\xe6\x88\xb7.csv")  # ß, a bad byte, then 门户
    (tmp_path / name).write_bytes(
        csv_bytes(HEADER, [["甲", "2018-01-01", "x"], ["", "2018-01-02", "x"]])
    )
    rejects = tmp_path / "r.csv"
    result = invoke("aggregate", tmp_path, "-v", "--rejects", rejects)
    assert result.exit_code == 0, result.output
    shown = f"{tmp_path}/ß\\xff门户.csv"
    assert f"读取 {shown}：平台 portal" in result.stderr
    rows = list(csv.reader(io.StringIO(rejects.read_text(encoding="utf-8-sig"))))
    assert rows[2][0] == shown
    inspected = invoke("inspect", tmp_path / name)
    assert inspected.exit_code == 0, inspected.output
    assert inspected.stdout.startswith(f"文件：{shown}\n")
    missing = invoke("aggregate", tmp_path / os.fsdecode(b"\xff\xfe.csv"))
    assert missing.stderr == f"错误：找不到文件或文件夹：{tmp_path}/\\xff\\xfe.csv\n"


def test_an_input_path_too_long(tmp_path: Path) -> None:
    result = invoke("aggregate", "a" * 5000)
    assert result.exit_code == 1
    assert result.stderr == f"错误：路径太长（5000 字节，系统上限为 4096 字节）：{'a' * 80}…\n"


def test_a_name_too_long_for_the_system(tmp_path: Path) -> None:
    result = invoke("aggregate", tmp_path / ("门" * 200))
    assert result.exit_code == 1
    assert result.stderr == f"错误：无法访问 {tmp_path / ('门' * 200)}：文件名过长\n"


def test_an_internal_error_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    from xgedu_stats import pipeline

    def boom(config: object, progress: object = None) -> None:
        raise RuntimeError("a\nError: b")

    monkeypatch.setattr(pipeline, "run", boom)
    result = invoke("aggregate", Path(__file__).parent / "fixtures" / "mini")
    assert result.stderr == (
        "错误：程序内部错误（RuntimeError: a\\nError: b）；加 -v 重新运行可看到详细信息，请反馈给维护者\n"
    )


def test_display_path() -> None:
    assert display_path(Path("a") / "b\n.csv") == "a/b\\n.csv"


# --- titles -----------------------------------------------------------------------------------


def esc_exports(tmp_path: Path) -> Path:
    folder = tmp_path / "exports"
    folder.mkdir()
    rows = [[ESC_TITLE, "2018-03-01", "孝感教育新闻"]]
    (folder / "门户.csv").write_bytes(csv_bytes(HEADER, rows))
    (folder / "头条.csv").write_bytes(csv_bytes(HEADER, rows))
    return folder


def test_titles_reach_the_terminal_escaped(tmp_path: Path) -> None:
    folder = esc_exports(tmp_path)
    pairs = invoke("duplicates", folder, "-q")
    assert pairs.exit_code == 0, pairs.output
    assert "\\x1b[2J\\x1b[31m关于开展安全教育的通知\\x07" in pairs.stdout
    assert "\x1b" not in pairs.stdout and "\x07" not in pairs.stdout
    inspected = invoke("inspect", folder / "门户.csv", "-q")
    assert "\\x1b[2J" in inspected.stdout and "\x1b" not in inspected.stdout


def test_csv_keeps_the_data_and_xlsx_does_not_fail(tmp_path: Path) -> None:
    import openpyxl

    folder = esc_exports(tmp_path)
    result = invoke("aggregate", folder, "--duplicates", tmp_path / "d.csv", "-q")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO((tmp_path / "d.csv").read_text(encoding="utf-8-sig"))))
    assert {r[4] for r in rows[2:]} == {ESC_TITLE}
    for args in (
        ["aggregate", folder, "--duplicates", tmp_path / "d.xlsx"],
        ["duplicates", folder, "-o", tmp_path / "p.xlsx"],
    ):
        result = invoke(*args, "-q")
        assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(tmp_path / "d.xlsx").worksheets[0]
    assert {r[4].value for r in sheet.iter_rows(min_row=3)} == {
        "\\x1b[2J\\x1b[31m关于开展安全教育的通知\\x07"
    }


def test_a_library_error_with_a_control_character_is_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Whatever a library error quotes (a header cell, a key), the CLI shows it escaped."""
    from xgedu_stats import pipeline
    from xgedu_stats.errors import InputError

    def fail(config: object, progress: object = None) -> None:
        raise InputError("文件 a.csv 中找不到标题列；表头为：名称\n错误：伪造")

    monkeypatch.setattr(pipeline, "run", fail)
    result = invoke("aggregate", Path(__file__).parent / "fixtures" / "mini")
    assert result.stderr == "错误：文件 a.csv 中找不到标题列；表头为：名称\\n错误：伪造\n"


def test_warnings_quoting_the_data_are_escaped(tmp_path: Path) -> None:
    """The 未分类 warning quotes channel names from the export."""
    (tmp_path / "门户.csv").write_bytes(
        csv_bytes(HEADER, [["甲", "2018-01-01", "动态\x1b[31m\n伪造"]])
    )
    result = invoke("aggregate", tmp_path)
    assert result.exit_code == 0, result.output
    assert "「动态\\x1b[31m\\n伪造」1 行" in result.stderr
    assert "\x1b" not in result.stderr and len(result.stderr.splitlines()) == 1
