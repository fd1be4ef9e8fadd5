"""The command line: parse, build a RunConfig, call the library, render, map errors.

pandas is imported inside the commands, so ``--help`` and usage errors answer at once.
"""

from __future__ import annotations

import functools
import io
import signal
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from xgedu_stats import __version__
from xgedu_stats.config import (
    CONFIG_NAME,
    OUTPUT_FORMATS,
    REPORT_TABLES,
    Period,
    RunConfig,
    Settings,
    example_config,
    load_settings,
)
from xgedu_stats.errors import XgeduError

F = TypeVar("F", bound=Callable[..., Any])

#: Show a progress bar when reading at least this much (and stderr is a terminal).
PROGRESS_MIN_BYTES = 20 * 1024 * 1024
PROGRESS_MIN_FILES = 20


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", message="xgedu-stats %(version)s")
def cli() -> None:
    """把各发布平台的导出文件汇总成政府信息公开工作年度报告的统计表。

    先用 inspect 看每个文件是怎样读的，再用 aggregate 统计。
    """
    if hasattr(signal, "SIGPIPE"):  # quiet under `| head`
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)


# --- shared option stacks ---------------------------------------------------------


def input_options(f: F) -> F:
    f = click.option(
        "-c",
        "--config",
        "config_path",
        type=click.Path(path_type=Path, dir_okay=False),
        help=f"配置文件（TOML）。不写时，若当前文件夹有 {CONFIG_NAME} 则使用它。",
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


def output_options(formats: tuple[str, ...]) -> Callable[[F], F]:
    def decorate(f: F) -> F:
        f = click.option(
            "-v", "--verbose", is_flag=True, help="显示每个文件的读取详情；出错时显示详细信息。"
        )(f)
        f = click.option("-q", "--quiet", is_flag=True, help="不显示提示、警告和进度。")(f)
        f = click.option(
            "-o",
            "--output",
            type=click.Path(path_type=Path, dir_okay=False),
            help="写入文件（默认输出到屏幕）；未指定 --format 时按扩展名确定格式。",
        )(f)
        return click.option(
            "-f", "--format", "fmt", type=click.Choice(formats), help="输出格式，默认 text。"
        )(f)

    return decorate


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


# --- helpers ------------------------------------------------------------------------


def say(message: str, quiet: bool) -> None:
    if not quiet:
        click.echo(message, err=True)


def build_period(year: int | None, date_from: datetime | None, date_to: datetime | None) -> Period:
    if year is not None and (date_from or date_to):
        raise click.UsageError("--year 不能与 --from/--to 同时使用")
    if year is not None:
        return Period.year(year)
    period = Period(date_from.date() if date_from else None, date_to.date() if date_to else None)
    if period.start and period.end and period.start > period.end:
        raise click.UsageError("--from 的日期晚于 --to")
    return period


def settings_for(config_path: Path | None, quiet: bool, fuzzy: bool = False) -> Settings:
    """The config given, else ./xgedu-stats.toml when there is one, else the defaults."""
    if config_path is None and Path(CONFIG_NAME).is_file():
        config_path = Path(CONFIG_NAME)
        say(f"使用配置文件 {CONFIG_NAME}", quiet)
    settings = load_settings(config_path) if config_path else Settings()
    if fuzzy:
        settings = replace(settings, dedupe=replace(settings.dedupe, fuzzy=True))
    return settings


def output_format(output: Path | None, fmt: str | None) -> str:
    from xgedu_stats.render import FORMATS, format_for

    fmt = format_for(output, fmt)
    if FORMATS[fmt].binary and output is None:
        raise click.UsageError(f"{fmt} 格式需要用 -o 指定输出文件，例如 -o 统计.{fmt}")
    return fmt


def run_config(
    paths: tuple[Path, ...],
    config_path: Path | None,
    period: Period,
    quiet: bool,
    fuzzy: bool,
    outputs: list[Path | None],
) -> RunConfig:
    """The run a command asks for; refuses outputs that would overwrite an input."""
    from xgedu_stats import pipeline

    config = RunConfig(tuple(paths), settings_for(config_path, quiet, fuzzy), period)
    pipeline.check_outputs(config, [p for p in outputs if p is not None])
    return config


def emit_report(report: Any, fmt: str, output: Path | None, quiet: bool) -> None:
    """Render a report to stdout, or atomically into a file and say so on stderr."""
    from xgedu_stats.render import FORMATS, write_report

    if output is None:
        buffer = io.StringIO()
        FORMATS[fmt].render(report, buffer)
        click.echo(buffer.getvalue(), nl=False)
    else:
        write_report(report, fmt, output)
        say(f"已写入 {output}", quiet)


def emit(text: str, output: Path | None, quiet: bool) -> None:
    """Write text to stdout, or atomically to a file and say so on stderr."""
    from xgedu_stats.render import atomic_output

    if output is None:
        click.echo(text, nl=False)
        return
    with atomic_output(output) as stream:
        stream.write(text)
    say(f"已写入 {output}", quiet)


def progress_bar(quiet: bool) -> Callable[[int, int, int, int, str, int], None] | None:
    """A progress callback drawing on stderr, for a terminal only and only for big reads."""
    if quiet or not sys.stderr.isatty():
        return None
    state: dict[str, Any] = {}

    def update(files_done: int, files: int, done: int, total: int, name: str, rows: int) -> None:
        if "bar" not in state:
            if total < PROGRESS_MIN_BYTES and files < PROGRESS_MIN_FILES:
                state["bar"] = None
            else:
                state["bar"] = click.progressbar(length=total, label="读取", file=sys.stderr)
                state["bar"].__enter__()
                state["done"] = 0
        bar = state["bar"]
        if bar is None:
            return
        bar.label = f"读取 {files_done}/{files} 个文件，{rows} 行"
        bar.update(done - state["done"])
        state["done"] = done
        if files_done == files:
            bar.__exit__(None, None, None)

    return update


# --- commands ---------------------------------------------------------------------


@cli.command()
@input_options
@period_options
@output_options(OUTPUT_FORMATS)
@click.option(
    "-t",
    "--table",
    "tables",
    multiple=True,
    type=click.Choice(REPORT_TABLES),
    help="只输出指定的表（可多次使用）；默认全部。",
)
@click.option("--fuzzy", is_flag=True, help="标题相似（转载时改了几个字）的也算同一条。")
@click.option(
    "--rejects",
    type=click.Path(path_type=Path, dir_okay=False),
    help="把无效行及原因写入此文件（.csv 或 .xlsx）。",
)
@click.option(
    "--duplicates",
    type=click.Path(path_type=Path, dir_okay=False),
    help="把合并为同一条的各行写入此文件（.csv 或 .xlsx）。",
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
    fuzzy: bool,
    rejects: Path | None,
    duplicates: Path | None,
) -> None:
    """读取各平台的导出文件（文件或文件夹），去重后按类别和平台统计信息条数。

    同一条信息在多个平台发布只计 1 条：标题归一后相同、发布日期相差不超过
    window_days（默认 3）天的各行合并为一条。
    """
    from xgedu_stats import pipeline
    from xgedu_stats import tables as tbl
    from xgedu_stats.render import format_for, write_report

    period = build_period(year, date_from, date_to)
    fmt = output_format(output, fmt)
    config = run_config(paths, config_path, period, quiet, fuzzy, [output, rejects, duplicates])
    result = pipeline.run(config, progress_bar(quiet))

    if verbose:
        for f in result.files:
            how = f.type_label + (f"，编码 {f.encoding}" if f.encoding else "")
            blank = f"，空行 {f.blank_lines}" if f.blank_lines else ""
            say(
                f"读取 {f.file}：平台 {f.platform}（{f.platform_reason}），{how}，{f.rows} 行{blank}",
                quiet,
            )
    emit_report(tbl.build_report(result, tables), fmt, output, quiet)
    for path, make in ((rejects, tbl.rejects_table), (duplicates, tbl.duplicates_table)):
        if path is not None:
            detail = tbl.Report(result.period, result.totals, (make(result),))
            write_report(detail, format_for(path, None, default="csv"), path)
            say(f"已写入 {path}（{len(detail.tables[0].rows)} 行）", quiet)
    for warning in result.warnings:
        say(f"注意：{warning}", quiet)


@cli.command()
@input_options
@output_options(("text", "json"))
@click.option(
    "-n",
    "--rows",
    "sample_rows",
    type=click.IntRange(0, 1000),
    default=5,
    show_default=True,
    help="每个文件显示的前几行。",
)
@handle_errors
def inspect(
    paths: tuple[Path, ...],
    config_path: Path | None,
    fmt: str | None,
    output: Path | None,
    quiet: bool,
    verbose: bool,
    sample_rows: int,
) -> None:
    """显示每个文件是怎样读的：类型、编码、表头、平台及依据、列的对应、行数、日期范围和前几行。

    设置新的导出格式时，先用它检查，再按提示修改配置文件。
    """
    from xgedu_stats.inspection import inspect_files
    from xgedu_stats.render import format_for
    from xgedu_stats.render.inspection import INSPECT_FORMATS

    settings = settings_for(config_path, quiet)
    fmt = format_for(output, fmt)
    fmt = fmt if fmt in INSPECT_FORMATS else "text"
    inspections, warnings = inspect_files(paths, settings, sample_rows)
    buffer = io.StringIO()
    INSPECT_FORMATS[fmt](inspections, buffer)
    emit(buffer.getvalue(), output, quiet)
    for warning in warnings:
        say(f"注意：{warning}", quiet)


@cli.command()
@input_options
@period_options
@output_options(("text", "csv", "xlsx"))
@click.option("--fuzzy", is_flag=True, help="也找标题相似的信息（转载时改了几个字）。")
@click.option("--doubtful", is_flag=True, help="只列出存疑和接近的配对（需要人工判断的）。")
@click.option(
    "--write-decisions",
    type=click.Path(path_type=Path, dir_okay=False),
    help="把存疑和接近的配对写入此 CSV，“判断”列留空待填（相同 / 不同）。",
)
@handle_errors
def duplicates(
    paths: tuple[Path, ...],
    config_path: Path | None,
    year: int | None,
    date_from: datetime | None,
    date_to: datetime | None,
    fmt: str | None,
    output: Path | None,
    quiet: bool,
    verbose: bool,
    fuzzy: bool,
    doubtful: bool,
    write_decisions: Path | None,
) -> None:
    """列出被合并为同一条的信息（两两配对，含相似度），以及存疑、未合并的相似配对。

    存疑的配对可用 --write-decisions 写出，填好“判断”列后在配置 [dedupe] decisions 中指定，
    下次统计时按人工判断合并或分开。
    """
    from xgedu_stats import pipeline
    from xgedu_stats import tables as tbl
    from xgedu_stats.render import write_report

    period = build_period(year, date_from, date_to)
    fmt = output_format(output, fmt)
    config = run_config(paths, config_path, period, quiet, fuzzy, [output, write_decisions])
    result = pipeline.run(config, progress_bar(quiet))
    table = tbl.pairs_table(result, doubtful_only=doubtful)
    emit_report(tbl.Report(result.period, result.totals, (table,)), fmt, output, quiet)
    if write_decisions is not None:
        sheet = tbl.decisions_table(result)
        write_report(tbl.Report(result.period, result.totals, (sheet,)), "csv", write_decisions)
        say(f"已写入 {write_decisions}（{len(sheet.rows)} 对待判断）", quiet)
    for warning in result.warnings:
        say(f"注意：{warning}", quiet)


@cli.command()
@click.argument("directory", default=".", type=click.Path(path_type=Path, file_okay=False))
@click.option("--force", is_flag=True, help="覆盖已有的配置文件。")
@handle_errors
def init(directory: Path, force: bool) -> None:
    """在文件夹（默认当前文件夹）中写一份带说明的配置文件 xgedu-stats.toml。

    文件中的值就是内置默认值，只改需要改的地方即可。
    """
    from xgedu_stats.render import atomic_output

    target = directory / CONFIG_NAME
    if target.exists() and not force:
        raise click.ClickException(f"{target} 已存在；要覆盖请加 --force")
    directory.mkdir(parents=True, exist_ok=True)
    with atomic_output(target) as stream:
        stream.write(example_config())
    click.echo(f"已写入 {target}；在此文件夹中运行 xgedu-stats 时会自动使用它", err=True)
