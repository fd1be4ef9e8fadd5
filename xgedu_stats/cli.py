"""The command line: parse, build a RunConfig, call the library, render, map errors.

pandas is imported inside the commands, so ``--help`` and usage errors answer at once.
"""

from __future__ import annotations

import functools
import io
import sys
from collections.abc import Callable
from contextlib import suppress
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from xgedu_stats import __version__, click_zh
from xgedu_stats.config import (
    BY_CHOICES,
    CONFIG_NAME,
    LAYOUTS,
    OUTPUT_FORMATS,
    REPORT_TABLES,
    TEMPLATE_FOLDER,
    Period,
    RunConfig,
    Settings,
    example_config,
    load_settings,
)
from xgedu_stats.errors import InputError, OptionError, OutputError, XgeduError
from xgedu_stats.figures import figures_name, load_figures
from xgedu_stats.figures import template as figures_template
from xgedu_stats.messages import display_path, os_reason, printable
from xgedu_stats.outputs import (
    FORMAT_EXTENSIONS,
    all_or_nothing,
    check_outputs,
    choose_format,
    is_stream,
    open_output,
)
from xgedu_stats.periods import FIRST_YEAR, LAST_YEAR
from xgedu_stats.terminal import (
    EXIT_INTERRUPTED,
    UI,
    Terminated,
    progress_bar,
    set_ui,
    signals,
)

F = TypeVar("F", bound=Callable[..., Any])

#: The formats each output can be written in (aggregate's: config.OUTPUT_FORMATS).
DUPLICATES_FORMATS = ("text", "csv", "xlsx")
INSPECT_FORMATS = ("text", "json")
DETAIL_FORMATS = ("csv", "xlsx")  # --rejects, --duplicates, --items, --letters
DECISIONS_FORMATS = ("csv",)  # --write-decisions
BULLETIN_FORMATS = ("text", "markdown", "html", "json", "csv", "xlsx")
BULLETIN_BY = ("department",)
#: The exit code of a bulletin that found stale columns (with --fail-on-stale).
STALE_EXIT = 3
REPORT_FORMATS = ("markdown", "docx")  # report -o (a device such as /dev/stdout: markdown)
#: What the --figures file is, where an output would overwrite it.
FIGURES_FILE = "本年的数据文件（--figures）"
#: The template mistakes ``report`` lists at most, one line each.
MAX_SHOWN_ERRORS = 20


