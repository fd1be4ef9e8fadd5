"""Renderers: one module a format, behind ``FORMATS``; each takes a report and a stream."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from xgedu_stats.render import csv as csv_format
from xgedu_stats.render import json as json_format
from xgedu_stats.render import markdown, text, xlsx
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
}

SUFFIXES = {".txt": "text", ".md": "markdown", ".csv": "csv", ".json": "json", ".xlsx": "xlsx"}


def format_for(path: Path | None, given: str | None, default: str = "text") -> str:
    """The output format: as given, else from the file's suffix, else the default.

    >>> format_for(Path("out.md"), None), format_for(None, None)
    ('markdown', 'text')
    """
    if given:
        return given
    if path is not None:
        return SUFFIXES.get(path.suffix.lower(), default)
    return default


@contextmanager
def atomic_output(path: Path, encoding: str | None = "utf-8") -> Iterator[IO[Any]]:
    """A stream that replaces ``path`` only once fully written; on error, nothing changes.

    ``encoding=None`` gives a binary stream.
    """
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        if encoding is None:
            with os.fdopen(fd, "wb") as stream:
                yield stream
        else:
            with os.fdopen(fd, "w", encoding=encoding, newline="") as stream:
                yield stream
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_report(report: Report, fmt: str, path: Path) -> None:
    """Render a report atomically into a file."""
    spec = FORMATS[fmt]
    with atomic_output(path, None if spec.binary else spec.encoding) as stream:
        spec.render(report, stream)
