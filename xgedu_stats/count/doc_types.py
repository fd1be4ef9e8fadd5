"""Unique items by document type (文种) and their pictures — the sentences 发布各类政务新闻、
规范性文件、资料、公告通知等 740 余篇 and 各类宣传图片 100 余幅.

A copy's type comes from its export's 文种 column when it has a value there; else from its
title: a title carrying a 文号 (孝教发〔2018〕3号) is a 规范性文件, else the first type (in
the config's order) one of whose words the title holds. An item takes the type of its copies
in platform priority order, as it takes its category (a column beats a title on one
platform); an item no rule types is 其他. Its pictures are the image count of the first copy,
in the same order, that gives one; without any, an item whose 文种 says 图片 or 图集 is one
picture.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from xgedu_stats.columns import arrow_strings, on_unique
from xgedu_stats.config import DOC_TYPES, DocTypeSettings
from xgedu_stats.count.categories import best_per_item
from xgedu_stats.items.normalize import parse_counts, title_keys

OTHER = DOC_TYPES.index("其他")

#: The values a 文种 column holds, by the type they count as (compared without spaces).
TYPE_WORDS: dict[str, tuple[str, ...]] = {
    "政务新闻": ("政务新闻", "新闻", "工作动态", "政务动态", "要闻", "图片新闻"),
    "规范性文件": ("规范性文件", "文件", "政策文件"),
    "资料": ("资料", "数据", "统计数据"),
    "公告通知": ("公告通知", "通知公告", "通知", "公告", "通告", "公示"),
    "其他": ("其他", "其它", "图片", "图集", "组图", "视频"),
}
_TYPE_OF = {word: DOC_TYPES.index(name) for name, words in TYPE_WORDS.items() for word in words}

#: 文种 values of a picture item (one picture when its export gives no image count).
PICTURE_TYPES = ("图片", "图集", "组图", "图片新闻")

#: A 文号: an issuer's abbreviation, the year in brackets, the number and 号 —
#: 孝教发〔2018〕3号, 鄂教基[2018]12号, 孝政办发（2018）第5号.
DOC_NUMBER = r"\p{Han}{1,12}\s*[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*第?\s*\d{1,5}\s*号"


@dataclass(frozen=True)
class DocTypes:
    """Unique items by type, and where their types came from."""

    counts: pd.DataFrame
    """``doc_type`` (every type of ``DOC_TYPES``, in order) and ``count``."""
    from_column: int
    """Items typed by a 文种 column."""
    from_title: int
    """Items typed by their title (a 文号 or a word)."""
    unknown_values: dict[str, int]
    """文种 values that name no type (counted as 其他), with their rows."""


@dataclass(frozen=True)
class Media:
    """Pictures of the unique items."""

    given: bool
    """Whether any export has an image-count column or a picture 文种 (else no figures)."""
    per_item: np.ndarray = field(repr=False)
    """Each item's pictures (items 1…N at positions 0…N-1)."""
    unreadable: tuple[int, list[str]]
    """Image-count cells that are not a count (left blank), and a few of them."""

    @property
    def pictures(self) -> int:
        return int(self.per_item.sum())

    @property
    def items_with_pictures(self) -> int:
        return int(np.count_nonzero(self.per_item))