class Group(click_zh.Group):
    """The ``xgedu-stats`` group: Chinese help and messages; Ctrl-C and SIGTERM clean up."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        with signals():
            return super().main(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as exc:  # (outputs already cleaned up on the way out)
            terminated = isinstance(exc, Terminated)
            click.echo("已终止" if terminated else "已中断", err=True)
            code = exc.code if isinstance(exc, Terminated) else EXIT_INTERRUPTED
            raise click.exceptions.Exit(code) from None


@click.group("xgedu-stats", cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    __version__, "--version", message="xgedu-stats %(version)s", help="显示版本号并退出。"
)
def cli() -> None:
    """把各发布平台的导出文件汇总成政府信息公开工作年度报告的统计表。

    先用 inspect 看每个文件是怎样读的，再用 aggregate 统计。
    """


# --- shared option stacks ---------------------------------------------------------


class DateParam(click.ParamType):
    """A date written 2018-01-01 (click's DateTime shows ``[%Y-%m-%d]`` to the clerk)."""

    name = "日期"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return datetime.strptime(value, "%Y-%m-%d").date()
        except ValueError:
            self.fail(f"{value!r} 不是日期；请写成 2018-01-01 这样", param, ctx)


class YearParam(click.ParamType):
    """A reporting year, 1900–2100 as a period's (click's IntRange shows ``1990<=x<=2100``
    to the clerk)."""

    name = "年"
    first, last = FIRST_YEAR, LAST_YEAR

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        text = str(value).strip()
        if not text.isdigit() or not self.first <= int(text) <= self.last:
            self.fail(f"{value!r} 不是 {self.first} 到 {self.last} 之间的年份，如 2018", param, ctx)
        return int(text)


class PeriodParam(click.ParamType):
    """A bulletin's period (``periods.Span.parse``): 2018-03a, 2018-03, a..b, last-half-month."""

    name = "统计期"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from xgedu_stats.periods import PeriodError, Span

        if isinstance(value, Span):
            return value
        try:
            return Span.parse(str(value))
        except PeriodError as exc:
            self.fail(str(exc), param, ctx)


def input_options(f: F) -> F:
    f = click.option(
        "-c",
        "--config",
        "config_path",
        type=click.Path(path_type=Path, dir_okay=False),
        metavar="文件",
        help=f"配置文件（TOML）。不写时，若当前文件夹有 {CONFIG_NAME} 则使用它。",
    )(f)
    return click.argument(
        "paths", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="路径..."
    )(f)


def period_options(f: F) -> F:
    f = click.option(
        "--to",
        "date_to",
        type=DateParam(),
        metavar="日期",
        help="统计期结束日期（含），如 2018-12-31。",
    )(f)
    f = click.option(
        "--from",
        "date_from",
        type=DateParam(),
        metavar="日期",
        help="统计期开始日期（含），如 2018-01-01。",
    )(f)
    return click.option(
        "--year",
        type=YearParam(),
        metavar="年",
        help="统计年度，如 2018：等于 --from 2018-01-01 --to 2018-12-31。",
    )(f)


def ui_options(verbose: str) -> Callable[[F], F]:
    """-q, and -v (``verbose`` says what it adds)."""

    def decorate(f: F) -> F:
        f = click.option(
            "-v", "--verbose", is_flag=True, expose_value=False, callback=set_ui, help=verbose
        )(f)
        return click.option(
            "-q",
            "--quiet",
            is_flag=True,
            expose_value=False,
            callback=set_ui,
            help="不显示提示、警告和进度。",
        )(f)

    return decorate


def counting_options(as_of_default: str, figures: bool = True) -> Callable[[F], F]:
    """What a counting run takes besides its files and period: --figures (unless not
    ``figures``), --fuzzy, --as-of."""

    def decorate(f: F) -> F:
        f = click.option(
            "--as-of",
            "as_of",
            type=DateParam(),
            metavar="日期",
            help=f"网上留言按这一天判断已回复、超期未回复还是办理中；默认为{as_of_default}。",
        )(f)
        f = click.option(
            "--fuzzy", is_flag=True, help="标题相似（转载时改了几个字）的也算同一条。"
        )(f)
        if not figures:
            return f
        return click.option(
            "--figures",
            "figures_path",
            type=click.Path(path_type=Path, dir_okay=False),
            metavar="文件",
            help="本年的数据文件（init --figures 年份 写出后填写）：表二中第二十条各项的数字。",
        )(f)

    return decorate


def output_options(formats: tuple[str, ...]) -> Callable[[F], F]:
    listed = "、".join(formats)
    extensions = " ".join(ext for f in formats for ext in FORMAT_EXTENSIONS[f])

    def decorate(f: F) -> F:
        f = ui_options("显示每个文件的读取详情；出错时显示详细信息。")(f)
        f = click.option(
            "-o",
            "--output",
            type=click.Path(path_type=Path, dir_okay=False),
            metavar="文件",
            help=f"写入此文件（默认输出到屏幕）；不写 --format 时，扩展名 {extensions} 决定格式。",
        )(f)
        return click.option(
            "-f",
            "--format",
            "fmt",
            type=click.Choice(formats),
            metavar="格式",
            help=f"输出格式：{listed}；默认 text，或按 -o 的扩展名。",
        )(f)

    return decorate


#: What running out of memory says (the files are too large for this computer together).
MEMORY_ERROR = (
    "内存不足，这些文件一起统计需要的内存超过了本机可用的内存；"
    "请分批统计（如按年份或平台分开运行），或在内存更大的电脑上运行"
)


def handle_errors(f: F) -> F:
    """Turn library errors into one ``错误：…`` line and exit 1 (options that do not fit
    together: exit 2); other failures too, unless -v. Control characters never reach the line."""

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return f(*args, **kwargs)
        except OptionError as exc:
            raise click.UsageError(printable(str(exc))) from None
        except XgeduError as exc:
            raise click.ClickException(printable(str(exc))) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except MemoryError:  # (ArrowMemoryError too)
            if UI.current().verbose:
                raise
            raise click.ClickException(MEMORY_ERROR) from None
        except Exception as exc:
            if UI.current().verbose:
                raise
            raise click.ClickException(
                printable(
                    f"程序内部错误（{type(exc).__name__}: {exc}）；"
                    "加 -v 重新运行可看到详细信息，请反馈给维护者"
                )
            ) from None

    return wrapper  # type: ignore[return-value]


# --- helpers ------------------------------------------------------------------------


def build_period(year: int | None, date_from: date | None, date_to: date | None) -> Period:
    if year is not None and (date_from or date_to):
        raise click.UsageError("--year 不能与 --from/--to 同时使用")
    if year is not None:
        return Period.year(year)
    period = Period(date_from, date_to)
    if period.start and period.end and period.start > period.end:
        raise click.UsageError("--from 的日期晚于 --to")
    return period


def settings_for(config_path: Path | None, fuzzy: bool = False) -> Settings:
    """The config given, else ./xgedu-stats.toml when there is one, else the defaults."""
    if config_path is None and Path(CONFIG_NAME).is_file():
        config_path = Path(CONFIG_NAME)
        UI.current().say(f"使用配置文件 {CONFIG_NAME}")
    settings = load_settings(config_path) if config_path else Settings()
    if fuzzy:
        settings = replace(settings, dedupe=replace(settings.dedupe, fuzzy=True))
    return settings


def detail_format(path: Path | None, option: str, formats: tuple[str, ...]) -> str | None:
    """The format of a detail file (``--rejects`` …), from its extension."""
    if path is None:
        return None
    return choose_format(path, None, formats, option=option, format_option=False)


def say_outcome(written: list[str], result: Any, rejects_where: str) -> None:
    """What a counting run says on stderr once its files are in place: what it wrote, its
    notes, and the rows it rejected last, with where this command lets a clerk see them."""
    from xgedu_stats import counters

    ui = UI.current()
    for line in written:
        ui.say(line)
    for warning in result.warnings:
        ui.note(warning)
    if result.totals.rejected:
        ui.note(
            f"有 {result.totals.rejected} 行无效（缺标题、发布时间无法识别等），未计入统计；"
            + rejects_where
        )
    for c in counters.COUNTERS:
        found = result.counted.get(c.kind.name)
        if found is not None and found.totals.rejected:
            ui.note(
                f"{c.kind.label}有 {found.totals.rejected} 行无效（{c.rejected}），未计入统计；"
                + rejects_where
            )


def to_stdout(text: str) -> None:
    """The report on standard output; a closed or full one is an error, not a lost report."""
    if sys.stdout is None:  # (>&-)
        raise OutputError("标准输出已关闭，统计结果无处可写；请去掉 >&-，或用 -o 指定输出文件")
    try:
        click.echo(text, nl=False)
        sys.stdout.flush()
    except OSError as exc:
        raise OutputError(f"无法写入标准输出：{os_reason(exc)}") from None


def emit_report(report: Any, fmt: str, output: Path | None, what: str) -> list[str]:
    """Render a report to stdout, or into a file (marked as ``what``); returns what to say
    on stderr once the files are in place."""
    from xgedu_stats.render import FORMATS, write_report

    if output is None:
        buffer = io.StringIO()
        FORMATS[fmt].render(report, buffer)
        to_stdout(buffer.getvalue())
        return []
    write_report(report, fmt, output, what)
    return [f"已写入 {display_path(output)}"]


def outputs_option(help: str) -> Callable[[F], F]:
    """``-o`` that may be given several times (one file a format: report, bulletin)."""
    return click.option(
        "-o",
        "--output",
        "outputs",
        multiple=True,
        type=click.Path(path_type=Path, dir_okay=False),
        metavar="文件",
        help=help,
    )


def detail_option(flag: str, what: str, dest: str | None = None) -> Callable[[F], F]:
    """An option naming a detail file (.csv or .xlsx) that ``what`` is written into."""
    names = (flag, dest) if dest else (flag,)
    return click.option(
        *names,
        type=click.Path(path_type=Path, dir_okay=False),
        metavar="文件",
        help=f"{what}写入此文件（.csv 或 .xlsx）。",
    )


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
    metavar="表名",
    help=f"只输出这张表：{'、'.join(REPORT_TABLES)}（可写多次）；不写时输出按类别、按平台、"
    "按文种三张表，以及读到了数据的其他表。",
)
@click.option(
    "--layout",
    type=click.Choice(LAYOUTS),
    metavar="格式",
    help="年度报告统计表的格式：2021（国办公开办函〔2021〕30号的表二、表三、表四）或 2018"
    "（政府信息公开情况统计表）；写了就输出该格式的各表。不写时按统计年度（2021 年起为 2021），"
    "且只在读到登记表或 --figures 时输出。",
)
@counting_options("统计期最后一天（未指定统计期时为今天）")
@detail_option("--rejects", "把无效行及原因")
@detail_option("--duplicates", "把合并为同一条的各行")
@detail_option("--items", "把去重后的每一条信息（类别、文种及其依据、图片数、平台）", "items_path")
@detail_option(
    "--letters", "把统计期内的每一件网上留言（收到、回复、答复期限、状态、部门）", "letters_path"
)
@click.option(
    "--by",
    "by",
    multiple=True,
    type=click.Choice(BY_CHOICES),
    metavar="分组",
    help="另按这一项分组统计：department（网上留言按答复部门另列一张表）。",
)
@handle_errors
def aggregate(
    paths: tuple[Path, ...],
    config_path: Path | None,
    year: int | None,
    date_from: date | None,
    date_to: date | None,
    fmt: str | None,
    output: Path | None,
    tables: tuple[str, ...],
    fuzzy: bool,
    rejects: Path | None,
    duplicates: Path | None,
    items_path: Path | None,
    letters_path: Path | None,
    as_of: date | None,
    by: tuple[str, ...],
    layout: str | None,
    figures_path: Path | None,
) -> None:
    """读取各平台的导出文件（文件或文件夹），去重后按类别、平台和文种统计信息条数。

    有图片数时另统计宣传图片；局长信箱等网上留言和网站访问统计的导出各成一张表。

    同一条信息在多个平台发布只计 1 条。同一平台内，链接相同（没有链接时同一天、
    标题归一后相同）的各行是同一篇；不同平台之间，标题归一后相同、发布日期相差
    不超过 window_days（默认 3）天的是副本，每个平台至多一个。每条信息计入它
    最早的副本所在的统计期。
    """
    period = build_period(year, date_from, date_to)  # (usage errors before pandas is imported)
    fmt = choose_format(output, fmt, OUTPUT_FORMATS, writer="aggregate")
    rejects_fmt = detail_format(rejects, "--rejects", DETAIL_FORMATS)
    duplicates_fmt = detail_format(duplicates, "--duplicates", DETAIL_FORMATS)
    items_fmt = detail_format(items_path, "--items", DETAIL_FORMATS)
    letters_fmt = detail_format(letters_path, "--letters", DETAIL_FORMATS)
    from xgedu_stats import pipeline
    from xgedu_stats import tables as tbl
    from xgedu_stats.read import kinds
    from xgedu_stats.render import write_report

    settings = settings_for(config_path, fuzzy)
    figures = load_figures(figures_path) if figures_path is not None else None
    outputs = [("-o", output), ("--rejects", rejects), ("--duplicates", duplicates)]
    outputs += [("--items", items_path), ("--letters", letters_path)]
    check_outputs(outputs, paths, settings, {figures_path: FIGURES_FILE} if figures_path else None)
    with progress_bar(UI.current().quiet) as progress:
        result = pipeline.run(RunConfig(tuple(paths), settings, period, as_of, figures), progress)

    ui = UI.current()
    if "department" in by and result.messages is None and not tables:
        ui.note("加了 --by department，但没有读到网上留言的导出文件：没有按部门统计的表")
    if items_path is not None and result.totals.rows_read == 0:
        ui.note("加了 --items，但没有读到发布信息的导出文件：写出的文件只有表头")
    if letters_path is not None and result.messages is None:
        ui.note("加了 --letters，但没有读到网上留言的导出文件：写出的文件只有表头")
    for f in result.files:
        how = f.type_label + (f"，编码 {f.encoding}" if f.encoding else "")
        blank = f"，空行 {f.blank_lines}" if f.blank_lines else ""
        blank += f"，合计行 {f.summary_rows}" if f.summary_rows else ""
        whose = f"平台 {f.platform}" if f.platform else kinds.find(f.kind).label
        ui.detail(f"读取 {f.file}：{whose}（{f.platform_reason}），{how}，{f.rows} 行{blank}")
    details = (
        (rejects, rejects_fmt, tbl.rejects_table, "无效行明细"),
        (duplicates, duplicates_fmt, tbl.duplicates_table, "合并明细"),
        (items_path, items_fmt, tbl.items_table, "信息明细"),
        (letters_path, letters_fmt, tbl.letters_table, "网上留言明细"),
    )
    with all_or_nothing():  # (stopped half way, no file is replaced)
        report = tbl.build_report(result, tables, by, layout)
        written = emit_report(report, fmt, output, "统计表")
        for path, detail_fmt, make, what in details:
            if path is None or detail_fmt is None:
                continue
            detail = tbl.Report(
                result.period,
                result.totals,
                (make(result),),
                report.other_lines,
                articles=report.articles,
            )
            write_report(detail, detail_fmt, path, what)
            written.append(f"已写入 {display_path(path)}（{len(detail.tables[0].rows)} 行）")
    where = (
        f"已列入 {display_path(rejects)}"
        if rejects
        else "加 --rejects 文件名.csv 可列出每一行及原因"
    )
    say_outcome(written, result, where)


