"""What a run from cron needs around its outputs: file names from the period
(``bulletins/通报-{from}-{to}.md``), their folders made, a lock so that two overlapping
runs never write into one folder at once, and a log of one JSON line per run."""

from __future__ import annotations

import errno
import json
import os
import stat
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
        parts = list(string.Formatter().parse(text))
    except ValueError:
        raise _bad(option, text, "大括号的写法不对") from None
    out = []
    for literal, name, spec, conversion in parts:
        out.append(literal)
        if name is None:
            continue
        if name not in PLACEHOLDERS or spec or conversion:
            written = name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            raise _bad(option, text, f"不认识 {{{written}}}")
        out.append(values[name])
    return Path("".join(out))


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
        except (FileExistsError, NotADirectoryError):
            blocking = next(p for p in (path.parent, *path.parent.parents) if p.exists())
            raise OutputError(
                f"无法创建文件夹 {display_path(path.parent)}：{display_path(blocking)} 是文件，不是文件夹"
            ) from None
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
            try:
                fd = os.open(folder, os.O_RDONLY)
            except OSError as exc:
                raise _unlockable(folder, exc) from None
            held.append(fd)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise OutputError(
                    f"另一个 xgedu-stats bulletin 正在向文件夹 {display_path(folder)} 写通报，"
                    "本次没有写任何文件；请等它结束后再运行（同一文件夹同时只能有一个在写）"
                ) from None
            except OSError as exc:
                if exc.errno in _NO_LOCKS:  # (a shared folder without locks: no lock there)
                    continue
                raise _unlockable(folder, exc) from None
        yield
    finally:
        for fd in held:
            os.close(fd)


#: What a file system without ``flock`` answers (some network shares).
_NO_LOCKS = {errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EINVAL}


def _unlockable(folder: Path, exc: OSError) -> OutputError:
    return OutputError(
        f"无法锁定文件夹 {display_path(folder)}（防止两次运行同时写）：{os_reason(exc)}；"
        "本次没有写任何文件"
    )


#: How much of an existing log is read to see that it is one (its first line).
LOG_HEAD_BYTES = 4096


def check_log(
    path: Path, inputs: list[Path], readable: tuple[str, ...], kept: dict[Path, str]
) -> None:
    """Refuse a log that could harm a file. An existing one must be a log this tool wrote
    (empty, or its first line one of its records): whatever else it is — an export under
    another name, a hard or symbolic link to one, the config — nothing is appended to it.
    A new one (a dangling link: where it points) is not a file the run writes (``kept``,
    with what each is), nor of a kind the tool reads inside a folder it reads (the next run
    would take it for an export: its lines carry no marker). Checked before anything else,
    so that a failed run may log."""
    shown = display_path(path)
    target = path.resolve()
    if target.is_dir():
        raise OptionError(f"--log {shown} 是文件夹；请写日志文件的名称，如 运行日志.jsonl")
    if target.exists():
        if not _is_log(target):
            raise OptionError(
                f"--log {shown} 已存在，但不是 xgedu-stats 的运行日志（第一行不是它写的记录）；"
                "为免改坏这个文件，请换一个日志文件名"
            )
        return
    for other, what in kept.items():
        if target == other.resolve():
            raise OptionError(f"--log {shown} 是{what}，不能往里面写日志")
    if target.suffix.casefold() not in readable:
        return
    for folder in inputs:
        if folder.is_dir() and target.parent.is_relative_to(folder.resolve()):
            raise OptionError(
                f"--log {shown} 在输入文件夹 {display_path(folder)} 中，下次统计会把它"
                "当作导出文件读取；请放在别的文件夹，或用 .jsonl、.log 扩展名"
            )


def _is_log(path: Path) -> bool:
    """An empty regular file, or one whose first line is a record ``log`` wrote."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return False
        with path.open("rb") as f:
            head = f.read(LOG_HEAD_BYTES)
    except OSError:
        return False
    if not head.strip():
        return True
    try:
        first = json.loads(head.split(b"\n", 1)[0])
    except ValueError:
        return False
    return isinstance(first, dict) and {"time", "period", "outcome"} <= first.keys()


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
