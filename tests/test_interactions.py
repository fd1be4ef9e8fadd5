"""Online messages (issue 12): deadlines in working days on the official calendar, the
status of each letter on the day it is judged, and every row accounted for."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import csv_bytes
from hypothesis import given, settings
from hypothesis import strategies as st

from xgedu_stats.cli import cli
from xgedu_stats.config import Deadline, InteractionSettings, Period, RunConfig, Settings
from xgedu_stats.count.interactions import count_messages, due_day, message_type
from xgedu_stats.errors import InputError
from xgedu_stats.pipeline import run

HEADER = ["信件编号", "信件标题", "来信类型", "来信时间", "答复时间", "答复单位"]


# --- deadlines on real calendar dates, counted by hand ------------------------------------


@pytest.mark.parametrize(
    ("received", "deadline", "due"),
    [
        # 2018-02-15 … 02-21 off for the Spring Festival; 02-11 (Sun) and 02-24 (Sat) worked
        (date(2018, 2, 13), Deadline(5), date(2018, 2, 26)),  # 14, 22, 23, 24 (Sat), 26
        (date(2018, 2, 11), Deadline(5), date(2018, 2, 23)),  # received on a working Sunday
        (date(2018, 2, 24), Deadline(5), date(2018, 3, 2)),  # received on a working Saturday
        (date(2018, 2, 16), Deadline(5), date(2018, 2, 27)),  # received on a holiday
        # 2018-10-01 … 10-07 off; 09-29 (Sat) and 09-30 (Sun) worked
        (date(2018, 9, 28), Deadline(5), date(2018, 10, 10)),  # 29, 30, 8, 9, 10
        # 2018-12-29 (Sat) worked; 12-30 … 2019-01-01 off
        (date(2018, 12, 28), Deadline(5), date(2019, 1, 7)),  # 29, 2, 3, 4, 7
        (date(2018, 2, 13), Deadline(7), date(2018, 2, 28)),
        (date(2018, 2, 13), Deadline(15, working=False), date(2018, 2, 28)),  # calendar days
    ],
)
def test_deadlines_on_the_official_calendar(received: date, deadline: Deadline, due: date) -> None:
    assert due_day(received, deadline) == due


def test_a_year_the_calendar_package_does_not_cover_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "局长信箱.csv"
    path.write_bytes(csv_bytes(HEADER, [["A1", "甲", "咨询", "2099-03-01", "", ""]]))
    with pytest.raises(InputError) as caught:
        run(RunConfig((path,), period=Period.year(2099)))
    message = str(caught.value)
    assert "chinese-calendar" in message and "2099 年" in message
    assert "pip install -U chinese-calendar" in message and "[interactions.deadlines]" in message
    # calendar days need no calendar
    days = Settings(interactions=InteractionSettings(Deadline(15, working=False)))
    got = run(RunConfig((path,), days, Period.year(2099), as_of=date(2099, 3, 10)))
    assert got.messages is not None and got.messages.counts["pending"].tolist() == [1]


# --- statuses against --as-of ---------------------------------------------------------------


def messages(rows: list[list[str]], as_of: date, **deadlines: str) -> pd.DataFrame:
    """Rows ``id, title, type, received, replied[, file]`` (the file 局长信箱.csv if none)."""
    rows = [[*r, "局长信箱.csv"][:6] for r in rows]
    frame = pd.DataFrame(rows, columns=["id", "title", "type", "received", "replied", "file"])
    frame = frame.assign(line=range(2, len(rows) + 2), department="")
    frame = frame.assign(platform="", status="")
    chosen = InteractionSettings(
        deadlines=tuple((t, Deadline(int(d), working=True)) for t, d in deadlines.items())
    )
    bad = pd.DataFrame(columns=["file", "line", "platform", "reason", "raw"])
    got = count_messages(frame, bad, chosen, Period.year(2018), as_of)
    return got.messages.set_index("title")


def test_on_time_late_overdue_and_pending() -> None:
    got = messages(
        [
            ["1", "按期", "咨询", "2018-02-13 09:00", "2018-02-26 17:00"],
            ["2", "超期回复", "咨询", "2018-02-13", "2018-02-27"],
            ["3", "超期未复", "投诉", "2018-02-13", ""],
            ["4", "办理中", "投诉", "2018-02-13", ""],
            ["5", "截至日后才回复", "建议", "2018-02-13", "2018-03-30"],
        ],
        as_of=date(2018, 2, 26),
        投诉="7",  # 办理中: due 02-28 under the override
    )
    assert got.loc["按期", "status"] == "on_time"
    assert got.loc["超期回复", "status"] == "pending"  # replied after the as-of day, due 02-26
    assert got.loc["办理中", "status"] == "pending"
    got = messages(
        [
            ["2", "超期回复", "咨询", "2018-02-13", "2018-02-27"],
            ["3", "超期未复", "投诉", "2018-02-13", ""],
            ["5", "截至日后才回复", "建议", "2018-02-13", "2018-03-30"],
        ],
        as_of=date(2018, 3, 1),
        投诉="7",
    )
    assert got["status"].to_dict() == {
        "超期回复": "late",
        "超期未复": "overdue",  # due 02-28 < 03-01
        "截至日后才回复": "overdue",  # not replied by the as-of day
    }


def test_a_letter_exported_twice_is_one_answered_by_its_earliest_reply() -> None:
    got = messages(
        [
            ["A7", "学籍", "咨询", "2018-03-01", ""],  # an early export: no reply yet
            ["A7", "学籍", "咨询", "2018-03-01", "2018-03-05", "下半年.csv"],
            ["A7", "学籍", "咨询", "2019-03-01", "", "2019.csv"],  # ids start afresh each year
            ["B1", "转学", "咨询", "2018-07-02", ""],
            ["B1", "转学", "咨询", "2018-07-03", "2018-07-04", "下半年.csv"],  # logged a day later
            ["", "无编号", "建议", "2018-03-02 10:00", ""],
            ["", "无编号", "建议", "2018/3/2 10时0分", "2018-03-06", "下半年.csv"],
            ["", "无编号", "建议", "2018-03-02 11:00", ""],  # another time: another letter
            ["", "无标题", "咨询", "2018-03-05", "2018-03-06"],
            ["", "无标题", "咨询", "2018-03-05", "未回复"],  # in one export: another letter
        ],
        as_of=date(2018, 12, 31),
    )
    assert got.loc["学籍", "status"] == "on_time"  # (the 2019 letter is outside the period)
    assert got.loc["转学", "status"] == "on_time"  # one letter, received 07-02
    assert got.loc["无编号", "status"].tolist() == ["on_time", "overdue"]
    assert got.loc["无标题", "status"].tolist() == ["on_time", "overdue"]


def test_letters_received_after_the_as_of_day_are_not_counted(mailbox: Path) -> None:
    args = ["aggregate", str(mailbox), "--year", "2018", "-f", "json", "--as-of", "2018-06-30"]
    result = CliRunner().invoke(cli, args)
    totals = json.loads(result.stdout)["totals"]["interactions"]
    assert (totals["messages"], totals["out_of_period"]) == (4, 3)  # A8, A9 and 2017 out
    assert "有 2 件网上留言在 2018-06-30（--as-of）之后才收到" in result.stderr


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("问题咨询", "咨询"),
        ("意见建议", "建议"),
        ("投诉 举报", "投诉"),
        ("感谢", "表扬"),
        ("", "其他"),
    ],
)
def test_types(value: str, kind: str) -> None:
    assert message_type(value) == kind


# --- the whole command, as a clerk uses it --------------------------------------------------


@pytest.fixture
def mailbox(tmp_path: Path) -> Path:
    """A mailbox export with its own headers and an overlapping second export, beside a
    portal export; counted by hand below."""
    tmp_path = tmp_path / "导出"  # (pytest's folder name holds "mailbox")
    tmp_path.mkdir()
    (tmp_path / "门户.csv").write_bytes(
        csv_bytes(["标题", "发布时间"], [["甲", "2018-03-01"], ["乙", "2018-03-02"]])
    )
    (tmp_path / "局长信箱").mkdir()
    (tmp_path / "局长信箱" / "1-6月.csv").write_bytes(
        csv_bytes(
            HEADER,
            [
                ["A1", "学籍转入", "咨询", "2018-02-13 09:00", "2018-02-26 10:00", "基础教育科"],
                ["A2", "招生政策", "问题咨询", "2018-02-13", "2018-02-27", "招生办"],
                ["A3", "校车", "投诉举报", "2018-06-20", "", "安全科"],  # not replied yet here
                ["A4", "来信", "来信", "2018-06-01", "2018-06-02", ""],  # an unknown type
                ["A5", "坏行", "咨询", "不知道", "", ""],  # rejected
                ["A6", "倒填", "咨询", "2018-05-10", "2018-05-09", ""],  # rejected
                ["A0", "去年", "咨询", "2017-12-01", "2017-12-04", ""],  # out of the period
            ],
        )
    )
    (tmp_path / "局长信箱" / "6-12月.csv").write_bytes(
        csv_bytes(
            HEADER,
            [
                ["A3", "校车", "投诉举报", "2018-06-20", "2018-06-26", "安全科"],  # overlaps
                ["A8", "感谢信", "感谢", "2018-12-28", "", "办公室"],  # due 2019-01-07
                ["A9", "食堂", "投诉", "2018-12-20", "", "后勤科"],  # due 12-27: overdue
            ],
        )
    )
    return tmp_path


def test_a_mailbox_export_as_a_new_user_would_give_it(mailbox: Path) -> None:
    result = CliRunner().invoke(cli, ["aggregate", str(mailbox), "--year", "2018", "-f", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["totals"]["unique_items"] == 2  # the letters are not published items
    assert doc["totals"]["interactions"] == {
        "rows_read": 10,
        "rejected": 2,
        "out_of_period": 1,
        "duplicates": 1,
        "messages": 6,
    }
    assert doc["tables"]["interactions"] == [
        {"type": "咨询", "received": 2, "replied": 2, "on_time": 1, "late": 1, "overdue": 0,
         "pending": 0, "reply_rate": 100.0, "on_time_rate": 50.0},
        {"type": "投诉", "received": 2, "replied": 1, "on_time": 1, "late": 0, "overdue": 1,
         "pending": 0, "reply_rate": 50.0, "on_time_rate": 50.0},
        {"type": "表扬", "received": 1, "replied": 0, "on_time": 0, "late": 0, "overdue": 0,
         "pending": 1, "reply_rate": 0.0, "on_time_rate": 0.0},
        {"type": "其他", "received": 1, "replied": 1, "on_time": 1, "late": 0, "overdue": 0,
         "pending": 0, "reply_rate": 100.0, "on_time_rate": 100.0},
    ]  # fmt: skip
    assert (
        "网上留言的类型有的不是咨询、建议、投诉、求助、表扬、其他之一，计入「其他」：「来信」1 行"
        in (result.stderr)
    )
    assert "网上留言有 2 行无效" in result.stderr


def test_the_text_report_has_the_table_and_a_conservation_line_for_the_letters(
    mailbox: Path, tmp_path: Path
) -> None:
    rejects = tmp_path / "无效行.csv"
    args = ["aggregate", str(mailbox), "--year", "2018", "--rejects", str(rejects)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "网上咨询、建议、投诉等留言办理情况（答复期限：收到后 5 个工作日；截至 2018-12-31）" in (
        result.stdout
    )
    assert result.stdout.rstrip().endswith(
        "核对（网上留言）：读入 10 行 = 无效 2 + 统计期外 1 + 重复 1 + 留言 6 件"
    )
    listed = rejects.read_text(encoding="utf-8-sig")
    assert "网上留言,收到时间无法识别,坏行,不知道" in listed
    assert "网上留言,回复日期早于收到日期,倒填,2018-05-10" in listed


def test_as_of_and_per_type_deadlines_from_the_config(mailbox: Path, tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[interactions.deadlines]\n"投诉" = "10 working days"\n', encoding="utf-8")
    args = ["aggregate", str(mailbox), "--year", "2018", "-c", str(config), "-f", "json"]
    result = CliRunner().invoke(cli, [*args, "--as-of", "2019-01-04", "-t", "interactions"])
    assert result.exit_code == 0, result.output
    rows = {r["type"]: r for r in json.loads(result.stdout)["tables"]["interactions"]}
    # 食堂 (12-20): ten working days (12-29 worked) end on 2019-01-04: pending, not overdue
    assert (rows["投诉"]["overdue"], rows["投诉"]["pending"]) == (0, 1)
    assert rows["表扬"]["pending"] == 1  # due 2019-01-07


def test_by_department(mailbox: Path) -> None:
    (mailbox / "局长信箱" / "7月.csv").write_bytes(
        csv_bytes(HEADER, [["B1", "操场", "建议", "2018-07-02", "2018-07-03", "安全科"]])
    )
    args = ["aggregate", str(mailbox), "--year", "2018", "-f", "json", "--by", "department"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["tables"]["interactions_by_department"]
    # 安全科 has two letters (first); the others one each, by name; no department last.
    assert [(r["department"], r["received"]) for r in rows] == [
        ("安全科", 2),
        ("办公室", 1),
        ("后勤科", 1),
        ("基础教育科", 1),
        ("招生办", 1),
        ("未注明", 1),
    ]
    by_name = {r["department"]: r for r in rows}
    assert (by_name["招生办"]["late"], by_name["后勤科"]["overdue"]) == (1, 1)
    assert by_name["办公室"]["pending"] == 1
    assert by_name["安全科"]["reply_rate"] == 100.0
    # Without --by, no such table; with -t it is added to the tables named.
    plain = CliRunner().invoke(cli, args[:-2])
    assert "interactions_by_department" not in json.loads(plain.stdout)["tables"]
    named = CliRunner().invoke(cli, [*args, "-t", "interactions"])
    assert list(json.loads(named.stdout)["tables"]) == [
        "interactions",
        "interactions_by_department",
    ]
    text = CliRunner().invoke(cli, [*args[:-4], "--by", "department", "-t", "interactions"])
    assert "网上咨询、建议、投诉等留言办理情况（按答复部门；答复期限" in text.stdout
    assert "合计" in text.stdout.split("按答复部门")[1]


def test_by_department_without_a_mailbox_export_says_so(tmp_path: Path) -> None:
    (tmp_path / "门户.csv").write_bytes(csv_bytes(["标题", "发布时间"], [["甲", "2018-03-01"]]))
    args = ["aggregate", str(tmp_path / "门户.csv"), "--year", "2018", "--by", "department"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "没有读到网上留言的导出文件：没有按部门统计的表" in result.stderr
    assert "按答复部门" not in result.stdout


def test_without_a_mailbox_export_there_is_no_such_table() -> None:
    articles = "samples/2018/门户网站_2018上半年.csv"  # (the samples hold a mailbox export)
    result = CliRunner().invoke(cli, ["aggregate", articles, "--year", "2018", "-f", "json"])
    doc = json.loads(result.stdout)
    assert "interactions" not in doc["tables"] and "interactions" not in doc["totals"]


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[interactions]\ndeadline = "一周"\n', '应写成 "5 working days"'),
        ('[interactions]\ndeadline = "0 days"\n', "天数为 1 到 366"),
        ('[interactions.deadlines]\n"来信" = "5 days"\n', "没有这个留言类型"),
        ('[interactions]\nreply = "5 days"\n', "未知的设置项"),
    ],
)
def test_deadline_settings_are_checked(tmp_path: Path, toml: str, message: str) -> None:
    config = tmp_path / "c.toml"
    config.write_text(toml, encoding="utf-8")
    result = CliRunner().invoke(cli, ["aggregate", "samples/2018", "-c", str(config)])
    assert result.exit_code != 0 and message in result.stderr


def test_a_missing_column_of_a_mailbox_export_names_no_platform_setting(tmp_path: Path) -> None:
    path = tmp_path / "局长信箱.csv"
    path.write_bytes(csv_bytes(["信件标题", "日期"], [["甲", "2018-03-01"]]))
    result = CliRunner().invoke(cli, ["aggregate", str(path)])
    assert result.exit_code == 1
    assert "中找不到收到时间列" in result.stderr and "请把这一列的表头改为其中之一" in result.stderr
    assert "[platforms." not in result.stderr


# --- every row accounted for ----------------------------------------------------------------

cell_date = st.sampled_from(
    ["2018-01-05", "2018-02-13 09:00", "2018-06-30", "2018-12-28", "2017-12-30", "2019-01-02",
     "", "不详", "3/5/2018"]
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["", "1", "2", "3"]),
            st.sampled_from(["甲", "乙"]),
            st.sampled_from(["咨询", "投诉", "来信", ""]),
            cell_date,
            cell_date,
        ),
        max_size=25,
    ),
    st.dates(date(2018, 1, 1), date(2019, 3, 1)),
)
def test_every_row_and_every_letter_is_accounted_for(rows: list, as_of: date) -> None:
    frame = pd.DataFrame(rows, columns=["id", "title", "type", "received", "replied"])
    frame = frame.assign(file="信箱.csv", line=range(2, len(rows) + 2), department="")
    frame = frame.assign(platform="", status="").astype(str)
    bad = pd.DataFrame(columns=["file", "line", "platform", "reason", "raw"])
    got = count_messages(frame, bad, InteractionSettings(), Period.year(2018), as_of)
    t = got.totals
    assert t.rows_read == t.rejected + t.out_of_period + t.duplicates + t.messages
    counts = got.counts
    assert counts["received"].sum() == t.messages
    assert (
        counts["received"] == counts["on_time"] + counts["late"] + counts["overdue"]
        + counts["pending"]
    ).all()  # fmt: skip
    assert (counts["replied"] == counts["on_time"] + counts["late"]).all()


def test_verbose_names_the_kind_of_a_mailbox_file_not_an_empty_platform(mailbox: Path) -> None:
    result = CliRunner().invoke(cli, ["aggregate", str(mailbox), "--year", "2018", "-v"])
    assert "1-6月.csv：网上留言（文件夹名含「信箱」），CSV 文本" in result.stderr


def test_a_folder_holding_only_an_empty_file_says_so(tmp_path: Path) -> None:
    """A trial: the folder's message said the empty file was one of the tool's own."""
    (tmp_path / "导出").mkdir()
    (tmp_path / "导出" / "局长信箱.csv").write_bytes(b"")
    result = CliRunner().invoke(cli, ["aggregate", str(tmp_path / "导出")])
    assert result.exit_code == 1
    assert result.stderr.rstrip().endswith("局长信箱.csv 是空文件（0 字节），跳过")


def test_a_platform_files_pattern_wins_over_the_words_of_a_mailbox(tmp_path: Path) -> None:
    (tmp_path / "导出").mkdir()
    (tmp_path / "导出" / "门户网站_留言栏目.csv").write_bytes(
        csv_bytes(["标题", "发布时间"], [["甲", "2018-03-01"]])
    )
    config = tmp_path / "c.toml"
    config.write_text('[platforms.portal]\nfiles = ["门户网站_留言栏目.csv"]\n', encoding="utf-8")
    args = ["aggregate", str(tmp_path / "导出"), "-f", "json", "-q"]
    bare = CliRunner().invoke(cli, args)
    assert bare.exit_code == 1 and "按网上留言读取" in bare.stderr  # said why
    configured = CliRunner().invoke(cli, [*args, "-c", str(config)])
    assert json.loads(configured.stdout)["totals"]["unique_items"] == 1


def test_inspect_judges_a_mailbox_export_as_aggregate_does(mailbox: Path) -> None:
    """A trial: inspect said 无效 0 of a file whose two rows aggregate rejects."""
    result = CliRunner().invoke(cli, ["inspect", str(mailbox / "局长信箱" / "1-6月.csv")])
    assert result.exit_code == 0, result.output
    assert "行数：读入 7，空行 0，合计行 0，无效 2（" in result.stdout
    assert "收到日期：2017-12-01 至 2018-06-20" in result.stdout


def test_a_workbook_of_two_sheets_is_one_file_in_the_note(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    first = book.active
    first.title = "上半年"
    first.append(HEADER)
    first.append(["A1", "甲", "咨询", "2018-03-01", "2018-03-02", ""])
    second = book.create_sheet("下半年")
    second.append(HEADER)
    second.append(["A2", "乙", "建议", "2018-09-03", "", ""])
    (tmp_path / "导出").mkdir()
    book.save(tmp_path / "导出" / "局长信箱.xlsx")
    result = CliRunner().invoke(cli, ["aggregate", str(tmp_path / "导出"), "--year", "2018"])
    assert "1 个文件是网上留言（2 行），单独统计" in result.stderr


# --- [sources.KEY]: files of another kind named in the config ----------------------------------


def test_a_source_in_the_config_names_a_mailbox_file_and_its_column(tmp_path: Path) -> None:
    """Trials: a mailbox export without 信箱 in its name could only be renamed, and one with
    both 来信时间 and 受理时间 only edited."""
    folder = tmp_path / "导出"
    folder.mkdir()
    (folder / "局长来信2018.csv").write_bytes(
        csv_bytes(
            ["编号", "来信时间", "受理时间", "答复时间"],
            [["1", "2018-03-01", "2018-03-02", "2018-03-09"]],  # due 03-09 from 03-02 only
        )
    )
    config = tmp_path / "c.toml"
    config.write_text(
        '[sources.mailbox]\nkind = "interactions"\nfiles = ["局长来信*.csv"]\n'
        '[sources.mailbox.columns]\nreceived = "受理时间"\n',
        encoding="utf-8",
    )
    args = ["aggregate", str(folder), "--year", "2018", "-f", "json", "-t", "interactions"]
    bare = CliRunner().invoke(cli, args)
    assert bare.exit_code == 1 and "无法确定文件" in bare.stderr
    assert "它若是网上留言（信箱、留言、互动、诉求）" in bare.stderr
    got = CliRunner().invoke(cli, [*args, "-c", str(config)])
    assert got.exit_code == 0, got.output
    (row,) = json.loads(got.stdout)["tables"]["interactions"]
    assert (row["received"], row["on_time"]) == (1, 1)


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[sources.x]\nkind = "letters"\nfiles = ["none.csv"]\n', '[sources.x] kind = "letters"：没有这种数据（可用：interactions、traffic、applications、appeals、documents）'),
        ('[sources.x]\nkind = "articles"\nfiles = ["*.csv"]\n', "各平台发布的信息请用 [platforms.平台代码] files 指定"),
        ('[sources.x]\nfiles = ["*.csv"]\n', "sources.x：缺少 kind"),
        ('[sources.x]\nkind = "traffic"\nfiles = ["*.csv"]\n[platforms.portal]\nfiles = ["*.csv"]\n', "同时匹配了 [sources.x]、[platforms.portal] 的 files 设置"),
        ('[sources.x]\nkind = "interactions"\nfiles = ["none.csv"]\n[sources.x.columns]\nreply = "回复"\n', "[sources.x.columns] 中的 reply 不是可用的字段"),
    ],
)  # fmt: skip
def test_sources_in_the_config_are_checked(tmp_path: Path, toml: str, message: str) -> None:
    (tmp_path / "导出").mkdir()
    (tmp_path / "导出" / "a.csv").write_bytes(csv_bytes(["来信时间"], [["2018-03-01"]]))
    config = tmp_path / "c.toml"
    config.write_text(toml, encoding="utf-8")
    result = CliRunner().invoke(cli, ["aggregate", str(tmp_path / "导出"), "-c", str(config)])
    assert result.exit_code != 0 and message in result.stderr, result.stderr


def test_a_column_the_config_gives_to_one_field_is_not_taken_by_another(tmp_path: Path) -> None:
    """A trial: received = "答复时间" made 答复时间 the reply too: every letter on time."""
    folder = tmp_path / "导出"
    folder.mkdir()
    (folder / "局长信箱.csv").write_bytes(
        csv_bytes(["来信时间", "答复时间"], [["2018-03-01", "2018-03-02"]])
    )
    config = tmp_path / "c.toml"
    config.write_text(
        '[sources.mb]\nkind = "interactions"\nfiles = ["局长信箱.csv"]\n'
        '[sources.mb.columns]\nreceived = "答复时间"\n',
        encoding="utf-8",
    )
    args = ["aggregate", str(folder), "--year", "2018", "-f", "json", "-c", str(config)]
    (row,) = json.loads(CliRunner().invoke(cli, args).stdout)["tables"]["interactions"]
    assert (row["received"], row["replied"]) == (1, 0)


def test_a_source_matching_an_articles_export_says_why_it_was_read_so(tmp_path: Path) -> None:
    (tmp_path / "导出").mkdir()
    (tmp_path / "导出" / "门户网站.csv").write_bytes(
        csv_bytes(["标题", "发布时间"], [["甲", "2018-03-01"]])
    )
    config = tmp_path / "c.toml"
    config.write_text('[sources.mb]\nkind = "interactions"\nfiles = ["门户网站.csv"]\n', "utf-8")
    result = CliRunner().invoke(cli, ["aggregate", str(tmp_path / "导出"), "-c", str(config)])
    assert "此文件因配置 [sources.mb] files = '门户网站.csv'，按网上留言读取" in result.stderr


def test_departments_written_differently_are_one(tmp_path: Path) -> None:
    """Full-width letters, a zero-width space or spaces around a name do not make another
    department; 无, - and （空） name none (未注明); a department called 合计 is not the total."""
    rows = [
        [f"D{i}", "问", "咨询", "2018-03-01", "2018-03-02", department]
        for i, department in enumerate(
            [
                "ＡＢＣ科",
                " ABC科 ",
                "AB\u200bC科",
                "（空）",
                "-",
                "无",
                "合 计",
                "办公室",
                "办 公室",
            ]
        )
    ]
    (tmp_path / "局长信箱.csv").write_bytes(csv_bytes(HEADER, rows))
    args = ["aggregate", str(tmp_path), "--year", "2018", "-f", "json", "--by", "department"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    table = json.loads(result.stdout)["tables"]["interactions_by_department"]
    assert [(r["department"], r["received"]) for r in table] == [
        ("ABC科", 3),
        ("办公室", 2),  # (办 公室: the first spelling shown)
        ("合 计（部门）", 1),
        ("未注明", 3),
    ]


def test_letters_file_lists_each_letter_with_its_deadline_and_status(
    mailbox: Path, tmp_path: Path
) -> None:
    listed = tmp_path / "留言明细.csv"
    args = ["aggregate", str(mailbox), "--year", "2018", "--letters", str(listed), "-f", "json"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    text = listed.read_text(encoding="utf-8-sig").split("\n", 1)[1]
    rows = {r["标题"]: r for r in csv.DictReader(io.StringIO(text))}
    assert len(rows) == 6  # the period's letters (a copy in two exports once)
    assert (rows["学籍转入"]["答复期限"], rows["学籍转入"]["状态"]) == ("2018-02-26", "按期回复")
    assert (rows["食堂"]["回复日期"], rows["食堂"]["状态"]) == ("", "超期未回复")
    assert rows["来信"]["答复部门"] == "未注明"
    assert rows["校车"]["回复日期"] == "2018-06-26"  # the later export's reply
    counts = {r["type"]: r["received"] for r in json.loads(result.stdout)["tables"]["interactions"]}
    assert sum(counts.values()) == len(rows)


def test_letters_file_without_a_mailbox_export_says_so(tmp_path: Path) -> None:
    (tmp_path / "门户.csv").write_bytes(csv_bytes(["标题", "发布时间"], [["甲", "2018-03-01"]]))
    listed = tmp_path / "out" / "留言明细.csv"
    listed.parent.mkdir()
    args = ["aggregate", str(tmp_path / "门户.csv"), "--letters", str(listed)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0
    assert "加了 --letters，但没有读到网上留言的导出文件：写出的文件只有表头" in result.stderr
    assert listed.read_text(encoding="utf-8-sig").splitlines()[1].startswith("编号,标题,类型")
