"""Fuzz: small valid .xlsx, HTML and SpreadsheetML files, mutated (XML and markup cut,
repeated, spliced with hostile tokens; zip parts dropped, stored, truncated, flipped).

Whatever comes out, reading it ends in a result whose rows all add up (rows read =
rejected + out of period + duplicates + unique items) or in one clear one-line error;
never another exception. Run in-process for speed; the hostile files that need a memory
limit are in ``test_hostile_workbooks``.
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from workbooks import HEADER, ROWS, html_table, sheet_data, spreadsheetml, xlsx_parts, zip_bytes

from xgedu_stats.config import RunConfig
from xgedu_stats.errors import XgeduError
from xgedu_stats.pipeline import run

#: Pieces spliced into the text: structure, hostile references and values, odd characters.
TOKENS = [
    "<row>", "</row>", '<row r="3">', '<row r="99999999999">', '<row r="1048576">', "<c>", "</c>",
    '<c r="B2" t="s"><v>0</v></c>', '<c r="ZZZZ2">', '<c r="XFD2"><v>1</v></c>', '<c r="A1">',
    "<v>", "</v>", "<v>abc</v>", "<v>99999</v>", "<v>1e308</v>", "<v>nan</v>", "<v>-1</v>",
    't="s"', 't="b"', 't="d"', 't="e"', 't="str"', 't="inlineStr"', 's="1"', 's="99"',
    "<is><t>x</t></is>", "<rPh><t>y</t></rPh>", "<si><t>z</t></si>", "</si>", "<f>A1</f>",
    "<table>", "</table>", "<tr>", "</tr>", "<td>", "</td>", "<th>", '<td colspan="1000">',
    '<td rowspan="0">', '<td rowspan="65534" colspan="3">', '<td colspan="-5">', "<br>",
    "<Row>", "</Row>", "<Cell>", "</Cell>", '<Cell ss:Index="16384">', '<Cell ss:Index="abc">',
    '<Cell ss:MergeAcross="99999">', '<Row ss:Index="0">', '<Row ss:Index="2000000000">',
    '<Data ss:Type="String">', "</Data>", "<Worksheet>", "</Worksheet>",
    "<![CDATA[x]]>", "<!--c-->", "<![foo[", "<!DOCTYPE x>", '<!ENTITY e "e">', "&e;", "&amp;",
    "&#0;", "&#x110000;", "\x00", "\x1b[31m", "\ufeff", "\ud800", '"', "'", "<", ">", "]]>",
    "2018-03-01", "合计", "标题", "发布时间", "9" * 30,
]  # fmt: skip

#: Values put into an attribute or between tags, keeping the XML well formed.
VALUES = [
    "", "abc", "0", "-1", "1", "2", "3", "8", "16384", "16385", "65535", "1048576", "1048577",
    "99999999999", "2000000000", "1e308", "nan", "inf", "12.5", "ZZZZ2", "XFD1", "XFE1", "A1",
    "B2", "$b$2", "5B", "s", "n", "b", "d", "e", "str", "inlineStr", "2018-03-01", "合计",
    "_x000D_", " ", "0x10", "１２", "²",
]  # fmt: skip
#: A value's place: inside quotes, or between ``>`` and ``<``.
VALUE_PLACE = re.compile(r'(?<==")[^"<&]*(?=")|(?<=>)[^<&]+(?=<)')

#: (what, where, how much, token): ``where`` and ``how much`` are fractions of the text.
edit = st.tuples(
    st.sampled_from(["delete", "insert", "repeat", "replace", "value", "value", "value"]),
    st.floats(0, 1),
    st.floats(0, 0.3),
    st.sampled_from(TOKENS + VALUES),
)
edits = st.lists(edit, min_size=1, max_size=6)

#: Text grows at most to this (a repeat doubles a slice at most).
MAX_TEXT = 40_000


def mutate(text: str, changes: list[tuple[str, float, float, str]]) -> str:
    for what, where, much, token in changes:
        at = int(where * len(text))
        end = min(len(text), at + int(much * len(text)) + 1)
        if what == "delete":
            text = text[:at] + text[end:]
        elif what == "insert":
            text = text[:at] + token + text[at:]
        elif what == "repeat" and len(text) + (end - at) * 3 <= MAX_TEXT:
            text = text[:end] + text[at:end] * 3 + text[end:]
        elif what == "replace":
            text = text[:at] + token + text[end:]
        elif what == "value":  # the next value at or after ``at``, replaced by a plain value
            found = VALUE_PLACE.search(text, at) or VALUE_PLACE.search(text)
            value = VALUES[int(much * 10 * len(VALUES)) % len(VALUES)]
            if found:
                text = text[: found.start()] + value + text[found.end() :]
    return text


def encode(text: str, encoding: str = "utf-8") -> bytes:
    """The text's bytes; a lone surrogate becomes bytes no decoder accepts, where it can."""
    try:
        return text.encode(encoding, "surrogatepass")
    except UnicodeEncodeError:
        return text.encode(encoding, "replace")


