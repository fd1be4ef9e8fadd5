"""A kind of input is one module registered in one place (issue 10): a kind made here, for
the tests only, is read by the same machinery as articles, never counted as published
items, and feeds its own table."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import csv_bytes

from xgedu_stats.cli import cli
from xgedu_stats.config import RunConfig
from xgedu_stats.pipeline import run
from xgedu_stats.read import kinds
from xgedu_stats.read.kinds import ARTICLES, FieldSpec, Kind, kind_of
from xgedu_stats.tables import Column, Row, Table


def notes_tables(rows: pd.DataFrame) -> tuple[Table, ...]:
    answered = int((rows["answered"] != "").sum())
    return (
        Table(
            "test_notes",
            "测试留言统计",
            (Column("received", "收到", True), Column("answered", "已答复", True)),
            (Row((len(rows), answered)),),
        ),
    )


NOTES = Kind(
    name="test_notes",
    label="测试留言",
    fields=(
        FieldSpec("subject", "主题", ("主题", "留言主题"), required=True),
        FieldSpec("received", "收到日期", ("收到日期", "留言时间"), required=True),
        FieldSpec("answered", "答复日期", ("答复日期",)),
    ),
    words=("留言",),
    platforms=False,
    tables=notes_tables,
)


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test kind registered, as a module of its own would be in ``read.kinds.KINDS``."""
    monkeypatch.setattr(kinds, "KINDS", (ARTICLES, NOTES))


@pytest.fixture
def exports(tmp_path: Path) -> Path:
    (tmp_path / "门户.csv").write_bytes(
        csv_bytes(["标题", "发布时间"], [["甲", "2018-03-01"], ["乙", "2018-03-02"]])
    )
    (tmp_path / "2018留言").mkdir()
    (tmp_path / "2018留言" / "局长信箱.csv").write_bytes(
        csv_bytes(
            ["留言主题", "留言时间", "答复日期", "备注"],
            [["问学位", "2018-03-01", "2018-03-02", ""], ["问校车", "2018-03-05", "", "x"]],
        )
    )
    return tmp_path


def test_a_file_is_of_a_kind_by_its_name_or_its_folders(registered: None) -> None:
    assert kind_of(Path("2018留言/局长信箱.csv")) == (NOTES, "文件夹名含「留言」")
    assert kind_of(Path("导出/留言.xlsx")) == (NOTES, "文件名含「留言」")
    assert kind_of(Path("导出/门户.csv")) == (ARTICLES, "")


def test_a_kinds_rows_are_read_apart_and_never_counted_as_items(
    registered: None, exports: Path
) -> None:
    got = run(RunConfig((exports,)))
    assert (got.totals.rows_read, got.totals.unique_items) == (2, 2)  # articles only
    rows, unreadable = got.kinds["test_notes"]
    assert rows[["line", "subject", "received", "answered"]].astype(str).values.tolist() == [
        ["2", "问学位", "2018-03-01", "2018-03-02"],
        ["3", "问校车", "2018-03-05", ""],
    ]
    assert len(unreadable) == 0
    (report,) = [f for f in got.files if f.kind == "test_notes"]
    assert (report.platform_reason, report.columns) == (
        "文件夹名含「留言」",
        {"subject": "留言主题", "received": "留言时间", "answered": "答复日期"},
    )
    assert "1 个文件是测试留言（2 行），单独统计，不计入发布信息条数" in got.warnings


def test_a_kind_feeds_its_own_table(registered: None, exports: Path) -> None:
    result = CliRunner().invoke(cli, ["aggregate", str(exports), "-f", "json"])
    assert result.exit_code == 0, result.output
    tables = json.loads(result.stdout)["tables"]
    assert tables["test_notes"] == [{"received": 2, "answered": 1}]
    assert list(tables) == ["categories", "platforms", "doc_types", "test_notes"]
    shown = CliRunner().invoke(cli, ["inspect", str(exports)]).stdout
    assert "  数据：测试留言（文件夹名含「留言」），不计入发布信息条数\n" in shown
    assert "主题 ← 留言主题；收到日期 ← 留言时间；答复日期 ← 答复日期" in shown
    assert "问校车" in shown


def test_without_the_kind_the_file_is_an_export_of_no_platform(
    exports: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the registry makes the difference: unregistered, the file is taken for articles.
    (Articles alone: the mailbox kind registered since would take a 留言 folder too.)"""
    monkeypatch.setattr(kinds, "KINDS", (ARTICLES,))
    result = CliRunner().invoke(cli, ["aggregate", str(exports)])
    assert result.exit_code == 1
    assert "无法确定文件" in result.stderr


def test_files_of_another_kind_only(registered: None, exports: Path) -> None:
    """No published articles at all: their tables are empty, the kind's is not."""
    (exports / "门户.csv").unlink()
    got = run(RunConfig((exports,)))
    assert got.totals.rows_read == got.totals.unique_items == 0
    assert len(got.kinds["test_notes"][0]) == 2
