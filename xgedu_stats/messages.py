"""What a clerk reads: one safe line, whatever the file names and titles hold.

Control characters and undecodable bytes are escaped (:func:`printable`), operating-system
errors are named in Chinese (:func:`os_reason`). A file name holding a line break must not turn a one-line message into two (the second one
forged), and a title holding an ESC sequence must not drive the clerk's terminal. Messages,
notes and text tables pass what they show through :func:`printable`; CSV and JSON files keep
the data as it is.
"""

from __future__ import annotations

import errno
import os
import re

#: What is escaped: C0 and C1 controls and DEL, the Unicode line and paragraph separators,
#: the bidirectional overrides and isolates (they can reorder what a line appears to say),
#: and lone surrogates (a file name's bytes that are not UTF-8, as Python decodes them).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every control character escaped, so that it stays one harmless line.

    >>> printable("a\\nError: b"), printable("\\x1b[31m红"), printable("门户\\udcff.csv")
    ('a\\\\nError: b', '\\\\x1b[31m红', '门户\\\\xff.csv')
    """
    if _UNSAFE.search(text) is None:  # the common case: nothing to do, no copy
        return text
    return _UNSAFE.sub(_escape, text)


def display_path(path: str | os.PathLike[str]) -> str:
    """A path as a message shows it: with ``/`` and control characters escaped.

    >>> display_path("exports/门户\\n.csv")
    'exports/门户\\\\n.csv'
    """
    return printable(os.fspath(path).replace(os.sep, "/"))


_REASONS = {
    getattr(errno, name): text
    for name, text in (
        ("ENOENT", "不存在"),
        ("ENOTDIR", "路径中有一段不是文件夹"),
        ("EACCES", "没有权限"),
        ("EPERM", "没有权限"),
        ("EROFS", "所在的磁盘只读"),
        ("ENOSPC", "磁盘空间不足"),
        ("EDQUOT", "超出磁盘配额"),  # (not on every system)
        ("EISDIR", "是文件夹"),
        ("ENAMETOOLONG", "文件名过长"),
        ("ELOOP", "符号链接循环"),
        ("EIO", "读写出错（磁盘或网络故障）"),
        ("EBUSY", "正被占用"),
    )
    if hasattr(errno, name)
}


def os_reason(exc: OSError) -> str:
    """Why the operating system refused, in Chinese (its own text is English).

    >>> os_reason(PermissionError(errno.EACCES, "Permission denied"))
    '没有权限'
    """
    if exc.errno in _REASONS:
        return _REASONS[exc.errno]
    name = errno.errorcode.get(exc.errno or 0)
    return f"系统错误 {name}" if name else "系统错误"


#: How much of one piece of input (a header cell, a key, a sheet name) a message quotes.
QUOTED_CHARS = 30
#: How many header cells (or names) a message lists before saying how many more there are.
QUOTED_ITEMS = 20


def shorten(text: str, limit: int = QUOTED_CHARS) -> str:
    """``text``, cut to ``limit`` characters with an ellipsis: a message quoting input stays
    one readable line however large the input.

    >>> shorten("标题" * 30, 5)
    '标题标题标…'
    """
    return text if len(text) <= limit else text[:limit] + "…"


def listing(items: list[str], limit: int = QUOTED_ITEMS) -> str:
    """Items joined with 、, each shortened, at most ``limit`` of them and a count of the rest.

    >>> listing(["标题", "", "日期", "栏目"], 2)
    '标题、（空）等 4 项'
    """
    shown = "、".join(shorten(i) if i else "（空）" for i in items[:limit])
    return shown if len(items) <= limit else f"{shown}等 {len(items)} 项"
