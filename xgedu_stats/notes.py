"""What a run found worth telling a clerk, in her words.

The stages return facts (rows, lines, days, counts); this module turns them into the notes
``aggregate`` prints under its tables. Texts live here, not in the stages, so that a stage
can be read for what it does and a note for what it says.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from xgedu_stats.config import (
    DOC_TYPES,
    MESSAGE_TYPES,
    UNCATEGORISED,
    DocTypeSettings,
    Period,
    Platform,
)
from xgedu_stats.count.categories import last_segment
from xgedu_stats.count.doc_types import MAX_PICTURES_PER_ITEM
from xgedu_stats.count.interactions import Messages
from xgedu_stats.count.traffic import Traffic
from xgedu_stats.items import fuzzy
from xgedu_stats.items.identity import Identity, Rows
from xgedu_stats.items.merging import Merged
from xgedu_stats.messages import shorten
from xgedu_stats.read import kinds
from xgedu_stats.read.sources import FileReport


def other_kinds(
    files: Sequence[FileReport], read: dict[str, tuple[pd.DataFrame, ...]]
) -> list[str]:
    """One note per other kind of input read: how many files and rows, counted apart."""
    out = []
    for name, frames in read.items():
        count = len({f.source or f.file for f in files if f.kind == name})
        rows = sum(len(frame) for frame in frames)
        out.append(
            f"{count} 个文件是{kinds.find(name).label}（{rows} 行），单独统计，不计入发布信息条数"
        )
    return out


def decisions_applied(merged: Merged) -> list[str]:
    """Lines of the decisions file that named nothing read, or could not be applied."""
    out = []
    missing = merged.not_found
    if missing:
        more = "等" if len(missing) > 10 else ""
        shown = "、".join(str(n) for n in missing[:10]) + " 行" + more
        out.append(
            f"人工判定文件中有 {len(missing)} 行所指的信息不在本次读入的数据中，已忽略（第 {shown}）"
        )
    if merged.inseparable:
        shown = "、".join(str(n) for n in merged.inseparable[:10])
        out.append(
            f"人工判定文件第 {shown} 行判为不同的两行是同一平台上的同一篇"
            "（链接相同，或没有链接而标题和日期相同），无法分开"
        )
    return out


def fuzzy_skipped(merged: Merged) -> list[str]:
    """Days left out of ``--fuzzy`` by its budgets."""
    out = []
    if merged.crowded_days:
        out.append(
            f"{_days(merged.crowded_days)} 发布的标题中相似的太多（一天要比较的配对超过 "
            f"{fuzzy.DAY_PAIRS_LIMIT:,} 对，或相似的配对超过 {fuzzy.DAY_CANDIDATES_LIMIT:,} 对），"
            "这些天没有做相似比较；标题相同的副本照常合并"
        )
    if merged.over_total_days:
        out.append(
            f"{_days(merged.over_total_days)} 发布的标题中相似的最多，而全部要比较的配对超过 "
            f"{fuzzy.TOTAL_PAIRS_LIMIT:,} 对（或相似的配对超过 {fuzzy.TOTAL_CANDIDATES_LIMIT:,} 对），"
            "这些天没有做相似比较；标题相同的副本照常合并"
        )
    return out


def decisions_file(
    unknown_platforms: Sequence[tuple[int, str]],
    contradicting: Sequence[tuple[int, int]],
    platforms: Sequence[Platform],
) -> list[str]:
    """Lines of the decisions file that name an unknown platform or contradict another."""
    out = []
    if unknown_platforms:
        shown = "、".join(f"第 {line} 行「{name}」" for line, name in unknown_platforms[:5])
        named = "、".join(f"{p.key}（{p.label}）" for p in platforms)
        out.append(
            f"人工判定文件中有 {len(unknown_platforms)} 行的平台对不上任何平台，已忽略：{shown}；"
            f"平台可写代码或名称：{named}"
        )
    if contradicting:
        shown = "、".join(f"第 {a} 行与第 {b} 行" for a, b in contradicting[:5])
        more = f"等 {len(contradicting)} 处" if len(contradicting) > 5 else ""
        out.append(
            f"人工判定文件中{shown}{more}对同一对行的判断相反（一个相同、一个不同），"
            "按“不同”处理；请改正其中一行"
        )
    return out


def _days(days: Sequence[int]) -> str:
    """Days (since 1970) as dates, the first five and how many in all.

    >>> _days([17532, 17533])
    '2018-01-01、2018-01-02'
    """
    shown = "、".join(str(np.datetime64(d, "D")) for d in days[:5])
    return shown + (f" 等 {len(days)} 天" if len(days) > 5 else "")


def identity(counted: pd.DataFrame, codes: Rows, found: Identity) -> list[str]:
    """Links that hold rows of different titles (counted once, by the link), titles repeated
    so often that their copies were paired day by day only, copies left unpaired, and rows
    without a link that could be any of several publications."""
    out = []
    linked = codes.link >= 0
    first_key = codes.key[found.first_row][found.publication]
    differ = linked & (codes.key != first_key)
    if differ.any():
        pubs = np.unique(found.publication[differ])
        example = counted["url"].iloc[int(found.first_row[pubs[0]])]
        out.append(
            f"有 {len(pubs)} 个链接对应的各行标题不同（如 {example}），按链接算作同一条信息；"
            "可用 duplicates 命令逐一核对"
        )
    for row in found.crowded[:3]:
        when = counted["date"].iloc[row].strftime("%Y-%m-%d")
        out.append(
            f"标题「{counted['title'].iloc[row]}」（{when} 起）在几天内出现的次数太多，"
            "各平台的副本只按同一天的先后配对"
        )
    if found.stranded:
        row = found.stranded[0][0]
        left = sum(c for _, c in found.stranded)
        more = f"等 {len(found.stranded)} 个标题" if len(found.stranded) > 1 else ""
        when = counted["date"].iloc[row].strftime("%Y-%m-%d")
        out.append(
            f"标题「{counted['title'].iloc[row]}」（{when} 起）{more}在几个平台上都有多篇，"
            f"副本按日期最近配对，有 {left} 篇没有配上别的平台的副本、单独计为一条；"
            "如果是隔天转载，请用 duplicates 核对，把配对写入人工判定文件"
        )
    unplaced = found.unplaced_rows
    if len(unplaced):
        example = counted["title"].iloc[int(unplaced[0])]
        out.append(
            f"有 {len(unplaced)} 行没有链接，而同一平台同一天有不止一篇同标题、有链接的稿件"
            f"（如「{example}」），无法判断是哪一篇，各自单独计为一条；可用人工判定文件指明"
        )
    return out


def uncategorised(counted: pd.DataFrame, items: pd.DataFrame) -> list[str]:
    """Items whose channels match no category: which channels, and what would help."""
    lost = set(items.loc[items["category"] == UNCATEGORISED, "item_id"])
    if not lost:
        return []
    channels = last_segment(counted.loc[counted["item_id"].isin(lost), "channel"])
    counts = channels.replace("", "（无栏目）").value_counts()
    shown = "、".join(f"「{c}」{n} 行" for c, n in counts.head(10).items())
    more = f" 等 {len(counts)} 个栏目" if len(counts) > 10 else ""
    named = [c for c in counts.index if c != "（无栏目）"]
    advice = (
        '可在配置文件的 [categories] 中把栏目名加为类别的别名，例如 "教育资助" = ["学生资助"]'
        if named
        else ""
    )
    if len(named) < len(counts):  # (an alias cannot help a row without a channel)
        advice += ("；" if advice else "") + (
            "「（无栏目）」是各个副本都没有栏目的信息（如只在今日头条发布的），别名帮不上；"
            "请核对这些导出是否带有栏目列"
        )
    return [
        f"有 {len(lost)} 条信息的栏目对应不到报告类别，计入「{UNCATEGORISED}」：{shown}{more}；"
        + advice
    ]


def empty_period(items: int, days: np.ndarray, period: Period) -> list[str]:
    """No item in a bounded period although rows were read: the dates they were of."""
    if items or not len(days) or period.is_open:
        return []
    first, last = (np.datetime64(int(d), "D") for d in (days.min(), days.max()))
    return [
        f"统计期内没有信息：读入的信息都在统计期外（发布日期从 {first} 到 {last}）；"
        "请检查统计期，或导出文件是否已更新到统计期"
    ]


def message_types(messages: Messages | None) -> list[str]:
    """Type values of online messages that name no known type (counted as 其他); letters
    received after the day they are judged on."""
    if messages is None:
        return []
    out = []
    if messages.received_after:
        out.append(
            f"有 {messages.received_after} 件网上留言在 {messages.judged_on}（--as-of）之后才收到，"
            "那天还没有这些信，未计入网上留言表（计为统计期外）"
        )
    if not messages.unknown_types:
        return out
    shown = _values_and_rows(messages.unknown_types)
    known = "、".join(MESSAGE_TYPES)
    return [*out, f"网上留言的类型有的不是{known}之一，计入「其他」：{shown}"]


def doc_type_values(unknown: dict[str, int]) -> list[str]:
    """文种 column values that name no document type (those rows are typed by their titles)."""
    if not unknown:
        return []
    shown = _values_and_rows({shorten(v): n for v, n in unknown.items()})
    named = "、".join(DOC_TYPES[:-1])
    return [
        f"文种列的值有的不是{named}之一，这些行按标题判断文种（标题也定不出的计入「其他」）："
        f"{shown}；若它们属于某一文种，可在配置文件的 [doc_types] 中把它们写进该文种的词"
    ]


def _conflicting_rows(label: str, conflicts: dict[str, dict[str, tuple[str, ...]]]) -> str:
    """Ids of a register whose rows fill a field differently: each with the values."""
    shown = [
        f"「{shorten(case)}」"
        + "，".join(f"{field}写了 {'、'.join(v)}" for field, v in fields.items())
        for case, fields in list(conflicts.items())[:10]
    ]
    more = f"等 {len(conflicts)} 个编号" if len(conflicts) > 10 else ""
    text = (
        f"{label}中同一编号的几行填写不一致，无法判断以哪行为准，这些行都作为无效行列出："
        f"{'；'.join(shown)}{more}；请改正后重新统计"
    )
    return text + _long_ids(conflicts)


def _long_ids(ids: Iterable[str]) -> str:
    """The hint for numeric ids longer than Excel keeps (ending in the zeros it puts for
    the digits it dropped): distinct ids may have become one."""
    if not any(i.isdigit() and len(i) > EXCEL_DIGITS and i.endswith("0") for i in ids):
        return ""
    return (
        f"。若编号来自 Excel 表格：超过 {EXCEL_DIGITS} 位的数字编号在 Excel 中只保留 {EXCEL_DIGITS} 位"
        "有效数字，不同的编号可能已变成同一个：请把编号列设为文本格式后重新填写"
    )


#: Excel keeps 15 significant digits of a number: a longer numeric id is no longer whole.
EXCEL_DIGITS = 15


def _values_and_rows(counts: dict[str, int], most: int = 10) -> str:
    """The first ``most`` values with their rows, and how many values there are in all.

    >>> _values_and_rows({"甲": 3, "乙": 1}, most=1)
    '「甲」3 行 等 2 种'
    """
    shown = "、".join(f"「{v}」{n} 行" for v, n in list(counts.items())[:most])
    return shown + (f" 等 {len(counts)} 种" if len(counts) > most else "")


def unreadable_images(count: int, examples: Sequence[str]) -> list[str]:
    """Image-count cells whose text is not a count (left blank)."""
    if not count:
        return []
    shown = "、".join(f"「{shorten(v)}」" for v in examples)
    return [
        f"有 {count} 行的图片数无法识别（如{shown}；应为 0 到 {MAX_PICTURES_PER_ITEM} 的整数），"
        "已留空：这些副本不计图片（文种为图片、图集的信息仍计 1 幅）；加 --items 文件名.csv 可逐条核对"
    ]


def doc_type_words(settings: DocTypeSettings) -> list[str]:
    """Named types the config's ``[doc_types]`` gives no word: titles are never typed so."""
    if settings == DocTypeSettings():
        return []
    without = [t for t in DOC_TYPES[:-1] if not dict(settings.words).get(t)]
    if not without:
        return []
    return [
        f"配置文件的 [doc_types] 中没有{'、'.join(without)}的词：标题不会被判为这"
        f"{'一' if len(without) == 1 else '几'}类（只按文种列和文号）"
    ]


