"""Unique items by document type (文种) and their pictures — the sentences 发布各类政务新闻、
规范性文件、资料、公告通知等 740 余篇 and 各类宣传图片 100 余幅.

A copy's type comes from its export's 文种 column when the value there names one; else from
its title: a title carrying a 文号 (孝教发〔2018〕3号) is a 规范性文件, else the first type (in
the config's order) one of whose words the title (or its leading 【…】 tag) holds. An item
takes the type of its copies in platform priority order, as it takes its category (a column
beats a title on one platform); an item no rule types is 其他. A 文种 value that names no type
types nothing (its row's title is looked at) and is named in a warning. Its pictures are the
image count of the first copy, in the same order, that gives one; without any, an item whose
文种 says 图片 or 图集 is one picture.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from xgedu_stats.columns import arrow_strings, on_unique
from xgedu_stats.config import DOC_TYPES, DocTypeSettings, word_key
from xgedu_stats.count.categories import best_per_item
from xgedu_stats.items.normalize import title_keys

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
_PICTURE_KEYS = frozenset(("图片", "图集", "组图", "图片新闻"))

#: A 文号: an issuer's abbreviation, the year in brackets, the number and 号 —
#: 孝教发〔2018〕3号, 鄂教基[2018]12号, 孝政办发（2018）第5号.
DOC_NUMBER = (
    r"\p{Han}{1,12}\s*[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*第?\s*\d{1,5}\s*[号號]"
)


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
    """Whether any export gives a readable image count or a picture 文种 (else no figures)."""
    per_item: np.ndarray = field(repr=False)
    """Each item's pictures (items 1…N at positions 0…N-1)."""
    known: np.ndarray = field(repr=False)
    """Whether an item's pictures are known: a count read, or a picture 文种 (else 0 by default)."""
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
) -> tuple[np.ndarray, np.ndarray, DocTypes]:
    """Each item's type (a code into ``DOC_TYPES``, items 1…N at positions 0…N-1), where it
    came from (``SOURCES``), and the counts. ``rows`` needs ``item_id``, ``platform_rank``,
    ``doc_type`` (the raw 文种 cell) and ``title_type`` (``title_types`` of its title, found
    where titles are read)."""
    column, unknown = _column_types(rows["doc_type"], settings)
    by_title = rows["title_type"].to_numpy(dtype=np.int64)
    code = np.where(column >= 0, column, by_title)
    typed = code >= 0
    source = np.where(column >= 0, 0, 1)  # (on one platform, a column beats a title)
    n = len(DOC_TYPES)
    key = (rows["platform_rank"].to_numpy(dtype=np.int64) * 2 + source) * n + code
    best = best_per_item(rows["item_id"].to_numpy(dtype=np.int64)[typed], key[typed], item_count)
    found = best >= 0
    item_type = np.where(found, best % n, OTHER)
    item_source = np.where(found, (best // n) % 2, 2)
    from_column = int(np.count_nonzero(item_source == 0))
    counts = np.bincount(item_type, minlength=n)
    return (
        item_type,
        item_source,
        DocTypes(
            counts=pd.DataFrame({"doc_type": list(DOC_TYPES), "count": counts.astype(np.int64)}),
            from_column=from_column,
            from_title=int(np.count_nonzero(item_source == 1)),
            unknown_values=unknown,
        ),
    )


#: Where an item's type came from (``doc_types``' second result), as a clerk reads it.
SOURCES = ("文种列", "标题", "无（计入其他）")
#: A 文种 value that is not blank but names no type.
UNKNOWN = -2


def _column_types(
    values: pd.Series, settings: DocTypeSettings
) -> tuple[np.ndarray, dict[str, int]]:
    """Each row's type by its 文种 cell (-1 when blank or naming none), and the values that
    name none (as compared: without spaces, punctuation or invisible characters) with their
    rows."""
    codes, distinct = pd.factorize(values.fillna(""), sort=False)
    if not len(distinct):
        return np.full(len(values), -1, dtype=np.int64), {}
    keys = [word_key(str(v)) for v in distinct]
    named = np.array([column_type(k, settings) for k in keys], dtype=np.int64)
    rows = np.bincount(codes, minlength=len(distinct))
    shown: dict[str, str] = {}  # value as compared -> as first written (visible)
    unknown: dict[str, int] = {}
    for i in np.flatnonzero(named == UNKNOWN):
        label = shown.setdefault(keys[i], _visible(str(distinct[i])))
        unknown[label] = unknown.get(label, 0) + int(rows[i])
    out = np.maximum(named, -1)[codes]
    return out, dict(sorted(unknown.items(), key=lambda kv: (-kv[1], kv[0])))


#: The full names a 文种 value may hold among other words (规范性文件（试行）), longest first.
_NAMES_HELD = (("规范性文件", 1), ("政务新闻", 0), ("公告通知", 3), ("通知公告", 3), ("资料", 2))


@functools.lru_cache(maxsize=8)
def _config_words(settings: DocTypeSettings) -> tuple[tuple[int, tuple[str, ...]], ...]:
    """Each type's config words as values are compared (``word_key``), in the config's order."""
    return tuple(
        (DOC_TYPES.index(name), tuple(k for k in map(word_key, words) if k))
        for name, words in settings.words
    )


def column_type(value: str, settings: DocTypeSettings) -> int:
    """The type a 文种 value names (as ``word_key`` makes it): a type's name or usual value
    (``TYPE_WORDS``), else a type's full name held in it, else the first type with a config
    word in it; -1 for a blank value, ``UNKNOWN`` for one that names none.

    >>> s = DocTypeSettings()
    >>> [DOC_TYPES[column_type(word_key(v), s)] for v in ["通知公告", "图片", "规范性文件（市教育局）"]]
    ['公告通知', '其他', '规范性文件']
    >>> column_type("", s), column_type("学校动态", s)
    (-1, -2)
    """
    if not value:
        return -1
    if value in _TYPE_OF:
        return _TYPE_OF[value]
    for name, code in _NAMES_HELD:
        at = value.find(name)
        if at >= 0 and not value[:at].endswith("非"):  # (非规范性文件 is not one)
            return code
    for code, words in _config_words(settings):
        if any(w in value for w in words):
            return code
    return UNKNOWN


def title_types(
    titles: pd.Series, settings: DocTypeSettings, keys: pd.Series | None = None
) -> np.ndarray:
    """Each title's type by its 文号 and the config's words, or -1 when none applies.

    Words are looked for in the title as it is compared (``keys``: its dedupe key, with no
    site name or punctuation: "_孝感市教育局" after a title does not make it a 政务新闻) and
    in its leading 【…】 tag (【公示】…); the 文号 in the title itself.

    >>> s = DocTypeSettings()
    >>> [DOC_TYPES[t] if t >= 0 else None for t in title_types(pd.Series(
    ...     ["关于印发某办法的通知（孝教发〔2018〕3号）", "【公示】拟表彰人员", "某校开展活动"]), s)]
    ['规范性文件', '公告通知', None]
    """
    if keys is None:
        keys = title_keys(titles)
    out = np.full(len(titles), -1, dtype=np.int64)
    # (the columns as they are, chunk by file: a copy of a million titles is ~100 MB)
    raw = arrow_strings(titles)
    # A 文号 ends with 号: the regex (and NFKC) only where one is.
    maybe = np.flatnonzero(_holds(raw, "号|號"))
    if len(maybe):
        held = pc.utf8_normalize(raw.take(pa.array(maybe)), "NFKC")
        out[maybe[_holds(held, DOC_NUMBER)]] = DOC_TYPES.index("规范性文件")
    patterns = [(DOC_TYPES.index(name), _any_of(words)) for name, words in settings.words]
    patterns = [(code, pattern) for code, pattern in patterns if pattern]
    if not patterns:
        return out
    # Each title's first type in the config's order: by its key, and by its leading tag (the
    # key has none), whichever comes first.
    order = np.full(len(out), len(patterns), dtype=np.int64)
    _first_pattern(arrow_strings(keys), np.arange(len(out)), patterns, order)
    tagged = np.flatnonzero(_holds(raw, r"^\s*[【\[［〔]"))
    if len(tagged):
        held = pc.utf8_normalize(raw.take(pa.array(tagged)), "NFKC")  # (［通知］ is [通知])
        tags = pc.extract_regex(held, _LEADING_TAG).field("tag")
        tags = pc.replace_substring_regex(pc.fill_null(tags, ""), _NOT_COMPARED, "")
        _first_pattern(tags, tagged, patterns, order)
    codes = np.array([code for code, _ in patterns] + [-1], dtype=np.int64)
    return np.where(out >= 0, out, codes[order])


def _first_pattern(
    texts: pa.Array | pa.ChunkedArray,
    rows: np.ndarray,
    patterns: list[tuple[int, str]],
    order: np.ndarray,
) -> None:
    """Lower ``order[rows]`` to the position of the first pattern each text matches: every
    word in one pass, then each pattern only among the texts holding one."""
    every = "|".join(pattern for _, pattern in patterns)
    held_at = np.flatnonzero(_holds(texts, every))
    if not len(held_at):
        return
    held = texts.take(pa.array(held_at))
    for position, (_, pattern) in enumerate(patterns):
        at = rows[held_at[_holds(held, pattern)]]
        order[at] = np.minimum(order[at], position)


#: A title's leading tag (its words count; the dedupe key drops it).
_LEADING_TAG = r"^\s*[【\[〔](?P<tag>[^】\]〕]{1,30})[】\]〕]"
#: What titles are compared without (``items.normalize.title_keys``): punctuation, spaces,
#: invisible format characters.
_NOT_COMPARED = r"[\p{P}\p{Z}\p{Cf}]"


def _holds(a: pa.Array | pa.ChunkedArray, pattern: str) -> np.ndarray:
    return pc.match_substring_regex(a, pattern).to_numpy(zero_copy_only=False)


def _any_of(words: tuple[str, ...]) -> str:
    """A regex matching any of the words, each as titles are compared (``word_key``)."""
    return "|".join(re.escape(w) for w in dict.fromkeys(map(word_key, words)) if w)


def _visible(text: str) -> str:
    """A cell without its invisible characters (zero-width spaces) and outer spaces."""
    return "".join(c for c in text if unicodedata.category(c) != "Cf").strip()


#: The most pictures one item may have: a larger count is a mistake (an Excel date, 10万+).
MAX_PICTURES_PER_ITEM = 1000


def picture_counts(values: pd.Series) -> pd.Series:
    """Image-count cells as counts (float, NaN when blank or unreadable): a whole number,
    with 张 or 幅 after it if written so, at most ``MAX_PICTURES_PER_ITEM``.

    >>> picture_counts(pd.Series(["3", " 2张", "3.0", "10万+", "1.5", "-1", "43164", ""])).tolist()
    [3.0, 2.0, 3.0, nan, nan, nan, nan, nan]
    """
    a = pc.utf8_normalize(arrow_strings(values), "NFKC")
    a = pc.replace_substring_regex(a, r"\p{Cf}", "")  # (zero-width spaces)
    digits = pc.extract_regex(a, r"^\s*(?P<n>\d{1,7}(?:\.\d{1,20})?)\s*(?:张|幅|个)?\s*$")
    digits = digits.field("n")
    digits = pc.if_else(pc.equal(digits, ""), None, digits)
    number = pc.cast(digits, pa.float64()).to_numpy(zero_copy_only=False)
    whole = np.round(number)
    # (3.0 as pandas writes a column with blanks, 2.9999999999999996 as a workbook may store 3)
    number = np.where(
        (np.abs(number - whole) < 1e-6) & (whole <= MAX_PICTURES_PER_ITEM), whole, np.nan
    )
    return pd.Series(number, index=values.index, dtype="float64")


def media(rows: pd.DataFrame, item_count: int) -> Media:
    """The pictures of the items: ``rows`` needs ``item_id``, ``platform_rank``, ``images``
    (the raw image-count cell) and ``doc_type``."""
    value = on_unique(rows["images"], picture_counts).to_numpy(dtype="float64")
    raw = rows["images"].fillna("")
    blank = on_unique(raw, lambda v: v.map(lambda x: not word_key(x))).to_numpy(dtype=bool)
    bad = np.isnan(value) & ~blank
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
    picture = np.array([word_key(str(v)) in _PICTURE_KEYS for v in distinct], dtype=bool)
    typed = np.zeros(item_count + 1, dtype=bool)
    if len(distinct):
        typed[ids[picture[codes]]] = True
    pictures[~has & typed[1:]] = 1
    return Media(
        given=bool(len(counted)) or bool(typed.any()),
        per_item=pictures,
        known=has | typed[1:],
        unreadable=(int(np.count_nonzero(bad)), [_visible(str(v)) for v in examples]),
    )