def check(name: str, content: bytes) -> None:
    """Read one file: a balanced result, or one clear line."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        try:
            result = run(RunConfig((path,)))
        except XgeduError as exc:
            message = str(exc)
            assert message and "\n" not in message and "\r" not in message, message
            event("error: " + message.replace(str(path), name).split("（")[0][:40])
            return
        event("read" if result.totals.rows_read else "read, no rows")
        assert path.read_bytes() == content
        assert result.totals.balanced, result.totals


FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

STYLES = (
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
    '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs>'
)
TYPED = (
    '<row r="6"><c r="A6" t="s"><v>0</v></c><c r="B6" s="1"><v>43164</v></c>'
    '<c r="C6" t="b"><v>1</v></c><c r="D6"><v>12.5</v></c></row>'
)
XLSX_PARTS = xlsx_parts(sheet_data(extra=TYPED), shared=["关于开展读书活动的通知"], styles=STYLES)


@settings(FUZZ, max_examples=200)
@given(
    part=st.sampled_from([*sorted(XLSX_PARTS), *["xl/worksheets/sheet1.xml"] * 6]),
    changes=edits,
    zipped=st.sampled_from(["deflate"] * 6 + ["store", "drop", "truncate", "flip"]),
    where=st.floats(0, 1),
)
def test_mutated_xlsx(part: str, changes: list, zipped: str, where: float) -> None:
    parts = dict(XLSX_PARTS)
    parts[part] = encode(mutate(parts[part].decode("utf-8"), changes))
    if zipped == "drop":
        del parts[part]
    method = zipfile.ZIP_STORED if zipped == "store" else zipfile.ZIP_DEFLATED
    content = zip_bytes(parts, method)
    at = int(where * (len(content) - 1))
    if zipped == "truncate":
        content = content[: max(at, 4)]
    elif zipped == "flip":
        content = content[:at] + bytes([content[at] ^ 0xFF]) + content[at + 1 :]
    check("门户_fuzz.xlsx", content)


@FUZZ
@given(changes=edits, encoding=st.sampled_from(["utf-8", "gb18030", "utf-16"]))
def test_mutated_html(changes: list, encoding: str) -> None:
    page = html_table([HEADER, *ROWS, ["合计", "", ""]]).replace(
        "<tr><td>关于", '<tr><td rowspan="2" colspan="1">关于', 1
    )
    text = mutate(page, changes)
    check("门户_fuzz.html", encode(text, encoding))


@FUZZ
@given(changes=edits)
def test_mutated_spreadsheetml(changes: list) -> None:
    rows = (
        "".join(
            "<Row>"
            + "".join(f'<Cell><Data ss:Type="String">{c}</Data></Cell>' for c in r)
            + "</Row>"
            for r in (HEADER, *ROWS)
        )
        + '<Row ss:Index="8"><Cell ss:Index="2" ss:MergeAcross="1"><Data ss:Type="String">x</Data></Cell></Row>'
    )
    check("门户_fuzz.xls", encode(mutate(spreadsheetml(rows), changes)))