def traffic(found: Traffic | None) -> list[str]:
    """Days the traffic figures lack, a since they cannot support, and days of one file
    written several times (added up)."""
    if found is None:
        return []
    gaps, out = found.gaps, []
    if gaps.missing_days:
        shown = "、".join(d.isoformat() for d in gaps.missing_days[:5])
        more = " 等" if len(gaps.missing_days) > 5 else ""
        out.append(
            f"访问统计的导出缺少统计期内 {len(gaps.missing_days)} 天（共 {gaps.period_days} 天）的数据"
            f"（{shown}{more}），这些天的浏览量没有计入；请补齐导出"
        )
    if gaps.since_before_data is not None:
        out.append(
            f"访问统计的导出从 {gaps.since_before_data} 开始，早于配置的起算日期 [traffic] since "
            f"（{found.since}）：这之间的浏览量没有数据，累计浏览量只含导出中的日子；"
            "请补齐导出，或把 since 改为导出的第一天"
        )
    if gaps.since_after_period:
        out.append(
            f"配置的起算日期 [traffic] since（{found.since}）晚于统计期末（{found.through}），"
            "累计浏览量为 0；请检查 since"
        )
    if gaps.repeated is not None:
        file, count, example, rows = gaps.repeated
        out.append(
            f"访问统计文件 {file} 中有 {count} 个日期各写了多行（如 {example} {rows} 行），已相加"
            "（按小时或按页面的导出就是这样）；如果是重复的行，请核对导出"
        )
    return out


