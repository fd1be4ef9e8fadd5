"""Settings as frozen dataclasses, the built-in defaults, and loading them from TOML.

No click here: the CLI builds a :class:`RunConfig` and hands it to ``pipeline.run``.
"""

from __future__ import annotations

import contextlib
import re
import tomllib
import unicodedata
import warnings
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xgedu_stats.encodings import encoding_names, text_encoding
from xgedu_stats.errors import ConfigError
from xgedu_stats.messages import shorten

if TYPE_CHECKING:
    from xgedu_stats.figures import Figures

UNCATEGORISED = "未分类"

#: Names the CLI offers before pandas is imported; ``tables.TABLES`` and
#: ``render.FORMATS`` hold the real registries (a test keeps them equal).
REPORT_TABLES = (
    "categories",
    "platforms",
    "doc_types",
    "media",
    "interactions",
    "interactions_by_department",
    "traffic",
    "statistics_2018",
    "article20",
    "applications",
    "appeals",
)
#: The official layouts of a report's statistical tables: the 政府信息公开情况统计表 used
#: until the 2018 reports ("2018") and the national format since the 2021 reporting year
#: (国办公开办函〔2021〕30号, "2021").
LAYOUTS = ("2018", "2021")
#: The first reporting year of the 2021 layout (the default for later years).
LAYOUT_2021_FROM = 2021
#: What ``aggregate --by`` breaks tables down by (``tables.BY``).
BY_CHOICES = ("department",)
OUTPUT_FORMATS = ("text", "markdown", "csv", "json", "xlsx", "html")

#: Platforms an item's copies are recorded on as bits of one 64-bit number.
MAX_PLATFORMS = 60

#: The config file name that ``init`` writes and that commands use when present.
CONFIG_NAME = "xgedu-stats.toml"

#: A config file is read up to this size (the commented example is about 4 KB): a device
#: such as /dev/zero, or a data file named by mistake, is refused instead of read forever.
MAX_CONFIG_BYTES = 1024 * 1024
#: Site names cut from the end of titles: all of them make one regular expression, which RE2
#: refuses past a size (a 300,000-character name, or 20,000 names, was an internal error).
MAX_SITE_NAMES = 100
MAX_SITE_NAME_CHARS = 50


@dataclass(frozen=True)
class Platform:
    """One publishing platform: whose files are whose, and how to read them.

    >>> Platform("portal", "孝感市教育局门户网站", names=("门户",)).hints
    ('portal', '门户')
    """

    key: str
    label: str
    names: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    columns: tuple[tuple[str, str], ...] = ()
    encoding: str | None = None
    sheet: str | None = None
    document_id: str | None = None
    """A regex with one group that reads a document's id from its link (RE2 syntax)."""

    @property
    def hints(self) -> tuple[str, ...]:
        """Words that, found in a file or folder name, assign the file to this platform."""
        return (self.key, *self.names)

    @property
    def column_map(self) -> dict[str, str]:
        return dict(self.columns)


@dataclass(frozen=True)
class Source:
    """Files of another kind of input named in the config (``[sources.KEY]``): which files,
    what kind (``interactions``, ``traffic``), and how to read them, as a platform's are."""

    key: str
    kind: str
    files: tuple[str, ...]
    columns: tuple[tuple[str, str], ...] = ()
    encoding: str | None = None
    sheet: str | None = None


@dataclass(frozen=True)
class Category:
    """A report category, its group, and the other channel names that count as it."""

    name: str
    group: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class DedupeSettings:
    """When two rows are the same item, and which copy an item takes its category from."""

    window_days: int = 3
    site_names: tuple[str, ...] = ("孝感市教育局", "孝感教育信息网", "孝感教育")
    priority: tuple[str, ...] = ("portal", "yunshang", "dachu", "toutiao")
    fuzzy: bool = False
    fuzzy_threshold: float = 85.0
    decisions: Path | None = None


#: The types of online messages, in the order tables list them; other values count as 其他.
MESSAGE_TYPES = ("咨询", "建议", "投诉", "求助", "表扬", "其他")
#: The longest reply deadline a config may set (days).
MAX_DEADLINE_DAYS = 366


#: The document types (文种) of published items, in the order tables list them; an item
#: that no rule types is 其他.
#: The folder ``init --report`` writes the report's templates into (one subfolder a
#: layout); ``report`` uses it when it is in the current folder.
TEMPLATE_FOLDER = "报告模板"
DOC_TYPES = ("政务新闻", "规范性文件", "资料", "公告通知", "其他")
#: Title words of each type, looked for in this order (a title carrying a 文号 is a
#: 规范性文件 before any word is looked for). ``[doc_types]`` in a config replaces them.
DEFAULT_DOC_TYPE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("规范性文件", ("办法", "规定", "细则", "实施意见")),
    ("公告通知", ("通知", "公告", "通告", "公示")),
    ("资料", ("名单", "名录", "汇编", "一览表", "结果")),
    ("政务新闻", ("市教育局", "局党组")),
)
#: Title words a config may give to the document types, all types together (each word is
#: one pass over every title), and the longest word.
MAX_DOC_TYPE_WORDS = 200
MAX_DOC_TYPE_WORD_CHARS = 50