@cli.command()
@input_options
@output_options(INSPECT_FORMATS)
@click.option(
    "-n",
    "--rows",
    "sample_rows",
    type=click.IntRange(0, 1000),
    default=5,
    show_default=True,
    metavar="行数",
    help="每个文件显示的前几行。",
)
@handle_errors
def inspect(
    paths: tuple[Path, ...],
    config_path: Path | None,
    fmt: str | None,
    output: Path | None,
    sample_rows: int,
) -> None:
    """显示每个文件是怎样读的：类型、编码、表头、平台及依据、列的对应、行数、日期范围和前几行。

    设置新的导出格式时，先用它检查，再按提示修改配置文件。
    """
    fmt = choose_format(output, fmt, INSPECT_FORMATS, writer="inspect")
    from xgedu_stats.inspection import inspect_files
    from xgedu_stats.render import write_text
    from xgedu_stats.render.inspection import INSPECT_FORMATS as RENDER

    settings = settings_for(config_path)
    check_outputs([("-o", output)], paths, settings)
    inspections, warnings = inspect_files(paths, settings, sample_rows)
    if output is None:
        buffer = io.StringIO()
        RENDER[fmt](inspections, buffer)
        to_stdout(buffer.getvalue())
    else:
        write_text(output, lambda stream: RENDER[fmt](inspections, stream), fmt, "文件读取说明")
        UI.current().say(f"已写入 {display_path(output)}")
    for warning in warnings:
        UI.current().note(warning)


