"""Registers to the official tables (issue 13): applications to table 三, appeals to table
四, documents to table 二's first part — each row sorted into its official cell or rejected
with a reason, rows with one id one case, and every rule of the tables holding."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xgedu_stats import notes, rules
from xgedu_stats.config import Period, RunConfig
from xgedu_stats.count import appeals as ap
from xgedu_stats.count import applications as apps
from xgedu_stats.count import registers as reg
from xgedu_stats.count.appeals import count_appeals
from xgedu_stats.count.applications import count_applications, result_of
from xgedu_stats.count.documents import count_documents, doc_kind_of
from xgedu_stats.errors import InputError
from xgedu_stats.official import appeals_table, applications_table
from xgedu_stats.pipeline import run
from xgedu_stats.read.kinds import APPEALS, APPLICATIONS, DOCUMENTS, kind_of
from xgedu_stats.tables import rejects_table

NO_BAD = pd.DataFrame(columns=["file", "line", "platform", "reason", "raw"])


def frame(kind, rows: list[dict[str, str]]) -> pd.DataFrame:
    keys = [f.key for f in kind.fields]
    out = pd.DataFrame([{k: r.get(k, "") for k in keys} for r in rows], columns=keys, dtype="str")
    return out.assign(file="登记.csv", line=range(2, len(rows) + 2), platform="")


def application(applicant: str, received: str, closed: str = "", result: str = "", id: str = ""):
    return {
        "id": id,
        "applicant": applicant,
        "received": received,
        "closed": closed,
        "result": result,
    }


def test_files_are_told_apart_by_their_names() -> None:
    assert kind_of(Path("依申请公开登记2023.xlsx"))[0] is APPLICATIONS
    assert kind_of(Path("2023/申请登记表.csv"))[0] is APPLICATIONS
    assert kind_of(Path("行政复议诉讼登记.csv"))[0] is APPEALS
    assert kind_of(Path("规范性文件登记.csv"))[0] is DOCUMENTS


def test_applications_by_the_year_they_belong_to() -> None:
    rows = frame(
        APPLICATIONS,
        [
            application("公民", "2022-03-01", "2022-03-10", "予以公开"),  # closed before Y
            application("公民", "2022-12-20", "2023-01-05", "予以公开"),  # 二, then 三
            application("企业", "2022-12-28"),  # 二 and 四
            application("律师事务所", "2023-05-01", "2023-05-09", "不予公开-属于国家秘密"),
            application("科研机构", "2023-12-30", "2024-01-03", "部分公开"),  # 一 and 四
            application("其他", "2024-01-02", "2024-01-03", "予以公开"),  # after Y
        ],
    )
    found = count_applications(rows, NO_BAD, Period.year(2023))
    c = found.counts
    assert c.loc[apps.NEW].to_dict() == {
        **dict.fromkeys(apps.COLUMNS, 0),
        "法律服务机构": 1,
        "科研机构": 1,
        "总计": 2,
    }
    assert c.loc[apps.CARRIED, ["自然人", "商业企业", "总计"]].tolist() == [1, 1, 2]
    assert c.loc["予以公开", ["自然人", "总计"]].tolist() == [1, 1]
    assert c.loc["属于国家秘密", ["法律服务机构", "总计"]].tolist() == [1, 1]
    assert c.loc["部分公开", "总计"] == 0  # (closed in 2024)
    assert c.loc[apps.TOTAL, "总计"] == 2
    assert c.loc[apps.OPEN, ["商业企业", "科研机构", "总计"]].tolist() == [1, 1, 2]
    t = found.totals
    assert (t.rows_read, t.rejected, t.out_of_period, t.duplicates, t.cases) == (6, 0, 2, 0, 4)
    assert t.balanced


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (application("", "2023-01-01"), apps.REASON_NO_APPLICANT),
        (application("学生", "2023-01-01"), apps.REASON_APPLICANT),
        (application("公民", ""), "收到日期为空"),
        (application("公民", "去年"), "收到日期无法识别"),
        (application("公民", "2023-02-01", "2023-01-01", "予以公开"), "办结日期早于收到日期"),
        (application("公民", "2023-02-01", "某天", "予以公开"), "办结日期无法识别"),
        (application("公民", "2023-02-01", "", "予以公开"), apps.REASON_RESULT_OPEN),
        (application("公民", "2023-02-01", "2023-02-03"), apps.REASON_CLOSED_NO_RESULT),
        (application("公民", "2023-02-01", "2023-02-03", "不予公开"), apps.REASON_GROUP_ONLY),
        (application("公民", "2023-02-01", "2023-02-03", "同意"), apps.REASON_RESULT),
        (application("公民", "2023-02-01", "2023-02-03", "无法提供-重复申请"), apps.REASON_RESULT),
    ],
)
def test_an_application_that_cannot_be_counted_is_rejected_with_its_reason(row, reason) -> None:
    found = count_applications(frame(APPLICATIONS, [row]), NO_BAD, Period.year(2023))
    assert found.rejects["reason"].tolist() == [reason]
    assert found.totals.cases == 0 and found.totals.balanced


def test_results_as_clerks_write_them() -> None:
    assert result_of("（二）部分公开（区分处理的，只计这一情形，不计其他情形）") == "部分公开"
    assert result_of("不予公开－3.危及“三安全一稳定”") == "危及“三安全一稳定”"
    assert result_of("四、无法提供 / 1．本机关不掌握相关政府信息") == "本机关不掌握相关政府信息"
    assert result_of("其他") == "其他"
    assert result_of("其他处理") == apps.GROUP_ONLY
    assert result_of("不予处理-属于国家秘密") == ""  # (the item of another group)
    assert result_of("不予公开（属于国家秘密）") == "属于国家秘密"  # (the item in brackets)
    assert result_of("无法提供（属于国家秘密）") == ""
    assert result_of("其他处理-其它") == result_of("其它") == "其他"
    assert {result_of(label) for label in apps.RESULT_LABELS} == set(apps.RESULT_LABELS)


def test_parties_routes_and_kinds_as_clerks_write_them() -> None:
    assert apps.applicant_of("法人或其他组织（商业企业）") == "商业企业"
    assert apps.applicant_of("法人或其他组织（学生）") == ""
    assert ap.route_of("未经行政复议直接起诉") == ap.DIRECT
    assert ap.route_of("经行政复议后起诉") == ap.AFTER_REVIEW
    assert ap.case_of("诉讼案件") == ap.LAWSUIT and ap.outcome_of("变更") == "结果纠正"
    assert ap.outcome_of("驳回") == ""  # (the office's rule decides: the reason says so)
    assert "驳回" in ap.REASON_OUTCOME
    assert doc_kind_of("地方政府规章") == "规章"
    assert apps.applicant_of("某某有限公司") == "" and apps.applicant_of("有限公司") == "商业企业"
    assert apps.applicant_of("律师") == "法律服务机构"
    for said, meant in (
        ("同意公开", "予以公开"),
        ("政府信息不存在", "本机关不掌握相关政府信息"),
        ("逾期不补正", "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
        ("申请人撤回申请", "其他"),
        ("国家秘密", "属于国家秘密"),
    ):
        assert result_of(said) == meant, said


def test_a_register_called_a_ledger_is_read_as_one() -> None:
    assert kind_of(Path("2023年政府信息公开申请台账.xlsx"))[0] is APPLICATIONS


def test_one_id_on_two_rows_is_one_application() -> None:
    rows = frame(
        APPLICATIONS,
        [
            application("公民", "2023-01-02", "2023-01-09", "予以公开", id="A-1"),
            application("公民", "2023-01-02", "2023-01-09", "予以公开", id=" a-1 "),
            application("公民", "2023-01-03", id="A-2"),
        ],
    )
    found = count_applications(rows, NO_BAD, Period.year(2023))
    assert found.totals.duplicates == 1 and found.totals.cases == 2
    assert found.repeated_ids == {"A-1": 2}


def test_last_years_open_copy_and_this_years_closed_copy_are_one_closed_application() -> None:
    rows = frame(
        APPLICATIONS,
        [
            application("公民", "2022-12-20", id="B1"),  # (last year's register: open)
            application("公民", "2022-12-20", "2023-01-10", "予以公开", id="B1"),  # (this year's)
            application("企业", "2022-12-21", id="B2"),
            application("企业", "2022-12-21", id="B2"),
        ],
    )
    for order in (rows, rows.iloc[[1, 0, 2, 3]]):
        found = count_applications(order, NO_BAD, Period.year(2023))
        assert found.counts.loc["予以公开", "自然人"] == 1
        assert found.counts.loc[apps.OPEN, "总计"] == 1  # (B2 only)
        assert found.counts.loc[apps.CARRIED, "总计"] == 2
        assert found.repeated_ids == {"B1": 2, "B2": 2} and found.conflicts == {}


def test_a_field_typed_on_one_copy_only_is_the_cases() -> None:
    rows = frame(
        APPLICATIONS,
        [
            application("企业", "2022-12-20", id="B1"),  # (last year's register: open)
            application(
                "", "2022年12月20日", "2023-01-10", "予以公开", id="B1"
            ),  # (type not retyped)
        ],
    )
    rows["content"] = ["招生计划", "2023年招生计划"]  # (free text may differ between copies)
    found = count_applications(rows, NO_BAD, Period.year(2023))
    assert found.counts.loc["予以公开", "商业企业"] == 1
    assert found.counts.loc[apps.OPEN, "总计"] == 0 and found.totals.rejected == 0


def test_a_case_with_an_invalid_copy_is_not_counted_from_its_other_copies() -> None:
    rows = frame(
        APPLICATIONS,
        [
            application("企业", "2022-12-20", id="A5"),
            application("企业", "2022-12-20", "2023-13-01", "予以公开", id="A5"),
        ],
    )
    found = count_applications(rows, NO_BAD, Period.year(2023))
    assert found.totals.cases == 0 and found.totals.rejected == 2
    assert reg.REASON_COPY_INVALID in found.rejects["reason"].tolist()


def test_rows_without_ids_from_several_registers_are_warned_about() -> None:
    rows = frame(
        APPLICATIONS,
        [
            application("公民", "2022-12-20"),
            application("公民", "2022-12-20", "2023-01-10", "予以公开"),
        ],
    )
    rows["file"] = ["依申请公开登记_2022.csv", "依申请公开登记_2023.csv"]
    found = count_applications(rows, NO_BAD, Period.year(2023))
    said = notes.register("依申请公开登记", "申请", "表三", "件")(found)
    assert any("2 个文件，其中 2 行没有编号" in n for n in said)
    one_file = count_applications(rows.assign(file="登记.csv"), NO_BAD, Period.year(2023))
    assert not any("没有编号" in n for n in notes.register("x", "申请", "表三", "件")(one_file))


def test_placeholder_ids_are_no_ids() -> None:
    rows = frame(
        APPLICATIONS,
        [
            application("公民", "2023-01-05", "2023-01-09", "予以公开", id="/"),
            application("公民", "2023-01-05", id="/"),
            application("公民", "2023-01-06", id="无"),
            application("公民", "2023-01-06", id="无编号"),
            application("公民", "2023-01-06", id="（无）"),
            application("公民", "2023-01-06", id="0"),
            application("公民", "2023-01-06", id="00"),
        ],
    )
    found = count_applications(rows, NO_BAD, Period.year(2023))
    assert found.totals.cases == 7 and found.repeated_ids == {}


def test_one_number_on_two_documents_with_different_titles_is_not_one_document() -> None:
    rows = frame(
        DOCUMENTS,
        [
            {"number": "孝教规〔2021〕1号", "title": "关于甲的通知", "doc_kind": "规范性文件",
             "issued": "2021-03-01"},
            {"number": "孝教规〔2021〕01号", "title": "关于乙的通知", "doc_kind": "规范性文件",
             "issued": "2021-03-01", "repealed": "2023-06-30"},
            {"number": "孝教规〔2021〕2号", "title": "关于丙的通知", "doc_kind": "规范性文件",
             "issued": "2021-04-01"},
            {"number": "孝教规〔2021〕2号", "title": "关于丙的 通知", "doc_kind": "规范性文件",
             "issued": "2021-04-01", "repealed": "2023-07-01"},
        ],
    )  # fmt: skip
    found = count_documents(rows, NO_BAD, Period.year(2023))
    assert list(found.conflicts) == ["孝教规〔2021〕1号"]
    assert found.conflicts["孝教规〔2021〕1号"]["文件名称"] == ("关于甲的通知", "关于乙的通知")
    assert found.counts.loc["行政规范性文件"].tolist() == [0, 1, 0]  # (丙: one, repealed)


def test_copies_of_one_id_that_disagree_are_rejected_with_what_they_say() -> None:
    rows = frame(
        APPLICATIONS,
        [
            application("公民", "2023-01-05", "2023-01-10", "予以公开", id="C1"),
            application("公民", "2023-01-05", "2023-01-12", "（二）部分公开", id="C1"),
            application("公民", "2023-01-06", id="C2"),
        ],
    )
    found = count_applications(rows, NO_BAD, Period.year(2023))
    assert found.conflicts == {
        "C1": {"办结日期": ("2023-01-10", "2023-01-12"), "办理结果": ("予以公开", "（二）部分公开")}
    }
    assert found.rejects["reason"].tolist() == [reg.REASON_CONFLICT] * 2
    t = found.totals
    assert (t.rejected, t.duplicates, t.cases) == (2, 0, 1) and t.balanced
    note = notes.register("依申请公开登记", "申请", "表三", "件")(found)
    assert any("「C1」办结日期写了 2023-01-10、2023-01-12" in n for n in note)


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("2023-1-12", "2023-11-2", False),
        ("孝教规〔2023〕1号", "孝教规〔202〕31号", False),
        ("孝教规〔2023〕1号", "孝教规[2023]1号", True),
        ("孝教规〔2023〕1号", " 孝教规（2023）1号", True),
        ("K1", "ｋ１", True),
        ("孝教规〔2021〕1号", "孝教规〔2021〕1", True),
        ("孝教规〔2021〕02号", "孝教规〔2021〕2号", True),
        ("孝教规〔2021〕12号", "孝教规〔2021〕2号", False),
        ("〔2021〕3.05号", "〔2021〕3.5号", False),
        ("A5號", "a5", True),
        ("A 1", "A1", True),
    ],
)
def test_ids_are_the_same_only_when_written_the_same(first: str, second: str, same: bool) -> None:
    assert (reg.case_key(first) == reg.case_key(second)) is same
    rows = frame(
        APPLICATIONS,
        [
            application("公民", "2023-01-05", id=first),
            application("企业", "2023-11-05", id=second),
        ],
    )
    found = count_applications(rows, NO_BAD, Period.year(2023))
    assert found.totals.cases == (0 if same else 2)  # (same: two copies that disagree)
    assert bool(found.conflicts) is same


def test_a_register_without_a_column_for_when_cases_end_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "依申请公开登记.csv").write_text(
        "编号,申请人类型,收到日期,完结日期,办理结果\n1,公民,2023-01-05,2023-01-09,予以公开\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="找不到办结日期列（没有这一列就无法知道哪些申请已办结"):
        run(RunConfig((tmp_path,), period=Period.year(2023)))


def test_long_numeric_ids_excel_rounded_are_not_merged_silently(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["申请编号", "申请人类型", "收到日期", "办结日期", "办理结果"])
    sheet.append([12345678901234567890, "公民", "2023-01-05", "2023-01-09", "予以公开"])
    sheet.append([12345678901234567891, "企业", "2023-02-05", "", ""])
    book.save(tmp_path / "依申请公开登记.xlsx")
    result = run(RunConfig((tmp_path,), period=Period.year(2023)))
    found = result.counted["applications"]
    assert list(found.conflicts) == ["12345678901234600000"]  # (as Excel shows it)
    assert found.totals.rejected == 2
    assert any("只保留 15 位有效数字" in n for n in result.warnings)


def test_rejected_register_rows_show_their_own_fields(tmp_path: Path) -> None:
    (tmp_path / "依申请公开登记.csv").write_text(
        "编号,申请人类型,收到日期,办结日期,办理结果,申请内容\n"
        "1,学生,2023-01-05,2023-01-09,予以公开,招生计划\n",
        encoding="utf-8",
    )
    result = run(RunConfig((tmp_path,), period=Period.year(2023)))
    table = rejects_table(result)
    (row,) = table.rows
    cells = dict(zip([c.label for c in table.columns], row.values, strict=True))
    assert cells["平台"] == "依申请公开登记" and cells["标题"] is None
    assert cells["原始行"] == (
        "编号：1；申请人类型：学生；收到日期：2023-01-05；办结日期：2023-01-09；"
        "办理结果：予以公开；申请内容：招生计划"
    )


def test_appeals_take_their_outcome_at_the_end_of_the_year() -> None:
    rows = frame(
        APPEALS,
        [
            {
                "case": "行政复议",
                "received": "2023-02-01",
                "concluded": "2023-03-01",
                "outcome": "撤销",
            },
            {
                "case": "复议",
                "received": "2022-11-01",
                "concluded": "2023-01-10",
                "outcome": "维持",
            },
            {
                "case": "行政诉讼",
                "route": "是",
                "received": "2023-06-01",
                "concluded": "2024-02-01",
                "outcome": "维持",
            },
            {
                "case": "行政诉讼",
                "route": "直接起诉",
                "received": "2023-06-01",
                "concluded": "2023-09-01",
                "outcome": "其他",
            },
            {"case": "行政诉讼", "received": "2023-06-01"},  # (no route: rejected)
            {
                "case": "行政复议",
                "received": "2022-01-01",
                "concluded": "2022-02-01",
                "outcome": "维持",
            },
        ],
    )
    found = count_appeals(rows, NO_BAD, Period.year(2023))
    c = found.counts
    assert c.loc["行政复议"].tolist() == [1, 1, 0, 0, 2]
    assert c.loc["行政诉讼/复议后起诉"].tolist() == [0, 0, 0, 1, 1]
    assert c.loc["行政诉讼/未经复议直接起诉"].tolist() == [0, 0, 1, 0, 1]
    assert found.rejects["reason"].tolist() == [ap.REASON_ROUTE]
    assert found.totals.out_of_period == 1 and found.totals.balanced


def test_documents_issued_repealed_and_in_force() -> None:
    rows = frame(
        DOCUMENTS,
        [
            {"number": "1号", "doc_kind": "规范性文件", "issued": "2019-01-01"},
            {
                "number": "2号",
                "doc_kind": "行政规范性文件",
                "issued": "2020-01-01",
                "repealed": "2023-05-01",
            },
            {"number": "3号", "doc_kind": "规章", "issued": "2023-04-01"},
            {"number": "4号", "doc_kind": "规章", "issued": "2017-04-01", "repealed": "2019-01-01"},
            {"number": "5号", "doc_kind": "通知", "issued": "2023-04-01"},
        ],
    )
    found = count_documents(rows, NO_BAD, Period.year(2023))
    assert found.counts.loc["行政规范性文件"].tolist() == [0, 1, 1]
    assert found.counts.loc["规章"].tolist() == [1, 0, 1]
    assert found.totals.rejected == 1 and found.totals.out_of_period == 1


# --- every rule holds on tables made from any register --------------------------------------

DAY0 = date(2022, 1, 1)
applicant_words = st.sampled_from(
    ["公民", "企业", "科研机构", "公益组织", "律所", "其他", "学生", ""]
)
results = st.sampled_from([*apps.RESULT_LABELS, "不予公开", "同意", ""])


@st.composite
def registers(draw):
    rows = []
    for _ in range(draw(st.integers(0, 40))):
        received = DAY0 + timedelta(days=draw(st.integers(0, 1100)))
        closed = received + timedelta(days=draw(st.integers(-3, 400)))
        closes = draw(st.booleans())
        rows.append(
            application(
                draw(applicant_words),
                received.isoformat() if draw(st.integers(0, 20)) else "",
                closed.isoformat() if closes else "",
                draw(results) if closes else "",
                id=str(draw(st.integers(0, 60))) if draw(st.booleans()) else "",
            )
        )
    return frame(APPLICATIONS, rows)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(registers(), st.integers(2022, 2024))
def test_tables_from_any_register_keep_every_rule(rows: pd.DataFrame, year: int) -> None:
    found = count_applications(rows, NO_BAD, Period.year(year))
    assert found.totals.balanced
    table = applications_table(_result({"applications": found}))
    assert rules.check({"applications": table.json()}) == []


def _result(counted):
    class Result:  # (what the official tables read of a run)
        pass

    r = Result()
    r.counted = counted
    return r


def test_the_appeals_table_keeps_its_rule() -> None:
    rows = frame(APPEALS, [{"case": "行政复议", "received": "2023-02-01"}])
    found = count_appeals(rows, NO_BAD, Period.year(2023))
    data = appeals_table(_result({"appeals": found})).json()
    assert data["行政复议"] == {
        "结果维持": 0,
        "结果纠正": 0,
        "其他结果": 0,
        "尚未审结": 1,
        "总计": 1,
    }
    assert rules.check({"appeals": data}) == []


def test_a_run_reads_registers_beside_exports(tmp_path: Path) -> None:
    (tmp_path / "依申请公开登记.csv").write_text(
        "编号,申请人类型,收到日期,办结日期,办理结果\n1,公民,2023-01-05,2023-01-09,予以公开\n",
        encoding="utf-8",
    )
    result = run(RunConfig((tmp_path,), period=Period.year(2023)))
    assert result.counted["applications"].counts.at["予以公开", "自然人"] == 1
