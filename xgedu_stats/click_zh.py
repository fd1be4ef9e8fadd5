"""click, for a Chinese clerk: its own texts (Usage, Options, "No such option" …) in Chinese,
and help laid out by display width (a Chinese character takes two columns).

click marks every text it prints with the classic gettext API (``from gettext import gettext
as _`` in each of its modules), which looks a text up through ``gettext.dgettext`` of the
current domain. :func:`chinese_click` answers those lookups from :data:`CATALOG` while the
command line runs, and restores gettext afterwards: nothing changes at import, and a program
that imports xgedu-stats as a library keeps its own texts. A test reads click's source for
every text it marks, so that a click upgrade with new texts fails the suite, not the clerk.

click measures text in characters: its help columns and line breaks go wrong with Chinese.
:class:`HelpFormatter` measures with wcwidth, breaks lines between Chinese characters (not
only at spaces), keeps closing punctuation off the start of a line, and joins the lines of a
docstring paragraph without a space between two Chinese characters.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import click

#: click's text -> Chinese. Placeholders are kept; where click fills in an English word
#: (``{name}`` = "file", ``{number_type}`` = "integer"), the translation leaves it out.
CATALOG: dict[str, str] = {
    # help
    "Usage:": "用法:",  # (click adds a space, and a colon after section names: keep ASCII)
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本号并退出。",
    "%(prog)s, version %(version)s": "%(prog)s，版本 %(version)s",
    "env var: {var}": "环境变量：{var}",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "(dynamic)": "（动态）",
    "deprecated": "已停用",
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}": (
        "提示：命令 {name!r} 已停用。{extra_message}"
    ),
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}": (
        "提示：{name!r} 已停用。{extra_message}"
    ),
    # errors
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行 '{command} {option}' 查看帮助。",
    "Aborted!": "已中断",
    "unknown error": "未知错误",
    "Missing command.": "缺少命令。",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Value must be an iterable.": "应给出一组值。",
    "Option {name!r} does not take a value.": "选项 {name!r} 后面不能跟值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。",
    "Invalid start character for option ({option})": "选项的开头字符无效（{option}）",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 之内。",
    "{value!r} is not a valid boolean. Recognized values: {states}": (
        "{value!r} 不是有效的是否值；可用的值：{states}"
    ),
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的数字。",
    "{value!r} is not a valid UUID.": "{value!r} 不是有效的 UUID。",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "{name} {filename!r} does not exist.": "{filename!r} 不存在。",
    "{name} {filename!r} is a file.": "{filename!r} 是文件，这里应是文件夹。",
    "{name} {filename!r} is a directory.": "{filename!r} 是文件夹，这里应是文件。",
    "{name} {filename!r} is not readable.": "{filename!r} 不可读（没有权限）。",
    "{name} {filename!r} is not writable.": "{filename!r} 不可写（没有权限）。",
    "{name} {filename!r} is not executable.": "{filename!r} 不可执行。",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "Unknown standard stream '{name}'": "未知的标准流 '{name}'",
    # prompts and the terminal
    "Do you want to continue?": "要继续吗？",
    "Confirm the action without prompting.": "不询问，直接执行。",
    "Repeat for confirmation": "再输入一次以确认",
    "Error: The two entered values do not match.": "错误：两次输入的值不一致。",
    "Error: invalid input": "错误：输入无效",
    "Press any key to continue...": "按任意键继续……",
    "Unknown color {colour!r}": "未知的颜色 {colour!r}",
    "{editor}: Editing failed": "{editor}：编辑失败",
    "{editor}: Editing failed: {e}": "{editor}：编辑失败：{e}",
    "Windows error: {error}": "Windows 错误：{error}",
    "d": "天",
    "Couldn't detect Bash version, shell completion is not supported.": (
        "无法判断 Bash 的版本，不支持命令补全。"
    ),
    "Shell completion is not supported for Bash versions older than 4.4.": (
        "Bash 4.4 以下的版本不支持命令补全。"
    ),
}

#: click's texts with a plural form: (singular, plural) -> (Chinese for 1, Chinese for more).
PLURALS: dict[tuple[str, str], tuple[str, str]] = {
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"): (
        "多出了参数（{args}）",
        "多出了参数（{args}）",
    ),
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."): (
        "需要 {nargs} 个值，只给了 1 个。",
        "需要 {nargs} 个值，给了 {len} 个。",
    ),
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"): (
        "你要找的可能是 {possibility}。",
        "（你要找的可能是：{possibilities}）",
    ),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."): (
        "选项 {name!r} 后面要跟一个值。",
        "选项 {name!r} 后面要跟 {nargs} 个值。",
    ),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."): (
        "{value!r} 不是可选的值；应为 {choice}。",
        "{value!r} 不是可选的值；可选：{choices}。",
    ),
    (
        "{value!r} does not match the format {format}.",
        "{value!r} does not match the formats {formats}.",
    ): (
        "{value!r} 不符合格式 {format}。",
        "{value!r} 不符合以下任一格式：{formats}。",
    ),
    (
        "{len_type} values are required, but {len_value} was given.",
        "{len_type} values are required, but {len_value} were given.",
    ): (
        "需要 {len_type} 个值，给了 {len_value} 个。",
        "需要 {len_type} 个值，给了 {len_value} 个。",
    ),
}


@contextmanager
def chinese_click() -> Iterator[None]:
    """While inside, click's texts come out in Chinese; other gettext lookups are untouched."""
    original_d, original_dn = gettext.dgettext, gettext.dngettext

    def dgettext(domain: str, message: str) -> str:
        return CATALOG.get(message) or original_d(domain, message)

    def dngettext(domain: str, singular: str, plural: str, n: int) -> str:
        found = PLURALS.get((singular, plural))
        if found is None:
            return original_dn(domain, singular, plural, n)
        return found[0] if n == 1 else found[1]

    gettext.dgettext, gettext.dngettext = dgettext, dngettext  # type: ignore[assignment]
    try:
        yield
    finally:
        gettext.dgettext, gettext.dngettext = original_d, original_dn  # type: ignore[assignment]