@cli.command()
@input_options
@period_options
@output_options(DUPLICATES_FORMATS)
@click.option("--fuzzy", is_flag=True, help="也找标题相似的信息（转载时改了几个字）。")
@click.option("--doubtful", is_flag=True, help="只列出存疑和接近的配对（需要人工判断的）。")
@click.option(
    "--write-decisions",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="文件",
    help="把存疑和接近的配对写入此文件（.csv），“判断”列留空待填（相同 / 不同）。",
)
@handle_errors
def duplicates(
    paths: tuple[Path, ...],
    config_path: Path | None,
    year: int | None,
    date_from: date | None,
    date_to: date | None,
    fmt: str | None,
    output: Path | None,
    fuzzy: bool,
    doubtful: bool,
    write_decisions: Path | None,
) -> None:
    """列出被合并为同一条的信息（两两配对，含相似度），以及存疑、未合并的相似配对。

    存疑的配对可用 --write-decisions 写出，填好“判断”列后在配置 [dedupe] decisions 中指定，
    下次统计时按人工判断合并或分开。
    """
    period = build_period(year, date_from, date_to)  # (usage errors before pandas is imported)
    fmt = choose_format(output, fmt, DUPLICATES_FORMATS, writer="duplicates")
    decisions_fmt = detail_format(write_decisions, "--write-decisions", DECISIONS_FORMATS)
    from xgedu_stats import pipeline
    from xgedu_stats import tables as tbl
    from xgedu_stats.render import write_report

    settings = settings_for(config_path, fuzzy)
    check_outputs([("-o", output), ("--write-decisions", write_decisions)], paths, settings)
    with progress_bar(UI.current().quiet) as progress:
        result = pipeline.run(RunConfig(tuple(paths), settings, period), progress)
    listed = pipeline.pairs(result)
    to_review = pipeline.for_review(listed)
    table = tbl.pairs_table(to_review if doubtful else listed)
    with all_or_nothing():  # (stopped half way, no file is replaced)
        report = tbl.Report(result.period, result.totals, (table,))
        written = emit_report(report, fmt, output, "配对清单")
        if write_decisions is not None and decisions_fmt is not None:
            sheet = tbl.decisions_table(to_review)
            report = tbl.Report(result.period, result.totals, (sheet,))
            write_report(report, decisions_fmt, write_decisions, "人工判定表")
            written.append(f"已写入 {display_path(write_decisions)}（{len(sheet.rows)} 对待判断）")
    say_outcome(written, result, "用 aggregate --rejects 文件名.csv 可列出每一行及原因")


