"""What a run from cron needs around its outputs: file names from the period
(``bulletins/通报-{from}-{to}.md``), their folders made, a lock so that two overlapping
runs never write into one folder at once, and a log of one JSON line per run."""

from __future__ import annotations

import json
import os
import string
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from xgedu_stats.errors import OptionError, OutputError
from xgedu_stats.messages import display_path, os_reason

#: The placeholders an output's name may hold.
PLACEHOLDERS = ("from", "to", "period")


def expand(path: Path, values: Mapping[str, str], option: str = "-o") -> Path:
    """The path with ``{from}``, ``{to}`` and ``{period}`` filled in (``{{`` is a brace).

    >>> expand(Path("通报/{period}/通报-{from}-{to}.md"), {"from": "2018-03-01", "to": "2018-03-15", "period": "2018-03a"})
    PosixPath('通报/2018-03a/通报-2018-03-01-2018-03-15.md')
    """
    text = str(path)
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
    except ValueError:
        raise _bad(option, text, "大括号不成对") from None
    for f in fields:
        if f not in PLACEHOLDERS:
            raise _bad(option, text, f"不认识 {{{f}}}")
    return Path(text.format_map(values))


def _bad(option: str, text: str, why: str) -> OptionError:
    usable = "、".join(f"{{{p}}}" for p in PLACEHOLDERS)
    return OptionError(
        f"{option} {text}：{why}；文件名中可用 {usable}（统计期的起止日期和名称），大括号本身写作 {{{{ }}}}"
    )


def make_folders(paths: list[Path]) -> None:
    """Create the folders the outputs go into (a dated folder for each period, say)."""
    for path in paths:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(
                f"无法创建文件夹 {display_path(path.parent)}：{os_reason(exc)}"
            ) from None


@contextmanager
def locked(folders: list[Path]) -> Iterator[None]:
    """Hold the lock of each folder the outputs go into until the block ends. A folder
    another run holds is an error at once (the second run writes nothing; cron mails its
    message): it does not wait, so runs never pile up behind a stuck one.

    The lock is ``flock`` on the folder itself: no lock file is left behind, and the
    system releases it when a run ends in any way, even killed."""
    try:
        import fcntl
    except ImportError:  # (Windows: no flock; runs are not overlapped there by cron)
        yield
        return
    held: list[int] = []
    try:
        for folder in {f.resolve(): f for f in folders}.values():
            fd = os.open(folder, os.O_RDONLY)
            held.append(fd)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise OutputError(
                    f"另一个 xgedu-stats bulletin 正在向文件夹 {display_path(folder)} 写通报，"
                    "本次没有写任何文件；请等它结束后再运行（同一文件夹同时只能有一个在写）"
                ) from None
        yield
    finally:
        for fd in held:
            os.close(fd)


def log(path: Path, record: dict[str, Any]) -> None:
    """Append one JSON line (with the time) to the log, creating it and its folder."""
    line = {"time": datetime.now().astimezone().isoformat(timespec="seconds"), **record}
    data = (json.dumps(line, ensure_ascii=False) + "\n").encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, data)  # (one write of O_APPEND: lines of runs never interleave)
        finally:
            os.close(fd)
    except OSError as exc:
        raise OutputError(f"无法写入日志 {display_path(path)}：{os_reason(exc)}") from None
