from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import REPORT_2018, SAMPLES, csv_bytes

from xgedu_stats import __version__
from xgedu_stats.cli import cli

MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
CONSERVATION = "核对：读入 10 行 = 无效 1 + 统计期外 1 + 重复 3 + 去重后信息 5 条\n"


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def mini(*args: str | Path) -> Result:
    return invoke("aggregate", MINI, "--year", "2018", *args)


def split_csv(text: str) -> list[list[list[str]]]:
    """Tables of a multi-table CSV, separated by blank lines."""
    return [list(csv.reader(io.StringIO(block))) for block in text.strip("\n").split("\n\n")]


# --- help and version -----------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [["--help"], ["-h"]]
    + [[c, h] for c in ("aggregate", "inspect", "init", "duplicates") for h in ("--help", "-h")],
)
def test_help(args: list[str]) -> None:
    result = invoke(*args)
    assert result.exit_code == 0
    assert result.stdout.startswith("用法: xgedu-stats ")
    assert result.stderr == ""


def test_group_help_lists_commands() -> None:
    text = invoke("--help").stdout
    for command in ("aggregate", "duplicates", "init", "inspect"):
        assert f"\n  {command} " in text


def test_version() -> None:
    result = invoke("--version")
    assert (result.exit_code, result.stdout) == (0, f"xgedu-stats {__version__}\n")


# --- formats (golden files) -----------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "markdown", "csv", "json"])
def test_formats_match_golden(fmt: str, golden: Callable[[str, str], None]) -> None:
    result = mini("--format", fmt)
    assert result.exit_code == 0, result.output
    golden(f"mini.{fmt}", result.stdout)


def test_text_ends_with_the_conservation_line_and_warns_on_stderr() -> None:
    result = mini()
    assert result.stdout.endswith("\n\n" + CONSERVATION)
    assert result.stderr == (
        "注意：有 1 条信息的栏目对应不到报告类别，计入「未分类」：「工作动态」1 行；"
        '可在配置文件的 [categories] 中把栏目名加为类别的别名，例如 "教育资助" = ["学生资助"]\n'
        "注意：有 1 行无效（缺标题、发布时间无法识别等），未计入统计；加 --rejects 文件名.csv 可列出每一行及原因\n"
    )


def test_the_rejects_note_says_where_they_were_written(tmp_path: Path) -> None:
    """A new user's trial: with --rejects given, the note still said to add --rejects."""
    result = mini("--rejects", tmp_path / "r.csv")
    assert "未计入统计；已列入 " + str(tmp_path / "r.csv") + "\n" in result.stderr
    assert "加 --rejects" not in result.stderr
    dup = invoke("duplicates", MINI, "--year", "2018")  # (a command without --rejects)
    assert "未计入统计；用 aggregate --rejects 文件名.csv 可列出每一行及原因\n" in dup.stderr


def test_markdown_ends_with_the_conservation_line() -> None:
    assert mini("-f", "markdown").stdout.endswith("\n\n" + CONSERVATION)


