"""Bytes to a raw table of strings, every row tagged with its file and line.

This stage decides the encoding and splits records; it does not know what a column
means (that is ``profiles``) nor what a value means (that is ``normalize``).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from xgedu_stats.errors import InputError

#: File name endings read when a folder is given.
TABULAR_SUFFIXES = (".csv",)

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True)
class SourceFile:
    """A file to read, and the name it is shown by in messages and outputs."""

    path: Path
    display: str


@dataclass(frozen=True)
class RawTable:
    """A file's records as strings.

    ``rows`` has one column per header position, named ``c0``, ``c1`` …, plus ``line``
    (the 1-based line in the file where the record starts). ``malformed`` holds the
    records that could not be split into the header's fields: ``line``, ``reason``, ``raw``.
    """

    source: SourceFile
    encoding: str
    header: tuple[str, ...]
    header_line: int
    rows: pd.DataFrame
    malformed: pd.DataFrame
    blank_lines: int


def discover(paths: Iterable[Path]) -> list[SourceFile]:
    """Expand files and folders (recursively, ``*.csv``) into the files to read.

    >>> discover([Path("samples/2018")])  # doctest: +SKIP
    [SourceFile(path=PosixPath('samples/2018/今日头条_2018.csv'), ...), ...]
    """
    found: dict[Path, SourceFile] = {}
    for given in paths:
        if given.is_dir():
            inside = sorted(
                p
                for p in given.rglob("*")
                if p.is_file()
                and p.suffix.lower() in TABULAR_SUFFIXES
                and not p.name.startswith((".", "~$"))
            )
            if not inside:
                raise InputError(f"文件夹 {given} 中没有 .csv 文件")
            candidates = inside
        elif given.is_file():
            candidates = [given]
        elif given.exists():
            raise InputError(f"{given} 既不是文件也不是文件夹")
        else:
            raise InputError(f"找不到文件或文件夹：{given}")
        for p in candidates:
            found.setdefault(p.resolve(), SourceFile(p, p.as_posix()))
    return list(found.values())


def decode(data: bytes, display: str, encoding: str | None = None) -> tuple[str, str]:
    """Decode a file's bytes; returns ``(text, encoding)``.

    Without a configured encoding: a BOM decides; else strict UTF-8; else GB18030
    (a superset of GBK). Never the other way round: GB18030 decodes most UTF-8 into
    garbage without complaint.

    >>> decode("标题".encode("gbk"), "a.csv")
    ('标题', 'gb18030')
    """
    if encoding:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise InputError(
                f"文件 {display} 第 {_line_at(data, exc.start)} 行不能按配置的编码 {encoding} 读取；"
                "请检查配置文件中该平台的 encoding，或删去它让程序自动识别"
            ) from None
        return text.removeprefix("\ufeff"), encoding
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name).removeprefix("\ufeff"), name
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"文件 {display} 以 {name} 标记开头，但第 {_line_at(data, exc.start)} 行"
                    "含有无法解码的字节；请重新导出该文件"
                ) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise InputError(
            f"文件 {display} 的编码无法识别（既不是 UTF-8，也不是 GBK/GB18030；"
            f"第 {_line_at(data, exc.start)} 行出错）；"
            '请在配置文件中为该平台设置 encoding = "…"'
        ) from None


def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def read_table(source: SourceFile, encoding: str | None = None) -> RawTable:
    """Read one delimited file into a :class:`RawTable`; the first non-blank row is the header."""
    try:
        data = source.path.read_bytes()
    except OSError as exc:
        raise InputError(f"无法读取文件 {source.display}：{exc.strerror}") from None
    text, used = decode(data, source.display, encoding)
    return split_records(text, source, used)


def split_records(text: str, source: SourceFile, encoding: str) -> RawTable:
    """Split decoded text into header and records, keeping each record's line number."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    header_line = 0
    width = 0
    lines: list[int] = []
    records: list[Sequence[str]] = []
    bad: list[tuple[int, str, str]] = []
    blank = 0
    next_line = 1
    try:
        for record in reader:
            line, next_line = next_line, reader.line_num + 1
            if not any(cell.strip() for cell in record):
                blank += 1
                continue
            if header is None:
                header, header_line, width = list(record), line, len(record)
                while width and not header[width - 1].strip():
                    width -= 1
                continue
            if len(record) > width and not any(c.strip() for c in record[width:]):
                record = record[:width]
            if len(record) != width:
                reason = f"字段数为 {len(record)}，与表头的 {width} 列不符"
                bad.append((line, reason, ",".join(record)))
                continue
            lines.append(line)
            records.append(record)
    except csv.Error as exc:
        raise InputError(f"文件 {source.display} 第 {next_line} 行无法解析：{exc}") from None
    if header is None:
        raise InputError(f"文件 {source.display} 是空的，没有表头")
    columns = list(zip(*records, strict=True)) if records else [()] * width
    rows = pd.DataFrame({f"c{i}": pd.array(col, dtype="str") for i, col in enumerate(columns)})
    rows["line"] = pd.array(lines, dtype="int64")
    malformed = pd.DataFrame(bad, columns=["line", "reason", "raw"]).astype(
        {"line": "int64", "reason": "str", "raw": "str"}
    )
    return RawTable(
        source=source,
        encoding=encoding,
        header=tuple(h.strip() for h in header[:width]),
        header_line=header_line,
        rows=rows,
        malformed=malformed,
        blank_lines=blank,
    )
