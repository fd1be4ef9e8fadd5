"""The tool's own files are never inputs: outputs carry a mark that discovery finds, even
after a clerk saved them again in Excel; the config and the decisions file are never read
as exports; a folder that cannot be read is an error, not a silent gap."""

from __future__ import annotations

import csv
import io
import os
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import csv_bytes

from xgedu_stats import __version__
from xgedu_stats.cli import cli
from xgedu_stats.errors import InputError
from xgedu_stats.markers import marked_as, marker_line, written_by_tool
from xgedu_stats.read import discover
from xgedu_stats.read.decisions import COLUMNS
from xgedu_stats.read.decisions import load as load_decisions

MARK = f"# xgedu-stats {__version__} 写出：无效行明细（统计时不作为导出数据读取）"
HEADER = ["标题", "日期", "栏目"]
ROWS = [["甲", "2018-03-01", "孝感教育新闻"], ["乙", "2018-03-02", "孝感教育新闻"]]


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def exports(tmp_path: Path) -> Path:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "门户.csv").write_bytes(csv_bytes(HEADER, ROWS))
    (folder / "头条.csv").write_bytes(csv_bytes(HEADER, ROWS[:1]))
    return folder


def totals(result: Result) -> dict[str, int]:
    import json

    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["totals"]


# --- the mark -------------------------------------------------------------------------------


def test_marker_line_has_no_comma_or_quote() -> None:
    """A spreadsheet shows it as one cell in A1 and keeps it when the file is saved again."""
    line = marker_line("无效行明细")
    assert line == MARK
    assert not set(line) & set(",;\t\"'|")


@pytest.mark.parametrize(
    "first_line",
    [
        MARK,
        f'"{MARK}"',  # a quoted first cell
        f"{MARK},,,,,,,,,",  # the other columns' empty cells, as Excel saves them
        f'"{MARK}",,,',
        f"<!-- {MARK} -->",  # markdown
        f"\ufeff{MARK}\r",
    ],
)
def test_marked_as_tolerates_what_spreadsheets_do(first_line: str) -> None:
    assert marked_as(first_line) == "无效行明细"


@pytest.mark.parametrize(
    "first_line", ["标题,日期", "# 导出说明", "#xgedu-stats", "xgedu-stats 0.1.0 写出：", ""]
)
def test_other_first_lines_are_not_marks(first_line: str) -> None:
    assert marked_as(first_line) is None


@pytest.mark.parametrize(
    ("data", "what"),
    [
        ((MARK + "\n标题\n").encode("utf-8-sig"), "无效行明细"),
        ((MARK + ",,\r\n标题,,\r\n").encode("gb18030"), "无效行明细"),  # saved again as GBK CSV
        ((MARK + "\t\t\r\n标题\r\n").encode("utf-16"), "无效行明细"),  # Excel's "Unicode text"
        ("# xgedu-stats 配置文件（TOML 格式）\n".encode(), "配置文件"),  # what init writes
        (b"\xef\xbb\xbf\xe6\xa0\x87\xe9\xa2\x98,\xe6\x97\xa5\xe6\x9c\x9f\n", None),
        (b"PK\x03\x04 not a zip", None),
        (b"", None),
    ],
)
def test_written_by_tool_reads_the_first_bytes(
    tmp_path: Path, data: bytes, what: str | None
) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    assert written_by_tool(path) == what


def test_a_workbook_is_marked_in_its_properties(tmp_path: Path) -> None:
    folder = exports(tmp_path)
    out = tmp_path / "dup.xlsx"
    assert invoke("aggregate", folder, "--duplicates", out, "-q").exit_code == 0
    with zipfile.ZipFile(out) as book:
        core = book.read("docProps/core.xml").decode()
    assert "写出：合并明细（统计时不作为导出数据读取）" in core
    assert written_by_tool(out) == "合并明细"


def test_a_workbook_saved_again_keeps_its_mark(tmp_path: Path) -> None:
    """openpyxl stands in for Excel: load and save keep the document properties."""
    import openpyxl

    folder = exports(tmp_path)
    out = tmp_path / "rej.xlsx"
    assert invoke("aggregate", folder, "--rejects", out, "-q").exit_code == 0
    book = openpyxl.load_workbook(out)
    book.active["A1"] = "改过"
    book.save(out)
    assert written_by_tool(out) == "无效行明细"