def word_key(text: str) -> str:
    """A word (or a 文种 cell) as titles are compared: NFKC, without punctuation, spaces and
    invisible format characters (as ``items.normalize.title_keys`` makes a title's key).

    >>> word_key(" 规范性文件（试行）"), word_key("政务\u200b新闻"), word_key("【公告】")
    ('规范性文件试行', '政务新闻', '公告')
    """
    text = unicodedata.normalize("NFKC", text)
    return "".join(c for c in text if unicodedata.category(c)[0] not in "PZ" + "C")


@dataclass(frozen=True)
class DocTypeSettings:
    """How an item's document type is found when no 文种 column names it: the words of each
    type, in the order they are looked for in a title."""

    words: tuple[tuple[str, tuple[str, ...]], ...] = DEFAULT_DOC_TYPE_WORDS


@dataclass(frozen=True)
class Deadline:
    """A reply deadline: the ``days``-th working day (or calendar day) after the day a
    message was received; the day received never counts.

    >>> str(Deadline(5)), str(Deadline(15, working=False))
    ('5 个工作日', '15 天')
    """

    days: int
    working: bool = True

    def __str__(self) -> str:
        return f"{self.days} 个工作日" if self.working else f"{self.days} 天"


_DEADLINE = re.compile(
    r"^(?P<n>\d{1,4})\s*(?:(?P<working>working\s+days?|个?工作日)|(?:calendar\s+)?days?|天|日|个?自然日)$",
    re.IGNORECASE,
)


def parse_deadline(text: str) -> Deadline | None:
    """``"5 working days"`` / ``"5 个工作日"`` or ``"15 days"`` / ``"15 天"``; None if neither.

    >>> parse_deadline("7 working days"), parse_deadline("15天"), parse_deadline("一周")
    (Deadline(days=7, working=True), Deadline(days=15, working=False), None)
    """
    found = _DEADLINE.match(text.strip())
    if found is None:
        return None
    return Deadline(int(found["n"]), working=found["working"] is not None)


@dataclass(frozen=True)
class InteractionSettings:
    """Reply deadlines of online messages (局长信箱 and other mailbox exports)."""

    deadline: Deadline = Deadline(5)
    deadlines: tuple[tuple[str, Deadline], ...] = ()
    """Per message type (``MESSAGE_TYPES``), over ``deadline``."""

    def deadline_for(self, message_type: str) -> Deadline:
        return dict(self.deadlines).get(message_type, self.deadline)


@dataclass(frozen=True)
class TrafficSettings:
    """Site traffic: the day cumulative page views are counted from (the first day of the
    exports when None)."""

    since: date | None = None


#: Most days a freshness limit can be (ten years).
MAX_FRESHNESS_DAYS = 3660


@dataclass(frozen=True)
class FreshnessSettings:
    """How many days a column (a category, or a department) may go without a new item
    before a bulletin calls it stale: ``default_days``, and per name (``days``)."""

    default_days: int = 30
    days: tuple[tuple[str, int], ...] = ()

    def limit(self, name: str) -> int:
        """The limit of a category or department; names compared as ``word_key`` makes
        them (a config's 学生资助中心（办） is the export's 学生资助中心(办))."""
        key = word_key(name)
        return next((d for n, d in self.days if word_key(n) == key), self.default_days)

    def names(self, known: Iterable[str]) -> list[str]:
        """The names given a limit that are none of ``known``."""
        keys = {word_key(k) for k in known}
        return [n for n, _ in self.days if word_key(n) not in keys]


#: The channel types of the 2018 统计表's section 一（二）, in its order.
CHANNEL_TYPES = ("政府公报", "政府网站", "政务微博", "政务微信", "其他方式")


@dataclass(frozen=True)
class Statistics2018Settings:
    """The 2018 统计表: the channel type of each platform (``CHANNEL_TYPES``); a platform
    not named is 其他方式."""

    channels: tuple[tuple[str, str], ...] = (("portal", "政府网站"),)

    def channel_of(self, platform: str) -> str:
        return dict(self.channels).get(platform, CHANNEL_TYPES[-1])


DEFAULT_PLATFORMS: tuple[Platform, ...] = (
    Platform("portal", "孝感市教育局门户网站", names=("门户",)),
    Platform("yunshang", "云上孝感", names=("云上",)),
    Platform("dachu", "腾讯大楚网", names=("大楚",)),
    Platform("toutiao", "今日头条", names=("头条",)),
)

DEFAULT_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("重点工作", ("孝感教育新闻", "信息公开栏目")),
    (
        "业务工作",
        (
            "规划财务",
            "教育督导",
            "基础教育",
            "职成教育",
            "教育科研",
            "人事老干语委",
            "教育技术",
            "教育党建",
            "体育卫生",
            "招生考试",
            "行政审批",
            "教育资助",
            "安全后勤",
            "教育工会",
        ),
    ),
)


