"""One self-contained HTML page: the tables and their charts (inline SVG), readable on a
phone and projected in a meeting. No script, no external file, no request: a Content
Security Policy in the page forbids them, so a page that tried would fail visibly."""

from __future__ import annotations

from typing import IO, Any

from xgedu_stats.render.charts import MAX_BARS, escape, svg
from xgedu_stats.tables import Report, Table

#: The policy the page declares: only its own inline styles and data: images.
POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

#: Chinese fonts of Apple, Windows, Android/Linux (Noto, Source Han), then any sans-serif.
FONTS = (
    '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", '
    '"Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif'
)

STYLE = f"""
:root {{ color-scheme: light; }}
body {{ margin: 0; font-family: {FONTS}; color: #222; background: #f6f7f9;
  line-height: 1.5; -webkit-text-size-adjust: 100%; }}
main {{ max-width: 960px; margin: 0 auto; padding: 16px; }}
h1 {{ font-size: 1.45rem; margin: 0.4em 0 0.2em; }}
h2 {{ font-size: 1.1rem; margin: 0 0 0.6em; }}
.period {{ color: #555; margin: 0 0 1em; }}
section {{ background: #fff; border-radius: 8px; padding: 14px 14px 10px; margin: 0 0 16px;
  box-shadow: 0 1px 2px rgba(0,0,0,.08); }}
.body {{ display: flex; flex-wrap: wrap; gap: 12px 24px; align-items: flex-start; }}
figure {{ margin: 0; flex: 1 1 340px; max-width: 560px; }}
figure svg {{ display: block; width: 100%; height: auto; }}
.body .scroll {{ flex: 1 1 320px; }}
.body .scroll.wide {{ flex-basis: 100%; }}
figcaption {{ font-size: 0.85rem; color: #555; margin-bottom: 4px; }}
.scroll {{ overflow-x: auto; }}
table {{ border-collapse: collapse; font-size: 0.92rem; min-width: 60%; }}
th, td {{ border: 1px solid #d5d9e0; padding: 4px 8px; text-align: left; }}
th {{ background: #eef2f7; font-weight: 600; min-width: 3.2em; }}
td {{ white-space: nowrap; }}
td:first-child {{ white-space: normal; min-width: 5em; }}
td.n {{ text-align: right; font-variant-numeric: tabular-nums; }}
tr.subtotal td, tr.total td, tr.heading td {{ font-weight: 600; background: #fafbfc; }}
tr.alert td {{ color: #b3261e; font-weight: 600; background: #fdf0ef; }}
ul.notes {{ background: #fff7e6; border-radius: 8px; padding: 10px 10px 10px 28px;
  margin: 0 0 16px; }}
footer {{ color: #555; font-size: 0.85rem; margin: 12px 0 24px; }}
@media (max-width: 520px) {{ main {{ padding: 10px; }} section {{ padding: 10px 8px 6px; }}
  table {{ font-size: 0.8rem; }} th, td {{ padding: 3px 4px; }} th {{ min-width: 2.6em; }} }}
"""

DEFAULT_TITLE = "政府信息公开统计"


#: A table of more columns than this goes under its chart, not beside it.
WIDE = 5


def render(report: Report, stream: IO[str]) -> None:
    title = report.title or DEFAULT_TITLE
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">',
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body><main>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="period">{escape(report.period_line())}</p>',
    ]
    if report.notes:  # (a bulletin's stale columns: what a reader should see first)
        out.append('<ul class="notes">')
        out += [f"<li>{escape(n)}</li>" for n in report.notes]
        out.append("</ul>")
    for table in report.tables:
        out.append(f'<section><h2>{escape(table.title)}</h2><div class="body">')
        for chart in report.charts:
            if chart.table == table.name and any(r.kind == "data" for r in table.rows):
                shown = chart.title
                if sum(r.kind == "data" for r in table.rows) > MAX_BARS:
                    shown += f"（表中前 {MAX_BARS} 行）"
                out.append(
                    f"<figure><figcaption>{escape(shown)}</figcaption>{svg(chart, table)}</figure>"
                )
        wide = " wide" if len(table.columns) > WIDE else ""
        out.append(f'<div class="scroll{wide}">{_table(table)}</div></div></section>')
    out.append("<footer>" + "<br>".join(escape(x) for x in report.conservation_lines()))
    out.append("</footer></main></body></html>\n")
    stream.write("\n".join(out))


def _table(table: Table) -> str:
    out = ["<table><thead>"]
    for level in table.header:
        cells = "".join(
            f'<th colspan="{span}">{escape(label)}</th>'
            if span > 1
            else f"<th>{escape(label)}</th>"
            for label, span in level
        )
        out.append(f"<tr>{cells}</tr>")
    out.append("<tr>" + "".join(f"<th>{escape(c.label)}</th>" for c in table.columns) + "</tr>")
    out.append("</thead><tbody>")
    for row in table.rows:
        classes = [row.kind] if row.kind != "data" else []
        classes += ["alert"] if row.alert else []
        kind = f' class="{" ".join(classes)}"' if classes else ""
        cells = "".join(
            f'<td class="n">{_cell(v, c.decimals)}</td>' if c.numeric else f"<td>{_cell(v)}</td>"
            for v, c in zip(row.values, table.columns, strict=True)
        )
        out.append(f"<tr{kind}>{cells}</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _cell(value: Any, decimals: int = 0) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and decimals:
        return f"{value:.{decimals}f}"
    return escape(str(value))