def test_json_samples() -> None:
    result = invoke("aggregate", SAMPLES, "--year", "2018", "--format", "json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["period"] == {"from": "2018-01-01", "to": "2018-12-31"}
    t = doc["totals"]
    assert (
        t["rows_read"] == t["rejected"] + t["out_of_period"] + t["duplicates"] + t["unique_items"]
    )
    assert {r["category"]: r["count"] for r in doc["tables"]["categories"]} == REPORT_2018
    assert all(set(r) == {"category", "group", "count"} for r in doc["tables"]["categories"])
    platforms = doc["tables"]["platforms"]
    assert [p["platform"] for p in platforms] == ["portal", "yunshang", "dachu", "toutiao"]
    assert set(platforms[0]) == {"platform", "label", "rows", "items", "only_here"}
    assert sum(p["rows"] for p in platforms) == t["rows_read"]


def test_json_open_period() -> None:
    doc = json.loads(invoke("aggregate", MINI, "-f", "json").stdout)
    assert doc["period"] == {"from": None, "to": None}
    assert doc["totals"]["out_of_period"] == 0


def test_csv_re_reads_with_subtotals_and_total() -> None:
    result = invoke("aggregate", SAMPLES, "--year", "2018", "--format", "csv")
    categories, platforms, *_ = split_csv(result.stdout)
    assert categories[0] == ["分组", "类别", "条数"]
    body = {(g, c): int(n) for g, c, n in categories[1:]}
    assert {c: n for (g, c), n in body.items() if c != "小计" and g != "合计"} == REPORT_2018
    assert body[("重点工作", "小计")] == 1810
    assert body[("业务工作", "小计")] == 628
    assert body[("合计", "")] == 2438
    assert platforms[0] == ["平台代码", "平台", "读入行数", "信息条数", "仅在此平台"]
    assert [r[0] for r in platforms[1:]] == ["portal", "yunshang", "dachu", "toutiao"]


def test_table_option_selects_tables() -> None:
    result = mini("--table", "platforms", "-f", "csv")
    (only,) = split_csv(result.stdout)
    assert only[0][0] == "平台代码"
    both = mini("-t", "platforms", "-t", "categories", "-f", "csv")
    assert [t[0][0] for t in split_csv(both.stdout)] == ["平台代码", "分组"]


# --- files ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "first", "then"),
    [
        ("out.json", None, "{"),
        ("out.md", "<!-- {} -->", "统计期"),
        ("out.txt", "{}", "统计期"),
        ("out.csv", "\ufeff{}", "分组"),
    ],
)
def test_output_format_from_suffix(tmp_path: Path, name: str, first: str | None, then: str) -> None:
    out = tmp_path / name
    result = mini("--output", out)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr.startswith(f"已写入 {out}\n")
    lines = out.read_text(encoding="utf-8").splitlines()
    if first is None:  # JSON stays JSON: no marker line
        json.loads(out.read_text(encoding="utf-8"))
    else:
        marker = f"# xgedu-stats {__version__} 写出：统计表（统计时不作为导出数据读取）"
        assert lines.pop(0) == first.format(marker)
    assert lines[0].startswith(then)


def test_stdout_carries_no_marker() -> None:
    for fmt in ("text", "markdown", "csv", "json"):
        assert "xgedu-stats" not in mini("-f", fmt, "-q").stdout


def test_format_option_with_a_file_name_without_a_known_extension(tmp_path: Path) -> None:
    out = tmp_path / "统计结果"
    assert mini("-o", out, "-f", "json", "-q").exit_code == 0
    json.loads(out.read_text(encoding="utf-8"))


def test_rejects_and_duplicates_files(tmp_path: Path) -> None:
    rejects, duplicates = tmp_path / "rej.csv", tmp_path / "dup.csv"
    result = mini("--rejects", rejects, "--duplicates", duplicates, "-q")
    assert result.exit_code == 0
    assert result.stderr == ""
    rows = list(csv.reader(io.StringIO(rejects.read_text(encoding="utf-8-sig"))))
    assert rows.pop(0) == [
        f"# xgedu-stats {__version__} 写出：无效行明细（统计时不作为导出数据读取）"
    ]
    assert rows[0] == [
        "文件",
        "行号",
        "平台",
        "原因",
        "标题",
        "发布时间",
        "栏目",
        "链接",
        "阅读量",
        "原始行",
    ]
    assert [r[1:5] for r in rows[1:]] == [["7", "portal", "标题为空", ""]]
    assert rows[1][0].endswith("fixtures/mini/门户网站.csv")
    assert rejects.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(duplicates.read_text(encoding="utf-8-sig"))))
    assert rows.pop(0) == [
        f"# xgedu-stats {__version__} 写出：合并明细（统计时不作为导出数据读取）"
    ]
    assert rows[0] == ["条目编号", "平台", "文件", "行号", "标题", "发布日期", "栏目", "比对用标题"]
    groups = {}
    for r in rows[1:]:
        groups.setdefault(r[0], []).append((r[1], r[3], r[5]))
    assert sorted(groups.values()) == [
        [("portal", "2", "2018-08-20"), ("toutiao", "3", "2018-08-21")],
        [
            ("portal", "3", "2018-06-01"),
            ("toutiao", "2", "2018-06-02"),
            ("toutiao", "4", "2018-06-02"),
        ],
    ]


FORMULAS = ["=1+2", "+SUM(A1)", "-2+3", "@cmd", '=HYPERLINK("http://x")']


