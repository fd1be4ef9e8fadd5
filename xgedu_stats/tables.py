"""Counts to presentation tables: titles, Chinese column labels, subtotals and totals.

Renderers see only :class:`Report` and :class:`Table`; they never touch a DataFrame.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from xgedu_stats import counters, official
from xgedu_stats.config import word_key
from xgedu_stats.count.interactions import NO_DEPARTMENT, rate
from xgedu_stats.count.registers import as_written
from xgedu_stats.pipeline import Result, copies
from xgedu_stats.presentation import Chart, Column, Report, Row, Table
from xgedu_stats.read import kinds
from xgedu_stats.read.kinds import INTERACTIONS, TRAFFIC


def categories_table(result: Result) -> Table:
    """分组 | 类别 | 条数, a 小计 row after each group and a 合计 row at the end."""
    rows: list[Row] = []
    frame = result.categories
    for group, part in frame.groupby("group", sort=False, dropna=False):
        for r in part.itertuples(index=False):
            rows.append(Row((None if pd.isna(r.group) else r.group, r.category, int(r.count))))
        if not pd.isna(group):
            rows.append(Row((group, "小计", int(part["count"].sum())), "subtotal"))
    rows.append(Row(("合计", None, int(frame["count"].sum())), "total"))
    return Table(
        "categories",
        "主动公开信息按类别统计（不同渠道和方式公开的相同信息计 1 条）",
        (Column("group", "分组"), Column("category", "类别"), Column("count", "条数", True)),
        tuple(rows),
        short="按类别统计",
    )


def platforms_table(result: Result) -> Table:
    """Per platform: rows read, distinct items on it, items found only there."""
    rows = tuple(
        Row((r.platform, r.label, int(r.rows), int(r.items), int(r.only_here)))
        for r in result.platforms.itertuples(index=False)
    )
    return Table(
        "platforms",
        "按发布平台统计",
        (
            Column("platform", "平台代码"),
            Column("label", "平台"),
            Column("rows", "读入行数", True),
            Column("items", "信息条数", True),
            Column("only_here", "仅在此平台", True),
        ),
        rows,
    )


def doc_types_table(result: Result) -> Table:
    """Unique items by document type (文种), every type, and a 合计 row."""
    frame = result.doc_types.counts
    rows = [Row((r.doc_type, int(r.count))) for r in frame.itertuples(index=False)]
    rows.append(Row(("合计", int(frame["count"].sum())), "total"))
    return Table(
        "doc_types",
        "主动公开信息按文种统计（由文种列或标题中的文号和词确定；相同信息计 1 条）",
        (Column("doc_type", "文种"), Column("count", "条数", True)),
        tuple(rows),
        short="按文种统计",
    )


def media_table(result: Result) -> Table:
    """Pictures of the unique items: in all, and items with pictures."""
    found = result.media
    rows: tuple[Row, ...] = ()  # (no image counts in any export: no figures, not zeros)
    if found.given:
        rows = (
            Row(("宣传图片（幅）", found.pictures)),
            Row(("含图片的信息（条）", found.items_with_pictures)),
        )
    return Table(
        "media",
        "宣传图片（相同信息计 1 次）"
        + ("" if found.given else "（导出文件中没有可读的图片数，也没有文种为图片、图集的信息）"),
        (Column("kind", "项目"), Column("count", "数量", True)),
        rows,
        short="宣传图片",
        caption="宣传图片（相同信息计 1 次）",
    )


#: The figures of an interactions table, after its first column.
_MESSAGE_KEYS = ["received", "replied", "on_time", "late", "overdue", "pending"]


def interactions_table(result: Result) -> Table:
    """Online messages by type: received, replied, and each status, with the rates."""
    messages = result.messages
    counts = messages.counts if messages is not None else pd.DataFrame(columns=["type"])
    return _messages_table(result, counts, "type", "类型", "interactions", "")


def interactions_by_department_table(result: Result) -> Table:
    """Online messages by the department that answered them (未注明 when none is given)."""
    messages = result.messages
    counts = (
        messages.by_department if messages is not None else pd.DataFrame(columns=["department"])
    )
    if len(counts):
        counts = counts.assign(department=counts["department"].map(not_a_total))
    return _messages_table(
        result, counts, "department", "答复部门", "interactions_by_department", "按答复部门；"
    )


#: Labels of total rows: a name that reads as one is told apart (``not_a_total``).
TOTAL_WORDS = ("合计", "总计", "小计")


def not_a_total(name: str, suffix: str = "（部门）") -> str:
    """A department (or category) called 合计 is not the total row: it gets ``suffix``.

    >>> not_a_total("合 计"), not_a_total("办公室")
    ('合 计（部门）', '办公室')
    """
    return f"{name}{suffix}" if word_key(name) in TOTAL_WORDS else name


def _messages_table(
    result: Result, counts: pd.DataFrame, key: str, label: str, name: str, by: str
) -> Table:
    rows = [
        _message_row(getattr(r, key), [int(getattr(r, k)) for k in _MESSAGE_KEYS])
        for r in counts.itertuples()
    ]
    total = [int(counts[k].sum()) if len(counts) else 0 for k in _MESSAGE_KEYS]
    messages = result.messages
    if messages is not None:  # (no mailbox export read: no figures, not a row of zeros)
        rows.append(Row(_message_row("合计", total).values, "total"))
    judged = messages.judged_on.isoformat() if messages is not None else ""
    deadline = result.settings.interactions
    special = "".join(f"，{t} {d}" for t, d in deadline.deadlines)
    return Table(
        name,
        f"网上咨询、建议、投诉等留言办理情况（{by}答复期限：收到后 {deadline.deadline}{special}"
        + (f"；截至 {judged}）" if judged else "；没有读到网上留言的导出文件）"),
        (
            Column(key, label),
            Column("received", "收到", True),
            Column("replied", "已回复", True),
            Column("on_time", "按期回复", True),
            Column("late", "超期回复", True),
            Column("overdue", "超期未回复", True),
            Column("pending", "办理中", True),
            Column("reply_rate", "回复率（%）", True, decimals=1),
            Column("on_time_rate", "按期率（%）", True, decimals=1),
        ),
        tuple(rows),
        short="网上留言按部门" if by else "网上留言",
        caption=f"网上咨询、建议、投诉等留言办理情况{'（按答复部门）' if by else ''}",
    )


def _message_row(kind: str, counts: list[int]) -> Row:
    received, replied, on_time = counts[0], counts[1], counts[2]
    return Row((kind, *counts, rate(replied, received), rate(on_time, received)))


def traffic_table(result: Result) -> Table:
    """The period's page views and visitors, and the page views since a day."""
    t = result.traffic
    rows: tuple[Row, ...] = ()  # (no traffic export read: no figures, not zeros)
    if t is not None:
        since = t.since.isoformat() if t.since else None
        through = t.through.isoformat() if t.through else None
        rows = (Row((t.page_views, t.visitors, t.cumulative_page_views, since, through)),)
    return Table(
        "traffic",
        "网站访问量" + ("（没有读到访问统计的导出文件）" if t is None else ""),
        (
            Column("page_views", "统计期内浏览量", True),
            Column("visitors", "统计期内访客数（逐日相加）", True),
            Column("cumulative_page_views", "累计浏览量", True),
            Column("since", "累计起始日期"),
            Column("through", "累计截止日期"),
        ),
        rows,
        short="访问量",
        caption="网站访问量",
    )