@cli.command()
@input_options
@period_options
@outputs_option(
    "写入此文件：.docx（Word）或 .md（Markdown）；写两次（-o 报告.docx -o 报告.md）则一次写出两种。"
)
@click.option(
    "--layout",
    type=click.Choice(LAYOUTS),
    metavar="格式",
    help="报告的格式：2018（2018 年报告的六个部分）或 2021（国办公开办函〔2021〕30号的六个部分"
    "和表二、表三、表四）；不写时按统计年度（2021 年起为 2021）。",
)
@click.option(
    "--templates",
    "templates_path",
    type=click.Path(path_type=Path, file_okay=False),
    metavar="文件夹",
    help="各部分的模板所在的文件夹（init --report 写出后修改）；不写时若当前文件夹有"
    f"“{TEMPLATE_FOLDER}”则使用它，否则用内置模板。",
)
@click.option(
    "--previous",
    "previous_path",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="文件",
    help="上年的 aggregate --format json 输出：按类别和网上留言的表加上年和增减两列，模板可用"
    " previous.名称（上年的数）和 change.名称（同比增长 12.3% 等）。",
)
@click.option(
    "--list-figures",
    is_flag=True,
    help="不写报告，列出模板可用的每个数字的名称、本次的数值和单位，以及可放的表。",
)
@counting_options("统计期最后一天")
@ui_options("出错时显示详细信息。")
@handle_errors
def report(
    paths: tuple[Path, ...],
    config_path: Path | None,
    year: int | None,
    date_from: date | None,
    date_to: date | None,
    outputs: tuple[Path, ...],
    layout: str | None,
    templates_path: Path | None,
    previous_path: Path | None,
    list_figures: bool,
    figures_path: Path | None,
    fuzzy: bool,
    as_of: date | None,
) -> None:
    """读取导出文件和登记表（与 aggregate 相同），写出整篇年度报告：Word（.docx，按党政机关
    公文格式排版）或 Markdown（.md）。

    报告的文字来自各部分的模板，其中的 {名称} 换成本次统计出的数字，{tables.表名} 处放表；
    init --report 写出内置模板供修改，--list-figures 列出可用的名称。
    """
    period = build_period(year, date_from, date_to)
    if period.start is None or period.end is None:  # (a report is of one whole period)
        raise click.UsageError(
            "请指定报告的统计期：加 --year 年份（如 --year 2018），或同时写 --from 和 --to"
        )
    if not outputs and not list_figures:
        raise click.UsageError(
            "请用 -o 指定报告文件（如 -o 报告.docx），或加 --list-figures 列出可用的数字"
        )
    if outputs and list_figures:
        raise click.UsageError(
            "--list-figures 只列出数字，不写报告：请去掉 -o，或去掉 --list-figures"
        )
    formats = [
        choose_format(o, None, REPORT_FORMATS, writer="report", format_option=False)
        for o in outputs
    ]
    from xgedu_stats import official, pipeline
    from xgedu_stats.document import report as made
    from xgedu_stats.document import templates as tp

    ui = UI.current()
    settings = settings_for(config_path, fuzzy)
    figures = load_figures(figures_path) if figures_path is not None else None
    previous = made.read_previous(previous_path) if previous_path is not None else None
    layout = layout or official.layout_for(period)
    folder = templates_path
    if folder is None and Path(TEMPLATE_FOLDER).is_dir():
        folder = Path(TEMPLATE_FOLDER)
        ui.say(f"使用模板文件夹 {TEMPLATE_FOLDER}")
    elif folder is None and Path(TEMPLATE_FOLDER).exists():
        ui.note(f"当前文件夹中的 {TEMPLATE_FOLDER} 不是文件夹：用内置模板")
    templates: list[tp.Template] = []
    template_notes: list[str] = []
    try:  # (before the count: a mistyped brace is not found after a minute of counting)
        if not list_figures:  # (the list is what a clerk fixing a template needs)
            templates, template_notes = tp.load(layout, folder)
            tp.raise_errors(templates, tuple(REPORT_TABLES))
    except tp.TemplateError as exc:
        template_errors(exc)
    kept = {t.path: "报告的模板" for t in templates if t.path is not None}
    if previous_path is not None:
        kept[previous_path] = "上年的统计文件（--previous）"
    if figures_path is not None:
        kept[figures_path] = FIGURES_FILE
    check_outputs([("-o", o) for o in outputs], paths, settings, kept)
    if folder is not None:
        tp.check_outputs_outside(outputs, folder)
    with progress_bar(ui.quiet) as progress:
        result = pipeline.run(RunConfig(tuple(paths), settings, period, as_of, figures), progress)
    if previous is not None and previous_path is not None:
        note = made.previous_note(previous, result, previous_path)
        if note:
            ui.note(note)
    if list_figures:
        to_stdout(figures_listing(made.figures(result, previous)[0]))
        say_outcome([], result, "用 aggregate --rejects 文件名.csv 可列出每一行及原因")
        return
    try:
        document = made.make(result, templates, previous)
    except tp.TemplateError as exc:
        template_errors(exc)
    written = []
    with all_or_nothing():
        for path, fmt in zip(outputs, formats, strict=True):
            write_document(document.document, fmt, path)
            written.append(f"已写入 {display_path(path)}")
    say_outcome(written, result, "用 aggregate --rejects 文件名.csv 可列出每一行及原因")
    for note in (*template_notes, *document.notes):  # (last: what to fix in the templates)
        ui.note(note)


