"""Online messages: a mailbox or message-board export (局长信箱, 政民互动, 待办事项) — one row
per letter, with when it was received and when it was answered. Their figures are made by
``count.interactions``; they are never published items."""

from __future__ import annotations

from xgedu_stats.read.kinds.base import FieldSpec, Kind

INTERACTIONS = Kind(
    name="interactions",
    label="网上留言",
    fields=(
        FieldSpec("id", "编号", ("编号", "信件编号", "留言编号", "受理编号")),
        FieldSpec("type", "类型", ("类型", "留言类型", "来信类型", "诉求类型", "信件类型")),
        FieldSpec("title", "标题", ("标题", "留言标题", "信件标题", "主题")),
        FieldSpec(
            "received",
            "收到时间",
            ("来信时间", "留言时间", "受理时间", "提交时间", "收到时间"),
            required=True,
        ),
        FieldSpec("replied", "回复时间", ("回复时间", "答复时间", "办结时间")),
        FieldSpec("department", "回复部门", ("回复部门", "答复单位", "承办单位", "办理单位")),
        FieldSpec("status", "状态", ("状态", "办理状态")),
    ),
    words=("信箱", "留言", "互动", "诉求", "mailbox"),
    platforms=False,
)