def test_an_ordinary_workbook_is_not_ours(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(HEADER)
    book.properties.keywords = "文章列表"
    book.save(tmp_path / "头条.xlsx")
    assert written_by_tool(tmp_path / "头条.xlsx") is None


# --- discovery skips them, with a note ----------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "name", "what"),
    [
        ("--rejects", "rejects.csv", "无效行明细"),
        ("--duplicates", "dup.csv", "合并明细"),
        ("--rejects", "rejects.xlsx", "无效行明细"),
        ("--duplicates", "dup.xlsx", "合并明细"),
        ("-o", "统计.csv", "统计表"),
        ("-o", "统计.txt", "统计表"),
    ],
)
def test_outputs_in_the_export_folder_are_not_read_on_the_next_run(
    tmp_path: Path, option: str, name: str, what: str
) -> None:
    folder = exports(tmp_path)
    before = totals(invoke("aggregate", folder, "-f", "json", "-q"))
    first = invoke("aggregate", folder, option, folder / name, "-q")
    assert first.exit_code == 0, first.output
    again = invoke("aggregate", folder, "-f", "json")
    assert totals(again) == before
    assert (
        f"注意：文件 {(folder / name).as_posix()} 是 xgedu-stats 写出的{what}，不作为导出数据读取\n"
        in (again.stderr)
    )


def test_a_csv_saved_again_in_excel_is_still_skipped(tmp_path: Path) -> None:
    """A clerk opened the rejects file, fixed nothing, saved it as GBK CSV with quotes."""
    folder = exports(tmp_path)
    before = totals(invoke("aggregate", folder, "-f", "json", "-q"))
    rejects = folder / "rejects.csv"
    assert invoke("aggregate", folder, "--rejects", rejects, "-q").exit_code == 0
    rows = list(csv.reader(io.StringIO(rejects.read_text(encoding="utf-8-sig"))))
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerows(r + [""] * (10 - len(r)) for r in rows)
    rejects.write_bytes(buffer.getvalue().encode("gb18030"))
    assert totals(invoke("aggregate", folder, "-f", "json", "-q")) == before


@pytest.mark.parametrize("cells", ["shared", "inline"])  # how Excel and others store text
def test_a_csv_saved_again_as_a_workbook_is_still_skipped(tmp_path: Path, cells: str) -> None:
    """A clerk opened the duplicates CSV in Excel and saved it as .xlsx, under a name that
    holds a platform's word: the marker line is now the text of cell A1 (issue 8 trial:
    the portal's rows went from 2204 to 6485)."""
    from workbooks import inline_row, xlsx

    folder = exports(tmp_path)
    before = totals(invoke("aggregate", folder, "-f", "json", "-q"))
    rows = [[MARK], ["条目编号", "平台", "标题"], ["1", "portal", "甲"]]
    if cells == "shared":
        texts = [cell for row in rows for cell in row]
        data = "".join(
            f'<row r="{n}">'
            + "".join(
                f'<c r="{chr(64 + i)}{n}" t="s"><v>{texts.index(cell)}</v></c>'
                for i, cell in enumerate(row, start=1)
            )
            + "</row>"
            for n, row in enumerate(rows, start=1)
        )
        book = xlsx(data, shared=texts)
    else:
        book = xlsx("".join(inline_row(n, row) for n, row in enumerate(rows, start=1)))
    saved = folder / "门户网站_重复(另存).xlsx"
    saved.write_bytes(book)
    assert written_by_tool(saved) == "无效行明细"
    again = invoke("aggregate", folder, "-f", "json")
    assert totals(again) == before
    assert f"文件 {saved.as_posix()} 是 xgedu-stats 写出的无效行明细" in again.stderr


def test_a_workbook_whose_a1_is_an_ordinary_title_is_read(tmp_path: Path) -> None:
    from workbooks import inline_row, xlsx

    book = tmp_path / "门户.xlsx"
    rows = [["今日头条 文章数据"], ["标题", "日期"], ["甲", "2018-03-01"]]
    book.write_bytes(xlsx("".join(inline_row(n, row) for n, row in enumerate(rows, start=1))))
    assert written_by_tool(book) is None