# --- help laid out by display width -------------------------------------------------

#: Punctuation that may not start a line (it stays at the end of the line before).
_NO_LINE_START = set("，。、；：？！）》」』】”’…,.;:?!)]}")

#: A run of visible ASCII (a word, an option, a path), a run of spaces, or one other character.
_TOKENS = re.compile(r"[!-~]+| +|.")


def display_width(text: str) -> int:
    """Columns ``text`` takes on a terminal (a Chinese character takes two).

    >>> display_width("统计 ab")
    7
    """
    from wcwidth import wcswidth

    width = wcswidth(text)
    return width if width >= 0 else len(text)


def _is_wide(ch: str) -> bool:
    return bool(ch) and display_width(ch) == 2


def join_lines(lines: Iterable[str]) -> str:
    """The lines of one paragraph as one line: a space between them, unless both sides are Chinese.

    >>> join_lines(["按类别", "统计 window_days", "（默认 3）"])
    '按类别统计 window_days（默认 3）'
    """
    out = ""
    for line in (ln.strip() for ln in lines):
        if not line:
            continue
        if out and not (_is_wide(out[-1]) or _is_wide(line[0])):
            out += " "
        out += line
    return out


def wrap(text: str, width: int) -> list[str]:
    """``text`` (one paragraph) in lines of at most ``width`` columns.

    Lines break at spaces or between Chinese characters; a word longer than a line stays
    whole; closing punctuation never starts a line (the character before it moves down too).

    >>> wrap("统计期开始日期（含），如 2018-01-01。", 16)
    ['统计期开始日期（', '含），如', '2018-01-01。']
    """
    lines: list[list[str]] = [[]]
    used = 0
    for token in _TOKENS.findall(text):
        size = display_width(token)
        line = lines[-1]
        if used + size > width and line:
            carried: list[str] = []
            if token[0] in _NO_LINE_START and len(line) > 1 and not line[-1].isspace():
                carried = [line.pop()]
            lines.append(carried)
            line = lines[-1]
            used = sum(display_width(t) for t in carried)
        if not line and token.isspace():
            continue
        line.append(token)
        used += size
    return [out for out in ("".join(ln).rstrip() for ln in lines) if out]


