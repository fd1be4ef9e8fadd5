"""The command line: parse, build a RunConfig, call ``pipeline.run``, render, map errors.

pandas is imported inside the commands, so ``--help`` and usage errors answer at once.
"""

from __future__ import annotations

import functools
import io
import signal
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from xgedu_stats import __version__
from xgedu_stats.config import (
    OUTPUT_FORMATS,
    REPORT_TABLES,
    Period,
    RunConfig,
    Settings,
    load_settings,
)
from xgedu_stats.errors import XgeduError

F = TypeVar("F", bound=Callable[..., Any])


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", message="xgedu-stats %(version)s")
def cli() -> None:
    """把各发布平台的导出文件汇总成政府信息公开工作年度报告的统计表。"""
    if hasattr(signal, "SIGPIPE"):  # quiet under `| head`
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)


def input_options(f: F) -> F:
    f = click.option(
        "-c",
        "--config",
        "config_path",
        type=click.Path(path_type=Path, dir_okay=False),
        help="配置文件（TOML）：平台、列名、类别别名、去重设置。",
    )(f)
    return click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))(f)


def period_options(f: F) -> F:
    date = click.DateTime(formats=["%Y-%m-%d"])
    f = click.option("--to", "date_to", type=date, help="统计期结束日期（含），如 2018-12-31。")(f)
    f = click.option(
        "--from", "date_from", type=date, help="统计期开始日期（含），如 2018-01-01。"
    )(f)
    return click.option(
        "--year",
        type=click.IntRange(1990, 2100),
        help="统计年度，等于 --from YYYY-01-01 --to YYYY-12-31。",
    )(f)


def output_options(f: F) -> F:
    f = click.option(
        "-v", "--verbose", is_flag=True, help="在标准错误输出中显示每个文件的读取详情。"
    )(f)
    f = click.option("-q", "--quiet", is_flag=True, help="不显示提示和警告。")(f)
    f = click.option(
        "-o",
        "--output",
        type=click.Path(path_type=Path, dir_okay=False),
        help="写入文件（默认输出到屏幕）；未指定 --format 时按扩展名（.txt .md .csv .json）确定格式。",
    )(f)
    return click.option(
        "-f", "--format", "fmt", type=click.Choice(OUTPUT_FORMATS), help="输出格式，默认 text。"
    )(f)


def handle_errors(f: F) -> F:
    """Turn library errors into ``Error: …`` and exit 1; other failures too, unless -v."""

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return f(*args, **kwargs)
        except XgeduError as exc:
            raise click.ClickException(str(exc)) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            if kwargs.get("verbose"):
                raise
            raise click.ClickException(
                f"程序内部错误（{type(exc).__name__}: {exc}）；加 -v 重新运行可看到详细信息，请反馈给维护者"
            ) from None

    return wrapper  # type: ignore[return-value]


def build_period(year: int | None, date_from: datetime | None, date_to: datetime | None) -> Period:
    if year is not None and (date_from or date_to):
        raise click.UsageError("--year 不能与 --from/--to 同时使用")
    if year is not None:
        return Period.year(year)
    period = Period(date_from.date() if date_from else None, date_to.date() if date_to else None)
    if period.start and period.end and period.start > period.end:
        raise click.UsageError("--from 的日期晚于 --to")
    return period


def emit(text: str, output: Path | None, fmt: str, quiet: bool, note: str = "") -> None:
    """Write rendered data to stdout, or atomically to a file and say so on stderr."""
    from xgedu_stats.render import FILE_ENCODING, atomic_output

    if output is None:
        click.echo(text, nl=False)
        return
    with atomic_output(output, FILE_ENCODING.get(fmt, "utf-8")) as stream:
        stream.write(text)
    say(f"已写入 {output}{note}", quiet)


def say(message: str, quiet: bool) -> None:
    if not quiet:
        click.echo(message, err=True)


@cli.command()
@input_options
@period_options
@output_options
@click.option(
    "-t",
    "--table",
    "tables",
    multiple=True,
    type=click.Choice(REPORT_TABLES),
    help="只输出指定的表（可多次使用）；默认全部。",
)
@click.option(
    "--rejects",
    type=click.Path(path_type=Path, dir_okay=False),
    help="把无效行及原因写入此 CSV 文件。",
)
@click.option(
    "--duplicates",
    type=click.Path(path_type=Path, dir_okay=False),
    help="把合并为同一条的各行写入此 CSV 文件。",
)
@handle_errors
def aggregate(
    paths: tuple[Path, ...],
    config_path: Path | None,
    year: int | None,
    date_from: datetime | None,
    date_to: datetime | None,
    fmt: str | None,
    output: Path | None,
    quiet: bool,
    verbose: bool,
    tables: tuple[str, ...],
    rejects: Path | None,
    duplicates: Path | None,
) -> None:
    """读取各平台的导出文件（文件或文件夹），去重后按类别和平台统计信息条数。

    同一条信息在多个平台发布只计 1 条：标题归一后相同、发布日期相差不超过
    window_days（默认 3）天的各行合并为一条。
    """
    from xgedu_stats import pipeline
    from xgedu_stats import tables as tbl
    from xgedu_stats.render import FORMATS, format_for
    from xgedu_stats.render.csv import table_csv

    period = build_period(year, date_from, date_to)
    settings = load_settings(config_path) if config_path else Settings()
    config = RunConfig(tuple(paths), settings, period)
    pipeline.check_outputs(config, [p for p in (output, rejects, duplicates) if p])
    result = pipeline.run(config)

    if verbose:
        for f in result.files:
            blank = f"，空行 {f.blank_lines}" if f.blank_lines else ""
            say(
                f"读取 {f.file}：平台 {f.platform}（{f.platform_reason}），编码 {f.encoding}，{f.rows} 行{blank}",
                quiet,
            )
    fmt = format_for(output, fmt)
    buffer = io.StringIO()
    FORMATS[fmt](tbl.build_report(result, tables), buffer)
    emit(buffer.getvalue(), output, fmt, quiet)
    for path, make in ((rejects, tbl.rejects_table), (duplicates, tbl.duplicates_table)):
        if path is not None:
            detail = make(result)
            emit(table_csv(detail), path, "csv", quiet, f"（{len(detail.rows)} 行）")
    for warning in result.warnings:
        say(f"注意：{warning}", quiet)
