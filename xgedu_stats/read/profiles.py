"""Which file is whose, and which header is which field.

A file's *kind* (``read.kinds``) says what it holds and which canonical fields it has; a
*platform* says whose it is. Both are decided here, before any value is interpreted.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePath

import pandas as pd
import pyarrow as pa

from xgedu_stats.config import Platform, Settings
from xgedu_stats.errors import ConfigError, InputError
from xgedu_stats.messages import QUOTED_ITEMS, listing, shorten
from xgedu_stats.read import RawTable, SourceFile, Tabular
from xgedu_stats.read import kinds as _kinds
from xgedu_stats.read.kinds import ARTICLES, FieldSpec, Kind, kind_of


@dataclass(frozen=True)
class Assignment:
    """A file, the platform it belongs to, and why."""

    source: SourceFile
    platform: Platform
    kind: Kind
    reason: str
    setting: str = ""
    """The config table that says how to read the file (``platforms.KEY`` or
    ``sources.KEY``); "" for a file of another kind found by its name."""


@dataclass(frozen=True)
class ColumnMapping:
    """Which header position became which field, and which headers were left unused."""

    fields: dict[str, int]
    ignored: tuple[str, ...]


def header_key(text: str) -> str:
    """How headers are compared: NFKC, no BOM, no spaces inside, Latin case folded.

    >>> header_key(" 标 题\\ufeff"), header_key("Publish_Time")
    ('标题', 'publish_time')
    """
    # (str.split() drops exactly what re's \s matches, at C speed on 50 MB header lines)
    return "".join(unicodedata.normalize("NFKC", text).replace("\ufeff", "").split()).casefold()


def assign(source: SourceFile, settings: Settings) -> Assignment:
    """Decide a file's kind (by its name, ``kinds.kind_of``) and, for a kind on platforms,
    its platform: config globs first, then its name, then its folder's name.

    More than one candidate at the same step is an error naming them, never a guess.
    """
    # (absolute: the folder of a file found under "." has a name too)
    path = PurePath(Path(os.path.abspath(source.path)).as_posix())
    by_glob = [(p, pat) for p in settings.platforms for pat in p.files if _glob_match(path, pat)]
    named = _named_source(source, path, settings, list(dict.fromkeys(p.key for p, _ in by_glob)))
    if named is not None:
        return named
    # (a platform's files patterns name an export of articles, whatever words its name holds)
    kind, why = kind_of(path) if not by_glob else (ARTICLES, "")
    if not kind.platforms:  # (a kind whose files belong to no platform: a mailbox export)
        return Assignment(source, Platform("", kind.label), kind, why)
    if by_glob:
        keys = list(dict.fromkeys(p.key for p, _ in by_glob))
        if len(keys) > 1:
            raise InputError(
                f"文件 {source.display} 同时匹配了多个平台的 files 设置（{'、'.join(keys)}），"
                "请修改配置文件使它只属于一个平台"
            )
        platform, pattern = by_glob[0]
        return Assignment(
            source, platform, kind, f"配置 files = {pattern!r}", f"platforms.{platform.key}"
        )
    for where, name in (("文件名", path.name), ("文件夹名", path.parent.name)):
        hits = [(p, h) for p in settings.platforms for h in p.hints if _contains(name, h)]
        keys = list(dict.fromkeys(p.key for p, _ in hits))
        if len(keys) > 1:
            raise InputError(
                f"无法确定文件 {source.display} 属于哪个平台：{where}「{name}」同时含有"
                f"{'、'.join(f'{h}（{p.key}）' for p, h in hits)}；"
                f'请重命名，或在配置文件中设置 [platforms.{keys[0]}] files = ["…"]'
            )
        if keys:
            platform, hint = hits[0]
            return Assignment(
                source, platform, kind, f"{where}含「{hint}」", f"platforms.{platform.key}"
            )
    known = "、".join("/".join(p.hints) for p in settings.platforms)
    raise InputError(
        f"无法确定文件 {source.display} 属于哪个平台：文件名和所在文件夹名都不含平台名"
        f"（{known}）；请重命名文件或文件夹，"
        f'或在配置文件中设置 [platforms.平台代码] files = ["{path.name}"]；'
        f"它若是{_other_kind_words()}的导出，请在文件名中写明，"
        + _sources_hint()
        + "它若不是导出文件，请移出输入文件夹"
    )


def check_sources(settings: Settings) -> None:
    """Every ``[sources.NAME]`` names a kind without platforms and only its fields (checked
    before any file is read, whether or not its patterns match)."""
    where = f"配置文件 {settings.source}：" if settings.source else "配置 "
    for named in settings.sources:
        kind = next((k for k in _kinds.KINDS[1:] if k.name == named.kind), None)
        if kind is None or kind.platforms:
            others = "、".join(k.name for k in _kinds.KINDS[1:] if not k.platforms)
            raise ConfigError(
                f'{where}[sources.{named.key}] kind = "{shorten(named.kind)}"：没有这种数据'
                f"（可用：{others}）；各平台发布的信息请用 [platforms.平台代码] files 指定"
            )
        valid = [spec.key for spec in kind.fields]
        for key, _ in named.columns:
            if key not in valid:
                raise ConfigError(
                    f"{where}[sources.{named.key}.columns] 中的 {shorten(key)} 不是可用的字段"
                    f"（可用：{'、'.join(valid)}）"
                )


def _named_source(
    source: SourceFile, path: PurePath, settings: Settings, platforms: list[str]
) -> Assignment | None:
    """The file's assignment by a ``[sources.KEY] files`` pattern, if one matches it."""
    hits = [(s, pat) for s in settings.sources for pat in s.files if _glob_match(path, pat)]
    if not hits:
        return None
    keys = list(dict.fromkeys(s.key for s, _ in hits))
    if len(keys) > 1 or platforms:
        both = "、".join(
            [*(f"[sources.{k}]" for k in keys), *(f"[platforms.{k}]" for k in platforms)]
        )
        raise InputError(
            f"文件 {source.display} 同时匹配了 {both} 的 files 设置，请修改配置文件使它只属于一处"
        )
    named, pattern = hits[0]
    kind = next((k for k in _kinds.KINDS[1:] if k.name == named.kind), None)
    if kind is None or kind.platforms:
        others = "、".join(k.name for k in _kinds.KINDS[1:] if not k.platforms)
        raise ConfigError(
            f'配置 [sources.{named.key}] kind = "{shorten(named.kind)}"：没有这种数据（可用：{others}）；'
            "各平台发布的信息请用 [platforms.平台代码] files 指定"
        )
    platform = Platform(
        "", kind.label, columns=named.columns, encoding=named.encoding, sheet=named.sheet
    )
    why = f"配置 [sources.{named.key}] files = {pattern!r}"
    return Assignment(source, platform, kind, why, f"sources.{named.key}")


