"""The decisions file: bounded work whatever it holds, clear errors, and the round trip
through ``duplicates --write-decisions`` (issue 9)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import csv_bytes, run_limited

from xgedu_stats.cli import cli
from xgedu_stats.config import RunConfig, settings_from_dict
from xgedu_stats.errors import ConfigError
from xgedu_stats.pipeline import run
from xgedu_stats.read import decisions

HEADER = decisions.COLUMNS
LINKED = ["portal", "http://a.cn/1.html", "", "", "toutiao", "http://b.cn/1.html", "", "", ""]


def shared_links(folder: Path, rows: int) -> None:
    """Two exports whose rows all share one link each: one publication per platform."""
    for name, link in (("门户.csv", "http://a.cn/1.html"), ("头条.csv", "http://b.cn/1.html")):
        lines = [[f"重复导出标题{i}", "2018-01-02", link] for i in range(rows)]
        (folder / name).write_bytes(csv_bytes(["标题", "发布时间", "链接"], lines))


def config(folder: Path, lines: list[list[str]]) -> Path:
    (folder / "判定.csv").write_bytes(csv_bytes(HEADER, lines, "utf-8-sig"))
    path = folder / "c.toml"
    path.write_text('[dedupe]\ndecisions = "判定.csv"\n', encoding="utf-8")
    return path


def test_one_different_line_naming_links_of_thousands_of_rows(tmp_path: Path) -> None:
    """Made 3,000 x 3,000 row pairs (MemoryError); it is one pair of publications."""
    shared_links(tmp_path, 3000)
    cfg = config(tmp_path, [[*LINKED, "不同"]])
    done = run_limited(["aggregate", "门户.csv", "头条.csv", "-c", str(cfg), "-q"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "去重后信息 2 条" in done.stdout


def test_the_same_line_twenty_thousand_times(tmp_path: Path) -> None:
    """Made 20,000 x 4,000 pairs (MemoryError): identical lines are one decision."""
    shared_links(tmp_path, 2000)
    cfg = config(tmp_path, [[*LINKED, "相同"]] * 20_000)
    done = run_limited(["aggregate", "门户.csv", "头条.csv", "-c", str(cfg), "-q"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "去重后信息 1 条" in done.stdout


def test_identical_lines_that_find_nothing_are_one_warning(tmp_path: Path) -> None:
    export = tmp_path / "门户.csv"
    export.write_bytes(csv_bytes(["标题", "发布时间"], [["甲", "2018-03-01"]]))
    cfg = config(tmp_path, [[*LINKED, "相同"]] * 500)
    result = run(
        RunConfig(
            (export,), settings_from_dict({"dedupe": {"decisions": str(cfg.parent / "判定.csv")}})
        )
    )
    assert (
        result.warnings[0]
        == "人工判定文件中有 1 行所指的信息不在本次读入的数据中，已忽略（第 2 行）"
    )


def test_too_many_lines_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(decisions, "MAX_DECISIONS_LINES", 3)
    path = tmp_path / "判定.csv"
    path.write_bytes(csv_bytes(HEADER, [[*LINKED, ""]] * 4))
    with pytest.raises(ConfigError) as exc:
        decisions.load(path)
    assert str(exc.value) == (
        f"人工判定文件 {path} 超过 3 行（MAX_DECISIONS_LINES），不像是人工判定文件；"
        "请检查配置 [dedupe] decisions"
    )
    path.write_bytes(csv_bytes(HEADER, [[*LINKED, ""]] * 3))
    assert decisions.load(path) == []


def test_a_nul_in_the_decisions_path_is_a_clear_error(tmp_path: Path) -> None:
    """Was 程序内部错误（ValueError: embedded null byte）."""
    (tmp_path / "门户.csv").write_bytes(csv_bytes(["标题", "发布时间"], [["甲", "2018-03-01"]]))
    (tmp_path / "c.toml").write_text('[dedupe]\ndecisions = "a\\u0000b"\n', encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["aggregate", str(tmp_path / "门户.csv"), "-c", str(tmp_path / "c.toml")]
    )
    assert result.exit_code == 1
    assert result.stderr == (
        f"错误：配置文件 {tmp_path / 'c.toml'}：第 2 行，dedupe.decisions："
        "文件名中不能有空字符（\\u0000）\n"
    )
    with pytest.raises(ConfigError) as exc:
        decisions.load(Path("a\0b"))
    assert (
        str(exc.value)
        == "人工判定文件的文件名中有空字符（\\u0000）：a\0b（配置 [dedupe] decisions）"
    )


def test_a_field_longer_than_the_csv_module_default(tmp_path: Path) -> None:
    """A field over 128 KiB (csv.field_size_limit) was an internal error."""
    path = tmp_path / "判定.csv"
    title = "长" * 200_000
    path.write_bytes(csv_bytes(HEADER, [["portal", "", title, "2018-01-02", *LINKED[4:], "不同"]]))
    (decision,) = decisions.load(path)
    assert decision.left.title == title
    assert csv.field_size_limit() == 131072  # put back


@pytest.mark.parametrize("value", ["-abc", "=x", "+1", "@b/2", "'=x", "''-y", "'a", "a", ""])
def test_what_the_writer_neutralises_reads_back_as_it_was(value: str) -> None:
    from xgedu_stats.render.csv import safe_cell

    assert decisions._unquoted(safe_cell(value)) == value


def test_links_that_look_like_formulas_round_trip(tmp_path: Path) -> None:
    """--write-decisions writes '-abc for -abc; the decision then named no row."""
    header = ["标题", "发布时间", "链接"]
    (tmp_path / "门户.csv").write_bytes(
        csv_bytes(header, [["召开全市教育工作会议", "2018-01-01", '=HYPERLINK("http://a.cn/1")']])
    )
    (tmp_path / "头条.csv").write_bytes(
        csv_bytes(header, [["召开全市教育工作会议暨表彰大会", "2018-01-01", "-abc"]])
    )
    exports = [str(tmp_path / "门户.csv"), str(tmp_path / "头条.csv")]
    written = tmp_path / "判定.csv"
    runner = CliRunner()
    done = runner.invoke(
        cli, ["duplicates", *exports, "--fuzzy", "--write-decisions", str(written)]
    )
    assert done.exit_code == 0, done.output
    marker, *lines = written.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    sheet = list(csv.reader(io.StringIO("".join(lines))))
    assert len(sheet) == 2 and {sheet[1][1], sheet[1][5]} == {
        "'-abc",
        '\'=HYPERLINK("http://a.cn/1")',
    }
    for verdict, items in (("相同", 1), ("不同", 2)):
        sheet[1][-1] = verdict
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(sheet)
        written.write_text(marker + buffer.getvalue(), encoding="utf-8-sig")
        (decision,) = decisions.load(written)
        assert {decision.left.url, decision.right.url} == {"-abc", '=HYPERLINK("http://a.cn/1")'}
        settings = settings_from_dict({"dedupe": {"decisions": str(written), "fuzzy": True}})
        result = run(RunConfig(tuple(Path(p) for p in exports), settings))
        assert result.totals.unique_items == items
        assert not any("不在本次读入的数据中" in w for w in result.warnings)


