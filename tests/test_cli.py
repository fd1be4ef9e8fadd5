from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import REPORT_2018, SAMPLES

from xgedu_stats import __version__
from xgedu_stats.cli import cli
from xgedu_stats.render import atomic_output

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
    assert result.stdout.startswith("Usage: ")
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
    categories, platforms = split_csv(result.stdout)
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
    ("name", "starts"),
    [("out.json", "{"), ("out.md", "统计期"), ("out.txt", "统计期"), ("out.csv", "\ufeff分组")],
)
def test_output_format_from_suffix(tmp_path: Path, name: str, starts: str) -> None:
    out = tmp_path / name
    result = mini("--output", out)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr.startswith(f"已写入 {out}\n")
    assert out.read_text(encoding="utf-8").startswith(starts)


def test_output_format_option_beats_suffix(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    mini("-o", out, "-f", "json")
    json.loads(out.read_text(encoding="utf-8"))


def test_rejects_and_duplicates_files(tmp_path: Path) -> None:
    rejects, duplicates = tmp_path / "rej.csv", tmp_path / "dup.csv"
    result = mini("--rejects", rejects, "--duplicates", duplicates, "-q")
    assert result.exit_code == 0
    assert result.stderr == ""
    rows = list(csv.reader(io.StringIO(rejects.read_text(encoding="utf-8-sig"))))
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


def test_formula_cells_are_neutralised(tmp_path: Path) -> None:
    result = invoke("aggregate", MINI, "--duplicates", tmp_path / "d.csv", "-f", "csv", "-q")
    assert result.exit_code == 0
    rows = [r for t in split_csv(result.stdout) for r in t]
    assert not any(cell.startswith("=") for r in rows for cell in r)


def test_quiet_and_verbose() -> None:
    assert mini("-q").stderr == ""
    verbose = mini("-v").stderr
    assert (
        "读取 " in verbose
        and "平台 portal（文件名含「门户」），CSV 文本，编码 gb18030，7 行" in verbose
    )


# --- errors -------------------------------------------------------------------------


def test_missing_path(tmp_path: Path) -> None:
    result = invoke("aggregate", tmp_path / "nope")
    assert result.exit_code == 1
    assert result.stderr == f"Error: 找不到文件或文件夹：{tmp_path / 'nope'}\n"
    assert result.stdout == ""


def test_unknown_platform(tmp_path: Path) -> None:
    (tmp_path / "export.csv").write_text("标题,日期\n")
    result = invoke("aggregate", tmp_path / "export.csv")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: 无法确定文件 ")
    assert result.stderr.count("\n") == 1


def test_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "门户.csv"
    path.write_text("名称,日期\n")
    result = invoke("aggregate", path)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"Error: 文件 {path.as_posix()} 中找不到标题列；表头为：名称、日期；"
    )


def test_bad_config(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("[dedupe]\nwindow = 3\n", encoding="utf-8")
    result = mini("--config", config)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: 配置文件 {config}：第 2 行，dedupe.window：未知的设置项（可用：window_days、site_names、priority、fuzzy、fuzzy_threshold、decisions）\n"
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
    ],
)
def test_usage_errors(args: list[str], message: str) -> None:
    result = invoke("aggregate", MINI, *args)
    assert result.exit_code == 2
    assert result.stderr.endswith(f"Error: {message}\n")


@pytest.mark.parametrize(
    "args", [["--format", "xml"], ["--year", "18"], ["--from", "2018/01/01"], ["--table", "x"], []]
)
def test_bad_options_exit_2(args: list[str]) -> None:
    result = invoke("aggregate", *([MINI] if args else []), *args)
    assert result.exit_code == 2
    assert "Error:" in result.stderr


def test_output_may_not_overwrite_an_input(tmp_path: Path) -> None:
    path = tmp_path / "门户.csv"
    data = "标题,日期\n甲,2018-01-01\n".encode()
    path.write_bytes(data)
    result = invoke("aggregate", tmp_path, "--rejects", path)
    assert result.exit_code == 1
    assert result.stderr == f"Error: 输出文件 {path} 是输入文件之一，不能覆盖；请换一个文件名\n"
    assert path.read_bytes() == data


def test_unexpected_errors_are_one_line_unless_verbose(monkeypatch: pytest.MonkeyPatch) -> None:
    from xgedu_stats import pipeline

    def boom(config: object, progress: object = None) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(pipeline, "run", boom)
    result = mini()
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: 程序内部错误（RuntimeError: boom）；加 -v 重新运行可看到详细信息，请反馈给维护者\n"
    )
    verbose = mini("-v")
    assert isinstance(verbose.exception, RuntimeError)


def test_atomic_output_leaves_the_old_file_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(ValueError), atomic_output(target) as stream:
        stream.write("half")
        raise ValueError
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


# --- xlsx output ----------------------------------------------------------------------


def test_xlsx_output_reopens_with_the_same_cells(tmp_path: Path) -> None:
    import openpyxl

    out = tmp_path / "统计.xlsx"
    result = mini("-o", out)
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[-1] == "核对"
    categories = book.worksheets[0]
    rows = [[c.value for c in r] for r in categories.iter_rows()]
    assert rows[0] == ["主动公开信息按类别统计（不同渠道和方式公开的相同信息计 1 条）", None, None]
    assert rows[1] == ["分组", "类别", "条数"]
    assert rows[2] == ["重点工作", "孝感教育新闻", 1]
    assert rows[-1] == ["合计", None, 5]
    assert book["核对"]["A2"].value == CONSERVATION.strip()


def test_xlsx_needs_an_output_file() -> None:
    result = mini("-f", "xlsx")
    assert result.exit_code == 2
    assert result.stderr.endswith("Error: xlsx 格式需要用 -o 指定输出文件，例如 -o 统计.xlsx\n")


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
    assert result.stderr.startswith("Error: 无法确定文件 ")


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
    assert result.stderr == f"Error: {tmp_path / 'xgedu-stats.toml'} 已存在；要覆盖请加 --force\n"
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


def test_progress_bar_only_on_a_terminal_and_not_quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from xgedu_stats import cli as cli_module

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert cli_module.progress_bar(False) is None  # pytest's stderr is not a terminal
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert cli_module.progress_bar(True) is None
    small = cli_module.progress_bar(False)
    assert small is not None
    small(1, 1, 10, 10, "a.csv", 5)
    assert terminal.getvalue() == ""  # too small to be worth a bar
    big = cli_module.progress_bar(False)
    big(1, 2, 30 << 20, 60 << 20, "a.csv", 1000)
    big(2, 2, 60 << 20, 60 << 20, "b.csv", 2000)
    assert "读取 2/2 个文件，2000 行" in terminal.getvalue()