@dataclass(frozen=True)
class Settings:
    """Everything a config file can set, with the built-in defaults.

    ``platforms`` is in priority order: an item takes its category from the first
    of its copies, in this order, whose channel maps to a category.
    """

    platforms: tuple[Platform, ...] = DEFAULT_PLATFORMS
    categories: tuple[Category, ...] = tuple(
        Category(name, group) for group, names in DEFAULT_GROUPS for name in names
    )
    dedupe: DedupeSettings = field(default_factory=DedupeSettings)
    interactions: InteractionSettings = field(default_factory=InteractionSettings)
    traffic: TrafficSettings = field(default_factory=TrafficSettings)
    doc_types: DocTypeSettings = field(default_factory=DocTypeSettings)
    statistics_2018: Statistics2018Settings = field(default_factory=Statistics2018Settings)
    freshness: FreshnessSettings = field(default_factory=FreshnessSettings)
    sources: tuple[Source, ...] = ()
    source: Path | None = None

    @property
    def groups(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.group for c in self.categories))

    def platform(self, key: str) -> Platform:
        for p in self.platforms:
            if p.key == key:
                return p
        raise KeyError(key)


@dataclass(frozen=True)
class Period:
    """An inclusive date range; either end may be open.

    >>> Period.year(2018)
    Period(start=datetime.date(2018, 1, 1), end=datetime.date(2018, 12, 31))
    """

    start: date | None = None
    end: date | None = None

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))

    @property
    def is_open(self) -> bool:
        return self.start is None and self.end is None


@dataclass(frozen=True)
class RunConfig:
    """One run of the pipeline: which files, with which settings, over which period."""

    paths: tuple[Path, ...]
    settings: Settings = field(default_factory=Settings)
    period: Period = field(default_factory=Period)
    as_of: date | None = None
    """The day messages are judged on (replied, overdue…): the period's last day when None,
    else today."""
    figures: Figures | None = None
    """The year's typed figures (``figures.Figures``, read from ``--figures``), if any."""
    kinds: tuple[str, ...] | None = None
    """The kinds of input the run counts (``read.kinds`` names); files of others are left
    unread, with a note. None: every kind."""
    timeline: bool = False
    """Whether the run keeps ``Result.timeline`` (every item of any date: for a bulletin;
    at 1,000,000 rows it cost aggregate 1–3 s and 150 MiB it has no use for)."""

    @property
    def judged_on(self) -> date:
        return self.as_of or self.period.end or date.today()


# --- loading -----------------------------------------------------------------

_KEY_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_TOP_KEYS = (
    "platforms",
    "categories",
    "category_groups",
    "dedupe",
    "interactions",
    "traffic",
    "doc_types",
    "sources",
    "statistics_2018",
    "freshness",
)
_SOURCE_KEYS = ("kind", "files", "columns", "encoding", "sheet")
_PLATFORM_KEYS = ("label", "names", "files", "columns", "encoding", "sheet", "document_id")
_DEDUPE_KEYS = ("window_days", "site_names", "priority", "fuzzy", "fuzzy_threshold", "decisions")


class TomlLoader:
    """Validates a parsed TOML document; errors name the file, the key and its line."""

    def __init__(self, path: Path, text: str, what: str = "配置文件") -> None:
        self.path = path
        self.lines = text.splitlines()
        self.what = what

    def fail(self, where: str, message: str) -> ConfigError:
        line = self._line_of(where)
        at = f"第 {line} 行，" if line else ""
        return ConfigError(f"{self.what} {self.path}：{at}{shorten(where)}：{message}")

    def _line_of(self, where: str) -> int | None:
        """Best-effort line of a dotted key such as ``platforms.portal.label``."""
        parts = where.split(".")
        own = self._find(_header_re(parts))
        if own is not None:
            return own + 1
        start = self._find(_header_re(parts[:-1])) if len(parts) > 1 else 0
        key = re.compile(r"^\s*" + _quoted(parts[-1]) + r"\s*=")
        found = self._find(key, start or 0)
        if found is not None:
            return found + 1
        return start + 1 if start is not None and len(parts) > 1 else None

    def _find(self, pattern: re.Pattern[str], start: int = 0) -> int | None:
        return next(
            (i for i in range(start, len(self.lines)) if pattern.match(self.lines[i])), None
        )

    def unknown(self, table: Mapping[str, Any], allowed: Iterable[str], where: str) -> None:
        allowed = tuple(allowed)
        for key in table:
            if key not in allowed:
                prefix = f"{where}." if where else ""
                raise self.fail(f"{prefix}{key}", f"未知的设置项（可用：{'、'.join(allowed)}）")

    def string(self, value: Any, where: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, "应为非空的文字（用英文双引号括起）")
        return value.strip()

    def strings(self, value: Any, where: str) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise self.fail(where, '应为文字列表，例如 ["甲", "乙"]')
        return tuple(self.string(v, where) for v in value)

    def table(self, value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, "应为一个表（[…] 段落）")
        return value


