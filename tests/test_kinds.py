"""A kind of input is one module registered in one place (issue 10): a kind made here, for
the tests only, is read by the same machinery as articles, never counted as published
items, and feeds its own table."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import csv_bytes

from xgedu_stats import counters
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


@dataclass(frozen=True)
class NoteTotals:
    rows_read: int
    rejected: int
    out_of_period: int
    duplicates: int
    notes: int


@dataclass(frozen=True)
class Notes:
    totals: NoteTotals
    rejects: pd.DataFrame


def count_notes(rows: pd.DataFrame, bad: pd.DataFrame, config: RunConfig) -> Notes:
    """Rows without an answer are rejected (for the test); the others are notes."""
    unanswered = rows[rows["answered"] == ""]
    rejects = unanswered.assign(reason="没有答复日期")[["file", "line", "reason", "received"]]
    return Notes(NoteTotals(len(rows), len(rejects), 0, 0, len(rows) - len(rejects)), rejects)


NOTES_COUNTER = counters.Counter(
    kind=NOTES,
    count=count_notes,
    balance=lambda t: (
        f"核对（测试留言）：读入 {t.rows_read} 行 = 无效 {t.rejected} + 留言 {t.notes} 件"
    ),
    rejected="没有答复日期",
    notes=lambda found: [f"测试留言共 {found.totals.notes} 件"],
    reject_columns={"received": "date_raw"},
    span=lambda rows, bad: counters.Span(
        pd.Series(["没有答复日期"] * int((rows["answered"] == "").sum())),
        "2018-03-01",
        "2018-03-05",
    ),
)


def test_a_counter_registered_in_one_place_is_used_everywhere(
    registered: None, exports: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One entry in ``counters.COUNTERS``: the 核对 line, the JSON totals, the notes, the
    rejected rows (in the rejects file, with the CLI's note) and ``inspect`` all follow."""
    monkeypatch.setattr(counters, "COUNTERS", (NOTES_COUNTER,))
    rejects = tmp_path / "r.csv"
    text = CliRunner().invoke(cli, ["aggregate", str(exports), "--rejects", str(rejects)])
    assert text.exit_code == 0, text.output
    assert "核对（测试留言）：读入 2 行 = 无效 1 + 留言 1 件" in text.stdout
    assert "测试留言共 1 件" in text.stderr
    assert "测试留言有 1 行无效（没有答复日期），未计入统计" in text.stderr
    assert "测试留言,没有答复日期,,2018-03-05" in rejects.read_text(encoding="utf-8-sig")
    doc = json.loads(CliRunner().invoke(cli, ["aggregate", str(exports), "-f", "json"]).stdout)
    assert doc["totals"]["test_notes"] == {
        "rows_read": 2, "rejected": 1, "out_of_period": 0, "duplicates": 0, "notes": 1
    }  # fmt: skip
    shown = CliRunner().invoke(cli, ["inspect", str(exports), "-f", "json"]).stdout
    (mine,) = [f for f in json.loads(shown)["files"] if f["kind"] == "test_notes"]
    assert (mine["rows"]["rejected_by_reason"], mine["dates"]) == (
        {"没有答复日期": 1},
        {"first": "2018-03-01", "last": "2018-03-05"},
    )