class HelpFormatter(click.HelpFormatter):
    """click's help formatter, measuring and breaking text by display width."""

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        width = max(self.width - self.current_indent, 20)
        paragraphs = re.split(r"\n\s*\n", text.strip("\n"))
        blocks = []
        for paragraph in paragraphs:
            if paragraph.lstrip().startswith("\b"):  # click's mark: keep these lines as they are
                kept = paragraph.lstrip()[1:].strip("\n").splitlines()
                blocks.append("\n".join(indent + ln for ln in kept))
            else:
                lines = wrap(join_lines(paragraph.splitlines()), width)
                blocks.append("\n".join(indent + ln for ln in lines))
        self.write("\n\n".join(blocks))
        self.write("\n")

    def write_dl(
        self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        rows = [(first, second) for first, second in rows]
        widths = [display_width(first) for first, _ in rows]
        first_col = min(max(widths, default=0), col_max) + col_spacing
        indent = " " * self.current_indent
        for (first, second), used in zip(rows, widths, strict=True):
            self.write(f"{indent}{first}")
            if not second:
                self.write("\n")
                continue
            if used <= first_col - col_spacing:
                self.write(" " * (first_col - used))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = wrap(join_lines(second.splitlines()), max(self.width - first_col - 2, 10))
            self.write((lines[0] if lines else "") + "\n")
            for line in lines[1:]:
                self.write(" " * (first_col + self.current_indent) + line + "\n")


class Context(click.Context):
    formatter_class = HelpFormatter


def _missing(ctx: click.Context, exc: click.MissingParameter) -> click.UsageError:
    """click's "Missing argument 'X'." ends in an English full stop it adds itself."""
    kind = "参数" if isinstance(exc.param, click.Argument) else "选项"
    hint = exc.param.get_error_hint(ctx) if exc.param is not None else ""
    return click.UsageError(f"缺少{kind} {hint}".rstrip(), ctx)


class Command(click.Command):
    """A command whose help is in Chinese: ``[选项]`` in its usage line, laid out by width."""

    context_class = Context

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        _given_once(ctx, self, args)
        try:
            return super().parse_args(ctx, args)
        except click.MissingParameter as exc:
            raise _missing(ctx, exc) from None


def _given_once(ctx: click.Context, command: click.Command, args: list[str]) -> None:
    """An option that takes one value, given twice, is a usage error: click keeps the last
    and drops the first without a word (``aggregate -o 统计.html -o 统计.xlsx`` wrote one file)."""
    options = {
        name: p
        for p in command.params
        if isinstance(p, click.Option) and not p.multiple and not p.count
        for name in (*p.opts, *p.secondary_opts)
    }
    seen: dict[str, list[str]] = {}
    tokens = iter(args)
    for token in tokens:
        if token == "--":
            break
        if not token.startswith("-") or token == "-":
            continue
        if token.startswith("--"):
            name = token.partition("=")[0]
            found = options.get(name)
            if found is not None:
                seen.setdefault(found.name or name, []).append(name)
                if not found.is_flag and "=" not in token:
                    next(tokens, None)
            continue
        for i in range(1, len(token)):  # (-qv: two flags; -o统计.csv: a value attached)
            found = options.get("-" + token[i])
            if found is None:
                break
            seen.setdefault(found.name or token, []).append("-" + token[i])
            if not found.is_flag:
                if i == len(token) - 1:
                    next(tokens, None)
                break
    for name, written in seen.items():
        if len(written) > 1:
            param = next(p for p in command.params if p.name == name)
            raise click.UsageError(
                f"选项 {'/'.join(param.opts)} 只能写一次（写了 {len(written)} 次）：后写的会替换先写的",
                ctx,
            )


class Group(click.Group):
    """A group like :class:`Command`, whose texts from click are Chinese while it runs."""

    context_class = Context
    command_class = Command

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.MissingParameter as exc:
            raise _missing(ctx, exc) from None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[选项]")
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)

    def main(self, args: Sequence[str] | None = None, *more: Any, **kwargs: Any) -> Any:
        with chinese_click():
            return super().main(args, *more, **kwargs)