TABLES: dict[str, Callable[[Result], Table]] = {
    "categories": categories_table,
    "platforms": platforms_table,
    "doc_types": doc_types_table,
    "media": media_table,
    "interactions": interactions_table,
    "interactions_by_department": interactions_by_department_table,
    "traffic": traffic_table,
    **official.OFFICIAL_TABLES,
}
#: Tables printed by default only when what they count was read (a kind of input, a
#: column), or when asked for by ``--by``.
_WHEN_GIVEN: dict[str, Callable[[Result, Sequence[str]], bool]] = {
    "media": lambda result, by: result.media.given,
    "interactions": lambda result, by: INTERACTIONS.name in result.counted,
    "interactions_by_department": lambda result, by: (
        INTERACTIONS.name in result.counted and "department" in by
    ),
    "traffic": lambda result, by: TRAFFIC.name in result.counted,
}


def read_for(result: Result, name: str) -> bool:
    """Whether what a table counts was read at all (its figures are 0 when read and none in
    the period, and have no value when not read): the published items' tables, the media,
    messages and traffic tables, and tables 三 and 四 (the official tables 二 and the 2018
    统计表 leave the cells of what was not read blank themselves)."""
    if name in ("categories", "platforms", "doc_types"):
        return result.articles_read
    if name in _WHEN_GIVEN:
        return _WHEN_GIVEN[name](result, tuple(BY))
    if name in ("applications", "appeals"):
        return official.GIVEN[name](result)
    return True


#: What ``--by`` can break tables down by, and the tables it adds.
BY = {"department": ("interactions_by_department",)}