@cli.command()
@input_options
@click.option(
    "--period",
    "span",
    required=True,
    type=PeriodParam(),
    metavar="统计期",
    help="2018-03a（3 月上半月：1–15 日）、2018-03b（下半月：16 日至月末）、2018-03（整月）、"
    "2018-03-01..2018-03-20（起止日期），或 last-half-month（今天之前最近的完整半月，供定时任务用）。",
)
@outputs_option(
    "写入此文件（可写多次，如 .md 和 .html 各一份；默认输出到屏幕）。文件名中的 {from}、{to}、"
    "{period} 换成统计期的起止日期和名称；文件夹不存在时自动创建。"
)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(BULLETIN_FORMATS),
    metavar="格式",
    help=f"输出格式：{'、'.join(BULLETIN_FORMATS)}；默认 text，或按 -o 的扩展名。",
)
@click.option(
    "--by",
    "by",
    multiple=True,
    type=click.Choice(BULLETIN_BY),
    metavar="分组",
    help="另检查每个发布部门的更新情况：department。",
)
@click.option(
    "--fail-on-stale",
    is_flag=True,
    help="有栏目超期未更新时，写完通报后以退出码 3 结束（定时任务据此发邮件提醒）。",
)
@click.option(
    "--log",
    "log_path",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="文件",
    help="每次运行在此文件末尾追加一行记录（JSON：时间、统计期、输入、条数、超期栏目、结果）。",
)
@counting_options("统计期最后一天", figures=False)
@ui_options("出错时显示详细信息。")
@handle_errors
def bulletin(
    paths: tuple[Path, ...],
    config_path: Path | None,
    span: Any,
    outputs: tuple[Path, ...],
    fmt: str | None,
    by: tuple[str, ...],
    fail_on_stale: bool,
    log_path: Path | None,
    fuzzy: bool,
    as_of: date | None,
) -> None:
    """写信息发布监测通报：各部门、各类别、各平台本期与上期的条数，各栏目的更新情况。

    另有各部门近 6 期的条数；读到网上留言时，另有本期的留言办理情况。

    所给的全部导出一起去重，每条信息计入它最早的副本所在的统计期，所以一年的 24 期
    半月通报加起来等于全年的条数。

    退出码：0 正常；1 出错；2 命令写法有误；3 有栏目超期未更新（加了 --fail-on-stale）。
    """
    from xgedu_stats import schedule

    record: dict[str, Any] = {"period": span.name, "from": span.start.isoformat()}
    record |= {"to": span.end.isoformat(), "inputs": [str(p) for p in paths]}
    checked: list[Path] = []  # (the log, once it may be written: not one that was refused)
    try:
        made, result, written = write_bulletin(
            paths, config_path, span, outputs, fmt, by, fuzzy, as_of, log_path, record, checked
        )
    except BaseException as exc:
        if checked:
            with suppress(XgeduError):  # (the error is what cron mails, not the log's)
                schedule.log(checked[0], {**record, "outcome": "error", "error": log_error(exc)})
        raise
    stale = bool(made.stale)
    say_outcome(written, result, "用 aggregate --rejects 文件名.csv 可列出每一行及原因")
    if checked:
        schedule.log(
            checked[0], {**record, **made.figures(), "outcome": "stale" if stale else "ok"}
        )
    if stale and fail_on_stale:
        for line in (*made.outdated, *made.stale_lines):  # (even with -q: why the run failed)
            click.echo(f"错误：{printable(line)}", err=True)
        raise click.exceptions.Exit(STALE_EXIT)
    for line in (*made.outdated, *made.warnings):
        UI.current().note(line)
    for line in made.stale_lines if written else ():
        UI.current().note(line)  # (on the screen, the bulletin itself says it)


