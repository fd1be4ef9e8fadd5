"""The kinds of input, registered in one place (``KINDS``). A kind is one module that
makes a ``Kind``; registering it here is all the rest of the tool needs: files are told
apart by their names (``kind_of``), read by the same machinery (encodings, header search,
rejects, ``inspect``), and the rows of a kind other than articles go to ``Result.kinds``
and to the tables the kind makes, never into the counts of published items.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from xgedu_stats.read.kinds.articles import ARTICLES
from xgedu_stats.read.kinds.base import FieldSpec, Kind
from xgedu_stats.read.kinds.interactions import INTERACTIONS
from xgedu_stats.read.kinds.registers import APPEALS, APPLICATIONS, DOCUMENTS
from xgedu_stats.read.kinds.traffic import TRAFFIC

#: Every kind, articles first (the kind of a file that names no other).
KINDS: tuple[Kind, ...] = (ARTICLES, INTERACTIONS, TRAFFIC, APPLICATIONS, APPEALS, DOCUMENTS)

__all__ = [
    "APPEALS",
    "APPLICATIONS",
    "ARTICLES",
    "DOCUMENTS",
    "INTERACTIONS",
    "KINDS",
    "TRAFFIC",
    "FieldSpec",
    "Kind",
    "find",
    "kind_of",
]


def find(name: str) -> Kind:
    """The registered kind of this name."""
    return next(k for k in KINDS if k.name == name)


def kind_of(path: PurePath, kinds: tuple[Kind, ...] | None = None) -> tuple[Kind, str]:
    """A file's kind and why: the first kind (after articles) with a word in the file's
    name, then in its folder's name; else articles.

    >>> kind_of(PurePath("导出/门户网站.csv"))[0].name
    'articles'
    """
    kinds = KINDS if kinds is None else kinds
    for where, name in (("文件名", path.name), ("文件夹名", path.parent.name)):
        for kind in kinds[1:]:
            word = next((w for w in kind.words if _holds_word(name, w)), None)
            if word is not None:
                return kind, f"{where}含「{word}」"
    return kinds[0], ""


def _holds_word(name: str, word: str) -> bool:
    """Whether a file or folder name holds a kind's word: Chinese words anywhere, Latin ones
    as words (``traffic_2018.csv`` is traffic, ``notraffic`` is not).

    >>> _holds_word("门户网站访问统计.csv", "访问统计"), _holds_word("2018-traffic.csv", "traffic"), _holds_word("notraffic", "traffic")
    (True, True, False)
    """
    if not word.isascii():
        return word.casefold() in name.casefold()
    return (
        re.search(rf"(?<![a-z]){re.escape(word.casefold())}(?![a-z])", name.casefold()) is not None
    )
