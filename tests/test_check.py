"""The consistency rules of the official tables (issue 13), on figures typed by hand, and
``xgedu-stats check`` on JSON and .xlsx files: one line per broken rule naming the table,
rule, row and column; exit 0 when all hold, 3 when one is broken, 1 when unreadable."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT

from xgedu_stats import rules
from xgedu_stats.cli import cli
from xgedu_stats.errors import InputError

SAMPLES_2023 = ROOT / "samples" / "2023"


def aggregate_2023(out: Path):
    """``aggregate`` of samples/2023 with its figures file, into ``out`` (its format)."""
    figures = SAMPLES_2023 / "数据-2023.toml"
    args = ["aggregate", SAMPLES_2023, "--year", "2023", "--figures", figures, "-o", out, "-q"]
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("check") / "2023.json"
    got = aggregate_2023(out)
    assert got.exit_code == 0, got.output
    return json.loads(out.read_text(encoding="utf-8"))["tables"]


def row(table: list[dict], label: str) -> dict:
    return next(r for r in table if r["label"] == label)


def test_the_tools_own_tables_keep_every_rule(tables: dict) -> None:
    assert set(tables) == {"article20", "applications", "appeals"}
    assert rules.check(tables) == []


def broken(tables: dict, edit) -> list[rules.Breach]:
    changed = copy.deepcopy(tables)
    edit(changed)
    return rules.check(changed)


def test_one_plus_two_is_total_plus_four(tables: dict) -> None:
    def edit(t: dict) -> None:  # (and its 总计 too, so that only this rule breaks)
        row(t["applications"], "上年结转政府信息公开申请数量")["自然人"] += 1
        row(t["applications"], "上年结转政府信息公开申请数量")["总计"] += 1

    found = broken(tables, edit)
    assert [(b.rule, b.row, b.column, b.left, b.right) for b in found] == [
        (rules.RULE_BALANCE, "", "自然人", 26, 25),
        (rules.RULE_BALANCE, "", "总计", 41, 40),
    ]


def test_seven_is_the_sum_of_one_to_six(tables: dict) -> None:
    def edit(t: dict) -> None:  # (its row's 总计 too, so that the row still adds up)
        row(t["applications"], "予以公开")["其他"] += 1
        row(t["applications"], "予以公开")["总计"] += 1

    found = broken(tables, edit)
    assert {(b.rule, b.row, b.column) for b in found} == {
        (rules.RULE_RESULTS, "总计", "其他"),
        (rules.RULE_RESULTS, "总计", "总计"),
    }


def test_a_group_given_as_a_row_is_the_sum_of_its_items(tables: dict) -> None:
    def edit(t: dict) -> None:
        group = {
            "label": "不予公开",
            "parent": "本年度办理结果",
            **dict.fromkeys(
                ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"],
                0,
            ),
        }
        t["applications"].insert(4, group)

    found = broken(tables, edit)
    assert [(b.rule, b.row, b.column, b.left, b.right) for b in found if b.column == "总计"] == [
        (rules.RULE_GROUP, "不予公开", "总计", 0, 5)
    ]


def test_the_total_column_is_the_six_before_it(tables: dict) -> None:
    found = broken(tables, lambda t: row(t["applications"], "重复申请").update(总计=5))
    assert {(b.rule, b.row, b.column) for b in found} >= {
        (rules.RULE_ROW_TOTAL, "重复申请", "总计")
    }


def test_each_appeals_total_is_its_four_outcomes(tables: dict) -> None:
    def edit(t: dict) -> None:
        t["appeals"]["行政诉讼"]["复议后起诉"]["结果纠正"] = 2

    found = broken(tables, edit)
    assert [(b.rule, b.row, b.column, b.left, b.right) for b in found] == [
        (rules.RULE_APPEALS, "行政诉讼/复议后起诉", "总计", 1, 3)
    ]


def test_in_force_is_never_negative(tables: dict) -> None:
    found = broken(tables, lambda t: row(t["article20"], "规章").update(现行有效件数=-1))
    assert [(b.rule, b.row, b.column) for b in found] == [
        (rules.RULE_IN_FORCE, "规章", "现行有效件数")
    ]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda t: row(t["applications"], "重复申请").update(自然人="一"),
            "「收到和处理政府信息公开申请情况」（applications）「重复申请」行「自然人」列应为 0 或正整数，实为文字「一」",
        ),
        (lambda t: row(t["applications"], "重复申请").update(自然人=None), "实为空"),
        (lambda t: row(t["applications"], "重复申请").pop("自然人"), "实为缺（JSON 中没有这一项）"),
        (lambda t: row(t["applications"], "重复申请").update(自然人=1.5), "实为 1.5"),
        (lambda t: row(t["applications"], "重复申请").update(自然人=[1]), "实为列表"),
        (
            lambda t: t["applications"].append(dict(row(t["applications"], "重复申请"))),
            "「重复申请」行出现了两次",
        ),
        (
            lambda t: row(t["article20"], "规章").update(label=["规章"]),
            "「主动公开政府信息情况（第二十条）」（article20） 第 1 行",
        ),
        (
            lambda t: t["article20"].pop(0),
            "「主动公开政府信息情况（第二十条）」（article20） 缺少这些行：规章",
        ),
        (
            lambda t: row(t["article20"], "行政许可").update(本年处理决定数量=10**12),
            "超出范围（应在 0 到 1000000000 之间）",
        ),
        (lambda t: row(t["applications"], "重复申请").update(自然人=-2), "实为 -2"),
        (
            lambda t: t["applications"].pop(0),
            "「收到和处理政府信息公开申请情况」（applications） 缺少这些行：本年新收政府信息公开申请数量",
        ),
        (lambda t: row(t["applications"], "重复申请").update(label="重复"), "不是表三的行"),
        (
            lambda t: t["appeals"].pop("行政复议"),
            "「政府信息公开行政复议、行政诉讼情况」（appeals） 缺少「行政复议」",
        ),
    ],
)
def test_figures_that_are_not_figures_are_unreadable(tables: dict, edit, message: str) -> None:
    changed = copy.deepcopy(tables)
    edit(changed)
    with pytest.raises(InputError) as caught:
        rules.check(changed)
    assert message in str(caught.value)


def test_check_names_table_rule_row_and_column(tables: dict, tmp_path: Path) -> None:
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps({"tables": tables}, ensure_ascii=False), encoding="utf-8")
    changed = copy.deepcopy(tables)
    changed["appeals"]["行政复议"]["总计"] = 7
    bad.write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")  # (tables alone)
    runner = CliRunner()
    ok = runner.invoke(cli, ["check", str(good)])
    assert ok.exit_code == 0 and ok.stderr == ""
    assert ok.stdout == f"{good}：全部符合勾稽关系（检查了：{'、'.join(rules.TITLES.values())}）\n"
    got = runner.invoke(cli, ["check", str(good), str(bad)])
    assert got.exit_code == 3
    everything = "、".join(rules.TITLES.values())
    assert got.stdout == (
        f"{good}：全部符合勾稽关系（检查了：{everything}）\n"
        f"{bad}：政府信息公开行政复议、行政诉讼情况：「行政复议」下的「总计」不符合"
        "「总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结」：左边 7，右边 3\n"
        f"{bad}：1 处不符合勾稽关系（检查了：{everything}）\n"
    )


def test_check_reads_the_tools_own_workbook(tmp_path: Path) -> None:
    book = tmp_path / "2023.xlsx"
    runner = CliRunner()
    made = aggregate_2023(book)
    assert made.exit_code == 0, made.output
    assert rules.read_tables(book) == json.loads(
        json.dumps(rules.read_tables(book))
    )  # (plain JSON values)
    ok = runner.invoke(cli, ["check", str(book)])
    assert ok.exit_code == 0, ok.output
    from openpyxl import load_workbook

    wb = load_workbook(book)
    ws = wb["依申请公开情况"]
    for r in ws.iter_rows():
        if r[0].value == "二、上年结转政府信息公开申请数量":
            r[1].value = 9
    wb.save(book)
    got = runner.invoke(cli, ["check", str(book)])
    assert got.exit_code == 3
    assert "「自然人」列不符合「一 + 二 = （七）总计 + 四」：左边 33，右边 25" in got.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "不是有效的 JSON 文件：第 1 行第 2 列附近写法不对"),
        ('{"tables": {"categories": []}}', "中没有可检查的表"),
        ("[1, 2]", "中没有统计表"),
        ("[" * 100000, "不是有效的 JSON 文件"),
    ],
)
def test_check_on_files_it_cannot_read(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(content, encoding="utf-8")
    got = CliRunner().invoke(cli, ["check", str(path)])
    assert got.exit_code == 1 and message in got.stderr and "Traceback" not in got.output


def test_figures_written_as_whole_numbers_in_other_ways_are_read(tables: dict) -> None:
    changed = copy.deepcopy(tables)
    figure = row(changed["applications"], "重复申请")["自然人"]
    row(changed["applications"], "重复申请")["自然人"] = f" {figure} "  # (text, as Excel may keep)
    row(changed["article20"], "规章")["本年制发件数"] = float(
        row(changed["article20"], "规章")["本年制发件数"]
    )
    assert rules.check(changed) == []


@pytest.mark.parametrize(
    ("figure", "message"),
    [
        ("1e100000000", "超出范围"),
        ("NaN", "中有 NaN"),
        ("-Infinity", "中有 -Infinity"),
        ("1e999999", "超出范围"),
        ("9" * 5000, "超出范围"),
        ("-1.0", "应为 0 或正整数，实为 -1"),
    ],
)
def test_check_on_hostile_figures_answers_at_once_in_chinese(
    tables: dict, tmp_path: Path, figure: str, message: str
) -> None:
    text = json.dumps({"tables": tables}, ensure_ascii=False)
    path = tmp_path / "x.json"
    path.write_text(text.replace('"尚未审结": 0', f'"尚未审结": {figure}', 1), encoding="utf-8")
    got = CliRunner().invoke(cli, ["check", str(path)])
    assert got.exit_code == 1 and message in got.stderr, got.output
    assert "程序内部错误" not in got.output


def test_a_negative_in_force_figure_breaks_its_rule_however_written(
    tables: dict, tmp_path: Path
) -> None:
    for figure in (-1, "-1.0", "-1"):
        changed = copy.deepcopy(tables)
        row(changed["article20"], "规章")["现行有效件数"] = figure
        path = tmp_path / "x.json"
        path.write_text(json.dumps(changed, ensure_ascii=False).replace('"-1.0"', "-1.0"), "utf-8")
        got = CliRunner().invoke(cli, ["check", str(path)])
        assert got.exit_code == 3 and rules.RULE_IN_FORCE in got.stdout, (figure, got.output)


def test_a_key_written_twice_is_an_error_not_the_last_one(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"appeals": {"行政复议": {}, "行政复议": {}}}', encoding="utf-8")
    got = CliRunner().invoke(cli, ["check", str(path)])
    assert got.exit_code == 1 and "同一处有两个「行政复议」" in got.stderr


def test_tables_the_tool_left_blank_are_skipped_with_a_note(tables: dict, tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text(json.dumps({**tables, "appeals": []}, ensure_ascii=False), encoding="utf-8")
    got = CliRunner().invoke(cli, ["check", str(path)])
    assert got.exit_code == 0, got.output
    assert "政府信息公开行政复议、行政诉讼情况没有数字" in got.stderr and "未检查" in got.stderr
    nothing = {"appeals": [], "applications": [], "article20": []}
    path.write_text(json.dumps(nothing), encoding="utf-8")
    got = CliRunner().invoke(cli, ["check", str(path)])
    assert got.exit_code == 1 and "表都没有数字" in got.stderr


def test_the_tools_output_without_registers_is_checked(tmp_path: Path) -> None:
    (tmp_path / "依申请公开登记.csv").write_text(
        "编号,申请人类型,收到日期,办结日期,办理结果\n1,公民,2023-01-05,2023-01-09,予以公开\n",
        encoding="utf-8",
    )
    for out in ("a.json", "a.xlsx"):
        args = ["aggregate", str(tmp_path), "--year", "2023", "-q", "-o", str(tmp_path / out)]
        made = CliRunner().invoke(
            cli, [*args, "-t", "applications", "-t", "appeals", "-t", "article20"]
        )
        assert made.exit_code == 0, made.output
        got = CliRunner().invoke(cli, ["check", str(tmp_path / out)])
        assert got.exit_code == 0, (out, got.output)
        assert "检查了：收到和处理政府信息公开申请情况）" in got.stdout


def test_one_unreadable_file_does_not_stop_the_others(tables: dict, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    changed = copy.deepcopy(tables)
    changed["appeals"]["行政复议"]["总计"] = 7
    bad.write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
    got = CliRunner().invoke(cli, ["check", str(tmp_path / "nope.json"), str(bad)])
    assert got.exit_code == 1
    assert "找不到文件" in got.stderr and "「行政复议」下的「总计」" in got.stdout


def test_workbooks_are_known_by_content_and_by_their_header_rows(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    book = tmp_path / "2023.xlsx"
    assert aggregate_2023(book).exit_code == 0
    renamed = tmp_path / "2023.json"
    renamed.write_bytes(book.read_bytes())
    assert CliRunner().invoke(cli, ["check", str(renamed)]).exit_code == 0

    wb = load_workbook(book)
    wb["复议诉讼情况"].insert_cols(1)  # (shifted: its title is in B1 now)
    wb["依申请公开情况"]["A1"] = "表三 收到和处理政府信息公开申请情况"
    wb["复议诉讼情况"]["B5"] = 5  # (结果维持 of 行政复议: its 总计 breaks)
    wb.save(book)
    got = CliRunner().invoke(cli, ["check", str(book)])
    assert got.exit_code == 3, got.output
    assert "「行政复议」下的「总计」" in got.stdout
    assert (
        "1 处不符合勾稽关系（检查了：收到和处理政府信息公开申请情况、政府信息公开行政复议"
        in got.stdout
    )

    wb.copy_worksheet(wb["依申请公开情况"])
    wb.save(book)
    got = CliRunner().invoke(cli, ["check", str(book)])
    assert got.exit_code == 1 and "都有「收到和处理政府信息公开申请情况」；请只留一个" in got.stderr


def test_a_file_that_is_not_a_workbook_says_so_in_chinese(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"PK\x03\x04 not a zip at all")
    got = CliRunner().invoke(cli, ["check", str(path)])
    assert got.exit_code == 1 and "不是有效的 .xlsx 文件" in got.stderr
    assert "zip" not in got.output


def test_tables_anywhere_on_any_sheet_are_found_and_a_missing_one_is_named(
    tmp_path: Path,
) -> None:
    from openpyxl import load_workbook

    book = tmp_path / "2023.xlsx"
    assert aggregate_2023(book).exit_code == 0
    wb = load_workbook(book)
    three, four = wb["依申请公开情况"], wb["复议诉讼情况"]
    three.insert_rows(1, 20)  # (moved down)
    three["A1"] = "说明：收到和处理政府信息公开申请情况见下"
    three.append(["填表人：张三"])  # (a note under the table)
    four.insert_rows(5)  # (a blank row between its header and its figures)
    four["A6"] = 99  # (结果维持 of 行政复议: its 总计 breaks)
    notes = wb.create_sheet("说明")
    notes["A1"] = "政府信息公开行政复议、行政诉讼情况"  # (a title alone is no table)
    del wb["主动公开情况（第二十条）"]
    wb.save(book)
    got = CliRunner().invoke(cli, ["check", str(book)])
    assert got.exit_code == 3, got.output
    assert "「行政复议」下的「总计」不符合" in got.stdout
    assert "没有找到：主动公开政府信息情况（第二十条）" in got.stdout

    wb = load_workbook(book)  # (two tables on one sheet: both are checked)
    for row in wb["复议诉讼情况"].iter_rows(values_only=True):
        wb["依申请公开情况"].append(list(row))
    del wb["复议诉讼情况"]
    wb.save(book)
    got = CliRunner().invoke(cli, ["check", str(book)])
    assert got.exit_code == 3 and "「行政复议」下的「总计」不符合" in got.stdout, got.output


def test_files_check_cannot_read_are_errors_and_the_next_is_checked(
    tables: dict, tmp_path: Path
) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(tables, ensure_ascii=False), encoding="utf-8")
    deep = tmp_path / "deep.json"
    deep.write_text('{"appeals": ' + "[" * 900 + "]" * 900 + "}", encoding="utf-8")
    named = tmp_path / "json.xlsx"  # (JSON under a workbook's name: read by its content)
    named.write_bytes(good.read_bytes())
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes((tmp_path / "good.json").read_bytes()[:0] + b"PK\x03\x04" + b"\0" * 64)
    got = CliRunner().invoke(cli, ["check", *map(str, (deep, broken, named, good))])
    assert got.exit_code == 1, got.output
    assert "程序内部错误" not in got.output
    assert f"{broken} 不是有效的 .xlsx 文件" in got.stderr
    assert f"{named}：全部符合勾稽关系" in got.stdout and f"{good}：全部符合勾稽关系" in got.stdout
