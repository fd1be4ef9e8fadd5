"""Renderers: one module a format, each ``render(report, stream)``, behind ``FORMATS``."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from xgedu_stats.render import csv as csv_format
from xgedu_stats.render import json as json_format
from xgedu_stats.render import markdown, text
from xgedu_stats.tables import Report

Renderer = Callable[[Report, IO[str]], None]

FORMATS: dict[str, Renderer] = {
    "text": text.render,
    "markdown": markdown.render,
    "csv": csv_format.render,
    "json": json_format.render,
}

SUFFIXES = {".txt": "text", ".md": "markdown", ".csv": "csv", ".json": "json"}

#: Encoding of files written to disk, by format. CSV gets a BOM so that Excel shows Chinese.
FILE_ENCODING = {"csv": "utf-8-sig"}


def format_for(path: Path | None, given: str | None) -> str:
    """The output format: as given, else from the file's suffix, else text.

    >>> format_for(Path("out.md"), None), format_for(None, None)
    ('markdown', 'text')
    """
    if given:
        return given
    if path is not None:
        return SUFFIXES.get(path.suffix.lower(), "text")
    return "text"


@contextmanager
def atomic_output(path: Path, encoding: str = "utf-8") -> Iterator[IO[str]]:
    """A text stream that replaces ``path`` only once fully written; on error, nothing changes."""
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as stream:
            yield stream
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
