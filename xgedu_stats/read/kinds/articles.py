"""Published articles: what every export of a publishing platform is (the first kind:
a file of no other kind is one of these). Their rows become the report's items."""

from __future__ import annotations

from xgedu_stats.read.kinds.base import FieldSpec, Kind

ARTICLES = Kind(
    name="articles",
    label="发布信息",
    fields=(
        FieldSpec(
            "title",
            "标题",
            ("标题", "文章标题", "作品标题", "新闻标题", "title", "DOCTITLE"),
            required=True,
        ),
        FieldSpec(
            "date",
            "发布时间",
            (
                "发布时间",
                "发布日期",
                "日期",
                "时间",
                "publish_time",
                "publish_date",
                "date",
                "DOCPUBTIME",
            ),
            required=True,
        ),
        FieldSpec(
            "channel",
            "栏目",
            ("栏目", "所属栏目", "频道", "分类", "信息分类", "channel", "category", "DOCCHANNEL"),
        ),
        FieldSpec("url", "链接", ("链接", "网址", "原文链接", "文章链接", "url", "DOCPUBURL")),
        FieldSpec("views", "阅读量", ("阅读量", "点击量", "浏览量", "阅读数", "views")),
        FieldSpec("doc_type", "文种", ("文种", "信息类型", "体裁", "文章类型", "稿件类型")),
        FieldSpec("images", "图片数", ("图片数", "图片数量", "图片张数", "配图数")),
        FieldSpec(
            "department",
            "发布部门",
            ("发布部门", "发布机构", "来源部门", "科室", "单位", "发布单位", "CRDEPT"),
        ),
    ),
)