def formula_exports(tmp_path: Path) -> Path:
    """Exports whose titles a spreadsheet would run: copies on two platforms, and a rejected row."""
    folder = tmp_path / "exports"
    folder.mkdir()
    rows = [[t, "2018-03-01"] for t in FORMULAS]
    (folder / "门户.csv").write_bytes(csv_bytes(["标题", "日期"], [*rows, ["=bad()", "待定"]]))
    (folder / "头条.csv").write_bytes(csv_bytes(["标题", "日期"], rows))
    return folder


def test_formula_cells_are_neutralised_in_csv_files(tmp_path: Path) -> None:
    folder = formula_exports(tmp_path)
    rejects, duplicates = tmp_path / "r.csv", tmp_path / "d.csv"
    result = invoke("aggregate", folder, "--rejects", rejects, "--duplicates", duplicates, "-q")
    assert result.exit_code == 0, result.output
    dup = list(csv.reader(io.StringIO(duplicates.read_text(encoding="utf-8-sig"))))[2:]
    assert sorted({r[4] for r in dup}) == sorted("'" + t for t in FORMULAS)
    rej = list(csv.reader(io.StringIO(rejects.read_text(encoding="utf-8-sig"))))[2:]
    assert [r[4] for r in rej] == ["'=bad()"]


def test_formula_cells_stay_text_in_xlsx_files(tmp_path: Path) -> None:
    import openpyxl

    folder = formula_exports(tmp_path)
    rejects, duplicates = tmp_path / "r.xlsx", tmp_path / "d.xlsx"
    result = invoke("aggregate", folder, "--rejects", rejects, "--duplicates", duplicates, "-q")
    assert result.exit_code == 0, result.output
    cells = [r[4] for r in openpyxl.load_workbook(duplicates).worksheets[0].iter_rows(min_row=3)]
    assert sorted({c.value for c in cells}) == sorted(FORMULAS)
    assert {c.data_type for c in cells} == {"s"}
    (cell,) = [r[4] for r in openpyxl.load_workbook(rejects).worksheets[0].iter_rows(min_row=3)]
    assert (cell.value, cell.data_type) == ("=bad()", "s")


def test_verbose_counts_blank_and_summary_rows(tmp_path: Path) -> None:
    """The README says -v shows them; it showed blank lines only (a new user's trial)."""
    path = tmp_path / "门户.csv"
    path.write_text("标题,日期\n甲,2018-03-01\n\n合计：1条,\n", encoding="utf-8")
    result = invoke("aggregate", path, "-v")
    assert "，CSV 文本，编码 utf-8，1 行，空行 1，合计行 1\n" in result.stderr


def test_quiet_and_verbose() -> None:
    assert mini("-q").stderr == ""
    verbose = mini("-v").stderr
    assert (
        "读取 " in verbose
        and "平台 portal（文件名含「门户」），CSV 文本，编码 gb18030，7 行" in verbose
    )


def test_a_closed_stderr_is_no_error() -> None:
    """Issue 9 attack: ``2>&-`` (cron jobs do it) was an internal error in the progress bar."""
    import os
    import subprocess
    import sys

    command = [
        sys.executable,
        "-m",
        "xgedu_stats",
        "aggregate",
        str(MINI),
        "-f",
        "json",
        "--year",
        "2018",
    ]
    done = subprocess.run(command, capture_output=False, stdout=subprocess.PIPE,
                          preexec_fn=lambda: os.close(2), timeout=120)  # fmt: skip
    assert done.returncode == 0
    assert json.loads(done.stdout) == json.loads(mini("-f", "json", "-q").stdout)


# --- errors -------------------------------------------------------------------------


def test_missing_path(tmp_path: Path) -> None:
    result = invoke("aggregate", tmp_path / "nope")
    assert result.exit_code == 1
    assert result.stderr == f"错误：找不到文件或文件夹：{tmp_path / 'nope'}\n"
    assert result.stdout == ""


def test_unknown_platform(tmp_path: Path) -> None:
    (tmp_path / "export.csv").write_text("标题,日期\n")
    result = invoke("aggregate", tmp_path / "export.csv")
    assert result.exit_code == 1
    assert result.stderr.startswith("错误：无法确定文件 ")
    assert result.stderr.count("\n") == 1


def test_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "门户.csv"
    path.write_text("名称,日期\n")
    result = invoke("aggregate", path)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"错误：文件 {path.as_posix()} 中找不到标题列；表头为：名称、日期；"
    )


