"""Site traffic: a site-analytics export (访问统计, 流量统计) — page views and visitors by day
(or by hour: the rows of a day are added up). Its figures are made by ``count.traffic``;
they are never published items."""

from __future__ import annotations

from xgedu_stats.read.kinds.base import FieldSpec, Kind

TRAFFIC = Kind(
    name="traffic",
    label="访问统计",
    fields=(
        FieldSpec("date", "日期", ("日期", "时间", "date"), required=True),
        FieldSpec(
            "page_views",
            "浏览量",
            ("浏览量", "访问量", "PV", "pageviews", "浏览量(PV)"),  # (the last: 百度统计)
            required=True,
        ),
        FieldSpec("visitors", "访客数", ("访客数", "独立访客", "UV", "IP数", "访客数(UV)")),
    ),
    words=("访问统计", "流量统计", "traffic"),
    platforms=False,
)