def log_error(exc: BaseException) -> str:
    """What the log says of a run that failed."""
    if isinstance(exc, Terminated):
        return "已终止"
    if isinstance(exc, KeyboardInterrupt):
        return "已中断"
    if isinstance(exc, click.ClickException | XgeduError):
        return printable(
            exc.format_message() if isinstance(exc, click.ClickException) else str(exc)
        )
    return printable(f"程序内部错误（{type(exc).__name__}: {exc}）")


def write_bulletin(
    paths: tuple[Path, ...],
    config_path: Path | None,
    span: Any,
    outputs: tuple[Path, ...],
    fmt: str | None,
    by: tuple[str, ...],
    fuzzy: bool,
    as_of: date | None,
    log_path: Path | None,
    record: dict[str, Any],
    checked: list[Path],
) -> tuple[Any, Any, list[str]]:
    """Count, make the bulletin and write it: the bulletin, the run, what to say. What
    the log records of the outputs goes into ``record`` as soon as it is known, and the
    log (its placeholders filled) into ``checked`` once it may be written."""
    from xgedu_stats import schedule
    from xgedu_stats.read import TABULAR_SUFFIXES

    files = [schedule.expand(o, span.placeholders()) for o in outputs]
    formats = [choose_format(f, fmt, BULLETIN_FORMATS, writer="bulletin") for f in files]
    shown = None if files else choose_format(None, fmt, BULLETIN_FORMATS, writer="bulletin")
    record["outputs"] = [str(f) for f in files]
    from xgedu_stats import bulletin as bl
    from xgedu_stats import pipeline
    from xgedu_stats.render import FORMATS, write_report

    if log_path is not None:
        log_path = schedule.expand(log_path, span.placeholders(), "--log")
        kept = {p: "输入文件" for p in paths} | {f: "输出文件（-o）" for f in files}
        used = config_path or (Path(CONFIG_NAME) if Path(CONFIG_NAME).is_file() else None)
        kept |= {used: "配置文件"} if used is not None else {}
        schedule.check_log(log_path, list(paths), TABULAR_SUFFIXES, kept)
        schedule.make_folders([log_path])
        checked.append(log_path)
    settings = settings_for(config_path, fuzzy)
    schedule.make_folders(files)
    logged = [("--log", log_path)] if log_path else []
    check_outputs([("-o", f) for f in files] + logged, paths, settings)
    ui = UI.current()
    with schedule.locked([f.parent for f in files if not is_stream(f)]):
        with progress_bar(ui.quiet) as progress:
            config = RunConfig(
                tuple(paths), settings, span.period, as_of, kinds=bl.KINDS, timeline=True
            )
            result = pipeline.run(config, progress)
        made = bl.make(result, span, by)
        written = []
        with all_or_nothing():
            for path, form in zip(files, formats, strict=True):
                write_report(made.report, form, path, "监测通报")
                written.append(f"已写入 {display_path(path)}")
        if shown is not None:
            buffer = io.StringIO()
            FORMATS[shown].render(made.report, buffer)
            to_stdout(buffer.getvalue())
    return made, result, written


def template_errors(exc: Any) -> NoReturn:
    """Every mistake found in the templates, one ``错误：`` line each (at most
    ``MAX_SHOWN_ERRORS``), then exit 1."""
    shown = exc.lines[:MAX_SHOWN_ERRORS]
    for line in shown[:-1]:
        click.echo(printable(f"错误：{line}"), err=True)
    more = len(exc.lines) - len(shown)
    last = shown[-1] + (f"（另有 {more} 处错误未列出，改好这些再运行）" if more else "")
    raise click.ClickException(printable(last))


def figures_listing(figures: dict[str, Any]) -> str:
    """``report --list-figures``: every name, its value as the report writes it, its unit
    and what it is; then the tables a template can place."""
    from tabulate import tabulate

    from xgedu_stats.document import NO_DATA
    from xgedu_stats.document import names as nm
    from xgedu_stats.render.text import table_cell

    rows = [
        [
            table_cell(f.name),
            "（两个数字同名，不能用）" if f.clash else table_cell(nm.written(f) or NO_DATA),
            f.unit,
            table_cell(f.what),
        ]
        for f in figures.values()
    ]
    text = tabulate(
        rows, headers=["名称", "数值", "单位", "说明"], tablefmt="simple", disable_numparse=True
    )
    tables = "\n".join(f"{{tables.{n}}}  {t}" for n, t in nm.TABLE_TITLES.items())
    return (
        f"模板中写 {{名称}} 即填入数值（数值列为报告中的写法）；{{名称:万}} 以万为单位。\n\n{text}\n\n"
        f"可放的表（单独写在一行）：\n{tables}\n"
    )


def write_document(document: Any, fmt: str, path: Path) -> None:
    """Write the report document in one of ``REPORT_FORMATS``, marked as the tool's."""
    from xgedu_stats.document import markdown, word
    from xgedu_stats.markers import marker_line
    from xgedu_stats.render import write_text

    if fmt == "docx":
        with open_output(path, None) as stream:
            word.render(document, stream, marker=marker_line("年度报告"))
        return
    write_text(path, lambda stream: markdown.render(document, stream), "markdown", "年度报告")


