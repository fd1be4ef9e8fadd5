"""The report as Markdown: the same sections and tables as the Word file, the tables as
pipe tables (a label spanning columns joined to each column's label), for pasting into
other systems."""

from __future__ import annotations

from typing import IO

from xgedu_stats.document import Document
from xgedu_stats.messages import printable
from xgedu_stats.render.text import table_text


def render(document: Document, stream: IO[str]) -> None:
    blocks = []
    for part in document.parts:
        if part.kind == "table" and part.table is not None:
            caption = f"**{_line(part.text)}**\n\n" if part.text else ""
            blocks.append(caption + table_text(part.table, "pipe"))
        elif part.kind == "heading":
            blocks.append("#" * (part.level + 1) + " " + _line(part.text))
        elif part.kind == "title":
            blocks.append("# " + _line(part.text))
        else:  # (a paragraph starting with # is text, as in the Word file)
            text = _line(part.text)
            blocks.append("\\" + text if text.startswith("#") else text)
    stream.write("\n\n".join(blocks) + "\n")


def _line(text: str) -> str:
    """A paragraph on one line, its control characters escaped as in the Word file
    (a form feed as \\x0c, not a line break)."""
    return printable(text)