def _header_re(parts: list[str]) -> re.Pattern[str]:
    return re.compile(r"^\s*\[+\s*" + r"\s*\.\s*".join(_quoted(p) for p in parts) + r"\s*\]")


def _quoted(key: str) -> str:
    return r"""["']?""" + re.escape(key) + r"""["']?"""


def example_config() -> str:
    """The complete, commented config file that ``init`` writes (it states the defaults)."""
    from importlib.resources import files

    return files("xgedu_stats").joinpath("example-config.toml").read_text(encoding="utf-8")


def load_settings(path: Path) -> Settings:
    """Read a TOML config file over the built-in defaults.

    >>> load_settings(Path("xgedu_stats/example-config.toml")).dedupe.window_days
    3
    """
    raw = _read_bounded(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"配置文件 {path} 不是 UTF-8 编码，请以 UTF-8 保存") from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(toml_error(path, text, str(exc))) from None
    except RecursionError:  # tomllib parses nested arrays and inline tables recursively
        raise ConfigError(
            f"配置文件 {path} 不是有效的配置：数组或表嵌套的层数太多；请用 xgedu-stats init 重新生成"
        ) from None
    return settings_from_dict(doc, TomlLoader(path, text))


#: tomllib's reasons (English) as a clerk reads them, by the start of the message.
_TOML_REASONS = (
    ("Invalid statement", "无法识别这一行"),
    ("Expected '=' after a key", "名称后面应是 ="),
    ("Expected ']' at the end of a table", "段名后面缺少 ]"),
    ("Expected ']]' at the end of an array", "段名后面缺少 ]]"),
    ("Cannot overwrite a value", "同一个设置项写了两次"),
    ("Cannot declare", "同一段写了两次"),
    ("Cannot mutate", "同一段写了两次"),
    ("Invalid value", "值的写法不对"),
    ("Unclosed array", "列表缺少 ]"),
    ("Unclosed inline table", "缺少 }"),
    ("Unterminated string", "引号没有成对"),
    ("Illegal character", "有不允许的字符"),
    ("Invalid initial character for a key part", "名称的写法不对"),
    ("Expected newline or end of document", "一行只能写一个设置项"),
)
#: Full-width characters an input method types for TOML's own, and what to type instead.
_FULL_WIDTH_HINTS = (
    ("“”‘’", '引号要用英文的双引号 "，不能用中文引号'),
    ("，", "列表中用英文逗号 , 分隔"),
    ("＝", "等号要用英文的 ="),
    ("［］【】", "方括号要用英文的 [ ]"),
    ("＃", "说明以英文的 # 开头"),
)


def toml_error(path: Path, text: str, message: str, what: str = "配置文件") -> str:
    r"""A TOML syntax error in Chinese: where, what, the line, and a hint for what a Chinese
    input method types by mistake (full-width quotes, commas, equals; unquoted Chinese names).

    >>> toml_error(Path("c.toml"), '[doc_types]\n资料 = ["名单"]\n', "Invalid statement (at line 2, column 1)")
    '配置文件 c.toml：第 2 行第 1 列写法不对（无法识别这一行）：资料 = ["名单"]；中文名称要用英文双引号括起；可改为："资料" = ["名单"]'
    """
    at = re.search(r"\(at line (\d+), column (\d+)\)", message)
    reason = next((zh for en, zh in _TOML_REASONS if message.startswith(en)), "格式错误")
    if at is None:
        return f"{what} {path}：写法不对（{reason}，可能是文件末尾缺少 ] 或引号）"
    number, column = int(at[1]), int(at[2])
    lines = text.splitlines()
    line = lines[number - 1].strip() if 0 < number <= len(lines) else ""
    hints = [hint for chars, hint in _FULL_WIDTH_HINTS if any(c in line for c in chars)]
    key = line.split("=", 1)[0].strip() if "=" in line else ""
    if key and not key.isascii() and not key.startswith(('"', "'", "“", "‘")):
        hints.append("中文名称要用英文双引号括起")
    if reason.startswith("同一"):
        hints.append("请删去其中一处，或把两处的值合在一起")
    suggestion = _suggestion(line)
    if suggestion is not None:
        hints.append(f"可改为：{shorten(suggestion)}")
    where = f"第 {number} 行第 {column} 列写法不对（{reason}）"
    shown = f"：{shorten(line)}" if line else ""
    return f"{what} {path}：{where}{shown}" + "".join(f"；{h}" for h in hints)