def test_bad_config(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("[dedupe]\nwindow = 3\n", encoding="utf-8")
    result = mini("--config", config)
    assert result.exit_code == 1
    assert result.stderr == (
        f"错误：配置文件 {config}：第 2 行，dedupe.window：未知的设置项（可用：window_days、site_names、priority、fuzzy、fuzzy_threshold、decisions）\n"
    )


def test_config_is_used(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[categories]\n"教育党建" = ["工作动态"]\n', encoding="utf-8")
    doc = json.loads(mini("-c", config, "-f", "json").stdout)
    counts = {r["category"]: r["count"] for r in doc["tables"]["categories"]}
    assert counts["教育党建"] == 3 and "未分类" not in counts


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "2018", "--from", "2018-01-01"], "--year 不能与 --from/--to 同时使用"),
        (["--from", "2018-02-01", "--to", "2018-01-01"], "--from 的日期晚于 --to"),
        (["--year", "1800"], "'--year' 的值无效：'1800' 不是 1900 到 2100 之间的年份，如 2018"),
        (
            ["--year", "二〇一八"],
            "'--year' 的值无效：'二〇一八' 不是 1900 到 2100 之间的年份，如 2018",
        ),
    ],
)
def test_usage_errors(args: list[str], message: str) -> None:
    result = invoke("aggregate", MINI, *args)
    assert result.exit_code == 2
    assert result.stderr.endswith(f"错误：{message}\n")


@pytest.mark.parametrize(
    "args", [["--format", "xml"], ["--year", "18"], ["--from", "2018/01/01"], ["--table", "x"], []]
)
def test_bad_options_exit_2(args: list[str]) -> None:
    result = invoke("aggregate", *([MINI] if args else []), *args)
    assert result.exit_code == 2
    assert "错误：" in result.stderr


def test_output_may_not_overwrite_an_input(tmp_path: Path) -> None:
    path = tmp_path / "门户.csv"
    data = "标题,日期\n甲,2018-01-01\n".encode()
    path.write_bytes(data)
    result = invoke("aggregate", tmp_path, "--rejects", path)
    assert result.exit_code == 1
    assert result.stderr == (
        f"错误：输出文件 {path}（--rejects）是输入文件之一，不能覆盖；请换一个文件名\n"
    )
    assert path.read_bytes() == data


def test_unexpected_errors_are_one_line_unless_verbose(monkeypatch: pytest.MonkeyPatch) -> None:
    from xgedu_stats import pipeline

    def boom(config: object, progress: object = None) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(pipeline, "run", boom)
    result = mini()
    assert result.exit_code == 1
    assert result.stderr == (
        "错误：程序内部错误（RuntimeError: boom）；加 -v 重新运行可看到详细信息，请反馈给维护者\n"
    )
    verbose = mini("-v")
    assert isinstance(verbose.exception, RuntimeError)


# --- xlsx output ----------------------------------------------------------------------


def test_xlsx_output_reopens_with_the_same_cells(tmp_path: Path) -> None:
    import openpyxl

    out = tmp_path / "统计.xlsx"
    result = mini("-o", out)
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == [
        "按类别统计",
        "按发布平台统计",
        "按文种统计",
        "核对",
        "图表数据",  # (hidden: the rows the charts draw)
    ]  # whole, not cut at 31
    assert book["图表数据"].sheet_state == "hidden"
    assert len(book["按类别统计"]._charts) == len(book["按发布平台统计"]._charts) == 1
    categories = book.worksheets[0]
    rows = [[c.value for c in r] for r in categories.iter_rows()]
    assert rows[0] == ["主动公开信息按类别统计（不同渠道和方式公开的相同信息计 1 条）", None, None]
    assert rows[1] == ["分组", "类别", "条数"]
    assert rows[2] == ["重点工作", "孝感教育新闻", 1]
    assert rows[-1] == ["合计", None, 5]
    assert book["核对"]["A2"].value == CONSERVATION.strip()
    assert categories["A1"].font.b and categories["A3"].font.b is not True  # titles bold, data not
    assert [c.font.b for c in categories[categories.max_row]] == [True, True, True]  # 合计


