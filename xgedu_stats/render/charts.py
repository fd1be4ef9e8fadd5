"""Bar charts as inline SVG, written directly.

Not matplotlib: its SVG backend draws every glyph as a path from a font it must find on
the machine that runs the tool (measured: a bar chart of 17 departments, 65 KB with a CJK
font installed, 28 KB without one — and its labels boxes), and it is a 35 MB dependency.
Here labels are ``<text>``: the reader's browser draws them with its own fonts (every phone
has a Chinese one); the categories' chart of two series is 7 KB, and nothing runs on the
page.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape as escape_html

from wcwidth import wcswidth

from xgedu_stats.messages import printable
from xgedu_stats.presentation import Chart, Table

#: The chart's own units; the page scales it to its width (a phone: about 0.85).
WIDTH = 400
FONT = 13
#: This period, the period before, and more series (never more than a few side by side).
COLOURS = ("#2f6db5", "#9dbbe3", "#e39b4b", "#6aa56a")
TREND_COLOUR, TREND_LAST = "#9dbbe3", "#2f6db5"


def escape(text: str) -> str:
    """Text for a page or an SVG: control characters written as \\x07 (neither can hold
    them), then HTML-escaped."""
    return escape_html(printable(text))


#: Most rows a chart draws (the table's first; the table has them all).
MAX_BARS = 40


def svg(chart: Chart, table: Table) -> str:
    """The chart of a table as an ``<svg>`` element (its labels as text), of its first
    ``MAX_BARS`` rows."""
    labels, names, values = chart.data(table)
    labels, values = labels[:MAX_BARS], values[:MAX_BARS]
    if chart.style == "trend":
        return _trend(chart.title, labels, names, values)
    return _bars(chart.title, labels, names, values)


def _text_width(text: str, size: float = FONT) -> float:
    """About how wide a label is drawn: a CJK character 1 em, others about 0.6 em."""
    columns = wcswidth(text)
    return (columns if columns >= 0 else 2 * len(text)) * size * 0.55


def _fit(text: str, room: float, size: float = FONT) -> str:
    """The label, cut with … when it is wider than ``room``."""
    if _text_width(text, size) <= room:
        return text
    while text and _text_width(text + "…", size) > room:
        text = text[:-1]
    return text + "…"


def _open(title: str, height: float) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}"'
        f' role="img" aria-label="{escape(title)}" font-size="{FONT}">',
        f"<title>{escape(title)}</title>",
    ]


def _label_room(labels: Sequence[str]) -> float:
    return min(max((_text_width(t) for t in labels), default=0) + 8, WIDTH * 0.38)


def _bars(
    title: str, labels: Sequence[str], names: Sequence[str], values: Sequence[Sequence[int]]
) -> str:
    """Horizontal bars: a row per label, one bar per series, the value after each bar."""
    series = len(names)
    bar, gap, row_gap = 12, 2, 9
    row = series * bar + (series - 1) * gap + row_gap
    legend = 22 if series > 1 else 0
    left = _label_room(labels)
    top = max((v for r in values for v in r), default=0) or 1
    scale = (WIDTH - left - 44) / top
    height = legend + len(labels) * row + 4
    out = _open(title, height)
    x = left
    for i, name in enumerate(names if series > 1 else ()):
        out.append(
            f'<rect x="{x:.1f}" y="4" width="12" height="12" fill="{COLOURS[i % 4]}"/>'
            f'<text x="{x + 16:.1f}" y="15">{escape(name)}</text>'
        )
        x += _text_width(name) + 34
    for r, (label, counts) in enumerate(zip(labels, values, strict=True)):
        y = legend + r * row
        middle = y + (row - row_gap) / 2
        out.append(
            f'<text x="{left - 6:.1f}" y="{middle + FONT * 0.35:.1f}" text-anchor="end">'
            f"<title>{escape(label)}</title>{escape(_fit(label, left - 8))}</text>"
        )
        for s, value in enumerate(counts):
            by = y + s * (bar + gap)
            length = value * scale
            out.append(
                f'<rect x="{left:.1f}" y="{by:.1f}" width="{length:.1f}" height="{bar}"'
                f' fill="{COLOURS[s % 4]}"><title>{escape(label)} {escape(names[s])}：{value}'
                "</title></rect>"
                f'<text x="{left + length + 4:.1f}" y="{by + bar - 2:.1f}" font-size="11"'
                f' fill="#333">{value}</text>'
            )
    out.append("</svg>")
    return "".join(out)


def _trend(
    title: str, labels: Sequence[str], names: Sequence[str], values: Sequence[Sequence[int]]
) -> str:
    """A row per label, its series (periods, oldest first) as a small column chart with
    each value above its column, the last period darker. Each row is scaled to its own
    largest value (the numbers say how large), so that a small department's ups and downs
    show beside a large one's."""
    count = len(names)
    left = _label_room(labels)
    cell = (WIDTH - left) / max(count, 1)
    head, row, tall = 20, 34, 18
    height = head + len(labels) * row + 4
    out = _open(title, height)
    for i, name in enumerate(names):
        x = left + (i + 0.5) * cell
        out.append(
            f'<text x="{x:.1f}" y="14" text-anchor="middle" font-size="11" fill="#555">'
            f"{escape(_fit(name, cell - 2, 11))}</text>"
        )
    for r, (label, counts) in enumerate(zip(labels, values, strict=True)):
        y = head + r * row
        base = y + row - 4
        top = max(counts, default=0) or 1
        out.append(
            f'<text x="{left - 6:.1f}" y="{base - 2:.1f}" text-anchor="end">'
            f"<title>{escape(label)}</title>{escape(_fit(label, left - 8))}</text>"
            f'<line x1="{left:.1f}" y1="{base:.1f}" x2="{WIDTH}" y2="{base:.1f}" stroke="#ddd"/>'
        )
        for i, value in enumerate(counts):
            h = value / top * tall
            x = left + i * cell + cell * 0.2
            colour = TREND_LAST if i == count - 1 else TREND_COLOUR
            out.append(
                f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{cell * 0.6:.1f}" height="{h:.1f}"'
                f' fill="{colour}"><title>{escape(label)} {escape(names[i])}：{value}</title></rect>'
                f'<text x="{x + cell * 0.3:.1f}" y="{base - h - 2:.1f}" text-anchor="middle"'
                f' font-size="10" fill="#333">{value}</text>'
            )
    out.append("</svg>")
    return "".join(out)