@cli.command()
@click.argument(
    "directory", default=".", type=click.Path(path_type=Path, file_okay=False), metavar="[文件夹]"
)
@click.option("--force", is_flag=True, help="覆盖已有的文件。")
@click.option(
    "--figures",
    "figures_year",
    type=YearParam(),
    metavar="年",
    help="改为写这一年的数据文件（表二第二十条各项，每项为 0，逐项有说明），填好后统计时用 --figures 指定。",
)
@click.option(
    "--report",
    "report_templates",
    is_flag=True,
    help=f"改为写年度报告各部分的内置模板（{TEMPLATE_FOLDER}/2018、{TEMPLATE_FOLDER}/2021），"
    "修改后 report 会自动使用。",
)
@handle_errors
def init(directory: Path, force: bool, figures_year: int | None, report_templates: bool) -> None:
    """在文件夹（默认当前文件夹）中写一份带说明的配置文件 xgedu-stats.toml。

    文件中的值就是内置默认值，只改需要改的地方即可。加 --figures 年份 时改为写该年的数据文件；
    加 --report 时改为写年度报告的模板。
    """
    if report_templates:
        if figures_year is not None:
            raise click.UsageError("--report 与 --figures 不能同时使用：请分两次运行 init")
        write_templates(directory / TEMPLATE_FOLDER, force)
        return
    name = CONFIG_NAME if figures_year is None else figures_name(figures_year)
    target = directory / name
    if target.exists() and not force:
        raise click.ClickException(f"{display_path(target)} 已存在；要覆盖请加 --force")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"无法建立文件夹 {display_path(directory)}：{os_reason(exc)}") from None
    with open_output(target) as stream:  # its first line marks it as the tool's own file
        stream.write(example_config() if figures_year is None else figures_template(figures_year))
    if figures_year is None:
        click.echo(
            f"已写入 {display_path(target)}；在此文件夹中运行 xgedu-stats 时会自动使用它", err=True
        )
    else:
        click.echo(
            f"已写入 {display_path(target)}；填好后统计时加 --figures {display_path(target)}",
            err=True,
        )


def write_templates(folder: Path, force: bool) -> None:
    """``init --report``: every layout's built-in templates into ``folder``/<layout>/."""
    from xgedu_stats.document import templates as tp

    targets = tp.builtin_paths(folder)
    there = [t for t in targets if t.exists()]
    if there and not force:
        raise click.ClickException(
            f"{display_path(there[0])} 等 {len(there)} 个模板已存在；要用内置模板覆盖请加 --force"
        )
    for target in targets:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(
                f"无法建立文件夹 {display_path(target.parent)}：{os_reason(exc)}"
            ) from None
        with open_output(target) as stream:
            stream.write(tp.builtin_text(target.parent.name, target.stem))
    click.echo(
        f"已写入 {len(targets)} 个模板到 {display_path(folder)}（2018 和 2021 两种格式各一个文件夹）；"
        + (
            "在当前文件夹中"
            if folder.parent.resolve() == Path.cwd().resolve()
            else f"在 {display_path(folder.parent)} 中"
        )
        + "运行 xgedu-stats report 时会自动使用它们",
        err=True,
    )


@cli.command()
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="文件..."
)
@handle_errors
def check(files: tuple[Path, ...]) -> None:
    """检查年度报告统计表（表二、表三、表四）的勾稽关系：文件为 aggregate --format
    json 输出的 JSON（可手工填写或修改），或 aggregate --format xlsx 格式的工作簿。

    每处不符合的规则输出一行（表、规则、行、列及两边的数）。全部符合时退出码为 0，
    有不符合的为 3，有文件无法读取为 1（其余文件照常检查）。
    """
    from xgedu_stats import rules

    broken = unreadable = 0
    for path in files:  # (a file that cannot be read does not stop the others' checks)
        shown = display_path(path)
        try:
            found = rules.read_tables(path)
            empty = [name for name, table in found.items() if rules.blank(table)]
            if len(empty) == len(found):
                raise InputError(
                    f"{shown} 中的表都没有数字（{'、'.join(rules.TITLES[n] for n in empty)}）；"
                    "没有可检查的"
                )
            breaches = rules.check(found)
        except XgeduError as exc:
            text = str(exc)
            named = text if text.startswith((str(path), shown)) else f"{shown}：{text}"
            click.echo(printable(f"错误：{named}"), err=True)
            unreadable += 1
            continue
        for b in breaches:
            to_stdout(f"{shown}：{b.line()}\n")
        broken += len(breaches)
        checked = "、".join(t for n, t in rules.TITLES.items() if n in found and n not in empty)
        absent = [title for name, title in rules.TITLES.items() if name not in found]
        if absent:  # (a table not found is not checked: say so, not only what was)
            checked += f"；没有找到：{'、'.join(absent)}"
        if empty:
            UI.current().note(
                f"{shown}：{'、'.join(rules.TITLES[n] for n in empty)}没有数字"
                "（aggregate 没有读到相应的登记表或数据时就是这样），未检查"
            )
        if breaches:  # (the verdict is the command's output: stdout, as its breaches)
            to_stdout(f"{shown}：{len(breaches)} 处不符合勾稽关系（检查了：{checked}）\n")
        else:
            to_stdout(f"{shown}：全部符合勾稽关系（检查了：{checked}）\n")
    if unreadable:
        raise click.exceptions.Exit(1)
    if broken:
        raise click.exceptions.Exit(3)
