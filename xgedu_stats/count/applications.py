"""Applications for disclosure (依申请公开) to table 三 of the 2021 national format,
收到和处理政府信息公开申请情况: applications by applicant type and, for those closed, by
result.

For a period (a reporting year Y): 一 = received in Y; 二 = received before Y and not
closed before Y; 三 = closed in Y, by result, whenever received; 四 = received by the end
of Y and not closed by then. So in every column 一 + 二 = （七）总计 + 四.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from xgedu_stats.config import Period, word_key
from xgedu_stats.count import registers
from xgedu_stats.count.registers import Cases, Check
from xgedu_stats.read.kinds import APPLICATIONS


@dataclass(frozen=True)
class Line:
    """A row of table 三: its label without numbering or note (as JSON names it), as
    printed, its enclosing row, and whether it is a heading with no figures of its own."""

    label: str
    printed: str
    parent: str | None = None
    heading: bool = False


RESULTS = "本年度办理结果"
NEW = "本年新收政府信息公开申请数量"
CARRIED = "上年结转政府信息公开申请数量"
TOTAL = "总计"
OPEN = "结转下年度继续办理"

#: The result groups of table 三 and their items (a group without items is a result itself).
RESULT_GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("予以公开", "（一）予以公开", ()),
    ("部分公开", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ()),
    (
        "不予公开",
        "（三）不予公开",
        (
            "属于国家秘密",
            "其他法律行政法规禁止公开",
            "危及“三安全一稳定”",
            "保护第三方合法权益",
            "属于三类内部事务信息",
            "属于四类过程性信息",
            "属于行政执法案卷",
            "属于行政查询事项",
        ),
    ),
    (
        "无法提供",
        "（四）无法提供",
        ("本机关不掌握相关政府信息", "没有现成信息需要另行制作", "补正后申请内容仍不明确"),
    ),
    (
        "不予处理",
        "（五）不予处理",
        (
            "信访举报投诉类申请",
            "重复申请",
            "要求提供公开出版物",
            "无正当理由大量反复申请",
            "要求行政机关确认或重新出具已获取信息",
        ),
    ),
    (
        "其他处理",
        "（六）其他处理",
        (
            "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            "其他",
        ),
    ),
)


def _lines() -> tuple[Line, ...]:
    out = [
        Line(NEW, "一、" + NEW),
        Line(CARRIED, "二、" + CARRIED),
        Line(RESULTS, "三、" + RESULTS, heading=True),
    ]
    for group, printed, items in RESULT_GROUPS:
        out.append(Line(group, printed, RESULTS, heading=bool(items)))
        out += [Line(item, f"{n}.{item}", group) for n, item in enumerate(items, start=1)]
    out += [Line(TOTAL, "（七）" + TOTAL, RESULTS), Line(OPEN, "四、" + OPEN)]
    return tuple(out)


#: Every row of table 三, top to bottom, headings included.
LINES: tuple[Line, ...] = _lines()
#: The rows with figures (JSON's rows), top to bottom.
DATA_LINES: tuple[Line, ...] = tuple(line for line in LINES if not line.heading)
#: The results a register may give (the rows under 三 with figures, but not 总计).
RESULT_LABELS: tuple[str, ...] = tuple(
    line.label for line in DATA_LINES if line.parent is not None and line.label != TOTAL
)

#: The applicant columns (法人或其他组织 over the five after 自然人), then 总计.
APPLICANTS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
COLUMNS = (*APPLICANTS, TOTAL)
LEGAL_PERSONS = "法人或其他组织"

APPLICANT_WORDS: dict[str, tuple[str, ...]] = {
    "自然人": ("自然人", "公民", "个人"),
    "商业企业": ("商业企业", "企业", "公司", "有限公司", "有限责任公司", "股份有限公司"),
    "科研机构": ("科研机构", "科研单位"),
    "社会公益组织": ("社会公益组织", "公益组织"),
    "法律服务机构": ("法律服务机构", "律师事务所", "律所", "律师"),
    "其他": ("其他", "其它", "其他组织"),
}
_APPLICANT_OF = registers.lookup(APPLICANT_WORDS)

_GROUPS = {word_key(g): g for g, _, items in RESULT_GROUPS if items}
_ITEMS = {
    word_key(item): (group, item)
    for group, _, items in RESULT_GROUPS
    for item in (items or (group,))
} | {
    word_key(alias): next(
        (g, i) for g, _, items in RESULT_GROUPS for i in items or (g,) if i == item
    )
    for item, aliases in {
        "予以公开": ("同意公开", "公开"),
        "属于国家秘密": ("国家秘密",),
        "属于三类内部事务信息": ("内部事务信息", "内部事务"),
        "属于四类过程性信息": ("过程性信息",),
        "属于行政执法案卷": ("行政执法案卷",),
        "属于行政查询事项": ("行政查询事项",),
        "本机关不掌握相关政府信息": (
            "本机关不掌握",
            "信息不存在",
            "政府信息不存在",
            "非本机关掌握",
            "不掌握相关政府信息",
        ),
        "保护第三方合法权益": ("第三方合法权益",),
        "没有现成信息需要另行制作": ("需另行制作", "需要另行制作", "没有现成信息"),
        "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请": (
            "逾期不补正",
            "申请人逾期不补正",
        ),
        "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请": (
            "逾期未缴纳费用",
            "逾期不缴费",
            "逾期未缴费",
        ),
        "其他": ("其它", "申请人撤回申请", "撤回申请", "撤回"),
    }.items()
    for alias in aliases
}
_SEPARATOR = re.compile(r"\s*[-—–－/／:：>＞]+\s*")

REASON_APPLICANT = (
    "申请人类型无法识别（应为自然人、商业企业、科研机构、社会公益组织、法律服务机构或其他）"
)
REASON_NO_APPLICANT = "申请人类型为空"
REASON_RESULT = "办理结果无法识别（应为表三中的一项，如 予以公开、不予公开-属于国家秘密）"
REASON_GROUP_ONLY = "办理结果只写了大类（不予公开、无法提供、不予处理、其他处理须写明是哪一项）"
REASON_RESULT_OPEN = "有办理结果但没有办结日期"
REASON_CLOSED_NO_RESULT = "有办结日期但没有办理结果"

GROUP_ONLY = "\0group"  # (what ``result_of`` returns for a group named without its item)


def applicant_of(value: str) -> str:
    """The applicant column a cell names ("" when none).

    >>> applicant_of("公民"), applicant_of("法人或其他组织—律师事务所"), applicant_of("学生")
    ('自然人', '法律服务机构', '')
    >>> applicant_of("法人或其他组织（商业企业）")
    '商业企业'
    """
    named = _named_within(value, LEGAL_PERSONS)  # (法人或其他组织（商业企业）)
    key = registers.label_key(named if named is not None else value)
    if key.startswith(LEGAL_PERSONS) and key != LEGAL_PERSONS:
        key = key[len(LEGAL_PERSONS) :]
    return _APPLICANT_OF.get(key, "")


_BRACKETED = re.compile(r"^(.*?)\s*[（(]\s*([^（）()]+?)\s*[)）]\s*$")


def _named_within(value: str, outer: str) -> str | None:
    """The part in brackets when the text before them is ``outer``: 法人或其他组织（商业企业）
    names 商业企业."""
    found = _BRACKETED.match(unicodedata.normalize("NFKC", value).strip())
    if found is None or registers.label_key(found.group(1)) != outer:
        return None
    return found.group(2)


def result_of(value: str) -> str:
    """The result a cell names: a label of ``RESULT_LABELS``, ``GROUP_ONLY`` for a group
    named without its item, or "" when it names none. Numbering and the official notes in
    brackets are ignored; ``大类-小类`` names both (the item must be the group's).

    >>> result_of("（二）部分公开"), result_of("不予公开-1.属于国家秘密"), result_of("其他处理－其他")
    ('部分公开', '属于国家秘密', '其他')
    >>> result_of("不予公开") == GROUP_ONLY, result_of("无法提供-重复申请")
    (True, '')
    >>> result_of("不予公开（属于国家秘密）"), result_of("其他处理-其它")
    ('属于国家秘密', '其他')
    """
    text = unicodedata.normalize("NFKC", value).strip()
    parts = [p for p in _SEPARATOR.split(text) if p.strip()]
    if len(parts) == 2:
        group = _GROUPS.get(registers.label_key(parts[0]))
        found = _ITEMS.get(registers.label_key(parts[1]))
        if group is None or found is None or found[0] != group:
            return ""
        return found[1]
    bracketed = _BRACKETED.match(text)  # (不予公开（属于国家秘密）: the item in brackets)
    if bracketed is not None:
        group = _GROUPS.get(registers.label_key(bracketed.group(1)))
        found = _ITEMS.get(registers.label_key(bracketed.group(2)))
        if group is not None and found is not None:
            return found[1] if found[0] == group else ""  # (an item of another group)
    key = registers.label_key(text)
    if key in _GROUPS:
        return GROUP_ONLY
    found = _ITEMS.get(key)
    return found[1] if found else ""


#: Table 三's figures for one period: ``counts`` indexed by the labels of ``DATA_LINES``,
#: columns ``COLUMNS``; ``cases`` with ``applicant`` and ``result``.
Applications = registers.Tally


LAYOUT = registers.Layout("id", "received", "closed", ("applicant", "result"))


def count_applications(rows: pd.DataFrame, malformed: pd.DataFrame, period: Period) -> Applications:
    """Table 三 for ``period`` from the rows of applications registers (``file``, ``line``
    and the fields of ``read.kinds.APPLICATIONS`` as strings)."""
    found = registers.read_cases(rows, malformed, APPLICATIONS, period, LAYOUT, _sorted)
    return registers.tally(found, _counts(found, period))


def _sorted(given: pd.DataFrame) -> tuple[dict[str, np.ndarray], list[Check]]:
    applicant = registers.per_value(given["applicant"], applicant_of)
    result = registers.per_value(given["result"], result_of)
    result_blank = registers.blank(given["result"])
    checks = [
        Check(REASON_NO_APPLICANT, registers.blank(given["applicant"])),
        Check(REASON_APPLICANT, applicant == ""),  # (after blank: blank is its own reason)
        Check(REASON_GROUP_ONLY, result == GROUP_ONLY),
        Check(REASON_RESULT, ~result_blank & (result == "")),
        *registers.ended_with(
            given["result"], given["closed"], (REASON_RESULT_OPEN, REASON_CLOSED_NO_RESULT)
        ),
    ]
    return {"applicant": applicant, "result": result}, checks


def _counts(found: Cases, period: Period) -> pd.DataFrame:
    cases = found.cases
    new = registers.began_within(cases, period)
    closed = registers.ended_within(cases, period)
    still_open = ~registers.ended_by(cases, period)
    applicant = cases["applicant"]
    counts = pd.DataFrame(0, index=[line.label for line in DATA_LINES], columns=list(COLUMNS))
    counts.loc[NEW, list(APPLICANTS)] = _by_applicant(applicant[new])
    counts.loc[CARRIED, list(APPLICANTS)] = _by_applicant(applicant[~new])
    counts.loc[OPEN, list(APPLICANTS)] = _by_applicant(applicant[still_open])
    done = cases[closed]
    by_result = pd.crosstab(done["result"], done["applicant"])
    counts.loc[list(RESULT_LABELS), list(APPLICANTS)] = by_result.reindex(
        index=list(RESULT_LABELS), columns=list(APPLICANTS), fill_value=0
    ).to_numpy()
    counts.loc[TOTAL, list(APPLICANTS)] = _by_applicant(done["applicant"])
    counts[TOTAL] = counts[list(APPLICANTS)].sum(axis=1)
    return counts


def _by_applicant(applicant: pd.Series) -> list[int]:
    counted = applicant.value_counts()
    return [int(counted.get(a, 0)) for a in APPLICANTS]
