"""The report's prose: one Markdown file a section, with figures as ``{name}``.

A template is plain text a clerk edits in any editor:

- ``# 标题`` is the document's title, ``## 一、概述`` a heading, ``### （一）存在问题`` a
  heading under it; other lines are paragraphs (lines not separated by a blank line are one
  paragraph); ``<!-- … -->`` is a note to the editor, left out of the report;
- ``{categories.孝感教育新闻}`` is a figure (``report --list-figures`` lists every name),
  ``{traffic.cumulative_page_views:万}`` written in 万; ``{{`` and ``}}`` are braces;
- a line holding only ``{tables.categories}`` sets that table there.

Our own few lines rather than Jinja2: a clerk's template holds no logic (the only choice a
report makes, 增长 or 减少, comes as a figure, ``change.…``), every error is one Chinese line
naming the file and line, and nothing is added to install.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

from xgedu_stats.config import read_small_file
from xgedu_stats.encodings import small_text
from xgedu_stats.errors import ConfigError, InputError, OutputError
from xgedu_stats.messages import display_path, os_reason

#: The section templates of each layout, in the report's order (the built-in files' names).
LAYOUT_SECTIONS: Mapping[str, tuple[str, ...]] = {
    "2018": (
        "0-标题和导语",
        "1-概述",
        "2-主动公开",
        "3-依申请公开",
        "4-收费及减免",
        "5-复议诉讼",
        "6-存在问题及改进措施",
        "7-附表",
    ),
    "2021": (
        "0-标题和导语",
        "1-总体情况",
        "2-主动公开",
        "3-依申请公开",
        "4-复议诉讼",
        "5-存在的主要问题及改进情况",
        "6-其他需要报告的事项",
    ),
}
SUFFIX = ".md"
#: The tables a report may place at most (each is laid out cell by cell in Word).
MAX_PLACED_TABLES = 30
#: The paragraphs, headings and tables of all templates at most (the 2018 report has 30;
#: Word takes about a second for each thousand).
MAX_BLOCKS = 5000
#: A template larger than this is not a template (a clerk pointed at the wrong file).
MAX_TEMPLATE_BYTES = 256 * 1024

_PLACE = re.compile(r"\{\{|\}\}|\{([^{}\n]*)\}|[{}]")
_TABLE_LINE = re.compile(r"^\s*\{\s*tables\.([^{}:\s]+)\s*\}\s*$")
_FULL_WIDTH = re.compile("[｛｝]")
_HEADING = re.compile(r"^(#{1,3})\s+(.*?)\s*#*\s*$")


@dataclass(frozen=True)
class Placeholder:
    name: str
    spec: str
    line: int
    raw: str = ""
    """What the braces hold (a category named 甲:乙 is a name, not a name and a spec)."""


@dataclass(frozen=True)
class Block:
    """A part of a section: ``title``, ``heading`` (level 1 or 2), ``paragraph`` (text and
    placeholders) or ``table`` (its name)."""

    kind: str
    parts: tuple[str | Placeholder, ...] = ()
    level: int = 0
    table: str = ""
    line: int = 0


@dataclass(frozen=True)
class Template:
    """One section's template: its name, where it came from (for errors), its blocks, and
    the mistakes found in reading it (``errors``; ``warnings``: what may be one)."""

    name: str
    origin: str
    blocks: tuple[Block, ...]
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    path: Path | None = None
    """The file it was read from (None: built in)."""


class TemplateError(InputError):
    """Templates that cannot be used: one line a mistake, each naming the file and the line
    (``lines``; the first is the error's text)."""

    def __init__(self, *lines: str) -> None:
        super().__init__(lines[0])
        self.lines = lines


def builtin_text(layout: str, name: str) -> str:
    return (
        resources.files("xgedu_stats.document")
        .joinpath("templates", layout, name + SUFFIX)
        .read_text(encoding="utf-8")
    )


def load(layout: str, folder: Path | None) -> tuple[list[Template], list[str]]:
    """The layout's section templates: each from ``folder`` when it has the file, else the
    built-in one; and notes on the sections that came from the built-ins."""
    names = LAYOUT_SECTIONS[layout]
    notes: list[str] = []
    found: dict[str, Path] = {}
    if folder is not None:
        where = folder / layout if (folder / layout).is_dir() else folder
        if not where.is_dir():
            raise TemplateError(f"模板文件夹 {display_path(folder)} 不存在或不是文件夹")
        others = [d for d in LAYOUT_SECTIONS if d != layout and (folder / d).is_dir()]
        unknown = []
        try:
            listed = sorted(where.iterdir())
        except OSError as exc:
            raise TemplateError(
                f"无法读取模板文件夹 {display_path(where)}：{os_reason(exc)}"
            ) from None
        for path in listed:
            if path.suffix.lower() != SUFFIX or path.name.startswith("."):
                continue
            if path.stem not in names:
                unknown.append(display_path(path))
            elif path.stem in found:
                raise TemplateError(
                    f"模板 {display_path(found[path.stem])} 和 {display_path(path)} 是同一部分的模板；"
                    "请删去其中一个"
                )
            found[path.stem] = path
        if unknown:
            raise TemplateError(
                f"模板 {'、'.join(unknown)}：{layout} 格式的报告没有这样的部分；"
                f"模板文件名应为 {'、'.join(n + SUFFIX for n in names)}"
            )
        missing = [n for n in names if n not in found]
        if where == folder and others and not found:
            notes.append(
                f"模板文件夹 {display_path(folder)} 中只有 {'、'.join(others)} 格式的模板，"
                f"没有 {layout} 格式的（{display_path(folder / layout)}）：全部用内置模板"
            )
        elif missing and found:
            notes.append(
                f"模板文件夹 {display_path(where)} 中没有 "
                + "、".join(n + SUFFIX for n in missing)
                + "：这些部分用内置模板（不要某一部分时，把它的文件清空）"
            )
        elif not found:
            notes.append(f"模板文件夹 {display_path(where)} 中没有 .md 模板：全部用内置模板")
    out = []
    for name in names:
        if name in found:
            path = found[name]
            out.append(replace(parse(name, display_path(path), _read(path)), path=path))
        else:
            out.append(parse(name, f"内置模板 {layout}/{name}{SUFFIX}", builtin_text(layout, name)))
    return out, notes


def _read(path: Path) -> str:
    """A template's text (UTF-8, with or without BOM, or GBK), if it is a regular file of
    at most :data:`MAX_TEMPLATE_BYTES` (a FIFO named .md would block the run for ever)."""
    try:
        data = read_small_file(
            path,
            MAX_TEMPLATE_BYTES,
            "模板",
            "模板应为 .md 文本文件",
            "MAX_TEMPLATE_BYTES",
            "不像是模板",
        )
    except ConfigError as exc:
        raise TemplateError(str(exc)) from None
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise TemplateError(
            f"模板 {display_path(path)} 是 UTF-16（记事本的“Unicode”）编码的；"
            "请用记事本“另存为”，编码选 UTF-8"
        )
    text = small_text(data)
    if text is None or "\x00" in text:
        raise TemplateError(
            f"模板 {display_path(path)} 不是文本文件（应为 UTF-8 或 GBK 编码的文本）"
        )
    return text


def parse(name: str, origin: str, text: str) -> Template:
    """A template's blocks; a brace without its pair is an error naming the line (all of
    them are found: ``Template.errors``)."""
    blocks: list[Block] = []
    paragraph: list[str | Placeholder] = []
    errors: list[str] = []
    warnings: list[str] = []
    first_line = 0

    def end_paragraph() -> None:
        nonlocal paragraph
        if paragraph:
            blocks.append(Block("paragraph", _merged(paragraph), line=first_line))
        paragraph = []

    def parts(text: str, number: int) -> tuple[str | Placeholder, ...]:
        if _FULL_WIDTH.search(text):
            warnings.append(
                f"模板 {origin} 第 {number} 行有全角的花括号“｛”或“｝”：照原样写进报告；"
                "要填数字，请改用半角的 { }"
            )
        try:
            return _parts(text, origin, number)
        except TemplateError as exc:
            errors.append(str(exc))
            return (text,)

    unclosed: list[int] = []
    for number, line in _lines(text, unclosed):
        if not line.strip():
            end_paragraph()
            continue
        table = _TABLE_LINE.match(line)
        if table:
            end_paragraph()
            blocks.append(Block("table", table=table.group(1), line=number))
            continue
        heading = _HEADING.match(line)
        if heading:
            end_paragraph()
            level = len(heading.group(1))
            kind = "title" if level == 1 else "heading"
            found = parts(heading.group(2), number)
            blocks.append(Block(kind, found, level=max(1, level - 1), line=number))
            continue
        if paragraph:
            paragraph.append(_joiner(paragraph[-1], line.strip()))
        else:
            first_line = number
        paragraph.extend(parts(line.strip(), number))
    end_paragraph()
    for number in unclosed:
        errors.append(
            f"模板 {origin} 第 {number} 行：说明“<!--”没有结束的“-->”，它后面的内容都会被当作说明"
        )
    return Template(name, origin, tuple(blocks), tuple(errors), tuple(warnings))


def _lines(text: str, unclosed: list[int]) -> Iterator[tuple[int, str]]:
    """The lines with their numbers (lines end only at a line break: ``splitlines`` would
    also end one at a form feed and count the lines wrong), notes (``<!-- … -->``, over
    several lines too) blanked; a note never closed puts its first line in ``unclosed``."""
    in_note = 0
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, line in enumerate(lines, start=1):
        out = ""
        rest = line
        while rest:
            if in_note:
                end = rest.find("-->")
                if end < 0:
                    rest = ""
                    break
                rest, in_note = rest[end + 3 :], 0
            else:
                start = rest.find("<!--")
                if start < 0:
                    out += rest
                    break
                out, rest, in_note = out + rest[:start], rest[start + 4 :], number
        yield number, out
    if in_note:
        unclosed.append(in_note)


def _joiner(before: str | Placeholder, line: str) -> str:
    """What joins two lines of a paragraph: nothing between Chinese text, a space between
    two Latin words."""
    last = before[-1:] if isinstance(before, str) else "0"
    return " " if last.isascii() and last.isalnum() and line[:1].isascii() else ""


def _parts(text: str, origin: str, line: int) -> tuple[str | Placeholder, ...]:
    parts: list[str | Placeholder] = []
    at = 0
    for m in _PLACE.finditer(text):
        parts.append(text[at : m.start()])
        at = m.end()
        token = m.group()
        if token in ("{{", "}}"):
            parts.append(token[0])
        elif m.group(1) is not None:
            name, _, spec = m.group(1).strip().partition(":")
            if not name.strip():
                raise TemplateError(f"模板 {origin} 第 {line} 行：{{}} 中没有写数字的名称")
            parts.append(Placeholder(name.strip(), spec.strip(), line, m.group(1).strip()))
        else:
            raise TemplateError(
                f"模板 {origin} 第 {line} 行：“{token}”没有配对的"
                f"“{'}' if token == '{' else '{'}”（要写花括号本身，请写成 {{{{ 或 }}}}）"
            )
    parts.append(text[at:])
    return _merged(parts)


def _merged(parts: list[str | Placeholder]) -> tuple[str | Placeholder, ...]:
    """Neighbouring texts as one."""
    merged: list[str | Placeholder] = []
    for p in parts:
        if isinstance(p, str) and merged and isinstance(merged[-1], str):
            merged[-1] += p
        elif p != "":
            merged.append(p)
    return tuple(merged)


def raise_errors(templates: list[Template], tables: Sequence[str]) -> None:
    """Every mistake found in reading the templates, at once: their writing, a table that
    is none of ``tables``, too many tables or paragraphs, no content at all."""
    errors = [e for t in templates for e in t.errors]
    known = "、".join(f"tables.{t}" for t in tables)
    for t in templates:
        for b in t.blocks:
            if b.kind == "table" and b.table not in tables:
                errors.append(
                    f"模板 {t.origin} 第 {b.line} 行：没有名为“tables.{b.table}”的表；可用的表：{known}"
                )
    blocks = [b for t in templates for b in t.blocks]
    placed = sum(b.kind == "table" for b in blocks)
    if placed > MAX_PLACED_TABLES:
        errors.append(
            f"模板中一共放了 {placed} 张表，超过 {MAX_PLACED_TABLES} 张（MAX_PLACED_TABLES）："
            "一份报告用不了这么多，请检查 {tables.…} 的行"
        )
    if len(blocks) > MAX_BLOCKS:
        errors.append(
            f"模板中一共有 {len(blocks)} 段，超过 {MAX_BLOCKS} 段（MAX_BLOCKS）：一份报告用不了这么多"
        )
    if not blocks:
        errors.append("所有模板都是空的：报告没有内容（要用内置模板，删去模板文件夹中的文件）")
    if errors:
        raise TemplateError(*errors)


def check_outputs_outside(outputs: Sequence[Path], folder: Path) -> None:
    """A report written into the templates' folder would be read as a template next time."""
    try:
        inside = [o for o in outputs if o.resolve().parent.is_relative_to(folder.resolve())]
    except (OSError, RuntimeError):  # (a symlink loop: the folder's own checks say so)
        return
    if inside:
        raise OutputError(
            f"输出文件 {display_path(inside[0])} 在模板文件夹 {display_path(folder)} 中，"
            "下次会被当作模板读取；请写到别的文件夹"
        )


def builtin_paths(folder: Path) -> list[Path]:
    """Where ``init --report`` writes every layout's built-in templates."""
    return [
        folder / layout / (n + SUFFIX) for layout, names in LAYOUT_SECTIONS.items() for n in names
    ]
