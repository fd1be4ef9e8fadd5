"""Every input file to canonical rows: discover, place, read, find the header, map columns.

Shared by ``pipeline.run`` (which counts) and ``inspect`` (which explains one file at a time).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from xgedu_stats.columns import BLOCK_ROWS
from xgedu_stats.config import Settings
from xgedu_stats.errors import InputError
from xgedu_stats.messages import listing, shorten
from xgedu_stats.read import TYPE_LABELS, Grid, discover, read_grid, to_table
from xgedu_stats.read.kinds import ARTICLES, Kind
from xgedu_stats.read.profiles import (
    Assignment,
    assign,
    canonical_rows,
    check_sources,
    find_header,
    header_error,
    map_columns,
)

#: File types with named worksheets, where a platform's ``sheet`` setting applies.
WORKBOOK_TYPES = ("xlsx", "xls", "spreadsheetml")

#: Called after each file: (files done, files, bytes done, bytes in all, file, rows so far).
Progress = Callable[[int, int, int, int, str, int], None]


@dataclass(frozen=True)
class FileReport:
    """What was read from one table (a file, or one sheet of a workbook), and how."""

    file: str
    platform: str
    platform_reason: str
    type: str
    encoding: str | None
    delimiter: str | None
    header_line: int
    skipped_above: int
    columns: dict[str, str]
    ignored_headers: tuple[str, ...]
    rows: int
    malformed: int
    blank_lines: int
    summary_rows: int
    kind: str = "articles"
    source: str = ""
    """The file the table is in (``file`` names its sheet too, when the file has several)."""

    @property
    def type_label(self) -> str:
        return TYPE_LABELS.get(self.type, self.type)


@dataclass
class Loaded:
    """The canonical rows of every table of published articles read, the records that could
    not be, and how; the rows of other kinds by kind (their own fields, ``file`` and
    ``line``), with their records that could not be read."""

    rows: pd.DataFrame
    malformed: pd.DataFrame
    files: tuple[FileReport, ...]
    warnings: tuple[str, ...]
    kinds: dict[str, tuple[pd.DataFrame, pd.DataFrame]] = field(default_factory=dict)

    def take_rows(self) -> pd.DataFrame:
        """The rows, handed over: this object lets go of them, so that the raw strings are
        freed as soon as the taker is done with them (they are the largest thing read)."""
        rows, self.rows = self.rows, self.rows.iloc[:0]
        return rows


MALFORMED_COLUMNS = ["file", "line", "platform", "reason", "raw"]


def protected_files(settings: Settings) -> dict[Path, str]:
    """Files a run reads or writes that are not exports (the config in use, the decisions
    file, the file this process's output is redirected to), with what each is: never read
    as inputs, never overwritten by an output."""
    import os
    import stat

    found: dict[Path, str] = {}
    if settings.source is not None:
        found[settings.source] = "正在使用的配置文件"
    if settings.dedupe.decisions is not None:
        found[settings.dedupe.decisions] = "配置中指定的人工判定文件（[dedupe] decisions）"
    try:  # `aggregate 导出 > 导出/统计.csv`: the shell made that file before the run
        if stat.S_ISREG(os.fstat(1).st_mode) and Path("/dev/stdout").exists():
            found[Path("/dev/stdout")] = "本次输出重定向（>）写入的文件"
    except OSError:
        pass
    return found


def load(
    paths: Iterable[Path],
    settings: Settings,
    progress: Progress | None = None,
    kinds: tuple[str, ...] | None = None,
    prepare: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
) -> Loaded:
    """Read every file under ``paths``; every file is placed on a platform before any is read.

    The tool's own outputs and the config and decisions files are left out, with a warning;
    so are files of a kind not in ``kinds`` (when given: the kinds the run counts).

    ``prepare``, when given, is applied to the rows of tables of articles as soon as they
    are read (a table of ``BLOCK_ROWS`` rows or more, or small ones together once they make
    as many; the empty table when there is none): what it returns is kept instead, so that
    the raw strings of a few tables at a time are alive, not those of every file.
    """
    check_sources(settings)
    found = discover(paths, protected_files(settings))
    sources = found.files
    assignments: list[Assignment] = []
    unused: list[Assignment] = []
    for a in (assign(s, settings) for s in sources):
        (assignments if kinds is None or a.kind.name in kinds else unused).append(a)
    sizes = [_size(a.source.path) for a in assignments]
    frames: dict[str, list[pd.DataFrame]] = {}
    malformed: dict[str, list[pd.DataFrame]] = {}
    files: list[FileReport] = []
    warnings: list[str] = list(found.notes)
    for kind in dict.fromkeys(a.kind for a in unused):
        names = [a.source.display for a in unused if a.kind is kind]
        warnings.append(
            f"未读取 {len(names)} 个{kind.label}文件（本次统计不用这类数据）：{'、'.join(names[:5])}"
            + ("等" if len(names) > 5 else "")
        )
    done = rows_so_far = 0
    waiting: list[pd.DataFrame] = []  # (small tables of articles, prepared together)

    def prepared() -> None:
        if waiting and prepare is not None:
            batch = waiting[0] if len(waiting) == 1 else pd.concat(waiting, ignore_index=True)
            frames.setdefault(ARTICLES.name, []).append(prepare(batch))
            waiting.clear()

    for n, (a, size) in enumerate(zip(assignments, sizes, strict=True), start=1):
        grid = read_grid(a.source, a.platform.encoding)
        warnings += grid.notes
        for table_rows, bad, report, notes in _tables(grid, a):
            if prepare is not None and a.kind is ARTICLES:
                # Tables of a block's rows or more at once; smaller ones gathered until
                # they make one (preparing a table has a cost of its own, ~30 ms).
                waiting.append(table_rows)
                del table_rows  # (freed once prepared, not held until the next table is read)
                if sum(len(t) for t in waiting) >= BLOCK_ROWS:
                    prepared()
            else:
                frames.setdefault(a.kind.name, []).append(table_rows)
            malformed.setdefault(a.kind.name, []).append(bad)
            files.append(report)
            warnings += notes
            rows_so_far += report.rows
        del grid  # (before the next file is read)
        done += size
        if progress is not None:
            progress(n, len(assignments), done, sum(sizes), a.source.display, rows_so_far)

    prepared()

    def joined(kind: Kind) -> tuple[pd.DataFrame, pd.DataFrame]:
        columns = ["file", "line", "platform", *(f.key for f in kind.fields)]
        rows = frames.get(kind.name)
        if not rows:
            empty = pd.DataFrame(columns=columns, dtype="str")
            rows = [prepare(empty) if prepare is not None and kind is ARTICLES else empty]
        bad = malformed.get(kind.name) or [pd.DataFrame(columns=MALFORMED_COLUMNS)]
        return (
            pd.concat(rows, ignore_index=True),
            pd.concat(bad, ignore_index=True).reindex(columns=MALFORMED_COLUMNS),
        )

    articles, articles_bad = joined(ARTICLES)
    return Loaded(
        rows=articles,
        malformed=articles_bad,
        files=tuple(files),
        warnings=tuple(warnings),
        kinds={
            k.name: joined(k)
            for k in dict.fromkeys(a.kind for a in assignments)
            if k is not ARTICLES
        },
    )


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _tables(
    grid: Grid, a: Assignment
) -> Iterable[tuple[pd.DataFrame, pd.DataFrame, FileReport, list[str]]]:
    """Each usable table of a file: the configured sheet, or every sheet with a header."""
    display = a.source.display
    sheets = list(grid.sheets)
    wanted = a.platform.sheet
    if wanted is not None and grid.type in WORKBOOK_TYPES:  # (a CSV file has no sheets)
        sheets = [s for s in sheets if s.name == wanted]
        if not sheets:
            names = listing([str(s.name) for s in grid.sheets])
            raise InputError(
                f"文件 {display} 中没有配置的工作表「{shorten(wanted)}」"
                f"（[{a.setting}] sheet）；工作表有：{names}"
            )
    found = [(s, find_header(s, a)) for s in sheets]
    usable = [(s, i) for s, i in found if i is not None]
    if not usable:
        raise header_error(sheets[0], display, a)
    skipped = [str(s.name) for s, i in found if i is None and s.head]
    columns = [f"{f.label}列" for f in a.kind.fields if f.required]
    needed = "和".join(filter(None, ("、".join(columns[:-1]), columns[-1])))  # A列、B列和C列
    notes = []
    if len(skipped) == 1:
        notes.append(f"文件 {display} 的工作表「{skipped[0]}」中没有{needed}，已跳过")
    elif skipped:  # (a page of layout tables: one note, not one a table)
        notes.append(
            f"文件 {display} 中有 {len(skipped)} 个工作表（表格）没有{needed}，已跳过："
            + listing(skipped)
        )
    for sheet, header in usable:
        table = to_table(grid, sheet, header)
        mapping = map_columns(table, a)
        rows = canonical_rows(table, a, mapping)
        bad = table.malformed.assign(file=table.display, platform=a.platform.key)
        report = FileReport(
            file=table.display,
            source=grid.source.display,
            platform=a.platform.key,
            platform_reason=a.reason,
            type=grid.type,
            encoding=grid.encoding,
            delimiter=grid.delimiter,
            header_line=table.header_line,
            skipped_above=table.skipped_above,
            columns={k: table.header[i] for k, i in mapping.fields.items()},
            ignored_headers=mapping.ignored,
            rows=len(rows) + len(bad),
            malformed=len(bad),
            blank_lines=table.blank_lines,
            summary_rows=table.summary_rows,
            kind=a.kind.name,
        )
        if report.rows == 0:
            notes.append(f"文件 {table.display} 只有表头，没有数据行")
        yield rows, bad, report, notes
        notes = []