def test_init_config_in_the_export_folder_is_skipped(tmp_path: Path) -> None:
    folder = exports(tmp_path)
    assert invoke("init", folder).exit_code == 0
    config = folder / "xgedu-stats.toml"
    given = invoke("aggregate", folder, config, "-f", "json")  # even when named
    assert given.exit_code == 0, given.output
    assert (
        f"注意：文件 {config.as_posix()} 是正在使用的配置文件，不作为导出数据读取\n"
        not in given.stderr
    )
    assert (
        f"注意：文件 {config.as_posix()} 是 xgedu-stats 写出的配置文件，不作为导出数据读取\n"
        in given.stderr
    )


def test_the_config_in_use_and_the_decisions_file_are_never_inputs(tmp_path: Path) -> None:
    """Even without a mark: a hand-made decisions file in the export folder, and the config there."""
    folder = exports(tmp_path)
    before = totals(invoke("aggregate", folder, "-f", "json", "-q"))
    decisions = folder / "判定.csv"
    decisions.write_text(
        "平台1,链接1,标题1,日期1,平台2,链接2,标题2,日期2,相似度,判断\n", encoding="utf-8"
    )
    config = folder / "设置.txt"
    config.write_text('[dedupe]\ndecisions = "判定.csv"\n', encoding="utf-8")
    result = invoke("aggregate", folder, "-c", config, "-f", "json")
    assert totals(result) == before
    assert set(result.stderr.splitlines()[:2]) == {
        f"注意：文件 {config.as_posix()} 是正在使用的配置文件，不作为导出数据读取",
        f"注意：文件 {decisions.as_posix()} 是配置中指定的人工判定文件（[dedupe] decisions），"
        "不作为导出数据读取",
    }


def test_a_folder_of_only_own_files(tmp_path: Path) -> None:
    folder = exports(tmp_path)
    out = tmp_path / "outs"
    out.mkdir()
    assert invoke("aggregate", folder, "--rejects", out / "r.csv", "-q").exit_code == 0
    result = invoke("aggregate", out)
    assert result.exit_code == 1
    assert result.stderr == (
        f"错误：文件夹 {out} 中没有可读的导出文件（.csv、.tsv、.txt、.xlsx、.xlsm、.xls、.htm、.html、.xml）；"
        f"文件 {(out / 'r.csv').as_posix()} 是 xgedu-stats 写出的无效行明细，不作为导出数据读取\n"
    )
    named = invoke("aggregate", out / "r.csv")
    assert named.exit_code == 1
    assert named.stderr == (
        f"错误：没有可读的导出文件：文件 {(out / 'r.csv').as_posix()} 是 xgedu-stats 写出的无效行明细，"
        "不作为导出数据读取\n"
    )


# --- the decisions file written by --write-decisions, filled in, read back -------------------


