"""Renderers: one module a format, behind ``FORMATS``; each takes a report and a stream."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from xgedu_stats.markers import marker_line
from xgedu_stats.outputs import open_output
from xgedu_stats.render import csv as csv_format
from xgedu_stats.render import html, markdown, text, xlsx
from xgedu_stats.render import json as json_format
from xgedu_stats.tables import Report


@dataclass(frozen=True)
class Format:
    """An output format: its renderer, whether it writes bytes, and the file encoding for text."""

    render: Callable[[Report, Any], None]
    binary: bool = False
    encoding: str = "utf-8"


FORMATS: dict[str, Format] = {
    "text": Format(text.render),
    "markdown": Format(markdown.render),
    # A BOM, so that Excel shows the Chinese text of a CSV file correctly.
    "csv": Format(csv_format.render, encoding="utf-8-sig"),
    "json": Format(json_format.render),
    "xlsx": Format(xlsx.render, binary=True),
    "html": Format(html.render),
}

#: How each text format carries the marker line in a file (``None``: no marker, JSON stays JSON).
MARKS: dict[str, str | None] = {
    "text": "{}",
    "markdown": "<!-- {} -->",
    "csv": "{}",
    "json": None,
    "html": "<!-- {} -->",
}


def write_report(report: Report, fmt: str, path: Path, what: str) -> None:
    """Render a report into a file (see :func:`xgedu_stats.outputs.open_output`), marked as
    written by the tool (``what``: 统计表, 无效行明细 …) so that it is never read as an export."""
    spec = FORMATS[fmt]
    marker = marker_line(what)
    if spec.binary:
        with open_output(path, None) as stream:
            xlsx.render(report, stream, marker=marker)
        return
    write_text(path, lambda stream: spec.render(report, stream), fmt, what, spec.encoding)


def write_text(
    path: Path,
    render: Callable[[IO[str]], None],
    fmt: str,
    what: str,
    encoding: str = "utf-8",
) -> None:
    """Write text into a file, with the marker line its format carries."""
    mark = MARKS.get(fmt)
    first = mark.format(marker_line(what)) if mark is not None else None
    with open_output(path, encoding, first_line=first) as stream:
        render(stream)