def build_report(
    result: Result, names: Sequence[str] = (), by: Sequence[str] = (), layout: str | None = None
) -> Report:
    """The report with the named tables (when none named: the usual ones, then the official
    tables of the layout — ``layout``, else the period's — that registers or figures were
    read for, or all of them when ``layout`` is given; then the tables of any other kinds of
    input read); ``by`` adds the breakdowns named (``BY``), to the named tables too."""
    added = [t for b in by for t in BY[b]]
    if names:
        chosen = [*dict.fromkeys([*names, *added])]
    else:
        # (the published items' tables unless only files of other kinds were read)
        articles = result.articles_read
        chosen = [
            n
            for n in TABLES
            if n not in official.OFFICIAL_TABLES
            and (n in _WHEN_GIVEN or articles)
            and (n not in _WHEN_GIVEN or _WHEN_GIVEN[n](result, by))
        ]
        chosen += [
            n
            for n in official.LAYOUT_TABLES[layout or official.layout_for(result.period)]
            if layout is not None or official.GIVEN[n](result)
        ]
    tables = [TABLES[n](result) for n in chosen]
    if not names:  # (and the tables of the other kinds read, each made by its kind)
        for kind in kinds.KINDS:
            if kind.name in result.kinds and kind.tables is not None:
                tables += kind.tables(result.kinds[kind.name][0])
    lines = tuple(
        c.balance(result.counted[c.kind.name].totals)
        for c in counters.COUNTERS
        if c.kind.name in result.counted
    )
    totals = counters.totals_json(result.counted)
    return Report(
        result.period,
        result.totals,
        tuple(tables),
        lines,
        totals,
        result.articles_read,
        charts=CHARTS,
    )


#: The charts of the tables ``aggregate`` writes (drawn by the html and xlsx formats).
CHARTS = (
    Chart("各类别信息条数", "categories", "category", ("count",)),
    Chart("各平台发布的信息条数", "platforms", "label", ("items",)),
    Chart("网上留言（按类型）", "interactions", "type", ("received", "replied")),
)


def _cells(frame: pd.DataFrame, keys: Sequence[str]) -> tuple[Row, ...]:
    out = frame.reindex(columns=list(keys)).astype(object)
    out = out.where(out.notna(), None)
    return tuple(Row(tuple(v)) for v in out.itertuples(index=False, name=None))


def rejects_table(result: Result) -> Table:
    """Every rejected row: where it was, why, and its raw values (the rows of a mailbox or
    traffic export under its kind's label in the platform column)."""
    frame = result.rejects
    for c in counters.COUNTERS:  # (its date and count under the articles' column names)
        found = result.counted.get(c.kind.name)
        if found is not None and len(found.rejects):
            part = found.rejects.rename(columns=c.reject_columns).assign(platform=c.kind.label)
            if not c.reject_columns:  # (a register: its own fields, labelled, as the raw row)
                part["raw"] = _labelled(part, c.kind).where(lambda t: t != "", part["raw"])
            frame = pd.concat([frame, part.reindex(columns=frame.columns)], ignore_index=True)
    columns = (
        Column("file", "文件"),
        Column("line", "行号", True),
        Column("platform", "平台"),
        Column("reason", "原因"),
        Column("title", "标题"),
        Column("date_raw", "发布时间"),
        Column("channel", "栏目"),
        Column("url", "链接"),
        Column("views_raw", "阅读量"),
        Column("raw", "原始行"),
    )
    return Table("rejects", "无效行", columns, _cells(frame, [c.key for c in columns]))


def _labelled(rows: pd.DataFrame, kind: kinds.Kind) -> pd.Series:
    """Each row's fields, labelled (编号：B1；收到日期：2023-01-05；…); "" for a row the
    reader could not split into fields."""
    labels = [(f.key, f.label) for f in kind.fields]
    values = rows.reindex(columns=[k for k, _ in labels]).fillna("").map(as_written)
    text = [
        "；".join(f"{label}：{v}" for (_, label), v in zip(labels, row, strict=True) if v)
        for row in values.itertuples(index=False, name=None)
    ]
    return pd.Series(text, index=rows.index, dtype=object)


def duplicates_table(result: Result) -> Table:
    """Every merged group, one row per copy, so each merge can be checked."""
    frame = copies(result)
    frame = frame.assign(date=frame["date"].dt.strftime("%Y-%m-%d"))
    columns = (
        Column("item_id", "条目编号", True),
        Column("platform", "平台"),
        Column("file", "文件"),
        Column("line", "行号", True),
        Column("title", "标题"),
        Column("date", "发布日期"),
        Column("channel", "栏目"),
        Column("title_key", "比对用标题"),
    )
    return Table(
        "duplicates", "合并为同一条的信息", columns, _cells(frame, [c.key for c in columns])
    )