def _suggestion(line: str) -> str | None:
    """The line as TOML takes it, when what an input method typed is all that is wrong
    (full-width signs and digits, “” quotes, 、 between words, a Chinese name or word without
    quotes, ： for =, a 。 at the end, 2015年9月1日); None when that does not make it valid.

    >>> _suggestion("资料 = [名单、名录]"), _suggestion("since ＝ 2015年9月1日。")
    ('"资料" = ["名单", "名录"]', 'since = 2015-09-01')
    """
    fixed = unicodedata.normalize("NFKC", line.strip())  # (＝ ， ［ ］ ： ３ and 　)
    for wrong, right in (("“", '"'), ("”", '"'), ("‘", "'"), ("’", "'"), ("、", ",")):
        fixed = fixed.replace(wrong, right)
    fixed = fixed.rstrip("。;").strip()
    fixed = re.sub(
        r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日",
        lambda m: f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d}",
        fixed,
    )
    if "=" not in fixed and ":" in fixed:
        fixed = fixed.replace(":", "=", 1)
    key, equals, value = fixed.partition("=")
    if equals:
        key, value = key.strip(), value.strip()
        if key and not key.isascii() and key[:1] not in "\"'":
            key = f'"{key}"'
        if value.startswith("[") and value.endswith("]"):
            words = [w.strip() for w in value[1:-1].split(",") if w.strip()]
            value = "[" + ", ".join(w if _is_toml_value(w) else f'"{w}"' for w in words) + "]"
        elif value and not _is_toml_value(value):
            value = f'"{value}"'
        fixed = f"{key} = {value}"
    try:
        tomllib.loads(fixed)
    except tomllib.TOMLDecodeError:
        return None
    return fixed if fixed != line.strip() else None


def _is_toml_value(text: str) -> bool:
    """Whether a piece of a line is a TOML value as written (quoted, a number, a boolean, a
    date, a list or table)."""
    return (
        text[:1] in "\"'[{"
        or re.fullmatch(r"[-+]?[\d.]+|true|false|\d{4}-\d{2}-\d{2}", text) is not None
    )


def _read_bounded(path: Path) -> bytes:
    """The config file's bytes (``read_small_file``, at most ``MAX_CONFIG_BYTES``)."""
    return read_small_file(
        path,
        MAX_CONFIG_BYTES,
        "配置文件",
        "请指定一个 .toml 文件",
        "MAX_CONFIG_BYTES",
        "不像是配置文件；请检查 --config 指定的文件",
    )


def read_small_file(
    path: Path,
    limit: int,
    what: str,
    expected: str,
    limit_name: str,
    too_big: str,
    setting: str = "",
) -> bytes:
    """The bytes of a file a clerk names in a setting (the config, the decisions file),
    if it is a regular file of at most ``limit`` bytes; else a :class:`ConfigError`.

    Checked before opening: opening a FIFO for reading blocks until someone writes to
    it, and a device such as ``/dev/zero`` never ends. ``setting`` names where the path
    was given, for the message when there is no such file.
    """
    import stat

    from xgedu_stats.messages import os_reason

    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise ConfigError(f"{what} {path} 是一个文件夹；{expected}")
        if not stat.S_ISREG(mode):
            raise ConfigError(f"{what} {path} 不是普通文件（而是设备、管道等）；{expected}")
        with path.open("rb") as f:
            raw = f.read(limit + 1)
    except FileNotFoundError:
        raise ConfigError(f"找不到{what}：{path}{setting}") from None
    except OSError as exc:
        raise ConfigError(f"无法读取{what} {path}：{os_reason(exc)}") from None
    except ValueError:  # a NUL in the name (library callers; the config refuses it first)
        raise ConfigError(f"{what}的文件名中有空字符（\\u0000）：{path}{setting}") from None
    if len(raw) > limit:
        size = f"{limit // 1024 // 1024} MiB" if limit >= 1024 * 1024 else f"{limit // 1024} KiB"
        raise ConfigError(f"{what} {path} 超过 {size}（{limit_name}），{too_big}")
    return raw


