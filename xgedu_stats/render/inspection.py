"""``inspect`` output: a block of facts a file, as text or JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import IO, Any

from xgedu_stats.inspection import Inspection
from xgedu_stats.messages import printable
from xgedu_stats.read.kinds import find
from xgedu_stats.render.text import table_text
from xgedu_stats.tables import Column, Row, Table

_SAMPLE = (
    Column("line", "行号", True),
    Column("title", "标题"),
    Column("title_key", "比对用标题"),
    Column("date", "发布日期"),
    Column("channel", "栏目"),
    Column("category", "类别"),
    Column("views", "阅读量", True),
)


def _delimiter(d: str | None) -> str:
    return {"\t": "制表符", ",": "逗号", ";": "分号", "|": "竖线"}.get(d or "", d or "")


def _text_block(i: Inspection) -> str:
    r = i.report
    kind = r.type_label
    if r.encoding:
        kind += f"，编码 {r.encoding}"
    if r.delimiter:
        kind += f"，分隔符 {_delimiter(r.delimiter)}"
    fields = find(r.kind)
    columns = "；".join(f"{fields.field(k).label} ← {h}" for k, h in r.columns.items())
    counts = f"读入 {r.rows}，空行 {r.blank_lines}，合计行 {r.summary_rows}，无效 {sum(i.rejected.values())}"
    if i.rejected:
        counts += "（" + "、".join(f"{k} {v}" for k, v in i.rejected.items()) + "）"
    lines = [
        f"文件：{r.file}",
        f"  类型：{kind}",
        f"  平台：{r.platform} {i.platform_label}（{r.platform_reason}）"
        if r.kind == "articles"
        else f"  数据：{i.platform_label}（{r.platform_reason}），不计入发布信息条数",
        f"  表头：第 {r.header_line} 行"
        + (f"（其上 {r.skipped_above} 行为标题等，已跳过）" if r.skipped_above else ""),
        f"  字段：{columns}",
        f"  未用的列：{'、'.join(r.ignored_headers) or '无'}",
        f"  行数：{counts}",
    ]
    if r.kind == "articles":
        lines.append(f"  发布日期：{i.first_date or '—'} 至 {i.last_date or '—'}")
    elif i.first_date:
        label = "收到日期" if r.kind == "interactions" else "日期"
        lines.append(f"  {label}：{i.first_date} 至 {i.last_date}")
    if i.unreadable_views:
        lines.append(f"  阅读量无法识别：{i.unreadable_views} 行（已留空）")
    lines = [printable(ln) for ln in lines]  # headers and names come from the file
    lines.append(f"  前 {len(i.sample)} 行" + ("（归一后）：" if r.kind == "articles" else "："))
    sample = Table("sample", "", _columns(i), tuple(_rows(i)))
    lines += ["    " + ln for ln in table_text(sample).splitlines()]  # (cells escaped there)
    return "\n".join(lines) + "\n"


def _columns(i: Inspection) -> tuple[Column, ...]:
    """The sample's columns: an article's normalised fields, or another kind's own."""
    if i.report.kind == "articles":
        return _SAMPLE
    return (
        Column("line", "行号", True),
        *(Column(f.key, f.label) for f in find(i.report.kind).fields),
    )


def _rows(i: Inspection) -> list[Row]:
    frame = i.sample.astype(object).where(i.sample.notna(), None)
    return [
        Row(tuple(v))
        for v in frame[[c.key for c in _columns(i)]].itertuples(index=False, name=None)
    ]


def render_text(inspections: Sequence[Inspection], stream: IO[str]) -> None:
    stream.write("\n".join(_text_block(i) for i in inspections))


def _json(i: Inspection) -> dict[str, Any]:
    r = i.report
    return {
        "file": r.file,
        "type": r.type,
        "encoding": r.encoding,
        "delimiter": r.delimiter,
        "kind": r.kind,
        "platform": r.platform,
        "platform_reason": r.platform_reason,
        "header_line": r.header_line,
        "skipped_above": r.skipped_above,
        "columns": r.columns,
        "ignored_headers": list(r.ignored_headers),
        "rows": {
            "read": r.rows,
            "blank": r.blank_lines,
            "summary": r.summary_rows,
            "rejected": sum(i.rejected.values()),
            "rejected_by_reason": i.rejected,
        },
        "dates": {"first": i.first_date, "last": i.last_date},
        "unreadable_views": i.unreadable_views,
        "sample": _rows_json(i),
    }


def _rows_json(i: Inspection) -> list[dict[str, Any]]:
    keys = [c.key for c in _columns(i)]
    return [dict(zip(keys, r.values, strict=True)) for r in _rows(i)]


def render_json(inspections: Sequence[Inspection], stream: IO[str]) -> None:
    json.dump({"files": [_json(i) for i in inspections]}, stream, ensure_ascii=False, indent=2)
    stream.write("\n")


INSPECT_FORMATS = {"text": render_text, "json": render_json}
