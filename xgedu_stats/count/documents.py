"""A register of normative documents (规章、行政规范性文件) to the first part of table 二 of the
2021 national format (第二十条第（一）项): for a period, documents issued in it (本年制发),
repealed in it (本年废止), and in force at its end (现行有效: issued by then and not
repealed by then)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from xgedu_stats.config import Period, word_key
from xgedu_stats.count import registers
from xgedu_stats.count.registers import Check
from xgedu_stats.read.kinds import DOCUMENTS

RULES = "规章"
NORMATIVE = "行政规范性文件"
DOC_KINDS = (RULES, NORMATIVE)
ISSUED, REPEALED, IN_FORCE = "本年制发件数", "本年废止件数", "现行有效件数"
FIGURES = (ISSUED, REPEALED, IN_FORCE)

_KIND_OF = registers.lookup(
    {
        RULES: ("规章", "政府规章", "部门规章", "地方政府规章"),
        NORMATIVE: ("行政规范性文件", "规范性文件"),
    }
)

REASON_NO_KIND = "文件类型为空"
REASON_KIND = "文件类型无法识别（应为规章或行政规范性文件）"


def doc_kind_of(value: str) -> str:
    """规章 or 行政规范性文件 ("" when a cell names neither).

    >>> doc_kind_of("规范性文件"), doc_kind_of("政府规章"), doc_kind_of("通知")
    ('行政规范性文件', '规章', '')
    """
    return _KIND_OF.get(registers.label_key(value), "")


def _title_key(value: str) -> str:
    return word_key(value).casefold()


#: Issued, repealed and in force, by kind, for one period: ``counts`` indexed by
#: ``DOC_KINDS``, columns ``FIGURES``.
Documents = registers.Tally


#: (a 文号 names one document: copies with different 文件名称 are a mistyped 文号, not one)
LAYOUT = registers.Layout("number", "issued", "repealed", ("doc_kind", "title"))


def count_documents(rows: pd.DataFrame, malformed: pd.DataFrame, period: Period) -> Documents:
    """Table 二's first part for ``period`` from the rows of documents registers (a document
    is one per 文号)."""
    found = registers.read_cases(rows, malformed, DOCUMENTS, period, LAYOUT, _sorted)
    cases = found.cases
    kind = cases["doc_kind"]
    figures = {
        ISSUED: registers.began_within(cases, period),
        REPEALED: registers.ended_within(cases, period),
        IN_FORCE: ~registers.ended_by(cases, period),
    }
    counts = pd.DataFrame(
        {
            name: [int((kind[chosen] == k).sum()) for k in DOC_KINDS]
            for name, chosen in figures.items()
        },
        index=list(DOC_KINDS),
    )
    return registers.tally(found, counts)


def _sorted(given: pd.DataFrame) -> tuple[dict[str, np.ndarray], list[Check]]:
    doc_kind = registers.per_value(given["doc_kind"], doc_kind_of)
    checks = [
        Check(REASON_NO_KIND, registers.blank(given["doc_kind"])),
        Check(REASON_KIND, doc_kind == ""),
    ]
    return {"doc_kind": doc_kind, "title": registers.per_value(given["title"], _title_key)}, checks