def _sources_hint() -> str:
    """How the config names a file of another kind (none when articles are the only kind)."""
    others = [k.name for k in _kinds.KINDS[1:]]
    if not others:
        return ""
    more = f"（或 {'、'.join(others[1:])}）" if others[1:] else ""
    return f'或在配置文件中设置 [sources.名称] kind = "{others[0]}"{more}和 files；'


def _other_kind_words() -> str:
    """``网上留言（信箱、留言…）或访问统计（访问统计、流量统计）``: the other kinds and their words."""
    return "或".join(
        f"{k.label}（{'、'.join(w for w in k.words if not w.isascii())}）" for k in _kinds.KINDS[1:]
    )


def _glob_match(path: PurePath, pattern: str) -> bool:
    return path.match(pattern) or PurePath(path.name).match(pattern)


def _contains(name: str, hint: str) -> bool:
    return header_key(hint) in header_key(name)


def _names(spec: FieldSpec, platform: Platform) -> set[str]:
    """Header keys that mean a field for a platform: its configured header, else synonyms."""
    configured = platform.column_map.get(spec.key)
    return {header_key(configured)} if configured else {header_key(s) for s in spec.synonyms}


def find_header(sheet: Tabular, assignment: Assignment) -> int | None:
    """Index of the first record of the sheet's head (its first ``HEADER_SEARCH_ROWS``
    records) that names every required field.

    Title lines above a header (an export's caption, a date range) are passed over.
    """
    required = [_names(f, assignment.platform) for f in assignment.kind.fields if f.required]
    for i, record in enumerate(sheet.head):
        keys = {header_key(c) for c in record.cells}
        if all(keys & names for names in required):
            return i
    return None


