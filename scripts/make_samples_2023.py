"""Generate samples/2023: the registers of a made-up year in the 2021 national format —
41 applications for disclosure over 2022 and 2023 (three carried into 2023, three carried
out of it, every applicant type, every result group), six administrative reviews and
lawsuits of both routes, and five normative documents; and the year's figures file.

Written out case by case, not drawn at random, so that tests/test_samples_2023.py can state
each cell of tables 二, 三 and 四 as counted by hand from this file. Does not import
xgedu_stats. Run from the repository root: ``python scripts/make_samples_2023.py [FOLDER]``.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "samples" / "2023"

#: (applicant type as the clerk wrote it, result as written or "" while open), received in
#: 2023 in this order, about a week apart; the last three are still open at the end of 2023.
NEW_2023: list[tuple[str, str]] = [
    *[("自然人", "予以公开")] * 8,
    *[("公民", "（二）部分公开")] * 3,
    ("自然人", "不予公开-属于国家秘密"),
    ("自然人", "不予公开－5.属于三类内部事务信息"),
    *[("个人", "本机关不掌握相关政府信息")] * 4,
    ("自然人", "无法提供-没有现成信息需要另行制作"),
    *[("自然人", "1.信访举报投诉类申请")] * 2,
    ("自然人", "重复申请"),
    ("自然人", "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    *[("企业", "予以公开")] * 3,
    ("商业企业", "不予公开-保护第三方合法权益"),
    ("公司", "本机关不掌握相关政府信息"),
    ("商业企业", "其他处理-其他"),
    ("科研机构", "予以公开"),
    ("社会公益组织", "部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("律师事务所", "予以公开"),
    ("法律服务机构", "属于行政执法案卷"),
    ("法律服务机构", "不予处理-要求提供公开出版物"),
    ("其他", "补正后申请内容仍不明确"),
    ("自然人", ""),
    ("自然人", "予以公开"),  # (closed on 2024-01-08: open at the end of 2023)
    ("律师事务所", ""),
]


def applications() -> list[list[str]]:
    rows = [
        # Received in 2022: one closed that year, three carried into 2023.
        ["YSQ-2022-001", "自然人", "2022-03-14", "2022-04-02", "予以公开", "学区划分文件"],
        ["YSQ-2022-002", "自然人", "2022-12-12", "2023-01-09", "予以公开", "2022年招生计划"],
        [
            "YSQ-2022-003",
            "商业企业",
            "2022-12-19",
            "2023-01-16",
            "不予公开-属于国家秘密",
            "考试命题材料",
        ],
        [
            "YSQ-2022-004",
            "法律服务机构",
            "2022-12-26",
            "2023-02-03",
            "其他处理-其他",
            "某校处分决定",
        ],
    ]
    for n, (applicant, result) in enumerate(NEW_2023, start=1):
        month, day = divmod(n * 9, 30)
        received = f"2023-{min(month + 1, 12):02d}-{day % 28 + 1:02d}"
        if n > len(NEW_2023) - 3:
            received = f"2023-12-{n - len(NEW_2023) + 27:02d}"
        closed = "" if not result else received[:8] + f"{min(int(received[8:]) + 10, 28):02d}"
        if n == len(NEW_2023) - 1:
            closed = "2024-01-08"
        rows.append([f"YSQ-2023-{n:03d}", applicant, received, closed, result, f"申请事项{n}"])
    return rows


APPEALS = [
    ["FY-2023-1", "行政复议", "", "2023-03-06", "2023-05-04", "维持", "不予公开决定"],
    ["FY-2023-2", "行政复议", "", "2023-06-12", "2023-08-10", "撤销", "逾期未答复"],
    ["FY-2023-3", "行政复议", "", "2023-11-20", "", "", "告知书内容"],
    ["SS-2022-1", "行政诉讼", "直接起诉", "2022-02-08", "2022-06-30", "维持", "信息不存在告知"],
    ["SS-2022-2", "行政诉讼", "直接起诉", "2022-11-14", "2023-04-21", "维持", "不予公开决定"],
    [
        "SS-2023-1",
        "行政诉讼",
        "未经复议直接起诉",
        "2023-09-04",
        "2024-02-27",
        "维持",
        "部分公开决定",
    ],
    ["SS-2023-2", "行政诉讼", "复议后起诉", "2023-07-17", "2023-12-08", "其他", "原告撤诉"],
]

DOCUMENTS = [
    [
        "孝教规〔2018〕1号",
        "关于规范中小学办学行为的意见",
        "行政规范性文件",
        "2018-01-15",
        "2020-12-31",
    ],
    ["孝教规〔2019〕2号", "孝感市中小学学籍管理办法", "行政规范性文件", "2019-03-20", ""],
    ["孝教规〔2021〕1号", "孝感市民办学校年检办法", "行政规范性文件", "2021-05-10", "2023-06-30"],
    ["孝教规〔2023〕1号", "孝感市校外培训机构管理办法", "行政规范性文件", "2023-02-27", ""],
    ["孝教规〔2023〕2号", "孝感市学生资助资金管理办法", "规范性文件", "2023-09-18", ""],
]

FIGURES = """# xgedu-stats 数据文件：2023 年度报告表二（主动公开政府信息情况）中不能从导出文件和登记表算出的数字。
year = 2023

[article20]
"行政许可" = 56
"行政处罚" = 0
"行政强制" = 0
"行政事业性收费" = 0
"""


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))  # (as Excel saves a CSV)


def main(out: Path = OUT) -> None:
    out.mkdir(parents=True, exist_ok=True)
    write_csv(
        out / "依申请公开登记_2022-2023.csv",
        ["申请编号", "申请人类型", "收到申请日期", "答复日期", "办理结果", "申请内容"],
        applications(),
    )
    write_csv(
        out / "行政复议诉讼登记_2022-2023.csv",
        ["案号", "案件类型", "起诉方式", "收到日期", "审结日期", "结果", "案由"],
        APPEALS,
    )
    write_csv(
        out / "规范性文件登记.csv",
        ["文号", "文件名称", "文件类型", "印发日期", "废止日期"],
        DOCUMENTS,
    )
    (out / "数据-2023.toml").write_bytes(FIGURES.encode("utf-8"))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
