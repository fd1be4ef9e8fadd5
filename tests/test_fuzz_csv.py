"""Fuzz: malformed delimited text thrown at the reader (hypothesis, bounded).

Valid rows with random bytes, quotes, CRs, NULs, byte-order marks, long fields, runs of
delimiters, summary rows and lines in another encoding between them. Whatever the bytes:
no internal error (only an ``XgeduError``, which the CLI prints as one line), every row
read is accounted for (rows_read = rejected + out_of_period + duplicates + unique_items),
and where both the fast and the careful reader apply they read the file alike.
"""

from __future__ import annotations

import codecs
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_fastcsv import assert_same_as_careful, fast_sheets

from xgedu_stats.config import Period, RunConfig
from xgedu_stats.errors import XgeduError
from xgedu_stats.pipeline import run
from xgedu_stats.read.text import as_utf8

row = st.tuples(
    st.sampled_from(["关于开学的通知", "甲", "会议，召开", "共青团活动", "", "a{d}b", '他说"好"']),
    st.sampled_from(["2018-03-01", "2018/3/2", "2019-01-01", "", "待定", "43164"]),
    st.sampled_from(["规划财务", "首页>教育科研", "", "工作动态"]),
    st.booleans(),  # quote every field
).map(
    lambda r: (
        ("{d}".join('"' + c.replace('"', '""') + '"' for c in r[:3]) if r[3] else "{d}".join(r[:3]))
        + "\n"
    )
)
# A piece of the file: (kind, value); text is written in the file's encoding.
piece = st.one_of(
    row.map(lambda r: ("text", r)),
    st.sampled_from(
        [
            '"',
            '""',
            "\r",
            "\r\n",
            "\n",
            "\x00",
            "{d}",
            " ",
            "\u3000",
            "\ufeff",
            "合计：3条\n",
            "共 12 条{d}{d}\n",
            '"未闭合{d}2018-01-01\n',
            "\x0b",
            "\u2028",
        ]
    ).map(lambda t: ("text", t)),
    row.map(lambda r: ("other encoding", r)),
    st.binary(min_size=1, max_size=6).map(lambda b: ("bytes", b)),
    st.sampled_from([codecs.BOM_UTF8, codecs.BOM_UTF16_LE]).map(lambda b: ("bytes", b)),
    st.sampled_from([1_000, 140_000]).map(lambda n: ("text", "长" * n + "{d}2018-01-01\n")),
    st.sampled_from([100, 17_000]).map(lambda n: ("text", "{d}" * n + "\n")),
)
HEADER = "标题{d}发布时间{d}栏目\n"


def assemble(pieces: list, delimiter: str, encoding: str, bom: bool) -> bytes:
    other = "gbk" if encoding != "gbk" else "utf-8"
    out = [codecs.BOM_UTF8 if bom and encoding == "utf-8" else b""]
    out.append(HEADER.replace("{d}", delimiter).encode(encoding))
    for kind, value in pieces:
        if kind == "bytes":
            out.append(value)
        else:
            text = value.replace("{d}", delimiter)
            out.append(text.encode(other if kind == "other encoding" else encoding, "replace"))
    return b"".join(out)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    st.lists(piece, min_size=1, max_size=25),
    st.sampled_from([",", "\t", ";", "|"]),
    st.sampled_from(["utf-8", "gbk", "utf-16"]),
    st.booleans(),
)
def test_malformed_text_is_read_or_refused_in_one_line(
    pieces: list, delimiter: str, encoding: str, bom: bool
) -> None:
    data = assemble(pieces, delimiter, encoding, bom)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "门户.csv"
        path.write_bytes(data)
        try:
            result = run(RunConfig((path,), period=Period.year(2018)))
        except XgeduError:
            pass  # a clear error, which the CLI prints as one line
        else:
            t = result.totals
            assert t.rows_read == t.rejected + t.out_of_period + t.duplicates + t.unique_items
            assert t.rows_read == sum(f.rows for f in result.files)
    if as_utf8(data) is None:
        return  # (some lines do not decode: the careful path alone reads these)
    for sheet in fast_sheets(data, delimiter):
        if sheet is not None:
            assert_same_as_careful(sheet, data)