def test_xlsx_needs_an_output_file() -> None:
    result = mini("-f", "xlsx")
    assert result.exit_code == 2
    assert result.stderr.endswith("错误：xlsx 格式需要用 -o 指定输出文件，例如 -o 统计.xlsx\n")


def test_xlsx_detail_files_keep_formulas_as_text(tmp_path: Path) -> None:
    import openpyxl

    out = tmp_path / "dup.xlsx"
    config = tmp_path / "c.toml"
    config.write_text("[dedupe]\nwindow_days = 0\n", encoding="utf-8")
    assert mini("--duplicates", out, "-q").exit_code == 0
    sheet = openpyxl.load_workbook(out).worksheets[0]
    assert [c.value for c in sheet[2]][:4] == ["条目编号", "平台", "文件", "行号"]
    rejects = tmp_path / "rej.xlsx"
    path = tmp_path / "门户.csv"
    path.write_text('标题,日期\n"=HYPERLINK(""http://x"")",待定\n', encoding="utf-8")
    assert invoke("aggregate", path, "--rejects", rejects, "-q").exit_code == 0
    cell = openpyxl.load_workbook(rejects).worksheets[0]["E3"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x")', "s")


def test_xlsx_outputs_hold_characters_xml_cannot(tmp_path: Path) -> None:
    """Issue 9 attack: U+FFFE / U+FFFF in a title made a workbook nobody could open."""
    import openpyxl

    path = tmp_path / "门户.csv"
    titles = ["通知\ufffe一", "通知\uffff二", "通知\x1b三"]
    path.write_text("标题,日期\n" + "".join(f"{t},待定\n" for t in titles), encoding="utf-8")
    rejects = tmp_path / "r.xlsx"
    assert invoke("aggregate", path, "--rejects", rejects, "-q").exit_code == 0
    cells = openpyxl.load_workbook(rejects).worksheets[0].iter_rows(min_row=3, values_only=True)
    assert [r[4] for r in cells] == ["通知\\ufffe一", "通知\\uffff二", "通知\\x1b三"]


# --- inspect --------------------------------------------------------------------------------


def test_inspect_text(golden: Callable[[str, str], None], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(MINI.parent.parent)
    result = invoke(
        "inspect", "fixtures/formats/门户网站导出.xls", "fixtures/mini/今日头条.csv", "-n", "2"
    )
    assert result.exit_code == 0, result.output
    golden("inspect.text", result.stdout)


def test_inspect_json() -> None:
    result = invoke("inspect", MINI.parent / "formats" / "门户网站_损坏.csv", "--format", "json")
    assert result.exit_code == 0
    (f,) = json.loads(result.stdout)["files"]
    assert (f["type"], f["encoding"], f["delimiter"], f["platform"]) == (
        "csv",
        "utf-8",
        ",",
        "portal",
    )
    assert f["columns"] == {"title": "标题", "date": "发布时间", "channel": "栏目"}
    assert f["rows"]["read"] == 11 and f["rows"]["rejected"] == 8
    assert f["rows"]["rejected_by_reason"]["引号不成对（引号后缺少分隔符）"] == 3
    assert f["dates"] == {"first": "2018-03-09", "last": "2018-10-16"}
    assert [r["line"] for r in f["sample"]] == [2, 6, 10]


def test_inspect_errors_like_aggregate(tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text("a,b\n")
    result = invoke("inspect", tmp_path / "x.csv")
    assert result.exit_code == 1
    assert result.stderr.startswith("错误：无法确定文件 ")


# --- init and the config file found in the working folder ----------------------------------------


def test_init_then_aggregate_reproduces_the_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("init")
    assert result.exit_code == 0
    assert result.stderr == "已写入 xgedu-stats.toml；在此文件夹中运行 xgedu-stats 时会自动使用它\n"
    with_config = invoke("aggregate", SAMPLES, "--year", "2018", "-f", "json")
    assert with_config.stderr.startswith("使用配置文件 xgedu-stats.toml\n")
    (tmp_path / "xgedu-stats.toml").unlink()
    without = invoke("aggregate", SAMPLES, "--year", "2018", "-f", "json")
    assert with_config.stdout == without.stdout


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    (tmp_path / "xgedu-stats.toml").write_text("# mine\n")
    result = invoke("init", tmp_path)
    assert result.exit_code == 1
    assert result.stderr == f"错误：{tmp_path / 'xgedu-stats.toml'} 已存在；要覆盖请加 --force\n"
    assert (tmp_path / "xgedu-stats.toml").read_text() == "# mine\n"
    assert invoke("init", tmp_path, "--force").exit_code == 0
    assert (tmp_path / "xgedu-stats.toml").read_text().startswith("# xgedu-stats 配置文件")


def test_config_option_beats_the_working_folder_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "xgedu-stats.toml").write_text("[dedupe]\nbad = 1\n", encoding="utf-8")
    assert mini().exit_code == 1
    other = tmp_path / "other.toml"
    other.write_text("", encoding="utf-8")
    result = mini("-c", other)
    assert result.exit_code == 0
    assert "使用配置文件" not in result.stderr


# --- progress ---------------------------------------------------------------------------------


class Terminal(io.StringIO):
    """A stderr that says it is a terminal, whatever pytest's own stderr is (-s or not)."""

    def isatty(self) -> bool:
        return True


class Pipe(io.StringIO):
    def isatty(self) -> bool:
        return False


def test_progress_bar_only_on_a_terminal_and_not_quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from xgedu_stats.terminal import progress_bar

    monkeypatch.setattr(sys, "stderr", Pipe())
    with progress_bar(False) as update:
        assert update is None
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with progress_bar(True) as update:
        assert update is None
    with progress_bar(False) as small:
        assert small is not None
        small(1, 1, 10, 10, "a.csv", 5)
    assert terminal.getvalue() == ""  # too small to be worth a bar
    with progress_bar(False) as big:
        assert big is not None
        big(1, 2, 30 << 20, 60 << 20, "a.csv", 1000)
        big(2, 2, 60 << 20, 60 << 20, "b.csv", 2000)
    assert "读取 2/2 个文件，2000 行" in terminal.getvalue()
    assert terminal.getvalue().count(HIDE_CURSOR) and terminal.getvalue().endswith(
        SHOW_CURSOR + "\n"
    )


HIDE_CURSOR, SHOW_CURSOR = "\x1b[?25l", "\x1b[?25h"


def test_progress_bar_is_closed_when_interrupted(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C while the bar shows: the cursor it hid is shown again."""
    import sys

    from xgedu_stats.terminal import progress_bar

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with pytest.raises(KeyboardInterrupt), progress_bar(False) as update:
        assert update is not None
        update(1, 30, 1 << 20, 60 << 20, "a.csv", 10)
        assert HIDE_CURSOR in terminal.getvalue()
        raise KeyboardInterrupt
    text = terminal.getvalue()
    assert text.rindex(SHOW_CURSOR) > text.rindex(HIDE_CURSOR)


# --- outputs: never an input or the config, and one clear line when they cannot be written -----


def test_inspect_may_not_overwrite_its_input(tmp_path: Path) -> None:
    path = tmp_path / "门户.txt"
    data = "标题\t日期\n甲\t2018-01-01\n".encode()
    path.write_bytes(data)
    result = invoke("inspect", path, "-o", path)
    assert result.exit_code == 1
    assert result.stderr == f"错误：输出文件 {path}（-o）是输入文件之一，不能覆盖；请换一个文件名\n"
    assert path.read_bytes() == data


def test_the_config_in_use_may_not_be_an_output(tmp_path: Path) -> None:
    config = tmp_path / "my.toml"
    config.write_text("[dedupe]\nwindow_days = 3\n", encoding="utf-8")
    result = mini("-c", config, "-f", "text", "-o", config)
    assert result.exit_code == 1
    assert result.stderr == (
        f"错误：输出文件 {config}（-o）是正在使用的配置文件，不能覆盖；请换一个文件名\n"
    )
    assert config.read_text(encoding="utf-8") == "[dedupe]\nwindow_days = 3\n"


def test_two_outputs_of_one_run(tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    result = mini("-o", out, "--rejects", out)
    assert result.exit_code == 2
    assert result.stderr.endswith(
        f"错误：-o 和 --rejects 是同一个文件 {out}，后写的会覆盖先写的；请给每个输出一个不同的文件名\n"
    )
    assert not out.exists()
    decisions = tmp_path / "d.csv"
    both = invoke("duplicates", MINI, "-f", "csv", "-o", decisions, "--write-decisions", decisions)
    assert both.exit_code == 2
    assert "错误：-o 和 --write-decisions 是同一个文件" in both.stderr


def test_an_output_into_a_missing_folder(tmp_path: Path) -> None:
    out = tmp_path / "nope" / "r.csv"
    result = mini("--rejects", out, "-q")
    assert result.exit_code == 1
    assert result.stderr == f"错误：无法写入 {out}：文件夹 {tmp_path / 'nope'} 不存在\n"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_an_output_with_no_space_left() -> None:
    result = mini("-o", "/dev/full", "-f", "csv", "-q")
    assert result.exit_code == 1
    assert result.stderr == "错误：无法写入 /dev/full：磁盘空间不足\n"


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="no /dev/null")
def test_dev_null_as_the_output() -> None:
    import stat

    result = mini("-o", "/dev/null", "-f", "csv", "--rejects", "/dev/null", "-q")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert stat.S_ISCHR(Path("/dev/null").lstat().st_mode)


def test_init_into_a_folder_it_cannot_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from xgedu_stats import outputs

    real_open = outputs.os.open

    def refusing(path: object, *args: object, **kwargs: object) -> int:
        if Path(str(path)).parent == tmp_path:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(outputs.os, "open", refusing)
    result = invoke("init", tmp_path)
    assert result.exit_code == 1
    assert result.stderr == (
        f"错误：无法写入 {tmp_path / 'xgedu-stats.toml'}：没有权限在文件夹 {tmp_path} 中写文件\n"
    )


def test_init_where_the_config_is_a_folder(tmp_path: Path) -> None:
    (tmp_path / "xgedu-stats.toml").mkdir()
    result = invoke("init", tmp_path, "--force")
    assert result.exit_code == 1
    assert result.stderr == (
        f"错误：无法写入 {tmp_path / 'xgedu-stats.toml'}：这是一个文件夹；请给出文件名\n"
    )


def test_help_and_usage_errors_do_not_import_pandas() -> None:
    """They answer at once (pandas costs about 0.4 s): checked in a fresh interpreter."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from xgedu_stats.cli import cli\n"
        "runs = [['aggregate', '-h'], ['aggregate', 'x', '-o', 'a.docx'],"
        " ['duplicates', 'x', '-o', 'd.json'], ['inspect', 'x', '-o', 'x.csv'],"
        " ['aggregate', 'x', '--rejects', 'r.txt'], ['aggregate', 'x', '--year', '18']]\n"
        "codes = [CliRunner().invoke(cli, r).exit_code for r in runs]\n"
        "print(codes, 'pandas' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "[0, 2, 2, 2, 2, 2] False\n"


def test_running_out_of_memory_is_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Issue 9 attack: out of memory was 程序内部错误, or blamed the file (文件已损坏或格式不对)."""
    import pyarrow as pa

    from xgedu_stats.read import markup

    def exhausted(*args: object) -> None:
        raise pa.ArrowMemoryError("malloc of size 524288064 failed")

    monkeypatch.setattr(markup._Tables, "feed", exhausted)
    page = tmp_path / "门户.html"
    page.write_text("<table><tr><td>标题</td><td>日期</td></tr></table>", encoding="utf-8")
    result = invoke("aggregate", page)
    assert (result.exit_code, result.stderr) == (
        1,
        "错误：内存不足，这些文件一起统计需要的内存超过了本机可用的内存；"
        "请分批统计（如按年份或平台分开运行），或在内存更大的电脑上运行\n",
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_a_full_or_closed_stdout_is_an_error_not_a_lost_report() -> None:
    """Issue 9 attack: ``> /dev/full`` was an internal error; ``>&-`` exited 0, the report lost."""
    import os
    import subprocess
    import sys

    command = [sys.executable, "-m", "xgedu_stats", "aggregate", str(MINI), "-q"]
    with open("/dev/full", "w") as full:
        done = subprocess.run(command, stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert (done.returncode, done.stderr) == (1, "错误：无法写入标准输出：磁盘空间不足\n")
    done = subprocess.run(command, stderr=subprocess.PIPE, text=True, timeout=120,
                          preexec_fn=lambda: os.close(1))  # fmt: skip
    assert (done.returncode, done.stderr) == (
        1,
        "错误：标准输出已关闭，统计结果无处可写；请去掉 >&-，或用 -o 指定输出文件\n",
    )