def doc_types(
    rows: pd.DataFrame, item_count: int, settings: DocTypeSettings
) -> tuple[np.ndarray, DocTypes]:
    """Each item's type (a code into ``DOC_TYPES``, items 1…N at positions 0…N-1) and the
    counts. ``rows`` needs ``item_id``, ``platform_rank``, ``doc_type`` (the raw 文种 cell),
    ``title`` and ``title_key``."""
    column, unknown = _column_types(rows["doc_type"], settings)
    by_title = np.full(len(rows), -1, dtype=np.int64)
    blank = np.flatnonzero(column < 0)
    if len(blank):
        by_title[blank] = title_types(
            rows["title"].iloc[blank], settings, rows["title_key"].iloc[blank]
        )
    code = np.where(column >= 0, column, by_title)
    typed = code >= 0
    source = np.where(column >= 0, 0, 1)  # (on one platform, a column beats a title)
    n = len(DOC_TYPES)
    key = (rows["platform_rank"].to_numpy(dtype=np.int64) * 2 + source) * n + code
    best = best_per_item(rows["item_id"].to_numpy(dtype=np.int64)[typed], key[typed], item_count)
    found = best >= 0
    item_type = np.where(found, best % n, OTHER)
    from_column = int(np.count_nonzero(found & ((best // n) % 2 == 0)))
    counts = np.bincount(item_type, minlength=n)
    return item_type, DocTypes(
        counts=pd.DataFrame({"doc_type": list(DOC_TYPES), "count": counts.astype(np.int64)}),
        from_column=from_column,
        from_title=int(np.count_nonzero(found)) - from_column,
        unknown_values=unknown,
    )


def _column_types(
    values: pd.Series, settings: DocTypeSettings
) -> tuple[np.ndarray, dict[str, int]]:
    """Each row's type by its 文种 cell (-1 when blank), and the values that name none."""
    codes, distinct = pd.factorize(values.fillna(""), sort=False)
    named = np.array([column_type(v, settings) for v in distinct], dtype=np.int64)
    out = named[codes] if len(distinct) else np.full(len(values), -1, dtype=np.int64)
    counts = np.bincount(codes, minlength=len(distinct))
    unknown = {
        str(v).strip(): int(counts[i])
        for i, v in enumerate(distinct)
        if named[i] == OTHER and "".join(str(v).split()) not in _TYPE_OF
    }
    return out, dict(sorted(unknown.items(), key=lambda kv: (-kv[1], kv[0])))


def column_type(value: str, settings: DocTypeSettings) -> int:
    """The type a 文种 cell names: a type's name or usual value (``TYPE_WORDS``), else the
    first type with a config word in it, else 其他; -1 for a blank cell.

    >>> [DOC_TYPES[column_type(v, DocTypeSettings())] for v in ["通知公告", "图片", "学校动态"]]
    ['公告通知', '其他', '其他']
    >>> column_type("  ", DocTypeSettings())
    -1
    """
    compact = "".join(value.split())
    if not compact:
        return -1
    if compact in _TYPE_OF:
        return _TYPE_OF[compact]
    for name, words in settings.words:
        if any(w in compact for w in words):
            return DOC_TYPES.index(name)
    return OTHER


def title_types(
    titles: pd.Series, settings: DocTypeSettings, keys: pd.Series | None = None
) -> np.ndarray:
    """Each title's type by its 文号 and the config's words, or -1 when none applies.

    Words are looked for in the title as it is compared (``keys``: its dedupe key, with no
    leading 【…】 tag, site name or punctuation: "_孝感市教育局" after a title does not make it
    a 政务新闻); the 文号 in the title itself.

    >>> s = DocTypeSettings()
    >>> [DOC_TYPES[t] if t >= 0 else None for t in title_types(pd.Series(
    ...     ["关于印发某办法的通知（孝教发〔2018〕3号）", "关于召开会议的通知", "某校开展活动"]), s)]
    ['规范性文件', '公告通知', None]
    """
    if keys is None:
        keys = title_keys(titles)
    out = np.full(len(titles), -1, dtype=np.int64)
    # A 文号 ends with 号: the regex (and NFKC) only where one is.
    raw = _one_chunk(arrow_strings(titles))
    maybe = np.flatnonzero(pc.match_substring(raw, "号").to_numpy(zero_copy_only=False))
    if len(maybe):
        held = pc.utf8_normalize(raw.take(pa.array(maybe)), "NFKC")
        numbered = pc.match_substring_regex(held, DOC_NUMBER).to_numpy(zero_copy_only=False)
        out[maybe[numbered]] = DOC_TYPES.index("规范性文件")
    # Every word in one pass; then each type's words, in order, among the titles holding one.
    patterns = [(DOC_TYPES.index(name), _any_of(words)) for name, words in settings.words]
    patterns = [(code, pattern) for code, pattern in patterns if pattern]
    if not patterns:
        return out
    compared = _one_chunk(arrow_strings(keys))
    every = "|".join(pattern for _, pattern in patterns)
    held_at = np.flatnonzero(
        pc.match_substring_regex(compared, every).to_numpy(zero_copy_only=False)
    )
    held = compared.take(pa.array(held_at))
    for code, pattern in patterns:
        hit = pc.match_substring_regex(held, pattern).to_numpy(zero_copy_only=False)
        at = held_at[hit]
        out[at[out[at] < 0]] = code
    return out


def _any_of(words: tuple[str, ...]) -> str:
    """A regex matching any of the words, each as titles are compared (``title_keys``);
    "" when none is left (a word of punctuation only is in every title: none is looked for)."""
    compared = title_keys(pd.Series(list(words), dtype="str")).tolist()
    return "|".join(re.escape(w) for w in dict.fromkeys(compared) if w)


def _one_chunk(a: pa.Array | pa.ChunkedArray) -> pa.Array:
    return a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a


def media(rows: pd.DataFrame, item_count: int, images_given: bool) -> Media:
    """The pictures of the items: ``rows`` needs ``item_id``, ``platform_rank``, ``images``
    (the raw image-count cell) and ``doc_type``."""
    parsed = on_unique(rows["images"], parse_counts)["value"]
    value = parsed.to_numpy(dtype="float64", na_value=np.nan)
    raw = rows["images"].fillna("").str.strip()
    bad = np.isnan(value) & (raw != "").to_numpy()
    examples = raw[bad].drop_duplicates().head(3).tolist()
    ids = rows["item_id"].to_numpy(dtype=np.int64)
    rank = rows["platform_rank"].to_numpy(dtype=np.int64)
    counted = np.flatnonzero(~np.isnan(value))
    # The first copy in priority order that gives a count (by platform, then row).
    key = rank[counted] * len(rows) + counted
    best = best_per_item(ids[counted], key, item_count)
    pictures = np.zeros(item_count, dtype=np.int64)
    has = best >= 0
    pictures[has] = value[best[has] % max(len(rows), 1)].astype(np.int64)
    codes, distinct = pd.factorize(rows["doc_type"].fillna(""), sort=False)
    picture = np.array([("".join(str(v).split()) in PICTURE_TYPES) for v in distinct], dtype=bool)
    typed = np.zeros(item_count + 1, dtype=bool)
    if len(distinct):
        typed[ids[picture[codes]]] = True
    pictures[~has & typed[1:]] = 1
    return Media(
        given=images_given or bool(typed.any()),
        per_item=pictures,
        unreadable=(int(np.count_nonzero(bad)), [str(v) for v in examples]),
    )