def items_table(result: Result) -> Table:
    """Every unique item with what it was counted as: category, document type and where the
    type came from, pictures, platforms — so that each figure can be traced to its items."""
    frame = result.items.assign(date=result.items["date"].dt.strftime("%Y-%m-%d"))
    columns = (
        Column("item_id", "条目编号", True),
        Column("title", "标题"),
        Column("date", "最早发布日期"),
        Column("category", "类别"),
        Column("doc_type", "文种"),
        Column("doc_type_source", "文种依据"),
        Column("pictures", "图片数", True),
        Column("platforms", "平台"),
    )
    return Table("items", "去重后的信息", columns, _cells(frame, [c.key for c in columns]))


#: How a letter's status (``count.interactions.STATUSES``) reads.
LETTER_STATUS = {
    "on_time": "按期回复",
    "late": "超期回复",
    "overdue": "超期未回复",
    "pending": "办理中",
}


def letters_table(result: Result) -> Table:
    """Every online message of the period: when received and answered, its deadline and
    status on the as-of day, its department, and the file and line of its first copy."""
    columns = (
        Column("id", "编号"),
        Column("title", "标题"),
        Column("type", "类型"),
        Column("received", "收到日期"),
        Column("replied", "回复日期"),
        Column("due", "答复期限"),
        Column("status", "状态"),
        Column("department", "答复部门"),
        Column("file", "文件"),
        Column("line", "行号", True),
    )
    messages = result.messages
    if messages is None:
        return Table("letters", "网上留言（没有读到网上留言的导出文件）", columns, ())
    frame = messages.messages
    frame = frame.assign(
        **{k: frame[k].dt.strftime("%Y-%m-%d") for k in ("received", "replied", "due")},
        status=frame["status"].map(LETTER_STATUS),
        department=frame["department"].replace("", NO_DEPARTMENT),
    )
    title = f"网上留言（截至 {messages.judged_on.isoformat()}）"
    return Table("letters", title, columns, _cells(frame, [c.key for c in columns]))


#: How a pair's status (``merging.STATUSES``) reads in ``duplicates``.
PAIR_STATUS = {
    "exact": "标题归一后相同",
    "nearest": "同题多篇，按日期最近配对（请核对）",
    "same_link": "同一平台链接相同（重复导出）",
    "same_day": "同一平台同日同题、无链接（重复导出）",
    "merged": "相似，已合并",
    "doubtful": "存疑，未合并",
    "below": "接近，未合并",
    "refused": "名称或数字不同，未合并",
    "same": "人工判定：相同",
    "different": "人工判定：不同",
}


def pairs_table(listed: pd.DataFrame) -> Table:
    """Pairs of rows (``pipeline.pairs``, or some of them): status, score, and both rows."""
    frame = listed.assign(
        status=listed["status"].map(PAIR_STATUS),
        date_1=listed["date_1"].dt.strftime("%Y-%m-%d"),
        date_2=listed["date_2"].dt.strftime("%Y-%m-%d"),
    )
    columns = (
        Column("status", "结果"),
        Column("score", "相似度", True),
        Column("item_1", "条目1", True),
        Column("platform_1", "平台1"),
        Column("date_1", "日期1"),
        Column("title_1", "标题1"),
        Column("item_2", "条目2", True),
        Column("platform_2", "平台2"),
        Column("date_2", "日期2"),
        Column("title_2", "标题2"),
    )
    return Table("pairs", "合并与相似的信息配对", columns, _cells(frame, [c.key for c in columns]))


def decisions_table(to_review: pd.DataFrame) -> Table:
    """Pairs to review (``pipeline.for_review``) in the decisions-file layout, the verdict
    left empty for a person."""
    from xgedu_stats.read.decisions import COLUMNS

    frame = to_review.assign(
        date_1=to_review["date_1"].dt.strftime("%Y-%m-%d"),
        date_2=to_review["date_2"].dt.strftime("%Y-%m-%d"),
        verdict="",
    )
    keys = ["platform_1", "url_1", "title_1", "date_1", "platform_2", "url_2", "title_2", "date_2"]
    keys += ["score", "verdict"]
    columns = tuple(Column(k, label) for k, label in zip(keys, COLUMNS, strict=True))
    return Table("decisions", "去重人工判定", columns, _cells(frame, keys))
