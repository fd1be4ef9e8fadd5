"""Administrative reviews and lawsuits about disclosure (复议、诉讼) to table 四 of the 2021
national format: one row of fifteen numbers — 行政复议, and 行政诉讼 未经复议直接起诉 and
复议后起诉, each by outcome (结果维持, 结果纠正, 其他结果, 尚未审结) and 总计.

A case counts in a period when received in it, or received earlier and not concluded
before it; its outcome is the one it had at the period's end (not concluded by then:
尚未审结).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from xgedu_stats.config import Period
from xgedu_stats.count import registers
from xgedu_stats.count.registers import Check
from xgedu_stats.read.kinds import APPEALS

REVIEW = "行政复议"
LAWSUIT = "行政诉讼"
DIRECT = "未经复议直接起诉"
AFTER_REVIEW = "复议后起诉"
#: The five figures of each group, the last being the sum of the four before it.
OUTCOMES = ("结果维持", "结果纠正", "其他结果", "尚未审结")
TOTAL = "总计"
FIGURES = (*OUTCOMES, TOTAL)
#: The three groups of the row, in the official order: (case, route or "").
GROUPS: tuple[tuple[str, str], ...] = ((REVIEW, ""), (LAWSUIT, DIRECT), (LAWSUIT, AFTER_REVIEW))

_CASE_WORDS = {
    REVIEW: ("行政复议", "复议", "行政复议案件", "复议案件"),
    LAWSUIT: ("行政诉讼", "诉讼", "起诉", "行政诉讼案件", "诉讼案件"),
}
_ROUTE_WORDS = {
    DIRECT: ("未经复议直接起诉", "未经行政复议直接起诉", "直接起诉", "未经复议", "否"),
    AFTER_REVIEW: (
        "复议后起诉",
        "经复议后起诉",
        "行政复议后起诉",
        "经行政复议后起诉",
        "经复议",
        "是",
    ),
}
_OUTCOME_WORDS = {
    "结果维持": ("结果维持", "维持"),
    "结果纠正": ("结果纠正", "纠正", "撤销", "变更", "确认违法", "责令履行"),
    "其他结果": ("其他结果", "其他", "其它"),
}


_CASE_OF, _ROUTE_OF, _OUTCOME_OF = map(
    registers.lookup, (_CASE_WORDS, _ROUTE_WORDS, _OUTCOME_WORDS)
)

REASON_NO_CASE = "类型为空"
REASON_CASE = "类型无法识别（应为行政复议或行政诉讼）"
REASON_ROUTE = "行政诉讼没有写明起诉方式（未经复议直接起诉或复议后起诉）"
REASON_OUTCOME = (
    "结果无法识别（应为维持、纠正（撤销、变更、确认违法、责令履行）或其他；"
    "驳回、撤诉、终止等请按本机关的统计口径写成维持或其他）"
)
REASON_OUTCOME_OPEN = "有结果但没有审结日期"
REASON_CONCLUDED_NO_OUTCOME = "有审结日期但没有结果"


def case_of(value: str) -> str:
    """行政复议 or 行政诉讼 ("" when a cell names neither).

    >>> case_of("复议"), case_of(" 行政诉讼案件 "), case_of("信访")
    ('行政复议', '行政诉讼', '')
    """
    return _CASE_OF.get(registers.label_key(value), "")


def route_of(value: str) -> str:
    """How a lawsuit came to court ("" when not said).

    >>> route_of("经复议"), route_of("否"), route_of("")
    ('复议后起诉', '未经复议直接起诉', '')
    """
    return _ROUTE_OF.get(registers.label_key(value), "")


def outcome_of(value: str) -> str:
    """The outcome column a concluded case goes in ("" when a cell names none).

    >>> outcome_of("撤销"), outcome_of("维持"), outcome_of("驳回")
    ('结果纠正', '结果维持', '')
    """
    return _OUTCOME_OF.get(registers.label_key(value), "")


#: Table 四's fifteen figures for one period: ``counts`` indexed by ``GROUPS`` as
#: ``"行政复议"``, ``"行政诉讼/未经复议直接起诉"`` …, columns ``FIGURES``.
Appeals = registers.Tally


def group_key(case: str, route: str) -> str:
    return case if not route else f"{case}/{route}"


LAYOUT = registers.Layout("id", "received", "concluded", ("case", "route", "outcome"))


def count_appeals(rows: pd.DataFrame, malformed: pd.DataFrame, period: Period) -> Appeals:
    """Table 四 for ``period`` from the rows of appeals registers."""
    found = registers.read_cases(rows, malformed, APPEALS, period, LAYOUT, _sorted)
    cases = found.cases
    concluded = registers.ended_by(cases, period)
    column = cases["outcome"].where(concluded, "尚未审结")
    group = [group_key(c, r) for c, r in zip(cases["case"], cases["route"], strict=True)]
    counts = pd.crosstab(pd.Series(group, dtype=object), column.to_numpy(dtype=object))
    counts = counts.reindex(
        index=[group_key(c, r) for c, r in GROUPS], columns=list(OUTCOMES), fill_value=0
    )
    counts[TOTAL] = counts[list(OUTCOMES)].sum(axis=1)
    return registers.tally(found, counts)


def _sorted(given: pd.DataFrame) -> tuple[dict[str, np.ndarray], list[Check]]:
    case = registers.per_value(given["case"], case_of)
    route = registers.per_value(given["route"], route_of)
    route[case != LAWSUIT] = ""  # (a review has no route; a 否 in its cell says nothing)
    outcome = registers.per_value(given["outcome"], outcome_of)
    checks = [
        Check(REASON_NO_CASE, registers.blank(given["case"])),
        Check(REASON_CASE, case == ""),
        Check(REASON_ROUTE, (case == LAWSUIT) & (route == "")),
        Check(REASON_OUTCOME, ~registers.blank(given["outcome"]) & (outcome == "")),
        *registers.ended_with(
            given["outcome"], given["concluded"], (REASON_OUTCOME_OPEN, REASON_CONCLUDED_NO_OUTCOME)
        ),
    ]
    return {"case": case, "route": route, "outcome": outcome}, checks
