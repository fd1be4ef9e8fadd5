"""Property test: random rows, some broken, in random encodings and formats.

Whatever the input, no exception escapes, every row is accounted for, each broken row is
rejected on its own line, and shuffling rows or files changes no figure.
"""

from __future__ import annotations

import csv
import html
import io
import random
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xgedu_stats.config import Period, RunConfig
from xgedu_stats.errors import XgeduError
from xgedu_stats.pipeline import run

HEADER = ["标题", "发布时间", "栏目"]
BREAKS_TEXT = ["extra", "short", "nul", "quote", "undecodable"]
BREAKS_SHEET = ["extra"]

good_row = st.tuples(
    st.sampled_from(
        ["关于开学的通知", "【孝感教育】关于开学的通知", "会议，召开", '甲"乙', "", "校园 安全"]
    ),
    st.sampled_from(["2018-03-01", "2018/3/2", "2018年3月3日", "43164", "", "待定", "2019-01-01"]),
    st.sampled_from(["规划财务", "首页>教育科研", "", "工作动态"]),
)
row = st.tuples(good_row, st.sampled_from([None, None, None, *BREAKS_TEXT]))
file_spec = st.tuples(
    st.sampled_from(["门户", "云上", "大楚", "头条"]),
    st.sampled_from(["csv", "tsv", "xlsx", "html"]),
    st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
    st.lists(row, min_size=1, max_size=20),
    st.booleans(),  # end the file inside an unclosed quote (text formats)
)


def _text_line(cells: list[str], delimiter: str, brk: str | None) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="").writerow(cells)
    line = out.getvalue()
    if brk == "extra":
        return line + delimiter + "多余"
    if brk == "short":
        return cells[0].replace('"', "").replace(delimiter, "") or "短"
    if brk == "nul":
        return "\x00" + line
    if brk == "quote":
        return '"引号"x' + delimiter + line
    return line


def write(root: Path, index: int, spec: tuple) -> tuple[Path, int, set[int]]:
    """Write one file; return its path, its data rows and the lines of the rows broken on purpose."""
    platform, kind, encoding, rows, unclosed = spec
    path = (
        root
        / f"{platform}_{index}.{ {'csv': 'csv', 'tsv': 'tsv', 'xlsx': 'xlsx', 'html': 'xls'}[kind] }"
    )
    broken: set[int] = set()
    if kind in ("csv", "tsv"):
        delimiter = "," if kind == "csv" else "\t"
        chunks = [delimiter.join(HEADER).encode(encoding)]  # a BOM, if any, only at the start
        encoding = "utf-8" if encoding == "utf-8-sig" else encoding
        # only a minority of lines may fail to decode (else it is another encoding)
        undecodable = sum(brk == "undecodable" for _, brk in rows)
        good = 1 + sum(
            brk != "undecodable" and not all(c.isascii() for c in cells) for cells, brk in rows
        )
        allow = encoding != "gb18030" and undecodable * 3 <= good
        for line, (cells, brk) in enumerate(rows, start=2):
            if brk == "undecodable" and not allow:
                brk = None
            if brk == "undecodable":
                data = (_text_line(list(cells), delimiter, None) + "乙").encode(encoding)
                chunks.append(data.replace("乙".encode(encoding), "乙".encode("gbk")))
            else:
                chunks.append(_text_line(list(cells), delimiter, brk).encode(encoding))
            if brk:
                broken.add(line)
        if unclosed:
            chunks.append(f'"未完{delimiter}2018-03-01'.encode(encoding))
            broken.add(len(rows) + 2)
        path.write_bytes(b"\n".join(chunks) + b"\n")
        return path, len(rows) + unclosed, broken
    body: list[list[str]] = []
    for line, (cells, brk) in enumerate(rows, start=2):
        brk = brk if brk in BREAKS_SHEET else None
        body.append([*cells, "多余"] if brk else list(cells))
        if brk:
            broken.add(line)
    if kind == "xlsx":
        import openpyxl

        book = openpyxl.Workbook()
        book.active.append(HEADER)
        for r in body:
            book.active.append(r)
        book.save(path)
    else:
        trs = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>\n"
            for r in [HEADER, *body]
        )
        path.write_bytes(f"<html><body><table>{trs}</table></body></html>".encode(encoding))
    return path, len(rows), broken


def nonblank(spec: tuple) -> int:
    """Rows with some content; an all-empty row in a sheet is a blank row."""
    _, kind, _, rows, unclosed = spec
    if kind in ("csv", "tsv"):
        return len(rows) + unclosed
    return sum(any(c.strip() for c in cells) or brk in BREAKS_SHEET for cells, brk in rows)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(file_spec, min_size=1, max_size=4), st.randoms(use_true_random=False))
def test_broken_rows_are_rejected_alone_and_nothing_is_lost(
    specs: list, rnd: random.Random
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "a").mkdir()
        written = [write(root / "a", i, spec) for i, spec in enumerate(specs)]
        try:
            result = run(RunConfig(tuple(p for p, _, _ in written), period=Period.year(2018)))
        except XgeduError:
            return  # a clean, explained error is allowed; a traceback is not
        t = result.totals
        assert t.balanced
        # blank rows (every cell empty) are not rows; everything else is read
        expected = sum(nonblank(spec) for spec in specs)
        assert t.rows_read == expected - sum(f.blank_lines for f in result.files if f.type == "csv")
        rejected = {(Path(f).name, line) for f, line in result.rejects[["file", "line"]].values}
        for path, _, broken in written:
            assert {(path.name, line) for line in broken} <= rejected

        # the same rows shuffled, the files in another order: the same figures
        (root / "b").mkdir()
        shuffled = []
        for platform, kind, encoding, rows, unclosed in specs:
            shuffled.append((platform, kind, encoding, rnd.sample(rows, len(rows)), unclosed))
        order = list(range(len(specs)))
        rnd.shuffle(order)
        again = [write(root / "b", i, shuffled[i]) for i in order]
        other = run(RunConfig(tuple(p for p, _, _ in again), period=Period.year(2018)))
        assert other.totals == t
        assert other.categories.equals(result.categories)