def calendar_not_covered(day: date, version: str) -> str:
    """The error for a working-day deadline in a year ``chinese-calendar`` does not know:
    upgrade it (a later year), check the date (a year before its first), or count calendar
    days."""
    why = (
        "请升级：pip install -U chinese-calendar，"
        if day.year >= date.today().year - 1
        else "请检查这些信的收到日期是否写错，"
    )
    return (
        f"chinese-calendar {version} 没有 {day.year} 年的节假日安排，无法按工作日计算答复期限"
        f"（需要算到 {day.isoformat()}）；{why}或在配置中把按工作日计的期限改成自然日"
        '（[interactions] deadline 和 [interactions.deadlines] 中的 "… working days" 改为 "… days"）'
    )


def unreadable_views(count: int, examples: Sequence[str]) -> list[str]:
    """Views cells whose text is not a count (left blank; no effect on the counts)."""
    if not count:
        return []
    shown = "、".join(f"「{v}」" for v in examples)
    return [f"有 {count} 行的阅读量无法识别（如{shown}），已留空；不影响条数统计"]


def register(
    label: str, what: str, table: str, unit: str, example: str = ""
) -> Callable[[Any], list[str]]:
    """The notes of a register's figures (``count.registers``): ids written on several rows
    (one case each, its rows' fields put together), ids whose rows disagree (rejected), and
    a period with no case (every figure 0)."""

    def say(found: Any) -> list[str]:
        out = []
        if found.repeated_ids:
            shown = _values_and_rows(found.repeated_ids)
            like = f"（如{example}）" if example else ""
            text = f"{label}中有编号写在多行，每个编号按一{unit}统计，各行填写的内容合在一起{like}：{shown}"
            out.append(text + _long_ids(found.repeated_ids))
        if found.conflicts:
            out.append(_conflicting_rows(label, found.conflicts))
        if found.unidentified and found.files > 1:
            out.append(
                f"{label}来自 {found.files} 个文件，其中 {found.unidentified} 行没有编号，"
                f"每行按一{unit}统计：同一{unit}{what}写在几个登记表中（如上年的和本年的）时会重复统计；"
                "请加上编号列（编号、申请编号、案号、文号等）"
            )
        if not found.totals.cases:
            out.append(f"{label}中没有统计期内的{what}：{table}各项均为 0")
        return out

    return say