def test_contradicting_lines_are_said(tmp_path: Path) -> None:
    """Issue 9 attack: the same pair marked 相同 and 不同 was kept apart without a word."""
    shared_links(tmp_path, 1)
    cfg = config(tmp_path, [[*LINKED, "相同"], ["x"] * 9 + ["不同"], [*LINKED, "不同"]])
    done = run_limited(["aggregate", "门户.csv", "头条.csv", "-c", str(cfg)], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "去重后信息 2 条" in done.stdout
    assert (
        "注意：人工判定文件中第 2 行与第 4 行对同一对行的判断相反（一个相同、一个不同），"
        "按“不同”处理；请改正其中一行\n"
    ) in done.stderr


def test_rows_named_by_title_are_found_by_their_keys_not_only_their_hashes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Rows are looked up by a hash of their title's key, then compared by the keys: with
    # every hash made equal (a collision), a decision still names only its own rows.
    for name, titles in (("门户.csv", ["甲通知", "乙通知"]), ("头条.csv", ["丙公告", "丁公告"])):
        lines = [[t, "2018-03-01"] for t in titles]
        (tmp_path / name).write_bytes(csv_bytes(["标题", "发布时间"], lines))
    same = ["portal", "", "甲通知", "2018-03-01", "toutiao", "", "丙公告", "2018-03-01", "", "相同"]
    cfg = config(tmp_path, [same])
    settings = settings_from_dict({"dedupe": {"decisions": str(cfg.parent / "判定.csv")}})
    paths = (tmp_path / "门户.csv", tmp_path / "头条.csv")
    expected = run(RunConfig(paths, settings))
    assert expected.totals.unique_items == 3  # (甲 and 丙 one item, as decided)

    from xgedu_stats import columns
    from xgedu_stats.items import dedupe

    real = columns.string_hashes

    def colliding(a, piece=None):  # type: ignore[no-untyped-def]
        first, second = real(a, piece)
        return first * 0, second

    monkeypatch.setattr(columns, "string_hashes", colliding)
    monkeypatch.setattr(dedupe, "string_hashes", colliding)
    again = run(RunConfig(paths, settings))
    assert again.totals == expected.totals
    assert again.rows.equals(expected.rows)
    assert again.decided_pairs == expected.decided_pairs
