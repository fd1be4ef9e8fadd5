"""The office's registers (登记表), one row per case, kept by hand in a spreadsheet a year:
applications for disclosure (依申请公开), administrative reviews and lawsuits (复议、诉讼),
and normative documents (规章、行政规范性文件). Their figures are made by
``count.applications``, ``count.appeals`` and ``count.documents`` and fill the official
tables (国办公开办函〔2021〕30号 tables 二, 三 and 四); they are never published items."""

from __future__ import annotations

from xgedu_stats.read.kinds.base import FieldSpec, Kind

# (a column a register must have though its cells are blank while a case is open)
_OPEN = "没有这一列就无法知道哪些{0}已{1}；尚未{1}的，这一列留空即可"

APPLICATIONS = Kind(
    name="applications",
    label="依申请公开登记",
    fields=(
        FieldSpec("id", "编号", ("编号", "申请编号", "登记编号", "受理编号")),
        FieldSpec(
            "applicant", "申请人类型", ("申请人类型", "申请人类别", "申请人性质"), required=True
        ),
        FieldSpec(
            "received",
            "收到日期",
            ("收到日期", "收到申请日期", "受理日期", "申请日期", "收到时间"),
            required=True,
        ),
        FieldSpec(
            "closed",
            "办结日期",
            ("办结日期", "答复日期", "办结时间", "答复时间", "完成日期"),
            required=True,
            missing=_OPEN.format("申请", "办结"),
        ),
        FieldSpec(
            "result",
            "办理结果",
            ("办理结果", "答复结果", "处理结果", "答复类型", "办理情况"),
            required=True,
            missing=_OPEN.format("申请", "办结"),
        ),
        FieldSpec("content", "申请内容", ("申请内容", "申请事项", "申请公开的信息", "所需信息")),
    ),
    words=("依申请", "申请登记", "申请台账", "公开申请"),
    platforms=False,
)

APPEALS = Kind(
    name="appeals",
    label="复议诉讼登记",
    fields=(
        FieldSpec("id", "编号", ("编号", "案号", "案件编号")),
        FieldSpec("case", "类型", ("类型", "案件类型", "案件类别"), required=True),
        FieldSpec("route", "起诉方式", ("起诉方式", "是否经复议")),
        FieldSpec(
            "received", "收到日期", ("收到日期", "立案日期", "受理日期", "收到时间"), required=True
        ),
        FieldSpec(
            "concluded",
            "审结日期",
            ("审结日期", "结案日期", "办结日期", "判决日期", "裁判日期", "决定日期"),
            required=True,
            missing=_OPEN.format("案件", "审结"),
        ),
        FieldSpec(
            "outcome",
            "结果",
            ("结果", "审理结果", "复议结果", "判决结果", "裁判结果", "复议决定"),
            required=True,
            missing=_OPEN.format("案件", "审结"),
        ),
        FieldSpec("subject", "案由", ("案由", "事由", "被复议事项")),
    ),
    words=("复议", "诉讼"),
    platforms=False,
)

DOCUMENTS = Kind(
    name="documents",
    label="规范性文件登记",
    fields=(
        FieldSpec("number", "文号", ("文号", "发文字号", "发文号")),
        FieldSpec("title", "文件名称", ("文件名称", "标题", "名称", "文件标题")),
        FieldSpec("doc_kind", "文件类型", ("文件类型", "类型", "文件种类"), required=True),
        FieldSpec(
            "issued", "印发日期", ("印发日期", "发文日期", "制发日期", "成文日期"), required=True
        ),
        FieldSpec(
            "repealed",
            "废止日期",
            ("废止日期", "失效日期", "废止时间", "停止执行日期"),
            required=True,
            missing="没有这一列就无法知道哪些文件已废止；都未废止的，这一列留空即可",
        ),
    ),
    words=("规范性文件登记", "文件登记", "发文登记", "文件台账"),
    platforms=False,
)