def settings_from_dict(doc: Mapping[str, Any], loader: TomlLoader | None = None) -> Settings:
    """Build :class:`Settings` from a parsed config document, validating every key."""
    ld = loader or TomlLoader(Path("<config>"), "")
    ld.unknown(doc, _TOP_KEYS, "")

    platforms = {p.key: p for p in DEFAULT_PLATFORMS}
    for key, where, body in _named_tables(ld, doc, "platforms", _PLATFORM_KEYS, "平台代码"):
        changes = _how_to_read(ld, body, where)
        if "label" in body:
            changes["label"] = ld.string(body["label"], f"{where}.label")
        if "names" in body:
            changes["names"] = ld.strings(body["names"], f"{where}.names")
        if "document_id" in body:
            changes["document_id"] = _document_id(ld, body["document_id"], f"{where}.document_id")
        platforms[key] = replace(platforms.get(key, Platform(key, key)), **changes)

    dedupe_doc = ld.table(doc.get("dedupe", {}), "dedupe")
    ld.unknown(dedupe_doc, _DEDUPE_KEYS, "dedupe")
    dedupe = DedupeSettings()
    if "window_days" in dedupe_doc:
        w = dedupe_doc["window_days"]
        if isinstance(w, bool) or not isinstance(w, int) or not 0 <= w <= 366:
            raise ld.fail("dedupe.window_days", "应为 0 到 366 之间的整数（天）")
        dedupe = replace(dedupe, window_days=w)
    if "site_names" in dedupe_doc:
        names = ld.strings(dedupe_doc["site_names"], "dedupe.site_names")
        if len(names) > MAX_SITE_NAMES or max(map(len, names), default=0) > MAX_SITE_NAME_CHARS:
            raise ld.fail(
                "dedupe.site_names",
                f"网站名称最多 {MAX_SITE_NAMES} 个，每个最多 {MAX_SITE_NAME_CHARS} 个字"
                f"（现有 {len(names)} 个，最长 {max(map(len, names))} 个字）",
            )
        dedupe = replace(dedupe, site_names=names)
    if "priority" in dedupe_doc:
        prio = ld.strings(dedupe_doc["priority"], "dedupe.priority")
        for k in prio:
            if k not in platforms:
                raise ld.fail(
                    "dedupe.priority", f"没有代码为 {k} 的平台（已知：{'、'.join(platforms)}）"
                )
        dedupe = replace(dedupe, priority=prio)
    if "fuzzy" in dedupe_doc:
        if not isinstance(dedupe_doc["fuzzy"], bool):
            raise ld.fail("dedupe.fuzzy", "应为 true 或 false")
        dedupe = replace(dedupe, fuzzy=dedupe_doc["fuzzy"])
    if "fuzzy_threshold" in dedupe_doc:
        t = dedupe_doc["fuzzy_threshold"]
        if isinstance(t, bool) or not isinstance(t, int | float) or not 50 <= t <= 100:
            raise ld.fail("dedupe.fuzzy_threshold", "应为 50 到 100 之间的数")
        dedupe = replace(dedupe, fuzzy_threshold=float(t))
    if "decisions" in dedupe_doc:
        text = ld.string(dedupe_doc["decisions"], "dedupe.decisions")
        if "\0" in text:  # no file system has such a name; os.stat would raise ValueError
            raise ld.fail("dedupe.decisions", "文件名中不能有空字符（\\u0000）")
        name = Path(text)
        dedupe = replace(dedupe, decisions=name if name.is_absolute() else ld.path.parent / name)
    ordered = [platforms[k] for k in dedupe.priority if k in platforms]
    ordered += [p for k, p in platforms.items() if k not in dedupe.priority]
    if len(ordered) > MAX_PLATFORMS:
        raise ld.fail("platforms", f"平台最多 {MAX_PLATFORMS} 个（现有 {len(ordered)} 个）")

    categories = _categories(doc, ld)
    return Settings(
        platforms=tuple(ordered),
        categories=categories,
        dedupe=dedupe,
        interactions=_interactions(doc, ld),
        traffic=_traffic(doc, ld),
        doc_types=_doc_types(doc, ld),
        statistics_2018=_statistics_2018(doc, ld, tuple(ordered)),
        freshness=_freshness(doc, ld),
        sources=_sources(doc, ld),
        source=ld.path,
    )


def _sources(doc: Mapping[str, Any], ld: TomlLoader) -> tuple[Source, ...]:
    """``[sources.KEY]``: kind and files required; columns, encoding and sheet as a platform's.
    (Its kind and column keys are checked where kinds are known: ``read.profiles.check_sources``,
    before any file is read.)"""
    out = []
    for key, where, body in _named_tables(ld, doc, "sources", _SOURCE_KEYS, "名称"):
        for required in ("kind", "files"):
            if required not in body:
                raise ld.fail(
                    where,
                    f'缺少 {required}（例如 kind = "interactions"、files = ["局长信箱*.xlsx"]）',
                )
        kind = ld.string(body["kind"], f"{where}.kind")
        out.append(Source(key=key, kind=kind, **_how_to_read(ld, body, where)))
    return tuple(out)