def header_error(sheet: Tabular, display: str, assignment: Assignment) -> InputError:
    """The error for a table with no header row: which field is missing from the likeliest row."""
    kind, platform = assignment.kind, assignment.platform
    required = [f for f in kind.fields if f.required]
    records = sheet.head
    if not records:
        return InputError(f"文件 {display} 是空的，没有表头")

    def found(record_cells: list[str]) -> int:
        keys = {header_key(c) for c in record_cells}
        return sum(bool(keys & _names(f, platform)) for f in required)

    best = max(records, key=lambda r: found(r.cells))
    keys = {header_key(c) for c in best.cells}
    missing = next(f for f in required if not keys & _names(f, platform))
    return _missing_column(display, tuple(best.cells), missing, assignment)


def _missing_column(
    display: str, header: tuple[str, ...], spec: FieldSpec, assignment: Assignment
) -> InputError:
    platform = assignment.platform
    headers = listing(list(header))
    wanted = platform.column_map.get(spec.key)
    if wanted:
        return InputError(
            f"文件 {display} 中没有配置的{spec.label}列「{wanted}」"
            f"（[{assignment.setting}.columns] {spec.key}）；表头为：{headers}"
        )
    hint = (
        f'也可在配置文件中设置 [{assignment.setting}.columns] {spec.key} = "列名"'
        if assignment.setting
        else "请把这一列的表头改为其中之一"
    )
    if not platform.key:  # (a file of another kind: why it was read as one)
        hint = (
            f"此文件因{assignment.reason}，按{platform.label}读取：如果不是{platform.label}，"
            "请改文件名、文件夹名或配置；如果是，" + hint.removeprefix("也可")
        )
    why = f"（{spec.missing}）" if spec.missing else ""
    return InputError(
        f"文件 {display} 中找不到{spec.label}列{why}；表头为：{headers}；"
        f"可识别的列名：{'、'.join(spec.synonyms)}；{hint}"
    )


def map_columns(table: RawTable, assignment: Assignment) -> ColumnMapping:
    """Find each field's column: the platform's configured header, else a synonym.

    A required field with no column, a configured header that is absent, or two
    headers that both mean one field is an error naming the file and its headers.
    """
    kind, platform, display = assignment.kind, assignment.platform, table.display
    keys = [header_key(h) for h in table.header]
    for f in platform.column_map:
        if f not in {spec.key for spec in kind.fields}:
            valid = "、".join(spec.key for spec in kind.fields)
            raise ConfigError(
                f"配置 [{assignment.setting}.columns] 中的 {f} 不是可用的字段（可用：{valid}）"
            )
    fields: dict[str, int] = {}
    # A column the config gives to a field is that field's only: a synonym of another field
    # (答复时间 set as received is not also the reply) does not take it again.
    configured = {
        i
        for spec in kind.fields
        if spec.key in platform.column_map
        for i, k in enumerate(keys)
        if k in _names(spec, platform)
    }
    for spec in kind.fields:
        names = _names(spec, platform)
        mine = spec.key in platform.column_map
        hits = [i for i, k in enumerate(keys) if k in names and (mine or i not in configured)]
        if not hits and (spec.required or spec.key in platform.column_map):
            raise _missing_column(display, table.header, spec, assignment)
        if len(hits) > 1:
            both = "、".join(f"「{shorten(table.header[i])}」" for i in hits[:QUOTED_ITEMS])
            hint = (
                "请在配置文件中指定，例如 "
                f'[{assignment.setting}.columns] {spec.key} = "{shorten(table.header[hits[0]])}"'
                if assignment.setting
                else f"请把不是{spec.label}的列改名"
            )
            raise InputError(f"文件 {display} 中有多列都可能是{spec.label}：{both}；{hint}")
        if hits:
            fields[spec.key] = hits[0]
    used = set(fields.values())
    ignored = tuple(h for i, h in enumerate(table.header) if i not in used)
    return ColumnMapping(fields, ignored)


def canonical_rows(table: RawTable, assignment: Assignment, mapping: ColumnMapping) -> pd.DataFrame:
    """The file's rows under canonical field names, tagged with file, line and platform.

    Fields the file does not have are empty strings, so every frame has the same columns.
    """
    n = len(table.rows)

    def same(value: str) -> pd.api.extensions.ExtensionArray:
        return pd.array(pa.repeat(pa.scalar(value, pa.large_string()), n), dtype="str")

    out = pd.DataFrame(
        {
            "file": same(table.display),
            "line": table.rows["line"],
            "platform": same(assignment.platform.key),
        }
    )
    for spec in assignment.kind.fields:
        col = mapping.fields.get(spec.key)
        out[spec.key] = table.rows[f"c{col}"] if col is not None else same("")
    return out