def test_decisions_load_skips_the_marker_line(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    lines = [
        f'"{marker_line("人工判定表")}",,,,,,,,,',
        "平台1,链接1,标题1,日期1,平台2,链接2,标题2,日期2,相似度,判断",
        "portal,http://a,甲,2018-03-01,toutiao,http://b,甲乙,2018-03-02,80,相同",
        "portal,http://c,丙,2018-03-01,toutiao,http://d,丙丁,2018-03-02,80,坏",
    ]
    path.write_text("\n".join(lines[:3]) + "\n", encoding="utf-8-sig")
    (decision,) = load_decisions(path)
    assert (decision.line, decision.verdict, decision.left.url) == (3, "same", "http://a")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    with pytest.raises(Exception, match="第 4 行"):  # line numbers count the marker line
        load_decisions(path)


def test_write_decisions_then_use_them(tmp_path: Path) -> None:
    folder = exports(tmp_path)
    decisions = tmp_path / "判定.csv"
    result = invoke("duplicates", folder, "--write-decisions", decisions, "-q")
    assert result.exit_code == 0, result.output
    assert decisions.read_text(encoding="utf-8-sig").startswith(marker_line("人工判定表") + "\n")
    config = tmp_path / "c.toml"
    config.write_text(f'[dedupe]\ndecisions = "{decisions.name}"\n', encoding="utf-8")
    assert invoke("aggregate", folder, "-c", config, "-q").exit_code == 0


# --- folders that cannot be read -------------------------------------------------------------------


def test_an_unreadable_subfolder_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As root nothing is unreadable, so a stand-in ``os.scandir`` refuses one subfolder."""
    from xgedu_stats import read as ingest

    folder = exports(tmp_path)
    locked = folder / "下半年"
    locked.mkdir()
    (locked / "门户.csv").write_bytes(csv_bytes(HEADER, ROWS))
    real_scandir = os.scandir

    def scandir(path: object) -> object:
        if Path(str(path)) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(ingest.os, "scandir", scandir)
    with pytest.raises(InputError) as exc:
        discover([folder])
    assert str(exc.value) == (
        f"无法读取文件夹 {locked}：没有权限；其中的导出文件无法统计，请检查权限或把它移出输入文件夹"
    )


@pytest.mark.skipif(
    not hasattr(os, "fork") or os.geteuid() != 0, reason="needs root to drop to nobody"
)
def test_an_unreadable_subfolder_as_an_unprivileged_user() -> None:
    """The real permission error, met by a process that gave up root (a forked child)."""
    import tempfile

    top = Path(tempfile.mkdtemp(prefix="xgedu-perm-"))
    try:
        top.chmod(0o755)
        (top / "门户.csv").write_bytes(csv_bytes(HEADER, ROWS))
        (top / "locked").mkdir(mode=0o700)
        (top / "locked" / "门户.csv").write_bytes(csv_bytes(HEADER, ROWS))
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: drop root, walk, report, exit without running pytest's cleanup
            try:
                os.setgid(65534)
                os.setuid(65534)
                try:
                    discover([top])
                    message = "no error"
                except InputError as exc:
                    message = str(exc)
                os.write(write_end, message.encode())
            finally:
                os._exit(0)
        os.close(write_end)
        os.waitpid(pid, 0)
        message = os.read(read_end, 4096).decode()
        os.close(read_end)
    finally:
        import shutil

        shutil.rmtree(top)
    assert message == (
        f"无法读取文件夹 {top / 'locked'}：没有权限；其中的导出文件无法统计，请检查权限或把它移出输入文件夹"
    )


def test_symlinked_folders_are_walked_once(tmp_path: Path) -> None:
    folder = exports(tmp_path)
    (folder / "again").symlink_to(folder)  # a loop
    assert sorted(s.path.name for s in discover([folder]).files) == ["头条.csv", "门户.csv"]


def test_output_redirected_into_the_export_folder_is_not_read(tmp_path: Path) -> None:
    """`aggregate 导出 -f csv > 导出/统计结果.csv`: the shell creates the (empty) file before
    the run; the next run appends to it (>>). Neither run reads it (issue 8 trial)."""
    import subprocess
    import sys

    folder = exports(tmp_path)
    target = folder / "统计结果.csv"
    command = [sys.executable, "-m", "xgedu_stats", "aggregate", str(folder), "-f", "json"]
    for mode in ("wb", "ab"):
        with open(target, mode) as stdout:
            done = subprocess.run(command, stdout=stdout, stderr=subprocess.PIPE, text=True)
        assert done.returncode == 0, done.stderr
        assert (
            f"文件 {target.as_posix()} 是本次输出重定向（>）写入的文件，不作为导出数据读取"
            in done.stderr
        )
    assert target.read_text(encoding="utf-8").count('"unique_items": 2') == 2


def test_an_empty_file_in_the_export_folder_is_skipped(tmp_path: Path) -> None:
    folder = exports(tmp_path)
    (folder / "新建文本文档.txt").write_bytes(b"")
    result = invoke("aggregate", folder, "-f", "json")
    assert totals(result)["unique_items"] == 2
    assert (
        f"注意：文件 {(folder / '新建文本文档.txt').as_posix()} 是空文件（0 字节），跳过\n"
        in result.stderr
    )


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_a_decisions_file_a_clerk_wrote_is_not_an_export(tmp_path: Path, encoding: str) -> None:
    """Without the mark (typed by hand, or an old one): recognised by its header."""
    folder = exports(tmp_path)
    before = totals(invoke("aggregate", folder, "-f", "json", "-q"))
    header = COLUMNS
    line = ["门户", "", "甲", "2018-03-01", "头条", "", "甲", "2018-03-01", "", "不同"]
    (folder / "我的判定.csv").write_bytes(csv_bytes(header, [line], encoding))
    again = invoke("aggregate", folder, "-f", "json")
    assert totals(again) == before
    assert (
        f"注意：文件 {(folder / '我的判定.csv').as_posix()} 是人工判定表（表头有 平台1、平台2、判断），"
        "不作为导出数据读取；要使用它，请在配置 [dedupe] decisions 中指定\n"
    ) in again.stderr