def _named_tables(
    ld: TomlLoader, doc: Mapping[str, Any], name: str, keys: tuple[str, ...], what: str
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """``[NAME.KEY]`` tables (platforms, sources): each key checked, each body a table of
    known keys; yields (key, its dotted name, body)."""
    for key, body in ld.table(doc.get(name, {}), name).items():
        where = f"{name}.{key}"
        if not _KEY_RE.match(key):
            raise ld.fail(where, f"{what}只能由英文字母、数字、- 和 _ 组成，并以字母开头")
        body = ld.table(body, where)
        ld.unknown(body, keys, where)
        yield key, where, body


def _how_to_read(ld: TomlLoader, body: Mapping[str, Any], where: str) -> dict[str, Any]:
    """The settings a platform and a source share, as given: ``files``, ``sheet``,
    ``encoding``, ``columns``."""
    out: dict[str, Any] = {}
    if "files" in body:
        out["files"] = ld.strings(body["files"], f"{where}.files")
    if "sheet" in body:
        out["sheet"] = ld.string(body["sheet"], f"{where}.sheet")
    if "encoding" in body:
        out["encoding"] = _encoding(ld, body["encoding"], f"{where}.encoding")
    if "columns" in body:
        cols = ld.table(body["columns"], f"{where}.columns")
        out["columns"] = tuple((f, ld.string(h, f"{where}.columns.{f}")) for f, h in cols.items())
    return out


def _traffic(doc: Mapping[str, Any], ld: TomlLoader) -> TrafficSettings:
    body = ld.table(doc.get("traffic", {}), "traffic")
    ld.unknown(body, ("since",), "traffic")
    if "since" not in body:
        return TrafficSettings()
    value = body["since"]
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = date.fromisoformat(value.strip())
    if not isinstance(value, date):
        raise ld.fail("traffic.since", '应为日期，例如 since = 2015-09-01 或 since = "2015-09-01"')
    return TrafficSettings(since=value)


def _freshness(doc: Mapping[str, Any], ld: TomlLoader) -> FreshnessSettings:
    """``[freshness]``: ``default_days``, and any other key a category's or a department's
    limit (its name is checked against the run's, where they are known)."""
    body = ld.table(doc.get("freshness", {}), "freshness")
    limits: dict[str, int] = {}
    for key, value in body.items():
        if isinstance(value, bool) or not isinstance(value, int):
            raise ld.fail(f"freshness.{key}", f"应为天数（1 到 {MAX_FRESHNESS_DAYS} 的整数）")
        if not 1 <= value <= MAX_FRESHNESS_DAYS:
            raise ld.fail(f"freshness.{key}", f"天数应在 1 到 {MAX_FRESHNESS_DAYS} 之间")
        if not word_key(key):
            raise ld.fail(f"freshness.{key}", "类别或部门的名称不能为空")
        same = next((k for k in limits if word_key(k) == word_key(key)), None)
        if same is not None:
            raise ld.fail(f"freshness.{key}", f"与「{same}」是同一个名称，只能写一次")
        limits[key.strip()] = value
    default = limits.pop("default_days", FreshnessSettings.default_days)
    return FreshnessSettings(default_days=default, days=tuple(limits.items()))


def _statistics_2018(
    doc: Mapping[str, Any], ld: TomlLoader, platforms: tuple[Platform, ...]
) -> Statistics2018Settings:
    body = ld.table(doc.get("statistics_2018", {}), "statistics_2018")
    ld.unknown(body, ("channels",), "statistics_2018")
    if "channels" not in body:
        return Statistics2018Settings()
    where = "statistics_2018.channels"
    channels = ld.table(body["channels"], where)
    keys = [p.key for p in platforms]
    out = []
    for key, value in channels.items():
        if key not in keys:
            raise ld.fail(f"{where}.{key}", f"没有这个平台（已有：{'、'.join(keys)}）")
        if value not in CHANNEL_TYPES:
            raise ld.fail(f"{where}.{key}", f"应为{'、'.join(CHANNEL_TYPES)}之一")
        out.append((key, value))
    return Statistics2018Settings(tuple(out))


def _doc_types(doc: Mapping[str, Any], ld: TomlLoader) -> DocTypeSettings:
    """``[doc_types]``: title words per named type, in the order written; the table given
    replaces the built-in words (an empty table: types only from 文种 columns and 文号)."""
    if "doc_types" not in doc:
        return DocTypeSettings()
    body = ld.table(doc["doc_types"], "doc_types")
    named = DOC_TYPES[:-1]
    out = []
    owner: dict[str, tuple[str, str]] = {}  # word key -> (type, the word as written)
    for name, value in body.items():
        where = f"doc_types.{name}"
        if name not in named:
            hint = "；其他 是没有任何词符合时的文种，不用写" if name == DOC_TYPES[-1] else ""
            if name.strip() in named:
                hint = f"；「{name}」前后有空格，请删去"
            raise ld.fail(
                where, f"没有「{shorten(name)}」这个文种（可写：{'、'.join(named)}）{hint}"
            )
        words = []
        for word in ld.strings(value, where):
            key = word_key(word)
            if len(word.strip()) > MAX_DOC_TYPE_WORD_CHARS:
                raise ld.fail(
                    where, f"「{shorten(word)}」太长：每个词最多 {MAX_DOC_TYPE_WORD_CHARS} 个字"
                )
            if not key:
                raise ld.fail(where, f"「{shorten(word)}」去掉标点和空格后什么也不剩，不能作为词")
            if any(sep in word.strip() for sep in ",，、;；"):
                parts = [w for w in re.split(r"[,，、;；]", word) if w.strip()]
                example = ", ".join(f'"{w.strip()}"' for w in parts[:3])
                raise ld.fail(
                    where, f"「{shorten(word)}」中有逗号或顿号：每个词单独加引号，例如 [{example}]"
                )
            if key in owner and owner[key][0] != name:
                raise ld.fail(
                    where,
                    f"「{shorten(word)}」已写在文种「{owner[key][0]}」中（「{shorten(owner[key][1])}」）；"
                    "一个词只能属于一个文种",
                )
            owner[key] = (name, word)
            words.append(word.strip())
        out.append((name, tuple(dict.fromkeys(words))))
    total = sum(len(words) for _, words in out)
    if total > MAX_DOC_TYPE_WORDS:
        raise ld.fail("doc_types", f"各文种的词合计最多 {MAX_DOC_TYPE_WORDS} 个（现有 {total} 个）")
    return DocTypeSettings(words=tuple(out))


def _interactions(doc: Mapping[str, Any], ld: TomlLoader) -> InteractionSettings:
    body = ld.table(doc.get("interactions", {}), "interactions")
    ld.unknown(body, ("deadline", "deadlines"), "interactions")
    out = InteractionSettings()
    if "deadline" in body:
        out = replace(out, deadline=_deadline(ld, body["deadline"], "interactions.deadline"))
    if "deadlines" in body:
        per_type = ld.table(body["deadlines"], "interactions.deadlines")
        for name in per_type:
            if name not in MESSAGE_TYPES:
                raise ld.fail(
                    f"interactions.deadlines.{name}",
                    f"没有这个留言类型（类型有：{'、'.join(MESSAGE_TYPES)}）",
                )
        out = replace(
            out,
            deadlines=tuple(
                (name, _deadline(ld, value, f"interactions.deadlines.{name}"))
                for name, value in per_type.items()
            ),
        )
    return out


def _deadline(ld: TomlLoader, value: Any, where: str) -> Deadline:
    found = parse_deadline(ld.string(value, where))
    if found is None or not 1 <= found.days <= MAX_DEADLINE_DAYS:
        raise ld.fail(
            where,
            f'应写成 "5 working days"（或 "5 个工作日"）或 "15 days"（或 "15 天"），'
            f"天数为 1 到 {MAX_DEADLINE_DAYS}",
        )
    return found


def _encoding(ld: TomlLoader, value: Any, where: str) -> str:
    name = ld.string(value, where)
    if text_encoding(name) is None:
        raise ld.fail(where, f"{shorten(name)} 不是可用的文本编码（可用：{encoding_names()}）")
    return name


def _document_id(ld: TomlLoader, value: Any, where: str) -> str:
    """A regex with exactly one group, in the subset of syntax RE2 (which applies it) and
    Python's re share: no look-around, no back-references."""
    from xgedu_stats.columns import regex_error

    pattern = ld.string(value, where)
    try:
        with warnings.catch_warnings():  # ("possible nested set": [[:digit:]] is RE2's)
            warnings.simplefilter("ignore", FutureWarning)
            groups = re.compile(pattern).groups
    except re.error as exc:
        raise ld.fail(where, f"不是有效的正则表达式（{exc}）") from None
    if groups != 1 or re.search(r"\(\?<?[=!]|\\[1-9]", pattern):
        raise ld.fail(
            where,
            "应为只含一个括号分组的正则表达式，分组取出链接中的文档编号，"
            r"例如 '_(\d+)\.s?html?$'（不支持 (?= 等环视和 \1 等反向引用）",
        )
    refused = regex_error(pattern)
    if refused is not None:
        raise ld.fail(
            where,
            f"这种正则写法无法使用（{shorten(refused)}）：只支持常见写法，"
            r"不支持 (?>…)、(?P=…)、\Z、++ 等，重复次数最多 1000",
        )
    return pattern


def _categories(doc: Mapping[str, Any], ld: TomlLoader) -> tuple[Category, ...]:
    groups: tuple[tuple[str, tuple[str, ...]], ...] = DEFAULT_GROUPS
    if "category_groups" in doc:
        table = ld.table(doc["category_groups"], "category_groups")
        groups = tuple(
            (ld.string(g, "category_groups"), ld.strings(names, f"category_groups.{g}"))
            for g, names in table.items()
        )
        if not groups:
            raise ld.fail("category_groups", "至少需要一个分组")
        for g, names in groups:
            if not names:
                raise ld.fail(f"category_groups.{g}", "分组中至少需要一个类别")
    seen: dict[str, str] = {}  # name or alias -> the category it stands for
    order: list[tuple[str, str]] = []
    for group, names in groups:
        for name in names:
            if name in seen or name == UNCATEGORISED:
                raise ld.fail(f"category_groups.{group}", f"类别「{name}」重复或为保留名称")
            seen[name] = name
            order.append((name, group))

    aliases: dict[str, list[str]] = {name: [] for name, _ in order}
    for name, values in ld.table(doc.get("categories", {}), "categories").items():
        where = f"categories.{name}"
        if name not in aliases:
            raise ld.fail(where, f"没有这个类别（类别有：{'、'.join(aliases)}）")
        for alias in ld.strings(values, where):
            if alias in seen and seen[alias] != name:
                raise ld.fail(
                    where, f"栏目名「{alias}」已属于类别「{seen[alias]}」，一个栏目只能对应一个类别"
                )
            seen[alias] = name
            if alias != name and alias not in aliases[name]:
                aliases[name].append(alias)
    return tuple(Category(name, group, tuple(aliases[name])) for name, group in order)
